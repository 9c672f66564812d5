//! `annotation.KEY` and `annotation[KEY]`, bare or compared with a string, number or boolean.

use super::{Parser, error, operator_word};
use crate::filter::ParseError;
use crate::filter::ast::{Expr, ExprKind, Op, Value};
use crate::filter::lexer::{Tok, Token};

impl Parser<'_> {
    pub(super) fn annotation(&mut self, token: Token) -> Result<Expr, ParseError> {
        self.bump();
        let text = self.text(&token);
        let bracket = text.len() == "annotation".len();
        let (key, key_span) = if !bracket {
            let at = token.span.start + "annotation.".len();
            (&self.src[at..token.span.end], at..token.span.end)
        } else {
            if self.peek().tok != Tok::LBracket {
                let next = self.peek();
                return Err(error(
                    "expected '.KEY' or '[KEY]' after 'annotation', e.g. annotation.customer_tier",
                    next.span.clone(),
                ));
            }
            self.bump();
            let key = self.peek().clone();
            if !matches!(key.tok, Tok::Word | Tok::Number(_)) {
                return Err(error(
                    format!("expected an annotation key after '['{}", self.found(&key)),
                    key.span,
                ));
            }
            self.bump();
            let close = self.peek().clone();
            if close.tok != Tok::RBracket {
                return Err(error(
                    format!(
                        "expected ']' after the annotation key{}",
                        self.found(&close)
                    ),
                    close.span,
                ));
            }
            self.bump();
            (self.text(&key), key.span)
        };
        if key.is_empty() {
            return Err(error(
                "expected an annotation key after 'annotation.'",
                key_span.start..key_span.start,
            ));
        }
        // Keys are letters, digits and underscores; some SDKs (the Go SDK in the ddbSample
        // fixture) also send dots, which only the bracket form can name.
        if let Some((at, c)) = key
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || (bracket && c == '.')))
        {
            let at = key_span.start + at;
            let hint = if c == '.' {
                format!(": for a key with dots write annotation[{key}]")
            } else {
                String::new()
            };
            return Err(error(
                format!(
                    "annotation keys are letters, digits and underscores; '{c}' is not allowed{hint}"
                ),
                at..at + c.len_utf8(),
            ));
        }
        let key = key.to_owned();
        let start = token.span.start;
        let next = self.peek().clone();
        let op = match &next.tok {
            Tok::Op(op) => Some(*op),
            Tok::Word => operator_word(self.text(&next)),
            _ => None,
        };
        let Some(op) = op else {
            if matches!(next.tok, Tok::Str(_) | Tok::Number(_)) {
                return Err(error(
                    "expected an operator (=, !=, <, >, CONTAINS ...) between the annotation and its value",
                    next.span,
                ));
            }
            let end = self.last_end();
            return Ok(Expr::new(
                ExprKind::Annotation { key, test: None },
                start..end,
            ));
        };
        self.bump();
        let value_token = self.peek().clone();
        let value = match (&value_token.tok, op) {
            (Tok::Number(n), op) if !op.is_text() => Value::Number(*n),
            (Tok::Str(s), op) if !op.is_ordering() => Value::String(s.clone()),
            (Tok::Word, Op::Eq | Op::Ne) if self.boolean(&value_token).is_some() => {
                Value::Bool(self.word_is(&value_token, "true"))
            }
            (_, op) if op.is_ordering() => {
                return Err(error(
                    format!("expected a number after '{}'", op.text()),
                    value_token.span,
                ));
            }
            (_, op) if op.is_text() => return Err(self.string_expected(op, &value_token)),
            (_, op) => {
                return Err(error(
                    format!(
                        "expected a value after '{}': a string in double quotes, a number, or true or false",
                        op.text(),
                    ),
                    value_token.span,
                ));
            }
        };
        self.bump();
        Ok(Expr::new(
            ExprKind::Annotation {
                key,
                test: Some((op, value)),
            },
            start..value_token.span.end,
        ))
    }
}
