//! The demo's OpenTelemetry part: `recommendations`, the shop's newest service, in Python
//! (FastAPI on EKS) and instrumented with the OpenTelemetry SDK for Python through the ADOT
//! distribution instead of the X-Ray SDK.
//!
//! web-frontend calls it on the product pages it serves with its `recommendations_v2` flag on,
//! while the page renders ("customers also bought"). The service reads the product's list from
//! its Redis cache (ElastiCache); on a miss it queries the DynamoDB table
//! `product-recommendations` and fills the cache; then it ranks the candidates. Now and then
//! the cache refuses the connection (a node being replaced): the Redis span ends in error with
//! the exception and its Python traceback, and the answer comes from DynamoDB.
//!
//! The spans are real OTLP spans, one `ExportTraceServiceRequest` per request, turned into
//! segment documents by the one translator (`codec::otel`) exactly as `--listen` does. The
//! SERVER span's parent is web-frontend's subsegment for the call, in the same trace, so each
//! trace is one tree of X-Ray and OpenTelemetry spans. The service draws from random numbers
//! of its own, so that the rest of the demo stays what it was.

mod spans;

use serde_json::{Map, json};

use super::{Rng, Span, ms};
use spans::{
    Ids, Scope, cache_span, query_span, rank_span, request, server_span, span_id, trace_id_bytes,
    translated,
};

pub const SERVICE: &str = "recommendations";
pub const HOST: &str = "recommendations.acme-shop.internal";
pub const CACHE_HOST: &str = "recs-cache.q7m2ab.ng.0001.euw1.cache.amazonaws.com";
pub const TABLE: &str = "product-recommendations";
/// The span attribute the service lists in `aws.xray.annotations`, so X-Ray indexes it.
pub const ANNOTATED: &str = "recommendation_source";
/// Recommendations a product page shows.
const SHOWN: i64 = 8;

/// How often the cache refuses the connection, and how often it has the product.
const CACHE_REFUSED: f64 = 0.06;
const CACHE_HIT: f64 = 0.7;
/// Time between one client span and the next, in microseconds.
const GAP_US: i64 = 10;

/// A document the translator wrote, with its times (epoch microseconds) to order it among
/// the X-Ray documents.
pub struct TranslatedDocument {
    pub start: i64,
    pub end: i64,
    pub text: String,
}

/// What web-frontend asks for, and the time it has for the answer.
pub struct Ask<'a> {
    /// X-Ray's spelling of the trace id.
    pub trace_id: &'a str,
    pub sku: &'a str,
    pub category: &'a str,
    pub user: Option<&'a str>,
    pub caller_ip: &'a str,
    /// The page's render: the call starts as it starts and is answered before it ends.
    pub from: i64,
    pub until: i64,
    /// The end of the data set: spans not ended by then were not exported yet.
    pub cutoff: i64,
}

struct Pod {
    name: String,
    container_id: String,
}

/// The recommendations service, with its own random numbers and pods.
pub struct Recommendations {
    rng: Rng,
    pods: Vec<Pod>,
}

/// Where the answer came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Cache,
    Table,
    /// The cache refused the connection; the table answered.
    TableWithCacheDown,
}

impl Source {
    fn annotation(self) -> &'static str {
        match self {
            Source::Cache => "cache",
            Source::Table => "dynamodb",
            Source::TableWithCacheDown => "dynamodb-fallback",
        }
    }
}

/// How long each step takes, in microseconds; zero for a step not taken.
struct Steps {
    there: i64,
    accept: i64,
    cache_get: i64,
    query: i64,
    cache_fill: i64,
    rank: i64,
    respond: i64,
    back: i64,
}

impl Steps {
    fn all(&mut self) -> [&mut i64; 8] {
        [
            &mut self.there,
            &mut self.accept,
            &mut self.cache_get,
            &mut self.query,
            &mut self.cache_fill,
            &mut self.rank,
            &mut self.respond,
            &mut self.back,
        ]
    }

    /// Shortens every step alike so that, with the gaps between them, they take at most
    /// `budget` microseconds.
    fn squeeze(&mut self, budget: i64) {
        let gaps = 3 * GAP_US;
        let natural: i64 = self.all().iter().map(|step| **step).sum();
        let room = (budget - gaps - 8).max(8);
        if natural <= room {
            return;
        }
        for step in self.all() {
            if *step > 0 {
                *step = (*step * room / natural).max(1);
            }
        }
    }
}

impl Recommendations {
    pub fn new(mut rng: Rng) -> Self {
        let pods = (0..2)
            .map(|_| Pod {
                name: format!(
                    "recommendations-6b8f4c9d7-{}",
                    rng.alnum(5, b"bcdfghjklmnpqrstvwxz2456789")
                ),
                container_id: rng.hex(64),
            })
            .collect();
        Recommendations { rng, pods }
    }

    /// web-frontend's call: its `remote` subsegment (an X-Ray subsegment in web-frontend's
    /// document) and the documents the service's spans translate to.
    pub fn call(&mut self, ask: &Ask) -> (Span, Vec<TranslatedDocument>) {
        let rng = &mut self.rng;
        let pod = &self.pods[rng.below(self.pods.len())];
        let source = if rng.chance(CACHE_REFUSED) {
            Source::TableWithCacheDown
        } else if rng.chance(CACHE_HIT) {
            Source::Cache
        } else {
            Source::Table
        };
        let candidates = rng.int(24, 64);
        let lead = duration(rng, 0.02, 0.12);
        let mut steps = Steps {
            there: duration(rng, 0.25, 0.8),
            accept: duration(rng, 0.08, 0.3),
            cache_get: match source {
                Source::TableWithCacheDown => duration(rng, 0.4, 1.2),
                _ => duration(rng, 0.2, 0.8),
            },
            query: match source {
                Source::Cache => 0,
                _ => duration(rng, 2.5, 7.0),
            },
            cache_fill: match source {
                Source::Table => duration(rng, 0.15, 0.5),
                _ => 0,
            },
            rank: duration(rng, 0.3, 1.4),
            respond: duration(rng, 0.05, 0.2),
            back: duration(rng, 0.2, 0.6),
        };
        let call_start = ask.from + lead;
        steps.squeeze(ask.until - call_start);

        let ids = Ids {
            trace: trace_id_bytes(ask.trace_id),
            call: rng.id(),
            server: span_id(rng),
        };
        let server_start = call_start + steps.there;
        let mut t = server_start + steps.accept;
        let mut spans = Vec::new();
        let cache_get = cache_span(&ids, rng, "GET", t, steps.cache_get, source);
        t += steps.cache_get + GAP_US;
        spans.push((Scope::Redis, cache_get));
        if steps.query > 0 {
            let query = query_span(&ids, rng, t, steps.query);
            t += steps.query + GAP_US;
            spans.push((Scope::Botocore, query));
        }
        if steps.cache_fill > 0 {
            let fill = cache_span(&ids, rng, "SETEX", t, steps.cache_fill, source);
            t += steps.cache_fill + GAP_US;
            spans.push((Scope::Redis, fill));
        }
        let rank = rank_span(&ids, rng, (t, t + steps.rank), candidates);
        t += steps.rank;
        spans.push((Scope::Ranking, rank));
        let server_end = t + steps.respond;
        let path = format!("/v1/recommendations/{}", ask.sku);
        let server = server_span(&ids, ask, &path, (server_start, server_end), source);
        spans.push((Scope::Fastapi, server));

        let mut call = Span {
            id: ids.call.clone(),
            name: HOST.to_owned(),
            start: call_start,
            end: server_end + steps.back,
            f: Map::new(),
            subs: Vec::new(),
        };
        call.set("namespace", json!("remote"));
        let url = format!("http://{HOST}{path}?limit={SHOWN}");
        call.http(
            json!({"method": "GET", "url": url, "traced": true}),
            200,
            rng.int(1400, 2600),
        );
        // The batch span processor exports a request's spans once its server span has ended.
        let documents = if server_end <= ask.cutoff {
            translated(&request(pod, spans))
        } else {
            Vec::new()
        };
        (call, documents)
    }
}

fn duration(rng: &mut Rng, lo_ms: f64, hi_ms: f64) -> i64 {
    ms(rng.uniform(lo_ms, hi_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const TRACE_ID: &str = "1-6968b3a3-3eec29c7369c6fe404ff64b5";
    const FROM: i64 = 1_768_469_411_000_000;

    fn ask(until: i64, cutoff: i64) -> Ask<'static> {
        Ask {
            trace_id: TRACE_ID,
            sku: "P-10261",
            category: "stoves",
            user: Some("cust-4821"),
            caller_ip: "10.0.27.74",
            from: FROM,
            until,
            cutoff,
        }
    }

    fn documents(translated: &[TranslatedDocument]) -> Vec<Value> {
        translated
            .iter()
            .map(|d| serde_json::from_str(&d.text).unwrap())
            .collect()
    }

    #[test]
    fn the_call_fits_the_render_and_the_spans_nest_in_it() {
        let mut service = Recommendations::new(Rng::new(7));
        // From a render of 2 ms, which squeezes every step, to one of 14 ms.
        for until_ms in [2, 3, 5, 9, 14] {
            for _ in 0..40 {
                let until = FROM + until_ms * 1000;
                let (call, translated) = service.call(&ask(until, i64::MAX));
                assert!(FROM <= call.start && call.end <= until, "{until_ms} ms");
                let docs = documents(&translated);
                let server = docs
                    .iter()
                    .find(|d| d["otel"]["kind"] == "SERVER")
                    .expect("a server span");
                assert_eq!(server["parent_id"], json!(call.id));
                assert_eq!(server["trace_id"], json!(TRACE_ID));
                assert_eq!(server["name"], json!(SERVICE));
                for (doc, times) in docs.iter().zip(&translated) {
                    assert!(call.start <= times.start && times.end <= call.end);
                    assert!(times.start < times.end, "{doc}");
                    if doc["otel"]["kind"] != "SERVER" {
                        assert_eq!(doc["parent_id"], server["id"]);
                        assert_eq!(doc["type"], json!("subsegment"));
                    }
                }
            }
        }
    }

    #[test]
    fn a_refused_cache_records_its_traceback_and_the_table_answers() {
        let mut service = Recommendations::new(Rng::new(11));
        let refused = (0..400)
            .map(|_| documents(&service.call(&ask(FROM + 9_000, i64::MAX)).1))
            .find(|docs| docs.iter().any(|d| d.get("cause").is_some()))
            .expect("a refused connection in 400 calls");
        let failed = refused.iter().find(|d| d.get("cause").is_some()).unwrap();
        assert_eq!(failed["fault"], json!(true));
        let exceptions = failed["cause"]["exceptions"].as_array().unwrap();
        assert_eq!(exceptions[0]["type"], "redis.exceptions.ConnectionError");
        assert_eq!(exceptions[1]["type"], "ConnectionRefusedError");
        assert_eq!(exceptions[0]["cause"], exceptions[1]["id"]);
        assert_eq!(exceptions[0]["stack"][0]["label"], "connect_check_health");
        let server = refused.iter().find(|d| d["name"] == SERVICE).unwrap();
        assert_eq!(server["annotations"][ANNOTATED], "dynamodb-fallback");
        assert!(
            server.get("fault").is_none(),
            "the page still gets its answer"
        );
        assert!(refused.iter().any(|d| d["name"] == "DynamoDB"));
    }

    #[test]
    fn spans_not_ended_at_the_cutoff_are_not_exported() {
        let mut service = Recommendations::new(Rng::new(3));
        let (call, translated) = service.call(&ask(FROM + 9_000, FROM + 100));
        assert!(translated.is_empty());
        assert!(call.start >= FROM);
    }
}
