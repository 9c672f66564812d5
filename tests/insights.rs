//! Insights and health over time computed from the data: the demo's payment incident is
//! found as one insight, minutes 12 to 22, and a steady file finds none.

mod common;

use std::io::Write;

use common::demo;
use xray_tui::analytics::anomaly::{self, InsightState, Kind};
use xray_tui::analytics::timeline::{Buckets, Health, Measure};
use xray_tui::source::dataset::Collector;
use xray_tui::source::files;

const BASE: f64 = 1_768_469_400.0;

#[test]
fn the_demo_payment_incident_is_an_insight_from_minute_12_to_22() {
    let insights = anomaly::detect(&demo().summaries);
    let incident = insights
        .iter()
        .find(|i| i.root_cause.as_deref() == Some("api.paymentprovider.example"))
        .unwrap_or_else(|| panic!("no payments insight in {insights:#?}"));
    assert_eq!((incident.start - BASE) / 60.0, 12.0);
    assert_eq!(incident.end.map(|e| (e - BASE) / 60.0), Some(22.0));
    assert_eq!(incident.state, InsightState::Closed);
    assert_eq!(incident.kind(), Kind::Fault);
    assert!(incident.affected > 25, "{}", incident.affected);
    assert!(incident.requests > incident.affected);
    let top: Vec<&str> = incident.top.iter().map(|s| s.name.as_str()).collect();
    assert!(top[..2].contains(&"payments"), "{top:?}");
    assert!(incident.impacted.iter().any(|s| s == "orders"));
    assert_eq!(
        incident.filter.as_deref(),
        Some("rootcause.fault.service { name = \"api.paymentprovider.example\" }")
    );
    // Nothing else in the demo's half hour overlaps the incident.
    for other in insights.iter().filter(|i| !std::ptr::eq(*i, incident)) {
        assert!(
            other.end.is_some_and(|e| e <= incident.start) || other.start >= incident.end.unwrap(),
            "{other:#?}"
        );
    }
}

/// Thirty minutes of one service answering 20 requests a minute, 1 in 25 a fault.
fn steady_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    for i in 0..600u32 {
        let start = BASE + f64::from(i) * 3.0;
        let fault = i % 25 == 7;
        let doc = serde_json::json!({
            "trace_id": format!("1-{:08x}-{:024x}", start as u64, i),
            "id": format!("{:016x}", i + 1),
            "name": "steady",
            "start_time": start,
            "end_time": start + 0.05,
            "fault": fault,
            "http": {"response": {"status": if fault { 500 } else { 200 }}},
        });
        writeln!(file, "{doc}").unwrap();
    }
    file
}

#[test]
fn a_steady_file_has_no_insight() {
    let file = steady_file();
    let mut collector = Collector::default();
    files::load_paths(&[file.path().to_path_buf()], &mut collector);
    let data = collector.finish();
    assert_eq!(data.summaries.len(), 600);
    assert_eq!(anomaly::detect(&data.summaries), Vec::new());
}

#[test]
fn the_demo_health_shows_the_incident_in_its_fault_rate() {
    let summaries = &demo().summaries;
    let health = Health::of(summaries, Buckets::of(summaries, 30));
    assert_eq!(health.buckets.unwrap().width, 60.0);
    let faults = health.series(Measure::FaultRate);
    let during = faults[15].unwrap();
    let before = faults[8].unwrap();
    assert!(during > 0.1 && before < 0.05, "{during} {before}");
    let p90 = health.series(Measure::P90);
    assert!(p90[15].unwrap() > 3.0 * p90[8].unwrap());
}
