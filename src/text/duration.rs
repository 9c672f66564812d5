//! Durations written short, for labels and columns.

/// A duration for labels: `850µs`, `12ms`, `1.25s`, `2m05s`, `3h07m`, `23d03h`, `2y015d`.
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
    // From here on the two largest units, the smaller one cut (never rounded up).
    let whole = seconds.floor().min(u64::MAX as f64) as u64;
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    if whole < HOUR {
        return format!("{}m{:02}s", whole / MINUTE, whole % MINUTE);
    }
    if whole < DAY {
        return format!("{}h{:02}m", whole / HOUR, whole % HOUR / MINUTE);
    }
    if whole < YEAR {
        return format!("{}d{:02}h", whole / DAY, whole % DAY / HOUR);
    }
    format!("{}y{:03}d", whole / YEAR, whole % YEAR / DAY)
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

    #[test]
    fn long_durations_count_hours_days_and_years() {
        assert_eq!(format_duration(3599.9), "59m59s");
        assert_eq!(format_duration(3600.0), "1h00m");
        assert_eq!(format_duration(3.0 * 3600.0 + 7.0 * 60.0 + 59.0), "3h07m");
        // 33333m20s and 109647m37s, as a trace in progress since 2016 once showed them.
        assert_eq!(format_duration(2_000_000.0), "23d03h");
        assert_eq!(format_duration(6_578_857.0), "76d03h");
        assert_eq!(format_duration(86_400.0), "1d00h");
        assert_eq!(
            format_duration(10.0 * 365.0 * 86_400.0 + 15.0 * 86_400.0),
            "10y015d"
        );
        assert_eq!(
            format_duration(1e300),
            format_duration(1e300),
            "no overflow"
        );
    }
}
