//! The response-time distribution: log-scaled buckets on round edges (1, 2, 5 per decade),
//! each counting its traces by status, and the filter that selects a band of buckets.

use crate::filter::{Expr, Keyword, Op, Value, compose};
use crate::model::{Status, TraceSummary};

use super::number_text;

/// Smallest and largest bucket edges: 1 µs and 1,000 s.
const LOWEST_EXPONENT: i32 = -6;
const HIGHEST_EXPONENT: i32 = 3;
const MANTISSAS: [u32; 3] = [1, 2, 5];

/// How many traces of each status fall in a bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub ok: usize,
    pub error: usize,
    pub throttle: usize,
    pub fault: usize,
}

impl StatusCounts {
    pub fn total(&self) -> usize {
        self.ok + self.error + self.throttle + self.fault
    }

    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Ok => self.ok,
            Status::Error => self.error,
            Status::Throttle => self.throttle,
            Status::Fault => self.fault,
        }
    }

    fn add(&mut self, status: Status) {
        match status {
            Status::Ok => self.ok += 1,
            Status::Error => self.error += 1,
            Status::Throttle => self.throttle += 1,
            Status::Fault => self.fault += 1,
        }
    }
}

/// An edge of the bucket scale: `mantissa` × 10^`exponent` seconds, kept exact for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    mantissa: u32,
    exponent: i32,
}

impl Edge {
    /// The double nearest the edge, which is also what its shortest text (`0.005`) reads back
    /// as: dividing by an exact power of ten rounds once, multiplying by a fraction would not.
    pub fn seconds(self) -> f64 {
        let mantissa = f64::from(self.mantissa);
        if self.exponent < 0 {
            mantissa / 10f64.powi(-self.exponent)
        } else {
            mantissa * 10f64.powi(self.exponent)
        }
    }

    /// A short label for the axis: `5ms`, `200ms`, `2s`, `100s`.
    pub fn label(self) -> String {
        let seconds = self.seconds();
        if seconds < 1e-3 {
            format!("{}µs", number_text(seconds * 1e6))
        } else if seconds < 1.0 {
            format!("{}ms", number_text(seconds * 1e3))
        } else {
            format!("{}s", number_text(seconds))
        }
    }
}

/// Every edge of the scale, ascending.
fn scale() -> impl Iterator<Item = Edge> {
    (LOWEST_EXPONENT..=HIGHEST_EXPONENT).flat_map(|exponent| {
        MANTISSAS
            .into_iter()
            .map(move |mantissa| Edge { mantissa, exponent })
    })
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Bucket `i` holds response times in `edges[i]..edges[i + 1]`; one more edge than buckets.
    pub edges: Vec<Edge>,
    pub buckets: Vec<StatusCounts>,
    /// Traces without a response time (still in progress), not in any bucket.
    pub without_time: usize,
}

impl Histogram {
    /// The buckets from the one holding the fastest trace to the one holding the slowest.
    /// Times below the scale count in its first bucket, above it in its last.
    pub fn of<'a>(summaries: impl IntoIterator<Item = &'a TraceSummary> + Clone) -> Histogram {
        let scale: Vec<Edge> = scale().collect();
        let mut without_time = 0;
        let (mut low, mut high) = (usize::MAX, 0);
        for summary in summaries.clone() {
            match summary.response_time.filter(|t| t.is_finite()) {
                Some(time) => {
                    let at = bucket_on_scale(&scale, time);
                    low = low.min(at);
                    high = high.max(at);
                }
                None => without_time += 1,
            }
        }
        if low > high {
            return Histogram {
                without_time,
                ..Histogram::default()
            };
        }
        let mut buckets = vec![StatusCounts::default(); high - low + 1];
        for summary in summaries {
            if let Some(time) = summary.response_time.filter(|t| t.is_finite()) {
                buckets[bucket_on_scale(&scale, time) - low].add(summary.status());
            }
        }
        Histogram {
            edges: scale[low..=high + 1].to_vec(),
            buckets,
            without_time,
        }
    }

    pub fn tallest(&self) -> usize {
        self.buckets
            .iter()
            .map(StatusCounts::total)
            .max()
            .unwrap_or(0)
    }

    /// Traces in buckets `first..=last`.
    pub fn count_in(&self, first: usize, last: usize) -> usize {
        self.buckets
            .get(first..=last.min(self.buckets.len().saturating_sub(1)))
            .map_or(0, |b| b.iter().map(StatusCounts::total).sum())
    }

    /// `responsetime >= a AND responsetime < b` for buckets `first..=last`; the first bucket
    /// has no lower bound and the last no upper one, since they also hold what is off the scale.
    pub fn band_filter(&self, first: usize, last: usize) -> Option<String> {
        let buckets = self.buckets.len();
        if first > last || last >= buckets {
            return None;
        }
        let (bottom, top) = (scale().next()?, scale().last()?);
        let time = |op, seconds| Expr::compare(Keyword::ResponseTime, op, Value::Number(seconds));
        let low = (first > 0 || self.edges[0] != bottom)
            .then(|| time(Op::Ge, self.edges[first].seconds()));
        let high = (last + 1 < buckets || self.edges[last + 1] != top)
            .then(|| time(Op::Lt, self.edges[last + 1].seconds()));
        let band = compose::all(low.into_iter().chain(high)).unwrap_or_else(|| time(Op::Ge, 0.0));
        Some(band.to_string())
    }
}

/// The index on the scale of the bucket holding `time`, clamped to the scale's ends.
fn bucket_on_scale(scale: &[Edge], time: f64) -> usize {
    let above = scale.partition_point(|edge| edge.seconds() <= time);
    above.saturating_sub(1).min(scale.len() - 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(time: f64, fault: bool) -> TraceSummary {
        TraceSummary {
            response_time: Some(time),
            has_fault: fault,
            ..TraceSummary::default()
        }
    }

    #[test]
    fn buckets_are_log_scaled_from_the_fastest_to_the_slowest() {
        let summaries = [
            summary(0.012, false),
            summary(0.019, false),
            summary(0.020, false),
            summary(0.3, false),
            summary(2.5, true),
            TraceSummary::default(),
        ];
        let histogram = Histogram::of(&summaries);
        let labels: Vec<String> = histogram.edges.iter().map(|e| e.label()).collect();
        assert_eq!(
            labels,
            [
                "10ms", "20ms", "50ms", "100ms", "200ms", "500ms", "1s", "2s", "5s"
            ]
        );
        let totals: Vec<usize> = histogram.buckets.iter().map(StatusCounts::total).collect();
        assert_eq!(totals, [2, 1, 0, 0, 1, 0, 0, 1]);
        assert_eq!(histogram.buckets[7].fault, 1);
        assert_eq!(histogram.without_time, 1);
        assert_eq!(histogram.tallest(), 2);
        assert_eq!(histogram.count_in(0, 1), 3);
    }

    #[test]
    fn band_filters_use_round_edges() {
        let summaries = [
            summary(0.012, false),
            summary(0.3, false),
            summary(2.5, true),
        ];
        let histogram = Histogram::of(&summaries);
        assert_eq!(
            histogram.band_filter(4, 5).as_deref(),
            Some("responsetime >= 0.2 AND responsetime < 1")
        );
        assert_eq!(
            histogram.band_filter(0, 0).as_deref(),
            Some("responsetime >= 0.01 AND responsetime < 0.02")
        );
        assert_eq!(
            histogram.band_filter(7, 7).as_deref(),
            Some("responsetime >= 2 AND responsetime < 5")
        );
        assert_eq!(histogram.band_filter(3, 2), None);
        assert_eq!(histogram.band_filter(0, 99), None);
        for (first, last) in [(0, 0), (0, 7), (4, 5)] {
            let text = histogram.band_filter(first, last).unwrap();
            assert!(crate::filter::parse(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn the_band_filter_selects_exactly_the_band() {
        let summaries: Vec<TraceSummary> = [0.0101, 0.02, 0.0499, 0.05, 0.2, 0.7]
            .into_iter()
            .map(|t| summary(t, false))
            .collect();
        let histogram = Histogram::of(&summaries);
        let text = histogram.band_filter(1, 1).unwrap();
        assert_eq!(text, "responsetime >= 0.02 AND responsetime < 0.05");
        let expr = crate::filter::parse(&text).unwrap();
        let matching: Vec<f64> = summaries
            .iter()
            .filter(|s| crate::filter::matches_summary(&expr, s) == Some(true))
            .filter_map(|s| s.response_time)
            .collect();
        assert_eq!(matching, [0.02, 0.0499]);
        assert_eq!(histogram.count_in(1, 1), 2);
    }

    #[test]
    fn a_trace_on_an_edge_is_in_the_band_whose_filter_selects_it() {
        for edge in scale() {
            let seconds = edge.seconds();
            assert_eq!(seconds.to_string(), number_text(seconds), "{edge:?}");
        }
        let summaries: Vec<TraceSummary> = scale()
            .map(|edge| summary(number_text(edge.seconds()).parse().unwrap(), false))
            .collect();
        let histogram = Histogram::of(&summaries);
        for bucket in 0..histogram.buckets.len() {
            let text = histogram.band_filter(bucket, bucket).unwrap();
            let expr = crate::filter::parse(&text).unwrap();
            let selected = summaries
                .iter()
                .filter(|s| crate::filter::matches_summary(&expr, s) == Some(true))
                .count();
            assert_eq!(selected, histogram.count_in(bucket, bucket), "{text}");
        }
    }

    #[test]
    fn off_scale_and_missing_times_do_not_panic() {
        let summaries = [
            summary(1e-9, false),
            summary(1e9, false),
            summary(f64::NAN, false),
        ];
        let histogram = Histogram::of(&summaries);
        assert_eq!(histogram.buckets.first().map(StatusCounts::total), Some(1));
        assert_eq!(histogram.buckets.last().map(StatusCounts::total), Some(1));
        assert_eq!(histogram.without_time, 1);
        let all = histogram
            .band_filter(0, histogram.buckets.len() - 1)
            .unwrap();
        assert_eq!(all, "responsetime >= 0");
        assert!(Histogram::of(&[]).buckets.is_empty());
    }
}
