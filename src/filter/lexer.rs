//! Splits a filter expression into tokens, each with its byte range.

use super::ParseError;
use super::ast::{Op, SourceSpan};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A word: keywords, `AND`/`OR`, `CONTAINS`..., `true`/`false`, `id`, field names.
    /// Letters, digits, `_` and `.`, starting with a letter or `_`.
    Word,
    Str(String),
    Number(f64),
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Bang,
    Op(Op),
    AndAnd,
    OrOr,
    /// `#[ ... ]`: the JSON text is the range after the `#`.
    Json,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: SourceSpan,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |message: String, span: SourceSpan| Err(ParseError::new(message, span));
    while i < src.len() {
        let Some(c) = src[i..].chars().next() else {
            break;
        };
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let one = |tok: Tok| Token {
            tok,
            span: start..start + 1,
        };
        let next = bytes.get(i + 1).copied();
        match c {
            '(' => tokens.push(one(Tok::LParen)),
            ')' => tokens.push(one(Tok::RParen)),
            '{' => tokens.push(one(Tok::LBrace)),
            '}' => tokens.push(one(Tok::RBrace)),
            '[' => tokens.push(one(Tok::LBracket)),
            ']' => tokens.push(one(Tok::RBracket)),
            ',' => tokens.push(one(Tok::Comma)),
            ':' => tokens.push(one(Tok::Colon)),
            '!' if next == Some(b'=') => {
                tokens.push(Token {
                    tok: Tok::Op(Op::Ne),
                    span: start..start + 2,
                });
                i += 2;
                continue;
            }
            '!' => tokens.push(one(Tok::Bang)),
            '=' if next == Some(b'=') => {
                return err(
                    "'==' is written '=' in filter expressions".into(),
                    start..start + 2,
                );
            }
            '=' => tokens.push(one(Tok::Op(Op::Eq))),
            '<' | '>' => {
                let (op, len) = match (c, next) {
                    ('<', Some(b'=')) => (Op::Le, 2),
                    ('>', Some(b'=')) => (Op::Ge, 2),
                    ('<', Some(b'>')) => {
                        return err(
                            "'<>' is written '!=' in filter expressions".into(),
                            start..start + 2,
                        );
                    }
                    ('<', _) => (Op::Lt, 1),
                    _ => (Op::Gt, 1),
                };
                tokens.push(Token {
                    tok: Tok::Op(op),
                    span: start..start + len,
                });
                i += len;
                continue;
            }
            '&' | '|' => {
                let doubled = next == Some(c as u8);
                if !doubled {
                    return err(
                        format!("unexpected '{c}': did you mean '{c}{c}'?"),
                        start..start + 1,
                    );
                }
                tokens.push(Token {
                    tok: if c == '&' { Tok::AndAnd } else { Tok::OrOr },
                    span: start..start + 2,
                });
                i += 2;
                continue;
            }
            '"' => {
                let (text, end) = string(src, start)?;
                tokens.push(Token {
                    tok: Tok::Str(text),
                    span: start..end,
                });
                i = end;
                continue;
            }
            '\'' => {
                let end = src[start + 1..]
                    .find('\'')
                    .map_or(start + 1, |at| start + 1 + at + 1);
                return err(
                    "strings are written in double quotes (\"...\"), not single quotes".into(),
                    start..end,
                );
            }
            '#' => {
                if next != Some(b'[') {
                    return err(
                        "expected '[' after '#' (rootcause.json = #[...])".into(),
                        start..start + 1,
                    );
                }
                let end = json_end(src, start + 1)?;
                tokens.push(Token {
                    tok: Tok::Json,
                    span: start..end,
                });
                i = end;
                continue;
            }
            '-' | '0'..='9' => {
                let (number, end) = number(src, start)?;
                tokens.push(Token {
                    tok: Tok::Number(number),
                    span: start..end,
                });
                i = end;
                continue;
            }
            c if is_word_start(c) => {
                let end = src[start..]
                    .char_indices()
                    .find(|&(_, c)| !is_word_char(c))
                    .map_or(src.len(), |(at, _)| start + at);
                tokens.push(Token {
                    tok: Tok::Word,
                    span: start..end,
                });
                i = end;
                continue;
            }
            c => {
                let shown: String = if c.is_control() {
                    format!("{:?}", c)
                } else {
                    format!("'{c}'")
                };
                return err(
                    format!("unexpected character {shown}"),
                    start..start + c.len_utf8(),
                );
            }
        }
        i += 1;
    }
    tokens.push(Token {
        tok: Tok::Eof,
        span: src.len()..src.len(),
    });
    Ok(tokens)
}

/// A double-quoted string starting at `start`: `\"` and `\\` are escapes, any other backslash
/// is kept as written. Returns the text and the end of the token.
fn string(src: &str, start: usize) -> Result<(String, usize), ParseError> {
    let mut text = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((text, start + 1 + at + 1)),
            '\\' => match chars.clone().next() {
                Some((_, escaped @ ('"' | '\\'))) => {
                    chars.next();
                    text.push(escaped);
                }
                _ => text.push('\\'),
            },
            c => text.push(c),
        }
    }
    Err(ParseError::new(
        "unterminated string: add the closing '\"'".into(),
        start..src.len(),
    ))
}

fn number(src: &str, start: usize) -> Result<(f64, usize), ParseError> {
    let bytes = src.as_bytes();
    let mut end = start;
    if bytes[end] == b'-' {
        end += 1;
    }
    let digits = |mut at: usize| {
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        at
    };
    let int_end = digits(end);
    if int_end == end && src[..start].chars().next_back().is_some_and(is_word_char) {
        return Err(ParseError::new(
            "unexpected '-': keywords and annotation keys are letters, digits, '_' and '.', and names go in double quotes".into(),
            start..(start + 1),
        ));
    }
    if int_end == end {
        return Err(ParseError::new(
            "expected a number after '-'".into(),
            start..(start + 1),
        ));
    }
    end = int_end;
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut at = end + 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exp_end = digits(at);
        if exp_end > at {
            end = exp_end;
        }
    }
    // `5s`, `200ms`, `1.2.3`: a number glued to letters is not a number.
    let glued = src[end..]
        .char_indices()
        .find(|&(_, c)| !(is_word_char(c)))
        .map_or(src.len(), |(at, _)| end + at);
    if glued > end {
        let word = &src[start..glued];
        let hint = if src[end..glued].chars().all(|c| c.is_ascii_alphabetic()) {
            ": write times in seconds, without a unit (e.g. 0.5)"
        } else {
            ""
        };
        return Err(ParseError::new(
            format!("'{word}' is not a number{hint}"),
            start..glued,
        ));
    }
    let text = &src[start..end];
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((n, end)),
        _ => Err(ParseError::new(
            format!("the number {text} is out of range"),
            start..end,
        )),
    }
}

/// The end of a `[ ... ]` JSON array starting at `open`: brackets and braces balanced, strings
/// skipped. Returns the index after the closing `]`.
fn json_end(src: &str, open: usize) -> Result<usize, ParseError> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    Err(ParseError::new(
        "unterminated JSON: expected ']' to close '#['".into(),
        (open - 1)..src.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn splits_operators_words_and_values() {
        assert_eq!(
            toks(r#"http.status>=500&&!fault||user CONTAINS "a\"b""#),
            [
                Tok::Word,
                Tok::Op(Op::Ge),
                Tok::Number(500.0),
                Tok::AndAnd,
                Tok::Bang,
                Tok::Word,
                Tok::OrOr,
                Tok::Word,
                Tok::Word,
                Tok::Str("a\"b".into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("x != -1.5e2"),
            [Tok::Word, Tok::Op(Op::Ne), Tok::Number(-150.0), Tok::Eof]
        );
        let tokens = tokenize(r#"rootcause.json = #[{"a":"]"}] ok"#).unwrap();
        assert_eq!(tokens[2].tok, Tok::Json);
        assert_eq!(tokens[2].span, 17..29);
        assert_eq!(tokens[3].tok, Tok::Word);
    }

    #[test]
    fn reports_bad_input_where_it_is() {
        let e = tokenize(r#"user = "abc"#).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("unterminated string: add the closing '\"'", 7..11)
        );
        assert_eq!(tokenize("a == 1").unwrap_err().span, 2..4);
        assert_eq!(tokenize("responsetime > 5s").unwrap_err().span, 15..17);
        assert_eq!(tokenize("a & b").unwrap_err().span, 2..3);
        assert_eq!(tokenize("name = 'x'").unwrap_err().span, 7..10);
        assert_eq!(tokenize("a = 1e999").unwrap_err().span, 4..9);
        assert_eq!(tokenize("é").unwrap_err().span, 0..2);
        assert!(tokenize("rootcause.json = #[{").is_err());
    }
}
