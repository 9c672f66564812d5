//! SigV4 for X-Ray's OTLP endpoint: service `xray`, the connection's region, and credentials
//! asked of the provider again only shortly before they expire.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;
use tokio::sync::Mutex;

/// The name X-Ray's OTLP endpoint is signed for.
pub const SERVICE: &str = "xray";

/// Adds `x-amz-date`, `authorization` (and `x-amz-security-token` with temporary
/// credentials) to `request`, signing its method, path, headers and `body`.
pub fn sign_request<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    at: SystemTime,
) -> Result<(), String> {
    let identity = Identity::from(credentials.clone());
    let params = SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .map_err(|error| error.to_string())?
        .into();
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|error| error.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|error| error.to_string())?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

/// Credentials kept between calls: asking the provider each time could mean a call to the
/// instance metadata service or to SSO for every request.
#[derive(Debug, Default)]
pub struct CredentialsCache {
    kept: Mutex<Option<Credentials>>,
}

/// Fresh credentials are asked for this long before the kept ones expire.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

impl CredentialsCache {
    pub async fn get(
        &self,
        provider: &SharedCredentialsProvider,
    ) -> Result<Credentials, CredentialsError> {
        let mut kept = self.kept.lock().await;
        let fresh = kept.as_ref().filter(|credentials| {
            credentials
                .expiry()
                .is_none_or(|expiry| expiry > SystemTime::now() + REFRESH_BEFORE_EXPIRY)
        });
        if let Some(credentials) = fresh {
            return Ok(credentials.clone());
        }
        let credentials = provider.provide_credentials().await?;
        *kept = Some(credentials.clone());
        Ok(credentials)
    }

    /// Forgets the kept credentials, when AWS no longer takes them.
    pub async fn forget(&self) {
        *self.kept.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_credential_types::provider::future;

    #[test]
    fn the_signature_scope_names_the_service_and_region() {
        let mut request = http::Request::post("https://xray.eu-west-1.amazonaws.com/v1/traces")
            .header("content-type", "application/x-protobuf")
            .body(())
            .unwrap();
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        sign_request(&mut request, b"spans", &credentials, "eu-west-1", at).unwrap();
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(
            authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260528/eu-west-1/xray/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date, Signature="
            ),
            "{authorization}"
        );
        assert_eq!(request.headers()["x-amz-date"], "20260528T202640Z");
    }

    #[derive(Debug)]
    struct Counting {
        asked: Arc<AtomicUsize>,
        expiry: Option<SystemTime>,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.asked.fetch_add(1, Ordering::SeqCst);
            future::ProvideCredentials::ready(Ok(Credentials::new(
                "AKID",
                "secret",
                None,
                self.expiry,
                "counting",
            )))
        }
    }

    async fn times_asked(expiry: Option<SystemTime>) -> usize {
        let asked = Arc::new(AtomicUsize::new(0));
        let provider = SharedCredentialsProvider::new(Counting {
            asked: Arc::clone(&asked),
            expiry,
        });
        let cache = CredentialsCache::default();
        for _ in 0..3 {
            cache.get(&provider).await.unwrap();
        }
        asked.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn forgotten_credentials_are_asked_for_again() {
        let asked = Arc::new(AtomicUsize::new(0));
        let provider = SharedCredentialsProvider::new(Counting {
            asked: Arc::clone(&asked),
            expiry: None,
        });
        let cache = CredentialsCache::default();
        cache.get(&provider).await.unwrap();
        cache.forget().await;
        cache.get(&provider).await.unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn credentials_are_kept_until_shortly_before_they_expire() {
        assert_eq!(times_asked(None).await, 1);
        let later = SystemTime::now() + Duration::from_secs(3600);
        assert_eq!(times_asked(Some(later)).await, 1);
        let soon = SystemTime::now() + Duration::from_secs(60);
        assert_eq!(times_asked(Some(soon)).await, 3);
    }
}
