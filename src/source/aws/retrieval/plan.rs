//! Which retrievals to start for a set of trace ids: at most 100 ids each, over a time range as
//! narrow as what is known of the traces allows, and no wider than a window (AWS times a
//! retrieval out after 60 minutes: a wide range is split into several retrievals).

use crate::model::trace_id;

/// StartTraceRetrieval takes at most 100 ids.
pub const IDS_PER_RETRIEVAL: usize = 100;

/// Looked at before a trace's known start (clocks disagree), and after its known end (spans
/// that end late, asynchronous work).
const BEFORE: f64 = 60.0;
const AFTER: f64 = 300.0;
/// How long a trace known only by the time in its id is looked for.
const UNKNOWN_LENGTH: f64 = 900.0;
/// A time in an id further back than this (X-Ray keeps 30 days) is not a time: W3C ids are
/// random.
const OLDEST: f64 = 31.0 * 86_400.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub ids: Vec<String>,
    pub from: f64,
    pub to: f64,
}

/// The retrievals for `ids`. `known` says when a trace ran, when a list showed it; `fallback`
/// is the range to search for a trace nothing is known of.
pub fn plan(
    ids: &[String],
    known: impl Fn(&str) -> Option<(f64, f64)>,
    now: f64,
    fallback: (f64, f64),
    window: f64,
) -> Vec<Batch> {
    let mut ranges: Vec<(f64, f64, &String)> = ids
        .iter()
        .map(|id| {
            let (from, to) = range_of(id, &known, now, fallback);
            (from, to, id)
        })
        .collect();
    ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut batches: Vec<Batch> = Vec::new();
    for (from, to, id) in ranges {
        match batches.last_mut() {
            Some(batch)
                if batch.ids.len() < IDS_PER_RETRIEVAL
                    && batch.to.max(to) - batch.from <= window =>
            {
                batch.ids.push(id.clone());
                batch.to = batch.to.max(to);
            }
            _ => batches.push(Batch {
                ids: vec![id.clone()],
                from,
                to,
            }),
        }
    }
    batches
}

fn range_of(
    id: &str,
    known: &impl Fn(&str) -> Option<(f64, f64)>,
    now: f64,
    fallback: (f64, f64),
) -> (f64, f64) {
    let (from, to) = match known(id) {
        Some((start, end)) => (start - BEFORE, end + AFTER),
        None => match trace_id::epoch_seconds(id).map(|s| s as f64) {
            Some(start) if start > now - OLDEST && start <= now + BEFORE => {
                (start - BEFORE, start + UNKNOWN_LENGTH)
            }
            _ => fallback,
        },
    };
    (from, to.min(now).max(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_100_000.0;

    fn id(epoch: f64, n: usize) -> String {
        format!("1-{:08x}-{n:024x}", epoch as u32)
    }

    #[test]
    fn what_the_list_knew_narrows_the_range() {
        let ids = vec![id(NOW - 3000.0, 1)];
        let batches = plan(
            &ids,
            |_| Some((NOW - 3000.0, NOW - 2990.0)),
            NOW,
            (NOW - 3600.0, NOW),
            3600.0,
        );
        assert_eq!(
            batches,
            [Batch {
                ids: ids.clone(),
                from: NOW - 3060.0,
                to: NOW - 2690.0
            }]
        );
        // Known only from the id: a quarter of an hour from its start.
        let batches = plan(&ids, |_| None, NOW, (NOW - 3600.0, NOW), 3600.0);
        assert_eq!(
            (batches[0].from, batches[0].to),
            (NOW - 3060.0, NOW - 2100.0)
        );
    }

    #[test]
    fn a_random_w3c_id_is_searched_for_in_the_fallback_range() {
        let ids = vec!["1-00000001-0123456789abcdef01234567".to_owned()];
        let batches = plan(&ids, |_| None, NOW, (NOW - 3600.0, NOW), 3600.0);
        assert_eq!((batches[0].from, batches[0].to), (NOW - 3600.0, NOW));
    }

    #[test]
    fn wide_ranges_and_many_ids_make_several_retrievals() {
        // Traces over five hours: one retrieval per hour's worth.
        let ids: Vec<String> = (0..5)
            .map(|h| id(NOW - 18_000.0 + h as f64 * 3600.0, h))
            .collect();
        let batches = plan(&ids, |_| None, NOW, (0.0, NOW), 3600.0);
        assert_eq!(batches.len(), 5);
        assert!(batches.iter().all(|b| b.to - b.from <= 3600.0));
        // 250 traces of the same minute: 100, 100, 50.
        let ids: Vec<String> = (0..250).map(|n| id(NOW - 600.0, n)).collect();
        let sizes: Vec<usize> = plan(&ids, |_| None, NOW, (0.0, NOW), 3600.0)
            .iter()
            .map(|b| b.ids.len())
            .collect();
        assert_eq!(sizes, [100, 100, 50]);
    }
}
