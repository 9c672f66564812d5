//! Two sets of traces side by side: their counts, rates and percentiles, and the groups whose
//! share changed the most between them ("what is different about the failing requests").

use std::collections::HashMap;

use crate::model::TraceSummary;

use super::group::{Dimension, group_by};
use super::stats::SetStats;

/// A group's place in set A and in set B.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub label: String,
    pub count_a: usize,
    pub count_b: usize,
    pub share_a: f64,
    pub share_b: f64,
    /// The filter that lists the group, when the language can say it.
    pub filter: Option<String>,
    /// The filter lists exactly the group (else a few more traces).
    pub exact: bool,
}

impl Shift {
    /// Change in share, B minus A.
    pub fn delta(&self) -> f64 {
        self.share_b - self.share_a
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub a: SetStats,
    pub b: SetStats,
    /// Groups by how much their share changed, most first.
    pub shifts: Vec<Shift>,
}

pub fn compare(a: &[TraceSummary], b: &[TraceSummary], dimension: &Dimension) -> Comparison {
    let mut shifts: HashMap<String, Shift> = HashMap::new();
    for (in_b, set) in [(false, a), (true, b)] {
        for group in group_by(set, dimension) {
            let shift = shifts.entry(group.label.clone()).or_insert_with(|| Shift {
                label: group.label.clone(),
                count_a: 0,
                count_b: 0,
                share_a: 0.0,
                share_b: 0.0,
                filter: group.filter.clone(),
                exact: group.exact,
            });
            if in_b {
                shift.count_b = group.stats.count;
                shift.share_b = group.share;
            } else {
                shift.count_a = group.stats.count;
                shift.share_a = group.share;
            }
        }
    }
    let mut shifts: Vec<Shift> = shifts.into_values().collect();
    shifts.sort_by(|x, y| {
        y.delta()
            .abs()
            .total_cmp(&x.delta().abs())
            .then((y.count_a + y.count_b).cmp(&(x.count_a + x.count_b)))
            .then(x.label.cmp(&y.label))
    });
    Comparison {
        a: SetStats::of(a),
        b: SetStats::of(b),
        shifts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::summary::SummaryHttp;

    fn trace(url: &str, fault: bool, time: f64) -> TraceSummary {
        TraceSummary {
            http: SummaryHttp {
                url: Some(url.into()),
                ..SummaryHttp::default()
            },
            has_fault: fault,
            response_time: Some(time),
            ..TraceSummary::default()
        }
    }

    #[test]
    fn the_group_whose_share_grew_most_comes_first() {
        let a = [
            trace("/cart", false, 0.1),
            trace("/cart", false, 0.1),
            trace("/products/1", false, 0.2),
            trace("/checkout", false, 0.3),
        ];
        let b = [
            trace("/checkout", true, 5.0),
            trace("/checkout", true, 5.0),
            trace("/checkout", true, 5.0),
            trace("/cart", false, 0.1),
        ];
        let comparison = compare(&a, &b, &Dimension::Url);
        assert_eq!(comparison.a.count, 4);
        assert_eq!(comparison.b.faults, 3);
        assert_eq!(comparison.b.percentiles.p50, Some(5.0));
        let first = &comparison.shifts[0];
        assert_eq!(first.label, "/checkout");
        assert_eq!((first.count_a, first.count_b), (1, 3));
        assert_eq!(first.delta(), 0.5);
        let labels: Vec<&str> = comparison.shifts.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["/checkout", "/cart", "/products/{id}"]);
        assert_eq!(comparison.shifts[2].count_b, 0);
    }

    #[test]
    fn empty_sets_compare_without_panicking() {
        let comparison = compare(&[], &[], &Dimension::Url);
        assert_eq!(comparison.a.count, 0);
        assert!(comparison.shifts.is_empty());
    }
}
