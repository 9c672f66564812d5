//! xray-tui: a keyboard-driven terminal explorer for AWS X-Ray traces.
//!
//! Data flows one way: source → worker → Action → update → State → ui.

pub mod analytics;
pub mod app;
pub mod cli;
pub mod codec;
pub mod config;
pub mod demo_gen;
pub mod event_loop;
pub mod filter;
pub mod history;
pub mod layout;
pub mod model;
pub mod print;
pub mod source;
pub mod synthetic;
pub mod text;
pub mod tui;
pub mod ui;
pub mod upload;
pub mod worker;

use std::process::ExitCode;

use cli::Cli;

/// `--print` never waits longer than this for its data.
const PRINT_BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the program for a parsed command line; the exit code says how it went.
pub async fn run(mut cli: Cli) -> ExitCode {
    if let Err(message) = cli.check() {
        eprintln!("xray-tui: {message}");
        return ExitCode::from(2);
    }
    let (config, config_problem) = config::load(cli.config.as_deref());
    cli.take_defaults_from(&config);
    if cli.upload {
        if let Some(problem) = &config_problem {
            eprintln!("xray-tui: {}", text::clean(problem));
        }
        return upload::command::run(&cli).await;
    }
    let source = match source::open(&cli) {
        Ok(source) => source,
        Err(message) => {
            eprintln!("xray-tui: {message}");
            return ExitCode::from(2);
        }
    };
    let trace = match cli
        .trace
        .as_deref()
        .map(|id| model::trace_id::normalize(id).ok_or(id))
    {
        Some(Err(id)) => {
            eprintln!("xray-tui: `{id}` is not a trace id");
            return ExitCode::from(2);
        }
        Some(Ok(id)) => Some(id),
        None => None,
    };
    if let Some(filter) = &cli.filter
        && let Err(error) = filter::parse(filter)
    {
        eprintln!("xray-tui: bad filter expression:\n{}", error.render(filter));
        return ExitCode::from(2);
    }
    let range = match cli.time_range() {
        Ok(range) => range.unwrap_or_else(|| source::default_range(&cli)),
        Err(message) => {
            eprintln!("xray-tui: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(view) = &cli.print {
        if let Some(problem) = &config_problem {
            eprintln!("xray-tui: {}", text::clean(problem));
        }
        let view = match print::View::parse(view) {
            Ok(view) => view,
            Err(message) => {
                eprintln!("xray-tui: {message}");
                return ExitCode::from(2);
            }
        };
        let offset = event_loop::local_utc_offset();
        let request = print::Request {
            view,
            filter: cli.filter.clone(),
            range,
            group: cli.group.clone(),
            ascii: cli.ascii,
            width: cli.width,
            height: cli.height,
            utc_offset: offset,
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
        return match rendered {
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
        };
    }
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
        open_trace: trace,
        no_clipboard: cli.no_clipboard || !config.clipboard,
        region: cli.region.clone(),
        keymap: std::sync::Arc::new(keymap),
        columns: config.columns.clone(),
        mouse: config.mouse,
        config_problem,
        filter: cli.filter.clone(),
        ascii: cli.ascii,
        range,
        group: cli.group.clone(),
        follow: cli.follow,
    };
    let finishing = std::sync::Arc::clone(&source);
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
