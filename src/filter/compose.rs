//! Narrowing a filter: `current AND added`, joined as trees so that precedence holds
//! (`a OR b` narrowed to faults is `(a OR b) AND fault`, not `a OR (b AND fault)`), and
//! written by the printer.

use super::ast::{Expr, ExprKind};
use super::{ParseError, parse};

/// The filter `current AND added`, in canonical text. The conditions of `added` that are
/// already among current's top-level `AND` operands (compared as trees, not as text) are left
/// out; when none is left, `current` comes back as written. No current filter gives `added`.
///
/// Fails when either text does not parse, or when together they nest deeper than the parser
/// allows.
pub fn and(current: Option<&str>, added: &str) -> Result<String, ParseError> {
    let added = parse(added)?;
    let Some(current) = current.filter(|c| !c.trim().is_empty()) else {
        return Ok(added.to_string());
    };
    let mut terms = conjuncts(parse(current)?);
    let known: Vec<Expr> = terms.iter().map(Expr::without_spans).collect();
    let new: Vec<Expr> = conjuncts(added)
        .into_iter()
        .filter(|term| !known.contains(&term.without_spans()))
        .collect();
    if new.is_empty() {
        return Ok(current.to_owned());
    }
    terms.extend(new);
    let text = Expr::new(ExprKind::And(terms), 0..0).to_string();
    parse(&text)?;
    Ok(text)
}

/// `terms` joined by `AND` (operands that are themselves `AND`s are spliced in); `None` when
/// there are none.
pub fn all(terms: impl IntoIterator<Item = Expr>) -> Option<Expr> {
    let mut items: Vec<Expr> = terms.into_iter().flat_map(conjuncts).collect();
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(Expr::new(ExprKind::And(items), 0..0)),
    }
}

/// The operands of a top-level `AND`, or the expression itself.
fn conjuncts(expr: Expr) -> Vec<Expr> {
    match expr.kind {
        ExprKind::And(items) => items,
        _ => vec![expr],
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MAX_DEPTH, matches_summary};
    use super::*;
    use crate::model::TraceSummary;

    #[test]
    fn narrows_without_changing_what_the_current_filter_means() {
        let table: &[(Option<&str>, &str, &str)] = &[
            (
                Some(r#"service("a") OR service("b")"#),
                "fault",
                r#"(service("a") OR service("b")) AND fault"#,
            ),
            (Some("!fault"), "fault", "!fault AND fault"),
            (Some("fault"), "fault", "fault"),
            (Some("fault AND error"), "error", "fault AND error"),
            (Some("fault && error"), "error", "fault && error"),
            (None, "fault", "fault"),
            (Some("  "), "fault", "fault"),
            (Some("ok !partial"), "fault", "ok AND !partial AND fault"),
            (
                Some("fault"),
                "responsetime >= 1 AND responsetime < 2",
                "fault AND responsetime >= 1 AND responsetime < 2",
            ),
            (
                Some("responsetime >= 1 AND fault"),
                "responsetime >= 1 AND responsetime < 2",
                "responsetime >= 1 AND fault AND responsetime < 2",
            ),
            (
                Some("(fault AND error) OR ok"),
                "fault AND error",
                "(fault AND error OR ok) AND fault AND error",
            ),
            (
                Some("fault OR error"),
                "error OR fault",
                "(fault OR error) AND (error OR fault)",
            ),
            (Some("fault OR error"), "fault OR error", "fault OR error"),
            (
                Some(r#"http.url CONTAINS "fault""#),
                "fault",
                r#"http.url CONTAINS "fault" AND fault"#,
            ),
        ];
        for (current, added, expected) in table {
            let composed = and(*current, added).unwrap();
            assert_eq!(composed, *expected, "{current:?} + {added}");
        }
    }

    #[test]
    fn the_current_filter_stays_one_operand_of_the_and() {
        let composed = and(Some(r#"service("a") OR service("b")"#), "fault").unwrap();
        let ExprKind::And(items) = parse(&composed).unwrap().without_spans().kind else {
            panic!("{composed} is not an AND");
        };
        let current = parse(r#"service("a") OR service("b")"#).unwrap();
        assert_eq!(
            items,
            [
                current.without_spans(),
                parse("fault").unwrap().without_spans()
            ]
        );
    }

    #[test]
    fn the_narrowed_filter_selects_what_both_select() {
        let user = |name: &str, fault: bool| TraceSummary {
            users: vec![name.into()],
            has_fault: fault,
            response_time: Some(if fault { 2.0 } else { 0.5 }),
            ..TraceSummary::default()
        };
        let summaries = [
            user("a", true),
            user("a", false),
            user("b", true),
            user("b", false),
            user("c", true),
        ];
        let cases = [
            (r#"user = "a" OR user = "b""#, "fault"),
            ("!fault", "fault"),
            ("fault", "fault"),
            (
                r#"user = "c" OR !fault"#,
                "responsetime < 1 OR user = \"a\"",
            ),
        ];
        for (current, added) in cases {
            let composed = parse(&and(Some(current), added).unwrap()).unwrap();
            let (current, added) = (parse(current).unwrap(), parse(added).unwrap());
            for summary in &summaries {
                let both = matches_summary(&current, summary) == Some(true)
                    && matches_summary(&added, summary) == Some(true);
                assert_eq!(
                    matches_summary(&composed, summary),
                    Some(both),
                    "{composed} on {summary:?}"
                );
            }
        }
    }

    #[test]
    fn what_does_not_parse_is_an_error() {
        assert!(and(Some("fault AND"), "error").is_err());
        assert!(and(Some("fault"), "error AND").is_err());
        assert!(and(None, "error AND").is_err());
        // The current filter's OR gets parentheses, one level more than it had.
        let deepest = format!("ok OR {}fault", "!".repeat(MAX_DEPTH - 1));
        assert!(parse(&deepest).is_ok());
        let error = and(Some(&deepest), "error").unwrap_err();
        assert!(error.message.contains("nests more than"), "{error:?}");
    }

    #[test]
    fn all_splices_ands_and_keeps_a_single_term_alone() {
        assert_eq!(all([]), None);
        let fault = parse("fault").unwrap();
        assert_eq!(all([fault.clone()]), Some(fault.clone()));
        let joined = all([parse("ok AND error").unwrap(), fault]).unwrap();
        assert_eq!(joined.to_string(), "ok AND error AND fault");
    }
}
