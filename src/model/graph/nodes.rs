//! Which node of the graph a span stands for, and which calls go to a node X-Ray infers.

use super::NodeKey;
use crate::model::segment::Segment;
use crate::model::trace::{Span, SpanKind, Trace};

/// Per span: a call from its service to another one that sent no segment of its own (an AWS
/// SDK call, a remote HTTP API or a database) — not counting the subsegments inside a call,
/// which are details of it.
pub fn calls_to_inferred_services(trace: &Trace) -> Vec<bool> {
    let spans = &trace.spans;
    let mut inside_call = vec![false; spans.len()];
    let mut calls = vec![false; spans.len()];
    for (index, span) in spans.iter().enumerate() {
        if span.is_segment() {
            continue;
        }
        let parent_inside = span.parent.is_some_and(|p| {
            let p = p as usize;
            inside_call[p] || (!spans[p].is_segment() && is_call(&spans[p].segment))
        });
        inside_call[index] = parent_inside;
        calls[index] = !parent_inside
            && is_call(&span.segment)
            && !trace.children(index).any(|c| spans[c].is_segment());
    }
    calls
}

/// A subsegment that calls another service: the AWS SDK, a remote HTTP API or a database.
pub fn is_call(segment: &Segment) -> bool {
    matches!(segment.namespace.as_deref(), Some("aws" | "remote")) || segment.sql.is_some()
}

/// The node of a segment: its origin (or inferred type) and name.
pub fn node_key(span: &Span) -> NodeKey {
    let kind = match (&span.segment.origin, span.kind) {
        (Some(origin), _) => origin.clone(),
        (None, SpanKind::Inferred) => inferred_key(&span.segment).kind,
        (None, _) => String::new(),
    };
    NodeKey {
        kind,
        name: span.name().to_owned(),
    }
}

/// The node X-Ray infers for a call whose target sent no segment.
pub fn inferred_key(segment: &Segment) -> NodeKey {
    let name = segment.name().to_owned();
    let aws = segment.aws.as_ref();
    if segment.sql.is_some() {
        return NodeKey {
            kind: "Database::SQL".into(),
            name,
        };
    }
    if segment.namespace.as_deref() != Some("aws") {
        return NodeKey {
            kind: "remote".into(),
            name,
        };
    }
    let (kind, resource) = match name.as_str() {
        "DynamoDB" => (
            "AWS::DynamoDB::Table",
            aws.and_then(|a| a.table_name.clone()),
        ),
        "SQS" => (
            "AWS::SQS::Queue",
            aws.and_then(|a| a.queue_url.as_deref())
                .and_then(|url| url.rsplit('/').next())
                .map(str::to_owned),
        ),
        "SNS" => ("AWS::SNS", None),
        "S3" => ("AWS::S3::Bucket", None),
        "Lambda" => ("AWS::Lambda", None),
        "Kinesis" => ("AWS::Kinesis::Stream", None),
        _ => ("", None),
    };
    let kind = if kind.is_empty() {
        format!("AWS::{name}")
    } else {
        kind.to_owned()
    };
    NodeKey {
        kind,
        name: resource.filter(|r| !r.is_empty()).unwrap_or(name),
    }
}
