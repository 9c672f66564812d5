//! The wall clock, read in one place.

/// Now, in epoch seconds: for resolving relative time ranges and dating what is sent.
pub fn now() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}
