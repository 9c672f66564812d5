//! The in-memory data set behind the offline sources (files, demo, local listener):
//! documents grouped by trace, assembled into traces with computed summaries.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::model::graph::{earliest, latest};
use crate::model::logs::LogLine;
use crate::model::summary::TraceSummary;
use crate::model::{Document, Segment, ServiceGraph, Trace};

use super::problem::Problem;
use super::progress::LoadProgress;

fn assemble_all(
    documents: BTreeMap<String, Vec<Document>>,
    limit_exceeded: &[String],
) -> impl Iterator<Item = Trace> + '_ {
    documents.into_iter().map(|(id, documents)| {
        let mut trace = Trace::assemble(id.clone(), documents);
        trace.limit_exceeded = limit_exceeded.contains(&id);
        trace
    })
}

type Parsed<L> = ((String, L), Result<Segment, serde_json::Error>);

/// Parses each item's text, on two threads when there are many; the order is kept.
fn parse_in_parallel<L: Send>(items: Vec<(String, L)>) -> Vec<Parsed<L>> {
    let parse = |items: Vec<(String, L)>| -> Vec<Parsed<L>> {
        items
            .into_iter()
            .map(|item| {
                let parsed = Segment::parse(&item.0);
                (item, parsed)
            })
            .collect()
    };
    if items.len() < 64 {
        return parse(items);
    }
    let mut first = items;
    let second = first.split_off(first.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| parse(second));
        let mut done = parse(first);
        match other.join() {
            Ok(rest) => done.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        done
    })
}

/// How the trace of documents without a trace id is named, before the input's name.
pub const NO_TRACE_ID: &str = "(no trace_id)";

/// Documents and API outputs collected from one or more inputs, before assembly.
#[derive(Default)]
pub struct Collector {
    documents: BTreeMap<String, Vec<Document>>,
    limit_exceeded: Vec<String>,
    summaries: Vec<TraceSummary>,
    graphs: Vec<ServiceGraph>,
    pub problems: Vec<Problem>,
    pub skipped_documents: usize,
    /// The input being read, to group documents that carry no trace id.
    input: String,
    /// Log lines, by the 32 hex digits of their trace id.
    logs: HashMap<String, Vec<LogLine>>,
    /// How far the reading has got, for the screen; and whether to stop.
    pub progress: Arc<LoadProgress>,
}

impl Collector {
    /// A collector that tells `progress` how far it has got.
    pub fn with_progress(progress: Arc<LoadProgress>) -> Collector {
        Collector {
            progress,
            ..Collector::default()
        }
    }

    /// Names the input that the next documents come from.
    pub fn set_input(&mut self, name: impl Into<String>) {
        self.input = name.into();
    }

    /// Adds one segment document given as JSON text. `where_` names its place for messages.
    pub fn add_document_text(&mut self, text: String, where_: impl FnOnce() -> String) {
        match Segment::parse(&text) {
            Ok(segment) => self.add_document(text, segment, where_),
            Err(error) => self.skip_unreadable(where_(), &error),
        }
    }

    /// Adds many documents given as JSON text, parsed on two threads when there are many:
    /// parsing is most of opening a big trace. `where_` names a document's place from its label.
    pub fn add_document_texts<L: Send>(
        &mut self,
        texts: Vec<(String, L)>,
        where_: impl Fn(&L) -> String,
    ) {
        for ((text, label), parsed) in parse_in_parallel(texts) {
            match parsed {
                Ok(segment) => self.add_document(text, segment, || where_(&label)),
                Err(error) => self.skip_unreadable(where_(&label), &error),
            }
        }
    }

    fn skip_unreadable(&mut self, place: String, error: &serde_json::Error) {
        self.skipped_documents += 1;
        self.problems.push(Problem::new(
            place,
            format!("not a segment document: {error}"),
        ));
    }

    pub fn add_document(
        &mut self,
        text: String,
        segment: Segment,
        where_: impl FnOnce() -> String,
    ) {
        if let Err(why) = segment.validate(false) {
            self.skipped_documents += 1;
            self.problems.push(Problem::new(
                where_(),
                format!("segment document skipped: {why}"),
            ));
            return;
        }
        // A document without a trace id (a snippet saved on its own) still deserves a look:
        // it gets a trace of its own, named after where it came from.
        let trace_id = match segment.trace_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => format!("{NO_TRACE_ID} {}", self.input),
        };
        self.documents
            .entry(trace_id)
            .or_default()
            .push(Document { text, segment });
    }

    pub fn mark_limit_exceeded(&mut self, trace_id: String) {
        self.limit_exceeded.push(trace_id);
    }

    pub fn add_summary(&mut self, summary: TraceSummary) {
        self.summaries.push(summary);
    }

    pub fn add_summaries(&mut self, summaries: Vec<TraceSummary>) {
        if self.summaries.is_empty() {
            self.summaries = summaries;
        } else {
            self.summaries.extend(summaries);
        }
    }

    pub fn add_graph(&mut self, graph: ServiceGraph) {
        self.graphs.push(graph);
    }

    /// Keeps a log line for the trace it names; a line naming no trace cannot be placed and
    /// is counted as left out (the answer is false).
    pub fn add_log_line(&mut self, line: LogLine) -> bool {
        let Some(digits) = line
            .trace_id
            .as_deref()
            .and_then(crate::model::logs::trace_id_digits)
        else {
            return false;
        };
        self.logs.entry(digits).or_default().push(line);
        true
    }

    /// Only the assembled traces and the problems met, for a source that asked for traces by
    /// id: no summaries or map to work out.
    pub fn into_traces(self) -> (Vec<Trace>, Vec<Problem>) {
        let traces = assemble_all(self.documents, &self.limit_exceeded).collect();
        (traces, self.problems)
    }

    pub fn document_count(&self) -> usize {
        self.documents.values().map(Vec::len).sum()
    }

    /// Assembles every trace and computes what the documents alone cannot say.
    pub fn finish(self) -> Dataset {
        let mut traces: HashMap<String, Arc<Trace>> = HashMap::with_capacity(self.documents.len());
        let mut of_traces: Vec<TraceSummary> = Vec::with_capacity(self.documents.len());
        for trace in assemble_all(self.documents, &self.limit_exceeded) {
            of_traces.push(TraceSummary::of_trace(&trace));
            traces.insert(trace.id.clone(), Arc::new(trace));
        }
        // Summaries from GetTraceSummaries outputs add the traces that have no documents here.
        // They are kept where they are: a file of them can be most of the memory.
        let mut summaries = self.summaries;
        let mut fresh = first_of_each(&of_traces, &summaries).into_iter();
        summaries.retain(|_| fresh.next().unwrap_or(false));
        summaries.append(&mut of_traces);
        crate::model::summary::share_repeated_values(&mut summaries);
        summaries.sort_by(|a, b| {
            b.start_time
                .total_cmp(&a.start_time)
                .then_with(|| a.id.cmp(&b.id))
        });
        let graph = if self.graphs.is_empty() {
            ServiceGraph::from_traces(traces.values().map(Arc::as_ref))
        } else {
            merge_graphs(self.graphs)
        };
        Dataset {
            traces,
            summaries,
            graph,
            problems: self.problems,
            skipped_documents: self.skipped_documents,
            logs: self.logs,
            generated_logs: None,
            aliases: HashMap::new(),
        }
    }
}

/// Which of `more` name a trace that `known` and the ones before it in `more` do not.
fn first_of_each(known: &[TraceSummary], more: &[TraceSummary]) -> Vec<bool> {
    let mut seen: foldhash::HashSet<&str> = known.iter().map(|s| s.id.as_str()).collect();
    more.iter().map(|s| seen.insert(s.id.as_str())).collect()
}

fn merge_graphs(mut graphs: Vec<ServiceGraph>) -> ServiceGraph {
    if graphs.len() == 1 {
        return graphs.pop().unwrap_or_default();
    }
    // Several saved maps: keep them side by side, renumbering reference ids so they stay apart.
    let mut merged = ServiceGraph::default();
    let mut offset = 0;
    for graph in graphs {
        let width = graph
            .services
            .iter()
            .filter_map(|s| s.reference_id)
            .max()
            .map_or(0, |m| m + 1);
        for mut service in graph.services {
            service.reference_id = service.reference_id.map(|r| r + offset);
            for edge in &mut service.edges {
                edge.reference_id = edge.reference_id.map(|r| r + offset);
            }
            merged.services.push(service);
        }
        offset += width;
        merged.start_time = earliest(merged.start_time, graph.start_time);
        merged.end_time = latest(merged.end_time, graph.end_time);
    }
    merged
}

/// Everything an offline source knows, ready to query.
#[derive(Default)]
pub struct Dataset {
    pub traces: HashMap<String, Arc<Trace>>,
    /// Newest first.
    pub summaries: Vec<TraceSummary>,
    pub graph: ServiceGraph,
    pub problems: Vec<Problem>,
    pub skipped_documents: usize,
    /// Other ids that name a trace (the demo's ids from the window before this one).
    pub aliases: HashMap<String, String>,
    /// Log lines read with the documents, by the 32 hex digits of their trace id.
    pub logs: HashMap<String, Vec<LogLine>>,
    /// Makes the log lines of a trace from the trace itself (the demo's services).
    pub generated_logs: Option<fn(&Trace) -> Vec<LogLine>>,
}

impl Dataset {
    /// The log lines this data set has for a trace.
    pub fn logs_of(&self, trace: &Trace) -> Vec<LogLine> {
        let mut lines = crate::model::logs::trace_id_digits(&trace.id)
            .and_then(|digits| self.logs.get(&digits).cloned())
            .unwrap_or_default();
        if let Some(generate) = self.generated_logs {
            lines.extend(generate(trace));
        }
        lines
    }
}
