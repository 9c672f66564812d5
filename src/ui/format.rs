//! Formatting of times and values for display.

use chrono::{DateTime, FixedOffset, Utc};

fn local(epoch: f64, utc_offset: i32) -> Option<DateTime<FixedOffset>> {
    if !epoch.is_finite() {
        return None;
    }
    let offset = FixedOffset::east_opt(utc_offset)?;
    let utc = DateTime::<Utc>::from_timestamp_millis((epoch * 1000.0).round() as i64)?;
    Some(utc.with_timezone(&offset))
}

/// `HH:MM:SS` in the given zone.
pub fn clock(epoch: f64, utc_offset: i32) -> String {
    local(epoch, utc_offset).map_or_else(|| "--:--:--".into(), |t| t.format("%H:%M:%S").to_string())
}

/// `MM-DD HH:MM` in the given zone, for lists that span days.
pub fn day_and_minute(epoch: f64, utc_offset: i32) -> String {
    local(epoch, utc_offset).map_or_else(|| "--".into(), |t| t.format("%m-%d %H:%M").to_string())
}

/// `YYYY-MM-DD HH:MM` in the given zone, for lists that span years or are not of this year.
pub fn date_and_minute(epoch: f64, utc_offset: i32) -> String {
    local(epoch, utc_offset).map_or_else(|| "--".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

/// The year of a time in the given zone.
pub fn year(epoch: f64, utc_offset: i32) -> Option<i32> {
    use chrono::Datelike;
    local(epoch, utc_offset).map(|t| t.year())
}

/// The part of a URL after the host: `/orders/42?x=1`.
pub fn url_path(url: &str) -> &str {
    let rest = short_url(url);
    match rest.find('/') {
        Some(at) if rest.contains("://") || at > 0 => &rest[at..],
        _ => rest,
    }
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in the given zone.
pub fn timestamp(epoch: f64, utc_offset: i32) -> String {
    local(epoch, utc_offset).map_or_else(
        || "?".into(),
        |t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
    )
}

/// A URL without its scheme, which rarely helps when space is short.
pub fn short_url(url: &str) -> &str {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_a_fixed_zone() {
        assert_eq!(clock(1768469400.0, 0), "09:30:00");
        assert_eq!(clock(1768469400.0, 3600), "10:30:00");
        assert_eq!(timestamp(1768469400.25, 0), "2026-01-15 09:30:00.250");
        assert_eq!(clock(f64::NAN, 0), "--:--:--");
        assert_eq!(date_and_minute(1478293361.0, 0), "2016-11-04 21:02");
        assert_eq!(year(1478293361.0, 0), Some(2016));
        assert_eq!(year(f64::INFINITY, 0), None);
    }
}
