//! The command line, as the user typed it: `start` makes it into what the run does.

use std::path::PathBuf;

use clap::Parser;

/// A keyboard-driven terminal explorer for AWS X-Ray traces.
///
/// Sources: live AWS X-Ray (the default: credentials, region and profile are found as the AWS
/// CLI finds them), the bundled demo data (--demo), saved files (--file) or SDKs sending to
/// a local listener in the X-Ray daemon's place that also takes OpenTelemetry (--listen).
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

    /// Stand in for the X-Ray daemon and an OpenTelemetry endpoint. Alone, it takes UDP on
    /// 127.0.0.1:2000 (X-Ray SDKs; ADOT in Lambda), OTLP/HTTP on 127.0.0.1:4318 and
    /// OTLP/gRPC on 127.0.0.1:4317; with ADDR, UDP on ADDR only (add --otlp-http or
    /// --otlp-grpc for those).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, conflicts_with_all = ["demo", "file"])]
    pub listen: Option<Option<String>>,

    /// With --listen: take OTLP/HTTP (POST /v1/traces) on this address (default
    /// 127.0.0.1:4318; point exporters at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://ADDR).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = crate::source::listen::DEFAULT_OTLP_HTTP, requires = "listen")]
    pub otlp_http: Option<String>,

    /// With --listen: take OTLP/gRPC on this address (default 127.0.0.1:4317; point
    /// exporters at it with OTEL_EXPORTER_OTLP_PROTOCOL=grpc and
    /// OTEL_EXPORTER_OTLP_ENDPOINT=http://ADDR).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = crate::source::listen::DEFAULT_OTLP_GRPC, requires = "listen")]
    pub otlp_grpc: Option<String>,

    /// With --listen: keep at most this many traces, dropping the oldest completed ones.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_traces: u64,

    /// With --listen: append every received document to FILE as NDJSON (reopen it with --file).
    #[arg(long, value_name = "FILE", requires = "listen")]
    pub record: Option<PathBuf>,

    /// With --listen: also send every received document to X-Ray with PutTraceSegments, as
    /// the X-Ray daemon does (same credentials, --profile and --region as live AWS).
    #[arg(long, requires = "listen")]
    pub forward: bool,

    /// With --forward: do not report counts to X-Ray with PutTelemetryRecords each minute.
    #[arg(long, requires = "forward")]
    pub no_telemetry: bool,

    /// Send the documents of --file or --demo to X-Ray with PutTraceSegments, show the
    /// progress, report what was accepted and rejected, and exit.
    #[arg(long, conflicts_with_all = ["listen", "print"])]
    pub upload: bool,

    /// With --upload: move every time so the newest document ends now, and trace ids with
    /// them (X-Ray refuses data older than 30 days); span ids and parent links are kept.
    #[arg(long, requires = "upload")]
    pub rebase_time: bool,

    /// Show only the traces that match this X-Ray filter expression, e.g.
    /// 'service("payments") { fault }' or 'responsetime > 2 AND http.method = "POST"'.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,

    /// Look at the traces of the last 15m, 1h, 6h, 2d, ... (live AWS: 1h unless given).
    #[arg(long, value_name = "LENGTH", value_parser = parse_since, conflicts_with_all = ["from", "to"])]
    pub since: Option<f64>,

    /// Look at the traces from this time on: RFC 3339 (2026-11-22T01:00:00Z),
    /// 2026-11-22T01:00 (UTC) or epoch seconds.
    #[arg(long, value_name = "TIME", value_parser = parse_instant)]
    pub from: Option<f64>,

    /// Look at the traces up to this time (with --from; default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_instant, requires = "from")]
    pub to: Option<f64>,

    /// Only the traces of this X-Ray group (live AWS).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// Keep the list open: traces that arrive later are added as they come, like `tail -f`.
    #[arg(long)]
    pub follow: bool,

    /// Open this trace's waterfall at start (an X-Ray or W3C trace id).
    #[arg(long, value_name = "ID")]
    pub trace: Option<String>,

    /// Read settings from this file instead of ~/.config/xray-tui/config.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    /// Never write to the clipboard (copy keys then show the value in the status line).
    #[arg(long)]
    pub no_clipboard: bool,

    /// The AWS region: where live AWS requests go (instead of AWS_REGION or the profile's), and
    /// the region of links to the AWS console (otherwise taken from the data).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The AWS profile of ~/.aws/config and ~/.aws/credentials to use (instead of AWS_PROFILE).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Send X-Ray requests (and, with Transaction Search, CloudWatch Logs requests; with
    /// --forward, OTLP to /v1/traces) to this URL instead of the region's endpoints (like
    /// AWS_ENDPOINT_URL).
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub endpoint_url: Option<String>,

    /// What the time range selects traces by (live AWS): the time in the trace id (trace-id,
    /// X-Ray's default), when the segments arrived (event), or when the services ran (service).
    #[arg(long, value_name = "TYPE", value_enum, conflicts_with_all = ["demo", "file", "listen"])]
    pub time_range_type: Option<crate::source::aws::TimeRangeType>,

    /// Ask X-Ray for a sample of the traces instead of all of them (live AWS).
    #[arg(long, conflicts_with_all = ["demo", "file", "listen"])]
    pub sampling: bool,

    /// Draw with ASCII characters only, for terminals without box-drawing glyphs.
    #[arg(long)]
    pub ascii: bool,

    /// Print a report of one view on stdout and exit: `list` (every trace, full ids),
    /// `trace:<ID>` (facts, the whole waterfall, the root cause and its exception) or `map`
    /// (a table of services and one of calls).
    #[arg(long, value_name = "VIEW")]
    pub print: Option<String>,

    /// How --print writes: aligned plain text, Markdown (tables, the waterfall in a code
    /// block) or JSON.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = crate::print::Format::Text, requires = "print")]
    pub format: crate::print::Format,

    /// Width of --print's text: the waterfall's bars and the URL column fit in it (ids are
    /// never cut).
    #[arg(long, default_value_t = 120, requires = "print", value_parser = clap::value_parser!(u16).range(40..))]
    pub width: u16,

    /// With --print list: at most N traces, and a closing line says how many more there are
    /// (without it, every trace is printed).
    #[arg(long, value_name = "N", requires = "print", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

fn parse_since(text: &str) -> Result<f64, String> {
    crate::source::time_range::parse_length(text)
}

fn parse_url(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() => Ok(text.to_owned()),
        _ => Err(format!(
            "`{text}` is not an endpoint URL: give one like https://xray.us-east-1.amazonaws.com \
             or http://127.0.0.1:4000"
        )),
    }
}

fn parse_instant(text: &str) -> Result<f64, String> {
    crate::source::time_range::parse_instant(text)
}
