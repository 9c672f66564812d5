//! The `sql` block, for calls to SQL databases only (`db.system` or, in current conventions,
//! `db.system.name`, names one).

use serde::Serialize;

use super::attributes::Attributes;

/// The attributes the block is made from: they are not repeated in the metadata.
pub const KEYS: &[&str] = &[
    "db.connection_string",
    "db.system",
    "db.system.name",
    "db.name",
    "db.namespace",
    "db.statement",
    "db.query.text",
    "db.user",
];

/// Database systems that speak SQL, in the old spelling and the current one.
const SQL_SYSTEMS: &[&str] = &[
    "db2",
    "derby",
    "hive",
    "mariadb",
    "mssql",
    "mysql",
    "oracle",
    "postgresql",
    "sqlite",
    "teradata",
    "other_sql",
    "ibm.db2",
    "microsoft.sql_server",
    "oracle.db",
];

#[derive(Debug, Clone, Serialize)]
pub struct Sql<'a> {
    /// The span name: the exporter found the connection string no use here.
    pub url: &'a str,
    pub connection_string: String,
    pub database_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitized_query: Option<&'a str>,
}

pub fn sql<'a>(span_name: &'a str, attributes: &Attributes<'a>) -> Option<Sql<'a>> {
    let system = attributes.first_str(&["db.system", "db.system.name"])?;
    if !SQL_SYSTEMS.contains(&system) {
        return None;
    }
    let connection = attributes
        .str("db.connection_string")
        .unwrap_or("localhost");
    let database = attributes
        .first_str(&["db.name", "db.namespace"])
        .unwrap_or("");
    Some(Sql {
        url: span_name,
        connection_string: format!("{connection}/{database}"),
        database_type: system,
        user: attributes.str("db.user"),
        sanitized_query: attributes.first_str(&["db.statement", "db.query.text"]),
    })
}
