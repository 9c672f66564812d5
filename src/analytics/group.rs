//! Traces grouped by one dimension (root URL pattern, method, status, entry service, user, an
//! annotation, the fault's root cause), with each group's share, percentiles and rates, and
//! the filter expression that lists the group.

use std::collections::{BTreeSet, HashMap};

use crate::filter::quote;
use crate::model::TraceSummary;
use crate::model::segment::AnnotationValue;

use super::stats::{SetStats, rate};
use super::url_pattern;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    Url,
    Method,
    Status,
    Service,
    User,
    FaultCause,
    Annotation(String),
}

impl Dimension {
    /// The fixed dimensions, then one per annotation key the traces have, A to Z.
    pub fn all<'a>(summaries: impl IntoIterator<Item = &'a TraceSummary>) -> Vec<Dimension> {
        let keys: BTreeSet<&str> = summaries
            .into_iter()
            .flat_map(|s| s.annotations.keys())
            .collect();
        let mut all = vec![
            Dimension::Url,
            Dimension::Method,
            Dimension::Status,
            Dimension::Service,
            Dimension::User,
            Dimension::FaultCause,
        ];
        all.extend(
            keys.into_iter()
                .map(|k| Dimension::Annotation(k.to_owned())),
        );
        all
    }

    pub fn label(&self) -> String {
        match self {
            Dimension::Url => "URL".into(),
            Dimension::Method => "method".into(),
            Dimension::Status => "status".into(),
            Dimension::Service => "entry service".into(),
            Dimension::User => "user".into(),
            Dimension::FaultCause => "fault root cause".into(),
            Dimension::Annotation(key) => format!("annotation.{key}"),
        }
    }

    /// The groups a trace belongs to: one per value (a trace can have several users).
    fn values(&self, summary: &TraceSummary) -> Vec<Value> {
        match self {
            Dimension::Url => one(summary.http.url.as_deref().map(|url| {
                let pattern = url_pattern::fold(url);
                let (filter, exact) = url_pattern::filter(&pattern);
                Value::new(pattern, Some(filter), exact)
            })),
            Dimension::Method => one(summary.http.method.as_deref().map(|method| {
                Value::exact(
                    method.to_owned(),
                    format!("http.method = {}", quote(method)),
                )
            })),
            Dimension::Status => one(summary
                .http
                .status
                .map(|status| Value::exact(status.to_string(), format!("http.status = {status}")))),
            Dimension::Service => one(summary
                .entry_point
                .as_ref()
                .filter(|e| !e.name.is_empty())
                .map(|e| {
                    Value::exact(
                        e.name.clone(),
                        format!("service({}) {{ root }}", quote(&e.name)),
                    )
                })),
            Dimension::User => {
                let users: BTreeSet<&String> = summary.users.iter().collect();
                users
                    .into_iter()
                    .map(|u| Value::exact(u.clone(), format!("user = {}", quote(u))))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .chain(summary.users.is_empty().then(Value::none))
                    .collect()
            }
            Dimension::FaultCause => vec![fault_cause(summary)],
            Dimension::Annotation(key) => {
                let mut values: Vec<Value> = Vec::new();
                for value in summary.annotations.get(key).unwrap_or_default() {
                    let literal = match value {
                        AnnotationValue::String(text) => quote(text),
                        other => other.to_string(),
                    };
                    let candidate =
                        Value::exact(value.to_string(), format!("annotation.{key} = {literal}"));
                    if !values.contains(&candidate) {
                        values.push(candidate);
                    }
                }
                if values.is_empty() {
                    values.push(Value::none());
                }
                values
            }
        }
    }
}

fn one(value: Option<Value>) -> Vec<Value> {
    vec![value.unwrap_or_else(Value::none)]
}

fn fault_cause(summary: &TraceSummary) -> Value {
    if !summary.has_fault {
        return Value::new("(no fault)".into(), Some("!fault".into()), true);
    }
    let Some(cause) = &summary.fault_cause else {
        return Value::new("(fault, cause unknown)".into(), None, false);
    };
    let service = format!(
        "rootcause.fault.service {{ last AND name = {} }}",
        quote(&cause.service)
    );
    match &cause.exception {
        Some(exception) => Value::new(
            format!("{exception} in {}", cause.service),
            Some(format!(
                "{service} AND rootcause.fault.exception {{ first AND name = {} }}",
                quote(exception)
            )),
            false,
        ),
        None => Value::new(
            format!("(no exception) in {}", cause.service),
            Some(service),
            false,
        ),
    }
}

/// One value of a dimension, and how to list the traces that have it.
#[derive(Debug, Clone, PartialEq)]
struct Value {
    label: String,
    filter: Option<String>,
    exact: bool,
}

impl Value {
    fn new(label: String, filter: Option<String>, exact: bool) -> Value {
        Value {
            label,
            filter,
            exact,
        }
    }

    fn exact(label: String, filter: String) -> Value {
        Value::new(label, Some(filter), true)
    }

    /// Traces without the field: no filter the language has lists exactly those.
    fn none() -> Value {
        Value::new(NONE.into(), None, false)
    }
}

/// The label of the group of traces that lack the dimension's field.
pub const NONE: &str = "(none)";

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The value, as found in the data (untrusted: clean it before drawing).
    pub label: String,
    /// The expression that lists this group's traces, if the language can say it.
    pub filter: Option<String>,
    /// The filter lists exactly the group (else a few more traces).
    pub exact: bool,
    /// The group's traces.
    pub ids: Vec<String>,
    pub stats: SetStats,
    /// Of all the traces grouped.
    pub share: f64,
}

impl Group {
    pub fn fault_rate(&self) -> f64 {
        self.stats.fault_rate()
    }

    pub fn error_rate(&self) -> f64 {
        self.stats.error_rate()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSort {
    Count,
    P50,
    P95,
    P99,
    ErrorRate,
    FaultRate,
    Label,
}

impl GroupSort {
    pub const ALL: [GroupSort; 7] = [
        GroupSort::Count,
        GroupSort::P50,
        GroupSort::P95,
        GroupSort::P99,
        GroupSort::ErrorRate,
        GroupSort::FaultRate,
        GroupSort::Label,
    ];

    pub fn next(self) -> GroupSort {
        let at = GroupSort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        GroupSort::ALL[(at + 1) % GroupSort::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupSort::Count => "count",
            GroupSort::P50 => "p50",
            GroupSort::P95 => "p95",
            GroupSort::P99 => "p99",
            GroupSort::ErrorRate => "error rate",
            GroupSort::FaultRate => "fault rate",
            GroupSort::Label => "name",
        }
    }

    /// Biggest, slowest and worst first; names A to Z.
    pub fn descending_by_default(self) -> bool {
        self != GroupSort::Label
    }

    fn key(self, group: &Group) -> f64 {
        let none_last = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
        let p = &group.stats.percentiles;
        match self {
            GroupSort::Count => group.stats.count as f64,
            GroupSort::P50 => none_last(p.p50),
            GroupSort::P95 => none_last(p.p95),
            GroupSort::P99 => none_last(p.p99),
            GroupSort::ErrorRate => group.error_rate(),
            GroupSort::FaultRate => group.fault_rate(),
            GroupSort::Label => 0.0,
        }
    }
}

/// Sorts groups; ties go to the bigger group, then A to Z.
pub fn sort(groups: &mut [Group], by: GroupSort, descending: bool) {
    groups.sort_by(|a, b| {
        let order = if by == GroupSort::Label {
            a.label.cmp(&b.label)
        } else {
            by.key(a).total_cmp(&by.key(b))
        };
        let order = if descending { order.reverse() } else { order };
        order
            .then(b.stats.count.cmp(&a.stats.count))
            .then(a.label.cmp(&b.label))
    });
}

/// The traces grouped by `dimension`, biggest group first.
pub fn group_by<'a>(
    summaries: impl IntoIterator<Item = &'a TraceSummary>,
    dimension: &Dimension,
) -> Vec<Group> {
    let mut members: HashMap<String, (Value, Vec<&TraceSummary>)> = HashMap::new();
    let mut total = 0;
    for summary in summaries {
        total += 1;
        for value in dimension.values(summary) {
            members
                .entry(value.label.clone())
                .or_insert_with(|| (value, Vec::new()))
                .1
                .push(summary);
        }
    }
    let mut groups: Vec<Group> = members
        .into_values()
        .map(|(value, traces)| Group {
            share: rate(traces.len(), total),
            ids: traces.iter().map(|s| s.id.clone()).collect(),
            stats: SetStats::of(traces),
            label: value.label,
            filter: value.filter,
            exact: value.exact,
        })
        .collect();
    sort(&mut groups, GroupSort::Count, true);
    groups
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::summary::{Annotations, FaultCause, SummaryHttp};

    fn request(method: &str, url: &str, status: i64, time: f64) -> TraceSummary {
        TraceSummary {
            http: SummaryHttp {
                method: Some(method.into()),
                url: Some(url.into()),
                status: Some(status),
                ..SummaryHttp::default()
            },
            response_time: Some(time),
            has_fault: status >= 500,
            has_error: (400..500).contains(&status),
            ..TraceSummary::default()
        }
    }

    #[test]
    fn urls_group_by_pattern_with_percentiles_and_rates() {
        let summaries = [
            request("GET", "https://shop.example/orders/1", 200, 0.1),
            request("GET", "https://shop.example/orders/2", 200, 0.2),
            request("GET", "https://shop.example/orders/3", 500, 3.0),
            request("GET", "https://shop.example/orders/4", 404, 0.05),
            request("GET", "https://shop.example/health", 200, 0.001),
        ];
        let groups = group_by(&summaries, &Dimension::Url);
        let first = &groups[0];
        assert_eq!(first.label, "https://shop.example/orders/{id}");
        assert_eq!(first.stats.count, 4);
        assert_eq!(first.share, 0.8);
        assert_eq!(first.stats.percentiles.p50, Some(0.1));
        assert_eq!(first.stats.percentiles.p99, Some(3.0));
        assert_eq!(first.fault_rate(), 0.25);
        assert_eq!(first.error_rate(), 0.25);
        assert!(!first.exact);
        assert_eq!(groups[1].label, "https://shop.example/health");
        assert_eq!(groups.len(), 2);
    }

    #[test]
    fn every_group_filter_parses_and_exact_ones_select_the_group() {
        let mut fault = request("POST", "/checkout", 502, 1.0);
        fault.fault_cause = Some(Arc::new(FaultCause {
            service: "payments".into(),
            exception: Some("PaymentProviderTimeout".into()),
        }));
        fault.users = vec!["cust-1".into(), "cust-2".into()];
        let tier = AnnotationValue::String("gold \"plus\"".into());
        fault.annotations = Annotations::gather([("tier", &tier)]);
        let mut ok = request("GET", "/cart", 200, 0.1);
        ok.annotations = Annotations::gather([("cart_items", &AnnotationValue::Number(3.0))]);
        let summaries = [fault, ok];
        let dimensions = Dimension::all(&summaries);
        assert_eq!(
            dimensions[6..],
            [
                Dimension::Annotation("cart_items".into()),
                Dimension::Annotation("tier".into())
            ]
        );
        for dimension in &dimensions {
            for group in group_by(&summaries, dimension) {
                let Some(text) = &group.filter else {
                    continue;
                };
                let expr = crate::filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
                if group.exact {
                    let matching = summaries
                        .iter()
                        .filter(|s| crate::filter::matches_summary(&expr, s) == Some(true))
                        .count();
                    assert_eq!(matching, group.stats.count, "{text}");
                }
            }
        }
        let users = group_by(&summaries, &Dimension::User);
        let labels: Vec<&str> = users.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["(none)", "cust-1", "cust-2"]);
        let causes = group_by(&summaries, &Dimension::FaultCause);
        assert_eq!(causes[0].label, "(no fault)");
        assert_eq!(causes[1].label, "PaymentProviderTimeout in payments");
        assert_eq!(
            causes[1].filter.as_deref(),
            Some(
                r#"rootcause.fault.service { last AND name = "payments" } AND rootcause.fault.exception { first AND name = "PaymentProviderTimeout" }"#
            )
        );
    }

    #[test]
    fn sorting_by_each_column() {
        let summaries = [
            request("GET", "/a", 200, 0.1),
            request("GET", "/a", 200, 0.1),
            request("POST", "/b", 500, 2.0),
        ];
        let mut groups = group_by(&summaries, &Dimension::Method);
        assert_eq!(groups[0].label, "GET");
        sort(&mut groups, GroupSort::P95, true);
        assert_eq!(groups[0].label, "POST");
        sort(&mut groups, GroupSort::FaultRate, false);
        assert_eq!(groups[0].label, "GET");
        sort(&mut groups, GroupSort::Label, true);
        assert_eq!(groups[0].label, "POST");
    }
}
