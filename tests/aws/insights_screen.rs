//! The Insights screen on live AWS: "loading" until X-Ray answers, X-Ray's insight with its
//! timeline (snapshots), asking again for a new range and dropping the older answer, and Enter
//! narrowing the list to the insight's window and root cause.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use serde_json::json;
use xray_tui::analytics::anomaly::{Insight, InsightState, Kind};
use xray_tui::app::{Action, Command, Intent, Screen, State, update};
use xray_tui::source::{FoundInsights, GraphQuery, TimeRange, TraceSource};
use xray_tui::ui;

use super::aws_server::{
    INSIGHT, INSIGHT_EVENTS, INSIGHT_IMPACT_GRAPH, Reply, Server, impact_service, insight_event,
};
use super::insights::{OUTAGE, found, recent, two_pages};
use super::{HOUR, source};

/// The Insights screen on live AWS, 30 minutes into the range.
pub(super) fn aws_state(width: u16, height: u16) -> State {
    let mut state = State::new("AWS us-east-1", width, height, 0);
    state.insights.from_source = true;
    let from = recent();
    state.range = TimeRange::Between(from, from + HOUR);
    state
}

pub(super) fn insights_request(commands: &[Command]) -> u64 {
    match commands {
        [Command::LoadInsights { request, .. }] => *request,
        other => panic!("one request for the insights, not {other:?}"),
    }
}

/// Where `needle` starts on screen.
pub(super) fn find(buffer: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buffer.area.height {
        let row: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        if let Some(byte) = row.concat().find(needle) {
            let mut seen = 0;
            for (x, symbol) in row.iter().enumerate() {
                if seen == byte {
                    return (x as u16, y);
                }
                seen += symbol.len();
            }
        }
    }
    panic!("no {needle:?} in\n{}", ui::buffer_text(buffer));
}

pub(super) fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_shows_x_ray_s_insight_and_enter_narrows_the_list_to_it() {
    let server = Server::start();
    let from = recent();
    two_pages(&server, from);
    let source = source(&server);
    let mut state = aws_state(200, 60);
    let commands = update(&mut state, Action::Intent(Intent::ShowInsights));
    let Some(Command::LoadInsights {
        request,
        range,
        group,
    }) = commands.first().cloned()
    else {
        panic!("{commands:?}");
    };
    assert_eq!((range, group.as_deref()), (state.range, None));
    assert_eq!(state.screen, Screen::Insights);
    let loading = ui::buffer_text(&render(&state));
    assert!(loading.contains("loading…"), "{loading}");
    assert!(
        loading.contains("asking X-Ray for its insights"),
        "{loading}"
    );

    let query = GraphQuery {
        range: range.resolve(xray_tui::clock::now()),
        group,
        ..GraphQuery::default()
    };
    let result = found(&source, query).await.map_err(|e| e.to_string());
    update(&mut state, Action::InsightsLoaded { request, result });
    let screen = ui::buffer_text(&render(&state));
    assert!(
        screen.contains("Insights · 2 · X-Ray Insights · group Default"),
        "{screen}"
    );
    assert!(!screen.contains("loading…"), "{screen}");
    assert!(screen.contains("Faults rose on api.paymentprovider.example"));
    assert!(screen.contains("fault rate 23% ongoing · 120 requests affected"));

    // Opening it again for the same range asks nothing more.
    update(&mut state, Action::Intent(Intent::Close));
    let again = update(&mut state, Action::Intent(Intent::ShowInsights));
    assert!(
        !again
            .iter()
            .any(|c| matches!(c, Command::LoadInsights { .. })),
        "{again:?}"
    );

    let TimeRange::Between(_, range_end) = state.range else {
        panic!("{:?}", state.range)
    };
    let commands = update(&mut state, Action::Intent(Intent::Open));
    assert_eq!(state.screen, Screen::List);
    // The active insight runs to the end of the range: no trace is listed yet to say later.
    assert_eq!(state.range, TimeRange::Between(from + 1200.0, range_end));
    assert_eq!(
        state.list.filter.as_deref(),
        Some("rootcause.fault.service { name = \"api.paymentprovider.example\" }")
    );
    assert_eq!(
        state.insights.impact,
        ["api.paymentprovider.example", "orders", "payments"]
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::LoadSummaries { .. }))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_range_asks_again_and_drops_the_older_answer() {
    let mut state = aws_state(80, 24);
    let first = insights_request(&update(&mut state, Action::Intent(Intent::ShowInsights)));
    state.range = TimeRange::Between(recent() - HOUR, recent());
    let commands = xray_tui::app::insights::refresh(&mut state);
    let second = insights_request(&commands);
    assert_ne!(first, second);
    let late = FoundInsights {
        insights: vec![],
        disabled_for: Some("Default".into()),
    };
    update(
        &mut state,
        Action::InsightsLoaded {
            request: first,
            result: Ok(late),
        },
    );
    let asked = state
        .insights
        .view
        .as_ref()
        .unwrap()
        .asked
        .as_ref()
        .unwrap();
    assert!(asked.loading && asked.notice.is_none(), "{asked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_of_x_ray_s_insight_with_its_timeline() {
    let from = 1_768_469_400.0;
    let mut outage = Insight {
        kinds: vec![Kind::Fault],
        state: InsightState::Active,
        start: from + 720.0,
        end: None,
        root_cause: Some("api.paymentprovider.example".into()),
        affected: 120,
        requests: 520,
        baseline: None,
        rate: 120.0 / 520.0,
        top: Vec::new(),
        impacted: vec!["payments".into(), "web-frontend".into()],
        filter: None,
        summary: Some("Faults rose on api.paymentprovider.example".into()),
        id: Some(OUTAGE.into()),
        events: Vec::new(),
        impact_edges: Vec::new(),
    };
    // Read through the SDK, so the snapshot shows what X-Ray's shapes become.
    let server = Server::start();
    server.script(
        INSIGHT,
        [Reply::json(&json!({"Insight": {
            "InsightId": OUTAGE, "State": "ACTIVE", "Categories": ["FAULT"],
            "StartTime": from + 720.0, "Summary": "Faults rose on api.paymentprovider.example",
            "RootCauseServiceId": super::aws_server::service_id("api.paymentprovider.example", "remote"),
            "ClientRequestImpactStatistics": super::aws_server::impact(120, 520),
            "TopAnomalousServices": [{"ServiceId": super::aws_server::service_id("payments", "AWS::ECS::Container")}]
        }}))],
    );
    server.script(
        INSIGHT_EVENTS,
        [Reply::json(&json!({"InsightEvents": [
            insight_event(from + 720.0, "Faults rose on api.paymentprovider.example", 20, 90, "payments"),
            insight_event(from + 1020.0, "Faults keep rising", 60, 150, "payments"),
        ]}))],
    );
    server.script(
        INSIGHT_IMPACT_GRAPH,
        [Reply::json(&json!({"Services": [
            impact_service(0, "web-frontend", "AWS::EC2::Instance", &[1]),
            impact_service(1, "payments", "AWS::ECS::Container", &[2]),
            impact_service(2, "api.paymentprovider.example", "remote", &[]),
        ]}))],
    );
    outage = source(&server).insight_details(outage).await.unwrap();
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = State::new("AWS us-east-1", width, height, 0);
        state.insights.from_source = true;
        state.range = TimeRange::Between(from, from + HOUR);
        let request = insights_request(&update(&mut state, Action::Intent(Intent::ShowInsights)));
        let found = FoundInsights {
            insights: vec![outage.clone()],
            disabled_for: None,
        };
        update(
            &mut state,
            Action::InsightsLoaded {
                request,
                result: Ok(found),
            },
        );
        let buffer = render(&state);
        let screen = ui::buffer_text(&buffer);
        insta::assert_snapshot!(format!("aws_insights_{width}x{height}"), screen);
        assert!(screen.contains("Faults keep rising"), "{screen}");
        let (x, y) = find(&buffer, "active");
        assert_eq!(buffer[(x, y)].fg, Color::Red, "an active insight is red");
        let (x, y) = find(&buffer, "60/150 req");
        assert_eq!(
            buffer[(x, y)].fg,
            Color::Red,
            "faults in the timeline are red"
        );
    }
}
