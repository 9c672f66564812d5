use super::*;
use crate::model::segment::Segment;
use crate::model::trace::Document;

fn assemble(docs: &[String]) -> Trace {
    let documents = docs
        .iter()
        .map(|text| Document {
            text: text.clone(),
            segment: Segment::parse(text).unwrap(),
        })
        .collect();
    Trace::assemble("1-00000000-000000000000000000000000", documents)
}

fn checkout(db_end: f64, with_cache: bool, with_queue: bool) -> Trace {
    let mut subsegments = vec![format!(
        r#"{{"id":"d","name":"db","start_time":1,"end_time":{db_end}}}"#
    )];
    if with_cache {
        subsegments.push(r#"{"id":"k","name":"cache","start_time":8,"end_time":9}"#.into());
    }
    if with_queue {
        subsegments.push(r#"{"id":"q","name":"queue","start_time":9,"end_time":9.5}"#.into());
    }
    assemble(&[format!(
        r#"{{"id":"a","name":"api","start_time":0,"end_time":10,"subsegments":[{}]}}"#,
        subsegments.join(",")
    )])
}

fn names(rows: impl Iterator<Item = impl std::ops::Deref<Target = DiffRow>>) -> Vec<String> {
    rows.map(|r| r.name.to_string()).collect()
}

#[test]
fn marks_spans_only_in_a_only_in_b_and_orders_by_change() {
    let a = checkout(3.0, true, false);
    let b = checkout(8.0, false, true);
    let d = diff(&a, &b);
    let rows: Vec<(u32, &str, Change)> = d
        .rows
        .iter()
        .map(|r| (r.depth, &*r.name, r.change()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "api", Change::Both),
            (1, "db", Change::Both),
            (1, "cache", Change::OnlyA),
            (1, "queue", Change::OnlyB),
        ],
        "siblings largest change first: db +5s, cache -1s, queue +0.5s"
    );
    assert_eq!(names(d.only_a()), ["cache"]);
    assert_eq!(names(d.only_b()), ["queue"]);
    assert!((d.rows[1].delta() - 5.0).abs() < 1e-9);
    assert!((d.rows[2].delta() + 1.0).abs() < 1e-9);
    assert_eq!(d.by_change(), [1, 2, 3, 0]);
    assert!(d.rows.iter().all(|r| &*r.service == "api"));
}

#[test]
fn the_typical_trace_is_the_median_of_each_path() {
    let baseline = [
        checkout(2.0, true, false),
        checkout(3.0, true, false),
        checkout(9.0, false, false),
    ];
    let refs: Vec<&Trace> = baseline.iter().collect();
    let d = diff_with_typical(&refs, &checkout(8.0, false, true));
    let db = d.rows.iter().find(|r| &*r.name == "db").unwrap();
    assert_eq!(db.a.unwrap().total, 2.0, "median of 1, 2 and 8 seconds");
    assert!((db.delta() - 5.0).abs() < 1e-9);
    // The cache is in two of three: typical, and missing from B.
    assert_eq!(names(d.only_a()), ["cache"]);
    assert_eq!(names(d.only_b()), ["queue"]);
}

#[test]
fn generated_traces_show_the_removed_document_and_the_slower_segment() {
    let id = "1-6968b4f1-00000000000000000000abcd";
    let docs = crate::synthetic::trace_documents(id, 2_000, 7);
    let a = assemble(&docs);
    let mut changed: Vec<String> = docs[..docs.len() - 1].to_vec();
    let mut first: serde_json::Value = serde_json::from_str(&changed[0]).unwrap();
    let end = first["end_time"].as_f64().unwrap();
    first["end_time"] = (end + 1.0).into();
    changed[0] = first.to_string();
    let b = assemble(&changed);
    let last = Segment::parse(docs.last().unwrap()).unwrap();
    let removed_spans = a.spans.len() - b.spans.len();

    let d = diff(&a, &b);
    assert!(d.only_b().next().is_none());
    assert!(d.only_a().all(|r| &*r.service == last.name()));
    let removed: u32 = d.only_a().map(|r| r.a.unwrap().count).sum();
    assert_eq!(removed as usize, removed_spans);
    let slowest = &d.rows[d.by_change()[0]];
    assert_eq!(&*slowest.name, first["name"].as_str().unwrap());
    assert_eq!(slowest.depth, 0);
    assert!((slowest.delta() - 1.0).abs() < 1e-6, "{}", slowest.delta());

    // A trace against itself: every path in both, nothing changed.
    let same = diff(&a, &a);
    assert!(
        same.rows
            .iter()
            .all(|r| r.change() == Change::Both && r.delta() == 0.0)
    );
    let spans: u32 = same.rows.iter().map(|r| r.a.unwrap().count).sum();
    assert_eq!(spans as usize, a.spans.len());
}
