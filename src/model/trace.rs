//! A trace assembled from its documents: segments, independent subsegments and inferred
//! segments stitched by `parent_id` into one flat, pre-ordered span table.
//!
//! The table is the only shape the rest of the program sees: a span's subtree is the
//! `subtree_len` spans that follow it, so folding is a skip and drawing a window is a slice.

use super::segment::{Segment, Status};

/// One document of a trace, as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub text: String,
    pub segment: Segment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// A segment document: the work of one service.
    Segment,
    /// A segment X-Ray inferred for a downstream call (`"inferred": true`).
    Inferred,
    /// A subsegment, nested or sent on its own.
    Subsegment,
}

/// Why a span is shown at the top level although it names a parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detached {
    /// Its `parent_id` is not in this trace (not received yet, or lost).
    ParentMissing,
    /// Following its parents led back to itself.
    Cycle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The span's own fields; its `subsegments` are moved into the table. Boxed, so the table
    /// stays small to scan and assembling moves pointers, not whole segments.
    pub segment: Box<Segment>,
    pub kind: SpanKind,
    pub depth: u32,
    pub parent: Option<u32>,
    /// This span and all its descendants: the subtree is `index .. index + subtree_len`.
    pub subtree_len: u32,
    /// Index of the document this span came from in [`Trace::documents`].
    pub document: u32,
    /// Index of the span of the segment (service) this span belongs to; itself for segments.
    pub service: u32,
    pub detached: Option<Detached>,
    /// The span's name as a number: spans of one trace with the same name share it, so
    /// grouping by name never reads the segments (see [`Trace::name_of`]).
    pub name_id: u32,
    /// The segment's times and status, read once: passes over many spans read them, and
    /// the segments themselves lie scattered in memory.
    timing: Timing,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Timing {
    start: f64,
    end: Option<f64>,
    status: Status,
    in_progress: bool,
}

impl Timing {
    fn of(segment: &Segment) -> Timing {
        let start = segment.start_time.unwrap_or(0.0);
        Timing {
            start,
            end: segment
                .end_time
                .filter(|end| !segment.in_progress && *end >= start),
            status: segment.status(),
            in_progress: segment.in_progress,
        }
    }
}

impl Span {
    pub fn id(&self) -> &str {
        self.segment.id()
    }

    pub fn name(&self) -> &str {
        self.segment.name()
    }

    pub fn start(&self) -> f64 {
        self.timing.start
    }

    /// The end time, or `None` while in progress.
    pub fn end(&self) -> Option<f64> {
        self.timing.end
    }

    pub fn status(&self) -> Status {
        self.timing.status
    }

    pub fn in_progress(&self) -> bool {
        self.timing.in_progress
    }

    pub fn is_segment(&self) -> bool {
        matches!(self.kind, SpanKind::Segment | SpanKind::Inferred)
    }
}

/// A note about something the assembly had to work around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(pub String);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub id: String,
    pub documents: Vec<String>,
    pub spans: Vec<Span>,
    /// Subsegments that could not be placed, duplicates replaced, cycles broken.
    pub notes: Vec<Note>,
    /// X-Ray cut this trace short (`LimitExceeded`).
    pub limit_exceeded: bool,
    /// Figures over all spans, worked out once: frames ask for them every time.
    extent: Extent,
    /// For each name id, the first span with that name.
    named: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Extent {
    start: Option<f64>,
    end: Option<f64>,
    in_progress: bool,
    status: Status,
}

impl Extent {
    fn of(spans: &[Span]) -> Extent {
        Extent {
            start: spans.iter().map(Span::start).reduce(f64::min),
            end: spans
                .iter()
                .map(|s| s.end().unwrap_or(s.start()))
                .reduce(f64::max),
            in_progress: spans.iter().any(Span::in_progress),
            status: spans.iter().map(Span::status).max().unwrap_or_default(),
        }
    }
}

struct Node {
    segment: Option<Box<Segment>>,
    kind: SpanKind,
    document: u32,
    parent: Option<usize>,
    detached: Option<Detached>,
}

impl Trace {
    /// Stitches the documents of one trace id into a span table. Never fails: what cannot be
    /// placed is noted in [`Trace::notes`].
    pub fn assemble(id: impl Into<String>, documents: Vec<Document>) -> Trace {
        let mut notes = Vec::new();
        let documents = dedupe_documents(documents, &mut notes);
        let (mut nodes, texts) = flatten(documents, &mut notes);
        link_parents(&mut nodes, &mut notes);
        let mut spans = order(nodes);
        let named = number_names(&mut spans);
        Trace {
            id: id.into(),
            documents: texts,
            extent: Extent::of(&spans),
            named,
            spans,
            notes,
            limit_exceeded: false,
        }
    }

    /// How many distinct span names the trace has: name ids run from 0 to this.
    pub fn name_count(&self) -> usize {
        self.named.len()
    }

    /// The name a [`Span::name_id`] stands for.
    pub fn name_of(&self, name_id: u32) -> &str {
        self.named
            .get(name_id as usize)
            .map_or("", |&span| self.spans[span as usize].name())
    }

    /// Earliest start over all spans.
    pub fn start(&self) -> Option<f64> {
        self.extent.start
    }

    /// Latest known end over all spans (start times count for spans still in progress).
    pub fn end(&self) -> Option<f64> {
        self.extent.end
    }

    /// End-to-end time from the earliest start to the latest end.
    pub fn duration(&self) -> Option<f64> {
        Some(self.end()? - self.start()?)
    }

    /// The entry point: the first segment that has no parent, else the first span.
    pub fn root(&self) -> Option<&Span> {
        self.spans
            .iter()
            .find(|s| s.parent.is_none() && s.is_segment() && s.detached.is_none())
            .or_else(|| self.spans.first())
    }

    pub fn in_progress(&self) -> bool {
        self.extent.in_progress
    }

    /// Worst status of any span.
    pub fn status(&self) -> Status {
        self.extent.status
    }

    /// The AWS region the trace ran in, from a resource ARN or an AWS call.
    pub fn region(&self) -> Option<String> {
        self.spans.iter().find_map(|span| {
            let from_arn = span
                .segment
                .resource_arn
                .as_deref()
                .and_then(|arn| arn.split(':').nth(3))
                .filter(|r| !r.is_empty());
            from_arn
                .or_else(|| span.segment.aws.as_ref()?.region.as_deref())
                .filter(|r| r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .map(str::to_owned)
        })
    }

    pub fn find_span(&self, id: &str) -> Option<usize> {
        self.spans.iter().position(|s| s.id() == id)
    }

    /// Children of span `index`, in order.
    pub fn children(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let end = index + self.spans[index].subtree_len as usize;
        let mut next = index + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next += self.spans[child].subtree_len as usize;
            Some(child)
        })
    }
}

/// Keeps one document per top-level id: a completed one over an in-progress one, else the
/// last received.
fn dedupe_documents(documents: Vec<Document>, notes: &mut Vec<Note>) -> Vec<Document> {
    let mut by_id: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    let mut kept: Vec<Document> = Vec::with_capacity(documents.len());
    for doc in documents {
        let id = doc.segment.id().to_owned();
        match by_id.get(&id) {
            Some(&at) => {
                let old = &kept[at];
                let replace = !doc.segment.in_progress || old.segment.in_progress;
                if old.segment.in_progress == doc.segment.in_progress {
                    notes.push(Note(format!(
                        "document {id} was received twice; the last copy is shown"
                    )));
                }
                if replace {
                    kept[at] = doc;
                }
            }
            None => {
                by_id.insert(id, kept.len());
                kept.push(doc);
            }
        }
    }
    kept
}

/// Walks every document's nested subsegments (iteratively) into one node list, in pre-order.
fn flatten(documents: Vec<Document>, notes: &mut Vec<Note>) -> (Vec<Node>, Vec<String>) {
    let mut nodes = Vec::with_capacity(documents.len());
    let mut texts = Vec::with_capacity(documents.len());
    // The children still to place under each open node.
    let mut open: Vec<(std::vec::IntoIter<Box<Segment>>, usize)> = Vec::new();
    for (doc_index, doc) in documents.into_iter().enumerate() {
        let document = doc_index as u32;
        texts.push(doc.text);
        let top = doc.segment;
        if top.nested_too_deep > 0 {
            notes.push(Note(format!(
                "document {} nests subsegments more than {} levels deep; {} deeper ones were not read",
                top.id(),
                super::segment::MAX_NESTING,
                top.nested_too_deep
            )));
        }
        let kind = if top.is_independent_subsegment() {
            SpanKind::Subsegment
        } else if top.inferred {
            SpanKind::Inferred
        } else {
            SpanKind::Segment
        };
        let mut next = Some((Box::new(top), kind, None));
        loop {
            if let Some((segment, kind, parent)) = next.take()
                && let Some((index, children)) =
                    place(segment, kind, parent, document, &mut nodes, notes)
            {
                open.push((children.into_iter(), index));
            }
            let Some((children, parent)) = open.last_mut() else {
                break;
            };
            match children.next() {
                Some(child) => next = Some((child, SpanKind::Subsegment, Some(*parent))),
                None => {
                    open.pop();
                }
            }
        }
    }
    (nodes, texts)
}

/// Adds a segment as a node, giving back its index and its subsegments; a segment that cannot
/// be placed is skipped with its subsegments, and noted.
#[expect(clippy::vec_box, reason = "subsegments come boxed from parsing")]
fn place(
    mut segment: Box<Segment>,
    kind: SpanKind,
    parent: Option<usize>,
    document: u32,
    nodes: &mut Vec<Node>,
    notes: &mut Vec<Note>,
) -> Option<(usize, Vec<Box<Segment>>)> {
    if let Err(why) = segment.validate(false) {
        let hidden = count_nested(&segment);
        notes.push(Note(format!(
            "a subsegment of document {} has {why} and was skipped{}",
            nodes
                .get(parent.unwrap_or(usize::MAX))
                .and_then(|n: &Node| n.segment.as_ref())
                .map_or("?", |s| s.id()),
            if hidden > 0 {
                format!(" with its {hidden} subsegments")
            } else {
                String::new()
            }
        )));
        return None;
    }
    let children = std::mem::take(&mut segment.subsegments);
    let index = nodes.len();
    nodes.push(Node {
        segment: Some(segment),
        kind,
        document,
        parent,
        detached: None,
    });
    Some((index, children))
}

fn count_nested(segment: &Segment) -> usize {
    let mut count = 0;
    let mut stack: Vec<&Segment> = segment.subsegments.iter().map(|s| &**s).collect();
    while let Some(s) = stack.pop() {
        count += 1;
        stack.extend(s.subsegments.iter().map(|s| &**s));
    }
    count
}

/// Resolves `parent_id` links of top-level documents, detaching orphans and breaking cycles.
fn link_parents(nodes: &mut [Node], notes: &mut Vec<Note>) {
    let mut first_by_id: foldhash::HashMap<&str, usize> =
        foldhash::HashMap::with_capacity_and_hasher(nodes.len(), Default::default());
    for (index, node) in nodes.iter().enumerate() {
        first_by_id
            .entry(node.segment.as_ref().map_or("", |s| s.id()))
            .or_insert(index);
    }
    let duplicates = nodes.len() - first_by_id.len();
    if duplicates > 0 {
        notes.push(Note(format!(
            "{duplicates} span ids appear more than once; links go to the first"
        )));
    }
    let mut resolved: Vec<(usize, Option<usize>, Option<Detached>)> = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        if node.parent.is_some() {
            continue;
        }
        let Some(parent_id) = node.segment.as_ref().and_then(|s| s.parent_id.as_deref()) else {
            continue;
        };
        match first_by_id.get(parent_id) {
            Some(&parent) if parent != index => resolved.push((index, Some(parent), None)),
            Some(_) => resolved.push((index, None, Some(Detached::Cycle))),
            None => resolved.push((index, None, Some(Detached::ParentMissing))),
        }
    }
    drop(first_by_id);
    for (index, parent, detached) in resolved {
        nodes[index].parent = parent;
        nodes[index].detached = detached;
    }
    break_cycles(nodes, notes);
}

fn break_cycles(nodes: &mut [Node], notes: &mut Vec<Note>) {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; nodes.len()];
    let mut path = Vec::new();
    for start in 0..nodes.len() {
        let mut current = start;
        loop {
            match state[current] {
                DONE => break,
                ON_PATH => {
                    nodes[current].parent = None;
                    nodes[current].detached = Some(Detached::Cycle);
                    let id = nodes[current].segment.as_ref().map_or("", |s| s.id());
                    notes.push(Note(format!(
                        "the parents of {id} lead back to it; it is shown at the top level"
                    )));
                    break;
                }
                _ => {}
            }
            state[current] = ON_PATH;
            path.push(current);
            match nodes[current].parent {
                Some(parent) => current = parent,
                None => break,
            }
        }
        for &visited in &path {
            state[visited] = DONE;
        }
        path.clear();
    }
}

/// Numbers the spans' names, the first name seen first; returns each number's first span.
fn number_names(spans: &mut [Span]) -> Vec<u32> {
    let mut named = Vec::new();
    let numbers: Vec<u32> = {
        let mut ids: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
        spans
            .iter()
            .enumerate()
            .map(|(index, span)| {
                *ids.entry(span.segment.name()).or_insert_with(|| {
                    named.push(index as u32);
                    named.len() as u32 - 1
                })
            })
            .collect()
    };
    for (span, number) in spans.iter_mut().zip(numbers) {
        span.name_id = number;
    }
    named
}

/// Orders the nodes depth-first, siblings by start time, into the span table.
fn order(mut nodes: Vec<Node>) -> Vec<Span> {
    // Times copied out once: sorting reads the starts many times.
    let timings: Vec<Timing> = nodes
        .iter()
        .map(|n| n.segment.as_deref().map(Timing::of).unwrap_or_default())
        .collect();
    let starts: Vec<f64> = timings.iter().map(|t| t.start).collect();
    // Children of every node in one flat table: node i's are children[first[i]..first[i + 1]].
    let mut first = vec![0usize; nodes.len() + 1];
    for node in &nodes {
        if let Some(parent) = node.parent {
            first[parent + 1] += 1;
        }
    }
    for i in 0..nodes.len() {
        first[i + 1] += first[i];
    }
    let mut filled = first.clone();
    let mut children = vec![0usize; first[nodes.len()]];
    let mut roots = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        match node.parent {
            Some(parent) => {
                children[filled[parent]] = index;
                filled[parent] += 1;
            }
            None => roots.push(index),
        }
    }
    let by_start = |a: &usize, b: &usize| starts[*a].total_cmp(&starts[*b]).then(a.cmp(b));
    roots.sort_by(by_start);
    for i in 0..nodes.len() {
        children[first[i]..first[i + 1]].sort_by(by_start);
    }

    let mut spans: Vec<Span> = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(usize, Option<u32>, u32)> =
        roots.iter().rev().map(|&r| (r, None, 0)).collect();
    while let Some((node_index, parent, depth)) = stack.pop() {
        let position = spans.len() as u32;
        let node = &mut nodes[node_index];
        let kind = node.kind;
        let service = match (kind, parent) {
            (SpanKind::Subsegment, Some(p)) if node.detached.is_none() => spans[p as usize].service,
            _ => position,
        };
        spans.push(Span {
            segment: node.segment.take().unwrap_or_default(),
            kind,
            depth,
            parent,
            subtree_len: 1,
            document: node.document,
            service,
            detached: node.detached,
            name_id: 0,
            timing: timings[node_index],
        });
        for &child in children[first[node_index]..first[node_index + 1]]
            .iter()
            .rev()
        {
            stack.push((child, Some(position), depth + 1));
        }
    }
    for index in (0..spans.len()).rev() {
        if let Some(parent) = spans[index].parent {
            spans[parent as usize].subtree_len += spans[index].subtree_len;
        }
    }
    spans
}
