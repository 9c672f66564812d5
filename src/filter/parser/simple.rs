//! Simple keywords: a flag (`fault`, `fault = false`), a number compared (`responsetime > 1`)
//! or a string field, bare or compared (`http.url CONTAINS "/api"`).

use super::suggest::not_here;
use super::{Parser, error, operator_word};
use crate::filter::ParseError;
use crate::filter::ast::{Expr, ExprKind, Keyword, KeywordType, Op, Scope, Value};
use crate::filter::lexer::{Tok, Token};

impl Parser<'_> {
    pub(super) fn simple(
        &mut self,
        keyword: Keyword,
        token: Token,
        scope: Scope,
    ) -> Result<Expr, ParseError> {
        if !scope.allows(keyword) {
            return Err(error(not_here(keyword, scope), token.span));
        }
        self.bump();
        let name = self.text(&token);
        let next = self.peek().clone();
        let next_op = match &next.tok {
            Tok::Op(op) => Some(*op),
            Tok::Word => operator_word(self.text(&next)),
            _ => None,
        };
        let start = token.span.start;
        let compare = |op: Op, value: Value, end: usize| {
            Expr::new(ExprKind::Compare { keyword, op, value }, start..end)
        };
        match keyword.value_type() {
            KeywordType::Bool => match next_op {
                Some(op @ (Op::Eq | Op::Ne)) => {
                    self.bump();
                    let value = self.peek().clone();
                    match self.boolean(&value) {
                        Some(b) => {
                            self.bump();
                            Ok(compare(op, Value::Bool(b), value.span.end))
                        }
                        None => Err(error(
                            format!("expected true or false after '{}'", op.text()),
                            value.span,
                        )),
                    }
                }
                Some(op) => Err(error(
                    format!(
                        "'{name}' is true or false: compare it with = or !=, not {}",
                        op.text()
                    ),
                    next.span,
                )),
                None => Ok(Expr::new(ExprKind::Bare(keyword), token.span)),
            },
            KeywordType::Number => match next_op {
                Some(op) if !op.is_text() => {
                    self.bump();
                    let value = self.peek().clone();
                    match value.tok {
                        Tok::Number(n) => {
                            self.bump();
                            Ok(compare(op, Value::Number(n), value.span.end))
                        }
                        _ => Err(error(
                            format!("expected a number after '{}'", op.text()),
                            value.span,
                        )),
                    }
                }
                Some(op) => Err(error(
                    format!(
                        "'{name}' is a number: {} compares strings; use =, !=, <, <=, > or >=",
                        op.text()
                    ),
                    next.span,
                )),
                None if matches!(next.tok, Tok::Number(_) | Tok::Str(_)) => Err(error(
                    format!(
                        "expected an operator (=, !=, <, <=, >, >=) between '{name}' and {}",
                        self.describe(&next)
                    ),
                    next.span,
                )),
                None => Err(error(
                    format!(
                        "expected a comparison after '{name}', e.g. {} > 1 (it is a number)",
                        keyword.text()
                    ),
                    next.span,
                )),
            },
            KeywordType::String => match next_op {
                Some(op) if !op.is_ordering() => {
                    self.bump();
                    let value = self.string_after(op)?;
                    Ok(compare(op, Value::String(value.0), value.1))
                }
                Some(op) => Err(error(
                    format!(
                        "'{name}' is a string: use =, !=, CONTAINS, BEGINSWITH or ENDSWITH, not {}",
                        op.text()
                    ),
                    next.span,
                )),
                None if matches!(next.tok, Tok::Str(_)) => Err(error(
                    format!(
                        "expected an operator (=, !=, CONTAINS, BEGINSWITH, ENDSWITH) between '{name}' and the string"
                    ),
                    next.span,
                )),
                None => Ok(Expr::new(ExprKind::Bare(keyword), token.span)),
            },
        }
    }

    pub(super) fn boolean(&self, token: &Token) -> Option<bool> {
        if self.word_is(token, "true") {
            Some(true)
        } else if self.word_is(token, "false") {
            Some(false)
        } else {
            None
        }
    }

    /// A quoted string after operator `op`; returns it and its end.
    pub(super) fn string_after(&mut self, op: Op) -> Result<(String, usize), ParseError> {
        let value = self.peek().clone();
        if let Tok::Str(s) = &value.tok {
            self.bump();
            return Ok((s.clone(), value.span.end));
        }
        Err(self.string_expected(op, &value))
    }

    pub(super) fn string_expected(&self, op: Op, value: &Token) -> ParseError {
        let message = match &value.tok {
            Tok::Word | Tok::Number(_) => format!(
                "expected a string in double quotes after '{}': write \"{}\"",
                op.text(),
                self.text(value)
            ),
            _ => format!("expected a string in double quotes after '{}'", op.text()),
        };
        error(message, value.span.clone())
    }
}
