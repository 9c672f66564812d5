//! Deterministic generator of the bundled demo data set (`assets/demo.ndjson`).
//!
//! Regenerate the file with `cargo run --example gen_demo`. The output is byte-identical on
//! every run and every platform: a fixed seed, an own splitmix64 generator, integer
//! microsecond clocks, own `exp`/`ln` (no platform libm) and a fixed key order in the JSON.
//!
//! # The data set
//!
//! "acme-shop", an online shop in `eu-west-1` (account `123456789012`), 30 minutes of traffic
//! from 2026-01-15T09:30:00Z (epoch 1768469400) to 10:00:00Z; ~680 traces. One segment document
//! per line (NDJSON), grouped by trace, in the order the documents would have been sent
//! (downstream documents first). Every service sends its own segment document, linked by
//! `parent_id` to the calling subsegment exactly as X-Ray does:
//!
//! - `shop-api/prod` — API Gateway stage (`AWS::ApiGateway::Stage`), the entry point; a usage
//!   plan answers a scraper burst around minute 5 with 429s.
//! - `web-frontend` — Node.js on ECS Fargate (`AWS::ECS::Container`); sessions, a product cache
//!   (`cache_hit` annotation), rendering; DynamoDB table `carts`. ELB health checks hit it
//!   directly once a minute (traces whose root is `web-frontend`).
//! - `orders` — Go on EC2 (`AWS::EC2::Instance`); PostgreSQL (`orders@orders-db.cluster-…`
//!   SQL subsegments), publishes to SNS topic `order-events`, sends to SQS queue
//!   `order-fulfilment`.
//! - `payments` — Python on EKS (`AWS::EKS::Container`); calls the external provider
//!   `api.paymentprovider.example` (no downstream segment).
//! - `inventory` — Python Lambda (`AWS::Lambda` + `AWS::Lambda::Function` with `Initialization`
//!   on cold starts, `Invocation`, `Overhead`; the SDK's work arrives as independent
//!   subsegments, `"type": "subsegment"`); DynamoDB table `inventory-stock`.
//! - `notifications` — Node.js Lambda invoked asynchronously by SNS (`Dwell Time`,
//!   `Attempt #1`), sends mail through SES; present in most successful checkouts.
//! - `recommendations` — Python on EKS, the one service instrumented with OpenTelemetry (the
//!   ADOT distribution) instead of the X-Ray SDK: web-frontend calls it while it renders a
//!   product page, when its `recommendations_v2` flag is on; a Redis cache, DynamoDB table
//!   `product-recommendations`. Its spans are OTLP, made into documents by the translator the
//!   listener uses (see [`otel`]).
//!
//! Requests: `GET /products`, `GET /products/{id}`, `GET`/`POST /cart`, `POST /checkout`,
//! `GET /orders/{id}`, `GET /orders`, `GET /health`, and scanners probing `/.env` and friends.
//! Entry segments carry `user` (`cust-NNNN`, none for anonymous visitors); annotations such as
//! `customer_tier`, `cart_items`, `cache_hit`, `region`, `order_total`; namespaced metadata.
//!
//! Background noise: 404s (unknown products and orders, scanners), a few card declines (402),
//! a rare 400, and an occasional 500 (a render `TypeError`, a PostgreSQL statement timeout).
//!
//! # The incident: minutes 12–22 (09:42–09:52 UTC)
//!
//! - The payment provider stops answering: `payments` → `api.paymentprovider.example` calls
//!   take ~5 s and fail (read timeouts with no response, or 504s), with one retry, so
//!   checkouts take ~10 s. `payments` answers 504 (fault; its `cause` is the id of the
//!   `PaymentProviderTimeout` recorded on its `charge-card` subsegment, whose exceptions chain
//!   to `requests.exceptions.ReadTimeout`); `orders`, `web-frontend` and `shop-api/prod`
//!   answer 502 (fault). Ramps up during minute 12, full from 13 to 21, recovers by 22;
//!   the few successful payments meanwhile are slow (1–3 s).
//! - Customers retry, checkout traffic roughly doubles, and the stock reservations throttle
//!   DynamoDB `inventory-stock` (from minute ~12.5 to 22): `UpdateItem` retries
//!   (`aws.retries`), some failing with `ProvisionedThroughputExceededException` (throttle,
//!   error, HTTP 400), which turns the checkout into a 429 (error + throttle) all the way up.
//!
//! The last few traces (the final ~5 s of the window) are still in progress: their entry
//! segments have `in_progress: true` and no `end_time`.

use serde_json::{Map, Value, json};

pub mod logs;
mod otel;

use otel::{Recommendations, TranslatedDocument};

/// Epoch second of the first instant of the data set (2026-01-15T09:30:00Z).
pub const BASE_EPOCH: i64 = 1_768_469_400;
/// Length of the data set.
pub const WINDOW_SECS: i64 = 30 * 60;
/// First minute (from [`BASE_EPOCH`]) of the payment provider incident.
pub const INCIDENT_START_MINUTE: i64 = 12;
/// Minute (from [`BASE_EPOCH`]) by which the incident is over.
pub const INCIDENT_END_MINUTE: i64 = 22;

const SEED: u64 = 0xAC3E_5809_2026_0115;
const US: i64 = 1_000_000;
const BASE_US: i64 = BASE_EPOCH * US;
const END_US: i64 = BASE_US + WINDOW_SECS * US;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "eu-west-1";
const REST_API_ID: &str = "k7x2m9q4ab";
const FRONTEND_HOST: &str = "web-frontend.acme-shop.internal";
const ORDERS_HOST: &str = "orders.acme-shop.internal";
const PAYMENTS_HOST: &str = "payments.acme-shop.internal";
const PROVIDER_HOST: &str = "api.paymentprovider.example";
const DB_HOST: &str = "orders-db.cluster-c9xk2m4h7q1z.eu-west-1.rds.amazonaws.com";

/// Generates the whole data set as NDJSON: one segment document per line.
pub fn generate() -> String {
    let mut arrivals = Arrivals::new(Rng::new(SEED));
    let requests = arrivals.all();
    let mut g = Gen::new(Rng::new(SEED ^ 0x9E37_79B9_7F4A_7C15));
    let mut out = String::with_capacity(6 << 20);
    for req in &requests {
        let (spans, translated) = g.trace(req);
        let mut lines: Vec<Line> = spans
            .iter()
            .filter_map(|d| {
                let v = d.to_json(END_US)?;
                let mut text = String::new();
                write_json(&mut text, &v);
                Some(Line::new(d.start, d.end, text))
            })
            .collect();
        lines.extend(
            translated
                .into_iter()
                .map(|d| Line::new(d.start, d.end, d.text)),
        );
        // The order a daemon would see them in: finished documents by end time, then the
        // ones still in progress.
        lines.sort_by_key(|line| line.order);
        for line in lines {
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    out
}

/// One document of the output, and where it goes in its trace's order.
struct Line {
    order: (i64, i64),
    text: String,
}

impl Line {
    fn new(start: i64, end: i64, text: String) -> Line {
        let end = if end <= END_US { end } else { i64::MAX };
        Line {
            order: (end, start),
            text,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic numbers

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform integer in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// Index drawn with the given weights.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
    /// Approximately standard normal (Irwin–Hall).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.f64()).sum::<f64>() - 6.0
    }
    /// Log-normal duration in microseconds around a median given in milliseconds.
    fn lognormal(&mut self, median_ms: f64, sigma: f64) -> i64 {
        ms(median_ms * exp_det(sigma * self.normal()))
    }
    /// Exponentially distributed waiting time in seconds for a rate per second.
    fn exponential(&mut self, rate: f64) -> f64 {
        -ln_det(1.0 - self.f64()) / rate
    }
    fn hex(&mut self, n: usize) -> String {
        const DIGITS: &[u8] = b"0123456789abcdef";
        (0..n).map(|_| DIGITS[self.below(16)] as char).collect()
    }
    fn alnum(&mut self, n: usize, digits: &[u8]) -> String {
        (0..n)
            .map(|_| digits[self.below(digits.len())] as char)
            .collect()
    }
    fn id(&mut self) -> String {
        self.hex(16)
    }
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            *self.pick(&['8', '9', 'a', 'b']),
            self.hex(3),
            self.hex(12)
        )
    }
    /// A DynamoDB-style request id.
    fn ddb_request_id(&mut self) -> String {
        self.alnum(52, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    }
}

/// `exp` from basic IEEE operations only, so results do not depend on the platform's libm.
fn exp_det(x: f64) -> f64 {
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for i in 1..=22 {
        term *= r / i as f64;
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

/// Natural logarithm of a positive normal number, from basic IEEE operations only.
fn ln_det(x: f64) -> f64 {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52)); // [1, 2)
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let (mut term, mut sum) = (s, 0.0);
    for i in 0..40 {
        sum += term / (2 * i + 1) as f64;
        term *= s2;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

/// Milliseconds to microseconds.
fn ms(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// Epoch seconds with microsecond precision, as X-Ray wants them.
fn ts(us: i64) -> Value {
    json!(us as f64 / 1e6)
}

fn minute_of(t: i64) -> f64 {
    (t - BASE_US) as f64 / (60.0 * US as f64)
}

/// A ramp 0 → 1 between `a` and `b` minutes, 1 until `c`, back to 0 at `d`.
fn trapezoid(t: i64, a: f64, b: f64, c: f64, d: f64) -> f64 {
    let m = minute_of(t);
    if m <= a || m >= d {
        0.0
    } else if m < b {
        (m - a) / (b - a)
    } else if m <= c {
        1.0
    } else {
        (d - m) / (d - c)
    }
}

/// How badly the payment provider is failing at `t`.
fn provider_severity(t: i64) -> f64 {
    trapezoid(t, 12.0, 13.0, 21.0, 22.0)
}

/// How hard `inventory-stock` is throttling at `t` (follows the checkout retry storm).
fn throttle_severity(t: i64) -> f64 {
    trapezoid(t, 12.5, 13.5, 20.5, 22.0)
}

// ---------------------------------------------------------------------------------------------
// Spans and JSON output

/// A segment or subsegment under construction. Times are epoch microseconds.
struct Span {
    id: String,
    name: String,
    start: i64,
    end: i64,
    f: Map<String, Value>,
    subs: Vec<Span>,
}

impl Span {
    fn set(&mut self, k: &str, v: Value) {
        self.f.insert(k.to_string(), v);
    }
    fn push(&mut self, child: Span) {
        debug_assert!(
            child.start >= self.start,
            "{} starts before {}",
            child.name,
            self.name
        );
        self.subs.push(child);
    }
    /// error / throttle / fault as X-Ray SDKs derive them from an HTTP status.
    fn flags(&mut self, status: u16) {
        match status {
            429 => {
                self.set("error", json!(true));
                self.set("throttle", json!(true));
            }
            400..=499 => self.set("error", json!(true)),
            500..=599 => self.set("fault", json!(true)),
            _ => {}
        }
    }
    fn http(&mut self, request: Value, status: u16, len: i64) {
        self.set(
            "http",
            json!({"request": request, "response": {"status": status, "content_length": len}}),
        );
        self.flags(status);
    }
    /// The document as of `cutoff`: spans not started yet are left out, spans not finished
    /// yet are `in_progress` and lose what only an ending span knows.
    fn to_json(&self, cutoff: i64) -> Option<Value> {
        if self.start > cutoff {
            return None;
        }
        let done = self.end <= cutoff;
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("start_time".into(), ts(self.start));
        if done {
            m.insert("end_time".into(), ts(self.end));
        } else {
            m.insert("in_progress".into(), json!(true));
        }
        for (k, v) in &self.f {
            if !done {
                match k.as_str() {
                    "error" | "fault" | "throttle" | "cause" => continue,
                    "http" => {
                        if let Some(req) = v.get("request") {
                            m.insert(k.clone(), json!({ "request": req }));
                        }
                        continue;
                    }
                    _ => {}
                }
            }
            m.insert(k.clone(), v.clone());
        }
        let subs: Vec<Value> = self.subs.iter().filter_map(|s| s.to_json(cutoff)).collect();
        if !subs.is_empty() {
            m.insert("subsegments".into(), Value::Array(subs));
        }
        Some(Value::Object(m))
    }
}

/// Keys written first, in this order; all others follow alphabetically.
const KEY_ORDER: &[&str] = &[
    "trace_id",
    "id",
    "parent_id",
    "type",
    "name",
    "start_time",
    "end_time",
    "in_progress",
    "origin",
    "resource_arn",
    "namespace",
    "user",
    "error",
    "throttle",
    "fault",
    "cause",
    "http",
    "aws",
    "sql",
    "service",
    "annotations",
    "metadata",
    "subsegments",
];

/// Compact JSON with a fixed key order, independent of serde_json's map implementation.
fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by_key(|k| {
                let rank = KEY_ORDER.iter().position(|x| x == k).unwrap_or(usize::MAX);
                (rank, k.as_str())
            });
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_json(out, &m[k.as_str()]);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn frame(path: &str, line: u32, label: &str) -> Value {
    json!({"path": path, "line": line, "label": label})
}

fn exception(id: &str, ty: &str, message: &str, remote: bool, stack: Vec<Value>) -> Value {
    let mut e = json!({"id": id, "type": ty, "message": message, "stack": stack});
    if remote {
        e["remote"] = json!(true);
    }
    e
}

// ---------------------------------------------------------------------------------------------
// The shop: catalogue, customers, requests

const CATEGORIES: &[&str] = &[
    "tents",
    "backpacks",
    "jackets",
    "boots",
    "sleeping-bags",
    "stoves",
];

struct Product {
    sku: String,
    category: &'static str,
    price_cents: i64,
}

#[derive(Clone)]
struct Client {
    user: Option<String>,
    tier: &'static str,
    ip: String,
    ua: &'static str,
}

const BROWSERS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "AcmeShop/4.12.0 (iPhone; iOS 18.2; Scale/3.00)",
    "AcmeShop/4.12.0 (Android 14; Pixel 8) okhttp/4.12.0",
];

const SCANNER_AGENTS: &[&str] = &["Mozilla/5.0 zgrab/0.x", "curl/8.5.0", "Go-http-client/1.1"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    ListProducts,
    GetProduct,
    GetCart,
    AddToCart,
    Checkout,
    GetOrder,
    ListOrders,
    Health,
    Scanner,
}

struct Req {
    t: i64,
    route: Route,
    method: &'static str,
    path: String,
    pattern: &'static str,
    client: Client,
    /// Product index for product pages and add-to-cart; `None` for an unknown id.
    product: Option<usize>,
    /// (product index, quantity)
    items: Vec<(usize, i64)>,
    order_id: String,
    /// Throttled by the API Gateway usage plan (never reaches the backend).
    gateway_throttled: bool,
    /// One of the requests still in flight at the end of the window.
    slow: bool,
}

struct Arrivals {
    rng: Rng,
    catalog_len: usize,
    customers: Vec<Client>,
}

impl Arrivals {
    fn new(mut rng: Rng) -> Self {
        let tiers = ["standard", "gold", "platinum"];
        let customers = (0..160)
            .map(|_| Client {
                user: Some(format!("cust-{}", rng.int(1000, 9999))),
                tier: tiers[rng.weighted(&[0.7, 0.22, 0.08])],
                ip: public_ip(&mut rng),
                ua: BROWSERS[rng.below(BROWSERS.len())],
            })
            .collect();
        Arrivals {
            rng,
            catalog_len: catalog().len(),
            customers,
        }
    }

    fn all(&mut self) -> Vec<Req> {
        let mut reqs = Vec::new();
        // Shoppers: a Poisson process whose rate drifts up through the half hour, with some
        // minute-to-minute noise, and more checkouts while customers retry during the incident.
        let noise: Vec<f64> = (0..30).map(|_| self.rng.uniform(0.85, 1.15)).collect();
        let mut t = 0.0f64;
        loop {
            let now = BASE_US + (t * US as f64) as i64;
            let minute = (t / 60.0) as usize;
            let sev = provider_severity(now);
            let rate =
                (0.31 + 0.08 * t / WINDOW_SECS as f64) * noise[minute.min(29)] * (1.0 + 0.15 * sev);
            t += self.rng.exponential(rate);
            if t > (WINDOW_SECS - 8) as f64 {
                break;
            }
            let at = BASE_US + ms(t * 1000.0);
            let route = self.pick_route(provider_severity(at));
            reqs.push(self.request(at, route, false));
        }
        // ELB health checks, straight to web-frontend, once a minute.
        for m in 0..30 {
            let at = BASE_US + (m * 60 + 17) * US + self.rng.int(0, 400_000);
            reqs.push(self.request(at, Route::Health, false));
        }
        // A scraper walking the catalogue around minute 5: the usage plan throttles most of it.
        let scraper = Client {
            user: None,
            tier: "anonymous",
            ip: "45.133.172.19".to_string(),
            ua: "python-requests/2.32.3",
        };
        let mut at = BASE_US + (5 * 60 + 8) * US;
        for page in 1..=14 {
            at += ms(self.rng.uniform(250.0, 1900.0));
            let mut r = self.request(at, Route::ListProducts, false);
            r.client = scraper.clone();
            r.path = format!("/products?page={page}&per_page=100");
            r.gateway_throttled = page > 3 && self.rng.chance(0.75);
            reqs.push(r);
        }
        // Still in flight when the window closes.
        for (secs_before_end, route) in [
            (4.6, Route::Checkout),
            (2.9, Route::GetOrder),
            (1.7, Route::Checkout),
            (0.6, Route::ListProducts),
        ] {
            let at = END_US - ms(secs_before_end * 1000.0);
            let mut r = self.request(at, route, true);
            if r.client.user.is_none() {
                r.client = self.customers[self.rng.below(self.customers.len())].clone();
            }
            reqs.push(r);
        }
        reqs.sort_by_key(|r| r.t);
        reqs
    }

    fn pick_route(&mut self, sev: f64) -> Route {
        const ROUTES: [Route; 8] = [
            Route::ListProducts,
            Route::GetProduct,
            Route::GetCart,
            Route::AddToCart,
            Route::Checkout,
            Route::GetOrder,
            Route::ListOrders,
            Route::Scanner,
        ];
        let weights = [0.25, 0.29, 0.12, 0.12, 0.10 + 0.24 * sev, 0.07, 0.04, 0.02];
        ROUTES[self.rng.weighted(&weights)]
    }

    fn request(&mut self, t: i64, route: Route, slow: bool) -> Req {
        let rng = &mut self.rng;
        let logged_in = match route {
            Route::ListProducts | Route::GetProduct => rng.chance(0.6),
            Route::Health | Route::Scanner => false,
            _ => true,
        };
        let client = if logged_in {
            self.customers[rng.below(self.customers.len())].clone()
        } else {
            Client {
                user: None,
                tier: "anonymous",
                ip: public_ip(rng),
                ua: BROWSERS[rng.below(BROWSERS.len())],
            }
        };
        let mut r = Req {
            t,
            route,
            method: "GET",
            path: String::new(),
            pattern: "",
            client,
            product: None,
            items: Vec::new(),
            order_id: String::new(),
            gateway_throttled: false,
            slow,
        };
        let n = self.catalog_len;
        match route {
            Route::ListProducts => {
                r.pattern = "/products";
                r.path = match rng.below(3) {
                    0 => "/products".to_string(),
                    1 => format!("/products?category={}", rng.pick(CATEGORIES)),
                    _ => format!(
                        "/products?category={}&page={}",
                        rng.pick(CATEGORIES),
                        rng.int(2, 6)
                    ),
                };
            }
            Route::GetProduct => {
                r.pattern = "/products/{id}";
                if rng.chance(0.04) && !slow {
                    r.path = format!("/products/P-{}", rng.int(90000, 99999));
                } else {
                    let p = rng.below(n);
                    r.product = Some(p);
                    r.path = format!("/products/P-{}", 10100 + p * 7);
                }
            }
            Route::GetCart => {
                r.pattern = "/cart";
                r.path = "/cart".into();
            }
            Route::AddToCart => {
                r.method = "POST";
                r.pattern = "/cart";
                r.path = "/cart".into();
                r.product = Some(rng.below(n));
                r.items = vec![(r.product.unwrap(), rng.int(1, 2))];
            }
            Route::Checkout => {
                r.method = "POST";
                r.pattern = "/checkout";
                r.path = "/checkout".into();
                let count = 1 + rng.weighted(&[0.4, 0.3, 0.2, 0.1]);
                let mut items: Vec<(usize, i64)> = Vec::new();
                while items.len() < count {
                    let p = rng.below(n);
                    if !items.iter().any(|(q, _)| *q == p) {
                        items.push((p, rng.int(1, 3)));
                    }
                }
                r.items = items;
            }
            Route::GetOrder => {
                r.pattern = "/orders/{id}";
                r.order_id = order_id(rng);
                r.path = format!("/orders/{}", r.order_id);
            }
            Route::ListOrders => {
                r.pattern = "/orders";
                r.path = "/orders?limit=20".into();
            }
            Route::Health => {
                r.pattern = "/health";
                r.path = "/health".into();
                r.client = Client {
                    user: None,
                    tier: "anonymous",
                    ip: format!("10.0.{}.{}", rng.int(0, 2) * 16 + 1, rng.int(10, 250)),
                    ua: "ELB-HealthChecker/2.0",
                };
            }
            Route::Scanner => {
                let probes = [
                    "/.env",
                    "/wp-login.php",
                    "/.git/config",
                    "/actuator/env",
                    "/phpmyadmin/index.php",
                    "/config.json",
                ];
                r.method = if rng.chance(0.2) { "POST" } else { "GET" };
                r.path = rng.pick(&probes).to_string();
                r.pattern = "unmatched";
                r.client = Client {
                    user: None,
                    tier: "anonymous",
                    ip: public_ip(rng),
                    ua: SCANNER_AGENTS[rng.below(SCANNER_AGENTS.len())],
                };
            }
        }
        r
    }
}

/// web-frontend's feature flag for the new recommendations service, on for a third of the
/// requests: product pages with it on ask `recommendations` (see [`otel`]).
fn recommendations_v2(req: &Req) -> bool {
    req.t % 3 == 0
}

fn public_ip(rng: &mut Rng) -> String {
    let first = *rng.pick(&[
        2u8, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 84, 86, 87, 88, 90, 91, 92, 109, 151, 176,
        178, 185, 188, 212, 217,
    ]);
    format!(
        "{}.{}.{}.{}",
        first,
        rng.int(0, 255),
        rng.int(0, 255),
        rng.int(1, 254)
    )
}

fn order_id(rng: &mut Rng) -> String {
    format!("ord_{}", rng.alnum(10, b"0123456789abcdefghjkmnpqrstvwxyz"))
}

fn catalog() -> Vec<Product> {
    let mut rng = Rng::new(SEED ^ 0xC0FF_EE00);
    (0..48)
        .map(|i| Product {
            sku: format!("P-{}", 10100 + i * 7),
            category: CATEGORIES[i % CATEGORIES.len()],
            price_cents: rng.int(9, 420) * 100 + *rng.pick(&[0, 50, 90, 95, 99]),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The services

/// A service's answer: when it finished, the status, the body size.
struct Resp {
    end: i64,
    status: u16,
    len: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Node,
    Go,
}

enum InvOp<'a> {
    ListStock(&'a str),
    GetStock(Option<usize>),
    Reserve(&'a [(usize, i64)]),
}

/// What the inventory function answered.
#[derive(PartialEq, Eq)]
enum InvResult {
    Ok,
    NotFound,
    Throttled,
}

struct Host {
    name: String,
    ip: String,
    id: String,
}

struct Gen {
    rng: Rng,
    catalog: Vec<Product>,
    trace_id: String,
    docs: Vec<Span>,
    slow: bool,
    frontend_tasks: Vec<Host>,
    orders_instances: Vec<Host>,
    payments_pods: Vec<Host>,
    /// The OpenTelemetry-instrumented service, and the documents of its spans in this trace.
    recommendations: Recommendations,
    translated: Vec<TranslatedDocument>,
}

impl Gen {
    fn new(mut rng: Rng) -> Self {
        let frontend_tasks = (0..3)
            .map(|i| {
                let ip = format!("10.0.{}.{}", [11, 27, 43][i], rng.int(10, 250));
                Host {
                    name: format!("ip-{}.eu-west-1.compute.internal", ip.replace('.', "-")),
                    ip,
                    id: rng.hex(64),
                }
            })
            .collect();
        let orders_instances = (0..2)
            .map(|i| Host {
                name: ["eu-west-1a", "eu-west-1b"][i].to_string(),
                ip: format!("10.0.{}.{}", [12, 28][i], rng.int(10, 250)),
                id: format!("i-0{}", rng.hex(16)),
            })
            .collect();
        let payments_pods = (0..2)
            .map(|_| Host {
                name: format!(
                    "payments-7d9c6b5f8-{}",
                    rng.alnum(5, b"bcdfghjklmnpqrstvwxz2456789")
                ),
                ip: format!("10.0.{}.{}", rng.int(64, 79), rng.int(10, 250)),
                id: rng.hex(64),
            })
            .collect();
        Gen {
            rng,
            catalog: catalog(),
            trace_id: String::new(),
            docs: Vec::new(),
            slow: false,
            frontend_tasks,
            orders_instances,
            payments_pods,
            recommendations: Recommendations::new(Rng::new(SEED ^ 0x07E1_0000_5EC0_0A11)),
            translated: Vec::new(),
        }
    }

    /// The trace's X-Ray documents and the translated documents of its OpenTelemetry spans.
    fn trace(&mut self, req: &Req) -> (Vec<Span>, Vec<TranslatedDocument>) {
        self.trace_id = format!("1-{:08x}-{}", req.t / US, self.rng.hex(24));
        self.docs.clear();
        self.translated.clear();
        self.slow = req.slow;
        if req.route == Route::Health {
            self.web_frontend(None, req.t, req);
        } else {
            self.api_gateway(req);
        }
        (
            std::mem::take(&mut self.docs),
            std::mem::take(&mut self.translated),
        )
    }

    // -- building blocks ----------------------------------------------------------------------

    fn span(&mut self, name: &str, start: i64) -> Span {
        Span {
            id: self.rng.id(),
            name: name.to_string(),
            start,
            end: start,
            f: Map::new(),
            subs: Vec::new(),
        }
    }

    /// A top-level segment document.
    fn segment(&mut self, name: &str, start: i64, parent: Option<&str>) -> Span {
        let mut s = self.span(name, start);
        s.set("trace_id", json!(self.trace_id));
        if let Some(p) = parent {
            s.set("parent_id", json!(p));
        }
        s
    }

    fn local(&mut self, name: &str, start: i64, dur: i64) -> Span {
        let mut s = self.span(name, start);
        s.end = start + dur.max(1);
        s
    }

    /// Uniform duration in microseconds.
    fn d(&mut self, lo_ms: f64, hi_ms: f64) -> i64 {
        ms(self.rng.uniform(lo_ms, hi_ms))
    }

    /// Nested local work: each name contains the next one.
    fn chain(&mut self, start: i64, total: i64, names: &[&str]) -> Span {
        let total = total.max(names.len() as i64 * 4);
        let mut s = self.local(names[0], start, total);
        if names.len() > 1 {
            let lead = total * self.rng.int(4, 20) / 100;
            let tail = total * self.rng.int(2, 12) / 100;
            let child = self.chain(start + lead, total - lead - tail, &names[1..]);
            s.push(child);
        }
        s
    }

    /// Server-side rendering: `render` > (`load-template` on a template cache miss),
    /// `layout` > view parts.
    fn render(&mut self, t: i64, view: &[&str], lo_ms: f64, hi_ms: f64) -> Span {
        let total = self.d(lo_ms, hi_ms).max(ms(1.0));
        let mut r = self.local("render", t, total);
        let mut start = t + 15;
        if self.rng.chance(0.1) {
            let dur = self.d(0.8, 3.0).min(total / 3);
            let tpl = self.local("load-template", start, dur);
            start = tpl.end + 10;
            r.push(tpl);
        }
        let mut names = vec!["layout"];
        names.extend_from_slice(view);
        let rest = (t + total - 10 - start).max(names.len() as i64 * 4);
        let c = self.chain(start, rest, &names);
        r.end = r.end.max(c.end + 10);
        r.push(c);
        r
    }

    fn sql(&mut self, t: i64, query: &str, dur: i64) -> Span {
        let mut s = self.local(&format!("orders@{DB_HOST}"), t, dur);
        s.set("namespace", json!("remote"));
        s.set(
            "sql",
            json!({
                "url": format!("postgres://orders_app@{DB_HOST}:5432/orders"),
                "database_type": "PostgreSQL",
                "database_version": "15.8",
                "driver_version": "github.com/jackc/pgx/v5@v5.6.0",
                "user": "orders_app",
                "preparation": "statement",
                "sanitized_query": query,
            }),
        );
        s
    }

    /// The Go SDK's subsegments of an AWS call: marshal, attempt (connect, request, response),
    /// unmarshal.
    fn go_sdk_phases(&mut self, s: &mut Span) {
        let total = s.end - s.start;
        if total < 400 {
            return;
        }
        let dur = self.d(0.01, 0.06);
        let marshal = self.local("marshal", s.start + 5, dur);
        let unmarshal_len = self.d(0.02, 0.08);
        let att_start = marshal.end + 5;
        let att_end = s.end - unmarshal_len - 10;
        let mut attempt = self.local("attempt", att_start, att_end - att_start);
        let mut t = att_start + 5;
        if self.rng.chance(0.12) {
            // A fresh connection: dns, dial, tls.
            let conn_total = ((att_end - att_start) * 35 / 100).max(30);
            let mut connect = self.local("connect", t, conn_total);
            let dns = self.local("dns", t + 2, conn_total / 8);
            let dial = self.local("dial", dns.end + 2, conn_total / 6);
            let tls = self.local("tls", dial.end + 2, connect.end - dial.end - 4);
            connect.set(
                "metadata",
                json!({"http": {"connection": {"reused": false, "was_idle": false}}}),
            );
            connect.push(dns);
            connect.push(dial);
            connect.push(tls);
            t = connect.end + 2;
            attempt.push(connect);
        }
        let req_len = self.d(0.02, 0.3).min((att_end - t) / 4).max(1);
        let request = self.local("request", t, req_len);
        let response = self.local("response", request.end + 2, att_end - request.end - 4);
        attempt.push(request);
        attempt.push(response);
        let unmarshal = self.local("unmarshal", att_end + 5, unmarshal_len);
        s.push(marshal);
        s.push(attempt);
        s.push(unmarshal);
    }

    /// An HTTP call to another traced service: the caller's `remote` subsegment spans the
    /// callee's segment plus the network both ways.
    fn remote<F>(
        &mut self,
        host: &str,
        method: &str,
        url: String,
        t: i64,
        callee: F,
    ) -> (Span, Resp)
    where
        F: FnOnce(&mut Gen, &str, i64) -> Resp,
    {
        let mut sub = self.span(host, t);
        sub.set("namespace", json!("remote"));
        let there = self.d(0.3, 1.4);
        let id = sub.id.clone();
        let r = callee(self, &id, t + there);
        sub.end = r.end + self.d(0.3, 1.2);
        sub.http(
            json!({"method": method, "url": url, "traced": true}),
            r.status,
            r.len,
        );
        (sub, r)
    }

    /// A DynamoDB call with the SDK's retries. Returns the subsegment and, when it failed
    /// with throttling, the id of the exception recorded on it.
    fn dynamodb(
        &mut self,
        t: i64,
        table: &str,
        op: &str,
        throttle_p: f64,
    ) -> (Span, Option<String>) {
        let (lo, hi) = match op {
            "Query" => (5.0, 18.0),
            "GetItem" => (2.5, 8.0),
            _ => (4.0, 12.0),
        };
        let mut s = self.span("DynamoDB", t);
        s.set("namespace", json!("aws"));
        let mut cur = t;
        let mut retries = 0;
        let mut failed = false;
        loop {
            cur += self.d(lo, hi);
            let throttled = self.rng.chance(throttle_p);
            // Now and then a transient 500 from DynamoDB, retried once.
            let transient = !throttled && retries == 0 && self.rng.chance(0.004);
            if !throttled && !transient {
                break;
            }
            if retries == 2 && throttled {
                failed = true;
                break;
            }
            retries += 1;
            // botocore's exponential backoff with jitter.
            cur += ms(self.rng.uniform(0.0, 50.0) * (1 << retries) as f64);
        }
        s.end = cur;
        s.set(
            "aws",
            json!({
                "operation": op,
                "region": REGION,
                "request_id": self.rng.ddb_request_id(),
                "retries": retries,
                "table_name": table,
                "resource_names": [table],
            }),
        );
        if failed {
            s.set(
                "http",
                json!({"response": {"status": 400, "content_length": 244}}),
            );
            s.set("error", json!(true));
            s.set("throttle", json!(true));
            let eid = self.rng.id();
            let message = format!(
                "An error occurred (ProvisionedThroughputExceededException) when calling the {op} operation \
                 (reached max retries: 2): The level of configured provisioned throughput for the table was \
                 exceeded. Consider increasing your provisioning level with the UpdateTable API."
            );
            let stack = vec![
                frame(
                    "/var/lang/lib/python3.12/site-packages/botocore/client.py",
                    1023,
                    "_make_api_call",
                ),
                frame(
                    "/var/lang/lib/python3.12/site-packages/botocore/client.py",
                    569,
                    "_api_call",
                ),
                frame(
                    "/var/task/aws_xray_sdk/ext/botocore/patch.py",
                    38,
                    "_xray_traced_botocore",
                ),
                frame(
                    "/var/task/aws_xray_sdk/core/recorder.py",
                    456,
                    "record_subsegment",
                ),
                frame("/var/task/inventory/stock.py", 58, "reserve_item"),
                frame("/var/task/inventory/handler.py", 31, "reserve_stock"),
            ];
            s.set(
                "cause",
                json!({
                    "working_directory": "/var/task",
                    "exceptions": [exception(&eid, "ProvisionedThroughputExceededException", &message, true, stack)],
                }),
            );
            (s, Some(eid))
        } else {
            let len = match op {
                "Query" => self.rng.int(900, 14000),
                "GetItem" => self.rng.int(120, 900),
                _ => self.rng.int(2, 160),
            };
            s.set(
                "http",
                json!({"response": {"status": 200, "content_length": len}}),
            );
            (s, None)
        }
    }

    /// An AWS call without a traced callee (SNS, SQS, SES).
    fn aws_call(&mut self, t: i64, service: &str, op: &str, dur: i64, extra: Value) -> Span {
        let mut s = self.local(service, t, dur);
        s.set("namespace", json!("aws"));
        let mut aws =
            json!({"operation": op, "region": REGION, "request_id": self.rng.uuid(), "retries": 0});
        if let (Some(a), Some(e)) = (aws.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                a.insert(k.clone(), v.clone());
            }
        }
        s.set("aws", aws);
        s.set(
            "http",
            json!({"response": {"status": 200, "content_length": self.rng.int(180, 420)}}),
        );
        s
    }

    // -- shop-api/prod ------------------------------------------------------------------------

    fn api_gateway(&mut self, req: &Req) {
        let mut seg = self.segment("shop-api/prod", req.t, None);
        seg.set("origin", json!("AWS::ApiGateway::Stage"));
        seg.set(
            "resource_arn",
            json!(format!(
                "arn:aws:apigateway:{REGION}::/restapis/{REST_API_ID}/stages/prod"
            )),
        );
        let request_id = self.rng.uuid();
        seg.set(
            "aws",
            json!({"api_gateway": {"account_id": ACCOUNT, "rest_api_id": REST_API_ID, "stage": "prod", "request_id": request_id}}),
        );
        let (status, len);
        if req.gateway_throttled {
            seg.end = req.t + self.d(0.3, 1.2);
            status = 429;
            len = 29;
        } else {
            let t = req.t + self.d(1.5, 6.0);
            let url = format!("http://{FRONTEND_HOST}{}", req.path);
            let (sub, r) = self.remote(FRONTEND_HOST, req.method, url, t, |g, parent, t| {
                g.web_frontend(Some(parent), t, req)
            });
            seg.end = sub.end + self.d(0.4, 2.0);
            seg.push(sub);
            status = r.status;
            len = r.len;
        }
        seg.http(
            json!({
                "method": req.method,
                "url": format!("https://{REST_API_ID}.execute-api.{REGION}.amazonaws.com/prod{}", req.path),
                "user_agent": req.client.ua,
                "client_ip": req.client.ip,
                "x_forwarded_for": true,
            }),
            status,
            len,
        );
        if let Some(u) = &req.client.user {
            seg.set("user", json!(u));
        }
        self.docs.push(seg);
    }

    // -- web-frontend (Node.js on ECS) --------------------------------------------------------

    fn web_frontend(&mut self, parent: Option<&str>, t0: i64, req: &Req) -> Resp {
        let mut seg = self.segment("web-frontend", t0, parent);
        let task = self.rng.below(self.frontend_tasks.len());
        let host_ip = {
            let h = &self.frontend_tasks[task];
            seg.set("origin", json!("AWS::ECS::Container"));
            seg.set(
                "aws",
                json!({
                    "ecs": {"container": h.name, "container_id": h.id},
                    "xray": {"sdk": "X-Ray for Node.js", "sdk_version": "3.10.1", "package": "aws-xray-sdk"},
                }),
            );
            h.ip.clone()
        };
        seg.set(
            "service",
            json!({"version": "2.41.3", "runtime": "node", "runtime_version": "v20.18.1"}),
        );
        let url = if req.route == Route::Health {
            format!("http://{host_ip}:3000{}", req.path)
        } else {
            format!("http://{FRONTEND_HOST}{}", req.path)
        };
        let mut ann = Map::new();
        ann.insert("route".into(), json!(req.pattern));
        ann.insert("region".into(), json!(REGION));
        if req.client.user.is_some() {
            ann.insert("customer_tier".into(), json!(req.client.tier));
        }
        let mut t = t0 + self.d(0.2, 0.9);
        if req.client.user.is_some() {
            let dur = self.d(0.4, 1.6);
            let a = self.chain(t, dur, &["authenticate", "verify-session"]);
            t = a.end + self.d(0.05, 0.3);
            seg.push(a);
        }
        let (status, len): (u16, i64) = match req.route {
            Route::Health => (200, 15),
            Route::Scanner => (404, 150),
            Route::ListProducts => {
                let category = req
                    .path
                    .split("category=")
                    .nth(1)
                    .map(|c| c.split('&').next().unwrap_or(c))
                    .unwrap_or("all");
                let hit = !self.slow && self.rng.chance(0.7);
                ann.insert("cache_hit".into(), json!(hit));
                let mut cat = self.span("catalog", t);
                let dur = self.d(0.05, 0.3);
                let lookup = self.local("cache-lookup", t + 20, dur);
                let mut ct = lookup.end + 20;
                cat.push(lookup);
                if !hit {
                    let (lam, _) =
                        self.invoke_inventory(ct, InvOp::ListStock(category), Runtime::Node);
                    ct = lam.end + 20;
                    cat.push(lam);
                }
                cat.end = ct + self.d(0.05, 0.3);
                t = cat.end + 30;
                seg.push(cat);
                let r = self.render(
                    t,
                    &["product-grid", "product-card", "price-format"],
                    4.0,
                    18.0,
                );
                t = r.end;
                seg.push(r);
                (200, self.rng.int(38000, 92000))
            }
            Route::GetProduct => {
                let hit = req.product.is_some() && self.rng.chance(0.65);
                ann.insert("cache_hit".into(), json!(hit));
                let mut cat = self.span("catalog", t);
                let dur = self.d(0.05, 0.3);
                let lookup = self.local("cache-lookup", t + 20, dur);
                let mut ct = lookup.end + 20;
                cat.push(lookup);
                let mut found = req.product.is_some();
                if !hit {
                    let (lam, res) =
                        self.invoke_inventory(ct, InvOp::GetStock(req.product), Runtime::Node);
                    ct = lam.end + 20;
                    cat.push(lam);
                    found = res != InvResult::NotFound;
                }
                cat.end = ct + self.d(0.05, 0.3);
                t = cat.end + 30;
                seg.push(cat);
                if !found {
                    let r = self.render(t, &["not-found"], 1.0, 3.0);
                    t = r.end;
                    seg.push(r);
                    (404, 4120)
                } else if self.rng.chance(0.012) {
                    // The occasional bug: a product without a price.
                    let mut r = self.render(t, &["product-detail", "price-format"], 0.5, 2.0);
                    let (c1, c2) = (self.render_type_error(), self.render_type_error());
                    r.set("fault", json!(true));
                    r.set("cause", c1);
                    seg.set("cause", c2);
                    t = r.end;
                    seg.push(r);
                    (500, 2210)
                } else {
                    let r = self.render(
                        t,
                        &["product-detail", "recommendations", "price-format"],
                        3.0,
                        14.0,
                    );
                    t = r.end;
                    let render = (r.start, r.end);
                    seg.push(r);
                    if let Some(product) = req.product.filter(|_| recommendations_v2(req)) {
                        let call = self.ask_recommendations(render, req, product, &host_ip);
                        seg.push(call);
                    }
                    (200, self.rng.int(24000, 61000))
                }
            }
            Route::GetCart => {
                let (db, _) = self.dynamodb(t, "carts", "GetItem", 0.0);
                t = db.end + self.d(0.1, 0.5);
                seg.push(db);
                let items = self.rng.int(0, 5);
                ann.insert("cart_items".into(), json!(items));
                let r = self.render(t, &["cart-summary", "line-items", "price-format"], 2.0, 9.0);
                t = r.end;
                seg.push(r);
                (200, self.rng.int(14000, 30000))
            }
            Route::AddToCart => {
                let dur = self.d(0.1, 0.6);
                let v = self.local("validate-request", t, dur);
                t = v.end + 20;
                seg.push(v);
                if self.rng.chance(0.02) {
                    (400, 96)
                } else {
                    let (lam, res) =
                        self.invoke_inventory(t, InvOp::GetStock(req.product), Runtime::Node);
                    t = lam.end + 30;
                    seg.push(lam);
                    if res == InvResult::Throttled {
                        (429, 71)
                    } else {
                        let (db, _) = self.dynamodb(t, "carts", "UpdateItem", 0.0);
                        t = db.end + 30;
                        seg.push(db);
                        let dur = self.d(0.1, 0.5);
                        let s = self.local("serialize", t, dur);
                        t = s.end;
                        seg.push(s);
                        ann.insert("cart_items".into(), json!(self.rng.int(1, 6)));
                        (200, self.rng.int(400, 1800))
                    }
                }
            }
            Route::Checkout => {
                let (db, _) = self.dynamodb(t, "carts", "GetItem", 0.0);
                t = db.end + self.d(0.1, 0.5);
                seg.push(db);
                let items: i64 = req.items.iter().map(|(_, q)| q).sum();
                ann.insert("cart_items".into(), json!(items));
                let dur = self.d(0.8, 3.0);
                let v = self.chain(t, dur, &["validate-cart", "price-rules", "promo-codes"]);
                t = v.end + 30;
                seg.push(v);
                let url = format!("http://{ORDERS_HOST}:8080/v1/orders");
                let (sub, r) = self.remote(ORDERS_HOST, "POST", url, t, |g, parent, t| {
                    g.orders_place(parent, t, req, &host_ip)
                });
                t = sub.end + 30;
                seg.push(sub);
                match r.status {
                    201 => {
                        let (db, _) = self.dynamodb(t, "carts", "UpdateItem", 0.0);
                        t = db.end + 30;
                        seg.push(db);
                        let r = self.render(
                            t,
                            &["order-confirmation", "line-items", "price-format"],
                            2.0,
                            8.0,
                        );
                        t = r.end;
                        seg.push(r);
                        (201, self.rng.int(9000, 16000))
                    }
                    429 => (429, 88),
                    402 => (402, 140),
                    s => {
                        let id = self.rng.id();
                        seg.set(
                            "cause",
                            json!({
                                "working_directory": "/usr/src/app",
                                "exceptions": [exception(&id, "AxiosError", &format!("Request failed with status code {s}"), true, vec![
                                    frame("/usr/src/app/node_modules/axios/dist/node/axios.cjs", 2037, "settle"),
                                    frame("/usr/src/app/node_modules/axios/dist/node/axios.cjs", 3159, "IncomingMessage.handleStreamEnd"),
                                    frame("/usr/src/app/src/clients/orders.js", 41, "OrdersClient.placeOrder"),
                                    frame("/usr/src/app/src/routes/checkout.js", 57, "postCheckout"),
                                ])],
                            }),
                        );
                        (502, 190)
                    }
                }
            }
            Route::GetOrder | Route::ListOrders => {
                let url = format!("http://{ORDERS_HOST}:8080/v1{}", req.path);
                let (sub, r) = self.remote(ORDERS_HOST, "GET", url, t, |g, parent, t| {
                    g.orders_read(parent, t, req, &host_ip)
                });
                t = sub.end + 30;
                seg.push(sub);
                if r.status == 200 {
                    let view: &[&str] = if req.route == Route::GetOrder {
                        &["order-detail", "line-items", "price-format"]
                    } else {
                        &["order-history", "order-row"]
                    };
                    let rd = self.render(t, view, 2.0, 9.0);
                    t = rd.end;
                    seg.push(rd);
                    (200, self.rng.int(9000, 28000))
                } else if r.status == 404 {
                    let rd = self.render(t, &["not-found"], 1.0, 3.0);
                    t = rd.end;
                    seg.push(rd);
                    (404, 4120)
                } else {
                    (500, 210)
                }
            }
        };
        seg.end = t + self.d(0.1, 0.8);
        let mut http_req = json!({"method": req.method, "url": url, "user_agent": req.client.ua, "client_ip": req.client.ip});
        if req.route != Route::Health {
            http_req["x_forwarded_for"] = json!(true);
        }
        seg.http(http_req, status, len);
        if let Some(u) = &req.client.user {
            seg.set("user", json!(u));
        }
        seg.set("annotations", Value::Object(ann));
        if req.route != Route::Health {
            seg.set(
                "metadata",
                json!({"default": {"feature_flags": {"checkout_v2": true, "recommendations_v2": recommendations_v2(req)}}}),
            );
        }
        let end = seg.end;
        self.docs.push(seg);
        Resp { end, status, len }
    }

    /// web-frontend's call to `recommendations` while the product page renders: its
    /// subsegment; the service's own spans go to [`Gen::translated`].
    fn ask_recommendations(
        &mut self,
        (from, until): (i64, i64),
        req: &Req,
        product: usize,
        caller_ip: &str,
    ) -> Span {
        let product = &self.catalog[product];
        let ask = otel::Ask {
            trace_id: &self.trace_id,
            sku: &product.sku,
            category: product.category,
            user: req.client.user.as_deref(),
            caller_ip,
            from,
            until,
            cutoff: END_US,
        };
        let (call, documents) = self.recommendations.call(&ask);
        self.translated.extend(documents);
        call
    }

    fn render_type_error(&mut self) -> Value {
        let id = self.rng.id();
        json!({
            "working_directory": "/usr/src/app",
            "exceptions": [exception(&id, "TypeError", "Cannot read properties of undefined (reading 'amount')", false, vec![
                frame("/usr/src/app/src/views/price.js", 12, "formatPrice"),
                frame("/usr/src/app/src/views/product.js", 88, "renderProductDetail"),
                frame("/usr/src/app/src/routes/products.js", 34, "getProduct"),
            ])],
        })
    }

    // -- inventory (Python Lambda) ------------------------------------------------------------

    /// The caller's `Lambda` Invoke subsegment, and the `AWS::Lambda` / `AWS::Lambda::Function`
    /// segments and the SDK's independent subsegment it leads to.
    fn invoke_inventory(&mut self, t: i64, op: InvOp, caller: Runtime) -> (Span, InvResult) {
        let function = "inventory";
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}");
        let mut sub = self.span("Lambda", t);
        sub.set("namespace", json!("aws"));
        let request_id = self.rng.uuid();

        let svc_start = t + self.d(2.0, 6.0);
        let mut svc = self.segment(function, svc_start, Some(&sub.id));
        svc.set("origin", json!("AWS::Lambda"));
        svc.set("resource_arn", json!(arn));
        svc.set("aws", json!({"request_id": request_id}));
        svc.set("http", json!({"response": {"status": 200}}));

        let fn_start = svc_start + self.d(0.2, 1.0);
        let mut func = self.segment(function, fn_start, Some(&svc.id));
        func.set("origin", json!("AWS::Lambda::Function"));
        func.set(
            "aws",
            json!({"account_id": ACCOUNT, "function_arn": arn, "resource_names": [function]}),
        );

        let sev = throttle_severity(t);
        let cold = self.slow || self.rng.chance(0.035 + 0.08 * sev);
        let mut ft = fn_start;
        if cold {
            let init = if self.slow {
                self.d(700.0, 900.0)
            } else {
                self.d(280.0, 620.0)
            };
            let mut i = self.local("Initialization", ft, init);
            i.set("aws", json!({"function_arn": arn}));
            ft = i.end + self.d(0.1, 0.5);
            func.push(i);
        }
        let inv_start = ft;

        // The SDK's own subsegment, sent separately (independent subsegment).
        let handler_name = match op {
            InvOp::ListStock(_) => "## list_stock",
            InvOp::GetStock(_) => "## get_stock",
            InvOp::Reserve(_) => "## reserve_stock",
        };
        let dur = self.d(0.3, 1.2);
        let mut h = self.span(handler_name, inv_start + dur);
        h.set("trace_id", json!(self.trace_id));
        h.set("parent_id", json!(func.id));
        h.set("type", json!("subsegment"));
        let mut ht = h.start + self.d(0.05, 0.4);
        let mut result = InvResult::Ok;
        let mut ann = Map::new();
        ann.insert("cold_start".into(), json!(cold));
        let meta;
        match op {
            InvOp::ListStock(category) => {
                let (db, _) = self.dynamodb(ht, "inventory-stock", "Query", 0.08 * sev);
                ht = db.end;
                h.push(db);
                ann.insert("category".into(), json!(category));
                meta = json!({"op": "list", "category": category, "index": "category-index"});
            }
            InvOp::GetStock(product) => {
                let (db, _) = self.dynamodb(ht, "inventory-stock", "GetItem", 0.1 * sev);
                ht = db.end;
                h.push(db);
                let (sku, category) = match product {
                    Some(p) => (self.catalog[p].sku.clone(), self.catalog[p].category),
                    None => {
                        result = InvResult::NotFound;
                        ("unknown".to_string(), "unknown")
                    }
                };
                ann.insert("sku".into(), json!(sku));
                ann.insert("found".into(), json!(product.is_some()));
                meta = json!({"op": "get", "sku": sku, "category": category});
            }
            InvOp::Reserve(items) => {
                ann.insert("sku_count".into(), json!(items.len()));
                let mut reserved = Vec::new();
                for &(p, qty) in items {
                    let (db, failure) =
                        self.dynamodb(ht, "inventory-stock", "UpdateItem", 0.45 * sev);
                    ht = db.end + self.d(0.1, 0.4);
                    h.push(db);
                    if let Some(eid) = failure {
                        // The exception propagates out of the captured function: the SDK refers
                        // to the one already recorded on the DynamoDB subsegment.
                        h.set("error", json!(true));
                        h.set("cause", json!(eid));
                        result = InvResult::Throttled;
                        break;
                    }
                    reserved.push(json!({"sku": self.catalog[p].sku, "quantity": qty}));
                }
                ann.insert("reserved".into(), json!(result == InvResult::Ok));
                meta = json!({"op": "reserve", "reserved": reserved, "warehouse": "DUB1"});
            }
        }
        h.end = ht + self.d(0.1, 0.6);
        h.set("annotations", Value::Object(ann));
        h.set("metadata", json!({"inventory": {"request": meta}}));

        let dur = self.d(0.1, 0.5);
        let mut inv = self.local("Invocation", inv_start, h.end + dur - inv_start);
        inv.set("aws", json!({"function_arn": arn}));
        let dur = self.d(0.2, 1.5);
        let overhead = self.local("Overhead", inv.end + 20, dur);
        func.end = overhead.end + 20;
        func.push(inv);
        func.push(overhead);
        svc.end = func.end + self.d(0.3, 1.5);
        sub.end = svc.end + self.d(1.5, 4.0);

        let payload = match result {
            InvResult::Ok => self.rng.int(60, 4000),
            _ => self.rng.int(40, 120),
        };
        sub.set(
            "aws",
            json!({
                "operation": "Invoke",
                "function_name": function,
                "region": REGION,
                "request_id": request_id,
                "retries": 0,
                "invocation_type": "RequestResponse",
                "log_type": "None",
                "status_code": 200,
                "resource_names": [function],
            }),
        );
        sub.set(
            "http",
            json!({"response": {"status": 200, "content_length": payload}}),
        );
        if caller == Runtime::Go {
            self.go_sdk_phases(&mut sub);
        }
        self.docs.push(h);
        self.docs.push(func);
        self.docs.push(svc);
        (sub, result)
    }

    // -- orders (Go on EC2) -------------------------------------------------------------------

    fn orders_segment(
        &mut self,
        parent: &str,
        t0: i64,
        method: &str,
        path: &str,
        caller_ip: &str,
    ) -> Span {
        let mut seg = self.segment("orders", t0, Some(parent));
        let inst = self.rng.below(self.orders_instances.len());
        let h = &self.orders_instances[inst];
        seg.set("origin", json!("AWS::EC2::Instance"));
        seg.set(
            "aws",
            json!({
                "ec2": {"instance_id": h.id, "availability_zone": h.name, "instance_size": "m6g.large", "ami_id": "ami-0c1f3a8d9e2b47a65"},
                "xray": {"sdk": "X-Ray for Go", "sdk_version": "1.8.4"},
            }),
        );
        seg.set(
            "service",
            json!({"compiler": "gc", "compiler_version": "go1.22.9"}),
        );
        seg.set(
            "http",
            json!({"request": {"method": method, "url": format!("http://{ORDERS_HOST}:8080{path}"), "user_agent": "axios/1.7.9", "client_ip": caller_ip}}),
        );
        seg
    }

    fn finish_http(seg: &mut Span, status: u16, len: i64) {
        let request = seg
            .f
            .get("http")
            .and_then(|h| h.get("request"))
            .cloned()
            .unwrap_or(json!({}));
        seg.http(request, status, len);
    }

    fn orders_place(&mut self, parent: &str, t0: i64, req: &Req, caller_ip: &str) -> Resp {
        let mut seg = self.orders_segment(parent, t0, "POST", "/v1/orders", caller_ip);
        let own_ip = self
            .orders_instances
            .iter()
            .find(|h| Some(&json!(h.id)) == seg.f["aws"]["ec2"].get("instance_id"))
            .map(|h| h.ip.clone())
            .unwrap_or_default();
        let order_id = order_id(&mut self.rng);
        let total: i64 = req
            .items
            .iter()
            .map(|&(p, q)| self.catalog[p].price_cents * q)
            .sum();
        let items: i64 = req.items.iter().map(|(_, q)| q).sum();
        let mut ann = Map::new();
        ann.insert("cart_items".into(), json!(items));
        ann.insert("order_total".into(), json!(total as f64 / 100.0));
        ann.insert("customer_tier".into(), json!(req.client.tier));
        let method = *self.rng.pick(&["card", "card", "card", "paypal"]);
        ann.insert("payment_method".into(), json!(method));
        seg.set(
            "metadata",
            json!({"orders": {"order": {
                "id": order_id,
                "customer_id": req.client.user,
                "currency": "EUR",
                "total_cents": total,
                "items": req.items.iter().map(|&(p, q)| json!({"sku": self.catalog[p].sku, "quantity": q, "unit_price_cents": self.catalog[p].price_cents})).collect::<Vec<_>>(),
                "shipping": {"method": "standard", "country": *self.rng.pick(&["DE", "FR", "IE", "NL", "ES", "IT", "BE"])},
            }}}),
        );

        let mut t = t0 + self.d(0.1, 0.5);
        let dur = self.d(1.0, 3.5);
        let v = self.chain(
            t,
            dur,
            &[
                "validate-cart",
                "price-rules",
                "tax-rules",
                "currency-rounding",
            ],
        );
        t = v.end + 30;
        seg.push(v);
        let d = self.d(0.8, 2.8);
        let q = self.sql(
            t,
            "SELECT id, tier, default_address_id FROM customers WHERE id = $1",
            d,
        );
        t = q.end + 30;
        seg.push(q);
        let (lam, inv) = self.invoke_inventory(t, InvOp::Reserve(&req.items), Runtime::Go);
        t = lam.end + 30;
        seg.push(lam);
        let status;
        if inv == InvResult::Throttled {
            status = 429;
            ann.insert("order_status".into(), json!("rejected"));
        } else {
            let d = self.d(1.0, 3.5);
            let q = self.sql(
                t,
                "INSERT INTO orders (id, customer_id, status, total_cents, currency, created_at) VALUES ($1, $2, $3, $4, $5, now())",
                d,
            );
            t = q.end + 30;
            seg.push(q);
            let placeholders: Vec<String> = (0..req.items.len())
                .map(|i| {
                    format!(
                        "(${}, ${}, ${}, ${})",
                        4 * i + 1,
                        4 * i + 2,
                        4 * i + 3,
                        4 * i + 4
                    )
                })
                .collect();
            let d = self.d(0.8, 2.5);
            let q = self.sql(
                t,
                &format!(
                    "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES {}",
                    placeholders.join(", ")
                ),
                d,
            );
            t = q.end + 30;
            seg.push(q);

            let url = format!("http://{PAYMENTS_HOST}/v1/charges");
            let (sub, r) = self.remote(PAYMENTS_HOST, "POST", url, t, |g, parent, t| {
                g.payments(parent, t, req, total, &own_ip)
            });
            t = sub.end + 30;
            seg.push(sub);
            let d = self.d(0.8, 2.5);
            let q = self.sql(
                t,
                "UPDATE orders SET status = $1, payment_id = $2, updated_at = now() WHERE id = $3",
                d,
            );
            t = q.end + 30;
            seg.push(q);
            match r.status {
                201 => {
                    let d = self.d(8.0, 22.0);
                    let mut sns = self.aws_call(
                        t,
                        "SNS",
                        "Publish",
                        d,
                        json!({"topic_arn": format!("arn:aws:sns:{REGION}:{ACCOUNT}:order-events")}),
                    );
                    self.go_sdk_phases(&mut sns);
                    t = sns.end + 30;
                    if self.rng.chance(0.75) {
                        self.notifications(&sns.id.clone(), sns.end, &order_id, req);
                    }
                    seg.push(sns);
                    let d = self.d(6.0, 18.0);
                    let message_id = self.rng.uuid();
                    let mut sqs = self.aws_call(
                        t,
                        "SQS",
                        "SendMessage",
                        d,
                        json!({"queue_url": format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/order-fulfilment"), "message_id": message_id}),
                    );
                    self.go_sdk_phases(&mut sqs);
                    t = sqs.end + 30;
                    seg.push(sqs);
                    status = 201;
                    ann.insert("order_status".into(), json!("placed"));
                }
                402 => {
                    status = 402;
                    ann.insert("order_status".into(), json!("payment_declined"));
                }
                s => {
                    status = 502;
                    ann.insert("order_status".into(), json!("payment_failed"));
                    let id = self.rng.id();
                    seg.set(
                        "cause",
                        json!({
                            "working_directory": "/opt/orders",
                            "exceptions": [exception(&id, "*checkout.PaymentError", &format!("charge order {order_id}: payments answered {s} Gateway Timeout"), false, vec![
                                frame("github.com/acme-shop/orders/internal/checkout/service.go", 142, "(*Service).PlaceOrder"),
                                frame("github.com/acme-shop/orders/internal/api/orders.go", 88, "(*Handler).CreateOrder"),
                                frame("net/http/server.go", 2220, "HandlerFunc.ServeHTTP"),
                                frame("github.com/aws/aws-xray-sdk-go@v1.8.4/xray/handler.go", 129, "Handler.func1"),
                            ])],
                        }),
                    );
                }
            }
        }
        seg.end = t + self.d(0.1, 0.6);
        let len = if status == 201 {
            self.rng.int(600, 1400)
        } else {
            self.rng.int(80, 160)
        };
        Self::finish_http(&mut seg, status, len);
        seg.set("annotations", Value::Object(ann));
        let end = seg.end;
        self.docs.push(seg);
        Resp { end, status, len }
    }

    fn orders_read(&mut self, parent: &str, t0: i64, req: &Req, caller_ip: &str) -> Resp {
        let path = format!("/v1{}", req.path);
        let mut seg = self.orders_segment(parent, t0, "GET", &path, caller_ip);
        let mut t = t0 + self.d(0.1, 0.5);
        let status;
        let mut ann = Map::new();
        ann.insert("customer_tier".into(), json!(req.client.tier));
        if req.route == Route::GetOrder {
            let timeout = !self.slow && self.rng.chance(0.03);
            let d = if self.slow {
                self.d(3500.0, 4200.0)
            } else if timeout {
                self.d(3000.0, 3004.0)
            } else {
                self.rng.lognormal(2.2, 0.4)
            };
            let mut q = self.sql(
                t,
                "SELECT id, customer_id, status, total_cents, currency, created_at FROM orders WHERE id = $1 AND customer_id = $2",
                d,
            );
            if timeout {
                let id = self.rng.id();
                q.set("fault", json!(true));
                q.set(
                    "cause",
                    json!({"working_directory": "/opt/orders", "exceptions": [exception(&id, "*pgconn.PgError", "ERROR: canceling statement due to statement timeout (SQLSTATE 57014)", true, vec![
                        frame("github.com/jackc/pgx/v5@v5.6.0/pgconn/pgconn.go", 1443, "(*ResultReader).Close"),
                        frame("github.com/acme-shop/orders/internal/store/orders.go", 61, "(*Store).GetOrder"),
                        frame("github.com/acme-shop/orders/internal/api/orders.go", 131, "(*Handler).GetOrder"),
                    ])]}),
                );
                let id2 = self.rng.id();
                seg.set(
                    "cause",
                    json!({"working_directory": "/opt/orders", "exceptions": [exception(&id2, "*fmt.wrapError", &format!("load order {}: ERROR: canceling statement due to statement timeout (SQLSTATE 57014)", req.order_id), false, vec![
                        frame("github.com/acme-shop/orders/internal/api/orders.go", 133, "(*Handler).GetOrder"),
                        frame("net/http/server.go", 2220, "HandlerFunc.ServeHTTP"),
                    ])]}),
                );
            }
            t = q.end + 30;
            seg.push(q);
            if timeout {
                status = 500;
            } else if self.rng.chance(0.03) {
                status = 404;
            } else {
                let d = self.rng.lognormal(1.6, 0.4);
                let q = self.sql(t, "SELECT sku, quantity, unit_price_cents FROM order_items WHERE order_id = $1 ORDER BY sku", d);
                t = q.end + 30;
                seg.push(q);
                status = 200;
            }
            ann.insert("order_id".into(), json!(req.order_id));
        } else {
            let d = self.rng.lognormal(4.5, 0.5);
            let q = self.sql(
                t,
                "SELECT id, status, total_cents, currency, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2",
                d,
            );
            t = q.end + 30;
            seg.push(q);
            status = 200;
        }
        let dur = self.d(0.05, 0.4);
        let s = self.local("encode-json", t, dur);
        t = s.end;
        seg.push(s);
        seg.end = t + self.d(0.05, 0.3);
        let len = match status {
            200 => self.rng.int(700, 6000),
            404 => 52,
            _ => 64,
        };
        Self::finish_http(&mut seg, status, len);
        seg.set("annotations", Value::Object(ann));
        let end = seg.end;
        self.docs.push(seg);
        Resp { end, status, len }
    }

    // -- payments (Python on EKS) -------------------------------------------------------------

    fn payments(&mut self, parent: &str, t0: i64, req: &Req, amount: i64, caller_ip: &str) -> Resp {
        let mut seg = self.segment("payments", t0, Some(parent));
        let pod = self.rng.below(self.payments_pods.len());
        let h = &self.payments_pods[pod];
        seg.set("origin", json!("AWS::EKS::Container"));
        seg.set(
            "aws",
            json!({
                "eks": {"cluster_name": "acme-shop-prod", "pod": h.name, "container_id": h.id},
                "xray": {"sdk": "X-Ray for Python", "sdk_version": "2.14.0"},
            }),
        );
        seg.set(
            "service",
            json!({"runtime": "CPython", "runtime_version": "3.12.8"}),
        );
        let request = json!({"method": "POST", "url": format!("http://{PAYMENTS_HOST}/v1/charges"), "user_agent": "Go-http-client/1.1", "client_ip": caller_ip});

        let mut t = t0 + self.d(0.4, 1.5);
        let dur = self.d(0.2, 0.9);
        let v = self.local("validate-request", t, dur);
        t = v.end + 30;
        seg.push(v);
        // fraud-check > load-features > velocity-window, then score-model.
        let mut fraud = self.span("fraud-check", t);
        let dur = self.d(2.0, 6.0);
        let lf = self.chain(t + 40, dur, &["load-features", "velocity-window"]);
        let dur = self.d(1.5, 5.0);
        let sm = self.local("score-model", lf.end + 40, dur);
        fraud.end = sm.end + 40;
        fraud.push(lf);
        fraud.push(sm);
        t = fraud.end + 30;
        seg.push(fraud);

        let mut charge = self.span("charge-card", t);
        let mut ct = t + self.d(0.1, 0.4);
        let sev = provider_severity(t0);
        let declined = !self.slow && self.rng.chance(0.04);
        let mut attempts = 0;
        let mut outcome = 0u16; // 0: timed out without a response
        let mut last_exception: Option<Value> = None;
        while attempts < 2 {
            attempts += 1;
            let mut sub = self.span(PROVIDER_HOST, ct);
            sub.set("namespace", json!("remote"));
            let http_req = json!({"method": "POST", "url": format!("https://{PROVIDER_HOST}/v2/payment_intents")});
            let fails = !self.slow && self.rng.chance(0.88 * sev);
            if self.slow {
                sub.end = ct + self.d(5200.0, 6500.0);
                outcome = 200;
                sub.http(http_req, 200, self.rng.int(900, 1300));
            } else if !fails {
                sub.end = ct + (self.rng.lognormal(240.0, 0.25) as f64 * (1.0 + 7.0 * sev)) as i64;
                outcome = if declined { 402 } else { 200 };
                let len = if declined {
                    212
                } else {
                    self.rng.int(900, 1300)
                };
                sub.http(http_req, outcome, len);
            } else if self.rng.chance(0.7) {
                // Read timeout: no response at all.
                sub.end = ct + ms(5000.0) + self.d(1.0, 12.0);
                outcome = 0;
                sub.set("http", json!({"request": http_req}));
                sub.set("fault", json!(true));
                let (a, b, c) = (self.rng.id(), self.rng.id(), self.rng.id());
                let msg = format!(
                    "HTTPSConnectionPool(host='{PROVIDER_HOST}', port=443): Read timed out. (read timeout=5.0)"
                );
                let mut read_timeout = exception(
                    &a,
                    "requests.exceptions.ReadTimeout",
                    &msg,
                    true,
                    vec![
                        frame(
                            "/usr/local/lib/python3.12/site-packages/requests/adapters.py",
                            713,
                            "send",
                        ),
                        frame(
                            "/usr/local/lib/python3.12/site-packages/requests/sessions.py",
                            703,
                            "send",
                        ),
                        frame(
                            "/usr/local/lib/python3.12/site-packages/aws_xray_sdk/ext/requests/patch.py",
                            28,
                            "_xray_traced_requests",
                        ),
                        frame("/app/payments/provider.py", 88, "_post"),
                        frame("/app/payments/provider.py", 61, "create_payment_intent"),
                    ],
                );
                read_timeout["cause"] = json!(b);
                read_timeout["truncated"] = json!(14);
                let mut urllib = exception(
                    &b,
                    "urllib3.exceptions.ReadTimeoutError",
                    &msg,
                    true,
                    vec![
                        frame(
                            "/usr/local/lib/python3.12/site-packages/urllib3/connectionpool.py",
                            367,
                            "_raise_timeout",
                        ),
                        frame(
                            "/usr/local/lib/python3.12/site-packages/urllib3/connectionpool.py",
                            536,
                            "_make_request",
                        ),
                        frame(
                            "/usr/local/lib/python3.12/site-packages/urllib3/connectionpool.py",
                            843,
                            "urlopen",
                        ),
                    ],
                );
                urllib["cause"] = json!(c);
                let sock = exception(
                    &c,
                    "TimeoutError",
                    "The read operation timed out",
                    false,
                    vec![
                        frame("/usr/local/lib/python3.12/ssl.py", 1103, "read"),
                        frame("/usr/local/lib/python3.12/socket.py", 720, "readinto"),
                        frame(
                            "/usr/local/lib/python3.12/http/client.py",
                            292,
                            "_read_status",
                        ),
                    ],
                );
                sub.set(
                    "cause",
                    json!({
                        "working_directory": "/app",
                        "paths": ["/usr/local/lib/python3.12/site-packages/requests/", "/usr/local/lib/python3.12/site-packages/urllib3/"],
                        "exceptions": [read_timeout.clone(), urllib, sock],
                    }),
                );
                last_exception = Some(read_timeout);
            } else {
                // The provider's own gateway gives up.
                sub.end = ct + self.d(4300.0, 5000.0);
                outcome = 504;
                sub.http(http_req, 504, 167);
                last_exception = None;
            }
            ct = sub.end + 20;
            charge.push(sub);
            if outcome != 0 && outcome != 504 {
                break;
            }
            if attempts < 2 {
                ct += self.d(200.0, 350.0); // backoff before the retry
            }
        }
        charge.end = ct + self.d(0.1, 0.5);
        let status: u16 = match outcome {
            200 => 201,
            402 => 402,
            _ => 504,
        };
        if status == 402 {
            charge.set("error", json!(true));
        }
        if status == 504 {
            // The application's exception, chained to the transport one; it propagates out of
            // the request handler, so the segment only refers to it by id (as the SDK does).
            let id = self.rng.id();
            let why = if last_exception.is_some() {
                "read timeout 5.0s"
            } else {
                "upstream answered 504"
            };
            let mut app = exception(
                &id,
                "PaymentProviderTimeout",
                &format!("payment provider did not answer after {attempts} attempts ({why})"),
                false,
                vec![
                    frame("/app/payments/provider.py", 74, "charge"),
                    frame("/app/payments/service.py", 41, "create_charge"),
                    frame("/app/payments/api.py", 27, "post_charge"),
                    frame(
                        "/usr/local/lib/python3.12/site-packages/flask/app.py",
                        1473,
                        "wsgi_app",
                    ),
                ],
            );
            let mut exceptions = vec![];
            if let Some(mut cause) = last_exception.take() {
                let cid = self.rng.id();
                app["cause"] = json!(cid);
                cause["id"] = json!(cid);
                cause.as_object_mut().map(|m| m.remove("cause"));
                exceptions.push(app);
                exceptions.push(cause);
            } else {
                exceptions.push(app);
            }
            charge.set("fault", json!(true));
            charge.set(
                "cause",
                json!({"working_directory": "/app", "paths": ["/app/payments/"], "exceptions": exceptions}),
            );
            seg.set("cause", json!(id));
        }
        t = charge.end + 30;
        seg.push(charge);
        seg.end = t + self.d(0.2, 1.0);
        let len = match status {
            201 => self.rng.int(300, 520),
            402 => 96,
            _ => 118,
        };
        seg.http(request, status, len);
        seg.set(
            "annotations",
            json!({"amount": amount as f64 / 100.0, "currency": "EUR", "provider": "paymentprovider", "provider_attempts": attempts, "customer_tier": req.client.tier}),
        );
        seg.set(
            "metadata",
            json!({"payments": {"charge": {"amount_cents": amount, "currency": "EUR", "method": "card", "card_brand": *self.rng.pick(&["visa", "mastercard", "amex"]), "idempotency_key": self.rng.uuid()}, "provider": {"timeout_s": 5.0, "max_attempts": 2}}}),
        );
        let end = seg.end;
        self.docs.push(seg);
        Resp { end, status, len }
    }

    // -- notifications (Node.js Lambda behind SNS) --------------------------------------------

    fn notifications(&mut self, sns_id: &str, published: i64, order_id: &str, req: &Req) {
        let function = "notifications";
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}");
        let svc_start = published + self.d(15.0, 120.0);
        let mut svc = self.segment(function, svc_start, Some(sns_id));
        svc.set("origin", json!("AWS::Lambda"));
        svc.set("resource_arn", json!(arn));
        svc.set("aws", json!({"request_id": self.rng.uuid()}));
        svc.set("http", json!({"response": {"status": 202}}));
        let dur = self.d(5.0, 60.0);
        let dwell = self.local("Dwell Time", svc_start, dur);
        let attempt_start = dwell.end + 10;

        let fn_start = attempt_start + self.d(0.5, 2.0);
        let mut func = self.segment(function, fn_start, Some(&svc.id));
        func.set("origin", json!("AWS::Lambda::Function"));
        func.set(
            "aws",
            json!({"account_id": ACCOUNT, "function_arn": arn, "resource_names": [function]}),
        );
        let mut ft = fn_start;
        if self.rng.chance(0.12) {
            let dur = self.d(160.0, 420.0);
            let mut i = self.local("Initialization", ft, dur);
            i.set("aws", json!({"function_arn": arn}));
            ft = i.end + 100;
            func.push(i);
        }
        let inv_start = ft;
        let dur = self.d(0.2, 1.0);
        let mut h = self.span("## sendOrderConfirmation", inv_start + dur);
        h.set("trace_id", json!(self.trace_id));
        h.set("parent_id", json!(func.id));
        h.set("type", json!("subsegment"));
        let dur = self.d(1.5, 6.0);
        let r = self.chain(
            h.start + 50,
            dur,
            &["render-email", "load-template", "i18n"],
        );
        let d = self.d(25.0, 90.0);
        let ses = self.aws_call(r.end + 50, "SES", "SendEmail", d, json!({}));
        h.end = ses.end + self.d(0.1, 0.5);
        h.push(r);
        h.push(ses);
        h.set(
            "annotations",
            json!({"order_id": order_id, "channel": "email", "customer_tier": req.client.tier}),
        );
        h.set("metadata", json!({"default": {"template": "order-confirmation", "locale": *self.rng.pick(&["en-IE", "de-DE", "fr-FR", "nl-NL"])}}));
        let dur = self.d(0.1, 0.5);
        let mut inv = self.local("Invocation", inv_start, h.end + dur - inv_start);
        inv.set("aws", json!({"function_arn": arn}));
        let dur = self.d(0.2, 1.5);
        let overhead = self.local("Overhead", inv.end + 20, dur);
        func.end = overhead.end + 20;
        func.push(inv);
        func.push(overhead);

        let dur = self.d(0.2, 1.0);
        let mut attempt = self.local("Attempt #1", attempt_start, func.end + dur - attempt_start);
        attempt.set("http", json!({"response": {"status": 200}}));
        svc.end = attempt.end + 20;
        svc.push(dwell);
        svc.push(attempt);
        self.docs.push(h);
        self.docs.push(func);
        self.docs.push(svc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn docs() -> Vec<Value> {
        generate()
            .lines()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect()
    }

    #[test]
    fn deterministic() {
        assert_eq!(generate(), generate());
    }

    #[test]
    fn every_line_is_a_segment_document() {
        let re_hex = |s: &str, n: usize| {
            s.len() == n
                && s.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        for d in docs() {
            let id = d["id"].as_str().expect("id");
            assert!(re_hex(id, 16), "{id}");
            let trace_id = d["trace_id"].as_str().expect("trace_id");
            let parts: Vec<&str> = trace_id.split('-').collect();
            assert_eq!(parts.len(), 3, "{trace_id}");
            assert_eq!(parts[0], "1");
            assert!(re_hex(parts[1], 8) && re_hex(parts[2], 24), "{trace_id}");
            let start = d["start_time"].as_f64().expect("start_time");
            assert!((BASE_EPOCH as f64..(BASE_EPOCH + WINDOW_SECS) as f64).contains(&start));
            assert!(d["name"].is_string());
            match d["end_time"].as_f64() {
                Some(end) => assert!(end >= start),
                None => assert_eq!(d["in_progress"], json!(true)),
            }
        }
    }

    #[test]
    fn children_lie_within_their_parents() {
        fn check(v: &Value) {
            let (s, e) = (v["start_time"].as_f64().unwrap(), v["end_time"].as_f64());
            for c in v["subsegments"].as_array().into_iter().flatten() {
                let cs = c["start_time"].as_f64().unwrap();
                assert!(cs >= s, "{} starts before its parent", c["name"]);
                if let (Some(e), Some(ce)) = (e, c["end_time"].as_f64()) {
                    assert!(ce <= e, "{} ends after its parent", c["name"]);
                }
                check(c);
            }
        }
        for d in docs() {
            check(&d);
        }
    }

    #[test]
    fn traces_link_up() {
        let docs = docs();
        let mut by_trace: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
        for d in &docs {
            by_trace
                .entry(d["trace_id"].as_str().unwrap())
                .or_default()
                .push(d);
        }
        assert!(by_trace.len() >= 500, "{} traces", by_trace.len());
        for (trace_id, docs) in &by_trace {
            let mut ids = BTreeSet::new();
            fn collect<'a>(v: &'a Value, ids: &mut BTreeSet<&'a str>) {
                ids.insert(v["id"].as_str().unwrap());
                for c in v["subsegments"].as_array().into_iter().flatten() {
                    collect(c, ids);
                }
            }
            for d in docs {
                collect(d, &mut ids);
            }
            let roots = docs.iter().filter(|d| d.get("parent_id").is_none()).count();
            assert_eq!(roots, 1, "{trace_id}");
            for d in docs {
                if let Some(p) = d["parent_id"].as_str() {
                    assert!(ids.contains(p), "{trace_id}: dangling parent {p}");
                }
            }
            // The epoch in the trace id is the root's start second.
            let root = docs.iter().find(|d| d.get("parent_id").is_none()).unwrap();
            let epoch = u64::from_str_radix(&trace_id[2..10], 16).unwrap();
            assert_eq!(epoch, root["start_time"].as_f64().unwrap() as u64);
        }
    }

    #[test]
    fn the_incident_is_there() {
        let docs = docs();
        let incident = (BASE_EPOCH + INCIDENT_START_MINUTE * 60) as f64
            ..(BASE_EPOCH + INCIDENT_END_MINUTE * 60) as f64;
        let failed_payments: Vec<&Value> = docs
            .iter()
            .filter(|d| {
                d["name"] == "payments" && d["fault"] == json!(true) && d.get("cause").is_some()
            })
            .collect();
        assert!(failed_payments.len() >= 10, "{}", failed_payments.len());
        assert!(
            failed_payments
                .iter()
                .all(|d| incident.contains(&d["start_time"].as_f64().unwrap()))
        );
        // The segment's cause is the id of an exception recorded on one of its subsegments.
        for d in &failed_payments {
            let id = d["cause"].as_str().expect("cause is an exception id");
            let charge = d["subsegments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == "charge-card")
                .unwrap();
            let exceptions = charge["cause"]["exceptions"].as_array().unwrap();
            assert!(exceptions.iter().any(|e| e["id"] == id));
        }
        // Somewhere an exception's own cause points at another exception of the same list.
        assert!(generate().contains("\"type\":\"requests.exceptions.ReadTimeout\""));
        // Throttled DynamoDB calls, all within the incident.
        fn throttled<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
            if v["name"] == "DynamoDB" && v["throttle"] == json!(true) {
                out.push(v);
            }
            for c in v["subsegments"].as_array().into_iter().flatten() {
                throttled(c, out);
            }
        }
        let mut calls = Vec::new();
        for d in &docs {
            throttled(d, &mut calls);
        }
        assert!(calls.len() >= 3, "{}", calls.len());
        for c in &calls {
            assert_eq!(c["error"], json!(true));
            assert_eq!(c["http"]["response"]["status"], json!(400));
            assert_eq!(
                c["cause"]["exceptions"][0]["type"],
                "ProvisionedThroughputExceededException"
            );
            assert!(incident.contains(&c["start_time"].as_f64().unwrap()));
        }
        // Outside the incident, faults are rare but there.
        let faults = |inside: bool| {
            docs.iter()
                .filter(|d| d["name"] == "shop-api/prod" && d["fault"] == json!(true))
                .filter(|d| incident.contains(&d["start_time"].as_f64().unwrap()) == inside)
                .count()
        };
        let (inside, outside) = (faults(true), faults(false));
        assert!(
            outside >= 1 && inside >= 4 * outside,
            "{inside} inside, {outside} outside"
        );
    }

    #[test]
    fn some_traces_are_still_in_progress() {
        let n = docs()
            .iter()
            .filter(|d| d.get("parent_id").is_none() && d["in_progress"] == json!(true))
            .count();
        assert!((3..=5).contains(&n), "{n}");
    }

    #[test]
    fn own_exp_and_ln_are_accurate() {
        for x in [-3.0, -0.5, 0.0, 0.3, 1.0, 2.5] {
            assert!((exp_det(x) - f64::exp(x)).abs() <= 1e-12 * f64::exp(x));
        }
        for x in [1e-9, 0.01, 0.5, 0.999, 1.0] {
            assert!((ln_det(x) - f64::ln(x)).abs() <= 1e-12);
        }
    }
}
