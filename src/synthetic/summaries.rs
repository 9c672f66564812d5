//! What `aws xray get-trace-summaries` prints, for any number of summaries: each with HTTP,
//! services, an entry point, users, annotations and, now and then, a fault's root cause.

use std::fmt::Write;

/// One GetTraceSummaries output of `count` summaries, as pretty-printed JSON like the CLI's.
pub fn trace_summaries_output(count: usize, seed: u64) -> String {
    let mut out = String::with_capacity(count * 760 + 64);
    out.push_str("{\n    \"TraceSummaries\": [\n");
    let mut rng = super::Rng(seed);
    let start = 1_768_469_400.0;
    for i in 0..count {
        let time = start + i as f64 * 0.01 + rng.unit() * 0.01;
        let epoch = time as u64;
        let duration = 0.005 + rng.unit() * 2.0;
        let fault = rng.below(40) == 0;
        let error = !fault && rng.below(25) == 0;
        let status = if fault {
            502
        } else if error {
            404
        } else {
            200
        };
        let service = rng.below(40);
        let route = ["orders", "checkout", "products", "cart", "users"][rng.below(5)];
        let user = rng.below(500);
        if i > 0 {
            out.push_str(",\n");
        }
        let _ = write!(
            out,
            r#"        {{
            "Id": "1-{epoch:08x}-{:024x}",
            "StartTime": {time:.3},
            "Duration": {duration:.3},
            "ResponseTime": {duration:.3},
            "HasFault": {fault},
            "HasError": {error},
            "HasThrottle": false,
            "IsPartial": false,
            "Http": {{
                "HttpURL": "https://api.example.com/prod/{route}/{}",
                "HttpStatus": {status},
                "HttpMethod": "{}",
                "UserAgent": "Mozilla/5.0"
            }},
            "Annotations": {{
                "tenant": [{{"AnnotationValue": {{"StringValue": "tenant-{}"}}}}]
            }},
            "Users": [{{"UserName": "user-{user}"}}],
            "ServiceIds": [
                {{"Name": "api-gateway", "Type": "AWS::ApiGateway::Stage"}},
                {{"Name": "service-{service}", "Type": "AWS::Lambda::Function"}}
            ],
            "EntryPoint": {{"Name": "api-gateway", "Type": "AWS::ApiGateway::Stage"}},
            "FaultRootCauses": [{}]
        }}"#,
            (((rng.next() as u128) << 32) ^ rng.next() as u128) & ((1u128 << 96) - 1),
            rng.below(100_000),
            if rng.below(3) == 0 { "POST" } else { "GET" },
            user % 20,
            if fault {
                format!(
                    r#"{{"Services": [{{"Name": "service-{service}", "EntityPath": [{{"Exceptions": [{{"Name": "TimeoutError"}}]}}]}}]}}"#
                )
            } else {
                String::new()
            }
        );
    }
    out.push_str("\n    ]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_reads_as_that_many_summaries() {
        let text = trace_summaries_output(50, 7);
        let output: crate::model::summary::GetTraceSummariesOutput =
            serde_json::from_str(&text).unwrap();
        assert_eq!(output.trace_summaries.kept.len(), 50);
        assert_eq!(output.trace_summaries.without_id, 0);
    }
}
