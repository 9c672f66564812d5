//! Moves a demo document in time by rewriting its text: every `start_time`, `end_time` and
//! `time` number moves by the time shift, and every `trace_id` (X-Ray's `1-epoch-…` or OTLP's
//! 32 hex digits) by the id shift. The text is scanned once, strings skipped whole, so a key
//! inside a string value is never taken for a key; no tree is built.

use crate::model::trace_id;

/// The document `json` moved: times by `time_shift` seconds, trace ids' epochs by `id_shift`.
pub fn shift_document(json: &str, time_shift: f64, id_shift: i64) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 16);
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'"' {
            at += 1;
            continue;
        }
        let key_end = string_end(bytes, at);
        let key = json.get(at + 1..key_end - 1).unwrap_or_default();
        let after = skip_space(bytes, key_end);
        if bytes.get(after) != Some(&b':') {
            at = key_end;
            continue;
        }
        let value_start = skip_space(bytes, after + 1);
        let moved = match key {
            "start_time" | "end_time" | "time" => {
                let end = number_end(bytes, value_start);
                json[value_start..end]
                    .parse::<f64>()
                    .ok()
                    .map(|time| (end, format_number(time + time_shift)))
            }
            "trace_id" if bytes.get(value_start) == Some(&b'"') => {
                let end = string_end(bytes, value_start);
                json.get(value_start + 1..end - 1)
                    .and_then(|id| shift_id(id, id_shift))
                    .map(|id| (end, format!("\"{id}\"")))
            }
            _ => None,
        };
        match moved {
            Some((end, text)) => {
                out.push_str(&json[copied..value_start]);
                out.push_str(&text);
                copied = end;
                at = end;
            }
            None => at = value_start,
        }
    }
    out.push_str(&json[copied..]);
    out
}

/// An X-Ray id (`1-5759e988-…`) or an OTLP hex id (`5759e988…`, 32 digits) with its epoch moved.
fn shift_id(id: &str, shift: i64) -> Option<String> {
    if id.starts_with("1-") {
        return trace_id::shift_epoch(id, shift);
    }
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let moved = trace_id::shift_epoch(&format!("1-{}-{}", &id[..8], &id[8..]), shift)?;
    Some(moved.replace('-', "")[1..].to_owned())
}

/// Shortest text that reads back as the same number (as serde_json writes it).
fn format_number(value: f64) -> String {
    if value.is_finite() {
        let text = format!("{value}");
        if text.contains('.') || text.contains('e') {
            text
        } else {
            format!("{text}.0")
        }
    } else {
        "null".into()
    }
}

/// The byte after the string that opens at `start` (a `"`), or the end of the text.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn number_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while at < bytes.len() && matches!(bytes[at], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
        at += 1;
    }
    at
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_both_kinds_of_trace_id_move() {
        let document = r#"{"trace_id":"1-6968b3f5-a4c5957f1f53718d169ecb9d","id":"af64cee7fc7bbad4","start_time":1768469493.5,"end_time": 1768469494,"otel":{"trace_id":"6968b3f5a4c5957f1f53718d169ecb9d","events":[{"name":"exception","time":1768469493.75,"attributes":{}}]}}"#;
        let moved: serde_json::Value =
            serde_json::from_str(&shift_document(document, 600.0, 600)).unwrap();
        assert_eq!(moved["start_time"], 1768470093.5);
        assert_eq!(moved["end_time"], 1768470094.0);
        assert_eq!(moved["trace_id"], "1-6968b64d-a4c5957f1f53718d169ecb9d");
        assert_eq!(moved["otel"]["events"][0]["time"], 1768470093.75);
        assert_eq!(
            moved["otel"]["trace_id"],
            "6968b64da4c5957f1f53718d169ecb9d"
        );
    }

    #[test]
    fn keys_inside_strings_and_other_shapes_stay_as_they_are() {
        let document = r#"{"name":"say \"start_time\": 5","start_time":"soon","annotations":{"note":"\"end_time\":1"},"trace_id":7}"#;
        assert_eq!(shift_document(document, 600.0, 600), document);
    }

    #[test]
    fn time_and_id_shifts_are_apart() {
        let document = r#"{"trace_id":"1-6968b3f5-a4c5957f1f53718d169ecb9d","start_time":100.25}"#;
        assert_eq!(
            shift_document(document, 1.0, 0),
            r#"{"trace_id":"1-6968b3f5-a4c5957f1f53718d169ecb9d","start_time":101.25}"#
        );
    }
}
