//! An OTLP/HTTP request's body, read within limits: at most so many bytes, in so much time,
//! with the bytes every connection holds at once counted against one budget; then
//! decompressed, if gzip, to at most the same size, so that a gzip bomb stops there.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The largest request body, before and after decompression: more than X-Ray takes in one
/// request (5 MB). Decoded, a hostile body of empty spans takes about 130 times its size.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// Time a client has to send the whole body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The bytes of bodies held at once, over every connection, in units of [`BUDGET_UNIT`].
pub const BUDGET_UNITS: usize = 64 * 1024;
pub const BUDGET_UNIT: usize = 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Over [`MAX_BODY`] as sent, or once decompressed.
    TooLarge {
        decompressed: bool,
    },
    /// The client stopped sending, or sent too slowly; what had arrived by then.
    TooSlow {
        received: usize,
    },
    /// Every connection together holds as much as the budget allows.
    Busy,
    Broken(String),
}

impl Refusal {
    /// Why, in words for the user.
    pub fn reason(self) -> String {
        match self {
            Refusal::TooLarge { decompressed } => format!(
                "a body over {} MB{}",
                MAX_BODY / (1024 * 1024),
                if decompressed {
                    " once decompressed"
                } else {
                    ""
                }
            ),
            Refusal::TooSlow { received } => format!(
                "the body did not arrive within {} s ({received} bytes had)",
                BODY_TIMEOUT.as_secs()
            ),
            Refusal::Busy => "too many bodies arriving at once; try again".to_owned(),
            Refusal::Broken(why) => why,
        }
    }
}

/// A body's bytes, with the part of the budget they hold.
pub struct Held {
    pub bytes: Bytes,
    _budget: Option<OwnedSemaphorePermit>,
}

pub async fn read(body: Incoming, budget: &Arc<Semaphore>) -> Result<Held, Refusal> {
    let deadline = Instant::now() + BODY_TIMEOUT;
    let mut body = body;
    let mut bytes = BytesMut::new();
    let mut held: Option<OwnedSemaphorePermit> = None;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(Refusal::TooSlow {
                    received: bytes.len(),
                });
            }
            Ok(None) => break,
            Ok(Some(Err(error))) => {
                return Err(Refusal::Broken(format!("the body broke off: {error}")));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if bytes.len() + data.len() > MAX_BODY {
            return Err(Refusal::TooLarge {
                decompressed: false,
            });
        }
        let units = u32::try_from(data.len().div_ceil(BUDGET_UNIT)).unwrap_or(u32::MAX);
        let permit =
            match tokio::time::timeout_at(deadline, Arc::clone(budget).acquire_many_owned(units))
                .await
            {
                Ok(Ok(permit)) => permit,
                _ => return Err(Refusal::Busy),
            };
        match held.as_mut() {
            Some(held) => held.merge(permit),
            None => held = Some(permit),
        }
        bytes.extend_from_slice(&data);
    }
    Ok(Held {
        bytes: bytes.freeze(),
        _budget: held,
    })
}

/// The bytes of a gzip body, at most `MAX_BODY` of them.
pub fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, Refusal> {
    let mut out = Vec::new();
    let limit = u64::try_from(MAX_BODY + 1).unwrap_or(u64::MAX);
    flate2::read::MultiGzDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|error| Refusal::Broken(format!("the gzip body does not decompress: {error}")))?;
    if out.len() > MAX_BODY {
        return Err(Refusal::TooLarge { decompressed: true });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_opens_up_to_the_limit_and_no_further() {
        assert_eq!(gunzip(&gzip(b"spans")).unwrap(), b"spans");
        let bomb = gzip(&vec![0u8; MAX_BODY + 1]);
        assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
        assert_eq!(gunzip(&bomb), Err(Refusal::TooLarge { decompressed: true }));
        assert!(matches!(gunzip(b"not gzip"), Err(Refusal::Broken(_))));
    }
}
