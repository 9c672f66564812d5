//! Why reading `aws/spans` (Transaction Search) gave nothing, by kind.

use crate::filter::insights::Untranslatable;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpansError {
    /// A retrieval ended without traces (status FAILED, CANCELLED or TIMEOUT).
    #[error("{}", retrieval_ended(*.status, *.traces))]
    RetrievalEnded { status: Ended, traces: usize },
    /// ListRetrievedTraces answered in another format than the XRAY asked for.
    #[error(
        "X-Ray answered the retrieval in the {format} format, not the XRAY format asked for; \
         xray-tui reads segment documents only"
    )]
    Format { format: String },
    /// A Logs Insights query ended without results.
    #[error("{}", query_ended(*.0))]
    QueryEnded(Ended),
    /// Parts of the filter that a query over spans cannot express.
    #[error("{}", untranslatable(.filter, .parts))]
    Untranslatable {
        filter: String,
        parts: Vec<Untranslatable>,
    },
    /// X-Ray groups filter indexed traces; spans have none.
    #[error(
        "the group {0} cannot be searched in aws/spans (groups filter X-Ray's indexed traces): \
         choose no group to search all spans"
    )]
    Group(String),
    /// The log group is not there: Transaction Search was never turned on in this region.
    #[error(
        "there is no aws/spans log group here: Transaction Search is off in this account and \
         region (CloudWatch › Application Signals › Transaction Search turns it on)"
    )]
    NoSpans,
    /// All spans are asked of a source that has whole traces only.
    #[error(
        "searching all spans is for live AWS with Transaction Search; this list already \
         searches every span it has"
    )]
    NotLiveAws,
}

/// How a retrieval or a query ended without results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Failed,
    Cancelled,
    TimedOut,
}

fn retrieval_ended(status: Ended, traces: usize) -> String {
    let what = if traces == 1 {
        "the retrieval of the trace from aws/spans".to_owned()
    } else {
        format!("the retrieval of {traces} traces from aws/spans")
    };
    match status {
        Ended::Failed => format!(
            "{what} failed (FAILED): open the trace again to retry; if it fails again, check \
             that Transaction Search is on"
        ),
        Ended::Cancelled => format!(
            "{what} was cancelled (CANCELLED), by another client or the console: open the \
             trace again to retry"
        ),
        Ended::TimedOut => format!(
            "{what} timed out (TIMEOUT): AWS stops a retrieval after 60 minutes; a narrower \
             time range is quicker"
        ),
    }
}

fn query_ended(status: Ended) -> String {
    match status {
        Ended::Failed => {
            "the Logs Insights query over aws/spans failed (Failed): reload the list to retry"
                .into()
        }
        Ended::Cancelled => "the Logs Insights query over aws/spans was cancelled (Cancelled), \
                             by another client or the console: reload the list to retry"
            .into(),
        Ended::TimedOut => "the Logs Insights query over aws/spans timed out (Timeout): \
                            Logs Insights stops a query after 60 minutes; a narrower time \
                            range or filter scans less"
            .into(),
    }
}

/// "cannot search all spans with `partial` (column 7): spans reach aws/spans when they end…".
fn untranslatable(filter: &str, parts: &[Untranslatable]) -> String {
    let each: Vec<String> = parts
        .iter()
        .map(|part| {
            format!(
                "`{}` (column {}): {}",
                part.what,
                part.column(filter),
                part.why
            )
        })
        .collect();
    format!(
        "cannot search all spans with {}; change the filter, or search the indexed summaries",
        each.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untranslatable_filter_names_each_part_and_its_column() {
        let filter = "fault AND partial";
        let parts = crate::filter::insights::span_condition(&crate::filter::parse(filter).unwrap())
            .unwrap_err();
        let error = SpansError::Untranslatable {
            filter: filter.into(),
            parts,
        };
        assert_eq!(
            error.to_string(),
            "cannot search all spans with `partial` (column 11): spans reach aws/spans when they \
             end: none is in progress; change the filter, or search the indexed summaries"
        );
    }

    #[test]
    fn a_retrieval_that_ended_says_how_and_what_to_do() {
        let timed_out = SpansError::RetrievalEnded {
            status: Ended::TimedOut,
            traces: 3,
        };
        assert!(
            timed_out.to_string().starts_with(
                "the retrieval of 3 traces from aws/spans timed out (TIMEOUT): AWS stops"
            ),
            "{timed_out}"
        );
    }
}
