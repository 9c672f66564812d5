//! The trace diff: one tree of two traces (or of a trace and the typical trace of its URL
//! pattern), with each path's time in A and B and the change. Spans only in A or only in B
//! are marked; slower paths are in the fault colour, faster ones in the ok colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::trace_diff::{Change, DiffRow, Timing};
use crate::app::diff::{DiffView, short_id};
use crate::app::state::State;
use crate::layout::screen;
use crate::model::Status;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put, put_right};
use super::theme;

const MARK: u16 = 3;
const TIME: u16 = 9;
const DELTA: u16 = 10;
/// The tree's column stops here on wide screens, so the times stay next to their names.
const LABEL_MAX: u16 = 90;

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let Some(view) = &state.diff.view else {
        return;
    };
    let areas = screen::list(body);
    render_title(view, buf, areas.title);
    let label_width = areas
        .header
        .width
        .saturating_sub(MARK + 2 * (TIME + 1) + DELTA + 1)
        .min(LABEL_MAX);
    render_header(view, label_width, buf, areas.header);
    if let Some(waiting) = &view.waiting {
        let text = format!(
            "fetching the listed traces of {} to make its typical trace…",
            waiting.pattern
        );
        put(
            buf,
            areas.rows.x + 1,
            areas.rows.y,
            areas.rows.width.saturating_sub(1),
            &text,
            theme::muted(),
        );
        return;
    }
    if view.order.is_empty() {
        put(
            buf,
            areas.rows.x + 1,
            areas.rows.y,
            areas.rows.width.saturating_sub(1),
            "nothing to compare",
            theme::muted(),
        );
        return;
    }
    let page = areas.rows.height as usize;
    for (i, position) in view.cursor.visible(view.order.len(), page).enumerate() {
        let row = &view.diff.rows[view.order[position]];
        let area = Rect {
            y: areas.rows.y + i as u16,
            height: 1,
            ..areas.rows
        };
        let selected = position == view.cursor.selected;
        if selected {
            fill(buf, area, theme::selected());
        }
        render_row(row, view.by_change, label_width, buf, area);
        if selected {
            theme::keep_readable_on_selection(buf, area);
        }
    }
}

fn render_title(view: &DiffView, buf: &mut Buffer, area: Rect) {
    let only_a = view.diff.only_a().count();
    let only_b = view.diff.only_b().count();
    let order = if view.by_change {
        "largest change first"
    } else {
        "tree"
    };
    let b = format!("B {}", short_id(&view.b_id));
    let counts = format!("  {only_a} only in A · {only_b} only in B · {order}");
    line(
        buf,
        area,
        area.y,
        &[
            (
                " Trace diff ",
                theme::title().add_modifier(Modifier::REVERSED),
            ),
            (" ", Style::new()),
            (&view.a_label, theme::accent()),
            ("  vs  ", theme::muted()),
            (&b, theme::accent()),
            (&counts, theme::muted()),
        ],
    );
}

fn render_header(view: &DiffView, label_width: u16, buf: &mut Buffer, area: Rect) {
    let label = if view.by_change {
        "Span (service · operation)"
    } else {
        "Span tree (service · operation)"
    };
    put(
        buf,
        area.x + MARK,
        area.y,
        label_width,
        label,
        theme::header(),
    );
    let mut x = area.x + MARK + label_width + 1;
    put_right(buf, x, area.y, TIME, "A", theme::header());
    x += TIME + 1;
    put_right(buf, x, area.y, TIME, "B", theme::header());
    x += TIME + 1;
    put_right(buf, x, area.y, DELTA, "B − A", theme::header());
}

fn render_row(row: &DiffRow, flat: bool, label_width: u16, buf: &mut Buffer, area: Rect) {
    let (mark, mark_style) = match row.change() {
        Change::OnlyA => ("−A", theme::status(Status::Error)),
        Change::OnlyB => ("+B", theme::status(Status::Throttle)),
        Change::Both => ("", Style::new()),
    };
    put(buf, area.x, area.y, MARK - 1, mark, mark_style);
    let indent = if flat {
        0
    } else {
        (row.depth as usize).min(12)
    };
    let count = |t: Option<Timing>| t.map_or(0, |t| t.count);
    let times = count(row.a).max(count(row.b));
    let repeat = if times > 1 {
        format!(" ×{times}")
    } else {
        String::new()
    };
    let label_style = match row.change() {
        Change::Both => Style::new(),
        _ => mark_style,
    };
    let mut x = area.x + MARK;
    let end = area.x + MARK + label_width;
    x = put(
        buf,
        x,
        area.y,
        end.saturating_sub(x),
        &" ".repeat(indent),
        Style::new(),
    );
    x = put(
        buf,
        x,
        area.y,
        end.saturating_sub(x),
        &row.service,
        theme::muted(),
    );
    x = put(buf, x, area.y, end.saturating_sub(x), " · ", theme::muted());
    x = put(
        buf,
        x,
        area.y,
        end.saturating_sub(x),
        &row.name,
        label_style,
    );
    put(
        buf,
        x,
        area.y,
        end.saturating_sub(x),
        &repeat,
        theme::muted(),
    );
    let time = |t: Option<Timing>| t.map_or_else(|| "–".to_owned(), |t| format_duration(t.total));
    let mut x = end + 1;
    put_right(buf, x, area.y, TIME, &time(row.a), Style::new());
    x += TIME + 1;
    put_right(buf, x, area.y, TIME, &time(row.b), Style::new());
    x += TIME + 1;
    let delta = row.delta();
    let (text, style) = if delta.abs() < 1e-9 {
        ("0".to_owned(), theme::muted())
    } else if delta > 0.0 {
        (
            format!("+{}", format_duration(delta)),
            theme::status(Status::Fault),
        )
    } else {
        (
            format!("−{}", format_duration(-delta)),
            theme::status(Status::Ok),
        )
    };
    put_right(buf, x, area.y, DELTA, &text, style);
}
