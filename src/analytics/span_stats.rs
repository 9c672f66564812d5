//! Statistics of spans, inside one trace or across many: grouped by service, by operation
//! (span name) or by both, with count, total, self time (the time no child covers), average,
//! minimum, maximum, share of the traces' time, and errors, faults and throttles.
//!
//! Linear in the spans but for sorting each span's children by start; nothing recurses.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::model::Trace;

/// How spans are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    Service,
    Operation,
    ServiceOperation,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [
        Grouping::Service,
        Grouping::Operation,
        Grouping::ServiceOperation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Service => "service",
            Grouping::Operation => "operation",
            Grouping::ServiceOperation => "service and operation",
        }
    }

    pub fn step(self, forward: bool) -> Grouping {
        let at = Grouping::ALL.iter().position(|g| *g == self).unwrap_or(0);
        let n = Grouping::ALL.len();
        Grouping::ALL[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }]
    }
}

/// A column the rows sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatSort {
    Name,
    Count,
    Total,
    #[default]
    SelfTime,
    Average,
    Min,
    Max,
    Share,
    Errors,
    Faults,
    Throttles,
}

impl StatSort {
    pub const ALL: [StatSort; 11] = [
        StatSort::Name,
        StatSort::Count,
        StatSort::Total,
        StatSort::SelfTime,
        StatSort::Average,
        StatSort::Min,
        StatSort::Max,
        StatSort::Share,
        StatSort::Errors,
        StatSort::Faults,
        StatSort::Throttles,
    ];

    pub fn next(self) -> StatSort {
        let at = StatSort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        StatSort::ALL[(at + 1) % StatSort::ALL.len()]
    }

    /// Names A to Z; numbers largest first.
    pub fn descending_by_default(self) -> bool {
        self != StatSort::Name
    }
}

/// One group of spans.
#[derive(Debug, Clone, PartialEq)]
pub struct StatRow {
    pub service: String,
    pub operation: String,
    pub count: usize,
    /// Seconds.
    pub total: f64,
    pub self_time: f64,
    pub min: f64,
    pub max: f64,
    /// Self time over the traces' end-to-end time.
    pub share: f64,
    pub errors: usize,
    pub faults: usize,
    pub throttles: usize,
    /// The spans of the group, as (trace, span) indices, in table order.
    pub spans: Vec<(u32, u32)>,
}

impl StatRow {
    pub fn average(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.total / self.count as f64
        }
    }

    /// What the row groups, as its label shows it.
    pub fn label(&self, grouping: Grouping) -> String {
        match grouping {
            Grouping::Service => self.service.clone(),
            Grouping::Operation => self.operation.clone(),
            Grouping::ServiceOperation => format!("{} · {}", self.service, self.operation),
        }
    }

    fn compare(&self, other: &StatRow, sort: StatSort) -> Ordering {
        let by = |a: f64, b: f64| a.total_cmp(&b);
        match sort {
            StatSort::Name => {
                (&self.service, &self.operation).cmp(&(&other.service, &other.operation))
            }
            StatSort::Count => self.count.cmp(&other.count),
            StatSort::Total => by(self.total, other.total),
            StatSort::SelfTime => by(self.self_time, other.self_time),
            StatSort::Average => by(self.average(), other.average()),
            StatSort::Min => by(self.min, other.min),
            StatSort::Max => by(self.max, other.max),
            StatSort::Share => by(self.share, other.share),
            StatSort::Errors => self.errors.cmp(&other.errors),
            StatSort::Faults => self.faults.cmp(&other.faults),
            StatSort::Throttles => self.throttles.cmp(&other.throttles),
        }
    }
}

/// Sorts rows by a column; ties by self time, then name (unique to a row, so the order is
/// total and an unstable sort gives the same order every time).
pub fn sort_rows(rows: &mut [StatRow], sort: StatSort, descending: bool) {
    rows.sort_unstable_by(|a, b| {
        let primary = a.compare(b, sort);
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| a.self_time.total_cmp(&b.self_time).reverse())
            .then_with(|| (&a.service, &a.operation).cmp(&(&b.service, &b.operation)))
    });
}

/// A span's end, or the trace's end while it is in progress.
pub fn span_end(trace: &Trace, index: usize) -> f64 {
    let span = &trace.spans[index];
    span.end()
        .unwrap_or_else(|| trace.end().unwrap_or(span.start()).max(span.start()))
}

/// Each span's start and end (the trace's end while in progress), read once.
pub fn span_times(trace: &Trace) -> (Vec<f64>, Vec<f64>) {
    let trace_end = trace.end();
    trace
        .spans
        .iter()
        .map(|span| {
            let start = span.start();
            let end = span
                .end()
                .unwrap_or_else(|| trace_end.unwrap_or(start).max(start));
            (start, end)
        })
        .unzip()
}

/// Each span's self time: its duration less the union of its children's intervals (clipped
/// to the span), so overlapping children are counted once.
pub fn self_times(trace: &Trace) -> Vec<f64> {
    let (starts, ends) = span_times(trace);
    self_times_of(trace, &starts, &ends)
}

fn self_times_of(trace: &Trace, starts: &[f64], ends: &[f64]) -> Vec<f64> {
    let spans = &trace.spans;
    let mut out = vec![0.0; spans.len()];
    let mut intervals: Vec<(f64, f64)> = Vec::new();
    for (i, slot) in out.iter_mut().enumerate() {
        let (start, end) = (starts[i], ends[i]);
        let duration = end - start;
        let subtree_end = i + spans[i].subtree_len as usize;
        if subtree_end <= i + 1 {
            *slot = duration;
            continue;
        }
        intervals.clear();
        let mut sorted = true;
        let mut child = i + 1;
        while child < subtree_end.min(spans.len()) {
            let interval = (
                starts[child].clamp(start, end),
                ends[child].clamp(start, end),
            );
            sorted &= intervals.last().is_none_or(|last| last.0 <= interval.0);
            intervals.push(interval);
            child += spans[child].subtree_len.max(1) as usize;
        }
        if !sorted {
            intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let mut covered = 0.0;
        let mut current: Option<(f64, f64)> = None;
        for &(a, b) in &intervals {
            match current {
                Some((ca, cb)) if a <= cb => current = Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    covered += cb - ca;
                    current = Some((a, b));
                }
                None => current = Some((a, b)),
            }
        }
        if let Some((ca, cb)) = current {
            covered += cb - ca;
        }
        *slot = (duration - covered).max(0.0);
    }
    out
}

/// A span's flags, read with its times so each segment is visited once.
const ERROR: u8 = 1;
const FAULT: u8 = 2;
const THROTTLE: u8 = 4;

/// Each span's start, end (the trace's end while in progress) and flags, in one pass over the
/// segments, into buffers reused from trace to trace.
fn read_spans(trace: &Trace, starts: &mut Vec<f64>, ends: &mut Vec<f64>, flags: &mut Vec<u8>) {
    starts.clear();
    ends.clear();
    flags.clear();
    let trace_end = trace.end();
    for span in &trace.spans {
        let start = span.start();
        let end = span
            .end()
            .unwrap_or_else(|| trace_end.unwrap_or(start).max(start));
        let segment = &span.segment;
        starts.push(start);
        ends.push(end);
        let flag = |set: bool, bit: u8| if set { bit } else { 0 };
        flags.push(
            flag(segment.error, ERROR)
                | flag(segment.fault, FAULT)
                | flag(segment.throttle, THROTTLE),
        );
    }
}

fn empty_row(service: &str, operation: &str) -> StatRow {
    StatRow {
        service: service.to_owned(),
        operation: operation.to_owned(),
        count: 0,
        total: 0.0,
        self_time: 0.0,
        min: f64::INFINITY,
        max: 0.0,
        share: 0.0,
        errors: 0,
        faults: 0,
        throttles: 0,
        spans: Vec::new(),
    }
}

/// The statistics of the spans of `traces`, grouped, sorted by self time, largest first.
pub fn statistics(traces: &[Arc<Trace>], grouping: Grouping) -> Vec<StatRow> {
    let mut rows: Vec<StatRow> = Vec::with_capacity(256);
    // Names are numbered over all traces, from each trace's own numbering, so no span's name
    // is read or hashed: only each trace's distinct names are.
    let mut names: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
    let mut numbers: Vec<u32> = Vec::new();
    let mut index: foldhash::HashMap<(u32, u32), u32> = foldhash::HashMap::default();
    let largest = traces.iter().map(|t| t.spans.len()).max().unwrap_or(0);
    let (mut starts, mut ends) = (Vec::with_capacity(largest), Vec::with_capacity(largest));
    let mut flags = Vec::with_capacity(largest);
    let mut members: Vec<u32> = Vec::with_capacity(traces.iter().map(|t| t.spans.len()).sum());
    let mut whole_time = 0.0;
    for trace in traces.iter() {
        whole_time += trace.duration().unwrap_or(0.0);
        read_spans(trace, &mut starts, &mut ends, &mut flags);
        let selves = self_times_of(trace, &starts, &ends);
        numbers.clear();
        numbers.extend((0..trace.name_count() as u32).map(|id| {
            let next = names.len() as u32;
            *names.entry(trace.name_of(id)).or_insert(next)
        }));
        for (i, span) in trace.spans.iter().enumerate() {
            let operation = numbers[span.name_id as usize];
            let service_span = trace.spans.get(span.service as usize);
            let service = service_span.map_or(u32::MAX, |s| numbers[s.name_id as usize]);
            let key = match grouping {
                Grouping::Service => (service, u32::MAX),
                Grouping::Operation => (u32::MAX, operation),
                Grouping::ServiceOperation => (service, operation),
            };
            let at = *index.entry(key).or_insert_with(|| {
                let service_name = service_span.map_or("", |s| trace.name_of(s.name_id));
                let operation_name = trace.name_of(span.name_id);
                rows.push(match grouping {
                    Grouping::Service => empty_row(service_name, ""),
                    Grouping::Operation => empty_row("", operation_name),
                    Grouping::ServiceOperation => empty_row(service_name, operation_name),
                });
                rows.len() as u32 - 1
            });
            let row = &mut rows[at as usize];
            let duration = ends[i] - starts[i];
            row.count += 1;
            row.total += duration;
            row.self_time += selves[i];
            row.min = row.min.min(duration);
            row.max = row.max.max(duration);
            row.errors += usize::from(flags[i] & ERROR != 0);
            row.faults += usize::from(flags[i] & FAULT != 0);
            row.throttles += usize::from(flags[i] & THROTTLE != 0);
            members.push(at);
        }
    }
    // The spans of each row, gathered once the counts are known (no growing vectors).
    for row in &mut rows {
        row.spans = Vec::with_capacity(row.count);
    }
    let mut at = 0;
    for (t, trace) in traces.iter().enumerate() {
        for i in 0..trace.spans.len() {
            rows[members[at] as usize].spans.push((t as u32, i as u32));
            at += 1;
        }
    }
    for row in &mut rows {
        row.share = if whole_time > 0.0 {
            row.self_time / whole_time
        } else {
            0.0
        };
    }
    sort_rows(&mut rows, StatSort::SelfTime, true);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Segment};

    /// A hand-made trace (times in seconds from 0):
    ///
    /// ```text
    /// front    0 ─────────────────────── 10      self 10 - |[1,6] ∪ [7,9]| = 3
    ///   auth   1 ──── 4                          self 3 - |[2,3]| = 2
    ///     db     2 ─ 3                           self 1
    ///   cart   2 ──────── 6                      self 4 (overlaps auth: front counts 1..6 once)
    ///   cart   7 ──── 9                          self 2
    /// ```
    pub fn small_trace() -> Arc<Trace> {
        let text = r#"{"trace_id":"1-5f187253-6a106696d56b1f4ef9eba2ed","id":"f000000000000001",
          "name":"front","start_time":0,"end_time":10,"fault":true,"subsegments":[
            {"id":"a000000000000001","name":"auth","start_time":1,"end_time":4,"subsegments":[
              {"id":"d000000000000001","name":"db","start_time":2,"end_time":3,"error":true}]},
            {"id":"c000000000000001","name":"cart","start_time":2,"end_time":6,"throttle":true,"error":true},
            {"id":"c000000000000002","name":"cart","start_time":7,"end_time":9}]}"#;
        let document = Document {
            segment: Segment::parse(text).unwrap(),
            text: text.to_owned(),
        };
        Arc::new(Trace::assemble(
            "1-5f187253-6a106696d56b1f4ef9eba2ed",
            vec![document],
        ))
    }

    fn by_name(trace: &Trace, selves: &[f64], name: &str) -> Vec<f64> {
        trace
            .spans
            .iter()
            .zip(selves)
            .filter(|(s, _)| s.name() == name)
            .map(|(_, t)| *t)
            .collect()
    }

    #[test]
    fn self_time_is_what_no_child_covers_with_overlaps_counted_once() {
        let trace = small_trace();
        let selves = self_times(&trace);
        assert_eq!(by_name(&trace, &selves, "front"), [3.0]);
        assert_eq!(by_name(&trace, &selves, "auth"), [2.0]);
        assert_eq!(by_name(&trace, &selves, "db"), [1.0]);
        assert_eq!(by_name(&trace, &selves, "cart"), [4.0, 2.0]);
    }

    #[test]
    fn operations_add_up_their_spans() {
        let trace = small_trace();
        let rows = statistics(&[Arc::clone(&trace)], Grouping::Operation);
        let names: Vec<&str> = rows.iter().map(|r| r.operation.as_str()).collect();
        assert_eq!(names, ["cart", "front", "auth", "db"], "by self time");
        let cart = &rows[0];
        assert_eq!(
            (cart.count, cart.total, cart.self_time, cart.min, cart.max),
            (2, 6.0, 6.0, 2.0, 4.0)
        );
        assert_eq!(cart.average(), 3.0);
        assert_eq!(cart.share, 0.6);
        assert_eq!((cart.errors, cart.faults, cart.throttles), (1, 0, 1));
        assert_eq!(rows[1].faults, 1);
        let services = statistics(&[trace], Grouping::Service);
        assert_eq!(services.len(), 1, "one service");
        assert_eq!(services[0].count, 5);
        // auth and cart ran side by side for 2 s: both count them as their own time.
        assert_eq!(services[0].self_time, 12.0);
        assert_eq!(services[0].share, 1.2);
    }

    #[test]
    fn traces_whose_names_are_numbered_differently_share_their_rows() {
        let text = r#"{"trace_id":"1-5f187253-6a106696d56b1f4ef9eba2ee","id":"f000000000000009",
          "name":"front","start_time":0,"end_time":4,"subsegments":[
            {"id":"c000000000000009","name":"cart","start_time":0,"end_time":1,"fault":true},
            {"id":"d000000000000009","name":"db","start_time":1,"end_time":2}]}"#;
        let other = Arc::new(Trace::assemble(
            "1-5f187253-6a106696d56b1f4ef9eba2ee",
            vec![Document {
                segment: Segment::parse(text).unwrap(),
                text: text.to_owned(),
            }],
        ));
        assert_ne!(
            other.spans[1].name_id,
            small_trace().spans[3].name_id,
            "cart is numbered apart in each trace"
        );
        let rows = statistics(&[small_trace(), other], Grouping::Operation);
        let count = |name: &str| {
            let row = rows.iter().find(|r| r.operation == name).unwrap();
            (row.count, row.total, row.faults, row.spans.clone())
        };
        assert_eq!(count("cart"), (3, 7.0, 1, vec![(0, 3), (0, 4), (1, 1)]));
        assert_eq!(count("db"), (2, 2.0, 0, vec![(0, 2), (1, 2)]));
        assert_eq!(rows.len(), 4, "front, auth, cart and db once each");
    }

    #[test]
    fn any_column_sorts_both_ways() {
        let trace = small_trace();
        let mut rows = statistics(&[trace], Grouping::ServiceOperation);
        sort_rows(&mut rows, StatSort::Max, true);
        assert_eq!(rows[0].operation, "front");
        sort_rows(&mut rows, StatSort::Min, false);
        assert_eq!(rows[0].operation, "db");
        sort_rows(&mut rows, StatSort::Name, false);
        assert_eq!(rows[0].operation, "auth");
        sort_rows(&mut rows, StatSort::Count, true);
        assert_eq!(rows[0].operation, "cart");
        assert_eq!(rows[0].label(Grouping::ServiceOperation), "front · cart");
    }
}
