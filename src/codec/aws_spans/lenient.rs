//! Readers for the fields of an `aws/spans` record that take what has the expected shape and
//! make anything else absent, straight from the parser: attributes become OTLP values as they
//! are read, with no JSON tree in between.

use std::fmt;
use std::marker::PhantomData;

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::lenient::object;

/// Writes the `visit_*` methods of a visitor that answers `$none` for every shape it does
/// not name itself.
macro_rules! other_shapes_are {
    ($none:expr; $($method:ident($($arg:ty)?)),*) => {
        $(other_shapes_are!(@one $none; $method($($arg)?));)*
    };
    (@one $none:expr; visit_seq()) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($none)
        }
    };
    (@one $none:expr; visit_map()) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($none)
        }
    };
    (@one $none:expr; visit_unit()) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
    (@one $none:expr; $method:ident($arg:ty)) => {
        fn $method<E: de::Error>(self, _: $arg) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

/// Nanoseconds since the epoch: a JSON integer as `aws/spans` writes it, or a string of
/// digits as OTLP/JSON does.
pub fn nanos<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    deserializer.deserialize_any(WholeVisitor)
}

/// A small whole number, such as the span's flags.
pub fn small<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    Ok(nanos(deserializer)?.and_then(|number| u32::try_from(number).ok()))
}

struct WholeVisitor;

impl<'de> Visitor<'de> for WholeVisitor {
    type Value = Option<u64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).ok())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let whole = v.fract() == 0.0 && (0.0..1.8e19).contains(&v);
        Ok(whole.then_some(v as u64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.trim().parse().ok())
    }
    other_shapes_are!(None; visit_bool(bool), visit_unit(), visit_seq(), visit_map());
}

/// An enumerated value written by name (`"SERVER"`) or, by some writers, by number.
#[derive(Debug, Clone, PartialEq)]
pub enum NameOrNumber {
    Name(String),
    Number(u64),
}

pub fn name_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NameOrNumber>, D::Error> {
    struct NameOrNumberVisitor;
    impl<'de> Visitor<'de> for NameOrNumberVisitor {
        type Value = Option<NameOrNumber>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a name or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(NameOrNumber::Name(v.to_owned())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(NameOrNumber::Number(v)))
        }
        other_shapes_are!(None; visit_i64(i64), visit_f64(f64), visit_bool(bool), visit_unit(),
            visit_seq(), visit_map());
    }
    deserializer.deserialize_any(NameOrNumberVisitor)
}

/// An object of attributes (`{"http.route": "/orders", "http.response.status_code": 500}`)
/// as OTLP key-values, in their order; anything but an object gives none.
pub fn attributes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<KeyValue>, D::Error> {
    struct AttributesVisitor;
    impl<'de> Visitor<'de> for AttributesVisitor {
        type Value = Vec<KeyValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of attributes")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            pairs(map)
        }
        other_shapes_are!(Vec::new(); visit_bool(bool), visit_i64(i64), visit_u64(u64),
            visit_f64(f64), visit_str(&str), visit_unit(), visit_seq());
    }
    deserializer.deserialize_any(AttributesVisitor)
}

fn pairs<'de, A: MapAccess<'de>>(mut map: A) -> Result<Vec<KeyValue>, A::Error> {
    let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
    while let Some((key, value)) = map.next_entry::<String, Attribute>()? {
        pairs.push(KeyValue {
            key,
            value: Some(value.0),
            ..Default::default()
        });
    }
    Ok(pairs)
}

/// One attribute value: scalars as themselves, arrays as arrays, objects as key-value lists,
/// `null` as an empty value. Big whole numbers beyond `i64` become doubles.
struct Attribute(AnyValue);

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(AttributeVisitor)
            .map(Attribute)
    }
}

struct AttributeVisitor;

fn any(value: Value) -> AnyValue {
    AnyValue { value: Some(value) }
}

impl<'de> Visitor<'de> for AttributeVisitor {
    type Value = AnyValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AnyValue, E> {
        Ok(any(Value::BoolValue(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyValue, E> {
        Ok(any(Value::IntValue(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyValue, E> {
        Ok(any(match i64::try_from(v) {
            Ok(v) => Value::IntValue(v),
            Err(_) => Value::DoubleValue(v as f64),
        }))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AnyValue, E> {
        Ok(any(Value::DoubleValue(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyValue, E> {
        Ok(any(Value::StringValue(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<AnyValue, E> {
        Ok(any(Value::StringValue(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<AnyValue, E> {
        Ok(AnyValue { value: None })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyValue, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<Attribute>()? {
            values.push(item.0);
        }
        Ok(any(Value::ArrayValue(ArrayValue { values })))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AnyValue, A::Error> {
        Ok(any(Value::KvlistValue(KeyValueList {
            values: pairs(map)?,
        })))
    }
}

/// A list of objects; an item of another shape is left out, anything but a list gives none.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectsVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectsVisitor<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<Lenient<T>>()? {
                items.extend(item.0);
            }
            Ok(items)
        }
        other_shapes_are!(Vec::new(); visit_bool(bool), visit_i64(i64), visit_u64(u64),
            visit_f64(f64), visit_str(&str), visit_unit(), visit_map());
    }
    deserializer.deserialize_any(ObjectsVisitor(PhantomData))
}

/// An object read as `T` when it is one; `None` for any other shape.
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer).map(Lenient)
    }
}
