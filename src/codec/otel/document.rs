//! One X-Ray segment document, as the translator writes it: the fields our segment parser
//! reads, plus the original span under `"otel"`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::annotations::{Annotation, Namespace};
use super::aws::Aws;
use super::cause::Cause;
use super::http::Http;
use super::original::Original;
use super::sql::Sql;

#[derive(Clone, Serialize)]
pub struct Document<'a> {
    pub name: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// `subsegment` for a subsegment sent on its own; absent on segments.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub start_time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_progress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub error: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub throttle: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fault: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<Http<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws: Option<Aws<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<Sql<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Service<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Annotation<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<Cow<'a, str>, Namespace<'a>>,
    pub otel: Original<'a>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Service<'a> {
    pub version: &'a str,
}
