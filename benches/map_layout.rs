//! The service map layout budget (DESIGN.md): 300 nodes <= 30 ms, 1,000 nodes <= 200 ms; and
//! 10,000 nodes (X-Ray's largest maps), which the whole-process budget of about a second
//! covers. Also the edge cells of one 200x60 window, what a frame draws.
//! Run: `cargo bench --bench map_layout`. The graphs are generated the same way every run:
//! layered, mostly acyclic, one node in 30 calling back to its caller or its caller's caller,
//! each node called by one or two nodes of earlier layers (degree about 3), boxes 24x5.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use xray_tui::layout::graph::{BoxSize, EdgeRuns, LayoutInput, Window, edge_cells, layout};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn service_map(n: usize, seed: u64) -> LayoutInput {
    let mut rng = Rng(seed | 1);
    let layers = ((n as f64).sqrt() / 1.7).ceil().max(2.0) as usize;
    let per = n.div_ceil(layers);
    let mut edges = Vec::new();
    for i in per..n {
        let layer = i / per;
        for _ in 0..1 + rng.below(2) {
            let back = if rng.below(5) == 0 {
                1 + rng.below(layer.min(3))
            } else {
                1
            };
            edges.push(((layer - back) * per + rng.below(per), i));
        }
        if rng.below(30) == 0 {
            let caller = edges.last().unwrap().0;
            let up = edges.iter().find(|e| e.1 == caller).map_or(caller, |e| e.0);
            edges.push((i, if rng.below(2) == 0 { caller } else { up }));
        }
    }
    for i in 0..per {
        if !edges.iter().any(|&(a, _)| a == i) {
            edges.push((i, per + rng.below(per.min(n - per))));
        }
    }
    LayoutInput {
        nodes: vec![
            BoxSize {
                width: 24,
                height: 5,
            };
            n
        ],
        edges,
    }
}

fn map_layout(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_layout");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    for n in [300, 1000, 10_000] {
        let input = service_map(n, 42);
        group.bench_function(format!("layout {n} nodes"), |b| {
            b.iter(|| layout(black_box(&input)))
        });
        group.bench_function(format!("layout + edge runs {n} nodes"), |b| {
            b.iter(|| {
                let out = layout(black_box(&input));
                EdgeRuns::new(&out)
            })
        });
        if n <= 1000 {
            group.bench_function(format!("layout + all edge cells {n} nodes"), |b| {
                b.iter(|| {
                    let out = layout(black_box(&input));
                    edge_cells(&out, false)
                })
            });
        }
        let out = layout(&input);
        let runs = EdgeRuns::new(&out);
        let window = Window {
            x: out.width / 2,
            y: out.height / 2,
            width: 200,
            height: 60,
        };
        group.bench_function(format!("edge cells of a 200x60 window, {n} nodes"), |b| {
            b.iter(|| runs.cells(black_box(window), false))
        });
    }
    group.finish();
}

criterion_group!(benches, map_layout);
criterion_main!(benches);
