//! The write side of X-Ray: sending saved documents (`--upload`) and passing on what SDKs send
//! (`--listen --forward`), as the X-Ray daemon would. Documents are checked as X-Ray checks
//! them before they go, and can be moved in time so a recording can be replayed.

pub mod check;
pub mod forward;
pub mod rebase;
pub mod replay;
pub mod telemetry;
pub mod writer;
