//! Transaction Search's `aws/spans` records: one span per log event, a flat JSON object with
//! its resource and scope inlined, ids in hex, its kind and status code by name, times as
//! integer nanoseconds and attributes as one object of dotted keys. Records are read into OTLP
//! spans and grouped by resource and scope into one `ExportTraceServiceRequest`, so that the
//! one OTel → X-Ray translator makes their documents.
//!
//! A field of the wrong shape is read as absent; only a record without a usable `traceId` or
//! `spanId` gives no span.

mod batch;
mod lenient;
pub mod logs;
mod record;

#[cfg(test)]
mod tests;

pub use batch::{Labels, SpanBatch};
pub use record::{ReadSpan, Unreadable, read};
