//! `service(...)` and `edge(..., ...)`: the services they name, and their optional block.

use super::{Parser, error};
use crate::filter::ParseError;
use crate::filter::ast::{Expr, ExprKind, Scope, Selector};
use crate::filter::lexer::{Tok, Token};

impl Parser<'_> {
    pub(super) fn service(&mut self, token: Token) -> Result<Expr, ParseError> {
        self.bump();
        let open = self.expect(Tok::LParen, "expected '(' after 'service'")?;
        let selector = if self.peek().tok == Tok::RParen {
            None
        } else {
            Some(self.selector()?)
        };
        if self.peek().tok == Tok::Comma {
            return Err(error(
                "service() takes one service; for a call between two services use edge(source, destination)",
                self.peek().span.clone(),
            ));
        }
        self.close(&open, Tok::RParen, ')', false)?;
        let filter = self.block(Scope::Service)?;
        Ok(Expr::new(
            ExprKind::Service { selector, filter },
            token.span.start..self.last_end(),
        ))
    }

    pub(super) fn edge(&mut self, token: Token) -> Result<Expr, ParseError> {
        self.bump();
        let open = self.expect(Tok::LParen, "expected '(' after 'edge'")?;
        let from = self.selector()?;
        self.expect(
            Tok::Comma,
            "expected ',' and the destination service: edge(source, destination)",
        )?;
        let to = self.selector()?;
        self.close(&open, Tok::RParen, ')', false)?;
        let filter = self.block(Scope::Edge)?;
        Ok(Expr::new(
            ExprKind::Edge { from, to, filter },
            token.span.start..self.last_end(),
        ))
    }

    pub(super) fn selector(&mut self) -> Result<Selector, ParseError> {
        let next = self.peek().clone();
        match &next.tok {
            Tok::Str(name) => {
                self.bump();
                Ok(Selector::Name(name.clone()))
            }
            Tok::Word if self.word_is(&next, "id") => self.id(),
            Tok::Word => Err(error(
                format!(
                    "expected a service name in double quotes or id(...): write \"{}\"",
                    self.text(&next)
                ),
                next.span,
            )),
            _ => Err(error(
                format!(
                    "expected a service name in double quotes or id(...){}",
                    self.found(&next)
                ),
                next.span,
            )),
        }
    }

    pub(super) fn id(&mut self) -> Result<Selector, ParseError> {
        self.bump();
        let open = self.expect(Tok::LParen, "expected '(' after 'id'")?;
        let (mut name, mut kind, mut account_id) = (None, None, None);
        if self.peek().tok != Tok::RParen {
            loop {
                let field = self.peek().clone();
                let slot = if self.word_is(&field, "name") {
                    &mut name
                } else if self.word_is(&field, "type") {
                    &mut kind
                } else if self.word_is(&field, "account.id") {
                    &mut account_id
                } else {
                    return Err(error(
                        format!(
                            "expected name:, type: or account.id: inside id(...){}",
                            self.found(&field)
                        ),
                        field.span,
                    ));
                };
                if slot.is_some() {
                    return Err(error(
                        format!("'{}' is given twice in id(...)", self.text(&field)),
                        field.span,
                    ));
                }
                self.bump();
                let label = self.text(&field).to_owned();
                self.expect(Tok::Colon, &format!("expected ':' after '{label}'"))?;
                let value = self.peek().clone();
                let Tok::Str(text) = &value.tok else {
                    return Err(error(
                        format!("expected a string in double quotes after '{label}:'"),
                        value.span,
                    ));
                };
                *slot = Some(text.clone());
                self.bump();
                if self.peek().tok == Tok::Comma {
                    self.bump();
                    continue;
                }
                break;
            }
        }
        self.close(&open, Tok::RParen, ')', false)?;
        Ok(Selector::Id {
            name,
            kind,
            account_id,
        })
    }
}
