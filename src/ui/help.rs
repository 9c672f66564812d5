//! The help popup, made from the key bindings, and the loading-problems popup.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use crate::app::keymap::{BINDINGS, Context};
use crate::app::state::State;

use super::draw::put;
use super::theme;

pub fn render_help(buf: &mut Buffer, area: Rect) {
    let mut lines: Vec<(String, String, bool)> = Vec::new();
    for context in [Context::List, Context::Trace, Context::Global] {
        if !lines.is_empty() {
            lines.push((String::new(), String::new(), false));
        }
        lines.push((context.title().to_owned(), String::new(), true));
        for binding in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = binding.keys.iter().map(|k| k.label()).collect();
            lines.push((keys.join(" "), binding.description.to_owned(), false));
        }
    }
    let key_width = lines
        .iter()
        .filter(|l| !l.2)
        .map(|l| crate::text::width(&l.0))
        .max()
        .unwrap_or(0) as u16;
    let desc_width = lines
        .iter()
        .map(|l| crate::text::width(&l.1))
        .max()
        .unwrap_or(0) as u16;
    let inner = popup(
        buf,
        area,
        key_width + desc_width + 3,
        lines.len() as u16,
        "Keys  (any key closes)",
    );
    for (row, (keys, description, heading)) in lines.iter().enumerate() {
        let y = inner.y + row as u16;
        if y >= inner.y + inner.height {
            break;
        }
        if *heading {
            put(buf, inner.x, y, inner.width, keys, theme::header());
            continue;
        }
        put(buf, inner.x + 1, y, key_width, keys, theme::key());
        put(
            buf,
            inner.x + key_width + 3,
            y,
            inner.width.saturating_sub(key_width + 3),
            description,
            Style::new(),
        );
    }
}

pub fn render_problems(state: &State, buf: &mut Buffer, area: Rect) {
    let width = state
        .problems
        .iter()
        .map(|p| crate::text::width(&crate::text::clean(p)))
        .max()
        .unwrap_or(0) as u16;
    let title = format!(
        "{} problems while loading  (! closes)",
        state.problems.len()
    );
    let inner = popup(
        buf,
        area,
        width.max(40),
        state.problems.len() as u16,
        &title,
    );
    for (row, problem) in state
        .problems
        .iter()
        .enumerate()
        .take(inner.height as usize)
    {
        put(
            buf,
            inner.x,
            inner.y + row as u16,
            inner.width,
            problem,
            theme::error(),
        );
    }
}

/// Draws a centred, bordered popup for content of this size; returns its inner area.
fn popup(buf: &mut Buffer, area: Rect, width: u16, height: u16, title: &str) -> Rect {
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
