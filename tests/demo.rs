//! The bundled demo data set: in sync with its generator, complete, and moved to "now".

mod common;

use std::sync::Arc;

use common::{FIXED_NOW, demo, loaded_state, open_trace};
use xray_tui::app::details::{DetailLine, Tab};
use xray_tui::model::segment::AnnotationValue;
use xray_tui::model::{SpanKind, Trace, trace_id};

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

/// The demo's traces with spans translated from OpenTelemetry, oldest first.
fn traces_with_otel_spans() -> Vec<&'static Arc<Trace>> {
    let mut traces: Vec<&Arc<Trace>> = demo()
        .traces
        .values()
        .filter(|t| t.spans.iter().any(|s| s.segment.otel.is_some()))
        .collect();
    traces.sort_by(|a, b| a.start().unwrap().total_cmp(&b.start().unwrap()));
    traces
}

/// The `recommendations` segment of a trace: the server span of the OTel-instrumented service.
fn recommendations_segment(trace: &Trace) -> Option<usize> {
    trace
        .spans
        .iter()
        .position(|s| s.is_segment() && s.name() == "recommendations")
}

#[test]
fn recommendations_sends_opentelemetry_and_the_rest_of_the_shop_x_ray() {
    let data = demo();
    let mixed = traces_with_otel_spans();
    assert!((30..=80).contains(&mixed.len()), "{}", mixed.len());
    for trace in &mixed {
        let server = recommendations_segment(trace).expect("a recommendations segment");
        for (index, span) in trace.spans.iter().enumerate() {
            let in_recommendations = span.service as usize == server;
            assert_eq!(
                span.segment.otel.is_some(),
                in_recommendations,
                "{}",
                span.name()
            );
            if !in_recommendations {
                continue;
            }
            // The OTel spans have no separate roots: one tree with the X-Ray spans.
            assert!(span.detached.is_none(), "{}", span.name());
            assert!(index == server || span.parent == Some(server as u32));
        }
    }
    let summaries = |source: &str| {
        let filter = format!("annotation.recommendation_source = \"{source}\"");
        let expr = xray_tui::filter::parse(&filter).unwrap();
        data.summaries
            .iter()
            .filter(|s| xray_tui::filter::matches(&expr, &data.traces[&s.id], s))
            .count()
    };
    let (cache, table, fallback) = (
        summaries("cache"),
        summaries("dynamodb"),
        summaries("dynamodb-fallback"),
    );
    assert_eq!(cache + table + fallback, mixed.len());
    assert!(cache > table && table > fallback && fallback > 0);
    // The translated spans fault now and then (the cache refuses), their traces do not.
    let faulted_caches = mixed
        .iter()
        .filter(|t| {
            t.spans
                .iter()
                .any(|s| s.segment.otel.is_some() && s.segment.fault)
        })
        .count();
    assert_eq!(faulted_caches, fallback);
    assert!(
        data.summaries
            .iter()
            .filter(|s| mixed.iter().any(|t| t.id == s.id))
            .all(|s| !s.has_fault && s.http.status == Some(200))
    );
}

#[test]
fn a_mixed_trace_opens_as_one_tree_and_its_otel_spans_have_an_otel_tab() {
    // One where the cache missed: the service queried DynamoDB and filled the cache.
    let trace = traces_with_otel_spans()
        .into_iter()
        .find(|t| {
            t.spans
                .iter()
                .any(|s| s.name() == "DynamoDB" && s.segment.otel.is_some())
        })
        .expect("a trace where recommendations queried DynamoDB");
    let mut state = loaded_state(120, 40);
    open_trace(&mut state, &trace.id);
    let view = state.trace.as_mut().unwrap();
    let trace = Arc::clone(view.trace.as_ref().expect("the trace is open"));
    let server = recommendations_segment(&trace).unwrap();
    let span = &trace.spans[server];

    // The service's server span is a segment whose parent is web-frontend's call.
    assert_eq!(span.kind, SpanKind::Segment);
    let caller = &trace.spans[span.parent.expect("a parent") as usize];
    assert_eq!(caller.kind, SpanKind::Subsegment);
    assert_eq!(caller.name(), "recommendations.acme-shop.internal");
    assert_eq!(caller.segment.namespace.as_deref(), Some("remote"));
    assert_eq!(trace.spans[caller.service as usize].name(), "web-frontend");
    assert!(
        caller.segment.otel.is_none(),
        "the caller is instrumented with X-Ray"
    );
    assert_eq!(span.segment.origin.as_deref(), Some("AWS::EKS::Container"));

    // Its name and HTTP block come from its OTel attributes.
    let http = span.segment.http.as_ref().unwrap();
    let request = http.request.as_ref().unwrap();
    assert_eq!(request.method.as_deref(), Some("GET"));
    let url = request.url.as_deref().unwrap();
    assert!(
        url.starts_with("http://recommendations.acme-shop.internal/v1/recommendations/P-"),
        "{url}"
    );
    assert_eq!(span.segment.http_status(), Some(200));

    // Its calls are subsegments under it: DynamoDB in `aws`, the Redis cache in `remote`.
    let children: Vec<usize> = trace.children(server).collect();
    let named = |name: &str| {
        children
            .iter()
            .map(|&c| &trace.spans[c])
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("no {name} under recommendations"))
    };
    let dynamodb = named("DynamoDB");
    assert_eq!(dynamodb.kind, SpanKind::Subsegment);
    assert_eq!(dynamodb.segment.namespace.as_deref(), Some("aws"));
    let aws = dynamodb.segment.aws.as_ref().unwrap();
    assert_eq!(aws.table_name.as_deref(), Some("product-recommendations"));
    let cache = named("recs-cache.q7m2ab.ng.0001.euw1.cache.amazonaws.com");
    assert_eq!(cache.segment.namespace.as_deref(), Some("remote"));
    named("rank_candidates");

    // The attribute the span listed in `aws.xray.annotations` is an X-Ray annotation.
    assert!(matches!(
        span.segment.annotations.get("recommendation_source"),
        Some(AnnotationValue::String(source)) if source.starts_with("dynamodb")
    ));

    // The OTel tab has the span as it arrived: its kind and its attributes.
    assert!(Tab::Otel.has_content(span));
    assert!(!Tab::Otel.has_content(caller));
    view.selected = server;
    xray_tui::app::trace_view::set_tab(view, Tab::Otel);
    let field = |label: &str, value: &str| DetailLine::Field(label.into(), value.into());
    let text = |line: &str| DetailLine::Text(line.into());
    assert!(
        view.details.contains(&field("Kind", "SERVER")),
        "{:?}",
        view.details
    );
    assert!(
        view.details
            .contains(&text("http.route = /v1/recommendations/{sku}"))
    );
    assert!(
        view.details
            .contains(&text("telemetry.sdk.language = python"))
    );
    let dynamodb_index = children
        .iter()
        .copied()
        .find(|&c| trace.spans[c].name() == "DynamoDB")
        .unwrap();
    view.selected = dynamodb_index;
    xray_tui::app::trace_view::set_tab(view, Tab::Otel);
    assert!(view.details.contains(&field("Kind", "CLIENT")));
    assert!(view.details.contains(&text("rpc.system = aws-api")));
}

#[test]
fn a_refused_cache_shows_its_exception_where_and_when_it_happened() {
    // A month after the data set was made: every time moves by a month.
    let later = xray_tui::source::demo::load(FIXED_NOW + 30.0 * 86_400.0);
    let trace = later
        .traces
        .values()
        .find(|t| {
            t.spans
                .iter()
                .any(|s| s.segment.otel.is_some() && s.segment.cause.is_some())
        })
        .expect("a trace where the cache refused the connection");
    let failed = trace
        .spans
        .iter()
        .position(|s| s.segment.otel.is_some() && s.segment.cause.is_some())
        .unwrap();
    let span = &trace.spans[failed];
    assert!(span.segment.fault);
    let exceptions = xray_tui::app::details::build(trace, failed, Tab::Exceptions);
    let shown = format!("{exceptions:?}");
    assert!(
        shown.contains("redis.exceptions.ConnectionError"),
        "{shown}"
    );
    assert!(shown.contains("ConnectionRefusedError"), "{shown}");
    assert!(shown.contains("connect_check_health"), "{shown}");
    // The event's time moved with the trace: it happened within the span, not a month away.
    let otel = span.segment.otel.as_ref().and_then(|o| o.read()).unwrap();
    let event_time = otel["events"][0]["time"].as_f64().unwrap();
    assert!((span.start()..=span.segment.end_time.unwrap()).contains(&event_time));
    let lines = xray_tui::app::details::build(trace, failed, Tab::Otel);
    let offset = lines
        .iter()
        .find_map(|line| match line {
            DetailLine::Heading(heading) => heading.strip_prefix("Event exception  +"),
            _ => None,
        })
        .expect("the exception event");
    assert!(
        offset.ends_with("ms") || offset.ends_with("µs"),
        "+{offset}"
    );
}

#[test]
fn ids_stay_the_same_for_hours_while_times_follow_the_clock() {
    let data = demo();
    let later = xray_tui::source::demo::load(FIXED_NOW + 3.0 * 3600.0);
    let (ids, later_ids) = (sorted_ids(data), sorted_ids(&later));
    assert_eq!(ids, later_ids);
    let newest = |d: &xray_tui::source::dataset::Dataset| {
        d.summaries
            .iter()
            .map(|s| s.start_time)
            .fold(f64::MIN, f64::max)
    };
    // The times moved on by three hours, the ids did not.
    let moved = newest(&later) - newest(data);
    assert!(
        (3.0 * 3600.0 - 600.0..=3.0 * 3600.0 + 600.0).contains(&moved),
        "{moved}"
    );
}

#[test]
fn an_id_from_the_window_before_still_names_its_trace() {
    let data = demo();
    let id = data.traces.keys().next().unwrap().clone();
    let earlier = trace_id::shift_epoch(&id, -(xray_tui::source::demo::ID_STEP as i64)).unwrap();
    assert!(!data.traces.contains_key(&earlier));
    assert_eq!(data.aliases.get(&earlier), Some(&id));
}

fn sorted_ids(data: &xray_tui::source::dataset::Dataset) -> Vec<String> {
    let mut ids: Vec<String> = data.traces.keys().cloned().collect();
    ids.sort();
    ids
}
