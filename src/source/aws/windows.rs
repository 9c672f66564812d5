//! Long time ranges cut into windows X-Ray accepts.

/// The longest window asked of X-Ray in one request (as the console does).
pub const MAX_WINDOW: f64 = 6.0 * 3600.0;

/// `from..to` as contiguous windows of at most `max` seconds, newest first. Each window
/// starts where the next older one ends, and together they cover the range exactly.
pub fn split(from: f64, to: f64, max: f64) -> Vec<(f64, f64)> {
    if max <= 0.0 {
        return vec![(from, to)];
    }
    let mut windows = Vec::new();
    let mut end = to;
    while end - from > max {
        windows.push((end - max, end));
        end -= max;
    }
    windows.push((from, end));
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_hours_are_three_windows_newest_first() {
        let from = 1_700_000_000.0;
        let to = from + 14.0 * 3600.0;
        let windows = split(from, to, MAX_WINDOW);
        assert_eq!(
            windows,
            vec![
                (to - MAX_WINDOW, to),
                (to - 2.0 * MAX_WINDOW, to - MAX_WINDOW),
                (from, to - 2.0 * MAX_WINDOW),
            ]
        );
    }

    #[test]
    fn short_and_exact_ranges_stay_whole() {
        assert_eq!(split(0.0, 60.0, MAX_WINDOW), vec![(0.0, 60.0)]);
        assert_eq!(split(0.0, MAX_WINDOW, MAX_WINDOW), vec![(0.0, MAX_WINDOW)]);
        assert_eq!(
            split(0.0, 2.0 * MAX_WINDOW, MAX_WINDOW),
            vec![(MAX_WINDOW, 2.0 * MAX_WINDOW), (0.0, MAX_WINDOW)]
        );
        // Nothing to split: left to X-Ray to judge.
        assert_eq!(split(10.0, 10.0, MAX_WINDOW), vec![(10.0, 10.0)]);
    }
}
