//! The selection and scroll of every list-like view: the trace list, the waterfall's rows, the
//! group-by and compare views, the column chooser, the help and the problems. Every move keeps
//! the selection among the rows and on screen, and the first row shown where a page still fits.

use super::action::Intent;

/// A selected row and the first row shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

/// A move of the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up(usize),
    Down(usize),
    Top,
    Bottom,
}

impl Step {
    /// The move a moving key makes, for a view showing `page` rows.
    pub fn of(intent: Intent, page: usize) -> Option<Step> {
        Some(match intent {
            Intent::Up => Step::Up(1),
            Intent::Down => Step::Down(1),
            Intent::PageUp => Step::Up(page.max(1)),
            Intent::PageDown => Step::Down(page.max(1)),
            Intent::Top => Step::Top,
            Intent::Bottom => Step::Bottom,
            _ => return None,
        })
    }

    fn from(self, at: usize, len: usize) -> usize {
        let last = len.saturating_sub(1);
        match self {
            Step::Up(n) => at.saturating_sub(n),
            Step::Down(n) => at.saturating_add(n).min(last),
            Step::Top => 0,
            Step::Bottom => last,
        }
    }
}

impl Cursor {
    /// Moves the selection among `len` rows, `page` of them on screen.
    pub fn step(&mut self, step: Step, len: usize, page: usize) {
        self.selected = step.from(self.selected, len);
        self.keep_visible(len, page);
    }

    /// Selects a row (clamped to the rows there are).
    pub fn select(&mut self, position: usize, len: usize, page: usize) {
        self.selected = position;
        self.keep_visible(len, page);
    }

    /// Moves what is shown, not the selection: for views that only scroll (help, problems,
    /// details), where `offset` is all there is.
    pub fn scroll(&mut self, step: Step, len: usize, page: usize) {
        let last_offset = len.saturating_sub(page.max(1));
        self.offset = step.from(self.offset, last_offset + 1);
        self.selected = self.offset;
    }

    /// Brings the selection back among the rows and on screen, and shows a full page where the
    /// rows allow it.
    pub fn keep_visible(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        self.offset = self
            .offset
            .min(self.selected)
            .max((self.selected + 1).saturating_sub(page))
            .min(len.saturating_sub(page));
    }

    /// The rows shown, as positions.
    pub fn visible(&self, len: usize, page: usize) -> std::ops::Range<usize> {
        self.offset.min(len)..(self.offset + page).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_keep_the_selection_among_the_rows_and_on_the_page() {
        let mut cursor = Cursor::default();
        cursor.step(Step::Down(12), 50, 10);
        assert_eq!(
            cursor,
            Cursor {
                selected: 12,
                offset: 3
            }
        );
        cursor.step(Step::Bottom, 50, 10);
        assert_eq!(
            cursor,
            Cursor {
                selected: 49,
                offset: 40
            }
        );
        cursor.step(Step::Up(45), 50, 10);
        assert_eq!(
            cursor,
            Cursor {
                selected: 4,
                offset: 4
            }
        );
        cursor.step(Step::Down(usize::MAX), 50, 10);
        assert_eq!(cursor.selected, 49, "no overflow on a huge step");
        cursor.step(Step::Down(1), 0, 10);
        assert_eq!(cursor, Cursor::default(), "an empty view stays at the top");
    }

    #[test]
    fn rows_that_shrink_pull_the_selection_and_the_page_back() {
        let mut cursor = Cursor {
            selected: 40,
            offset: 35,
        };
        cursor.keep_visible(20, 10);
        assert_eq!(
            cursor,
            Cursor {
                selected: 19,
                offset: 10
            }
        );
    }

    #[test]
    fn scrolling_stops_where_the_last_page_is_shown() {
        let mut help = Cursor::default();
        for _ in 0..100 {
            help.scroll(Step::Down(1), 30, 10);
        }
        assert_eq!(help.offset, 20, "no overshoot past the last page");
        help.scroll(Step::Up(1), 30, 10);
        assert_eq!(help.offset, 19, "one step up moves at once");
        help.scroll(Step::Down(5), 5, 10);
        assert_eq!(
            help.offset, 0,
            "content shorter than the page does not scroll"
        );
    }
}
