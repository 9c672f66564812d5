//! The counts the X-Ray daemon reports with PutTelemetryRecords, kept while forwarding.

use crate::aws::Backend;

/// Segment documents and connection errors since the last record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub received: u64,
    pub sent: u64,
    /// Dropped from a full queue.
    pub spillover: u64,
    /// Refused: by the local checks, or by X-Ray for good.
    pub rejected: u64,
    pub errors: ConnectionErrors,
}

/// Calls that did not reach X-Ray, or came back with an HTTP error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionErrors {
    pub timeout: u64,
    pub connection_refused: u64,
    pub http_4xx: u64,
    pub http_5xx: u64,
    pub unknown_host: u64,
    pub other: u64,
}

impl ConnectionErrors {
    pub fn count(&mut self, backend: Backend) {
        let counter = match backend {
            Backend::Timeout => &mut self.timeout,
            Backend::ConnectionRefused => &mut self.connection_refused,
            Backend::Http4xx => &mut self.http_4xx,
            Backend::Http5xx => &mut self.http_5xx,
            Backend::UnknownHost => &mut self.unknown_host,
            Backend::Other => &mut self.other,
        };
        *counter += 1;
    }
}
