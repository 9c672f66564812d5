//! A stand-in for the X-Ray and CloudWatch Logs endpoints on 127.0.0.1: an HTTP/1.1 server on
//! its own thread that answers each X-Ray REST-JSON path (`/TraceSummaries`, `/Traces`,
//! `/ServiceGraph`, `/TraceGraph`, `/Groups`, `/StartTraceRetrieval`, …, and the OTLP
//! `/v1/traces`) and each CloudWatch Logs operation (JSON 1.1, named by its `X-Amz-Target`:
//! `Logs_20140328.StartQuery`) from a queue of scripted replies, or from a function of the
//! request, and records every request with its body (as JSON where it is JSON) and when it came
//! and was answered. Replies can be delayed, or never sent.
//!
//! Until a test says otherwise, the account is a classic one: GetTraceSegmentDestination
//! answers `XRay`, `ACTIVE`.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_xray::config::{Credentials, Region, SharedCredentialsProvider};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub mod moto;

/// Static dummy credentials, a fixed region, this endpoint: nothing of the machine's own AWS
/// set-up is read.
pub fn sdk_config(url: &str, attempt_timeout: Duration) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        )))
        .endpoint_url(url)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_attempt_timeout(attempt_timeout)
                .build(),
        )
        .build()
}

/// The recorded real responses.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xray");

/// A recorded response, as JSON.
pub fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{path}"))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// `x-amzn-ErrorType`: how AWS names an error.
    pub error_type: Option<String>,
    pub delay: Duration,
    /// Read the request and never answer.
    pub hang: bool,
}

impl Reply {
    pub fn json(body: &Value) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json",
            body: body.to_string().into(),
            error_type: None,
            delay: Duration::ZERO,
            hang: false,
        }
    }

    /// An AWS error answer: the status, the error's name and its message.
    pub fn error(status: u16, error_type: &str, message: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: serde_json::json!({ "message": message }).to_string().into(),
            error_type: Some(error_type.to_owned()),
            delay: Duration::ZERO,
            hang: false,
        }
    }

    /// A success of another content type: protobuf, say.
    pub fn bytes(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            content_type,
            body,
            ..Reply::json(&Value::Null)
        }
    }

    pub fn hang() -> Reply {
        Reply {
            hang: true,
            ..Reply::json(&Value::Null)
        }
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body, when it is JSON; `Null` otherwise.
    pub body: Value,
    pub raw: Vec<u8>,
    pub arrived: Instant,
    pub answered: Option<Instant>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A field of the JSON body as epoch seconds (StartTime, EndTime).
    pub fn seconds(&self, field: &str) -> f64 {
        self.body[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field} in {}", self.body))
    }

    /// The TraceIds of a BatchGetTraces or GetTraceGraph request.
    pub fn trace_ids(&self) -> Vec<String> {
        self.body["TraceIds"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

type Responder = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

#[derive(Default)]
struct State {
    scripts: HashMap<String, VecDeque<Reply>>,
    routes: HashMap<String, Responder>,
    requests: Vec<Request>,
    in_flight: HashMap<String, usize>,
    max_in_flight: HashMap<String, usize>,
}

pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let mut state = State::default();
        state.routes.insert(
            DESTINATION.to_owned(),
            Arc::new(|_: &Request| {
                Reply::json(&serde_json::json!({"Destination": "XRay", "Status": "ACTIVE"}))
            }),
        );
        let state = Arc::new(Mutex::new(state));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                tokio::select! {
                    _ = stopped => {}
                    _ = accept(listener, shared) => {}
                }
            });
            // Hanging connections are dropped with the runtime.
            runtime.shutdown_background();
        });
        Server {
            addr: addr_rx.recv().unwrap(),
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Replies to `path` in this order; after them, its route (if any) answers.
    pub fn script(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.state
            .lock()
            .unwrap()
            .scripts
            .entry(path.to_owned())
            .or_default()
            .extend(replies);
    }

    /// Answers `path` with a function of the request, once its script is used up.
    pub fn route(&self, path: &str, respond: impl Fn(&Request) -> Reply + Send + Sync + 'static) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_owned(), Arc::new(respond));
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// The most requests to `path` that were being answered at once.
    pub fn max_in_flight(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .max_in_flight
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Waits (polling) until `path` has had `count` requests; panics after `timeout`.
    pub fn wait_for_requests(&self, path: &str, count: usize, timeout: Duration) {
        let start = Instant::now();
        while self.requests_to(path).len() < count {
            assert!(
                start.elapsed() < timeout,
                "{path} had {} requests, not {count}, after {timeout:?}",
                self.requests_to(path).len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, state: Arc<Mutex<State>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, Arc::clone(&state)));
    }
}

/// Requests on one connection, one after the other (keep-alive).
async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    loop {
        let Some(mut request) = read_request(&mut read).await else {
            return;
        };
        let (reply, index) = {
            let mut state = state.lock().unwrap();
            let in_flight = state.in_flight.entry(request.path.clone()).or_default();
            *in_flight += 1;
            let now = *in_flight;
            let max = state.max_in_flight.entry(request.path.clone()).or_default();
            *max = (*max).max(now);
            let scripted = state
                .scripts
                .get_mut(&request.path)
                .and_then(VecDeque::pop_front);
            let reply = scripted.or_else(|| {
                state
                    .routes
                    .get(&request.path)
                    .map(|respond| respond(&request))
            });
            state.requests.push(request.clone());
            let reply = reply.unwrap_or_else(|| {
                Reply::error(
                    400,
                    "UnexpectedRequest",
                    &format!("the test server has no reply for {}", request.path),
                )
            });
            (reply, state.requests.len() - 1)
        };
        if reply.hang {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(reply.delay).await;
        let mut head = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n\
             x-amzn-requestid: test-{index}\r\n",
            reply.status,
            reason(reply.status),
            reply.content_type,
            reply.body.len()
        );
        if let Some(error_type) = &reply.error_type {
            head.push_str(&format!("x-amzn-errortype: {error_type}\r\n"));
        }
        head.push_str("\r\n");
        // One write: a head and a body in two small packets would meet delayed ACKs.
        let mut answer = head.into_bytes();
        answer.extend_from_slice(&reply.body);
        let written = async {
            write.write_all(&answer).await?;
            write.flush().await
        }
        .await;
        request.answered = Some(Instant::now());
        {
            let mut state = state.lock().unwrap();
            if let Some(in_flight) = state.in_flight.get_mut(&request.path) {
                *in_flight -= 1;
            }
            state.requests[index].answered = request.answered;
        }
        if written.is_err() {
            return;
        }
    }
}

async fn read_request<R: tokio::io::AsyncRead + Unpin>(read: &mut BufReader<R>) -> Option<Request> {
    let mut line = String::new();
    if read.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let arrived = Instant::now();
    let target = line.split_whitespace().nth(1)?.to_owned();
    let mut path = target.split('?').next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if read.read_line(&mut header).await.ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    read.read_exact(&mut body).await.ok()?;
    // JSON 1.1 services (CloudWatch Logs) post every operation to `/` and name it in a header.
    if let Some((_, operation)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-target"))
    {
        path = operation.clone();
    }
    Some(Request {
        path,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        raw: body,
        arrived,
        answered: None,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The paths of the Transaction Search operations and the CloudWatch Logs targets.
pub const DESTINATION: &str = "/GetTraceSegmentDestination";
pub const INDEXING_RULES: &str = "/GetIndexingRules";
pub const START_RETRIEVAL: &str = "/StartTraceRetrieval";
pub const LIST_RETRIEVED: &str = "/ListRetrievedTraces";
pub const RETRIEVED_GRAPH: &str = "/GetRetrievedTracesGraph";
pub const CANCEL_RETRIEVAL: &str = "/CancelTraceRetrieval";
pub const START_QUERY: &str = "Logs_20140328.StartQuery";
pub const QUERY_RESULTS: &str = "Logs_20140328.GetQueryResults";
pub const STOP_QUERY: &str = "Logs_20140328.StopQuery";

/// A BatchGetTraces answer holding one small trace of one segment for each id asked.
pub fn traces_for(ids: &[String]) -> Value {
    let traces: Vec<Value> = ids
        .iter()
        .map(|id| {
            let start = u64::from_str_radix(&id[2..10], 16).unwrap_or(0) as f64;
            let segment_id = format!("{:016x}", hash(id));
            let document = serde_json::json!({
                "id": segment_id,
                "name": "checkout",
                "trace_id": id,
                "start_time": start,
                "end_time": start + 0.25,
                "http": {"request": {"method": "GET", "url": "https://shop.example/checkout"},
                         "response": {"status": 200}}
            });
            serde_json::json!({
                "Id": id,
                "Duration": 0.25,
                "LimitExceeded": false,
                "Segments": [{"Id": segment_id, "Document": document.to_string()}]
            })
        })
        .collect();
    serde_json::json!({ "Traces": traces, "UnprocessedTraceIds": [] })
}

/// `count` well-formed X-Ray trace ids, starting at `epoch`.
pub fn trace_ids(count: usize, epoch: u32) -> Vec<String> {
    (0..count)
        .map(|n| format!("1-{:08x}-{:024x}", epoch + n as u32, 0xabc000 + n))
        .collect()
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// ListRetrievedTraces' traces for these ids, in the XRAY format: one segment document each,
/// as `traces_for` makes them.
pub fn retrieved_for(ids: &[String]) -> Vec<Value> {
    traces_for(ids)["Traces"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|trace| {
            let spans: Vec<Value> = trace["Segments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|segment| serde_json::json!({"Id": segment["Id"], "Document": segment["Document"]}))
                .collect();
            serde_json::json!({"Id": trace["Id"], "Duration": trace["Duration"], "Spans": spans})
        })
        .collect()
}

/// An account with Transaction Search on, indexing `percent` of its spans.
pub fn transaction_search(server: &Server, percent: f64) {
    server.route(DESTINATION, |_| {
        Reply::json(&serde_json::json!({"Destination": "CloudWatchLogs", "Status": "ACTIVE"}))
    });
    server.route(INDEXING_RULES, move |_| {
        Reply::json(&serde_json::json!({"IndexingRules": [{
            "Name": "Default",
            "ModifiedAt": 1_700_000_000.0,
            "Rule": {"Probabilistic": {
                "DesiredSamplingPercentage": percent,
                "ActualSamplingPercentage": percent
            }}
        }]}))
    });
}

/// The paths of X-Ray Insights and of the time series of the map's services.
pub const INSIGHT_SUMMARIES: &str = "/InsightSummaries";
pub const INSIGHT: &str = "/Insight";
pub const INSIGHT_EVENTS: &str = "/InsightEvents";
pub const INSIGHT_IMPACT_GRAPH: &str = "/InsightImpactGraph";
pub const TIME_SERIES: &str = "/TimeSeriesServiceStatistics";

/// A ServiceId as X-Ray's model shapes it.
pub fn service_id(name: &str, kind: &str) -> Value {
    serde_json::json!({"Name": name, "Names": [name], "AccountId": "123456789012", "Type": kind})
}

/// RequestImpactStatistics: faulted, ok and all requests.
pub fn impact(faults: i64, total: i64) -> Value {
    serde_json::json!({"FaultCount": faults, "OkCount": total - faults, "TotalCount": total})
}

/// An InsightSummary (GetInsightSummaries) or, without `LastUpdateTime`, an Insight
/// (GetInsight), as the API reference shapes them: times in epoch seconds, state `ACTIVE` or
/// `CLOSED`, the one category `FAULT`.
pub fn insight(id: &str, state: &str, start: f64, end: f64, root: &str, top: &[&str]) -> Value {
    let top: Vec<Value> = top
        .iter()
        .map(|name| serde_json::json!({"ServiceId": service_id(name, "AWS::ECS::Container")}))
        .collect();
    serde_json::json!({
        "InsightId": id,
        "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/Default/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "GroupName": "Default",
        "RootCauseServiceId": service_id(root, "remote"),
        "Categories": ["FAULT"],
        "State": state,
        "StartTime": start,
        "EndTime": end,
        "Summary": format!("Faults rose on {root}"),
        "ClientRequestImpactStatistics": impact(120, 520),
        "RootCauseServiceRequestImpactStatistics": impact(118, 130),
        "TopAnomalousServices": top,
        "LastUpdateTime": end,
    })
}

/// An InsightEvent of GetInsightEvents.
pub fn insight_event(time: f64, summary: &str, faults: i64, total: i64, top: &str) -> Value {
    serde_json::json!({
        "Summary": summary,
        "EventTime": time,
        "ClientRequestImpactStatistics": impact(faults, total),
        "RootCauseServiceRequestImpactStatistics": impact(faults, faults + 3),
        "TopAnomalousServices": [{"ServiceId": service_id(top, "AWS::ECS::Container")}],
    })
}

/// An InsightImpactGraphService: its reference id, name, type and the reference ids it calls.
pub fn impact_service(reference: i32, name: &str, kind: &str, calls: &[i32]) -> Value {
    let edges: Vec<Value> = calls
        .iter()
        .map(|r| serde_json::json!({"ReferenceId": r}))
        .collect();
    serde_json::json!({
        "ReferenceId": reference, "Type": kind, "Name": name, "Names": [name],
        "AccountId": "123456789012", "Edges": edges,
    })
}

/// A TimeSeriesServiceStatistics entry of a service: its counts, the sum of its response
/// times and a histogram of them.
pub fn service_period(
    time: f64,
    total: i64,
    faults: i64,
    errors: i64,
    throttles: i64,
    histogram: &[(f64, i64)],
) -> Value {
    let histogram: Vec<Value> = histogram
        .iter()
        .map(|(value, count)| serde_json::json!({"Value": value, "Count": count}))
        .collect();
    serde_json::json!({
        "Timestamp": time,
        "ServiceSummaryStatistics": {
            "OkCount": total - faults - errors,
            "ErrorStatistics": {"ThrottleCount": throttles, "OtherCount": errors - throttles, "TotalCount": errors},
            "FaultStatistics": {"OtherCount": faults, "TotalCount": faults},
            "TotalCount": total,
            "TotalResponseTime": 0.1 * total as f64
        },
        "ResponseTimeHistogram": histogram
    })
}
