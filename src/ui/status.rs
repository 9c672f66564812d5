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
        n => format!(" ⚠ {} (!) ", crate::text::count::count(n, "problem")),
    };
    // A source at work says what it is doing; otherwise it is named.
    let working = !state.live.activity.is_empty();
    let source_text = if !working {
        &state.source_label
    } else {
        &state.live.activity
    };
    let right = format!("{problems} {source_text} ");
    let right_wanted = crate::text::width(&right) as u16;
    // The key hints come before the source's name, so the way out (`q quit`) always shows.
    // What a source at work says, or a message, leaves the right at least half the line, or
    // all but 46 columns.
    let hints = state.message.is_none().then(|| hint_line(state));
    let room = match &hints {
        Some(pieces) if !working => {
            let used: usize = pieces
                .iter()
                .map(|(text, _)| crate::text::width(text))
                .sum();
            // The last hint's two trailing spaces may go under the source.
            area.width.saturating_sub(used.saturating_sub(2) as u16 + 1)
        }
        _ => (area.width / 2).max(area.width.saturating_sub(46)),
    };
    let right_width = right_wanted.min(room);
    let left = Rect {
        width: area.width.saturating_sub(right_width),
        ..area
    };
    match (&state.message, hints) {
        (Some(message), _) => {
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
        (None, Some(pieces)) => draw_hints(buf, if working { left } else { area }, pieces),
        (None, None) => {}
    }
    // Problems before the source's name; a long name (a path) keeps its end.
    let problems_width = (crate::text::width(&problems) as u16).min(right_width);
    let source_width = right_width - problems_width;
    let room = source_width.saturating_sub(2) as usize;
    let source = if working {
        format!(" {} ", crate::text::fit(source_text, room))
    } else {
        format!(" {} ", crate::text::fit_end(source_text, room))
    };
    put_right(
        buf,
        area.x + left.width + problems_width,
        area.y,
        source_width,
        &source,
        theme::muted(),
    );
    if problems_width > 0 {
        put(
            buf,
            area.x + left.width,
            area.y,
            problems_width,
            &problems,
            theme::error(),
        );
    }
}

/// The key hints for what is on screen.
fn hint_line(state: &State) -> Vec<(String, Style)> {
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
            return closed_by_any_key(&[(Intent::Down, "scroll")]);
        }
        (Some(Overlay::Problems), _) => {
            return closed_by_any_key(&[]);
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
        (_, Screen::Stats) => &[
            (Intent::Down, "move"),
            (Intent::NextDimension, "group"),
            (Intent::SortNext, "sort"),
            (Intent::SortReverse, "reverse"),
            (Intent::Open, "spans"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Flame) => &[
            (Intent::Down, "deeper"),
            (Intent::FrameRight, "beside"),
            (Intent::Open, "list its traces"),
            (Intent::ZoomIn, "zoom"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Trace) if state.trace.as_ref().is_some_and(|v| v.icicle.is_some()) => &[
            (Intent::Down, "deeper"),
            (Intent::FrameRight, "beside"),
            (Intent::Open, "zoom"),
            (Intent::Close, "back"),
            (Intent::ToggleIcicle, "waterfall"),
            (Intent::ToggleHelp, "help"),
        ],
        (_, Screen::Diff) => &[
            (Intent::Down, "move"),
            (Intent::SortNext, "order"),
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
    hint_pieces(state, ctx, hints)
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
            let caret = column_x(column).min(area.x + area.width.saturating_sub(1));
            put_pointing(
                buf,
                Rect::new(area.x, y, area.width, 1),
                caret,
                &hint.text,
                style,
            );
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

/// Draws `text` beside a `↓` at column `caret`: after it where it fits, else before it, else
/// shortened on the roomier side. The caret never lands on the text.
fn put_pointing(buf: &mut Buffer, area: Rect, caret: u16, text: &str, style: Style) {
    let width = crate::text::width(text) as u16;
    let end = area.x + area.width;
    let after = end.saturating_sub(caret + 2);
    let before = caret.saturating_sub(area.x + 1);
    if width <= after || after >= before {
        put(buf, caret + 2, area.y, after, text, style);
    } else {
        let start = caret.saturating_sub(1 + width.min(before));
        put(buf, start, area.y, width.min(before), text, style);
    }
    buf.set_stringn(caret, area.y, "↓", 1, style);
}
