//! `group.name` and `group.arn`, compared with a string.

use super::{Parser, error};
use crate::filter::ParseError;
use crate::filter::ast::{Expr, ExprKind, GroupField, Op};
use crate::filter::lexer::{Tok, Token};

impl Parser<'_> {
    pub(super) fn group(&mut self, token: Token, name: bool) -> Result<Expr, ParseError> {
        self.bump();
        let next = self.peek().clone();
        let op = match next.tok {
            Tok::Op(op @ (Op::Eq | Op::Ne)) => op,
            _ => {
                return Err(error(
                    format!(
                        "expected '=' or '!=' after '{}'{}",
                        self.text(&token),
                        self.found(&next)
                    ),
                    next.span,
                ));
            }
        };
        self.bump();
        let (value, end) = self.string_after(op)?;
        Ok(Expr::new(
            ExprKind::Group {
                field: if name {
                    GroupField::Name
                } else {
                    GroupField::Arn
                },
                op,
                value,
            },
            token.span.start..end,
        ))
    }
}
