//! The column chooser: every column the list can show, ticked when shown.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::columns::Column;
use crate::app::overlay::Overlay;
use crate::app::state::State;

use super::draw::{fill, put};
use super::help::popup;
use super::theme;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    let Some(Overlay::Columns(chooser)) = &state.overlay else {
        return;
    };
    let rows = chooser.rows(&state.list.columns);
    let label = |column: &Column| match column {
        Column::Annotation(key) => format!("annotation {key}"),
        other => other.title(),
    };
    let width = rows
        .iter()
        .map(|(c, _)| crate::text::width(&label(c)) as u16 + 4)
        .max()
        .unwrap_or(0)
        .max(36);
    let inner = popup(
        buf,
        area,
        width,
        rows.len() as u16,
        "Columns  (Space shows or hides)",
    );
    let cursor = chooser.cursor.selected.min(rows.len().saturating_sub(1));
    let first = cursor.saturating_sub((inner.height as usize).saturating_sub(1));
    for (row, (column, shown)) in rows
        .iter()
        .enumerate()
        .skip(first)
        .take(inner.height as usize)
    {
        let y = inner.y + (row - first) as u16;
        let line = Rect::new(inner.x, y, inner.width, 1);
        if row == cursor {
            fill(buf, line, theme::selected());
        }
        let mark = if *shown { "[x]" } else { "[ ]" };
        let style = if *shown { theme::key() } else { theme::muted() };
        let at = put(buf, inner.x, y, inner.width, mark, style);
        put(
            buf,
            at + 1,
            y,
            inner.width.saturating_sub(at + 1 - inner.x),
            &label(column),
            Style::new(),
        );
        if row == cursor {
            theme::keep_readable_on_selection(buf, line);
        }
    }
}
