//! The real binary against a loopback X-Ray: `--print` with live AWS, how region, credentials,
//! profile and endpoint are found, and what an AWS error or a missing setting does.
//! Every run gets a clean environment: dummy credentials at most, AWS files that do not exist
//! and no instance metadata, so the machine's own AWS set-up never leaks in.

mod aws_server;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::json;

use aws_server::{Reply, Server, fixture};

const SUMMARIES: &str = "awsdocs-devguide/GetTraceSummaries.scorekeep.response.json";
const TRACES: &str = "aws-cli-examples/BatchGetTraces.scorekeep.output.json";
const TRACE_ID: &str = "1-5d82881a-0a9126e92a73e971eed891b9";
const GRAPH: &str = "awsdocs-devguide/GetServiceGraph.scorekeep-4nodes.response.json";

/// The binary with no AWS set-up but what each test adds.
fn xray_tui(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xray-tui"));
    command
        .args(args)
        .env_clear()
        .env("TZ", "UTC")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

/// With dummy credentials in the environment, as a user with keys would have them.
fn with_keys(mut command: Command) -> Command {
    command.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    command
}

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The usual answers: the recorded summaries, trace and service graph.
fn recorded_server() -> Server {
    let server = Server::start();
    server.route("/TraceSummaries", |_| Reply::json(&fixture(SUMMARIES)));
    server.route("/Traces", |_| Reply::json(&fixture(TRACES)));
    server.route("/ServiceGraph", |_| Reply::json(&fixture(GRAPH)));
    server
}

fn print(server: &Server, view: &str, extra: &[&str]) -> Output {
    let url = server.url();
    let mut args = vec![
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
        "--print",
        view,
        "--width",
        "200",
    ];
    args.extend_from_slice(extra);
    run(with_keys(xray_tui(&args)))
}

/// The region and access key a request was signed with.
fn signed_by(server: &Server) -> String {
    let request = &server.requests_to("/TraceSummaries")[0];
    request
        .header("authorization")
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn print_list_shows_the_traces_of_the_last_hour() {
    let server = recorded_server();
    let output = print(&server, "list", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Traces of AWS us-east-1\n\nTraces      2 traces\n"),
        "{text}"
    );
    assert!(
        text.contains("1-59602606-a43a1ac52fc7ee0eea12a82c"),
        "{text}"
    );
    assert!(
        text.contains("1-59602603-23fc5b688855d396af79b496"),
        "{text}"
    );
    assert!(
        text.contains("/api/session") && text.contains("/api/user"),
        "{text}"
    );

    let request = &server.requests_to("/TraceSummaries")[0];
    let (start, end) = (request.seconds("StartTime"), request.seconds("EndTime"));
    assert!(
        (end - start - 3600.0).abs() < 1.0,
        "the last hour: {start}..{end}"
    );
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - end).abs() < 60.0, "up to now");
    let signature = signed_by(&server);
    assert!(
        signature.contains("Credential=AKIDEXAMPLE/") && signature.contains("/us-east-1/xray/"),
        "{signature}"
    );
}

#[test]
fn print_trace_shows_the_waterfall_of_batch_get_traces() {
    let server = recorded_server();
    let output = print(&server, &format!("trace:{TRACE_ID}"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Trace 1-5d82881a-0a9126e92a73e971eed891b9\n\nStatus    ✓ ok, HTTP 200\n"),
        "{text}"
    );
    let request = text.lines().find(|l| l.starts_with("Request ")).unwrap();
    assert!(request.ends_with("/api/user"), "{text}");
    assert!(
        text.contains("Scorekeep") && text.contains("DynamoDB"),
        "{text}"
    );
    let asked = &server.requests_to("/Traces")[0];
    assert_eq!(asked.trace_ids(), [TRACE_ID]);
}

#[test]
fn a_truncated_trace_says_so_beside_its_spans() {
    let server = Server::start();
    server.route("/TraceSummaries", |_| Reply::json(&fixture(SUMMARIES)));
    let mut truncated = fixture(TRACES);
    truncated["Traces"][0]["LimitExceeded"] = json!(true);
    server.route("/Traces", move |_| Reply::json(&truncated));
    let output = print(&server, &format!("trace:{TRACE_ID}"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let spans = text.lines().find(|l| l.starts_with("Spans ")).unwrap();
    assert!(
        spans.contains("truncated by X-Ray (LimitExceeded), some are missing"),
        "{text}"
    );
}

#[test]
fn print_map_shows_the_service_graph() {
    let server = recorded_server();
    let output = print(&server, "map", &["--since", "14h"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("Service map of AWS us-east-1\n\nMap          4 services, 3 calls\n"),
        "{text}"
    );
    for name in ["xray-sample.elasticbeanstal", "SNS", "awseb-e-dixzws4s9p"] {
        assert!(text.contains(name), "{name}:\n{text}");
    }
    assert_eq!(
        server.requests_to("/ServiceGraph").len(),
        3,
        "14 h in three windows"
    );
}

#[test]
fn an_aws_error_is_printed_and_the_exit_is_non_zero() {
    let server = Server::start();
    server.route("/TraceSummaries", |_| {
        Reply::error(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: xray:GetTraceSummaries",
        )
    });
    let output = print(&server, "list", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "xray-tui: AWS denied xray:GetTraceSummaries — add it to your IAM policy (see README: Live AWS)\n"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn no_region_says_how_to_set_one_at_once() {
    let started = Instant::now();
    let output = run(with_keys(xray_tui(&["--print", "list"])));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "xray-tui: no AWS region: pass --region, set AWS_REGION, or set region for profile \
         default in /nonexistent/aws/config\n"
    );
}

#[test]
fn no_credentials_names_the_profile_and_the_ways_to_get_some() {
    let started = Instant::now();
    let output = run(xray_tui(&["--region", "us-east-1", "--print", "list"]));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.starts_with(
            "xray-tui: no AWS credentials found for profile default: set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, run `aws configure --profile default`, or `aws sso login \
             --profile default` for SSO"
        ),
        "{error}"
    );
}

#[test]
fn a_profile_brings_its_region_and_credentials() {
    let server = recorded_server();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n\n[profile staging]\nregion = eu-west-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[staging]\naws_access_key_id = AKIDSTAGING\naws_secret_access_key = stagingsecret\n",
    )
    .unwrap();
    let url = server.url();
    let mut command = xray_tui(&[
        "--profile",
        "staging",
        "--endpoint-url",
        &url,
        "--print",
        "list",
    ]);
    command
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials);
    let output = run(command);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("Traces of AWS (staging)"),
        "{}",
        stdout(&output)
    );
    let signature = signed_by(&server);
    assert!(
        signature.contains("Credential=AKIDSTAGING/") && signature.contains("/eu-west-1/xray/"),
        "{signature}"
    );
}

#[test]
fn the_region_flag_beats_the_environment_and_aws_endpoint_url_is_honoured() {
    let server = recorded_server();
    let mut command = with_keys(xray_tui(&["--region", "us-west-2", "--print", "list"]));
    command
        .env("AWS_REGION", "eu-central-1")
        .env("AWS_ENDPOINT_URL", server.url());
    let output = run(command);
    assert!(output.status.success(), "{}", stderr(&output));
    let signature = signed_by(&server);
    assert!(signature.contains("/us-west-2/xray/"), "{signature}");
}

#[test]
fn time_range_type_sampling_filter_and_group_go_into_the_request() {
    let server = recorded_server();
    let output = print(
        &server,
        "list",
        &[
            "--time-range-type",
            "event",
            "--sampling",
            "--filter",
            "responsetime > 1",
            "--group",
            "checkout",
            "--from",
            "2017-07-08T00:00:00Z",
            "--to",
            "2017-07-08T01:00:00Z",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let request = &server.requests_to("/TraceSummaries")[0];
    assert_eq!(request.body["TimeRangeType"], "Event");
    assert_eq!(request.body["Sampling"], true);
    assert_eq!(
        request.body["FilterExpression"],
        "group.name = \"checkout\" AND (responsetime > 1)"
    );
    assert_eq!(request.seconds("StartTime"), 1_499_472_000.0);
    assert_eq!(request.seconds("EndTime"), 1_499_475_600.0);
}

#[test]
fn aws_flags_do_not_go_with_files_or_the_demo() {
    let output = run(xray_tui(&[
        "--demo",
        "--profile",
        "prod",
        "--print",
        "list",
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--profile"), "{}", stderr(&output));
}

#[test]
fn the_x_ray_endpoint_variable_beats_the_general_one() {
    let server = recorded_server();
    let mut command = with_keys(xray_tui(&["--region", "us-east-1", "--print", "list"]));
    command
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_XRAY", server.url());
    let output = run(command);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.requests_to("/TraceSummaries").len(), 1);
}

#[test]
fn an_endpoint_that_is_not_a_url_is_refused_at_once() {
    let output = run(xray_tui(&[
        "--endpoint-url",
        "localhost:4000",
        "--print",
        "list",
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`localhost:4000` is not an endpoint URL"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_answer_that_is_not_json_is_reported_not_retried() {
    let server = Server::start();
    server.route("/TraceSummaries", |_| Reply {
        body: "{\"TraceSummaries\": [".into(),
        ..Reply::json(&json!(null))
    });
    let output = print(&server, "list", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .starts_with("xray-tui: X-Ray's answer to GetTraceSummaries could not be read: "),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.requests_to("/TraceSummaries").len(), 1);
}

/// GetTraceSummaries in three pages of 40, as a busy hour gives them.
fn paged_server() -> (Server, Vec<String>) {
    let ids = aws_server::trace_ids(120, 1_499_472_000);
    let server = Server::start();
    let pages: Vec<Vec<String>> = ids.chunks(40).map(<[String]>::to_vec).collect();
    server.route("/TraceSummaries", move |request| {
        let page = match request.body.get("NextToken").and_then(|t| t.as_str()) {
            None => 0,
            Some("page-2") => 1,
            Some(_) => 2,
        };
        let summaries: Vec<_> = pages[page]
            .iter()
            .map(|id| {
                json!({
                    "Id": id, "Duration": 0.1, "ResponseTime": 0.1,
                    "HasFault": false, "HasError": false, "HasThrottle": false,
                    "Http": {"HttpURL": "https://shop.example/cart", "HttpStatus": 200, "HttpMethod": "GET"},
                    "Annotations": {}, "Users": [], "ServiceIds": []
                })
            })
            .collect();
        let mut body = json!({"TraceSummaries": summaries, "TracesProcessedCount": 40});
        if page < 2 {
            body["NextToken"] = json!(format!("page-{}", page + 2));
        }
        Reply::json(&body)
    });
    server.route("/Traces", |_| Reply::json(&fixture(TRACES)));
    (server, ids)
}

#[test]
fn print_list_reads_every_page_and_print_trace_reads_none() {
    let (server, ids) = paged_server();
    let output = print(&server, "list", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("\nTraces      120 traces\n"), "{text}");
    for id in &ids {
        assert!(text.contains(id.as_str()), "{id}:\n{text}");
    }
    assert_eq!(server.requests_to("/TraceSummaries").len(), 3);

    let (server, _) = paged_server();
    let output = print(&server, &format!("trace:{TRACE_ID}"), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        server.requests_to("/TraceSummaries").is_empty(),
        "a trace needs no summaries"
    );
}
