//! The response-time histogram above the trace list: one bar per log-scaled bucket, faults,
//! throttles and errors stacked at its foot in their colours, the selected band highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::analytics::histogram::{Histogram, StatusCounts};
use crate::app::state::State;
use crate::model::Status;

use super::draw::{line, put};
use super::theme;

/// Columns left of the bars, for the count scale.
const GUTTER: u16 = 6;
/// The widest a bucket's column gets, so few buckets do not make a wall.
const MAX_COLUMN: u16 = 10;
const EIGHTHS: [&str; 8] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇"];
/// Problems are stacked first, from the foot of the bar, so a few faults stay visible.
const STACK: [Status; 3] = [Status::Fault, Status::Throttle, Status::Error];

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.height < 3 || area.width <= GUTTER + 4 {
        return;
    }
    let analytics = &state.analytics;
    let histogram = &analytics.histogram;
    render_header(histogram, analytics.band, buf, area);
    if histogram.buckets.is_empty() {
        put(
            buf,
            area.x + 1,
            area.y + 1,
            area.width - 1,
            "no response times to show",
            theme::muted(),
        );
        return;
    }
    let bars = Rect {
        x: area.x + GUTTER,
        y: area.y + 1,
        width: area.width - GUTTER,
        height: area.height - 2,
    };
    let column = (bars.width / histogram.buckets.len() as u16).clamp(1, MAX_COLUMN);
    let tallest = histogram.tallest();
    let scale = format!("{tallest} ┤");
    put(
        buf,
        area.x,
        bars.y,
        GUTTER,
        &format!("{scale:>6}"),
        theme::muted(),
    );
    let (first, last) = analytics.band;
    for (index, bucket) in histogram.buckets.iter().enumerate() {
        let x = bars.x + index as u16 * column;
        if x + column > bars.x + bars.width {
            break;
        }
        let in_band = (first..=last).contains(&index);
        if in_band {
            let band = Rect::new(x, bars.y, column, bars.height + 1);
            let mut highlight = Style::new();
            highlight.bg = theme::selected().bg;
            buf.set_style(band, highlight);
        }
        let width = if column > 2 { column - 1 } else { column };
        draw_bar(
            buf,
            bucket,
            tallest,
            Rect::new(x, bars.y, width, bars.height),
        );
    }
    render_axis(
        histogram,
        column,
        (first, last),
        buf,
        bars.x,
        area.y + area.height - 1,
        bars.width,
    );
}

fn render_header(
    histogram: &Histogram,
    (first, last): (usize, usize),
    buf: &mut Buffer,
    area: Rect,
) {
    let mut pieces: Vec<(String, Style)> = vec![(" Response time".into(), theme::header())];
    if !histogram.buckets.is_empty() {
        let band = format!(
            "  band {}–{}: ",
            histogram.edges[first].label(),
            histogram.edges[last + 1].label()
        );
        pieces.push((band, theme::muted()));
        let mut counts = StatusCounts::default();
        for bucket in &histogram.buckets[first..=last] {
            counts.ok += bucket.ok;
            counts.error += bucket.error;
            counts.throttle += bucket.throttle;
            counts.fault += bucket.fault;
        }
        pieces.push((format!("{} traces", counts.total()), theme::title()));
        for (status, name) in [
            (Status::Fault, "faults"),
            (Status::Error, "errors"),
            (Status::Throttle, "throttles"),
        ] {
            if counts.get(status) > 0 {
                pieces.push((
                    format!(" · {} {name}", counts.get(status)),
                    theme::status(status),
                ));
            }
        }
    }
    if histogram.without_time > 0 {
        pieces.push((
            format!("   {} without a response time", histogram.without_time),
            theme::muted(),
        ));
    }
    let keys = "   [ ] move  { } size  b filter";
    let used: usize = pieces.iter().map(|(s, _)| crate::text::width(s)).sum();
    if !histogram.buckets.is_empty() && used + keys.len() <= area.width as usize {
        pieces.push((keys.into(), theme::muted()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

/// A stacked bar: each problem status takes at least one whole cell when present, the rest of
/// the height (to eighths of a cell) is the ok traces.
fn draw_bar(buf: &mut Buffer, bucket: &StatusCounts, tallest: usize, area: Rect) {
    let total = bucket.total();
    if total == 0 || tallest == 0 {
        return;
    }
    let room = u32::from(area.height) * 8;
    let height = ((total as f64 / tallest as f64) * f64::from(room))
        .round()
        .max(1.0) as u32;
    let mut cells: Vec<(Status, u32)> = Vec::new();
    let mut used = 0;
    for status in STACK {
        let count = bucket.get(status);
        if count == 0 {
            continue;
        }
        let share = (count as f64 / total as f64 * f64::from(height) / 8.0).round() as u32;
        let whole = share.max(1).min(u32::from(area.height) - used / 8);
        if whole > 0 {
            cells.push((status, whole * 8));
            used += whole * 8;
        }
    }
    if bucket.ok > 0 {
        let rest = height.saturating_sub(used).max(1).min(room - used);
        cells.push((Status::Ok, rest));
    }
    let mut filled = 0u32;
    for (status, eighths) in cells {
        let style = Style::new().fg(theme::status_color(status));
        let end = filled + eighths;
        while filled < end {
            let row = filled / 8;
            let y = area.y + area.height - 1 - row as u16;
            let in_cell = (end - filled).min(8);
            let symbol = if in_cell == 8 {
                "█"
            } else {
                EIGHTHS[in_cell as usize]
            };
            for x in area.x..area.x + area.width {
                buf[(x, y)].set_symbol(symbol).set_style(style);
            }
            filled += in_cell;
            if in_cell < 8 {
                break;
            }
        }
        filled = end;
    }
}

/// Edge labels under the bars, left out where they would overlap.
fn render_axis(
    histogram: &Histogram,
    column: u16,
    (first, last): (usize, usize),
    buf: &mut Buffer,
    x0: u16,
    y: u16,
    width: u16,
) {
    let end = x0 + width;
    let mut free_from = x0;
    for (index, edge) in histogram.edges.iter().enumerate() {
        let x = x0 + index as u16 * column;
        let label = edge.label();
        let label_width = label.chars().count() as u16;
        if x < free_from || x + label_width > end {
            continue;
        }
        let style = if index == first || index == last + 1 {
            theme::key()
        } else {
            theme::muted()
        };
        put(buf, x, y, label_width, &label, style);
        free_from = x + label_width + 1;
    }
}
