//! Small helpers for writing clean, clipped text straight into the buffer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::text;

/// Writes `content` (cleaned, cut with `…` to fit) at (x, y), at most `width` columns.
/// Returns the column after the text.
pub fn put(buf: &mut Buffer, x: u16, y: u16, width: u16, content: &str, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    let fitted = text::fit(content, width as usize);
    let (end, _) = buf.set_stringn(x, y, &fitted, width as usize, style);
    end
}

/// Like [`put`], right-aligned in `width` columns.
pub fn put_right(buf: &mut Buffer, x: u16, y: u16, width: u16, content: &str, style: Style) {
    let fitted = text::fit(content, width as usize);
    let used = text::width(&fitted) as u16;
    buf.set_stringn(
        x + width.saturating_sub(used),
        y,
        &fitted,
        width as usize,
        style,
    );
}

/// Writes a sequence of styled pieces on one line, clipped to `area`'s width.
pub fn line(buf: &mut Buffer, area: Rect, y: u16, pieces: &[(&str, Style)]) -> u16 {
    let mut x = area.x;
    let end = area.x + area.width;
    for (content, style) in pieces {
        if x >= end {
            break;
        }
        x = put(buf, x, y, end - x, content, *style);
    }
    x
}

pub fn fill(buf: &mut Buffer, area: Rect, style: Style) {
    buf.set_style(area, style);
}
