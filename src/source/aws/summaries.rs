//! The trace list from GetTraceSummaries: the range cut into windows fetched side by side,
//! each followed page by page, every page passed on as it arrives; then, with `follow`,
//! a poll every few seconds for traces not seen before.

use std::collections::HashSet;
use std::sync::Arc;

use futures::stream::{self, BoxStream};
use futures::{StreamExt, TryStreamExt};

use super::calls::{Caller, next_page};
use super::config::TimeRangeType;
use super::convert::{self, date_time};
use super::pump::{Pump, Sink};
use super::status::Activity;
use super::{DEFAULT_RANGE, Session, windows};
use crate::aws::Operation;
use crate::model::TraceSummary;
use crate::model::summary::SharedValues;
use crate::source::{SourceError, SummaryPage, SummaryQuery, SummaryStream};

pub fn stream(session: Arc<Session>, query: SummaryQuery) -> SummaryStream {
    Box::pin(Pump::new(move |sink| async move {
        if query.reload {
            session.account.forget().await;
        }
        if query.all_spans {
            super::spans::produce(session, query, sink).await;
        } else {
            produce(session, query, sink).await;
        }
    }))
}

type Out = Sink<Result<SummaryPage, SourceError>>;

/// One answer of GetTraceSummaries.
struct Page {
    summaries: Vec<TraceSummary>,
    processed: Option<u64>,
    /// The last page of its window.
    last: bool,
}

/// What has been sent, so that nothing is sent twice.
#[derive(Default)]
struct Sent {
    ids: HashSet<String>,
    shared: SharedValues,
}

impl Sent {
    /// The summaries not sent before, newest first.
    fn fresh(&mut self, summaries: Vec<TraceSummary>) -> Vec<TraceSummary> {
        let mut fresh: Vec<TraceSummary> = summaries
            .into_iter()
            .filter(|s| self.ids.insert(s.id.clone()))
            .collect();
        for summary in &mut fresh {
            self.shared.share(summary);
        }
        fresh.sort_by(|a, b| b.start_time.total_cmp(&a.start_time));
        fresh
    }
}

async fn produce(session: Arc<Session>, query: SummaryQuery, out: Out) {
    let now = crate::clock::now();
    let (from, to) = query.range.unwrap_or((now - DEFAULT_RANGE, now));
    let filter = filter_expression(query.filter.as_deref(), query.group.as_deref());
    let mut sent = Sent::default();
    if let Err(error) = initial(&session, (from, to), &filter, &mut sent, &out).await {
        let _ = out.send(Err(error));
        return;
    }
    if query.follow {
        follow(&session.caller, from, to, &filter, &mut sent, &out).await;
    }
}

/// Every page of the range, as each arrives; the last one says `done`. What the account is
/// asked while the first page comes, and said with it.
async fn initial(
    session: &Session,
    (from, to): (f64, f64),
    filter: &Option<String>,
    sent: &mut Sent,
    out: &Out,
) -> Result<(), SourceError> {
    let (count, mut pages) = range_pages(&session.caller, (from, to), filter);
    let (account, mut next) = futures::join!(session.account.get(&session.caller), pages.next());
    let mut first = Some((account.scope(), account.problems.clone()));
    let mut finished = 0;
    while let Some(page) = next {
        let page = page?;
        finished += usize::from(page.last);
        if account.may_retrieve() {
            for summary in &page.summaries {
                let end = summary.start_time + summary.duration.unwrap_or(0.0);
                session.times.note(&summary.id, summary.start_time, end);
            }
        }
        let (scope, problems) = first.take().unwrap_or_default();
        let page = SummaryPage {
            summaries: sent.fresh(page.summaries),
            processed: page.processed,
            done: finished == count,
            problems,
            scope,
        };
        if out.send(Ok(page)).is_err() {
            break;
        }
        next = pages.next().await;
    }
    Ok(())
}

/// After the first load: new traces every few seconds. A failed poll is said on the status
/// line and tried again at the next one; what the list shows stays.
async fn follow(
    caller: &Arc<Caller>,
    from: f64,
    to: f64,
    filter: &Option<String>,
    sent: &mut Sent,
    out: &Out,
) {
    let tuning = &caller.options.tuning;
    let mut polled_to = to;
    let mut trouble: Option<Activity> = None;
    loop {
        tokio::time::sleep(tuning.poll_every).await;
        let now = crate::clock::now();
        let since = (polled_to - tuning.poll_overlap.as_secs_f64()).max(from);
        let pages: Result<Vec<Page>, SourceError> = range_pages(caller, (since, now), filter)
            .1
            .try_collect()
            .await;
        match pages {
            Ok(pages) => {
                trouble = None;
                polled_to = now;
                let summaries = sent.fresh(pages.into_iter().flat_map(|p| p.summaries).collect());
                if summaries.is_empty() {
                    continue;
                }
                let page = SummaryPage {
                    // Each new trace was looked at at least once; the polls overlap, so X-Ray's
                    // own counts would count traces twice.
                    processed: Some(summaries.len() as u64),
                    summaries,
                    done: true,
                    problems: Vec::new(),
                    scope: None,
                };
                if out.send(Ok(page)).is_err() {
                    return;
                }
            }
            Err(error) => {
                let text = format!(
                    "following: {error}; asking again in {} s",
                    tuning.poll_every.as_secs()
                );
                match &trouble {
                    Some(shown) => shown.set(text),
                    None => trouble = Some(caller.board.show(text)),
                }
            }
        }
    }
}

/// The pages of a range, its windows fetched side by side; and how many windows there are.
fn range_pages(
    caller: &Arc<Caller>,
    (from, to): (f64, f64),
    filter: &Option<String>,
) -> (usize, BoxStream<'static, Result<Page, SourceError>>) {
    let tuning = &caller.options.tuning;
    let windows = windows::split(from, to, tuning.max_window);
    let count = windows.len();
    let caller = Arc::clone(caller);
    let filter = filter.clone();
    let pages = stream::iter(windows)
        .map(move |window| window_pages(Arc::clone(&caller), window, filter.clone()))
        .flatten_unordered(tuning.windows_in_flight.max(1));
    (count, Box::pin(pages))
}

/// The pages of one window, following NextToken.
fn window_pages(
    caller: Arc<Caller>,
    window: (f64, f64),
    filter: Option<String>,
) -> BoxStream<'static, Result<Page, SourceError>> {
    // The state: the token of the next page (`Some(None)` for the first), or `None` when done.
    Box::pin(stream::unfold(
        Some(None),
        move |next: Option<Option<String>>| {
            let caller = Arc::clone(&caller);
            let filter = filter.clone();
            async move {
                let token = next?;
                match fetch_page(&caller, window, filter, token.clone()).await {
                    Ok((mut page, next_token)) => {
                        let next_token = next_page(next_token, &token);
                        page.last = next_token.is_none();
                        Some((Ok(page), next_token.map(Some)))
                    }
                    Err(error) => Some((Err(error), None)),
                }
            }
        },
    ))
}

async fn fetch_page(
    caller: &Caller,
    (from, to): (f64, f64),
    filter: Option<String>,
    token: Option<String>,
) -> Result<(Page, Option<String>), SourceError> {
    let options = &caller.options;
    let output = caller
        .call(Operation::GetTraceSummaries, |client| {
            client
                .get_trace_summaries()
                .start_time(date_time(from))
                .end_time(date_time(to))
                .set_filter_expression(filter.clone())
                .set_next_token(token.clone())
                .set_time_range_type(options.time_range_type.map(sdk_time_range_type))
                .set_sampling(options.sampling.then_some(true))
                .send()
        })
        .await?;
    let page = Page {
        summaries: output
            .trace_summaries
            .unwrap_or_default()
            .into_iter()
            .filter_map(convert::summary)
            .collect(),
        processed: output
            .traces_processed_count
            .map(|count| count.max(0) as u64),
        last: false,
    };
    Ok((page, output.next_token))
}

fn sdk_time_range_type(kind: TimeRangeType) -> aws_sdk_xray::types::TimeRangeType {
    use aws_sdk_xray::types::TimeRangeType as Sdk;
    match kind {
        TimeRangeType::TraceId => Sdk::TraceId,
        TimeRangeType::Event => Sdk::Event,
        TimeRangeType::Service => Sdk::Service,
    }
}

/// GetTraceSummaries has no group parameter: X-Ray applies a group named in the filter
/// expression (`group.name = "…"`) with the group's own filter, so the group goes there,
/// ANDed with the user's filter. The `Default` group holds every trace.
pub fn filter_expression(filter: Option<&str>, group: Option<&str>) -> Option<String> {
    let filter = filter.map(str::trim).filter(|f| !f.is_empty());
    let group = group
        .map(str::trim)
        .filter(|g| !g.is_empty() && *g != "Default")
        .map(|g| format!("group.name = {}", crate::filter::quote(g)));
    match (group, filter) {
        (Some(group), Some(filter)) => Some(format!("{group} AND ({filter})")),
        (group, filter) => group.or(filter.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_goes_into_the_filter_expression() {
        assert_eq!(filter_expression(None, None), None);
        assert_eq!(
            filter_expression(Some("fault"), None).as_deref(),
            Some("fault")
        );
        assert_eq!(
            filter_expression(None, Some("checkout")).as_deref(),
            Some("group.name = \"checkout\"")
        );
        assert_eq!(
            filter_expression(Some("fault OR error"), Some("checkout")).as_deref(),
            Some("group.name = \"checkout\" AND (fault OR error)")
        );
        assert_eq!(
            filter_expression(Some("fault"), Some("Default")).as_deref(),
            Some("fault")
        );
        let combined = filter_expression(Some("responsetime > 2"), Some("web-prod")).unwrap();
        assert!(crate::filter::parse(&combined).is_ok(), "{combined}");
    }

    #[test]
    fn nothing_is_sent_twice_and_pages_are_newest_first() {
        let summary = |id: &str, start: f64| TraceSummary {
            id: id.into(),
            start_time: start,
            ..TraceSummary::default()
        };
        let mut sent = Sent::default();
        let first = sent.fresh(vec![summary("a", 1.0), summary("b", 3.0)]);
        assert_eq!(
            first.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        let second = sent.fresh(vec![summary("b", 3.0), summary("c", 2.0)]);
        assert_eq!(
            second.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["c"]
        );
    }
}
