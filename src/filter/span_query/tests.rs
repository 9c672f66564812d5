use super::*;
use crate::model::segment::Segment;
use crate::model::trace::{Document, Trace};

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

/// api (0..10) → db-call (sql, 1..8) → cache (8..9, annotation), GetItem (aws, throttled,
/// OTel attributes), and a second service `worker` with metadata.
fn sample() -> Trace {
    trace(&[
        r#"{"id":"a","name":"api","trace_id":"1-00000000-000000000000000000000000","start_time":0,"end_time":10,
            "http":{"request":{"method":"POST","url":"https://shop/checkout"},"response":{"status":502}},
            "fault":true,"annotations":{"tenant":"acme","retries":3},
            "subsegments":[
            {"id":"c","name":"db-call","namespace":"remote","start_time":1,"end_time":8,
             "sql":{"sanitized_query":"SELECT * FROM orders","database_type":"PostgreSQL"}},
            {"id":"k","name":"cache","start_time":8,"end_time":9,"annotations":{"hit":false}},
            {"id":"q","name":"DynamoDB","namespace":"aws","start_time":9,"end_time":9.5,
             "error":true,"throttle":true,"aws":{"operation":"GetItem","table_name":"stock"},
             "otel":{"kind":"CLIENT","attributes":{"rpc.system":"aws-api","db.rows":12},
                     "resource":{"service.version":"1.4"}}}]}"#,
        r#"{"id":"w","name":"worker","trace_id":"1-00000000-000000000000000000000000","parent_id":"c","start_time":2,"end_time":4,
            "metadata":{"default":{"order":{"items":5,"kind":"gift"}}}}"#,
    ])
}

fn found(trace: &Trace, query: &str) -> Vec<String> {
    let query = parse(query).unwrap();
    (0..trace.spans.len())
        .filter(|&i| matches(&query, trace, i))
        .map(|i| trace.spans[i].name().to_owned())
        .collect()
}

fn parse_error(query: &str) -> (String, usize) {
    let error = parse(query).unwrap_err();
    (error.message, error.column)
}

#[test]
fn plain_words_and_phrases_search_text_as_before() {
    let t = sample();
    assert_eq!(found(&t, "orders"), ["db-call"]);
    assert_eq!(found(&t, "\"FROM orders\""), ["db-call"]);
    assert_eq!(found(&t, "checkout"), ["api"]);
    assert!(found(&t, "\"orders FROM\"").is_empty());
}

#[test]
fn equals_resolves_span_fields_and_namespaced_fields() {
    let t = sample();
    assert_eq!(found(&t, "name=cache"), ["cache"]);
    assert_eq!(found(&t, "service=worker"), ["worker"]);
    assert_eq!(found(&t, "status=throttle"), ["DynamoDB"]);
    assert_eq!(found(&t, "http.method=post"), ["api"]);
    assert_eq!(found(&t, "http.status=502"), ["api"]);
    assert_eq!(found(&t, "sql.database=postgresql"), ["db-call"]);
    assert_eq!(found(&t, "aws.table=stock"), ["DynamoDB"]);
    assert_eq!(found(&t, "http.url=\"https://shop/checkout\""), ["api"]);
}

#[test]
fn keys_resolve_annotations_metadata_and_otel_attributes() {
    let t = sample();
    assert_eq!(found(&t, "tenant=acme"), ["api"]);
    assert_eq!(found(&t, "annotation.tenant=acme"), ["api"]);
    assert_eq!(found(&t, "hit=false"), ["cache"]);
    assert_eq!(found(&t, "default.order.kind=gift"), ["worker"]);
    assert_eq!(found(&t, "metadata.default.order.items>4"), ["worker"]);
    assert_eq!(found(&t, "rpc.system=aws-api"), ["DynamoDB"]);
    assert_eq!(found(&t, "otel.db.rows>=12"), ["DynamoDB"]);
    assert_eq!(found(&t, "service.version=1.4"), ["DynamoDB"]);
}

#[test]
fn not_equal_needs_the_key_and_another_value() {
    let t = sample();
    assert_eq!(found(&t, "tenant!=other"), ["api"]);
    assert!(found(&t, "tenant!=acme").is_empty());
}

#[test]
fn order_operators_compare_numbers_and_durations() {
    let t = sample();
    assert_eq!(found(&t, "duration>5"), ["api", "db-call"]);
    assert_eq!(found(&t, "duration>=7s"), ["api", "db-call"]);
    assert_eq!(found(&t, "duration<600ms"), ["DynamoDB"]);
    assert_eq!(found(&t, "duration<=1000ms"), ["cache", "DynamoDB"]);
    assert_eq!(found(&t, "retries<4"), ["api"]);
}

#[test]
fn a_dash_finds_spans_without_the_key_and_terms_combine() {
    let t = sample();
    assert_eq!(found(&t, "-tenant duration>1"), ["db-call", "worker"]);
    assert_eq!(
        found(&t, "-http.url -sql.query -aws.operation name!=worker"),
        ["cache"]
    );
}

#[test]
fn mistakes_point_at_their_column() {
    assert_eq!(
        parse_error("name=api duration>fast"),
        ("`>` compares with a duration (250ms, 1.5s, 2m)".into(), 18)
    );
    assert_eq!(
        parse_error("retries>=many"),
        ("`>=` compares with a number".into(), 9)
    );
    assert_eq!(parse_error("name= x"), ("name= needs a value".into(), 5));
    assert_eq!(parse_error("a =x"), ("`=` needs a key before it".into(), 2));
    assert_eq!(
        parse_error("ok \"open phrase"),
        ("this quote is never closed".into(), 3)
    );
    assert_eq!(
        parse_error("x -"),
        ("`-` needs a key: -KEY finds spans without it".into(), 2)
    );
    assert_eq!(
        parse_error("name!api"),
        ("`!` goes with `=`: KEY!=VALUE".into(), 4)
    );
    assert_eq!(
        parse_error("a=b=c"),
        ("one operator a term; quote a value that has one".into(), 3)
    );
    assert_eq!(parse_error("-k=v"), ("-KEY takes no value".into(), 0));
}
