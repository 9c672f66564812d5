//! All spans, searched with the real aws-sdk-cloudwatchlogs client: a Logs Insights query made
//! from the filter expression (its text checked), polled while it runs, paged, its matching
//! spans listed by trace with the bytes it scanned; a filter it cannot express stops it before
//! anything is sent; a superseded query is stopped; throttling and denied calls.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use xray_tui::aws::Operation;
use xray_tui::source::aws::{AwsSource, SpansError};
use xray_tui::source::{SourceError, SummaryPage, SummaryQuery, TraceSource};

use super::aws_server::{QUERY_RESULTS, Reply, START_QUERY, STOP_QUERY, Server};
use super::transaction_search::polling;
use super::{FROM, HOUR, all_pages, query, record_activities, source_with};

fn source(server: &Server) -> AwsSource {
    source_with(server, polling())
}

fn all_spans(filter: Option<&str>) -> SummaryQuery {
    SummaryQuery {
        all_spans: true,
        filter: filter.map(str::to_owned),
        ..query(FROM, FROM + HOUR)
    }
}

/// One span of `trace` as a row of GetQueryResults.
fn span(trace: &str, service: &str, start_ms: u64, fields: &[(&str, &str)]) -> Value {
    let start = (FROM as u64 * 1000 + start_ms) * 1_000_000;
    let mut row = vec![
        json!({"field": "traceId", "value": trace}),
        json!({"field": "startTimeUnixNano", "value": start.to_string()}),
        json!({"field": "durationNano", "value": "250000000"}),
        json!({"field": "resource.attributes.service.name", "value": service}),
    ];
    row.extend(
        fields
            .iter()
            .map(|(field, value)| json!({"field": field, "value": value})),
    );
    Value::Array(row)
}

fn results(status: &str, rows: Vec<Value>, scanned: f64, next: Option<&str>) -> Reply {
    let mut answer = json!({
        "status": status,
        "results": rows,
        "statistics": {"recordsMatched": 3.0, "recordsScanned": 1000.0, "bytesScanned": scanned},
    });
    if let Some(next) = next {
        answer["nextToken"] = json!(next);
    }
    Reply::json(&answer)
}

const A: &str = "6759b1c50e59b643038a6a070e115043";
const B: &str = "6759b1d00e59b643038a6a070e115099";

async fn one_page(source: &AwsSource, query: SummaryQuery) -> Result<SummaryPage, SourceError> {
    let mut pages = all_pages(source, query).await;
    assert_eq!(pages.len(), 1, "one page: {pages:?}");
    pages.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_becomes_a_logs_insights_query_and_matching_spans_are_listed_by_trace() {
    let server = Server::start();
    server.script(START_QUERY, [Reply::json(&json!({"queryId": "q-1"}))]);
    server.script(
        QUERY_RESULTS,
        [
            results("Scheduled", vec![], 0.0, None),
            results("Running", vec![span(A, "checkout", 0, &[])], 1e6, None),
            results(
                "Complete",
                vec![
                    span(
                        A,
                        "checkout",
                        0,
                        &[("kind", "SERVER"), ("attributes.http.status_code", "500")],
                    ),
                    span(A, "checkout", 40, &[("parentSpanId", "1a2b3c4d5e6f7a8b")]),
                ],
                3_456_789.0,
                Some("rows-2"),
            ),
            results(
                "Complete",
                vec![span(B, "checkout", 900, &[("status.code", "ERROR")])],
                3_456_789.0,
                None,
            ),
        ],
    );
    let source = source(&server);
    let activities = record_activities(&source);
    let page = one_page(&source, all_spans(Some(r#"service("checkout") { fault }"#)))
        .await
        .unwrap();

    let start = &server.requests_to(START_QUERY)[0];
    assert_eq!(start.body["logGroupName"], "aws/spans");
    assert_eq!(start.body["startTime"], FROM as i64);
    assert_eq!(start.body["endTime"], (FROM + HOUR) as i64);
    assert_eq!(start.body["limit"], 10_000);
    let text = start.body["queryString"].as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("fields traceId, spanId, parentSpanId, kind, "),
        "{text}"
    );
    assert_eq!(
        lines[1],
        "| filter ((resource.attributes.service.name = \"checkout\") or \
         (attributes.aws.local.service = \"checkout\")) and \
         ((status.code = \"ERROR\" and not ispresent(attributes.http.response.status_code) and \
         not ispresent(attributes.http.status_code)) or \
         (attributes.http.response.status_code >= 500 and attributes.http.response.status_code <= 599) or \
         (attributes.http.status_code >= 500 and attributes.http.status_code <= 599))",
        "the filter it came from"
    );
    assert_eq!(
        &lines[2..],
        ["| sort startTimeUnixNano desc", "| limit 10000"]
    );
    assert!(
        start
            .header("authorization")
            .is_some_and(|a| a.contains("/us-east-1/logs/aws4_request")),
        "signed for CloudWatch Logs"
    );
    assert_eq!(
        start.header("x-amz-target"),
        Some("Logs_20140328.StartQuery")
    );

    let polls = server.requests_to(QUERY_RESULTS);
    assert_eq!(polls.len(), 4);
    assert!(polls.iter().all(|p| p.body["queryId"] == "q-1"));
    assert_eq!(polls[3].body["nextToken"], "rows-2");

    // Two traces, newest first, each led by its root span.
    let ids: Vec<&str> = page.summaries.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1-6759b1d0-0e59b643038a6a070e115099",
            "1-6759b1c5-0e59b643038a6a070e115043"
        ]
    );
    let a = &page.summaries[1];
    assert_eq!(a.entry_point.as_ref().unwrap().name, "checkout");
    assert_eq!(a.http.status, Some(500));
    assert!(a.has_fault);
    assert_eq!(a.response_time, Some(0.25));
    assert!(page.summaries[0].has_fault, "ERROR without a status code");
    assert_eq!(
        page.scope.as_deref(),
        Some("all spans in aws/spans · 3 spans matched · 3.5 MB scanned")
    );
    assert!(page.done);
    assert!(server.requests_to(STOP_QUERY).is_empty(), "it completed");
    let seen = activities.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|a| a.starts_with("searching aws/spans · ") && a.ends_with("(scheduled)")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|a| a.ends_with("· 1 span so far")),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_says_when_the_limit_cut_it() {
    let server = Server::start();
    server.route(START_QUERY, |_| Reply::json(&json!({"queryId": "q"})));
    server.route(QUERY_RESULTS, |_| {
        results(
            "Complete",
            (0..3).map(|n| span(A, "checkout", n * 10, &[])).collect(),
            2e9,
            None,
        )
    });
    let source = source_with(
        &server,
        xray_tui::source::aws::Tuning {
            spans_limit: 3,
            ..polling()
        },
    );
    let page = one_page(&source, all_spans(None)).await.unwrap();
    assert_eq!(
        page.scope.as_deref(),
        Some(
            "all spans in aws/spans · the newest 3 spans: the limit cut the list · 2.0 GB scanned"
        )
    );
    let text = server.requests_to(START_QUERY)[0].body["queryString"].clone();
    assert!(!text.as_str().unwrap().contains("| filter"), "{text}");
    assert_eq!(server.requests_to(QUERY_RESULTS)[0].body["maxItems"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_a_span_cannot_answer_is_named_before_anything_is_sent() {
    let server = Server::start();
    let filter = r#"fault AND rootcause.fault.service { name = "db" }"#;
    let error = one_page(&source(&server), all_spans(Some(filter)))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        SourceError::Spans(SpansError::Untranslatable { .. })
    ));
    assert_eq!(
        error.to_string(),
        "cannot search all spans with `rootcause.fault.service` (column 11): root causes are \
         X-Ray's analysis of indexed traces; change the filter, or search the indexed summaries"
    );
    assert!(server.requests_to(START_QUERY).is_empty());

    let error = one_page(
        &source(&server),
        SummaryQuery {
            group: Some("checkout".into()),
            ..all_spans(None)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        error,
        SourceError::Spans(SpansError::Group("checkout".into()))
    );
    assert!(server.requests_to(START_QUERY).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_the_user_moved_on_from_is_stopped() {
    let server = Server::start();
    server.route(START_QUERY, |_| Reply::json(&json!({"queryId": "q-left"})));
    server.route(QUERY_RESULTS, |_| results("Running", vec![], 0.0, None));
    server.route(STOP_QUERY, |_| Reply::json(&json!({"success": true})));
    let source = source(&server);
    let mut pages = source.summaries(all_spans(None));
    let waiting = tokio::time::timeout(Duration::from_millis(300), pages.next()).await;
    assert!(waiting.is_err(), "still running");
    assert!(!server.requests_to(QUERY_RESULTS).is_empty());
    drop(pages);
    server.wait_for_requests(STOP_QUERY, 1, Duration::from_secs(5));
    assert_eq!(
        server.requests_to(STOP_QUERY)[0].body,
        json!({"queryId": "q-left"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_that_failed_or_timed_out_says_so() {
    for (status, words) in [
        ("Failed", "failed (Failed): reload the list to retry"),
        (
            "Timeout",
            "timed out (Timeout): Logs Insights stops a query after 60 minutes",
        ),
    ] {
        let server = Server::start();
        server.route(START_QUERY, |_| Reply::json(&json!({"queryId": "q"})));
        server.route(QUERY_RESULTS, move |_| results(status, vec![], 0.0, None));
        let error = one_page(&source(&server), all_spans(None))
            .await
            .unwrap_err();
        assert!(error.to_string().contains(words), "{error}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(server.requests_to(STOP_QUERY).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_throttling_is_waited_out_and_denied_or_missing_logs_say_what_to_do() {
    let server = Server::start();
    server.script(
        START_QUERY,
        [
            Reply::error(400, "ThrottlingException", "Rate exceeded"),
            Reply::json(&json!({"queryId": "q"})),
        ],
    );
    server.route(QUERY_RESULTS, |_| results("Complete", vec![], 10.0, None));
    let source = source(&server);
    let activities = record_activities(&source);
    one_page(&source, all_spans(None)).await.unwrap();
    assert_eq!(server.requests_to(START_QUERY).len(), 2);
    assert!(
        activities
            .lock()
            .unwrap()
            .iter()
            .any(|a| a == "throttled by CloudWatch Logs; retrying in 0.2 s"),
        "{:?}",
        activities.lock().unwrap()
    );
    assert_eq!(
        source.calls_allowed(),
        4,
        "X-Ray's calls are not slowed by Logs"
    );

    let server = Server::start();
    server.route(START_QUERY, |_| {
        Reply::error(
            400,
            "AccessDeniedException",
            "not authorized to perform: logs:StartQuery",
        )
    });
    let error = one_page(&source_with(&server, polling()), all_spans(None))
        .await
        .unwrap_err();
    assert_eq!(error, SourceError::AccessDenied(Operation::StartQuery));
    assert_eq!(
        error.to_string(),
        "AWS denied logs:StartQuery — traces and the indexed summaries still work; searching all \
         spans and a trace's log lines need it; add it to your IAM policy (see README: Live AWS)"
    );

    let server = Server::start();
    server.route(START_QUERY, |_| {
        Reply::error(
            400,
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    });
    let error = one_page(&source_with(&server, polling()), all_spans(None))
        .await
        .unwrap_err();
    assert_eq!(error, SourceError::Spans(SpansError::NoSpans));
}
