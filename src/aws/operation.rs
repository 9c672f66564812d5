//! The AWS operations the program calls: their names, the IAM actions that allow them, and
//! what to tell a user when one fails or is denied.

/// The X-Ray and CloudWatch Logs operations the program calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    GetTraceSummaries,
    BatchGetTraces,
    GetServiceGraph,
    GetTraceGraph,
    GetGroups,
    // X-Ray Insights and the health over time of the map's services.
    GetInsightSummaries,
    GetInsight,
    GetInsightEvents,
    GetInsightImpactGraph,
    GetTimeSeriesServiceStatistics,
    PutTraceSegments,
    PutTelemetryRecords,
    // Transaction Search: where spans go, and reading them back from aws/spans.
    GetTraceSegmentDestination,
    GetIndexingRules,
    StartTraceRetrieval,
    ListRetrievedTraces,
    GetRetrievedTracesGraph,
    CancelTraceRetrieval,
    // CloudWatch Logs Insights over aws/spans.
    StartQuery,
    GetQueryResults,
    StopQuery,
    /// A POST of spans to X-Ray's OTLP endpoint, `/v1/traces`.
    OtlpTraces,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetTraceSummaries => "GetTraceSummaries",
            Operation::BatchGetTraces => "BatchGetTraces",
            Operation::GetServiceGraph => "GetServiceGraph",
            Operation::GetTraceGraph => "GetTraceGraph",
            Operation::GetGroups => "GetGroups",
            Operation::GetInsightSummaries => "GetInsightSummaries",
            Operation::GetInsight => "GetInsight",
            Operation::GetInsightEvents => "GetInsightEvents",
            Operation::GetInsightImpactGraph => "GetInsightImpactGraph",
            Operation::GetTimeSeriesServiceStatistics => "GetTimeSeriesServiceStatistics",
            Operation::PutTraceSegments => "PutTraceSegments",
            Operation::PutTelemetryRecords => "PutTelemetryRecords",
            Operation::GetTraceSegmentDestination => "GetTraceSegmentDestination",
            Operation::GetIndexingRules => "GetIndexingRules",
            Operation::StartTraceRetrieval => "StartTraceRetrieval",
            Operation::ListRetrievedTraces => "ListRetrievedTraces",
            Operation::GetRetrievedTracesGraph => "GetRetrievedTracesGraph",
            Operation::CancelTraceRetrieval => "CancelTraceRetrieval",
            Operation::StartQuery => "StartQuery",
            Operation::GetQueryResults => "GetQueryResults",
            Operation::StopQuery => "StopQuery",
            Operation::OtlpTraces => "OTLP /v1/traces",
        }
    }

    /// The service that answers: "X-Ray" or "CloudWatch Logs".
    pub fn service(self) -> &'static str {
        match self {
            Operation::StartQuery | Operation::GetQueryResults | Operation::StopQuery => {
                "CloudWatch Logs"
            }
            _ => "X-Ray",
        }
    }

    /// How the user asks again, after a failure.
    pub fn retry_hint(self) -> &'static str {
        match self {
            Operation::GetTraceSummaries
            | Operation::GetTraceSegmentDestination
            | Operation::GetIndexingRules => "reload the list to retry",
            Operation::StartQuery | Operation::GetQueryResults | Operation::StopQuery => {
                "reload the list (or close and open the logs pane) to retry"
            }
            Operation::GetGroups => "try again",
            Operation::BatchGetTraces
            | Operation::StartTraceRetrieval
            | Operation::ListRetrievedTraces
            | Operation::CancelTraceRetrieval => "open the trace again to retry",
            Operation::GetServiceGraph
            | Operation::GetTraceGraph
            | Operation::GetRetrievedTracesGraph => "open the map again to retry",
            Operation::GetInsightSummaries
            | Operation::GetInsight
            | Operation::GetInsightEvents
            | Operation::GetInsightImpactGraph => "open the Insights screen again to retry",
            Operation::GetTimeSeriesServiceStatistics => "show the sparklines again to retry",
            Operation::PutTraceSegments
            | Operation::PutTelemetryRecords
            | Operation::OtlpTraces => "send again",
        }
    }

    /// The IAM action that allows the call: `xray:BatchGetTraces`, `logs:StartQuery`.
    pub fn iam_action(self) -> String {
        let prefix = match self.service() {
            "CloudWatch Logs" => "logs",
            _ => "xray",
        };
        match self {
            // AWS names a managed policy for the OTLP endpoint rather than an action; the
            // policy's write action is this one.
            Operation::OtlpTraces => "xray:PutTraceSegments".into(),
            _ => format!("{prefix}:{}", self.name()),
        }
    }

    /// What still works without this call, for the operations the program can do without.
    pub fn without(self) -> Option<&'static str> {
        Some(match self {
            Operation::GetTraceSegmentDestination => {
                "the list still works but cannot say whether Transaction Search is on"
            }
            Operation::GetIndexingRules => {
                "the list still works but cannot say the share of spans it summarizes"
            }
            Operation::StartTraceRetrieval | Operation::ListRetrievedTraces => {
                "the list still works, and traces X-Ray indexed open with BatchGetTraces; \
                 the others need it"
            }
            Operation::GetRetrievedTracesGraph => "the waterfall still works, not its map",
            Operation::CancelTraceRetrieval => {
                "everything works, but a retrieval the user left runs to its end"
            }
            Operation::StartQuery | Operation::GetQueryResults => {
                "traces and the indexed summaries still work; searching all spans and a trace's log \
                 lines need it"
            }
            Operation::StopQuery => {
                "everything works, but a query the user left (a list, a trace's log lines) runs \
                 to its end"
            }
            Operation::GetInsightSummaries
            | Operation::GetInsight
            | Operation::GetInsightEvents
            | Operation::GetInsightImpactGraph => {
                "the Insights screen computes its insights from the listed traces instead"
            }
            Operation::GetTimeSeriesServiceStatistics => {
                "the sparklines are computed from the listed traces instead"
            }
            _ => return None,
        })
    }

    /// The README section that lists this operation's IAM action.
    pub fn policy_section(self) -> &'static str {
        match self {
            Operation::PutTraceSegments
            | Operation::PutTelemetryRecords
            | Operation::OtlpTraces => "Sending traces to X-Ray",
            _ => "Live AWS",
        }
    }
}
