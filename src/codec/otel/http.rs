//! The `http` block, from the current semantic conventions (`http.request.method`,
//! `url.full`, `http.response.status_code`, ...) and the older ones (`http.method`,
//! `http.url`, `http.status_code`, ...): both spellings give the same block.

use opentelemetry_proto::tonic::trace::v1::span::Event;
use serde::Serialize;

use super::attributes::Attributes;
use super::names::Kind;

/// The attributes the block is made from: they are not repeated in the metadata.
pub const KEYS: &[&str] = &[
    "http.method",
    "http.request.method",
    "http.client_ip",
    "client.address",
    "http.user_agent",
    "user_agent.original",
    "http.status_code",
    "http.response.status_code",
    "http.url",
    "url.full",
    "http.scheme",
    "url.scheme",
    "http.host",
    "http.target",
    "url.path",
    "url.query",
    "http.server_name",
    "server.address",
    "server.port",
    "net.host.name",
    "net.host.port",
    "host.name",
    "net.peer.name",
    "net.peer.port",
    "net.peer.ip",
    "network.peer.address",
    "http.response.body.size",
    "http.response_content_length",
];

/// Attributes that make a span an HTTP call, old spelling and new.
const MARKERS: &[&str] = &[
    "http.method",
    "http.request.method",
    "http.status_code",
    "http.response.status_code",
    "http.url",
    "url.full",
    "http.target",
    "http.scheme",
    "url.scheme",
    "http.host",
    "http.server_name",
    "http.user_agent",
    "user_agent.original",
    "http.client_ip",
    "client.address",
];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Http<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Request<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Request<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_forwarded_for: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Response {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_length: Option<i64>,
}

/// The response status, read as the exporter reads it: the old spelling first.
pub fn status_code(attributes: &Attributes) -> Option<i64> {
    attributes.first_int(&["http.status_code", "http.response.status_code"])
}

/// The block, when the span has anything HTTP about it.
pub fn http<'a>(kind: Kind, attributes: &Attributes<'a>, events: &'a [Event]) -> Option<Http<'a>> {
    if !MARKERS.iter().any(|key| attributes.has(key)) {
        return None;
    }
    let (client_ip, x_forwarded_for) = client_ip(kind, attributes);
    let request = Request {
        method: attributes.first_str(&["http.request.method", "http.method"]),
        url: url(kind, attributes),
        user_agent: attributes.first_str(&["user_agent.original", "http.user_agent"]),
        client_ip,
        x_forwarded_for,
    };
    let response = Response {
        status: status_code(attributes),
        content_length: content_length(attributes, events),
    };
    let has_request = request.method.is_some()
        || request.url.is_some()
        || request.user_agent.is_some()
        || request.client_ip.is_some();
    let has_response = response.status.is_some() || response.content_length.is_some();
    (has_request || has_response).then_some(Http {
        request: has_request.then_some(request),
        response: has_response.then_some(response),
    })
}

/// The caller's address: a forwarded one (`client.address`, `http.client_ip`) first, else
/// the peer of the connection, which is the caller only on the server side.
fn client_ip<'a>(kind: Kind, attributes: &Attributes<'a>) -> (Option<&'a str>, Option<bool>) {
    if let Some(forwarded) = attributes.first_str(&["client.address", "http.client_ip"]) {
        return (Some(forwarded), Some(true));
    }
    if kind.is_dependency() {
        return (None, None);
    }
    let peer = attributes.first_str(&["network.peer.address", "net.peer.ip"]);
    (peer, None)
}

/// The full URL as sent, or put together from its parts when the span names a host.
fn url(kind: Kind, attributes: &Attributes) -> Option<String> {
    if let Some(full) = attributes.first_str(&["url.full", "http.url"]) {
        return Some(full.to_owned());
    }
    let scheme = attributes
        .first_str(&["url.scheme", "http.scheme"])
        .unwrap_or("http");
    let (host, port) = if let Some(host) = attributes.str("http.host") {
        // `http.host` is the Host header: it carries the port already.
        (host, None)
    } else if kind == Kind::Server {
        let host = attributes.first_str(&[
            "server.address",
            "http.server_name",
            "net.host.name",
            "host.name",
        ])?;
        (
            host,
            attributes
                .text("server.port")
                .or_else(|| attributes.text("net.host.port")),
        )
    } else {
        let host = attributes.first_str(&[
            "server.address",
            "net.peer.name",
            "network.peer.address",
            "net.peer.ip",
        ])?;
        (
            host,
            attributes
                .text("server.port")
                .or_else(|| attributes.text("net.peer.port")),
        )
    };
    let mut url = format!("{scheme}://{host}");
    if let Some(port) = port {
        let default_port =
            (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
        if !default_port {
            url.push(':');
            url.push_str(&port);
        }
    }
    if let Some(path) = attributes.str("url.path") {
        url.push_str(path);
        if let Some(query) = attributes.str("url.query") {
            url.push('?');
            url.push_str(query);
        }
    } else if let Some(target) = attributes.str("http.target") {
        url.push_str(target);
    } else {
        url.push('/');
    }
    Some(url)
}

/// The response size: an HTTP body size, or the size of a received message (in the span's
/// attributes or one of its events).
fn content_length(attributes: &Attributes, events: &[Event]) -> Option<i64> {
    if let Some(size) =
        attributes.first_int(&["http.response.body.size", "http.response_content_length"])
    {
        return Some(size);
    }
    received_size(attributes).or_else(|| {
        events
            .iter()
            .find_map(|event| received_size(&Attributes::new(&event.attributes)))
    })
}

fn received_size(attributes: &Attributes) -> Option<i64> {
    if attributes.str("message.type") != Some("RECEIVED") {
        return None;
    }
    attributes
        .first_int(&[
            "messaging.message.body.size",
            "messaging.message.payload_size_bytes",
        ])
        .filter(|size| *size != 0)
}
