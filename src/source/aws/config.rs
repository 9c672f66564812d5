//! What the live source asks of X-Ray beyond reaching it: the time range type, sampling, and
//! the limits and delays of its calls.

use std::time::Duration;

use crate::aws::ConnectOptions;

/// What GetTraceSummaries' time range selects by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TimeRangeType {
    /// The time in the trace id: when the trace started (X-Ray's default).
    TraceId,
    /// When the segments were received.
    Event,
    /// When the services handled the requests.
    Service,
}

/// How X-Ray is reached and asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwsOptions {
    pub connect: ConnectOptions,
    pub time_range_type: Option<TimeRangeType>,
    /// Ask GetTraceSummaries for a sample of the traces.
    pub sampling: bool,
    /// Log groups by the service that writes to them (the configuration's `[logs]`), searched
    /// for a trace's log lines beside the groups the trace names.
    pub log_groups: std::collections::BTreeMap<String, Vec<String>>,
    pub tuning: Tuning,
}

/// Limits and delays; tests shorten them.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// Attempts at a call that met a network error, a timeout or a server error.
    pub attempts: u32,
    /// The pause before the second attempt; it doubles for each one after.
    pub retry_delay: Duration,
    /// Throttled attempts at one call before giving up.
    pub throttled_attempts: u32,
    /// The first pause after X-Ray throttles; it doubles while throttling goes on, up to the cap.
    pub throttle_pause: Duration,
    pub throttle_pause_cap: Duration,
    /// X-Ray calls in flight at once, at most.
    pub calls_in_flight: usize,
    /// Time windows fetched at once (each is a chain of pages).
    pub windows_in_flight: usize,
    /// The longest window of one request, in seconds.
    pub max_window: f64,
    /// Rounds of asking again for the traces X-Ray left unprocessed.
    pub unprocessed_rounds: u32,
    /// How often `--follow` asks for new traces.
    pub poll_every: Duration,
    /// How far back each poll looks before the previous one ended: traces show up late.
    pub poll_overlap: Duration,
    /// Traces fetched ahead by one prefetch, at most.
    pub prefetch_limit: usize,
    /// The first pause while a retrieval or a Logs Insights query runs; it doubles up to the cap.
    pub poll_first: Duration,
    pub poll_cap: Duration,
    /// The widest time range of one retrieval from aws/spans, in seconds.
    pub retrieval_window: f64,
    /// Spans one Logs Insights query returns, at most (10,000 a page).
    pub spans_limit: usize,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            attempts: 3,
            retry_delay: Duration::from_millis(500),
            throttled_attempts: 8,
            throttle_pause: Duration::from_millis(400),
            throttle_pause_cap: Duration::from_secs(20),
            calls_in_flight: 4,
            windows_in_flight: 3,
            max_window: super::windows::MAX_WINDOW,
            unprocessed_rounds: 3,
            poll_every: Duration::from_secs(5),
            poll_overlap: Duration::from_secs(120),
            prefetch_limit: 20,
            poll_first: Duration::from_millis(500),
            poll_cap: Duration::from_secs(5),
            retrieval_window: 3600.0,
            spans_limit: 10_000,
        }
    }
}
