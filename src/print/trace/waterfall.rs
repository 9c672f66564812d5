//! The waterfall as lines of text: every span with its tree guides, offset, duration and a
//! bar on the trace's time axis; failing spans marked with a glyph and a word.
//!
//! A trace can have tens of thousands of spans, so the lines are written straight into one
//! drawing: names are cleaned and measured once per distinct name, and the cells of a span
//! are written in place rather than made as strings and joined.

use std::borrow::Cow;
use std::ops::Range;

use crate::model::{Span, Status, Trace};
use crate::print::Glyphs;
use crate::print::report::Drawing;
use crate::text;

/// Deeper than this, a span's depth is written as a number instead of drawn.
const MAX_DRAWN_DEPTH: usize = 24;
/// Narrowest bar, whatever the width.
const MIN_BAR: usize = 10;
/// Below this width the service column is left out (the tree already says it).
const SERVICE_FROM_WIDTH: usize = 100;
const GAP: &str = "  ";
const STATUS_WIDTH: usize = "THROTTLE".len();

/// One line per span, in table order; `cause` is the root-cause span, pointed at.
pub fn drawing(trace: &Trace, cause: Option<usize>, width: usize, glyphs: Glyphs) -> Drawing {
    let names = Names::of(trace);
    let cells = Cells::of(trace, glyphs);
    let mut guides = Guides::default();
    let mut scratch = String::new();
    let label_widths: Vec<usize> = trace
        .spans
        .iter()
        .enumerate()
        .map(|(i, span)| {
            scratch.clear();
            guides.next(&mut scratch, trace, i, glyphs);
            text::width(&scratch) + mark_width(span, glyphs) + names.width(span)
        })
        .collect();
    let widest_label = label_widths.iter().copied().max().unwrap_or(0);
    let label_width = widest_label.min((width * 2 / 5).max(16));
    let service_width = if width >= SERVICE_FROM_WIDTH {
        let widest = trace
            .spans
            .iter()
            .map(|s| names.width(&trace.spans[s.service as usize]))
            .max()
            .unwrap_or(0);
        widest.min(width / 6)
    } else {
        0
    };
    let offset_width = cells.widest(&cells.offsets).max("Start".len());
    let duration_width = cells.widest(&cells.durations).max("Took".len());
    let fixed = label_width
        + if service_width > 0 {
            service_width + GAP.len()
        } else {
            0
        }
        + offset_width
        + duration_width
        + STATUS_WIDTH
        + 4 * GAP.len();
    let bar_width = width.saturating_sub(fixed).max(MIN_BAR);
    let axis = Axis::of(trace, bar_width, glyphs);

    // A bar cell is at most 3 bytes; the rest of a line is about its width.
    let line_bytes = label_width * 2 + service_width + 3 * bar_width + 64;
    let mut drawing = Drawing::with_capacity((trace.spans.len() + 1) * line_bytes);
    drawing.push_with(|line| {
        let start = line.len();
        pad_to(line, "Span", label_width);
        if service_width > 0 {
            line.push_str(GAP);
            pad_to(line, "Service", service_width);
        }
        line.push_str(GAP);
        right(line, "Start", offset_width);
        line.push_str(GAP);
        right(line, "Took", duration_width);
        line.push_str(GAP);
        pad_to(line, "Timeline", bar_width);
        trim_end(line, start);
    });
    let mut guides = Guides::default();
    for (i, span) in trace.spans.iter().enumerate() {
        drawing.push_with(|line| {
            let start = line.len();
            if label_widths[i] <= label_width {
                guides.next(line, trace, i, glyphs);
                write_mark(line, span, glyphs);
                line.push_str(names.clean(span));
                spaces(line, label_width - label_widths[i]);
            } else {
                scratch.clear();
                guides.next(&mut scratch, trace, i, glyphs);
                write_mark(&mut scratch, span, glyphs);
                scratch.push_str(names.clean(span));
                pad_to(line, &text::fit(&scratch, label_width), label_width);
            }
            if service_width > 0 {
                line.push_str(GAP);
                let service = &trace.spans[span.service as usize];
                if names.width(service) <= service_width {
                    line.push_str(names.clean(service));
                    spaces(line, service_width - names.width(service));
                } else {
                    let fitted = text::fit(names.clean(service), service_width);
                    pad_to(line, &fitted, service_width);
                }
            }
            line.push_str(GAP);
            right(line, cells.offset(i), offset_width);
            line.push_str(GAP);
            right(line, cells.duration(i), duration_width);
            line.push_str(GAP);
            axis.bar(line, span.start(), span.end());
            line.push_str(GAP);
            line.push_str(state_word(span.status(), span.in_progress()));
            if cause == Some(i) {
                line.push(' ');
                line.push_str(glyphs.pointer());
                line.push_str(" root cause");
            }
            trim_end(line, start);
        });
    }
    drawing
}

/// Each distinct span name cleaned and measured once (spans of a trace share few names).
struct Names<'t> {
    by_id: Vec<(Cow<'t, str>, usize)>,
}

impl<'t> Names<'t> {
    fn of(trace: &'t Trace) -> Names<'t> {
        let by_id = (0..trace.name_count() as u32)
            .map(|id| {
                let clean = text::clean(trace.name_of(id));
                let width = text::width(&clean);
                (clean, width)
            })
            .collect();
        Names { by_id }
    }

    fn clean(&self, span: &Span) -> &str {
        self.by_id.get(span.name_id as usize).map_or("", |(c, _)| c)
    }

    fn width(&self, span: &Span) -> usize {
        self.by_id.get(span.name_id as usize).map_or(0, |(_, w)| *w)
    }
}

/// The tree guides beside each span, made walking the spans in table order: in pre-order a
/// span's ancestor at depth d is the latest span seen at depth d.
#[derive(Default)]
struct Guides {
    /// For each depth, whether the latest span there is its parent's last child.
    last_at_depth: Vec<bool>,
}

impl Guides {
    /// Writes the guides of span `index`, the next in table order: a line down under each
    /// ancestor with siblings still to come (not the root), then the branch to the span.
    fn next(&mut self, out: &mut String, trace: &Trace, index: usize, glyphs: Glyphs) {
        let depth = trace.spans[index].depth as usize;
        let last = is_last(trace, index);
        if depth > MAX_DRAWN_DEPTH {
            out.push_str("[depth ");
            out.push_str(&depth.to_string());
            out.push_str("] ");
        } else if depth > 0 {
            for &ancestor_last in self.last_at_depth.get(1..depth).unwrap_or_default() {
                out.push_str(if ancestor_last {
                    "  "
                } else {
                    glyphs.through()
                });
            }
            out.push_str(glyphs.branch(last));
        }
        self.last_at_depth.resize(depth, true);
        self.last_at_depth.push(last);
    }
}

fn mark_width(span: &Span, glyphs: Glyphs) -> usize {
    match span.status() {
        Status::Ok => 0,
        status => text::width(glyphs.status(status)) + 1,
    }
}

fn write_mark(out: &mut String, span: &Span, glyphs: Glyphs) {
    if span.status() != Status::Ok {
        out.push_str(glyphs.status(span.status()));
        out.push(' ');
    }
}

/// The offset and duration of every span, written once into one text.
struct Cells {
    text: String,
    offsets: Vec<Range<usize>>,
    durations: Vec<Range<usize>>,
}

impl Cells {
    fn of(trace: &Trace, glyphs: Glyphs) -> Cells {
        let origin = trace.start().unwrap_or(0.0);
        let mut text = String::with_capacity(trace.spans.len() * 12);
        let mut offsets = Vec::with_capacity(trace.spans.len());
        let mut durations = Vec::with_capacity(trace.spans.len());
        for span in &trace.spans {
            let start = text.len();
            text.push('+');
            text.push_str(&glyphs.duration((span.start() - origin).max(0.0)));
            offsets.push(start..text.len());
            let start = text.len();
            match span.end() {
                Some(end) => text.push_str(&glyphs.duration(end - span.start())),
                None if span.in_progress() => text.push_str("running"),
                None => text.push('?'),
            }
            durations.push(start..text.len());
        }
        Cells {
            text,
            offsets,
            durations,
        }
    }

    fn offset(&self, index: usize) -> &str {
        &self.text[self.offsets[index].clone()]
    }

    fn duration(&self, index: usize) -> &str {
        &self.text[self.durations[index].clone()]
    }

    fn widest(&self, cells: &[Range<usize>]) -> usize {
        cells
            .iter()
            .map(|r| text::width(&self.text[r.clone()]))
            .max()
            .unwrap_or(0)
    }
}

fn spaces(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                                                ";
    while count > 0 {
        let run = count.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        count -= run;
    }
}

/// `cell`, then spaces to `width` columns.
fn pad_to(out: &mut String, cell: &str, width: usize) {
    out.push_str(cell);
    spaces(out, width.saturating_sub(text::width(cell)));
}

/// `cell` after spaces, to `width` characters.
fn right(out: &mut String, cell: &str, width: usize) {
    spaces(out, width.saturating_sub(cell.chars().count()));
    out.push_str(cell);
}

/// Drops the spaces that end the line begun at `start`.
fn trim_end(out: &mut String, start: usize) {
    let kept = out.as_bytes()[start..]
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |last| last + 1);
    out.truncate(start + kept);
}

/// The word beside a span: its trouble, in capitals so it stands out without colour.
fn state_word(status: Status, in_progress: bool) -> &'static str {
    match status {
        Status::Fault => "FAULT",
        Status::Error => "ERROR",
        Status::Throttle => "THROTTLE",
        Status::Ok if in_progress => "running",
        Status::Ok => "",
    }
}

/// The span is its parent's last child (roots count as last).
fn is_last(trace: &Trace, index: usize) -> bool {
    let span = &trace.spans[index];
    match span.parent {
        Some(parent) => {
            let parent_end = parent as usize + trace.spans[parent as usize].subtree_len as usize;
            index + span.subtree_len as usize >= parent_end
        }
        None => true,
    }
}

/// The trace's time axis: its first start, its length (never zero), and the bar's width.
struct Axis {
    origin: f64,
    total: f64,
    width: usize,
    /// A whole bar's width of each fill, cut to length for each span.
    done: String,
    running: String,
}

impl Axis {
    fn of(trace: &Trace, width: usize, glyphs: Glyphs) -> Axis {
        Axis {
            origin: trace.start().unwrap_or(0.0),
            total: trace.duration().filter(|d| *d > 0.0).unwrap_or(1e-6),
            width,
            done: std::iter::repeat_n(glyphs.bar(), width).collect(),
            running: std::iter::repeat_n(glyphs.bar_running(), width).collect(),
        }
    }

    /// A bar where the span ran, at least one cell; a span still running reaches the end of
    /// the axis in a lighter glyph.
    fn bar(&self, out: &mut String, start: f64, end: Option<f64>) {
        let (origin, total, width) = (self.origin, self.total, self.width);
        let cell = |t: f64| ((t - origin) / total * width as f64).clamp(0.0, width as f64);
        let (fill, end) = match end {
            Some(end) => (&self.done, end),
            None => (&self.running, origin + total),
        };
        let from = (cell(start).floor() as usize).min(width - 1);
        let to = (cell(end).ceil() as usize).clamp(from + 1, width);
        spaces(out, from);
        // Every cell of a fill is one character of the same length.
        let cell_bytes = fill.len() / width;
        out.push_str(&fill[..(to - from) * cell_bytes]);
        spaces(out, width - to);
    }
}
