//! The response-time histogram above the trace list: one bar per log-scaled bucket, faults,
//! throttles and errors stacked at its foot in their colours, the selected band highlighted.

use crate::text::count::count;
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
/// Problems are stacked first, from the foot of the bar, where they are easy to compare.
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
    if bars.height >= 3 {
        let foot = bars.y + bars.height - 1;
        put(buf, area.x, foot, GUTTER, "  log┤", theme::muted());
    }
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
    mark_band(buf, bars, column, (first, last), area.y + area.height - 1);
}

/// The band shown by glyphs, not by its background alone: `▔` over its columns where no bar
/// reaches the top, `━` under them where no label is.
fn mark_band(buf: &mut Buffer, bars: Rect, column: u16, (first, last): (usize, usize), axis: u16) {
    let start = bars.x + first as u16 * column;
    let end = (bars.x + (last as u16 + 1) * column).min(bars.x + bars.width);
    for x in start..end {
        for (y, mark) in [(bars.y, "▔"), (axis, "━")] {
            let cell = &mut buf[(x, y)];
            if cell.symbol() == " " {
                cell.set_symbol(mark).set_style(theme::key());
            }
        }
    }
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
        pieces.push((count(counts.total(), "trace"), theme::title()));
        for (status, name) in [
            (Status::Fault, "fault"),
            (Status::Error, "error"),
            (Status::Throttle, "throttle"),
        ] {
            if counts.get(status) > 0 {
                pieces.push((
                    format!(" · {}", count(counts.get(status), name)),
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

/// A stacked bar, its height the log of its count, to an eighth of a cell: each status takes its share of the bar's height
/// (at least an eighth when it has any trace). Where two statuses meet inside a cell, the
/// lower one is a partial block and the upper one its background.
fn draw_bar(buf: &mut Buffer, bucket: &StatusCounts, tallest: usize, area: Rect) {
    let total = bucket.total();
    if total == 0 || tallest == 0 {
        return;
    }
    let room = u32::from(area.height) * 8;
    // Heights on a log scale, so the few slow traces of the tail still show; the statuses
    // share a bar in proportion to their counts.
    let scaled = (1.0 + total as f64).ln() / (1.0 + tallest as f64).ln();
    let height = (scaled * f64::from(room)).round() as u32;
    let mut segments: Vec<(Status, u32)> = Vec::new();
    for status in STACK.into_iter().chain([Status::Ok]) {
        let count = bucket.get(status);
        if count > 0 {
            let share = (count as f64 / total as f64 * f64::from(height)).round() as u32;
            segments.push((status, share.max(1)));
        }
    }
    // Rounding up small shares may overflow the room: take it back from the biggest.
    while segments.iter().map(|(_, e)| e).sum::<u32>() > room {
        if let Some(biggest) = segments.iter_mut().max_by_key(|(_, e)| *e) {
            biggest.1 -= 1;
        }
    }
    let mut bounds: Vec<(Status, u32, u32)> = Vec::new();
    let mut top = 0;
    for (status, eighths) in segments {
        bounds.push((status, top, top + eighths));
        top += eighths;
    }
    for row in 0..u32::from(area.height) {
        let (low, high) = (row * 8, (row * 8 + 8).min(top));
        if high <= low {
            break;
        }
        let Some(&(below, _, end)) = bounds.iter().find(|(_, s, e)| *s <= low && low < *e) else {
            break;
        };
        let above = bounds
            .iter()
            .find(|(_, s, e)| *s < high && high <= *e && *s >= end);
        let (symbol, style) = match above {
            Some(&(upper, _, _)) if end < high => (
                EIGHTHS[(end - low) as usize],
                Style::new()
                    .fg(theme::status_color(below))
                    .bg(theme::status_color(upper)),
            ),
            _ if high - low == 8 => ("█", Style::new().fg(theme::status_color(below))),
            _ => (
                EIGHTHS[(high - low) as usize],
                Style::new().fg(theme::status_color(below)),
            ),
        };
        // Without colour a problem's share of the bar is drawn with its mark.
        let symbol = if theme::active().monochrome && below != Status::Ok {
            theme::status_mark(below)
        } else {
            symbol
        };
        let y = area.y + area.height - 1 - row as u16;
        for x in area.x..area.x + area.width {
            buf[(x, y)].set_symbol(symbol).set_style(style);
        }
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
