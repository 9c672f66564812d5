//! Whole traces read back from `aws/spans` on an account with Transaction Search, where
//! BatchGetTraces finds nothing: StartTraceRetrieval (100 ids at most, over a narrow range),
//! ListRetrievedTraces polled with backoff while the retrieval is SCHEDULED or RUNNING, then its
//! pages; GetRetrievedTracesGraph for the map. A retrieval left before it ends (the worker
//! aborted the request the user moved on from) is cancelled with CancelTraceRetrieval.

mod otel;
mod plan;

use std::future::Future;
use std::sync::Arc;

use aws_sdk_xray::types::{RetrievalStatus, TraceFormatType};

use super::assemble::{Fetched, assemble};
use super::calls::{Caller, next_page};
use super::convert::{self, date_time};
use super::poll::Poll;
use super::spans_error::{Ended, SpansError};
use crate::aws::Operation;
use crate::model::{ServiceGraph, Trace};
use crate::source::SourceError;

pub use plan::{Batch, plan};

/// What a retrieval gave: the traces, and its token, which answers for their map.
pub struct Retrieved {
    pub traces: Vec<Arc<Trace>>,
    pub token: String,
}

/// Retrieves one batch of traces, asking for the XRAY format (segment documents); an answer in
/// the OTEL format goes through the translator.
pub async fn retrieve(caller: &Arc<Caller>, batch: Batch) -> Result<Retrieved, SourceError> {
    let count = batch.ids.len();
    let output = caller
        .call(Operation::StartTraceRetrieval, |client| {
            client
                .start_trace_retrieval()
                .set_trace_ids(Some(batch.ids.clone()))
                .start_time(date_time(batch.from))
                .end_time(date_time(batch.to))
                .send()
        })
        .await?;
    let token = output.retrieval_token.ok_or_else(|| SourceError::Data {
        place: "X-Ray's answer to StartTraceRetrieval".into(),
        message: "no RetrievalToken".into(),
    })?;
    let mut running = Running {
        caller: Arc::clone(caller),
        token: Some(token.clone()),
    };
    let ask = |next: Option<String>| {
        let token = token.clone();
        async move {
            let output = caller
                .call(Operation::ListRetrievedTraces, |client| {
                    client
                        .list_retrieved_traces()
                        .retrieval_token(token.clone())
                        .trace_format(TraceFormatType::Xray)
                        .set_next_token(next.clone())
                        .send()
                })
                .await?;
            if let Some(format) = output.trace_format.as_ref()
                && !matches!(format, TraceFormatType::Xray | TraceFormatType::Otel)
            {
                return Err(SpansError::Format {
                    format: format.as_str().to_owned(),
                }
                .into());
            }
            Ok((output.retrieval_status.clone(), output))
        }
    };
    let outcome = until_complete(caller, Operation::ListRetrievedTraces, count, || ask(None)).await;
    // Complete, or ended of itself: nothing left to cancel.
    if matches!(
        outcome,
        Ok(_) | Err(SourceError::Spans(SpansError::RetrievalEnded { .. }))
    ) {
        running.ended();
    }
    let mut output = outcome?;
    let mut fetched = Vec::new();
    let mut page: Option<String> = None;
    loop {
        let in_otel = output.trace_format == Some(TraceFormatType::Otel);
        for trace in output.traces.take().unwrap_or_default() {
            let id = trace.id.unwrap_or_default();
            let spans: Vec<String> = trace
                .spans
                .unwrap_or_default()
                .into_iter()
                .filter_map(|span| span.document)
                .collect();
            let documents = if in_otel {
                let (documents, problems) = otel::segment_documents(&id, &spans);
                for problem in problems {
                    caller.board.problem(problem);
                }
                documents
            } else {
                spans
            };
            fetched.push(Fetched {
                id,
                limit_exceeded: false,
                documents,
            });
        }
        match next_page(output.next_token.take(), &page) {
            Some(next) => {
                page = Some(next.clone());
                output = ask(Some(next)).await?.1;
            }
            None => break,
        }
    }
    Ok(Retrieved {
        traces: assemble(caller, "aws/spans", fetched).await?,
        token,
    })
}

/// The map of the traces of a retrieval, every page merged.
pub async fn graph(caller: &Arc<Caller>, token: &str) -> Result<ServiceGraph, SourceError> {
    let ask = |next: Option<String>| async move {
        let output = caller
            .call(Operation::GetRetrievedTracesGraph, |client| {
                client
                    .get_retrieved_traces_graph()
                    .retrieval_token(token)
                    .set_next_token(next.clone())
                    .send()
            })
            .await?;
        Ok((output.retrieval_status.clone(), output))
    };
    let mut output =
        until_complete(caller, Operation::GetRetrievedTracesGraph, 1, || ask(None)).await?;
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let services = output
            .services
            .take()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|retrieved| retrieved.service)
            .collect();
        pages.push(convert::graph(services, None, None, false));
        match next_page(output.next_token.take(), &token) {
            Some(next) => {
                token = Some(next.clone());
                output = ask(Some(next)).await?.1;
            }
            None => break,
        }
    }
    Ok(ServiceGraph::merge(pages))
}

/// Asks until the retrieval is COMPLETE, pausing ever longer while it is SCHEDULED or RUNNING;
/// the status line counts the seconds.
async fn until_complete<T, Fut>(
    caller: &Caller,
    operation: Operation,
    traces: usize,
    mut ask: impl FnMut() -> Fut,
) -> Result<T, SourceError>
where
    Fut: Future<Output = Result<(Option<RetrievalStatus>, T), SourceError>>,
{
    let what = match traces {
        1 => "retrieving from aws/spans".to_owned(),
        n => format!("retrieving {n} traces from aws/spans"),
    };
    let tuning = &caller.options.tuning;
    let mut poll = Poll::new(&caller.board, what, tuning.poll_first, tuning.poll_cap);
    loop {
        let (status, answer) = ask().await?;
        let ended = match status {
            Some(RetrievalStatus::Complete) => return Ok(answer),
            Some(RetrievalStatus::Scheduled) => {
                poll.wait("(scheduled)").await;
                continue;
            }
            Some(RetrievalStatus::Running) => {
                poll.wait("").await;
                continue;
            }
            Some(RetrievalStatus::Failed) => Ended::Failed,
            Some(RetrievalStatus::Cancelled) => Ended::Cancelled,
            Some(RetrievalStatus::Timeout) => Ended::TimedOut,
            other => {
                return Err(SourceError::Data {
                    place: format!("X-Ray's answer to {}", operation.name()),
                    message: match other {
                        Some(status) => format!("unknown RetrievalStatus {status}"),
                        None => "no RetrievalStatus".into(),
                    },
                });
            }
        };
        return Err(SpansError::RetrievalEnded {
            status: ended,
            traces,
        }
        .into());
    }
}

/// A retrieval under way. Dropped before it ended, it cancels itself in the background: the
/// user has moved on, and a retrieval left running costs a scan of `aws/spans` for nothing.
struct Running {
    caller: Arc<Caller>,
    token: Option<String>,
}

impl Running {
    fn ended(&mut self) {
        self.token = None;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let caller = Arc::clone(&self.caller);
        runtime.spawn(async move {
            let cancelled = caller
                .call(Operation::CancelTraceRetrieval, |client| {
                    client
                        .cancel_trace_retrieval()
                        .retrieval_token(token.clone())
                        .send()
                })
                .await;
            if let Err(denied @ SourceError::AccessDenied(_)) = cancelled {
                caller.board.problem(denied.to_string());
            }
        });
    }
}
