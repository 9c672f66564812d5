//! The view: `render(&State, &mut Frame)`, nothing else. Draws only what is visible.

pub mod ascii;
pub mod column_chooser;
pub mod compare;
pub mod details;
pub mod draw;
pub mod format;
pub mod group_by;
pub mod health;
pub mod help;
pub mod histogram;
pub mod icicle;
pub mod insights;
pub mod logs;
pub mod service_map;
pub mod statistics;
pub mod status;
pub mod theme;
pub mod trace_diff;
pub mod trace_list;
pub mod waterfall;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::overlay::Overlay;
use crate::app::state::{Screen, State};
use crate::layout::screen;

pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    render_buffer(state, frame.buffer_mut(), area);
}

/// Draws the whole screen into a buffer.
pub fn render_buffer(state: &State, buf: &mut Buffer, area: Rect) {
    if screen::too_small(area) {
        let size = format!(
            "{}x{}, need {}x{}",
            area.width,
            area.height,
            screen::MIN_WIDTH,
            screen::MIN_HEIGHT
        );
        for (row, text) in ["Terminal too small:", size.as_str()]
            .into_iter()
            .enumerate()
        {
            if (row as u16) < area.height {
                draw::put(
                    buf,
                    area.x,
                    area.y + row as u16,
                    area.width,
                    text,
                    theme::error(),
                );
            }
        }
        return;
    }
    let body = screen::body(area);
    match state.screen {
        Screen::List => trace_list::render(state, buf, body),
        Screen::Trace => waterfall::render(state, buf, body),
        Screen::Map => service_map::render(state, buf, body),
        Screen::Groups => group_by::render(state, buf, body),
        Screen::Compare => compare::render(state, buf, body),
        Screen::Stats => statistics::render(state, buf, body),
        Screen::Flame => icicle::render_flame(state, buf, body),
        Screen::Diff => trace_diff::render(state, buf, body),
        Screen::Insights => insights::render(state, buf, body),
    }
    status::render(state, buf, screen::status_bar(area));
    match &state.overlay {
        Some(Overlay::Columns(_)) => column_chooser::render(state, buf, body),
        Some(Overlay::Problems) => help::render_problems(state, buf, body),
        Some(Overlay::Help(cursor)) => help::render_help(state, cursor.offset, buf, body),
        Some(Overlay::Prompt(_)) | None => {}
    }
    if state.ascii {
        ascii::transliterate(buf, area);
    }
}

/// The buffer as plain text: one line per row, trailing spaces removed, no escape codes.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::with_capacity((area.width as usize + 1) * area.height as usize);
    for y in area.y..area.y + area.height {
        let mut row = String::new();
        for x in area.x..area.x + area.width {
            row.push_str(buf[(x, y)].symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}
