//! The `aws` block: the AWS call a span makes (operation, region, request id, table, queue,
//! function) and, on segments, where the service runs (EC2, ECS, EKS, Elastic Beanstalk),
//! the SDK that recorded it and its log groups.

use serde::Serialize;

use super::attributes::Attributes;

/// The attributes the call fields are made from: they are not repeated in the metadata.
pub const KEYS: &[&str] = &[
    "aws.operation",
    "rpc.method",
    "aws.account_id",
    "aws.region",
    "aws.request_id",
    "aws.requestId",
    "aws.queue_url",
    "aws.queue.url",
    "aws.table_name",
    "aws.table.name",
];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Aws<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub table_names: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_arn: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform<'a>>,
}

impl Aws<'_> {
    pub fn is_empty(&self) -> bool {
        self.operation.is_none()
            && self.account_id.is_none()
            && self.region.is_none()
            && self.request_id.is_none()
            && self.queue_url.is_none()
            && self.table_name.is_none()
            && self.table_names.is_empty()
            && self.function_name.is_none()
            && self.topic_arn.is_none()
            && self.platform.as_ref().is_none_or(Platform::is_empty)
    }

    /// Keeps only where the service runs: a service segment made from a client span
    /// describes the service, not its call.
    pub fn forget_the_call(&mut self) {
        *self = Aws {
            platform: self.platform.take(),
            ..Aws::default()
        };
    }
}

/// The fields of the AWS call a span makes; `None` when the resource is on another cloud.
pub fn call<'a>(attributes: &Attributes<'a>, resource: &Resource<'a>) -> Option<Aws<'a>> {
    if !resource.on_aws {
        return None;
    }
    let (table_name, table_names) = tables(attributes);
    Some(Aws {
        operation: attributes.first_str(&["aws.operation", "rpc.method"]),
        account_id: attributes.str("aws.account_id"),
        region: attributes.str("aws.region"),
        request_id: attributes.first_str(&["aws.request_id", "aws.requestId"]),
        queue_url: attributes.first_str(&[
            "messaging.url",
            "aws.queue_url",
            "aws.queue.url",
            "aws.sqs.queue.url",
        ]),
        table_name,
        table_names,
        function_name: attributes.first_str(&["aws.lambda.function.name", "faas.invoked_name"]),
        topic_arn: attributes.str("aws.sns.topic.arn"),
        platform: None,
    })
}

/// One DynamoDB table is `table_name`, several are `table_names`.
fn tables<'a>(attributes: &Attributes<'a>) -> (Option<&'a str>, Vec<&'a str>) {
    let mut names = attributes.strings("aws.dynamodb.table_names");
    match names.len() {
        0 => (
            attributes.first_str(&["aws.table_name", "aws.table.name"]),
            Vec::new(),
        ),
        1 => (names.pop(), Vec::new()),
        _ => (None, names),
    }
}

/// What a resource says about where its spans ran, worked out once per resource.
#[derive(Debug, Clone, Default)]
pub struct Resource<'a> {
    /// `cloud.provider` is absent or `aws`.
    pub on_aws: bool,
    pub account_id: Option<&'a str>,
    pub platform: Platform<'a>,
}

/// The segment-only parts of the block.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Platform<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2: Option<Ec2<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecs: Option<Ecs<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eks: Option<Eks<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elastic_beanstalk: Option<Beanstalk<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xray: Option<Sdk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cloudwatch_logs: Vec<LogGroup<'a>>,
}

impl Platform<'_> {
    fn is_empty(&self) -> bool {
        self.ec2.is_none()
            && self.ecs.is_none()
            && self.eks.is_none()
            && self.elastic_beanstalk.is_none()
            && self.xray.is_none()
            && self.cloudwatch_logs.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Ec2<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_size: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ami_id: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ecs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_family: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Eks<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_id: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Beanstalk<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_label: Option<&'a str>,
    pub deployment_id: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sdk {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_version: Option<String>,
    pub auto_instrumentation: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogGroup<'a> {
    pub log_group: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<&'a str>,
}

pub fn resource<'a>(attributes: &Attributes<'a>) -> Resource<'a> {
    let on_aws = attributes.str("cloud.provider").is_none_or(|p| p == "aws");
    let platform_name = attributes.str("cloud.platform");
    let zone = attributes.str("cloud.availability_zone");
    let container_id = attributes.str("container.id");
    let host_id = attributes.str("host.id");
    let cluster = attributes.str("k8s.cluster.name");
    let instance = attributes.str("service.instance.id");
    let platform = Platform {
        ec2: (platform_name == Some("aws_ec2") || host_id.is_some()).then(|| Ec2 {
            instance_id: host_id,
            availability_zone: zone,
            instance_size: attributes.str("host.type"),
            ami_id: attributes.str("host.image.id"),
        }),
        ecs: (platform_name == Some("aws_ecs")).then(|| Ecs {
            container: attributes.str("container.name"),
            container_id,
            availability_zone: zone,
            container_arn: attributes.str("aws.ecs.container.arn"),
            cluster_arn: attributes.str("aws.ecs.cluster.arn"),
            task_arn: attributes.str("aws.ecs.task.arn"),
            task_family: attributes.str("aws.ecs.task.family"),
            launch_type: attributes.str("aws.ecs.launchtype"),
        }),
        eks: (platform_name == Some("aws_eks") || cluster.is_some()).then(|| Eks {
            cluster_name: cluster,
            pod: attributes.str("k8s.pod.name"),
            container_id,
        }),
        elastic_beanstalk: instance
            .filter(|_| platform_name == Some("aws_elastic_beanstalk"))
            .map(|instance| Beanstalk {
                environment_name: attributes.str("service.namespace"),
                version_label: attributes.str("service.version"),
                deployment_id: instance.parse().unwrap_or(0),
            }),
        xray: sdk(attributes),
        cloudwatch_logs: log_groups(attributes),
    };
    Resource {
        on_aws,
        account_id: attributes.str("cloud.account.id"),
        platform,
    }
}

/// `<telemetry.sdk.name> for <language>`, as X-Ray SDKs name themselves.
fn sdk(attributes: &Attributes) -> Option<Sdk> {
    let name = attributes.str("telemetry.sdk.name");
    let language = attributes.str("telemetry.sdk.language");
    let version = attributes.str("telemetry.sdk.version");
    if name.is_none() && version.is_none() {
        return None;
    }
    let sdk = name.map(|name| match language {
        Some(language)
            if !name
                .to_lowercase()
                .ends_with(&format!(" for {}", language.to_lowercase())) =>
        {
            format!("{name} for {language}")
        }
        _ => name.to_owned(),
    });
    Some(Sdk {
        sdk,
        sdk_version: version.map(str::to_owned),
        auto_instrumentation: attributes.has("telemetry.auto.version")
            || attributes.has("telemetry.distro.version"),
    })
}

/// Log groups by ARN (the name is the ARN's seventh part) or by name; a single string may
/// hold several joined by `&`, as `OTEL_RESOURCE_ATTRIBUTES` can only say it that way.
fn log_groups<'a>(attributes: &Attributes<'a>) -> Vec<LogGroup<'a>> {
    let split = |key: &str| -> Vec<&'a str> {
        attributes
            .strings(key)
            .into_iter()
            .flat_map(|item| item.split('&'))
            .filter(|item| !item.is_empty())
            .collect()
    };
    let arns = split("aws.log.group.arns");
    if !arns.is_empty() {
        return arns
            .into_iter()
            .map(|arn| LogGroup {
                log_group: arn.split(':').nth(6).unwrap_or(arn),
                arn: Some(arn),
            })
            .collect();
    }
    split("aws.log.group.names")
        .into_iter()
        .map(|name| LogGroup {
            log_group: name,
            arn: None,
        })
        .collect()
}
