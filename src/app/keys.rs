//! The key map in effect: the default table of [`super::keymap::DEFAULT_BINDINGS`] with the
//! user's overrides applied, by the actions' names in the configuration
//! ([`super::keymap::action_name`]).

use std::sync::{Arc, LazyLock};

use crossterm::event::KeyEvent;

use super::action::Intent;
use super::keymap::{Context, DEFAULT_BINDINGS, Key, action_name};
pub use super::keymap::{context_name, context_named, parse_key};

/// One binding as it is in effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub context: Context,
    pub keys: Vec<Key>,
    pub intent: Intent,
    pub description: &'static str,
}

/// What the user asked: the keys of an action, everywhere it is bound or in one context.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub context: Option<Context>,
    pub action: String,
    pub keys: Vec<String>,
}

/// An override that cannot be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideError {
    /// Which override: its index in the list given.
    pub index: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: DEFAULT_BINDINGS
                .iter()
                .map(|b| Binding {
                    context: b.context,
                    keys: b.keys.to_vec(),
                    intent: b.intent,
                    description: b.description,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The default table, shared.
    pub fn default_ref() -> &'static Keymap {
        static DEFAULT: LazyLock<Keymap> = LazyLock::new(Keymap::default);
        &DEFAULT
    }

    pub fn shared_default() -> Arc<Keymap> {
        static DEFAULT: LazyLock<Arc<Keymap>> = LazyLock::new(|| Arc::new(Keymap::default()));
        Arc::clone(&DEFAULT)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The default table with `overrides` applied in order. A key an override takes is taken
    /// from the default binding that had it in that context; an action left with no key is
    /// returned as a note to tell the user.
    pub fn with_overrides(overrides: &[Override]) -> Result<(Keymap, Vec<String>), OverrideError> {
        let mut keymap = Keymap::default();
        let mut notes = Vec::new();
        // Which bindings the user set, so their keys are not taken by a later override.
        let mut set_by_user = vec![None::<usize>; keymap.bindings.len()];
        for (index, wanted) in overrides.iter().enumerate() {
            let fail = |message: String| OverrideError { index, message };
            let keys = wanted
                .keys
                .iter()
                .map(|k| parse_key(k))
                .collect::<Result<Vec<Key>, String>>()
                .map_err(fail)?;
            let targets: Vec<usize> = keymap
                .bindings
                .iter()
                .enumerate()
                .filter(|(_, b)| action_name(b.intent) == Some(wanted.action.as_str()))
                .filter(|(_, b)| wanted.context.is_none_or(|c| c == b.context))
                .map(|(i, _)| i)
                .collect();
            if targets.is_empty() {
                return Err(fail(keymap.unknown_action(wanted)));
            }
            for &target in &targets {
                let context = keymap.bindings[target].context;
                for key in &keys {
                    for (other, binding) in keymap.bindings.iter_mut().enumerate() {
                        if other == target
                            || binding.context != context
                            || !binding.keys.contains(key)
                        {
                            continue;
                        }
                        let other_name = action_name(binding.intent).unwrap_or("an action");
                        if let Some(earlier) = set_by_user[other] {
                            if earlier != index {
                                return Err(fail(format!(
                                    "`{}` is also given to {other_name} in {}",
                                    key.label(),
                                    context.title().to_lowercase()
                                )));
                            }
                            continue;
                        }
                        binding.keys.retain(|k| k != key);
                        if binding.keys.is_empty() {
                            notes.push(format!(
                                "{other_name} has no key left in {}: `{}` does {} now",
                                context.title().to_lowercase(),
                                key.label(),
                                wanted.action
                            ));
                        }
                    }
                }
                keymap.bindings[target].keys = keys.clone();
                set_by_user[target] = Some(index);
            }
        }
        Ok((keymap, notes))
    }

    fn unknown_action(&self, wanted: &Override) -> String {
        let known_anywhere = self
            .bindings
            .iter()
            .any(|b| action_name(b.intent) == Some(wanted.action.as_str()));
        match wanted.context {
            Some(context) if known_anywhere => format!(
                "{} is not an action of {} (it is bound elsewhere: set it in [keys])",
                wanted.action,
                context.title().to_lowercase()
            ),
            _ => {
                let mut names: Vec<&str> = self
                    .bindings
                    .iter()
                    .filter_map(|b| action_name(b.intent))
                    .collect();
                names.sort();
                names.dedup();
                let near = names
                    .iter()
                    .map(|name| (edit_distance(name, &wanted.action), name))
                    .filter(|(distance, name)| {
                        *distance <= 2
                            || name.contains(wanted.action.as_str())
                            || wanted.action.contains(*name)
                    })
                    .min_by_key(|(distance, _)| *distance);
                match near {
                    Some((_, name)) => {
                        format!("unknown action `{}`; did you mean {name}?", wanted.action)
                    }
                    None => format!(
                        "unknown action `{}`; actions are named like toggle_help, \
                         next_tab, copy_trace_id (README lists them)",
                        wanted.action
                    ),
                }
            }
        }
    }

    /// The intent of a key in a context: that context's bindings first, then the global ones.
    pub fn intent_for(&self, context: Context, event: &KeyEvent) -> Option<Intent> {
        let lookup = |wanted: Context| {
            self.bindings
                .iter()
                .filter(|b| b.context == wanted)
                .find(|b| b.keys.iter().any(|k| k.matches(event)))
                .map(|b| b.intent)
        };
        lookup(context)
            .or_else(|| context.underneath().and_then(lookup))
            .or_else(|| lookup(Context::Global))
    }

    /// The first key bound to an intent in a context, for hints in the status line.
    pub fn key_label(&self, context: Context, intent: Intent) -> Option<String> {
        let first_in = |wanted: Context| {
            self.bindings
                .iter()
                .filter(|b| b.intent == intent && b.context == wanted)
                .find_map(|b| b.keys.first())
                .map(Key::label)
        };
        first_in(context)
            .or_else(|| context.underneath().and_then(first_in))
            .or_else(|| first_in(Context::Global))
    }
}

/// How many single-character edits turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn set(context: Option<Context>, action: &str, keys: &[&str]) -> Override {
        Override {
            context,
            action: action.into(),
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn keys_are_read_as_written() {
        let k = |text| parse_key(text).unwrap();
        assert_eq!(
            k("q"),
            Key {
                code: KeyCode::Char('q'),
                modifiers: KeyModifiers::NONE
            }
        );
        assert_eq!(
            k("ctrl-q"),
            Key {
                code: KeyCode::Char('q'),
                modifiers: KeyModifiers::CONTROL
            }
        );
        assert_eq!(
            k("shift-g"),
            Key {
                code: KeyCode::Char('G'),
                modifiers: KeyModifiers::NONE
            }
        );
        assert_eq!(k("shift-tab").code, KeyCode::BackTab);
        assert_eq!(k("F5").code, KeyCode::F(5));
        assert_eq!(k("space").code, KeyCode::Char(' '));
        assert_eq!(k("PgDn").code, KeyCode::PageDown);
        assert_eq!(k("Ctrl-Q"), k("ctrl-q"));
        assert_eq!(k("alt-x").label(), "Alt-x");
        assert_eq!(k("ctrl-alt-x").label(), "Ctrl-Alt-x");
        assert_eq!(k("shift-up").label(), "Shift-↑");
        let error = parse_key("ctrl-banana").unwrap_err();
        assert!(error.contains("`ctrl-banana` is not a key"), "{error}");
        assert!(parse_key("f99").is_err());
    }

    #[test]
    fn an_override_replaces_the_keys_of_its_action_only() {
        let (keymap, notes) =
            Keymap::with_overrides(&[set(None, "toggle_help", &["h", "F1"])]).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        let h = press(KeyCode::Char('h'), KeyModifiers::NONE);
        assert_eq!(
            keymap.intent_for(Context::List, &h),
            Some(Intent::ToggleHelp)
        );
        // The waterfall's own `h` still wins there.
        assert_eq!(
            keymap.intent_for(Context::Trace, &h),
            Some(Intent::FoldOrParent)
        );
        let question = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(keymap.intent_for(Context::List, &question), None);
        assert_eq!(
            keymap
                .key_label(Context::List, Intent::ToggleHelp)
                .as_deref(),
            Some("h")
        );
        // Everything else is as it was.
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::List, &j), Some(Intent::Down));
    }

    #[test]
    fn an_override_in_one_context_leaves_the_others() {
        let (keymap, _) =
            Keymap::with_overrides(&[set(Some(Context::Trace), "close", &["backspace"])]).unwrap();
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::Trace, &esc), None);
        assert_eq!(keymap.intent_for(Context::Map, &esc), Some(Intent::Close));
    }

    #[test]
    fn an_action_left_with_no_key_is_reported() {
        let (keymap, notes) = Keymap::with_overrides(&[set(None, "quit", &["x"])]).unwrap();
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::List, &x), Some(Intent::Quit));
        assert_eq!(
            notes,
            ["clear_filter has no key left in trace list: `x` does quit now"]
        );
    }

    #[test]
    fn a_key_taken_from_an_action_with_other_keys_is_not_a_note() {
        let (keymap, notes) = Keymap::with_overrides(&[set(None, "quit", &["j"])]).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        let down = press(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(keymap.intent_for(Context::List, &j), Some(Intent::Quit));
        assert_eq!(keymap.intent_for(Context::List, &down), Some(Intent::Down));
    }

    #[test]
    fn two_overrides_wanting_one_key_conflict() {
        let error =
            Keymap::with_overrides(&[set(None, "sort_next", &["o"]), set(None, "refresh", &["o"])])
                .unwrap_err();
        assert_eq!(error.index, 1);
        assert!(
            error.message.contains("`o` is also given to sort_next"),
            "{}",
            error.message
        );
    }

    #[test]
    fn unknown_actions_and_keys_are_errors() {
        let error = Keymap::with_overrides(&[set(None, "explode", &["x"])]).unwrap_err();
        assert!(
            error
                .message
                .starts_with("unknown action `explode`; actions are named like"),
            "{}",
            error.message
        );
        let error = Keymap::with_overrides(&[set(None, "toggle_hlep", &["x"])]).unwrap_err();
        assert_eq!(
            error.message,
            "unknown action `toggle_hlep`; did you mean toggle_help?"
        );
        let error = Keymap::with_overrides(&[set(Some(Context::Map), "copy_trace_id", &["y"])])
            .unwrap_err();
        assert!(
            error.message.contains("not an action of service map"),
            "{}",
            error.message
        );
        let error = Keymap::with_overrides(&[set(None, "quit", &["hyper-q"])]).unwrap_err();
        assert!(
            error.message.contains("`hyper-q` is not a key"),
            "{}",
            error.message
        );
    }
}
