//! A key as bindings name it: its code and modifiers, how it is written in the configuration
//! and how the help shows it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

pub(super) const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

pub(super) const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub(super) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Shift is part of the character for letters and symbols ('G', '?').
        let modifiers = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        self.code == event.code && self.modifiers == modifiers
    }

    /// How the help and hints name the key; with `ascii`, arrows are spelt out.
    pub fn label_for(&self, ascii: bool) -> String {
        let label = self.label();
        if !ascii {
            return label;
        }
        label
            .replace('↑', "Up")
            .replace('↓', "Down")
            .replace('←', "Left")
            .replace('→', "Right")
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        for (modifier, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(modifier) {
                label.push_str(name);
            }
        }
        label + &base
    }
}

/// Reads a key as written in the configuration: `q`, `Q`, `ctrl-q`, `enter`, `f5`,
/// `shift-tab`, `space`, `pgdn`, `alt-x`.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let bad = |why: &str| {
        format!(
            "`{text}` is not a key ({why}); write keys like q, Q, ctrl-q, enter, f5, space, shift-tab"
        )
    };
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text.trim();
    loop {
        let lower = rest.to_ascii_lowercase();
        let prefix = ["ctrl-", "ctrl+", "c-", "alt-", "alt+", "shift-", "shift+"]
            .into_iter()
            .find(|p| lower.starts_with(p) && rest.len() > p.len());
        let Some(prefix) = prefix else { break };
        modifiers |= match prefix.as_bytes()[0] {
            b'c' => KeyModifiers::CONTROL,
            b'a' => KeyModifiers::ALT,
            _ => KeyModifiers::SHIFT,
        };
        rest = &rest[prefix.len()..];
    }
    if rest.is_empty() {
        return Err(bad("nothing after the modifiers"));
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest.to_ascii_lowercase().as_str() {
            "space" => KeyCode::Char(' '),
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            other => match other.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 1..=24) => KeyCode::F(n),
                _ => return Err(bad("unknown key name")),
            },
        },
    };
    // Terminals send Ctrl with the letter's lower case.
    if let KeyCode::Char(c) = code
        && modifiers.contains(KeyModifiers::CONTROL)
        && !modifiers.contains(KeyModifiers::SHIFT)
    {
        return Ok(Key {
            code: KeyCode::Char(c.to_ascii_lowercase()),
            modifiers,
        });
    }
    // Shift is part of a character: `shift-g` is `G`.
    if let KeyCode::Char(c) = code
        && modifiers.contains(KeyModifiers::SHIFT)
    {
        modifiers -= KeyModifiers::SHIFT;
        return Ok(Key {
            code: KeyCode::Char(c.to_ascii_uppercase()),
            modifiers,
        });
    }
    Ok(Key { code, modifiers })
}
