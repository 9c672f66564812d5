//! The trace list: one row per trace summary; only the visible rows are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::url_pattern;
use crate::app::action::Intent;
use crate::app::columns::Column;
use crate::app::keymap::Context;
use crate::app::state::State;
use crate::layout::columns::{ColumnSpec, fit};
use crate::layout::screen;
use crate::model::{Status, TraceSummary};
use crate::text::count::count;
use crate::text::duration::format_duration;

use super::draw::{fill, line, put, put_right};
use super::format::{clock, date_and_minute, day_and_minute, short_url, url_path, year};
use super::theme;

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// A column as drawn in this frame.
struct Shown<'a> {
    column: &'a Column,
    width: u16,
}

impl Shown<'_> {
    fn align(&self) -> Align {
        match self.column {
            Column::ResponseTime | Column::Duration => Align::Right,
            _ => Align::Left,
        }
    }
}

/// Full X-Ray ids take 35 columns; narrower terminals show their last digits.
const FULL_ID_WIDTH: u16 = 35;
const SHORT_ID_WIDTH: u16 = 11;

/// How much of a start time the Time column shows.
#[derive(Clone, Copy, PartialEq)]
enum Dates {
    /// `HH:MM:SS`: the traces started within a day.
    Clock,
    /// `MM-DD HH:MM`: over days of this year.
    Day,
    /// `YYYY-MM-DD HH:MM`: over years, or in a year that is not this one.
    Year,
}

impl Dates {
    fn of(state: &State) -> Dates {
        let counts = &state.list.counts;
        let year = |epoch: f64| year(epoch, state.utc_offset);
        let last_year = year(counts.last);
        let this_year = state.started_at.and_then(year);
        if last_year.is_some()
            && (year(counts.first) != last_year || this_year.is_some_and(|y| Some(y) != last_year))
        {
            Dates::Year
        } else if counts.spans_days() {
            Dates::Day
        } else {
            Dates::Clock
        }
    }
}

/// What every cell of this frame shares.
struct Cells {
    utc_offset: i32,
    dates: Dates,
    /// The host most visible rows' URLs share: left out of them, named in the header.
    common_host: Option<String>,
}

impl Cells {
    fn of(state: &State, rows: usize) -> Cells {
        let list = &state.list;
        let urls = (list.cursor.offset..list.cursor.offset + rows)
            .filter_map(|p| list.row(p)?.http.url.as_deref())
            .map(|url| (url, 1));
        let common_host = url_pattern::host_of_most(urls).map(str::to_owned);
        Cells {
            utc_offset: state.utc_offset,
            dates: Dates::of(state),
            common_host,
        }
    }
}

/// The configured columns that fit in `width`, with their widths.
fn layout<'a>(state: &'a State, cells: &Cells, rows: usize, width: u16) -> Vec<Shown<'a>> {
    let list = &state.list;
    let visible: Vec<&TraceSummary> = (list.cursor.offset..list.cursor.offset + rows)
        .filter_map(|p| list.row(p))
        .collect();
    let specs: Vec<ColumnSpec> = list
        .columns
        .iter()
        .map(|column| {
            let (min, ideal) = match column {
                Column::Time => match cells.dates {
                    Dates::Clock => (8, 8),
                    Dates::Day => (11, 11),
                    Dates::Year => (16, 16),
                },
                Column::Status | Column::Method => (6, 6),
                Column::ResponseTime | Column::Duration => (8, 8),
                Column::TraceId if width >= 140 => (SHORT_ID_WIDTH, FULL_ID_WIDTH),
                Column::TraceId => (SHORT_ID_WIDTH, SHORT_ID_WIDTH),
                Column::Url => (12, 12),
                _ => {
                    let title = crate::text::width(&column.title()) as u16;
                    let widest = visible
                        .iter()
                        .map(|s| crate::text::width(&cell(column, s, cells, u16::MAX).0) as u16)
                        .max()
                        .unwrap_or(0);
                    let ideal = title.max(widest).clamp(4, 28);
                    (ideal.min(title.max(8)), ideal)
                }
            };
            ColumnSpec {
                min,
                ideal,
                priority: column.priority(),
                flexible: *column == Column::Url,
            }
        })
        .collect();
    fit(&specs, width)
        .into_iter()
        .zip(&list.columns)
        .filter_map(|(width, column)| {
            Some(Shown {
                column,
                width: width?,
            })
        })
        .collect()
}

/// The text of one cell, cut to `width` where the column has its own way of shortening.
fn cell(column: &Column, s: &TraceSummary, cells: &Cells, width: u16) -> (String, Style) {
    match column {
        Column::Time => {
            let time = match cells.dates {
                Dates::Clock => clock(s.start_time, cells.utc_offset),
                Dates::Day => day_and_minute(s.start_time, cells.utc_offset),
                Dates::Year => date_and_minute(s.start_time, cells.utc_offset),
            };
            (time, Style::new())
        }
        Column::Status => status_cell(s),
        Column::Method => (
            s.http.method.as_deref().unwrap_or_default().to_owned(),
            Style::new(),
        ),
        Column::ResponseTime => (
            s.response_time.map(format_duration).unwrap_or_default(),
            Style::new(),
        ),
        Column::Duration => match s.duration {
            Some(d) => (format_duration(d), Style::new()),
            None if s.is_partial => ("…".into(), theme::in_progress()),
            None => (String::new(), Style::new()),
        },
        Column::TraceId => {
            let id = if width >= FULL_ID_WIDTH {
                s.id.clone()
            } else {
                crate::text::fit_end(&s.id, width as usize)
            };
            (id, theme::muted())
        }
        Column::Url => {
            let url = s.http.url.as_deref().map(short_url).unwrap_or("");
            // The shared host is in the header; a URL that still does not fit keeps its path.
            let url = if cells.common_host.as_deref() == Some(url_pattern::host(url))
                || crate::text::width(url) > width as usize
            {
                url_path(url)
            } else {
                url
            };
            let url = if url.is_empty() {
                s.entry_point.as_ref().map_or("", |e| e.name.as_str())
            } else {
                url
            };
            (url.to_owned(), Style::new())
        }
        Column::Service => (
            s.entry_point
                .as_ref()
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            Style::new(),
        ),
        Column::User => (s.users.join(","), Style::new()),
        Column::ClientIp => (
            s.http.client_ip.as_deref().unwrap_or_default().to_owned(),
            theme::muted(),
        ),
        Column::Annotation(key) => {
            let values: Vec<String> = s
                .annotations
                .get(key)
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect();
            (values.join(","), Style::new())
        }
    }
}

fn status_cell(summary: &TraceSummary) -> (String, Style) {
    let status = summary.status();
    let code = summary
        .http
        .status
        .map(|c| c.to_string())
        .unwrap_or_default();
    if summary.is_partial && status == Status::Ok {
        return (format!("… {code}"), theme::in_progress());
    }
    (
        format!("{} {code}", theme::status_mark(status)),
        theme::status(status),
    )
}

/// Beside each trace found by searching all spans (when the screen has room for it).
const FROM_SPANS: &str = " from aws/spans";

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let (histogram, areas, health) = screen::list_with_panels(
        body,
        state.analytics.histogram_shown,
        state.insights.health.is_some(),
    );
    render_title(state, buf, areas.title);
    super::histogram::render(state, buf, histogram);
    if let Some(panel) = &state.insights.health {
        super::health::render(panel, state.utc_offset, buf, health);
    }
    let cells = Cells::of(state, areas.rows.height as usize);
    let tag = if state.list.all_spans && body.width >= 80 {
        FROM_SPANS.len() as u16
    } else {
        0
    };
    let columns = layout(state, &cells, areas.rows.height as usize, body.width - tag);
    render_header(state, &cells, buf, areas.header, &columns);
    render_rows(state, &cells, buf, areas.rows, &columns);
    if tag > 0 {
        let shown = state
            .list
            .order
            .len()
            .saturating_sub(state.list.cursor.offset);
        for row in 0..areas.rows.height.min(shown as u16) {
            let y = areas.rows.y + row;
            let x = areas.rows.x + areas.rows.width - tag;
            put(buf, x, y, tag, FROM_SPANS, theme::muted());
        }
    }
}

fn render_title(state: &State, buf: &mut Buffer, area: Rect) {
    let list = &state.list;
    let counts = &list.counts;
    let total = match (&list.filter, list.processed) {
        (Some(_), Some(processed)) => {
            format!(" {} of {}", list.order.len(), count(processed, "trace"))
        }
        _ => format!(" {}", count(list.order.len(), "trace")),
    };
    let mut pieces: Vec<(String, Style)> = vec![
        (
            " Traces ".into(),
            theme::title().add_modifier(Modifier::REVERSED),
        ),
        (format!(" {} ", state.source_label), theme::accent()),
        (total, theme::title()),
    ];
    if state.range != crate::source::TimeRange::All {
        pieces.push((format!(" · {}", state.range.label()), theme::muted()));
    }
    if let Some(group) = &state.group {
        pieces.push((format!(" · group {group}"), theme::muted()));
    }
    if let Some(search) = list.span_search.as_ref().filter(|s| s.matching.is_some()) {
        pieces.push((
            format!(
                " · with a span matching {} (of {} searched)",
                search.query, search.searched
            ),
            theme::accent(),
        ));
    }
    match (&list.scope, list.all_spans) {
        (Some(scope), _) => pieces.push((format!(" · {scope}"), theme::accent())),
        (None, true) => pieces.push((" · all spans in aws/spans".into(), theme::accent())),
        (None, false) => {}
    }
    // The filter and the time range always show: the counts shorten, then go, to make room.
    let mut filter: Vec<(String, Style)> = Vec::new();
    if let Some(only) = &list.only {
        let label = crate::text::fit(&crate::text::clean(&only.label), 24);
        filter.push(("  only group ".into(), theme::muted()));
        filter.push((label, theme::search_match()));
    }
    if let Some(narrowed) = &list.narrowed {
        filter.push(("  only those through ".into(), theme::muted()));
        filter.push((narrowed.label.clone(), theme::search_match()));
        filter.push((
            format!(
                " ({} lists all)",
                state.key_label(Context::List, Intent::ClearFilter)
            ),
            theme::muted(),
        ));
    }
    if let Some(text) = &list.filter {
        filter.push(("  filter ".into(), theme::muted()));
        filter.push((text.clone(), theme::search_match()));
    }
    let used: usize = pieces
        .iter()
        .chain(&filter)
        .map(|(text, _)| crate::text::width(text))
        .sum();
    let room = usize::from(area.width).saturating_sub(used);
    let long = count_pieces(counts, false);
    let short = count_pieces(counts, true);
    let width = |p: &[(String, Style)]| p.iter().map(|(t, _)| crate::text::width(t)).sum::<usize>();
    if width(&long) <= room {
        pieces.extend(long);
    } else if width(&short) <= room {
        pieces.extend(short);
    }
    pieces.extend(filter);
    if state.live.paused {
        pieces.push((
            format!(
                "  ❚❚ paused · {} new ({} resumes)",
                state.live.new_while_paused(),
                state.key_label(Context::Global, Intent::TogglePause)
            ),
            theme::error(),
        ));
    } else if state.live.latest_generation > 0 || state.follow {
        pieces.push(("  ● live".into(), theme::accent()));
    }
    if list.new_above > 0 {
        pieces.push((format!("  ↑ {} new", list.new_above), theme::accent()));
    }
    if list.loading {
        pieces.push(("  loading…".into(), theme::muted()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

/// The title's counts of failing and unfinished traces, in words or (`short`) abbreviated.
fn count_pieces(counts: &crate::app::state::Counts, short: bool) -> Vec<(String, Style)> {
    let mut pieces = Vec::new();
    for (count, label, letter, style) in [
        (counts.faults, "fault", "flt", theme::status(Status::Fault)),
        (counts.errors, "error", "err", theme::status(Status::Error)),
        (
            counts.throttles,
            "throttle",
            "thr",
            theme::status(Status::Throttle),
        ),
        (
            counts.in_progress,
            "in progress",
            "run",
            theme::in_progress(),
        ),
    ] {
        if count > 0 {
            let (separator, text) = if short {
                (" ", format!("{count} {letter}"))
            } else {
                let words = if label == "in progress" {
                    format!("{count} {label}")
                } else {
                    crate::text::count::count(count, label)
                };
                (" · ", words)
            };
            pieces.push((separator.to_owned(), theme::muted()));
            pieces.push((text, style));
        }
    }
    pieces
}

fn render_header(state: &State, cells: &Cells, buf: &mut Buffer, area: Rect, columns: &[Shown]) {
    let mut x = area.x;
    for shown in columns {
        let column = shown.column;
        let arrow = if column.sort() == Some(state.list.sort) {
            if state.list.descending { "▼" } else { "▲" }
        } else {
            ""
        };
        let mut title = format!("{}{arrow}", column.title());
        // `--ascii` draws the arrow as a letter: apart from the title where there is room.
        if state.ascii && !arrow.is_empty() && crate::text::width(&title) < usize::from(shown.width)
        {
            title = format!("{} {arrow}", column.title());
        }
        // The sort direction outlives truncation: the title gives way, the arrow stays.
        if !arrow.is_empty() && crate::text::width(&title) > usize::from(shown.width) {
            let room = usize::from(shown.width).saturating_sub(crate::text::width(arrow));
            title = format!("{}{arrow}", crate::text::fit(&column.title(), room));
        }
        if *column == Column::Url
            && let Some(host) = &cells.common_host
        {
            title.push_str(&format!("  on {host}"));
        }
        match shown.align() {
            Align::Left => {
                put(buf, x, area.y, shown.width, &title, theme::header());
            }
            Align::Right => put_right(buf, x, area.y, shown.width, &title, theme::header()),
        }
        x += shown.width + 1;
    }
}

fn render_rows(state: &State, cells: &Cells, buf: &mut Buffer, area: Rect, columns: &[Shown]) {
    let list = &state.list;
    if list.order.is_empty() {
        let text = match (&list.error, list.loading) {
            (Some(error), _) => format!("Could not load traces: {error}"),
            (None, true) => format!("Loading traces from {}…", state.source_label),
            (None, false) if state.range != crate::source::TimeRange::All => {
                let widen = state.key_label(Context::List, Intent::ChangeTimeRange);
                let range = state.range.label();
                match &list.filter {
                    Some(_) => format!(
                        "No trace in the {range} matches the filter: {widen} widens the time range, {} edits the filter.",
                        state.key_label(Context::List, Intent::Filter)
                    ),
                    None => format!("No trace in the {range}: {widen} widens the time range."),
                }
            }
            (None, false) if list.filter.is_some() => {
                format!(
                    "No trace matches the filter: {} edits it, {} clears it.",
                    state.key_label(Context::List, Intent::Filter),
                    state.key_label(Context::List, Intent::ClearFilter)
                )
            }
            (None, false) => match &state.live.empty_hint {
                Some(hint) => hint.clone(),
                None => format!("No traces in {}.", state.source_label),
            },
        };
        let style = if list.error.is_some() {
            theme::error()
        } else {
            theme::muted()
        };
        let width = area.width.saturating_sub(2) as usize;
        let lines: Vec<String> = text
            .lines()
            .flat_map(|line| crate::text::wrap(line, width))
            .collect();
        for (row, line) in lines.iter().enumerate() {
            let y = area.y + area.height / 2 + row as u16;
            if y < area.y + area.height {
                put(
                    buf,
                    area.x + 1,
                    y,
                    area.width.saturating_sub(2),
                    line,
                    style,
                );
            }
        }
        return;
    }
    for row in 0..area.height {
        let position = list.cursor.offset + row as usize;
        let Some(summary) = list.row(position) else {
            break;
        };
        let y = area.y + row;
        let selected = position == list.cursor.selected;
        if selected {
            fill(buf, Rect::new(area.x, y, area.width, 1), theme::selected());
        }
        let mut x = area.x;
        for shown in columns {
            let (content, style) = cell(shown.column, summary, cells, shown.width);
            match shown.align() {
                Align::Left => {
                    put(buf, x, y, shown.width, &content, style);
                }
                Align::Right => put_right(buf, x, y, shown.width, &content, style),
            }
            x += shown.width + 1;
        }
        if selected {
            theme::keep_readable_on_selection(buf, Rect::new(area.x, y, area.width, 1));
        }
    }
}
