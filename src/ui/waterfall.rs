//! The waterfall of one trace: the span tree on the left, time bars on a shared axis on the
//! right, and a summary of the selected span below. Only the visible rows are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::state::{State, TraceView};
use crate::layout::screen;
use crate::layout::waterfall::{TimeScale, format_duration, name_column_width};
use crate::model::{Span, SpanKind, Status, Trace};

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
        render_pending(state, view, buf, areas.title, areas.rows);
        return;
    };
    render_title(state, trace, buf, areas.title);
    let name_width = name_column_width(body.width);
    let bars = Rect {
        x: body.x + name_width + 1,
        width: body.width.saturating_sub(name_width + 2),
        ..areas.rows
    };
    let scale = scale_of(trace, bars.width);
    render_axis(buf, areas.axis, name_width, bars, &scale);
    render_rows(view, trace, buf, areas.rows, name_width, bars, &scale);
    if areas.info.height > 0 {
        render_info(state, trace, view.selected, buf, areas.info);
    }
}

fn scale_of(trace: &Trace, width: u16) -> TimeScale {
    let start = trace.start().unwrap_or(0.0);
    let end = trace.end().unwrap_or(start);
    TimeScale::new(start, end, width)
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
        let back = crate::app::keymap::key_label(
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
    let status = trace.status();
    let root = trace.root();
    let request = root
        .and_then(|r| r.segment.http.as_ref())
        .and_then(|h| h.request.as_ref());
    let method = request.and_then(|r| r.method.as_deref()).unwrap_or("");
    let url = request
        .and_then(|r| r.url.as_deref())
        .map(short_url)
        .or(root.map(Span::name))
        .unwrap_or("");
    let status_text = match root.and_then(|r| r.segment.http_status()) {
        Some(code) => format!("{} {code}", theme::status_mark(status)),
        None => theme::status_mark(status).to_owned(),
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
    let head = format!(" {status_text}  {duration}  {method} ");
    // The path says more than the host when the whole URL does not fit.
    let room = (area.width as usize).saturating_sub(7 + crate::text::width(&head));
    let url = if crate::text::width(url) > room {
        url_path(url)
    } else {
        url
    };
    let counts = format!("  {} spans  ", trace.spans.len());
    let truncated = if trace.limit_exceeded {
        "  truncated by X-Ray (LimitExceeded)"
    } else {
        ""
    };
    let id = format!("  {}", trace.id);
    let pieces = [
        (" Trace ", theme::title().add_modifier(Modifier::REVERSED)),
        (" ", Style::new()),
        (&status_text, theme::status(status)),
        ("  ", Style::new()),
        (&duration, theme::accent()),
        ("  ", Style::new()),
        (method, theme::title()),
        (" ", Style::new()),
        (url, theme::title()),
        (&counts, theme::muted()),
        (&started, theme::muted()),
        (truncated, theme::error()),
        (&id, theme::muted()),
    ];
    line(buf, area, area.y, &pieces);
}

fn render_axis(buf: &mut Buffer, area: Rect, name_width: u16, bars: Rect, scale: &TimeScale) {
    put(
        buf,
        area.x + 1,
        area.y,
        name_width.saturating_sub(DURATION_WIDTH + 1),
        "Span",
        theme::header(),
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

fn render_rows(
    view: &TraceView,
    trace: &Trace,
    buf: &mut Buffer,
    area: Rect,
    name_width: u16,
    bars: Rect,
    scale: &TimeScale,
) {
    let ticks: Vec<u16> = scale.ticks(TICK_GAP).iter().map(|t| t.0).collect();
    let trace_end = trace.end().unwrap_or(scale.end);
    for row in 0..area.height {
        let index = view.offset + row as usize;
        let Some(span) = trace.spans.get(index) else {
            break;
        };
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
        render_name(trace, index, span, buf, area.x, y, name_width, base);
        for &tick in &ticks {
            buf.set_stringn(bars.x + tick, y, "·", 1, theme::muted().patch(base));
        }
        render_bar(span, buf, bars, y, scale, trace_end, base);
    }
}

/// Tree guides (`│ ├─ └─`) for a span, the last `levels` levels only.
fn guides(trace: &Trace, index: usize, levels: usize) -> String {
    let spans = &trace.spans;
    let is_last = |i: usize| {
        let end = i + spans[i].subtree_len as usize;
        match spans[i].parent {
            Some(p) => end == p as usize + spans[p as usize].subtree_len as usize,
            None => end == spans.len(),
        }
    };
    let depth = spans[index].depth as usize;
    let shown = depth.min(levels);
    let mut parts: Vec<&str> = Vec::with_capacity(shown);
    let mut current = index;
    for level in 0..shown {
        let last = is_last(current);
        parts.push(match (level, last) {
            (0, true) => "└─",
            (0, false) => "├─",
            (_, true) => "  ",
            (_, false) => "│ ",
        });
        match spans[current].parent {
            Some(p) => current = p as usize,
            None => break,
        }
    }
    let mut out = String::with_capacity(shown * 6 + 1);
    for part in parts.iter().rev() {
        out.push_str(part);
    }
    if depth > shown {
        // Deeper than there is room for: the outermost guide becomes a marker.
        out.replace_range(..out.chars().next().map_or(0, char::len_utf8), "…");
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn render_name(
    trace: &Trace,
    index: usize,
    span: &Span,
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    base: Style,
) {
    let text_width = width.saturating_sub(DURATION_WIDTH + 1);
    // Guides take at most half of the name column.
    let prefix = guides(trace, index, text_width as usize / 4);
    let after_guides = put(
        buf,
        x + 1,
        y,
        text_width.saturating_sub(1),
        &prefix,
        theme::muted().patch(base),
    );
    let status = span.status();
    let mut style = match span.kind {
        SpanKind::Segment => theme::title(),
        SpanKind::Inferred => Style::new().add_modifier(Modifier::ITALIC),
        SpanKind::Subsegment => Style::new(),
    };
    if status != Status::Ok {
        style = style.patch(theme::status(status));
    }
    let mut name = String::new();
    if span.detached.is_some() {
        name.push_str("⚠ ");
    }
    if matches!(span.segment.namespace.as_deref(), Some("aws" | "remote")) {
        name.push_str("⇢ ");
    }
    name.push_str(span.name());
    let room = (x + text_width).saturating_sub(after_guides);
    put(buf, after_guides, y, room, &name, style.patch(base));
    let (duration, duration_style) = match span.end() {
        Some(end) => (format_duration(end - span.start()), theme::muted()),
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

fn render_bar(
    span: &Span,
    buf: &mut Buffer,
    bars: Rect,
    y: u16,
    scale: &TimeScale,
    trace_end: f64,
    base: Style,
) {
    if bars.width == 0 {
        return;
    }
    let open = span.end().is_none();
    let end = span.end().unwrap_or(trace_end);
    let (from, to) = scale.bar(span.start(), end);
    let style = if open {
        theme::in_progress()
    } else {
        theme::status(span.status())
    }
    .patch(Style::new().bg(base.bg.unwrap_or_default()));
    let glyph = if span.is_segment() { "█" } else { "▆" };
    for column in from..to {
        let last = column + 1 == to;
        let symbol = if open && last { "▸" } else { glyph };
        buf.set_stringn(bars.x + column, y, symbol, 1, style);
    }
}

fn render_info(state: &State, trace: &Trace, selected: usize, buf: &mut Buffer, area: Rect) {
    let Some(span) = trace.spans.get(selected) else {
        return;
    };
    let rule = "─".repeat(area.width as usize);
    buf.set_stringn(area.x, area.y, &rule, area.width as usize, theme::muted());
    let status = span.status();
    let kind = match span.kind {
        SpanKind::Segment => "segment",
        SpanKind::Inferred => "inferred segment",
        SpanKind::Subsegment => "subsegment",
    };
    let offset = span.start() - trace.start().unwrap_or(span.start());
    let duration = span
        .end()
        .map(|e| format_duration(e - span.start()))
        .unwrap_or_else(|| "in progress".into());
    let origin = span
        .segment
        .origin
        .as_deref()
        .or(span.segment.namespace.as_deref())
        .unwrap_or(kind);
    let service = match trace.spans.get(span.service as usize) {
        Some(owner) if span.service as usize != selected => owner.name(),
        _ => "",
    };
    let in_service = if service.is_empty() { "" } else { "  in " };
    let first = [
        (span.name(), theme::title()),
        ("  ", Style::new()),
        (origin, theme::accent()),
        (in_service, theme::muted()),
        (service, Style::new()),
        ("  +", theme::muted()),
        (&format_duration(offset), Style::new()),
        ("  ", Style::new()),
        (&duration, theme::accent()),
        ("  ", Style::new()),
        (
            &format!("{} {}", theme::status_mark(status), status.label()),
            theme::status(status),
        ),
    ];
    if area.height > 1 {
        line(buf, area, area.y + 1, &first);
    }
    if area.height > 2 {
        let detail = detail_line(span, state);
        line(buf, area, area.y + 2, &[(&detail, Style::new())]);
    }
    if let Some(detached) = span.detached
        && area.height > 1
    {
        let note = match detached {
            crate::model::trace::Detached::ParentMissing => "  ⚠ parent not in this trace",
            crate::model::trace::Detached::Cycle => "  ⚠ parent cycle broken here",
        };
        let end = line(buf, area, area.y + 1, &first);
        put(
            buf,
            end,
            area.y + 1,
            area.x + area.width - end,
            note,
            theme::error(),
        );
    }
}

/// The most telling detail of a span in one line: its exception, call, query or request.
fn detail_line(span: &Span, _state: &State) -> String {
    let segment = &span.segment;
    if let Some(crate::model::segment::Cause::Details(details)) = &segment.cause
        && let Some(exception) = details.exceptions.first()
    {
        return format!(
            "{}: {}",
            exception.kind.as_deref().unwrap_or("exception"),
            exception.message.as_deref().unwrap_or("")
        );
    }
    if let Some(crate::model::segment::Cause::ExceptionId(id)) = &segment.cause {
        return format!("exception {id} (recorded on a subsegment)");
    }
    if let Some(sql) = &segment.sql {
        return format!(
            "SQL {} {}",
            sql.database_type.as_deref().unwrap_or(""),
            sql.sanitized_query
                .as_deref()
                .or(sql.url.as_deref())
                .unwrap_or("")
        );
    }
    if let Some(aws) = &segment.aws
        && aws.operation.is_some()
    {
        let target = aws
            .table_name
            .as_deref()
            .or(aws.queue_url.as_deref())
            .unwrap_or("");
        let retries = aws
            .retries
            .filter(|r| *r > 0)
            .map(|r| format!("  {r} retries"))
            .unwrap_or_default();
        return format!(
            "AWS {} {}{}{retries}",
            aws.operation.as_deref().unwrap_or(""),
            target,
            aws.region
                .as_deref()
                .map(|r| format!("  {r}"))
                .unwrap_or_default()
        );
    }
    if let Some(http) = &segment.http {
        let request = http.request.as_ref();
        let status = segment
            .http_status()
            .map(|s| format!(" → {s}"))
            .unwrap_or_default();
        return format!(
            "HTTP {} {}{status}",
            request.and_then(|r| r.method.as_deref()).unwrap_or(""),
            request.and_then(|r| r.url.as_deref()).unwrap_or("")
        );
    }
    format!("id {}", span.id())
}
