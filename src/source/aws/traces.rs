//! Whole traces from BatchGetTraces: five ids a call, a few calls at once, the ids X-Ray left
//! unprocessed asked for again, the documents assembled as files' are, and the finished
//! traces kept for the session. With Transaction Search, what X-Ray's index does not have is
//! read back from aws/spans ([`super::retrieval`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt, stream};

use super::assemble::{Fetched, assemble};
use super::calls::{Caller, next_page};
use super::retrieval::{self, Retrieved};
use super::{DEFAULT_RANGE, Session};
use crate::aws::Operation;
use crate::model::{Trace, trace_id};
use crate::source::SourceError;

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

/// How far opening a trace may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Read back from `aws/spans` what X-Ray's index does not have.
    Retrieve,
    /// X-Ray's index only (fetching ahead: a retrieval costs a scan).
    Indexed,
}

/// The traces of these ids, in the order asked; ids neither X-Ray nor `aws/spans` know are
/// left out. An account that keeps its spans in `aws/spans` only is not asked BatchGetTraces.
pub async fn traces(
    session: &Session,
    ids: Vec<String>,
    reach: Reach,
) -> Result<Vec<Arc<Trace>>, SourceError> {
    let cache = &session.traces;
    let mut wanted: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    let mut missing: Vec<String> = wanted
        .iter()
        .filter(|id| !cache.contains(id))
        .cloned()
        .collect();
    let mut fetched = HashMap::new();
    if !missing.is_empty() {
        let account = session.account.get(&session.caller).await;
        if !account.retrieves_only() {
            fetched = fetch(&session.caller, missing.clone()).await?;
            missing.retain(|id| !fetched.contains_key(id));
        }
        if reach == Reach::Retrieve && account.may_retrieve() && !missing.is_empty() {
            fetched.extend(retrieve(session, missing).await?);
        }
    }
    for trace in fetched.values() {
        cache.keep(trace);
    }
    Ok(wanted
        .iter()
        .filter_map(|id| fetched.remove(id).or_else(|| cache.get(id)))
        .collect())
}

/// Reads these traces back from aws/spans, a few retrievals at once; each trace's retrieval is
/// remembered for its map.
pub async fn retrieve(
    session: &Session,
    ids: Vec<String>,
) -> Result<HashMap<String, Arc<Trace>>, SourceError> {
    let caller = &session.caller;
    let tuning = &caller.options.tuning;
    let now = crate::clock::now();
    let batches = retrieval::plan(
        &ids,
        |id| session.times.get(id),
        now,
        (now - DEFAULT_RANGE, now),
        tuning.retrieval_window,
    );
    let answers: Vec<Retrieved> = stream::iter(batches)
        .map(|batch| retrieval::retrieve(caller, batch))
        .buffer_unordered(tuning.windows_in_flight.max(1))
        .try_collect()
        .await?;
    let mut found = HashMap::new();
    let mut retrieved = session
        .retrieved
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    for answer in answers {
        for trace in answer.traces {
            let id = trace_id::normalize(&trace.id).unwrap_or_else(|| trace.id.clone());
            retrieved.insert(id.clone(), answer.token.clone());
            found.insert(id, trace);
        }
    }
    Ok(found)
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
    let mut fetched: Vec<Fetched> = Vec::new();
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
            fetched.push(Fetched {
                id: trace.id.unwrap_or_default(),
                limit_exceeded: trace.limit_exceeded.unwrap_or(false),
                documents: trace
                    .segments
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|segment| segment.document)
                    .collect(),
            });
        }
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    Ok(Batch {
        traces: assemble(caller, "BatchGetTraces", fetched).await?,
        unprocessed,
    })
}
