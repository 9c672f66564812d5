//! OTLP's byte ids in X-Ray's spelling, what is wrong with the ones X-Ray would reject, and
//! ids for the documents and exceptions a span gives that have no id of their own.

use std::fmt;

/// Bytes of a valid trace id and span id.
pub const TRACE_ID_LEN: usize = 16;
pub const SPAN_ID_LEN: usize = 8;

/// Lowercase hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// A 16-byte trace id as X-Ray writes it: `1-` + the first 4 bytes + `-` + the other 12.
/// Any other length is kept visible as the plain hex of what arrived.
pub fn xray_trace_id(bytes: &[u8]) -> String {
    if bytes.len() != TRACE_ID_LEN {
        return hex(bytes);
    }
    format!("1-{}-{}", hex(&bytes[..4]), hex(&bytes[4..]))
}

/// Why X-Ray would reject an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadId {
    Missing,
    AllZeros,
    WrongLength { got: usize, want: usize },
}

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadId::Missing => f.write_str("is missing"),
            BadId::AllZeros => f.write_str("is all zeros"),
            BadId::WrongLength { got, want } => write!(f, "is {got} bytes long, not {want}"),
        }
    }
}

/// Checks an id that must be `want` bytes and not all zeros.
pub fn check(bytes: &[u8], want: usize) -> Result<(), BadId> {
    if bytes.is_empty() {
        Err(BadId::Missing)
    } else if bytes.len() != want {
        Err(BadId::WrongLength {
            got: bytes.len(),
            want,
        })
    } else if bytes.iter().all(|b| *b == 0) {
        Err(BadId::AllZeros)
    } else {
        Ok(())
    }
}

/// A parent id names a parent only when it has a non-zero byte: OTLP roots send it empty,
/// and some exporters send zeros.
pub fn names_a_parent(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b != 0)
}

/// A 16-hex-digit id made from a span's ids and a salt, for what the span gives that has no
/// id of its own (the service segment of a local root, an exception). The same span always
/// gives the same ids, so translating it twice makes documents that replace each other.
pub fn derived(trace_id: &[u8], span_id: &[u8], salt: &str) -> String {
    // FNV-1a, 64 bits: small, stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(trace_id);
    feed(&[0xff]);
    feed(span_id);
    feed(&[0xff]);
    feed(salt.as_bytes());
    hex(&hash.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_take_the_xray_form() {
        let bytes = [
            0x58, 0x40, 0x65, 0x20, 0xa0, 0x06, 0x64, 0x91, 0x27, 0xe3, 0x71, 0x90, 0x3a, 0x2d,
            0xe9, 0x79,
        ];
        assert_eq!(xray_trace_id(&bytes), "1-58406520-a006649127e371903a2de979");
        assert_eq!(xray_trace_id(&[0xab, 0x01]), "ab01");
        assert_eq!(xray_trace_id(&[]), "");
    }

    #[test]
    fn bad_ids_are_named() {
        assert_eq!(check(&[0; 16], TRACE_ID_LEN), Err(BadId::AllZeros));
        assert_eq!(check(&[], SPAN_ID_LEN), Err(BadId::Missing));
        assert_eq!(
            check(&[1; 7], SPAN_ID_LEN),
            Err(BadId::WrongLength { got: 7, want: 8 })
        );
        assert_eq!(check(&[1; 8], SPAN_ID_LEN), Ok(()));
        assert_eq!(
            BadId::WrongLength { got: 7, want: 8 }.to_string(),
            "is 7 bytes long, not 8"
        );
    }

    #[test]
    fn derived_ids_are_stable_and_differ_by_salt() {
        let one = derived(&[1; 16], &[2; 8], "service");
        assert_eq!(one.len(), 16);
        assert!(one.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(one, derived(&[1; 16], &[2; 8], "service"));
        assert_ne!(one, derived(&[1; 16], &[2; 8], "exception 0"));
        assert_ne!(one, derived(&[1; 16], &[3; 8], "service"));
    }
}
