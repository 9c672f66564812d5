//! URLs folded to route patterns: ids, numbers, UUIDs, hashes and dates in the path become
//! `{id}`, and the query string is left out, so `/orders/ORD-20260115-0042?x=1` and
//! `/orders/ORD-20260115-0043` are both `/orders/{id}`.

use crate::filter::{Expr, Keyword, Op, Value, compose};

pub const PLACEHOLDER: &str = "{id}";

/// The URL's scheme and host as they are, its path with every id-like segment folded.
pub fn fold(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let (origin, path) = split_origin(url);
    let mut out = String::with_capacity(url.len());
    out.push_str(origin);
    let mut first = true;
    for segment in path.split('/') {
        if !first {
            out.push('/');
        }
        first = false;
        out.push_str(if looks_like_id(segment) {
            PLACEHOLDER
        } else {
            segment
        });
    }
    out
}

/// The host (and port) of a URL or URL pattern, without its scheme; "" when it has none.
pub fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or("")
}

/// The host that more than half of these URLs share, each counted `weight` times.
pub fn host_of_most<'a>(urls: impl IntoIterator<Item = (&'a str, usize)>) -> Option<&'a str> {
    let mut by_host: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut total = 0;
    for (url, weight) in urls {
        total += weight;
        *by_host.entry(host(url)).or_default() += weight;
    }
    by_host
        .into_iter()
        .find(|(host, count)| !host.is_empty() && count * 2 > total)
        .map(|(host, _)| host)
}

/// `https://host` and `/path`; a URL without scheme is all path.
fn split_origin(url: &str) -> (&str, &str) {
    let Some(scheme_end) = url.find("://") else {
        return ("", url);
    };
    let after = scheme_end + 3;
    match url[after..].find('/') {
        Some(slash) => url.split_at(after + slash),
        None => (url, ""),
    }
}

/// A path segment that names one thing among many rather than a route.
fn looks_like_id(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        // Long hex (hashes) has digits almost always; a long opaque token may not.
        return segment.contains('@') || is_opaque_token(segment) || has_random_suffix(segment);
    }
    if is_version(segment) {
        return false;
    }
    digits == segment.len()
        || is_hex(segment) && segment.len() >= 8
        || digits >= 2
        || segment.len() >= 8
}

/// `v1`, `v2.1`: an API version, part of the route.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix(['v', 'V']) else {
        return false;
    };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn is_hex(segment: &str) -> bool {
    segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// `ord_fcrwkqzbtp`: a prefix and eight or more letters no word is made of (a run of four
/// consonants).
fn has_random_suffix(segment: &str) -> bool {
    let Some((_, suffix)) = segment.rsplit_once(['_', '-']) else {
        return false;
    };
    if suffix.len() < 8 || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let mut run = 0;
    for c in suffix.chars() {
        run = if "aeiouyAEIOUY".contains(c) {
            0
        } else {
            run + 1
        };
        if run >= 4 {
            return true;
        }
    }
    false
}

/// Twenty or more characters of mixed case with no separators: a session token or a key.
fn is_opaque_token(segment: &str) -> bool {
    segment.len() >= 20
        && segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && segment.chars().any(|c| c.is_ascii_uppercase())
        && segment.chars().any(|c| c.is_ascii_lowercase())
}

/// The filter expression closest to "the URL matches this pattern", and whether it is exact.
/// A pattern without placeholders is matched exactly (`http.url = ...` can not, as the query
/// string was left out, so it is `BEGINSWITH` and not exact when there might be one). With
/// placeholders, the fixed pieces must appear in order: `BEGINSWITH` the first, `CONTAINS`
/// the others, a little wider than the pattern.
pub fn filter(pattern: &str) -> (String, bool) {
    let url = |op, text: &str| Expr::compare(Keyword::HttpUrl, op, Value::String(text.into()));
    let pieces: Vec<&str> = pattern.split(PLACEHOLDER).collect();
    if pieces.len() == 1 {
        return (url(Op::BeginsWith, pattern).to_string(), false);
    }
    let mut terms = Vec::new();
    if !pieces[0].is_empty() {
        terms.push(url(Op::BeginsWith, pieces[0]));
    }
    for piece in &pieces[1..] {
        if piece.len() > 1 {
            terms.push(url(Op::Contains, piece));
        }
    }
    let expr = compose::all(terms).unwrap_or_else(|| url(Op::Contains, "/"));
    (expr.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_most_urls_share_is_found_by_weight() {
        assert_eq!(
            host("https://api.example.com:8443/a/{id}"),
            "api.example.com:8443"
        );
        assert_eq!(host("10.0.11.176:3000/health"), "10.0.11.176:3000");
        assert_eq!(host("/prod/cart"), "");
        let urls = [
            ("https://shop.example/orders/{id}", 6),
            ("https://cdn.example/img", 5),
        ];
        assert_eq!(host_of_most(urls), Some("shop.example"));
        let even = [("https://shop.example/a", 5), ("https://cdn.example/b", 5)];
        assert_eq!(host_of_most(even), None, "half is not most");
        assert_eq!(host_of_most([("/relative", 3)]), None, "no host to name");
    }

    #[test]
    fn real_looking_paths_fold_to_their_routes() {
        let table = [
            (
                "https://shop.example/orders/1234",
                "https://shop.example/orders/{id}",
            ),
            (
                "https://shop.example/orders/ORD-20260115-0042?expand=items",
                "https://shop.example/orders/{id}",
            ),
            (
                "https://shop.example/products/P-93241",
                "https://shop.example/products/{id}",
            ),
            (
                "https://shop.example/products?category=books&page=2",
                "https://shop.example/products",
            ),
            ("https://shop.example/", "https://shop.example/"),
            ("https://shop.example", "https://shop.example"),
            (
                "http://orders.internal:8080/v1/orders/42/items",
                "http://orders.internal:8080/v1/orders/{id}/items",
            ),
            (
                "/api/v2.1/users/550e8400-e29b-41d4-a716-446655440000/cart",
                "/api/v2.1/users/{id}/cart",
            ),
            ("/blobs/d41d8cd98f00b204e9800998ecf8427e", "/blobs/{id}"),
            ("/reports/2026-01-15/daily", "/reports/{id}/daily"),
            ("/users/alice@example.com/settings", "/users/{id}/settings"),
            ("/sessions/AbCdEfGhIjKlMnOpQrStUv", "/sessions/{id}"),
            ("/oauth2/token", "/oauth2/token"),
            ("/health", "/health"),
            ("/.env", "/.env"),
            ("/s3/buckets", "/s3/buckets"),
            ("/prod/orders/ord_fcrwkqzbtp", "/prod/orders/{id}"),
            ("/prod/orders/ord_2df8ezmtnn", "/prod/orders/{id}"),
            ("/account/user_settings", "/account/user_settings"),
            ("/add-to-cart", "/add-to-cart"),
            ("/items/7#reviews", "/items/{id}"),
            ("", ""),
        ];
        for (url, pattern) in table {
            assert_eq!(fold(url), pattern, "{url}");
        }
    }

    #[test]
    fn patterns_become_filters_that_parse_and_match_their_urls() {
        let (text, exact) = filter("https://shop.example/orders/{id}/items");
        assert_eq!(
            text,
            r#"http.url BEGINSWITH "https://shop.example/orders/" AND http.url CONTAINS "/items""#
        );
        assert!(!exact);
        let (text, _) = filter("https://shop.example/health");
        assert_eq!(text, r#"http.url BEGINSWITH "https://shop.example/health""#);
        let (text, _) = filter("{id}");
        assert_eq!(text, r#"http.url CONTAINS "/""#);
        for url in [
            "https://shop.example/orders/ORD-1/items?x=1",
            "https://shop.example/products/P-93241",
            "/a/12/b/34",
        ] {
            let (text, _) = filter(&fold(url));
            let expr = crate::filter::parse(&text).unwrap();
            let summary = crate::model::TraceSummary {
                http: crate::model::summary::SummaryHttp {
                    url: Some(url.into()),
                    ..Default::default()
                },
                ..Default::default()
            };
            assert_eq!(
                crate::filter::matches_summary(&expr, &summary),
                Some(true),
                "{text}"
            );
        }
    }
}
