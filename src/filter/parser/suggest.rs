//! What to say about a keyword in the wrong place, and the known word an unknown one is
//! closest to.

use crate::filter::ast::{Keyword, Scope};

/// Why `keyword` is refused in `scope`.
pub(super) fn not_here(keyword: Keyword, scope: Scope) -> String {
    let name = keyword.text();
    let place = match keyword {
        Keyword::First | Keyword::Last | Keyword::Index => {
            Some("inside rootcause.KIND.service/entity/exception { }")
        }
        Keyword::Remote => Some("inside rootcause.KIND.entity { }"),
        Keyword::Root if scope == Scope::Trace || scope == Scope::Edge => {
            Some("inside service() { } or rootcause.KIND.service { }")
        }
        Keyword::Coverage => Some("inside rootcause.responsetime.service { } or .entity { }"),
        _ => None,
    };
    if let (Some(place), false) = (place, matches!(scope, Scope::RootCause(..))) {
        return format!("'{name}' only means something {place}");
    }
    let allowed: Vec<&str> = Keyword::ALL
        .iter()
        .filter(|k| scope.allows(**k))
        .map(|k| k.text())
        .collect();
    format!(
        "'{name}' cannot be used {}; there you can use {}",
        scope.describe(),
        allowed.join(", ")
    )
}

/// Words the parser knows besides the simple keywords.
const OTHER_WORDS: &[&str] = &[
    "service",
    "edge",
    "id",
    "annotation",
    "group.name",
    "group.arn",
    "rootcause.json",
    "rootcause.fault.service",
    "rootcause.fault.entity",
    "rootcause.fault.exception",
    "rootcause.error.service",
    "rootcause.error.entity",
    "rootcause.error.exception",
    "rootcause.responsetime.service",
    "rootcause.responsetime.entity",
    "AND",
    "OR",
    "CONTAINS",
    "BEGINSWITH",
    "ENDSWITH",
    "true",
    "false",
];

/// A close known word for an unknown one, if there is one.
pub(super) fn suggest(word: &str, scope: Scope) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    // `annotations.x`, `anotation.x`: keep the key as written.
    if let Some((head, key)) = word.split_once('.')
        && head.len() > 3
        && distance(&head.to_ascii_lowercase(), "annotation") <= 2
        && !key.is_empty()
    {
        return Some(format!("annotation.{key}"));
    }
    let normal = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let wanted = normal(word);
    let candidates = Keyword::ALL
        .iter()
        .filter(|k| scope.allows(**k))
        .map(|k| k.text())
        .chain(OTHER_WORDS.iter().copied());
    let limit = match wanted.len() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let c = normal(candidate);
        // `status` for `http.status`, `user_agent` for `http.useragent`.
        let d = if c.ends_with(&format!(".{wanted}")) {
            0
        } else {
            distance(&wanted, &c)
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) && c != lower {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}
