//! Analytics over a set of trace summaries: the response-time distribution, groups by a
//! dimension with their percentiles and rates, and the comparison of two sets. Pure data: no
//! terminal, no I/O. Every group and band can be written as a filter expression.

pub mod anomaly;
pub mod compare;
pub mod group;
pub mod histogram;
pub mod icicle;
pub mod span_stats;
pub mod stats;
pub mod timeline;
pub mod trace_diff;
pub mod url_pattern;

/// A number without float noise, as a label shows it: `0.005`, `2`, `1.5`.
pub fn number_text(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" {
        "0".into()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_print_without_float_noise() {
        assert_eq!(super::number_text(0.005000000000000001), "0.005");
        assert_eq!(super::number_text(2.0), "2");
        assert_eq!(super::number_text(1.5), "1.5");
        assert_eq!(super::number_text(0.0), "0");
    }
}
