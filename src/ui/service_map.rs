//! The service map: node boxes coloured by health, edges coloured by theirs, and the details
//! of the selected node or edge with its response-time histogram. Only what is in view is
//! drawn; the layout was made off the UI thread.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::insights::HealthPanel;
use crate::app::map::{MapDrawing, MapModel, box_lines, kind_label, type_marker};
use crate::app::state::{MapView, State};
use crate::layout::graph::{NodeBox, Window};
use crate::layout::screen;
use crate::model::Status;
use crate::model::graph::HistogramEntry;
use crate::model::graph_stats::Health;
use crate::text::count::count;
use crate::text::duration::format_duration;

use super::draw::{line, put};
use super::theme;

pub fn render(state: &State, buf: &mut Buffer, body: Rect) {
    let Some(view) = &state.map else { return };
    let areas = screen::map(body);
    render_title(state, view, buf, areas.title);
    let Some(drawing) = view.drawing() else {
        let text = match &view.error {
            Some(error) => error.clone(),
            None => format!("Laying out the map of {}…", state.source_label),
        };
        let style = if view.error.is_some() {
            theme::error()
        } else {
            theme::muted()
        };
        put(
            buf,
            areas.canvas.x + 1,
            areas.canvas.y + areas.canvas.height / 2,
            areas.canvas.width.saturating_sub(2),
            &text,
            style,
        );
        return;
    };
    if drawing.model.nodes.is_empty() {
        let text = format!("No services in {}.", state.source_label);
        put(
            buf,
            areas.canvas.x + 1,
            areas.canvas.y + 1,
            areas.canvas.width.saturating_sub(2),
            &text,
            theme::muted(),
        );
        return;
    }
    let canvas = Canvas {
        area: areas.canvas,
        scroll: view.scroll,
    };
    render_edges(view, drawing, &state.insights.impact_edges, buf, &canvas);
    for (index, node_box) in drawing.layout.nodes.iter().enumerate() {
        if !canvas.shows(node_box) {
            continue;
        }
        render_node(
            drawing,
            index,
            node_box,
            index == view.selected,
            state.ascii,
            buf,
            &canvas,
        );
        let name = &drawing.model.nodes[index].name;
        if state.insights.impact.iter().any(|n| n == name) {
            mark_impacted(node_box, state.ascii, buf, &canvas);
        }
    }
    if areas.details.height > 0 {
        let health = state.insights.map_health.as_ref().map(|h| &h.panel);
        render_details(
            view,
            &drawing.model,
            health,
            state.utc_offset,
            buf,
            areas.details,
        );
    }
}

/// The window of the map's canvas that is on screen.
struct Canvas {
    area: Rect,
    scroll: (u16, u16),
}

impl Canvas {
    /// The canvas cells in view.
    fn window(&self) -> Window {
        Window {
            x: self.scroll.0,
            y: self.scroll.1,
            width: self.area.width,
            height: self.area.height,
        }
    }

    /// Whether any of a box is in view.
    fn shows(&self, node: &NodeBox) -> bool {
        let (sx, sy) = (u32::from(self.scroll.0), u32::from(self.scroll.1));
        let (x, y) = (u32::from(node.x), u32::from(node.y));
        x + u32::from(node.width) > sx
            && y + u32::from(node.height) > sy
            && x < sx + u32::from(self.area.width)
            && y < sy + u32::from(self.area.height)
    }

    /// The screen cell of a canvas cell, when it is in view.
    fn cell(&self, x: u16, y: u16) -> Option<(u16, u16)> {
        let (sx, sy) = self.scroll;
        if x < sx || y < sy {
            return None;
        }
        let (dx, dy) = (x - sx, y - sy);
        (dx < self.area.width && dy < self.area.height)
            .then(|| (self.area.x + dx, self.area.y + dy))
    }

    fn put(&self, buf: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
        if let Some((sx, sy)) = self.cell(x, y) {
            buf.set_stringn(sx, sy, symbol, 1, style);
        }
    }

    /// Text from canvas cell (x, y) on, cut at the canvas's edge and at `width`.
    fn text(&self, buf: &mut Buffer, x: u16, y: u16, width: u16, text: &str, style: Style) {
        let fitted = crate::text::fit(text, width as usize);
        let mut column = x;
        for c in fitted.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) as u16;
            if w == 0 {
                continue;
            }
            if let Some((sx, sy)) = self.cell(column, y)
                && self.cell(column + w - 1, y).is_some()
            {
                buf.set_stringn(sx, sy, c.to_string(), w as usize, style);
            }
            column += w;
        }
    }
}

fn render_title(state: &State, view: &MapView, buf: &mut Buffer, area: Rect) {
    let what = match (&view.trace, &view.filter) {
        (Some(id), _) => format!(" map of trace {} ", crate::text::fit_end(id, 11)),
        (None, Some(filter)) if state.map_follows_filter => {
            format!(
                " map of the traces matching {} ",
                crate::text::fit(filter, 40)
            )
        }
        (None, Some(_)) => format!(
            " service map of {}, every service: X-Ray's map does not follow the filter ",
            state.source_label
        ),
        (None, None) => format!(" service map of {} ", state.source_label),
    };
    let counts = view
        .drawing()
        .map(|d| {
            format!(
                " {} · {}",
                count(d.model.nodes.len(), "node"),
                count(d.model.edges.len(), "edge")
            )
        })
        .unwrap_or_default();
    let faults = view
        .drawing()
        .map(|d| d.model.nodes.iter().filter(|n| n.health.faults > 0).count())
        .unwrap_or(0);
    let faulting = if faults > 0 {
        format!("  {faults} with faults")
    } else {
        String::new()
    };
    let mode = if view.compact { "  compact (z)" } else { "" };
    let mut scope = String::new();
    if let Some((centre, hops)) = &view.scope.focus {
        let whole = view.whole.as_ref().map_or(0, |w| w.nodes.len());
        scope.push_str(&format!("  focus: {} ±{hops} (of {whole})", centre.name));
    }
    if !view.scope.folded.is_empty() {
        let types: Vec<&str> = view
            .scope
            .folded
            .iter()
            .map(|kind| type_marker(kind))
            .collect();
        scope.push_str(&format!("  folded: {}", types.join(", ")));
    }
    let impact = if state.insights.impact.is_empty() {
        ""
    } else if state.ascii {
        "  ! the insight's impact"
    } else {
        "  ⚑ the insight's impact"
    };
    line(
        buf,
        area,
        area.y,
        &[
            (" Map ", theme::title().add_modifier(Modifier::REVERSED)),
            (&what, theme::accent()),
            (&counts, theme::title()),
            (&faulting, theme::status(Status::Fault)),
            (&scope, theme::accent()),
            (mode, theme::muted()),
            (impact, theme::error()),
        ],
    );
}

/// The edges, coloured by their health; those of the insight's impact graph (`impact`, by the
/// names of their ends) bold in the fault colour.
fn render_edges(
    view: &MapView,
    drawing: &MapDrawing,
    impact: &[(String, String)],
    buf: &mut Buffer,
    canvas: &Canvas,
) {
    let model = &drawing.model;
    let impacted: Vec<bool> = model
        .edges
        .iter()
        .map(|edge| {
            let name = |i: usize| model.nodes.get(i).map(|n| n.name.as_str());
            impact
                .iter()
                .any(|(from, to)| name(edge.from) == Some(from) && name(edge.to) == Some(to))
        })
        .collect();
    for cell in drawing.edge_runs.cells(canvas.window(), drawing.ascii) {
        let status = cell
            .edges
            .iter()
            .map(|&e| model.edges[e].health.status())
            .max()
            .unwrap_or_default();
        let mut style = theme::status(status);
        let touches_selection = cell
            .edges
            .iter()
            .any(|&e| model.edges[e].from == view.selected || model.edges[e].to == view.selected);
        if view.edge.is_some_and(|e| cell.edges.contains(&e)) {
            style = theme::accent().add_modifier(Modifier::BOLD);
        } else if cell.edges.iter().any(|&e| impacted[e]) {
            style = theme::status(Status::Fault).add_modifier(Modifier::BOLD);
        } else if !touches_selection && status == Status::Ok {
            style = style.add_modifier(Modifier::DIM);
        }
        canvas.put(
            buf,
            cell.x,
            cell.y,
            cell.symbol.encode_utf8(&mut [0; 4]),
            style,
        );
    }
}

struct Border {
    top_left: &'static str,
    top_right: &'static str,
    bottom_left: &'static str,
    bottom_right: &'static str,
    horizontal: &'static str,
    vertical: &'static str,
}

const ROUNDED: Border = Border {
    top_left: "╭",
    top_right: "╮",
    bottom_left: "╰",
    bottom_right: "╯",
    horizontal: "─",
    vertical: "│",
};

const HEAVY: Border = Border {
    top_left: "┏",
    top_right: "┓",
    bottom_left: "┗",
    bottom_right: "┛",
    horizontal: "━",
    vertical: "┃",
};

const ASCII: Border = Border {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    horizontal: "-",
    vertical: "|",
};

/// A node the narrowed-to insight's failed requests went through: a flag on its top border.
fn mark_impacted(node_box: &NodeBox, ascii: bool, buf: &mut Buffer, canvas: &Canvas) {
    if node_box.width < 4 || node_box.height < 2 {
        return;
    }
    let flag = if ascii { "!" } else { "⚑" };
    canvas.put(buf, node_box.x + 1, node_box.y, flag, theme::error());
}

fn render_node(
    drawing: &MapDrawing,
    index: usize,
    node_box: &NodeBox,
    selected: bool,
    ascii: bool,
    buf: &mut Buffer,
    canvas: &Canvas,
) {
    let node = &drawing.model.nodes[index];
    let (x, y, w, h) = (node_box.x, node_box.y, node_box.width, node_box.height);
    if w < 2 || h < 2 {
        return;
    }
    let status = node.health.status();
    let border_style = if selected {
        theme::status(status).add_modifier(Modifier::BOLD)
    } else {
        theme::status(status)
    };
    let border = match (ascii, selected) {
        (true, _) => &ASCII,
        (false, true) => &HEAVY,
        (false, false) => &ROUNDED,
    };
    // Clear the inside, so nothing drawn earlier shows through.
    for row in y..y + h {
        for column in x..x + w {
            canvas.put(buf, column, row, " ", Style::new());
        }
    }
    for column in x + 1..x + w - 1 {
        canvas.put(buf, column, y, border.horizontal, border_style);
    }
    render_health_bar(
        &node.health,
        x,
        y + h - 1,
        w,
        border,
        border_style,
        ascii,
        buf,
        canvas,
    );
    for row in y + 1..y + h - 1 {
        canvas.put(buf, x, row, border.vertical, border_style);
        canvas.put(buf, x + w - 1, row, border.vertical, border_style);
    }
    canvas.put(buf, x, y, border.top_left, border_style);
    canvas.put(buf, x + w - 1, y, border.top_right, border_style);
    canvas.put(buf, x, y + h - 1, border.bottom_left, border_style);
    canvas.put(buf, x + w - 1, y + h - 1, border.bottom_right, border_style);
    for (row, text) in box_lines(node, drawing.compact).iter().enumerate() {
        let style = match row {
            0 if selected => theme::title().add_modifier(Modifier::REVERSED),
            0 => theme::title(),
            1 => theme::muted(),
            _ if status != Status::Ok => theme::status(status),
            _ => Style::new(),
        };
        canvas.text(
            buf,
            x + 2,
            y + 1 + row as u16,
            w.saturating_sub(4),
            text,
            style,
        );
    }
}

/// The bottom border shows the split of ok, error, throttle and fault, in their colours.
#[allow(clippy::too_many_arguments)]
fn render_health_bar(
    health: &Health,
    x: u16,
    y: u16,
    w: u16,
    border: &Border,
    style: Style,
    ascii: bool,
    buf: &mut Buffer,
    canvas: &Canvas,
) {
    let inner = w.saturating_sub(2);
    if health.requests == 0 || inner == 0 || health.status() == Status::Ok {
        for column in x + 1..x + w - 1 {
            canvas.put(buf, column, y, border.horizontal, style);
        }
        return;
    }
    let shares = [
        (health.faults, Status::Fault),
        (health.throttles, Status::Throttle),
        (health.errors, Status::Error),
    ];
    let mut column = x + 1;
    let end = x + 1 + inner;
    let symbol = if ascii { "=" } else { "━" };
    for (count, status) in shares {
        if count == 0 {
            continue;
        }
        let cells = ((count as f64 / health.requests as f64) * inner as f64)
            .ceil()
            .max(1.0) as u16;
        for _ in 0..cells.min(end - column) {
            canvas.put(buf, column, y, symbol, theme::status(status));
            column += 1;
        }
    }
    while column < end {
        canvas.put(buf, column, y, symbol, theme::status(Status::Ok));
        column += 1;
    }
}

fn render_details(
    view: &MapView,
    model: &MapModel,
    sparklines: Option<&HealthPanel>,
    utc_offset: i32,
    buf: &mut Buffer,
    area: Rect,
) {
    let rule = "─".repeat(area.width as usize);
    if area.y > 0 && area.x == 0 {
        buf.set_stringn(area.x, area.y, &rule, area.width as usize, theme::muted());
    } else {
        for y in area.y..area.y + area.height {
            buf.set_stringn(area.x.saturating_sub(1), y, "│", 1, theme::muted());
        }
    }
    let inner = Rect {
        x: area.x + 1,
        y: area.y + u16::from(area.x == 0),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(u16::from(area.x == 0)),
    };
    let Some(node) = model.nodes.get(view.selected) else {
        return;
    };
    let (title, kind, health, histogram) = match view.edge.and_then(|e| model.edges.get(e)) {
        Some(edge) => (
            format!(
                "{} → {}",
                model.nodes[edge.from].name, model.nodes[edge.to].name
            ),
            "edge".to_owned(),
            edge.health,
            &edge.histogram,
        ),
        None => (
            node.name.clone(),
            kind_label(&node.kind),
            node.health,
            &node.histogram,
        ),
    };
    let mut rows: Vec<(String, Style)> = vec![(title, theme::title()), (kind, theme::muted())];
    let percent = |n: i64| {
        if health.requests > 0 {
            n as f64 * 100.0 / health.requests as f64
        } else {
            0.0
        }
    };
    rows.push((
        format!(
            "{}{}",
            count(health.requests, "request"),
            health
                .per_minute
                .map(|m| format!(", {m:.1}/min"))
                .unwrap_or_default()
        ),
        Style::new(),
    ));
    for (label, count, status) in [
        ("ok", health.ok, Status::Ok),
        ("error", health.errors, Status::Error),
        ("throttle", health.throttles, Status::Throttle),
        ("fault", health.faults, Status::Fault),
    ] {
        rows.push((
            format!(
                "{} {label:<9}{count:>7}  {:5.1}%",
                theme::status_mark(status),
                percent(count)
            ),
            theme::status(status),
        ));
    }
    let time = |t: Option<f64>| t.map(format_duration).unwrap_or_else(|| "–".into());
    rows.push((
        format!(
            "avg {}  p50 {}  p90 {}  p99 {}",
            time(health.average),
            time(health.p50),
            time(health.p90),
            time(health.p99)
        ),
        Style::new(),
    ));
    rows.push((String::new(), Style::new()));
    let health_rows = match sparklines {
        Some(panel) if inner.height as usize >= rows.len() + 8 => {
            let area = Rect {
                y: inner.y + rows.len() as u16,
                height: 7,
                ..inner
            };
            super::health::render(panel, utc_offset, buf, area);
            8
        }
        _ => 0,
    };
    for _ in 0..health_rows {
        rows.push((String::new(), Style::new()));
    }
    let chart_rows = (inner.height as usize)
        .saturating_sub(rows.len() + 1)
        .min(8);
    if chart_rows >= 2 {
        rows.push(("response times".into(), theme::header()));
        rows.extend(
            histogram_rows(histogram, chart_rows, inner.width as usize)
                .into_iter()
                .map(|r| (r, theme::accent())),
        );
    }
    for (row, (text, style)) in rows.iter().enumerate().take(inner.height as usize) {
        if text.is_empty() {
            continue;
        }
        put(
            buf,
            inner.x,
            inner.y + row as u16,
            inner.width,
            text,
            *style,
        );
    }
}

/// A horizontal bar chart of the histogram in `bins` log-scaled bins: `≤ 12ms  ████ 34`.
fn histogram_rows(histogram: &[HistogramEntry], bins: usize, width: usize) -> Vec<String> {
    let values: Vec<(f64, i64)> = histogram
        .iter()
        .filter(|e| e.count > 0 && e.value > 0.0)
        .map(|e| (e.value, e.count))
        .collect();
    if values.is_empty() || bins == 0 {
        return vec!["no response times".into()];
    }
    let low = values.iter().map(|v| v.0).fold(f64::MAX, f64::min).log10();
    let high = values.iter().map(|v| v.0).fold(f64::MIN, f64::max).log10();
    // Never more bins than distinct values: one value is one bar.
    let mut distinct: Vec<f64> = values.iter().map(|v| v.0).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let bins = bins.min(distinct.len());
    let step = ((high - low) / bins as f64).max(1e-9);
    let mut counts = vec![0i64; bins];
    for (value, count) in &values {
        let bin = (((value.log10() - low) / step) as usize).min(bins - 1);
        counts[bin] += count;
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1);
    let label_width = 9;
    let bar_room = width.saturating_sub(label_width + 8).max(1);
    counts
        .iter()
        .enumerate()
        .map(|(bin, &count)| {
            let upper = 10f64.powf(low + step * (bin + 1) as f64);
            let bar = "█".repeat(((count as f64 / most as f64) * bar_room as f64).round() as usize);
            format!("≤{:>7} {bar} {count}", format_duration(upper))
        })
        .collect()
}
