//! The group-by view: the listed traces grouped by a dimension, one row per group with its
//! count, share, response-time percentiles and error and fault rates.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::group::{Dimension, Group, GroupSort};
use crate::analytics::url_pattern;
use crate::app::action::Intent;
use crate::app::analytics::GroupsView;
use crate::app::keymap::Context;
use crate::app::state::State;
use crate::layout::screen;
use crate::model::Status;
use crate::text::count::count;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put, put_right};
use super::format::{short_url, url_path};
use super::theme;

/// A numeric column: title, width, the sort it shows, and its text and style for a group.
struct Column {
    title: &'static str,
    width: u16,
    sort: GroupSort,
    cell: fn(&Group) -> (String, Style),
}

/// Share bars are drawn on terminals at least this wide, in what the label leaves.
const SHARE_BAR_FROM: u16 = 120;
/// The widest the label column gets on wide terminals.
pub const MAX_LABEL: u16 = 64;

fn columns() -> [Column; 7] {
    [
        Column {
            title: "Count",
            width: 6,
            sort: GroupSort::Count,
            cell: |g| (g.stats.count.to_string(), Style::new()),
        },
        Column {
            title: "Share",
            width: 6,
            sort: GroupSort::Count,
            cell: |g| (percent(g.share), Style::new()),
        },
        Column {
            title: "p50",
            width: 7,
            sort: GroupSort::P50,
            cell: |g| (duration(g.stats.percentiles.p50), Style::new()),
        },
        Column {
            title: "p95",
            width: 7,
            sort: GroupSort::P95,
            cell: |g| (duration(g.stats.percentiles.p95), Style::new()),
        },
        Column {
            title: "p99",
            width: 7,
            sort: GroupSort::P99,
            cell: |g| (duration(g.stats.percentiles.p99), Style::new()),
        },
        Column {
            title: "Errors",
            width: 6,
            sort: GroupSort::ErrorRate,
            cell: |g| rate_cell(g.error_rate(), Status::Error),
        },
        Column {
            title: "Faults",
            width: 6,
            sort: GroupSort::FaultRate,
            cell: |g| rate_cell(g.fault_rate(), Status::Fault),
        },
    ]
}

/// `42%`, `4.2%`, `0.4%`: two significant digits at most, no false precision.
pub fn percent(share: f64) -> String {
    let value = share * 100.0;
    if value == 0.0 {
        "0%".into()
    } else if value >= 9.95 {
        format!("{value:.0}%")
    } else {
        format!("{value:.1}%")
    }
}

fn duration(seconds: Option<f64>) -> String {
    seconds.map(format_duration).unwrap_or_else(|| "–".into())
}

fn rate_cell(rate: f64, status: Status) -> (String, Style) {
    if rate == 0.0 {
        ("–".into(), theme::muted())
    } else {
        (percent(rate), theme::status(status))
    }
}

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let Some(view) = &state.analytics.groups else {
        return;
    };
    let (areas, footer) = screen::groups(body);
    render_title(state, view, buf, areas.title);
    render_footer(state, view, buf, footer);
    let columns = columns();
    let numbers: u16 = columns.iter().map(|c| c.width + 1).sum::<u16>();
    let mut label_width = body.width.saturating_sub(numbers + 1).max(8);
    let mut bar = 0;
    if body.width >= SHARE_BAR_FROM {
        label_width = label_width.min(MAX_LABEL);
        bar = body.width.saturating_sub(label_width + numbers + 3);
    }
    render_header(view, &columns, label_width, bar, buf, areas.header);
    if view.groups.is_empty() {
        put(
            buf,
            areas.rows.x + 1,
            areas.rows.y + areas.rows.height / 2,
            areas.rows.width.saturating_sub(2),
            "No traces to group.",
            theme::muted(),
        );
        return;
    }
    let dimension = view.dimension();
    let host = view.common_host.as_deref();
    for row in 0..areas.rows.height {
        let position = view.cursor.offset + row as usize;
        let Some(group) = view.groups.get(position) else {
            break;
        };
        let y = areas.rows.y + row;
        let selected = position == view.cursor.selected;
        let row_area = Rect::new(areas.rows.x, y, areas.rows.width, 1);
        if selected {
            fill(buf, row_area, theme::selected());
        }
        let label_style = if group.filter.is_none() {
            theme::muted()
        } else {
            Style::new()
        };
        let label = group_label(dimension, &group.label, host);
        put(buf, row_area.x + 1, y, label_width - 1, label, label_style);
        let mut x = row_area.x + label_width + 1;
        for column in &columns {
            let (text, style) = (column.cell)(group);
            put_right(buf, x, y, column.width, &text, style);
            x += column.width + 1;
        }
        if bar > 0 {
            draw_share_bar(buf, x + 1, y, bar, group);
        }
        if selected {
            theme::keep_readable_on_selection(buf, row_area);
        }
    }
}

/// URL patterns lose their scheme, and the host most traces share (named in the header).
pub fn group_label<'a>(
    dimension: &Dimension,
    label: &'a str,
    common_host: Option<&str>,
) -> &'a str {
    if *dimension != Dimension::Url {
        return label;
    }
    let short = short_url(label);
    if common_host.is_some_and(|host| url_pattern::host(label) == host) {
        url_path(label)
    } else {
        short
    }
}

/// The group's share of the traces, its faults in red at the left.
fn draw_share_bar(buf: &mut Buffer, x: u16, y: u16, width: u16, group: &Group) {
    let cells = (group.share * f64::from(width)).round().max(1.0) as u16;
    let faulted = (group.fault_rate() * f64::from(cells)).round() as u16;
    let faulted = if group.stats.faults > 0 {
        faulted.max(1)
    } else {
        0
    };
    for i in 0..cells.min(width) {
        let status = if i < faulted {
            Status::Fault
        } else {
            Status::Ok
        };
        let style = if status == Status::Ok {
            theme::accent()
        } else {
            theme::status(status)
        };
        buf[(x + i, y)].set_symbol("■").set_style(style);
    }
}

/// The selected group in full, and the filter opening it applies.
fn render_footer(state: &State, view: &GroupsView, buf: &mut Buffer, area: Rect) {
    let Some(group) = view.selected_group().filter(|_| area.height >= 2) else {
        return;
    };
    line(
        buf,
        area,
        area.y,
        &[(" ", Style::new()), (&group.label, theme::title())],
    );
    let open = state.key_label(Context::Groups, Intent::Open);
    let lead = match (&group.filter, group.exact) {
        (Some(_), true) => format!("{open} lists it:"),
        (Some(_), false) => format!("{open} lists it (and maybe a few more):"),
        (None, _) => "no filter expression lists just this group".to_owned(),
    };
    let text = format!("{lead} {}", group.filter.as_deref().unwrap_or_default());
    let width = area.width.saturating_sub(2);
    let lines = crate::text::wrap(&text, width as usize);
    for (row, piece) in lines.iter().take(area.height as usize - 1).enumerate() {
        let y = area.y + 1 + row as u16;
        // The lead is muted, the expression stands out.
        let (lead_part, rest) = if row == 0 && piece.len() >= lead.len() {
            piece.split_at(lead.len())
        } else {
            ("", piece.as_str())
        };
        line(
            buf,
            Rect::new(area.x + 1, y, width, 1),
            y,
            &[(lead_part, theme::muted()), (rest, theme::accent())],
        );
    }
}

fn render_title(state: &State, view: &GroupsView, buf: &mut Buffer, area: Rect) {
    let total = state.list.summaries.len();
    let mut pieces: Vec<(String, Style)> = vec![
        (
            " Group by ".into(),
            theme::title().add_modifier(Modifier::REVERSED),
        ),
        (format!(" {} ", view.dimension().label()), theme::accent()),
        (
            format!(
                " {} of {}",
                count(view.groups.len(), "group"),
                count(total, "trace")
            ),
            theme::title(),
        ),
        (
            format!("  ({} of {})", view.dimension + 1, view.dimensions.len()),
            theme::muted(),
        ),
    ];
    if let Some(filter) = &state.list.filter {
        pieces.push(("  filter ".into(), theme::muted()));
        pieces.push((filter.clone(), theme::search_match()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

fn render_header(
    view: &GroupsView,
    columns: &[Column],
    label_width: u16,
    bar: u16,
    buf: &mut Buffer,
    area: Rect,
) {
    let arrow = |sort: GroupSort| match (sort == view.sort, view.descending) {
        (false, _) => "",
        (true, true) => "▼",
        (true, false) => "▲",
    };
    let mut title = format!(
        "{}{}",
        capitalised(&view.dimension().label()),
        arrow(GroupSort::Label)
    );
    if let Some(host) = view.common_host.as_deref() {
        title.push_str(&format!("  on {host}"));
    }
    put(
        buf,
        area.x + 1,
        area.y,
        label_width - 1,
        &title,
        theme::header(),
    );
    let mut x = area.x + label_width + 1;
    for (i, column) in columns.iter().enumerate() {
        // Count and share sort together: the arrow goes on the count.
        let arrow = if i == 1 { "" } else { arrow(column.sort) };
        let title = format!("{}{arrow}", column.title);
        put_right(buf, x, area.y, column.width, &title, theme::header());
        x += column.width + 1;
    }
    if bar > 0 {
        put(buf, x + 1, area.y, bar, "Share of traces", theme::header());
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
