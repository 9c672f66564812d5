//! Whole traces from BatchGetTraces: five ids a call, a few calls at once, the ids X-Ray left
//! unprocessed asked for again, the documents assembled as files' are, and the finished
//! traces kept for the session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt, stream};

use super::calls::{Caller, next_page};
use crate::aws::Operation;
use crate::model::Trace;
use crate::source::{Collector, SourceError};

/// BatchGetTraces takes at most five ids.
pub const IDS_PER_CALL: usize = 5;

/// Traces fetched this session, by id.
#[derive(Default)]
pub struct TraceCache(Mutex<HashMap<String, Arc<Trace>>>);

impl TraceCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Trace>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Trace>> {
        self.lock().get(id).cloned()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.lock().contains_key(id)
    }

    /// Keeps a trace, unless it is still in progress: its other segments are yet to come.
    fn keep(&self, trace: &Arc<Trace>) {
        if !trace.in_progress() {
            self.lock().insert(trace.id.clone(), Arc::clone(trace));
        }
    }
}

/// The traces of these ids, in the order asked; ids X-Ray does not know are left out.
pub async fn traces(
    caller: &Caller,
    cache: &TraceCache,
    ids: Vec<String>,
) -> Result<Vec<Arc<Trace>>, SourceError> {
    let mut wanted: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|id| !cache.contains(id))
        .cloned()
        .collect();
    let mut fetched = if missing.is_empty() {
        HashMap::new()
    } else {
        fetch(caller, missing).await?
    };
    for trace in fetched.values() {
        cache.keep(trace);
    }
    Ok(wanted
        .iter()
        .filter_map(|id| fetched.remove(id).or_else(|| cache.get(id)))
        .collect())
}

/// Fetches these ids, none of them cached.
async fn fetch(
    caller: &Caller,
    ids: Vec<String>,
) -> Result<HashMap<String, Arc<Trace>>, SourceError> {
    let tuning = &caller.options.tuning;
    let mut found: HashMap<String, Arc<Trace>> = HashMap::new();
    let mut pending = ids;
    let mut round = 0;
    loop {
        let answers: Vec<Batch> =
            stream::iter(pending.chunks(IDS_PER_CALL).map(<[String]>::to_vec))
                .map(|chunk| batch(caller, chunk))
                .buffer_unordered(tuning.calls_in_flight.max(1))
                .try_collect()
                .await?;
        pending = Vec::new();
        for answer in answers {
            found.extend(answer.traces.into_iter().map(|t| (t.id.clone(), t)));
            pending.extend(answer.unprocessed);
        }
        pending.retain(|id| !found.contains_key(id));
        if pending.is_empty() || round >= tuning.unprocessed_rounds {
            break;
        }
        round += 1;
        let pause = tuning.retry_delay * round;
        let _shown = caller.board.show(format!(
            "X-Ray left {} trace{} unprocessed; asking again in {:.1} s",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" },
            pause.as_secs_f64()
        ));
        tokio::time::sleep(pause).await;
    }
    if !pending.is_empty() {
        caller.board.problem(format!(
            "BatchGetTraces: X-Ray left {} unprocessed after {} tries: {}",
            pending.join(", "),
            round + 1,
            "open them again later"
        ));
    }
    Ok(found)
}

/// What one batch of ids came back as.
struct Batch {
    traces: Vec<Arc<Trace>>,
    unprocessed: Vec<String>,
}

/// One call of up to five ids (paged when X-Ray says so), assembled off the async threads.
async fn batch(caller: &Caller, ids: Vec<String>) -> Result<Batch, SourceError> {
    let mut documents: Vec<(String, bool, Vec<String>)> = Vec::new();
    let mut unprocessed: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::BatchGetTraces, |client| {
                client
                    .batch_get_traces()
                    .set_trace_ids(Some(ids.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        unprocessed.extend(output.unprocessed_trace_ids.unwrap_or_default());
        for trace in output.traces.unwrap_or_default() {
            let id = trace.id.unwrap_or_default();
            let texts = trace
                .segments
                .unwrap_or_default()
                .into_iter()
                .filter_map(|segment| segment.document)
                .collect();
            documents.push((id, trace.limit_exceeded.unwrap_or(false), texts));
        }
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let (traces, problems) = tokio::task::spawn_blocking(move || {
        let mut collector = Collector::default();
        for (id, limit_exceeded, texts) in documents {
            collector.set_input(format!("BatchGetTraces {id}"));
            let numbered = texts.into_iter().zip(1..).collect();
            collector.add_document_texts(numbered, |number: &usize| {
                format!("BatchGetTraces {id} segment {number}")
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
    Ok(Batch {
        traces: traces.into_iter().map(Arc::new).collect(),
        unprocessed,
    })
}
