//! Formats into the model: each codec turns what arrives into X-Ray segment documents.

pub mod aws_spans;
pub mod log_event;
pub mod otel;
pub mod otel_logs;
