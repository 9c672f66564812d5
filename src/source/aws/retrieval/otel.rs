//! A retrieved trace's spans in the OTEL format: each one an `aws/spans` record, read as files'
//! are and made into segment documents by the one translator.

use crate::codec::aws_spans::{self, SpanBatch};
use crate::codec::otel::{TranslateOptions, translate};

/// The segment documents of one trace's OTEL-format spans, and what could not be read, named
/// by `trace` and the span's place in the answer.
pub fn segment_documents(trace: &str, spans: &[String]) -> (Vec<String>, Vec<String>) {
    let mut batch = SpanBatch::default();
    let mut problems = Vec::new();
    for (number, text) in (1..).zip(spans) {
        match aws_spans::read(text) {
            Ok(read) => {
                problems.extend(
                    read.notes
                        .iter()
                        .map(|note| format!("aws/spans {trace} span {number}: {note}")),
                );
                batch.push(read, number);
            }
            Err(why) => problems.push(format!("aws/spans {trace} span {number} skipped: {why}")),
        }
    }
    let (request, _) = batch.into_request();
    let translated = translate(&request, &TranslateOptions::default());
    problems.extend(
        translated
            .problems
            .into_iter()
            .map(|problem| format!("aws/spans {trace}: {problem}")),
    );
    (translated.documents, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otel_spans_become_one_tree_of_documents() {
        let server = r#"{"resource":{"attributes":{"service.name":"checkout"}},"scope":{"name":"s"},
            "traceId":"6759b1c50e59b643038a6a070e115043","spanId":"2a22ad6d7aeb6ef2",
            "name":"POST /orders","kind":"SERVER","startTimeUnixNano":1733931461640310404,
            "endTimeUnixNano":1733931462360000208,"attributes":{"http.request.method":"POST"},
            "status":{"code":"UNSET"}}"#;
        let client = r#"{"resource":{"attributes":{"service.name":"checkout"}},"scope":{"name":"s"},
            "traceId":"6759b1c50e59b643038a6a070e115043","spanId":"48fec93dfe40959d",
            "parentSpanId":"2a22ad6d7aeb6ef2","name":"GET","kind":"CLIENT",
            "startTimeUnixNano":1733931461700000000,"endTimeUnixNano":1733931462000000000,
            "attributes":{"peer.service":"payments"},"status":{"code":"ERROR"}}"#;
        let spans = vec![server.to_owned(), client.to_owned(), "{".to_owned()];
        let (documents, problems) =
            segment_documents("1-6759b1c5-0e59b643038a6a070e115043", &spans);
        assert_eq!(documents.len(), 2);
        let parsed: Vec<serde_json::Value> = documents
            .iter()
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        assert_eq!(parsed[0]["trace_id"], "1-6759b1c5-0e59b643038a6a070e115043");
        assert_eq!(parsed[0]["name"], "checkout");
        assert_eq!(parsed[1]["name"], "payments");
        assert_eq!(parsed[1]["parent_id"], "2a22ad6d7aeb6ef2");
        assert_eq!(parsed[1]["fault"], true);
        assert!(
            problems
                .iter()
                .any(|p| p
                    .starts_with("aws/spans 1-6759b1c5-0e59b643038a6a070e115043 span 3 skipped")),
            "{problems:?}"
        );
    }
}
