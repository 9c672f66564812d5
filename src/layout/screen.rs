//! How the screen is divided. Shared by the ui (to draw) and update (to page and scroll).

use ratatui::layout::Rect;

/// The smallest screen that shows anything but a notice.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Everything above the one-line status bar.
pub fn body(area: Rect) -> Rect {
    Rect {
        height: area.height.saturating_sub(1),
        ..area
    }
}

pub fn status_bar(area: Rect) -> Rect {
    Rect {
        y: area.y + area.height.saturating_sub(1),
        height: area.height.min(1),
        ..area
    }
}

/// The trace list: a title line, a column header, then rows.
pub struct ListAreas {
    pub title: Rect,
    pub header: Rect,
    pub rows: Rect,
}

pub fn list(body: Rect) -> ListAreas {
    let [title, header, rows] = rows3(body, 1, 1);
    ListAreas {
        title,
        header,
        rows,
    }
}

/// The waterfall: trace header, time axis, span rows, and the selected span's summary.
pub struct WaterfallAreas {
    pub title: Rect,
    pub axis: Rect,
    pub rows: Rect,
    pub info: Rect,
}

pub const INFO_HEIGHT: u16 = 3;

pub fn waterfall(body: Rect) -> WaterfallAreas {
    let info_height = if body.height >= 12 { INFO_HEIGHT } else { 0 };
    let [title, axis, middle] = rows3(body, 1, 1);
    let rows = Rect {
        height: middle.height.saturating_sub(info_height),
        ..middle
    };
    let info = Rect {
        y: rows.y + rows.height,
        height: middle.height - rows.height,
        ..middle
    };
    WaterfallAreas {
        title,
        axis,
        rows,
        info,
    }
}

fn rows3(area: Rect, first: u16, second: u16) -> [Rect; 3] {
    let a = Rect {
        height: first.min(area.height),
        ..area
    };
    let b = Rect {
        y: a.y + a.height,
        height: second.min(area.height - a.height),
        ..area
    };
    let c = Rect {
        y: b.y + b.height,
        height: area.height - a.height - b.height,
        ..area
    };
    [a, b, c]
}

/// Rows of data that fit on a screen of this size, for the list and the waterfall.
pub fn list_rows(width: u16, height: u16) -> usize {
    list(body(Rect::new(0, 0, width, height))).rows.height as usize
}

pub fn waterfall_rows(width: u16, height: u16) -> usize {
    waterfall(body(Rect::new(0, 0, width, height))).rows.height as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_fill_the_screen_without_overlap() {
        let area = Rect::new(0, 0, 80, 24);
        let body = body(area);
        assert_eq!(status_bar(area).y, 23);
        let w = waterfall(body);
        assert_eq!(w.title.y, 0);
        assert_eq!(w.axis.y, 1);
        assert_eq!(w.rows.y, 2);
        assert_eq!(w.rows.height, 23 - 2 - INFO_HEIGHT);
        assert_eq!(w.info.y + w.info.height, 23);
        assert_eq!(list_rows(80, 24), 21);
    }
}
