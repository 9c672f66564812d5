//! When the traces the lists showed ran, kept so that a retrieval from `aws/spans` can ask for
//! the narrowest time range (a W3C trace id need not start with its time).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Traces remembered, at most; past this the oldest knowledge is dropped all at once.
const KEPT: usize = 100_000;

#[derive(Default)]
pub struct TraceTimes(Mutex<HashMap<String, (f64, f64)>>);

impl TraceTimes {
    /// The trace `id` ran from `start` to `end` (epoch seconds), or at least then.
    pub fn note(&self, id: &str, start: f64, end: f64) {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if known.len() >= KEPT && !known.contains_key(id) {
            known.clear();
        }
        let entry = known.entry(id.to_owned()).or_insert((start, end));
        *entry = (entry.0.min(start), entry.1.max(end));
    }

    pub fn get(&self, id: &str) -> Option<(f64, f64)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_known_of_a_trace_only_widens() {
        let times = TraceTimes::default();
        times.note("a", 10.0, 12.0);
        times.note("a", 11.0, 15.0);
        assert_eq!(times.get("a"), Some((10.0, 15.0)));
        assert_eq!(times.get("b"), None);
    }
}
