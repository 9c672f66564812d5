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
    if sibilant {
        format!("{noun}es")
    } else {
        format!("{noun}s")
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
    }
}
