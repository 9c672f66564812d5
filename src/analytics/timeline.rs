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

    /// Health from counts already made elsewhere (X-Ray's time series): each point's counts
    /// go to the bucket of its time, and the p90 of a bucket is read from its points'
    /// response-time histograms together.
    pub fn of_points(points: &[Point], buckets: Buckets) -> Health {
        let mut tallies = vec![Tally::default(); buckets.count];
        let mut histograms: Vec<Vec<(f64, u64)>> = vec![Vec::new(); buckets.count];
        for point in points {
            let Some(at) = buckets.index(point.time) else {
                continue;
            };
            let tally = &mut tallies[at];
            tally.requests += point.tally.requests;
            tally.faults += point.tally.faults;
            tally.errors += point.tally.errors;
            tally.throttles += point.tally.throttles;
            histograms[at].extend(point.histogram.iter().copied());
        }
        let p90 = histograms.into_iter().map(histogram_p90).collect();
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

/// Counts made elsewhere for one moment: X-Ray's statistics of a period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Point {
    /// Epoch seconds: the start of the period.
    pub time: f64,
    pub tally: Tally,
    /// Response times in seconds, and how many requests took each.
    pub histogram: Vec<(f64, u64)>,
}

/// The response time that 90% of the histogram's requests took at most (nearest rank).
fn histogram_p90(mut entries: Vec<(f64, u64)>) -> Option<f64> {
    entries.retain(|(value, count)| value.is_finite() && *count > 0);
    entries.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let total: u64 = entries.iter().map(|(_, c)| c).sum();
    let rank = (total * 9).div_ceil(10).max(1);
    let mut seen = 0;
    entries.into_iter().find_map(|(value, count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_added_up_by_bucket_and_their_histograms_give_the_p90() {
        let buckets = Buckets {
            start: 0.0,
            width: 300.0,
            count: 2,
        };
        let tally = |requests, faults| Tally {
            requests,
            faults,
            errors: 1,
            throttles: 0,
        };
        let points = [
            Point {
                time: 0.0,
                tally: tally(10, 1),
                histogram: vec![(0.1, 9), (2.0, 1)],
            },
            Point {
                time: 60.0,
                tally: tally(10, 3),
                histogram: vec![(0.2, 8), (3.0, 2)],
            },
            Point {
                time: 900.0,
                tally: tally(99, 99),
                histogram: vec![(9.0, 1)],
            },
        ];
        let health = Health::of_points(&points, buckets);
        assert_eq!(health.tallies[0], tally(20, 4).with_errors(2));
        assert_eq!(health.tallies[1], Tally::default());
        // 20 requests: the 18th fastest took 2 s.
        assert_eq!(health.p90, vec![Some(2.0), None]);
        assert_eq!(histogram_p90(vec![(0.5, 1)]), Some(0.5));
    }

    impl Tally {
        fn with_errors(mut self, errors: usize) -> Tally {
            self.errors = errors;
            self
        }
    }

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
