//! Colours and styles. Status colours follow the X-Ray console: green ok, orange/yellow
//! error, purple throttle, red fault.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Status;

pub fn status(status: Status) -> Style {
    Style::new().fg(status_color(status))
}

pub fn status_color(status: Status) -> Color {
    match status {
        Status::Ok => Color::Green,
        Status::Error => Color::Yellow,
        Status::Throttle => Color::Magenta,
        Status::Fault => Color::Red,
    }
}

/// A one-character mark for a status, readable without colour.
pub fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Ok => "✓",
        Status::Error => "!",
        Status::Throttle => "⧗",
        Status::Fault => "✖",
    }
}

pub fn muted() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn header() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn selected() -> Style {
    Style::new()
        .bg(Color::DarkGray)
        .add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn in_progress() -> Style {
    Style::new().fg(Color::Blue)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// A span that matches the search.
pub fn search_match() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

/// Muted text would vanish on the selection's background: lift it to a lighter grey.
pub fn keep_readable_on_selection(buf: &mut ratatui::buffer::Buffer, row: ratatui::layout::Rect) {
    for y in row.y..row.y + row.height {
        for x in row.x..row.x + row.width {
            let cell = &mut buf[(x, y)];
            if cell.fg == Color::DarkGray && cell.bg == Color::DarkGray {
                cell.fg = Color::Gray;
            }
        }
    }
}
