//! A span's (or a resource's) attributes, looked up by key in constant time. A key that comes
//! again is ignored: the first one wins, as in the Collector's attribute maps.

use std::collections::HashMap;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};

use super::value::{as_int, as_str, unique};

#[derive(Default)]
pub struct Attributes<'a> {
    by_key: HashMap<&'a str, &'a AnyValue>,
    /// Every key once, in the order sent, with its value (`None` when sent empty).
    ordered: Vec<(&'a str, Option<&'a AnyValue>)>,
    /// Keys that came more than once, each named once.
    pub repeated: Vec<&'a str>,
}

impl<'a> Attributes<'a> {
    pub fn new(pairs: &'a [KeyValue]) -> Attributes<'a> {
        let mut by_key = HashMap::with_capacity(pairs.len());
        let mut ordered = Vec::with_capacity(pairs.len());
        for pair in unique(pairs) {
            let value = pair.value.as_ref().filter(|v| v.value.is_some());
            if let Some(value) = value {
                by_key.insert(pair.key.as_str(), value);
            }
            ordered.push((pair.key.as_str(), value));
        }
        let mut repeated = Vec::new();
        if ordered.len() < pairs.len() {
            let mut counts: HashMap<&str, usize> = HashMap::with_capacity(ordered.len());
            for pair in pairs {
                *counts.entry(pair.key.as_str()).or_default() += 1;
            }
            repeated.extend(
                ordered
                    .iter()
                    .map(|(key, _)| *key)
                    .filter(|key| counts.get(key).is_some_and(|n| *n > 1)),
            );
        }
        Attributes {
            by_key,
            ordered,
            repeated,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a AnyValue> {
        self.by_key.get(key).copied()
    }

    pub fn has(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// A non-empty string value.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(as_str).filter(|s| !s.is_empty())
    }

    /// The first of `keys` that has a non-empty string value.
    pub fn first_str(&self, keys: &[&str]) -> Option<&'a str> {
        keys.iter().find_map(|key| self.str(key))
    }

    /// An integer value, also from a string or a whole double.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(as_int)
    }

    pub fn first_int(&self, keys: &[&str]) -> Option<i64> {
        keys.iter().find_map(|key| self.int(key))
    }

    /// A value as text: strings as they are, numbers and booleans written out.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)?.value.as_ref()? {
            Value::StringValue(text) if !text.is_empty() => Some(text.clone()),
            Value::IntValue(number) => Some(number.to_string()),
            Value::DoubleValue(number) => Some(number.to_string()),
            Value::BoolValue(flag) => Some(flag.to_string()),
            _ => None,
        }
    }

    /// The strings of a list value; a single string counts as a list of one.
    pub fn strings(&self, key: &str) -> Vec<&'a str> {
        match self.get(key).and_then(|v| v.value.as_ref()) {
            Some(Value::StringValue(text)) => vec![text.as_str()],
            Some(Value::ArrayValue(array)) => array.values.iter().filter_map(as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Every key once, in the order sent; empty values included.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Option<&'a AnyValue>)> + '_ {
        self.ordered.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::ArrayValue;

    fn pair(key: &str, value: Value) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue { value: Some(value) }),
            ..Default::default()
        }
    }

    #[test]
    fn the_first_of_a_repeated_key_wins_and_is_named() {
        let pairs = vec![
            pair("a", Value::StringValue("first".into())),
            pair("b", Value::IntValue(3)),
            pair("a", Value::StringValue("second".into())),
            pair("a", Value::StringValue("third".into())),
        ];
        let attributes = Attributes::new(&pairs);
        assert_eq!(attributes.str("a"), Some("first"));
        assert_eq!(attributes.int("b"), Some(3));
        assert_eq!(attributes.text("b").as_deref(), Some("3"));
        assert_eq!(attributes.repeated, ["a"]);
        let keys: Vec<&str> = attributes.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b"]);
    }

    #[test]
    fn lists_of_strings_and_single_strings() {
        let pairs = vec![
            pair(
                "list",
                Value::ArrayValue(ArrayValue {
                    values: vec![
                        AnyValue {
                            value: Some(Value::StringValue("x".into())),
                        },
                        AnyValue {
                            value: Some(Value::IntValue(1)),
                        },
                    ],
                }),
            ),
            pair("one", Value::StringValue("y".into())),
            pair("empty", Value::StringValue(String::new())),
        ];
        let attributes = Attributes::new(&pairs);
        assert_eq!(attributes.strings("list"), ["x"]);
        assert_eq!(attributes.strings("one"), ["y"]);
        assert_eq!(attributes.str("empty"), None);
        assert!(attributes.has("empty"));
        assert_eq!(attributes.first_str(&["missing", "one"]), Some("y"));
    }
}
