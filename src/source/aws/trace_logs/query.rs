//! The Logs Insights query for the log lines of one trace: the lines that carry its id in
//! either form (Lambda's `@xrayTraceId`, the JSON fields structured loggers write, or anywhere
//! in the message), over the trace's time with a margin either side.

/// Lines are looked for this long before the trace began and after it ended: clocks differ,
/// and a service logs before it opens its segment and after it closes it.
pub const MARGIN: f64 = 300.0;

/// What each row brings.
pub const FIELDS: &[&str] = &[
    "@timestamp",
    "@message",
    "@logStream",
    "@log",
    "@xrayTraceId",
    "@xraySegmentId",
];

/// The query text for the trace of this id, in either form.
pub fn text(trace_id: &str, limit: usize) -> String {
    let (xray, w3c) = match crate::model::logs::trace_id_digits(trace_id) {
        Some(digits) => (format!("1-{}-{}", &digits[..8], &digits[8..]), digits),
        None => (trace_id.to_owned(), trace_id.to_owned()),
    };
    let quoted = |id: &str| format!("\"{}\"", id.replace(['"', '\\', '/'], ""));
    let (xray, w3c) = (quoted(&xray), quoted(&w3c));
    let condition = [
        format!("@xrayTraceId = {xray}"),
        format!("`AWS-XRAY-TRACE-ID` like {xray}"),
        format!("traceId in [{xray}, {w3c}]"),
        format!("trace_id in [{xray}, {w3c}]"),
        format!("@message like {xray}"),
        format!("@message like {w3c}"),
    ]
    .join(" or ");
    format!(
        "fields {}\n| filter {condition}\n| sort @timestamp asc\n| limit {limit}",
        FIELDS.join(", ")
    )
}

/// The window to search, epoch seconds: the trace's with the margin, never past `now`.
pub fn window(start: f64, end: f64, now: f64) -> (f64, f64) {
    let from = (start - MARGIN).max(0.0);
    let to = (end.max(start) + MARGIN).min(now).max(from + 1.0);
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_looks_for_both_forms_of_the_id() {
        let text = text("1-5759e988-bd862e3fe1be46a994272793", 10_000);
        assert_eq!(
            text,
            "fields @timestamp, @message, @logStream, @log, @xrayTraceId, @xraySegmentId\n\
             | filter @xrayTraceId = \"1-5759e988-bd862e3fe1be46a994272793\" \
             or `AWS-XRAY-TRACE-ID` like \"1-5759e988-bd862e3fe1be46a994272793\" \
             or traceId in [\"1-5759e988-bd862e3fe1be46a994272793\", \"5759e988bd862e3fe1be46a994272793\"] \
             or trace_id in [\"1-5759e988-bd862e3fe1be46a994272793\", \"5759e988bd862e3fe1be46a994272793\"] \
             or @message like \"1-5759e988-bd862e3fe1be46a994272793\" \
             or @message like \"5759e988bd862e3fe1be46a994272793\"\n\
             | sort @timestamp asc\n| limit 10000"
        );
    }

    #[test]
    fn the_window_has_its_margin_and_stops_at_now() {
        assert_eq!(window(1000.0, 1002.0, 5000.0), (700.0, 1302.0));
        assert_eq!(window(1000.0, 1002.0, 1100.0), (700.0, 1100.0));
        assert_eq!(window(100.0, 90.0, 50.0), (0.0, 50.0));
        assert_eq!(
            window(1000.0, 1002.0, 600.0),
            (700.0, 701.0),
            "a clock behind"
        );
    }
}
