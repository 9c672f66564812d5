//! The live AWS source with the real aws-sdk-xray client, against a loopback server that
//! replays recorded X-Ray responses: paging, windows, follow, batching, throttling, denied
//! calls, server errors and timeouts.

mod aws_server;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_xray::config::SharedCredentialsProvider;
use futures::StreamExt;
use serde_json::{Value, json};
use xray_tui::aws::{Configuration, ConnectOptions, Network, Operation};
use xray_tui::source::aws::{AwsOptions, AwsSource, Tuning};
use xray_tui::source::{GraphQuery, SourceError, SummaryPage, SummaryQuery, TraceSource};

use aws_server::{Reply, Server, fixture, trace_ids, traces_for};

const SUMMARIES: &str = "awsdocs-devguide/GetTraceSummaries.scorekeep.response.json";
const TRACES: &str = "aws-cli-examples/BatchGetTraces.scorekeep.output.json";
const TRACE_ID: &str = "1-5d82881a-0a9126e92a73e971eed891b9";
const GRAPH: &str = "awsdocs-devguide/GetServiceGraph.scorekeep-4nodes.response.json";

/// 2023-11-14 22:13:20 UTC.
const FROM: f64 = 1_700_000_000.0;
const HOUR: f64 = 3600.0;

/// Delays short enough for tests.
fn quick() -> Tuning {
    Tuning {
        retry_delay: Duration::from_millis(50),
        throttle_pause: Duration::from_millis(200),
        throttle_pause_cap: Duration::from_secs(2),
        poll_every: Duration::from_millis(200),
        ..Tuning::default()
    }
}

fn sdk_config(server: &Server, attempt_timeout: Duration) -> SdkConfig {
    aws_server::sdk_config(&server.url(), attempt_timeout)
}

fn source_with(server: &Server, tuning: Tuning) -> AwsSource {
    AwsSource::with_sdk_config(
        sdk_config(server, Duration::from_secs(5)),
        AwsOptions {
            tuning,
            ..AwsOptions::default()
        },
    )
}

fn source(server: &Server) -> AwsSource {
    source_with(server, quick())
}

fn query(from: f64, to: f64) -> SummaryQuery {
    SummaryQuery {
        range: Some((from, to)),
        ..SummaryQuery::default()
    }
}

async fn all_pages(
    source: &AwsSource,
    query: SummaryQuery,
) -> Vec<Result<SummaryPage, SourceError>> {
    tokio::time::timeout(Duration::from_secs(20), source.summaries(query).collect())
        .await
        .expect("the stream ends")
}

fn ids(page: &SummaryPage) -> Vec<&str> {
    page.summaries.iter().map(|s| s.id.as_str()).collect()
}

/// A GetTraceSummaries page of these summaries.
fn summaries_page(summaries: Vec<Value>, next: Option<&str>, processed: u64) -> Value {
    let mut page = json!({
        "TraceSummaries": summaries,
        "ApproximateTime": FROM,
        "TracesProcessedCount": processed,
    });
    if let Some(next) = next {
        page["NextToken"] = json!(next);
    }
    page
}

/// A summary in GetTraceSummaries' shape, for a trace id.
fn summary(id: &str) -> Value {
    json!({
        "Id": id, "Duration": 0.1, "ResponseTime": 0.1,
        "HasFault": false, "HasError": false, "HasThrottle": false,
        "Http": {"HttpURL": "https://shop.example/cart", "HttpStatus": 200, "HttpMethod": "GET"},
        "Annotations": {}, "Users": [], "ServiceIds": []
    })
}

/// The recorded summaries response cut into three pages: its two summaries, then the summary
/// of the recorded BatchGetTraces trace, in the same shape.
fn three_pages() -> Vec<Value> {
    let recorded = fixture(SUMMARIES);
    let real = recorded["TraceSummaries"].as_array().unwrap().clone();
    let third = json!({
        "Id": TRACE_ID, "Duration": 0.232, "ResponseTime": 0.232,
        "HasFault": false, "HasError": false, "HasThrottle": false, "IsPartial": false,
        "Http": {"HttpURL": "http://scorekeep-env-1.m4fg2pfzpv.us-east-2.elasticbeanstalk.com/api/user",
                 "HttpStatus": 200, "HttpMethod": "POST", "UserAgent": "curl/7.59.0", "ClientIp": "52.95.4.28"},
        "Annotations": {}, "Users": [],
        "ServiceIds": [{"Name": "Scorekeep", "Names": ["Scorekeep"], "Type": "AWS::ElasticBeanstalk::Environment"},
                       {"Name": "scorekeep-user", "Names": ["scorekeep-user"], "Type": "AWS::DynamoDB::Table"}],
        "EntryPoint": {"Name": "Scorekeep", "Names": ["Scorekeep"], "Type": "AWS::ElasticBeanstalk::Environment"}
    });
    vec![
        summaries_page(vec![real[0].clone()], Some("page-2"), 40),
        summaries_page(vec![real[1].clone()], Some("page-3"), 35),
        summaries_page(vec![third], None, 25),
    ]
}

/// Polls `ok` until it holds; panics after `timeout`.
async fn until(what: &str, timeout: Duration, ok: impl Fn() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every activity the source shows, in order, recorded as it happens.
fn record_activities(source: &AwsSource) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut status = source.status().expect("a live source has news");
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while status.changed().await.is_ok() {
            let activity = status.borrow_and_update().activity.clone();
            record.lock().unwrap().push(activity);
        }
    });
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summaries_stream_page_by_page_following_next_token() {
    let server = Server::start();
    server.script("/TraceSummaries", three_pages().iter().map(Reply::json));
    let pages = all_pages(
        &source(&server),
        SummaryQuery {
            filter: Some("responsetime > 0.05".into()),
            ..query(FROM, FROM + HOUR)
        },
    )
    .await;

    let pages: Vec<SummaryPage> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 3, "each page as it came");
    assert_eq!(ids(&pages[0]), ["1-59602606-a43a1ac52fc7ee0eea12a82c"]);
    assert_eq!(ids(&pages[1]), ["1-59602603-23fc5b688855d396af79b496"]);
    assert_eq!(ids(&pages[2]), [TRACE_ID]);
    assert_eq!(
        pages.iter().map(|p| p.done).collect::<Vec<_>>(),
        [false, false, true],
        "only the last page is the end"
    );
    let processed: u64 = pages.iter().filter_map(|p| p.processed).sum();
    assert_eq!(
        processed, 100,
        "TracesProcessedCount of each page, summed by the list"
    );

    // The summaries carry what the recorded answers say.
    let user = &pages[1].summaries[0];
    assert_eq!(
        user.http.url.as_deref(),
        Some("http://scorekeep.elasticbeanstalk.com/api/user")
    );
    assert_eq!(user.http.status, Some(200));
    assert_eq!(user.response_time, Some(3.232));
    assert_eq!(user.users, ["5M388M1E"]);
    assert_eq!(user.annotations.len(), 2);
    let third = &pages[2].summaries[0];
    assert_eq!(third.services.len(), 2);
    assert_eq!(third.entry_point.as_ref().unwrap().name, "Scorekeep");

    let requests = server.requests_to("/TraceSummaries");
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body.get("NextToken"), None);
    assert_eq!(requests[1].body["NextToken"], "page-2");
    assert_eq!(requests[2].body["NextToken"], "page-3");
    for request in &requests {
        assert_eq!(request.seconds("StartTime"), FROM);
        assert_eq!(request.seconds("EndTime"), FROM + HOUR);
        assert_eq!(request.body["FilterExpression"], "responsetime > 0.05");
        assert!(
            request.header("authorization").is_some_and(
                |a| a.contains("AKIDEXAMPLE/") && a.contains("/us-east-1/xray/aws4_request")
            ),
            "signed for X-Ray in the region: {:?}",
            request.header("authorization")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_range_is_fetched_in_windows_of_six_hours_that_cover_it_exactly() {
    let server = Server::start();
    server.route("/TraceSummaries", |request| {
        // One trace per window, named after the window's start.
        let start = request.seconds("StartTime") as u32;
        Reply::json(&summaries_page(
            vec![summary(&trace_ids(1, start)[0])],
            None,
            1,
        ))
    });
    let to = FROM + 14.0 * HOUR;
    let pages: Vec<SummaryPage> = all_pages(&source(&server), query(FROM, to))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();

    let mut windows: Vec<(f64, f64)> = server
        .requests_to("/TraceSummaries")
        .iter()
        .map(|r| (r.seconds("StartTime"), r.seconds("EndTime")))
        .collect();
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(
        windows,
        [
            (FROM, FROM + 2.0 * HOUR),
            (FROM + 2.0 * HOUR, FROM + 8.0 * HOUR),
            (FROM + 8.0 * HOUR, to)
        ],
        "three windows, none longer than 6 h, end to end"
    );
    assert_eq!(pages.len(), 3);
    assert_eq!(pages.iter().filter(|p| p.done).count(), 1);
    assert!(pages.last().unwrap().done);
    assert_eq!(pages.iter().map(|p| p.summaries.len()).sum::<usize>(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_is_applied_through_the_filter_expression_and_the_map_request() {
    let server = Server::start();
    server.script("/TraceSummaries", [Reply::json(&fixture(SUMMARIES))]);
    server.script("/ServiceGraph", [Reply::json(&fixture(GRAPH))]);
    let source = source(&server);
    let pages = all_pages(
        &source,
        SummaryQuery {
            filter: Some("fault OR error".into()),
            group: Some("checkout".into()),
            ..query(FROM, FROM + HOUR)
        },
    )
    .await;
    assert_eq!(pages.len(), 1);
    let request = &server.requests_to("/TraceSummaries")[0];
    assert_eq!(
        request.body["FilterExpression"],
        "group.name = \"checkout\" AND (fault OR error)"
    );

    source
        .service_graph(GraphQuery {
            range: Some((FROM, FROM + HOUR)),
            group: Some("checkout".into()),
            ..GraphQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        server.requests_to("/ServiceGraph")[0].body["GroupName"],
        "checkout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_polls_and_sends_only_traces_not_sent_before() {
    let server = Server::start();
    let ids = trace_ids(4, FROM as u32);
    let page = |which: &[usize]| {
        Reply::json(&summaries_page(
            which.iter().map(|&i| summary(&ids[i])).collect(),
            None,
            which.len() as u64,
        ))
    };
    server.script(
        "/TraceSummaries",
        [page(&[0, 1]), page(&[0, 1, 2]), page(&[1, 2, 3])],
    );
    server.route("/TraceSummaries", {
        let ids = ids.clone();
        move |_| {
            Reply::json(&summaries_page(
                vec![summary(&ids[2]), summary(&ids[3])],
                None,
                2,
            ))
        }
    });
    let now = xray_tui::clock::now();
    let source = source(&server);
    let mut stream = source.summaries(SummaryQuery {
        follow: true,
        ..query(now - HOUR, now)
    });
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("a page")
            .expect("the stream stays open")
            .unwrap()
    };
    let first = next().await;
    assert_eq!(ids_of(&first), [ids[1].as_str(), ids[0].as_str()]);
    assert!(first.done);
    let second = next().await;
    assert_eq!(ids_of(&second), [ids[2].as_str()], "only the new trace");
    let third = next().await;
    assert_eq!(ids_of(&third), [ids[3].as_str()]);
    // Later polls find nothing new and send nothing.
    assert!(
        tokio::time::timeout(Duration::from_millis(700), stream.next())
            .await
            .is_err(),
        "no page without new traces"
    );
    drop(stream);

    let requests = server.requests_to("/TraceSummaries");
    assert!(requests.len() >= 4, "{} polls", requests.len());
    let (first, poll) = (&requests[0], &requests[1]);
    assert!(
        poll.seconds("StartTime") < first.seconds("EndTime")
            && poll.seconds("StartTime") >= first.seconds("StartTime"),
        "a poll looks back over the end of the previous one, within the range"
    );
    assert!(poll.seconds("EndTime") > first.seconds("EndTime"));
}

fn ids_of(page: &SummaryPage) -> Vec<&str> {
    ids(page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_backs_off_says_so_lowers_concurrency_and_then_succeeds() {
    let server = Server::start();
    server.script(
        "/TraceSummaries",
        [
            Reply::error(429, "ThrottledException", "Rate exceeded"),
            Reply::json(&fixture(SUMMARIES)),
        ],
    );
    let source = source(&server);
    let activities = record_activities(&source);
    assert_eq!(source.calls_allowed(), 4);
    let pages = all_pages(&source, query(FROM, FROM + HOUR)).await;

    let page = pages[0].as_ref().expect("the answer after the throttle");
    assert_eq!(page.summaries.len(), 2);
    let requests = server.requests_to("/TraceSummaries");
    assert_eq!(requests.len(), 2);
    let waited = requests[1].arrived - requests[0].arrived;
    assert!(
        waited >= Duration::from_millis(200),
        "backed off {waited:?}"
    );
    until("the status to clear", Duration::from_secs(2), || {
        activities
            .lock()
            .unwrap()
            .last()
            .is_some_and(String::is_empty)
    })
    .await;
    let activities = activities.lock().unwrap().clone();
    assert!(
        activities.contains(&"throttled by X-Ray; retrying in 0.2 s".to_owned()),
        "{activities:?}"
    );
    assert!(
        source.calls_allowed() < 4,
        "fewer calls at once after a throttle"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_names_the_missing_action_and_is_not_retried() {
    let server = Server::start();
    server.script(
        "/Traces",
        [Reply::error(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: xray:BatchGetTraces",
        )],
    );
    let error = source(&server)
        .traces(vec![TRACE_ID.into()])
        .await
        .unwrap_err();
    assert_eq!(error, SourceError::AccessDenied(Operation::BatchGetTraces));
    // What the worker hands to the status line.
    assert_eq!(
        error.to_string(),
        "AWS denied xray:BatchGetTraces — add it to your IAM policy (see README: Live AWS)"
    );
    assert_eq!(server.requests_to("/Traces").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_is_retried_and_then_reported_with_the_retry_key() {
    let server = Server::start();
    let failure = || Reply::error(500, "InternalFailure", "Internal failure");
    // Once: the retry succeeds.
    server.script(
        "/TraceSummaries",
        [failure(), Reply::json(&fixture(SUMMARIES))],
    );
    let pages = all_pages(&source(&server), query(FROM, FROM + HOUR)).await;
    assert_eq!(pages[0].as_ref().unwrap().summaries.len(), 2);
    assert_eq!(server.requests_to("/TraceSummaries").len(), 2);

    // Every time: three attempts, then the error.
    let server = Server::start();
    server.script("/TraceSummaries", [failure(), failure(), failure()]);
    let pages = all_pages(&source(&server), query(FROM, FROM + HOUR)).await;
    assert_eq!(pages.len(), 1);
    let error = pages[0].as_ref().unwrap_err();
    assert_eq!(
        error,
        &SourceError::Network {
            operation: Operation::GetTraceSummaries,
            attempts: 3,
            cause: Network::ServerError {
                status: 500,
                said: "InternalFailure: Internal failure".into()
            }
        }
    );
    assert_eq!(
        error.to_string(),
        "X-Ray answered HTTP 500 (InternalFailure: Internal failure); reload the list to retry \
         (GetTraceSummaries, 3 attempts)"
    );
    assert_eq!(server.requests_to("/TraceSummaries").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_is_given_up_on_within_the_bound() {
    let server = Server::start();
    server.script("/TraceSummaries", [Reply::hang(), Reply::hang()]);
    let source = AwsSource::with_sdk_config(
        sdk_config(&server, Duration::from_millis(500)),
        AwsOptions {
            tuning: Tuning {
                attempts: 2,
                ..quick()
            },
            ..AwsOptions::default()
        },
    );
    let started = Instant::now();
    let pages = all_pages(&source, query(FROM, FROM + HOUR)).await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1000) && took < Duration::from_secs(3),
        "two attempts of 0.5 s: {took:?}"
    );
    let error = pages[0].as_ref().unwrap_err();
    assert_eq!(
        error,
        &SourceError::Network {
            operation: Operation::GetTraceSummaries,
            attempts: 2,
            cause: Network::Timeout {
                within: Some(Duration::from_millis(500))
            }
        }
    );
    assert_eq!(
        error.to_string(),
        "X-Ray did not answer GetTraceSummaries within 500 ms; check the network and the \
         endpoint, then reload the list to retry (2 attempts)"
    );
    assert_eq!(server.requests_to("/TraceSummaries").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprocessed_trace_ids_are_asked_for_again() {
    let server = Server::start();
    server.script(
        "/Traces",
        [
            Reply::json(&json!({"Traces": [], "UnprocessedTraceIds": [TRACE_ID]})),
            Reply::json(&fixture(TRACES)),
        ],
    );
    let source = source(&server);
    let traces = source.traces(vec![TRACE_ID.into()]).await.unwrap();
    assert_eq!(traces.len(), 1);
    assert_eq!(traces[0].id, TRACE_ID);
    // The recorded trace: a segment and the inferred DynamoDB segment, stitched together.
    assert!(traces[0].spans.iter().any(|s| s.name() == "Scorekeep"));
    assert!(traces[0].spans.iter().any(|s| s.name() == "DynamoDB"));
    let requests = server.requests_to("/Traces");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].trace_ids(), [TRACE_ID]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_document_in_an_answer_is_a_problem_and_the_rest_opens() {
    let server = Server::start();
    let mut answer = fixture(TRACES);
    let segments = answer["Traces"][0]["Segments"].as_array_mut().unwrap();
    let kept = segments.len();
    segments.push(json!({"Id": "0000000000000bad", "Document": "{\"id\": \"0000000000000bad\","}));
    server.script("/Traces", [Reply::json(&answer)]);
    let source = source(&server);
    let status = source.status().expect("a live source has news");
    let traces = source.traces(vec![TRACE_ID.into()]).await.unwrap();
    assert_eq!(traces[0].documents.len(), kept);
    assert!(traces[0].spans.iter().any(|s| s.name() == "Scorekeep"));
    let problems = status.borrow().problems.clone();
    let expected = format!(
        "BatchGetTraces {TRACE_ID} segment {}: not a segment document: EOF while parsing",
        kept + 1
    );
    assert!(
        problems.iter().any(|p| p.starts_with(&expected)),
        "{problems:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_trace_is_marked_limit_exceeded() {
    let server = Server::start();
    let mut truncated = fixture(TRACES);
    truncated["Traces"][0]["LimitExceeded"] = json!(true);
    server.script("/Traces", [Reply::json(&truncated)]);
    let traces = source(&server).traces(vec![TRACE_ID.into()]).await.unwrap();
    assert!(traces[0].limit_exceeded);
    assert!(
        !traces[0].spans.is_empty(),
        "what X-Ray sent is still shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_get_traces_asks_five_ids_a_call_and_at_most_four_calls_at_once() {
    let server = Server::start();
    server.route("/Traces", |request| {
        Reply::json(&traces_for(&request.trace_ids())).after(Duration::from_millis(100))
    });
    let source = source(&server);
    let wanted = trace_ids(12, FROM as u32);
    let traces = source.traces(wanted.clone()).await.unwrap();
    assert_eq!(
        traces.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        wanted,
        "every trace, in the order asked"
    );
    let requests = server.requests_to("/Traces");
    let mut sizes: Vec<usize> = requests.iter().map(|r| r.trace_ids().len()).collect();
    sizes.sort();
    assert_eq!(sizes, [2, 5, 5]);
    let mut asked: Vec<String> = requests.iter().flat_map(|r| r.trace_ids()).collect();
    asked.sort();
    assert_eq!(asked, wanted, "each id asked once");
    assert!(server.max_in_flight("/Traces") <= 4);

    // Forty ids: eight calls, four at a time and never more.
    let more = trace_ids(40, FROM as u32 + 100);
    source.traces(more).await.unwrap();
    assert_eq!(server.requests_to("/Traces").len(), 3 + 8);
    assert_eq!(server.max_in_flight("/Traces"), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_are_kept_for_the_session_and_prefetched_ones_open_without_a_call() {
    let server = Server::start();
    server.route("/Traces", |request| {
        Reply::json(&traces_for(&request.trace_ids()))
    });
    let source = source(&server);
    let wanted = trace_ids(7, FROM as u32);
    source.traces(wanted[..2].to_vec()).await.unwrap();
    assert_eq!(server.requests_to("/Traces").len(), 1);
    source.traces(wanted[..2].to_vec()).await.unwrap();
    assert_eq!(server.requests_to("/Traces").len(), 1, "from the cache");

    // The other five ahead of time, in the background; the cached two are not asked again.
    source.prefetch(wanted.clone());
    until("the prefetch", Duration::from_secs(5), || {
        server
            .requests_to("/Traces")
            .iter()
            .filter(|r| r.answered.is_some())
            .count()
            == 2
    })
    .await;
    assert_eq!(
        server.requests_to("/Traces")[1].trace_ids(),
        wanted[2..].to_vec()
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let traces = source.traces(wanted.clone()).await.unwrap();
    assert_eq!(traces.len(), 7);
    assert_eq!(
        server.requests_to("/Traces").len(),
        2,
        "no call when opening"
    );
    assert!(started.elapsed() < Duration::from_millis(50));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_map_merges_windows_by_node() {
    let server = Server::start();
    server.route("/ServiceGraph", |_| Reply::json(&fixture(GRAPH)));
    let source = source(&server);
    let to = FROM + 14.0 * HOUR;
    let graph = source
        .service_graph(GraphQuery {
            range: Some((FROM, to)),
            group: None,
            ..GraphQuery::default()
        })
        .await
        .unwrap();
    let requests = server.requests_to("/ServiceGraph");
    assert_eq!(requests.len(), 3);
    let mut windows: Vec<(f64, f64)> = requests
        .iter()
        .map(|r| (r.seconds("StartTime"), r.seconds("EndTime")))
        .collect();
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(windows.first().unwrap().0, FROM);
    assert_eq!(windows.last().unwrap().1, to);
    assert!(windows.windows(2).all(|w| w[0].1 == w[1].0));

    // The same four services in each window: four nodes, three windows' worth of requests.
    assert_eq!(graph.services.len(), 4);
    let recorded = fixture(GRAPH);
    let client = graph
        .services
        .iter()
        .find(|s| s.kind.as_deref() == Some("client"))
        .unwrap();
    let recorded_ok = recorded["Services"][0]["Edges"][0]["SummaryStatistics"]["OkCount"]
        .as_i64()
        .unwrap();
    assert_eq!(client.edges.len(), 1);
    assert_eq!(
        client.edges[0]
            .summary_statistics
            .as_ref()
            .unwrap()
            .ok_count,
        3 * recorded_ok
    );
    assert_eq!(graph.digraph().edge_count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_map_asks_five_traces_a_call_and_merges_the_answers() {
    let server = Server::start();
    server.route("/TraceGraph", |_| {
        Reply::json(&json!({ "Services": fixture(GRAPH)["Services"].clone() }))
    });
    let wanted = trace_ids(7, FROM as u32);
    let graph = source(&server).trace_graph(wanted.clone()).await.unwrap();
    let requests = server.requests_to("/TraceGraph");
    let mut sizes: Vec<usize> = requests.iter().map(|r| r.trace_ids().len()).collect();
    sizes.sort();
    assert_eq!(sizes, [2, 5]);
    assert_eq!(graph.services.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_listed_across_pages() {
    let server = Server::start();
    server.script(
        "/Groups",
        [
            Reply::json(&json!({
                "Groups": [
                    {"GroupName": "Default", "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/Default"},
                    {"GroupName": "payments", "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/payments/AB", "FilterExpression": "service(\"payments\")"}
                ],
                "NextToken": "groups-2"
            })),
            Reply::json(&json!({
                "Groups": [{"GroupName": "checkout", "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/checkout/CD", "FilterExpression": "service(\"checkout\")"}]
            })),
        ],
    );
    let groups = source(&server).groups().await.unwrap();
    assert_eq!(groups, ["Default", "checkout", "payments"]);
    assert_eq!(
        server.requests_to("/Groups")[1].body["NextToken"],
        "groups-2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_that_ran_out_say_how_to_refresh_them() {
    use aws_credential_types::credential_fn::provide_credentials_fn;
    use aws_credential_types::provider::error::CredentialsError;
    let server = Server::start();
    server.route("/TraceSummaries", |_| Reply::json(&fixture(SUMMARIES)));
    let expired = provide_credentials_fn(|| async {
        Err(CredentialsError::provider_error(
            "the SSO token has expired and cannot be refreshed",
        ))
    });
    let sdk = sdk_config(&server, Duration::from_secs(5))
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(expired))
        .build();
    let source = AwsSource::with_sdk_config(
        sdk,
        AwsOptions {
            connect: ConnectOptions {
                profile: Some("oncall".into()),
                ..ConnectOptions::default()
            },
            tuning: quick(),
            ..AwsOptions::default()
        },
    );
    let pages = all_pages(&source, query(FROM, FROM + HOUR)).await;
    let error = pages[0].as_ref().unwrap_err();
    assert!(
        matches!(
            error,
            SourceError::Configuration(Configuration::LoginNeeded { profile, .. })
                if profile == "oncall"
        ),
        "{error:?}"
    );
    let error = error.to_string();
    assert!(
        error.starts_with(
            "the AWS credentials of profile oncall have expired or need a new login: run \
             `aws sso login --profile oncall`"
        ),
        "{error}"
    );
    assert!(
        server.requests_to("/TraceSummaries").is_empty(),
        "nothing unsigned was sent"
    );
}

// Files under tests/aws/ are modules of this test, not tests of their own.
#[path = "aws/all_spans.rs"]
mod all_spans;
#[path = "aws/health.rs"]
mod health;
#[path = "aws/insights.rs"]
mod insights;
#[path = "aws/insights_screen.rs"]
mod insights_screen;
#[path = "aws/print.rs"]
mod print;
#[path = "aws/trace_logs.rs"]
mod trace_logs;
#[path = "aws/transaction_search.rs"]
mod transaction_search;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_id_typed_in_w3c_form_is_fetched_without_being_listed() {
    let server = Server::start();
    server.script("/Traces", [Reply::json(&fixture(TRACES))]);
    let source = source(&server);
    // As the trace id prompt has it: W3C form, made X-Ray's, and no list loaded before.
    let w3c = TRACE_ID.strip_prefix("1-").unwrap().replace('-', "");
    let id = xray_tui::model::trace_id::normalize(&w3c).unwrap();
    let traces = source.traces(vec![id]).await.unwrap();
    assert_eq!(traces[0].id, TRACE_ID);
    assert!(
        server.requests_to("/TraceSummaries").is_empty(),
        "no listing"
    );
    let requests = server.requests_to("/Traces");
    assert_eq!(requests.len(), 1, "one BatchGetTraces");
    assert_eq!(requests[0].trace_ids(), [TRACE_ID]);
}
