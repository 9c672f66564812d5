//! Span statistics: one row per service, operation or both, with count, total and self
//! time, average, min, max, share of the traces' time, and errors, faults and throttles.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::span_stats::{StatRow, StatSort};
use crate::app::analysis::{StatsScope, StatsView};
use crate::app::state::State;
use crate::layout::screen;
use crate::model::Status;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put, put_right};
use super::group_by::percent;
use super::theme;

struct Column {
    title: &'static str,
    width: u16,
    sort: StatSort,
    /// Columns left out first on narrow screens have the highest number.
    drop_order: u8,
    cell: fn(&StatRow) -> (String, Style),
}

fn time(seconds: f64) -> (String, Style) {
    (format_duration(seconds), Style::new())
}

fn tally(count: usize, status: Status) -> (String, Style) {
    if count == 0 {
        ("–".into(), theme::muted())
    } else {
        (count.to_string(), theme::status(status))
    }
}

const COLUMNS: [Column; 10] = [
    Column {
        title: "Count",
        width: 6,
        sort: StatSort::Count,
        drop_order: 0,
        cell: |r| (r.count.to_string(), Style::new()),
    },
    Column {
        title: "Total",
        width: 8,
        sort: StatSort::Total,
        drop_order: 0,
        cell: |r| time(r.total),
    },
    Column {
        title: "Self",
        width: 8,
        sort: StatSort::SelfTime,
        drop_order: 0,
        cell: |r| time(r.self_time),
    },
    Column {
        title: "Avg",
        width: 8,
        sort: StatSort::Average,
        drop_order: 2,
        cell: |r| time(r.average()),
    },
    Column {
        title: "Min",
        width: 8,
        sort: StatSort::Min,
        drop_order: 3,
        cell: |r| time(r.min),
    },
    Column {
        title: "Max",
        width: 8,
        sort: StatSort::Max,
        drop_order: 1,
        cell: |r| time(r.max),
    },
    Column {
        title: "Share",
        width: 6,
        sort: StatSort::Share,
        drop_order: 0,
        cell: |r| (percent(r.share), theme::accent()),
    },
    Column {
        title: "Err",
        width: 5,
        sort: StatSort::Errors,
        drop_order: 0,
        cell: |r| tally(r.errors, Status::Error),
    },
    Column {
        title: "Flt",
        width: 5,
        sort: StatSort::Faults,
        drop_order: 0,
        cell: |r| tally(r.faults, Status::Fault),
    },
    Column {
        title: "Thr",
        width: 5,
        sort: StatSort::Throttles,
        drop_order: 0,
        cell: |r| tally(r.throttles, Status::Throttle),
    },
];

/// The narrowest the label column gets before numeric columns are left out.
const MIN_LABEL: u16 = 22;
/// The widest the label column gets.
const MAX_LABEL: u16 = 70;

/// The columns that fit beside a label of at least [`MIN_LABEL`], and the label's width.
fn fitting(width: u16) -> (Vec<&'static Column>, u16) {
    for drop in (0..=3u8).rev() {
        let shown: Vec<&Column> = COLUMNS.iter().filter(|c| c.drop_order <= drop).collect();
        let numbers: u16 = shown.iter().map(|c| c.width + 1).sum();
        let label = width.saturating_sub(numbers + 1);
        if label >= MIN_LABEL || drop == 0 {
            return (shown, label.min(MAX_LABEL));
        }
    }
    (Vec::new(), width)
}

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let areas = screen::list(body);
    let Some(view) = &state.analysis.stats else {
        render_title(state, None, buf, areas.title);
        let text = format!(
            "Fetching the {} listed traces from {}…",
            crate::app::analysis::listed_to_fetch(state),
            state.source_label
        );
        put(
            buf,
            areas.rows.x + 1,
            areas.rows.y + areas.rows.height / 2,
            areas.rows.width.saturating_sub(2),
            &text,
            theme::muted(),
        );
        return;
    };
    render_title(state, Some(view), buf, areas.title);
    let (columns, label_width) = fitting(body.width);
    render_header(view, &columns, label_width, buf, areas.header);
    if view.rows.is_empty() {
        put(
            buf,
            areas.rows.x + 1,
            areas.rows.y + areas.rows.height / 2,
            areas.rows.width.saturating_sub(2),
            "No spans.",
            theme::muted(),
        );
        return;
    }
    for row in 0..areas.rows.height {
        let position = view.cursor.offset + row as usize;
        let Some(stat) = view.rows.get(position) else {
            break;
        };
        let y = areas.rows.y + row;
        let row_area = Rect::new(areas.rows.x, y, areas.rows.width, 1);
        let selected = position == view.cursor.selected;
        if selected {
            fill(buf, row_area, theme::selected());
        }
        let status = Status::of(stat.faults > 0, stat.errors > 0, stat.throttles > 0);
        let label_style = if status == Status::Ok {
            Style::new()
        } else {
            theme::status(status)
        };
        put(
            buf,
            row_area.x + 1,
            y,
            label_width.saturating_sub(1),
            &stat.label(view.grouping),
            label_style,
        );
        let mut x = row_area.x + label_width + 1;
        for column in &columns {
            let (text, style) = (column.cell)(stat);
            put_right(buf, x, y, column.width, &text, style);
            x += column.width + 1;
        }
        if selected {
            theme::keep_readable_on_selection(buf, row_area);
        }
    }
}

fn render_title(state: &State, view: Option<&StatsView>, buf: &mut Buffer, area: Rect) {
    let mut pieces: Vec<(String, Style)> = vec![(
        " Statistics ".into(),
        theme::title().add_modifier(Modifier::REVERSED),
    )];
    let Some(view) = view else {
        line(
            buf,
            area,
            area.y,
            &[(
                " Statistics ",
                theme::title().add_modifier(Modifier::REVERSED),
            )],
        );
        return;
    };
    let spans: usize = view.rows.iter().map(|r| r.count).sum();
    pieces.push((format!(" by {} ", view.grouping.label()), theme::accent()));
    let of = match view.scope {
        StatsScope::Trace => {
            let id = view.traces.first().map(|t| t.id.as_str()).unwrap_or("");
            format!(" {} rows · {spans} spans of trace {id}", view.rows.len())
        }
        StatsScope::List if view.traces.len() < view.listed => format!(
            " {} rows · {spans} spans of {} of the {} listed traces",
            view.rows.len(),
            view.traces.len(),
            view.listed
        ),
        StatsScope::List => format!(
            " {} rows · {spans} spans of the {} listed traces",
            view.rows.len(),
            view.traces.len()
        ),
    };
    pieces.push((of, theme::title()));
    if view.scope == StatsScope::List
        && let Some(filter) = &state.list.filter
    {
        pieces.push(("  filter ".into(), theme::muted()));
        pieces.push((filter.clone(), theme::search_match()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

fn render_header(
    view: &StatsView,
    columns: &[&Column],
    label_width: u16,
    buf: &mut Buffer,
    area: Rect,
) {
    let arrow = |sort: StatSort| match (sort == view.sort, view.descending) {
        (false, _) => "",
        (true, true) => "▼",
        (true, false) => "▲",
    };
    let title = match view.grouping {
        crate::analytics::span_stats::Grouping::Service => "Service",
        crate::analytics::span_stats::Grouping::Operation => "Operation",
        crate::analytics::span_stats::Grouping::ServiceOperation => "Service · operation",
    };
    put(
        buf,
        area.x + 1,
        area.y,
        label_width.saturating_sub(1),
        &format!("{title}{}", arrow(StatSort::Name)),
        theme::header(),
    );
    let mut x = area.x + label_width + 1;
    for column in columns {
        let style = if column.sort == view.sort {
            theme::header().add_modifier(Modifier::UNDERLINED)
        } else {
            theme::header()
        };
        let title = format!("{}{}", column.title, arrow(column.sort));
        put_right(buf, x, area.y, column.width, &title, style);
        x += column.width + 1;
    }
}
