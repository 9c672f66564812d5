//! Key bindings: the default table, keys, contexts and the stable names the configuration
//! uses for actions and contexts.

mod defaults;
mod key;
mod names;

use crossterm::event::KeyEvent;

pub use defaults::{DEFAULT_BINDINGS, DefaultBinding};
pub use key::{Key, parse_key};
pub use names::{action_name, action_names, context_name, context_named, intent_named};

use super::action::Intent;
use super::keys::Keymap;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    List,
    Trace,
    Map,
    /// The column chooser of the trace list.
    Columns,
    Groups,
    Compare,
    /// Span statistics.
    Stats,
    /// An icicle: the open trace's, or the listed traces'. Keys it leaves alone are the
    /// waterfall's.
    Icicle,
    /// Two traces merged into one tree.
    Diff,
    Insights,
}

impl Context {
    /// Every context, in the order the help lists them.
    pub const ALL: [Context; 11] = [
        Context::Global,
        Context::List,
        Context::Trace,
        Context::Map,
        Context::Columns,
        Context::Groups,
        Context::Compare,
        Context::Stats,
        Context::Icicle,
        Context::Diff,
        Context::Insights,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Trace list",
            Context::Trace => "Waterfall",
            Context::Map => "Service map",
            Context::Columns => "Columns",
            Context::Groups => "Group by",
            Context::Compare => "Compare",
            Context::Stats => "Statistics",
            Context::Icicle => "Icicle",
            Context::Diff => "Trace diff",
            Context::Insights => "Insights",
        }
    }

    /// The context whose keys apply where this one binds nothing (before those of everywhere).
    pub fn underneath(self) -> Option<Context> {
        match self {
            Context::Icicle => Some(Context::Trace),
            _ => None,
        }
    }
}

/// The intent of a key in a context, by the default bindings (see [`Keymap::intent_for`]).
pub fn intent_for(context: Context, event: &KeyEvent) -> Option<Intent> {
    Keymap::default_ref().intent_for(context, event)
}

/// The first default key of an intent in a context (see [`Keymap::key_label`]).
pub fn key_label(context: Context, intent: Intent) -> Option<String> {
    Keymap::default_ref().key_label(context, intent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn context_bindings_win_over_global_ones() {
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(intent_for(Context::Trace, &q), Some(Intent::Close));
        assert_eq!(intent_for(Context::List, &q), Some(Intent::Quit));
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(intent_for(Context::List, &shifted_g), Some(Intent::Bottom));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(intent_for(Context::Trace, &ctrl_c), Some(Intent::Quit));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in DEFAULT_BINDINGS.iter().enumerate() {
            for b in &DEFAULT_BINDINGS[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{} bound twice", k.label());
                    }
                }
            }
        }
    }
}
