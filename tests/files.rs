//! Saved files: shapes detected, bad input reported with path, line and column, and the
//! rest still loaded.

use std::fs;
use std::path::PathBuf;

use xray_tui::model::segment::Cause;
use xray_tui::source::{Collector, Dataset, files};

const HEADER: &str = r#"{"format": "json", "version": 1}"#;

fn doc(trace: &str, id: &str, parent: Option<&str>, start: f64) -> String {
    let parent = parent
        .map(|p| format!(r#","parent_id":"{p}","type":"subsegment""#))
        .unwrap_or_default();
    format!(
        r#"{{"trace_id":"{trace}","id":"{id}","name":"{id}","start_time":{start},"end_time":{}{parent}}}"#,
        start + 1.0
    )
}

const T1: &str = "1-5759e988-bd862e3fe1be46a994272793";
const T2: &str = "1-5759e989-bd862e3fe1be46a994272794";

fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    let mut collector = Collector::default();
    files::load_paths(&[dir.path().to_path_buf()], &mut collector);
    (dir, collector.finish())
}

fn problems(data: &Dataset) -> Vec<String> {
    data.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn ndjson_recording_with_a_bad_line_loads_the_rest() {
    let text = [
        doc(T1, "a", None, 1.0),
        "{\"id\": \"broken\", ".into(),
        doc(T1, "b", Some("a"), 1.5),
        doc(T2, "c", None, 3.0),
    ]
    .join("\n");
    let (_dir, data) = load_files(&[("rec.ndjson", &text)]);
    assert_eq!(data.traces.len(), 2);
    assert_eq!(data.traces[T1].spans.len(), 2);
    assert_eq!(data.traces[T1].spans[1].parent, Some(0));
    let problems = problems(&data);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("rec.ndjson:3:1: not valid JSON: key must be a string (in the value that starts on line 2)"),
        "{problems:?}"
    );
}

#[test]
fn daemon_datagrams_header_then_document() {
    let text = format!(
        "{HEADER}\n{}\n{HEADER}\n{}\n",
        doc(T1, "a", None, 1.0),
        doc(T1, "b", Some("a"), 1.2)
    );
    let (_dir, data) = load_files(&[("capture.txt", &text)]);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.traces[T1].spans.len(), 2);
}

#[test]
fn an_array_of_documents_and_a_pretty_printed_document() {
    let array = format!(
        "[\n  {},\n  {}\n]",
        doc(T1, "a", None, 1.0),
        doc(T2, "c", None, 2.0)
    );
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&doc(T1, "b", Some("a"), 1.1)).unwrap(),
    )
    .unwrap();
    let (_dir, data) = load_files(&[("array.json", &array), ("nested/deeper/one.json", &pretty)]);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.traces.len(), 2);
    assert_eq!(
        data.traces[T1].spans.len(),
        2,
        "directories are read recursively"
    );
}

#[test]
fn a_syntax_error_names_the_file_line_and_column() {
    let bad = "{\n  \"Traces\": [\n    {\"Id\": 1,,}\n  ]\n}\n";
    let (_dir, data) = load_files(&[("bad.json", bad), ("good.json", &doc(T1, "a", None, 1.0))]);
    assert_eq!(data.traces.len(), 1, "the good file still loads");
    let problems = problems(&data);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("bad.json:3:14: not valid JSON: key must be a string (in the value that starts on line 1)"), "{problems:?}");
}

#[test]
fn a_bad_document_inside_batch_get_traces_is_named() {
    let output = serde_json::json!({"Traces": [{"Id": T1, "Segments": [
        {"Id": "a", "Document": doc(T1, "a", None, 1.0)},
        {"Id": "zz", "Document": "{not json"}
    ]}]});
    let (_dir, data) = load_files(&[("batch.json", &output.to_string())]);
    assert_eq!(data.traces[T1].spans.len(), 1);
    let problems = problems(&data);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("batch.json:1:1: trace 1-5759e988-bd862e3fe1be46a994272793, segment zz: not a segment document"), "{problems:?}");
}

#[test]
fn batch_get_traces_outputs_in_a_row_all_load_and_a_wrong_one_is_named() {
    let first = serde_json::json!({"Traces": [{"Id": T1, "Segments": [
        {"Id": "a", "Document": doc(T1, "a", None, 1.0)},
        {"Id": "b", "Document": doc(T1, "b", Some("a"), 1.2)}
    ]}]});
    let wrong = serde_json::json!({"Traces": {"Id": T2}});
    let second = serde_json::json!({"Traces": [{"Id": T2, "Segments": [
        {"Id": "c", "Document": doc(T2, "c", None, 3.0)}
    ]}], "UnprocessedTraceIds": []});
    let text = format!(
        "{}\n{}\n{}\n{}\n",
        serde_json::to_string_pretty(&first).unwrap(),
        wrong,
        second,
        doc(T2, "d", Some("c"), 3.5)
    );
    let (_dir, data) = load_files(&[("batches.json", &text)]);
    assert_eq!(data.traces[T1].spans.len(), 2);
    assert_eq!(data.traces[T1].spans[1].parent, Some(0));
    let t2: Vec<&str> = data.traces[T2].spans.iter().map(|s| s.id()).collect();
    assert_eq!(t2, ["c", "d"]);
    let problems = problems(&data);
    let wrong_line = text.lines().position(|l| l.contains(r#"{"Id""#)).unwrap() + 1;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].ends_with(&format!(
            "batches.json:{wrong_line}:10: unreadable BatchGetTraces output: invalid type: map, \
             expected a sequence"
        )),
        "{problems:?}"
    );
}

#[test]
fn truncated_trace_is_marked() {
    let output = serde_json::json!({"Traces": [{"Id": T1, "LimitExceeded": true, "Segments": [{"Id": "a", "Document": doc(T1, "a", None, 1.0)}]}]});
    let (_dir, data) = load_files(&[("batch.json", &output.to_string())]);
    assert!(data.traces[T1].limit_exceeded);
}

#[test]
fn invalid_utf8_empty_files_and_other_json_are_reported() {
    let mut bytes = doc(T1, "a", None, 1.0).into_bytes();
    let at = bytes.iter().position(|&b| b == b'a').unwrap();
    bytes.insert(at + 4, 0xFF);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("latin1.json"), &bytes).unwrap();
    fs::write(dir.path().join("empty.json"), "  \n").unwrap();
    fs::write(dir.path().join("other.json"), r#"{"hello": "world"}"#).unwrap();
    fs::write(dir.path().join("notes.md"), "ignored: not a data file").unwrap();
    let mut collector = Collector::default();
    files::load_paths(
        &[
            dir.path().to_path_buf(),
            PathBuf::from("/no/such/file.json"),
        ],
        &mut collector,
    );
    let data = collector.finish();
    let problems = problems(&data);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("empty.json:1:1: empty file"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("latin1.json:1:") && p.contains("invalid UTF-8"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("other.json:1:1: not X-Ray data"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p == "/no/such/file.json: no such file or directory")
    );
    // The document with a bad byte in a string still loads.
    assert_eq!(data.traces.len(), 1);
}

#[test]
fn a_file_over_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let file = fs::File::create(&path).unwrap();
    file.set_len(files::MAX_FILE_BYTES + 1).unwrap();
    let mut collector = Collector::default();
    files::load_paths(&[path], &mut collector);
    let data = collector.finish();
    let problems = problems(&data);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("huge.json: file is 1.1 GB, more than the 1 GB"),
        "{problems:?}"
    );
}

#[test]
fn many_bad_lines_are_capped() {
    let text: String = (0..100).map(|i| format!("{{\"id\": {i},,}}\n")).collect();
    let (_dir, data) = load_files(&[("junk.ndjson", &text)]);
    let problems = problems(&data);
    assert_eq!(problems.len(), 21);
    assert!(
        problems
            .last()
            .unwrap()
            .ends_with("junk.ndjson: 80 more problems not shown"),
        "{problems:?}"
    );
}

// OpenTelemetry: one request (a server span, a payment call that failed with an exception,
// a database query) in every shape `--file` reads; see tests/fixtures/aws-spans/README.md.

const OTEL_TRACE: &str = "1-6790a1b2-c3d4e5f60718293a4b5c6d7e";

fn fixture(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    fs::read_to_string(path).unwrap()
}

/// (id, parent's id, name, depth) of every span in table order.
fn tree(data: &Dataset) -> Vec<(String, Option<String>, String, u32)> {
    assert_eq!(data.traces.len(), 1, "{:?}", data.traces.keys());
    let trace = &data.traces[OTEL_TRACE];
    trace
        .spans
        .iter()
        .map(|span| {
            let parent = span.parent.map(|p| trace.spans[p as usize].id().to_owned());
            (
                span.id().to_owned(),
                parent,
                span.name().to_owned(),
                span.depth,
            )
        })
        .collect()
}

/// The problems, their places named from the directory the files are in.
fn relative_problems(dir: &tempfile::TempDir, data: &Dataset) -> Vec<String> {
    let prefix = format!("{}/", dir.path().display());
    problems(data)
        .into_iter()
        .map(|p| p.strip_prefix(&prefix).map_or(p.clone(), str::to_owned))
        .collect()
}

fn load_clean(name: &str, text: &str) -> Dataset {
    let (_dir, data) = load_files(&[(name, text)]);
    assert!(data.problems.is_empty(), "{:#?}", problems(&data));
    data
}

#[test]
fn an_otlp_json_file_opens_as_one_trace() {
    let data = load_clean("checkout.json", &fixture("otel/checkout.otlp.json"));
    let owned = tree(&data);
    let shape: Vec<(&str, Option<&str>, &str, u32)> = owned
        .iter()
        .map(|(id, parent, name, depth)| (id.as_str(), parent.as_deref(), name.as_str(), *depth))
        .collect();
    assert_eq!(
        shape,
        [
            ("5f3c9e1d2b4a6078", None, "checkout", 0),
            (
                "91b8c7d6e5f40312",
                Some("5f3c9e1d2b4a6078"),
                "shop@pg.internal",
                1
            ),
            ("7d2e4f6a8b0c1e3f", Some("5f3c9e1d2b4a6078"), "payments", 1),
        ]
    );
    let trace = &data.traces[OTEL_TRACE];
    let segment = |index: usize| &trace.spans[index].segment;

    let root = segment(0);
    let request = root.http.as_ref().unwrap().request.as_ref().unwrap();
    assert_eq!(request.method.as_deref(), Some("POST"));
    assert_eq!(
        request.url.as_deref(),
        Some("https://shop.example.com/orders")
    );
    assert_eq!(root.http_status(), Some(500));
    assert_eq!(root.user.as_deref(), Some("alice"));
    assert!(root.fault && !root.error && !root.throttle);
    assert!(root.otel.is_some(), "the span is kept for the OTel tab");

    let query = segment(1);
    let sql = query.sql.as_ref().unwrap();
    assert_eq!(sql.database_type.as_deref(), Some("postgresql"));
    assert_eq!(
        sql.sanitized_query.as_deref(),
        Some("SELECT id, total FROM orders WHERE customer_id = ?")
    );
    assert!(!query.fault && !query.error);

    let payment = segment(2);
    assert_eq!(payment.namespace.as_deref(), Some("remote"));
    assert_eq!(payment.http_status(), Some(503));
    assert!(payment.fault && !payment.error);
    let Some(Cause::Details(cause)) = &payment.cause else {
        panic!("the payment call failed: {:?}", payment.cause);
    };
    let exception = &cause.exceptions[0];
    assert_eq!(
        exception.kind.as_deref(),
        Some("org.springframework.web.client.HttpServerErrorException$ServiceUnavailable")
    );
    assert_eq!(
        exception.message.as_deref(),
        Some("503 Service Unavailable")
    );
    assert_eq!(
        exception.stack[1].label.as_deref(),
        Some("com.example.shop.checkout.PaymentClient.charge")
    );
    assert_eq!(exception.stack[1].line, Some(58));
}

/// The request as the Collector's `file` exporter writes it: one compact request per line,
/// here the server span in one and its two calls in the next.
fn collector_lines() -> Vec<String> {
    let request: serde_json::Value =
        serde_json::from_str(&fixture("otel/checkout.otlp.json")).unwrap();
    let resource = &request["resourceSpans"][0];
    let scopes = resource["scopeSpans"].as_array().unwrap();
    let line = |scopes: &[serde_json::Value]| {
        let mut part = resource.clone();
        part["scopeSpans"] = serde_json::Value::from(scopes.to_vec());
        serde_json::json!({"resourceSpans": [part]}).to_string()
    };
    vec![line(&scopes[..1]), line(&scopes[1..])]
}

#[test]
fn collector_ndjson_gives_the_same_trace() {
    let otlp = tree(&load_clean(
        "checkout.json",
        &fixture("otel/checkout.otlp.json"),
    ));
    let ndjson = collector_lines().join("\n") + "\n";
    assert_eq!(tree(&load_clean("traces.jsonl", &ndjson)), otlp);
}

#[test]
fn aws_spans_in_every_output_give_the_same_trace() {
    let otlp = tree(&load_clean(
        "checkout.json",
        &fixture("otel/checkout.otlp.json"),
    ));
    for name in [
        "checkout.spans.ndjson",
        "checkout.filter-log-events.json",
        "checkout.get-log-events.json",
        "checkout.get-query-results.json",
    ] {
        let data = load_clean(name, &fixture(&format!("aws-spans/{name}")));
        assert_eq!(tree(&data), otlp, "{name}");
        let payment = &data.traces[OTEL_TRACE].spans[2].segment;
        assert!(
            matches!(&payment.cause, Some(Cause::Details(c)) if c.exceptions.len() == 1),
            "{name}: the exception event is read"
        );
    }
}

/// The text with `line` put in as line number `at` (from 1).
fn with_line(text: &str, at: usize, line: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(at - 1, line);
    lines.join("\n") + "\n"
}

#[test]
fn a_bad_record_in_each_shape_is_named_and_the_rest_loads() {
    let collector = collector_lines().join("\n");
    let spans = fixture("aws-spans/checkout.spans.ndjson");
    let events = fixture("aws-spans/checkout.filter-log-events.json");
    // A log event of another log group, before the second event (line 10 of the file).
    let foreign = r#"        {"timestamp": 1737531826500, "message": "START RequestId: 8f7e Version: $LATEST", "ingestionTime": 1737531828500},"#;
    let rows = fixture("aws-spans/checkout.get-query-results.json");
    let without_message =
        r#"        [{"field": "@timestamp", "value": "2025-01-22 07:43:46.500"}],"#;
    let cases = [
        (
            "collector.jsonl",
            with_line(&collector, 2, r#"{"resourceSpans": [{"scopeSpans": {}}]}"#),
            "collector.jsonl:2:34: not an OTLP/JSON trace request: invalid type: map, expected a sequence",
        ),
        (
            "collector-broken.jsonl",
            with_line(&collector, 1, r#"{"resourceSpans": [{"#),
            "collector-broken.jsonl:2:1: not valid JSON: key must be a string (in the value that starts on line 1)",
        ),
        (
            "spans.ndjson",
            with_line(
                &spans,
                3,
                r#"{"spanId": "0000000000000009", "name": "lost"}"#,
            ),
            "spans.ndjson:3:1: span skipped: no traceId",
        ),
        (
            "events.json",
            with_line(&events, 10, foreign),
            "events.json:10:9: message skipped, not an aws/spans span: not JSON: expected value at line 1 column 1",
        ),
        (
            "rows.json",
            with_line(&rows, 3, without_message),
            "rows.json:3:9: a Logs Insights row without @message; skipped (have the query ask for it: `fields @message`)",
        ),
    ];
    for (name, text, expected) in cases {
        let (dir, data) = load_files(&[(name, &text)]);
        assert_eq!(relative_problems(&dir, &data), [expected], "{name}");
        assert_eq!(data.traces[OTEL_TRACE].spans.len(), 3, "{name}");
    }
}

#[test]
fn junk_among_spans_is_named_line_by_line() {
    let spans = fixture("aws-spans/checkout.spans.ndjson");
    let mut text = with_line(&spans, 2, "hello");
    text = with_line(&text, 4, r#"{"hello": "world"}"#);
    text = with_line(
        &text,
        6,
        r#"{"traceId": "not hex", "spanId": "0000000000000009"}"#,
    );
    text.push_str("[1, 2]\n");
    let (dir, data) = load_files(&[("mixed.ndjson", &text)]);
    assert_eq!(data.traces[OTEL_TRACE].spans.len(), 3);
    let problems = relative_problems(&dir, &data);
    let places: Vec<&str> = problems
        .iter()
        .map(|p| p.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "mixed.ndjson:2:1",
            "mixed.ndjson:4:1",
            "mixed.ndjson:6:1",
            "mixed.ndjson:7:2",
            "mixed.ndjson:7:5"
        ],
        "{problems:#?}"
    );
    assert!(problems[2].ends_with("span skipped: traceId \"not hex\" is not hexadecimal"));
}
