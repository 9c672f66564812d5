//! The exceptions of a span, with a `cause` given as the id of an exception recorded on
//! another span resolved.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::model::segment::{Cause, Exception};
use crate::model::trace::Trace;

/// Finds the exceptions of a span, following `"cause": "<exception id>"` to the span that
/// recorded it. The id index is built on first use.
pub struct ExceptionIndex<'t> {
    trace: &'t Trace,
    by_id: OnceCell<HashMap<&'t str, (usize, usize)>>,
}

impl<'t> ExceptionIndex<'t> {
    pub fn new(trace: &'t Trace) -> Self {
        ExceptionIndex {
            trace,
            by_id: OnceCell::new(),
        }
    }

    /// The exceptions recorded on span `index` (all of them, causes included), or, when its
    /// cause names an exception recorded elsewhere, that exception and the ones after it in its
    /// list (its chained causes).
    pub fn of(&self, index: usize) -> Vec<&'t Exception> {
        let Some(span) = self.trace.spans.get(index) else {
            return Vec::new();
        };
        match &span.segment.cause {
            Some(Cause::Details(details)) => details.exceptions.iter().collect(),
            Some(Cause::ExceptionId(id)) => {
                let by_id = self.by_id.get_or_init(|| self.build());
                match by_id.get(id.as_str()) {
                    Some(&(span, at)) => match &self.trace.spans[span].segment.cause {
                        Some(Cause::Details(details)) => details.exceptions[at..].iter().collect(),
                        _ => Vec::new(),
                    },
                    None => Vec::new(),
                }
            }
            None => Vec::new(),
        }
    }

    fn build(&self) -> HashMap<&'t str, (usize, usize)> {
        let mut map = HashMap::new();
        for (i, span) in self.trace.spans.iter().enumerate() {
            if let Some(Cause::Details(details)) = &span.segment.cause {
                for (at, exception) in details.exceptions.iter().enumerate() {
                    if let Some(id) = exception.id.as_deref() {
                        map.entry(id).or_insert((i, at));
                    }
                }
            }
        }
        map
    }
}
