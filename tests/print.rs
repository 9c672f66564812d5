//! `--print` as a report for an incident channel or a script, through the real binary: full
//! ids, every row (or a line saying how many more), failing spans marked in words, the
//! root-cause exception, the whole map, no key hints; as text, Markdown or JSON.

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xray-tui"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

/// Stdout of a run that must succeed.
fn printed(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&printed(&args)).unwrap()
}

/// Every X-Ray trace id in the text, whole (not cut, not shortened).
fn trace_ids(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|word| {
            let parts: Vec<&str> = word.split('-').collect();
            parts.len() == 3
                && parts[0] == "1"
                && parts[1].len() == 8
                && parts[2].len() == 24
                && word.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        })
        .collect()
}

/// The demo's worst trace: the slowest one with a fault.
fn worst_demo_trace() -> String {
    let list = json(&["--demo", "--print", "list"]);
    list["traces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "fault" && t["duration"].is_number())
        .max_by(|a, b| {
            let d = |t: &Value| t["duration"].as_f64().unwrap();
            d(a).total_cmp(&d(b))
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Words only the interactive footer and help use.
const KEY_HINTS: [&str; 4] = [" quit", " help", "Enter ", "Esc "];

#[test]
fn a_list_at_80_columns_prints_every_trace_with_an_id_that_opens_it() {
    let text = printed(&["--demo", "--print", "list", "--width", "80"]);
    let total = json(&["--demo", "--print", "list"])["count"]
        .as_u64()
        .unwrap() as usize;
    assert!(total > 600, "{total}");
    assert!(
        text.contains(&format!("Traces      {total} traces")),
        "{text}"
    );
    let ids = trace_ids(&text);
    assert_eq!(ids.len(), total, "one full id per trace:\n{text}");
    for hint in KEY_HINTS {
        assert!(!text.contains(hint), "key hint {hint:?} in:\n{text}");
    }
    // An id printed by the list opens its trace.
    let trace = printed(&["--demo", "--print", &format!("trace:{}", ids[10])]);
    assert!(
        trace.starts_with(&format!("Trace {}\n", ids[10])),
        "{trace}"
    );
}

#[test]
fn a_limited_list_says_how_many_more_traces_there_are() {
    let text = printed(&["--demo", "--print", "list", "--limit", "5"]);
    let total = json(&["--demo", "--print", "list"])["count"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(trace_ids(&text).len(), 5, "{text}");
    assert!(
        text.trim_end().ends_with(&format!(
            "… and {} more traces (without --limit every trace is printed)",
            total - 5
        )),
        "{text}"
    );
    let limited = json(&["--demo", "--print", "list", "--limit", "5"]);
    assert_eq!(limited["traces"].as_array().unwrap().len(), 5);
    assert_eq!(limited["more"], total - 5);
}

#[test]
fn a_trace_prints_every_span_marks_the_failing_ones_and_ends_with_the_exception() {
    let id = worst_demo_trace();
    let data = json(&["--demo", "--print", &format!("trace:{id}")]);
    let spans = data["trace"]["spans"].as_array().unwrap();
    let text = printed(&[
        "--demo",
        "--print",
        &format!("trace:{id}"),
        "--width",
        "100",
    ]);
    for hint in KEY_HINTS {
        assert!(!text.contains(hint), "key hint {hint:?} in:\n{text}");
    }
    let waterfall: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Waterfall")
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(waterfall.len(), spans.len(), "every span:\n{text}");
    let faults = spans.iter().filter(|s| s["status"] == "fault").count();
    assert!(faults > 1, "{faults}");
    let marked: Vec<&&str> = waterfall
        .iter()
        .filter(|l| l.contains("✖ ") && l.contains("  FAULT"))
        .collect();
    assert_eq!(marked.len(), faults, "{text}");
    // The root cause is pointed at, and its exception follows the waterfall.
    let cause = &data["trace"]["root_cause"];
    assert_eq!(cause["kind"], "fault");
    let cause_span = spans
        .iter()
        .position(|s| s["id"] == cause["span_id"])
        .unwrap();
    assert!(
        waterfall[cause_span].ends_with("FAULT ◀ root cause"),
        "{text}"
    );
    let exception = &cause["exceptions"][0];
    let head = format!(
        "{} (remote): {}",
        exception["type"].as_str().unwrap(),
        exception["message"].as_str().unwrap()
    );
    let after: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Root cause of the fault")
        .collect();
    assert!(after.contains(&head.as_str()), "{head}\n{text}");
    let frame = &exception["stack"][0];
    assert!(
        after.iter().any(|l| l.starts_with(&format!(
            "    at {} ({}:{})",
            frame["label"].as_str().unwrap(),
            frame["path"].as_str().unwrap(),
            frame["line"]
        ))),
        "{text}"
    );
}

#[test]
fn ascii_marks_failing_spans_with_ascii_glyphs_and_words() {
    let id = worst_demo_trace();
    let text = printed(&["--demo", "--ascii", "--print", &format!("trace:{id}")]);
    assert!(text.contains("X payments"), "{text}");
    assert!(text.contains("FAULT <- root cause"), "{text}");
    let drawing: String = text.lines().skip_while(|l| *l != "Waterfall").collect();
    assert!(!drawing.contains('█') && !drawing.contains('├'), "{text}");
    assert!(!text.contains('µ') && text.contains("us  "), "{text}");
}

#[test]
fn the_map_at_80_columns_names_every_service_and_call() {
    let data = json(&["--demo", "--print", "map"]);
    let services = data["services"].as_array().unwrap();
    let edges = data["edges"].as_array().unwrap();
    assert!(services.len() > 10, "{}", services.len());
    let text = printed(&["--demo", "--print", "map", "--width", "80"]);
    for hint in KEY_HINTS {
        assert!(!text.contains(hint), "key hint {hint:?} in:\n{text}");
    }
    let section = |heading: &str| -> Vec<String> {
        text.lines()
            .skip_while(|l| *l != heading)
            .skip(2)
            .take_while(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let nodes = section("Services");
    assert_eq!(nodes.len(), services.len(), "{text}");
    for service in services {
        let name = service["name"].as_str().unwrap();
        assert!(
            nodes.iter().any(|row| row.starts_with(name)),
            "{name}:\n{text}"
        );
    }
    let calls = section("Calls");
    assert_eq!(calls.len(), edges.len(), "{text}");
    let payments = nodes.iter().find(|r| r.starts_with("payments ")).unwrap();
    assert!(payments.contains("✖ fault"), "{payments}");
    assert!(
        calls
            .iter()
            .any(|r| r.starts_with("payments ") && r.contains("api.paymentprovider.example")),
        "{text}"
    );
}

#[test]
fn markdown_has_tables_and_the_waterfall_in_a_code_block() {
    let list = printed(&["--demo", "--print", "list", "--format", "markdown"]);
    let total = json(&["--demo", "--print", "list"])["count"]
        .as_u64()
        .unwrap() as usize;
    assert!(list.starts_with("## Traces of demo\n"), "{list}");
    let rows: Vec<&str> = list.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(rows.len(), total + 2, "header, rule and a row per trace");
    assert!(
        rows[0].starts_with("| Time | Status | Method |"),
        "{}",
        rows[0]
    );
    assert!(rows[1].starts_with("| --- |"), "{}", rows[1]);

    let id = worst_demo_trace();
    let trace = printed(&[
        "--demo",
        "--print",
        &format!("trace:{id}"),
        "--format",
        "markdown",
    ]);
    assert!(trace.starts_with(&format!("## Trace {id}\n")), "{trace}");
    assert!(trace.contains("- **Status:** ✖ fault, HTTP "), "{trace}");
    let lines: Vec<&str> = trace.lines().collect();
    let open = lines.iter().position(|l| *l == "### Waterfall").unwrap() + 2;
    assert_eq!(lines[open], "```", "{trace}");
    let close = open + 1 + lines[open + 1..].iter().position(|l| *l == "```").unwrap();
    assert!(lines[open + 1].starts_with("Span "), "{trace}");
    assert!(
        lines[open + 2..close]
            .iter()
            .any(|l| l.ends_with("FAULT ◀ root cause"))
    );
    assert!(trace.contains("### Root cause of the fault"), "{trace}");

    let map = printed(&["--demo", "--print", "map", "--format", "markdown"]);
    assert!(
        map.contains("### Services\n\n| Service | Type | Status |"),
        "{map}"
    );
    assert!(map.contains("### Calls\n\n| From | To | Status |"), "{map}");
}

#[test]
fn json_is_for_scripts() {
    let list = json(&["--demo", "--print", "list"]);
    let traces = list["traces"].as_array().unwrap();
    assert_eq!(traces.len() as u64, list["count"].as_u64().unwrap());
    assert_eq!(list["more"], 0);
    let fault = traces.iter().find(|t| t["status"] == "fault").unwrap();
    assert!(fault["start"].as_f64().unwrap() > 1.7e9, "epoch seconds");
    assert!(fault["http"]["status"].as_i64().unwrap() >= 500);

    let id = worst_demo_trace();
    let trace = json(&["--demo", "--print", &format!("trace:{id}")]);
    assert_eq!(trace["trace"]["id"], id.as_str());
    let spans = trace["trace"]["spans"].as_array().unwrap();
    assert!(spans[0]["parent_id"].is_null());
    assert!(spans[1]["parent_id"].is_string());
    assert!(spans.iter().all(|s| s["offset"].as_f64().unwrap() >= 0.0));
    assert!(
        trace["trace"]["duration"].as_f64().unwrap() > 1.0,
        "seconds"
    );

    let map = json(&["--demo", "--print", "map"]);
    let edge = &map["edges"][0];
    let from = edge["from"].as_u64().unwrap() as usize;
    assert_eq!(map["services"][from]["name"], edge["from_name"]);
    assert!(map["services"][0]["health"]["requests"].is_number());
}

#[test]
fn text_from_the_data_cannot_break_out_of_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    let segment = serde_json::json!({
        "trace_id": "1-5759e988-bd862e3fe1be46a994272793",
        "id": "defdfd9912dc5a56",
        "start_time": 1461096053.37518,
        "end_time": 1461096053.4042,
        "name": "shop|api`\u{1b}[31mred\n# heading",
        "fault": true,
        "http": {
            "request": {"method": "GET", "url": "https://example.com/a|b"},
            "response": {"status": 500}
        }
    });
    std::fs::write(&path, segment.to_string()).unwrap();
    let file = path.to_str().unwrap();
    let trace = "trace:1-5759e988-bd862e3fe1be46a994272793";
    for format in ["text", "markdown", "json"] {
        for view in ["list", trace, "map"] {
            let text = printed(&["--file", file, "--print", view, "--format", format]);
            assert!(!text.contains('\x1b'), "{format} {view}:\n{text}");
        }
    }
    let markdown = printed(&["--file", file, "--print", trace, "--format", "markdown"]);
    assert!(
        markdown.contains("shop|api`␛[31mred␊# heading"),
        "in the code block as it is, cleaned:\n{markdown}"
    );
    let list = printed(&["--file", file, "--print", "list", "--format", "markdown"]);
    assert!(
        list.contains("/a\\|b |"),
        "escaped in a table cell:\n{list}"
    );
    assert_eq!(
        list.lines().filter(|l| l.starts_with("| ")).count(),
        3,
        "one row:\n{list}"
    );
}

#[test]
fn an_empty_list_says_why_it_is_empty() {
    let text = printed(&["--demo", "--filter", "http.status = 999", "--print", "list"]);
    assert!(
        text.trim_end()
            .ends_with("\n\nNo trace matches the filter."),
        "{text}"
    );
    assert!(trace_ids(&text).is_empty());
    let text = printed(&[
        "--demo",
        "--from",
        "2001-01-01T00:00:00Z",
        "--to",
        "2001-01-01T01:00:00Z",
        "--print",
        "list",
    ]);
    assert!(
        text.trim_end()
            .ends_with("\n\nNo traces in the time range (2001-01-01 00:00:00 to 01:00:00 UTC)."),
        "{text}"
    );
}
