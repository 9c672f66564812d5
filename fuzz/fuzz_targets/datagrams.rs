//! The listener's side of the daemon protocol: the input is a series of datagrams (split at
//! NUL bytes), each read for its header and body and given to the listener's intake (a
//! segment document to the live store; `T1S`/`T1U` OTLP decoded, translated, then stored),
//! whose store keeps at most three traces. The counts must add up and the store must stay
//! within bounds.
#![no_main]

use std::sync::{Arc, Mutex};

use libfuzzer_sys::fuzz_target;
use xray_tui::source::listen::datagram::{self, Body};
use xray_tui::source::listen::intake::Intake;
use xray_tui::source::listen::Store;

fuzz_target!(|data: &[u8]| {
    let intake = Intake::new(
        Arc::new(Mutex::new(Store::new(3))),
        None,
        None,
        Default::default(),
    );
    let from = "127.0.0.1:9".parse().unwrap();
    let mut datagrams = 0;
    let mut documents = 0;
    for (i, bytes) in data.split(|&b| b == 0).enumerate() {
        datagrams += 1;
        if let Ok(text) = datagram::document(bytes)
            && let Body::Document(_) = datagram::body(text)
        {
            documents += 1;
        }
        intake.datagram(bytes, from);
        if i % 4 == 3 {
            intake.store().assemble_pending();
        }
    }
    let mut store = intake.store();
    store.assemble_pending();
    for problem in store.problems() {
        assert!(!problem.contains('\x1b'), "a problem carries an escape: {problem:?}");
    }
    let counters = store.counters();
    assert_eq!(counters.datagrams, datagrams);
    // A segment document is kept, malformed or over the limit; an OTLP one gives any number.
    assert!(counters.documents + counters.malformed + counters.overflow >= documents);
    assert!(store.trace_count() <= 3);
    assert_eq!(
        counters.traces_seen - counters.evicted,
        store.trace_count() as u64
    );
    let snapshot = store.snapshot();
    assert!(snapshot.summaries.len() <= store.trace_count());
    for summary in &snapshot.summaries {
        assert!(snapshot.traces.contains_key(&summary.id));
    }
});
