//! Answering the views' questions from an in-memory [`Dataset`]: the filtered trace list and
//! the service map of a time range.

use std::sync::Arc;

use crate::model::{ServiceGraph, TraceSummary};

use super::dataset::Dataset;
use super::{SourceError, SummaryPage, SummaryQuery};

/// The summaries in the query's range that pass its filter, as one page.
pub fn summaries(data: &Dataset, query: &SummaryQuery) -> Result<SummaryPage, SourceError> {
    if query.all_spans {
        return Err(super::aws::SpansError::NotLiveAws.into());
    }
    let filter = match query.filter.as_deref().map(crate::filter::parse) {
        Some(Ok(expr)) => Some(expr),
        Some(Err(error)) => {
            return Err(SourceError::Other(format!("bad filter: {}", error.message)));
        }
        None => None,
    };
    let in_range = |s: &TraceSummary| {
        query
            .range
            .is_none_or(|(from, to)| s.start_time >= from && s.start_time <= to)
    };
    // The summary answers when it can; otherwise the trace's documents do.
    let passes = |s: &TraceSummary| {
        let Some(expr) = &filter else { return true };
        crate::filter::matches_summary(expr, s).unwrap_or_else(|| {
            data.traces
                .get(&s.id)
                .is_some_and(|trace| crate::filter::matches(expr, trace, s))
        })
    };
    let summaries: Vec<TraceSummary> = data
        .summaries
        .iter()
        .filter(|s| in_range(s) && passes(s))
        .cloned()
        .collect();
    let processed = data.summaries.iter().filter(|s| in_range(s)).count();
    Ok(SummaryPage {
        processed: Some(processed as u64),
        summaries,
        done: true,
        problems: data.problems.iter().map(ToString::to_string).collect(),
        scope: None,
    })
}

/// The map computed from the traces that started in `range` (all of them for `None`) and that
/// `filter` selects.
pub fn graph_of(
    data: &Dataset,
    range: Option<(f64, f64)>,
    filter: Option<&str>,
) -> Result<ServiceGraph, SourceError> {
    let query = SummaryQuery {
        filter: filter.map(str::to_owned),
        range,
        ..SummaryQuery::default()
    };
    let listed = summaries(data, &query)?.summaries;
    let traces = listed.iter().filter_map(|s| data.traces.get(&s.id));
    Ok(ServiceGraph::from_traces(traces.map(Arc::as_ref)))
}
