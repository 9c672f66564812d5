//! The waterfall of one trace: the span tree on the left, time bars on a shared axis on the
//! right, and a summary of the selected span below. Only the visible rows are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use unicode_width::UnicodeWidthStr;

use crate::app::state::{State, TraceView};
use crate::app::trace_view;
use crate::layout::screen;

use crate::layout::waterfall::{TimeScale, name_column_width};
use crate::model::{Span, SpanKind, Status, Trace};
use crate::text::count::count;
use crate::text::duration::format_duration;

use super::details;
use super::draw::{line, put, put_right};
use super::format::{short_url, timestamp, url_path};
use super::theme;

/// Columns kept for the duration at the right of the name column.
const DURATION_WIDTH: u16 = 8;
/// Columns between tick labels on the axis.
const TICK_GAP: u16 = 10;

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let Some(view) = &state.trace else { return };
    let areas = screen::waterfall(body);
    let Some(trace) = &view.trace else {
        let pending = Rect {
            height: body.height.saturating_sub(1),
            y: body.y + 1,
            ..body
        };
        render_pending(state, view, buf, areas.title, pending);
        return;
    };
    render_title(state, trace, buf, areas.title);
    if let Some(icicle) = &view.icicle {
        super::icicle::render_trace(state, view, trace, icicle, buf, areas.axis, areas.rows);
    } else {
        render_waterfall(state, view, trace, buf, &areas);
    }
    if areas.details.height > 0 {
        if areas.details.y == areas.axis.y {
            // Beside the waterfall: a rule between the two.
            let x = areas.details.x - 1;
            for y in areas.details.y..areas.details.y + areas.details.height {
                buf.set_stringn(x, y, "│", 1, theme::muted());
            }
        }
        if view.logs.open {
            super::logs::render(state, view, trace, buf, areas.details);
        } else {
            details::render(view, trace, buf, areas.details);
        }
    }
}

fn render_waterfall(
    state: &State,
    view: &TraceView,
    trace: &Trace,
    buf: &mut Buffer,
    areas: &screen::WaterfallAreas,
) {
    let visible = view.rows.get(view.offset..).unwrap_or(&[]);
    let visible = &visible[..visible.len().min(areas.rows.height as usize)];
    let name_width = name_column_width(areas.rows.width, wanted_name_width(trace, visible));
    let bars = Rect {
        x: areas.rows.x + name_width + 1,
        width: areas.rows.width.saturating_sub(name_width + 2),
        ..areas.rows
    };
    let (start, end) = trace_view::window(view, trace);
    let scale = TimeScale::new(start, end, bars.width);
    render_axis(view, buf, areas.axis, name_width, bars, &scale);
    render_rows(
        view,
        trace,
        buf,
        areas.rows,
        name_width,
        bars,
        &scale,
        state.ascii,
    );
}

fn render_pending(state: &State, view: &TraceView, buf: &mut Buffer, title: Rect, rows: Rect) {
    line(
        buf,
        title,
        title.y,
        &[
            (" Trace ", theme::title().add_modifier(Modifier::REVERSED)),
            (&format!(" {}", view.id), theme::title()),
        ],
    );
    let (text, style) = match &view.error {
        Some(error) => (error.clone(), theme::error()),
        None => (
            format!("Loading trace from {}…", state.source_label),
            theme::muted(),
        ),
    };
    let y = rows.y + rows.height / 2;
    let width = rows.width.saturating_sub(2);
    put(buf, rows.x + 1, y, width, &text, style);
    if view.error.is_some() && rows.height > 1 {
        let back = state
            .keymap
            .key_label(
                crate::app::keymap::Context::Trace,
                crate::app::action::Intent::Close,
            )
            .unwrap_or_default();
        put(
            buf,
            rows.x + 1,
            y + 1,
            width,
            &format!("{back}: back to the trace list"),
            theme::muted(),
        );
    }
}

fn render_title(state: &State, trace: &Trace, buf: &mut Buffer, area: Rect) {
    let root = trace.root();
    // The trace's status is its entry point's, as in the list; inner failures show below.
    let status = root.map(Span::status).unwrap_or_default();
    let request = root
        .and_then(|r| r.segment.http.as_ref())
        .and_then(|h| h.request.as_ref());
    let method = request.and_then(|r| r.method.as_deref()).unwrap_or("");
    let url = request
        .and_then(|r| r.url.as_deref())
        .map(short_url)
        .or(root.map(Span::name))
        .unwrap_or("");
    let open = trace.in_progress() && status == Status::Ok;
    let (mark, status_style) = if open {
        ("…", theme::in_progress())
    } else {
        (theme::status_mark(status), theme::status(status))
    };
    let status_text = match root.and_then(|r| r.segment.http_status()) {
        Some(code) => format!("{mark} {code}"),
        None => mark.to_owned(),
    };
    let duration = if trace.in_progress() {
        "in progress".to_owned()
    } else {
        trace.duration().map(format_duration).unwrap_or_default()
    };
    let started = trace
        .start()
        .map(|s| timestamp(s, state.utc_offset))
        .unwrap_or_default();
    // The id comes first, shortened as in the list on narrow screens, so the two match up.
    let id = if area.width >= 140 {
        trace.id.clone()
    } else {
        crate::text::fit_end(&trace.id, 11)
    };
    let head = format!(" Trace  {id}  {status_text}  {duration}  {method} ");
    // The path says more than the host when the whole URL does not fit.
    let room = (area.width as usize).saturating_sub(crate::text::width(&head));
    let url = if crate::text::width(url) > room {
        url_path(url)
    } else {
        url
    };
    let counts = format!("  {}  ", count(trace.spans.len(), "span"));
    let truncated = if trace.limit_exceeded {
        "  truncated by X-Ray (LimitExceeded)"
    } else {
        ""
    };
    let pieces = [
        (" Trace ", theme::title().add_modifier(Modifier::REVERSED)),
        (" ", Style::new()),
        (&id, theme::muted()),
        ("  ", Style::new()),
        (&status_text, status_style),
        ("  ", Style::new()),
        (&duration, theme::accent()),
        ("  ", Style::new()),
        (method, theme::title()),
        (" ", Style::new()),
        (url, theme::title()),
        (truncated, theme::error()),
        (&counts, theme::muted()),
        (&started, theme::muted()),
    ];
    line(buf, area, area.y, &pieces);
}

fn render_axis(
    view: &TraceView,
    buf: &mut Buffer,
    area: Rect,
    name_width: u16,
    bars: Rect,
    scale: &TimeScale,
) {
    let mut label = "Span".to_owned();
    if let Some(search) = &view.search {
        let position = search
            .matches
            .binary_search(&(view.selected as u32))
            .map(|i| format!("{}/", i + 1))
            .unwrap_or_default();
        label = format!("/{}  {position}{}", search.query, search.matches.len());
        if search.only_matches {
            label.push_str(" only");
        }
    }
    if !view.zoom.is_empty() {
        label.push_str("  zoomed");
    }
    let style = if view.search.is_some() {
        theme::search_match()
    } else {
        theme::header()
    };
    put(
        buf,
        area.x + 1,
        area.y,
        name_width.saturating_sub(DURATION_WIDTH + 1),
        &label,
        style,
    );
    put_right(
        buf,
        area.x + name_width - DURATION_WIDTH.min(name_width),
        area.y,
        DURATION_WIDTH,
        "Duration",
        theme::header(),
    );
    let mut next_free = bars.x;
    for (column, seconds) in scale.ticks(TICK_GAP) {
        let x = bars.x + column;
        if x < next_free {
            continue;
        }
        let label = format!("┊{}", format_duration(seconds));
        if x + crate::text::width(&label) as u16 > bars.x + bars.width {
            break;
        }
        let end = put(
            buf,
            x,
            area.y,
            bars.x + bars.width - x,
            &label,
            theme::muted(),
        );
        next_free = end + 1;
    }
}

#[allow(clippy::too_many_arguments)]
fn render_rows(
    view: &TraceView,
    trace: &Trace,
    buf: &mut Buffer,
    area: Rect,
    name_width: u16,
    bars: Rect,
    scale: &TimeScale,
    ascii: bool,
) {
    let ticks: Vec<u16> = scale.ticks(TICK_GAP).iter().map(|t| t.0).collect();
    let trace_end = trace.end().unwrap_or(scale.end);
    let matches = view
        .search
        .as_ref()
        .map(|s| s.matches.as_slice())
        .unwrap_or(&[]);
    let visible = view.rows.get(view.offset..).unwrap_or(&[]);
    let visible = &visible[..visible.len().min(area.height as usize)];
    let guide_layout = GuideLayout::for_rows(
        trace,
        visible,
        name_width.saturating_sub(DURATION_WIDTH + 1),
    );
    for row in 0..area.height {
        let Some(&index) = view.rows.get(view.offset + row as usize) else {
            break;
        };
        let index = index as usize;
        let span = &trace.spans[index];
        let y = area.y + row;
        let selected = index == view.selected;
        let base = if selected {
            theme::selected()
        } else {
            Style::new()
        };
        if selected {
            buf.set_style(Rect::new(area.x, y, area.width, 1), base);
        }
        let critical = view.critical.as_ref().map(|path| path[index]);
        if critical == Some(true) {
            buf.set_stringn(area.x, y, "◆", 1, theme::accent().patch(base));
        }
        let row_view = Row {
            index,
            span,
            folded: view.folded.get(index).copied().unwrap_or(false),
            matched: matches.binary_search(&(index as u32)).is_ok(),
            base,
            ascii,
            guides: guide_layout,
        };
        render_name(trace, &row_view, buf, area.x, y, name_width);
        for &tick in &ticks {
            buf.set_stringn(bars.x + tick, y, "·", 1, theme::muted().patch(base));
        }
        let dim = critical == Some(false);
        render_bar(trace, &row_view, buf, bars, y, scale, trace_end, dim);
        if selected {
            theme::keep_readable_on_selection(buf, Rect::new(area.x, y, area.width, 1));
        }
    }
}

/// What a row needs to know about its span.
struct Row<'a> {
    index: usize,
    span: &'a Span,
    folded: bool,
    matched: bool,
    base: Style,
    /// `--ascii`: the fold marker becomes a letter, so it stands apart from the name.
    ascii: bool,
    guides: GuideLayout,
}

/// Columns the visible rows' names would like: guides, marks, the name and the duration.
fn wanted_name_width(trace: &Trace, rows: &[u32]) -> u16 {
    let widest = rows
        .iter()
        .filter_map(|&i| trace.spans.get(i as usize))
        .map(|s| s.depth as usize * 2 + UnicodeWidthStr::width(s.name()) + 4)
        .max()
        .unwrap_or(0);
    (widest as u16).saturating_add(DURATION_WIDTH + 2)
}

/// How the visible rows' tree guides are drawn: one width for every row on screen, so the
/// guides line up from row to row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GuideLayout {
    /// Columns a level takes: 2 (`├─`), or 1 (`├`) when the deepest row would not fit.
    step: usize,
    /// Levels drawn as guides; deeper rows begin with their depth as a number instead.
    levels: usize,
    /// Columns kept on every row for that number (0 when every row's depth fits).
    label_width: usize,
}

impl GuideLayout {
    /// Guides take at most half of `text_width`.
    fn for_rows(trace: &Trace, rows: &[u32], text_width: u16) -> GuideLayout {
        let room = (text_width as usize / 2).max(2);
        let deepest = rows
            .iter()
            .filter_map(|&i| trace.spans.get(i as usize))
            .map(|s| s.depth as usize)
            .max()
            .unwrap_or(0);
        let step = if deepest * 2 <= room { 2 } else { 1 };
        let levels = room / step;
        if deepest <= levels {
            return GuideLayout {
                step,
                levels,
                label_width: 0,
            };
        }
        let label_width = deepest.to_string().len() + 1;
        GuideLayout {
            step,
            levels: levels.saturating_sub(label_width.div_ceil(step)).max(1),
            label_width,
        }
    }
}

/// Tree guides (`│ ├─ └─`) for a span. A span deeper than the layout's levels begins with its
/// depth (`12›`), followed by the guides of its nearest levels, so depth always reads true.
fn guides(trace: &Trace, index: usize, layout: GuideLayout) -> String {
    let spans = &trace.spans;
    let is_last = |i: usize| {
        let end = i + spans[i].subtree_len as usize;
        match spans[i].parent {
            Some(p) => end == p as usize + spans[p as usize].subtree_len as usize,
            None => end == spans.len(),
        }
    };
    let depth = spans[index].depth as usize;
    let label = if depth > layout.levels {
        format!(
            "{:>width$}",
            format!("{depth}›"),
            width = layout.label_width
        )
    } else {
        " ".repeat(layout.label_width)
    };
    let shown = depth.min(layout.levels);
    let wide = layout.step == 2;
    let mut parts: Vec<&str> = Vec::with_capacity(shown);
    let mut current = index;
    for level in 0..shown {
        let last = is_last(current);
        parts.push(match (level, last, wide) {
            (0, true, true) => "└─",
            (0, false, true) => "├─",
            (_, true, true) => "  ",
            (_, false, true) => "│ ",
            (0, true, false) => "└",
            (0, false, false) => "├",
            (_, true, false) => " ",
            (_, false, false) => "│",
        });
        match spans[current].parent {
            Some(p) => current = p as usize,
            None => break,
        }
    }
    let mut out = label;
    for part in parts.iter().rev() {
        out.push_str(part);
    }
    out
}

fn render_name(trace: &Trace, row: &Row, buf: &mut Buffer, x: u16, y: u16, width: u16) {
    let (span, base) = (row.span, row.base);
    let text_width = width.saturating_sub(DURATION_WIDTH + 1);
    let prefix = guides(trace, row.index, row.guides);
    let mut at = put(
        buf,
        x + 1,
        y,
        text_width.saturating_sub(1),
        &prefix,
        theme::muted().patch(base),
    );
    let end = x + text_width;
    if span.subtree_len > 1 {
        let marker = match (row.folded, row.ascii) {
            (true, false) => "▸",
            (false, false) => "▾",
            (true, true) => "▸ ",
            (false, true) => "▾ ",
        };
        at = put(
            buf,
            at,
            y,
            end.saturating_sub(at),
            marker,
            theme::muted().patch(base),
        );
    }
    let status = span.status();
    let mut style = match span.kind {
        SpanKind::Segment => theme::title(),
        SpanKind::Inferred => Style::new().add_modifier(Modifier::ITALIC),
        SpanKind::Subsegment => Style::new(),
    };
    if status != Status::Ok {
        style = style.patch(theme::status(status));
    }
    let style = if row.matched {
        theme::search_match()
    } else {
        style.patch(base)
    };
    let mut name = String::new();
    // A failing span says so by its mark too, not by colour or underline alone.
    if status != Status::Ok {
        name.push_str(theme::status_mark(status));
        name.push(' ');
    }
    if span.detached.is_some() {
        name.push_str("⚠ ");
    }
    if matches!(span.segment.namespace.as_deref(), Some("aws" | "remote")) {
        name.push_str("⇢ ");
    }
    name.push_str(span.name());
    let folded_note = row.folded.then(|| trace_view::hidden(trace, row.index));
    let note_width = folded_note.map_or(0, |(count, status)| {
        let mark = if status == Status::Ok { 0 } else { 2 };
        count.to_string().len() as u16 + 3 + mark
    });
    at = put(
        buf,
        at,
        y,
        end.saturating_sub(at + note_width),
        &name,
        style,
    );
    if let Some((count, hidden_status)) = folded_note {
        at = put(
            buf,
            at,
            y,
            end.saturating_sub(at),
            &format!(" +{count}"),
            theme::muted().patch(base),
        );
        if hidden_status != Status::Ok {
            put(
                buf,
                at + 1,
                y,
                end.saturating_sub(at + 1),
                theme::status_mark(hidden_status),
                theme::status(hidden_status).patch(base),
            );
        }
    }
    let (duration, duration_style) = match span.end() {
        Some(end) => (format_duration(end - span.start()), theme::muted()),
        // `…` would read as cut text in ASCII, where it becomes `~`.
        None if span.segment.in_progress && row.ascii => ("...".to_owned(), theme::in_progress()),
        None if span.segment.in_progress => ("…".to_owned(), theme::in_progress()),
        None => ("?".to_owned(), theme::muted()),
    };
    put_right(
        buf,
        x + text_width,
        y,
        DURATION_WIDTH,
        &duration,
        duration_style.patch(base),
    );
}

/// Children with more spans than this are not checked for gaps (it would cost a frame).
const GAP_CHILDREN_LIMIT: usize = 2000;

#[allow(clippy::too_many_arguments)]
fn render_bar(
    trace: &Trace,
    row: &Row,
    buf: &mut Buffer,
    bars: Rect,
    y: u16,
    scale: &TimeScale,
    trace_end: f64,
    dim: bool,
) {
    let span = row.span;
    if bars.width == 0 {
        return;
    }
    let open = span.end().is_none();
    let end = span.end().unwrap_or(trace_end);
    let mut style = if open {
        theme::in_progress()
    } else {
        theme::status(span.status())
    }
    .patch(Style::new().bg(row.base.bg.unwrap_or_default()));
    if dim {
        style = style.add_modifier(Modifier::DIM);
    }
    // Outside a zoomed window: an arrow at the edge says which way it lies.
    if end < scale.start || span.start() > scale.end {
        let (x, arrow) = if end < scale.start {
            (0, "◂")
        } else {
            (bars.width - 1, "▸")
        };
        buf.set_stringn(bars.x + x, y, arrow, 1, theme::muted().patch(row.base));
        return;
    }
    let (from, to) = scale.bar(span.start(), end);
    let glyph = if span.is_segment() { "█" } else { "▆" };
    // Time the span spends outside its children (its own work, or waiting) shows lighter.
    let covered = children_coverage(trace, row, scale, from, to);
    for column in from..to {
        let last = column + 1 == to;
        let symbol = if open && last {
            // Still running, or an end that was never recorded.
            if span.segment.in_progress { "▸" } else { "?" }
        } else if covered
            .as_ref()
            .is_some_and(|c| !c[(column - from) as usize])
        {
            "░"
        } else {
            glyph
        };
        buf.set_stringn(bars.x + column, y, symbol, 1, style);
    }
}

/// For a span with (unfolded or folded) children: which of its columns a child covers.
fn children_coverage(
    trace: &Trace,
    row: &Row,
    scale: &TimeScale,
    from: u16,
    to: u16,
) -> Option<Vec<bool>> {
    let span = row.span;
    if span.subtree_len <= 1 || span.subtree_len as usize > GAP_CHILDREN_LIMIT * 4 {
        return None;
    }
    let mut covered = vec![false; (to - from) as usize];
    for (seen, child) in trace.children(row.index).enumerate() {
        if seen >= GAP_CHILDREN_LIMIT {
            return None;
        }
        let child = &trace.spans[child];
        let end = child
            .end()
            .unwrap_or_else(|| trace.end().unwrap_or(child.start()));
        let (a, b) = scale.bar(child.start(), end);
        for column in a.max(from)..b.min(to) {
            covered[(column - from) as usize] = true;
        }
    }
    Some(covered)
}
