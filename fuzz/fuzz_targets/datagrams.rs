//! The listener's side of the daemon protocol: the input is a series of datagrams (split at
//! NUL bytes), each read for its header and document and given to the live store, which
//! keeps at most three traces. The counts must add up and the store must stay within bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xray_tui::source::listen::{Store, datagram};

fuzz_target!(|data: &[u8]| {
    let mut store = Store::new(3);
    let mut datagrams = 0;
    for (i, bytes) in data.split(|&b| b == 0).enumerate() {
        datagrams += 1;
        match datagram::document(bytes) {
            Ok(document) => {
                store.receive("fuzz", document);
            }
            Err(reason) => {
                assert!(!reason.contains('\x1b'), "a reason carries an escape: {reason:?}");
                store.reject("fuzz", reason);
            }
        }
        if i % 4 == 3 {
            store.assemble_pending();
        }
    }
    store.assemble_pending();
    let counters = store.counters();
    assert_eq!(counters.datagrams, datagrams);
    assert_eq!(
        counters.documents + counters.malformed + counters.overflow,
        counters.datagrams
    );
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
