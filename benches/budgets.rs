//! Benchmarks for the budgets in DESIGN.md that the program can measure so far.
//! Run: `cargo bench --bench budgets` (release build).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::source::{SummaryPage, demo};
use xray_tui::ui;

const NOW: f64 = 1_768_471_205.0;

fn loaded(data: &xray_tui::source::Dataset, width: u16, height: u16) -> State {
    let mut state = State::new("demo", width, height, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        unreachable!()
    };
    let page = SummaryPage {
        summaries: data.summaries.clone(),
        ..SummaryPage::default()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(page),
        },
    );
    state
}

fn frame(state: &State, buffer: &mut Buffer) {
    buffer.reset();
    ui::render_buffer(state, buffer, buffer.area);
}

/// Start to first frame on the demo: load (parse, shift, assemble, summarise) and draw.
fn demo_first_frame(c: &mut Criterion) {
    c.bench_function("demo: load and first frame of the list at 200x60", |b| {
        b.iter(|| {
            let data = demo::load(NOW);
            let state = loaded(&data, 200, 60);
            let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
            frame(&state, &mut buffer);
            black_box(buffer);
        })
    });
}

fn steady_frames(c: &mut Criterion) {
    let data = demo::load(NOW);
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    let list = loaded(&data, 200, 60);
    c.bench_function("steady frame: trace list at 200x60", |b| {
        b.iter(|| frame(&list, &mut buffer))
    });

    let largest = data.traces.values().max_by_key(|t| t.spans.len()).unwrap();
    let mut waterfall = loaded(&data, 200, 60);
    update(&mut waterfall, Action::OpenTrace(largest.id.clone()));
    let request = waterfall.trace.as_ref().unwrap().request;
    update(
        &mut waterfall,
        Action::TracesLoaded {
            request,
            result: Ok(vec![largest.clone()]),
        },
    );
    update(&mut waterfall, Action::Intent(Intent::Down));
    c.bench_function("steady frame: waterfall at 200x60", |b| {
        b.iter(|| frame(&waterfall, &mut buffer))
    });
}

criterion_group!(benches, demo_first_frame, steady_frames);
criterion_main!(benches);
