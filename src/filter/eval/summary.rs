//! Evaluation from a trace summary alone, for the expressions its fields can decide.

use super::compare::{annotation_test, compare_bool, compare_number, compare_strings};
use crate::filter::ast::{Expr, ExprKind, Keyword, KeywordType, Value};
use crate::model::TraceSummary;

/// The answer from the summary alone, when the expression only needs summary fields (or
/// when the fields it has already decide it: `fault AND service("x")` is false for a trace
/// without fault). `None` when the documents are needed.
pub fn matches_summary(expr: &Expr, summary: &TraceSummary) -> Option<bool> {
    match &expr.kind {
        ExprKind::And(items) => {
            let mut unknown = false;
            for item in items {
                match matches_summary(item, summary) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            (!unknown).then_some(true)
        }
        ExprKind::Or(items) => {
            let mut unknown = false;
            for item in items {
                match matches_summary(item, summary) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            (!unknown).then_some(false)
        }
        ExprKind::Not(inner) => matches_summary(inner, summary).map(|b| !b),
        ExprKind::Bare(keyword) => match keyword.value_type() {
            KeywordType::Bool => summary_flag(*keyword, summary),
            KeywordType::Number => summary_number(*keyword, summary).map(|n| n.is_some()),
            KeywordType::String => summary_strings(*keyword, summary).map(|v| !v.is_empty()),
        },
        ExprKind::Compare { keyword, op, value } => match value {
            Value::Bool(b) => summary_flag(*keyword, summary).map(|v| compare_bool(v, *op, *b)),
            Value::Number(n) => {
                summary_number(*keyword, summary).map(|v| compare_number(v, *op, *n))
            }
            Value::String(s) => {
                summary_strings(*keyword, summary).map(|v| compare_strings(&v, *op, s))
            }
        },
        ExprKind::Annotation { key, test } => {
            let values = summary.annotations.get(key);
            Some(annotation_test(values.unwrap_or(&[]).iter(), test.as_ref()))
        }
        ExprKind::Group { .. } => Some(true),
        ExprKind::Service { .. }
        | ExprKind::Edge { .. }
        | ExprKind::RootCause { .. }
        | ExprKind::RootCauseJson(_) => None,
    }
}

/// The summary's flags are X-Ray's trace-level ones: `HasFault`/`HasError` for the root segment,
/// `HasThrottle` for any segment.
fn summary_flag(keyword: Keyword, summary: &TraceSummary) -> Option<bool> {
    match keyword {
        Keyword::Fault => Some(summary.has_fault),
        Keyword::Error => Some(summary.has_error),
        Keyword::Throttle => Some(summary.has_throttle),
        // A throttle somewhere does not say whether the root segment was throttled.
        Keyword::Ok if summary.has_fault || summary.has_error => Some(false),
        Keyword::Ok if summary.has_throttle => None,
        Keyword::Ok => Some(true),
        Keyword::Partial => Some(summary.is_partial),
        _ => None,
    }
}

fn summary_number(keyword: Keyword, summary: &TraceSummary) -> Option<Option<f64>> {
    match keyword {
        Keyword::ResponseTime => Some(summary.response_time),
        Keyword::Duration => Some(summary.duration),
        Keyword::HttpStatus => Some(summary.http.status.map(|s| s as f64)),
        _ => None,
    }
}

fn summary_strings(keyword: Keyword, summary: &TraceSummary) -> Option<Vec<&str>> {
    let http = &summary.http;
    fn one(v: &Option<std::sync::Arc<str>>) -> Option<Vec<&str>> {
        Some(v.as_deref().into_iter().collect())
    }
    match keyword {
        Keyword::HttpUrl => one(&http.url),
        Keyword::HttpMethod => one(&http.method),
        Keyword::HttpUserAgent => one(&http.user_agent),
        Keyword::HttpClientIp => one(&http.client_ip),
        Keyword::User => Some(summary.users.iter().map(String::as_str).collect()),
        Keyword::Name => Some(
            summary
                .entry_point
                .iter()
                .map(|e| e.name.as_str())
                .collect(),
        ),
        Keyword::Type => Some(
            summary
                .entry_point
                .iter()
                .filter_map(|e| e.kind.as_deref())
                .filter(|k| !k.is_empty())
                .collect(),
        ),
        _ => None,
    }
}
