//! The event loop and the worker, headless: terminal events in through a channel, frames out
//! on a test backend, and a source that answers only when the test lets it. This is how the
//! app runs, with the terminal swapped for a buffer.

mod common;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use futures::future::BoxFuture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use tokio::sync::{Notify, watch};
use xray_tui::app::State;
use xray_tui::event_loop::{Options, Surface, run_on};
use xray_tui::model::{ServiceGraph, Trace};
use xray_tui::source::{
    GraphQuery, SourceError, SummaryPage, SummaryQuery, SummaryStream, TraceSource,
};

const WAIT: Duration = Duration::from_secs(10);

/// The demo's data, held back until the test opens the gate; it counts what it was asked.
struct GatedSource {
    gate: Arc<Notify>,
    summary_requests: Arc<Mutex<Vec<SummaryQuery>>>,
}

impl TraceSource for GatedSource {
    fn label(&self) -> String {
        "gated".into()
    }

    fn summaries(&self, query: SummaryQuery) -> SummaryStream {
        self.summary_requests.lock().unwrap().push(query);
        let gate = Arc::clone(&self.gate);
        Box::pin(futures::stream::once(async move {
            gate.notified().await;
            Ok(SummaryPage {
                summaries: common::demo().summaries.clone(),
                done: true,
                ..SummaryPage::default()
            })
        }))
    }

    fn traces(&self, ids: Vec<String>) -> BoxFuture<'static, Result<Vec<Arc<Trace>>, SourceError>> {
        Box::pin(async move {
            Ok(ids
                .iter()
                .filter_map(|id| common::demo().traces.get(id).cloned())
                .collect())
        })
    }

    fn service_graph(
        &self,
        _query: GraphQuery,
    ) -> BoxFuture<'static, Result<ServiceGraph, SourceError>> {
        Box::pin(async { Ok(common::demo().graph.clone()) })
    }
}

/// A surface that keeps the text of the last frame, and what was copied.
struct Recorded {
    terminal: Terminal<TestBackend>,
    frames: watch::Sender<String>,
    copied: Arc<Mutex<Vec<String>>>,
}

impl Surface for Recorded {
    fn size(&self) -> io::Result<Size> {
        let area = self.terminal.backend().buffer().area;
        Ok(Size::new(area.width, area.height))
    }

    fn draw(&mut self, state: &State) -> io::Result<()> {
        let Ok(_) = self
            .terminal
            .draw(|frame| xray_tui::ui::render(state, frame));
        let text = xray_tui::ui::buffer_text(self.terminal.backend().buffer());
        self.frames.send_replace(text);
        Ok(())
    }

    fn copy(&mut self, text: &str) {
        self.copied.lock().unwrap().push(text.to_owned());
    }

    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn key(code: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Waits until a frame shows `needle`; fails with the last frame when none does in time.
async fn frame_showing(frames: &mut watch::Receiver<String>, needle: &str) -> String {
    let found = tokio::time::timeout(WAIT, async {
        loop {
            if frames.borrow_and_update().contains(needle) {
                return frames.borrow().clone();
            }
            frames.changed().await.expect("the loop is running");
        }
    })
    .await;
    found.unwrap_or_else(|_| {
        panic!(
            "no frame showed {needle:?}; the last:\n{}",
            *frames.borrow()
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_frame_comes_before_the_source_answers_and_keys_drive_the_app() {
    let gate = Arc::new(Notify::new());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let source = Arc::new(GatedSource {
        gate: Arc::clone(&gate),
        summary_requests: Arc::clone(&requests),
    });
    let (frames_tx, mut frames) = watch::channel(String::new());
    let copied = Arc::new(Mutex::new(Vec::new()));
    let mut screen = Recorded {
        terminal: Terminal::new(TestBackend::new(100, 30)).unwrap(),
        frames: frames_tx,
        copied: Arc::clone(&copied),
    };
    let (events, event_stream) = mpsc::unbounded();
    let app =
        tokio::spawn(
            async move { run_on(&mut screen, event_stream, source, Options::default()).await },
        );

    let first = frame_showing(&mut frames, "Loading traces from gated").await;
    assert!(first.contains("Traces"), "{first}");
    // The help opens while the source has not answered: the loop never waits on it.
    events.unbounded_send(key(KeyCode::Char('?'))).unwrap();
    frame_showing(&mut frames, "show or hide this help").await;
    events.unbounded_send(key(KeyCode::Esc)).unwrap();

    gate.notify_one();
    let count = common::demo().summaries.len();
    let listed = frame_showing(&mut frames, &format!("{count} traces")).await;
    assert!(
        !listed.contains("show or hide this help"),
        "Esc closed the help"
    );

    // Enter opens the selected (newest) trace through the worker; y copies its id.
    let newest = common::demo().summaries[0].id.clone();
    events.unbounded_send(key(KeyCode::Enter)).unwrap();
    let waterfall = frame_showing(&mut frames, " Span ").await;
    assert!(
        waterfall.contains(&newest[newest.len() - 10..]),
        "{waterfall}"
    );
    events.unbounded_send(key(KeyCode::Char('y'))).unwrap();
    frame_showing(&mut frames, "copied the trace id").await;
    assert_eq!(*copied.lock().unwrap(), [newest]);

    // Back to the list, r asks the source again; q quits and the loop returns.
    events.unbounded_send(key(KeyCode::Esc)).unwrap();
    events.unbounded_send(key(KeyCode::Char('r'))).unwrap();
    let asked_again = tokio::time::timeout(WAIT, async {
        while requests.lock().unwrap().len() < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(asked_again.is_ok(), "r asks the source again");
    events.unbounded_send(key(KeyCode::Char('q'))).unwrap();
    let ended = tokio::time::timeout(WAIT, app).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "q ends the loop: {ended:?}"
    );
}
