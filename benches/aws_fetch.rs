//! BatchGetTraces as the live source does it: 1,000 traces through `traces()` from a loopback
//! X-Ray that takes 50 ms per call. Prints the calls made, the ids per call and the most
//! calls in flight at once (the budget: 5 ids a call, at most 4 at once), and the time.
//! Run: `cargo bench --bench aws_fetch`.

#[path = "../tests/aws_server/mod.rs"]
mod aws_server;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_xray::config::{Credentials, Region, SharedCredentialsProvider};
use criterion::{Criterion, criterion_group, criterion_main};
use xray_tui::source::TraceSource;
use xray_tui::source::aws::{AwsOptions, AwsSource};

use aws_server::{Reply, Server, trace_ids, traces_for};

const TRACES: usize = 1000;
const LATENCY: Duration = Duration::from_millis(50);

fn server() -> Server {
    let server = Server::start();
    server.route("/Traces", |request| {
        Reply::json(&traces_for(&request.trace_ids())).after(LATENCY)
    });
    server
}

/// A new source each time, so that nothing comes from its cache.
fn source(server: &Server) -> AwsSource {
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "bench",
        )))
        .endpoint_url(server.url())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(10))
                .build(),
        )
        .build();
    AwsSource::with_sdk_config(sdk, AwsOptions::default())
}

fn fetch(runtime: &tokio::runtime::Runtime, server: &Server, ids: &[String]) {
    let source = source(server);
    let traces = runtime
        .block_on(source.traces(ids.to_vec()))
        .expect("the traces");
    assert_eq!(traces.len(), ids.len());
}

fn batch_get_traces(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ids = trace_ids(TRACES, 1_700_000_000);

    // One run on its own server, to count what it asked.
    let counted = server();
    let started = Instant::now();
    fetch(&runtime, &counted, &ids);
    let took = started.elapsed();
    let requests = counted.requests_to("/Traces");
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for request in &requests {
        *sizes.entry(request.trace_ids().len()).or_default() += 1;
    }
    let sizes: Vec<String> = sizes
        .iter()
        .map(|(ids, calls)| format!("{calls} calls of {ids} ids"))
        .collect();
    println!(
        "BatchGetTraces for {TRACES} traces at {} ms a call: {} calls ({}), at most {} in \
         flight, {:.2} s",
        LATENCY.as_millis(),
        requests.len(),
        sizes.join(", "),
        counted.max_in_flight("/Traces"),
        took.as_secs_f64()
    );

    let server = server();
    let mut group = c.benchmark_group("aws_fetch");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("1,000 traces via BatchGetTraces, 50 ms a call", |b| {
        b.iter(|| fetch(&runtime, &server, &ids))
    });
    group.finish();
}

criterion_group!(benches, batch_get_traces);
criterion_main!(benches);
