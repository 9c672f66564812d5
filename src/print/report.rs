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
    Drawing(Vec<String>),
    /// A sentence (a closing line, a note).
    Note(String),
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
        let mut lines = vec![text::clean(&self.title).into_owned()];
        let mut after_heading = false;
        for block in &self.blocks {
            // A heading sits right above what it heads.
            if !after_heading {
                lines.push(String::new());
            }
            after_heading = matches!(block, Block::Heading(_));
            match block {
                Block::Heading(heading) => lines.push(one_line(heading)),
                Block::Facts(facts) => {
                    let name_width = facts.iter().map(|(n, _)| text::width(n)).max().unwrap_or(0);
                    for (name, value) in facts {
                        let pad = name_width - text::width(name);
                        lines.push(format!("{name}{}  {}", " ".repeat(pad), one_line(value)));
                    }
                }
                Block::Table(table) => lines.extend(table.text(width)),
                Block::Drawing(drawing) => {
                    lines.extend(drawing.iter().map(|l| text::clean(l).into_owned()))
                }
                Block::Note(note) => lines.push(one_line(note)),
            }
        }
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }

    /// Markdown: a heading, a list of facts, tables, drawings in fenced code blocks.
    pub fn markdown(&self) -> String {
        let mut lines = vec![format!("## {}", markdown_text(&self.title))];
        for block in &self.blocks {
            lines.push(String::new());
            match block {
                Block::Heading(heading) => lines.push(format!("### {}", markdown_text(heading))),
                Block::Facts(facts) => {
                    for (name, value) in facts {
                        lines.push(format!(
                            "- **{}:** {}",
                            markdown_text(name),
                            markdown_text(value)
                        ));
                    }
                }
                Block::Table(table) => lines.extend(table.markdown()),
                Block::Drawing(drawing) => lines.extend(code_block(drawing)),
                Block::Note(note) => lines.push(markdown_text(note)),
            }
        }
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }
}

/// A value on one line, cleaned.
fn one_line(value: &str) -> String {
    let flat: String = value
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    text::clean(&flat).into_owned()
}
