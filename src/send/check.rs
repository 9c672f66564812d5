//! A segment document checked as X-Ray checks it on PutTraceSegments, so that a document it
//! would reject is reported here, with the reason, instead of being sent.

use serde_json::Value;

/// X-Ray's limit for one segment document.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// How long X-Ray keeps traces; older trace ids and timestamps are refused.
pub const RETENTION_SECONDS: f64 = 30.0 * 86_400.0;

/// What the retention rejection advises.
pub const RETENTION_ADVICE: &str = "--rebase-time moves a recording to now";

/// Why X-Ray would refuse `document` at `now` (epoch seconds), or `None` if it would take it.
pub fn rejection(document: &str, now: f64) -> Option<String> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Some(format!(
            "{} bytes: X-Ray takes segment documents of at most 64 KB",
            document.len()
        ));
    }
    if is_otlp(document) {
        return None;
    }
    let value: Value = match serde_json::from_str(document) {
        Ok(value) => value,
        Err(error) => return Some(format!("not JSON: {error}")),
    };
    let Some(fields) = value.as_object() else {
        return Some("not a JSON object".into());
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str);
    let number = |key: &str| fields.get(key).and_then(Value::as_f64);
    match text("name") {
        None => return Some("no \"name\"".into()),
        Some(name) if name.is_empty() || name.chars().count() > 200 => {
            return Some("\"name\" must have 1 to 200 characters".into());
        }
        Some(_) => {}
    }
    match text("id") {
        Some(id) if is_hex(id, 16) => {}
        Some(id) => return Some(format!("\"id\" {id:?} is not 16 hexadecimal digits")),
        None => return Some("no \"id\"".into()),
    }
    let Some(trace_id) = text("trace_id") else {
        return Some("no \"trace_id\"".into());
    };
    let Some(epoch) = trace_id_epoch(trace_id) else {
        return Some(format!(
            "\"trace_id\" {trace_id:?} is not 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx"
        ));
    };
    let Some(start) = number("start_time") else {
        return Some("no numeric \"start_time\"".into());
    };
    let in_progress = fields.get("in_progress").and_then(Value::as_bool) == Some(true);
    match number("end_time") {
        Some(end) if end < start => {
            return Some("\"end_time\" is before \"start_time\"".into());
        }
        Some(_) if in_progress => {
            return Some("both \"end_time\" and \"in_progress\": true".into());
        }
        None if !in_progress => {
            return Some("neither \"end_time\" nor \"in_progress\": true".into());
        }
        _ => {}
    }
    if text("type") == Some("subsegment") && !text("parent_id").is_some_and(|p| is_hex(p, 16)) {
        return Some("a subsegment sent on its own needs a 16-digit \"parent_id\"".into());
    }
    let oldest = now - RETENTION_SECONDS;
    if (epoch as f64) < oldest || start < oldest {
        return Some(format!(
            "from {} days ago: X-Ray keeps 30 days ({RETENTION_ADVICE})",
            ((now - start.min(epoch as f64)) / 86_400.0).floor()
        ));
    }
    None
}

/// The document's `id`, or "" when it has none.
/// An OTLP trace request as ADOT sends it over UDP (`T1S`/`T1U` and base64), which X-Ray's
/// PutTraceSegments takes as it is, as the daemon passes it on.
pub fn is_otlp(document: &str) -> bool {
    document.starts_with("T1S") || document.starts_with("T1U")
}

pub fn segment_id(document: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<String>,
    }
    serde_json::from_str::<Id>(document)
        .ok()
        .and_then(|d| d.id)
        .unwrap_or_default()
}

fn is_hex(text: &str, digits: usize) -> bool {
    text.len() == digits && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The epoch seconds in an X-Ray trace id (`1-{8 hex}-{24 hex}`).
pub fn trace_id_epoch(trace_id: &str) -> Option<u32> {
    let mut parts = trace_id.split('-');
    let (Some("1"), Some(epoch), Some(random), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !is_hex(epoch, 8) || !is_hex(random, 24) {
        return None;
    }
    u32::from_str_radix(epoch, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_795_317_600.0;

    #[test]
    fn otlp_bodies_pass_as_they_are() {
        assert_eq!(rejection("T1SCgA=", NOW), None);
        assert_eq!(rejection("T1UCgA=", NOW), None);
        assert!(rejection(&format!("T1S{}", "A".repeat(70_000)), NOW).is_some());
    }

    fn document(extra: &str) -> String {
        format!(
            r#"{{"name":"checkout","id":"70de5b6f19ff9a0a","trace_id":"1-6b025f00-bd862e3fe1be46a994272793","start_time":1795317500.0{extra}}}"#
        )
    }

    #[test]
    fn a_complete_document_passes() {
        assert_eq!(
            rejection(&document(r#","end_time":1795317501.0"#), NOW),
            None
        );
        assert_eq!(rejection(&document(r#","in_progress":true"#), NOW), None);
    }

    #[test]
    fn each_rule_names_what_is_wrong() {
        let reason = |doc: &str| rejection(doc, NOW).unwrap();
        assert!(reason(&document("")).contains("neither \"end_time\""));
        assert!(reason(&document(r#","end_time":1.0"#)).contains("before \"start_time\""));
        assert!(
            reason(&document(r#","end_time":1795317501.0,"type":"subsegment""#))
                .contains("parent_id")
        );
        assert!(reason(r#"{"id":"70de5b6f19ff9a0a"}"#).contains("no \"name\""));
        assert!(reason(r#"{"name":"a","id":"xyz"}"#).contains("16 hexadecimal"));
        assert!(
            reason(r#"{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"abc","start_time":1}"#)
                .contains("is not 1-xxxxxxxx")
        );
        assert!(reason("[1]").contains("not a JSON object"));
        assert!(reason("{").contains("not JSON"));
        let big = document(&format!(
            r#","end_time":1795317501.0,"x":"{}""#,
            "a".repeat(70_000)
        ));
        assert!(reason(&big).contains("at most 64 KB"));
        let old = r#"{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1478293361.2,"end_time":1478293361.3}"#;
        assert!(
            reason(old).contains("X-Ray keeps 30 days"),
            "{}",
            reason(old)
        );
    }
}
