//! The Logs Insights query over `aws/spans` for the list of all spans: the fields a row of the
//! list needs, the filter expression as the condition of a span, the newest spans first, at
//! most as many as one query returns.

use crate::filter::insights::span_condition;
use crate::source::aws::SpansError;

/// Every span of every trace is one log event of this group.
pub const LOG_GROUP: &str = "aws/spans";

/// What each row brings: enough to list its trace like a summary.
pub const FIELDS: &[&str] = &[
    "traceId",
    "spanId",
    "parentSpanId",
    "kind",
    "startTimeUnixNano",
    "endTimeUnixNano",
    "durationNano",
    "status.code",
    "resource.attributes.service.name",
    "attributes.aws.local.service",
    "attributes.http.request.method",
    "attributes.http.method",
    "attributes.url.full",
    "attributes.http.url",
    "attributes.http.response.status_code",
    "attributes.http.status_code",
    "attributes.enduser.id",
];

/// The query text; the filter is parsed and translated, and a part without a counterpart in a
/// span stops it before anything is sent.
pub fn text(filter: Option<&str>, limit: usize) -> Result<String, SpansError> {
    let mut query = format!("fields {}", FIELDS.join(", "));
    if let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) {
        let expr = crate::filter::parse(filter).map_err(|error| SpansError::Untranslatable {
            filter: filter.to_owned(),
            parts: vec![crate::filter::insights::Untranslatable {
                span: error.span.clone(),
                what: filter.to_owned(),
                why: "it does not parse",
            }],
        })?;
        let condition = span_condition(&expr).map_err(|parts| SpansError::Untranslatable {
            filter: filter.to_owned(),
            parts,
        })?;
        query.push_str(&format!("\n| filter {condition}"));
    }
    query.push_str(&format!("\n| sort startTimeUnixNano desc\n| limit {limit}"));
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_becomes_the_condition_of_the_query() {
        let text = text(Some("responsetime > 1.5"), 10_000).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("fields traceId, spanId, parentSpanId, kind, "));
        assert_eq!(
            &lines[1..],
            [
                "| filter durationNano > 1500000000",
                "| sort startTimeUnixNano desc",
                "| limit 10000"
            ]
        );
        assert_eq!(text_without_filter().lines().count(), 3);
    }

    fn text_without_filter() -> String {
        text(None, 10_000).unwrap()
    }

    #[test]
    fn a_part_without_a_counterpart_stops_the_query() {
        let error = text(Some("rootcause.fault.service"), 10_000).unwrap_err();
        assert!(
            matches!(&error, SpansError::Untranslatable { parts, .. } if parts.len() == 1),
            "{error:?}"
        );
    }
}
