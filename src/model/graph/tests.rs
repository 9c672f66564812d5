use super::*;

fn node(reference: i64, kind: &str, name: &str, ok: i64, edges: Vec<Edge>) -> ServiceNode {
    ServiceNode {
        reference_id: Some(reference),
        name: Some(name.into()),
        names: vec![name.into()],
        kind: Some(kind.into()),
        summary_statistics: Some(Statistics {
            ok_count: ok,
            total_count: ok,
            total_response_time: ok as f64 * 0.1,
            ..Statistics::default()
        }),
        response_time_histogram: vec![HistogramEntry {
            value: 0.1,
            count: ok,
        }],
        edges,
        ..ServiceNode::default()
    }
}

fn edge(to: i64, count: i64) -> Edge {
    Edge {
        reference_id: Some(to),
        summary_statistics: Some(Statistics {
            ok_count: count,
            total_count: count,
            ..Statistics::default()
        }),
        ..Edge::default()
    }
}

#[test]
fn windows_merge_by_type_and_name_not_by_reference_id() {
    // Two windows: the same two services under swapped reference ids, and a third
    // service only in the second.
    let first = ServiceGraph {
        services: vec![
            node(0, "client", "api", 3, vec![edge(1, 3)]),
            node(1, "AWS::EC2::Instance", "api", 3, vec![]),
        ],
        start_time: Some(100.0),
        end_time: Some(200.0),
        contains_old_group_versions: false,
    };
    let second = ServiceGraph {
        services: vec![
            node(7, "AWS::EC2::Instance", "api", 2, vec![edge(9, 2)]),
            node(8, "client", "api", 2, vec![edge(7, 2)]),
            node(9, "AWS::DynamoDB::Table", "scores", 2, vec![]),
        ],
        start_time: Some(200.0),
        end_time: Some(300.0),
        contains_old_group_versions: true,
    };
    let merged = ServiceGraph::merge([first, second]);
    assert_eq!(merged.services.len(), 3);
    assert_eq!(
        (merged.start_time, merged.end_time),
        (Some(100.0), Some(300.0))
    );
    assert!(merged.contains_old_group_versions);
    let by_key = |kind: &str, name: &str| {
        merged
            .services
            .iter()
            .find(|n| {
                n.key()
                    == NodeKey {
                        kind: kind.into(),
                        name: name.into(),
                    }
            })
            .unwrap()
    };
    let client = by_key("client", "api");
    let api = by_key("AWS::EC2::Instance", "api");
    let table = by_key("AWS::DynamoDB::Table", "scores");
    assert_eq!(client.summary_statistics.as_ref().unwrap().ok_count, 5);
    assert_eq!(
        client.response_time_histogram,
        vec![HistogramEntry {
            value: 0.1,
            count: 5
        }]
    );
    assert_eq!(client.edges.len(), 1, "one edge, added up");
    assert_eq!(client.edges[0].reference_id, api.reference_id);
    assert_eq!(
        client.edges[0]
            .summary_statistics
            .as_ref()
            .unwrap()
            .total_count,
        5
    );
    assert_eq!(api.edges.len(), 1);
    assert_eq!(api.edges[0].reference_id, table.reference_id);
    // Reference ids are new, distinct and point where they should.
    let ids: Vec<i64> = merged
        .services
        .iter()
        .filter_map(|n| n.reference_id)
        .collect();
    assert_eq!(ids, vec![0, 1, 2]);
    assert_eq!(merged.digraph().edge_count(), 2);
}

#[test]
fn edges_to_unlisted_nodes_are_dropped() {
    let graph = ServiceGraph {
        services: vec![node(0, "client", "api", 1, vec![edge(42, 1)])],
        ..ServiceGraph::default()
    };
    let merged = ServiceGraph::merge([graph]);
    assert!(merged.services[0].edges.is_empty());
}
