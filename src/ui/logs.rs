//! The logs pane of the whole trace, in place of the details: the lines in time order, each
//! with its offset on the waterfall's axis, its level and its span; error-level lines in the
//! error colour, the lines of the selected span marked, search matches highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::action::Intent;
use crate::app::details::logs::offset;
use crate::app::keymap::Context;
use crate::app::state::{LogsState, State, TraceView};
use crate::app::trace_view;
use crate::model::Trace;
use crate::model::logs::TraceLogs;
use crate::text;

use super::draw::{line, put};
use super::theme;

const OFFSET_WIDTH: u16 = 8;
const LEVEL_WIDTH: u16 = 5;

pub fn render(state: &State, view: &TraceView, trace: &Trace, buf: &mut Buffer, area: Rect) {
    if area.height == 0 || area.width < 20 {
        return;
    }
    buf.set_stringn(
        area.x,
        area.y,
        "─".repeat(area.width as usize),
        area.width as usize,
        theme::muted(),
    );
    let summary = match &view.logs.state {
        LogsState::Loaded(logs) => summary(logs),
        _ => String::new(),
    };
    line(
        buf,
        area,
        area.y,
        &[
            (" Logs ", theme::header().add_modifier(Modifier::REVERSED)),
            (&summary, theme::muted()),
        ],
    );
    let body = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let close = state.key_label(Context::Trace, Intent::ToggleLogs);
    match &view.logs.state {
        LogsState::NotAsked | LogsState::Loading(_) => notice(
            buf,
            body,
            &loading(state),
            &format!("{close} or Esc: stop and close"),
            theme::muted(),
        ),
        LogsState::Failed(message) => notice(
            buf,
            body,
            message,
            &format!("{close}: close"),
            theme::error(),
        ),
        LogsState::Loaded(logs) if logs.lines.is_empty() => notice(
            buf,
            body,
            "No log lines for this trace.",
            "They come from OTLP logs (--listen), log files (--file) and CloudWatch Logs \
             (live AWS: the log groups the trace names, and [logs] groups in config.toml).",
            theme::muted(),
        ),
        LogsState::Loaded(logs) => {
            let body = notes(logs, buf, body);
            rows(view, trace, logs, buf, body);
        }
    }
}

/// What the source is doing while the lines are on their way ("querying 3 log groups for the
/// trace's logs · 4 s · 12 lines so far"), when it says; a live listener's activity is its
/// counts, not work under way.
fn loading(state: &State) -> String {
    let activity = state.live.activity.trim();
    if activity.is_empty() || state.live.latest_generation > 0 {
        format!("Loading the trace's log lines from {}…", state.source_label)
    } else {
        format!("Loading the trace's log lines: {activity}")
    }
}

/// The notes of how the lines were found, one row each above them; the rows left.
fn notes(logs: &TraceLogs, buf: &mut Buffer, area: Rect) -> Rect {
    let shown = (logs.notes.len() as u16).min(area.height / 2);
    for (y, note) in (area.y..).zip(logs.notes.iter().take(shown as usize)) {
        let width = area.width.saturating_sub(2);
        put(
            buf,
            area.x + 1,
            y,
            width,
            &format!("⚠ {note}"),
            theme::status(crate::model::Status::Throttle),
        );
    }
    Rect {
        y: area.y + shown,
        height: area.height - shown,
        ..area
    }
}

fn summary(logs: &TraceLogs) -> String {
    let mut parts = vec![format!(
        "{} line{}",
        logs.lines.len(),
        if logs.lines.len() == 1 { "" } else { "s" }
    )];
    match logs.errors() {
        0 => {}
        1 => parts.push("1 error".into()),
        n => parts.push(format!("{n} errors")),
    }
    if let Some(bytes) = logs.bytes_scanned {
        parts.push(format!("{} scanned", text::count::bytes(bytes)));
    }
    format!(" {} ", parts.join(" · "))
}

fn notice(buf: &mut Buffer, area: Rect, text: &str, hint: &str, style: Style) {
    let width = area.width.saturating_sub(2) as usize;
    let lines = text::wrap(text, width).into_iter().map(|l| (l, style));
    let hints = text::wrap(hint, width)
        .into_iter()
        .map(|l| (l, theme::muted()));
    for (y, (content, style)) in (area.y..area.y + area.height).zip(lines.chain(hints)) {
        put(buf, area.x + 1, y, width as u16, &content, style);
    }
}

fn rows(view: &TraceView, trace: &Trace, logs: &TraceLogs, buf: &mut Buffer, area: Rect) {
    let start = trace.start().unwrap_or(0.0);
    let span_width = (area.width / 6).clamp(8, 24);
    let cursor = view.logs.cursor;
    // Notes above the lines take rows the cursor's page counts: the selection stays in sight.
    let first = cursor
        .offset
        .max((cursor.selected + 1).saturating_sub(area.height as usize));
    for row in 0..area.height {
        let index = first + row as usize;
        let Some(log) = logs.lines.get(index) else {
            break;
        };
        let y = area.y + row;
        let span = logs.spans[index];
        let selected = index == cursor.selected;
        let base = if selected {
            theme::selected()
        } else {
            Style::new()
        };
        if selected {
            buf.set_style(Rect::new(area.x, y, area.width, 1), base);
        }
        if span == Some(view.selected as u32) {
            put(buf, area.x, y, 1, "▌", theme::accent().patch(base));
        }
        let mut x = area.x + 1;
        let time = offset(log.time, start);
        let time = format!("{time:>width$}", width = OFFSET_WIDTH as usize);
        put(buf, x, y, OFFSET_WIDTH, &time, theme::muted().patch(base));
        x += OFFSET_WIDTH + 1;
        let level_style = if log.level.is_error() {
            theme::error()
        } else if log.level == crate::model::logs::Level::Warn {
            theme::status(crate::model::Status::Throttle)
        } else {
            theme::muted()
        };
        put(
            buf,
            x,
            y,
            LEVEL_WIDTH,
            log.level.label(),
            level_style.patch(base),
        );
        x += LEVEL_WIDTH + 1;
        let span_name = span
            .and_then(|s| trace.spans.get(s as usize))
            .map(|s| s.name())
            .unwrap_or("—");
        let span_name = text::fit(span_name, span_width as usize);
        put(
            buf,
            x,
            y,
            span_width,
            &span_name,
            theme::accent().patch(base),
        );
        x += span_width + 1;
        let right = area.x + area.width;
        let message_style = if trace_view::log_matches(view, &log.message) {
            theme::search_match()
        } else if log.level.is_error() {
            theme::error().patch(base)
        } else {
            base
        };
        put(
            buf,
            x,
            y,
            right.saturating_sub(x),
            &log.message,
            message_style,
        );
        if selected {
            theme::keep_readable_on_selection(buf, Rect::new(area.x, y, area.width, 1));
        }
    }
}
