//! Where everything the listener's inputs receive goes: into the store, to the recording,
//! and, for daemon datagrams, on to the forwarder. OTLP requests, whichever input brought
//! them, are translated into segment documents here.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::codec::otel::{self, ExportTraceServiceRequest, TranslateOptions};
use crate::model::Segment;
use crate::model::logs::LogLine;

use super::Forwarders;
use super::acceptance::{self, Acceptance, MAX_SPANS_PER_REQUEST};
use super::datagram::{self, Body};
use super::log_store::MAX_LINES_PER_TRACE;
use super::recorder::Recorder;
use super::store::{Store, Via};

/// Translator problems noted per request; a request of thousands of bad spans would
/// otherwise push every other problem out.
const PROBLEMS_NOTED_PER_REQUEST: usize = 3;

pub struct Intake {
    store: Arc<Mutex<Store>>,
    recorder: Mutex<Option<Recorder>>,
    forward: Option<Forwarders>,
    translate: TranslateOptions,
}

impl Intake {
    pub fn new(
        store: Arc<Mutex<Store>>,
        recorder: Option<Recorder>,
        forward: Option<Forwarders>,
        translate: TranslateOptions,
    ) -> Intake {
        Intake {
            store,
            recorder: Mutex::new(recorder),
            forward,
            translate,
        }
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// One UDP datagram: a segment document, or an OTLP request from ADOT.
    pub fn datagram(&self, bytes: &[u8], from: SocketAddr) {
        let from = from.to_string();
        self.store().arrived(Via::Udp);
        if bytes.len() > datagram::MAX_DATAGRAM {
            self.store().reject(&from, "a datagram over 64 KB".into());
            return;
        }
        let text = match datagram::document(bytes) {
            Ok(text) => text,
            Err(reason) => return self.store().reject(&from, reason),
        };
        if let Some(forward) = &self.forward {
            forward.documents.offer(text, crate::clock::now());
        }
        match datagram::body(text) {
            Body::Document(document) => {
                let segment = Segment::parse(document);
                let (kept, evicted) = {
                    let mut store = self.store();
                    let kept = store.receive_parsed(&from, document.to_owned(), segment);
                    (kept, store.take_evicted())
                };
                drop(evicted);
                if kept {
                    self.record([document]);
                }
            }
            Body::Otlp { base64, sampled } => match decode_base64(base64) {
                Ok(request) => {
                    self.request(&from, request, sampled);
                }
                Err(reason) => self.store().reject(&from, reason),
            },
        }
    }

    /// Counts an OTLP/HTTP or OTLP/gRPC request as it arrives, before it is read.
    pub fn arrived(&self, via: Via) {
        self.store().arrived(via);
    }

    /// A request that carried nothing usable.
    pub fn malformed(&self, from: &str, reason: String) {
        self.store().reject(from, reason);
    }

    /// One OTLP/HTTP or OTLP/gRPC request: forwarded to X-Ray's OTLP endpoint with
    /// `--forward`, translated and kept; the answer says what was rejected.
    pub fn otlp_request(&self, from: &str, request: ExportTraceServiceRequest) -> Acceptance {
        if let Some(forward) = &self.forward {
            forward.otlp.offer(request.clone());
        }
        self.request(from, request, true)
    }

    /// One OTLP trace request, translated and kept; the answer says what was rejected.
    pub fn request(
        &self,
        from: &str,
        mut request: ExportTraceServiceRequest,
        sampled: bool,
    ) -> Acceptance {
        let arrived = otel::span_count(&request);
        let cut = acceptance::keep_first_spans(&mut request, MAX_SPANS_PER_REQUEST);
        let refused = acceptance::refused_spans(&request);
        let options = TranslateOptions {
            sampled,
            ..self.translate.clone()
        };
        let translated = otel::translate(&request, &options);
        let recording = lock(&self.recorder).is_some();
        let parsed: Vec<_> = translated
            .documents
            .into_iter()
            .map(|text| {
                let segment = Segment::parse(&text);
                (text, segment)
            })
            .collect();
        let mut kept = Vec::new();
        let evicted = {
            let mut store = self.store();
            store.arrived_spans(
                u64::try_from(arrived).unwrap_or(u64::MAX),
                u64::try_from(cut + refused.count).unwrap_or(u64::MAX),
            );
            for (text, segment) in parsed {
                let copy = recording.then(|| text.clone());
                if store.receive_parsed(from, text, segment) {
                    kept.extend(copy);
                }
            }
            for problem in translated.problems.iter().take(PROBLEMS_NOTED_PER_REQUEST) {
                store.warn(from, problem);
            }
            store.take_evicted()
        };
        drop(evicted);
        self.record(kept.iter().map(String::as_str));
        let acceptance = Acceptance::of(cut, &refused, &translated.problems);
        if acceptance.rejected_spans > 0 {
            self.store().warn(from, &acceptance.message);
        }
        acceptance
    }

    /// One OTLP logs request's lines, by whichever input: kept for the traces they name.
    /// Lines that name no trace, or come past a trace's most, are said among the problems.
    pub fn logs_request(&self, from: &str, records: usize, lines: Vec<LogLine>) {
        let mut store = self.store();
        store.arrived_log_records(u64::try_from(records).unwrap_or(u64::MAX));
        let taken = store.logs.receive(lines);
        if taken.without_trace > 0 {
            let problem = format!(
                "{} without a trace id: only a trace's lines are shown, beside its spans",
                crate::text::count::count(taken.without_trace, "log record")
            );
            store.warn(from, &problem);
        }
        if taken.over > 0 {
            let problem = format!(
                "{} dropped: a trace keeps {MAX_LINES_PER_TRACE} lines at most",
                crate::text::count::count(taken.over, "log record")
            );
            store.warn(from, &problem);
        }
    }

    fn record<'a>(&self, documents: impl IntoIterator<Item = &'a str>) {
        let mut recorder = lock(&self.recorder);
        if let Some(recorder) = recorder.as_mut() {
            for document in documents {
                recorder.record(document);
            }
        }
    }

    /// Puts what was recorded on disk; says why recording stopped, if it did.
    pub fn flush_recording(&self) -> Option<String> {
        let mut recorder = lock(&self.recorder);
        let recorder = recorder.as_mut()?;
        recorder.flush();
        recorder.failure.clone()
    }

    pub fn forwarders(&self) -> Option<&Forwarders> {
        self.forward.as_ref()
    }
}

fn decode_base64(base64: &str) -> Result<ExportTraceServiceRequest, String> {
    let bytes = BASE64
        .decode(base64.trim_end())
        .map_err(|error| format!("an OTLP datagram whose base64 is broken: {error}"))?;
    otel::decode_protobuf(&bytes)
}

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
