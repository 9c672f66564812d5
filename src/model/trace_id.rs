//! X-Ray trace ids (`1-5759e988-bd862e3fe1be46a994272793`) and W3C ids (32 hex digits).

/// Normalises a user-typed id: X-Ray form as is, a W3C 32-hex id converted to X-Ray form.
pub fn normalize(input: &str) -> Option<String> {
    let input = input.trim();
    if is_xray(input) {
        return Some(input.to_ascii_lowercase());
    }
    if input.len() == 32 && input.bytes().all(|b| b.is_ascii_hexdigit()) {
        let lower = input.to_ascii_lowercase();
        return Some(format!("1-{}-{}", &lower[..8], &lower[8..]));
    }
    None
}

/// `1-` + 8 hex digits + `-` + 24 hex digits.
pub fn is_xray(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 35
        && id.starts_with("1-")
        && bytes[10] == b'-'
        && bytes[2..10].iter().all(u8::is_ascii_hexdigit)
        && bytes[11..].iter().all(u8::is_ascii_hexdigit)
}

/// The epoch second encoded in an X-Ray trace id: when the trace started.
pub fn epoch_seconds(id: &str) -> Option<i64> {
    let hex = id.strip_prefix("1-")?.get(..8)?;
    i64::from_str_radix(hex, 16).ok()
}

/// The same id with its epoch part moved by `shift` seconds.
pub fn shift_epoch(id: &str, shift: i64) -> Option<String> {
    let epoch = epoch_seconds(id)?.checked_add(shift)?;
    let rest = id.get(10..)?;
    (0..=u32::MAX as i64)
        .contains(&epoch)
        .then(|| format!("1-{epoch:08x}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_w3c_ids() {
        assert_eq!(
            normalize("5759e988bd862e3fe1be46a994272793").as_deref(),
            Some("1-5759e988-bd862e3fe1be46a994272793")
        );
        assert!(normalize("1-5759e988-bd862e3fe1be46a99427279").is_none());
        assert!(normalize("hello").is_none());
    }

    #[test]
    fn epoch_round_trip() {
        let id = "1-5759e988-bd862e3fe1be46a994272793";
        assert_eq!(epoch_seconds(id), Some(0x5759e988));
        let moved = shift_epoch(id, 16).unwrap();
        assert_eq!(moved, "1-5759e998-bd862e3fe1be46a994272793");
        assert!(is_xray(&moved));
    }
}
