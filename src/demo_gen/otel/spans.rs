//! The OTLP spans `recommendations`' instrumentations write (FastAPI, Redis, botocore and
//! its own ranking), its resource, the batch they are exported in, and its translation.

use opentelemetry_proto::tonic::common::v1::any_value::Value as AttributeValue;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::span::{Event, SpanKind};
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span as OtelSpan, Status};
use serde_json::Value;

use super::super::{ACCOUNT, REGION, Rng, US};
use super::{
    ANNOTATED, Ask, CACHE_HOST, HOST, Pod, SERVICE, SHOWN, Source, TABLE, TranslatedDocument,
};
use crate::codec::otel::{ExportTraceServiceRequest, TranslateOptions, translate};

const ROUTE: &str = "/v1/recommendations/{sku}";
const SDK_VERSION: &str = "1.44.0";
const INSTRUMENTATION_VERSION: &str = "0.65b0";
const DISTRO_VERSION: &str = "0.21.0-aws";
const SITE_PACKAGES: &str = "/usr/local/lib/python3.12/site-packages";

/// The request's OTLP ids.
pub(super) struct Ids {
    pub trace: Vec<u8>,
    /// web-frontend's subsegment for the call, in X-Ray's spelling: the server span's parent.
    pub call: String,
    pub server: Vec<u8>,
}

pub(super) fn trace_id_bytes(xray_trace_id: &str) -> Vec<u8> {
    bytes_of_hex(&xray_trace_id.replace('-', "")[1..])
}

pub(super) fn span_id(rng: &mut Rng) -> Vec<u8> {
    bytes_of_hex(&rng.id())
}

fn bytes_of_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect()
}

fn nanos(us: i64) -> u64 {
    us as u64 * 1_000
}

/// The instrumentation that made a span.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Fastapi,
    Redis,
    Botocore,
    Ranking,
}

impl Scope {
    fn instrumentation(self) -> InstrumentationScope {
        let (name, version) = match self {
            Scope::Fastapi => (
                "opentelemetry.instrumentation.fastapi",
                INSTRUMENTATION_VERSION,
            ),
            Scope::Redis => (
                "opentelemetry.instrumentation.redis",
                INSTRUMENTATION_VERSION,
            ),
            Scope::Botocore => (
                "opentelemetry.instrumentation.botocore",
                INSTRUMENTATION_VERSION,
            ),
            Scope::Ranking => ("recommendations.ranking", ""),
        };
        InstrumentationScope {
            name: name.to_owned(),
            version: version.to_owned(),
            ..Default::default()
        }
    }
}

fn text(value: impl Into<String>) -> AttributeValue {
    AttributeValue::StringValue(value.into())
}

fn int(value: i64) -> AttributeValue {
    AttributeValue::IntValue(value)
}

fn texts(values: &[&str]) -> AttributeValue {
    AttributeValue::ArrayValue(ArrayValue {
        values: values
            .iter()
            .map(|value| AnyValue {
                value: Some(text(*value)),
            })
            .collect(),
    })
}

fn attributes(pairs: Vec<(&str, AttributeValue)>) -> Vec<KeyValue> {
    pairs
        .into_iter()
        .map(|(key, value)| KeyValue {
            key: key.to_owned(),
            value: Some(AnyValue { value: Some(value) }),
            ..Default::default()
        })
        .collect()
}

/// Where a span sits in the trace: its id and its parent's.
struct Place<'a> {
    ids: &'a Ids,
    id: Vec<u8>,
    parent: Vec<u8>,
}

fn span(
    place: Place,
    name: &str,
    kind: SpanKind,
    (start, end): (i64, i64),
    pairs: Vec<(&str, AttributeValue)>,
) -> OtelSpan {
    OtelSpan {
        trace_id: place.ids.trace.clone(),
        span_id: place.id,
        parent_span_id: place.parent,
        name: name.to_owned(),
        kind: kind as i32,
        start_time_unix_nano: nanos(start),
        end_time_unix_nano: nanos(end),
        attributes: attributes(pairs),
        status: Some(Status::default()),
        ..Default::default()
    }
}

pub(super) fn server_span(
    ids: &Ids,
    ask: &Ask,
    path: &str,
    times: (i64, i64),
    source: Source,
) -> OtelSpan {
    let mut pairs = vec![
        ("http.request.method", text("GET")),
        ("http.route", text(ROUTE)),
        ("url.scheme", text("http")),
        ("url.path", text(path)),
        ("url.query", text(format!("limit={SHOWN}"))),
        ("server.address", text(HOST)),
        ("server.port", int(80)),
        ("network.protocol.version", text("1.1")),
        ("client.address", text(ask.caller_ip)),
        ("user_agent.original", text("axios/1.7.9")),
        ("http.response.status_code", int(200)),
        ("product.sku", text(ask.sku)),
        ("product.category", text(ask.category)),
        ("recommendations.count", int(SHOWN)),
        (ANNOTATED, text(source.annotation())),
        ("aws.xray.annotations", texts(&[ANNOTATED])),
    ];
    if let Some(user) = ask.user {
        pairs.push(("enduser.id", text(user)));
    }
    let place = Place {
        ids,
        id: ids.server.clone(),
        parent: bytes_of_hex(&ids.call),
    };
    span(
        place,
        &format!("GET {ROUTE}"),
        SpanKind::Server,
        times,
        pairs,
    )
}

/// A child of the server span, with a new id.
fn child_of_server<'a>(ids: &'a Ids, rng: &mut Rng) -> Place<'a> {
    Place {
        ids,
        id: span_id(rng),
        parent: ids.server.clone(),
    }
}

/// A Redis command; a refused connection ends it in error with the exception recorded.
pub(super) fn cache_span(
    ids: &Ids,
    rng: &mut Rng,
    command: &str,
    start: i64,
    length: i64,
    source: Source,
) -> OtelSpan {
    let statement = match command {
        "SETEX" => "SETEX ? ? ?",
        _ => "GET ?",
    };
    let pairs = vec![
        ("db.system", text("redis")),
        ("db.statement", text(statement)),
        ("db.redis.database_index", int(0)),
        (
            "db.redis.args_length",
            int(if command == "SETEX" { 4 } else { 2 }),
        ),
        ("net.peer.name", text(CACHE_HOST)),
        ("net.peer.port", int(6379)),
        ("net.transport", text("ip_tcp")),
    ];
    let end = start + length;
    let place = child_of_server(ids, rng);
    let mut cache = span(place, command, SpanKind::Client, (start, end), pairs);
    if source == Source::TableWithCacheDown && command == "GET" {
        let message = format!("Error 111 connecting to {CACHE_HOST}:6379. Connection refused.");
        cache.status = Some(Status {
            code: StatusCode::Error as i32,
            message: format!("ConnectionError: {message}"),
        });
        cache.events.push(Event {
            time_unix_nano: nanos(end) - 2_000,
            name: "exception".to_owned(),
            attributes: attributes(vec![
                ("exception.type", text("redis.exceptions.ConnectionError")),
                ("exception.message", text(message.clone())),
                ("exception.stacktrace", text(refused_traceback(&message))),
            ]),
            ..Default::default()
        });
    }
    cache
}

/// What `traceback.format_exception` prints for redis-py's refused connection, as the SDK
/// records it where the Redis instrumentation's span ends.
fn refused_traceback(message: &str) -> String {
    let connection = format!("{SITE_PACKAGES}/redis/connection.py");
    let client = format!("{SITE_PACKAGES}/redis/client.py");
    [
        "Traceback (most recent call last):".to_owned(),
        format!("  File \"{connection}\", line 385, in connect_check_health"),
        "    sock = self.retry.call_with_retry(".to_owned(),
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{SITE_PACKAGES}/redis/retry.py\", line 87, in call_with_retry"),
        "    return do()".to_owned(),
        "           ^^^^".to_owned(),
        format!("  File \"{connection}\", line 386, in <lambda>"),
        "    lambda: self._connect(), lambda error: self.disconnect(error)".to_owned(),
        "            ^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{connection}\", line 797, in _connect"),
        "    raise err".to_owned(),
        format!("  File \"{connection}\", line 781, in _connect"),
        "    sock.connect(socket_address)".to_owned(),
        "ConnectionRefusedError: [Errno 111] Connection refused".to_owned(),
        String::new(),
        "During handling of the above exception, another exception occurred:".to_owned(),
        String::new(),
        "Traceback (most recent call last):".to_owned(),
        format!(
            "  File \"{SITE_PACKAGES}/opentelemetry/instrumentation/redis/__init__.py\", line 241, in _traced_execute_command"
        ),
        "    response = func(*args, **kwargs)".to_owned(),
        "               ^^^^^^^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{client}\", line 622, in execute_command"),
        "    return self._execute_command(*args, **options)".to_owned(),
        "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{client}\", line 628, in _execute_command"),
        "    conn = self.connection or pool.get_connection()".to_owned(),
        "                              ^^^^^^^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{SITE_PACKAGES}/redis/utils.py\", line 188, in wrapper"),
        "    return func(*args, **kwargs)".to_owned(),
        "           ^^^^^^^^^^^^^^^^^^^^^".to_owned(),
        format!("  File \"{connection}\", line 1519, in get_connection"),
        "    connection.connect()".to_owned(),
        format!("  File \"{connection}\", line 379, in connect"),
        "    self.connect_check_health(check_health=True)".to_owned(),
        format!("  File \"{connection}\", line 391, in connect_check_health"),
        "    raise ConnectionError(self._error_message(e))".to_owned(),
        format!("redis.exceptions.ConnectionError: {message}"),
        String::new(),
    ]
    .join("\n")
}

/// The DynamoDB query, as the botocore instrumentation records an AWS SDK call.
pub(super) fn query_span(ids: &Ids, rng: &mut Rng, start: i64, length: i64) -> OtelSpan {
    let capacity = format!(
        "[{{\"TableName\": \"{TABLE}\", \"CapacityUnits\": {}.5}}]",
        rng.int(0, 2)
    );
    let pairs = vec![
        ("rpc.system", text("aws-api")),
        ("rpc.service", text("DynamoDB")),
        ("rpc.method", text("Query")),
        ("aws.region", text(REGION)),
        ("aws.request_id", text(rng.ddb_request_id())),
        ("retry_attempts", int(0)),
        ("http.status_code", int(200)),
        ("db.system", text("dynamodb")),
        ("db.operation", text("Query")),
        ("aws.dynamodb.table_names", texts(&[TABLE])),
        ("aws.dynamodb.limit", int(64)),
        ("aws.dynamodb.consumed_capacity", texts(&[&capacity])),
    ];
    let place = child_of_server(ids, rng);
    span(
        place,
        "DynamoDB.Query",
        SpanKind::Client,
        (start, start + length),
        pairs,
    )
}

/// The service's own span around ranking the candidates.
pub(super) fn rank_span(ids: &Ids, rng: &mut Rng, times: (i64, i64), candidates: i64) -> OtelSpan {
    let pairs = vec![
        ("recommendations.candidates", int(candidates)),
        ("recommendations.model", text("copurchase-v3")),
        ("recommendations.returned", int(SHOWN)),
    ];
    let place = child_of_server(ids, rng);
    span(place, "rank_candidates", SpanKind::Internal, times, pairs)
}

fn resource(pod: &Pod) -> Resource {
    Resource {
        attributes: attributes(vec![
            ("service.name", text(SERVICE)),
            ("service.version", text("0.9.2")),
            ("deployment.environment.name", text("prod")),
            ("aws.local.service", text(SERVICE)),
            ("telemetry.sdk.language", text("python")),
            ("telemetry.sdk.name", text("opentelemetry")),
            ("telemetry.sdk.version", text(SDK_VERSION)),
            ("telemetry.auto.version", text(DISTRO_VERSION)),
            ("cloud.provider", text("aws")),
            ("cloud.platform", text("aws_eks")),
            ("cloud.region", text(REGION)),
            ("cloud.account.id", text(ACCOUNT)),
            ("k8s.cluster.name", text("acme-shop-prod")),
            ("k8s.namespace.name", text("shop")),
            ("k8s.pod.name", text(pod.name.as_str())),
            ("container.id", text(pod.container_id.as_str())),
            ("process.runtime.name", text("cpython")),
            ("process.runtime.version", text("3.12.8")),
        ]),
        ..Default::default()
    }
}

/// One export of the request's spans, grouped by scope in the order their first span ended,
/// as the OTLP exporter sends a batch.
pub(super) fn request(pod: &Pod, mut spans: Vec<(Scope, OtelSpan)>) -> ExportTraceServiceRequest {
    let mut scopes: Vec<(Scope, Vec<OtelSpan>)> = Vec::new();
    spans.sort_by_key(|(_, span)| span.end_time_unix_nano);
    for (scope, span) in spans {
        match scopes.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, list)) => list.push(span),
            None => scopes.push((scope, vec![span])),
        }
    }
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(resource(pod)),
            scope_spans: scopes
                .into_iter()
                .map(|(scope, spans)| ScopeSpans {
                    scope: Some(scope.instrumentation()),
                    spans,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
    }
}

/// The translator's documents, each with its times.
pub(super) fn translated(request: &ExportTraceServiceRequest) -> Vec<TranslatedDocument> {
    let translated = translate(request, &TranslateOptions::default());
    debug_assert!(translated.problems.is_empty(), "{:?}", translated.problems);
    translated
        .documents
        .into_iter()
        .map(|text| {
            let document: Value = serde_json::from_str(&text).unwrap_or_default();
            let micros = |key: &str| {
                document[key]
                    .as_f64()
                    .map_or(0, |seconds| (seconds * US as f64).round() as i64)
            };
            TranslatedDocument {
                start: micros("start_time"),
                end: micros("end_time"),
                text,
            }
        })
        .collect()
}
