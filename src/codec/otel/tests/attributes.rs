//! Annotations, metadata, the user, resource attributes and the original span.

use super::*;

#[test]
fn annotations_from_the_span_list_and_from_indexed_keys() {
    let attributes = [
        ("aws.xray.annotations", strings(&["tier", "retries"])),
        ("tier", text("gold")),
        ("retries", Value::IntValue(2)),
        ("cart.total", Value::DoubleValue(19.5)),
        ("cart-id", text("c-7")),
        ("tags", strings(&["a", "b"])),
        ("plain", Value::BoolValue(true)),
        ("enduser.id", text("alice")),
    ];
    let options = TranslateOptions {
        indexed_keys: vec!["cart.total".into(), "cart-id".into(), "tags".into()],
        ..TranslateOptions::default()
    };
    let (documents, _) = translate_with(
        &request(
            &default_resource(),
            vec![span("GET /", SERVER, false, &attributes)],
        ),
        &options,
    );
    let document = &documents[0];
    assert_eq!(
        document["annotations"],
        json!({"tier": "gold", "retries": 2, "cart.total": 19.5, "cart_id": "c-7"})
    );
    let default = &document["metadata"]["default"];
    assert_eq!(default["plain"], true);
    assert_eq!(
        default["tags"],
        json!(["a", "b"]),
        "lists cannot be annotations"
    );
    assert_eq!(default.get("aws.xray.annotations"), None);
    assert_eq!(document["user"], "alice");
    assert_eq!(default.get("enduser.id"), None);

    let everything = TranslateOptions {
        index_all: true,
        ..TranslateOptions::default()
    };
    let (documents, _) = translate_with(
        &request(
            &default_resource(),
            vec![span("GET /", SERVER, false, &attributes)],
        ),
        &everything,
    );
    let annotations = &documents[0]["annotations"];
    assert_eq!(annotations["plain"], true);
    assert_eq!(annotations["otel.resource.service.name"], "orders");
}

#[test]
fn metadata_namespaces_from_json_attributes() {
    let document = only(span(
        "GET /",
        SERVER,
        false,
        &[
            (
                "aws.xray.metadata.billing",
                text(r#"{"plan":"pro","seats":5}"#),
            ),
            ("aws.xray.metadata.broken", text("{not json")),
        ],
    ));
    assert_eq!(
        document["metadata"]["billing"],
        json!({"plan": "pro", "seats": 5})
    );
    assert_eq!(
        document["metadata"]["default"]["aws.xray.metadata.broken"],
        "{not json"
    );
}

#[test]
fn resource_attributes_go_on_segments_only() {
    let (documents, _) = translate_with(
        &request(
            &default_resource(),
            vec![
                span("GET /", SERVER, false, &[]),
                span("SELECT", CLIENT, true, &[]),
            ],
        ),
        &TranslateOptions::default(),
    );
    let segment = &documents[0]["metadata"]["default"];
    assert_eq!(segment["otel.resource.service.name"], "orders");
    assert_eq!(segment["otel.resource.cloud.platform"], "aws_ec2");
    assert_eq!(documents[1].get("metadata"), None);
    assert_eq!(documents[0]["aws"]["ec2"], json!({}), "EC2 without details");
    assert_eq!(documents[1].get("aws"), None);
}

#[test]
fn the_original_span_is_kept_under_otel() {
    let mut server = span(
        "GET /orders/{id}",
        SERVER,
        false,
        &[
            ("http.route", text("/orders/{id}")),
            ("payload", Value::BytesValue(vec![1, 2, 255])),
        ],
    );
    server.status = Some(Status {
        code: 2,
        message: "boom".into(),
    });
    server.events.push(exception_event("E", "m", ""));
    server
        .links
        .push(opentelemetry_proto::tonic::trace::v1::span::Link {
            trace_id: TRACE_ID.to_vec(),
            span_id: PARENT_ID.to_vec(),
            attributes: pairs(&[("link.reason", text("batch"))]),
            ..Default::default()
        });
    let options = TranslateOptions {
        sampled: false,
        ..TranslateOptions::default()
    };
    let (documents, _) = translate_with(&request(&default_resource(), vec![server]), &options);
    let otel = &documents[0][original::KEY];
    assert_eq!(otel["name"], "GET /orders/{id}");
    assert_eq!(otel["kind"], "SERVER");
    assert_eq!(otel["trace_id"], "658a4f10a006649127e371903a2de979");
    assert_eq!(otel["span_id"], "53995c3f42cd8ad8");
    assert_eq!(otel["status"], json!({"code": "ERROR", "message": "boom"}));
    assert_eq!(otel["attributes"]["payload"], "AQL/");
    assert_eq!(otel["resource"]["service.name"], "orders");
    assert_eq!(
        otel["scope"],
        json!({"name": "opentelemetry.instrumentation.flask", "version": "0.48b0"})
    );
    assert_eq!(otel["events"][0]["name"], "exception");
    assert_eq!(otel["events"][0]["time"], 1_700_000_000.6);
    assert_eq!(otel["events"][0]["attributes"]["exception.type"], "E");
    assert_eq!(
        otel["links"][0],
        json!({
            "trace_id": "658a4f10a006649127e371903a2de979",
            "xray_trace_id": XRAY_TRACE_ID,
            "span_id": "0a0b0c0d0e0f1011",
            "attributes": {"link.reason": "batch"}
        })
    );
    assert_eq!(otel["sampled"], false);
}

#[test]
fn untrusted_text_is_kept_escaped_and_big_values_whole() {
    let big = "x".repeat(64 * 1024);
    let document = only(span(
        "GET /\u{1b}[2J",
        SERVER,
        false,
        &[("note", text("bell\u{7} esc\u{1b}")), ("big", text(&big))],
    ));
    assert_eq!(
        document["metadata"]["default"]["note"],
        "bell\u{7} esc\u{1b}"
    );
    assert_eq!(
        document["metadata"]["default"]["big"]
            .as_str()
            .map(str::len),
        Some(big.len())
    );
    assert_eq!(document["otel"]["name"], "GET /\u{1b}[2J");
}

#[test]
fn every_document_reads_back_as_a_segment() {
    let mut failing = span(
        "GET /",
        CLIENT,
        true,
        &[("http.status_code", Value::IntValue(503))],
    );
    failing.events.push(exception_event("E", "m", ""));
    let (documents, _) = translate_with(
        &request(
            &default_resource(),
            vec![span("GET /", SERVER, false, &[]), failing],
        ),
        &TranslateOptions::default(),
    );
    for document in documents {
        let segment = Segment::parse(&document.to_string()).unwrap();
        assert_eq!(segment.validate(true), Ok(()));
        assert_eq!(segment.trace_id.as_deref(), Some(XRAY_TRACE_ID));
    }
}

#[test]
fn a_large_request_translates_every_span() {
    const SPANS: usize = 100_000;
    let spans = (0..SPANS)
        .map(|n| {
            let mut child = span("work", INTERNAL, true, &[("n", Value::IntValue(n as i64))]);
            child.span_id = (n as u64 + 1).to_be_bytes().to_vec();
            child
        })
        .collect();
    let translated = translate(
        &request(&default_resource(), spans),
        &TranslateOptions::default(),
    );
    assert_eq!(translated.documents.len(), SPANS);
    assert!(translated.problems.is_empty());
}

#[test]
fn a_large_resource_is_repeated_in_full_only_on_its_first_span() {
    let big = "r".repeat(20 * 1024);
    let mut resource = default_resource();
    resource.push(("process.command_args", text(&big)));
    let mut second = span("GET /b", SERVER, false, &[]);
    second.span_id = PARENT_ID.to_vec();
    let (documents, problems) = translate_with(
        &request(&resource, vec![span("GET /a", SERVER, false, &[]), second]),
        &TranslateOptions::default(),
    );
    assert_eq!(
        problems,
        [
            "resource 1: its attributes take 21 KB, more than X-Ray's 16 KB for a resource; \
          only the documents of its first span repeat them"
        ]
    );
    let first = &documents[0];
    assert_eq!(
        first["otel"]["resource"]["process.command_args"],
        big.as_str()
    );
    assert_eq!(
        first["metadata"]["default"]["otel.resource.process.command_args"],
        big.as_str()
    );
    let later = &documents[1];
    assert_eq!(
        later["otel"]["resource"],
        json!({original::NOT_REPEATED: "21 KB of attributes, in full in the documents of span 1 of resource 1"})
    );
    assert_eq!(later.get("metadata"), None);
    assert_eq!(
        later["origin"], "AWS::EC2::Instance",
        "the resource still decides"
    );
}
