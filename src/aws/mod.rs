//! Reaching X-Ray through aws-sdk-xray, for the live source (`source::aws`) and the write side
//! (`send`) alike: the client, made the way the AWS CLI would make it, what a failed call
//! means (also for the calls made without the client, to X-Ray's OTLP endpoint), and the
//! wording of durations in what the calls report.

mod connection;
mod direct;
mod errors;
mod operation;

use std::time::Duration;

pub use connection::{ConnectOptions, Connection, Progress, Timeouts};
pub use direct::{answer_failure, timed_out, unanswered};
pub use errors::{
    Backend, Configuration, Failure, Network, NotFound, Operation, backend_error, classify,
    credentials_failure,
};

/// 15 s, 1.5 s, 200 ms.
pub fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(15)), "15 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(200)), "200 ms");
    }
}
