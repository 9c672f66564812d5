//! OTLP attribute values written as JSON, straight from the request: strings, numbers and
//! booleans as themselves, arrays as arrays, key-value lists as objects, bytes as base64.

use std::collections::HashSet;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Values nested deeper than this are written as [`TOO_DEEP`], so that no value, however it
/// was built, can exhaust the stack. The protobuf decoder already stops far sooner.
const MAX_DEPTH: u32 = 64;
const TOO_DEEP: &str = "(nested too deeply)";

/// One attribute value as JSON; an empty value is `null`.
#[derive(Clone, Copy)]
pub struct Json<'a> {
    value: Option<&'a AnyValue>,
    depth: u32,
}

pub fn json(value: Option<&AnyValue>) -> Json<'_> {
    Json { value, depth: 0 }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.depth > MAX_DEPTH {
            return serializer.serialize_str(TOO_DEEP);
        }
        let Some(value) = self.value.and_then(|v| v.value.as_ref()) else {
            return serializer.serialize_unit();
        };
        match value {
            Value::StringValue(text) => serializer.serialize_str(text),
            Value::BoolValue(flag) => serializer.serialize_bool(*flag),
            Value::IntValue(number) => serializer.serialize_i64(*number),
            Value::DoubleValue(number) => serializer.serialize_f64(*number),
            Value::BytesValue(bytes) => serializer.serialize_str(&base64(bytes)),
            Value::ArrayValue(array) => {
                let mut seq = serializer.serialize_seq(Some(array.values.len()))?;
                for item in &array.values {
                    seq.serialize_element(&Json {
                        value: Some(item),
                        depth: self.depth + 1,
                    })?;
                }
                seq.end()
            }
            Value::KvlistValue(list) => Object {
                pairs: &list.values,
                depth: self.depth + 1,
            }
            .serialize(serializer),
            // Only meaningful in profiles, which this translator does not read.
            Value::StringValueStrindex(_) => serializer.serialize_unit(),
        }
    }
}

/// Key-value pairs as one JSON object. A key that comes again is left out: the first wins,
/// as it does everywhere in the translator.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    pairs: &'a [KeyValue],
    depth: u32,
}

pub fn object(pairs: &[KeyValue]) -> Object<'_> {
    Object { pairs, depth: 0 }
}

impl Object<'_> {
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for pair in unique(self.pairs) {
            map.serialize_entry(
                &pair.key,
                &Json {
                    value: pair.value.as_ref(),
                    depth: self.depth,
                },
            )?;
        }
        map.end()
    }
}

/// The pairs whose key has not come before, in order; linear in the number of pairs.
pub fn unique(pairs: &[KeyValue]) -> impl Iterator<Item = &KeyValue> {
    // A few pairs are compared with the ones before them, which allocates nothing.
    const FEW: usize = 8;
    let mut seen: HashSet<&str> = HashSet::new();
    pairs
        .iter()
        .enumerate()
        .filter(move |(index, pair)| {
            if pairs.len() <= FEW {
                !pairs[..*index].iter().any(|before| before.key == pair.key)
            } else {
                seen.insert(&pair.key)
            }
        })
        .map(|(_, pair)| pair)
}

/// A string attribute value, if the value is one.
pub fn as_str(value: &AnyValue) -> Option<&str> {
    match value.value.as_ref()? {
        Value::StringValue(text) => Some(text),
        _ => None,
    }
}

/// An integer, from an integer, a whole double or a string holding one.
pub fn as_int(value: &AnyValue) -> Option<i64> {
    match value.value.as_ref()? {
        Value::IntValue(number) => Some(*number),
        Value::DoubleValue(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => {
            Some(*number as i64)
        }
        Value::StringValue(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The length of a value's JSON, counted without writing it anywhere.
pub fn json_size(value: &impl Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail, and a value that cannot be written counts nothing.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// Standard base64 with padding, as OTLP/JSON writes bytes.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{ArrayValue, KeyValueList};

    fn any(value: Value) -> AnyValue {
        AnyValue { value: Some(value) }
    }

    fn pair(key: &str, value: Value) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(any(value)),
            ..Default::default()
        }
    }

    #[test]
    fn every_kind_of_value_becomes_json() {
        let pairs = vec![
            pair("s", Value::StringValue("a\u{1b}b".into())),
            pair("i", Value::IntValue(-7)),
            pair("d", Value::DoubleValue(1.5)),
            pair("b", Value::BoolValue(true)),
            pair("bytes", Value::BytesValue(b"hello".to_vec())),
            pair(
                "list",
                Value::ArrayValue(ArrayValue {
                    values: vec![any(Value::IntValue(1)), AnyValue { value: None }],
                }),
            ),
            pair(
                "kv",
                Value::KvlistValue(KeyValueList {
                    values: vec![pair("x", Value::StringValue("y".into()))],
                }),
            ),
            pair("s", Value::StringValue("second".into())),
        ];
        let text = serde_json::to_string(&object(&pairs)).unwrap();
        assert_eq!(
            text,
            r#"{"s":"a\u001bb","i":-7,"d":1.5,"b":true,"bytes":"aGVsbG8=","list":[1,null],"kv":{"x":"y"}}"#
        );
    }

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }

    #[test]
    fn very_deep_values_are_cut_short() {
        let mut value = any(Value::IntValue(1));
        for _ in 0..200 {
            value = any(Value::ArrayValue(ArrayValue {
                values: vec![value],
            }));
        }
        let text = serde_json::to_string(&json(Some(&value))).unwrap();
        assert!(text.contains(TOO_DEEP));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn integers_come_from_numbers_and_text() {
        assert_eq!(as_int(&any(Value::IntValue(404))), Some(404));
        assert_eq!(as_int(&any(Value::StringValue(" 503".into()))), Some(503));
        assert_eq!(as_int(&any(Value::DoubleValue(429.0))), Some(429));
        assert_eq!(as_int(&any(Value::DoubleValue(4.5))), None);
        assert_eq!(as_int(&any(Value::BoolValue(true))), None);
    }
}
