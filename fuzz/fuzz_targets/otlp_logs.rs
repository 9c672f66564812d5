//! OTLP logs as the listener takes them: the input is read as a protobuf
//! `ExportLogsServiceRequest` and as an OTLP/JSON logs request, and every line either gives is
//! handed to the listener's intake, whose store keeps the lines of at most three traces; the
//! input is also read as one CloudWatch Logs message. Nothing may panic, and the store must
//! stay within bounds.
#![no_main]

use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use xray_tui::codec::{log_event, otel_logs};
use xray_tui::source::listen::Store;
use xray_tui::source::listen::intake::Intake;
use xray_tui::source::listen::log_store::MAX_LINES_PER_TRACE;

fuzz_target!(|data: &[u8]| {
    let store = Arc::new(Mutex::new(Store::new(3)));
    let intake = Intake::new(Arc::clone(&store), None, None, Default::default());
    if let Ok(request) = otel_logs::decode_protobuf(data) {
        let lines = otel_logs::read_protobuf(&request);
        assert_eq!(lines.len(), otel_logs::record_count(&request));
        intake.logs_request("fuzz", lines.len(), lines);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(lines) = otel_logs::decode_json(text) {
            intake.logs_request("fuzz", lines.len(), lines);
        }
        let line = log_event::line(1.0, text);
        if let Some(id) = &line.trace_id {
            assert!(xray_tui::model::logs::trace_id_digits(id).is_some(), "{id}");
        }
    }
    let (traces, most) = store.lock().unwrap().logs.extent();
    assert!(
        traces <= 3 && most <= MAX_LINES_PER_TRACE,
        "{traces} {most}"
    );
});
