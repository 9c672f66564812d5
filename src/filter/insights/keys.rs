//! Where a span keeps what a keyword reads, and how Logs Insights compares it. A field may be
//! kept under several keys (old and new semantic conventions): it matches when any does.

use super::super::ast::{Keyword, Op, Value};

/// The status codes, newer key first.
const HTTP_STATUS: [&str; 2] = [
    "attributes.http.response.status_code",
    "attributes.http.status_code",
];

pub(super) struct Field {
    keys: Vec<String>,
}

impl Field {
    fn of(keys: &[&str]) -> Field {
        Field {
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    pub fn single(key: &str) -> Field {
        Field::of(&[key])
    }

    /// `attributes.KEY`, in backticks when the key has more than letters, digits, `_` and
    /// `.`; `None` for a key with a backtick, which cannot be quoted.
    pub fn attribute(key: &str) -> Option<Field> {
        let plain = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let name = if plain {
            format!("attributes.{key}")
        } else if key.contains('`') {
            return None;
        } else {
            format!("`attributes.{key}`")
        };
        Some(Field { keys: vec![name] })
    }

    /// The service a span belongs to: its resource's `service.name`, or the name Application
    /// Signals gives it.
    pub fn service() -> Field {
        Field::of(&[
            "resource.attributes.service.name",
            "attributes.aws.local.service",
        ])
    }

    pub fn duration() -> Field {
        Field::single("durationNano")
    }

    pub fn http_status() -> Field {
        Field::of(&HTTP_STATUS)
    }

    /// The full URL; a server span of the newer conventions may have only its path, which is
    /// enough for the text operators.
    pub fn http_url(op: Option<Op>) -> Field {
        let mut field = Field::of(&["attributes.url.full", "attributes.http.url"]);
        if op.is_none_or(Op::is_text) {
            field.keys.push("attributes.url.path".into());
        }
        field
    }

    pub fn http_method() -> Field {
        Field::of(&["attributes.http.request.method", "attributes.http.method"])
    }

    pub fn user_agent() -> Field {
        Field::of(&[
            "attributes.user_agent.original",
            "attributes.http.user_agent",
        ])
    }

    pub fn client_ip() -> Field {
        Field::of(&["attributes.client.address", "attributes.http.client_ip"])
    }

    pub fn present(&self) -> String {
        self.any(|key| format!("ispresent({key})"))
    }

    pub fn equals(&self, text: &str) -> String {
        self.compare(Op::Eq, &Value::String(text.to_owned()))
    }

    /// As X-Ray compares: `!=` holds where the field is absent too.
    pub fn compare(&self, op: Op, value: &Value) -> String {
        let literal = literal(value);
        match op {
            Op::Ne => {
                let each: Vec<String> = self
                    .keys
                    .iter()
                    .map(|key| format!("(not ispresent({key}) or {key} != {literal})"))
                    .collect();
                each.join(" and ")
            }
            Op::Contains | Op::BeginsWith | Op::EndsWith => {
                let text = match value {
                    Value::String(text) => regex_escape(text),
                    other => regex_escape(&other.to_string()),
                };
                let pattern = match op {
                    Op::BeginsWith => format!("/^{text}/"),
                    Op::EndsWith => format!("/{text}$/"),
                    _ => format!("/{text}/"),
                };
                self.any(|key| format!("{key} like {pattern}"))
            }
            _ => self.any(|key| format!("{key} {} {literal}", op.text())),
        }
    }

    fn any(&self, test: impl Fn(&str) -> String) -> String {
        let each: Vec<String> = self.keys.iter().map(|key| test(key)).collect();
        if each.len() == 1 {
            each.into_iter().next().unwrap_or_default()
        } else {
            each.iter()
                .map(|t| format!("({t})"))
                .collect::<Vec<_>>()
                .join(" or ")
        }
    }
}

/// Fault, error and throttle of a span, as the OpenTelemetry collector's X-Ray exporter sets
/// them: 5xx is a fault, 4xx an error, 429 also a throttle; with no status code, a span whose
/// status is ERROR is a fault.
pub(super) fn status_flag(keyword: Keyword) -> Option<String> {
    let [new, old] = HTTP_STATUS;
    let between = |low: u16, high: u16| {
        format!("({new} >= {low} and {new} <= {high}) or ({old} >= {low} and {old} <= {high})")
    };
    Some(match keyword {
        Keyword::Fault => format!(
            "(status.code = \"ERROR\" and not ispresent({new}) and not ispresent({old})) or {}",
            between(500, 599)
        ),
        Keyword::Error => between(400, 499),
        Keyword::Throttle => format!("({new} = 429) or ({old} = 429)"),
        _ => return None,
    })
}

/// Neither a fault nor an error (a throttle is an error).
pub(super) fn ok() -> String {
    let fault = status_flag(Keyword::Fault).unwrap_or_default();
    let error = status_flag(Keyword::Error).unwrap_or_default();
    format!("not ({fault}) and not ({error})")
}

/// A string in double quotes with `"` and `\` escaped; a number as written, whole numbers
/// without a fraction (nanoseconds are whole).
fn literal(value: &Value) -> String {
    match value {
        Value::String(text) => {
            let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{escaped}\"")
        }
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e18 => format!("{}", *n as i64),
        Value::Number(n) => format!("{n}"),
        Value::Bool(b) => b.to_string(),
    }
}

/// Text matched literally inside `/…/`.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.^$|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
