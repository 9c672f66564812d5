//! The compare view: the marked set (A) beside the listed traces (B): counts, rates and
//! percentiles, then the groups whose share of the traces changed the most.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::compare::Shift;
use crate::analytics::stats::SetStats;
use crate::app::analytics::CompareView;
use crate::app::state::State;
use crate::layout::screen;
use crate::model::Status;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put, put_right};
use super::group_by::{group_label, percent};
use super::theme;

const FIGURE_LABEL: u16 = 14;

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let (Some(view), Some(marked)) = (&state.analytics.compare, &state.analytics.marked) else {
        return;
    };
    let areas = screen::compare(body);
    render_title(view, buf, areas.title);
    render_figures(view, &marked.label, buf, areas.figures);
    render_shifts(view, buf, areas.header, areas.rows);
}

fn render_title(view: &CompareView, buf: &mut Buffer, area: Rect) {
    let pieces = [
        (
            " Compare ".to_owned(),
            theme::title().add_modifier(Modifier::REVERSED),
        ),
        (" A and B ".to_owned(), theme::accent()),
        (format!(" by {}", view.dimension().label()), theme::title()),
        (
            format!("  ({} of {})", view.dimension + 1, view.dimensions.len()),
            theme::muted(),
        ),
    ];
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

/// Rows of figures: which set, how many traces, fault and error rates, percentiles.
fn render_figures(view: &CompareView, a_label: &str, buf: &mut Buffer, area: Rect) {
    let (a, b) = (&view.comparison.a, &view.comparison.b);
    let column = ((area.width.saturating_sub(FIGURE_LABEL + 1)) / 3).min(40);
    let xs = [
        area.x + 1,
        area.x + FIGURE_LABEL,
        area.x + FIGURE_LABEL + column,
        area.x + FIGURE_LABEL + 2 * column,
    ];
    let duration = |d: Option<f64>| d.map(format_duration).unwrap_or_else(|| "–".into());
    let percentiles = |s: &SetStats| {
        let p = &s.percentiles;
        format!(
            "{}/{}/{}",
            duration(p.p50),
            duration(p.p95),
            duration(p.p99)
        )
    };
    let rate_change = |x: f64, y: f64| points((y - x) * 100.0);
    let rows: [[(String, Style); 4]; 6] = [
        [
            (String::new(), Style::new()),
            ("A (marked)".into(), theme::header()),
            ("B (listed now)".into(), theme::header()),
            ("B - A".into(), theme::header()),
        ],
        [
            ("set".into(), theme::muted()),
            (a_label.to_owned(), Style::new()),
            (view.label.clone(), Style::new()),
            (String::new(), Style::new()),
        ],
        [
            ("traces".into(), theme::muted()),
            (a.count.to_string(), Style::new()),
            (b.count.to_string(), Style::new()),
            (signed(b.count as i64 - a.count as i64), Style::new()),
        ],
        [
            ("fault rate".into(), theme::muted()),
            rate(a, Status::Fault),
            rate(b, Status::Fault),
            rate_change(a.fault_rate(), b.fault_rate()),
        ],
        [
            ("error rate".into(), theme::muted()),
            rate(a, Status::Error),
            rate(b, Status::Error),
            rate_change(a.error_rate(), b.error_rate()),
        ],
        [
            ("p50/p95/p99".into(), theme::muted()),
            (percentiles(a), Style::new()),
            (percentiles(b), Style::new()),
            (String::new(), Style::new()),
        ],
    ];
    for (row, cells) in rows.iter().enumerate() {
        let y = area.y + row as u16;
        if y >= area.y + area.height {
            break;
        }
        for (i, (text, style)) in cells.iter().enumerate() {
            let width = if i == 0 { FIGURE_LABEL - 2 } else { column - 1 };
            put(buf, xs[i], y, width, text, *style);
        }
    }
}

fn rate(set: &SetStats, status: Status) -> (String, Style) {
    let (count, rate) = match status {
        Status::Fault => (set.faults, set.fault_rate()),
        _ => (set.errors, set.error_rate()),
    };
    let style = if count > 0 {
        theme::status(status)
    } else {
        Style::new()
    };
    (format!("{} ({count})", percent(rate)), style)
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// A change in percentage points: `+12.5 pts`, coloured when it grows.
fn points(change: f64) -> (String, Style) {
    if change.abs() < 0.05 {
        return ("±0".into(), theme::muted());
    }
    let style = if change > 0.0 {
        theme::accent()
    } else {
        theme::muted()
    };
    (format!("{change:+.1} pts"), style)
}

const COUNT: u16 = 7;
const SHARE: u16 = 6;
const CHANGE: u16 = 10;

fn render_shifts(view: &CompareView, buf: &mut Buffer, header: Rect, rows: Rect) {
    let fixed = 2 * (COUNT + SHARE + 2) + CHANGE + 1;
    let label_width = header
        .width
        .saturating_sub(fixed + 1)
        .clamp(8, super::group_by::MAX_LABEL);
    let mut x = header.x + label_width + 1;
    let dimension = view.dimension();
    let host = view.common_host.as_deref();
    let title = match host {
        Some(host) => format!("Group  on {host}"),
        None => "Groups whose share changed most".to_owned(),
    };
    put(
        buf,
        header.x + 1,
        header.y,
        label_width - 1,
        &title,
        theme::header(),
    );
    for (title, width) in [
        ("A", COUNT),
        ("share", SHARE),
        ("B", COUNT),
        ("share", SHARE),
        ("change", CHANGE),
    ] {
        put_right(buf, x, header.y, width, title, theme::header());
        x += width + 1;
    }
    let shifts = &view.comparison.shifts;
    if shifts.is_empty() {
        put(
            buf,
            rows.x + 1,
            rows.y + rows.height / 2,
            rows.width.saturating_sub(2),
            "Neither set has traces.",
            theme::muted(),
        );
        return;
    }
    for row in 0..rows.height {
        let position = view.cursor.offset + row as usize;
        let Some(shift) = shifts.get(position) else {
            break;
        };
        let y = rows.y + row;
        let row_area = Rect::new(rows.x, y, rows.width, 1);
        let selected = position == view.cursor.selected;
        if selected {
            fill(buf, row_area, theme::selected());
        }
        let label = group_label(dimension, &shift.label, host);
        render_shift(shift, label, buf, row_area, label_width);
        if selected {
            theme::keep_readable_on_selection(buf, row_area);
        }
    }
}

fn render_shift(shift: &Shift, label: &str, buf: &mut Buffer, area: Rect, label_width: u16) {
    let y = area.y;
    put(buf, area.x + 1, y, label_width - 1, label, Style::new());
    let mut x = area.x + label_width + 1;
    let (change, change_style) = points(shift.delta() * 100.0);
    for (text, width, style) in [
        (shift.count_a.to_string(), COUNT, Style::new()),
        (percent(shift.share_a), SHARE, theme::muted()),
        (shift.count_b.to_string(), COUNT, Style::new()),
        (percent(shift.share_b), SHARE, theme::muted()),
        (change, CHANGE, change_style),
    ] {
        put_right(buf, x, y, width, &text, style);
        x += width + 1;
    }
}
