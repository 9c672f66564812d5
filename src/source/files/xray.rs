//! What `aws xray batch-get-traces` prints: traces holding segment documents as strings.

use serde::Deserialize;

use super::problems::FileProblems;
use crate::source::dataset::Collector;
use crate::source::problem::Problem;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetTracesOutput<'a> {
    #[serde(borrow, default)]
    traces: Vec<WireTrace<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireTrace<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    limit_exceeded: Option<bool>,
    #[serde(borrow, default)]
    segments: Vec<WireSegment<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireSegment<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(borrow)]
    document: Option<std::borrow::Cow<'a, str>>,
}

pub fn load_batch_get_traces(
    output: BatchGetTracesOutput,
    place: &str,
    collector: &mut Collector,
    problems: &mut FileProblems,
) {
    let mut pending: Vec<(String, (String, String))> = Vec::new();
    for trace in output.traces {
        let trace_id = trace.id.unwrap_or_default();
        if trace.limit_exceeded == Some(true) && !trace_id.is_empty() {
            collector.mark_limit_exceeded(trace_id.clone());
        }
        for segment in trace.segments {
            let segment_id = segment.id.unwrap_or_default();
            match segment.document {
                Some(document) => {
                    pending.push((document.into_owned(), (trace_id.clone(), segment_id)))
                }
                None => problems.push_at(
                    place.to_owned(),
                    format!("trace {trace_id}: segment {segment_id} has no Document"),
                ),
            }
        }
    }
    let before = collector.problems.len();
    collector.add_document_texts(pending, |(trace_id, segment_id)| {
        format!("{place}: trace {trace_id}, segment {segment_id}")
    });
    let added: Vec<Problem> = collector.problems.drain(before..).collect();
    for problem in added {
        problems.push_at(problem.place, problem.message);
    }
}
