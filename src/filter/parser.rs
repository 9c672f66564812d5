//! Recursive descent over the tokens, with a depth limit so that no input can overflow the
//! stack. Errors say what was expected and point at the token where it was not found.

use super::ast::{
    Expr, ExprKind, GroupField, Keyword, KeywordType, Op, RootCauseKind, RootCauseTarget, Scope,
    Selector, SourceSpan, Value,
};
use super::lexer::{Tok, Token, tokenize};
use super::{MAX_DEPTH, ParseError};

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

    fn simple(&mut self, keyword: Keyword, token: Token, scope: Scope) -> Result<Expr, ParseError> {
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

    fn boolean(&self, token: &Token) -> Option<bool> {
        if self.word_is(token, "true") {
            Some(true)
        } else if self.word_is(token, "false") {
            Some(false)
        } else {
            None
        }
    }

    /// A quoted string after operator `op`; returns it and its end.
    fn string_after(&mut self, op: Op) -> Result<(String, usize), ParseError> {
        let value = self.peek().clone();
        if let Tok::Str(s) = &value.tok {
            self.bump();
            return Ok((s.clone(), value.span.end));
        }
        Err(self.string_expected(op, &value))
    }

    fn string_expected(&self, op: Op, value: &Token) -> ParseError {
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

    fn annotation(&mut self, token: Token) -> Result<Expr, ParseError> {
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

    fn group(&mut self, token: Token, name: bool) -> Result<Expr, ParseError> {
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

    fn expect(&mut self, tok: Tok, message: &str) -> Result<Token, ParseError> {
        let next = self.peek().clone();
        if next.tok == tok {
            self.bump();
            return Ok(next);
        }
        Err(error(format!("{message}{}", self.found(&next)), next.span))
    }

    fn service(&mut self, token: Token) -> Result<Expr, ParseError> {
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

    fn edge(&mut self, token: Token) -> Result<Expr, ParseError> {
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

    fn selector(&mut self) -> Result<Selector, ParseError> {
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

    fn id(&mut self) -> Result<Selector, ParseError> {
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

    fn root_cause(&mut self, token: Token, lower: &str) -> Result<Expr, ParseError> {
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

    fn root_cause_json(&mut self, token: Token) -> Result<Expr, ParseError> {
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

fn join(mut items: Vec<Expr>, make: fn(Vec<Expr>) -> ExprKind) -> Expr {
    if items.len() == 1
        && let Some(only) = items.pop()
    {
        return only;
    }
    let span = items[0].span.start..items[items.len() - 1].span.end;
    Expr::new(make(items), span)
}

/// Why `keyword` is refused in `scope`.
fn not_here(keyword: Keyword, scope: Scope) -> String {
    let name = keyword.text();
    let place = match keyword {
        Keyword::First | Keyword::Last | Keyword::Index => {
            Some("inside rootcause.KIND.service/entity/exception { }")
        }
        Keyword::Remote => Some("inside rootcause.KIND.entity { }"),
        Keyword::Root if scope == Scope::Trace || scope == Scope::Edge => {
            Some("inside service() { } or rootcause.KIND.service { }")
        }
        Keyword::Coverage => Some("inside rootcause.responsetime.service { } or .entity { }"),
        _ => None,
    };
    if let (Some(place), false) = (place, matches!(scope, Scope::RootCause(..))) {
        return format!("'{name}' only means something {place}");
    }
    let allowed: Vec<&str> = Keyword::ALL
        .iter()
        .filter(|k| scope.allows(**k))
        .map(|k| k.text())
        .collect();
    format!(
        "'{name}' cannot be used {}; there you can use {}",
        scope.describe(),
        allowed.join(", ")
    )
}

/// Words the parser knows besides the simple keywords.
const OTHER_WORDS: &[&str] = &[
    "service",
    "edge",
    "id",
    "annotation",
    "group.name",
    "group.arn",
    "rootcause.json",
    "rootcause.fault.service",
    "rootcause.fault.entity",
    "rootcause.fault.exception",
    "rootcause.error.service",
    "rootcause.error.entity",
    "rootcause.error.exception",
    "rootcause.responsetime.service",
    "rootcause.responsetime.entity",
    "AND",
    "OR",
    "CONTAINS",
    "BEGINSWITH",
    "ENDSWITH",
    "true",
    "false",
];

/// A close known word for an unknown one, if there is one.
fn suggest(word: &str, scope: Scope) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    // `annotations.x`, `anotation.x`: keep the key as written.
    if let Some((head, key)) = word.split_once('.')
        && head.len() > 3
        && distance(&head.to_ascii_lowercase(), "annotation") <= 2
        && !key.is_empty()
    {
        return Some(format!("annotation.{key}"));
    }
    let normal = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let wanted = normal(word);
    let candidates = Keyword::ALL
        .iter()
        .filter(|k| scope.allows(**k))
        .map(|k| k.text())
        .chain(OTHER_WORDS.iter().copied());
    let limit = match wanted.len() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let c = normal(candidate);
        // `status` for `http.status`, `user_agent` for `http.useragent`.
        let d = if c.ends_with(&format!(".{wanted}")) {
            0
        } else {
            distance(&wanted, &c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) && c != lower {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn err(src: &str) -> (String, SourceSpan) {
        let e = parse(src).unwrap_err();
        (e.message, e.span)
    }

    #[test]
    fn precedence_and_juxtaposition() {
        let e = parse("ok !partial duration < 3 OR fault").unwrap();
        let ExprKind::Or(items) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[0].kind, ExprKind::And(v) if v.len() == 3));
        assert_eq!(items[0].span, 0..24);
        assert_eq!(e.span, 0..33);
        let e = parse("a_b").unwrap_err();
        assert_eq!(e.message, "unknown keyword 'a_b'");
    }

    #[test]
    fn keywords_in_any_case() {
        let e = parse("responseTime > 2 and HTTP.URL contains \"x\" Or FAULT").unwrap();
        assert_eq!(
            e.to_string(),
            "responsetime > 2 AND http.url CONTAINS \"x\" OR fault"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("responstime", Scope::Trace).as_deref(),
            Some("responsetime")
        );
        assert_eq!(suggest("faut", Scope::Trace).as_deref(), Some("fault"));
        assert_eq!(suggest("erorr", Scope::Trace).as_deref(), Some("error"));
        assert_eq!(
            suggest("status", Scope::Trace).as_deref(),
            Some("http.status")
        );
        assert_eq!(
            suggest("http.user_agent", Scope::Trace).as_deref(),
            Some("http.useragent")
        );
        assert_eq!(
            suggest("annotations.tier", Scope::Trace).as_deref(),
            Some("annotation.tier")
        );
        assert_eq!(
            suggest("rootcause.faults.service", Scope::Trace).as_deref(),
            Some("rootcause.fault.service")
        );
        assert_eq!(
            suggest("contain", Scope::Trace).as_deref(),
            Some("CONTAINS")
        );
        assert_eq!(suggest("xyzzy", Scope::Trace), None);
    }

    #[test]
    fn targeted_messages() {
        assert_eq!(
            err("fault > 1"),
            (
                "'fault' is true or false: compare it with = or !=, not >".into(),
                6..7
            )
        );
        assert_eq!(
            err("http.url > 1").0,
            "'http.url' is a string: use =, !=, CONTAINS, BEGINSWITH or ENDSWITH, not >"
        );
        assert_eq!(
            err("rootcause.fault.service { name = traces }"),
            (
                "expected a string in double quotes after '=': write \"traces\"".into(),
                33..39
            )
        );
        assert_eq!(err("!responsetime > 5").1, 0..17);
        assert!(parse("!(responsetime > 5)").is_ok());
        assert_eq!(
            err("service(\"a\") { annotation.x = 1 }").0,
            "'annotation.x' cannot be used inside service() { }: X-Ray does not accept annotations there; test them outside the braces"
        );
        assert_eq!(
            err("coverage > 0.5").0,
            "'coverage' only means something inside rootcause.responsetime.service { } or .entity { }"
        );
        assert_eq!(err("rootcause.fault.entity { coverage > 0.5 }").1, 25..33);
        assert_eq!(err("()").1, 0..2);
        assert_eq!(err("annotation.a-b").1, 12..13);
        assert_eq!(err("rootcause.json = #[{\"a\": }]").1, 25..26);
        assert_eq!(err("service(\"a\", \"b\")").1, 11..12);
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!(
            "{}ok{}",
            "(".repeat(MAX_DEPTH + 10),
            ")".repeat(MAX_DEPTH + 10)
        );
        assert!(err(&deep).0.contains("nests more than 256"));
        let ok = format!(
            "{}ok{}",
            "(".repeat(MAX_DEPTH - 2),
            ")".repeat(MAX_DEPTH - 2)
        );
        assert!(parse(&ok).is_ok());
        let bangs = format!("{}ok", "!".repeat(100_000));
        assert!(err(&bangs).0.contains("nests"));
        let braces = "service() { ".repeat(1000);
        assert!(parse(&braces).is_err());
        // A long flat chain is not deep.
        let chain = vec!["ok"; 50_000].join(" AND ");
        assert_eq!(parse(&chain).unwrap().depth(), 2);
    }
}
