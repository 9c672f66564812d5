//! The waterfall as lines of text: every span with its tree guides, offset, duration and a
//! bar on the trace's time axis; failing spans marked with a glyph and a word.

use crate::model::{Status, Trace};
use crate::print::Glyphs;
use crate::text;

/// Deeper than this, a span's depth is written as a number instead of drawn.
const MAX_DRAWN_DEPTH: usize = 24;
/// Narrowest bar, whatever the width.
const MIN_BAR: usize = 10;
/// Below this width the service column is left out (the tree already says it).
const SERVICE_FROM_WIDTH: usize = 100;
const GAP: &str = "  ";

/// One line per span, in table order; `cause` is the root-cause span, pointed at.
pub fn lines(trace: &Trace, cause: Option<usize>, width: usize, glyphs: Glyphs) -> Vec<String> {
    let labels: Vec<String> = (0..trace.spans.len())
        .map(|i| label(trace, i, glyphs))
        .collect();
    let services: Vec<String> = trace
        .spans
        .iter()
        .map(|s| text::clean(trace.spans[s.service as usize].name()).into_owned())
        .collect();
    let label_width = widest(&labels).min((width * 2 / 5).max(16));
    let service_width = if width >= SERVICE_FROM_WIDTH {
        widest(&services).min(width / 6)
    } else {
        0
    };
    let (origin, total) = axis(trace);
    let offsets: Vec<String> = trace
        .spans
        .iter()
        .map(|s| format!("+{}", glyphs.duration((s.start() - origin).max(0.0))))
        .collect();
    let durations: Vec<String> = trace
        .spans
        .iter()
        .map(|s| match s.end() {
            Some(end) => glyphs.duration(end - s.start()),
            None if s.segment.in_progress => "running".into(),
            None => "?".into(),
        })
        .collect();
    let offset_width = widest(&offsets).max("Start".len());
    let duration_width = widest(&durations).max("Took".len());
    let status_width = "THROTTLE".len();
    let fixed = label_width
        + if service_width > 0 {
            service_width + GAP.len()
        } else {
            0
        }
        + offset_width
        + duration_width
        + status_width
        + 4 * GAP.len();
    let bar_width = width.saturating_sub(fixed).max(MIN_BAR);

    let mut out = Vec::with_capacity(trace.spans.len() + 1);
    let mut header = pad("Span", label_width);
    if service_width > 0 {
        header.push_str(GAP);
        header.push_str(&pad("Service", service_width));
    }
    header.push_str(&format!(
        "{GAP}{:>offset_width$}{GAP}{:>duration_width$}{GAP}{}",
        "Start",
        "Took",
        pad("Timeline", bar_width)
    ));
    out.push(header.trim_end().to_owned());
    for (i, span) in trace.spans.iter().enumerate() {
        let mut line = pad(&text::fit(&labels[i], label_width), label_width);
        if service_width > 0 {
            line.push_str(GAP);
            line.push_str(&pad(&text::fit(&services[i], service_width), service_width));
        }
        let bar = bar(span.start(), span.end(), origin, total, bar_width, glyphs);
        line.push_str(&format!(
            "{GAP}{:>offset_width$}{GAP}{:>duration_width$}{GAP}{bar}{GAP}{}",
            offsets[i],
            durations[i],
            state_word(span.status(), span.segment.in_progress),
        ));
        if cause == Some(i) {
            line.push_str(&format!(" {} root cause", glyphs.pointer()));
        }
        out.push(line.trim_end().to_owned());
    }
    out
}

fn widest(cells: &[String]) -> usize {
    cells.iter().map(|c| text::width(c)).max().unwrap_or(0)
}

fn pad(cell: &str, width: usize) -> String {
    let used = text::width(cell);
    format!("{cell}{}", " ".repeat(width.saturating_sub(used)))
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

/// Tree guides, the status mark of a failing span, and the name.
fn label(trace: &Trace, index: usize, glyphs: Glyphs) -> String {
    let span = &trace.spans[index];
    let mut ancestors = Vec::new();
    let mut at = span.parent;
    if span.depth as usize > MAX_DRAWN_DEPTH {
        at = None;
        ancestors.resize(span.depth as usize, 0);
    }
    while let Some(parent) = at {
        ancestors.push(parent as usize);
        at = trace.spans[parent as usize].parent;
    }
    let mut guides = String::new();
    if ancestors.len() > MAX_DRAWN_DEPTH {
        guides.push_str(&format!("[depth {}] ", ancestors.len()));
    } else if !ancestors.is_empty() {
        // From the root's children down: does each ancestor have a sibling still to come?
        for &ancestor in ancestors.iter().rev().skip(1) {
            guides.push_str(if is_last(trace, ancestor) {
                "  "
            } else {
                glyphs.through()
            });
        }
        guides.push_str(glyphs.branch(is_last(trace, index)));
    }
    let mark = match span.status() {
        Status::Ok => String::new(),
        status => format!("{} ", glyphs.status(status)),
    };
    format!("{guides}{mark}{}", text::clean(span.name()))
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

/// The trace's first start, and its length (never zero).
fn axis(trace: &Trace) -> (f64, f64) {
    let origin = trace.start().unwrap_or(0.0);
    let length = trace.duration().filter(|d| *d > 0.0).unwrap_or(1e-6);
    (origin, length)
}

/// A bar where the span ran on the trace's axis, at least one cell; a span still running
/// reaches the end of the axis in a lighter glyph.
fn bar(
    start: f64,
    end: Option<f64>,
    origin: f64,
    total: f64,
    width: usize,
    glyphs: Glyphs,
) -> String {
    let cell = |t: f64| ((t - origin) / total * width as f64).clamp(0.0, width as f64);
    let (fill, end) = match end {
        Some(end) => (glyphs.bar(), end),
        None => (glyphs.bar_running(), origin + total),
    };
    let from = (cell(start).floor() as usize).min(width - 1);
    let to = (cell(end).ceil() as usize).clamp(from + 1, width);
    let mut bar = " ".repeat(from);
    bar.extend(std::iter::repeat_n(fill, to - from));
    bar.push_str(&" ".repeat(width - to));
    bar
}
