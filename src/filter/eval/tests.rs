use super::super::parse;
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

fn check(t: &Trace, src: &str) -> bool {
    let summary = TraceSummary::of_trace(t);
    matches(&parse(src).unwrap(), t, &summary)
}

/// front (ok, 200) → back-call → back (fault, 500); front → DynamoDB (throttle, inferred).
fn sample() -> Trace {
    trace(&[
        r#"{"id":"a","name":"front","origin":"AWS::EC2::Instance","trace_id":"1-00000000-000000000000000000000000",
            "start_time":0,"end_time":2,"user":"alice",
            "http":{"request":{"method":"GET","url":"https://shop/cart"},"response":{"status":200}},
            "annotations":{"tier":"gold","items":3,"cached":false},
            "aws":{"ec2":{"availability_zone":"eu-west-1a","instance_id":"i-1"}},
            "subsegments":[
            {"id":"c","name":"back-call","namespace":"remote","start_time":0.1,"end_time":1.5,"fault":true},
            {"id":"d","name":"DynamoDB","namespace":"aws","start_time":1.5,"end_time":1.6,
             "throttle":true,"error":true,"aws":{"table_name":"stock"}}]}"#,
        r#"{"id":"b","name":"back","origin":"AWS::Lambda::Function","parent_id":"c",
            "trace_id":"1-00000000-000000000000000000000000","start_time":0.2,"end_time":1.4,
            "fault":true,"http":{"response":{"status":500}},
            "cause":{"exceptions":[{"id":"x","type":"KeyError","message":"no such key"}]}}"#,
    ])
}

#[test]
fn trace_level_keywords_read_the_root() {
    let t = sample();
    assert!(!check(&t, "fault"));
    assert!(check(&t, "!fault AND throttle"));
    assert!(check(&t, "ok"), "the root answered 200");
    assert!(check(&t, "http.status = 200 AND http.method = \"GET\""));
    assert!(check(&t, "responsetime = 2 AND duration >= 2"));
    assert!(check(&t, "user = \"alice\" AND user != \"bob\" AND user"));
    assert!(check(
        &t,
        "name = \"front\" AND type = \"AWS::EC2::Instance\""
    ));
    assert!(check(
        &t,
        "availabilityzone = \"eu-west-1a\" AND instance.id BEGINSWITH \"i-\""
    ));
    assert!(check(&t, "inferred"));
    assert!(!check(&t, "partial"));
    assert!(check(&t, "group.name = \"anything\""));
    assert!(!check(&t, "message"));
}

#[test]
fn annotations_by_type() {
    let t = sample();
    assert!(check(
        &t,
        "annotation.tier = \"gold\" AND annotation.items > 2"
    ));
    assert!(!check(&t, "annotation.items = \"3\""));
    assert!(check(&t, "annotation.tier AND annotation.items"));
    assert!(!check(&t, "annotation.cached"), "a false boolean is false");
    assert!(check(
        &t,
        "annotation.cached = false AND !annotation.missing"
    ));
    assert!(check(&t, "annotation.missing != 1"));
}

#[test]
fn services_and_edges() {
    let t = sample();
    assert!(check(
        &t,
        "service(\"back\") { fault AND http.status = 500 }"
    ));
    assert!(check(&t, "service() { fault }"));
    assert!(!check(&t, "service(\"front\") { fault }"));
    assert!(check(
        &t,
        "service(\"front\") { root } AND !service(\"back\") { root }"
    ));
    assert!(check(
        &t,
        "service(id(type: \"AWS::DynamoDB::Table\")) { throttle AND inferred }"
    ));
    assert!(check(&t, "service(\"stock\")"));
    assert!(check(&t, "service(\"back\") { message CONTAINS \"key\" }"));
    assert!(check(
        &t,
        "edge(\"front\", \"back\") { fault AND responsetime > 1.3 }"
    ));
    assert!(!check(&t, "edge(\"back\", \"front\")"));
    assert!(check(&t, "edge(\"front\", id(name: \"stock\")) { error }"));
    assert!(check(&t, "edge(id(type: \"client\"), \"front\") { ok }"));
    assert!(!check(&t, "edge(\"front\", \"front\")"));
}

#[test]
fn root_causes() {
    let t = sample();
    assert!(check(
        &t,
        "rootcause.fault.service { last AND name = \"back\" AND index = 1 }"
    ));
    assert!(check(
        &t,
        "rootcause.fault.entity { last AND name = \"back\" }"
    ));
    assert!(check(
        &t,
        "rootcause.fault.entity { remote AND name = \"back-call\" }"
    ));
    assert!(check(
        &t,
        "rootcause.fault.exception { name = \"KeyError\" AND first AND last }"
    ));
    assert!(check(
        &t,
        "rootcause.error.service { last AND type = \"AWS::DynamoDB::Table\" }"
    ));
    assert!(check(
        &t,
        "rootcause.responsetime.entity { last AND name = \"back\" AND coverage > 0.5 }"
    ));
    assert!(!check(
        &t,
        "rootcause.responsetime.service { coverage > 0.99 AND !root }"
    ));
    assert!(check(
        &t,
        r#"rootcause.json = #[{"Services":[{"Name":"front","EntityPath":[{"Name":"front"},{"Name":"back-call","Remote":true}]},{"Name":"back","Type":"AWS::Lambda::Function"}]}]"#
    ));
    assert!(!check(
        &t,
        r#"rootcause.json = #[{"Services":[{"Name":"back"}]}]"#
    ));
}

#[test]
fn summary_alone() {
    let t = sample();
    let s = TraceSummary::of_trace(&t);
    let answer = |src: &str| matches_summary(&parse(src).unwrap(), &s);
    assert_eq!(answer("http.status = 200"), Some(true));
    assert_eq!(answer("service(\"x\")"), None);
    assert_eq!(answer("http.status = 404 AND service(\"x\")"), Some(false));
    assert_eq!(answer("http.status = 200 OR service(\"x\")"), Some(true));
    assert_eq!(answer("annotation.tier = \"gold\""), Some(true));
    assert_eq!(answer("message"), None);
    assert_eq!(answer("group.arn = \"arn\""), Some(true));
}

#[test]
fn empty_trace_never_panics() {
    let t = Trace::default();
    let s = TraceSummary::default();
    for src in [
        "ok",
        "fault",
        "message",
        "name",
        "duration > 1",
        "service() { ok }",
        "edge(\"a\", \"b\")",
        "rootcause.responsetime.entity { coverage > 0 }",
        "rootcause.json = #[{}]",
    ] {
        let _ = matches(&parse(src).unwrap(), &t, &s);
    }
}
