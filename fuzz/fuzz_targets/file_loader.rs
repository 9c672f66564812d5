//! Shape detection and loading of one input file: AWS CLI outputs, segment documents,
//! arrays, NDJSON and daemon datagrams.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_tui::source::{Collector, files};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut collector = Collector::default();
    files::load_text("fuzz.json", text, &mut collector);
    let _ = collector.document_count();
    let dataset = collector.finish();
    for problem in &dataset.problems {
        let _ = problem.to_string();
    }
});
