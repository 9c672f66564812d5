//! The one event loop: terminal events, worker results and signals, drained in batches;
//! the state is updated for each and the screen drawn once per batch when something changed.

use std::io;
use std::sync::Arc;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEventKind};
use std::task::Poll;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::layout::Size;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::columns::Column;
use crate::app::keys::Keymap;
use crate::app::update::{start, update};
use crate::app::{Action, Command, Pointer, State};
use crate::source::{SourceStatus, TimeRange, TraceSource};
use crate::tui;
use crate::ui;
use crate::worker::Worker;

/// What the command line asks of the interactive app.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Open this trace's waterfall at start.
    pub open_trace: Option<String>,
    pub no_clipboard: bool,
    pub region: Option<String>,
    /// The filter expression to start with (already checked).
    pub filter: Option<String>,
    /// What was wrong with the configuration file, to say in the status line.
    pub config_problem: Option<String>,
    /// Draw with ASCII only.
    pub ascii: bool,
    pub range: TimeRange,
    pub group: Option<String>,
    /// Keep listening for traces that arrive later.
    pub follow: bool,
    pub keymap: Arc<Keymap>,
    /// The list's columns, when configured.
    pub columns: Option<Vec<Column>>,
    /// Take mouse wheel and clicks.
    pub mouse: bool,
}

/// Where the loop shows the app: the real terminal, or a test's buffer.
pub trait Surface {
    fn size(&self) -> io::Result<Size>;
    fn draw(&mut self, state: &State) -> io::Result<()>;
    /// Puts text on the clipboard.
    fn copy(&mut self, text: &str);
    /// Gives the terminal back to the shell until resumed, then takes it again.
    fn suspend(&mut self) -> io::Result<()>;
}

impl Surface for tui::Tui {
    fn size(&self) -> io::Result<Size> {
        Terminal::size(self)
    }

    fn draw(&mut self, state: &State) -> io::Result<()> {
        Terminal::draw(self, |frame| ui::render(state, frame)).map(|_| ())
    }

    fn copy(&mut self, text: &str) {
        tui::copy_to_clipboard(text);
    }

    fn suspend(&mut self) -> io::Result<()> {
        tui::suspend(self)
    }
}

/// Runs the interactive app until the user quits or a signal arrives.
pub async fn run(source: Arc<dyn TraceSource>, options: Options) -> io::Result<()> {
    let mut terminal = tui::enter(options.mouse)?;
    let result = run_on(&mut terminal, EventStream::new(), source, options).await;
    tui::restore();
    result
}

/// The loop itself, on any screen and any stream of terminal events; it ends when the user
/// quits, the events end, or a signal arrives.
pub async fn run_on(
    terminal: &mut impl Surface,
    mut events: impl Stream<Item = io::Result<Event>> + Unpin,
    source: Arc<dyn TraceSource>,
    options: Options,
) -> io::Result<()> {
    let size = terminal.size()?;
    let mut state = State::new(source.label(), size.width, size.height, local_utc_offset());
    state.started_at = Some(crate::clock::now());
    state.clipboard = !options.no_clipboard;
    state.region = options.region;
    state.list.filter = options.filter;
    state.config_problem = options.config_problem;
    state.ascii = options.ascii;
    state.range = options.range;
    state.group = options.group;
    state.follow = options.follow;
    state.insights.from_source = source.has_insights();
    state.map_follows_filter = source.map_follows_filter();
    state.keymap = options.keymap;
    if let Some(columns) = options.columns.filter(|c| !c.is_empty()) {
        state.list.columns = columns;
    }
    let mut status = source.status();
    // What the source says before anything happens is news too.
    if let Some(receiver) = status.as_mut() {
        receiver.mark_changed();
    }
    state.filter_history = crate::history::load();
    let open_trace = options.open_trace;
    let (results_tx, mut results) = mpsc::unbounded_channel();
    let mut worker = Worker::new(source, results_tx);
    worker.ascii = state.ascii;
    worker.run(start(&mut state));
    if let Some(id) = open_trace {
        worker.run(update(&mut state, Action::OpenTrace(id)));
    }
    terminal.draw(&state)?;

    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    loop {
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => action_of(event),
                Some(Err(error)) => return Err(error),
                None => return Ok(()),
            },
            Some(action) = results.recv() => Some(action),
            Some(news) = source_news(&mut status) => Some(Action::SourceStatus(news)),
            _ = terminate.recv() => return Ok(()),
            _ = hangup.recv() => return Ok(()),
        };
        let mut dirty = false;
        let mut pending: Vec<Action> = first.into_iter().collect();
        loop {
            for action in pending.drain(..) {
                dirty = true;
                let commands = update(&mut state, action);
                run_commands(terminal, &mut worker, commands)?;
            }
            // Drain whatever else is already queued before drawing.
            // Polled with this task's own waker: crossterm's EventStream keeps the waker of the
            // poll that found nothing, so a throwaway one (`now_or_never`) would lose wake-ups.
            if let Poll::Ready(Some(Ok(event))) = futures::poll!(events.next()) {
                pending.extend(action_of(event));
                dirty = true;
            }
            while let Ok(action) = results.try_recv() {
                pending.push(action);
            }
            if pending.is_empty() {
                break;
            }
        }
        if state.quit {
            return Ok(());
        }
        if dirty {
            terminal.draw(&state)?;
        }
    }
}

/// The source's next news; never ready for a source that has none, or has stopped.
async fn source_news(
    status: &mut Option<tokio::sync::watch::Receiver<SourceStatus>>,
) -> Option<SourceStatus> {
    let Some(receiver) = status.as_mut() else {
        return std::future::pending().await;
    };
    if receiver.changed().await.is_err() {
        *status = None;
        return std::future::pending().await;
    }
    Some(receiver.borrow_and_update().clone())
}

/// The worker runs commands, except those that touch the terminal.
fn run_commands(
    terminal: &mut impl Surface,
    worker: &mut Worker,
    commands: Vec<Command>,
) -> io::Result<()> {
    let (terminal_commands, rest): (Vec<Command>, Vec<Command>) = commands
        .into_iter()
        .partition(|c| matches!(c, Command::Copy(_) | Command::Suspend));
    for command in terminal_commands {
        match command {
            Command::Copy(text) => terminal.copy(&text),
            Command::Suspend => terminal.suspend()?,
            _ => {}
        }
    }
    worker.run(rest);
    Ok(())
}

/// The action of a terminal event; `update` decides who takes a key.
fn action_of(event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Action::Key(key)),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::Mouse(mouse) => {
            let pointer = match mouse.kind {
                MouseEventKind::ScrollUp => Pointer::ScrollUp,
                MouseEventKind::ScrollDown => Pointer::ScrollDown,
                MouseEventKind::Down(MouseButton::Left) => Pointer::Click,
                _ => return None,
            };
            Some(Action::Mouse {
                pointer,
                column: mouse.column,
                row: mouse.row,
            })
        }
        _ => None,
    }
}

/// The local zone's offset from UTC now, for showing times as the user's clock does.
pub fn local_utc_offset() -> i32 {
    use chrono::Offset;
    chrono::Local::now().offset().fix().local_minus_utc()
}
