//! How X-Ray is reached: the profile, region and endpoint the user chose, and the clients (X-Ray,
//! and CloudWatch Logs for Transaction Search), made on first use (so the first frame never waits for a region or credentials) the way the AWS CLI
//! would: aws-config's default chains of environment, profiles, SSO, credential_process,
//! container and instance roles.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_config::imds;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_xray::Client;
use aws_sdk_xray::config::Region;
use tokio::sync::OnceCell;

use super::errors::{Configuration, credentials_failure};

/// Who calls X-Ray, and where: what the command line and the configuration say, the rest
/// found as the AWS CLI finds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub timeouts: Timeouts,
}

/// How long reaching X-Ray may take.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeouts {
    pub connect: Duration,
    /// One attempt at one call.
    pub attempt: Duration,
    /// Finding the region (environment, profile, instance metadata), at most.
    pub region: Duration,
    /// Getting credentials (SSO, credential_process, roles), at most.
    pub credentials: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(3),
            attempt: Duration::from_secs(15),
            region: Duration::from_secs(3),
            credentials: Duration::from_secs(10),
        }
    }
}

impl ConnectOptions {
    /// The profile in use, as messages name it.
    pub fn profile_name(&self) -> String {
        self.profile
            .clone()
            .or_else(|| env_value("AWS_PROFILE"))
            .or_else(|| env_value("AWS_DEFAULT_PROFILE"))
            .unwrap_or_else(|| "default".into())
    }

    /// The region when it is known without looking further than the command line and the
    /// environment.
    pub fn known_region(&self) -> Option<String> {
        self.region
            .clone()
            .or_else(|| env_value("AWS_REGION"))
            .or_else(|| env_value("AWS_DEFAULT_REGION"))
    }
}

/// Where a connection says what it waits for while it finds the region and credentials.
pub trait Progress: Send + Sync {
    /// Shows `text` until the returned value is dropped.
    fn show_waiting(self: Arc<Self>, text: &str) -> Box<dyn Send>;
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The X-Ray client, and the CloudWatch Logs client for Transaction Search's `aws/spans`,
/// made on first use from one configuration.
pub struct Connection {
    way: Way,
    sdk: OnceCell<SdkConfig>,
    client: OnceCell<Client>,
    logs: OnceCell<aws_sdk_cloudwatchlogs::Client>,
    progress: Option<Arc<dyn Progress>>,
}

enum Way {
    /// Find region and credentials as the AWS CLI would.
    Resolve(ConnectOptions),
    /// Use this configuration as it is.
    Given(Box<SdkConfig>, Timeouts),
}

impl Connection {
    /// `progress`, when given, hears what the first call waits for.
    pub fn resolving(options: ConnectOptions, progress: Option<Arc<dyn Progress>>) -> Connection {
        Connection {
            way: Way::Resolve(options),
            sdk: OnceCell::new(),
            client: OnceCell::new(),
            logs: OnceCell::new(),
            progress,
        }
    }

    pub fn given(sdk: SdkConfig, timeouts: Timeouts) -> Connection {
        Connection {
            way: Way::Given(Box::new(sdk), timeouts),
            sdk: OnceCell::new(),
            client: OnceCell::new(),
            logs: OnceCell::new(),
            progress: None,
        }
    }

    /// The client; the first call finds region and credentials. A failure is not kept, so
    /// asking again after fixing the set-up works.
    pub async fn client(&self) -> Result<Client, Configuration> {
        self.client
            .get_or_try_init(|| async { Ok(client_of(self.sdk().await?, self.timeouts())) })
            .await
            .cloned()
    }

    /// The CloudWatch Logs client, with the same region, credentials and endpoint.
    pub async fn logs_client(&self) -> Result<aws_sdk_cloudwatchlogs::Client, Configuration> {
        self.logs
            .get_or_try_init(|| async { Ok(logs_client_of(self.sdk().await?, self.timeouts())) })
            .await
            .cloned()
    }

    async fn sdk(&self) -> Result<&SdkConfig, Configuration> {
        self.sdk
            .get_or_try_init(|| async {
                match &self.way {
                    Way::Given(sdk, _) => Ok(sdk.as_ref().clone()),
                    Way::Resolve(options) => resolve(options, self.progress.as_ref()).await,
                }
            })
            .await
    }

    /// Region, credentials, endpoint and timeouts, for calls made without a client (X-Ray's
    /// OTLP endpoint); found once, as for `client`.
    pub async fn sdk_config(&self) -> Result<SdkConfig, Configuration> {
        self.sdk().await.cloned()
    }

    fn timeouts(&self) -> &Timeouts {
        match &self.way {
            Way::Given(_, timeouts) => timeouts,
            Way::Resolve(options) => &options.timeouts,
        }
    }
}

/// The X-Ray client for a configuration. Retries are the caller's own, so that throttling can
/// be shown and shared between calls; the SDK makes one attempt per call.
fn client_of(sdk: &SdkConfig, timeouts: &Timeouts) -> Client {
    let mut config = aws_sdk_xray::config::Builder::from(sdk).retry_config(RetryConfig::disabled());
    if sdk.timeout_config().is_none() {
        config = config.timeout_config(timeout_config(timeouts));
    }
    Client::from_conf(config.build())
}

/// The CloudWatch Logs client, made as the X-Ray client is.
fn logs_client_of(sdk: &SdkConfig, timeouts: &Timeouts) -> aws_sdk_cloudwatchlogs::Client {
    let mut config =
        aws_sdk_cloudwatchlogs::config::Builder::from(sdk).retry_config(RetryConfig::disabled());
    if sdk.timeout_config().is_none() {
        config = config.timeout_config(timeout_config(timeouts));
    }
    aws_sdk_cloudwatchlogs::Client::from_conf(config.build())
}

fn timeout_config(timeouts: &Timeouts) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(timeouts.connect)
        .operation_attempt_timeout(timeouts.attempt)
        .build()
}

/// The instance metadata service answers at once on EC2; elsewhere it must not hold anyone up.
fn quick_imds() -> imds::Client {
    imds::Client::builder()
        .connect_timeout(Duration::from_secs(1))
        .read_timeout(Duration::from_secs(1))
        .operation_timeout(Duration::from_secs(2))
        .max_attempts(1)
        .build()
}

/// Region, then credentials, then the configuration, each with a bound on the time it takes.
async fn resolve(
    options: &ConnectOptions,
    progress: Option<&Arc<dyn Progress>>,
) -> Result<SdkConfig, Configuration> {
    let profile = options.profile_name();
    let timeouts = &options.timeouts;
    let show = |text: &str| progress.map(|p| Arc::clone(p).show_waiting(text));
    let imds = quick_imds();
    let region = match &options.region {
        Some(region) => Region::new(region.clone()),
        None => {
            let _shown = show("finding the AWS region…");
            let mut from_profile =
                aws_config::profile::region::ProfileFileRegionProvider::builder();
            if let Some(name) = &options.profile {
                from_profile = from_profile.profile_name(name);
            }
            let chain = RegionProviderChain::first_try(
                aws_config::environment::region::EnvironmentVariableRegionProvider::new(),
            )
            .or_else(from_profile.build())
            .or_else(
                aws_config::imds::region::ImdsRegionProvider::builder()
                    .imds_client(imds.clone())
                    .build(),
            );
            tokio::time::timeout(timeouts.region, chain.region())
                .await
                .ok()
                .flatten()
                .ok_or_else(|| no_region(&profile))?
        }
    };

    let _shown = show("resolving AWS credentials…");
    let mut chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .region(region.clone())
        .imds_client(imds);
    if let Some(name) = &options.profile {
        chain = chain.profile_name(name);
    }
    let chain = SharedCredentialsProvider::new(chain.build().await);
    let credentials =
        match tokio::time::timeout(timeouts.credentials, chain.provide_credentials()).await {
            Err(_) => {
                return Err(Configuration::CredentialsWaited {
                    profile,
                    waited: timeouts.credentials,
                });
            }
            Ok(Err(error)) => return Err(credentials_failure(&error, &profile)),
            Ok(Ok(credentials)) => credentials,
        };

    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .credentials_provider(PrimedCredentials::new(credentials, chain))
        .timeout_config(timeout_config(timeouts))
        .retry_config(RetryConfig::disabled());
    if let Some(name) = &options.profile {
        loader = loader.profile_name(name);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    Ok(loader.load().await)
}

fn no_region(profile: &str) -> Configuration {
    Configuration::NoRegion {
        profile: profile.to_owned(),
        config_file: env_value("AWS_CONFIG_FILE").unwrap_or_else(|| "~/.aws/config".into()),
    }
}

/// Hands out the credentials found while checking the set-up once, so the chain is not run
/// twice at start (an SSO call, a credential_process); then asks the chain as usual.
#[derive(Debug)]
struct PrimedCredentials {
    first: Mutex<Option<Credentials>>,
    chain: SharedCredentialsProvider,
}

impl PrimedCredentials {
    fn new(first: Credentials, chain: SharedCredentialsProvider) -> PrimedCredentials {
        PrimedCredentials {
            first: Mutex::new(Some(first)),
            chain,
        }
    }
}

impl ProvideCredentials for PrimedCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let first = self
            .first
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let fresh = first.filter(|credentials| {
            credentials
                .expiry()
                .is_none_or(|expiry| expiry > SystemTime::now() + Duration::from_secs(60))
        });
        match fresh {
            Some(credentials) => future::ProvideCredentials::ready(Ok(credentials)),
            None => self.chain.provide_credentials(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn primed_credentials_are_handed_out_once_then_the_chain_answers() {
        let chain = SharedCredentialsProvider::new(Credentials::new(
            "AKIDCHAIN",
            "secret",
            None,
            None,
            "chain",
        ));
        let primed = PrimedCredentials::new(
            Credentials::new("AKIDFIRST", "secret", None, None, "first"),
            chain,
        );
        let first = primed.provide_credentials().await.unwrap();
        assert_eq!(first.access_key_id(), "AKIDFIRST");
        let then = primed.provide_credentials().await.unwrap();
        assert_eq!(then.access_key_id(), "AKIDCHAIN");
    }

    #[tokio::test]
    async fn nearly_expired_primed_credentials_are_not_used() {
        let chain = SharedCredentialsProvider::new(Credentials::new(
            "AKIDCHAIN",
            "secret",
            None,
            None,
            "chain",
        ));
        let soon = SystemTime::now() + Duration::from_secs(5);
        let primed = PrimedCredentials::new(
            Credentials::new("AKIDFIRST", "secret", None, Some(soon), "first"),
            chain,
        );
        let got = primed.provide_credentials().await.unwrap();
        assert_eq!(got.access_key_id(), "AKIDCHAIN");
    }

    #[test]
    fn the_missing_region_message_names_the_profile_and_the_ways_to_set_it() {
        let message = no_region("prod").to_string();
        assert!(
            message.starts_with(
                "no AWS region: pass --region, set AWS_REGION, or set region for profile prod in "
            ),
            "{message}"
        );
    }
}
