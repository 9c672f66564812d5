//! Insights computed from the data, as X-Ray Insights finds them on AWS: a fault or error rate
//! that departs from its own baseline over time buckets, overall and per service. Runs of
//! anomalous buckets that overlap in time are one insight, with its window, its root-cause
//! service, the requests it affected and the services most out of line.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::TraceSummary;

use super::timeline::{Buckets, Tally};

/// A bucket needs this many requests to be judged at all.
const MIN_REQUESTS: usize = 3;
/// … and this many failed ones to be anomalous.
const MIN_FAILED: usize = 2;
/// The rate must rise at least this much above the baseline (absolute).
const MIN_RISE: f64 = 0.15;
/// … and by this many standard deviations of a binomial count at the baseline rate.
const MIN_SCORE: f64 = 3.0;
/// The rate a baseline's variance is computed at, at the least: a baseline of zero does not
/// make every single failure an anomaly.
const BASELINE_FLOOR: f64 = 0.03;
/// Anomalies are looked for in at most this many buckets: enough requests in each.
pub const DETECTION_BUCKETS: usize = 30;
/// An insight lasts at least this many buckets.
const MIN_RUN: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Fault,
    Error,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Fault => "fault",
            Kind::Error => "error",
        }
    }

    fn count(self, tally: &Tally) -> usize {
        match self {
            Kind::Fault => tally.faults,
            Kind::Error => tally.errors,
        }
    }

    fn of(self, summary: &TraceSummary) -> bool {
        match self {
            Kind::Fault => summary.has_fault,
            Kind::Error => summary.has_error,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightState {
    /// Still anomalous in the newest data.
    Active,
    Closed,
}

impl InsightState {
    pub fn label(self) -> &'static str {
        match self {
            InsightState::Active => "active",
            InsightState::Closed => "closed",
        }
    }
}

/// A service whose rate departed from its baseline during an insight.
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalousService {
    pub name: String,
    /// Failed requests above what the baseline expects, over the insight's window.
    pub excess: f64,
    /// The baseline and the rate over the insight's window, when they are known (X-Ray
    /// names its anomalous services without them).
    pub rates: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insight {
    /// Fault, error or both, worst first.
    pub kinds: Vec<Kind>,
    pub state: InsightState,
    /// Epoch seconds; the end is the end of the last anomalous bucket.
    pub start: f64,
    pub end: Option<f64>,
    pub root_cause: Option<String>,
    /// Requests in the window that failed, and all the requests in it.
    pub affected: usize,
    pub requests: usize,
    /// The overall rate's baseline (not known for X-Ray's insights) and its rate over the
    /// window.
    pub baseline: Option<f64>,
    pub rate: f64,
    /// Most out of line (the largest rise of the rate) first.
    pub top: Vec<AnomalousService>,
    /// The services the affected requests went through: the impact graph.
    pub impacted: Vec<String>,
    /// A filter expression for the root cause's failed requests.
    pub filter: Option<String>,
    /// X-Ray's own summary, when the insight comes from AWS.
    pub summary: Option<String>,
    pub id: Option<String>,
    /// X-Ray's timeline of the insight (GetInsightEvents), oldest first.
    pub events: Vec<InsightEvent>,
    /// The calls between the impacted services, caller first (GetInsightImpactGraph).
    pub impact_edges: Vec<(String, String)>,
}

/// One moment of an insight's timeline, as X-Ray tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct InsightEvent {
    /// Epoch seconds.
    pub time: f64,
    pub summary: String,
    /// Client requests that faulted, and all of them, at that moment.
    pub affected: usize,
    pub requests: usize,
    /// The most anomalous services at that moment.
    pub top: Vec<String>,
}

impl Insight {
    pub fn kind(&self) -> Kind {
        self.kinds.first().copied().unwrap_or(Kind::Fault)
    }

    /// The window to narrow the list to: the end is now for an active insight.
    pub fn window(&self, newest: f64) -> (f64, f64) {
        (self.start, self.end.unwrap_or(newest).max(self.start + 1.0))
    }
}

/// Per bucket: whether `count` over the requests departs from the rate of the whole series.
pub fn anomalous_buckets(tallies: &[Tally], count: impl Fn(&Tally) -> usize) -> Vec<bool> {
    let baseline = baseline(tallies, &count);
    tallies
        .iter()
        .map(|t| is_anomalous(t.requests, count(t), baseline))
        .collect()
}

/// The rate of the quieter half of the buckets that have requests: a baseline an incident
/// shorter than half the time does not move.
fn baseline(tallies: &[Tally], count: &impl Fn(&Tally) -> usize) -> f64 {
    let mut rates: Vec<(f64, usize, usize)> = tallies
        .iter()
        .filter(|t| t.requests > 0)
        .map(|t| (count(t) as f64 / t.requests as f64, count(t), t.requests))
        .collect();
    if rates.is_empty() {
        return 0.0;
    }
    rates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let half = &rates[..rates.len().div_ceil(2)];
    let (failed, requests) = half
        .iter()
        .fold((0, 0), |(f, r), (_, ff, rr)| (f + ff, r + rr));
    failed as f64 / requests.max(1) as f64
}

fn is_anomalous(requests: usize, failed: usize, baseline: f64) -> bool {
    if requests < MIN_REQUESTS || failed < MIN_FAILED {
        return false;
    }
    let rate = failed as f64 / requests as f64;
    let p = baseline.max(BASELINE_FLOOR);
    let deviation = (requests as f64 * p * (1.0 - p)).sqrt();
    let score = (failed as f64 - requests as f64 * baseline) / deviation;
    rate - baseline >= MIN_RISE && score >= MIN_SCORE
}

/// Runs of flagged buckets, first and last; a single quiet bucket inside a run does not
/// break it, and runs shorter than `MIN_RUN` are left out.
pub fn runs(flagged: &[bool]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for (at, flag) in flagged.iter().enumerate() {
        if !flag {
            continue;
        }
        current = match current {
            Some((first, last)) if at <= last + 2 => Some((first, at)),
            Some(run) => {
                runs.push(run);
                Some((at, at))
            }
            None => Some((at, at)),
        };
    }
    runs.extend(current);
    runs.retain(|(first, last)| flagged[*first..=*last].iter().filter(|f| **f).count() >= MIN_RUN);
    runs
}

/// A run grown by the buckets beside it that are still out of line, if less clearly: an
/// incident's ramp up and its recovery belong to it.
fn widen(
    (mut first, mut last): (usize, usize),
    tallies: &[Tally],
    count: impl Fn(&Tally) -> usize,
    baseline: f64,
) -> (usize, usize) {
    let elevated = |t: &Tally| {
        t.requests >= MIN_REQUESTS
            && count(t) > 0
            && count(t) as f64 / t.requests as f64 - baseline >= 2.0 * MIN_RISE
    };
    while first > 0 && elevated(&tallies[first - 1]) {
        first -= 1;
    }
    while last + 1 < tallies.len() && elevated(&tallies[last + 1]) {
        last += 1;
    }
    (first, last)
}

/// One scope's anomalous stretch: overall (`None`) or a service's.
struct Stretch {
    service: Option<String>,
    kind: Kind,
    first: usize,
    last: usize,
    baseline: f64,
}

/// The insights in `summaries`, oldest first.
pub fn detect(summaries: &[TraceSummary]) -> Vec<Insight> {
    if summaries.is_empty() {
        return Vec::new();
    }
    let buckets = Buckets::of(summaries, DETECTION_BUCKETS);
    let mut scopes: BTreeMap<Option<&str>, Vec<Tally>> = BTreeMap::new();
    scopes.insert(None, vec![Tally::default(); buckets.count]);
    for summary in summaries {
        let Some(at) = buckets.index(summary.start_time) else {
            continue;
        };
        scopes.get_mut(&None).expect("overall")[at].add(summary);
        let mut seen = BTreeSet::new();
        for service in summary.services.iter() {
            if service.name.is_empty() || !seen.insert(service.name.as_str()) {
                continue;
            }
            scopes
                .entry(Some(service.name.as_str()))
                .or_insert_with(|| vec![Tally::default(); buckets.count])[at]
                .add(summary);
        }
    }
    let mut stretches = Vec::new();
    for (service, tallies) in &scopes {
        for kind in [Kind::Fault, Kind::Error] {
            let base = baseline(tallies, &|t: &Tally| kind.count(t));
            let flagged: Vec<bool> = tallies
                .iter()
                .map(|t| is_anomalous(t.requests, kind.count(t), base))
                .collect();
            for run in runs(&flagged) {
                let (first, last) = widen(run, tallies, |t| kind.count(t), base);
                stretches.push(Stretch {
                    service: service.map(str::to_owned),
                    kind,
                    first,
                    last,
                    baseline: base,
                });
            }
        }
    }
    stretches.sort_by_key(|s| (s.first, s.last));
    let mut insights = Vec::new();
    let mut group: Vec<Stretch> = Vec::new();
    for stretch in stretches {
        let overlaps = group
            .iter()
            .map(|s| s.last)
            .max()
            .is_some_and(|last| stretch.first <= last);
        if !overlaps && !group.is_empty() {
            insights.push(insight_of(std::mem::take(&mut group), summaries, &buckets));
        }
        group.push(stretch);
    }
    if !group.is_empty() {
        insights.push(insight_of(group, summaries, &buckets));
    }
    insights
}

fn insight_of(group: Vec<Stretch>, summaries: &[TraceSummary], buckets: &Buckets) -> Insight {
    let first = group.iter().map(|s| s.first).min().unwrap_or(0);
    let last = group.iter().map(|s| s.last).max().unwrap_or(0);
    let (start, _) = buckets.bounds(first);
    let (_, end) = buckets.bounds(last);
    let state = if last + 1 >= buckets.count {
        InsightState::Active
    } else {
        InsightState::Closed
    };
    let mut kinds: Vec<Kind> = group.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    let kind = kinds[0];
    let in_window: Vec<&TraceSummary> = summaries
        .iter()
        .filter(|s| s.start_time >= start && s.start_time < end)
        .collect();
    let failed: Vec<&TraceSummary> = in_window.iter().copied().filter(|s| kind.of(s)).collect();
    let overall_baseline = group
        .iter()
        .find(|s| s.service.is_none() && s.kind == kind)
        .or_else(|| group.iter().find(|s| s.kind == kind))
        .map_or(0.0, |s| s.baseline);
    let mut top: Vec<AnomalousService> = group
        .iter()
        .filter(|s| s.kind == kind)
        .filter_map(|s| {
            let name = s.service.as_ref()?;
            let through: Vec<&&TraceSummary> = in_window
                .iter()
                .filter(|t| t.services.iter().any(|x| &x.name == name))
                .collect();
            let failed = through.iter().filter(|t| kind.of(t)).count();
            let rate = failed as f64 / through.len().max(1) as f64;
            Some(AnomalousService {
                name: name.clone(),
                excess: failed as f64 - through.len() as f64 * s.baseline,
                rates: Some((s.baseline, rate)),
            })
        })
        .collect();
    let rise = |s: &AnomalousService| s.rates.map_or(0.0, |(baseline, rate)| rate - baseline);
    top.sort_by(|a, b| rise(b).total_cmp(&rise(a)).then(a.name.cmp(&b.name)));
    top.dedup_by(|a, b| a.name == b.name);
    let root_cause = most_common_cause(&failed).or_else(|| deepest(&top, summaries));
    let impacted: BTreeSet<String> = failed
        .iter()
        .flat_map(|s| s.services.iter().map(|x| x.name.clone()))
        .filter(|n| !n.is_empty())
        .collect();
    let filter = root_cause.as_ref().map(|name| {
        format!(
            "rootcause.{}.service {{ name = {} }}",
            kind.label(),
            crate::filter::quote(name)
        )
    });
    Insight {
        kinds,
        state,
        start,
        end: (state == InsightState::Closed).then_some(end),
        root_cause,
        affected: failed.len(),
        requests: in_window.len(),
        baseline: Some(overall_baseline),
        rate: failed.len() as f64 / in_window.len().max(1) as f64,
        top,
        impacted: impacted.into_iter().collect(),
        filter,
        summary: None,
        id: None,
        events: Vec::new(),
        impact_edges: Vec::new(),
    }
}

/// The service most of the failed requests name as their fault's root cause.
fn most_common_cause(failed: &[&TraceSummary]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for cause in failed.iter().filter_map(|s| s.fault_cause.as_deref()) {
        *counts.entry(cause.service.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(name, _)| name.to_owned())
}

/// Among the anomalous services, the one fewest requests go through: the furthest
/// downstream.
fn deepest(top: &[AnomalousService], summaries: &[TraceSummary]) -> Option<String> {
    top.iter()
        .min_by_key(|s| {
            summaries
                .iter()
                .filter(|t| t.services.iter().any(|x| x.name == s.name))
                .count()
        })
        .map(|s| s.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_gap_inside_a_run_does_not_break_it() {
        let f = [false, true, true, false, true, false, false, false, true];
        assert_eq!(runs(&f), vec![(1, 4)]);
    }

    #[test]
    fn a_single_spike_is_no_run() {
        assert!(runs(&[false, true, false, false, false]).is_empty());
    }

    #[test]
    fn one_failure_over_a_clean_baseline_is_no_anomaly() {
        assert!(!is_anomalous(10, 1, 0.0));
        assert!(is_anomalous(10, 5, 0.02));
        assert!(!is_anomalous(100, 12, 0.10));
    }
}
