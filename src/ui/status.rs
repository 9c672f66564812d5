//! The status bar: the latest message, or hints for the keys that matter here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use crate::app::action::Intent;
use crate::app::keymap::Context;
use crate::app::overlay::Overlay;
use crate::app::state::{Prompt, Screen, Severity, State};
use crate::app::update::context;

use super::draw::{line, put, put_right};
use super::theme;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    buf.set_style(area, Style::new().bg(ratatui::style::Color::Reset));
    if let Some(prompt) = state.prompt() {
        render_prompt(prompt, buf, area);
        return;
    }
    let problems = match state.problems.len() {
        0 => String::new(),
        1 => " ⚠ 1 problem (!) ".to_owned(),
        n => format!(" ⚠ {n} problems (!) "),
    };
    // A source at work says what it is doing; otherwise it is named.
    let source_text = if state.live.activity.is_empty() {
        &state.source_label
    } else {
        &state.live.activity
    };
    let right = format!("{problems} {source_text} ");
    // The key hints need about 46 columns; the source may have the rest.
    let right_width = (crate::text::width(&right) as u16)
        .min((area.width / 2).max(area.width.saturating_sub(46)));
    let left = Rect {
        width: area.width.saturating_sub(right_width),
        ..area
    };
    match &state.message {
        Some(message) => {
            let style = match message.severity {
                Severity::Info => theme::accent(),
                Severity::Error => theme::error(),
            };
            line(
                buf,
                left,
                area.y,
                &[(" ", Style::new()), (&message.text, style)],
            );
        }
        None => render_hints(state, buf, left),
    }
    let source = format!(" {source_text} ");
    let source_width = (crate::text::width(&source) as u16).min(right_width);
    put_right(
        buf,
        area.x + left.width,
        area.y,
        right_width,
        &source,
        theme::muted(),
    );
    if !problems.is_empty() && right_width > source_width {
        put(
            buf,
            area.x + left.width,
            area.y,
            right_width - source_width,
            &problems,
            theme::error(),
        );
    }
}

fn render_hints(state: &State, buf: &mut Buffer, area: Rect) {
    let ctx = context(state);
    // Over the help and the problems any key closes; Esc is the one to name.
    let closed_by_any_key = |first: &[(Intent, &str)]| {
        let mut pieces = hint_pieces(state, ctx, first);
        pieces.push(("Esc".into(), theme::key()));
        pieces.push((" close  ".into(), theme::muted()));
        pieces.extend(
            hint_pieces(state, ctx, &[(Intent::Quit, "quit")])
                .into_iter()
                .skip(1),
        );
        pieces
    };
    let hints: &[(Intent, &str)] = match (&state.overlay, state.screen) {
        (Some(Overlay::Help(_)), _) => {
            return draw_hints(buf, area, closed_by_any_key(&[(Intent::Down, "scroll")]));
        }
        (Some(Overlay::Problems), _) => {
            return draw_hints(buf, area, closed_by_any_key(&[]));
        }
        (Some(Overlay::Columns(_)), _) => &[
            (Intent::Down, "move"),
            (Intent::ToggleColumn, "show/hide"),
            (Intent::MoveColumnDown, "later"),
            (Intent::MoveColumnUp, "earlier"),
            (Intent::Close, "close"),
        ],
        (_, Screen::List) => &[
            (Intent::Down, "move"),
            (Intent::Open, "open"),
            (Intent::SortNext, "sort"),
            (Intent::ToggleHelp, "help"),
            (Intent::Quit, "quit"),
        ],
        (_, Screen::Map) => &[
            (Intent::Down, "move"),
            (Intent::NextEdge, "edges"),
            (Intent::Open, "traces"),
            (Intent::ToggleCompact, "compact"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Groups) => &[
            (Intent::Down, "move"),
            (Intent::NextDimension, "dimension"),
            (Intent::SortNext, "sort"),
            (Intent::Open, "narrow"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Insights) => &[
            (Intent::Down, "move"),
            (Intent::Open, "narrow"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Compare) => &[
            (Intent::Down, "move"),
            (Intent::NextDimension, "dimension"),
            (Intent::Open, "narrow B"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Trace) => &[
            (Intent::Down, "move"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
            (Intent::Quit, "quit"),
        ],
    };
    draw_hints(buf, area, hint_pieces(state, ctx, hints));
}

/// Each hint's key, from the key map, and what it does.
fn hint_pieces(state: &State, ctx: Context, hints: &[(Intent, &str)]) -> Vec<(String, Style)> {
    let mut pieces: Vec<(String, Style)> = vec![(" ".into(), Style::new())];
    for (intent, label) in hints {
        let Some(key) = state.keymap.key_label(ctx, *intent) else {
            continue;
        };
        let key = if *intent == Intent::Down {
            format!(
                "{key}/{}",
                state.keymap.key_label(ctx, Intent::Up).unwrap_or_default()
            )
        } else {
            key
        };
        pieces.push((key, theme::key()));
        pieces.push((format!(" {label}  "), theme::muted()));
    }
    pieces
}

fn draw_hints(buf: &mut Buffer, area: Rect, pieces: Vec<(String, Style)>) {
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}

/// The prompt on the status line: its label, the text (scrolled to keep the cursor in view)
/// and the cursor; above it, the hint, with a caret under nothing and a `↓` over the column it
/// points at.
fn render_prompt(prompt: &Prompt, buf: &mut Buffer, area: Rect) {
    let label = format!(" {}", prompt.purpose.label());
    let text_x = put(buf, area.x, area.y, area.width, &label, theme::key());
    let room = (area.x + area.width).saturating_sub(text_x + 1) as usize;
    let chars: Vec<char> = crate::text::clean(&prompt.text).chars().collect();
    // Scroll so the cursor stays on screen.
    let scroll = prompt.cursor.saturating_sub(room.saturating_sub(1));
    let shown: String = chars.iter().skip(scroll).collect();
    put(buf, text_x, area.y, room as u16, &shown, Style::new());
    let column_x = |column: usize| -> u16 {
        let before: String = chars
            .iter()
            .skip(scroll)
            .take(column.saturating_sub(scroll))
            .collect();
        text_x + crate::text::width(&before) as u16
    };
    let cursor_x = column_x(prompt.cursor);
    if cursor_x < area.x + area.width {
        let under = chars
            .get(prompt.cursor)
            .map_or(" ".to_owned(), char::to_string);
        buf.set_stringn(
            cursor_x,
            area.y,
            &under,
            1,
            Style::new().add_modifier(Modifier::REVERSED),
        );
    }
    let Some(hint) = &prompt.hint else { return };
    if area.y == 0 {
        return;
    }
    let y = area.y - 1;
    buf.set_style(
        Rect::new(area.x, y, area.width, 1),
        Style::new().bg(Color::Reset),
    );
    for x in area.x..area.x + area.width {
        buf.set_stringn(x, y, " ", 1, Style::new());
    }
    let style = if hint.error {
        theme::error()
    } else {
        theme::muted()
    };
    match hint.column.filter(|c| *c >= scroll) {
        Some(column) => {
            let x = column_x(column).min(area.x + area.width.saturating_sub(1));
            let text = format!("↓ {}", hint.text);
            // Keep the message on screen: it ends at the edge if it would run past it.
            let width = crate::text::width(&text) as u16;
            let start = x
                .min((area.x + area.width).saturating_sub(width))
                .max(area.x);
            put(buf, start, y, area.x + area.width - start, &text, style);
            buf.set_stringn(x, y, "↓", 1, style);
        }
        None => {
            put(
                buf,
                text_x,
                y,
                (area.x + area.width).saturating_sub(text_x),
                &hint.text,
                style,
            );
        }
    }
}
