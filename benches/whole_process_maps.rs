//! The service map as a user times it: the release binary as a whole process,
//! `xray-tui --print map --file F > /dev/null`, on generated GetServiceGraph files of 300,
//! 3,000 and 10,000 services, beside a bare parse of the same file in the same run (Python's
//! `json.load`, and serde_json into `IgnoredAny` in this process). Prints the best of a few
//! runs, the ratio to the Python parse, and each process's peak RSS.
//!
//! Run: `cargo bench --bench whole_process_maps` (sizes as arguments to pick some:
//! `cargo bench --bench whole_process_maps -- 10000`). The files are written once to
//! `target/whole_process_maps/` (`XRAY_TUI_BENCH_DIR` to put them elsewhere); they are
//! `xray_tui::synthetic_graph::service_graph_json(n, 42)`. `XRAY_TUI_BIN` runs another binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;
use xray_tui::synthetic_graph::service_graph_json;

const SIZES: [usize; 3] = [300, 3_000, 10_000];
/// Targets (issue "Scale"): whole-process seconds and peak MB per size.
const TARGETS: [(usize, f64, f64); 2] = [(3_000, 0.3, 150.0), (10_000, 1.0, 300.0)];

struct Run {
    time: Duration,
    peak_rss_kb: i64,
}

/// Runs a command to its end; its wall time and its own peak RSS (wait4's rusage).
fn run(command: &mut Command) -> Run {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the process");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by wait4 for the child we just started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let time = started.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed with status {status}"
    );
    std::mem::forget(child);
    Run {
        time,
        peak_rss_kb: usage.ru_maxrss,
    }
}

/// The best time of `runs` runs (fewer when one run is slow), with the largest peak RSS.
fn best(runs: usize, mut make: impl FnMut() -> Command) -> Run {
    let mut best = run(&mut make());
    let runs = if best.time > Duration::from_secs(5) {
        1
    } else {
        runs
    };
    for _ in 1..runs {
        let next = run(&mut make());
        best.peak_rss_kb = best.peak_rss_kb.max(next.peak_rss_kb);
        best.time = best.time.min(next.time);
    }
    best
}

fn binary() -> PathBuf {
    std::env::var_os("XRAY_TUI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_xray-tui")))
}

fn input(dir: &Path, services: usize) -> PathBuf {
    let path = dir.join(format!("service-graph-{services}.json"));
    if !path.exists() {
        std::fs::create_dir_all(dir).expect("bench directory");
        std::fs::write(&path, service_graph_json(services, 42)).expect("write the input");
    }
    path
}

fn main() {
    let wanted: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace([',', '_'], "").parse().ok())
        .collect();
    // `cargo test --all-targets` runs this without `--bench`: the smallest map, as a smoke test.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = match (wanted.is_empty(), smoke) {
        (false, _) => wanted,
        (true, true) => SIZES[..1].to_vec(),
        (true, false) => SIZES.to_vec(),
    };
    let dir = std::env::var_os("XRAY_TUI_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/whole_process_maps"));
    let bin = binary();
    let python = Command::new("python3").arg("--version").output().is_ok();
    println!("binary: {}", bin.display());
    println!(
        "{:>8} {:>8} | {:>9} {:>8} | {:>9} {:>8} | {:>7} | {:>11} | target",
        "services", "file MB", "xray-tui", "RSS MB", "python", "RSS MB", "ratio", "serde Ignored"
    );
    for services in sizes {
        let file = input(&dir, services);
        let bytes = std::fs::read(&file).expect("read the input");
        let started = Instant::now();
        serde_json::from_slice::<IgnoredAny>(&bytes).expect("valid JSON");
        let ignored = started.elapsed();
        drop(bytes);
        let xray = best(3, || {
            let mut command = Command::new(&bin);
            command
                .args(["--print", "map", "--width", "200", "--file"])
                .arg(&file);
            command
        });
        let baseline = python.then(|| {
            best(3, || {
                let mut command = Command::new("python3");
                command
                    .args([
                        "-c",
                        "import json, sys\nwith open(sys.argv[1]) as f: json.load(f)",
                    ])
                    .arg(&file);
                command
            })
        });
        let mb = |kb: i64| kb as f64 / 1024.0;
        let target = TARGETS
            .iter()
            .find(|t| t.0 == services)
            .map(|&(_, seconds, megabytes)| {
                let met = xray.time.as_secs_f64() <= seconds && mb(xray.peak_rss_kb) <= megabytes;
                format!(
                    "≤ {seconds} s, ≤ {megabytes} MB: {}",
                    if met { "met" } else { "NOT met" }
                )
            })
            .unwrap_or_default();
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        let (python_time, python_rss, ratio) = match &baseline {
            Some(b) => (
                format!("{:.3} s", b.time.as_secs_f64()),
                format!("{:.0}", mb(b.peak_rss_kb)),
                format!("{:.2}×", xray.time.as_secs_f64() / b.time.as_secs_f64()),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        println!(
            "{services:>8} {:>8.1} | {:>7.3} s {:>8.0} | {python_time:>9} {python_rss:>8} | {ratio:>7} | {:>9.3} s | {target}",
            size as f64 / 1e6,
            xray.time.as_secs_f64(),
            mb(xray.peak_rss_kb),
            ignored.as_secs_f64(),
        );
    }
}
