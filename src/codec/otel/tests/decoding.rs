//! Requests from protobuf and OTLP/JSON, and what is said when they are not requests.

use prost::Message;

use super::*;

fn encoded() -> Vec<u8> {
    let mut failing = span(
        "GET /x",
        CLIENT,
        true,
        &[("http.status_code", Value::IntValue(500))],
    );
    failing.events.push(Event {
        name: "exception".into(),
        attributes: pairs(&[("exception.type", text("E"))]),
        ..Default::default()
    });
    request(
        &default_resource(),
        vec![span("GET /", SERVER, false, &[]), failing],
    )
    .encode_to_vec()
}

#[test]
fn protobuf_round_trips() {
    let bytes = encoded();
    let decoded = decode_protobuf(&bytes).unwrap();
    assert_eq!(decoded.encode_to_vec(), bytes);
    assert_eq!(
        translate(&decoded, &TranslateOptions::default())
            .documents
            .len(),
        2
    );
}

#[test]
fn truncated_protobuf_is_an_error_never_a_panic() {
    let bytes = encoded();
    // The request is one resource: every cut inside it leaves a length that overruns.
    for cut in 1..bytes.len() {
        let error = decode_protobuf(&bytes[..cut]).unwrap_err();
        assert!(
            error.starts_with("not an OTLP protobuf trace request"),
            "{error}"
        );
    }
}

#[test]
fn garbage_protobuf_is_an_error_never_a_panic() {
    for garbage in [
        &b"\x00"[..],
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        b"\x0a\xff\xff\xff\xff\x0f",
        b"{\"resourceSpans\":[]}",
        b"T1S\x0a\x05hello",
    ] {
        assert!(decode_protobuf(garbage).is_err(), "{garbage:?}");
    }
    // Every byte flipped in a real encoding: whatever decodes must translate.
    let bytes = encoded();
    for at in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[at] ^= 0xa5;
        if let Ok(request) = decode_protobuf(&changed) {
            translate(&request, &TranslateOptions::default());
        }
    }
}

const OTLP_JSON: &str = r#"{"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"orders"}}]},
  "scopeSpans":[{"scope":{"name":"manual"},"spans":[
    {"traceId":"658a4f10a006649127e371903a2de979","spanId":"53995c3f42cd8ad8",
     "name":"GET /orders","kind":KIND,"startTimeUnixNano":"1700000000500000000",
     "endTimeUnixNano":1700000000750000000,
     "attributes":[{"key":"http.response.status_code","value":{"intValue":"503"}}],
     "status":{"code":CODE,"message":"upstream down"}}]}]}]}"#;

fn otlp_json(kind: &str, code: &str) -> String {
    OTLP_JSON.replace("KIND", kind).replace("CODE", code)
}

#[test]
fn json_with_enums_as_numbers_or_names() {
    for (kind, code) in [
        ("2", "2"),
        ("\"SPAN_KIND_SERVER\"", "\"STATUS_CODE_ERROR\""),
        ("\"SERVER\"", "\"ERROR\""),
    ] {
        let request = decode_json(&otlp_json(kind, code)).unwrap();
        let (documents, problems) = translate_with(&request, &TranslateOptions::default());
        assert!(problems.is_empty(), "{problems:?}");
        let document = &documents[0];
        assert_eq!(document["trace_id"], XRAY_TRACE_ID);
        assert_eq!(document["id"], "53995c3f42cd8ad8");
        assert_eq!(document["name"], "orders", "a server span: {kind}");
        assert_eq!(document["fault"], true);
        assert_eq!(document["otel"]["status"]["code"], "ERROR");
        assert_eq!(document["start_time"], 1_700_000_000.5);
    }
}

#[test]
fn json_errors_say_what_was_wrong() {
    let error = decode_json(&otlp_json("\"SPAN_KIND_SIDEWAYS\"", "0")).unwrap_err();
    assert!(error.contains("SPAN_KIND_SIDEWAYS"), "{error}");
    let error =
        decode_json(&otlp_json("2", "0").replace("53995c3f42cd8ad8", "not-hex")).unwrap_err();
    assert!(
        error.starts_with("not an OTLP/JSON trace request"),
        "{error}"
    );
    assert!(error.contains("line 4"), "{error}");
    let error = decode_json("{\"resourceSpans\": [").unwrap_err();
    assert!(error.contains("EOF"), "{error}");
    assert!(decode_json("[]").is_err());
}
