use super::*;
use crate::model::trace::Document;

fn trace(docs: &[&str]) -> Trace {
    let documents = docs
        .iter()
        .map(|text| Document {
            text: (*text).to_owned(),
            segment: Segment::parse(text).unwrap(),
        })
        .collect();
    Trace::assemble("1-00000000-000000000000000000000000", documents)
}

/// api (fault) → call (fault) → db (fault, deepest); api → cache (fault, leaf).
fn faulty() -> Trace {
    trace(&[
        r#"{"id":"a","name":"api","origin":"AWS::EC2::Instance","start_time":0,"end_time":10,
            "fault":true,"cause":"e1","subsegments":[
            {"id":"c","name":"db-call","namespace":"remote","start_time":1,"end_time":8,
             "fault":true,"cause":{"exceptions":[
                {"id":"e1","type":"Timeout","message":"took too long","remote":true},
                {"id":"e2","type":"SocketError","message":"reset"}]}},
            {"id":"k","name":"cache","start_time":8,"end_time":9,"fault":true},
            {"id":"q","name":"DynamoDB","namespace":"aws","start_time":9,"end_time":9.5,
             "error":true,"throttle":true,"aws":{"table_name":"stock"}}]}"#,
    ])
}

#[test]
fn fault_root_causes_are_the_deepest_faults() {
    let t = faulty();
    let names: Vec<&str> = fault_root_causes(&t)
        .into_iter()
        .map(|i| t.spans[i].name())
        .collect();
    assert_eq!(names, ["db-call", "cache"]);
    let names: Vec<&str> = error_root_causes(&t)
        .into_iter()
        .map(|i| t.spans[i].name())
        .collect();
    assert_eq!(names, ["DynamoDB"]);
}

#[test]
fn a_call_without_downstream_segment_ends_in_an_inferred_service() {
    let t = faulty();
    let causes = root_causes(&t, RootCauseKind::Fault);
    let first = &causes[0];
    let services: Vec<(&str, &str, bool)> = first
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str(), s.inferred))
        .collect();
    assert_eq!(
        services,
        [
            ("api", "AWS::EC2::Instance", false),
            ("db-call", "remote", true)
        ]
    );
    assert!(first.services[0].root);
    assert_eq!(first.entity_path_text(), "api → db-call");
    let entity = first.entity().unwrap();
    assert!(entity.remote);
    assert_eq!(entity.exceptions.len(), 2);
    assert_eq!(first.exception().unwrap().name, "Timeout");
    // The api's cause is an exception id: resolved to the call's exception and its causes.
    let api = &first.services[0].entity_path[0];
    assert_eq!(api.exceptions[0].message, "took too long");
    // The cache fault stays inside the api service.
    assert_eq!(causes[1].services.len(), 1);
    assert_eq!(causes[1].entity_path_text(), "api → cache");

    let errors = root_causes(&t, RootCauseKind::Error);
    let last = errors[0].service().unwrap();
    assert_eq!(
        (last.name.as_str(), last.kind.as_str()),
        ("stock", "AWS::DynamoDB::Table")
    );
}

#[test]
fn response_time_follows_the_longest_child() {
    let t = faulty();
    let rc = response_time_root_cause(&t).unwrap();
    assert_eq!(t.spans[rc].name(), "db-call");
    let described = describe(&t, RootCauseKind::ResponseTime, rc);
    let coverage = described.entity().unwrap().coverage.unwrap();
    assert!((coverage - 0.7).abs() < 1e-9, "{coverage}");
}

#[test]
fn deep_traces_do_not_overflow() {
    // 20,000 nested subsegments, all faulted: the deepest is the root cause.
    let depth = 20_000;
    let mut docs = Vec::new();
    for i in 0..depth {
        let mut s = Segment {
            id: Some(format!("s{i}")),
            name: Some(format!("n{i}")),
            trace_id: Some("1-00000000-000000000000000000000000".into()),
            start_time: Some(i as f64),
            end_time: Some((2 * depth - i) as f64),
            fault: true,
            ..Segment::default()
        };
        if i > 0 {
            s.parent_id = Some(format!("s{}", i - 1));
            s.kind = Some("subsegment".into());
        }
        docs.push(Document {
            text: String::new(),
            segment: s,
        });
    }
    let t = Trace::assemble("deep", docs);
    assert_eq!(fault_root_causes(&t), [depth - 1]);
    let rc = root_causes(&t, RootCauseKind::Fault);
    assert_eq!(rc[0].entities().len(), depth);
    assert_eq!(response_time_root_cause(&t), Some(depth - 1));
    let services = TraceServices::of(&t);
    assert_eq!(services.visits.len(), 1);
}

#[test]
fn services_and_calls_follow_the_graph() {
    let t = trace(&[
        r#"{"id":"a","name":"front","trace_id":"1-00000000-000000000000000000000000",
            "start_time":0,"end_time":2,"subsegments":[
            {"id":"c","name":"back-call","namespace":"remote","start_time":0.1,"end_time":1}]}"#,
        r#"{"id":"b","name":"back","origin":"AWS::Lambda::Function","parent_id":"c",
            "trace_id":"1-00000000-000000000000000000000000","start_time":0.2,"end_time":0.9}"#,
    ]);
    let services = TraceServices::of(&t);
    let names: Vec<&str> = services
        .visits
        .iter()
        .map(|v| v.node.name.as_str())
        .collect();
    assert_eq!(names, ["front", "back"]);
    assert_eq!(services.calls.len(), 2);
    assert_eq!(services.calls[0].from, None);
    let call = services.calls[1];
    assert_eq!(call.from, Some(0));
    assert_eq!(t.spans[call.measured].name(), "back-call");
    assert_eq!(services.root().unwrap().node.name, "front");
}
