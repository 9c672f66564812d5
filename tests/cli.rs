//! The real binary's headless output and exit codes.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xray-tui"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xray");
const LAMBDA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/xray/awsdocs-devguide/BatchGetTraces.scorekeep-lambda-inferred.response.json"
);

#[test]
fn print_list_is_plain_text_with_its_facts_and_a_header() {
    let output = run(&["--demo", "--print", "list", "--width", "100"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\x1b'), "no escape codes");
    assert!(
        text.starts_with("Traces of demo\n\nTraces      677 traces\n"),
        "{text}"
    );
    let header = text
        .lines()
        .find(|l| l.starts_with("Time ") && l.contains("Trace ID"))
        .unwrap();
    let titles: Vec<&str> = header
        .split("  ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        titles,
        [
            "Time", "Status", "Method", "Response", "Duration", "Trace ID", "URL"
        ]
    );
}

#[test]
fn print_trace_shows_the_waterfall() {
    let id = "trace:1-59602603-23fc5b688855d396af79b496";
    let output = run(&["--file", LAMBDA, "--print", id, "--width", "120"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "Trace 1-59602603-23fc5b688855d396af79b496",
        "{text}"
    );
    assert!(text.contains("\nStatus    ✓ ok, HTTP 200\n"), "{text}");
    assert!(
        text.contains("\nRequest   POST scorekeep.elasticbeanstalk.com/api/user\n"),
        "{text}"
    );
    assert!(
        text.contains("\nStart     2017-07-08 00:23:31.562 UTC\n"),
        "{text}"
    );
    assert!(text.contains("\nSpans     11 spans\n"), "{text}");
    let waterfall: Vec<&str> = lines
        .iter()
        .skip_while(|l| **l != "Waterfall")
        .skip(2)
        .take_while(|l| !l.is_empty())
        .copied()
        .collect();
    assert_eq!(waterfall.len(), 11, "{text}");
    assert!(waterfall[0].starts_with("Scorekeep "), "{text}");
    assert!(waterfall[1].starts_with("├─Lambda "), "{text}");
    assert!(waterfall[9].starts_with("  └─DynamoDB "), "{text}");
    assert!(waterfall[10].starts_with("    └─DynamoDB "), "{text}");
    // Nothing failed: the slowest path is the root cause.
    assert!(text.contains("\nWhere the time went\n"), "{text}");
}

#[test]
fn a_w3c_trace_id_is_accepted() {
    let output = run(&[
        "--file",
        LAMBDA,
        "--print",
        "trace:5960260323fc5b688855d396af79b496",
        "--width",
        "200",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("1-59602603-23fc5b688855d396af79b496"));
}

/// What `aws logs filter-log-events --log-group-name aws/spans` prints (tests/fixtures/aws-spans).
const AWS_SPANS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/aws-spans/checkout.filter-log-events.json"
);

#[test]
fn aws_spans_from_cloudwatch_logs_print_as_a_trace() {
    let output = run(&["--file", AWS_SPANS, "--print", "list", "--width", "120"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let list = stdout(&output);
    assert!(
        list.contains("\nTraces      1 trace\nOf them     1 fault\n"),
        "{list}"
    );
    let row = list.lines().last().unwrap();
    assert!(
        row.contains("✖ fault 500  POST") && row.contains("1-6790a1b2-c3d4e5f60718293a4b5c6d7e"),
        "{list}"
    );

    let output = run(&[
        "--file",
        AWS_SPANS,
        "--print",
        "trace:6790a1b2c3d4e5f60718293a4b5c6d7e",
        "--width",
        "120",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Trace 1-6790a1b2-c3d4e5f60718293a4b5c6d7e\n"),
        "{text}"
    );
    assert!(text.contains("\nStatus    ✖ fault, HTTP 500\n"), "{text}");
    assert!(text.contains("\nDuration  740ms\n"), "{text}");
    let waterfall: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Waterfall")
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(waterfall.len(), 3, "{text}");
    assert!(
        waterfall[0].starts_with("✖ checkout ") && waterfall[0].ends_with("FAULT"),
        "{text}"
    );
    assert!(waterfall[1].starts_with("├─shop@pg.internal "), "{text}");
    assert!(
        waterfall[2].starts_with("└─✖ payments ") && waterfall[2].ends_with("FAULT ◀ root cause"),
        "{text}"
    );
    assert!(
        text.contains(
            "org.springframework.web.client.HttpServerErrorException$ServiceUnavailable (remote): 503 Service Unavailable"
        ),
        "{text}"
    );
}

#[test]
fn an_unknown_trace_exits_non_zero_with_one_line() {
    let output = run(&[
        "--demo",
        "--print",
        "trace:1-00000000-000000000000000000000000",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "xray-tui: trace 1-00000000-000000000000000000000000 is not in demo\n"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn bad_views_and_ids_exit_2() {
    let output = run(&["--demo", "--print", "trace:nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`nope` is not a trace id"),
        "{}",
        stderr(&output)
    );
    let output = run(&["--demo", "--print", "flamegraph"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown view `flamegraph`: use list, trace:<ID> or map"));
}

#[test]
fn without_demo_or_file_the_source_is_live_aws() {
    // With no AWS set-up at all, it says what is missing (tests/aws_cli.rs has the rest).
    let output = Command::new(env!("CARGO_BIN_EXE_xray-tui"))
        .args(["--print", "list"])
        .env_clear()
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("xray-tui: no AWS region: pass --region"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn load_problems_go_to_stderr_and_the_rest_is_shown() {
    let output = run(&["--file", FIXTURES, "--print", "list", "--width", "160"]);
    assert!(output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains(
            "segmentValidationFailed.json:1:1: segment document skipped: no \"start_time\""
        ),
        "{err}"
    );
    assert!(stdout(&output).contains("1-59602603-23fc5b688855d396af79b496"));
}

#[test]
fn only_bad_input_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"Traces\": [").unwrap();
    let output = run(&["--file", path.to_str().unwrap(), "--print", "list"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("broken.json:1:12: not valid JSON: EOF while parsing a list"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn filter_lists_only_the_payment_faults() {
    let filter = "service(\"payments\") { fault }";
    let output = run(&[
        "--demo", "--filter", filter, "--print", "list", "--width", "140",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // Independently: the demo traces in which a `payments` segment has a fault.
    let data = xray_tui::source::demo::load(1_768_471_205.0);
    let expected: Vec<&String> = data
        .traces
        .iter()
        .filter(|(_, t)| {
            t.spans
                .iter()
                .any(|s| s.is_segment() && s.name() == "payments" && s.segment.fault)
        })
        .map(|(id, _)| id)
        .collect();
    assert!(!expected.is_empty());
    assert!(
        text.contains(&format!(
            "\nTraces      {} of {} traces\n",
            expected.len(),
            data.summaries.len()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("\nFilter      {filter}\n")),
        "the filter is shown: {text}"
    );
    // Every one of them, each with its full id (the run moves the demo's times, and with
    // them the time part of its ids).
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("✖ fault")).collect();
    assert_eq!(rows.len(), expected.len(), "{text}");
    for id in expected {
        let unique = id.rsplit('-').next().unwrap();
        assert!(text.contains(&format!("-{unique} ")), "{id}:\n{text}");
    }
}

#[test]
fn a_bad_filter_exits_2_with_a_caret() {
    let output = run(&[
        "--demo",
        "--filter",
        "http.status > \"5\"",
        "--print",
        "list",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "xray-tui: bad filter expression:\nhttp.status > \"5\"\n              ^^^\nexpected a number after '>'\n"
    );
}

#[test]
fn print_map_shows_the_shop_and_the_faulting_node() {
    let output = run(&["--demo", "--print", "map", "--width", "200"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for service in ["shop-api/prod", "web-frontend", "orders", "payments"] {
        assert!(text.contains(service), "{service}:\n{text}");
    }
    let faulting = text
        .lines()
        .find(|l| l.starts_with("With faults  "))
        .unwrap();
    assert!(faulting.contains("payments"), "{text}");
    assert!(text.contains("✖ fault"), "fault rates are marked:\n{text}");
    let ascii = run(&["--demo", "--ascii", "--print", "map", "--width", "200"]);
    let ascii_text = stdout(&ascii);
    assert!(
        !ascii_text.contains('✖') && ascii_text.contains("X fault"),
        "{ascii_text}"
    );
}

#[test]
fn listen_says_which_address_it_cannot_have_and_why() {
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = run(&["--listen", &address]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("cannot listen on udp {address}")),
        "{message}"
    );
    assert!(message.contains("is the X-Ray daemon"), "{message}");

    let output = run(&["--listen", "localhost:two-thousand"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`localhost:two-thousand` is not an address to listen on"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_taken_otlp_port_leaves_the_listener_running_on_its_other_inputs() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = run(&[
        "--listen",
        "127.0.0.1:0",
        "--otlp-http",
        &address,
        "--otlp-grpc",
        "127.0.0.1:0",
        "--print",
        "list",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let title = stdout(&output).lines().next().unwrap().to_owned();
    assert!(title.starts_with("Traces of udp 127.0.0.1:"), "{title}");
    assert!(title.contains(" · grpc 127.0.0.1:"), "{title}");
    assert!(!title.contains("http"), "{title}");

    let output = run(&["--otlp-http", "4318"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--listen"), "{}", stderr(&output));
}

#[test]
fn time_range_flags_are_checked() {
    let output = run(&["--demo", "--since", "ten", "--print", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`ten` is not a length of time"),
        "{}",
        stderr(&output)
    );
    let output = run(&[
        "--demo",
        "--from",
        "2026-01-15T10:00:00Z",
        "--to",
        "2026-01-15T09:00:00Z",
        "--print",
        "list",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--to must be later than --from"));
}

#[test]
fn the_configuration_chooses_the_columns_of_print_list() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "columns = [\"status\", \"service\", \"annotation.customer_tier\", \"url\"]\n",
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let output = run(&[
        "--demo", "--config", &config, "--print", "list", "--width", "100",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let header = text.lines().find(|l| l.starts_with("Status ")).unwrap();
    assert!(
        header.starts_with("Status ") && header.contains("  Service  "),
        "{header}"
    );
    assert!(
        header.ends_with("Trace ID"),
        "the id is always printed: {header}"
    );
    assert!(header.contains("customer_tier"), "{header}");
    assert!(!header.contains("Time"), "{header}");
    assert!(text.contains("standard"), "annotation values:\n{text}");
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn a_bad_configuration_is_named_and_the_defaults_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "columns = [\"status\"]\n[keys]\nqiut = \"x\"\n").unwrap();
    let config = config.to_string_lossy().into_owned();
    let output = run(&["--demo", "--config", &config, "--print", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "{config}:3:1: key `keys.qiut`: unknown action `qiut`; did you mean quit?"
        )),
        "{message}"
    );
    assert!(
        message.trim_end().ends_with("using the defaults"),
        "{message}"
    );
    // The default columns, not the file's.
    let text = stdout(&output);
    let header = text
        .lines()
        .find(|l| l.starts_with("Time ") && l.contains("Trace ID"))
        .unwrap();
    assert!(header.contains("  Status  "), "{header}");
    assert!(header.contains("  Method  "), "{header}");
}

#[test]
fn nothing_to_upload_is_said_once_with_what_was_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "hello\n").unwrap();
    let path = notes.to_str().unwrap();
    let output = run(&["--file", path, "--upload"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "xray-tui: no segment documents to upload in {path}\n  {path}:1:1: not valid JSON: \
             expected value\n"
        )
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn a_profile_for_the_demo_alone_is_refused() {
    let output = run(&["--demo", "--profile", "prod", "--print", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "xray-tui: --profile is for live AWS, --upload and --forward; it has no say over \
         --demo, --file or --listen alone\n"
    );
}

#[test]
fn a_missing_file_is_refused_at_start_naming_the_path() {
    for extra in [&[][..], &["--print", "list"][..]] {
        let mut args = vec!["--file", LAMBDA, "--file", "/no/such/incident-2026.json"];
        args.extend_from_slice(extra);
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(
            stderr(&output),
            "xray-tui: --file /no/such/incident-2026.json: no such file or directory\n"
        );
        assert!(stdout(&output).is_empty(), "no UI, no print");
    }
}

#[test]
fn a_demo_id_printed_by_an_earlier_run_still_prints_its_trace() {
    let data = xray_tui::source::demo::load(xray_tui::clock::now());
    let (id, trace) = data.traces.iter().next().unwrap();
    // As a run in the window before this one printed it.
    let earlier =
        xray_tui::model::trace_id::shift_epoch(id, -(xray_tui::source::demo::ID_STEP as i64))
            .unwrap();
    for asked in [id, &earlier] {
        let output = run(&[
            "--demo",
            "--print",
            &format!("trace:{asked}"),
            "--width",
            "120",
        ]);
        assert!(output.status.success(), "{asked}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(trace.spans[0].name()),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_print_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xray-tui"))
        .args(["--demo", "--print", "list", "--width", "200"])
        .env("TZ", "UTC")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close the pipe as `| head -2` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{:?} {stderr}", output.status);
}
