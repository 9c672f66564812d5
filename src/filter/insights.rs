//! A filter expression as the condition of a CloudWatch Logs Insights query over `aws/spans`,
//! where every span is one log event: the OpenTelemetry span with its resource inlined, its
//! attributes flattened with dots (`attributes.http.request.method`).
//!
//! The tree is walked, never the text. A span matches when the expression holds for it, so a
//! keyword of the trace (`responsetime`, `http.url`, `fault`) is read from each span: the list
//! built from the answer holds the traces of which at least one span matches. Both the newer
//! and the older semantic-convention keys are tried (`http.response.status_code` and
//! `http.status_code`). Whatever has no counterpart in a span (root causes, groups, `partial`,
//! a service's type) is named, with where it is in the text, and nothing is sent.

mod keys;
#[cfg(test)]
mod tests;

use super::ast::{Expr, ExprKind, Keyword, Op, Selector, SourceSpan, Value};
use keys::{Field, ok, status_flag};

/// A part of an expression that Logs Insights cannot ask of a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable {
    /// Where it is in the expression text.
    pub span: SourceSpan,
    /// What it is: `rootcause.fault.service`, `partial`, `group.name`.
    pub what: String,
    /// Why there is no counterpart.
    pub why: &'static str,
}

impl Untranslatable {
    /// The column (1-based, in characters) where it starts in `source`.
    pub fn column(&self, source: &str) -> usize {
        super::column_of(source, self.span.start)
    }
}

/// The condition a span must meet, in Logs Insights' `filter` syntax; or every part that has
/// no counterpart, in the order written.
pub fn span_condition(expr: &Expr) -> Result<String, Vec<Untranslatable>> {
    let mut missing = Vec::new();
    let condition = condition(expr, &mut missing);
    if missing.is_empty() {
        Ok(condition)
    } else {
        Err(missing)
    }
}

/// True for every span.
const ANY_SPAN: &str = "ispresent(spanId)";

fn condition(expr: &Expr, missing: &mut Vec<Untranslatable>) -> String {
    let mut cannot = |what: String, why: &'static str| {
        missing.push(Untranslatable {
            span: expr.span.clone(),
            what,
            why,
        });
        ANY_SPAN.to_owned()
    };
    match &expr.kind {
        ExprKind::And(items) => join(items, " and ", missing),
        ExprKind::Or(items) => join(items, " or ", missing),
        ExprKind::Not(inner) => format!("not ({})", condition(inner, missing)),
        ExprKind::Bare(keyword) => match keyword_condition(*keyword, None) {
            Some(text) => text,
            None => cannot(keyword.text().to_owned(), keyword_reason(*keyword)),
        },
        ExprKind::Compare { keyword, op, value } => {
            match keyword_condition(*keyword, Some((*op, value))) {
                Some(text) => text,
                None => cannot(
                    format!("{} {} {value}", keyword.text(), op.text()),
                    keyword_reason(*keyword),
                ),
            }
        }
        ExprKind::Annotation { key, test } => {
            let Some(field) = Field::attribute(key) else {
                return cannot(
                    format!("annotation[{key}]"),
                    "a key with a backtick cannot be named in a query",
                );
            };
            match test {
                None => field.present(),
                Some((_, Value::Bool(_))) => cannot(
                    format!("annotation.{key} = true|false"),
                    "Logs Insights has no true or false to compare an attribute with",
                ),
                Some((op, value)) => field.compare(*op, value),
            }
        }
        ExprKind::Group { .. } => cannot(
            "group".into(),
            "groups are X-Ray's own: their filters run on indexed traces",
        ),
        ExprKind::Service { selector, filter } => {
            let mut parts = Vec::new();
            if let Some(selector) = selector {
                parts.extend(service(selector, expr, missing));
            }
            if let Some(filter) = filter {
                parts.push(condition(filter, missing));
            }
            all(parts)
        }
        ExprKind::Edge { from, to, filter } => {
            let mut parts = service(from, expr, missing);
            if let Some(name) = to.name() {
                parts.push(Field::single("attributes.aws.remote.service").equals(name));
            }
            if to.kind().is_some() || to.account_id().is_some() {
                missing.push(Untranslatable {
                    span: expr.span.clone(),
                    what: format!("edge(…, {to})"),
                    why: "a span names the service it calls only by name",
                });
            }
            if let Some(filter) = filter {
                parts.push(condition(filter, missing));
            }
            all(parts)
        }
        ExprKind::RootCause { kind, target, .. } => cannot(
            format!("rootcause.{}.{}", kind.label(), target.label()),
            "root causes are X-Ray's analysis of indexed traces",
        ),
        ExprKind::RootCauseJson(_) => cannot(
            "rootcause.json".into(),
            "root causes are X-Ray's analysis of indexed traces",
        ),
    }
}

fn join(items: &[Expr], separator: &str, missing: &mut Vec<Untranslatable>) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|item| format!("({})", condition(item, missing)))
        .collect();
    parts.join(separator)
}

/// Every part, or any span when there is none.
fn all(parts: Vec<String>) -> String {
    match parts.len() {
        0 => ANY_SPAN.to_owned(),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => parts
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// The spans of a service named by a selector.
fn service(selector: &Selector, expr: &Expr, missing: &mut Vec<Untranslatable>) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(name) = selector.name() {
        parts.push(Field::service().equals(name));
    }
    if let Some(account) = selector.account_id() {
        parts.push(Field::single("resource.attributes.cloud.account.id").equals(account));
    }
    if let Some(kind) = selector.kind() {
        missing.push(Untranslatable {
            span: expr.span.clone(),
            what: format!("type: {}", super::quote(kind)),
            why: "a span does not carry X-Ray's service type",
        });
    }
    parts
}

/// A simple keyword, bare or compared; `None` when a span has nothing it could be read from.
fn keyword_condition(keyword: Keyword, test: Option<(Op, &Value)>) -> Option<String> {
    use Keyword as K;
    let flag = |condition: String| match test {
        None | Some((Op::Eq, Value::Bool(true))) | Some((Op::Ne, Value::Bool(false))) => condition,
        _ => format!("not ({condition})"),
    };
    let field = match keyword {
        K::Ok => return Some(flag(ok())),
        K::Fault | K::Error | K::Throttle => return status_flag(keyword).map(flag),
        K::ResponseTime | K::Duration => {
            let (op, value) = test?;
            let Value::Number(seconds) = value else {
                return None;
            };
            return Some(Field::duration().compare(op, &Value::Number((seconds * 1e9).round())));
        }
        K::HttpStatus => Field::http_status(),
        K::HttpUrl => Field::http_url(test.map(|(op, _)| op)),
        K::HttpMethod => Field::http_method(),
        K::HttpUserAgent => Field::user_agent(),
        K::HttpClientIp => Field::client_ip(),
        K::User => Field::single("attributes.enduser.id"),
        K::Name => Field::service(),
        K::AvailabilityZone => Field::single("resource.attributes.cloud.availability_zone"),
        K::InstanceId => Field::single("resource.attributes.host.id"),
        _ => return None,
    };
    Some(match test {
        None => field.present(),
        Some((op, value)) => field.compare(op, value),
    })
}

fn keyword_reason(keyword: Keyword) -> &'static str {
    use Keyword as K;
    match keyword {
        K::Partial => "spans reach aws/spans when they end: none is in progress",
        K::Inferred => "inferred services are drawn by X-Ray from calls, not sent as spans",
        K::Type => "a span does not carry X-Ray's service type",
        K::Message => "exception messages are in the events of a span, which a query cannot search",
        K::ResourceArn => "a span does not carry X-Ray's resource ARN",
        _ => "it belongs to X-Ray's analysis of whole traces",
    }
}
