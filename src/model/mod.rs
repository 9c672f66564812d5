//! The X-Ray domain: documents, traces, summaries and service graphs. No I/O, no terminal.

pub mod graph;
pub mod graph_stats;
pub mod lenient;
pub mod logs;
pub mod root_cause;
pub mod segment;
pub mod summary;
pub mod trace;
pub mod trace_id;

pub use graph::ServiceGraph;
pub use segment::{Segment, Status};
pub use summary::TraceSummary;
pub use trace::{Document, Span, SpanKind, Trace};
