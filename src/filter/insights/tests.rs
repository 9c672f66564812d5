use super::*;
use crate::filter::parse;

fn translated(text: &str) -> String {
    span_condition(&parse(text).unwrap()).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

fn refused(text: &str) -> Vec<(String, usize)> {
    span_condition(&parse(text).unwrap())
        .expect_err(text)
        .into_iter()
        .map(|part| {
            let column = part.column(text);
            (part.what, column)
        })
        .collect()
}

#[test]
fn a_service_is_either_of_its_names_and_its_block_narrows_it() {
    assert_eq!(
        translated(r#"service("checkout") { fault }"#),
        "((resource.attributes.service.name = \"checkout\") or \
         (attributes.aws.local.service = \"checkout\")) and \
         ((status.code = \"ERROR\" and not ispresent(attributes.http.response.status_code) and \
         not ispresent(attributes.http.status_code)) or \
         (attributes.http.response.status_code >= 500 and attributes.http.response.status_code <= 599) or \
         (attributes.http.status_code >= 500 and attributes.http.status_code <= 599))"
    );
    assert_eq!(
        translated("service() { throttle }"),
        "(attributes.http.response.status_code = 429) or (attributes.http.status_code = 429)"
    );
    assert_eq!(
        translated(r#"service(id(name: "db", account.id: "123456789012"))"#),
        "((resource.attributes.service.name = \"db\") or (attributes.aws.local.service = \"db\")) and \
         (resource.attributes.cloud.account.id = \"123456789012\")"
    );
}

#[test]
fn http_keys_try_the_new_and_the_old_conventions() {
    assert_eq!(
        translated(r#"http.method = "POST""#),
        "(attributes.http.request.method = \"POST\") or (attributes.http.method = \"POST\")"
    );
    assert_eq!(
        translated("http.status >= 500"),
        "(attributes.http.response.status_code >= 500) or (attributes.http.status_code >= 500)"
    );
    assert_eq!(
        translated(r#"http.url CONTAINS "/api/cart""#),
        "(attributes.url.full like /\\/api\\/cart/) or (attributes.http.url like /\\/api\\/cart/) or \
         (attributes.url.path like /\\/api\\/cart/)"
    );
    assert_eq!(
        translated(r#"http.url = "https://shop.example/a""#),
        "(attributes.url.full = \"https://shop.example/a\") or \
         (attributes.http.url = \"https://shop.example/a\")"
    );
    assert_eq!(
        translated(r#"http.url BEGINSWITH "https://shop.example""#),
        "(attributes.url.full like /^https:\\/\\/shop\\.example/) or \
         (attributes.http.url like /^https:\\/\\/shop\\.example/) or \
         (attributes.url.path like /^https:\\/\\/shop\\.example/)"
    );
}

#[test]
fn times_are_nanoseconds_of_the_span() {
    assert_eq!(translated("responsetime > 2"), "durationNano > 2000000000");
    assert_eq!(translated("duration <= 0.25"), "durationNano <= 250000000");
    assert_eq!(translated("responsetime > 0.1"), "durationNano > 100000000");
}

#[test]
fn not_equal_holds_where_the_field_is_absent_as_in_x_ray() {
    assert_eq!(
        translated(r#"user != "alice""#),
        "(not ispresent(attributes.enduser.id) or attributes.enduser.id != \"alice\")"
    );
    assert_eq!(
        translated("http.status != 200"),
        "(not ispresent(attributes.http.response.status_code) or \
         attributes.http.response.status_code != 200) and \
         (not ispresent(attributes.http.status_code) or attributes.http.status_code != 200)"
    );
}

#[test]
fn users_annotations_and_flags() {
    assert_eq!(
        translated(r#"user = "5M388M1E""#),
        "attributes.enduser.id = \"5M388M1E\""
    );
    assert_eq!(
        translated(r#"annotation.customer_tier = "gold""#),
        "attributes.customer_tier = \"gold\""
    );
    assert_eq!(
        translated("annotation.retries >= 3"),
        "attributes.retries >= 3"
    );
    assert_eq!(
        translated("annotation[app.tier]"),
        "ispresent(attributes.app.tier)"
    );
    assert_eq!(
        translated("error AND !throttle"),
        "((attributes.http.response.status_code >= 400 and attributes.http.response.status_code <= 499) or \
         (attributes.http.status_code >= 400 and attributes.http.status_code <= 499)) and \
         (not ((attributes.http.response.status_code = 429) or (attributes.http.status_code = 429)))"
    );
    assert_eq!(
        translated("fault = false"),
        format!("not ({})", translated("fault"))
    );
    assert!(translated("ok").starts_with("not ((status.code = \"ERROR\""));
}

#[test]
fn quotes_and_slashes_in_values_cannot_break_out() {
    assert_eq!(
        translated(r#"user = "a\"b\\c""#),
        r#"attributes.enduser.id = "a\"b\\c""#
    );
    assert_eq!(
        translated(r#"user ENDSWITH "x/ | limit 1""#),
        r#"attributes.enduser.id like /x\/ \| limit 1$/"#
    );
}

#[test]
fn an_edge_is_a_span_of_the_caller_naming_the_callee() {
    assert_eq!(
        translated(r#"edge("checkout", "payments") { responsetime > 1 }"#),
        "((resource.attributes.service.name = \"checkout\") or \
         (attributes.aws.local.service = \"checkout\")) and \
         (attributes.aws.remote.service = \"payments\") and (durationNano > 1000000000)"
    );
}

#[test]
fn every_part_without_a_counterpart_is_named_with_its_column() {
    assert_eq!(
        refused(r#"fault AND rootcause.fault.service { name = "db" } OR partial"#),
        [
            ("rootcause.fault.service".to_owned(), 11),
            ("partial".to_owned(), 54)
        ]
    );
    assert_eq!(refused(r#"group.name = "prod""#), [("group".to_owned(), 1)]);
    assert_eq!(
        refused(r#"service(id(name: "db", type: "AWS::DynamoDB::Table"))"#),
        [("type: \"AWS::DynamoDB::Table\"".to_owned(), 1)]
    );
    assert_eq!(
        refused("annotation.cached = true"),
        [("annotation.cached = true|false".to_owned(), 1)]
    );
    let parts = span_condition(&parse("inferred").unwrap()).unwrap_err();
    assert!(parts[0].why.contains("inferred"), "{:?}", parts[0]);
}
