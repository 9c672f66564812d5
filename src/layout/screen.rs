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

/// Rows the response-time histogram takes above the list: none on short screens.
pub fn histogram_height(body: Rect) -> u16 {
    match body.height {
        0..16 => 0,
        16..40 => 6,
        _ => 9,
    }
}

/// The trace list with the histogram (when shown) between its title and its column header.
pub fn list_with_histogram(body: Rect, histogram: bool) -> (Rect, ListAreas) {
    let height = if histogram { histogram_height(body) } else { 0 };
    let [title, histogram, rest] = rows3(body, 1, height);
    let [_, header, rows] = rows3(rest, 0, 1);
    (
        histogram,
        ListAreas {
            title,
            header,
            rows,
        },
    )
}

/// The group-by view: the list's areas, and two lines at the foot for the selected group.
pub fn groups(body: Rect) -> (ListAreas, Rect) {
    let footer_height = match body.height {
        0..12 => 0,
        12..20 => 2,
        _ => 3,
    };
    let [top, footer, _] = rows3(body, body.height - footer_height, footer_height);
    (list(top), footer)
}

pub fn groups_rows(width: u16, height: u16) -> usize {
    groups(body(Rect::new(0, 0, width, height))).0.rows.height as usize
}

/// The compare view: a title, the two sets' figures, a column header, then rows.
pub struct CompareAreas {
    pub title: Rect,
    pub figures: Rect,
    pub header: Rect,
    pub rows: Rect,
}

pub const COMPARE_FIGURES_HEIGHT: u16 = 6;

pub fn compare(body: Rect) -> CompareAreas {
    let [title, figures, rest] = rows3(body, 1, COMPARE_FIGURES_HEIGHT);
    let [_, header, rows] = rows3(rest, 0, 1);
    CompareAreas {
        title,
        figures,
        header,
        rows,
    }
}

/// The waterfall: trace header, time axis and span rows, with the details pane beside them
/// on wide terminals and below them on narrow ones.
pub struct WaterfallAreas {
    pub title: Rect,
    pub axis: Rect,
    pub rows: Rect,
    pub details: Rect,
}

/// Terminals at least this wide show the details beside the waterfall.
pub const DETAILS_BESIDE_WIDTH: u16 = 150;

pub fn waterfall(body: Rect) -> WaterfallAreas {
    let [title, rest, _] = rows3(body, 1, body.height.saturating_sub(1));
    if body.width >= DETAILS_BESIDE_WIDTH && rest.height >= 6 {
        let details_width = (body.width * 9 / 20).clamp(60, 96);
        let left = Rect {
            width: body.width - details_width - 1,
            ..rest
        };
        let details = Rect {
            x: body.x + body.width - details_width,
            width: details_width,
            ..rest
        };
        let [axis, rows, _] = rows3(left, 1, left.height.saturating_sub(1));
        return WaterfallAreas {
            title,
            axis,
            rows,
            details,
        };
    }
    let details_height = if rest.height >= 14 {
        (rest.height * 2 / 5).max(8)
    } else {
        0
    };
    let [axis, rows, details] = rows3(rest, 1, rest.height.saturating_sub(1 + details_height));
    WaterfallAreas {
        title,
        axis,
        rows,
        details,
    }
}

/// The icicle of the open trace: the waterfall's axis line holds the breadcrumb, its rows
/// the frames, one row per depth.
pub fn trace_icicle(width: u16, height: u16) -> Rect {
    waterfall(body(Rect::new(0, 0, width, height))).rows
}

/// The statistics: a title, a column header, then rows.
pub fn statistics_rows(width: u16, height: u16) -> usize {
    list(body(Rect::new(0, 0, width, height))).rows.height as usize
}

/// The aggregated icicle: a title, the breadcrumb, the frames, and the selected frame's
/// figures at the foot.
pub struct FlameAreas {
    pub title: Rect,
    pub breadcrumb: Rect,
    pub frames: Rect,
    pub footer: Rect,
}

pub fn flame(body: Rect) -> FlameAreas {
    let footer_height = if body.height >= 12 { 2 } else { 1 };
    let [title, breadcrumb, rest] = rows3(body, 1, 1);
    let [frames, footer, _] = rows3(
        rest,
        rest.height.saturating_sub(footer_height),
        footer_height,
    );
    FlameAreas {
        title,
        breadcrumb,
        frames,
        footer,
    }
}

/// The frames' area of the aggregated icicle.
pub fn flame_frames(width: u16, height: u16) -> Rect {
    flame(body(Rect::new(0, 0, width, height))).frames
}

/// The service map: a title, the canvas, and the details of the selected node or edge beside
/// the canvas (wide terminals) or below it.
pub struct MapAreas {
    pub title: Rect,
    pub canvas: Rect,
    pub details: Rect,
}

pub const MAP_DETAILS_WIDTH: u16 = 44;

pub fn map(body: Rect) -> MapAreas {
    let [title, rest, _] = rows3(body, 1, body.height.saturating_sub(1));
    if body.width >= 110 {
        let details = Rect {
            x: body.x + body.width - MAP_DETAILS_WIDTH,
            width: MAP_DETAILS_WIDTH,
            ..rest
        };
        let canvas = Rect {
            width: body.width - MAP_DETAILS_WIDTH - 1,
            ..rest
        };
        return MapAreas {
            title,
            canvas,
            details,
        };
    }
    let details_height = if rest.height >= 22 { 10 } else { 0 };
    let [canvas, details, _] = rows3(rest, rest.height - details_height, details_height);
    MapAreas {
        title,
        canvas,
        details,
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

/// Rows of the list on this screen, below the histogram when it is shown.
pub fn list_rows_with_histogram(width: u16, height: u16, histogram: bool) -> usize {
    list_with_histogram(body(Rect::new(0, 0, width, height)), histogram)
        .1
        .rows
        .height as usize
}

pub fn compare_rows(width: u16, height: u16) -> usize {
    compare(body(Rect::new(0, 0, width, height))).rows.height as usize
}

/// Lines of the logs pane on screen (it takes the place of the details, below its title).
pub fn logs_rows(width: u16, height: u16) -> usize {
    (waterfall(body(Rect::new(0, 0, width, height)))
        .details
        .height as usize)
        .saturating_sub(1)
}

/// The trace diff: a title line, a column header, then the merged tree's rows (as the list).
pub fn diff_rows(width: u16, height: u16) -> usize {
    list(body(Rect::new(0, 0, width, height))).rows.height as usize
}

pub fn waterfall_rows(width: u16, height: u16) -> usize {
    waterfall(body(Rect::new(0, 0, width, height))).rows.height as usize
}

/// Rows the health sparklines take below the list: a title, five sparklines and the time
/// axis with the marked stretch; none on short screens.
pub fn health_height(body: Rect) -> u16 {
    if body.height >= 18 { 7 } else { 0 }
}

/// The trace list with the histogram above it and the health sparklines below it, each when
/// shown: the histogram, the list's areas, the sparklines.
pub fn list_with_panels(body: Rect, histogram: bool, health: bool) -> (Rect, ListAreas, Rect) {
    let height = if health { health_height(body) } else { 0 };
    let [rest, health, _] = rows3(body, body.height - height, height);
    let (histogram, areas) = list_with_histogram(rest, histogram);
    (histogram, areas, health)
}

pub fn list_rows_with_panels(width: u16, height: u16, histogram: bool, health: bool) -> usize {
    list_with_panels(body(Rect::new(0, 0, width, height)), histogram, health)
        .1
        .rows
        .height as usize
}

/// The Insights screen: the list's areas for the insights, and the selected one's details.
pub fn insights(body: Rect) -> (ListAreas, Rect) {
    let details = (body.height / 2).min(12);
    let [top, details_area, _] = rows3(body, body.height - details, details);
    (list(top), details_area)
}

pub fn insights_rows(width: u16, height: u16) -> usize {
    insights(body(Rect::new(0, 0, width, height))).0.rows.height as usize
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
        assert_eq!(w.details.y, w.rows.y + w.rows.height);
        assert_eq!(w.details.y + w.details.height, 23);
        assert!(w.details.height >= 8 && w.rows.height >= 10);
        assert_eq!(list_rows(80, 24), 21);
        let wide = waterfall(super::body(Rect::new(0, 0, 200, 60)));
        assert_eq!(wide.details.x + wide.details.width, 200);
        assert!(wide.rows.x + wide.rows.width < wide.details.x);
        assert_eq!(wide.rows.height, 57);
    }
}
