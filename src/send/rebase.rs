//! `--rebase-time`: moves a recording to the present so X-Ray takes it. Every timestamp is
//! shifted by the same amount, and each trace id's epoch with it (X-Ray refuses trace ids
//! from outside its retention); span ids are kept, so parent links stay intact.

use serde_json::Value;

use super::check::trace_id_epoch;

/// The shift that makes the newest time in `documents` fall on `now`; `None` when no
/// document has a time.
pub fn shift_to(documents: &[String], now: f64) -> Option<f64> {
    let newest = documents
        .iter()
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|v| newest_time(&v))
        .reduce(f64::max)?;
    Some((now - newest).round())
}

/// The document moved by `shift` seconds, with its trace id moved to match.
pub fn shift_document(document: &str, shift: f64) -> Result<String, String> {
    let mut value: Value = serde_json::from_str(document).map_err(|e| format!("not JSON: {e}"))?;
    let mut pending = vec![&mut value];
    while let Some(node) = pending.pop() {
        let Some(fields) = node.as_object_mut() else {
            continue;
        };
        for key in ["start_time", "end_time"] {
            if let Some(time) = fields.get_mut(key)
                && let Some(seconds) = time.as_f64()
            {
                *time = Value::from(seconds + shift);
            }
        }
        if let Some(Value::String(trace_id)) = fields.get_mut("trace_id") {
            *trace_id = shift_trace_id(trace_id, shift)?;
        }
        if let Some(Value::Array(children)) = fields.get_mut("subsegments") {
            pending.extend(children.iter_mut());
        }
    }
    Ok(value.to_string())
}

/// `1-{epoch}-{random}` with the epoch moved by `shift` seconds.
pub fn shift_trace_id(trace_id: &str, shift: f64) -> Result<String, String> {
    let epoch = trace_id_epoch(trace_id).ok_or_else(|| {
        format!("trace id {trace_id:?} is not 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx")
    })?;
    let moved = epoch as f64 + shift;
    if !(0.0..=u32::MAX as f64).contains(&moved) {
        return Err(format!(
            "trace id {trace_id:?} cannot be moved by {shift} s"
        ));
    }
    Ok(format!("1-{:08x}-{}", moved as u32, &trace_id[11..]))
}

fn newest_time(value: &Value) -> Option<f64> {
    let mut newest: Option<f64> = None;
    let mut pending = vec![value];
    while let Some(node) = pending.pop() {
        for key in ["start_time", "end_time"] {
            if let Some(time) = node.get(key).and_then(Value::as_f64) {
                newest = Some(newest.map_or(time, |n| n.max(time)));
            }
        }
        if let Some(Value::Array(children)) = node.get("subsegments") {
            pending.extend(children);
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_trace_ids_move_together_and_ids_stay() {
        let segment = r#"{"name":"front","id":"70de5b6f19ff9a0a","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1478293361.25,"end_time":1478293361.5,"subsegments":[{"name":"db","id":"53995c3f42cd8ad8","start_time":1478293361.3,"end_time":1478293361.4}]}"#;
        let orphan = r#"{"name":"api","id":"6b55dcc497934f1a","type":"subsegment","parent_id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1478293361.31,"end_time":1478293361.35}"#;
        let documents = [segment.to_owned(), orphan.to_owned()];
        let now = 1_795_317_600.0;
        let shift = shift_to(&documents, now).unwrap();
        assert_eq!(shift, (now - 1_478_293_361.5_f64).round());
        let moved: Vec<Value> = documents
            .iter()
            .map(|d| serde_json::from_str(&shift_document(d, shift).unwrap()).unwrap())
            .collect();
        let new_id = format!(
            "1-{:08x}-bd862e3fe1be46a994272793",
            0x5759e988_u32 + shift as u32
        );
        assert_eq!(moved[0]["trace_id"], new_id.as_str());
        assert_eq!(
            moved[1]["trace_id"],
            new_id.as_str(),
            "the same trace still"
        );
        assert_eq!(moved[0]["start_time"], 1478293361.25 + shift);
        assert_eq!(moved[0]["subsegments"][0]["end_time"], 1478293361.4 + shift);
        assert_eq!(moved[1]["parent_id"], "53995c3f42cd8ad8", "links are kept");
        assert_eq!(moved[0]["subsegments"][0]["id"], "53995c3f42cd8ad8");
        let end = moved[0]["end_time"].as_f64().unwrap();
        assert!((end - now).abs() < 1.0, "the newest time is now");
    }

    #[test]
    fn a_bad_trace_id_is_refused_by_name() {
        let error = shift_document(r#"{"trace_id":"abc","start_time":1}"#, 10.0).unwrap_err();
        assert!(error.contains("\"abc\""), "{error}");
    }
}
