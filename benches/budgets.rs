//! Benchmarks for the budgets in DESIGN.md. Run: `cargo bench --bench budgets`.
//! The big inputs come from `xray_tui::synthetic`, so every run measures the same data.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::model::{Document, Segment, Trace, TraceSummary};
use xray_tui::source::{Collector, Dataset, SummaryPage, demo, files};
use xray_tui::ui;

const NOW: f64 = 1_768_471_205.0;
const TRACE_ID: &str = "1-6968b4f1-00000000000000000000abcd";

fn with_summaries(summaries: Vec<TraceSummary>, width: u16, height: u16) -> State {
    let mut state = State::new("bench", width, height, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        unreachable!()
    };
    let page = SummaryPage {
        summaries,
        ..SummaryPage::default()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(page),
        },
    );
    state
}

fn with_trace(trace: Arc<Trace>, width: u16, height: u16) -> State {
    let mut state = State::new("bench", width, height, 0);
    let commands = update(&mut state, Action::OpenTrace(trace.id.clone()));
    let Command::LoadTrace { request, .. } = commands[0] else {
        unreachable!()
    };
    update(
        &mut state,
        Action::TracesLoaded {
            request,
            result: Ok(vec![trace]),
        },
    );
    state
}

fn frame(state: &State, buffer: &mut Buffer) {
    buffer.reset();
    let area = buffer.area;
    ui::render_buffer(state, buffer, area);
}

/// A trace as `aws xray batch-get-traces` prints it, with `spans` spans.
fn batch_get_traces_json(spans: usize) -> String {
    let documents = xray_tui::synthetic::trace_documents(TRACE_ID, spans, 3);
    let segments: Vec<serde_json::Value> = documents
        .iter()
        .map(|d| serde_json::json!({"Id": "x", "Document": d}))
        .collect();
    serde_json::json!({"Traces": [{"Id": TRACE_ID, "Segments": segments}]}).to_string()
}

/// Like [`batch_get_traces_json`], with each subsegment given what SDKs record about a call
/// (an AWS call, an SQL query or an HTTP request, annotations, some metadata), about 400 bytes
/// a span as in real traces.
fn sdk_sized_documents(spans: usize) -> Vec<String> {
    let mut counter = 0usize;
    xray_tui::synthetic::trace_documents(TRACE_ID, spans, 3)
        .iter()
        .map(|d| {
            let mut document: serde_json::Value = serde_json::from_str(d).unwrap();
            add_call_details(&mut document, &mut counter);
            document.to_string()
        })
        .collect()
}

fn sdk_sized_batch_get_traces_json(documents: &[String]) -> String {
    let segments: Vec<serde_json::Value> = documents
        .iter()
        .map(|d| serde_json::json!({"Id": "x", "Document": d}))
        .collect();
    serde_json::json!({"Traces": [{"Id": TRACE_ID, "Segments": segments}]}).to_string()
}

fn add_call_details(span: &mut serde_json::Value, counter: &mut usize) {
    use serde_json::json;
    if let Some(subsegments) = span
        .get_mut("subsegments")
        .and_then(serde_json::Value::as_array_mut)
    {
        for child in subsegments {
            *counter += 1;
            let n = *counter;
            match n % 3 {
                0 => {
                    child["namespace"] = json!("aws");
                    child["aws"] = json!({
                        "operation": "GetItem", "region": "us-east-1", "retries": n % 2,
                        "request_id": format!("{n:08X}-6A3C-4F1E-9B2D-{n:012X}"),
                        "table_name": "orders-prod", "resource_names": ["orders-prod"]
                    });
                    child["http"] = json!({"response": {"status": 200, "content_length": 412}});
                }
                1 => {
                    child["namespace"] = json!("remote");
                    child["sql"] = json!({
                        "url": "jdbc:postgresql://orders-db.cluster-c9akciq32.us-east-1.rds.amazonaws.com:5432/orders",
                        "sanitized_query": "SELECT id, status, total FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 50",
                        "database_type": "PostgreSQL", "database_version": "15.4", "user": "app"
                    });
                }
                _ => {
                    child["http"] = json!({
                        "request": {"method": "POST", "url": format!("https://inventory.internal/v2/reservations/{n}"),
                                    "user_agent": "python-requests/2.32.3", "client_ip": "10.0.12.7"},
                        "response": {"status": 200, "content_length": 1843}
                    });
                    child["annotations"] =
                        json!({"customer_tier": "gold", "order_id": format!("ord-{n}")});
                }
            }
            if n.is_multiple_of(10) {
                child["metadata"] = json!({"default": {"cache": "miss", "attempt": 1, "pool": {"size": 20, "in_use": n % 20}}});
            }
            add_call_details(child, counter);
        }
    }
}

/// A trace of at least `bytes` bytes.
fn batch_get_traces_json_of_size(bytes: usize) -> String {
    let mut spans = 1000;
    loop {
        let text = batch_get_traces_json(spans);
        if text.len() >= bytes {
            return text;
        }
        spans = spans * bytes / text.len() + 10;
    }
}

/// Parse, assemble and draw the first frame of a trace given as BatchGetTraces JSON. The state
/// is given back so that freeing it, which comes after the first frame, is not timed.
fn open_and_draw(json: &str, buffer: &mut Buffer) -> State {
    let mut collector = Collector::default();
    files::load_text("bench.json", json, &mut collector);
    let data = collector.finish();
    let trace = data.traces.into_values().next().unwrap();
    let state = with_trace(trace, 200, 60);
    frame(&state, buffer);
    state
}

fn start_to_first_frame(c: &mut Criterion) {
    c.bench_function("demo: load and first frame of the list at 200x60", |b| {
        // Freeing the data set is not timed: the program keeps it until it exits.
        b.iter_with_large_drop(|| {
            let data = demo::load(NOW);
            let state = with_summaries(data.summaries.clone(), 200, 60);
            let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
            frame(&state, &mut buffer);
            (data, state, buffer)
        })
    });
}

fn open_traces(c: &mut Criterion) {
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    let max_trace = batch_get_traces_json_of_size(500 * 1024);
    c.bench_function("open a 500 KB trace: parse, assemble, first frame", |b| {
        b.iter_with_large_drop(|| open_and_draw(&max_trace, &mut buffer))
    });
    let fifty_thousand = batch_get_traces_json(50_000);
    let sdk_sized_documents = sdk_sized_documents(50_000);
    let sdk_sized = sdk_sized_batch_get_traces_json(&sdk_sized_documents);
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    let name = format!(
        "open a 50,000-span trace ({} MB): parse, assemble, first frame",
        fifty_thousand.len() >> 20
    );
    group.bench_function(name, |b| {
        b.iter_with_large_drop(|| open_and_draw(&fifty_thousand, &mut buffer))
    });
    let name = format!(
        "open a 50,000-span trace with SDK-sized spans ({} MB): parse, assemble, first frame",
        sdk_sized.len() >> 20
    );
    group.bench_function(name, |b| {
        b.iter_with_large_drop(|| open_and_draw(&sdk_sized, &mut buffer))
    });
    // Live AWS: the SDK has read the answer; its documents are parsed and assembled.
    group.bench_function(
        "open a 50,000-span trace with SDK-sized spans from live AWS: parse, assemble, first frame",
        |b| {
            b.iter_batched(
                || sdk_sized_documents.iter().cloned().zip(1..).collect(),
                |documents: Vec<(String, usize)>| {
                    let mut collector = Collector::default();
                    collector.add_document_texts(documents, |n| format!("segment {n}"));
                    let (mut traces, _) = collector.into_traces();
                    let state = with_trace(Arc::new(traces.remove(0)), 200, 60);
                    frame(&state, &mut buffer);
                    state
                },
                BatchSize::LargeInput,
            )
        },
    );
    group.finish();
}

fn summaries(count: usize, data: &Dataset) -> Vec<TraceSummary> {
    (0..count)
        .map(|i| {
            let mut s = data.summaries[i % data.summaries.len()].clone();
            s.id = format!("1-6968b4f1-{i:024x}");
            s.start_time -= (i / data.summaries.len()) as f64 * 1800.0;
            s
        })
        .collect()
}

fn steady_frames(c: &mut Criterion) {
    let data = demo::load(NOW);
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    let mut list = with_summaries(summaries(100_000, &data), 200, 60);
    for _ in 0..5000 {
        update(&mut list, Action::Intent(Intent::Down));
    }
    c.bench_function("steady frame: trace list of 100,000 at 200x60", |b| {
        b.iter(|| frame(&list, &mut buffer))
    });

    let big = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    let mut waterfall = with_trace(Arc::clone(&big), 200, 60);
    for _ in 0..20_000 {
        update(&mut waterfall, Action::Intent(Intent::Down));
    }
    c.bench_function("steady frame: waterfall of 50,000 spans at 200x60", |b| {
        b.iter(|| frame(&waterfall, &mut buffer))
    });
}

/// A map of `nodes` services in layers, each calling two or three in the next layer.
fn generated_map(nodes: usize) -> xray_tui::app::map::MapModel {
    use xray_tui::app::map::{MapEdge, MapModel, MapNode};
    use xray_tui::model::graph_stats::Health;
    let health = |i: usize| Health {
        requests: 100,
        ok: 100 - (i % 7) as i64,
        faults: (i % 7) as i64,
        average: Some(0.05 + (i % 13) as f64 * 0.01),
        per_minute: Some(3.3),
        ..Health::default()
    };
    let per_layer = 20;
    let node_list = (0..nodes)
        .map(|i| MapNode {
            name: format!("service-{i}"),
            kind: "AWS::EC2::Instance".into(),
            root: i < per_layer,
            members: 1,
            health: health(i),
            histogram: Vec::new(),
        })
        .collect();
    let mut edges = Vec::new();
    for from in 0..nodes.saturating_sub(per_layer) {
        for k in 0..(2 + from % 2) {
            let to = (from / per_layer + 1) * per_layer + (from * 7 + k * 5) % per_layer;
            if to < nodes {
                edges.push(MapEdge {
                    from,
                    to,
                    health: health(from + k),
                    histogram: Vec::new(),
                });
            }
        }
    }
    MapModel {
        nodes: node_list,
        edges,
    }
}

fn map_frame(c: &mut Criterion) {
    let model = Arc::new(generated_map(300));
    let drawing = Arc::new(xray_tui::app::map::lay_out(model, false, false));
    let mut state = State::new("bench", 200, 60, 0);
    let commands = update(&mut state, Action::Intent(Intent::ShowMap));
    let Command::LoadMap { request, .. } = commands[0] else {
        unreachable!()
    };
    update(
        &mut state,
        Action::MapLoaded {
            request,
            result: Ok(drawing),
        },
    );
    for _ in 0..10 {
        update(&mut state, Action::Intent(Intent::MapRight));
        update(&mut state, Action::Intent(Intent::Down));
    }
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    c.bench_function("steady frame: service map of 300 nodes at 200x60", |b| {
        b.iter(|| frame(&state, &mut buffer))
    });
}

fn waterfall_operations(c: &mut Criterion) {
    let big = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    let mut state = with_trace(big, 200, 60);
    c.bench_function("fold and unfold the root of 50,000 spans", |b| {
        b.iter(|| {
            update(&mut state, Action::Intent(Intent::Top));
            update(&mut state, Action::Intent(Intent::ToggleFold));
            update(&mut state, Action::Intent(Intent::ToggleFold));
        })
    });
    let view = state.trace.as_mut().unwrap();
    xray_tui::app::trace_view::set_search(view, "downstream").expect("the query parses");
    c.bench_function("next match among 50,000 spans", |b| {
        b.iter(|| update(&mut state, Action::Intent(Intent::NextMatch)))
    });
}

fn assemble_only(c: &mut Criterion) {
    let documents: Vec<String> = xray_tui::synthetic::trace_documents(TRACE_ID, 50_000, 7);
    let parsed: Vec<Document> = documents
        .iter()
        .map(|text| Document {
            segment: Segment::parse(text).unwrap(),
            text: text.clone(),
        })
        .collect();
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("assemble 50,000 parsed spans", |b| {
        b.iter(|| black_box(Trace::assemble(TRACE_ID, parsed.clone())))
    });
    group.finish();
}

/// A thousand listed traces: the demo's, over again.
fn thousand_traces(data: &Dataset) -> Vec<Arc<Trace>> {
    let mut traces: Vec<Arc<Trace>> = data.traces.values().cloned().collect();
    traces.sort_by(|a, b| a.id.cmp(&b.id));
    traces.iter().cycle().take(1000).cloned().collect()
}

/// A list with the view `intent` opens made of `traces`.
fn list_view(data: &Dataset, intent: Intent, traces: &[Arc<Trace>]) -> State {
    let mut state = with_summaries(data.summaries.clone(), 200, 60);
    let commands = update(&mut state, Action::Intent(intent));
    let Command::LoadTraceSet { request, .. } = commands[0] else {
        unreachable!()
    };
    update(
        &mut state,
        Action::TraceSetLoaded {
            request,
            result: Ok(traces.to_vec()),
        },
    );
    state
}

fn analysis(c: &mut Criterion) {
    use xray_tui::analytics::icicle::{aggregate, trace_nodes};
    use xray_tui::analytics::span_stats::{Grouping, statistics};
    use xray_tui::layout::icicle::lay_out;
    let big = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    let one = [Arc::clone(&big)];
    c.bench_function("statistics of 50,000 spans by service and operation", |b| {
        b.iter(|| black_box(statistics(&one, Grouping::ServiceOperation)))
    });
    c.bench_function(
        "icicle of 50,000 spans: tree and frames at 200 columns",
        |b| b.iter(|| black_box(lay_out(&trace_nodes(&big), 0, 200))),
    );
    let data = demo::load(NOW);
    let thousand = thousand_traces(&data);
    c.bench_function(
        "aggregated icicle of 1,000 listed traces: tree and frames",
        |b| b.iter(|| black_box(lay_out(&aggregate(&thousand).nodes, 0, 200))),
    );

    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    let mut stats = with_trace(Arc::clone(&big), 200, 60);
    update(&mut stats, Action::Intent(Intent::ShowStatistics));
    c.bench_function("steady frame: statistics of 50,000 spans at 200x60", |b| {
        b.iter(|| frame(&stats, &mut buffer))
    });
    let mut icicle = with_trace(Arc::clone(&big), 200, 60);
    update(&mut icicle, Action::Intent(Intent::ToggleIcicle));
    c.bench_function("steady frame: icicle of 50,000 spans at 200x60", |b| {
        b.iter(|| frame(&icicle, &mut buffer))
    });
    let list_stats = list_view(&data, Intent::ShowStatistics, &thousand);
    c.bench_function(
        "steady frame: statistics of 1,000 listed traces at 200x60",
        |b| b.iter(|| frame(&list_stats, &mut buffer)),
    );
    let flame = list_view(&data, Intent::ToggleIcicle, &thousand);
    c.bench_function(
        "steady frame: icicle of 1,000 listed traces at 200x60",
        |b| b.iter(|| frame(&flame, &mut buffer)),
    );
}

/// Two generated traces of 50,000 spans diffed, the diff drawn, and a span query run.
fn diff_and_search(c: &mut Criterion) {
    let a = Arc::new(xray_tui::synthetic::trace(50_000, 7));
    let b = Arc::new(xray_tui::synthetic::trace(50_000, 8));
    c.bench_function("trace diff of two 50,000-span traces", |bench| {
        bench.iter(|| xray_tui::analytics::trace_diff::diff(&a, &b))
    });
    let mut state = with_trace(Arc::clone(&a), 200, 60);
    update(&mut state, Action::Intent(Intent::MarkDiff));
    let commands = update(&mut state, Action::OpenTrace(b.id.clone() + "-b"));
    let Command::LoadTrace { request, .. } = commands[0] else {
        unreachable!()
    };
    let mut renamed = (*b).clone();
    renamed.id = b.id.clone() + "-b";
    update(
        &mut state,
        Action::TracesLoaded {
            request,
            result: Ok(vec![Arc::new(renamed)]),
        },
    );
    update(&mut state, Action::Intent(Intent::DiffWithMarked));
    assert!(
        state
            .diff
            .view
            .as_ref()
            .is_some_and(|v| !v.diff.rows.is_empty())
    );
    for _ in 0..500 {
        update(&mut state, Action::Intent(Intent::Down));
    }
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    c.bench_function(
        "steady frame: trace diff of 50,000 spans at 200x60",
        |bench| bench.iter(|| frame(&state, &mut buffer)),
    );
    let mut searching = with_trace(Arc::clone(&a), 200, 60);
    let view = searching.trace.as_mut().unwrap();
    c.bench_function(
        "span search status=fault duration>10ms over 50,000 spans",
        |bench| {
            bench.iter(|| {
                xray_tui::app::trace_view::set_search(view, "status=fault duration>10ms")
                    .expect("the query parses")
            })
        },
    );
}

criterion_group!(
    benches,
    analysis,
    start_to_first_frame,
    open_traces,
    steady_frames,
    map_frame,
    waterfall_operations,
    assemble_only,
    diff_and_search
);
criterion_main!(benches);
