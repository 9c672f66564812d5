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
