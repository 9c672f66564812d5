//! Memory held for 100,000 trace summaries in the list (budget: 100 MB RSS).
//! Run: `cargo bench --bench memory`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use xray_tui::app::{Action, Command, State, update};
use xray_tui::source::{SummaryPage, demo};

/// Counts the bytes live on the heap.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    // `cargo test --benches` runs this too: a smaller run keeps that quick.
    let count = if std::env::args().any(|a| a == "--bench") {
        100_000
    } else {
        1_000
    };
    let data = demo::load(1_768_471_205.0);
    let template = data.summaries.clone();
    drop(data);
    // The demo's documents were only the templates' source: hand their memory back to the
    // system, so that what is measured is the summaries.
    // SAFETY: malloc_trim only releases free memory of glibc's allocator.
    unsafe {
        libc::malloc_trim(0);
    }
    let before = LIVE.load(Ordering::Relaxed);
    let rss_before = rss_bytes().unwrap_or(0);
    // Every summary with texts of its own, as parsing a response makes them; then shared as
    // the sources share them.
    let fresh = |text: &Option<Arc<str>>| text.as_deref().map(Arc::from);
    let mut shared = xray_tui::model::summary::SharedValues::default();
    let summaries: Vec<_> = (0..count)
        .map(|i| {
            let mut s = template[i % template.len()].clone();
            s.id = format!("1-6968b4f1-{i:024x}");
            s.http.method = fresh(&s.http.method);
            s.http.url = fresh(&s.http.url);
            s.http.user_agent = fresh(&s.http.user_agent);
            s.http.client_ip = fresh(&s.http.client_ip);
            s.entry_point = s.entry_point.as_deref().map(|e| Arc::new(e.clone()));
            s.services = s.services.to_vec().into();
            s.annotations = s
                .annotations
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_vec()))
                .collect();
            shared.share(&mut s);
            s
        })
        .collect();
    drop(shared);
    let mut state = State::new("bench", 200, 60, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        unreachable!()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(SummaryPage {
                summaries,
                ..SummaryPage::default()
            }),
        },
    );
    let held = LIVE.load(Ordering::Relaxed) - before;
    let rss = rss_bytes().unwrap_or(0);
    println!(
        "a summary is {} bytes before what it points to",
        std::mem::size_of::<xray_tui::model::TraceSummary>()
    );
    println!(
        "{count} summaries in the list: {:.1} MB on the heap; RSS {:.1} MB (+{:.1} MB)",
        held as f64 / 1e6,
        rss as f64 / 1e6,
        rss.saturating_sub(rss_before) as f64 / 1e6
    );
    assert_eq!(state.list.order.len(), count);
    let verdict = if rss as f64 <= 100e6 {
        "within"
    } else {
        "over"
    };
    println!("budget: 100 MB RSS for 100,000 summaries: {verdict}");
}
