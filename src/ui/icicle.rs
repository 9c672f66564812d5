//! Icicles: the open trace's (in place of the waterfall's rows) and the listed traces' merged
//! by path. A frame is as wide as its share of the time, coloured by status; its self time
//! (the columns with no child under them) is shaded `░`. Only the rows on screen are drawn,
//! from frames laid out beforehand.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::analytics::icicle::step_text;
use crate::app::action::Intent;
use crate::app::analysis::{FlameView, IcicleView};
use crate::app::keymap::Context;
use crate::app::state::{State, TraceView};
use crate::layout::screen;
use crate::model::{Status, Trace};
use crate::text::duration::format_duration;

use super::draw::{line, put};
use super::group_by::percent;
use super::theme;

/// A frame's solid part: its status colour in reverse video (the selected one on the
/// selection's background), so only the palette's colours are used.
fn frame_style(status: Status, selected: bool) -> Style {
    let palette = theme::active();
    match (palette.monochrome, selected) {
        (true, true) => theme::status(status).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        (true, false) => theme::status(status).add_modifier(Modifier::REVERSED),
        (false, true) => Style::new()
            .fg(theme::status_color(status))
            .bg(palette.selection)
            .add_modifier(Modifier::BOLD),
        (false, false) => Style::new()
            .fg(theme::status_color(status))
            .add_modifier(Modifier::REVERSED),
    }
}

/// A frame's self time: shaded in its colour.
fn self_style(status: Status, selected: bool) -> Style {
    let style = theme::status(status);
    if selected {
        style.patch(theme::selected())
    } else {
        style
    }
}

/// Draws the frames of the rows shown; `label` and `status` tell a node's name and colour.
fn draw_frames(
    buf: &mut Buffer,
    area: Rect,
    icicle: &IcicleView,
    selected: u32,
    label: &dyn Fn(u32) -> String,
    status: &dyn Fn(u32) -> Status,
) {
    for screen_row in 0..area.height {
        let row = icicle.offset + screen_row as usize;
        let y = area.y + screen_row;
        for frame in icicle.layout.row(row) {
            if frame.x >= area.width {
                continue;
            }
            let width = frame.width.min(area.width - frame.x);
            let is_selected = frame.node == selected;
            let status = status(frame.node);
            let solid = frame_style(status, is_selected);
            let shade = self_style(status, is_selected);
            let solid_width = width.saturating_sub(frame.self_cells.min(width));
            let x = area.x + frame.x;
            for column in 0..width {
                let cell = &mut buf[(x + column, y)];
                if column < solid_width {
                    cell.set_symbol(" ").set_style(solid);
                } else {
                    cell.set_symbol("░").set_style(shade);
                }
            }
            if width >= 2 {
                buf[(x, y)].set_symbol("▏");
            }
            if width >= 3 {
                let text = label(frame.node);
                let room = width - 1;
                let fitted = crate::text::fit(&text, room as usize);
                // The label keeps the frame's colours over solid and shaded cells alike.
                buf.set_stringn(x + 1, y, &fitted, room as usize, solid);
            }
        }
    }
}

/// The breadcrumb: the roots zoomed into, and the key back out.
fn draw_breadcrumb(
    state: &State,
    buf: &mut Buffer,
    area: Rect,
    icicle: &IcicleView,
    first: &str,
    name: &dyn Fn(u32) -> String,
    context: Context,
) {
    let mut pieces: Vec<(String, Style)> = vec![(format!(" {first}"), theme::header())];
    for &node in &icicle.zoom {
        pieces.push((" > ".into(), theme::muted()));
        pieces.push((name(node), theme::title()));
    }
    let back = state.key_label(context, Intent::Close);
    let zoom = state.key_label(context, Intent::Open);
    let hint = if icicle.zoom.is_empty() {
        format!("   {zoom} zooms in · ░ self time")
    } else {
        format!("   {back} zooms out · ░ self time")
    };
    pieces.push((hint, theme::muted()));
    if icicle.offset > 0 {
        pieces.push((format!("  ↑ {} rows above", icicle.offset), theme::muted()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

/// The open trace's icicle, in the waterfall's axis line (breadcrumb) and rows.
pub fn render_trace(
    state: &State,
    view: &TraceView,
    trace: &Trace,
    icicle: &IcicleView,
    buf: &mut Buffer,
    axis: Rect,
    rows: Rect,
) {
    let name = |node: u32| -> String {
        match node.checked_sub(1) {
            Some(span) => trace
                .spans
                .get(span as usize)
                .map_or(String::new(), |s| s.name().to_owned()),
            None => "whole trace".to_owned(),
        }
    };
    let label = |node: u32| -> String {
        let Some(info) = icicle.nodes.get(node as usize) else {
            return String::new();
        };
        format!("{} {}", name(node), format_duration(info.value))
    };
    let status = |node: u32| -> Status {
        match node.checked_sub(1) {
            Some(span) => trace
                .spans
                .get(span as usize)
                .map_or(Status::Ok, |s| s.status()),
            None => trace.status(),
        }
    };
    draw_breadcrumb(state, buf, axis, icicle, "Icicle", &name, Context::Icicle);
    draw_frames(buf, rows, icicle, view.selected as u32 + 1, &label, &status);
}

/// The listed traces' icicle, merged by path.
pub fn render_flame(state: &State, buf: &mut Buffer, body: Rect) {
    let areas = screen::flame(body);
    let title = theme::title().add_modifier(Modifier::REVERSED);
    let Some(view) = &state.analysis.flame else {
        line(buf, areas.title, areas.title.y, &[(" Icicle ", title)]);
        let text = format!(
            "Fetching the {} listed traces from {}…",
            crate::app::analysis::listed_to_fetch(state),
            state.source_label
        );
        put(
            buf,
            areas.frames.x + 1,
            areas.frames.y + areas.frames.height / 2,
            areas.frames.width.saturating_sub(2),
            &text,
            theme::muted(),
        );
        return;
    };
    let aggregate = &view.aggregate;
    let included = aggregate.trace_ids.len();
    let of = if included < view.listed {
        format!(
            " {included} of the {} listed traces, merged by path",
            view.listed
        )
    } else {
        format!(" the {included} listed traces, merged by path")
    };
    let mut pieces = vec![(" Icicle ".to_owned(), title), (of, theme::title())];
    if let Some(filter) = &state.list.filter {
        pieces.push(("  filter ".into(), theme::muted()));
        pieces.push((filter.clone(), theme::search_match()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, areas.title, areas.title.y, &borrowed);
    let name = |node: u32| -> String {
        aggregate
            .paths
            .get(node as usize)
            .map_or(String::new(), step_text)
    };
    let label = |node: u32| -> String {
        let Some(info) = aggregate.nodes.get(node as usize) else {
            return String::new();
        };
        format!("{} {}", name(node), format_duration(info.value))
    };
    let status = |node: u32| -> Status {
        aggregate
            .paths
            .get(node as usize)
            .map_or(Status::Ok, |p| p.status())
    };
    draw_breadcrumb(
        state,
        buf,
        areas.breadcrumb,
        &view.icicle,
        "All",
        &name,
        Context::Icicle,
    );
    draw_frames(
        buf,
        areas.frames,
        &view.icicle,
        view.selected,
        &label,
        &status,
    );
    render_flame_footer(state, view, buf, areas.footer);
}

/// The selected frame's figures, and what Enter does with it.
fn render_flame_footer(state: &State, view: &FlameView, buf: &mut Buffer, area: Rect) {
    let aggregate = &view.aggregate;
    let node = view.selected as usize;
    let (Some(path), Some(info)) = (aggregate.paths.get(node), aggregate.nodes.get(node)) else {
        return;
    };
    let root = aggregate.nodes.first().map_or(0.0, |n| n.value);
    let share = if root > 0.0 { info.value / root } else { 0.0 };
    let text = if node == 0 {
        path.operation.clone()
    } else {
        aggregate.path_text(node)
    };
    let mut pieces: Vec<(String, Style)> = vec![
        (" ".into(), Style::new()),
        (text, theme::title()),
        (
            format!(
                "  {} · {} of the time · self {} · {} spans in {} traces",
                format_duration(info.value),
                percent(share),
                format_duration(info.self_value),
                path.count,
                path.traces.len()
            ),
            theme::muted(),
        ),
    ];
    for (count, status, word) in [
        (path.faults, Status::Fault, "faults"),
        (path.errors, Status::Error, "errors"),
        (path.throttles, Status::Throttle, "throttles"),
    ] {
        if count > 0 {
            pieces.push((format!(" · {count} {word}"), theme::status(status)));
        }
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
    if area.height >= 2 {
        let open = state.key_label(Context::Icicle, Intent::Open);
        let zoom = state.key_label(Context::Icicle, Intent::ZoomIn);
        let traces = path.traces.len();
        put(
            buf,
            area.x + 1,
            area.y + 1,
            area.width.saturating_sub(2),
            &format!(
                "{open} lists its {traces} traces (narrowed by id: no filter can) · {zoom} zooms in"
            ),
            theme::muted(),
        );
    }
}
