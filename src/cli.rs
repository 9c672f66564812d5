//! The command line.

use std::path::PathBuf;

use clap::Parser;

/// A keyboard-driven terminal explorer for AWS X-Ray traces.
///
/// Sources: the bundled demo data (--demo) or saved files (--file). Live AWS and the local
/// listener are not available in this version yet.
#[derive(Debug, Parser)]
#[command(name = "xray-tui", version, about, long_about = None)]
pub struct Cli {
    /// Explore the bundled demo data set: an online shop with an incident in it.
    #[arg(long, conflicts_with = "file")]
    pub demo: bool,

    /// Open saved X-Ray JSON: AWS CLI output (batch-get-traces, get-trace-summaries,
    /// get-service-graph, get-trace-graph), segment documents, NDJSON or daemon datagrams.
    /// Repeatable; directories are read recursively.
    #[arg(long, value_name = "PATH")]
    pub file: Vec<PathBuf>,

    /// Show only the traces that match this X-Ray filter expression, e.g.
    /// 'service("payments") { fault }' or 'responsetime > 2 AND http.method = "POST"'.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,

    /// Open this trace's waterfall at start (an X-Ray or W3C trace id).
    #[arg(long, value_name = "ID")]
    pub trace: Option<String>,

    /// Read settings from this file instead of ~/.config/xray-tui/config.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    /// Never write to the clipboard (copy keys then show the value in the status line).
    #[arg(long)]
    pub no_clipboard: bool,

    /// The AWS region, for links to the AWS console (otherwise taken from the data).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Draw the service map with ASCII characters only, for terminals without box drawing.
    #[arg(long)]
    pub ascii: bool,

    /// Render one view as plain text on stdout and exit: `list`, `trace:<ID>` or `map`.
    #[arg(long, value_name = "VIEW")]
    pub print: Option<String>,

    /// Width of the --print screen.
    #[arg(long, default_value_t = 120, requires = "print")]
    pub width: u16,

    /// Height of the --print screen.
    #[arg(long, default_value_t = 40, requires = "print")]
    pub height: u16,
}
