//! xray-tui: a keyboard-driven terminal explorer for AWS X-Ray traces.
//!
//! Data flows one way: source → worker → Action → update → State → ui.

pub mod analytics;
pub mod app;
pub mod aws;
pub mod cli;
pub mod clock;
pub mod codec;
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
pub mod synthetic_graph;
pub mod text;
pub mod tui;
pub mod ui;
pub mod upload;
pub mod worker;

use std::process::ExitCode;
use std::sync::Arc;

use cli::Cli;
use source::{Input, TraceSource};
use start::{Screen, Settings, Start, StartError};

/// `--print` never waits longer than this for its data.
const PRINT_BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// How a run that did its work ended.
enum Ended {
    Done,
    /// Some of it could not be done, and what was not has been said.
    Incomplete,
}

/// Runs the program for a parsed command line; the exit code says how it went.
pub async fn run(cli: Cli) -> ExitCode {
    match run_to_end(cli).await {
        Ok(Ended::Done) => ExitCode::SUCCESS,
        Ok(Ended::Incomplete) => ExitCode::FAILURE,
        Err(error) => {
            let message = error.to_string();
            let lines: Vec<_> = message.lines().map(text::clean).collect();
            eprintln!("xray-tui: {}", lines.join("\n"));
            error.exit_code()
        }
    }
}

async fn run_to_end(cli: Cli) -> Result<Ended, StartError> {
    let (config, config_problem) = config::load(cli.config.as_deref());
    match Start::new(&cli, &config)? {
        Start::Upload(upload) => {
            warn(config_problem.as_deref());
            Ok(match upload::run(upload).await? {
                upload::Sent::All => Ended::Done,
                upload::Sent::Partly => Ended::Incomplete,
            })
        }
        Start::Print {
            input,
            settings,
            screen,
        } => {
            let source = open(&input)?;
            warn(config_problem.as_deref());
            print_screen(source, settings, screen, &config).await
        }
        Start::Explore { input, settings } => {
            let source = open(&input)?;
            explore(source, settings, config, config_problem).await
        }
    }
}

fn open(input: &Input) -> Result<Arc<dyn TraceSource>, StartError> {
    input.open().map_err(StartError::Open)
}

/// Something the user should hear that does not stop the run.
fn warn(problem: Option<&str>) {
    if let Some(problem) = problem {
        eprintln!("xray-tui: {}", text::clean(problem));
    }
}

async fn print_screen(
    source: Arc<dyn TraceSource>,
    settings: Settings,
    screen: Screen,
    config: &config::Config,
) -> Result<Ended, StartError> {
    let request = print::Request {
        view: screen.view,
        filter: settings.filter,
        range: settings.range,
        group: settings.group,
        ascii: settings.ascii,
        format: screen.format,
        width: screen.width,
        limit: screen.limit,
        utc_offset: event_loop::local_utc_offset(),
        columns: config.columns.clone(),
    };
    // The data set is never freed: the process ends right after printing, and freeing a large
    // one takes a noticeable part of the run.
    std::mem::forget(Arc::clone(&source));
    let printed = tokio::time::timeout(PRINT_BOUND, print::render(source, request))
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "gave up after {} s waiting for the data to print",
                PRINT_BOUND.as_secs()
            ))
        })
        .map_err(StartError::Print)?;
    // A reader that stops early (`| head`) is not an error: the rest is simply not wanted.
    if let Err(error) =
        std::io::Write::write_all(&mut std::io::stdout().lock(), printed.text.as_bytes())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(StartError::Print(format!(
            "writing the report failed: {error}"
        )));
    }
    for problem in &printed.problems {
        warn(Some(problem));
    }
    Ok(if printed.empty && !printed.problems.is_empty() {
        Ended::Incomplete
    } else {
        Ended::Done
    })
}

async fn explore(
    source: Arc<dyn TraceSource>,
    settings: Settings,
    config: config::Config,
    config_problem: Option<String>,
) -> Result<Ended, StartError> {
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
    warn(finishing.finish().await.as_deref());
    ran?;
    Ok(Ended::Done)
}
