//! Every real X-Ray fixture parses into the spans its JSON describes.
//! Fixtures: tests/fixtures/xray (see MANIFEST.md there for provenance and licences).

use std::path::{Path, PathBuf};

use serde_json::Value;
use xray_tui::model::graph::NodeKey;
use xray_tui::model::segment::{AnnotationValue, Cause};
use xray_tui::model::{ServiceGraph, SpanKind, Trace, TraceSummary};
use xray_tui::source::{Collector, Dataset, files};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xray")
        .join(path)
}

fn load(paths: &[&str]) -> Dataset {
    let mut collector = Collector::default();
    let paths: Vec<PathBuf> = paths.iter().map(|p| fixture(p)).collect();
    files::load_paths(&paths, &mut collector);
    collector.finish()
}

fn only_trace(data: &Dataset) -> &Trace {
    assert_eq!(
        data.traces.len(),
        1,
        "expected one trace, got {:?}",
        data.traces.keys()
    );
    data.traces.values().next().unwrap()
}

/// (depth, name, parent name) of every span, in table order.
fn shape(trace: &Trace) -> Vec<(u32, &str, Option<&str>)> {
    trace
        .spans
        .iter()
        .map(|s| {
            (
                s.depth,
                s.name(),
                s.parent.map(|p| trace.spans[p as usize].name()),
            )
        })
        .collect()
}

/// The span table checks that hold for any trace: parents precede children, depths and
/// subtree sizes agree with the parent links.
fn assert_consistent(trace: &Trace) {
    for (i, span) in trace.spans.iter().enumerate() {
        let end = i + span.subtree_len as usize;
        assert!(end <= trace.spans.len());
        for child in &trace.spans[i + 1..end] {
            assert!(child.depth > span.depth);
        }
        match span.parent {
            Some(p) => {
                let p = p as usize;
                assert!(p < i);
                assert_eq!(span.depth, trace.spans[p].depth + 1);
                assert!(i < p + trace.spans[p].subtree_len as usize);
            }
            None => assert_eq!(span.depth, 0),
        }
    }
}

/// Independent oracle: walk the raw JSON, children by start time, and list (depth, id).
fn json_preorder(doc: &Value) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut stack = vec![(doc, 0u32)];
    while let Some((seg, depth)) = stack.pop() {
        out.push((depth, seg["id"].as_str().unwrap().to_owned()));
        let mut children: Vec<&Value> = seg["subsegments"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        children.sort_by(|a, b| {
            a["start_time"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["start_time"].as_f64().unwrap())
        });
        for child in children.into_iter().rev() {
            stack.push((child, depth + 1));
        }
    }
    out
}

#[test]
fn lambda_trace_is_stitched_across_five_documents() {
    let data = load(&["awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json"]);
    let trace = only_trace(&data);
    assert_eq!(trace.id, "1-59602603-23fc5b688855d396af79b496");
    assert_eq!(trace.documents.len(), 5);
    assert_consistent(trace);
    assert_eq!(
        shape(trace),
        vec![
            (0, "Scorekeep", None),
            (1, "Lambda", Some("Scorekeep")),
            (2, "random-name", Some("Lambda")),
            (3, "random-name", Some("random-name")),
            (4, "Initialization", Some("random-name")),
            (4, "annotations", Some("random-name")),
            (4, "SNS", Some("random-name")),
            (5, "SNS", Some("SNS")),
            (1, "## UserModel.saveUser", Some("Scorekeep")),
            (2, "DynamoDB", Some("## UserModel.saveUser")),
            (3, "DynamoDB", Some("DynamoDB")),
        ]
    );
    let kinds: Vec<SpanKind> = trace.spans.iter().map(|s| s.kind).collect();
    assert_eq!(kinds[0], SpanKind::Segment);
    assert_eq!(kinds[1], SpanKind::Subsegment);
    assert_eq!(kinds[7], SpanKind::Inferred);
    assert_eq!(kinds[10], SpanKind::Inferred);
    assert_eq!(trace.spans[0].subtree_len, 11);
    assert!(trace.spans.iter().all(|s| s.detached.is_none()));
    // Initialization starts before its parent segment: kept under it all the same.
    assert!(trace.spans[4].start() < trace.spans[3].start());
    // Each subsegment belongs to its enclosing segment's service.
    assert_eq!(trace.spans[6].service, 3);
    assert_eq!(trace.spans[9].service, 0);

    let summary = TraceSummary::of_trace(trace);
    assert_eq!(summary.response_time, Some(1499473414.794 - 1499473411.562));
    assert_eq!(summary.users, ["5M388M1E"]);
    assert_eq!(summary.http.method.as_deref(), Some("POST"));
    assert_eq!(summary.http.status, Some(200));
    assert!(!summary.has_fault && !summary.has_error && !summary.is_partial);
    assert_eq!(summary.entry_point.as_ref().unwrap().name, "Scorekeep");
}

#[test]
fn cli_output_with_exponent_numbers() {
    let data = load(&["aws-cli-examples/BatchGetTraces.scorekeep.output.json"]);
    let trace = only_trace(&data);
    assert_consistent(trace);
    assert_eq!(
        shape(trace),
        vec![
            (0, "Scorekeep", None),
            (1, "DynamoDB", Some("Scorekeep")),
            (2, "DynamoDB", Some("DynamoDB"))
        ]
    );
    assert_eq!(trace.spans[0].segment.start_time, Some(1568835610.432));
    assert!((trace.duration().unwrap() - 0.232).abs() < 1e-6);
}

#[test]
fn single_documents_match_their_json() {
    for path in [
        "otel-contrib-awsxray/ddbSample.json",
        "otel-contrib-awsxray/invalidNamespace.json",
        "otel-contrib-awsxray/serverSample.json",
        "awsdocs-devguide/segment.http-with-remote-subsegment.json",
        "awsdocs-devguide/segment.minimal.json",
        "awsdocs-devguide/segment.minimal-2.json",
        "otel-contrib-awsxray/awsValidAwsFields.json",
    ] {
        let text = std::fs::read_to_string(fixture(path)).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        let data = load(&[path]);
        assert!(data.problems.is_empty(), "{path}: {:?}", data.problems);
        let trace = only_trace(&data);
        assert_consistent(trace);
        let got: Vec<(u32, String)> = trace
            .spans
            .iter()
            .map(|s| (s.depth, s.id().to_owned()))
            .collect();
        assert_eq!(got, json_preorder(&json), "{path}");
    }
}

#[test]
fn ddb_sample_keeps_exceptions_annotations_and_metadata() {
    let data = load(&["otel-contrib-awsxray/ddbSample.json"]);
    let trace = only_trace(&data);
    let root = &trace.spans[0].segment;
    assert_eq!(root.name(), "DDB");
    assert!(root.fault);
    let Some(Cause::Details(cause)) = &root.cause else {
        panic!("cause: {:?}", root.cause)
    };
    assert_eq!(
        cause.exceptions[0].kind.as_deref(),
        Some("dynamodb.ResourceNotFoundException")
    );
    assert!(cause.exceptions[0].remote);
    assert_eq!(
        cause.exceptions[0].stack[0].path.as_deref(),
        Some("runtime/proc.go")
    );
    assert_eq!(cause.exceptions[0].stack[0].line, Some(203));
    assert_eq!(root.user.as_deref(), Some("xraysegmentdump"));
    let aws_calls = trace
        .spans
        .iter()
        .filter(|s| s.segment.namespace.as_deref() == Some("aws"))
        .count();
    assert!(aws_calls >= 2, "{aws_calls}");
    assert!(
        trace
            .spans
            .iter()
            .any(|s| !s.segment.annotations.is_empty())
    );
    assert!(trace.spans.iter().any(|s| !s.segment.metadata.is_empty()));
    assert!(trace.spans.iter().map(|s| s.depth).max().unwrap() >= 4);
}

#[test]
fn odd_documents_are_tolerated() {
    let data = load(&["otel-contrib-awsxray/minCauseIsExceptionId.json"]);
    let span = &only_trace(&data).spans[0];
    assert_eq!(
        span.segment.cause,
        Some(Cause::ExceptionId("abcdefghijklmnop".into()))
    );

    let data = load(&["otel-contrib-awsxray/minCauseIsInvalid.json"]);
    let span = &only_trace(&data).spans[0];
    assert!(span.segment.fault);
    assert_eq!(span.segment.cause, None);

    let data = load(&["otel-contrib-awsxray/minInProgress.json"]);
    let trace = only_trace(&data);
    assert!(trace.in_progress());
    assert_eq!(trace.spans[0].end(), None);
    assert!(TraceSummary::of_trace(trace).is_partial);

    let data = load(&["otel-contrib-awsxray/indepSubsegmentWithContentLengthString.json"]);
    let span = &only_trace(&data).spans[0];
    assert_eq!(span.kind, SpanKind::Subsegment);
    let response = span
        .segment
        .http
        .as_ref()
        .unwrap()
        .response
        .as_ref()
        .unwrap();
    assert_eq!(response.content_length, Some(861));
    // Its parent is not in the file: shown at the top level, marked.
    assert_eq!(
        span.detached,
        Some(xray_tui::model::trace::Detached::ParentMissing)
    );

    let data = load(&["otel-contrib-awsxray/minOtherFields.json"]);
    let span = &only_trace(&data).spans[0];
    assert!(span.segment.throttle);
    assert_eq!(span.segment.resource_arn.as_deref(), Some("chicken"));
}

#[test]
fn a_document_without_start_time_is_skipped_with_its_reason() {
    let data = load(&["otel-contrib-awsxray/segmentValidationFailed.json"]);
    assert!(data.traces.is_empty());
    assert_eq!(data.skipped_documents, 1);
    assert_eq!(data.problems.len(), 1);
    let problem = data.problems[0].to_string();
    assert!(
        problem.contains("segmentValidationFailed.json:1:1"),
        "{problem}"
    );
    assert!(problem.contains("no \"start_time\""), "{problem}");
}

#[test]
fn trace_summaries_output() {
    let data = load(&["awsdocs-devguide/GetTraceSummaries.scorekeep.response.json"]);
    assert_eq!(data.summaries.len(), 2);
    let user = data
        .summaries
        .iter()
        .find(|s| s.id == "1-59602603-23fc5b688855d396af79b496")
        .unwrap();
    assert_eq!(user.response_time, Some(3.232));
    assert_eq!(user.users, ["5M388M1E"]);
    assert_eq!(
        user.annotations["Name"],
        [AnnotationValue::String("Ola".into())]
    );
    assert_eq!(
        user.http.url.as_deref(),
        Some("http://scorekeep.elasticbeanstalk.com/api/user")
    );
    assert_eq!(
        user.start_time, 0x59602603 as f64,
        "start comes from the trace id"
    );
    // Only summaries: no documents to open.
    assert!(data.traces.is_empty());
}

#[test]
fn service_graph_output_keeps_nodes_and_edges() {
    let data = load(&["awsdocs-devguide/GetServiceGraph.scorekeep-4nodes.response.json"]);
    let graph = &data.graph;
    assert_eq!(graph.services.len(), 4);
    let digraph = graph.digraph();
    let mut edges: Vec<(String, String)> = digraph
        .edge_indices()
        .map(|e| {
            let (a, b) = digraph.edge_endpoints(e).unwrap();
            let key = |n: petgraph::graph::NodeIndex| graph.services[digraph[n]].key();
            let (a, b): (NodeKey, NodeKey) = (key(a), key(b));
            (
                format!("{}:{}", a.kind, a.name),
                format!("{}:{}", b.kind, b.name),
            )
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [
            (
                "AWS::EC2::Instance:xray-sample.elasticbeanstalk.com".to_owned(),
                "AWS::DynamoDB::Table:awseb-e-dixzws4s9p-stack-StartupSignupsTable-4IMSMHAYX2BA"
                    .to_owned()
            ),
            (
                "AWS::EC2::Instance:xray-sample.elasticbeanstalk.com".to_owned(),
                "AWS::SNS:SNS".to_owned()
            ),
            (
                "client:xray-sample.elasticbeanstalk.com".to_owned(),
                "AWS::EC2::Instance:xray-sample.elasticbeanstalk.com".to_owned()
            ),
        ]
    );
    let client = &graph.services[0];
    let stats = client.edges[0].summary_statistics.as_ref().unwrap();
    assert_eq!(
        (stats.ok_count, stats.error_count(), stats.total_count),
        (3, 1, 4)
    );
}

#[test]
fn computed_graph_follows_xray_rules() {
    let data = load(&["awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json"]);
    let graph = ServiceGraph::from_traces(data.traces.values().map(|t| t.as_ref()));
    let names: Vec<String> = graph
        .services
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                s.kind.as_deref().unwrap_or(""),
                s.name.as_deref().unwrap_or("")
            )
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "AWS::DynamoDB::Table:DynamoDB",
            "AWS::ElasticBeanstalk::Environment:Scorekeep",
            "AWS::Lambda::Function:random-name",
            "AWS::Lambda:random-name",
            "AWS::SNS:SNS",
            "client:Scorekeep",
        ]
    );
    let digraph = graph.digraph();
    let mut edges: Vec<String> = digraph
        .edge_indices()
        .map(|e| {
            let (a, b) = digraph.edge_endpoints(e).unwrap();
            format!("{} -> {}", names[digraph[a]], names[digraph[b]])
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [
            "AWS::ElasticBeanstalk::Environment:Scorekeep -> AWS::DynamoDB::Table:DynamoDB",
            "AWS::ElasticBeanstalk::Environment:Scorekeep -> AWS::Lambda:random-name",
            "AWS::Lambda::Function:random-name -> AWS::SNS:SNS",
            "AWS::Lambda:random-name -> AWS::Lambda::Function:random-name",
            "client:Scorekeep -> AWS::ElasticBeanstalk::Environment:Scorekeep",
        ]
    );
    let root = graph.services.iter().find(|s| s.root).unwrap();
    assert_eq!(root.name.as_deref(), Some("Scorekeep"));
    assert_eq!(root.summary_statistics.as_ref().unwrap().ok_count, 1);
    // Serialises in the GetServiceGraph shape and reads back the same.
    let json = serde_json::to_string(&graph).unwrap();
    assert!(json.contains("\"ReferenceId\"") && json.contains("\"SummaryStatistics\""));
    let again: ServiceGraph = serde_json::from_str(&json).unwrap();
    let keys = |g: &ServiceGraph| {
        g.services
            .iter()
            .map(|s| (s.key(), s.edges.len(), s.root))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&again), keys(&graph));
}

#[test]
fn every_fixture_loads_together() {
    let data = load(&[""]);
    // Every trace with documents assembled, the rest reported with their file.
    let ids: Vec<&str> = {
        let mut ids: Vec<&str> = data.traces.keys().map(String::as_str).collect();
        ids.sort();
        ids
    };
    assert!(ids.contains(&"1-59602603-23fc5b688855d396af79b496"));
    assert!(ids.contains(&"1-5f29ab21-d4ebf299219a65bd5c31d6da"));
    // Subsegment snippets from the developer guide have no trace id: each gets its own trace.
    assert!(
        ids.contains(&"(no trace_id) subsegment.sql-postgres.json"),
        "{ids:?}"
    );
    for trace in data.traces.values() {
        assert_consistent(trace);
    }
    let problems: Vec<String> = data.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems.iter().any(|p| {
        p.contains("PutTraceSegments.unprocessed.response.json:1:1: a PutTraceSegments response")
    }));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("segmentValidationFailed.json:1:1"))
    );
    // The same trace appears in several files: its documents are merged, not repeated.
    let lambda = &data.traces["1-59602603-23fc5b688855d396af79b496"];
    assert_eq!(lambda.spans.len(), 11);
}
