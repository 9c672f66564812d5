//! Segment or subsegment, name, namespace, origin, ids and times.

use super::*;

#[test]
fn kind_and_parent_decide_segment_name_and_namespace() {
    struct Row {
        rule: &'static str,
        kind: i32,
        parent: bool,
        attributes: Vec<(&'static str, Value)>,
        name: &'static str,
        subsegment: bool,
        namespace: Option<&'static str>,
    }
    let rows = [
        Row {
            rule: "a server span is a segment named after its service, even with a parent",
            kind: SERVER,
            parent: true,
            attributes: vec![],
            name: "orders",
            subsegment: false,
            namespace: None,
        },
        Row {
            rule: "a span without a parent is a segment",
            kind: INTERNAL,
            parent: false,
            attributes: vec![],
            name: "GET /orders/id",
            subsegment: false,
            namespace: None,
        },
        Row {
            rule: "aws.local.service names a server span",
            kind: SERVER,
            parent: false,
            attributes: vec![("aws.local.service", text("orders-api"))],
            name: "orders-api",
            subsegment: false,
            namespace: None,
        },
        Row {
            rule: "a client child is a remote subsegment",
            kind: CLIENT,
            parent: true,
            attributes: vec![],
            name: "GET /orders/id",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "an internal child is a subsegment without namespace",
            kind: INTERNAL,
            parent: true,
            attributes: vec![],
            name: "GET /orders/id",
            subsegment: true,
            namespace: None,
        },
        Row {
            rule: "rpc.system aws-api: namespace aws, named by rpc.service",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("rpc.system", text("aws-api")),
                ("rpc.service", text("DynamoDB")),
            ],
            name: "DynamoDB",
            subsegment: true,
            namespace: Some("aws"),
        },
        Row {
            rule: "aws.service names the call and makes it aws",
            kind: INTERNAL,
            parent: true,
            attributes: vec![("aws.service", text("S3"))],
            name: "S3",
            subsegment: true,
            namespace: Some("aws"),
        },
        Row {
            rule: "aws.remote.service names a call, without the AWS:: prefix on SDK calls",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("rpc.system", text("aws-api")),
                ("aws.remote.service", text("AWS::DynamoDB")),
                ("peer.service", text("ignored")),
            ],
            name: "DynamoDB",
            subsegment: true,
            namespace: Some("aws"),
        },
        Row {
            rule: "a producer subsegment with aws.remote.service is remote",
            kind: PRODUCER,
            parent: true,
            attributes: vec![("aws.remote.service", text("billing"))],
            name: "billing",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "peer.service comes before aws.service and db.name",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("peer.service", text("inventory")),
                ("aws.service", text("S3")),
                ("db.name", text("stock")),
            ],
            name: "inventory",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "db.name @ the host of the connection string, less jdbc:",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("db.name", text("orders")),
                (
                    "db.connection_string",
                    text("jdbc:mysql://db.example.com:3306"),
                ),
            ],
            name: "orders@db.example.com",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "db.namespace and server.address in current conventions",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("db.namespace", text("orders")),
                ("server.address", text("pg.internal")),
            ],
            name: "orders@pg.internal",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "then rpc.service, http.host, net.peer.name",
            kind: CLIENT,
            parent: true,
            attributes: vec![
                ("http.host", text("api.example.com")),
                ("net.peer.name", text("10.0.0.1")),
            ],
            name: "api.example.com",
            subsegment: true,
            namespace: Some("remote"),
        },
        Row {
            rule: "service.name only names server spans",
            kind: CLIENT,
            parent: true,
            attributes: vec![("net.peer.name", text("payments.internal"))],
            name: "payments.internal",
            subsegment: true,
            namespace: Some("remote"),
        },
    ];
    for row in rows {
        let document = only(span(
            "GET /orders/{id}",
            row.kind,
            row.parent,
            &row.attributes,
        ));
        assert_eq!(document["name"], row.name, "{}", row.rule);
        assert_eq!(
            document.get("type").is_some(),
            row.subsegment,
            "{}",
            row.rule
        );
        if row.subsegment {
            assert_eq!(document["type"], "subsegment", "{}", row.rule);
        }
        assert_eq!(
            document.get("namespace").and_then(Json::as_str),
            row.namespace,
            "{}",
            row.rule
        );
        assert_eq!(
            document.get("parent_id").is_some(),
            row.parent,
            "{}",
            row.rule
        );
    }
}

#[test]
fn ids_times_and_origin() {
    let document = only(span("GET /", SERVER, true, &[]));
    assert_eq!(document["trace_id"], XRAY_TRACE_ID);
    assert_eq!(document["id"], "53995c3f42cd8ad8");
    assert_eq!(document["parent_id"], "0a0b0c0d0e0f1011");
    assert_eq!(document["start_time"], 1_700_000_000.5);
    assert_eq!(document["end_time"], 1_700_000_000.75);
    assert_eq!(document["origin"], "AWS::EC2::Instance");
    let child = only(span("GET /", CLIENT, true, &[]));
    assert_eq!(child.get("origin"), None, "origin is a segment's");
}

#[test]
fn bad_ids_are_named_and_the_span_kept() {
    let mut zeros = span("GET /x", SERVER, false, &[]);
    zeros.trace_id = vec![0; 16];
    let mut short = span("GET /y", SERVER, false, &[]);
    short.span_id = vec![0xab, 0xcd];
    short.trace_id = vec![1, 2, 3];
    let mut missing = span("GET /z", SERVER, false, &[]);
    missing.span_id.clear();
    let (documents, problems) = translate_with(
        &request(&default_resource(), vec![zeros, short, missing]),
        &TranslateOptions::default(),
    );
    assert_eq!(documents.len(), 3);
    assert_eq!(
        documents[0]["trace_id"],
        "1-00000000-000000000000000000000000"
    );
    assert_eq!(documents[1]["trace_id"], "010203");
    assert_eq!(documents[1]["id"], "abcd");
    let given = documents[2]["id"].as_str().unwrap();
    assert_eq!(given.len(), 16);
    assert_eq!(
        problems,
        [
            "span 1 of resource 1 (name \"GET /x\"): trace id is all zeros".to_owned(),
            "span 2 of resource 1 (name \"GET /y\"): trace id is 3 bytes long, not 16".to_owned(),
            "span 2 of resource 1 (name \"GET /y\"): span id is 2 bytes long, not 8".to_owned(),
            format!(
                "span 3 of resource 1 (name \"GET /z\"): span id is missing; it is shown as {given}"
            ),
        ]
    );
    for document in &documents {
        let segment = Segment::parse(&document.to_string()).unwrap();
        assert_eq!(segment.validate(true), Ok(()));
    }
}

#[test]
fn a_local_root_client_span_gives_a_service_segment_and_its_call() {
    let local_root = span(
        "SQS.SendMessage",
        PRODUCER,
        false,
        &[
            ("aws.span.kind", text("LOCAL_ROOT")),
            ("aws.local.service", text("checkout")),
            ("aws.remote.service", text("AWS::SQS")),
            ("rpc.system", text("aws-api")),
            ("rpc.method", text("SendMessage")),
            ("http.response.status_code", Value::IntValue(200)),
            ("cart", text("c-7")),
        ],
    );
    let (documents, problems) = translate_with(
        &request(&default_resource(), vec![local_root]),
        &TranslateOptions::default(),
    );
    assert!(problems.is_empty());
    let [call, service] = &documents[..] else {
        panic!("two documents, got {documents:?}");
    };
    assert_eq!(call["name"], "SQS");
    assert_eq!(call["type"], "subsegment");
    assert_eq!(call["namespace"], "aws");
    assert_eq!(call["id"], "53995c3f42cd8ad8");
    assert_eq!(call["parent_id"], service["id"]);
    assert_eq!(call["aws"]["operation"], "SendMessage");
    assert_eq!(call["otel"]["local_root"], "dependency");

    assert_eq!(service["name"], "checkout");
    assert_eq!(service.get("type"), None);
    assert_eq!(service.get("namespace"), None);
    assert_eq!(service.get("parent_id"), None);
    assert_eq!(service.get("http"), None);
    assert_eq!(service["aws"].get("operation"), None);
    assert_eq!(service["origin"], "AWS::EC2::Instance");
    let metadata = service["metadata"]["default"].as_object().unwrap();
    assert!(metadata.keys().all(|key| key.starts_with("otel.resource.")));
    assert_eq!(service["otel"]["local_root"], "service");
    assert_ne!(service["id"], call["id"]);
}

#[test]
fn a_local_root_server_span_is_one_segment() {
    let document = only(span(
        "GET /",
        SERVER,
        true,
        &[
            ("aws.span.kind", text("LOCAL_ROOT")),
            ("aws.local.service", text("checkout")),
        ],
    ));
    assert_eq!(document["name"], "checkout");
    assert_eq!(document.get("type"), None);
}
