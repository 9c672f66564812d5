//! The X-Ray filter expression language: parse, print, narrow ([`compose`]), evaluate.
//!
//! Grammar (after the AWS X-Ray Developer Guide, "Using filter expressions"):
//!
//! ```text
//! expr     := and (('OR' | '||') and)*
//! and      := unary (('AND' | '&&')? unary)*      -- juxtaposition is AND: `ok !partial`
//! unary    := '!' unary | primary
//! primary  := '(' expr ')'
//!           | BOOL_KW [('=' | '!=') ('true' | 'false')]
//!           | NUMBER_KW ('=' | '!=' | '<' | '<=' | '>' | '>=') NUMBER
//!           | STRING_KW [('=' | '!=' | 'CONTAINS' | 'BEGINSWITH' | 'ENDSWITH') STRING]
//!           | ('annotation.KEY' | 'annotation' '[' KEY ']') [op value]
//!           | ('group.name' | 'group.arn') ('=' | '!=') STRING
//!           | 'service' '(' [selector] ')' [block]
//!           | 'edge' '(' selector ',' selector ')' [block]
//!           | 'rootcause.' ('fault'|'error'|'responsetime') '.' ('service'|'entity'|'exception') [block]
//!           | 'rootcause.json' '=' '#' JSON_ARRAY
//! selector := STRING | 'id' '(' [field ':' STRING (',' field ':' STRING)*] ')'
//!             field := 'name' | 'type' | 'account.id'
//! block    := '{' expr '}'
//! ```
//!
//! Keywords, `AND`/`OR`, the string operators and `true`/`false` are read in any case;
//! [`Expr`]'s `Display` writes the canonical form (lower-case keywords, upper-case operators,
//! explicit `AND`), which parses back to the same tree. Strings are in double quotes with `\"`
//! and `\\` as escapes; numbers are decimal (`-1`, `0.5`, `2e3`), in seconds for times, with no
//! unit.
//!
//! Where the guide is silent or loose this module decides, and says so:
//! - `AND` binds tighter than `OR` (the guide does not say; this is the usual reading).
//! - Parentheses group (undocumented, but used by real users and tools).
//! - `!` negates a keyword, a complex keyword or a parenthesised group; `!responsetime > 5` is
//!   refused (write `responsetime <= 5` or `!(responsetime > 5)`), as the guide only shows `!`
//!   before keywords.
//! - A bare string keyword is true when the field is set; a bare `annotation.KEY` is true when
//!   the annotation is set, and for a boolean annotation, when it is `true` (the guide's
//!   "complex keyword operators": "If the keyword is of boolean type, it will evaluate to the
//!   boolean value"). A bare number keyword is refused.
//! - Values must be quoted strings, numbers or `true`/`false`; one guide example writes
//!   `name = traces` unquoted, which is refused with a hint.
//! - Each place allows the keywords that mean something there ([`Scope::allows`]): `first`,
//!   `last`, `index` only inside `rootcause.*.*` blocks, `remote` in `rootcause.*.entity`,
//!   `root` in `service()` and `rootcause.*.service`, `coverage` in `rootcause.responsetime.*`
//!   (response-time root causes have no `exception` form: X-Ray lists no exceptions for them).
//! - Annotations, groups, root causes and nested `service()`/`edge()` are refused inside
//!   `service() { }` and `edge() { }` ("You can't use this keyword in combination with the
//!   service or edge keyword").
//! - Annotation keys are letters, digits and underscores. `annotation[KEY]` is accepted too and
//!   also allows dots, which the Go SDK sends (see the ddbSample fixture).
//! - Group names are not checked: the guide's own example (`high_response_time`) breaks its
//!   rule of letters, digits and dashes.
//! - Nesting deeper than [`MAX_DEPTH`] (parentheses, `!`, braces) is refused, so no input can
//!   overflow the stack of the parser, the printer or the evaluator.
//!
//! Errors ([`ParseError`]) say what was expected and point at the bytes where it was not found;
//! [`ParseError::render`] draws a caret line under them. Unknown keywords get a "did you mean"
//! when a known one is close.

mod ast;
pub mod compose;
mod eval;
pub mod insights;
mod lexer;
mod parser;
mod print;
pub mod span_query;

use std::fmt;

pub use ast::{
    Expr, ExprKind, GroupField, Keyword, KeywordType, Op, RootCauseKind, RootCauseTarget, Scope,
    Selector, SourceSpan, Value,
};
pub use eval::{matches, matches_summary};
pub use print::quote;

/// The deepest nesting of parentheses, `!` and braces the parser accepts.
pub const MAX_DEPTH: usize = 256;

/// Parses a filter expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    parser::parse(text)
}

/// Why an expression does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was expected, e.g. `expected a number after '>'`.
    pub message: String,
    /// The bytes at fault: an empty range at the end of the text when something is missing
    /// there.
    pub span: SourceSpan,
}

impl ParseError {
    pub fn new(message: String, span: SourceSpan) -> ParseError {
        ParseError { message, span }
    }

    /// The column (1-based, in characters) where the error starts.
    pub fn column(&self, source: &str) -> usize {
        column_of(source, self.span.start)
    }

    /// The expression with a caret line under the offending part, then the message:
    ///
    /// ```text
    /// http.status > "500"
    ///               ^^^^^
    /// expected a number after '>'
    /// ```
    ///
    /// Control characters are shown as spaces so the carets stay under their characters, and
    /// wide characters get as many carets or spaces as the columns they take.
    pub fn render(&self, source: &str) -> String {
        let start = floor_char_boundary(source, self.span.start);
        let end = floor_char_boundary(source, self.span.end).max(start);
        let shown = |c: char| if c.is_control() { ' ' } else { c };
        let width = |text: &str| -> usize {
            text.chars()
                .map(|c| unicode_width::UnicodeWidthChar::width(shown(c)).unwrap_or(0))
                .sum()
        };
        let line: String = source.chars().map(shown).collect();
        format!(
            "{line}\n{}{}\n{}",
            " ".repeat(width(&source[..start])),
            "^".repeat(width(&source[start..end]).max(1)),
            self.message
        )
    }
}

/// The column (1-based, in characters) of a byte offset in `source`.
fn column_of(source: &str, at: usize) -> usize {
    let start = floor_char_boundary(source, at);
    source[..start].chars().count() + 1
}

fn floor_char_boundary(source: &str, mut at: usize) -> usize {
    at = at.min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_caret_under_the_culprit() {
        let src = r#"http.status > "500""#;
        let e = parse(src).unwrap_err();
        assert_eq!(
            e.render(src),
            "http.status > \"500\"\n              ^^^^^\nexpected a number after '>'"
        );
        assert_eq!(e.column(src), 15);
        let src = "ok AND";
        let e = parse(src).unwrap_err();
        assert_eq!(
            e.render(src),
            "ok AND\n      ^\nexpected an expression after 'AND'"
        );
    }

    #[test]
    fn wide_and_control_characters_keep_the_caret_aligned() {
        let src = "user = \"日本\" AND\tfoo";
        let e = parse(src).unwrap_err();
        let rendered = e.render(src);
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines[0], "user = \"日本\" AND foo");
        assert_eq!(lines[1], format!("{}^^^", " ".repeat(18)));
    }
}
