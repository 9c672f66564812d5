//! What the listener has received: documents grouped by trace, assembled in batches, with at
//! most `max_traces` traces kept (the oldest completed ones go first).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use crate::model::summary::{SharedValues, TraceSummary};
use crate::model::{Document, Segment, Trace};
use crate::source::Dataset;

use super::log_store::LogStore;

/// The inputs things arrive on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The daemon's datagrams: segment documents, or OTLP from ADOT in Lambda.
    Udp,
    Http,
    Grpc,
}

/// Reasons for the most recent bad datagrams kept for the user to read.
const RECENT_PROBLEMS: usize = 8;

/// More documents than any real trace has; past it a trace takes no more.
pub const MAX_DOCUMENTS_PER_TRACE: usize = 20_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// UDP datagrams, whatever they carried.
    pub datagrams: u64,
    /// OTLP/HTTP and OTLP/gRPC requests, whatever they carried.
    pub http_requests: u64,
    pub grpc_requests: u64,
    /// Spans that arrived in OTLP requests, over any input.
    pub spans: u64,
    /// Spans answered as rejected: over the per-request limit, or with ids X-Ray refuses.
    pub rejected_spans: u64,
    /// Log records that arrived in OTLP logs requests, over any input.
    pub log_records: u64,
    pub documents: u64,
    pub malformed: u64,
    pub traces_seen: u64,
    pub evicted: u64,
    /// Documents refused because their trace already had too many.
    pub overflow: u64,
}

struct Entry {
    /// The trace as last assembled.
    trace: Option<Arc<Trace>>,
    summary: Option<TraceSummary>,
    /// Documents received since.
    pending: Vec<Document>,
}

impl Entry {
    fn document_count(&self) -> usize {
        self.trace.as_ref().map_or(0, |t| t.documents.len()) + self.pending.len()
    }

    fn completed(&self) -> bool {
        self.pending.is_empty() && self.summary.as_ref().is_some_and(|s| !s.is_partial)
    }
}

pub struct Store {
    max_traces: usize,
    traces: HashMap<String, Entry>,
    /// Trace ids by arrival, oldest first.
    arrivals: BTreeMap<u64, String>,
    dirty: Vec<String>,
    counters: Counters,
    problems: VecDeque<String>,
    generation: u64,
    snapshot: Option<Arc<Dataset>>,
    shared: SharedValues,
    /// Traces evicted and not yet freed: freeing a large trace takes a while, better done
    /// with the store unlocked ([`Store::take_evicted`]).
    evicted: Vec<Entry>,
    /// The log lines of OTLP logs requests, by trace.
    pub logs: LogStore,
}

/// Evicted traces, freed when this is dropped.
pub struct Evicted {
    _entries: Vec<Entry>,
}

impl Store {
    pub fn new(max_traces: usize) -> Store {
        Store {
            max_traces: max_traces.max(1),
            traces: HashMap::new(),
            arrivals: BTreeMap::new(),
            dirty: Vec::new(),
            counters: Counters::default(),
            problems: VecDeque::new(),
            generation: 0,
            snapshot: None,
            shared: SharedValues::default(),
            evicted: Vec::new(),
            logs: LogStore::new(max_traces),
        }
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    pub fn trace_count(&self) -> usize {
        self.traces.len()
    }

    /// Bumped each time assembled data changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn problems(&self) -> Vec<String> {
        self.problems.iter().cloned().collect()
    }

    /// Counts what arrived on an input, before anything is made of it.
    pub fn arrived(&mut self, via: Via) {
        match via {
            Via::Udp => self.counters.datagrams += 1,
            Via::Http => self.counters.http_requests += 1,
            Via::Grpc => self.counters.grpc_requests += 1,
        }
    }

    /// Counts the spans of an OTLP request, and those of them answered as rejected.
    pub fn arrived_spans(&mut self, spans: u64, rejected: u64) {
        self.counters.spans += spans;
        self.counters.rejected_spans += rejected;
    }

    /// Counts the records of an OTLP logs request.
    pub fn arrived_log_records(&mut self, records: u64) {
        self.counters.log_records += records;
    }

    /// Something that arrived and carried nothing usable, and why, with where it came from.
    pub fn reject(&mut self, from: &str, reason: String) {
        self.counters.malformed += 1;
        self.note(format!("{from}: {reason}"));
    }

    /// Something the user should know of what arrived, that loses nothing.
    pub fn warn(&mut self, from: &str, problem: &str) {
        self.note(format!("{from}: {problem}"));
    }

    fn note(&mut self, problem: String) {
        if self.problems.len() == RECENT_PROBLEMS {
            self.problems.pop_front();
        }
        self.problems.push_back(problem);
    }

    /// Takes one segment document's text; a document that is not one is counted as malformed.
    /// Returns whether it was kept.
    pub fn receive(&mut self, from: &str, text: &str) -> bool {
        self.receive_parsed(from, text.to_owned(), Segment::parse(text))
    }

    /// Like [`Store::receive`], with the document parsed before the store was locked.
    pub fn receive_parsed(
        &mut self,
        from: &str,
        text: String,
        parsed: Result<Segment, serde_json::Error>,
    ) -> bool {
        let segment = match parsed {
            Ok(segment) => segment,
            Err(error) => {
                self.reject(from, format!("not a segment document: {error}"));
                return false;
            }
        };
        if let Err(why) = segment.validate(false) {
            self.reject(from, format!("segment document skipped: {why}"));
            return false;
        }
        let Some(trace_id) = segment.trace_id.clone().filter(|id| !id.is_empty()) else {
            self.reject(from, "segment document without a trace_id".into());
            return false;
        };
        if !self.traces.contains_key(&trace_id) {
            self.make_room();
            let arrival = self.counters.traces_seen;
            self.counters.traces_seen += 1;
            self.arrivals.insert(arrival, trace_id.clone());
            self.traces.insert(
                trace_id.clone(),
                Entry {
                    trace: None,
                    summary: None,
                    pending: Vec::new(),
                },
            );
        }
        let Some(entry) = self.traces.get_mut(&trace_id) else {
            return false;
        };
        if entry.document_count() >= MAX_DOCUMENTS_PER_TRACE {
            self.counters.overflow += 1;
            let problem = format!(
                "{from}: trace {trace_id} has {MAX_DOCUMENTS_PER_TRACE} documents; more are dropped"
            );
            self.note(problem);
            return false;
        }
        if entry.pending.is_empty() {
            self.dirty.push(trace_id);
        }
        entry.pending.push(Document { text, segment });
        self.counters.documents += 1;
        true
    }

    /// Evicts traces until there is room for one more: the oldest completed one, or the oldest
    /// of all when none has completed.
    fn make_room(&mut self) {
        while self.traces.len() >= self.max_traces {
            let victim = self
                .arrivals
                .iter()
                .find(|(_, id)| self.traces.get(*id).is_some_and(Entry::completed))
                .or_else(|| self.arrivals.iter().next())
                .map(|(arrival, id)| (*arrival, id.clone()));
            let Some((arrival, id)) = victim else { return };
            self.arrivals.remove(&arrival);
            self.evicted.extend(self.traces.remove(&id));
            self.counters.evicted += 1;
            self.snapshot = None;
        }
    }

    /// The traces evicted since the last call, to be freed once the store is unlocked.
    pub fn take_evicted(&mut self) -> Evicted {
        Evicted {
            _entries: std::mem::take(&mut self.evicted),
        }
    }

    /// Assembles the traces that received documents since the last call. Returns whether
    /// anything changed.
    pub fn assemble_pending(&mut self) -> bool {
        self.evicted.clear();
        let dirty = std::mem::take(&mut self.dirty);
        let mut changed = false;
        for id in dirty {
            let Some(entry) = self.traces.get_mut(&id) else {
                continue;
            };
            let earlier = entry.trace.as_ref().map(|trace| {
                trace.documents.iter().filter_map(|text| {
                    Segment::parse(text).ok().map(|segment| Document {
                        text: text.clone(),
                        segment,
                    })
                })
            });
            let mut documents: Vec<Document> = earlier.into_iter().flatten().collect();
            documents.append(&mut entry.pending);
            let trace = Trace::assemble(id.clone(), documents);
            let mut summary = TraceSummary::of_trace(&trace);
            self.shared.share(&mut summary);
            entry.summary = Some(summary);
            entry.trace = Some(Arc::new(trace));
            changed = true;
        }
        if changed {
            self.snapshot = None;
        }
        // New log lines change what the logs pane shows, not the traces.
        changed |= self.logs.take_changed();
        if changed {
            self.generation += 1;
        }
        changed
    }

    /// Everything assembled so far, ready to query; shared until the data changes.
    pub fn snapshot(&mut self) -> Arc<Dataset> {
        if let Some(snapshot) = &self.snapshot {
            return Arc::clone(snapshot);
        }
        let mut traces = HashMap::with_capacity(self.traces.len());
        let mut summaries = Vec::with_capacity(self.traces.len());
        for (id, entry) in &self.traces {
            if let (Some(trace), Some(summary)) = (&entry.trace, &entry.summary) {
                traces.insert(id.clone(), Arc::clone(trace));
                summaries.push(summary.clone());
            }
        }
        summaries.sort_by(|a: &TraceSummary, b| {
            b.start_time
                .total_cmp(&a.start_time)
                .then_with(|| a.id.cmp(&b.id))
        });
        let snapshot = Arc::new(Dataset {
            traces,
            summaries,
            ..Dataset::default()
        });
        self.snapshot = Some(Arc::clone(&snapshot));
        snapshot
    }
}
