//! One POST of spans to X-Ray's OTLP endpoint, signed, made once: what to do after a failure
//! (wait, send again, give up) is for the caller to decide, as with `send::writer`.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_sdk_xray::config::http::HttpRequest;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use flate2::Compression;
use flate2::write::GzEncoder;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

use super::answer::{self, Answer, Taken};
use super::sign::{CredentialsCache, sign_request};
use crate::aws::{
    Backend, Configuration, ConnectOptions, Connection, Failure, Network, Operation, Timeouts,
    credentials_failure, timed_out, unanswered,
};
use crate::send::writer::CallFailure;

/// The path of OTLP/HTTP traces, on X-Ray's endpoint or the one given with `--endpoint-url`.
pub const TRACES_PATH: &str = "/v1/traces";

/// X-Ray's OTLP endpoint, reached with the same profile, region, endpoint and timeouts as
/// the X-Ray client.
pub struct OtlpExporter {
    connection: Connection,
    profile: String,
    credentials: CredentialsCache,
    connector: OnceLock<Option<SharedHttpConnector>>,
}

impl OtlpExporter {
    /// Finds region and credentials as the AWS CLI would, on first use.
    pub fn new(options: ConnectOptions) -> OtlpExporter {
        OtlpExporter::on(Connection::resolving(options.clone(), None), &options)
    }

    /// Uses this configuration as it is: its region, credentials, endpoint and timeouts.
    pub fn with_sdk_config(sdk: SdkConfig, options: ConnectOptions) -> OtlpExporter {
        OtlpExporter::on(Connection::given(sdk, options.timeouts.clone()), &options)
    }

    fn on(connection: Connection, options: &ConnectOptions) -> OtlpExporter {
        OtlpExporter {
            connection,
            profile: options.profile_name(),
            credentials: CredentialsCache::default(),
            connector: OnceLock::new(),
        }
    }

    /// Sends one request's spans, as gzipped protobuf (see `gzipped_protobuf`).
    pub async fn export(&self, gzipped: Vec<u8>) -> Result<Taken, CallFailure> {
        let sdk = self
            .connection
            .sdk_config()
            .await
            .map_err(|configuration| CallFailure::unsent(Failure::Configuration(configuration)))?;
        let region = sdk
            .region()
            .map(ToString::to_string)
            .ok_or_else(|| unsendable("no AWS region is set".into()))?;
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| unsendable("no AWS credentials provider is set".into()))?;
        let credentials = self.credentials.get(&provider).await.map_err(|error| {
            CallFailure::unsent(Failure::Configuration(credentials_failure(
                &error,
                &self.profile,
            )))
        })?;
        let url = traces_url(sdk.endpoint_url(), &region);
        let mut request = http::Request::post(&url)
            .header(http::header::CONTENT_TYPE, "application/x-protobuf")
            .header(http::header::CONTENT_ENCODING, "gzip")
            .body(())
            .map_err(|error| unsendable(format!("{url} is not a URL it can use ({error})")))?;
        let now = sdk
            .time_source()
            .map_or_else(SystemTime::now, |clock| clock.now());
        sign_request(&mut request, &gzipped, &credentials, &region, now)
            .map_err(|error| unsendable(format!("it could not be signed ({error})")))?;
        request.headers_mut().insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static(concat!("xray-tui/", env!("CARGO_PKG_VERSION"))),
        );
        let request = HttpRequest::try_from(request.map(|()| SdkBody::from(gzipped)))
            .map_err(|error| unsendable(error.to_string()))?;
        let timeouts = Timeouts::default();
        let timeout_config = sdk.timeout_config();
        let attempt = timeout_config
            .and_then(|config| config.operation_attempt_timeout())
            .unwrap_or(timeouts.attempt);
        let connect = timeout_config
            .and_then(|config| config.connect_timeout())
            .unwrap_or(timeouts.connect);
        let connector = self
            .connector(connect)
            .ok_or_else(|| unsendable("this build has no HTTPS client".into()))?;
        let answer = tokio::time::timeout(attempt, call(connector, request)).await;
        let (status, error_type, content_type, body) = answer
            .unwrap_or_else(|_| Err(timed_out(Some(attempt))))
            .map_err(sent)?;
        let answer = Answer {
            status,
            error_type: error_type.as_deref(),
            content_type: content_type.as_deref(),
            body: &body,
        };
        let taken = answer::read(&answer, &region, &self.profile).map_err(sent);
        if let Err(CallFailure {
            failure:
                Failure::Configuration(
                    Configuration::CredentialsExpired { .. }
                    | Configuration::CredentialsRefused { .. },
                ),
            ..
        }) = &taken
        {
            self.credentials.forget().await;
        }
        taken
    }

    /// The HTTP client, made once: the SDK's own, with the connection's connect timeout.
    fn connector(&self, connect: Duration) -> Option<SharedHttpConnector> {
        self.connector
            .get_or_init(|| {
                let settings = HttpConnectorSettings::builder()
                    .connect_timeout(connect)
                    .build();
                aws_smithy_http_client::default_connector(&settings, None)
            })
            .clone()
    }
}

type Answered = (u16, Option<String>, Option<String>, Vec<u8>);

/// The status, error type, content type and body of the answer.
async fn call(
    connector: SharedHttpConnector,
    request: HttpRequest,
) -> Result<Answered, (Failure, Backend)> {
    let response = connector
        .call(request)
        .await
        .map_err(|error| unanswered(&error))?;
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).map(str::to_owned);
    let error_type = header("x-amzn-errortype");
    let content_type = header("content-type");
    let body = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|error| {
            let garbled = Network::Garbled(format!("its body was cut short ({error})"));
            (Failure::Network(garbled), Backend::Other)
        })?;
    Ok((status, error_type, content_type, body.to_vec()))
}

/// `https://xray.eu-west-1.amazonaws.com/v1/traces`, or `/v1/traces` on the endpoint given.
pub fn traces_url(endpoint: Option<&str>, region: &str) -> String {
    match endpoint {
        Some(endpoint) => format!("{}{TRACES_PATH}", endpoint.trim_end_matches('/')),
        None if region.starts_with("cn-") => {
            format!("https://xray.{region}.amazonaws.com.cn{TRACES_PATH}")
        }
        None => format!("https://xray.{region}.amazonaws.com{TRACES_PATH}"),
    }
}

/// The request as X-Ray's OTLP endpoint takes it: protobuf, then gzip.
pub fn gzipped_protobuf(request: &ExportTraceServiceRequest) -> std::io::Result<Vec<u8>> {
    let protobuf = request.encode_to_vec();
    let mut gzip = GzEncoder::new(Vec::with_capacity(protobuf.len() / 4), Compression::fast());
    gzip.write_all(&protobuf)?;
    gzip.finish()
}

fn unsendable(detail: String) -> CallFailure {
    CallFailure::unsent(Failure::Configuration(Configuration::Unsendable {
        operation: Operation::OtlpTraces,
        detail,
    }))
}

fn sent((failure, backend): (Failure, Backend)) -> CallFailure {
    CallFailure {
        failure,
        backend: Some(backend),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_x_rays_in_the_region_or_the_endpoint_given() {
        assert_eq!(
            traces_url(None, "eu-west-1"),
            "https://xray.eu-west-1.amazonaws.com/v1/traces"
        );
        assert_eq!(
            traces_url(None, "cn-north-1"),
            "https://xray.cn-north-1.amazonaws.com.cn/v1/traces"
        );
        assert_eq!(
            traces_url(Some("http://127.0.0.1:4566/"), "eu-west-1"),
            "http://127.0.0.1:4566/v1/traces"
        );
    }
}
