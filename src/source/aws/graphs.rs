//! Service maps from GetServiceGraph (the range in windows) and GetTraceGraph (five traces a
//! call), or GetRetrievedTracesGraph with Transaction Search, every page of every answer merged
//! into one graph; and the groups from GetGroups.

use std::sync::{Arc, PoisonError};

use futures::{StreamExt, TryStreamExt, stream};

use super::calls::{Caller, next_page};
use super::convert::{self, date_time};
use super::retrieval;
use super::traces::IDS_PER_CALL;
use super::{DEFAULT_RANGE, Session, windows};
use crate::aws::Operation;
use crate::model::ServiceGraph;
use crate::source::{GraphQuery, SourceError};

pub async fn service_graph(
    caller: Arc<Caller>,
    query: GraphQuery,
) -> Result<ServiceGraph, SourceError> {
    let now = crate::clock::now();
    let (from, to) = query.range.unwrap_or((now - DEFAULT_RANGE, now));
    let tuning = &caller.options.tuning;
    let group = query.group.filter(|g| !g.trim().is_empty());
    let graphs: Vec<Vec<ServiceGraph>> = stream::iter(windows::split(from, to, tuning.max_window))
        .map(|window| window_graph(&caller, window, group.clone()))
        .buffer_unordered(tuning.windows_in_flight.max(1))
        .try_collect()
        .await?;
    Ok(ServiceGraph::merge(graphs.into_iter().flatten()))
}

/// Every page of one window.
async fn window_graph(
    caller: &Caller,
    (from, to): (f64, f64),
    group: Option<String>,
) -> Result<Vec<ServiceGraph>, SourceError> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetServiceGraph, |client| {
                client
                    .get_service_graph()
                    .start_time(date_time(from))
                    .end_time(date_time(to))
                    .set_group_name(group.clone())
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        pages.push(convert::graph(
            output.services.unwrap_or_default(),
            output.start_time.as_ref(),
            output.end_time.as_ref(),
            output.contains_old_group_versions,
        ));
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => return Ok(pages),
        }
    }
}

/// GetTraceGraph; with Transaction Search, the map of the retrieval that brought the traces
/// (retrieving them first if none did).
pub async fn trace_graph(
    session: Arc<Session>,
    ids: Vec<String>,
) -> Result<ServiceGraph, SourceError> {
    let caller = &session.caller;
    let account = session.account.get(caller).await;
    if !account.retrieves_only() {
        let graph = indexed_trace_graph(caller, &ids).await?;
        if !graph.services.is_empty() || !account.may_retrieve() {
            return Ok(graph);
        }
    }
    retrieved_graph(&session, ids).await
}

async fn retrieved_graph(session: &Session, ids: Vec<String>) -> Result<ServiceGraph, SourceError> {
    let token_of = |id: &String| {
        session
            .retrieved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    };
    let unretrieved: Vec<String> = ids
        .iter()
        .filter(|id| token_of(id).is_none())
        .cloned()
        .collect();
    if !unretrieved.is_empty() {
        super::traces::retrieve(session, unretrieved).await?;
    }
    let mut tokens: Vec<String> = ids.iter().filter_map(token_of).collect();
    tokens.sort();
    tokens.dedup();
    let mut graphs = Vec::new();
    for token in tokens {
        graphs.push(retrieval::graph(&session.caller, &token).await?);
    }
    Ok(ServiceGraph::merge(graphs))
}

async fn indexed_trace_graph(
    caller: &Arc<Caller>,
    ids: &[String],
) -> Result<ServiceGraph, SourceError> {
    let tuning = &caller.options.tuning;
    let graphs: Vec<Vec<ServiceGraph>> =
        stream::iter(ids.chunks(IDS_PER_CALL).map(<[String]>::to_vec))
            .map(|chunk| batch_graph(caller, chunk))
            .buffer_unordered(tuning.calls_in_flight.max(1))
            .try_collect()
            .await?;
    Ok(ServiceGraph::merge(graphs.into_iter().flatten()))
}

async fn batch_graph(caller: &Caller, ids: Vec<String>) -> Result<Vec<ServiceGraph>, SourceError> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetTraceGraph, |client| {
                client
                    .get_trace_graph()
                    .set_trace_ids(Some(ids.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        pages.push(convert::graph(
            output.services.unwrap_or_default(),
            None,
            None,
            false,
        ));
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => return Ok(pages),
        }
    }
}

/// The names of the account's groups.
pub async fn groups(caller: Arc<Caller>) -> Result<Vec<String>, SourceError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetGroups, |client| {
                client.get_groups().set_next_token(token.clone()).send()
            })
            .await?;
        names.extend(
            output
                .groups
                .unwrap_or_default()
                .into_iter()
                .filter_map(|group| group.group_name),
        );
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}
