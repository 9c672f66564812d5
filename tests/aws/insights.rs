//! X-Ray Insights with the real SDK: GetInsightSummaries over the range and group, page after
//! page; one insight in full with GetInsight, GetInsightEvents and GetInsightImpactGraph; a
//! group with insights off, a denied call and throttling; and what the Insights screen shows of
//! them; the worker asking and superseding.

use std::time::Duration;

use ratatui::style::Color;
use serde_json::json;
use xray_tui::analytics::anomaly::{Insight, InsightState, Kind};
use xray_tui::app::{Action, Command, Intent, update};
use xray_tui::aws::Operation;
use xray_tui::source::aws::Tuning;
use xray_tui::source::{FoundInsights, GraphQuery, SourceError, TimeRange, TraceSource};
use xray_tui::ui;

use super::aws_server::{
    INSIGHT, INSIGHT_EVENTS, INSIGHT_IMPACT_GRAPH, INSIGHT_SUMMARIES, Reply, Server,
    impact_service, insight, insight_event,
};
use super::insights_screen::{aws_state, find, insights_request, render};
use super::{FROM, HOUR, quick, source, source_with};

/// Insights are asked for within the last 30 days: the range is recent.
pub(super) fn recent() -> f64 {
    (xray_tui::clock::now() / 60.0).floor() * 60.0 - 2.0 * HOUR
}

pub(super) const OUTAGE: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const EARLIER: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

pub(super) fn group(name: &str) -> GraphQuery {
    let from = recent();
    GraphQuery {
        range: Some((from, from + HOUR)),
        group: Some(name.to_owned()),
        ..GraphQuery::default()
    }
}

/// Two pages: an active insight, then one closed before it.
pub(super) fn two_pages(server: &Server, from: f64) {
    server.script(
        INSIGHT_SUMMARIES,
        [
            Reply::json(&json!({
                "InsightSummaries": [insight(OUTAGE, "ACTIVE", from + 1200.0, from + 1800.0,
                    "api.paymentprovider.example", &["payments", "orders"])],
                "NextToken": "page-2"
            })),
            Reply::json(&json!({
                "InsightSummaries": [insight(EARLIER, "CLOSED", from + 300.0, from + 600.0,
                    "inventory", &["inventory"])]
            })),
        ],
    );
}

pub(super) async fn found(
    source: &impl TraceSource,
    query: GraphQuery,
) -> Result<FoundInsights, SourceError> {
    tokio::time::timeout(Duration::from_secs(20), source.insights(query))
        .await
        .expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_are_asked_over_the_range_and_group_page_after_page() {
    let server = Server::start();
    let from = recent();
    two_pages(&server, from);
    let found = found(&source(&server), group("checkout")).await.unwrap();

    let requests = server.requests_to(INSIGHT_SUMMARIES);
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.body["GroupName"], "checkout");
        assert_eq!(request.seconds("StartTime"), from);
        assert_eq!(request.seconds("EndTime"), from + HOUR);
    }
    assert!(requests[0].body.get("NextToken").is_none());
    assert_eq!(requests[1].body["NextToken"], "page-2");

    assert_eq!(found.disabled_for, None);
    let ids: Vec<_> = found.insights.iter().map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, [Some(OUTAGE), Some(EARLIER)], "newest first");
    let outage = &found.insights[0];
    assert_eq!(outage.state, InsightState::Active);
    assert_eq!(outage.kinds, [Kind::Fault]);
    assert_eq!(outage.start, from + 1200.0);
    assert_eq!(outage.end, None, "an active insight lasts until now");
    assert_eq!(
        outage.root_cause.as_deref(),
        Some("api.paymentprovider.example")
    );
    assert_eq!((outage.affected, outage.requests), (120, 520));
    let top: Vec<_> = outage.top.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(top, ["payments", "orders"]);
    assert_eq!(
        outage.impacted,
        ["api.paymentprovider.example", "orders", "payments"]
    );
    assert_eq!(
        outage.filter.as_deref(),
        Some("rootcause.fault.service { name = \"api.paymentprovider.example\" }")
    );
    assert_eq!(
        outage.summary.as_deref(),
        Some("Faults rose on api.paymentprovider.example")
    );
    let earlier = &found.insights[1];
    assert_eq!(earlier.state, InsightState::Closed);
    assert_eq!(earlier.end, Some(from + 600.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_older_than_thirty_days_is_asked_from_the_oldest_day_x_ray_keeps() {
    let server = Server::start();
    server.script(
        INSIGHT_SUMMARIES,
        [Reply::json(&json!({"InsightSummaries": []}))],
    );
    server.route("/Groups", |_| {
        Reply::json(&json!({"Groups": [{"GroupName": "Default",
            "InsightsConfiguration": {"InsightsEnabled": true, "NotificationsEnabled": false}}]}))
    });
    let query = GraphQuery {
        range: Some((FROM - 400.0 * 86400.0, FROM)),
        group: None,
        ..GraphQuery::default()
    };
    let found = found(&source(&server), query).await.unwrap();
    assert_eq!(found, FoundInsights::default());
    let request = &server.requests_to(INSIGHT_SUMMARIES)[0];
    assert_eq!(
        request.body["GroupName"], "Default",
        "the group of every trace"
    );
    let oldest = xray_tui::clock::now() - 30.0 * 86400.0;
    assert!(request.seconds("StartTime") > oldest);
    assert!(request.seconds("EndTime") > request.seconds("StartTime"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insight_in_full_has_its_timeline_and_its_impact_graph() {
    let server = Server::start();
    let from = recent();
    // Closed after eight hours: the impact graph covers X-Ray's widest, the first six.
    let mut full = insight(
        EARLIER,
        "CLOSED",
        from - 9.0 * HOUR,
        from - HOUR,
        "inventory",
        &["inventory", "orders"],
    );
    full.as_object_mut().unwrap().remove("LastUpdateTime");
    server.script(INSIGHT, [Reply::json(&json!({ "Insight": full }))]);
    server.script(
        INSIGHT_EVENTS,
        [
            Reply::json(&json!({
                "InsightEvents": [insight_event(from - 5.0 * HOUR, "Faults keep rising", 80, 300, "orders")],
                "NextToken": "events-2"
            })),
            Reply::json(&json!({
                "InsightEvents": [insight_event(from - 9.0 * HOUR, "Faults rose on inventory", 12, 200, "inventory")]
            })),
        ],
    );
    server.script(
        INSIGHT_IMPACT_GRAPH,
        [
            Reply::json(&json!({
                "InsightId": EARLIER,
                "Services": [impact_service(0, "web-frontend", "AWS::EC2::Instance", &[1])],
                "NextToken": "graph-2"
            })),
            Reply::json(&json!({
                "InsightId": EARLIER,
                "Services": [
                    impact_service(1, "orders", "AWS::ECS::Container", &[2]),
                    impact_service(2, "inventory", "AWS::DynamoDB::Table", &[]),
                ]
            })),
        ],
    );
    let source = source(&server);
    let listed = found_one(&server, &source, from).await;
    let full = tokio::time::timeout(Duration::from_secs(20), source.insight_details(listed))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(server.requests_to(INSIGHT)[0].body["InsightId"], EARLIER);
    let events = server.requests_to(INSIGHT_EVENTS);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].body["InsightId"], EARLIER);
    assert_eq!(events[1].body["NextToken"], "events-2");
    let graphs = server.requests_to(INSIGHT_IMPACT_GRAPH);
    assert_eq!(graphs.len(), 2);
    assert_eq!(graphs[1].body["NextToken"], "graph-2");
    assert_eq!(graphs[0].seconds("StartTime"), from - 9.0 * HOUR);
    assert_eq!(graphs[0].seconds("EndTime"), from - 3.0 * HOUR);

    assert_eq!(full.state, InsightState::Closed);
    assert_eq!(full.end, Some(from - HOUR));
    let timeline: Vec<_> = full
        .events
        .iter()
        .map(|e| (e.time, e.summary.as_str(), e.affected, e.requests))
        .collect();
    assert_eq!(
        timeline,
        [
            (from - 9.0 * HOUR, "Faults rose on inventory", 12, 200),
            (from - 5.0 * HOUR, "Faults keep rising", 80, 300),
        ]
    );
    assert_eq!(full.events[1].top, ["orders"]);
    assert_eq!(full.impacted, ["inventory", "orders", "web-frontend"]);
    assert_eq!(
        full.impact_edges,
        [
            ("orders".to_owned(), "inventory".to_owned()),
            ("web-frontend".to_owned(), "orders".to_owned())
        ]
    );
}

/// The one insight a GetInsightSummaries answer lists.
async fn found_one(server: &Server, source: &impl TraceSource, from: f64) -> Insight {
    server.script(
        INSIGHT_SUMMARIES,
        [Reply::json(&json!({"InsightSummaries": [insight(
            EARLIER, "CLOSED", from - 9.0 * HOUR, from - HOUR, "inventory", &["inventory"])]}))],
    );
    let query = GraphQuery {
        range: Some((from - 10.0 * HOUR, from)),
        group: None,
        ..GraphQuery::default()
    };
    found(source, query).await.unwrap().insights.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_off_for_the_group_are_said_with_how_to_turn_them_on() {
    // X-Ray lists nothing, and GetGroups says the group has insights off.
    let server = Server::start();
    server.script(
        INSIGHT_SUMMARIES,
        [Reply::json(&json!({"InsightSummaries": []}))],
    );
    server.route("/Groups", |_| {
        Reply::json(&json!({"Groups": [
            {"GroupName": "Default", "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/Default",
             "InsightsConfiguration": {"InsightsEnabled": true, "NotificationsEnabled": false}},
            {"GroupName": "checkout", "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/checkout/X",
             "FilterExpression": "service(\"checkout\")",
             "InsightsConfiguration": {"InsightsEnabled": false, "NotificationsEnabled": false}}
        ]}))
    });
    let source = source(&server);
    let off = found(&source, group("checkout")).await.unwrap();
    assert_eq!(off.disabled_for.as_deref(), Some("checkout"));
    // The Default group has them on: nothing found is only nothing found.
    server.script(
        INSIGHT_SUMMARIES,
        [Reply::json(&json!({"InsightSummaries": []}))],
    );
    let on = found(&source, group("Default")).await.unwrap();
    assert_eq!(on, FoundInsights::default());

    // X-Ray refuses the call in so many words.
    server.script(
        INSIGHT_SUMMARIES,
        [Reply::error(
            400,
            "InvalidRequestException",
            "Insights is not enabled for group payments",
        )],
    );
    let refused = found(&source, group("payments")).await.unwrap();
    assert_eq!(refused.disabled_for.as_deref(), Some("payments"));

    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = aws_state(width, height);
        state.group = Some("checkout".into());
        let commands = update(&mut state, Action::Intent(Intent::ShowInsights));
        let request = insights_request(&commands);
        update(
            &mut state,
            Action::InsightsLoaded {
                request,
                result: Ok(off.clone()),
            },
        );
        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        assert!(
            screen.contains("X-Ray Insights are not enabled for the group checkout"),
            "{screen}"
        );
        assert!(screen.contains("InsightsEnabled=true"), "{screen}");
        if width == 200 {
            assert!(
                screen.contains(
                    "aws xray update-group --group-name checkout --insights-configuration \
                     InsightsEnabled=true"
                ),
                "{screen}"
            );
        }
        let (x, y) = find(&buffer, "not enabled");
        assert_eq!(buffer[(x, y)].fg, Color::Red);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_call_names_its_action_and_the_screen_keeps_what_it_had() {
    let server = Server::start();
    let denied = |action: &str| {
        Reply::error(
            403,
            "AccessDeniedException",
            &format!(
                "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: {action}"
            ),
        )
    };
    server.script(INSIGHT_SUMMARIES, [denied("xray:GetInsightSummaries")]);
    let source = source(&server);
    let error = found(&source, group("Default")).await.unwrap_err();
    assert_eq!(
        error,
        SourceError::AccessDenied(Operation::GetInsightSummaries)
    );
    assert_eq!(
        server.requests_to(INSIGHT_SUMMARIES).len(),
        1,
        "not retried"
    );

    // Nothing loaded yet: the screen says why and computes from the listed traces.
    let mut state = aws_state(200, 60);
    let commands = update(&mut state, Action::Intent(Intent::ShowInsights));
    update(
        &mut state,
        Action::InsightsLoaded {
            request: insights_request(&commands),
            result: Err(error.to_string()),
        },
    );
    let screen = ui::buffer_text(&render(&state));
    assert!(
        screen.contains(
            "AWS denied xray:GetInsightSummaries — the Insights screen computes its insights \
             from the listed traces instead"
        ),
        "{screen}"
    );
    assert!(screen.contains("computed from 0 listed traces"), "{screen}");

    // Loaded, then the timeline is denied: the insight stays, and the screen says why.
    let from = recent();
    two_pages(&server, from);
    let mut state = aws_state(200, 60);
    let commands = update(&mut state, Action::Intent(Intent::ShowInsights));
    let result = found(&source, group("Default"))
        .await
        .map_err(|e| e.to_string());
    let commands = {
        let request = insights_request(&commands);
        update(&mut state, Action::InsightsLoaded { request, result })
    };
    let Some(Command::LoadInsightDetails { request, insight }) = commands.first().cloned() else {
        panic!("the selected insight is asked for in full: {commands:?}");
    };
    assert_eq!(insight.id.as_deref(), Some(OUTAGE));
    server.script(
        INSIGHT,
        [Reply::json(&json!({"Insight": insight_json(from)}))],
    );
    server.script(INSIGHT_EVENTS, [denied("xray:GetInsightEvents")]);
    server.route(INSIGHT_IMPACT_GRAPH, |_| {
        Reply::json(&json!({"Services": []}))
    });
    let result = tokio::time::timeout(Duration::from_secs(20), source.insight_details(*insight))
        .await
        .unwrap()
        .map(Box::new)
        .map_err(|e| e.to_string());
    update(&mut state, Action::InsightDetailsLoaded { request, result });
    let view = state.insights.view.as_ref().unwrap();
    assert_eq!(view.insights.len(), 2);
    let screen = ui::buffer_text(&render(&state));
    assert!(
        screen.contains("AWS denied xray:GetInsightEvents"),
        "{screen}"
    );
    assert!(screen.contains("api.paymentprovider.example"), "{screen}");
}

fn insight_json(from: f64) -> serde_json::Value {
    let mut full = insight(
        OUTAGE,
        "ACTIVE",
        from + 1200.0,
        from + 1800.0,
        "api.paymentprovider.example",
        &["payments", "orders"],
    );
    full.as_object_mut().unwrap().remove("LastUpdateTime");
    full
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_that_does_not_stop_says_to_wait_and_how_to_retry() {
    let server = Server::start();
    let throttled = || Reply::error(429, "ThrottledException", "Rate exceeded");
    server.script(INSIGHT_SUMMARIES, [throttled(), throttled()]);
    let source = source_with(
        &server,
        Tuning {
            throttled_attempts: 2,
            ..quick()
        },
    );
    let error = found(&source, group("Default")).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "X-Ray kept throttling GetInsightSummaries (2 attempts): wait a minute, then open the \
         Insights screen again to retry"
    );
    assert_eq!(server.requests_to(INSIGHT_SUMMARIES).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_asks_the_source_and_a_newer_request_supersedes_the_older() {
    let server = Server::start();
    let from = recent();
    // The first answer comes late; the second request is answered at once.
    server.script(
        INSIGHT_SUMMARIES,
        [
            Reply::json(&json!({"InsightSummaries": []})).after(Duration::from_millis(500)),
            Reply::json(
                &json!({"InsightSummaries": [insight(OUTAGE, "ACTIVE", from + 60.0,
                from + 120.0, "payments", &["payments"])]}),
            ),
        ],
    );
    let (sender, mut results) = tokio::sync::mpsc::unbounded_channel();
    let mut worker = xray_tui::worker::Worker::new(std::sync::Arc::new(source(&server)), sender);
    let ask = |request| Command::LoadInsights {
        request,
        range: TimeRange::Between(from, from + HOUR),
        group: Some("checkout".into()),
    };
    worker.run(vec![ask(1)]);
    server.wait_for_requests(INSIGHT_SUMMARIES, 1, Duration::from_secs(5));
    worker.run(vec![ask(2)]);
    let action = tokio::time::timeout(Duration::from_secs(5), results.recv())
        .await
        .unwrap()
        .unwrap();
    let Action::InsightsLoaded { request, result } = action else {
        panic!("{action:?}");
    };
    assert_eq!(request, 2);
    assert_eq!(result.unwrap().insights[0].id.as_deref(), Some(OUTAGE));
    // The older request was stopped: nothing more comes.
    let more = tokio::time::timeout(Duration::from_millis(800), results.recv()).await;
    assert!(more.is_err(), "{more:?}");
    for request in server.requests_to(INSIGHT_SUMMARIES) {
        assert_eq!(request.body["GroupName"], "checkout");
        assert_eq!(request.seconds("StartTime"), from);
    }
}
