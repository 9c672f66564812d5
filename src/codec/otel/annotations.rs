//! Which attributes become annotations (indexed, searchable) and which metadata: the
//! indexed keys of the options, all of them with `index_all`, or the keys a span lists in
//! `aws.xray.annotations`; the rest, and values no annotation can hold, go to metadata.
//! Resource attributes are `otel.resource.<key>`, on segments only; `enduser.id` is the user.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use serde::{Serialize, Serializer};

use super::attributes::Attributes;
use super::value::{as_str, json};

/// The span attribute that lists keys to index.
pub const LISTED_KEYS: &str = "aws.xray.annotations";
/// `aws.xray.metadata.<namespace>` holding a JSON object is that metadata namespace.
const METADATA_PREFIX: &str = "aws.xray.metadata.";
pub const DEFAULT_NAMESPACE: &str = "default";
pub const RESOURCE_PREFIX: &str = "otel.resource.";
const USER: &str = "enduser.id";

/// Which keys are indexed, for one resource.
#[derive(Debug, Default)]
pub struct Indexing<'k> {
    pub all: bool,
    pub keys: HashSet<&'k str>,
}

/// An annotation value: only strings, numbers and booleans can be annotations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Annotation<'a> {
    Text(&'a str),
    Integer(i64),
    Double(f64),
    Flag(bool),
}

impl Annotation<'_> {
    fn of(value: &AnyValue) -> Option<Annotation<'_>> {
        Some(match value.value.as_ref()? {
            Value::StringValue(text) => Annotation::Text(text),
            Value::IntValue(number) => Annotation::Integer(*number),
            Value::DoubleValue(number) if number.is_finite() => Annotation::Double(*number),
            Value::BoolValue(flag) => Annotation::Flag(*flag),
            _ => return None,
        })
    }
}

impl Serialize for Annotation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Annotation::Text(text) => serializer.serialize_str(text),
            Annotation::Integer(number) => serializer.serialize_i64(*number),
            Annotation::Double(number) => serializer.serialize_f64(*number),
            Annotation::Flag(flag) => serializer.serialize_bool(*flag),
        }
    }
}

/// A metadata value: an attribute as sent, or JSON an `aws.xray.metadata.*` string held.
#[derive(Debug, Clone)]
pub enum Meta<'a> {
    Attribute(&'a AnyValue),
    Parsed(serde_json::Value),
}

impl Serialize for Meta<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Meta::Attribute(value) => json(Some(value)).serialize(serializer),
            Meta::Parsed(value) => value.serialize(serializer),
        }
    }
}

pub type Namespace<'a> = BTreeMap<Cow<'a, str>, Meta<'a>>;

#[derive(Debug, Default)]
pub struct Placed<'a> {
    pub user: Option<&'a str>,
    pub annotations: BTreeMap<String, Annotation<'a>>,
    pub metadata: BTreeMap<Cow<'a, str>, Namespace<'a>>,
}

/// What decides where each attribute goes, besides the attributes.
pub struct Rules<'s, 'k> {
    pub indexing: &'s Indexing<'k>,
    /// Attributes another block was made from: annotations only when indexed by name.
    pub consumed: &'s dyn Fn(&str) -> bool,
    /// Attributes left out altogether.
    pub excluded: &'s [&'s str],
}

/// Places a span's attributes, and its resource's when the document is a segment.
pub fn place<'a>(
    attributes: &Attributes<'a>,
    resource: Option<&Attributes<'a>>,
    rules: &Rules,
) -> Placed<'a> {
    let listed: HashSet<&str> = attributes.strings(LISTED_KEYS).into_iter().collect();
    let named = |key: &str| rules.indexing.keys.contains(key) || listed.contains(key);
    let mut placed = Placed {
        user: attributes.str(USER),
        ..Placed::default()
    };
    let mut default = Namespace::new();
    for (key, value) in resource.into_iter().flat_map(Attributes::iter) {
        let Some(value) = value else { continue };
        let key = format!("{RESOURCE_PREFIX}{key}");
        match Annotation::of(value).filter(|_| rules.indexing.all || named(&key)) {
            Some(annotation) => {
                placed
                    .annotations
                    .entry(annotation_key(&key))
                    .or_insert(annotation);
            }
            None => {
                default.insert(Cow::Owned(key), Meta::Attribute(value));
            }
        }
    }
    for (key, value) in attributes.iter() {
        if key == USER || key == LISTED_KEYS || rules.excluded.contains(&key) {
            continue;
        }
        let Some(value) = value else { continue };
        let consumed = (rules.consumed)(key);
        let indexed = named(key) || (rules.indexing.all && !consumed);
        if let Some(annotation) = Annotation::of(value).filter(|_| indexed) {
            placed
                .annotations
                .entry(annotation_key(key))
                .or_insert(annotation);
        } else if consumed {
            continue;
        } else if let Some(namespace) = key.strip_prefix(METADATA_PREFIX)
            && let Some(object) = as_str(value).and_then(json_object)
        {
            let target = if namespace.eq_ignore_ascii_case(DEFAULT_NAMESPACE) {
                &mut default
            } else {
                placed.metadata.entry(Cow::Borrowed(namespace)).or_default()
            };
            for (inner, parsed) in object {
                target
                    .entry(Cow::Owned(inner))
                    .or_insert(Meta::Parsed(parsed));
            }
        } else {
            default
                .entry(Cow::Borrowed(key))
                .or_insert(Meta::Attribute(value));
        }
    }
    if !default.is_empty() {
        placed
            .metadata
            .insert(Cow::Borrowed(DEFAULT_NAMESPACE), default);
    }
    placed
}

fn json_object(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).ok()
}

/// Annotation keys hold letters, digits, `_` and `.`; anything else becomes `_`.
pub fn annotation_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
