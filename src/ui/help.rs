//! The help popup, made from the key bindings, and the loading-problems popup.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use crate::app::keymap::Context;
use crate::app::state::State;

use super::draw::put;
use super::theme;

/// One line of the help: keys and what they do, or a section heading.
struct HelpLine {
    keys: String,
    description: String,
    heading: bool,
}

/// Sections one after another, a blank line between them.
fn joined(sections: impl IntoIterator<Item = Vec<HelpLine>>) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    for section in sections {
        if !lines.is_empty() {
            lines.push(blank());
        }
        lines.extend(section);
    }
    lines
}

fn blank() -> HelpLine {
    HelpLine {
        keys: String::new(),
        description: String::new(),
        heading: false,
    }
}

fn section(state: &State, context: Context) -> Vec<HelpLine> {
    let mut lines = vec![HelpLine {
        keys: context.title().to_owned(),
        description: String::new(),
        heading: true,
    }];
    for binding in state
        .keymap
        .bindings()
        .iter()
        .filter(|b| b.context == context)
    {
        let keys: Vec<String> = binding
            .keys
            .iter()
            .map(|k| match state.ascii {
                true => super::ascii::key_label(&k.label()),
                false => k.label(),
            })
            .collect();
        lines.push(HelpLine {
            keys: if keys.is_empty() {
                "(no key)".to_owned()
            } else {
                keys.join(" ")
            },
            description: binding.description.to_owned(),
            heading: false,
        });
    }
    lines
}

/// The help: every binding from the key map, in two columns when the screen is wide enough,
/// scrolled by `scroll` lines when it is not tall enough.
pub fn render_help(state: &State, buf: &mut Buffer, area: Rect) {
    let current = crate::app::update::context(state);
    let own = section(state, current);
    let global = section(state, Context::Global);
    let others: Vec<Vec<HelpLine>> = Context::ALL
        .into_iter()
        .filter(|c| *c != current && *c != Context::Global)
        .map(|c| section(state, c))
        .collect();
    let all_lines = || own.iter().chain(&global).chain(others.iter().flatten());
    let key_width = all_lines()
        .filter(|l| !l.heading)
        .map(|l| crate::text::width(&l.keys))
        .max()
        .unwrap_or(0) as u16;
    let desc_width = all_lines()
        .map(|l| crate::text::width(&l.description))
        .max()
        .unwrap_or(0) as u16;
    let column_width = key_width + desc_width + 3;
    let two_columns = area.width >= column_width * 2 + 8;
    let columns: Vec<Vec<HelpLine>> = if two_columns {
        // This screen's keys and the global ones first; the other screens' sections go to
        // the shorter column.
        let mut columns = vec![joined([own, global]), Vec::new()];
        for other in others {
            let shorter = usize::from(columns[1].len() <= columns[0].len());
            let column = &mut columns[shorter];
            if !column.is_empty() {
                column.push(blank());
            }
            column.extend(other);
        }
        columns
    } else {
        // One column: the keys of every screen first, so a short terminal shows them at once.
        vec![joined([global, own].into_iter().chain(others))]
    };
    let height = columns.iter().map(Vec::len).max().unwrap_or(0) as u16;
    let width = column_width * columns.len() as u16 + 2 * (columns.len() as u16 - 1);
    let inner = popup(
        buf,
        area,
        width,
        height,
        "Keys  (j/k scroll, any other key closes)",
    );
    let scroll = state
        .help_scroll
        .min((height as usize).saturating_sub(inner.height as usize));
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
        (1, 0) => "1 problem while loading  (! closes)".to_owned(),
        (n, 0) => format!("{n} problems while loading  (! closes)"),
        (0, 1) => "the latest problem  (! closes)".to_owned(),
        (0, n) => format!("the {n} latest problems  (! closes)"),
        (_, _) => format!("{} problems  (! closes)", problems.len()),
    };
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
