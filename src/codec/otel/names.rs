//! What a span is called in X-Ray: a service name rather than an operation, found by the
//! exporter's order of precedence; its namespace (`aws` or `remote`) and its origin.

use super::attributes::Attributes;

/// X-Ray's longest segment name.
pub const MAX_NAME_CHARS: usize = 200;
/// The name of a span whose name has no character X-Ray allows.
const DEFAULT_NAME: &str = "span";
/// `rpc.system` of AWS SDK calls.
const AWS_API: &str = "aws-api";

/// OTLP's span kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl Kind {
    /// A kind from its OTLP number; numbers OTLP does not define count as unspecified.
    pub fn of(number: i32) -> Kind {
        match number {
            1 => Kind::Internal,
            2 => Kind::Server,
            3 => Kind::Client,
            4 => Kind::Producer,
            5 => Kind::Consumer,
            _ => Kind::Unspecified,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Unspecified => "UNSPECIFIED",
            Kind::Internal => "INTERNAL",
            Kind::Server => "SERVER",
            Kind::Client => "CLIENT",
            Kind::Producer => "PRODUCER",
            Kind::Consumer => "CONSUMER",
        }
    }

    /// A call to another service: client, producer or consumer.
    pub fn is_dependency(self) -> bool {
        matches!(self, Kind::Client | Kind::Producer | Kind::Consumer)
    }
}

/// An AWS SDK call (`rpc.system` is `aws-api`).
pub fn is_aws_sdk(attributes: &Attributes) -> bool {
    attributes.str("rpc.system") == Some(AWS_API)
}

pub struct Naming {
    pub name: String,
    pub namespace: Option<&'static str>,
}

/// The name and namespace of a span's document.
pub fn naming(
    span_name: &str,
    kind: Kind,
    local_root: bool,
    attributes: &Attributes,
    resource: &Attributes,
) -> Naming {
    let aws_sdk = is_aws_sdk(attributes);
    let mut namespace = aws_sdk.then_some("aws");
    let own_service = kind == Kind::Server || (kind == Kind::Internal && local_root);
    let mut name = None;
    if own_service {
        name = attributes.str("aws.local.service").map(str::to_owned);
    } else if kind.is_dependency() {
        name = attributes
            .str("aws.remote.service")
            .map(|remote| trim_aws_sdk_prefix(remote, aws_sdk).to_owned());
    }
    name = name.or_else(|| attributes.str("peer.service").map(str::to_owned));
    if name.is_none()
        && let Some(service) = attributes.str("aws.service")
    {
        name = Some(service.to_owned());
        namespace = Some("aws");
    }
    let name = name
        .or_else(|| database_name(attributes))
        .or_else(|| {
            (kind == Kind::Server)
                .then(|| resource.str("service.name"))
                .flatten()
                .map(str::to_owned)
        })
        .or_else(|| {
            attributes
                .first_str(&["rpc.service", "http.host", "net.peer.name"])
                .map(str::to_owned)
        })
        .map(|name| truncate(&name, MAX_NAME_CHARS).to_owned())
        .unwrap_or_else(|| sanitize_name(span_name));
    if namespace.is_none() && kind == Kind::Client {
        namespace = Some("remote");
    }
    Naming { name, namespace }
}

/// `AWS.SDK.DynamoDB` and `AWS::DynamoDB` name the service `DynamoDB`, on AWS SDK calls.
fn trim_aws_sdk_prefix(name: &str, aws_sdk: bool) -> &str {
    if !aws_sdk {
        return name;
    }
    name.strip_prefix("AWS.SDK.")
        .or_else(|| name.strip_prefix("AWS::"))
        .unwrap_or(name)
}

/// `<database>@<host>`, the convention for database calls; the host comes from the
/// connection string (less a `jdbc:` prefix) or, in current conventions, `server.address`.
fn database_name(attributes: &Attributes) -> Option<String> {
    let database = attributes.first_str(&["db.name", "db.namespace"])?;
    let host = attributes
        .str("db.connection_string")
        .and_then(|url| url_host(url.strip_prefix("jdbc:").unwrap_or(url)))
        .or_else(|| attributes.str("server.address"));
    Some(match host {
        Some(host) => format!("{database}@{host}"),
        None => database.to_owned(),
    })
}

/// The host of `scheme://user@host:port/path`, if the text has one.
pub fn url_host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed
            .split_once(']')
            .map_or(bracketed, |(host, _)| host)
    } else {
        host_port
            .split_once(':')
            .map_or(host_port, |(host, _)| host)
    };
    (!host.is_empty()).then_some(host)
}

/// A span name with the characters X-Ray does not allow in segment names removed, at most
/// [`MAX_NAME_CHARS`] characters, `span` when nothing is left.
pub fn sanitize_name(name: &str) -> String {
    let allowed = |c: &char| c.is_alphabetic() || c.is_ascii_digit() || " _.:/%&#=+-@".contains(*c);
    let cleaned: String = name.chars().filter(allowed).take(MAX_NAME_CHARS).collect();
    if cleaned.is_empty() {
        DEFAULT_NAME.to_owned()
    } else {
        cleaned
    }
}

/// At most `chars` characters of `text`.
pub fn truncate(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// X-Ray's origin for the platform the resource ran on, when that is AWS.
pub fn origin(resource: &Attributes) -> Option<&'static str> {
    if resource
        .str("cloud.provider")
        .is_some_and(|provider| provider != "aws")
    {
        return None;
    }
    Some(match resource.str("cloud.platform")? {
        "aws_app_runner" => "AWS::AppRunner::Service",
        "aws_eks" => "AWS::EKS::Container",
        "aws_elastic_beanstalk" => "AWS::ElasticBeanstalk::Environment",
        "aws_ec2" => "AWS::EC2::Instance",
        "aws_lambda" => "AWS::Lambda::Function",
        "aws_ecs" => match resource.str("aws.ecs.launchtype") {
            Some("ec2") => "AWS::ECS::EC2",
            Some("fargate") => "AWS::ECS::Fargate",
            _ => "AWS::ECS::Container",
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_names_keep_only_what_xray_allows() {
        assert_eq!(sanitize_name("GET /orders/{id}"), "GET /orders/id");
        assert_eq!(sanitize_name("Café-Überweisung@x"), "Café-Überweisung@x");
        assert_eq!(sanitize_name("\u{1b}[31m"), "31m");
        assert_eq!(sanitize_name("()<>"), "span");
        assert_eq!(sanitize_name(&"é".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn hosts_come_out_of_connection_urls() {
        assert_eq!(
            url_host("mysql://db.dev.example.com:3306"),
            Some("db.dev.example.com")
        );
        assert_eq!(url_host("postgresql://u:p@db:5432/orders"), Some("db"));
        assert_eq!(url_host("redis://[::1]:6379"), Some("::1"));
        assert_eq!(url_host("Server=db;Database=x"), None);
        assert_eq!(url_host("file:///tmp/x.db"), None);
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("äöü", 2), "äö");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
