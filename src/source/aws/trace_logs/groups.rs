//! The log groups a trace names, each with the service whose lines it holds: the groups its
//! segments list under `aws.cloudwatch_logs`, `/aws/lambda/NAME` for its Lambda functions, and
//! the groups the configuration's `[logs]` table maps to its services.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Trace;

/// A Logs Insights query covers 50 log groups at most.
pub const MOST: usize = 50;

/// A log group to query and the service that writes to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub service: String,
}

/// The trace's groups, each once, in the order the trace names them.
pub fn of_trace(trace: &Trace, mapped: &BTreeMap<String, Vec<String>>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut add = |name: &str, service: &str| {
        let name = name.trim();
        if !name.is_empty() && !groups.iter().any(|g| g.name == name) {
            groups.push(Group {
                name: name.to_owned(),
                service: service.to_owned(),
            });
        }
    };
    for span in trace.spans.iter().filter(|s| s.is_segment()) {
        let segment = &span.segment;
        let service = span.name();
        if let Some(listed) = segment
            .aws
            .as_ref()
            .and_then(|aws| aws.other.get("cloudwatch_logs"))
            .and_then(Value::as_array)
        {
            for group in listed {
                if let Some(name) = group
                    .get("log_group")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| group_of_arn(group.get("arn")?.as_str()?))
                {
                    add(&name, service);
                }
            }
        }
        if matches!(
            segment.origin.as_deref(),
            Some("AWS::Lambda" | "AWS::Lambda::Function")
        ) {
            let function = segment
                .resource_arn
                .as_deref()
                .and_then(function_of_arn)
                .unwrap_or(service);
            if !function.is_empty() {
                add(&format!("/aws/lambda/{function}"), service);
            }
        }
        for (mapped_service, names) in mapped {
            if mapped_service.trim().eq_ignore_ascii_case(service) {
                for name in names {
                    add(name, service);
                }
            }
        }
    }
    groups
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` → NAME.
fn group_of_arn(arn: &str) -> Option<String> {
    let rest = arn.split_once(":log-group:")?.1;
    let name = rest.strip_suffix(":*").unwrap_or(rest);
    (!name.is_empty()).then(|| name.to_owned())
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → NAME.
fn function_of_arn(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":function:")?.1;
    let name = rest.split(':').next()?;
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Segment};

    fn trace(documents: &[&str]) -> Trace {
        let documents = documents
            .iter()
            .map(|text| Document {
                text: text.to_string(),
                segment: Segment::parse(text).unwrap(),
            })
            .collect();
        Trace::assemble("1-5759e988-bd862e3fe1be46a994272793", documents)
    }

    #[test]
    fn segments_lambda_functions_and_the_configuration_name_groups() {
        let trace = trace(&[
            r#"{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"aaaaaaaaaaaaaaaa","name":"orders","start_time":100.0,"end_time":101.0,
                "aws":{"cloudwatch_logs":[{"log_group":"/ecs/orders"},{"arn":"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/orders-proxy:*"},{"log_group":"/ecs/orders"}]}}"#,
            r#"{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"bbbbbbbbbbbbbbbb","name":"charge","origin":"AWS::Lambda::Function","parent_id":"aaaaaaaaaaaaaaaa","start_time":100.2,"end_time":100.5,
                "resource_arn":"arn:aws:lambda:us-east-1:123456789012:function:charge-card:live"}"#,
            r#"{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"cccccccccccccccc","name":"ledger","origin":"AWS::Lambda","parent_id":"aaaaaaaaaaaaaaaa","start_time":100.6,"end_time":100.7}"#,
        ]);
        let mapped = BTreeMap::from([
            ("Orders".to_owned(), vec!["/app/orders".to_owned()]),
            ("unrelated".to_owned(), vec!["/app/other".to_owned()]),
        ]);
        let groups: Vec<(String, String)> = of_trace(&trace, &mapped)
            .into_iter()
            .map(|g| (g.name, g.service))
            .collect();
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            groups,
            [
                pair("/ecs/orders", "orders"),
                pair("/ecs/orders-proxy", "orders"),
                pair("/app/orders", "orders"),
                pair("/aws/lambda/charge-card", "charge"),
                pair("/aws/lambda/ledger", "ledger"),
            ]
        );
    }
}
