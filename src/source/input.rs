//! What to open, as start-up worked it out from the command line and the configuration: saved
//! documents (the demo or files), a listener in the X-Ray daemon's place, or live AWS X-Ray.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::aws::ConnectOptions;
use crate::send::forward::{ForwardOptions, Forwarder};
use crate::send::otlp::{OtlpExporter, OtlpForwardOptions, OtlpForwarder};
use crate::send::writer::Writer;

use super::aws::{AwsOptions, AwsSource};
use super::dataset::{Collector, Dataset};
use super::listen::{Forwarders, ListenOptions, ListenerSource};
use super::{MemorySource, TimeRange, TraceSource, demo, files};
use crate::codec::otel::TranslateOptions;

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `--demo` or `--file`.
    Saved(Saved),
    /// `--listen`.
    Listen(Listening),
    /// Live AWS X-Ray: what is opened when nothing else is named.
    Aws(AwsOptions),
}

/// Documents read whole before they are shown or sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// The bundled demo data set.
    Demo,
    /// Files and directories, read recursively.
    Files(Vec<PathBuf>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listening {
    /// The daemon's UDP address.
    pub address: SocketAddr,
    /// How OTLP spans are translated: which attributes become annotations.
    pub translate: TranslateOptions,
    /// OTLP/HTTP and OTLP/gRPC, when asked for.
    pub otlp_http: Option<SocketAddr>,
    pub otlp_grpc: Option<SocketAddr>,
    /// Completed traces kept, at most.
    pub max_traces: usize,
    /// Where every received document is appended.
    pub record: Option<PathBuf>,
    pub forward: Option<Forwarding>,
}

/// `--forward`: what the listener receives goes on to X-Ray.
#[derive(Debug, Clone, PartialEq)]
pub struct Forwarding {
    pub connect: ConnectOptions,
    /// Report counts with PutTelemetryRecords each minute.
    pub telemetry: bool,
}

/// How often forwarding reports its counts, as the X-Ray daemon does.
const TELEMETRY_EVERY: Duration = Duration::from_secs(60);

impl Input {
    /// Starts the source: the demo and files are read on first use (a path that is not there
    /// is refused now), a listener binds its
    /// address now (an error names the address and what to do), AWS connects on first use.
    pub fn open(&self) -> Result<Arc<dyn TraceSource>, String> {
        Ok(match self {
            Input::Saved(saved) => {
                if let Saved::Files(paths) = saved {
                    files::check_paths(paths)?;
                }
                let saved = saved.clone();
                let now = crate::clock::now();
                Arc::new(MemorySource::lazy(saved.label(), move || saved.load(now)))
            }
            Input::Listen(listening) => Arc::new(ListenerSource::start(ListenOptions {
                address: listening.address,
                otlp_http: listening.otlp_http,
                otlp_grpc: listening.otlp_grpc,
                translate: listening.translate.clone(),
                max_traces: listening.max_traces,
                record: listening.record.clone(),
                forward: listening.forward.as_ref().map(|forwarding| {
                    let options = ForwardOptions {
                        telemetry_every: forwarding.telemetry.then_some(TELEMETRY_EVERY),
                        ..ForwardOptions::default()
                    };
                    let writer = Writer::new(forwarding.connect.clone());
                    let exporter = OtlpExporter::new(forwarding.connect.clone());
                    Forwarders {
                        documents: Arc::new(Forwarder::start(writer, options)),
                        otlp: OtlpForwarder::start(exporter, OtlpForwardOptions::default()),
                    }
                }),
            })?),
            Input::Aws(options) => Arc::new(AwsSource::new(options.clone())),
        })
    }

    /// The time range when none is named: everything saved files and listeners hold, and the
    /// last hour of live AWS.
    pub fn default_range(&self) -> TimeRange {
        match self {
            Input::Saved(_) | Input::Listen(_) => TimeRange::All,
            Input::Aws(_) => TimeRange::Last(super::aws::DEFAULT_RANGE),
        }
    }
}

impl Saved {
    /// "demo", "3 files", "incident.ndjson".
    pub fn label(&self) -> String {
        match self {
            Saved::Demo => "demo".into(),
            Saved::Files(paths) => files::describe(paths),
        }
    }

    /// Reads the documents; the demo's times are moved so that it ends at `now`.
    pub fn load(&self, now: f64) -> Dataset {
        match self {
            Saved::Demo => {
                let mut dataset = demo::load(now);
                dataset.generated_logs = Some(crate::demo_gen::logs::lines_for);
                dataset
            }
            Saved::Files(paths) => {
                let mut collector = Collector::default();
                files::load_paths(paths, &mut collector);
                collector.finish()
            }
        }
    }
}
