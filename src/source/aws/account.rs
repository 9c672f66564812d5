//! What the account does with spans, from GetTraceSegmentDestination and GetIndexingRules:
//! with Transaction Search on, every span goes to the CloudWatch Logs group `aws/spans` and only
//! a share is indexed as trace summaries; BatchGetTraces then finds nothing, and traces are read
//! back with a retrieval. Asked once, off the UI path, and again when the user reloads.

use std::sync::Arc;

use aws_sdk_xray::types::{
    IndexingRuleValue, TraceSegmentDestination, TraceSegmentDestinationStatus,
};
use tokio::sync::Mutex;

use super::calls::{Caller, next_page};
use crate::aws::Operation;
use crate::source::SourceError;

/// Where the account's spans go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    /// Transaction Search: spans go to `aws/spans` (`CloudWatchLogs`), not to X-Ray (`XRay`).
    pub logs: bool,
    /// The switch to this destination is under way.
    pub pending: bool,
}

/// The share of spans indexed as trace summaries, in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indexing {
    pub desired: f64,
    /// What X-Ray achieves, when it says (sampling can be limited).
    pub actual: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    /// `None` when it could not be asked.
    pub destination: Option<Destination>,
    pub indexing: Option<Indexing>,
    /// What could not be learned, as "place: message" lines.
    pub problems: Vec<String>,
}

impl Account {
    /// Traces are read from `aws/spans` only: BatchGetTraces cannot find them.
    pub fn retrieves_only(&self) -> bool {
        self.destination.is_some_and(|d| d.logs && !d.pending)
    }

    /// A trace BatchGetTraces left out may be in `aws/spans`: unless the account is known to
    /// keep its spans in X-Ray.
    pub fn may_retrieve(&self) -> bool {
        self.destination.is_none_or(|d| d.logs || d.pending)
    }

    /// What the indexed list holds, for its title: nothing to add for X-Ray's own storage.
    pub fn scope(&self) -> Option<String> {
        let destination = self.destination?;
        if !destination.logs {
            return destination
                .pending
                .then(|| "X-Ray (Transaction Search turning off)".to_owned());
        }
        let name = if destination.pending {
            "Transaction Search (turning on)"
        } else {
            "Transaction Search"
        };
        let share = match self.indexing {
            Some(Indexing {
                desired,
                actual: Some(actual),
            }) if (actual - desired).abs() > 1e-9 => {
                format!("{} of spans ({} asked)", percent(actual), percent(desired))
            }
            Some(Indexing { desired, .. }) => format!("{} of spans", percent(desired)),
            None => "an indexed share of spans".to_owned(),
        };
        Some(format!("{name} · summaries for {share}"))
    }
}

/// 1%, 0.5%, 100%.
fn percent(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded}%")
}

/// The account as last asked; asked again after [`AccountCache::forget`].
#[derive(Default)]
pub struct AccountCache(Mutex<Option<Arc<Account>>>);

impl AccountCache {
    /// The account, asked now if not known. One asking at a time: others wait for its answer.
    pub async fn get(&self, caller: &Caller) -> Arc<Account> {
        let mut known = self.0.lock().await;
        if let Some(account) = known.as_ref() {
            return Arc::clone(account);
        }
        let account = Arc::new(probe(caller).await);
        *known = Some(Arc::clone(&account));
        account
    }

    /// The account is asked again on next use.
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }
}

/// The destination, then (only for Transaction Search, or when the destination could not be
/// asked) the indexing rules. Failures become problems: the list works without either.
async fn probe(caller: &Caller) -> Account {
    let mut account = Account::default();
    match destination(caller).await {
        Ok(destination) => account.destination = Some(destination),
        Err(error) => account.problems.extend(problem(error)),
    }
    if account.destination.is_none_or(|d| d.logs) {
        match indexing(caller).await {
            Ok(indexing) => account.indexing = indexing,
            Err(error) => account.problems.extend(problem(error)),
        }
    }
    account
}

/// A failed question about the account, as a problem; a configuration that stops every call
/// is said by the list itself.
fn problem(error: SourceError) -> Option<String> {
    match error {
        SourceError::Configuration(_) => None,
        other => Some(format!("Transaction Search: {other}")),
    }
}

async fn destination(caller: &Caller) -> Result<Destination, SourceError> {
    let output = caller
        .call(Operation::GetTraceSegmentDestination, |client| {
            client.get_trace_segment_destination().send()
        })
        .await?;
    Ok(Destination {
        logs: output.destination == Some(TraceSegmentDestination::CloudWatchLogs),
        pending: output.status == Some(TraceSegmentDestinationStatus::Pending),
    })
}

/// The rule named `Default`, else the first probabilistic one.
async fn indexing(caller: &Caller) -> Result<Option<Indexing>, SourceError> {
    let mut found: Vec<(String, Indexing)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = caller
            .call(Operation::GetIndexingRules, |client| {
                client
                    .get_indexing_rules()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        for rule in output.indexing_rules.unwrap_or_default() {
            if let Some(IndexingRuleValue::Probabilistic(value)) = rule.rule {
                let indexing = Indexing {
                    desired: value.desired_sampling_percentage,
                    actual: value.actual_sampling_percentage,
                };
                found.push((rule.name.unwrap_or_default(), indexing));
            }
        }
        match next_page(output.next_token, &token) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let default = found.iter().position(|(name, _)| name == "Default");
    Ok(default
        .or((!found.is_empty()).then_some(0))
        .map(|at| found[at].1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(logs: bool, pending: bool, indexing: Option<Indexing>) -> Account {
        Account {
            destination: Some(Destination { logs, pending }),
            indexing,
            problems: Vec::new(),
        }
    }

    #[test]
    fn the_scope_says_the_share_of_spans_summarized() {
        let one = Some(Indexing {
            desired: 1.0,
            actual: None,
        });
        assert_eq!(
            account(true, false, one).scope().as_deref(),
            Some("Transaction Search · summaries for 1% of spans")
        );
        let limited = Some(Indexing {
            desired: 10.0,
            actual: Some(2.5),
        });
        assert_eq!(
            account(true, false, limited).scope().as_deref(),
            Some("Transaction Search · summaries for 2.5% of spans (10% asked)")
        );
        assert_eq!(
            account(true, true, None).scope().as_deref(),
            Some("Transaction Search (turning on) · summaries for an indexed share of spans")
        );
        assert_eq!(account(false, false, None).scope(), None);
        assert_eq!(Account::default().scope(), None);
    }

    #[test]
    fn only_an_account_known_to_keep_spans_in_x_ray_never_retrieves() {
        assert!(account(true, false, None).retrieves_only());
        assert!(!account(true, true, None).retrieves_only());
        assert!(account(true, true, None).may_retrieve());
        assert!(!account(false, false, None).may_retrieve());
        assert!(account(false, true, None).may_retrieve());
        assert!(Account::default().may_retrieve(), "unknown: worth a try");
        assert!(!Account::default().retrieves_only());
    }
}
