//! The canonical text of an expression: lower-case keywords, upper-case operators, explicit
//! `AND`, parentheses only where the tree needs them. It parses back to the same tree.
//!
//! `And`/`Or` with fewer than two operands (never made by the parser) print their only operand,
//! or nothing; such trees do not round-trip.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{Expr, ExprKind, GroupField, Selector, Value};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::And(items) => join(f, items, " AND ", |e| {
                matches!(e.kind, ExprKind::And(_) | ExprKind::Or(_))
            }),
            ExprKind::Or(items) => join(f, items, " OR ", |e| matches!(e.kind, ExprKind::Or(_))),
            ExprKind::Not(inner) => {
                f.write_char('!')?;
                let group = match &inner.kind {
                    ExprKind::And(_)
                    | ExprKind::Or(_)
                    | ExprKind::Compare { .. }
                    | ExprKind::Group { .. }
                    | ExprKind::RootCauseJson(_) => true,
                    ExprKind::Annotation { test, .. } => test.is_some(),
                    _ => false,
                };
                if group {
                    write!(f, "({inner})")
                } else {
                    write!(f, "{inner}")
                }
            }
            ExprKind::Bare(keyword) => f.write_str(keyword.text()),
            ExprKind::Compare { keyword, op, value } => {
                write!(f, "{} {} {value}", keyword.text(), op.text())
            }
            ExprKind::Annotation { key, test } => {
                if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    write!(f, "annotation.{key}")?;
                } else {
                    write!(f, "annotation[{key}]")?;
                }
                if let Some((op, value)) = test {
                    write!(f, " {} {value}", op.text())?;
                }
                Ok(())
            }
            ExprKind::Group { field, op, value } => {
                let field = match field {
                    GroupField::Name => "name",
                    GroupField::Arn => "arn",
                };
                write!(f, "group.{field} {} {}", op.text(), Quoted(value))
            }
            ExprKind::Service { selector, filter } => {
                f.write_str("service(")?;
                if let Some(selector) = selector {
                    write!(f, "{selector}")?;
                }
                f.write_char(')')?;
                block(f, filter.as_deref())
            }
            ExprKind::Edge { from, to, filter } => {
                write!(f, "edge({from}, {to})")?;
                block(f, filter.as_deref())
            }
            ExprKind::RootCause {
                kind,
                target,
                filter,
            } => {
                write!(f, "rootcause.{}.{}", kind.label(), target.label())?;
                block(f, filter.as_deref())
            }
            ExprKind::RootCauseJson(json) => write!(f, "rootcause.json = #{json}"),
        }
    }
}

fn join(
    f: &mut Formatter<'_>,
    items: &[Expr],
    separator: &str,
    needs_parentheses: fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if items.len() > 1 && needs_parentheses(item) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

fn block(f: &mut Formatter<'_>, filter: Option<&Expr>) -> fmt::Result {
    match filter {
        Some(inner) => write!(f, " {{ {inner} }}"),
        None => Ok(()),
    }
}

/// Text as a filter-expression string literal: in double quotes, `"` and `\` escaped.
pub fn quote(text: &str) -> String {
    Quoted(text).to_string()
}

/// A string in double quotes, `"` and `\` escaped.
struct Quoted<'a>(&'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            if c == '"' || c == '\\' {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            // Rust prints the shortest text that reads back as the same f64, without exponent.
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{}", Quoted(s)),
        }
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Name(name) => write!(f, "{}", Quoted(name)),
            Selector::Id {
                name,
                kind,
                account_id,
            } => {
                f.write_str("id(")?;
                let fields = [("name", name), ("type", kind), ("account.id", account_id)];
                let mut first = true;
                for (label, value) in fields {
                    if let Some(value) = value {
                        if !first {
                            f.write_str(", ")?;
                        }
                        first = false;
                        write!(f, "{label}: {}", Quoted(value))?;
                    }
                }
                f.write_char(')')
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    fn canonical(src: &str) -> String {
        parse(src).unwrap().to_string()
    }

    #[test]
    fn prints_canonical_text() {
        assert_eq!(
            canonical("ok !partial duration <3"),
            "ok AND !partial AND duration < 3"
        );
    }

    #[test]
    fn parentheses_only_where_needed() {
        assert_eq!(
            canonical("(ok OR fault) AND error"),
            "(ok OR fault) AND error"
        );
        assert_eq!(
            canonical("ok OR (fault AND error)"),
            "ok OR fault AND error"
        );
        assert_eq!(
            canonical("(ok AND fault) AND error"),
            "(ok AND fault) AND error"
        );
        assert_eq!(
            canonical("!(ok || fault) && !(http.status = 5)"),
            "!(ok OR fault) AND !(http.status = 5)"
        );
        assert_eq!(canonical("((fault))"), "fault");
        assert_eq!(
            canonical(r#"service(id(type: "t", name: "n")){fault}"#),
            r#"service(id(name: "n", type: "t")) { fault }"#
        );
        assert_eq!(canonical(r#"user = "a\"b\\c\d""#), r#"user = "a\"b\\c\\d""#);
        assert_eq!(canonical("responsetime >= 0.1"), "responsetime >= 0.1");
        assert_eq!(
            canonical("annotation[tier] = true"),
            "annotation.tier = true"
        );
        assert_eq!(
            canonical(r#"rootcause.json = #[ { "Services" : [] } ]"#),
            r#"rootcause.json = #[{"Services":[]}]"#
        );
    }
}
