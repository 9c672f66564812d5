//! What the service map says about a node or an edge: rates, latency percentiles from the
//! response-time histogram, and requests per minute over the graph's window.

use super::graph::{HistogramEntry, Statistics};
use super::segment::Status;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Health {
    pub requests: i64,
    pub ok: i64,
    /// Errors other than throttles.
    pub errors: i64,
    pub throttles: i64,
    pub faults: i64,
    /// Mean response time in seconds.
    pub average: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub per_minute: Option<f64>,
}

impl Health {
    pub fn of(
        stats: Option<&Statistics>,
        histogram: &[HistogramEntry],
        window: Option<(f64, f64)>,
    ) -> Health {
        let Some(stats) = stats else {
            return Health::default();
        };
        let requests = stats.total_count.max(0);
        let throttles = stats.throttle_count().max(0);
        let minutes = window.map(|(start, end)| ((end - start) / 60.0).max(1.0));
        Health {
            requests,
            ok: stats.ok_count.max(0),
            errors: (stats.error_count() - throttles).max(0),
            throttles,
            faults: stats.fault_count().max(0),
            average: (requests > 0).then(|| stats.total_response_time / requests as f64),
            p50: percentile(histogram, 0.50),
            p90: percentile(histogram, 0.90),
            p99: percentile(histogram, 0.99),
            per_minute: minutes.map(|m| requests as f64 / m),
        }
    }

    fn share(&self, count: i64) -> f64 {
        if self.requests > 0 {
            count as f64 / self.requests as f64
        } else {
            0.0
        }
    }

    pub fn fault_rate(&self) -> f64 {
        self.share(self.faults)
    }

    pub fn error_rate(&self) -> f64 {
        self.share(self.errors)
    }

    pub fn throttle_rate(&self) -> f64 {
        self.share(self.throttles)
    }

    /// The colour a node or edge gets, as in the console: the worst kind of trouble it has.
    pub fn status(&self) -> Status {
        if self.faults > 0 {
            Status::Fault
        } else if self.throttles > 0 {
            Status::Throttle
        } else if self.errors > 0 {
            Status::Error
        } else {
            Status::Ok
        }
    }
}

/// The response time below which a share `p` of the requests fall, from a histogram of
/// (response time, count) pairs in any order.
pub fn percentile(histogram: &[HistogramEntry], p: f64) -> Option<f64> {
    let mut entries: Vec<(f64, i64)> = histogram
        .iter()
        .filter(|e| e.count > 0 && e.value.is_finite())
        .map(|e| (e.value, e.count))
        .collect();
    if entries.is_empty() {
        return None;
    }
    entries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: i64 = entries.iter().map(|e| e.1).sum();
    let wanted = (p.clamp(0.0, 1.0) * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (value, count) in &entries {
        seen += count;
        if seen >= wanted {
            return Some(*value);
        }
    }
    entries.last().map(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::{ErrorStatistics, FaultStatistics};

    fn entry(value: f64, count: i64) -> HistogramEntry {
        HistogramEntry { value, count }
    }

    #[test]
    fn percentiles_from_a_histogram() {
        let histogram = [entry(0.3, 1), entry(0.1, 8), entry(2.0, 1)];
        assert_eq!(percentile(&histogram, 0.5), Some(0.1));
        assert_eq!(percentile(&histogram, 0.9), Some(0.3));
        assert_eq!(percentile(&histogram, 0.99), Some(2.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn health_counts_rates_and_colour() {
        let stats = Statistics {
            ok_count: 6,
            error_statistics: ErrorStatistics {
                throttle_count: 1,
                other_count: 1,
                total_count: 2,
            },
            fault_statistics: FaultStatistics {
                other_count: 2,
                total_count: 2,
            },
            total_count: 10,
            total_response_time: 5.0,
        };
        let health = Health::of(Some(&stats), &[entry(0.5, 10)], Some((0.0, 300.0)));
        assert_eq!(
            (health.ok, health.errors, health.throttles, health.faults),
            (6, 1, 1, 2)
        );
        assert_eq!(health.fault_rate(), 0.2);
        assert_eq!(health.average, Some(0.5));
        assert_eq!(health.per_minute, Some(2.0));
        assert_eq!(health.status(), Status::Fault);
        assert_eq!(Health::of(None, &[], None).status(), Status::Ok);
    }
}
