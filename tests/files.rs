//! Saved files: shapes detected, bad input reported with path, line and column, and the
//! rest still loaded.

use std::fs;
use std::path::PathBuf;

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
