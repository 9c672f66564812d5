//! A table of a report: aligned plain text, or a Markdown table.

use super::report::Drawing;
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
    /// The one column (free text, like a URL) that is cut when the text is too wide.
    pub flexible: Option<usize>,
}

/// Smallest width a flexible column is cut to.
const MIN_FLEXIBLE: usize = 12;

impl Table {
    pub fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            headers: headers.iter().map(|(h, _)| (*h).to_owned()).collect(),
            align: headers.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
            flexible: None,
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Aligned columns two spaces apart, at most `width` columns wide where only the flexible
    /// column can give way. Cells are cleaned of control characters.
    pub fn text(&self, width: usize) -> Vec<String> {
        let cells: Vec<Vec<String>> = std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| row.iter().map(|c| text::clean(c).into_owned()).collect())
            .collect();
        let columns = self.headers.len();
        let mut widths: Vec<usize> = (0..columns)
            .map(|c| {
                cells
                    .iter()
                    .map(|row| row.get(c).map_or(0, |cell| text::width(cell)))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if let Some(flexible) = self.flexible.filter(|&f| f < columns) {
            let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            if total > width {
                let others = total - widths[flexible];
                widths[flexible] = width
                    .saturating_sub(others)
                    .max(MIN_FLEXIBLE.min(widths[flexible]));
            }
        }
        cells
            .iter()
            .map(|row| {
                let mut line = String::new();
                for (c, &column_width) in widths.iter().enumerate() {
                    let cell = row.get(c).map_or("", String::as_str);
                    let cell = text::fit(cell, column_width);
                    let pad = column_width.saturating_sub(text::width(&cell));
                    let last = c + 1 == columns;
                    if c > 0 {
                        line.push_str("  ");
                    }
                    match self.align.get(c).copied().unwrap_or(Align::Left) {
                        Align::Right => {
                            line.push_str(&" ".repeat(pad));
                            line.push_str(&cell);
                        }
                        Align::Left => {
                            line.push_str(&cell);
                            if !last {
                                line.push_str(&" ".repeat(pad));
                            }
                        }
                    }
                }
                line.trim_end().to_owned()
            })
            .collect()
    }

    /// A Markdown (GitHub) table; nothing in a cell can break out of it.
    pub fn markdown(&self) -> Vec<String> {
        let row = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| markdown_cell(c)).collect();
            format!("| {} |", cells.join(" | "))
        };
        let rule: Vec<&str> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        let mut lines = vec![row(&self.headers), format!("| {} |", rule.join(" | "))];
        lines.extend(self.rows.iter().map(|r| row(r)));
        lines
    }
}

/// Text of the data made safe for Markdown outside code: control characters cleaned, line
/// breaks made spaces, and the characters Markdown reads (`|`, backticks, emphasis, links,
/// HTML) escaped.
pub fn markdown_text(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let clean = text::clean(&flat);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(
            c,
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown_cell(text: &str) -> String {
    markdown_text(text)
}

/// A fenced code block around the drawing's lines, its fence longer than any run of backticks
/// inside.
pub fn code_block(out: &mut String, drawing: &Drawing) {
    let longest_run = drawing
        .text()
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest_run + 1).max(3));
    out.push_str(&fence);
    out.push('\n');
    out.push_str(drawing.text());
    out.push_str(&fence);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut table = Table::new(&[
            ("Id", Align::Left),
            ("Took", Align::Right),
            ("URL", Align::Left),
        ]);
        table.push(vec![
            "1-abc".into(),
            "1.25s".into(),
            "shop.example.com/orders/checkout".into(),
        ]);
        table.push(vec!["1-de|f".into(), "12ms".into(), "a`b".into()]);
        table.flexible = Some(2);
        table
    }

    #[test]
    fn text_aligns_and_cuts_only_the_flexible_column() {
        assert_eq!(
            table().text(80),
            [
                "Id       Took  URL",
                "1-abc   1.25s  shop.example.com/orders/checkout",
                "1-de|f   12ms  a`b",
            ]
        );
        let narrow = table().text(30);
        assert_eq!(narrow[1], "1-abc   1.25s  shop.example.c…");
        assert_eq!(narrow[2], "1-de|f   12ms  a`b");
    }

    #[test]
    fn markdown_escapes_what_would_break_the_table() {
        let lines = table().markdown();
        assert_eq!(lines[0], "| Id | Took | URL |");
        assert_eq!(lines[1], "| --- | ---: | --- |");
        assert_eq!(lines[3], "| 1-de\\|f | 12ms | a\\`b |");
        assert_eq!(markdown_text("a\nb\x1b[31m"), "a b␛\\[31m");
    }

    fn fenced(lines: &[&str]) -> String {
        let mut out = String::new();
        code_block(&mut out, &lines.iter().collect());
        out
    }

    #[test]
    fn the_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fenced(&["x ```` y", "z"]), "`````\nx ```` y\nz\n`````\n");
        assert_eq!(fenced(&["plain"]), "```\nplain\n```\n");
        assert_eq!(fenced(&["a\nb"]), "```\na␊b\n```\n");
    }
}
