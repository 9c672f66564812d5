//! Counts with their noun in the right number: `1 fault`, `2 faults`, `1 match`, `3 matches`.

/// `n` and the noun, plural unless `n` is one.
pub fn count<N>(n: N, noun: &str) -> String
where
    N: TryInto<u64> + std::fmt::Display + Copy,
{
    format!("{n} {}", noun_for(n, noun))
}

/// The noun as `n` takes it: `fault` for one, `faults` otherwise.
pub fn noun_for<N: TryInto<u64> + Copy>(n: N, noun: &str) -> String {
    if n.try_into().ok() == Some(1) {
        return noun.to_owned();
    }
    let sibilant = ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| noun.ends_with(end));
    let consonant_y = noun
        .strip_suffix('y')
        .is_some_and(|stem| stem.ends_with(|c: char| !"aeiou".contains(c)));
    if sibilant {
        format!("{noun}es")
    } else if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else {
        format!("{noun}s")
    }
}

/// Bytes as people read them: `812 B`, `4.2 KB`, `1.3 MB`.
pub fn bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[0])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1usize, "fault"), "1 fault");
        assert_eq!(count(0usize, "fault"), "0 faults");
        assert_eq!(count(2i64, "throttle"), "2 throttles");
        assert_eq!(count(1i64, "request"), "1 request");
        assert_eq!(count(3u64, "match"), "3 matches");
        assert_eq!(count(-1i64, "span"), "-1 spans");
        assert_eq!(count(2u64, "summary"), "2 summaries");
        assert_eq!(count(2u64, "day"), "2 days");
    }
}
