//! The bundled demo data set: in sync with its generator, complete, and moved to "now".

mod common;

use common::{FIXED_NOW, demo};
use xray_tui::model::trace_id;

#[test]
fn the_shipped_file_is_what_the_generator_writes() {
    let generated = xray_tui::demo_gen::generate();
    assert!(
        generated == xray_tui::source::demo::DEMO_NDJSON,
        "assets/demo.ndjson is stale: run `cargo run --example gen_demo`"
    );
}

#[test]
fn loads_cleanly_and_ends_now() {
    let data = demo();
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.skipped_documents, 0);
    assert!(data.summaries.len() >= 500, "{}", data.summaries.len());
    let newest_end = data
        .traces
        .values()
        .filter_map(|t| t.end())
        .fold(f64::MIN, f64::max);
    let age = FIXED_NOW - newest_end;
    assert!(
        (0.0..xray_tui::source::demo::SHIFT_STEP).contains(&age),
        "{age}"
    );
    // Ids are stable within a step: loading a little later gives the same traces.
    let later = xray_tui::source::demo::load(FIXED_NOW - age + 60.0);
    let mut ids: Vec<&String> = data.traces.keys().collect();
    let mut later_ids: Vec<&String> = later.traces.keys().collect();
    ids.sort();
    later_ids.sort();
    assert_eq!(ids, later_ids);
    let oldest = data
        .summaries
        .iter()
        .map(|s| s.start_time)
        .fold(f64::MAX, f64::min);
    assert!(
        newest_end - oldest > 29.0 * 60.0,
        "thirty minutes of traffic"
    );
    // Trace ids moved with the times: their epoch is the trace's start second.
    for trace in data.traces.values() {
        let epoch = trace_id::epoch_seconds(&trace.id).unwrap() as f64;
        let start = trace.start().unwrap();
        assert!(
            (start - epoch).abs() < 2.0,
            "{} starts at {start}",
            trace.id
        );
    }
    assert!(data.traces.values().all(|t| t.notes.is_empty()));
}

#[test]
fn the_shop_and_its_incident_are_there() {
    let data = demo();
    let graph = &data.graph;
    let node = |kind: &str, name: &str| {
        graph
            .services
            .iter()
            .find(|s| s.kind.as_deref() == Some(kind) && s.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no {kind} {name} node"))
    };
    node("AWS::ApiGateway::Stage", "shop-api/prod");
    node("AWS::ECS::Container", "web-frontend");
    node("AWS::EC2::Instance", "orders");
    node("AWS::Lambda::Function", "inventory");
    node("AWS::DynamoDB::Table", "inventory-stock");
    node("AWS::SQS::Queue", "order-fulfilment");
    node(
        "Database::SQL",
        "orders@orders-db.cluster-c9xk2m4h7q1z.eu-west-1.rds.amazonaws.com",
    );
    let payments = node("AWS::EKS::Container", "payments");
    let provider = node("remote", "api.paymentprovider.example");
    assert!(payments.summary_statistics.as_ref().unwrap().fault_count() > 10);
    assert!(provider.summary_statistics.as_ref().unwrap().fault_count() > 10);
    let stock = node("AWS::DynamoDB::Table", "inventory-stock");
    assert!(stock.summary_statistics.as_ref().unwrap().throttle_count() > 0);
    let services = graph
        .services
        .iter()
        .filter(|s| s.kind.as_deref() != Some("client"))
        .count();
    assert!(services >= 8, "{services}");

    let in_progress = data.summaries.iter().filter(|s| s.is_partial).count();
    assert!((3..=5).contains(&in_progress), "{in_progress}");
    let with_users = data
        .summaries
        .iter()
        .filter(|s| !s.users.is_empty())
        .count();
    assert!(with_users > data.summaries.len() / 2);
    assert!(data.summaries.iter().any(|s| !s.annotations.is_empty()));
}
