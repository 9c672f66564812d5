//! Counts, rates and response-time percentiles of a set of traces.

use crate::model::TraceSummary;

/// Response-time percentiles, in seconds (nearest rank).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
}

impl Percentiles {
    /// From response times in any order; NaNs are left out.
    pub fn of(mut times: Vec<f64>) -> Percentiles {
        times.retain(|t| !t.is_nan());
        times.sort_unstable_by(f64::total_cmp);
        Percentiles {
            p50: nearest_rank(&times, 50.0),
            p95: nearest_rank(&times, 95.0),
            p99: nearest_rank(&times, 99.0),
        }
    }
}

/// The smallest value with at least `percent` % of the values at or below it.
pub fn nearest_rank(sorted: &[f64], percent: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What a set of traces looks like at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SetStats {
    pub count: usize,
    pub faults: usize,
    pub errors: usize,
    pub throttles: usize,
    pub percentiles: Percentiles,
}

impl SetStats {
    pub fn of<'a>(summaries: impl IntoIterator<Item = &'a TraceSummary>) -> SetStats {
        let mut stats = SetStats::default();
        let mut times = Vec::new();
        for summary in summaries {
            stats.add(summary);
            times.extend(summary.response_time);
        }
        stats.percentiles = Percentiles::of(times);
        stats
    }

    fn add(&mut self, summary: &TraceSummary) {
        self.count += 1;
        self.faults += summary.has_fault as usize;
        self.errors += summary.has_error as usize;
        self.throttles += summary.has_throttle as usize;
    }

    pub fn fault_rate(&self) -> f64 {
        rate(self.faults, self.count)
    }

    pub fn error_rate(&self) -> f64 {
        rate(self.errors, self.count)
    }
}

/// `part` over `whole`, 0 for an empty whole.
pub fn rate(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let times: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(times);
        assert_eq!((p.p50, p.p95, p.p99), (Some(50.0), Some(95.0), Some(99.0)));
        let p = Percentiles::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((p.p50, p.p95, p.p99), (Some(2.0), Some(3.0), Some(3.0)));
        assert_eq!(Percentiles::of(vec![f64::NAN]), Percentiles::default());
    }

    #[test]
    fn rates_of_a_set() {
        let fault = TraceSummary {
            has_fault: true,
            response_time: Some(1.0),
            ..TraceSummary::default()
        };
        let ok = TraceSummary {
            response_time: Some(0.1),
            ..TraceSummary::default()
        };
        let stats = SetStats::of([&fault, &ok, &ok, &ok]);
        assert_eq!(stats.count, 4);
        assert_eq!(stats.fault_rate(), 0.25);
        assert_eq!(stats.error_rate(), 0.0);
        assert_eq!(stats.percentiles.p50, Some(0.1));
        assert_eq!(stats.percentiles.p99, Some(1.0));
        assert_eq!(SetStats::of([]).fault_rate(), 0.0);
    }
}
