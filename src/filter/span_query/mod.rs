//! The span search language of the waterfall's and the list's `/`: terms separated by spaces,
//! all of which a span must satisfy.
//!
//! ```text
//! term := KEY ('=' | '!=' | '>' | '<' | '>=' | '<=') VALUE   -- compare a field
//!       | '-' KEY                                           -- spans without the field
//!       | '"' PHRASE '"' | WORD                             -- text anywhere, as before
//! ```
//!
//! Values may be quoted (`http.url="/a b"`). `=` and `!=` compare text without regard to case
//! (numbers as numbers); the order operators take numbers, and `duration` also takes a unit
//! (`duration>250ms`, `1.5s`, `2m`; seconds without one). Keys are resolved by [`eval`].

mod eval;
mod translate;

pub use eval::{matches, values_of};
pub use translate::to_filter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Le => "<=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A plain word or a quoted phrase, lower-cased: found in names, URLs, SQL, AWS calls,
    /// annotations and exceptions.
    Text(String),
    Compare {
        key: String,
        op: Op,
        value: String,
        /// The value as a number (a duration in seconds for `duration`), when it is one.
        number: Option<f64>,
    },
    Absent(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanQuery {
    pub terms: Vec<Term>,
}

/// A mistake in the query, at a character column (from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub column: usize,
}

impl SpanQuery {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Reads a query; an empty one has no terms.
pub fn parse(text: &str) -> Result<SpanQuery, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut terms = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_whitespace() {
            at += 1;
            continue;
        }
        let (term, next) = term(&chars, at)?;
        terms.push(term);
        at = next;
    }
    Ok(SpanQuery { terms })
}

fn error(message: impl Into<String>, column: usize) -> QueryError {
    QueryError {
        message: message.into(),
        column,
    }
}

/// The text of a quoted string starting at `at` (the quote) and the column after it.
fn quoted(chars: &[char], at: usize) -> Result<(String, usize), QueryError> {
    let mut out = String::new();
    let mut i = at + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((out, i + 1)),
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(error("this quote is never closed", at))
}

fn is_operator(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>')
}

fn term(chars: &[char], start: usize) -> Result<(Term, usize), QueryError> {
    if chars[start] == '"' {
        let (phrase, next) = quoted(chars, start)?;
        if phrase.trim().is_empty() {
            return Err(error("an empty phrase finds nothing", start));
        }
        return Ok((Term::Text(phrase.to_lowercase()), next));
    }
    let mut i = start;
    while i < chars.len() && !chars[i].is_whitespace() && !is_operator(chars[i]) {
        if chars[i] == '"' {
            return Err(error("a quote opens a phrase or a value: put it first", i));
        }
        i += 1;
    }
    let word: String = chars[start..i].iter().collect();
    if i == chars.len() || chars[i].is_whitespace() {
        if let Some(key) = word.strip_prefix('-') {
            if key.is_empty() {
                return Err(error("`-` needs a key: -KEY finds spans without it", start));
            }
            return Ok((Term::Absent(key.to_owned()), i));
        }
        return Ok((Term::Text(word.to_lowercase()), i));
    }
    // An operator.
    let op_at = i;
    let two = chars.get(i + 1) == Some(&'=');
    let op = match (chars[i], two) {
        ('=', _) => Op::Eq,
        ('!', true) => Op::Ne,
        ('>', true) => Op::Ge,
        ('<', true) => Op::Le,
        ('>', false) => Op::Gt,
        ('<', false) => Op::Lt,
        ('!', false) => return Err(error("`!` goes with `=`: KEY!=VALUE", op_at)),
        _ => unreachable!("is_operator"),
    };
    i += if two && op != Op::Eq { 2 } else { 1 };
    if word.is_empty() {
        return Err(error(
            format!("`{}` needs a key before it", op.text()),
            op_at,
        ));
    }
    if word.starts_with('-') {
        return Err(error("-KEY takes no value", start));
    }
    let value_at = i;
    let (value, next) = if chars.get(i) == Some(&'"') {
        quoted(chars, i)?
    } else {
        let mut j = i;
        while j < chars.len() && !chars[j].is_whitespace() {
            j += 1;
        }
        let value: String = chars[i..j].iter().collect();
        if let Some(bad) = value.find(is_operator) {
            return Err(error(
                "one operator a term; quote a value that has one",
                value_at + value[..bad].chars().count(),
            ));
        }
        (value, j)
    };
    if value.is_empty() && chars.get(value_at) != Some(&'"') {
        return Err(error(
            format!("{word}{} needs a value", op.text()),
            value_at,
        ));
    }
    let number = if word.eq_ignore_ascii_case("duration") {
        duration(&value)
    } else {
        value.parse::<f64>().ok().filter(|n| n.is_finite())
    };
    if matches!(op, Op::Gt | Op::Lt | Op::Ge | Op::Le) && number.is_none() {
        let what = if word.eq_ignore_ascii_case("duration") {
            "a duration (250ms, 1.5s, 2m)"
        } else {
            "a number"
        };
        return Err(error(
            format!("`{}` compares with {what}", op.text()),
            value_at,
        ));
    }
    let term = Term::Compare {
        key: word,
        op,
        value,
        number,
    };
    Ok((term, next))
}

/// `250ms`, `1.5s`, `2m`, `40us` or plain seconds, in seconds.
fn duration(text: &str) -> Option<f64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "m" => 60.0,
        _ => return None,
    };
    Some(number * scale)
}

#[cfg(test)]
mod tests;
