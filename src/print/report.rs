//! A printed report: a title, facts, tables, preformatted drawings and notes, written as
//! plain text or as Markdown. Every string from the data is cleaned on the way out.

use super::table::{Table, code_block, markdown_text};
use crate::text;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section's heading.
    Heading(String),
    /// Named values: `Status: fault`.
    Facts(Vec<(String, String)>),
    Table(Table),
    /// Lines drawn to be read in a fixed-width font (the waterfall, a stack).
    Drawing(Drawing),
    /// A sentence (a closing line, a note).
    Note(String),
}

/// Lines to be read in a fixed-width font, kept as one text, each line cleaned as it is added:
/// a line break in it only ever ends a line (one inside a line shows as `␊`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// Every line followed by `\n`.
    text: String,
}

impl Drawing {
    /// Room for about `bytes` of lines.
    pub fn with_capacity(bytes: usize) -> Drawing {
        Drawing {
            text: String::with_capacity(bytes),
        }
    }

    pub fn push(&mut self, line: &str) {
        self.push_with(|text| text.push_str(line));
    }

    /// Adds the line that `write` appends to the text it is given (it must only append).
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        if !text::is_clean(&self.text[start..]) {
            let cleaned = text::clean(&self.text[start..]).into_owned();
            self.text.truncate(start);
            self.text.push_str(&cleaned);
        }
        self.text.push('\n');
    }

    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split_terminator('\n')
    }

    /// The lines, each followed by `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<S: AsRef<str>> FromIterator<S> for Drawing {
    fn from_iter<I: IntoIterator<Item = S>>(lines: I) -> Drawing {
        let mut drawing = Drawing::default();
        for line in lines {
            drawing.push(line.as_ref());
        }
        drawing
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Report {
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Plain text, `width` columns wide where the tables can give way.
    pub fn text(&self, width: usize) -> String {
        let mut out = String::with_capacity(self.size_hint());
        push_line(&mut out, &text::clean(&self.title));
        let mut after_heading = false;
        for block in &self.blocks {
            // A heading sits right above what it heads.
            if !after_heading {
                out.push('\n');
            }
            after_heading = matches!(block, Block::Heading(_));
            match block {
                Block::Heading(heading) => push_line(&mut out, &one_line(heading)),
                Block::Facts(facts) => {
                    let name_width = facts.iter().map(|(n, _)| text::width(n)).max().unwrap_or(0);
                    for (name, value) in facts {
                        let pad = name_width - text::width(name);
                        push_line(
                            &mut out,
                            &format!("{name}{}  {}", " ".repeat(pad), one_line(value)),
                        );
                    }
                }
                Block::Table(table) => {
                    for line in table.text(width) {
                        push_line(&mut out, &line);
                    }
                }
                Block::Drawing(drawing) => out.push_str(drawing.text()),
                Block::Note(note) => push_line(&mut out, &one_line(note)),
            }
        }
        out
    }

    /// Markdown: a heading, a list of facts, tables, drawings in fenced code blocks.
    pub fn markdown(&self) -> String {
        let mut out = String::with_capacity(self.size_hint());
        push_line(&mut out, &format!("## {}", markdown_text(&self.title)));
        for block in &self.blocks {
            out.push('\n');
            match block {
                Block::Heading(heading) => {
                    push_line(&mut out, &format!("### {}", markdown_text(heading)))
                }
                Block::Facts(facts) => {
                    for (name, value) in facts {
                        push_line(
                            &mut out,
                            &format!("- **{}:** {}", markdown_text(name), markdown_text(value)),
                        );
                    }
                }
                Block::Table(table) => {
                    for line in table.markdown() {
                        push_line(&mut out, &line);
                    }
                }
                Block::Drawing(drawing) => code_block(&mut out, drawing),
                Block::Note(note) => push_line(&mut out, &markdown_text(note)),
            }
        }
        out
    }

    /// About the bytes the drawings take, which are most of a long report.
    fn size_hint(&self) -> usize {
        let drawn: usize = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Drawing(drawing) => drawing.text().len(),
                _ => 0,
            })
            .sum();
        drawn + 4096
    }
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// A value on one line, cleaned.
fn one_line(value: &str) -> String {
    let flat: String = value
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    text::clean(&flat).into_owned()
}
