//! The status bar: the latest message, or hints for the keys that matter here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::action::Intent;
use crate::app::keymap::key_label;
use crate::app::state::{Screen, Severity, State};
use crate::app::update::context;

use super::draw::{line, put, put_right};
use super::theme;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    buf.set_style(area, Style::new().bg(ratatui::style::Color::Reset));
    let problems = match state.problems.len() {
        0 => String::new(),
        1 => " ⚠ 1 problem (!) ".to_owned(),
        n => format!(" ⚠ {n} problems (!) "),
    };
    let right = format!("{problems} {} ", state.source_label);
    let right_width = (crate::text::width(&right) as u16).min(area.width / 2);
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
    let source = format!(" {} ", state.source_label);
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
    let hints: &[(Intent, &str)] = match state.screen {
        Screen::List => &[
            (Intent::Down, "move"),
            (Intent::Open, "open"),
            (Intent::SortNext, "sort"),
            (Intent::ToggleHelp, "help"),
            (Intent::Quit, "quit"),
        ],
        Screen::Trace => &[
            (Intent::Down, "move"),
            (Intent::Close, "back"),
            (Intent::ToggleHelp, "help"),
            (Intent::Quit, "quit"),
        ],
    };
    let mut pieces: Vec<(String, Style)> = vec![(" ".into(), Style::new())];
    for (intent, label) in hints {
        let Some(key) = key_label(ctx, *intent) else {
            continue;
        };
        let key = if *intent == Intent::Down {
            format!("{key}/{}", key_label(ctx, Intent::Up).unwrap_or_default())
        } else {
            key
        };
        pieces.push((key, theme::key()));
        pieces.push((format!(" {label}  "), theme::muted()));
    }
    let borrowed: Vec<(&str, Style)> = pieces.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    line(buf, area, area.y, &borrowed);
}
