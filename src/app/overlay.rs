//! What lies over the screen: while one is open it takes every key and click, and `Esc`
//! closes it. Only the quit keys of everywhere (not `q`) reach through it.

use super::columns::Chooser;
use super::cursor::Cursor;
use super::keymap::Context;
use super::state::Prompt;

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The keys in effect, scrolled by the moving keys.
    Help(Cursor),
    /// Problems with the data.
    Problems,
    /// A line being typed: a filter, a search, a file name.
    Prompt(Prompt),
    /// The trace list's column chooser.
    Columns(Chooser),
}

impl Overlay {
    /// The bindings that apply while it is open, besides those of everywhere.
    pub fn context(&self) -> Context {
        match self {
            Overlay::Columns(_) => Context::Columns,
            _ => Context::Global,
        }
    }
}
