//! A trace's annotations, kept compact: summaries are many.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::sharing::share;
use crate::model::segment::AnnotationValue;

/// A trace's annotations: each key with the values it took, sorted by key. Two flat vectors,
/// not a map: summaries are many and hold few keys each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    /// Each key and where its values start in `values`.
    keys: Vec<(Arc<str>, u32)>,
    values: Vec<AnnotationValue>,
}

impl Annotations {
    pub fn get(&self, key: &str) -> Option<&[AnnotationValue]> {
        let at = self.keys.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        Some(&self.values[self.range(at)])
    }

    fn range(&self, at: usize) -> std::ops::Range<usize> {
        let start = self.keys[at].1 as usize;
        let end = self
            .keys
            .get(at + 1)
            .map_or(self.values.len(), |(_, next)| *next as usize);
        start..end
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| &**k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[AnnotationValue])> {
        (0..self.keys.len()).map(|at| (&*self.keys[at].0, &self.values[self.range(at)]))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Each key of `pairs` with its distinct values, in the order they first come. Linear in
    /// the pairs: a trace of 50,000 spans may give as many values to one key.
    pub fn gather<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a AnnotationValue)>,
    ) -> Annotations {
        let mut by_key: BTreeMap<&str, (Vec<&AnnotationValue>, HashSet<ValueKey>)> =
            BTreeMap::new();
        for (key, value) in pairs {
            let (values, seen) = by_key.entry(key).or_default();
            if seen.insert(ValueKey::of(value)) {
                values.push(value);
            }
        }
        let mut annotations = Annotations {
            keys: Vec::with_capacity(by_key.len()),
            values: Vec::with_capacity(by_key.values().map(|(values, _)| values.len()).sum()),
        };
        for (key, (values, _)) in by_key {
            let start = annotations.values.len() as u32;
            annotations.keys.push((Arc::from(key), start));
            annotations.values.extend(values.into_iter().cloned());
        }
        annotations
    }

    /// Keys are few and repeat in every trace: one copy of each serves them all.
    pub(super) fn share_keys(&mut self, seen: &mut foldhash::HashSet<Arc<str>>) {
        for (key, _) in &mut self.keys {
            share(seen, key);
        }
    }
}

/// An annotation value that can be hashed: numbers compare by their bits, with -0 as 0.
#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Bool(bool),
    Number(u64),
    String(&'a str),
}

impl<'a> ValueKey<'a> {
    fn of(value: &'a AnnotationValue) -> ValueKey<'a> {
        match value {
            AnnotationValue::Bool(b) => ValueKey::Bool(*b),
            AnnotationValue::Number(n) => ValueKey::Number((n + 0.0).to_bits()),
            AnnotationValue::String(s) => ValueKey::String(s),
        }
    }
}

impl std::ops::Index<&str> for Annotations {
    type Output = [AnnotationValue];
    fn index(&self, key: &str) -> &[AnnotationValue] {
        self.get(key)
            .unwrap_or_else(|| panic!("no annotation {key:?}"))
    }
}

impl FromIterator<(String, Vec<AnnotationValue>)> for Annotations {
    fn from_iter<I: IntoIterator<Item = (String, Vec<AnnotationValue>)>>(items: I) -> Self {
        let items: Vec<(String, Vec<AnnotationValue>)> = items.into_iter().collect();
        // A key given twice keeps its first values, as a JSON object would.
        let mut seen_keys = HashSet::new();
        Annotations::gather(
            items
                .iter()
                .filter(|(key, _)| seen_keys.insert(key.as_str()))
                .flat_map(|(key, values)| values.iter().map(move |value| (key.as_str(), value))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::summary::WireSummary;

    #[test]
    fn values_stay_with_their_keys_whatever_the_order_they_come_in() {
        let n = |x: f64| AnnotationValue::Number(x);
        let s = |x: &str| AnnotationValue::String(x.into());
        let pairs = [
            ("tier", s("gold")),
            ("cart", n(3.0)),
            ("tier", s("silver")),
            ("cart", n(3.0)),
            ("a", AnnotationValue::Bool(true)),
            ("cart", n(-0.0)),
            ("cart", n(5.0)),
            ("cart", n(0.0)),
            ("tier", s("gold")),
        ];
        let annotations = Annotations::gather(pairs.iter().map(|(k, v)| (*k, v)));
        let listed: Vec<(String, Vec<String>)> = annotations
            .iter()
            .map(|(k, v)| (k.to_owned(), v.iter().map(ToString::to_string).collect()))
            .collect();
        assert_eq!(
            listed,
            [
                ("a".to_owned(), vec!["true".to_owned()]),
                (
                    "cart".to_owned(),
                    vec!["3".to_owned(), "-0".to_owned(), "5".to_owned()]
                ),
                (
                    "tier".to_owned(),
                    vec!["gold".to_owned(), "silver".to_owned()]
                ),
            ]
        );
        assert_eq!(
            annotations.get("cart"),
            Some(&[n(3.0), n(-0.0), n(5.0)][..])
        );
        assert_eq!(annotations.get("nope"), None);
    }

    #[test]
    fn the_first_fault_root_cause_comes_from_the_api_answer() {
        let json = r#"{"Id": "1-5f84c7a1-1234567890abcdef12345678", "HasFault": true,
            "FaultRootCauses": [{"Services": [
                {"Name": "front", "EntityPath": [{"Name": "front", "Exceptions": [{"Name": "Wrapped"}]}]},
                {"Name": "payments", "EntityPath": [
                    {"Name": "payments"},
                    {"Name": "charge", "Exceptions": [{"Name": "ProviderTimeout"}, {"Name": "ReadTimeout"}]}
                ]}
            ]}, {"Services": [{"Name": "other"}]}]}"#;
        let wire: WireSummary = serde_json::from_str(json).unwrap();
        let summary = wire.into_summary().unwrap();
        let cause = summary.fault_cause.as_deref().unwrap();
        assert_eq!(cause.service, "payments");
        assert_eq!(cause.exception.as_deref(), Some("ProviderTimeout"));
        let junk: WireSummary =
            serde_json::from_str(r#"{"Id": "x", "FaultRootCauses": [{"Services": 3}]}"#).unwrap();
        assert_eq!(junk.into_summary().unwrap().fault_cause, None);
    }
}
