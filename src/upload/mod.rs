//! The write side of X-Ray: documents checked as X-Ray checks them, and moved in time so a
//! recording can be replayed.

pub mod check;
pub mod rebase;
