//! The log lines the listener has received, by trace: kept for as many traces as the listener
//! keeps (the oldest to arrive go first), at most [`MAX_LINES_PER_TRACE`] lines each. Lines may
//! come before their trace's spans, so they are kept by trace id apart from the traces.

use std::collections::{HashMap, VecDeque};

use crate::model::logs::{LogLine, trace_id_digits};

/// More lines than a trace's logs pane is any use with; past it a trace takes no more.
pub const MAX_LINES_PER_TRACE: usize = 10_000;

/// What became of the lines of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Taken {
    pub kept: usize,
    /// Lines that named no trace: nothing to show them beside.
    pub without_trace: usize,
    /// Lines past the most a trace keeps.
    pub over: usize,
}

pub struct LogStore {
    max_traces: usize,
    /// By the 32 hex digits of the trace id.
    lines: HashMap<String, Vec<LogLine>>,
    /// Trace ids by the arrival of their first line, oldest first.
    arrivals: VecDeque<String>,
    /// Lines arrived since [`LogStore::take_changed`].
    changed: bool,
}

impl LogStore {
    pub fn new(max_traces: usize) -> LogStore {
        LogStore {
            max_traces: max_traces.max(1),
            lines: HashMap::new(),
            arrivals: VecDeque::new(),
            changed: false,
        }
    }

    pub fn receive(&mut self, lines: Vec<LogLine>) -> Taken {
        let mut taken = Taken::default();
        for line in lines {
            let Some(digits) = line.trace_id.as_deref().and_then(trace_id_digits) else {
                taken.without_trace += 1;
                continue;
            };
            if !self.lines.contains_key(&digits) {
                while self.arrivals.len() >= self.max_traces {
                    if let Some(oldest) = self.arrivals.pop_front() {
                        self.lines.remove(&oldest);
                    }
                }
                self.arrivals.push_back(digits.clone());
            }
            let kept = self.lines.entry(digits).or_default();
            if kept.len() >= MAX_LINES_PER_TRACE {
                taken.over += 1;
                continue;
            }
            kept.push(line);
            taken.kept += 1;
        }
        self.changed |= taken.kept > 0;
        taken
    }

    /// The lines of a trace, in either form of its id.
    pub fn of_trace(&self, trace_id: &str) -> Vec<LogLine> {
        trace_id_digits(trace_id)
            .and_then(|digits| self.lines.get(&digits).cloned())
            .unwrap_or_default()
    }

    /// Traces with lines kept, and the most lines one of them has.
    pub fn extent(&self) -> (usize, usize) {
        let most = self.lines.values().map(Vec::len).max().unwrap_or(0);
        (self.lines.len(), most)
    }

    /// Whether lines arrived since the last call.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(trace: Option<&str>) -> LogLine {
        LogLine {
            trace_id: trace.map(str::to_owned),
            ..LogLine::default()
        }
    }

    #[test]
    fn lines_are_kept_by_trace_for_as_many_traces_as_the_listener_keeps() {
        let mut store = LogStore::new(2);
        let a = "5759e988bd862e3fe1be46a994272793";
        let b = "1-5759e988-000000000000000000000001";
        let c = "5759e988000000000000000000000002";
        let taken = store.receive(vec![
            line(Some(a)),
            line(None),
            line(Some(b)),
            line(Some(a)),
        ]);
        assert_eq!(
            taken,
            Taken {
                kept: 3,
                without_trace: 1,
                over: 0
            }
        );
        assert!(store.take_changed() && !store.take_changed());
        assert_eq!(
            store.of_trace("1-5759e988-bd862e3fe1be46a994272793").len(),
            2
        );
        store.receive(vec![line(Some(c))]);
        assert!(
            store.of_trace(a).is_empty(),
            "the oldest trace's lines went first"
        );
        assert_eq!(store.of_trace(b).len(), 1);
        assert_eq!(store.of_trace(c).len(), 1);
    }
}
