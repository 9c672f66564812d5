//! Recursive descent over the tokens, with a depth limit so that no input can overflow the
//! stack. Errors say what was expected and point at the token where it was not found.

mod annotation;
mod group;
mod root_cause;
mod services;
mod simple;
mod suggest;
#[cfg(test)]
mod tests;

use super::ast::{Expr, ExprKind, Keyword, Op, Scope, SourceSpan};
use super::lexer::{Tok, Token, tokenize};
use super::{MAX_DEPTH, ParseError};
use suggest::suggest;

pub(crate) fn parse(src: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(src)?;
    let mut parser = Parser {
        src,
        tokens,
        pos: 0,
        depth: 0,
    };
    if parser.peek().tok == Tok::Eof {
        return Err(ParseError::new(
            "the expression is empty: write a filter such as fault or responsetime > 5".into(),
            0..src.len(),
        ));
    }
    let expr = parser.expr(Scope::Trace)?;
    let next = parser.peek().clone();
    match next.tok {
        Tok::Eof => Ok(expr),
        Tok::RParen => Err(error("unmatched ')'", next.span)),
        Tok::RBrace => Err(error("unmatched '}'", next.span)),
        _ => Err(error(
            format!(
                "expected AND, OR or the end of the expression, found {}",
                parser.describe(&next)
            ),
            next.span,
        )),
    }
}

fn error(message: impl Into<String>, span: SourceSpan) -> ParseError {
    ParseError::new(message.into(), span)
}

struct Parser<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Words that are operators, not keywords.
fn operator_word(word: &str) -> Option<Op> {
    [Op::Contains, Op::BeginsWith, Op::EndsWith]
        .into_iter()
        .find(|op| op.text().eq_ignore_ascii_case(word))
}

impl<'s> Parser<'s> {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof, and `bump` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if token.tok != Tok::Eof {
            self.pos += 1;
        }
        token
    }

    fn text(&self, token: &Token) -> &'s str {
        &self.src[token.span.clone()]
    }

    /// The previous token's end: where the last consumed thing ends.
    fn last_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .map_or(0, |p| self.tokens[p].span.end)
    }

    fn column(&self, at: usize) -> usize {
        self.src[..at].chars().count() + 1
    }

    fn describe(&self, token: &Token) -> String {
        match &token.tok {
            Tok::Eof => "the end of the expression".into(),
            Tok::Str(_) => format!("the string {}", self.text(token)),
            Tok::Json => "a JSON value".into(),
            _ => format!("'{}'", self.text(token)),
        }
    }

    /// `found X` for messages, empty at the end of the text (the caret says it).
    fn found(&self, token: &Token) -> String {
        if token.tok == Tok::Eof {
            String::new()
        } else {
            format!(", found {}", self.describe(token))
        }
    }

    fn word_is(&self, token: &Token, word: &str) -> bool {
        token.tok == Tok::Word && self.text(token).eq_ignore_ascii_case(word)
    }

    fn is_and(&self) -> bool {
        let t = self.peek();
        t.tok == Tok::AndAnd || self.word_is(t, "and")
    }

    fn is_or(&self) -> bool {
        let t = self.peek();
        t.tok == Tok::OrOr || self.word_is(t, "or")
    }

    /// Whether the next token can begin an operand (for juxtaposition and after AND/OR).
    fn starts_operand(&self) -> bool {
        let t = self.peek();
        match t.tok {
            Tok::Bang | Tok::LParen => true,
            Tok::Word => !self.is_and() && !self.is_or() && operator_word(self.text(t)).is_none(),
            _ => false,
        }
    }

    fn enter(&mut self, at: &Token) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                format!(
                    "the expression nests more than {MAX_DEPTH} levels deep (parentheses, '!' and braces)"
                ),
                at.span.clone(),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn expr(&mut self, scope: Scope) -> Result<Expr, ParseError> {
        let open = self.peek().clone();
        self.enter(&open)?;
        let mut items = vec![self.and(scope)?];
        while self.is_or() {
            let op = self.bump();
            self.operand_after(&op)?;
            items.push(self.and(scope)?);
        }
        self.leave();
        Ok(join(items, ExprKind::Or))
    }

    fn and(&mut self, scope: Scope) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary(scope)?];
        loop {
            if self.is_and() {
                let op = self.bump();
                self.operand_after(&op)?;
            } else if !self.starts_operand() {
                break;
            }
            items.push(self.unary(scope)?);
        }
        Ok(join(items, ExprKind::And))
    }

    fn operand_after(&self, op: &Token) -> Result<(), ParseError> {
        if self.starts_operand() {
            return Ok(());
        }
        let next = self.peek();
        Err(error(
            format!(
                "expected an expression after '{}'{}",
                self.text(op),
                self.found(next)
            ),
            next.span.clone(),
        ))
    }

    fn unary(&mut self, scope: Scope) -> Result<Expr, ParseError> {
        if self.peek().tok != Tok::Bang {
            return self.primary(scope);
        }
        let bang = self.bump();
        self.enter(&bang)?;
        if !self.starts_operand() {
            let next = self.peek();
            return Err(error(
                format!("expected a keyword or '(' after '!'{}", self.found(next)),
                next.span.clone(),
            ));
        }
        let grouped = self.peek().tok == Tok::LParen;
        let inner = self.unary(scope)?;
        self.leave();
        let span = bang.span.start..inner.span.end;
        let comparison = match &inner.kind {
            ExprKind::Compare { .. } | ExprKind::Group { .. } | ExprKind::RootCauseJson(_) => true,
            ExprKind::Annotation { test, .. } => test.is_some(),
            _ => false,
        };
        if comparison && !grouped {
            return Err(error(
                "'!' negates a keyword, not a comparison: use the opposite operator (e.g. != or <=), or wrap the comparison in parentheses: !(...)",
                span,
            ));
        }
        Ok(Expr::new(ExprKind::Not(Box::new(inner)), span))
    }

    fn primary(&mut self, scope: Scope) -> Result<Expr, ParseError> {
        let token = self.peek().clone();
        match token.tok {
            Tok::LParen => {
                self.bump();
                if self.peek().tok == Tok::RParen {
                    return Err(error(
                        "empty parentheses: expected an expression inside '( )'",
                        token.span.start..self.peek().span.end,
                    ));
                }
                let inner = self.expr(scope)?;
                let close = self.close(&token, Tok::RParen, ')', true)?;
                Ok(Expr::new(inner.kind, token.span.start..close.end))
            }
            Tok::Word => self.word(token, scope),
            _ => Err(error(
                format!("expected a keyword, '!' or '('{}", self.found(&token)),
                token.span,
            )),
        }
    }

    /// Expects the closing bracket of `open`.
    fn close(
        &mut self,
        open: &Token,
        tok: Tok,
        closing: char,
        operators: bool,
    ) -> Result<SourceSpan, ParseError> {
        let next = self.peek().clone();
        if next.tok == tok {
            self.bump();
            return Ok(next.span);
        }
        let opening = self.text(open);
        if next.tok == Tok::Eof {
            return Err(error(
                format!(
                    "unclosed '{opening}': expected '{closing}' before the end of the expression"
                ),
                open.span.clone(),
            ));
        }
        let expected = if operators {
            format!("AND, OR or '{closing}'")
        } else {
            format!("'{closing}'")
        };
        Err(error(
            format!(
                "expected {expected} (closing the '{opening}' at column {}){}",
                self.column(open.span.start),
                self.found(&next)
            ),
            next.span,
        ))
    }

    fn word(&mut self, token: Token, scope: Scope) -> Result<Expr, ParseError> {
        let text = self.text(&token);
        if let Some(keyword) = Keyword::from_text(text) {
            return self.simple(keyword, token, scope);
        }
        let lower = text.to_ascii_lowercase();
        match lower.as_str() {
            "and" | "or" => Err(error(
                format!("expected an expression before '{text}'"),
                token.span,
            )),
            "true" | "false" => Err(error(
                format!("'{text}' is a value: compare a keyword with it, e.g. fault = {lower}"),
                token.span,
            )),
            "contains" | "beginswith" | "endswith" => Err(error(
                format!(
                    "expected a string keyword before '{text}', e.g. http.url {} \"/api\"",
                    text.to_ascii_uppercase()
                ),
                token.span,
            )),
            "id" => Err(error(
                "id(...) names a service: use it inside service(...) or edge(...)",
                token.span,
            )),
            "service" | "edge" => {
                self.complex_allowed(&token, scope)?;
                if lower == "service" {
                    self.service(token)
                } else {
                    self.edge(token)
                }
            }
            "group.name" | "group.arn" => {
                self.complex_allowed(&token, scope)?;
                self.group(token, lower == "group.name")
            }
            "rootcause.json" => {
                self.complex_allowed(&token, scope)?;
                self.root_cause_json(token)
            }
            _ if lower == "annotation" || lower.starts_with("annotation.") => {
                self.complex_allowed(&token, scope)?;
                self.annotation(token)
            }
            _ if lower.starts_with("rootcause.") => {
                self.complex_allowed(&token, scope)?;
                self.root_cause(token, &lower)
            }
            _ => Err(self.unknown(&token, scope)),
        }
    }

    fn unknown(&self, token: &Token, scope: Scope) -> ParseError {
        let text = self.text(token);
        let message = match suggest(text, scope) {
            Some(better) => format!("unknown keyword '{text}': did you mean '{better}'?"),
            None => format!("unknown keyword '{text}'"),
        };
        error(message, token.span.clone())
    }

    fn complex_allowed(&self, token: &Token, scope: Scope) -> Result<(), ParseError> {
        if scope == Scope::Trace {
            return Ok(());
        }
        let text = self.text(token);
        let hint = match scope {
            Scope::Service | Scope::Edge if text.to_ascii_lowercase().starts_with("annotation") => {
                ": X-Ray does not accept annotations there; test them outside the braces"
            }
            Scope::Service | Scope::Edge => {
                ": only simple keywords (fault, responsetime > 1, http.url ...) go there"
            }
            _ => "",
        };
        Err(error(
            format!("'{text}' cannot be used {}{hint}", scope.describe()),
            token.span.clone(),
        ))
    }

    fn expect(&mut self, tok: Tok, message: &str) -> Result<Token, ParseError> {
        let next = self.peek().clone();
        if next.tok == tok {
            self.bump();
            return Ok(next);
        }
        Err(error(format!("{message}{}", self.found(&next)), next.span))
    }

    /// An optional `{ filter }`.
    fn block(&mut self, scope: Scope) -> Result<Option<Box<Expr>>, ParseError> {
        if self.peek().tok != Tok::LBrace {
            return Ok(None);
        }
        let open = self.bump();
        if self.peek().tok == Tok::RBrace {
            return Err(error(
                "empty braces: expected a filter inside '{ }'",
                open.span.start..self.peek().span.end,
            ));
        }
        let inner = self.expr(scope)?;
        self.close(&open, Tok::RBrace, '}', true)?;
        Ok(Some(Box::new(inner)))
    }
}

fn join(mut items: Vec<Expr>, make: fn(Vec<Expr>) -> ExprKind) -> Expr {
    if items.len() == 1
        && let Some(only) = items.pop()
    {
        return only;
    }
    let span = items[0].span.start..items[items.len() - 1].span.end;
    Expr::new(make(items), span)
}
