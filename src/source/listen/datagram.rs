//! The X-Ray daemon's datagram: a JSON header line (`{"format": "json", "version": 1}`,
//! spacing as the SDK likes), a newline, and a body: one segment document, or, from the
//! ADOT exporters in Lambda, `T1S` (sampled) or `T1U` (unsampled) and the standard base64 of
//! an OTLP trace request's protobuf.

/// The largest datagram the daemon protocol carries.
pub const MAX_DATAGRAM: usize = 64 * 1024;

/// What a datagram carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// A segment document's JSON.
    Document(&'a str),
    /// An OTLP trace request: the base64 after the prefix, and whether the spans were sampled.
    Otlp { base64: &'a str, sampled: bool },
}

const SAMPLED_OTLP: &str = "T1S";
const UNSAMPLED_OTLP: &str = "T1U";

/// What the body text of a datagram (from [`document`]) carries.
pub fn body(text: &str) -> Body<'_> {
    if let Some(base64) = text.strip_prefix(SAMPLED_OTLP) {
        return Body::Otlp {
            base64,
            sampled: true,
        };
    }
    if let Some(base64) = text.strip_prefix(UNSAMPLED_OTLP) {
        return Body::Otlp {
            base64,
            sampled: false,
        };
    }
    Body::Document(text)
}

/// The body text inside a datagram, or why there is none, in words for the user.
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
    fn otlp_bodies_are_told_from_documents_by_their_prefix() {
        let python = b"{\"format\":\"json\",\"version\":1}\nT1SCgA=";
        let java = b"{\"format\": \"json\", \"version\": 1}\nT1UCgA=";
        let body_of = |datagram: &'static [u8]| body(document(datagram).unwrap());
        assert_eq!(
            body_of(python),
            Body::Otlp {
                base64: "CgA=",
                sampled: true
            }
        );
        assert_eq!(
            body_of(java),
            Body::Otlp {
                base64: "CgA=",
                sampled: false
            }
        );
        assert_eq!(body(r#"{"id":"1"}"#), Body::Document(r#"{"id":"1"}"#));
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
