//! Places in a file's text: lines and columns as people count them, from byte offsets and
//! from serde_json's errors.

pub fn starts_with_key(json: &str, key: &str) -> bool {
    json.trim_start()
        .strip_prefix('{')
        .and_then(|rest| rest.trim_start().strip_prefix('"'))
        .and_then(|rest| rest.strip_prefix(key))
        .is_some_and(|rest| rest.starts_with('"'))
}

/// serde_json appends " at line L column C"; the place already says it.
pub fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Byte offset of a 1-based line and column (as serde_json counts them) in `text`.
pub fn byte_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

pub fn skip_whitespace(text: &str, from: usize) -> usize {
    let rest = &text[from.min(text.len())..];
    from + (rest.len() - rest.trim_start().len())
}

/// Start of the first line after the one holding `at` that begins with `{` or `[`.
pub fn next_value_line(text: &str, at: usize) -> Option<usize> {
    let mut start = text[at.min(text.len())..].find('\n')? + at + 1;
    while start < text.len() {
        if text[start..].starts_with(['{', '[']) {
            return Some(start);
        }
        start += text[start..].find('\n')? + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "ab\ncd\nef";
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(byte_of(text, 2, 2), 4);
        assert_eq!(next_value_line("x\n  {\n{\n", 0), Some(6));
        assert_eq!(next_value_line("{\n  {\n", 0), None);
    }
}
