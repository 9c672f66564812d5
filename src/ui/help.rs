//! The help popup, made from the key bindings, and the loading-problems popup.

use crate::text::count::count;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use crate::app::action::Intent;
use crate::app::help;
use crate::app::keymap::Context;
use crate::app::state::State;
use crate::app::update::screen_context;

use super::draw::put;
use super::theme;

/// The help: every binding from the key map, in two columns when the screen is wide enough,
/// scrolled by `scroll` lines when it is not tall enough.
pub fn render_help(state: &State, scroll: usize, buf: &mut Buffer, area: Rect) {
    let page = help::page(
        &state.keymap,
        screen_context(state.screen),
        area.width,
        state.ascii,
    );
    let (key_width, column_width) = (page.key_width, page.column_width);
    let columns = &page.columns;
    let height = page.height() as u16;
    let title = format!(
        "Keys  ({}/{} scroll, any other key closes)",
        state.key_label(Context::Global, Intent::Down),
        state.key_label(Context::Global, Intent::Up)
    );
    let inner = popup(buf, area, page.width(), height, &title);
    let scroll = scroll.min((height as usize).saturating_sub(inner.height as usize));
    for (c, column) in columns.iter().enumerate() {
        let x = inner.x + c as u16 * (column_width + 2);
        let right = (inner.x + inner.width).saturating_sub(x);
        for (row, line) in column
            .iter()
            .skip(scroll)
            .take(inner.height as usize)
            .enumerate()
        {
            let y = inner.y + row as u16;
            if line.heading {
                put(buf, x, y, right, &line.keys, theme::header());
                continue;
            }
            put(
                buf,
                x + 1,
                y,
                key_width.min(right),
                &line.keys,
                theme::key(),
            );
            put(
                buf,
                x + key_width + 3,
                y,
                right.saturating_sub(key_width + 3),
                &line.description,
                Style::new(),
            );
        }
    }
    let below = (height as usize).saturating_sub(scroll + inner.height as usize);
    if below > 0 {
        let more = format!(" ↓ {below} more ");
        put(
            buf,
            inner.x + inner.width.saturating_sub(12),
            inner.y + inner.height,
            12,
            &more,
            theme::accent(),
        );
    }
}

pub fn render_problems(state: &State, buf: &mut Buffer, area: Rect) {
    let problems: Vec<&String> = state.problems.iter().chain(&state.live.problems).collect();
    let width = problems
        .iter()
        .map(|p| crate::text::width(&crate::text::clean(p)))
        .max()
        .unwrap_or(0) as u16;
    let title = match (state.problems.len(), state.live.problems.len()) {
        (n, 0) => format!("{} while loading", count(n, "problem")),
        (0, 1) => "the latest problem".to_owned(),
        (0, n) => format!("the {n} latest problems"),
        (_, _) => count(problems.len(), "problem"),
    };
    let title = format!(
        "{title}  ({} closes)",
        state.key_label(Context::Global, Intent::ToggleProblems)
    );
    // Long problems wrap rather than lose their end (where a file's message says what to do).
    let text_width = width.max(40).min(area.width.saturating_sub(4));
    let lines: Vec<String> = problems
        .iter()
        .flat_map(|p| crate::text::wrap(p, text_width as usize))
        .collect();
    let inner = popup(buf, area, text_width, lines.len() as u16, &title);
    for (row, line) in lines.iter().enumerate().take(inner.height as usize) {
        put(
            buf,
            inner.x,
            inner.y + row as u16,
            inner.width,
            line,
            theme::error(),
        );
    }
}

/// Draws a centred, bordered popup for content of this size; returns its inner area.
pub fn popup(buf: &mut Buffer, area: Rect, width: u16, height: u16, title: &str) -> Rect {
    let width = (width + 4).min(area.width);
    let height = (height + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::accent())
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    block.render(rect, buf);
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    }
}
