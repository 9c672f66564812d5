//! The help's content, made from the key map: what the help popup draws, and how far it can
//! scroll.

use super::keymap::Context;
use super::keys::Keymap;

/// One line of the help: keys and what they do, or a section heading.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpLine {
    pub keys: String,
    pub description: String,
    pub heading: bool,
}

/// The help laid out for a width: one or two columns of lines.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpPage {
    pub columns: Vec<Vec<HelpLine>>,
    /// Width of the keys, and of a whole column.
    pub key_width: u16,
    pub column_width: u16,
}

impl HelpPage {
    /// Lines in the longest column.
    pub fn height(&self) -> usize {
        self.columns.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Width of the columns side by side.
    pub fn width(&self) -> u16 {
        let n = self.columns.len() as u16;
        self.column_width * n + 2 * n.saturating_sub(1)
    }
}

/// Sections one after another, a blank line between them.
fn joined(sections: impl IntoIterator<Item = Vec<HelpLine>>) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    for section in sections {
        if !lines.is_empty() {
            lines.push(blank());
        }
        lines.extend(section);
    }
    lines
}

fn blank() -> HelpLine {
    HelpLine {
        keys: String::new(),
        description: String::new(),
        heading: false,
    }
}

fn section(keymap: &Keymap, context: Context, ascii: bool) -> Vec<HelpLine> {
    let mut lines = vec![HelpLine {
        keys: context.title().to_owned(),
        description: String::new(),
        heading: true,
    }];
    for binding in keymap.bindings().iter().filter(|b| b.context == context) {
        let keys: Vec<String> = binding.keys.iter().map(|k| k.label_for(ascii)).collect();
        lines.push(HelpLine {
            keys: if keys.is_empty() {
                "(no key)".to_owned()
            } else {
                keys.join(" ")
            },
            description: binding.description.to_owned(),
            heading: false,
        });
    }
    lines
}

/// Every binding of the key map, this screen's first, in two columns when `width` allows.
/// With `ascii`, key names are spelt without arrows.
pub fn page(keymap: &Keymap, current: Context, width: u16, ascii: bool) -> HelpPage {
    let own = section(keymap, current, ascii);
    let global = section(keymap, Context::Global, ascii);
    let others: Vec<Vec<HelpLine>> = Context::ALL
        .into_iter()
        .filter(|c| *c != current && *c != Context::Global)
        .map(|c| section(keymap, c, ascii))
        .collect();
    let all_lines = || own.iter().chain(&global).chain(others.iter().flatten());
    let key_width = all_lines()
        .filter(|l| !l.heading)
        .map(|l| crate::text::width(&l.keys))
        .max()
        .unwrap_or(0) as u16;
    let desc_width = all_lines()
        .map(|l| crate::text::width(&l.description))
        .max()
        .unwrap_or(0) as u16;
    let column_width = key_width + desc_width + 3;
    let two_columns = width >= column_width * 2 + 8;
    let columns: Vec<Vec<HelpLine>> = if two_columns {
        // This screen's keys and the global ones first; the other screens' sections go to
        // the shorter column.
        let mut columns = vec![joined([own, global]), Vec::new()];
        for other in others {
            let shorter = usize::from(columns[1].len() <= columns[0].len());
            let column = &mut columns[shorter];
            if !column.is_empty() {
                column.push(blank());
            }
            column.extend(other);
        }
        columns
    } else {
        // One column: the keys of every screen first, so a short terminal shows them at once.
        vec![joined([global, own].into_iter().chain(others))]
    };
    HelpPage {
        columns,
        key_width,
        column_width,
    }
}
