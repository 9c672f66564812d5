//! The filter expression language end to end: every example of the X-Ray guide parses, errors
//! point at the right column, expressions select the right traces of the real fixtures
//! (listed by id) and of the demo (checked against a plain computation over its spans), and
//! printing a tree and parsing it again gives the same tree.
//! Fixtures: tests/fixtures/xray (see MANIFEST.md there for provenance and licences).

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xray_tui::filter::{
    self, Expr, ExprKind, GroupField, Keyword, KeywordType, MAX_DEPTH, Op, RootCauseKind,
    RootCauseTarget, Scope, Selector, Value, matches, matches_summary, parse,
};
use xray_tui::model::segment::{AnnotationValue, Cause, Exception, Segment};
use xray_tui::model::{Document, Span, Trace, TraceSummary};
use xray_tui::source::{Collector, Dataset, files};

// ---------------------------------------------------------------------------------------------
// Data

fn fixtures() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut collector = Collector::default();
        let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xray");
        files::load_paths(&[root], &mut collector);
        collector.finish()
    })
}

/// The fixture traces that have documents, by what they are.
/// Scorekeep on Elastic Beanstalk calling a Lambda function (SNS, DynamoDB inferred segments).
const LAMBDA: &str = "1-59602603-23fc5b688855d396af79b496";
/// Scorekeep with an inferred DynamoDB segment (AWS CLI output).
const CLI: &str = "1-5d82881a-0a9126e92a73e971eed891b9";
/// Go SDK DynamoDB sample: faults, exceptions, a user, a dotted annotation key.
const DDB: &str = "1-5f29ab21-d4ebf299219a65bd5c31d6da";
/// Go SDK HTTP server.
const SERVER: &str = "1-5f2aebcc-b475d14618c51eaa28753d37";
/// www.example.com calling api.example.com (remote, no segment of its own).
const HTTP: &str = "1-5759e988-bd862e3fe1be46a994272793";
/// In-progress and completed segments, detached independent subsegments (one SQL).
const PARTIAL: &str = "1-581cf771-a006649127e371903a2de979";
/// A throttled independent subsegment whose parent is missing.
const OTHER: &str = "1-5f187253-6a106696d56b1f4ef9eba2ed";
/// An inferred segment on its own.
const INFERRED: &str = "1-62be1272-1b71c4274f39f122afa64eab";
/// Developer-guide snippets without a trace id.
const SNIP_DDB: &str = "(no trace_id) subsegment.metadata-with-dynamodb.json";
const SNIP_REMOTE: &str = "(no trace_id) subsegment.remote-http.json";
const SNIP_SQL: &str = "(no trace_id) subsegment.sql-postgres.json";

const ALL: &[&str] = &[
    LAMBDA,
    CLI,
    DDB,
    SERVER,
    HTTP,
    PARTIAL,
    OTHER,
    INFERRED,
    SNIP_DDB,
    SNIP_REMOTE,
    SNIP_SQL,
];

fn summaries(data: &Dataset) -> HashMap<&str, &TraceSummary> {
    data.summaries.iter().map(|s| (s.id.as_str(), s)).collect()
}

/// The ids of the traces (with documents) that `src` selects.
fn select(data: &Dataset, src: &str) -> BTreeSet<String> {
    let expr = parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
    let by_id = summaries(data);
    data.traces
        .iter()
        .filter(|(id, trace)| matches(&expr, trace, by_id[id.as_str()]))
        .map(|(id, _)| id.clone())
        .collect()
}

/// The ids for which a plain computation holds.
fn demo_where(check: &dyn Fn(&Trace, &TraceSummary) -> bool) -> BTreeSet<String> {
    let data = common::demo();
    let by_id = summaries(data);
    data.traces
        .iter()
        .filter(|(id, trace)| check(trace, by_id[id.as_str()]))
        .map(|(id, _)| id.clone())
        .collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

// Plain helpers over spans for the demo oracles.

fn root(t: &Trace) -> &Span {
    t.root().unwrap()
}

fn any_span(t: &Trace, check: impl Fn(&Span) -> bool) -> bool {
    t.spans.iter().any(check)
}

fn request(s: &Segment) -> Option<&xray_tui::model::segment::HttpRequest> {
    s.http.as_ref()?.request.as_ref()
}

fn annotations<'t>(t: &'t Trace, key: &str) -> Vec<&'t AnnotationValue> {
    t.spans
        .iter()
        .filter_map(|s| s.segment.annotations.get(key))
        .collect()
}

fn service_name(t: &Trace, s: &Span) -> String {
    t.spans[s.service as usize].name().to_owned()
}

fn is_call(s: &Segment) -> bool {
    matches!(s.namespace.as_deref(), Some("aws" | "remote")) || s.sql.is_some()
}

/// The outermost call subsegment enclosing span `i` (or `i` itself) inside its service, when
/// that call reached no segment: the node X-Ray infers for it.
fn inferred_call(t: &Trace, i: usize) -> Option<usize> {
    let mut found = None;
    let mut at = i;
    loop {
        let s = &t.spans[at];
        if s.is_segment() {
            break;
        }
        if is_call(&s.segment) {
            found = Some(at);
        }
        match s.parent {
            Some(p) => at = p as usize,
            None => break,
        }
    }
    found.filter(|&c| !t.children(c).any(|k| t.spans[k].is_segment()))
}

/// Span `i` and its ancestors.
fn ancestors(t: &Trace, i: usize) -> Vec<usize> {
    let mut out = vec![i];
    let mut at = i;
    while let Some(p) = t.spans[at].parent {
        at = p as usize;
        out.push(at);
    }
    out
}

fn leaves(t: &Trace, status: fn(&Segment) -> bool) -> Vec<usize> {
    (0..t.spans.len())
        .filter(|&i| {
            status(&t.spans[i].segment) && !t.children(i).any(|c| status(&t.spans[c].segment))
        })
        .collect()
}

fn exceptions(t: &Trace, i: usize) -> Vec<&Exception> {
    match &t.spans[i].segment.cause {
        Some(Cause::Details(d)) => d.exceptions.iter().collect(),
        Some(Cause::ExceptionId(id)) => t
            .spans
            .iter()
            .filter_map(|s| match &s.segment.cause {
                Some(Cause::Details(d)) => Some(d),
                _ => None,
            })
            .find_map(|d| {
                let at = d
                    .exceptions
                    .iter()
                    .position(|e| e.id.as_deref() == Some(id))?;
                Some(d.exceptions[at..].iter().collect())
            })
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The response-time walk, written out: into the longest child while it takes at least half.
fn slowest(t: &Trace) -> Option<usize> {
    let mut at = t.spans.iter().position(|s| std::ptr::eq(s, root(t)))?;
    loop {
        let here = t.spans[at].segment.duration()?;
        let mut best: Option<(usize, f64)> = None;
        for c in t.children(at) {
            if let Some(d) = t.spans[c].segment.duration()
                && best.is_none_or(|(_, b)| d > b)
            {
                best = Some((c, d));
            }
        }
        match best {
            Some((c, d)) if here > 0.0 && 2.0 * d >= here => at = c,
            _ => return Some(at),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// The examples of the reference (filter-expressions.md), placeholders (`{ filter }`, `...`)
/// filled in.
const REFERENCE_EXAMPLES: &[&str] = &[
    "ok",
    "error",
    "throttle",
    "fault",
    "partial",
    "inferred",
    "fault",
    "!fault",
    "fault = true",
    "fault = false",
    "fault != true",
    "ok !partial duration < 3",
    "ok AND !partial AND duration < 3",
    "ok and !partial and duration < 3",
    "ok && !partial || fault",
    "(ok OR error) AND !(fault)",
    "responsetime > 5",
    "http.status = 502",
    "responseTime > 5",
    "duration >= 5 AND duration <= 8",
    "http.status != 200",
    "responsetime < 1 OR responsetime <= 2 OR duration = 3",
    "http.url CONTAINS \"/api/game/\"",
    "http.method = \"POST\"",
    "http.useragent BEGINSWITH \"Mozilla\"",
    "http.clientip ENDSWITH \".1\"",
    "user != \"alice\"",
    "name = \"api\"",
    "type = \"AWS::EC2::Instance\"",
    "message CONTAINS \"timeout\"",
    "availabilityzone = \"us-west-2c\"",
    "instance.id = \"i-0cd9e448944061b4a\"",
    "resource.arn BEGINSWITH \"arn:aws:lambda\"",
    "user",
    "http.url",
    "service(\"name\") { fault }",
    "service() { fault }",
    "service(\"api\") { fault }",
    "service(\"api\")",
    "edge(\"source\", \"destination\") { error }",
    "edge(\"source\", \"destination\")",
    "service(id(name: \"n\", type: \"AWS::Lambda::Function\", account.id: \"123\")) { fault }",
    "service(id(name: \"n\")) { ok }",
    "service(id(type: \"AWS::Lambda::Function\")) { error }",
    "service(id(account.id: \"123\"))",
    "edge(id(name: \"n\", type: \"AWS::Lambda::Function\", account.id: \"123\"), \"b\") { fault }",
    "service(\"api\") { fault AND responsetime > 1 AND http.status >= 500 }",
    "service(\"api\") { ok and http.url CONTAINS \"/v2/\" }",
    "!service(\"db\") { fault }",
    "!edge(\"a\", \"b\")",
    "annotation.KEY = \"x\"",
    "annotation.KEY != \"x\"",
    "annotation.KEY CONTAINS \"x\"",
    "annotation.KEY BEGINSWITH \"x\"",
    "annotation.KEY ENDSWITH \"x\"",
    "annotation.KEY = 1",
    "annotation.KEY != 1",
    "annotation.KEY < 1",
    "annotation.KEY <= 1",
    "annotation.KEY > 1",
    "annotation.KEY >= 1",
    "annotation.KEY = true",
    "annotation.KEY = false",
    "annotation.KEY",
    "!annotation.KEY",
    "annotation.key_2 = \"x\"",
    "group.name = \"g\"",
    "group.arn = \"arn:aws:xray:us-east-1:123456789012:group/g/ABC\"",
    "rootcause.fault.service { name = \"x\" }",
    "rootcause.fault.entity { name = \"x\" }",
    "rootcause.fault.exception { message CONTAINS \"timeout\" }",
    "rootcause.error.service { name = \"x\" }",
    "rootcause.error.entity { remote }",
    "rootcause.error.exception { name = \"x\" }",
    "rootcause.responsetime.service { coverage > 0.5 }",
    "rootcause.responsetime.entity { coverage > 0.5 }",
    "rootcause.fault.service",
    "rootcause.json = #[{\"Services\": [{\"Name\": \"x\"}]}]",
];

/// The examples of the AWS X-Ray Developer Guide (xray-console-filters), as printed there;
/// the two it misprints are tested below.
const GUIDE_EXAMPLES: &[&str] = &[
    "responsetime > 5",
    "duration >= 5 AND duration <= 8",
    "ok",
    "!ok",
    "ok = false",
    "rootcause.fault.entity { last and name = \"deserialize\" }",
    "rootcause.responsetime.entity { remote and coverage > 0.7 and name = \"traces\" }",
    "service(\"data-plane\") {root = true and fault = true}",
    "http.status != 200",
    "ok !partial duration <3",
    "rootcause.fault.service { index > 5 }",
    "rootcause.responsetime.entity { last and coverage > 0.8 }",
    "http.url CONTAINS \"/api/game/\"",
    "user CONTAINS \"\"",
    "rootcause.fault.service { name = \"Auth\" }",
    "rootcause.responsetime.service { last and type = \"AWS::DynamoDB\" }",
    "service(\"api.example.com\") { fault }",
    "service() { fault }",
    "edge(\"api.example.com\", \"backend.example.com\") { error }",
    "http.url BEGINSWITH \"http://api.example.com/\" AND http.url CONTAINS \"/v2/\" AND !service(\"api.example.com\")",
    "http.url AND responseTime > 2",
    "annotation.gameid = \"817DL6VO\"",
    "annotation.age",
    "!annotation.age",
    "annotation.age > 29",
    "group.name = \"high_response_time\" AND user = \"alice\"",
    "rootcause.json = #[{ \"Services\": [ { \"Name\": \"GetWeatherData\", \"EntityPath\": [{ \"Name\": \"GetWeatherData\" }, { \"Name\": \"get_temperature\" } ] }, { \"Name\": \"GetTemperature\", \"EntityPath\": [ { \"Name\": \"GetTemperature\" } ] } ] }]",
    "service(id(name: \"service-name\", type:\"service::type\")) { fault }",
    "edge(id(name: \"service-one\", type:\"service::type\"), id(name: \"service-two\", type:\"service::type\")) { fault }",
    "service(\"random-name\") { error }",
    "service(id(name: \"random-name\", type: \"AWS::Lambda::Function\")) { error }",
    "service(id(type: \"AWS::Lambda::Function\")) { error }",
];

#[test]
fn every_example_parses_and_prints_back() {
    for src in REFERENCE_EXAMPLES.iter().chain(GUIDE_EXAMPLES) {
        let expr = parse(src).unwrap_or_else(|e| panic!("{}", e.render(src)));
        assert_round_trip(&expr);
    }
}

#[test]
fn the_guides_misprints_get_a_pointed_message() {
    // The guide writes `name = traces` without quotes; values must be quoted.
    let src = "rootcause.fault.service { inferred and name = traces and type = \"AWS::DynamoDB\" }";
    let e = parse(src).unwrap_err();
    assert_eq!(
        e.message,
        "expected a string in double quotes after '=': write \"traces\""
    );
    assert_eq!(&src[e.span.clone()], "traces");
    assert!(
        parse("rootcause.fault.service { inferred and name = \"traces\" and type = \"AWS::DynamoDB\" }")
            .is_ok()
    );
    // And drops the closing brace of this one.
    let src = "rootcause.fault.exception { last and message = \"Access Denied for account_id: 1234567890\" ";
    let e = parse(src).unwrap_err();
    assert_eq!(
        e.message,
        "unclosed '{': expected '}' before the end of the expression"
    );
    assert_eq!(e.span, 26..27);
    assert!(parse(&format!("{src}}}")).is_ok());
}

#[test]
fn canonical_text() {
    let cases = [
        (
            "ok !partial duration <3",
            "ok AND !partial AND duration < 3",
        ),
        (
            "responseTime>2 and Http.Url contains \"x\" || FAULT",
            "responsetime > 2 AND http.url CONTAINS \"x\" OR fault",
        ),
        (
            "service(\"data-plane\") {root = true and fault = true}",
            "service(\"data-plane\") { root = true AND fault = true }",
        ),
        ("!(ok)", "!ok"),
        ("((a.b.c))", ""),
    ];
    for (src, want) in cases {
        match parse(src) {
            Ok(expr) => assert_eq!(expr.to_string(), want, "{src}"),
            Err(_) => assert!(want.is_empty(), "{src}"),
        }
    }
}

/// Each error: the expression, the message, and the rendered caret line.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "http.status > \"500\"",
        "expected a number after '>'",
        "              ^^^^^",
    ),
    (
        "(fault OR error",
        "unclosed '(': expected ')' before the end of the expression",
        "^",
    ),
    (
        "user = \"alice",
        "unterminated string: add the closing '\"'",
        "       ^^^^^^",
    ),
    (
        "fault AND",
        "expected an expression after 'AND'",
        "         ^",
    ),
    (
        "responstime > 5",
        "unknown keyword 'responstime': did you mean 'responsetime'?",
        "^^^^^^^^^^^",
    ),
    (
        "faut",
        "unknown keyword 'faut': did you mean 'fault'?",
        "^^^^",
    ),
    ("fooo = 1", "unknown keyword 'fooo'", "^^^^"),
    (
        "http.url CONTAINS api",
        "expected a string in double quotes after 'CONTAINS': write \"api\"",
        "                  ^^^",
    ),
    (
        "fault = yes",
        "expected true or false after '='",
        "        ^^^",
    ),
    (
        "responsetime > 5s",
        "'5s' is not a number: write times in seconds, without a unit (e.g. 0.5)",
        "               ^^",
    ),
    (
        "edge(\"a\") { fault }",
        "expected ',' and the destination service: edge(source, destination), found ')'",
        "        ^",
    ),
    (
        "service(\"a\") { fault",
        "unclosed '{': expected '}' before the end of the expression",
        "             ^",
    ),
    (
        "!responsetime > 5",
        "'!' negates a keyword, not a comparison: use the opposite operator (e.g. != or <=), or wrap the comparison in parentheses: !(...)",
        "^^^^^^^^^^^^^^^^^",
    ),
    (
        "fault OR OR error",
        "expected an expression after 'OR', found 'OR'",
        "         ^^",
    ),
    (
        "http.status == 500",
        "'==' is written '=' in filter expressions",
        "            ^^",
    ),
    ("fault)", "unmatched ')'", "     ^"),
    (
        "service(\"api\") { annotation.tier = \"gold\" }",
        "'annotation.tier' cannot be used inside service() { }: X-Ray does not accept annotations there; test them outside the braces",
        "                 ^^^^^^^^^^^^^^^",
    ),
    (
        "annotation.tier.name = \"gold\"",
        "annotation keys are letters, digits and underscores; '.' is not allowed: for a key with dots write annotation[tier.name]",
        "               ^",
    ),
    (
        "rootcause.responsetime.exception { name = \"x\" }",
        "response-time root causes have no exceptions: use rootcause.fault.exception or rootcause.error.exception",
        "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ),
    (
        "coverage > 0.5",
        "'coverage' only means something inside rootcause.responsetime.service { } or .entity { }",
        "^^^^^^^^",
    ),
    (
        "rootcause.json = #[{\"Services\": }]",
        "invalid JSON: expected value",
        "                                ^",
    ),
    (
        "rootcause.json = #[{\"Services\": ]",
        "unterminated JSON: expected ']' to close '#['",
        "                 ^^^^^^^^^^^^^^^^",
    ),
    (
        "(fault \"x\")",
        "expected AND, OR or ')' (closing the '(' at column 1), found the string \"x\"",
        "       ^^^",
    ),
    (
        "http.status > 500 \"x\"",
        "expected AND, OR or the end of the expression, found the string \"x\"",
        "                  ^^^",
    ),
    (
        "http.url > 5",
        "'http.url' is a string: use =, !=, CONTAINS, BEGINSWITH or ENDSWITH, not >",
        "         ^",
    ),
    (
        "responsetime",
        "expected a comparison after 'responsetime', e.g. responsetime > 1 (it is a number)",
        "            ^",
    ),
    (
        "",
        "the expression is empty: write a filter such as fault or responsetime > 5",
        "^",
    ),
    (
        "user = 'alice'",
        "strings are written in double quotes (\"...\"), not single quotes",
        "       ^^^^^^^",
    ),
];

#[test]
fn errors_say_what_was_expected_and_where() {
    for (src, message, carets) in ERRORS {
        let e = parse(src).expect_err(src);
        assert_eq!(e.message, *message, "{src}");
        assert_eq!(
            e.render(src),
            format!("{src}\n{carets}\n{message}"),
            "{src}"
        );
    }
}

#[test]
fn nesting_is_refused_before_it_can_overflow() {
    for src in [
        format!("{}fault{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}fault", "!".repeat(100_000)),
        format!("rootcause.fault.service {{ {}", "(".repeat(10_000)),
    ] {
        let e = parse(&src).unwrap_err();
        assert!(
            e.message
                .contains(&format!("nests more than {MAX_DEPTH} levels")),
            "{}",
            e.message
        );
    }
    // Long but flat: fine, and evaluating it is fine too.
    let chain = vec!["fault"; 20_000].join(" OR ");
    let expr = parse(&chain).unwrap();
    let data = fixtures();
    let selected = select(data, &chain);
    assert_eq!(selected, ids(&[DDB]));
    assert_round_trip(&expr);
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(7);
    let alphabet: Vec<char> =
        "ab fault()!{}[]#\"\\=<>,:.&|-0123456789eE anotin service edge id rootcause.json AND OR 日\t"
            .chars()
            .collect();
    for _ in 0..5_000 {
        let len = rng.below(40);
        let src: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        match parse(&src) {
            Ok(expr) => assert_round_trip(&expr),
            Err(e) => {
                assert!(
                    e.span.start <= src.len() && e.span.end <= src.len(),
                    "{src:?}"
                );
                let _ = e.render(&src);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Expressions and the fixture traces they select, listed by hand.
fn fixture_cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("fault", vec![DDB]),
        (
            "!fault",
            vec![
                LAMBDA,
                CLI,
                SERVER,
                HTTP,
                PARTIAL,
                OTHER,
                INFERRED,
                SNIP_DDB,
                SNIP_REMOTE,
                SNIP_SQL,
            ],
        ),
        ("throttle", vec![OTHER]),
        ("error OR throttle = true", vec![OTHER]),
        (
            "ok",
            vec![
                LAMBDA,
                CLI,
                SERVER,
                HTTP,
                PARTIAL,
                INFERRED,
                SNIP_DDB,
                SNIP_REMOTE,
                SNIP_SQL,
            ],
        ),
        ("partial", vec![PARTIAL]),
        (
            "inferred",
            vec![LAMBDA, CLI, DDB, HTTP, PARTIAL, INFERRED, SNIP_DDB],
        ),
        ("responsetime > 1", vec![LAMBDA]),
        ("responsetime < 0.001", vec![SERVER, SNIP_SQL]),
        (
            "duration >= 0.2 AND duration < 1",
            vec![CLI, OTHER, INFERRED, SNIP_REMOTE],
        ),
        (
            "http.status = 200",
            vec![LAMBDA, CLI, SERVER, HTTP, INFERRED, SNIP_REMOTE],
        ),
        (
            "http.status != 200",
            vec![DDB, PARTIAL, OTHER, SNIP_DDB, SNIP_SQL],
        ),
        ("http.method = \"POST\"", vec![LAMBDA, CLI]),
        (
            "http.url CONTAINS \"example.com\"",
            vec![HTTP, INFERRED, SNIP_REMOTE],
        ),
        ("http.url BEGINSWITH \"http://\"", vec![LAMBDA, CLI, SERVER]),
        ("http.url ENDSWITH \"/api/user\"", vec![LAMBDA, CLI]),
        ("http.useragent CONTAINS \"Mozilla\"", vec![LAMBDA, HTTP]),
        ("http.clientip = \"127.0.0.1\"", vec![SERVER]),
        (
            "http.url AND responseTime > 0.3",
            vec![LAMBDA, INFERRED, SNIP_REMOTE],
        ),
        ("user", vec![LAMBDA, DDB]),
        ("user CONTAINS \"\"", vec![LAMBDA, DDB]),
        ("user = \"xraysegmentdump\"", vec![DDB]),
        ("annotation.Name = \"Ola\"", vec![LAMBDA]),
        ("annotation.UserID BEGINSWITH \"5M\"", vec![LAMBDA]),
        ("annotation.Name = 1", vec![]),
        (
            "annotation[DDB.DescribeExistingTableAndPutToMissingTable.Annotation] = \"anno\"",
            vec![DDB],
        ),
        (
            "!annotation.Name",
            vec![
                CLI,
                DDB,
                SERVER,
                HTTP,
                PARTIAL,
                OTHER,
                INFERRED,
                SNIP_DDB,
                SNIP_REMOTE,
                SNIP_SQL,
            ],
        ),
        ("availabilityzone = \"us-west-2c\"", vec![LAMBDA]),
        ("instance.id BEGINSWITH \"i-0e3\"", vec![CLI]),
        ("resource.arn = \"chicken\"", vec![OTHER]),
        (
            "resource.arn CONTAINS \"function:random-name\"",
            vec![LAMBDA],
        ),
        (
            "name = \"Scorekeep\" AND type = \"AWS::ElasticBeanstalk::Environment\"",
            vec![LAMBDA, CLI],
        ),
        ("message CONTAINS \"ResourceNotFound\"", vec![DDB]),
        ("service(\"random-name\")", vec![LAMBDA]),
        (
            "service(id(name: \"random-name\", type: \"AWS::Lambda::Function\")) { responsetime > 1.5 }",
            vec![LAMBDA],
        ),
        (
            "service(id(name: \"random-name\", type: \"AWS::Lambda\")) { responsetime > 2.9 }",
            vec![],
        ),
        ("service(id(account.id: \"123456789012\"))", vec![LAMBDA]),
        (
            "service(id(type: \"AWS::DynamoDB::Table\"))",
            vec![LAMBDA, CLI, SNIP_DDB],
        ),
        (
            "service(\"DynamoDB\") { inferred AND ok }",
            vec![LAMBDA, CLI],
        ),
        ("service() { fault }", vec![DDB]),
        (
            "service(\"dynamodb\") { fault AND http.status = 400 }",
            vec![DDB],
        ),
        ("service(\"example.com\") { partial }", vec![PARTIAL]),
        ("service(id(type: \"Database::SQL\"))", vec![PARTIAL]),
        (
            "service(\"DDB\") { message CONTAINS \"Requested resource\" }",
            vec![DDB],
        ),
        (
            "service(\"Scorekeep\") { root } AND !service(\"SNS\") { root }",
            vec![LAMBDA, CLI],
        ),
        ("edge(\"Scorekeep\", \"random-name\")", vec![LAMBDA]),
        (
            "edge(\"random-name\", \"SNS\") { responsetime > 0.9 }",
            vec![LAMBDA],
        ),
        (
            "edge(id(type: \"client\"), \"Scorekeep\")",
            vec![LAMBDA, CLI],
        ),
        (
            "edge(\"www.example.com\", \"api.example.com\") { http.url ENDSWITH \"/health\" AND http.method = \"POST\" }",
            vec![HTTP],
        ),
        ("edge(\"Scorekeep\", \"SNS\")", vec![]),
        (
            "rootcause.fault.service { last AND name = \"dynamodb\" AND inferred }",
            vec![DDB],
        ),
        (
            "rootcause.fault.entity { last AND name = \"dynamodb\" AND remote }",
            vec![DDB],
        ),
        ("rootcause.fault.entity { name = \"wait\" }", vec![DDB]),
        (
            "rootcause.fault.exception { name = \"dynamodb.ResourceNotFoundException\" AND message CONTAINS \"not found\" }",
            vec![DDB],
        ),
        ("rootcause.error.service", vec![OTHER]),
        (
            "rootcause.responsetime.entity { last AND name = \"tls\" }",
            vec![DDB],
        ),
        (
            "rootcause.responsetime.service { last AND type = \"AWS::SNS\" AND index = 3 }",
            vec![LAMBDA],
        ),
        (
            "rootcause.responsetime.entity { last AND coverage = 1 }",
            vec![
                CLI,
                SERVER,
                OTHER,
                INFERRED,
                SNIP_DDB,
                SNIP_REMOTE,
                SNIP_SQL,
            ],
        ),
        (
            "rootcause.json = #[{\"Services\": [{\"Name\": \"DDB\"}, {\"Name\": \"dynamodb\", \"Inferred\": true}]}]",
            vec![DDB],
        ),
        (
            "group.name = \"high_response_time\" AND user = \"alice\"",
            vec![],
        ),
        (
            "group.arn = \"arn:aws:xray:us-east-1:1:group/g/X\" AND fault",
            vec![DDB],
        ),
        ("(fault OR throttle) AND !partial", vec![DDB, OTHER]),
        (
            "!(http.method = \"POST\" OR http.method = \"GET\")",
            vec![DDB, PARTIAL, OTHER, SNIP_DDB, SNIP_SQL],
        ),
        ("ok !partial duration < 0.03", vec![SERVER, HTTP, SNIP_SQL]),
    ]
}

type Oracle = Box<dyn Fn(&Trace, &TraceSummary) -> bool>;

/// Expressions over the demo with the same condition computed plainly from the spans.
fn demo_cases() -> Vec<(&'static str, Oracle)> {
    fn status_error(s: &Segment) -> bool {
        s.error || s.throttle
    }
    vec![
        ("fault", Box::new(|t, _| root(t).segment.fault)),
        ("!fault", Box::new(|t, _| !root(t).segment.fault)),
        (
            "throttle",
            Box::new(|t, _| any_span(t, |s| s.segment.throttle)),
        ),
        (
            "error AND throttle",
            Box::new(|t, _| root(t).segment.error && any_span(t, |s| s.segment.throttle)),
        ),
        (
            "ok",
            Box::new(|t, _| {
                let r = &root(t).segment;
                !r.fault && !r.error && !r.throttle
            }),
        ),
        (
            "partial",
            Box::new(|t, _| any_span(t, |s| s.segment.in_progress)),
        ),
        (
            "inferred",
            Box::new(|t, _| (0..t.spans.len()).any(|i| inferred_call(t, i).is_some())),
        ),
        (
            "responsetime > 5",
            Box::new(|t, _| root(t).segment.duration().is_some_and(|d| d > 5.0)),
        ),
        (
            "duration >= 1 AND duration <= 3",
            Box::new(|t, _| {
                !t.in_progress() && t.duration().is_some_and(|d| (1.0..=3.0).contains(&d))
            }),
        ),
        (
            "http.status = 429",
            Box::new(|t, _| root(t).segment.http_status() == Some(429)),
        ),
        (
            "http.status >= 500 OR http.status = 404",
            Box::new(|t, _| {
                root(t)
                    .segment
                    .http_status()
                    .is_some_and(|s| s >= 500 || s == 404)
            }),
        ),
        (
            "http.method = \"POST\" AND http.url CONTAINS \"/checkout\"",
            Box::new(|t, _| {
                request(&root(t).segment).is_some_and(|r| {
                    r.method.as_deref() == Some("POST")
                        && r.url.as_deref().is_some_and(|u| u.contains("/checkout"))
                })
            }),
        ),
        (
            "http.useragent BEGINSWITH \"python-requests\"",
            Box::new(|t, _| {
                request(&root(t).segment)
                    .and_then(|r| r.user_agent.as_deref())
                    .is_some_and(|u| u.starts_with("python-requests"))
            }),
        ),
        (
            "http.clientip = \"45.133.172.19\"",
            Box::new(|t, _| {
                request(&root(t).segment).and_then(|r| r.client_ip.as_deref())
                    == Some("45.133.172.19")
            }),
        ),
        (
            "user",
            Box::new(|t, _| any_span(t, |s| s.segment.user.is_some())),
        ),
        (
            "!user",
            Box::new(|t, _| !any_span(t, |s| s.segment.user.is_some())),
        ),
        (
            "user BEGINSWITH \"cust-1\"",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.segment
                        .user
                        .as_deref()
                        .is_some_and(|u| u.starts_with("cust-1"))
                })
            }),
        ),
        (
            "annotation.customer_tier = \"gold\"",
            Box::new(|t, _| {
                annotations(t, "customer_tier")
                    .iter()
                    .any(|v| **v == AnnotationValue::String("gold".into()))
            }),
        ),
        (
            "annotation.customer_tier != \"standard\"",
            Box::new(|t, _| {
                !annotations(t, "customer_tier")
                    .iter()
                    .any(|v| **v == AnnotationValue::String("standard".into()))
            }),
        ),
        (
            "annotation.cache_hit",
            Box::new(|t, _| {
                annotations(t, "cache_hit")
                    .iter()
                    .any(|v| **v == AnnotationValue::Bool(true))
            }),
        ),
        (
            "annotation.cache_hit = false",
            Box::new(|t, _| {
                annotations(t, "cache_hit")
                    .iter()
                    .any(|v| **v == AnnotationValue::Bool(false))
            }),
        ),
        (
            "annotation.cart_items >= 3",
            Box::new(|t, _| {
                annotations(t, "cart_items")
                    .iter()
                    .any(|v| matches!(v, AnnotationValue::Number(n) if *n >= 3.0))
            }),
        ),
        (
            "annotation.order_total > 100 AND annotation.payment_method = \"card\"",
            Box::new(|t, _| {
                annotations(t, "order_total")
                    .iter()
                    .any(|v| matches!(v, AnnotationValue::Number(n) if *n > 100.0))
                    && annotations(t, "payment_method")
                        .iter()
                        .any(|v| **v == AnnotationValue::String("card".into()))
            }),
        ),
        (
            "annotation.route ENDSWITH \"{id}\" AND !annotation.cache_hit",
            Box::new(|t, _| {
                annotations(t, "route")
                    .iter()
                    .any(|v| matches!(v, AnnotationValue::String(s) if s.ends_with("{id}")))
                    && !annotations(t, "cache_hit")
                        .iter()
                        .any(|v| **v == AnnotationValue::Bool(true))
            }),
        ),
        (
            "service(\"payments\") { fault }",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.is_segment() && s.name() == "payments" && s.segment.fault
                })
            }),
        ),
        (
            "service(\"payments\")",
            Box::new(|t, _| any_span(t, |s| s.is_segment() && s.name() == "payments")),
        ),
        (
            "!service(\"payments\") AND http.url CONTAINS \"/checkout\"",
            Box::new(|t, _| {
                !any_span(t, |s| s.is_segment() && s.name() == "payments")
                    && request(&root(t).segment)
                        .and_then(|r| r.url.as_deref())
                        .is_some_and(|u| u.contains("/checkout"))
            }),
        ),
        (
            "service(id(name: \"inventory\", type: \"AWS::Lambda::Function\")) { responsetime > 0.5 }",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.is_segment()
                        && s.name() == "inventory"
                        && s.segment.origin.as_deref() == Some("AWS::Lambda::Function")
                        && s.segment.duration().is_some_and(|d| d > 0.5)
                })
            }),
        ),
        (
            "service(id(type: \"AWS::DynamoDB::Table\")) { throttle }",
            Box::new(|t, _| {
                (0..t.spans.len()).any(|i| {
                    inferred_call(t, i) == Some(i)
                        && t.spans[i].name() == "DynamoDB"
                        && t.spans[i].segment.throttle
                })
            }),
        ),
        (
            "service(\"api.paymentprovider.example\") { fault AND inferred }",
            Box::new(|t, _| {
                (0..t.spans.len()).any(|i| {
                    inferred_call(t, i) == Some(i)
                        && t.spans[i].name() == "api.paymentprovider.example"
                        && t.spans[i].segment.fault
                })
            }),
        ),
        (
            "service() { fault } AND !fault",
            Box::new(|t, _| {
                !root(t).segment.fault
                    && (0..t.spans.len()).any(|i| {
                        (t.spans[i].is_segment() || inferred_call(t, i) == Some(i))
                            && t.spans[i].segment.fault
                    })
            }),
        ),
        (
            "service(\"web-frontend\") { root }",
            Box::new(|t, _| root(t).name() == "web-frontend"),
        ),
        (
            "name = \"web-frontend\" AND type = \"AWS::ECS::Container\"",
            Box::new(|t, _| root(t).name() == "web-frontend"),
        ),
        (
            "edge(\"payments\", \"api.paymentprovider.example\") { responsetime > 4 }",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.name() == "api.paymentprovider.example"
                        && s.segment.namespace.as_deref() == Some("remote")
                        && service_name(t, s) == "payments"
                        && s.segment.duration().is_some_and(|d| d > 4.0)
                })
            }),
        ),
        (
            "edge(\"orders\", \"payments\") { fault }",
            Box::new(|t, _| {
                any_span(t, |s| {
                    let Some(p) = s.parent else { return false };
                    let call = &t.spans[p as usize];
                    let measured = if call.is_segment() { s } else { call };
                    s.is_segment()
                        && s.name() == "payments"
                        && service_name(t, call) == "orders"
                        && measured.segment.fault
                })
            }),
        ),
        (
            "edge(\"web-frontend\", id(name: \"inventory\", type: \"AWS::Lambda\"))",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.is_segment()
                        && s.name() == "inventory"
                        && s.segment.origin.as_deref() == Some("AWS::Lambda")
                        && s.parent.is_some_and(|p| {
                            service_name(t, &t.spans[p as usize]) == "web-frontend"
                        })
                })
            }),
        ),
        (
            "rootcause.fault.service { last AND name = \"api.paymentprovider.example\" }",
            Box::new(|t, _| {
                leaves(t, |s| s.fault).into_iter().any(|i| {
                    inferred_call(t, i)
                        .is_some_and(|c| t.spans[c].name() == "api.paymentprovider.example")
                })
            }),
        ),
        (
            "rootcause.fault.service { name = \"orders\" }",
            Box::new(|t, _| {
                leaves(t, |s| s.fault).into_iter().any(|i| {
                    ancestors(t, i)
                        .into_iter()
                        .any(|a| t.spans[a].is_segment() && t.spans[a].name() == "orders")
                })
            }),
        ),
        (
            "rootcause.fault.exception { message CONTAINS \"Read timed out\" }",
            Box::new(|t, _| {
                leaves(t, |s| s.fault).into_iter().any(|i| {
                    ancestors(t, i).into_iter().any(|a| {
                        exceptions(t, a).iter().any(|e| {
                            e.message
                                .as_deref()
                                .is_some_and(|m| m.contains("Read timed out"))
                        })
                    })
                })
            }),
        ),
        (
            "rootcause.error.entity { last AND name = \"inventory-stock\" }",
            Box::new(|t, _| {
                leaves(t, status_error).into_iter().any(|i| {
                    inferred_call(t, i).is_some_and(|c| {
                        t.spans[c]
                            .segment
                            .aws
                            .as_ref()
                            .and_then(|a| a.table_name.as_deref())
                            == Some("inventory-stock")
                    })
                })
            }),
        ),
        (
            "rootcause.responsetime.entity { name = \"charge-card\" AND coverage > 0.9 }",
            Box::new(|t, _| {
                let Some(f) = slowest(t) else { return false };
                let total = root(t).segment.duration().unwrap_or(0.0);
                ancestors(t, f).into_iter().any(|a| {
                    t.spans[a].name() == "charge-card"
                        && t.spans[a]
                            .segment
                            .duration()
                            .is_some_and(|d| total > 0.0 && d / total > 0.9)
                })
            }),
        ),
        (
            "rootcause.responsetime.service { last AND type = \"AWS::Lambda::Function\" }",
            Box::new(|t, _| {
                let Some(f) = slowest(t) else { return false };
                inferred_call(t, f).is_none()
                    && t.spans[t.spans[f].service as usize]
                        .segment
                        .origin
                        .as_deref()
                        == Some("AWS::Lambda::Function")
            }),
        ),
        (
            "availabilityzone = \"eu-west-1b\"",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.segment
                        .aws
                        .as_ref()
                        .and_then(|a| a.ec2.as_ref())
                        .and_then(|e| e.get("availability_zone"))
                        .and_then(|v| v.as_str())
                        == Some("eu-west-1b")
                })
            }),
        ),
        (
            "resource.arn CONTAINS \"stages/prod\"",
            Box::new(|t, _| {
                any_span(t, |s| {
                    s.segment
                        .resource_arn
                        .as_deref()
                        .is_some_and(|a| a.contains("stages/prod"))
                })
            }),
        ),
        (
            "service(\"payments\") { message CONTAINS \"did not answer\" }",
            Box::new(|t, _| {
                (0..t.spans.len()).any(|i| {
                    let s = &t.spans[i];
                    let owner = &t.spans[s.service as usize];
                    owner.is_segment()
                        && owner.name() == "payments"
                        && exceptions(t, i).iter().any(|e| {
                            e.message
                                .as_deref()
                                .is_some_and(|m| m.contains("did not answer"))
                        })
                })
            }),
        ),
        (
            "group.name = \"slow\" AND fault",
            Box::new(|t, _| root(t).segment.fault),
        ),
        (
            "!(fault OR error) AND (responsetime > 1 OR partial)",
            Box::new(|t, _| {
                let r = &root(t).segment;
                !r.fault
                    && !r.error
                    && (r.duration().is_some_and(|d| d > 1.0)
                        || any_span(t, |s| s.segment.in_progress))
            }),
        ),
        (
            "ok !partial duration < 0.1",
            Box::new(|t, _| {
                let r = &root(t).segment;
                !r.fault
                    && !r.error
                    && !r.throttle
                    && !t.in_progress()
                    && t.duration().is_some_and(|d| d < 0.1)
            }),
        ),
        (
            "rootcause.json = #[{\"Services\": [{\"Name\": \"shop-api/prod\"}, {\"Name\": \"web-frontend\"}, {\"Name\": \"orders\"}, {\"Name\": \"payments\", \"EntityPath\": [{\"Name\": \"payments\"}, {\"Name\": \"charge-card\"}, {\"Name\": \"api.paymentprovider.example\", \"Remote\": true}]}, {\"Name\": \"api.paymentprovider.example\", \"Type\": \"remote\", \"Inferred\": true}]}]",
            // Root causes of any kind: the JSON does not say which.
            Box::new(|t, _| {
                let mut causes = leaves(t, |s| s.fault);
                causes.extend(leaves(t, status_error));
                causes.extend(slowest(t));
                causes.into_iter().any(|i| {
                    let path: Vec<&str> = ancestors(t, i)
                        .into_iter()
                        .rev()
                        .map(|a| t.spans[a].name())
                        .collect();
                    let segments: Vec<&str> = ancestors(t, i)
                        .into_iter()
                        .rev()
                        .filter(|&a| t.spans[a].is_segment())
                        .map(|a| t.spans[a].name())
                        .collect();
                    segments == ["shop-api/prod", "web-frontend", "orders", "payments"]
                        && path.ends_with(&[
                            "payments",
                            "charge-card",
                            "api.paymentprovider.example",
                        ])
                })
            }),
        ),
    ]
}

#[test]
fn selects_the_right_fixture_traces() {
    let data = fixtures();
    let present: BTreeSet<String> = data.traces.keys().cloned().collect();
    assert_eq!(present, ids(ALL), "the fixture set changed");
    for (src, want) in fixture_cases() {
        assert_eq!(select(data, src), ids(&want), "{src}");
        assert_round_trip(&parse(src).unwrap());
    }
}

#[test]
fn selects_the_right_demo_traces() {
    let data = common::demo();
    for (src, oracle) in demo_cases() {
        let want = demo_where(&*oracle);
        assert_eq!(select(data, src), want, "{src}");
        assert_round_trip(&parse(src).unwrap());
    }
}

#[test]
fn the_table_is_big_and_not_trivial() {
    let (fixture, demo) = (fixture_cases(), demo_cases());
    assert!(fixture.len() + demo.len() >= 60);
    // Most demo expressions select something, and none selects everything.
    let data = common::demo();
    let mut empty = Vec::new();
    for (src, _) in &demo {
        let n = select(data, src).len();
        assert!(n < data.traces.len(), "{src} selects every trace");
        if n == 0 {
            empty.push(*src);
        }
    }
    assert!(empty.is_empty(), "select nothing on the demo: {empty:?}");
}

#[test]
fn payments_faults_in_the_demo() {
    let data = common::demo();
    let got = select(data, "service(\"payments\") { fault }");
    let want = demo_where(&|t, _| {
        t.spans
            .iter()
            .any(|s| s.is_segment() && s.name() == "payments" && s.segment.fault)
    });
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // The incident shows at the edge and in the root causes of the same traces.
    let edge = select(
        data,
        "edge(\"payments\", \"api.paymentprovider.example\") { fault }",
    );
    assert!(got.is_subset(&edge));
    let root_cause = select(
        data,
        "rootcause.fault.service { last AND name = \"api.paymentprovider.example\" AND type = \"remote\" }",
    );
    assert!(got.is_subset(&root_cause));
}

#[test]
fn the_summary_alone_agrees_with_the_documents() {
    let data = common::demo();
    let by_id = summaries(data);
    let mut decided = 0;
    let sources: Vec<&str> = demo_cases()
        .iter()
        .map(|(s, _)| *s)
        .chain(REFERENCE_EXAMPLES.iter().copied())
        .collect();
    for src in sources {
        let expr = parse(src).unwrap();
        for (id, trace) in &data.traces {
            let summary = by_id[id.as_str()];
            if let Some(answer) = matches_summary(&expr, summary) {
                decided += 1;
                assert_eq!(answer, matches(&expr, trace, summary), "{src} on {id}");
            }
        }
    }
    assert!(decided > 10_000, "{decided}");
    // What needs the documents says so.
    let summary = &data.summaries[0];
    for src in [
        "service(\"payments\")",
        "edge(\"a\", \"b\")",
        "rootcause.fault.service",
        "message CONTAINS \"x\"",
        "inferred",
    ] {
        assert_eq!(
            matches_summary(&parse(src).unwrap(), summary),
            None,
            "{src}"
        );
    }
}

#[test]
fn the_guides_root_cause_json_matches_its_trace() {
    // GetWeatherData → get_temperature → GetTemperature (fault): the guide's example.
    let docs = [
        r#"{"id":"a1","name":"GetWeatherData","trace_id":"1-5e000000-000000000000000000000001",
            "start_time":0,"end_time":1,"fault":true,"subsegments":[
            {"id":"b1","name":"get_temperature","namespace":"remote","start_time":0.1,"end_time":0.9,"fault":true}]}"#,
        r#"{"id":"c1","name":"GetTemperature","parent_id":"b1","trace_id":"1-5e000000-000000000000000000000001",
            "start_time":0.2,"end_time":0.8,"fault":true}"#,
    ];
    let documents = docs
        .iter()
        .map(|text| Document {
            text: (*text).to_owned(),
            segment: Segment::parse(text).unwrap(),
        })
        .collect();
    let trace = Trace::assemble("1-5e000000-000000000000000000000001", documents);
    let summary = TraceSummary::of_trace(&trace);
    let guide = GUIDE_EXAMPLES
        .iter()
        .find(|s| s.starts_with("rootcause.json"))
        .unwrap();
    assert!(matches(&parse(guide).unwrap(), &trace, &summary));
    let other = guide.replace("GetTemperature\" }", "GetHumidity\" }");
    assert!(!matches(&parse(&other).unwrap(), &trace, &summary));
    assert!(matches(
        &parse("rootcause.fault.entity { last AND name = \"GetTemperature\" AND index = 2 }")
            .unwrap(),
        &trace,
        &summary
    ));
}

/// A chain of `depth` subsegments under one segment, each level with a faulted leaf beside
/// the next level: 2 × depth spans, `depth` fault root causes, paths up to `depth` long.
fn comb(depth: usize) -> Trace {
    let trace_id = "1-5e000000-00000000000000000000c0b0";
    let mut documents = Vec::new();
    let mut push = |id: String, parent: Option<String>, fault: bool, start: f64| {
        let segment = Segment {
            id: Some(id),
            name: Some(if fault { "leaf".into() } else { "level".into() }),
            trace_id: Some(trace_id.into()),
            start_time: Some(start),
            end_time: Some(2.0 * depth as f64 + 10.0 - start),
            kind: parent.is_some().then(|| "subsegment".into()),
            parent_id: parent,
            origin: None,
            fault,
            ..Segment::default()
        };
        documents.push(Document {
            text: String::new(),
            segment,
        });
    };
    push("l0".into(), None, false, 0.0);
    for level in 1..depth {
        push(
            format!("l{level}"),
            Some(format!("l{}", level - 1)),
            false,
            level as f64,
        );
        push(
            format!("f{level}"),
            Some(format!("l{}", level - 1)),
            true,
            level as f64 + 0.5,
        );
    }
    Trace::assemble(trace_id, documents)
}

#[test]
fn deep_and_wide_traces_evaluate() {
    let trace = comb(10_000);
    assert_eq!(trace.spans.len(), 19_999);
    assert_eq!(
        xray_tui::model::root_cause::fault_root_causes(&trace).len(),
        9_999
    );
    let summary = TraceSummary::of_trace(&trace);
    for (src, want) in [
        ("rootcause.fault.entity { last AND name = \"leaf\" }", true),
        // Leaves come in span order, the deepest first; only the first 32 are described.
        ("rootcause.fault.entity { index > 9990 AND last }", true),
        ("rootcause.fault.entity { index < 9000 AND last }", false),
        (
            "rootcause.responsetime.entity { last AND coverage > 0 }",
            true,
        ),
        ("service() { message } OR service(\"x\")", false),
        ("!fault AND duration > 1", true),
    ] {
        assert_eq!(
            matches(&parse(src).unwrap(), &trace, &summary),
            want,
            "{src}"
        );
    }

    let big = xray_tui::synthetic::trace(50_000, 3);
    let summary = TraceSummary::of_trace(&big);
    for src in [
        "service() { message CONTAINS \"x\" AND fault }",
        "edge(id(type: \"remote\"), \"x\") OR service(id(type: \"client\"))",
        "rootcause.fault.exception { last } OR rootcause.error.service { index > 100 }",
        "rootcause.responsetime.entity { coverage > 2 }",
        "annotation.nothing_here OR user = \"nobody\"",
    ] {
        let _ = matches(&parse(src).unwrap(), &big, &summary);
    }
}

// ---------------------------------------------------------------------------------------------
// Printing and parsing again

fn assert_round_trip(expr: &Expr) {
    let text = expr.to_string();
    let again = parse(&text).unwrap_or_else(|e| panic!("{expr:?}\n{}", e.render(&text)));
    assert_eq!(again.without_spans(), expr.without_spans(), "{text}");
    assert_eq!(again.to_string(), text);
}

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn expr(kind: ExprKind) -> Expr {
    Expr { kind, span: 0..0 }
}

fn random_string(rng: &mut Rng) -> String {
    const CHARS: &[char] = &[
        'a', 'Z', '0', ' ', '"', '\\', '/', ':', '.', '-', '{', ')', '日', '\t', 'é', '#', '[',
    ];
    (0..rng.below(8)).map(|_| rng.pick(CHARS)).collect()
}

fn random_number(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => rng.below(600) as f64,
        1 => rng.below(100_000) as f64 / 1000.0,
        2 => -(rng.below(1000) as f64) / 7.0,
        3 => 1e21 * (1 + rng.below(9)) as f64,
        _ => 1e-7 * rng.below(50) as f64,
    }
}

fn random_word(rng: &mut Rng) -> String {
    const LETTERS: &[char] = &['a', 'B', 'c', '_', 'x', 'Y'];
    const ALL: &[char] = &['a', 'B', 'c', '_', 'x', 'Y', '0', '7'];
    let mut word = String::from(rng.pick(LETTERS));
    for _ in 0..rng.below(6) {
        word.push(rng.pick(ALL));
    }
    word
}

fn random_selector(rng: &mut Rng) -> Selector {
    let field = |rng: &mut Rng| rng.chance(50).then(|| random_string(rng));
    if rng.chance(50) {
        Selector::Name(random_string(rng))
    } else {
        Selector::Id {
            name: field(rng),
            kind: field(rng),
            account_id: field(rng),
        }
    }
}

fn random_leaf(rng: &mut Rng, scope: Scope, depth: usize) -> Expr {
    let complex = scope == Scope::Trace && rng.chance(35);
    if complex {
        return match rng.below(7) {
            0 => {
                let key = if rng.chance(20) {
                    format!("{}.{}", random_word(rng), random_word(rng))
                } else if rng.chance(20) {
                    format!("{}", rng.below(1000))
                } else {
                    random_word(rng)
                };
                let test = match rng.below(4) {
                    0 => None,
                    1 => Some((
                        rng.pick(&[Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge]),
                        Value::Number(random_number(rng)),
                    )),
                    2 => Some((
                        rng.pick(&[Op::Eq, Op::Ne, Op::Contains, Op::BeginsWith, Op::EndsWith]),
                        Value::String(random_string(rng)),
                    )),
                    _ => Some((rng.pick(&[Op::Eq, Op::Ne]), Value::Bool(rng.chance(50)))),
                };
                expr(ExprKind::Annotation { key, test })
            }
            1 => expr(ExprKind::Group {
                field: rng.pick(&[GroupField::Name, GroupField::Arn]),
                op: rng.pick(&[Op::Eq, Op::Ne]),
                value: random_string(rng),
            }),
            2 => expr(ExprKind::Service {
                selector: rng.chance(70).then(|| random_selector(rng)),
                filter: rng
                    .chance(60)
                    .then(|| Box::new(random_expr(rng, Scope::Service, depth))),
            }),
            3 => expr(ExprKind::Edge {
                from: random_selector(rng),
                to: random_selector(rng),
                filter: rng
                    .chance(60)
                    .then(|| Box::new(random_expr(rng, Scope::Edge, depth))),
            }),
            4 | 5 => {
                let kind = rng.pick(&[
                    RootCauseKind::Fault,
                    RootCauseKind::Error,
                    RootCauseKind::ResponseTime,
                ]);
                let targets: &[RootCauseTarget] = if kind == RootCauseKind::ResponseTime {
                    &[RootCauseTarget::Service, RootCauseTarget::Entity]
                } else {
                    &[
                        RootCauseTarget::Service,
                        RootCauseTarget::Entity,
                        RootCauseTarget::Exception,
                    ]
                };
                let target = rng.pick(targets);
                expr(ExprKind::RootCause {
                    kind,
                    target,
                    filter: rng
                        .chance(70)
                        .then(|| Box::new(random_expr(rng, Scope::RootCause(kind, target), depth))),
                })
            }
            _ => expr(ExprKind::RootCauseJson(serde_json::json!([{
                "Services": [{"Name": random_string(rng), "Inferred": rng.chance(50),
                              "EntityPath": [{"Name": random_string(rng), "Remote": rng.chance(50)}]}],
                "n": rng.below(1000),
            }]))),
        };
    }
    let allowed: Vec<Keyword> = Keyword::ALL
        .iter()
        .copied()
        .filter(|k| scope.allows(*k))
        .collect();
    let keyword = rng.pick(&allowed);
    match keyword.value_type() {
        KeywordType::Bool if rng.chance(50) => expr(ExprKind::Bare(keyword)),
        KeywordType::Bool => expr(ExprKind::Compare {
            keyword,
            op: rng.pick(&[Op::Eq, Op::Ne]),
            value: Value::Bool(rng.chance(50)),
        }),
        KeywordType::Number => expr(ExprKind::Compare {
            keyword,
            op: rng.pick(&[Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge]),
            value: Value::Number(random_number(rng)),
        }),
        KeywordType::String if rng.chance(25) => expr(ExprKind::Bare(keyword)),
        KeywordType::String => expr(ExprKind::Compare {
            keyword,
            op: rng.pick(&[Op::Eq, Op::Ne, Op::Contains, Op::BeginsWith, Op::EndsWith]),
            value: Value::String(random_string(rng)),
        }),
    }
}

fn random_expr(rng: &mut Rng, scope: Scope, depth: usize) -> Expr {
    if depth == 0 || rng.chance(40) {
        return random_leaf(rng, scope, depth.saturating_sub(1));
    }
    match rng.below(3) {
        0 => expr(ExprKind::Not(Box::new(random_expr(rng, scope, depth - 1)))),
        n => {
            let items = (0..2 + rng.below(3))
                .map(|_| random_expr(rng, scope, depth - 1))
                .collect();
            expr(if n == 1 {
                ExprKind::And(items)
            } else {
                ExprKind::Or(items)
            })
        }
    }
}

#[test]
fn random_trees_print_and_parse_back() {
    let mut rng = Rng(0x005E_EDF1_17E8);
    for _ in 0..4_000 {
        let tree = random_expr(&mut rng, Scope::Trace, 5);
        assert_round_trip(&tree);
    }
}

#[test]
fn random_trees_evaluate_without_panicking() {
    let mut rng = Rng(42);
    let data = fixtures();
    let by_id = summaries(data);
    for _ in 0..300 {
        let tree = random_expr(&mut rng, Scope::Trace, 4);
        for (id, trace) in &data.traces {
            let summary = by_id[id.as_str()];
            let _ = matches(&tree, trace, summary);
            let _ = matches_summary(&tree, summary);
        }
    }
}

#[test]
fn spans_point_into_the_text() {
    let src = "fault AND service(\"api\") { responsetime > 2 } OR annotation.tier = \"gold\"";
    let e = parse(src).unwrap();
    assert_eq!(e.span, 0..src.len());
    let ExprKind::Or(items) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::And(first) = &items[0].kind else {
        panic!("{e:?}")
    };
    assert_eq!(&src[first[0].span.clone()], "fault");
    assert_eq!(
        &src[first[1].span.clone()],
        "service(\"api\") { responsetime > 2 }"
    );
    let ExprKind::Service {
        filter: Some(inner),
        ..
    } = &first[1].kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(&src[inner.span.clone()], "responsetime > 2");
    assert_eq!(&src[items[1].span.clone()], "annotation.tier = \"gold\"");
    // The module is usable through its path too.
    assert!(filter::parse("ok").is_ok());
}

/// Found by the fuzzer: numbers too long for an f64 in `rootcause.json` must print and parse
/// back to the same value (serde_json parses floats exactly with `float_roundtrip`).
#[test]
fn long_json_numbers_round_trip() {
    for src in [
        "rootcause.json=#[123456789012345678901]",
        "rootcause.json = #[{ \"t 0Name\":933333333333333333333334}]",
        "rootcause.json=#[{\"\":13333333333333333333333333}]",
    ] {
        let expr = parse(src).unwrap();
        let again = parse(&expr.to_string()).unwrap();
        assert_eq!(again.without_spans(), expr.without_spans(), "{src}");
    }
}
