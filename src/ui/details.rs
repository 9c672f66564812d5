//! The details pane: tabs for the selected span, its lines wrapped to the pane.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::app::details::{DetailLine, Tab, tab_bar};
use crate::app::state::TraceView;
use crate::model::Trace;
use crate::text;

use super::draw::put;
use super::theme;

/// Labels wider than this are cut so values keep their room.
const MAX_LABEL: usize = 18;

pub fn render(view: &TraceView, trace: &Trace, buf: &mut Buffer, area: Rect) {
    if area.height == 0 || area.width < 10 {
        return;
    }
    let Some(span) = trace.spans.get(view.selected) else {
        return;
    };
    let tabs = Rect {
        width: area.width.saturating_sub(8),
        ..area
    };
    buf.set_stringn(
        area.x,
        area.y,
        "─".repeat(area.width as usize),
        area.width as usize,
        theme::muted(),
    );
    render_tabs(view.tab, |tab| tab.has_content(span), buf, tabs);
    let body = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height - 1,
    };
    let lines = layout_lines(&view.details, body.width as usize);
    let scroll = view.details_scroll.min(lines.len().saturating_sub(1));
    for (row, (content, style)) in lines
        .iter()
        .skip(scroll)
        .take(body.height as usize)
        .enumerate()
    {
        put(
            buf,
            body.x,
            body.y + row as u16,
            body.width,
            content,
            *style,
        );
    }
    let below = lines.len().saturating_sub(scroll + body.height as usize);
    let more = match (scroll, below) {
        (0, 0) => String::new(),
        (_, 0) => " ↑ K ".to_owned(),
        (_, n) => format!(" ↓{n} J "),
    };
    let width = text::width(&more) as u16;
    if width > 0 && area.width > width + 60 {
        put(
            buf,
            area.x + area.width - width,
            area.y,
            width,
            &more,
            theme::accent(),
        );
    }
}

/// The tab bar on the pane's top line: the current tab reversed, empty tabs dimmed.
fn render_tabs(current: Tab, has_content: impl Fn(Tab) -> bool, buf: &mut Buffer, area: Rect) {
    let end = area.x + area.width;
    for (tab, offset, title) in tab_bar(area.width + 8) {
        let style = if tab == current {
            theme::header().add_modifier(Modifier::REVERSED)
        } else if has_content(tab) {
            Style::new()
        } else {
            theme::muted()
        };
        let x = area.x + offset;
        put(
            buf,
            x,
            area.y,
            end.saturating_sub(x),
            &format!(" {title} "),
            style,
        );
    }
}

/// Wraps the detail lines to `width` columns, with the style of each display line.
fn layout_lines(lines: &[DetailLine], width: usize) -> Vec<(String, Style)> {
    let label_width = lines
        .iter()
        .filter_map(|l| match l {
            DetailLine::Field(label, _) => Some(text::width(&text::clean(label))),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .min(MAX_LABEL)
        .min(width / 3);
    let mut out = Vec::new();
    for line in lines {
        match line {
            DetailLine::Heading(title) => out.push((title.clone(), theme::header())),
            DetailLine::Field(label, value) => {
                let value_width = width.saturating_sub(label_width + 2).max(1);
                let label = text::fit(label, label_width);
                let pad = label_width.saturating_sub(text::width(&label));
                for (i, part) in text::wrap(value, value_width).into_iter().enumerate() {
                    let head = if i == 0 {
                        format!("{label}{}  ", " ".repeat(pad))
                    } else {
                        " ".repeat(label_width + 2)
                    };
                    out.push((format!("{head}{part}"), Style::new()));
                }
            }
            DetailLine::Text(content) => {
                out.extend(
                    text::wrap(content, width)
                        .into_iter()
                        .map(|l| (l, Style::new())),
                );
            }
            DetailLine::Problem(content) => {
                out.extend(
                    text::wrap(content, width)
                        .into_iter()
                        .map(|l| (l, theme::error())),
                );
            }
            DetailLine::Code(content) => out.push((content.clone(), theme::accent())),
            DetailLine::Blank => out.push((String::new(), Style::new())),
        }
    }
    out
}
