//! The span of time the views look at: everything, the last few minutes or hours, or a fixed
//! window. Relative ranges are resolved when a request is made, never earlier.

use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TimeRange {
    /// Everything the source has (files, demo, listener).
    #[default]
    All,
    /// The last this many seconds, up to the moment of the request.
    Last(f64),
    /// From and to, in epoch seconds.
    Between(f64, f64),
}

impl TimeRange {
    /// Epoch seconds from and to, at `now`; `None` for everything.
    pub fn resolve(self, now: f64) -> Option<(f64, f64)> {
        match self {
            TimeRange::All => None,
            TimeRange::Last(seconds) => Some((now - seconds, now)),
            TimeRange::Between(from, to) => Some((from, to)),
        }
    }

    /// "all", "last 1h", "2026-11-22 01:00 to 02:30 UTC".
    pub fn label(self) -> String {
        match self {
            TimeRange::All => "all time".into(),
            TimeRange::Last(seconds) => format!("last {}", format_length(seconds)),
            TimeRange::Between(from, to) => {
                let (from, to) = (instant(from), instant(to));
                let to_text = if from.date_naive() == to.date_naive() {
                    to.format("%H:%M:%S").to_string()
                } else {
                    to.format("%Y-%m-%d %H:%M:%S").to_string()
                };
                format!("{} to {to_text} UTC", from.format("%Y-%m-%d %H:%M:%S"))
            }
        }
    }

    /// Reads what a user types: `15m`, `1h`, `2d`, `all`, or `FROM..TO` with each end an
    /// RFC 3339 time, `YYYY-MM-DDTHH:MM[:SS]` (UTC) or epoch seconds.
    pub fn parse(text: &str) -> Result<TimeRange, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(TimeRange::All);
        }
        if let Some((from, to)) = text.split_once("..") {
            let from = parse_instant(from)?;
            let to = parse_instant(to)?;
            if to <= from {
                return Err(format!(
                    "the range ends before it starts: `{}` is not after `{}`",
                    text.split_once("..").map_or("", |p| p.1).trim(),
                    text.split_once("..").map_or("", |p| p.0).trim()
                ));
            }
            return Ok(TimeRange::Between(from, to));
        }
        parse_length(text).map(TimeRange::Last)
    }
}

/// `90s`, `15m`, `1h`, `6h`, `2d`, `1w` into seconds.
pub fn parse_length(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    let bad = || {
        format!("`{text}` is not a length of time: use a number and a unit, like 15m, 1h, 6h or 2d")
    };
    let number: f64 = number.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 7.0 * 86_400.0,
        _ => return Err(bad()),
    };
    if !(number > 0.0 && number.is_finite()) {
        return Err(format!(
            "`{text}` is not a length of time: it must be more than zero"
        ));
    }
    Ok(number * scale)
}

/// An instant as the user may type it, in epoch seconds.
pub fn parse_instant(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp_millis() as f64 / 1000.0);
    }
    let naive = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(naive, format) {
            return Ok(time.and_utc().timestamp_millis() as f64 / 1000.0);
        }
    }
    if let Ok(seconds) = text.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Ok(seconds);
    }
    Err(format!(
        "`{text}` is not a time: use RFC 3339 (2026-11-22T01:00:00Z), 2026-11-22T01:00 (UTC) \
         or epoch seconds"
    ))
}

/// 900 s as "15m", 5400 s as "90m", 7200 s as "2h".
pub fn format_length(seconds: f64) -> String {
    let whole = seconds.round() as i64;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if whole >= size && whole % size == 0 {
            return format!("{}{unit}", whole / size);
        }
    }
    format!("{whole}s")
}

fn instant(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis((seconds * 1000.0) as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_as_people_write_them() {
        assert_eq!(TimeRange::parse("15m"), Ok(TimeRange::Last(900.0)));
        assert_eq!(TimeRange::parse(" 6h "), Ok(TimeRange::Last(21_600.0)));
        assert_eq!(TimeRange::parse("2d"), Ok(TimeRange::Last(172_800.0)));
        assert_eq!(TimeRange::parse("all"), Ok(TimeRange::All));
        assert!(TimeRange::parse("15").unwrap_err().contains("15m, 1h"));
        assert!(
            TimeRange::parse("0h")
                .unwrap_err()
                .contains("more than zero")
        );
        assert!(TimeRange::parse("1y").is_err());
    }

    #[test]
    fn windows_take_both_ends_and_refuse_backwards_ones() {
        let range = TimeRange::parse("2026-11-22T01:00:00Z..2026-11-22T02:30").unwrap();
        assert_eq!(range, TimeRange::Between(1_795_309_200.0, 1_795_314_600.0));
        assert_eq!(range.label(), "2026-11-22 01:00:00 to 02:30:00 UTC");
        let error = TimeRange::parse("2026-11-22T02:00Z..2026-11-22T01:00Z").unwrap_err();
        assert!(error.contains("ends before it starts"), "{error}");
        assert!(
            TimeRange::parse("yesterday..now")
                .unwrap_err()
                .contains("`yesterday` is not a time")
        );
    }

    #[test]
    fn relative_ranges_end_at_the_request() {
        assert_eq!(TimeRange::Last(60.0).resolve(1000.0), Some((940.0, 1000.0)));
        assert_eq!(TimeRange::All.resolve(1000.0), None);
        assert_eq!(TimeRange::Last(5400.0).label(), "last 90m");
    }
}
