//! Health over time: a set of traces cut into equal time buckets, with the requests, the
//! fault, error and throttle rates and the p90 response time of each bucket, as sparklines
//! show them and as anomaly detection reads them.

use crate::model::TraceSummary;

use super::stats::{nearest_rank, rate};

/// Bucket widths a timeline picks from, in seconds: round numbers a reader knows.
const WIDTHS: [f64; 14] = [
    1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21600.0,
    86400.0,
];

/// At most this many buckets over a time range.
pub const MAX_BUCKETS: usize = 60;

/// Equal time buckets from `start`, aligned on their width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Buckets {
    pub start: f64,
    pub width: f64,
    pub count: usize,
}

impl Buckets {
    /// The buckets covering `from..=to` with the smallest round width that keeps them at
    /// `most` or fewer.
    pub fn over(from: f64, to: f64, most: usize) -> Buckets {
        let most = most.max(1);
        let (from, to) = if from.is_finite() && to.is_finite() && to >= from {
            (from, to)
        } else {
            (0.0, 0.0)
        };
        let length = to - from;
        let width = WIDTHS
            .iter()
            .copied()
            .find(|w| length / w < most as f64)
            .unwrap_or_else(|| (length / most as f64).ceil().max(1.0));
        let start = (from / width).floor() * width;
        let count = (((to - start) / width).floor() as usize + 1).min(most + 1);
        Buckets {
            start,
            width,
            count,
        }
    }

    /// The buckets covering the start times of `summaries`, `most` at most.
    pub fn of(summaries: &[TraceSummary], most: usize) -> Buckets {
        let (first, last) = summaries
            .iter()
            .map(|s| s.start_time)
            .filter(|t| t.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
                (a.min(t), b.max(t))
            });
        Buckets::over(first, last, most)
    }

    pub fn index(&self, time: f64) -> Option<usize> {
        if !time.is_finite() || time < self.start {
            return None;
        }
        let at = ((time - self.start) / self.width) as usize;
        (at < self.count).then_some(at)
    }

    /// Start and end of bucket `index`, in epoch seconds.
    pub fn bounds(&self, index: usize) -> (f64, f64) {
        let start = self.start + index as f64 * self.width;
        (start, start + self.width)
    }
}

/// Counts of one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub requests: usize,
    pub faults: usize,
    pub errors: usize,
    pub throttles: usize,
}

impl Tally {
    pub fn add(&mut self, summary: &TraceSummary) {
        self.requests += 1;
        self.faults += summary.has_fault as usize;
        self.errors += summary.has_error as usize;
        self.throttles += summary.has_throttle as usize;
    }
}

/// What a health sparkline plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Requests,
    FaultRate,
    ErrorRate,
    ThrottleRate,
    P90,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Requests,
        Measure::FaultRate,
        Measure::ErrorRate,
        Measure::ThrottleRate,
        Measure::P90,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Measure::Requests => "requests",
            Measure::FaultRate => "fault %",
            Measure::ErrorRate => "error %",
            Measure::ThrottleRate => "throttle %",
            Measure::P90 => "p90",
        }
    }
}

/// A set of traces over time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Health {
    pub buckets: Option<Buckets>,
    pub tallies: Vec<Tally>,
    /// p90 response time of each bucket, in seconds.
    pub p90: Vec<Option<f64>>,
}

impl Health {
    /// The health of `summaries` over `buckets`; traces outside them are left out.
    pub fn of<'a>(
        summaries: impl IntoIterator<Item = &'a TraceSummary>,
        buckets: Buckets,
    ) -> Health {
        let mut tallies = vec![Tally::default(); buckets.count];
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); buckets.count];
        for summary in summaries {
            let Some(at) = buckets.index(summary.start_time) else {
                continue;
            };
            tallies[at].add(summary);
            times[at].extend(summary.response_time.filter(|t| t.is_finite()));
        }
        let p90 = times
            .into_iter()
            .map(|mut t| {
                t.sort_unstable_by(f64::total_cmp);
                nearest_rank(&t, 90.0)
            })
            .collect();
        Health {
            buckets: Some(buckets),
            tallies,
            p90,
        }
    }

    /// Health from counts already made elsewhere (X-Ray's time series).
    pub fn from_parts(buckets: Buckets, tallies: Vec<Tally>, p90: Vec<Option<f64>>) -> Health {
        Health {
            buckets: Some(buckets),
            tallies,
            p90,
        }
    }

    pub fn len(&self) -> usize {
        self.tallies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tallies.iter().all(|t| t.requests == 0)
    }

    /// One value per bucket; `None` where the bucket has no request.
    pub fn series(&self, measure: Measure) -> Vec<Option<f64>> {
        self.tallies
            .iter()
            .zip(&self.p90)
            .map(|(t, p90)| {
                if t.requests == 0 {
                    return None;
                }
                Some(match measure {
                    Measure::Requests => t.requests as f64,
                    Measure::FaultRate => rate(t.faults, t.requests),
                    Measure::ErrorRate => rate(t.errors, t.requests),
                    Measure::ThrottleRate => rate(t.throttles, t.requests),
                    Measure::P90 => (*p90)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_minutes_are_cut_into_minutes() {
        let b = Buckets::over(1000.0, 1000.0 + 1805.0, MAX_BUCKETS);
        assert_eq!(b.width, 60.0);
        assert_eq!(b.start, 960.0);
        assert_eq!(b.index(1000.0), Some(0));
        assert_eq!(b.index(2805.0), Some(30));
        assert_eq!(b.count, 31);
        assert_eq!(b.bounds(1), (1020.0, 1080.0));
        assert_eq!(b.index(900.0), None);
    }

    #[test]
    fn a_bad_range_gives_one_bucket() {
        let b = Buckets::over(f64::INFINITY, f64::NEG_INFINITY, MAX_BUCKETS);
        assert_eq!(b.count, 1);
    }
}
