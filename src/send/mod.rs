//! The write side of X-Ray: sending saved documents (`--upload`) and passing on what SDKs send
//! (`--listen --forward`): daemon-protocol documents through PutTraceSegments as the X-Ray
//! daemon would (`forward`), OTLP spans to X-Ray's OTLP endpoint (`otlp`). Documents are
//! checked as X-Ray checks them before they go, and can be moved in time so a recording can be
//! replayed.

pub mod check;
pub mod forward;
pub mod otlp;
pub mod outbox;
pub mod rebase;
pub mod replay;
pub mod telemetry;
pub mod writer;
