//! An account with Transaction Search: where its spans go and the share indexed, asked once and
//! again on reload; traces BatchGetTraces cannot find read back with a retrieval (SCHEDULED →
//! RUNNING → COMPLETE, paged; FAILED and TIMEOUT explained; cancelled when superseded); and
//! the map of a retrieval.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use xray_tui::app::{Action, Command};
use xray_tui::aws::Operation;
use xray_tui::source::aws::{AwsSource, Ended, SpansError, Tuning};
use xray_tui::source::{SourceError, SummaryPage, TraceSource};
use xray_tui::worker::Worker;

use super::aws_server::{
    CANCEL_RETRIEVAL, DESTINATION, INDEXING_RULES, LIST_RETRIEVED, RETRIEVED_GRAPH, Reply,
    START_RETRIEVAL, Server, fixture, retrieved_for, trace_ids, transaction_search,
};
use super::{FROM, GRAPH, HOUR, all_pages, query, quick, record_activities, source_with, summary};

/// Polls quickly.
pub fn polling() -> Tuning {
    Tuning {
        poll_first: Duration::from_millis(20),
        poll_cap: Duration::from_millis(60),
        ..quick()
    }
}

fn source(server: &Server) -> AwsSource {
    source_with(server, polling())
}

/// A GetTraceSummaries page of summaries of these ids, each a quarter of a second long.
fn listed(ids: &[String]) -> Reply {
    Reply::json(&json!({
        "TraceSummaries": ids.iter().map(|id| summary(id)).collect::<Vec<Value>>(),
        "ApproximateTime": FROM,
        "TracesProcessedCount": ids.len(),
    }))
}

fn status(status: &str) -> Reply {
    Reply::json(&json!({"RetrievalStatus": status, "Traces": []}))
}

fn complete(traces: Vec<Value>, next: Option<&str>) -> Reply {
    let mut page = json!({"RetrievalStatus": "COMPLETE", "TraceFormat": "XRAY", "Traces": traces});
    if let Some(next) = next {
        page["NextToken"] = json!(next);
    }
    Reply::json(&page)
}

async fn first_page(source: &AwsSource, from: f64, to: f64) -> SummaryPage {
    all_pages(source, query(from, to))
        .await
        .into_iter()
        .next()
        .expect("a page")
        .expect("the list loads")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classic_account_is_asked_once_and_its_list_says_nothing_more() {
    let server = Server::start();
    server.route("/TraceSummaries", |_| listed(&trace_ids(2, FROM as u32)));
    let source = source(&server);
    let page = first_page(&source, FROM, FROM + HOUR).await;
    assert_eq!(page.scope, None);
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    first_page(&source, FROM, FROM + HOUR).await;
    assert_eq!(server.requests_to(DESTINATION).len(), 1, "asked once");
    assert!(
        server.requests_to(INDEXING_RULES).is_empty(),
        "X-Ray keeps every span: no share to ask"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_search_at_one_percent_is_said_and_asked_again_on_reload() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    server.route("/TraceSummaries", |_| listed(&trace_ids(2, FROM as u32)));
    let source = source(&server);
    let page = first_page(&source, FROM, FROM + HOUR).await;
    assert_eq!(
        page.scope.as_deref(),
        Some("Transaction Search · summaries for 1% of spans")
    );
    assert_eq!(page.summaries.len(), 2);
    first_page(&source, FROM, FROM + HOUR).await;
    assert_eq!(server.requests_to(DESTINATION).len(), 1);
    assert_eq!(server.requests_to(INDEXING_RULES).len(), 1);

    // `r`: the account is asked again.
    transaction_search(&server, 5.0);
    let pages = all_pages(
        &source,
        xray_tui::source::SummaryQuery {
            reload: true,
            ..query(FROM, FROM + HOUR)
        },
    )
    .await;
    let page = pages[0].as_ref().unwrap();
    assert_eq!(
        page.scope.as_deref(),
        Some("Transaction Search · summaries for 5% of spans")
    );
    assert_eq!(server.requests_to(DESTINATION).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_question_about_the_account_is_a_problem_and_the_list_still_works() {
    let server = Server::start();
    server.route(DESTINATION, |_| {
        Reply::json(&json!({"Destination": "CloudWatchLogs", "Status": "ACTIVE"}))
    });
    server.route(INDEXING_RULES, |_| {
        Reply::error(
            403,
            "AccessDeniedException",
            "not authorized to perform: xray:GetIndexingRules",
        )
    });
    server.route("/TraceSummaries", |_| listed(&trace_ids(2, FROM as u32)));
    let page = first_page(&source(&server), FROM, FROM + HOUR).await;
    assert_eq!(page.summaries.len(), 2, "the list works");
    assert_eq!(
        page.scope.as_deref(),
        Some("Transaction Search · summaries for an indexed share of spans")
    );
    assert_eq!(
        page.problems,
        [
            "Transaction Search: AWS denied xray:GetIndexingRules — the list still works but \
          cannot say the share of spans it summarizes; add it to your IAM policy (see README: \
          Live AWS)"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_trace_retrieves_it_from_aws_spans_over_several_polls_and_pages() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    let ids = trace_ids(3, FROM as u32 + 600);
    server.route("/TraceSummaries", {
        let ids = ids.clone();
        move |_| listed(&ids)
    });
    server.script(
        START_RETRIEVAL,
        [Reply::json(&json!({"RetrievalToken": "token-1"}))],
    );
    let found = retrieved_for(&ids);
    server.script(
        LIST_RETRIEVED,
        [
            status("SCHEDULED"),
            status("RUNNING"),
            status("RUNNING"),
            complete(found[..2].to_vec(), Some("page-2")),
            complete(found[2..].to_vec(), None),
        ],
    );
    server.route(RETRIEVED_GRAPH, |_| {
        Reply::json(&json!({
            "RetrievalStatus": "COMPLETE",
            "Services": fixture(GRAPH)["Services"].as_array().unwrap().iter()
                .map(|service| json!({"Service": service, "Links": []}))
                .collect::<Vec<Value>>()
        }))
    });
    let source = source(&server);
    let activities = record_activities(&source);
    first_page(&source, FROM, FROM + HOUR).await;

    let traces = source.traces(ids.clone()).await.unwrap();
    assert_eq!(
        traces.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        ids,
        "every trace, in the order asked"
    );
    assert!(traces[0].spans.iter().any(|s| s.name() == "checkout"));
    assert!(
        server.requests_to("/Traces").is_empty(),
        "BatchGetTraces cannot find traces with Transaction Search on"
    );
    let start = &server.requests_to(START_RETRIEVAL)[0];
    assert_eq!(start.trace_ids(), ids);
    let (from, to) = (start.seconds("StartTime"), start.seconds("EndTime"));
    assert!(
        (FROM + 500.0..=FROM + 600.0).contains(&from) && to >= FROM + 602.0 && to - from <= 800.0,
        "as narrow as the summaries allow: {from}..{to}"
    );
    let polls = server.requests_to(LIST_RETRIEVED);
    assert_eq!(polls.len(), 5);
    assert!(
        polls
            .iter()
            .all(|p| p.body["RetrievalToken"] == "token-1" && p.body["TraceFormat"] == "XRAY")
    );
    assert_eq!(polls[4].body["NextToken"], "page-2");
    let waits: Vec<Duration> = polls
        .windows(2)
        .take(3)
        .map(|w| w[1].arrived - w[0].arrived)
        .collect();
    assert!(
        waits[0] >= Duration::from_millis(20) && waits[2] >= Duration::from_millis(60),
        "backing off while SCHEDULED and RUNNING: {waits:?}"
    );
    super::until("the status line to clear", Duration::from_secs(2), || {
        activities
            .lock()
            .unwrap()
            .last()
            .is_some_and(String::is_empty)
    })
    .await;
    let seen = activities.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|a| a == "retrieving 3 traces from aws/spans · 0 s (scheduled)"),
        "{seen:?}"
    );
    assert!(server.requests_to(CANCEL_RETRIEVAL).is_empty(), "it ended");

    // Kept: opening again costs nothing; the map comes from the same retrieval.
    source.traces(vec![ids[1].clone()]).await.unwrap();
    assert_eq!(server.requests_to(START_RETRIEVAL).len(), 1);
    let graph = source.trace_graph(vec![ids[1].clone()]).await.unwrap();
    assert_eq!(graph.services.len(), 4);
    assert_eq!(
        server.requests_to(RETRIEVED_GRAPH)[0].body["RetrievalToken"],
        "token-1"
    );
    assert!(server.requests_to("/TraceGraph").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_or_timed_out_retrieval_is_explained_and_not_cancelled() {
    for (answer, ended, words) in [
        (
            "FAILED",
            Ended::Failed,
            "failed (FAILED): open the trace again to retry",
        ),
        (
            "TIMEOUT",
            Ended::TimedOut,
            "timed out (TIMEOUT): AWS stops a retrieval after 60 minutes",
        ),
        (
            "CANCELLED",
            Ended::Cancelled,
            "was cancelled (CANCELLED), by another client or the console",
        ),
    ] {
        let server = Server::start();
        transaction_search(&server, 1.0);
        server.route(START_RETRIEVAL, |_| {
            Reply::json(&json!({"RetrievalToken": "t"}))
        });
        server.script(LIST_RETRIEVED, [status("RUNNING"), status(answer)]);
        let id = trace_ids(1, FROM as u32)[0].clone();
        let error = source(&server).traces(vec![id]).await.unwrap_err();
        assert_eq!(
            error,
            SourceError::Spans(SpansError::RetrievalEnded {
                status: ended,
                traces: 1
            })
        );
        let message = error.to_string();
        assert!(
            message.starts_with("the retrieval of the trace from aws/spans ")
                && message.contains(words),
            "{message}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            server.requests_to(CANCEL_RETRIEVAL).is_empty(),
            "{answer} ended it"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retrieval_the_user_moved_on_from_is_cancelled() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    let ids = trace_ids(2, FROM as u32);
    server.script(
        START_RETRIEVAL,
        [
            Reply::json(&json!({"RetrievalToken": "first"})),
            Reply::json(&json!({"RetrievalToken": "second"})),
        ],
    );
    server.route(LIST_RETRIEVED, {
        let ids = ids.clone();
        move |request| {
            if request.body["RetrievalToken"] == "first" {
                status("RUNNING")
            } else {
                complete(retrieved_for(&ids[1..]), None)
            }
        }
    });
    server.route(CANCEL_RETRIEVAL, |_| Reply::json(&json!({})));
    let source: std::sync::Arc<dyn TraceSource> = std::sync::Arc::new(source(&server));
    let (results, mut received) = mpsc::unbounded_channel();
    let mut worker = Worker::new(source, results);
    worker.run(vec![Command::LoadTrace {
        request: 1,
        id: ids[0].clone(),
    }]);
    server.wait_for_requests(LIST_RETRIEVED, 2, Duration::from_secs(5));
    // The user opens another trace: the first request is superseded.
    worker.run(vec![Command::LoadTrace {
        request: 2,
        id: ids[1].clone(),
    }]);
    let answer = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("the second trace")
        .unwrap();
    let Action::TracesLoaded {
        request: 2,
        result: Ok(traces),
    } = answer
    else {
        panic!("{answer:?}");
    };
    assert_eq!(traces[0].id, ids[1]);
    server.wait_for_requests(CANCEL_RETRIEVAL, 1, Duration::from_secs(5));
    let cancels = server.requests_to(CANCEL_RETRIEVAL);
    assert_eq!(cancels.len(), 1, "only the abandoned one");
    assert_eq!(cancels[0].body, json!({"RetrievalToken": "first"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_destination_cannot_be_asked_a_trace_x_ray_lacks_is_retrieved() {
    let server = Server::start();
    server.route(DESTINATION, |_| {
        Reply::error(403, "AccessDeniedException", "not authorized")
    });
    server.route(INDEXING_RULES, |_| {
        Reply::error(403, "AccessDeniedException", "not authorized")
    });
    let ids = trace_ids(1, FROM as u32);
    server.route("/Traces", |_| {
        Reply::json(&json!({"Traces": [], "UnprocessedTraceIds": []}))
    });
    server.route(START_RETRIEVAL, |_| {
        Reply::json(&json!({"RetrievalToken": "t"}))
    });
    server.route(LIST_RETRIEVED, {
        let ids = ids.clone();
        move |_| complete(retrieved_for(&ids), None)
    });
    let traces = source(&server).traces(ids.clone()).await.unwrap();
    assert_eq!(traces.len(), 1);
    assert_eq!(
        server.requests_to("/Traces").len(),
        1,
        "X-Ray's index first"
    );
    assert_eq!(
        server.requests_to(START_RETRIEVAL).len(),
        1,
        "then aws/spans"
    );

    // A classic account: what BatchGetTraces does not have is not there.
    let server = Server::start();
    server.route("/Traces", |_| {
        Reply::json(&json!({"Traces": [], "UnprocessedTraceIds": []}))
    });
    let traces = source(&server).traces(ids).await.unwrap();
    assert!(traces.is_empty());
    assert!(server.requests_to(START_RETRIEVAL).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_hours_apart_are_retrieved_in_several_ranges() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    let now = xray_tui::clock::now() as u32;
    let early = trace_ids(1, now - 5 * 3600)[0].clone();
    let late = trace_ids(1, now - 2 * 3600)[0].clone();
    let both = vec![early.clone(), late.clone()];
    server.route(START_RETRIEVAL, |request| {
        Reply::json(&json!({"RetrievalToken": request.trace_ids()[0].clone()}))
    });
    server.route(LIST_RETRIEVED, |request| {
        let id = request.body["RetrievalToken"].as_str().unwrap().to_owned();
        complete(retrieved_for(&[id]), None)
    });
    let traces = source(&server).traces(both).await.unwrap();
    assert_eq!(traces.len(), 2);
    let starts = server.requests_to(START_RETRIEVAL);
    assert_eq!(starts.len(), 2, "one retrieval per range");
    for start in &starts {
        assert!(start.seconds("EndTime") - start.seconds("StartTime") <= 3600.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retrieval_answered_in_the_otel_format_goes_through_the_translator() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    let id = trace_ids(1, FROM as u32)[0].clone();
    let w3c: String = id.chars().filter(|c| *c != '-').skip(1).collect();
    let start = (FROM as u64 + 1) * 1_000_000_000;
    let span = |span_id: &str, parent: Option<&str>, name: &str, kind: &str| {
        let attributes = match parent {
            Some(_) => json!({"peer.service": "payments"}),
            None => json!({"http.request.method": "POST"}),
        };
        json!({"resource": {"attributes": {"service.name": "checkout"}}, "scope": {"name": "s"},
               "traceId": w3c, "spanId": span_id, "parentSpanId": parent, "name": name,
               "kind": kind, "startTimeUnixNano": start, "endTimeUnixNano": start + 500_000_000,
               "attributes": attributes, "status": {"code": "UNSET"}})
        .to_string()
    };
    let spans = json!([
        {"Id": "2a22ad6d7aeb6ef2", "Document": span("2a22ad6d7aeb6ef2", None, "POST /orders", "SERVER")},
        {"Id": "48fec93dfe40959d", "Document": span("48fec93dfe40959d", Some("2a22ad6d7aeb6ef2"), "charge", "CLIENT")},
    ]);
    server.route(START_RETRIEVAL, |_| {
        Reply::json(&json!({"RetrievalToken": "t"}))
    });
    let answer = json!({"RetrievalStatus": "COMPLETE", "TraceFormat": "OTEL",
                        "Traces": [{"Id": id, "Duration": 0.5, "Spans": spans}]});
    server.route(LIST_RETRIEVED, move |_| Reply::json(&answer));
    let traces = source(&server).traces(vec![id.clone()]).await.unwrap();
    assert_eq!(traces.len(), 1);
    let trace = &traces[0];
    assert_eq!(trace.id, id);
    let names: Vec<&str> = trace.spans.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["checkout", "payments"]);
    assert_eq!(
        trace.spans[1].parent,
        Some(0),
        "the CLIENT span under the SERVER span"
    );
    assert!(
        trace.spans[1].segment.otel.is_some(),
        "the OTel tab has the span"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_retrievals_back_off_and_a_denied_one_says_what_still_works() {
    let server = Server::start();
    transaction_search(&server, 1.0);
    server.script(
        START_RETRIEVAL,
        [
            Reply::error(429, "ThrottledException", "Rate exceeded"),
            Reply::json(&json!({"RetrievalToken": "t"})),
        ],
    );
    let ids = trace_ids(1, FROM as u32);
    server.route(LIST_RETRIEVED, {
        let ids = ids.clone();
        move |_| complete(retrieved_for(&ids), None)
    });
    let source = source(&server);
    let activities = record_activities(&source);
    source.traces(ids).await.unwrap();
    let starts = server.requests_to(START_RETRIEVAL);
    assert!(starts[1].arrived - starts[0].arrived >= Duration::from_millis(200));
    assert!(
        activities
            .lock()
            .unwrap()
            .iter()
            .any(|a| a == "throttled by X-Ray; retrying in 0.2 s"),
        "{:?}",
        activities.lock().unwrap()
    );

    let server = Server::start();
    transaction_search(&server, 1.0);
    server.route(START_RETRIEVAL, |_| {
        Reply::error(403, "AccessDeniedException", "denied")
    });
    let error = source_with(&server, polling())
        .traces(trace_ids(1, FROM as u32))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        SourceError::AccessDenied(Operation::StartTraceRetrieval)
    );
    assert_eq!(
        error.to_string(),
        "AWS denied xray:StartTraceRetrieval — the list still works, and traces X-Ray indexed \
         open with BatchGetTraces; the others need it; add it to your IAM policy (see README: \
         Live AWS)"
    );
}
