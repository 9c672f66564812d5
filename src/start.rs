//! Start-up: the command line and the configuration, made once into one typed description of
//! the run: what to open, what to do with it, and with which settings. Nothing below reads the
//! flags. Also the one error a run can end with, and its exit code.

use std::net::SocketAddr;
use std::process::ExitCode;

use crate::aws::{ConnectOptions, Timeouts};
use crate::cli::Cli;
use crate::codec::otel::TranslateOptions;
use crate::config::Config;
use crate::source::aws::{AwsOptions, Tuning};
use crate::source::{Forwarding, Input, Listening, Saved, TimeRange, listen};
use crate::upload::{NothingToUpload, Upload};
use crate::{print, text};

/// What the run does.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// The terminal UI.
    Explore { input: Input, settings: Settings },
    /// `--print`: one view as plain text on stdout.
    Print {
        input: Input,
        settings: Settings,
        screen: Screen,
    },
    /// `--upload`: saved documents sent to X-Ray.
    Upload(Upload),
}

/// `--print`'s view and how it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub view: print::View,
    pub format: print::Format,
    pub width: u16,
    /// At most this many traces of a list.
    pub limit: Option<usize>,
}

/// How the traces are looked at.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Open this trace's waterfall at start; the id is normalised.
    pub trace: Option<String>,
    /// Checked by the filter parser.
    pub filter: Option<String>,
    pub range: TimeRange,
    pub group: Option<String>,
    pub follow: bool,
    pub ascii: bool,
    /// Copy keys may write to the clipboard.
    pub clipboard: bool,
    /// The region of links to the AWS console.
    pub region: Option<String>,
}

/// Why a run ends in failure: at start-up, or a command that could not finish. It is said
/// once, after `xray-tui: `, and decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Flags that do not go together, or a value that is not understood.
    #[error("{0}")]
    Usage(String),
    #[error("`{0}` is not a trace id")]
    NotATraceId(String),
    /// The expression, with a caret under what is wrong.
    #[error("bad filter expression:\n{0}")]
    BadFilter(String),
    /// The input could not be opened: a listener's address is taken, a recording cannot be
    /// written.
    #[error("{0}")]
    Open(String),
    #[error(transparent)]
    NothingToUpload(#[from] NothingToUpload),
    /// `--print` could not get its data.
    #[error("{}", text::clean(.0))]
    Print(String),
    #[error("terminal error: {0}")]
    Terminal(#[from] std::io::Error),
}

impl StartError {
    /// 2 when the run cannot do what was asked as it was asked, 1 when it failed on the way.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            StartError::Usage(_)
            | StartError::NotATraceId(_)
            | StartError::BadFilter(_)
            | StartError::Open(_)
            | StartError::NothingToUpload(_) => ExitCode::from(2),
            StartError::Print(_) | StartError::Terminal(_) => ExitCode::FAILURE,
        }
    }
}

/// The input the flags name, before its settings are worked out.
enum Named<'a> {
    Saved(Saved),
    /// `--listen`, with its address when one was given.
    Listen(Option<&'a str>),
    Aws,
}

fn named(cli: &Cli) -> Named<'_> {
    if cli.demo {
        Named::Saved(Saved::Demo)
    } else if !cli.file.is_empty() {
        Named::Saved(Saved::Files(cli.file.clone()))
    } else if let Some(address) = &cli.listen {
        Named::Listen(address.as_deref())
    } else {
        Named::Aws
    }
}

/// An OTLP input's address: the one given with its flag; otherwise, when `--listen` came
/// without an address, the default.
fn otlp_address(
    given: &Option<String>,
    listen: Option<&str>,
    default: &str,
) -> Result<Option<SocketAddr>, StartError> {
    let text = match (given, listen) {
        (Some(given), _) => given.as_str(),
        (None, None) => default,
        (None, Some(_)) => return Ok(None),
    };
    listen::parse_address(text)
        .map(Some)
        .map_err(StartError::Usage)
}

impl Start {
    /// What the command line asks for, with what it leaves out taken from the configuration:
    /// the region; the profile for live AWS, --upload and --forward; and the time range for
    /// live AWS (saved files and listeners keep all their traces).
    pub fn new(cli: &Cli, config: &Config) -> Result<Start, StartError> {
        let named = named(cli);
        let live = matches!(named, Named::Aws);
        let writes = cli.upload || cli.forward;
        if !live && !writes {
            for (given, flag) in [
                (cli.profile.is_some(), "--profile"),
                (cli.endpoint_url.is_some(), "--endpoint-url"),
            ] {
                if given {
                    return Err(StartError::Usage(format!(
                        "{flag} is for live AWS, --upload and --forward; it has no say over \
                         --demo, --file or --listen alone"
                    )));
                }
            }
        }
        let connect = ConnectOptions {
            profile: cli.profile.clone().or_else(|| {
                if live || writes {
                    config.profile.clone()
                } else {
                    None
                }
            }),
            region: cli.region.clone().or_else(|| config.region.clone()),
            endpoint_url: cli.endpoint_url.clone(),
            timeouts: Timeouts::default(),
        };
        if cli.upload {
            let Named::Saved(saved) = named else {
                return Err(StartError::Usage(
                    "--upload sends saved documents: give them with --file PATH or --demo".into(),
                ));
            };
            return Ok(Start::Upload(Upload {
                saved,
                rebase_time: cli.rebase_time,
                connect,
            }));
        }
        let input = match named {
            Named::Saved(saved) => Input::Saved(saved),
            Named::Listen(address) => Input::Listen(Listening {
                address: listen::parse_address(address.unwrap_or(listen::DEFAULT_ADDRESS))
                    .map_err(StartError::Usage)?,
                translate: TranslateOptions {
                    indexed_keys: config.opentelemetry.indexed_attributes.clone(),
                    index_all: config.opentelemetry.index_all_attributes,
                    ..TranslateOptions::default()
                },
                otlp_http: otlp_address(&cli.otlp_http, address, listen::DEFAULT_OTLP_HTTP)?,
                otlp_grpc: otlp_address(&cli.otlp_grpc, address, listen::DEFAULT_OTLP_GRPC)?,
                max_traces: usize::try_from(cli.max_traces).unwrap_or(usize::MAX),
                record: cli.record.clone(),
                forward: cli.forward.then(|| Forwarding {
                    connect: connect.clone(),
                    telemetry: !cli.no_telemetry,
                }),
            }),
            Named::Aws => Input::Aws(AwsOptions {
                connect: connect.clone(),
                time_range_type: cli.time_range_type,
                sampling: cli.sampling,
                log_groups: config.logs.clone(),
                tuning: Tuning::default(),
            }),
        };
        let settings = Settings {
            trace: trace(cli)?,
            filter: filter(cli)?,
            range: range(cli, config, &input)?,
            group: cli.group.clone(),
            follow: cli.follow,
            ascii: cli.ascii,
            clipboard: !cli.no_clipboard && config.clipboard,
            region: connect.region,
        };
        Ok(match &cli.print {
            Some(view) => Start::Print {
                input,
                settings,
                screen: Screen {
                    view: print::View::parse(view).map_err(StartError::Usage)?,
                    format: cli.format,
                    width: cli.width,
                    limit: cli.limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
                },
            },
            None => Start::Explore { input, settings },
        })
    }
}

fn trace(cli: &Cli) -> Result<Option<String>, StartError> {
    cli.trace
        .as_deref()
        .map(|id| {
            crate::model::trace_id::normalize(id)
                .ok_or_else(|| StartError::NotATraceId(id.to_owned()))
        })
        .transpose()
}

fn filter(cli: &Cli) -> Result<Option<String>, StartError> {
    if let Some(filter) = &cli.filter
        && let Err(error) = crate::filter::parse(filter)
    {
        return Err(StartError::BadFilter(error.render(filter)));
    }
    Ok(cli.filter.clone())
}

/// The range the command line names; else the configuration's length for live AWS; else the
/// input's own.
fn range(cli: &Cli, config: &Config, input: &Input) -> Result<TimeRange, StartError> {
    let configured = match input {
        Input::Aws(_) if cli.from.is_none() => config.since,
        _ => None,
    };
    if let Some(seconds) = cli.since.or(configured) {
        return Ok(TimeRange::Last(seconds));
    }
    let Some(from) = cli.from else {
        return Ok(input.default_range());
    };
    let to = cli.to.unwrap_or_else(crate::clock::now);
    if to <= from {
        return Err(StartError::Usage("--to must be later than --from".into()));
    }
    Ok(TimeRange::Between(from, to))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use clap::Parser;

    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("xray-tui").chain(args.iter().copied())).unwrap()
    }

    fn start(args: &[&str]) -> Result<Start, StartError> {
        Start::new(&cli(args), &Config::default())
    }

    /// What the user is told, and the exit code.
    fn refusal(args: &[&str]) -> (String, ExitCode) {
        let error = start(args).unwrap_err();
        (error.to_string(), error.exit_code())
    }

    fn usage(message: &str) -> (String, ExitCode) {
        (message.to_owned(), ExitCode::from(2))
    }

    fn explored(args: &[&str], config: &Config) -> (Input, Settings) {
        match Start::new(&cli(args), config).unwrap() {
            Start::Explore { input, settings } => (input, settings),
            other => panic!("not the terminal UI: {other:?}"),
        }
    }

    #[test]
    fn each_kind_of_input_is_named_by_its_flags() {
        let none = Config::default();
        assert_eq!(explored(&["--demo"], &none).0, Input::Saved(Saved::Demo));
        assert_eq!(
            explored(&["--file", "a.json", "--file", "dir"], &none).0,
            Input::Saved(Saved::Files(vec![
                PathBuf::from("a.json"),
                PathBuf::from("dir")
            ]))
        );
        assert_eq!(
            explored(&["--listen", "--max-traces", "50"], &none).0,
            Input::Listen(Listening {
                address: SocketAddr::from(([127, 0, 0, 1], 2000)),
                translate: TranslateOptions::default(),
                otlp_http: Some(SocketAddr::from(([127, 0, 0, 1], 4318))),
                otlp_grpc: Some(SocketAddr::from(([127, 0, 0, 1], 4317))),
                max_traces: 50,
                record: None,
                forward: None,
            })
        );
        assert_eq!(
            explored(
                &[
                    "--region",
                    "eu-west-1",
                    "--sampling",
                    "--time-range-type",
                    "event"
                ],
                &none
            )
            .0,
            Input::Aws(AwsOptions {
                connect: ConnectOptions {
                    region: Some("eu-west-1".into()),
                    ..ConnectOptions::default()
                },
                time_range_type: Some(crate::source::aws::TimeRangeType::Event),
                sampling: true,
                log_groups: Default::default(),
                tuning: Tuning::default(),
            })
        );
    }

    #[test]
    fn listen_alone_opens_every_input_and_an_address_names_udp_only() {
        let none = Config::default();
        let listening = |args: &[&str]| {
            let Input::Listen(listening) = explored(args, &none).0 else {
                panic!("not a listener: {args:?}");
            };
            (
                listening.address.to_string(),
                listening.otlp_http.map(|a| a.to_string()),
                listening.otlp_grpc.map(|a| a.to_string()),
            )
        };
        let text = |a: &str| Some(a.to_owned());
        assert_eq!(
            listening(&["--listen", "3000"]),
            ("127.0.0.1:3000".into(), None, None)
        );
        assert_eq!(
            listening(&["--listen", "3000", "--otlp-http"]),
            ("127.0.0.1:3000".into(), text("127.0.0.1:4318"), None)
        );
        assert_eq!(
            listening(&[
                "--listen",
                "--otlp-http",
                "5000",
                "--otlp-grpc",
                "[::1]:5001"
            ]),
            (
                "127.0.0.1:2000".into(),
                text("127.0.0.1:5000"),
                text("[::1]:5001")
            )
        );
        assert!(
            Cli::try_parse_from(["xray-tui", "--otlp-http", "5000"]).is_err(),
            "the OTLP inputs are part of the listener"
        );
    }

    #[test]
    fn forwarding_takes_the_profile_and_region_of_live_aws() {
        let config = Config {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            ..Config::default()
        };
        let (input, _) = explored(
            &["--listen", "4000", "--forward", "--no-telemetry"],
            &config,
        );
        let Input::Listen(listening) = input else {
            panic!("not a listener: {input:?}");
        };
        assert_eq!(listening.address, SocketAddr::from(([127, 0, 0, 1], 4000)));
        assert_eq!(
            listening.forward,
            Some(Forwarding {
                connect: ConnectOptions {
                    profile: Some("prod".into()),
                    region: Some("eu-west-1".into()),
                    ..ConnectOptions::default()
                },
                telemetry: false,
            })
        );
    }

    #[test]
    fn upload_takes_the_saved_documents_and_where_to_send_them() {
        assert_eq!(
            start(&[
                "--demo",
                "--upload",
                "--rebase-time",
                "--profile",
                "sandbox"
            ])
            .unwrap(),
            Start::Upload(Upload {
                saved: Saved::Demo,
                rebase_time: true,
                connect: ConnectOptions {
                    profile: Some("sandbox".into()),
                    ..ConnectOptions::default()
                },
            })
        );
        assert_eq!(
            refusal(&["--upload"]),
            usage("--upload sends saved documents: give them with --file PATH or --demo")
        );
    }

    #[test]
    fn aws_flags_are_refused_for_offline_inputs_alone() {
        assert_eq!(
            refusal(&["--demo", "--profile", "prod"]),
            usage(
                "--profile is for live AWS, --upload and --forward; it has no say over --demo, \
                 --file or --listen alone"
            )
        );
        assert_eq!(
            refusal(&["--listen", "--endpoint-url", "http://127.0.0.1:4000"]),
            usage(
                "--endpoint-url is for live AWS, --upload and --forward; it has no say over \
                 --demo, --file or --listen alone"
            )
        );
        assert!(start(&["--listen", "--forward", "--profile", "prod"]).is_ok());
    }

    #[test]
    fn print_takes_its_view_and_size() {
        let Start::Print { screen, .. } = start(&[
            "--demo", "--print", "map", "--width", "80", "--format", "markdown",
        ])
        .unwrap() else {
            panic!("not printed");
        };
        assert_eq!(
            screen,
            Screen {
                view: print::View::Map,
                format: print::Format::Markdown,
                width: 80,
                limit: None,
            }
        );
        assert_eq!(
            refusal(&["--demo", "--print", "flamegraph"]),
            usage("unknown view `flamegraph`: use list, trace:<ID> or map")
        );
    }

    #[test]
    fn bad_ids_filters_and_ranges_are_refused() {
        assert_eq!(
            refusal(&["--demo", "--trace", "nope"]),
            usage("`nope` is not a trace id")
        );
        let (message, code) = refusal(&["--demo", "--filter", "http.status >"]);
        assert!(
            message.starts_with("bad filter expression:\nhttp.status >\n"),
            "{message}"
        );
        assert_eq!(code, ExitCode::from(2));
        assert_eq!(
            refusal(&["--demo", "--from", "1700003600", "--to", "1700000000"]),
            usage("--to must be later than --from")
        );
        assert_eq!(
            refusal(&["--listen", "localhost:two-thousand"]),
            usage(
                "`localhost:two-thousand` is not an address to listen on: use HOST:PORT like \
                 127.0.0.1:2000 or [::1]:2000, or a port"
            )
        );
    }

    #[test]
    fn the_configuration_fills_what_the_command_line_leaves_out() {
        let config = Config {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            since: Some(3.0 * 3600.0),
            clipboard: false,
            ..Config::default()
        };
        let (input, settings) = explored(&[], &config);
        let Input::Aws(aws) = input else {
            panic!("not live AWS: {input:?}");
        };
        assert_eq!(aws.connect.profile.as_deref(), Some("prod"));
        assert_eq!(aws.connect.region.as_deref(), Some("eu-west-1"));
        assert_eq!(settings.range, TimeRange::Last(3.0 * 3600.0));
        assert_eq!(settings.region.as_deref(), Some("eu-west-1"));
        assert!(!settings.clipboard);

        let given = [
            "--profile",
            "dev",
            "--region",
            "us-east-1",
            "--since",
            "15m",
        ];
        let (input, settings) = explored(&given, &config);
        let Input::Aws(aws) = input else {
            panic!("not live AWS: {input:?}");
        };
        assert_eq!(aws.connect.profile.as_deref(), Some("dev"));
        assert_eq!(aws.connect.region.as_deref(), Some("us-east-1"));
        assert_eq!(settings.range, TimeRange::Last(900.0));

        let between = ["--from", "1700000000", "--to", "1700003600"];
        assert_eq!(
            explored(&between, &config).1.range,
            TimeRange::Between(1_700_000_000.0, 1_700_003_600.0)
        );

        // The profile and the time range are for live AWS only.
        let (input, settings) = explored(&["--demo"], &config);
        assert_eq!(input, Input::Saved(Saved::Demo));
        assert_eq!(settings.range, TimeRange::All);
        assert_eq!(settings.region.as_deref(), Some("eu-west-1"));
        let (_, settings) = explored(&[], &Config::default());
        assert_eq!(
            settings.range,
            TimeRange::Last(crate::source::aws::DEFAULT_RANGE)
        );
    }

    #[test]
    fn the_configured_attributes_go_to_the_listener() {
        let config = Config {
            opentelemetry: crate::config::OpenTelemetry {
                indexed_attributes: vec!["customer_tier".into()],
                index_all_attributes: true,
            },
            ..Config::default()
        };
        let (input, _) = explored(&["--listen"], &config);
        let Input::Listen(listening) = input else {
            panic!("{input:?}")
        };
        assert_eq!(listening.translate.indexed_keys, ["customer_tier"]);
        assert!(listening.translate.index_all);
    }
}
