use std::process::ExitCode;

use clap::Parser;
use xray_tui::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("xray-tui: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(xray_tui::run(cli))
}
