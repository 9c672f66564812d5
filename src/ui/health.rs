//! The health sparklines of the listed traces, below the list: requests, fault, error and
//! throttle rates and p90 response time per time bucket, the insight's buckets tinted and the
//! marked stretch underlined on the time axis.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::timeline::Measure;
use crate::app::insights::HealthPanel;
use crate::model::Status;
use crate::text::duration::format_duration;

use super::draw::{line, put, put_right};
use super::format::clock;
use super::theme;

const LABEL: u16 = 11;
const VALUE: u16 = 8;
const BARS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

fn style_of(measure: Measure) -> Style {
    match measure {
        Measure::Requests => theme::accent(),
        Measure::FaultRate => theme::status(Status::Fault),
        Measure::ErrorRate => theme::status(Status::Error),
        Measure::ThrottleRate => theme::status(Status::Throttle),
        Measure::P90 => theme::in_progress(),
    }
}

fn value_text(measure: Measure, value: f64) -> String {
    match measure {
        Measure::Requests => format!("{value:.0}"),
        Measure::P90 => format_duration(value),
        _ => format!("{:.0}%", value * 100.0),
    }
}

pub fn render(panel: &HealthPanel, utc_offset: i32, buf: &mut Buffer, area: Rect) {
    if area.height < 3 || area.width <= LABEL + VALUE + 4 {
        return;
    }
    let Some(buckets) = panel.health.buckets else {
        return;
    };
    let count = panel.health.len().max(1) as u16;
    let column = ((area.width - LABEL - VALUE) / count).clamp(1, 6);
    let width = |b: usize| (b as u16).saturating_mul(column);
    let origin = panel
        .asked
        .as_ref()
        .map(|a| format!("{} · ", a.origin()))
        .unwrap_or_default();
    let title = format!(
        "Health over time · {origin}{} · {} per bar",
        panel.subject,
        format_duration(buckets.width)
    );
    line(buf, area, area.y, &[(&title, theme::title())]);
    if panel.health.is_empty() {
        put(
            buf,
            area.x + 1,
            area.y + 1,
            area.width - 1,
            "no traces to show",
            theme::muted(),
        );
        return;
    }
    let bars_x = area.x + LABEL;
    let rows = (area.height - 2).min(Measure::ALL.len() as u16);
    for (row, measure) in Measure::ALL.into_iter().take(rows as usize).enumerate() {
        let y = area.y + 1 + row as u16;
        put(buf, area.x, y, LABEL, measure.label(), theme::muted());
        let series = panel.health.series(measure);
        let top = series.iter().flatten().copied().fold(0.0_f64, f64::max);
        for (at, value) in series.iter().enumerate() {
            let x = bars_x + width(at);
            if x + column > area.x + area.width - VALUE {
                break;
            }
            let glyph = match value {
                None => " ",
                Some(_) if top <= 0.0 => "▁",
                Some(v) => BARS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
            };
            let mut style = style_of(measure);
            if panel
                .incident
                .is_some_and(|(first, last)| (first..=last).contains(&at))
            {
                style = style.bg(theme::active().selection);
            }
            for dx in 0..column {
                put(buf, x + dx, y, 1, glyph, style);
            }
        }
        let peak = value_text(measure, top);
        put_right(
            buf,
            area.x + area.width - VALUE,
            y,
            VALUE,
            &format!("↑{peak}"),
            theme::muted(),
        );
    }
    let axis_y = area.y + 1 + rows;
    if axis_y >= area.y + area.height {
        return;
    }
    let (first, last) = panel.mark;
    let end = bars_x + width(panel.health.len());
    put(buf, area.x, axis_y, LABEL, "marked", theme::muted());
    put(
        buf,
        bars_x,
        axis_y,
        end.saturating_sub(bars_x),
        &clock(buckets.start, utc_offset),
        theme::muted(),
    );
    let mark_x = bars_x + width(first);
    let mark_width = width(last + 1 - first);
    let (from, _) = buckets.bounds(first);
    let (_, to) = buckets.bounds(last);
    let label = format!("{}–{}", clock(from, utc_offset), clock(to, utc_offset));
    let marked = Style::new()
        .fg(theme::active().accent)
        .add_modifier(Modifier::BOLD);
    for dx in 0..mark_width {
        put(buf, mark_x + dx, axis_y, 1, "━", marked);
    }
    let label_width = label.chars().count() as u16;
    let label_x = if mark_x + mark_width + 1 + label_width <= area.x + area.width {
        mark_x + mark_width + 1
    } else {
        mark_x.saturating_sub(label_width + 1).max(bars_x)
    };
    put(
        buf,
        label_x,
        axis_y,
        area.x + area.width - label_x,
        &label,
        marked,
    );
}
