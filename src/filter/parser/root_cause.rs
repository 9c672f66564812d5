//! `rootcause.KIND.TARGET { ... }` and `rootcause.json = #[...]`.

use super::{Parser, error};
use crate::filter::ParseError;
use crate::filter::ast::{Expr, ExprKind, Op, RootCauseKind, RootCauseTarget, Scope};
use crate::filter::lexer::{Tok, Token};

impl Parser<'_> {
    pub(super) fn root_cause(&mut self, token: Token, lower: &str) -> Result<Expr, ParseError> {
        let parts: Vec<&str> = lower.split('.').collect();
        let kind = match parts.get(1).copied() {
            Some("fault") => Some(RootCauseKind::Fault),
            Some("error") => Some(RootCauseKind::Error),
            Some("responsetime") => Some(RootCauseKind::ResponseTime),
            _ => None,
        };
        let target = match parts.get(2).copied() {
            Some("service") => Some(RootCauseTarget::Service),
            Some("entity") => Some(RootCauseTarget::Entity),
            Some("exception") => Some(RootCauseTarget::Exception),
            _ => None,
        };
        let (Some(kind), Some(target), 3) = (kind, target, parts.len()) else {
            return Err(self.unknown(&token, Scope::Trace));
        };
        if kind == RootCauseKind::ResponseTime && target == RootCauseTarget::Exception {
            return Err(error(
                "response-time root causes have no exceptions: use rootcause.fault.exception or rootcause.error.exception",
                token.span,
            ));
        }
        self.bump();
        let filter = self.block(Scope::RootCause(kind, target))?;
        Ok(Expr::new(
            ExprKind::RootCause {
                kind,
                target,
                filter,
            },
            token.span.start..self.last_end(),
        ))
    }

    pub(super) fn root_cause_json(&mut self, token: Token) -> Result<Expr, ParseError> {
        self.bump();
        self.expect(Tok::Op(Op::Eq), "expected '=' after 'rootcause.json'")?;
        let json = self.peek().clone();
        if json.tok != Tok::Json {
            return Err(error(
                format!(
                    "expected a JSON array written #[...] after '='{}",
                    self.found(&json)
                ),
                json.span,
            ));
        }
        self.bump();
        let start = json.span.start + 1;
        let text = &self.src[start..json.span.end];
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            let at = start + json_offset(text, e.line(), e.column());
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            error(
                format!("invalid JSON: {message}"),
                at..(at + 1).min(json.span.end),
            )
        })?;
        if !value.is_array() {
            return Err(error(
                "rootcause.json takes a JSON array: #[{\"Services\": [...]}]",
                json.span,
            ));
        }
        Ok(Expr::new(
            ExprKind::RootCauseJson(value),
            token.span.start..json.span.end,
        ))
    }
}

/// The byte offset of serde_json's (line, column), both 1-based, in `text`.
fn json_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + column.saturating_sub(1)).min(text.len().saturating_sub(1));
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
