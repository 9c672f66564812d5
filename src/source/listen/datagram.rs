//! The X-Ray daemon's datagram: a JSON header line (`{"format": "json", "version": 1}`,
//! spacing as the SDK likes), a newline, and one segment document.

/// The largest datagram the daemon protocol carries.
pub const MAX_DATAGRAM: usize = 64 * 1024;

/// The segment document inside a datagram, or why there is none, in words for the user.
pub fn document(datagram: &[u8]) -> Result<&str, String> {
    let text = std::str::from_utf8(datagram)
        .map_err(|e| format!("not UTF-8 (byte {})", e.valid_up_to()))?;
    let Some((header, body)) = text.split_once('\n') else {
        return Err("no header line: expected {\"format\": \"json\", \"version\": 1} and a newline before the document".into());
    };
    check_header(header)?;
    let body = body.trim();
    if body.is_empty() {
        return Err("a header with no document after it".into());
    }
    Ok(body)
}

fn check_header(header: &str) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let parsed: Header = serde_json::from_str(header.trim()).map_err(|_| {
        format!(
            "the header line is not JSON: `{}`",
            crate::text::fit(header.trim(), 60)
        )
    })?;
    match (&parsed.format, &parsed.version) {
        (Some(format), Some(version)) if format == "json" && version == 1 => Ok(()),
        (None, _) | (_, None) => {
            Err("the header line lacks \"format\" or \"version\"; is this a segment document sent without the daemon header?".into())
        }
        _ => Err(format!(
            "unsupported header: format {}, version {} (only format \"json\", version 1)",
            crate::text::fit(&parsed.format.map(|f| f.to_string()).unwrap_or_default(), 20),
            crate::text::fit(&parsed.version.map(|v| v.to_string()).unwrap_or_default(), 20),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_may_be_spaced_as_each_sdk_likes() {
        let doc = r#"{"id":"1"}"#;
        for header in [
            r#"{"format":"json","version":1}"#,
            r#"{"format": "json", "version": 1}"#,
            r#" { "version" : 1 , "format" : "json" } "#,
        ] {
            let datagram = format!("{header}\n{doc}");
            assert_eq!(document(datagram.as_bytes()), Ok(doc), "{header}");
        }
    }

    #[test]
    fn malformed_datagrams_say_what_is_wrong() {
        let reason = |bytes: &[u8]| document(bytes).unwrap_err();
        assert!(reason(br#"{"id":"1"}"#).contains("no header line"));
        assert!(reason(b"hello\n{}").contains("not JSON: `hello`"));
        assert!(reason(b"{\"format\":\"json\",\"version\":2}\n{}").contains("version 2"));
        assert!(reason(b"{\"id\":\"x\"}\n{}").contains("lacks \"format\""));
        assert!(reason(b"{\"format\":\"json\",\"version\":1}\n  \n").contains("no document"));
        assert!(reason(b"\xff\xfe\n{}").contains("not UTF-8"));
        // Control characters in a hostile header never reach the message raw.
        assert!(!reason(b"\x1b[2Jx\n{}").contains('\x1b'));
    }
}
