//! One span into its documents: a segment or subsegment, or, for a local-root call, a
//! segment for the calling service and a subsegment for the call.

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;

use super::annotations::{self, DEFAULT_NAMESPACE, Indexing, RESOURCE_PREFIX, Rules};
use super::attributes::Attributes;
use super::aws;
use super::cause;
use super::document::{Document, Service};
use super::http;
use super::ids::{self, SPAN_ID_LEN, TRACE_ID_LEN};
use super::names::{self, Kind};
use super::original::ResourceCopy;
use super::original::{self, Original};
use super::sql;
use super::value::{json_size, object};

/// `aws.span.kind` of the first span of a service in a trace.
const LOCAL_ROOT: &str = "LOCAL_ROOT";
/// Attributes about the callee, left off the service segment of a local-root call.
const REMOTE_KEYS: &[&str] = &[
    "aws.remote.service",
    "aws.remote.operation",
    "remoteTarget",
    "K8s.RemoteNamespace",
];

/// A resource whose attributes write to more JSON than this (X-Ray's own limit for a
/// resource) is repeated in full only in the documents of its first span, so that a large
/// resource over many spans cannot multiply into more than memory holds.
pub const RESOURCE_REPEAT_LIMIT: usize = 16 * 1024;

/// What a resource says, worked out once for all its spans.
pub struct Resource<'a> {
    pub pairs: &'a [KeyValue],
    /// The length of its attributes' JSON.
    pub size: usize,
    pub attributes: Attributes<'a>,
    pub aws: aws::Resource<'a>,
    pub origin: Option<&'static str>,
    /// `telemetry.sdk.language`: how its stack traces are printed.
    pub language: Option<&'a str>,
    pub version: Option<&'a str>,
    pub indexing: Indexing<'a>,
}

impl<'a> Resource<'a> {
    pub fn new(pairs: &'a [KeyValue], mut indexing: Indexing<'a>) -> Resource<'a> {
        let attributes = Attributes::new(pairs);
        // Set by the CloudWatch agent's exporter when it sends spans as they are.
        if attributes
            .get("aws.xray.exporter.config.index_all_attributes")
            .is_some_and(|v| matches!(v.value, Some(Value::BoolValue(true))))
        {
            indexing.all = true;
        }
        indexing
            .keys
            .extend(attributes.strings("aws.xray.exporter.config.indexed_attributes"));
        Resource {
            pairs,
            size: json_size(&object(pairs)),
            aws: aws::resource(&attributes),
            origin: names::origin(&attributes),
            language: attributes.str("telemetry.sdk.language"),
            version: attributes.first_str(&["service.version", "container.image.tag"]),
            indexing,
            attributes,
        }
    }
}

/// One span to translate, with where it came from.
pub struct Input<'r, 'a> {
    pub span: &'a Span,
    pub resource: &'r Resource<'a>,
    pub scope: Option<&'a InstrumentationScope>,
    pub sampled: bool,
    /// Where the resource is written in full, when it is too large to repeat here.
    pub resource_elsewhere: Option<&'a str>,
}

/// The span's documents, with what was wrong with it (each problem says what, not where).
pub fn documents<'a>(input: &Input<'_, 'a>, problems: &mut Vec<String>) -> Vec<Document<'a>> {
    let span = input.span;
    let attributes = Attributes::new(&span.attributes);
    for key in &attributes.repeated {
        problems.push(format!(
            "attribute {key:?} is sent more than once; the first is used"
        ));
    }
    let ids = Ids::of(span, problems);
    let times = Times::of(span, problems);
    let kind = Kind::of(span.kind);
    let local_root = attributes.str("aws.span.kind") == Some(LOCAL_ROOT);
    let resource = match input.resource_elsewhere {
        Some(note) => ResourceCopy::Elsewhere(note),
        None => ResourceCopy::Full(object(input.resource.pairs)),
    };
    let original = original::original(span, resource, input.scope, input.sampled);
    let build = |role: Role| {
        make(
            input,
            &attributes,
            &ids,
            times,
            kind,
            role,
            original.clone(),
        )
    };
    if !local_root {
        let subsegment = kind != Kind::Server && ids.parent.is_some();
        return vec![build(Role::Plain { subsegment })];
    }
    // As the exporter has it, only server and internal spans are not calls.
    if matches!(kind, Kind::Server | Kind::Internal) {
        return vec![build(Role::LocalRootService)];
    }
    let service_id = ids::derived(&span.trace_id, &span.span_id, "local root service");
    vec![
        build(Role::LocalRootCall {
            service_id: &service_id,
        }),
        build(Role::ServiceOfCall {
            service_id: &service_id,
        }),
    ]
}

#[derive(Clone, Copy)]
enum Role<'s> {
    /// A segment, or a subsegment when it has a parent and is not a server span.
    Plain { subsegment: bool },
    /// The first span of a service that is not a call: a segment.
    LocalRootService,
    /// The call a local-root client, producer or consumer span makes: a subsegment of...
    LocalRootCall { service_id: &'s str },
    /// ...the segment made for the service it is the first span of.
    ServiceOfCall { service_id: &'s str },
}

impl Role<'_> {
    fn is_segment(self) -> bool {
        match self {
            Role::Plain { subsegment } => !subsegment,
            Role::LocalRootService | Role::ServiceOfCall { .. } => true,
            Role::LocalRootCall { .. } => false,
        }
    }

    /// Salts the ids of exceptions, so that the two documents of a call do not share them.
    fn salt(self) -> &'static str {
        match self {
            Role::ServiceOfCall { .. } => "service exception",
            _ => "exception",
        }
    }
}

fn make<'a>(
    input: &Input<'_, 'a>,
    attributes: &Attributes<'a>,
    ids: &Ids,
    times: Times,
    kind: Kind,
    role: Role,
    original: Original<'a>,
) -> Document<'a> {
    let span = input.span;
    let resource = input.resource;
    let segment = role.is_segment();
    let local_root = !matches!(role, Role::Plain { .. });
    let naming = names::naming(
        &span.name,
        kind,
        local_root,
        attributes,
        &resource.attributes,
    );
    let aws_sdk = names::is_aws_sdk(attributes);
    let http = http::http(kind, attributes, &span.events);
    let exception_id = |n: usize| {
        ids::derived(
            &span.trace_id,
            &span.span_id,
            &format!("{} {n}", role.salt()),
        )
    };
    let (cause, used_status_text) = cause::cause(
        span,
        &cause::Context {
            kind,
            aws_sdk,
            attributes,
            language: resource.language,
            exception_id: &exception_id,
        },
    );
    let flags = cause::flags(http::status_code(attributes), cause::is_error(span));
    let aws = aws::call(attributes, &resource.aws)
        .map(|mut aws| {
            if segment {
                aws.account_id = aws.account_id.or(resource.aws.account_id);
                aws.platform = Some(resource.aws.platform.clone());
            }
            aws
        })
        .filter(|aws| !aws.is_empty());
    let sql = sql::sql(&span.name, attributes);
    let consumed = |key: &str| {
        (http.is_some() && http::KEYS.contains(&key))
            || (aws.is_some() && aws::KEYS.contains(&key))
            || (sql.is_some() && sql::KEYS.contains(&key))
            || (used_status_text && key == "http.status_text")
    };
    let excluded: &[&str] = match role {
        Role::ServiceOfCall { .. } => REMOTE_KEYS,
        _ => &[],
    };
    let placed = annotations::place(
        attributes,
        (segment && input.resource_elsewhere.is_none()).then_some(&resource.attributes),
        &Rules {
            indexing: &resource.indexing,
            consumed: &consumed,
            excluded,
        },
    );
    let mut namespace = naming.namespace;
    if let Role::Plain { subsegment: true } = role
        && kind.is_dependency()
        && attributes.has("aws.remote.service")
    {
        namespace = namespace.or(Some("remote"));
    }
    let mut document = Document {
        name: naming.name,
        id: ids.span.clone(),
        trace_id: ids.trace.clone(),
        parent_id: ids.parent.clone(),
        kind: (!segment).then_some("subsegment"),
        start_time: times.start,
        end_time: times.end,
        in_progress: times.end.is_none(),
        namespace,
        origin: resource.origin.filter(|_| segment),
        user: placed.user,
        error: flags.error,
        throttle: flags.throttle,
        fault: flags.fault,
        cause,
        http,
        aws,
        sql,
        service: resource.version.map(|version| Service { version }),
        annotations: placed.annotations,
        metadata: placed.metadata,
        otel: original,
    };
    match role {
        Role::Plain { .. } => {}
        Role::LocalRootService => document.namespace = None,
        Role::LocalRootCall { service_id } => {
            document.parent_id = Some(service_id.to_owned());
            document.namespace = document.namespace.or(Some("remote"));
            document.otel.local_root = Some("dependency");
        }
        Role::ServiceOfCall { service_id } => {
            document.id = service_id.to_owned();
            document.namespace = None;
            document.name = attributes
                .str("aws.local.service")
                .or_else(|| resource.attributes.str("service.name"))
                .map_or(document.name, |name| {
                    names::truncate(name, names::MAX_NAME_CHARS).to_owned()
                });
            document.http = None;
            if let Some(aws) = &mut document.aws {
                aws.forget_the_call();
            }
            document.aws = document.aws.filter(|aws| !aws.is_empty());
            // The service segment keeps the resource's metadata only.
            document
                .metadata
                .retain(|namespace, _| namespace == DEFAULT_NAMESPACE);
            for entries in document.metadata.values_mut() {
                entries.retain(|key, _| key.starts_with(RESOURCE_PREFIX));
            }
            document.metadata.retain(|_, entries| !entries.is_empty());
            document.otel.local_root = Some("service");
        }
    }
    document
}

/// The span's ids in X-Ray's spelling.
struct Ids {
    trace: Option<String>,
    span: String,
    parent: Option<String>,
}

impl Ids {
    /// Ids X-Ray would reject are kept, as the hex of what arrived, and named in `problems`;
    /// a span without an id is given one, so that it can still be shown.
    fn of(span: &Span, problems: &mut Vec<String>) -> Ids {
        if let Err(bad) = ids::check(&span.trace_id, TRACE_ID_LEN) {
            problems.push(format!("trace id {bad}"));
        }
        let span_id = match ids::check(&span.span_id, SPAN_ID_LEN) {
            Err(ids::BadId::Missing) => {
                let given = ids::derived(
                    &span.trace_id,
                    &span.start_time_unix_nano.to_be_bytes(),
                    &format!("no span id {}", span.name),
                );
                problems.push(format!("span id is missing; it is shown as {given}"));
                given
            }
            Err(bad) => {
                problems.push(format!("span id {bad}"));
                ids::hex(&span.span_id)
            }
            Ok(()) => ids::hex(&span.span_id),
        };
        let parent = ids::names_a_parent(&span.parent_span_id).then(|| {
            if let Err(bad) = ids::check(&span.parent_span_id, SPAN_ID_LEN) {
                problems.push(format!("parent span id {bad}"));
            }
            ids::hex(&span.parent_span_id)
        });
        Ids {
            trace: (!span.trace_id.is_empty()).then(|| ids::xray_trace_id(&span.trace_id)),
            span: span_id,
            parent,
        }
    }
}

#[derive(Clone, Copy)]
struct Times {
    start: f64,
    /// `None` when the span has no end: it is shown in progress.
    end: Option<f64>,
}

impl Times {
    fn of(span: &Span, problems: &mut Vec<String>) -> Times {
        if span.start_time_unix_nano == 0 {
            problems.push("start time is missing".to_owned());
        }
        let end = if span.end_time_unix_nano == 0 {
            problems.push("end time is missing; the span is shown in progress".to_owned());
            None
        } else {
            if span.end_time_unix_nano < span.start_time_unix_nano {
                problems.push("ends before it starts".to_owned());
            }
            Some(original::seconds(span.end_time_unix_nano))
        };
        Times {
            start: original::seconds(span.start_time_unix_nano),
            end,
        }
    }
}
