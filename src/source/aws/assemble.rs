//! The segment documents of an answer (BatchGetTraces, a retrieval from `aws/spans`) made into
//! traces off the async threads, as files' are; what cannot be read is a problem, named by the
//! answer, trace and segment it came in.

use std::sync::Arc;

use super::calls::Caller;
use crate::model::Trace;
use crate::source::{Collector, SourceError};

/// One trace's documents as an answer gave them.
pub struct Fetched {
    pub id: String,
    /// X-Ray cut the trace short.
    pub limit_exceeded: bool,
    pub documents: Vec<String>,
}

/// `answer` names where the documents came from in problems: "BatchGetTraces", "aws/spans".
pub async fn assemble(
    caller: &Caller,
    answer: &'static str,
    fetched: Vec<Fetched>,
) -> Result<Vec<Arc<Trace>>, SourceError> {
    let (traces, problems) = tokio::task::spawn_blocking(move || {
        let mut collector = Collector::default();
        for Fetched {
            id,
            limit_exceeded,
            documents,
        } in fetched
        {
            collector.set_input(format!("{answer} {id}"));
            let numbered = documents.into_iter().zip(1..).collect();
            collector.add_document_texts(numbered, |number: &usize| {
                format!("{answer} {id} segment {number}")
            });
            if limit_exceeded && !id.is_empty() {
                collector.mark_limit_exceeded(id);
            }
        }
        collector.into_traces()
    })
    .await
    .map_err(|e| SourceError::Other(format!("assembling traces failed: {e}")))?;
    for problem in &problems {
        caller.board.problem(problem.to_string());
    }
    Ok(traces.into_iter().map(Arc::new).collect())
}
