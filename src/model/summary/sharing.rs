//! One copy of what repeats from summary to summary.

use std::sync::Arc;

use super::{FaultCause, ServiceId, TraceSummary};

/// Makes summaries share what repeats between them: the list of services, the entry point,
/// the request's method, URL, user agent and client address, annotation keys. Most traces of
/// a system repeat a few of each, and these are most of a summary's memory.
pub fn share_repeated_values(summaries: &mut [TraceSummary]) {
    let mut shared = SharedValues::default();
    for summary in summaries {
        shared.share(summary);
    }
}

/// The values seen so far, for summaries that arrive one at a time (pages, live data).
#[derive(Default)]
pub struct SharedValues {
    services: foldhash::HashSet<Arc<[ServiceId]>>,
    entry_points: foldhash::HashSet<Arc<ServiceId>>,
    fault_causes: foldhash::HashSet<Arc<FaultCause>>,
    texts: foldhash::HashSet<Arc<str>>,
}

impl SharedValues {
    /// Makes `summary` use the copies already held of what it repeats.
    pub fn share(&mut self, summary: &mut TraceSummary) {
        share(&mut self.services, &mut summary.services);
        if let Some(entry_point) = summary.entry_point.as_mut() {
            share(&mut self.entry_points, entry_point);
        }
        if let Some(cause) = summary.fault_cause.as_mut() {
            share(&mut self.fault_causes, cause);
        }
        let http = &mut summary.http;
        for text in [
            &mut http.method,
            &mut http.url,
            &mut http.user_agent,
            &mut http.client_ip,
        ]
        .into_iter()
        .flatten()
        {
            share(&mut self.texts, text);
        }
        summary.annotations.share_keys(&mut self.texts);
    }
}

/// Replaces `value` by an equal one seen before, or remembers it.
pub(super) fn share<T: ?Sized + Eq + std::hash::Hash>(
    seen: &mut foldhash::HashSet<Arc<T>>,
    value: &mut Arc<T>,
) {
    match seen.get(value) {
        Some(shared) => *value = Arc::clone(shared),
        None => {
            seen.insert(Arc::clone(value));
        }
    }
}
