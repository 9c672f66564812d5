//! A span query as an X-Ray filter expression, where the language can say it: the list's `/`
//! then lists the traces X-Ray finds, instead of searching loaded traces one by one.
//!
//! `service=NAME` becomes `service("NAME")`, `annotation.KEY` compared becomes the
//! annotation's test, `status=fault|error|throttle` the keyword; `http.url`, `http.method`,
//! `http.status`, `http.useragent`, `http.clientip`, `user` and `duration>N` (`>=`) become the
//! trace's keyword, as X-Ray indexes them (the entry's request, the trace's duration). Plain
//! words, `-key`, other keys and other operators cannot be said.

use super::{Op, SpanQuery, Term};
use crate::filter::ast::{Expr, ExprKind, Keyword, KeywordType, Op as FilterOp, Selector, Value};
use crate::filter::compose;

/// The whole query as one filter expression, or `None` when one of its terms cannot be said.
pub fn to_filter(query: &SpanQuery) -> Option<Expr> {
    let terms: Option<Vec<Expr>> = query.terms.iter().map(term).collect();
    compose::all(terms?)
}

fn op(op: Op) -> FilterOp {
    match op {
        Op::Eq => FilterOp::Eq,
        Op::Ne => FilterOp::Ne,
        Op::Gt => FilterOp::Gt,
        Op::Lt => FilterOp::Lt,
        Op::Ge => FilterOp::Ge,
        Op::Le => FilterOp::Le,
    }
}

fn expr(kind: ExprKind) -> Expr {
    Expr::new(kind, 0..0)
}

fn term(term: &Term) -> Option<Expr> {
    let Term::Compare {
        key,
        op: term_op,
        value,
        number,
    } = term
    else {
        return None;
    };
    let lower = key.to_ascii_lowercase();
    if lower == "service" && *term_op == Op::Eq {
        return Some(expr(ExprKind::Service {
            selector: Some(Selector::Name(value.clone())),
            filter: None,
        }));
    }
    if lower == "status" && *term_op == Op::Eq {
        let keyword = match value.to_ascii_lowercase().as_str() {
            "fault" => Keyword::Fault,
            "error" => Keyword::Error,
            "throttle" => Keyword::Throttle,
            _ => return None,
        };
        return Some(expr(ExprKind::Bare(keyword)));
    }
    if let Some(name) = key.strip_prefix("annotation.") {
        let value = match number {
            Some(n) => Value::Number(*n),
            None if matches!(*term_op, Op::Eq | Op::Ne) => match value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(value.clone()),
            },
            None => return None,
        };
        return Some(expr(ExprKind::Annotation {
            key: name.to_owned(),
            test: Some((op(*term_op), value)),
        }));
    }
    let keyword = match lower.as_str() {
        "http.url" => Keyword::HttpUrl,
        "http.method" => Keyword::HttpMethod,
        "http.status" => Keyword::HttpStatus,
        "http.useragent" => Keyword::HttpUserAgent,
        "http.clientip" => Keyword::HttpClientIp,
        "user" => Keyword::User,
        "duration" if matches!(*term_op, Op::Gt | Op::Ge) => Keyword::Duration,
        _ => return None,
    };
    let value = match keyword.value_type() {
        KeywordType::Number => Value::Number((*number)?),
        KeywordType::String if matches!(*term_op, Op::Eq | Op::Ne) => Value::String(value.clone()),
        _ => return None,
    };
    Some(expr(ExprKind::Compare {
        keyword,
        op: op(*term_op),
        value,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn filter(query: &str) -> Option<String> {
        to_filter(&parse(query).unwrap()).map(|e| e.to_string())
    }

    #[test]
    fn what_x_ray_can_say_becomes_a_filter_expression() {
        assert_eq!(filter("service=cart").as_deref(), Some("service(\"cart\")"));
        assert_eq!(
            filter("annotation.tenant=acme status=fault").as_deref(),
            Some("annotation.tenant = \"acme\" AND fault")
        );
        assert_eq!(
            filter("http.url=\"https://shop/a b\" duration>=1.5s").as_deref(),
            Some("http.url = \"https://shop/a b\" AND duration >= 1.5")
        );
        assert_eq!(
            filter("annotation.retries>2").as_deref(),
            Some("annotation.retries > 2")
        );
        assert_eq!(
            filter("http.status!=200").as_deref(),
            Some("http.status != 200")
        );
        for text in filter("service=cart annotation.k=v").iter() {
            crate::filter::parse(text).expect("the printed filter parses back");
        }
    }

    #[test]
    fn what_it_cannot_say_stays_local() {
        for query in [
            "checkout",
            "\"a phrase\"",
            "-annotation.tenant",
            "name=db",
            "rpc.system=aws-api",
            "tenant=acme",
            "duration<1",
            "status=ok",
            "service!=cart",
            "service=cart name=db",
        ] {
            assert_eq!(filter(query), None, "{query}");
        }
    }
}
