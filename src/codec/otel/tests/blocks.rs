//! The http, sql, aws and cause blocks, and the error, throttle and fault flags.

use super::*;

#[test]
fn old_and_new_http_conventions_give_the_same_block() {
    let old = [
        ("http.method", text("POST")),
        ("http.scheme", text("https")),
        ("net.host.name", text("shop.example.com")),
        ("net.host.port", Value::IntValue(8443)),
        ("http.target", text("/cart?id=7")),
        ("http.user_agent", text("curl/8.5.0")),
        ("http.client_ip", text("203.0.113.9")),
        ("http.status_code", Value::IntValue(201)),
        ("http.response_content_length", Value::IntValue(512)),
    ];
    let new = [
        ("http.request.method", text("POST")),
        ("url.scheme", text("https")),
        ("server.address", text("shop.example.com")),
        ("server.port", Value::IntValue(8443)),
        ("url.path", text("/cart")),
        ("url.query", text("id=7")),
        ("user_agent.original", text("curl/8.5.0")),
        ("client.address", text("203.0.113.9")),
        ("http.response.status_code", Value::IntValue(201)),
        ("http.response.body.size", Value::IntValue(512)),
    ];
    let expected = json!({
        "request": {
            "method": "POST",
            "url": "https://shop.example.com:8443/cart?id=7",
            "user_agent": "curl/8.5.0",
            "client_ip": "203.0.113.9",
            "x_forwarded_for": true
        },
        "response": {"status": 201, "content_length": 512}
    });
    for attributes in [&old[..], &new[..]] {
        let document = only(span("POST /cart", SERVER, false, attributes));
        assert_eq!(document["http"], expected);
        assert_eq!(
            document["metadata"]["default"].get("url.path"),
            None,
            "attributes the block is made from are not repeated"
        );
    }
    let client = only(span(
        "GET",
        CLIENT,
        true,
        &[
            ("http.request.method", text("GET")),
            ("url.full", text("https://api.example.com/v1/items")),
            ("network.peer.address", text("10.1.2.3")),
        ],
    ));
    assert_eq!(
        client["http"],
        json!({"request": {"method": "GET", "url": "https://api.example.com/v1/items"}}),
        "a client's peer is not its caller"
    );
}

#[test]
fn status_codes_and_span_status_set_error_throttle_and_fault() {
    struct Row {
        rule: &'static str,
        code: Option<(&'static str, i64)>,
        status: Option<(i32, &'static str)>,
        /// error, throttle, fault
        flags: (bool, bool, bool),
        message: Option<&'static str>,
    }
    let rows = [
        Row {
            rule: "200 is fine",
            code: Some(("http.status_code", 200)),
            status: None,
            flags: (false, false, false),
            message: None,
        },
        Row {
            rule: "404 is an error",
            code: Some(("http.response.status_code", 404)),
            status: None,
            flags: (true, false, false),
            message: None,
        },
        Row {
            rule: "429 is an error and a throttle",
            code: Some(("http.status_code", 429)),
            status: None,
            flags: (true, true, false),
            message: None,
        },
        Row {
            rule: "503 is a fault",
            code: Some(("http.response.status_code", 503)),
            status: None,
            flags: (false, false, true),
            message: None,
        },
        Row {
            rule: "status ERROR without a code is a fault with the message",
            code: None,
            status: Some((2, "deadline exceeded")),
            flags: (false, false, true),
            message: Some("deadline exceeded"),
        },
        Row {
            rule: "a 4xx code wins over status ERROR",
            code: Some(("http.status_code", 400)),
            status: Some((2, "bad input")),
            flags: (true, false, false),
            message: Some("bad input"),
        },
        Row {
            rule: "status OK is fine",
            code: None,
            status: Some((1, "")),
            flags: (false, false, false),
            message: None,
        },
    ];
    for row in rows {
        let attributes: Vec<(&str, Value)> = row
            .code
            .map(|(key, code)| (key, Value::IntValue(code)))
            .into_iter()
            .collect();
        let mut span = span("GET /", SERVER, false, &attributes);
        span.status = row.status.map(|(code, message)| Status {
            code,
            message: message.into(),
        });
        let document = only(span);
        let flag = |name: &str| document.get(name).and_then(Json::as_bool).unwrap_or(false);
        assert_eq!(
            (flag("error"), flag("throttle"), flag("fault")),
            row.flags,
            "{}",
            row.rule
        );
        let first_message = document
            .pointer("/cause/exceptions/0/message")
            .and_then(Json::as_str);
        assert_eq!(first_message, row.message, "{}", row.rule);
    }
}

#[test]
fn exception_events_become_the_cause_with_frames() {
    let mut client = span("GET /stock", CLIENT, true, &[]);
    client.events.push(exception_event(
        "LookupError",
        "order 42 not found",
        "Traceback (most recent call last):\n  File \"/app/views.py\", line 42, in get_order\n    load()\nLookupError: order 42 not found\n",
    ));
    let document = only(client);
    let exception = &document["cause"]["exceptions"][0];
    assert_eq!(exception["type"], "LookupError");
    assert_eq!(exception["message"], "order 42 not found");
    assert_eq!(exception["remote"], true, "a client's exception is remote");
    assert_eq!(
        exception["stack"],
        json!([{"path": "/app/views.py", "line": 42, "label": "get_order"}])
    );
    assert_eq!(exception["id"].as_str().map(str::len), Some(16));
}

#[test]
fn sql_block_for_sql_databases_only() {
    let document = only(span(
        "SELECT orders",
        CLIENT,
        true,
        &[
            ("db.system", text("postgresql")),
            ("db.name", text("shop")),
            ("db.user", text("app")),
            ("db.statement", text("SELECT * FROM orders WHERE id = $1")),
            (
                "db.connection_string",
                text("postgresql://pg.internal:5432"),
            ),
        ],
    ));
    assert_eq!(
        document["sql"],
        json!({
            "url": "SELECT orders",
            "connection_string": "postgresql://pg.internal:5432/shop",
            "database_type": "postgresql",
            "user": "app",
            "sanitized_query": "SELECT * FROM orders WHERE id = $1"
        })
    );
    assert_eq!(document["name"], "shop@pg.internal");
    let redis = only(span("GET", CLIENT, true, &[("db.system", text("redis"))]));
    assert_eq!(redis.get("sql"), None);
    assert_eq!(redis["metadata"]["default"]["db.system"], "redis");
}

#[test]
fn aws_call_fields() {
    let document = only(span(
        "DynamoDB.Query",
        CLIENT,
        true,
        &[
            ("rpc.system", text("aws-api")),
            ("rpc.service", text("DynamoDB")),
            ("rpc.method", text("Query")),
            ("aws.region", text("eu-west-1")),
            ("aws.request_id", text("R3QU35T")),
            ("aws.dynamodb.table_names", strings(&["orders"])),
        ],
    ));
    assert_eq!(
        document["aws"],
        json!({"operation": "Query", "region": "eu-west-1", "request_id": "R3QU35T", "table_name": "orders"})
    );
    let many = only(span(
        "DynamoDB.BatchGetItem",
        CLIENT,
        true,
        &[("aws.dynamodb.table_names", strings(&["a", "b"]))],
    ));
    assert_eq!(many["aws"]["table_names"], json!(["a", "b"]));
    let lambda = only(span(
        "Lambda.Invoke",
        CLIENT,
        true,
        &[
            ("rpc.system", text("aws-api")),
            ("faas.invoked_name", text("resize")),
            (
                "aws.sqs.queue.url",
                text("https://sqs.eu-west-1.amazonaws.com/1/q"),
            ),
        ],
    ));
    assert_eq!(lambda["aws"]["function_name"], "resize");
    assert_eq!(
        lambda["aws"]["queue_url"],
        "https://sqs.eu-west-1.amazonaws.com/1/q"
    );
}
