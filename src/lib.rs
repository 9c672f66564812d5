//! xray-tui: a keyboard-driven terminal explorer for AWS X-Ray traces.
//!
//! Data flows one way: source → worker → Action → update → State → ui.

pub mod analytics;
pub mod app;
pub mod aws;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo_gen;
pub mod event_loop;
pub mod filter;
pub mod history;
pub mod layout;
pub mod model;
pub mod print;
pub mod send;
pub mod source;
pub mod start;
pub mod synthetic;
pub mod text;
pub mod tui;
pub mod ui;
pub mod upload;
pub mod worker;

use std::process::ExitCode;
use std::sync::Arc;

use cli::Cli;
use source::TraceSource;
use start::{Screen, Settings, Start};

/// `--print` never waits longer than this for its data.
const PRINT_BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the program for a parsed command line; the exit code says how it went.
pub async fn run(cli: Cli) -> ExitCode {
    let (config, config_problem) = config::load(cli.config.as_deref());
    let start = match Start::new(&cli, &config) {
        Ok(start) => start,
        Err(message) => {
            eprintln!("xray-tui: {message}");
            return ExitCode::from(2);
        }
    };
    let (input, settings, screen) = match start {
        Start::Upload(upload) => {
            if let Some(problem) = &config_problem {
                eprintln!("xray-tui: {}", text::clean(problem));
            }
            return upload::run(upload).await;
        }
        Start::Print {
            input,
            settings,
            screen,
        } => (input, settings, Some(screen)),
        Start::Explore { input, settings } => (input, settings, None),
    };
    let source = match input.open() {
        Ok(source) => source,
        Err(message) => {
            eprintln!("xray-tui: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(screen) = screen {
        if let Some(problem) = &config_problem {
            eprintln!("xray-tui: {}", text::clean(problem));
        }
        return print_screen(source, settings, screen, &config).await;
    }
    explore(source, settings, config, config_problem).await
}

async fn print_screen(
    source: Arc<dyn TraceSource>,
    settings: Settings,
    screen: Screen,
    config: &config::Config,
) -> ExitCode {
    let request = print::Request {
        view: screen.view,
        filter: settings.filter,
        range: settings.range,
        group: settings.group,
        ascii: settings.ascii,
        width: screen.width,
        height: screen.height,
        utc_offset: event_loop::local_utc_offset(),
        columns: config.columns.clone(),
    };
    let rendered = tokio::time::timeout(PRINT_BOUND, print::render(source, request))
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "gave up after {} s waiting for the data to print",
                PRINT_BOUND.as_secs()
            ))
        });
    match rendered {
        Ok(printed) => {
            print!("{}", printed.text);
            for problem in &printed.problems {
                eprintln!("xray-tui: {}", text::clean(problem));
            }
            if printed.empty && !printed.problems.is_empty() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("xray-tui: {}", text::clean(&message));
            ExitCode::FAILURE
        }
    }
}

async fn explore(
    source: Arc<dyn TraceSource>,
    settings: Settings,
    config: config::Config,
    config_problem: Option<String>,
) -> ExitCode {
    let depth = config
        .colors
        .unwrap_or_else(ui::theme::ColorDepth::from_env);
    ui::theme::install(ui::theme::Palette::for_terminal(
        config.theme,
        depth,
        ui::theme::no_color_requested(),
    ));
    // A configuration that does not parse was replaced by the defaults, so this holds.
    let keymap = config
        .keymap()
        .map(|(keymap, _)| keymap)
        .unwrap_or_default();
    let options = event_loop::Options {
        open_trace: settings.trace,
        no_clipboard: !settings.clipboard,
        region: settings.region,
        keymap: Arc::new(keymap),
        columns: config.columns.clone(),
        mouse: config.mouse,
        config_problem,
        filter: settings.filter,
        ascii: settings.ascii,
        range: settings.range,
        group: settings.group,
        follow: settings.follow,
    };
    let finishing = Arc::clone(&source);
    let ran = event_loop::run(source, options).await;
    if let Some(message) = finishing.finish().await {
        eprintln!("xray-tui: {}", text::clean(&message));
    }
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xray-tui: terminal error: {error}");
            ExitCode::FAILURE
        }
    }
}
