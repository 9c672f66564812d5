//! The graph's fields read in place from the parser, leniently: a list keeps the elements of
//! the expected shape and skips the others, a count or a time of another shape is zero, a
//! nested object of another shape is absent. No `serde_json::Value` is built on the way, so
//! a 10,000-service graph is read in one pass over its text.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Edge, HistogramEntry, ServiceNode};
use crate::model::lenient;

/// An element of a list: `None` when it has another shape (it is skipped).
pub(super) trait Element<'de>: Sized {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error>;
}

macro_rules! object_elements {
    ($($kind:ty),*) => {$(
        impl<'de> Element<'de> for $kind {
            fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                lenient::object(deserializer)
            }
        }
    )*};
}

object_elements!(ServiceNode, Edge, HistogramEntry);

impl<'de> Element<'de> for String {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        lenient::text(deserializer)
    }
}

impl<'de> Element<'de> for serde_json::Value {
    fn read<D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Some)
    }
}

struct Seed<T>(PhantomData<T>);

impl<'de, T: Element<'de>> DeserializeSeed<'de> for Seed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::read(deserializer)
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Element<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(Seed::<T>(PhantomData))? {
            items.extend(item);
        }
        Ok(items)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
}

/// A list whose elements of another shape are skipped; anything but a list is empty.
pub(super) fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Element<'de>,
{
    deserializer.deserialize_any(ListVisitor(PhantomData))
}

/// A count: zero when absent or of another shape.
pub(super) fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    Ok(lenient::integer(deserializer)?.unwrap_or(0))
}

/// A number of seconds (or a histogram value): zero when absent or of another shape.
pub(super) fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(lenient::number(deserializer)?.unwrap_or(0.0))
}

/// A nested object, its default when it has another shape.
pub(super) fn object_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(lenient::object(deserializer)?.unwrap_or_default())
}
