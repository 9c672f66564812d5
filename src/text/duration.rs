//! Durations written short, for labels and columns.

/// A duration for labels: `850µs`, `12ms`, `1.25s`, `2m05s`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "?".into();
    }
    if seconds == 0.0 {
        return "0".into();
    }
    // Thresholds sit where rounding would carry into the next unit (999.6µs is 1.0ms).
    if seconds < 0.999_5e-3 {
        return format!("{:.0}µs", seconds * 1e6);
    }
    if seconds < 0.999_5 {
        let ms = seconds * 1e3;
        return if ms < 9.95 {
            format!("{ms:.1}ms")
        } else {
            format!("{ms:.0}ms")
        };
    }
    if seconds < 59.95 {
        return if seconds < 9.995 {
            format!("{seconds:.2}s")
        } else {
            format!("{seconds:.1}s")
        };
    }
    let minutes = (seconds / 60.0).floor();
    format!("{minutes:.0}m{:02.0}s", (seconds - minutes * 60.0).floor())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(0.000_85), "850µs");
        assert_eq!(format_duration(0.0123), "12ms");
        assert_eq!(format_duration(0.004_56), "4.6ms");
        assert_eq!(format_duration(1.25), "1.25s");
        assert_eq!(format_duration(125.0), "2m05s");
        assert_eq!(format_duration(f64::NAN), "?");
        assert_eq!(format_duration(0.000_999_9), "1.0ms");
        assert_eq!(format_duration(0.009_99), "10ms");
        assert_eq!(format_duration(0.999_9), "1.00s");
        assert_eq!(format_duration(9.999), "10.0s");
    }
}
