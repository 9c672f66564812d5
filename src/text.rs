//! Making untrusted strings from traces safe to draw: no control characters, escape
//! sequences, bidi overrides or invisible characters reach the terminal.

pub mod count;
pub mod duration;

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces everything that could move the cursor, change the terminal's state or hide text.
/// C0 controls become their visible "control picture" (ESC shows as `␛`), C1 controls and
/// DEL become `�`, bidi overrides and zero-width characters show as `⟨U+202E⟩`.
pub fn clean(text: &str) -> Cow<'_, str> {
    if is_clean(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_plain(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
        } else if c == '\u{7F}' || ('\u{80}'..='\u{9F}').contains(&c) {
            out.push('\u{FFFD}');
        } else {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Whether [`clean`] would leave `text` as it is. Reads bytes: only a few lead bytes start a
/// character that is not plain, so most text is checked without decoding it.
pub fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            0x00..=0x1F | 0x7F => return false,
            // Of the characters from U+2000 up (E2), only U+2000..U+207F (E2 80, E2 81) are
            // checked: the box-drawing and block characters of drawings are not.
            0xE2 if !matches!(bytes.get(at + 1), Some(0x80 | 0x81)) => at += 3,
            // C1 controls and the soft hyphen (C2), U+061C (D8), U+180E (E1), the zero-width
            // and bidi characters (E2), U+FEFF and U+FFF9..U+FFFB (EF).
            0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xEF => {
                let Some(c) = text[at..].chars().next() else {
                    return true;
                };
                if !is_plain(c) {
                    return false;
                }
                at += c.len_utf8();
            }
            // ASCII, the continuation bytes and the other lead bytes.
            _ => at += 1,
        }
    }
    true
}

fn is_plain(c: char) -> bool {
    !(c.is_control() || is_invisible_format(c))
}

/// Bidi controls, zero-width characters and other format characters that hide or reorder text.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}')
}

/// Cleans `text` and cuts it to at most `width` terminal columns, ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    let clean = clean(text);
    if clean.width() <= width {
        return clean.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Like [`fit`] but keeps the end of the text (for ids and paths).
pub fn fit_end(text: &str, width: usize) -> String {
    let clean = clean(text);
    if clean.width() <= width {
        return clean.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in clean.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// Text for the clipboard: no control characters except newlines and tabs.
pub fn clean_for_copy(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_invisible_format(c)))
        .collect()
}

/// A file name made from untrusted text: letters, digits, `-`, `_` and `.` only.
pub fn file_name_safe(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    name.trim_start_matches('.').to_owned()
}

/// Cleans `text` and breaks it into lines of at most `width` columns, at spaces where it can.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let clean = clean(text);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in clean.split_inclusive(' ') {
        let word_width = word.width();
        if used + word_width > width && used > 0 {
            lines.push(current.trim_end().to_owned());
            current.clear();
            used = 0;
        }
        if word_width > width {
            // A word longer than the line: break it anywhere.
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    lines.push(std::mem::take(&mut current));
                    used = 0;
                }
                current.push(c);
                used += w;
            }
        } else {
            current.push_str(word);
            used += word_width;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current.trim_end().to_owned());
    }
    lines
}

/// Terminal width of already-clean text.
pub fn width(text: &str) -> usize {
    text.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_visible() {
        let hostile = "GET /\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}31m\u{202e}gnp.exe\r\n";
        let cleaned = clean(hostile);
        assert!(!cleaned.chars().any(|c| c.is_control()), "{cleaned:?}");
        assert_eq!(
            cleaned,
            "GET /␛]52;c;ZXZpbA==␇␛[2J\u{FFFD}31m⟨U+202E⟩gnp.exe␍␊"
        );
    }

    #[test]
    fn the_quick_check_agrees_with_each_character() {
        let suspects = [
            '\u{0}', '\u{1F}', ' ', '~', '\u{7F}', '\u{80}', '\u{9F}', '\u{A0}', '\u{AD}',
            '\u{61C}', '\u{180E}', '\u{200B}', '\u{2010}', '\u{202E}', '\u{2060}', '\u{206F}', '█',
            '├', '\u{FEFF}', '\u{FFF9}', '\u{FFFC}', '日', '😀',
        ];
        for c in suspects {
            let text = format!("a{c}b");
            assert_eq!(is_clean(&text), is_plain(c), "{:04X}", c as u32);
        }
        for code in 0..0x3_0000 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(
                    is_clean(c.encode_utf8(&mut [0; 4])),
                    is_plain(c),
                    "{code:04X}"
                );
            }
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("orders · 200 ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn fitting_counts_columns() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(
            fit_end("1-5759e988-bd862e3fe1be46a994272793", 9),
            "…94272793"
        );
    }
}
