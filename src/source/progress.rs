//! How far the reading of saved files has got, shared between the thread that reads and the
//! screen that shows it; and the request to stop reading, keeping what was read.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct LoadProgress {
    total_bytes: AtomicU64,
    read_bytes: AtomicU64,
    /// Summaries or documents read so far.
    items: AtomicU64,
    stop: AtomicBool,
}

/// What the screen shows of a load under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub read_bytes: u64,
    pub total_bytes: u64,
    pub items: u64,
    pub stopping: bool,
}

impl LoadProgress {
    /// Adds the size of the files about to be read.
    pub fn expect(&self, bytes: u64) {
        self.total_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// `bytes` more of the files were read, holding `items` more summaries or documents.
    pub fn advance(&self, bytes: u64, items: u64) {
        self.read_bytes.fetch_add(bytes, Ordering::Relaxed);
        self.items.fetch_add(items, Ordering::Relaxed);
    }

    pub fn now(&self) -> Progress {
        Progress {
            read_bytes: self.read_bytes.load(Ordering::Relaxed),
            total_bytes: self.total_bytes.load(Ordering::Relaxed),
            items: self.items.load(Ordering::Relaxed),
            stopping: self.stop_requested(),
        }
    }

    /// Asks the reading to stop at the next summary, keeping what it has read.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}
