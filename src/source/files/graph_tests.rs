//! Service-graph files: read in place, leniently; broken text named by line and column.

use super::load_text;
use crate::model::graph::HistogramEntry;
use crate::source::dataset::Collector;

fn load(text: &str) -> (crate::source::dataset::Dataset, Vec<String>) {
    let mut collector = Collector::default();
    load_text("graph.json", text, &mut collector);
    let data = collector.finish();
    let problems = data.problems.iter().map(ToString::to_string).collect();
    (data, problems)
}

#[test]
fn fields_of_another_shape_are_absent_and_odd_elements_skipped() {
    let text = r#"{
        "Services": [
            "not a service",
            {
                "ReferenceId": "1",
                "Name": 5,
                "Names": ["a", {"no": 1}, 7],
                "Type": {"odd": true},
                "Root": "true",
                "Edges": "none",
                "SummaryStatistics": [],
                "ResponseTimeHistogram": [
                    {"Value": "0.5", "Count": 2},
                    7,
                    {"Value": {}, "Count": "x"}
                ]
            },
            42,
            {
                "ReferenceId": 2,
                "Name": "orders",
                "Type": "AWS::EC2::Instance",
                "Edges": [{"ReferenceId": 1, "SummaryStatistics": {
                    "OkCount": 3, "ErrorStatistics": "broken",
                    "FaultStatistics": {"TotalCount": "x", "OtherCount": 1},
                    "TotalCount": 4, "TotalResponseTime": "0.25"}}],
                "SummaryStatistics": {"OkCount": 9, "TotalCount": 10, "Unknown": [1, 2]}
            }
        ],
        "StartTime": "1700000000",
        "EndTime": [],
        "ContainsOldGroupVersions": 1
    }"#;
    let (data, problems) = load(text);
    assert!(problems.is_empty(), "{problems:?}");
    let graph = &data.graph;
    assert_eq!(graph.services.len(), 2, "the two objects of the list");
    let odd = &graph.services[0];
    assert_eq!(odd.reference_id, Some(1));
    assert_eq!(odd.name.as_deref(), Some("5"));
    assert_eq!(odd.names, ["a", "7"]);
    assert_eq!(odd.kind, None);
    assert!(odd.root);
    assert!(odd.edges.is_empty());
    assert_eq!(odd.summary_statistics, None);
    assert_eq!(
        odd.response_time_histogram,
        [
            HistogramEntry {
                value: 0.5,
                count: 2
            },
            HistogramEntry::default()
        ]
    );
    let orders = &graph.services[1];
    let edge = orders.edges[0].summary_statistics.as_ref().unwrap();
    assert_eq!((edge.ok_count, edge.total_count), (3, 4));
    assert_eq!(edge.total_response_time, 0.25);
    assert_eq!(edge.error_statistics.total_count, 0);
    assert_eq!(
        (
            edge.fault_statistics.total_count,
            edge.fault_statistics.other_count
        ),
        (0, 1)
    );
    assert_eq!(
        orders.summary_statistics.as_ref().map(|s| s.ok_count),
        Some(9)
    );
    assert_eq!(graph.start_time, Some(1_700_000_000.0));
    assert_eq!(graph.end_time, None);
    assert!(graph.contains_old_group_versions);
}

#[test]
fn a_broken_graph_is_named_by_line_and_column_and_the_next_one_read() {
    let good = r#"{"Services": [{"ReferenceId": 0, "Name": "a", "Type": "client"}]}"#;
    let text = format!(
        "{}\n{{\"Services\": [{{\"ReferenceId\": 1}},, {{}}]}}\n{}\n",
        good, r#"{"Services": [{"ReferenceId": 0, "Name": "b", "Type": "AWS::Lambda"}]}"#
    );
    let (data, problems) = load(&text);
    let names: Vec<_> = data
        .graph
        .services
        .iter()
        .filter_map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0] == "graph.json:2:34: not valid JSON: expected value",
        "{problems:?}"
    );
}

#[test]
fn a_generated_graph_reads_whole() {
    let text = crate::synthetic_graph::service_graph_json(300, 3);
    let (data, problems) = load(&text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(data.graph.services.len(), 300);
    assert!(data.graph.services.iter().all(|s| s.name.is_some()));
}
