use std::process::ExitCode;

use clap::Parser;
use xray_tui::cli::Cli;

/// Loading a saved file makes and frees millions of small values; mimalloc does that several
/// times faster than the system allocator and returns freed memory promptly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
