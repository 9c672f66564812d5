//! Health over time with the real SDK: GetTimeSeriesServiceStatistics for a service, an edge
//! and the list's filter, its period by the range, long ranges in windows and every page,
//! read into the sparklines' series; and the sparklines on live AWS, asked for through the
//! worker's command and drawn from X-Ray's answer.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use serde_json::json;
use xray_tui::analytics::timeline::{Health, Measure};
use xray_tui::app::action::HealthOf;
use xray_tui::app::insights::{MapHealth, health_of};
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::aws::Operation;
use xray_tui::source::{SeriesQuery, SourceError, TimeRange, TraceSource};
use xray_tui::ui;

use super::aws_server::{Reply, Server, TIME_SERIES, service_period};
use super::{HOUR, source};

/// 2026-01-15 09:30 UTC, on the hour's half.
const FROM: f64 = 1_768_469_400.0;

async fn series(source: &impl TraceSource, query: SeriesQuery) -> Result<Health, SourceError> {
    tokio::time::timeout(Duration::from_secs(20), source.time_series(query))
        .await
        .expect("an answer")
}

/// A minute of each kind: quiet, then an incident of faults, errors and throttles.
fn minutes() -> Vec<serde_json::Value> {
    (0..60)
        .map(|m| {
            let time = FROM + 60.0 * m as f64;
            if (12..22).contains(&m) {
                service_period(time, 40, 20, 4, 2, &[(0.1, 20), (4.0, 20)])
            } else {
                service_period(time, 40, 0, 0, 0, &[(0.1, 38), (0.3, 2)])
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_s_minutes_become_its_sparklines() {
    let server = Server::start();
    let all = minutes();
    server.script(
        TIME_SERIES,
        [
            Reply::json(&json!({
                "TimeSeriesServiceStatistics": all[..30], "ContainsOldGroupVersions": false,
                "NextToken": "more"
            })),
            Reply::json(&json!({
                "TimeSeriesServiceStatistics": all[30..], "ContainsOldGroupVersions": false
            })),
        ],
    );
    let query = SeriesQuery {
        range: Some((FROM, FROM + HOUR - 1.0)),
        group: Some("checkout".into()),
        entity: Some("service(\"payments\")".into()),
        buckets: 60,
    };
    let health = series(&source(&server), query).await.unwrap();

    let requests = server.requests_to(TIME_SERIES);
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(
        first.body["EntitySelectorExpression"],
        "service(\"payments\")"
    );
    assert_eq!(first.body["GroupName"], "checkout");
    assert_eq!(first.body["Period"], 60);
    assert_eq!(first.seconds("StartTime"), FROM);
    assert_eq!(first.seconds("EndTime"), FROM + HOUR);
    assert_eq!(requests[1].body["NextToken"], "more");

    let buckets = health.buckets.unwrap();
    assert_eq!(
        (buckets.start, buckets.width, buckets.count),
        (FROM, 60.0, 60)
    );
    let at = |measure: Measure, minute: usize| health.series(measure)[minute];
    assert_eq!(at(Measure::Requests, 0), Some(40.0));
    assert_eq!(at(Measure::FaultRate, 0), Some(0.0));
    assert_eq!(at(Measure::FaultRate, 15), Some(0.5));
    assert_eq!(at(Measure::ErrorRate, 15), Some(0.1));
    assert_eq!(at(Measure::ThrottleRate, 15), Some(0.05));
    assert_eq!(at(Measure::P90, 0), Some(0.1), "38 of 40 took 0.1 s");
    assert_eq!(at(Measure::P90, 15), Some(4.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_range_asks_five_minute_periods_in_windows_of_six_hours() {
    let server = Server::start();
    server.route(TIME_SERIES, |request| {
        let from = request.seconds("StartTime");
        Reply::json(&json!({"TimeSeriesServiceStatistics": [
            service_period(from, 100, 1, 2, 0, &[(0.2, 100)])
        ]}))
    });
    let query = SeriesQuery {
        range: Some((FROM, FROM + 12.0 * HOUR)),
        group: None,
        entity: Some("edge(\"web\", \"payments\")".into()),
        buckets: 60,
    };
    let health = series(&source(&server), query).await.unwrap();
    let mut requests = server.requests_to(TIME_SERIES);
    requests.sort_by(|a, b| a.seconds("StartTime").total_cmp(&b.seconds("StartTime")));
    let windows: Vec<(f64, f64)> = requests
        .iter()
        .map(|r| (r.seconds("StartTime") - FROM, r.seconds("EndTime") - FROM))
        .collect();
    // 15-minute buckets: 49 of them reach 12 h 15 min; windows of 6 h from the end.
    assert_eq!(
        windows,
        [
            (0.0, 900.0),
            (900.0, 900.0 + 6.0 * HOUR),
            (900.0 + 6.0 * HOUR, 900.0 + 12.0 * HOUR)
        ]
    );
    for request in &requests {
        assert_eq!(request.body["Period"], 300);
        assert_eq!(
            request.body["EntitySelectorExpression"],
            "edge(\"web\", \"payments\")"
        );
        assert!(request.body.get("GroupName").is_none());
    }
    assert_eq!(health.buckets.unwrap().width, 900.0);
    assert_eq!(health.series(Measure::Requests)[0], Some(100.0));
    assert_eq!(health.series(Measure::Requests)[1], Some(100.0));
    assert_eq!(health.series(Measure::Requests)[2], None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_series_names_its_action() {
    let server = Server::start();
    server.script(
        TIME_SERIES,
        [Reply::error(
            403,
            "AccessDeniedException",
            "not authorized to perform: xray:GetTimeSeriesServiceStatistics",
        )],
    );
    let error = series(&source(&server), SeriesQuery::default())
        .await
        .unwrap_err();
    assert_eq!(
        error,
        SourceError::AccessDenied(Operation::GetTimeSeriesServiceStatistics)
    );
    assert_eq!(
        error.to_string(),
        "AWS denied xray:GetTimeSeriesServiceStatistics — the sparklines are computed from the \
         listed traces instead; add it to your IAM policy (see README: Live AWS)"
    );

    let mut state = aws_state(80, 24);
    let commands = update(&mut state, Action::Intent(Intent::ToggleHealth));
    update(
        &mut state,
        Action::HealthLoaded {
            request: health_request(&commands).0,
            result: Err(error.to_string()),
        },
    );
    let screen = ui::buffer_text(&render(&state));
    assert!(screen.contains("computed (X-Ray failed)"), "{screen}");
    let message = &state.message.as_ref().unwrap().text;
    assert!(message.contains("AWS denied xray:GetTimeSeriesServiceStatistics"));
}

fn aws_state(width: u16, height: u16) -> State {
    let mut state = State::new("AWS us-east-1", width, height, 0);
    state.insights.from_source = true;
    state.range = TimeRange::Between(FROM, FROM + HOUR - 1.0);
    state
}

/// The request id and what the one LoadHealth among `commands` asks.
fn health_request(commands: &[Command]) -> (u64, HealthOf, Option<String>, usize) {
    match commands {
        [
            Command::LoadHealth {
                request,
                of,
                entity,
                buckets,
                ..
            },
        ] => (*request, *of, entity.clone(), *buckets),
        other => panic!("one request for the series, not {other:?}"),
    }
}

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_s_sparklines_on_live_aws_are_x_ray_s_series_of_its_filter() {
    let server = Server::start();
    server.route(TIME_SERIES, |_| {
        Reply::json(&json!({"TimeSeriesServiceStatistics": minutes()}))
    });
    let source = source(&server);
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = aws_state(width, height);
        state.list.filter = Some("service(\"payments\")".into());
        let commands = update(&mut state, Action::Intent(Intent::ToggleHealth));
        let (request, of, entity, buckets) = health_request(&commands);
        assert_eq!(of, HealthOf::List);
        assert_eq!(entity.as_deref(), Some("service(\"payments\")"));
        let loading = ui::buffer_text(&render(&state));
        assert!(loading.contains("asking X-Ray…"), "{loading}");

        let query = SeriesQuery {
            range: state.range.resolve(0.0),
            group: None,
            entity,
            buckets,
        };
        let result = series(&source, query).await.map_err(|e| e.to_string());
        update(&mut state, Action::HealthLoaded { request, result });
        let panel = state.insights.health.as_ref().unwrap();
        let buckets = panel.health.buckets.unwrap();
        let minute_15 = buckets.index(FROM + 900.0).unwrap();
        assert_eq!(
            panel.health.series(Measure::FaultRate)[minute_15],
            Some(0.5)
        );
        // The incident X-Ray's minutes show is tinted and marked.
        let (first, last) = panel.incident.expect("the incident");
        assert_eq!(buckets.bounds(first).0, FROM + 720.0);
        assert_eq!(buckets.bounds(last).1, FROM + 1320.0);

        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("aws_health_{width}x{height}"), screen);
        assert!(screen.contains("Health over time"), "{screen}");
        assert!(screen.contains("· X-Ray ·"), "{screen}");
        let (x, y) = super::insights_screen::find(&buffer, "fault %");
        let tinted: Vec<_> = (x + 11..width)
            .map(|c| &buffer[(c, y)])
            .filter(|c| c.bg != Color::Reset)
            .collect();
        assert!(!tinted.is_empty());
        assert!(tinted.iter().all(|c| c.fg == Color::Red));
        assert!(tinted.iter().any(|c| c.symbol() == "█"));

        // The same range, group and filter: a new page of the list asks nothing again.
        assert!(xray_tui::app::insights::refresh(&mut state).is_empty());
        // Another filter asks again.
        state.list.filter = None;
        let again = xray_tui::app::insights::refresh(&mut state);
        assert_eq!(health_request(&again).2, None, "the whole group");
    }
}

#[test]
fn the_map_s_node_and_edge_are_asked_for_by_their_selectors() {
    let mut state = aws_state(200, 60);
    for (subject, expected) in [
        (("payments".to_owned(), None), "service(\"payments\")"),
        (
            ("web".to_owned(), Some("payments".to_owned())),
            "edge(\"web\", \"payments\")",
        ),
    ] {
        state.insights.map_health = Some(MapHealth {
            subject,
            panel: health_of(&[], "payments".into(), 60),
        });
        let commands = xray_tui::app::xray_health::ask_map(&mut state);
        let (_, of, entity, _) = health_request(&commands);
        assert_eq!(of, HealthOf::Map);
        assert_eq!(entity.as_deref(), Some(expected));
    }
}
