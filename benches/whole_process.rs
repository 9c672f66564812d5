//! The release binary timed as a whole process, as a user times it, on generated inputs, side
//! by side with bare parses of the same files: Python's `json.load` (a process too) and
//! serde_json into `IgnoredAny` (in this process, reading the file included). Prints the best
//! wall time of a few runs, the peak RSS, and the ratios.
//!
//! Run: `cargo bench --bench whole_process` (all rows) or `-- 100k` (rows whose name has it).
//! Add a row: one more `Row` in `rows()`; its input is written once to the temp directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;

/// One input, how to write it, and the command line that opens it.
struct Row {
    name: &'static str,
    file: &'static str,
    write: fn() -> String,
    args: fn(&Path) -> Vec<String>,
    /// The Python baseline: `json.load` of the whole file, or `json.loads` of each line.
    ndjson: bool,
    runs: usize,
}

fn print_list(path: &Path) -> Vec<String> {
    [
        "--file",
        path.to_str().unwrap(),
        "--print",
        "list",
        "--width",
        "200",
        "--limit",
        "60",
    ]
    .map(String::from)
    .to_vec()
}

fn print_trace(path: &Path) -> Vec<String> {
    let id = format!("trace:{TRACE_ID}");
    [
        "--file",
        path.to_str().unwrap(),
        "--print",
        &id,
        "--width",
        "200",
    ]
    .map(String::from)
    .to_vec()
}

const TRACE_ID: &str = "1-6968b3f5-a4c5957f1f53718d169ecb9d";

fn summaries(count: usize) -> String {
    xray_tui::synthetic::summaries::trace_summaries_output(count, 19)
}

fn trace_50k() -> String {
    xray_tui::synthetic::trace_documents(TRACE_ID, 50_000, 19).join("\n") + "\n"
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "summaries 10k",
            file: "summaries-10k.json",
            write: || summaries(10_000),
            args: print_list,
            ndjson: false,
            runs: 5,
        },
        Row {
            name: "summaries 100k",
            file: "summaries-100k.json",
            write: || summaries(100_000),
            args: print_list,
            ndjson: false,
            runs: 3,
        },
        Row {
            name: "summaries 1M",
            file: "summaries-1m.json",
            write: || summaries(1_000_000),
            args: print_list,
            ndjson: false,
            runs: 1,
        },
        Row {
            name: "trace 50k spans",
            file: "trace-50k.ndjson",
            write: trace_50k,
            args: print_trace,
            ndjson: true,
            runs: 5,
        },
    ]
}

/// Wall time and peak RSS (bytes) of one child process.
#[expect(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also gives its rusage"
)]
fn run(program: &str, args: &[String]) -> (Duration, u64) {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .env("TZ", "UTC")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `status` and `usage` are valid for writing.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert_eq!(pid, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{program} {args:?} failed: {status}"
    );
    (elapsed, usage.ru_maxrss as u64 * 1024)
}

fn best(runs: usize, mut once: impl FnMut() -> (Duration, u64)) -> (Duration, u64) {
    (0..runs.max(1))
        .map(|_| once())
        .fold((Duration::MAX, 0), |(t, m), (t2, m2)| {
            (t.min(t2), m.max(m2))
        })
}

fn input(dir: &Path, row: &Row) -> PathBuf {
    let path = dir.join(row.file);
    if !path.exists() {
        let text = (row.write)();
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }
    path
}

fn serde_ignored(path: &Path, ndjson: bool) -> Duration {
    let started = Instant::now();
    let text = std::fs::read_to_string(path).unwrap();
    if ndjson {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            serde_json::from_str::<IgnoredAny>(line).unwrap();
        }
    } else {
        serde_json::from_str::<IgnoredAny>(&text).unwrap();
    }
    started.elapsed()
}

const PYTHON_LOAD: &str = "import json,sys; json.load(open(sys.argv[1]))";
const PYTHON_LINES: &str =
    "import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]";

fn main() {
    let mut wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // `cargo test --all-targets` runs this without `--bench`: the smallest row, as a smoke test.
    if wanted.is_empty() && !std::env::args().any(|a| a == "--bench") {
        wanted.push("10k".into());
    }
    let binary = std::env::var("XRAY_TUI_BIN").unwrap_or(env!("CARGO_BIN_EXE_xray-tui").into());
    let dir = std::env::temp_dir().join("xray-tui-whole-process");
    std::fs::create_dir_all(&dir).unwrap();
    println!("binary: {binary}");
    println!(
        "{:<16} {:>8} | {:>9} {:>8} | {:>9} {:>8} {:>6} | {:>9} {:>6}",
        "input", "size", "xray-tui", "RSS", "python", "RSS", "ratio", "serde", "ratio"
    );
    for row in rows() {
        if !wanted.is_empty() && !wanted.iter().any(|w| row.name.contains(w.as_str())) {
            continue;
        }
        let path = input(&dir, &row);
        let size = std::fs::metadata(&path).unwrap().len();
        let (ours, our_rss) = best(row.runs, || run(&binary, &(row.args)(&path)));
        let script = if row.ndjson {
            PYTHON_LINES
        } else {
            PYTHON_LOAD
        };
        let python_args = [
            "-c".to_owned(),
            script.to_owned(),
            path.display().to_string(),
        ];
        let (python, python_rss) = best(row.runs, || run("python3", &python_args));
        let serde = (0..row.runs.max(1))
            .map(|_| serde_ignored(&path, row.ndjson))
            .min()
            .unwrap();
        println!(
            "{:<16} {:>6}MB | {:>8.3}s {:>6}MB | {:>8.3}s {:>6}MB {:>5.2}× | {:>8.3}s {:>5.2}×",
            row.name,
            size / 1_000_000,
            ours.as_secs_f64(),
            our_rss / 1_000_000,
            python.as_secs_f64(),
            python_rss / 1_000_000,
            ours.as_secs_f64() / python.as_secs_f64(),
            serde.as_secs_f64(),
            ours.as_secs_f64() / serde.as_secs_f64(),
        );
    }
}
