//! The Insights screen: one row per insight (state, window, kind, root cause, client impact)
//! and, below, the selected insight's most anomalous services and the services it touched.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::analytics::anomaly::{Insight, InsightState, Kind};
use crate::app::action::Intent;
use crate::app::keymap::Context;
use crate::app::state::State;
use crate::app::xray_insights::Notice;
use crate::layout::screen;
use crate::model::Status;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put};
use super::format::{clock, day_and_minute};
use super::theme;

const COLUMNS: [(&str, u16); 6] = [
    ("State", 8),
    ("Start", 10),
    ("End", 10),
    ("Kind", 7),
    ("Impact", 16),
    ("Root cause", 0),
];

fn kind_style(kind: Kind) -> Style {
    match kind {
        Kind::Fault => theme::status(Status::Fault),
        Kind::Error => theme::status(Status::Error),
    }
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let (areas, details) = screen::insights(body);
    let Some(view) = &state.insights.view else {
        return;
    };
    let spans_days = state.list.counts.spans_days();
    let time = |t: f64| {
        if spans_days {
            day_and_minute(t, state.utc_offset)
        } else {
            clock(t, state.utc_offset)
        }
    };
    let loading = if view.asked.as_ref().is_some_and(|a| a.loading) {
        " · loading…"
    } else {
        ""
    };
    let title = format!(
        "Insights · {} · {} · {}{loading}",
        view.insights.len(),
        view.origin,
        crate::app::analytics::set_label(state)
    );
    line(buf, areas.title, areas.title.y, &[(&title, theme::title())]);
    let mut x = areas.header.x;
    let end = areas.header.x + areas.header.width;
    for (name, width) in COLUMNS {
        let width = if width == 0 {
            end.saturating_sub(x)
        } else {
            width
        };
        x = put(
            buf,
            x,
            areas.header.y,
            width.min(end.saturating_sub(x)),
            name,
            theme::header(),
        )
        .max(x + width)
        .min(end);
    }
    let notice = view
        .asked
        .as_ref()
        .and_then(|a| a.notice.as_ref())
        .map(Notice::lines)
        .unwrap_or_default();
    if view.insights.is_empty() {
        let empty = match &view.asked {
            None => "no insight: no fault or error rate departs from its baseline".to_owned(),
            Some(asked) if asked.loading => "asking X-Ray for its insights…".to_owned(),
            Some(_) if !notice.is_empty() => String::new(),
            Some(_) => "X-Ray found no insight in this group over this time range".to_owned(),
        };
        let width = areas.rows.width.saturating_sub(1);
        let quiet = view.asked.as_ref().is_none_or(|a| a.notice.is_none());
        let lines = std::iter::once((empty, quiet))
            .chain(notice.into_iter().map(|l| (l, false)))
            .filter(|(l, _)| !l.is_empty())
            .flat_map(|(l, quiet)| {
                crate::text::wrap(&l, width as usize)
                    .into_iter()
                    .map(move |l| (l, quiet))
            });
        for (row, (text, quiet)) in lines.enumerate().take(areas.rows.height as usize) {
            let style = if quiet {
                theme::muted()
            } else {
                theme::error()
            };
            put(
                buf,
                areas.rows.x + 1,
                areas.rows.y + row as u16,
                width,
                &text,
                style,
            );
        }
        return;
    }
    let rows = areas.rows.height as usize;
    for (row, insight) in view
        .insights
        .iter()
        .enumerate()
        .skip(view.cursor.offset)
        .take(rows)
    {
        let y = areas.rows.y + (row - view.cursor.offset) as u16;
        let row_area = Rect {
            y,
            height: 1,
            ..areas.rows
        };
        render_row(insight, &time, buf, row_area);
        if row == view.cursor.selected {
            fill(buf, row_area, theme::selected());
            theme::keep_readable_on_selection(buf, row_area);
        }
    }
    // The details follow the rows, not the foot of the screen.
    let shown = view
        .insights
        .len()
        .saturating_sub(view.cursor.offset)
        .min(rows) as u16;
    let mut top = (areas.rows.y + shown + 1).min(details.y);
    let bottom = details.y + details.height;
    let wrapped = notice
        .iter()
        .flat_map(|l| crate::text::wrap(l, details.width as usize));
    for text in wrapped {
        if top + 2 >= bottom {
            break;
        }
        line(buf, details, top, &[(&text, theme::error())]);
        top += 1;
    }
    let details = Rect {
        y: top,
        height: bottom - top,
        ..details
    };
    if let Some(insight) = view.selected() {
        render_details(state, insight, &time, buf, details);
    }
}

fn render_row(insight: &Insight, time: &dyn Fn(f64) -> String, buf: &mut Buffer, area: Rect) {
    let state_style = match insight.state {
        InsightState::Active => theme::error(),
        InsightState::Closed => theme::muted(),
    };
    let end = insight.end.map_or_else(|| "now".to_owned(), time);
    let kinds: Vec<&str> = insight.kinds.iter().map(|k| k.label()).collect();
    let impact = format!("{}/{} req", insight.affected, insight.requests);
    let cells = [
        (insight.state.label().to_owned(), state_style),
        (time(insight.start), Style::new()),
        (end, Style::new()),
        (kinds.join("+"), kind_style(insight.kind())),
        (impact, Style::new()),
        (
            insight.root_cause.clone().unwrap_or_else(|| "—".into()),
            theme::accent(),
        ),
    ];
    let mut x = area.x;
    let right = area.x + area.width;
    for ((text, style), (_, width)) in cells.iter().zip(COLUMNS) {
        let width = if width == 0 {
            right.saturating_sub(x)
        } else {
            width
        };
        let width = width.min(right.saturating_sub(x));
        put(buf, x, area.y, width.saturating_sub(1), text, *style);
        x += width;
    }
}

/// X-Ray's events of the insight, the newest that fit above the last line; the next row.
fn render_timeline(
    insight: &Insight,
    time: &dyn Fn(f64) -> String,
    buf: &mut Buffer,
    area: Rect,
) -> u16 {
    let bottom = area.y + area.height;
    let mut y = area.y;
    if insight.events.is_empty() || area.height < 3 {
        return y;
    }
    line(buf, area, y, &[("Timeline", theme::header())]);
    y += 1;
    let room = (bottom - y - 1) as usize;
    let skip = insight.events.len().saturating_sub(room.max(1));
    for event in insight.events.iter().skip(skip) {
        if y + 1 >= bottom {
            break;
        }
        let when = format!("  {:<10}", time(event.time));
        let impact = format!(
            "{:<13}",
            format!("{}/{} req", event.affected, event.requests)
        );
        line(
            buf,
            area,
            y,
            &[
                (&when, theme::muted()),
                (&impact, kind_style(insight.kind())),
                (&event.summary, Style::new()),
            ],
        );
        y += 1;
    }
    y
}

fn render_details(
    state: &State,
    insight: &Insight,
    time: &dyn Fn(f64) -> String,
    buf: &mut Buffer,
    area: Rect,
) {
    if area.height < 2 {
        return;
    }
    let mut y = area.y;
    let bottom = area.y + area.height;
    let window = match insight.end {
        Some(end) => format!("over {}", format_duration(end - insight.start)),
        None => "ongoing".into(),
    };
    let rates = match insight.baseline {
        Some(baseline) => format!("{} → {}", percent(baseline), percent(insight.rate)),
        None => percent(insight.rate),
    };
    let heading = format!(
        "{} rate {rates} {window} · {} requests affected",
        insight.kind().label(),
        insight.affected
    );
    line(
        buf,
        area,
        y,
        &[("─ ", theme::muted()), (&heading, theme::title())],
    );
    y += 1;
    if let Some(summary) = &insight.summary
        && y < bottom
    {
        line(buf, area, y, &[(summary.as_str(), Style::new())]);
        y += 1;
    }
    if y < bottom {
        line(buf, area, y, &[("Top anomalous services", theme::header())]);
        y += 1;
    }
    // The timeline, when there is one, shares the room with the services.
    let timeline = if insight.events.is_empty() { 0 } else { 2 };
    let room = (bottom.saturating_sub(y)).saturating_sub(1 + timeline) as usize;
    for service in insight.top.iter().take(room.max(1)) {
        if y >= bottom {
            break;
        }
        let rates = match service.rates {
            Some((baseline, rate)) => {
                format!("{:>5} → {:<5}", percent(baseline), percent(rate))
            }
            None => "•".to_owned(),
        };
        line(
            buf,
            area,
            y,
            &[
                ("  ", Style::new()),
                (&rates, kind_style(insight.kind())),
                ("  ", Style::new()),
                (&service.name, Style::new()),
            ],
        );
        y += 1;
    }
    y = render_timeline(
        insight,
        time,
        buf,
        Rect {
            y,
            height: bottom - y,
            ..area
        },
    );
    if y < bottom {
        let narrow = state.key_label(Context::Insights, Intent::Open);
        let impacted = insight.impacted.join(", ");
        line(
            buf,
            area,
            y,
            &[
                (&narrow, theme::key()),
                (" narrows the list; impact graph: ", theme::muted()),
                (&impacted, Style::new()),
            ],
        );
    }
}
