//! `xray-tui --file PATH... --upload` and `--demo --upload`: read, send, report, exit.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use super::replay::{self, Item, Outcome, UploadOptions};
use super::writer::Writer;
use crate::cli::Cli;
use crate::source::dataset::{Collector, Dataset};
use crate::source::{demo, files};
use crate::text;

/// Rejections listed one by one; past this, the rest are counted.
const REJECTIONS_LISTED: usize = 30;

pub async fn run(cli: &Cli) -> ExitCode {
    let now = crate::worker::now();
    let (source, dataset) = if cli.demo {
        ("the demo data".to_owned(), demo::load(now))
    } else {
        let mut collector = Collector::default();
        files::load_paths(&cli.file, &mut collector);
        (describe_paths(cli), collector.finish())
    };
    let (items, unreadable) = items_of(&dataset);
    if items.is_empty() {
        eprintln!("xray-tui: no segment documents to upload in {source}");
        for problem in &unreadable {
            eprintln!("  {}: {}", text::clean(&problem.0), text::clean(&problem.1));
        }
        return ExitCode::from(2);
    }
    let writer = Writer::new(super::aws_options(cli));
    let options = UploadOptions::new(cli.rebase_time, now);
    let mut bar = ProgressBar::new(std::io::stderr().is_terminal());
    let mut outcome = replay::upload(items, &writer, &options, &mut |done, total| {
        bar.show(done, total)
    })
    .await;
    bar.finish();
    for (place, reason) in unreadable {
        outcome.total += 1;
        outcome.rejected.push(replay::Rejection { place, reason });
    }
    print!("{}", report(&source, &outcome));
    if outcome.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn describe_paths(cli: &Cli) -> String {
    match cli.file.as_slice() {
        [one] => one.display().to_string(),
        many => format!("{} paths", many.len()),
    }
}

/// Every document of the data set, trace by trace, and what could not be read as one.
fn items_of(dataset: &Dataset) -> (Vec<Item>, Vec<(String, String)>) {
    let mut traces: Vec<(&String, &Arc<crate::model::Trace>)> = dataset.traces.iter().collect();
    traces.sort_by(|a, b| a.0.cmp(b.0));
    let items = traces
        .into_iter()
        .flat_map(|(id, trace)| {
            trace.documents.iter().map(move |text| Item {
                place: format!("segment {} of trace {id}", super::check::segment_id(text)),
                text: text.clone(),
            })
        })
        .collect();
    let unreadable = dataset
        .problems
        .iter()
        .map(|p| (p.place.clone(), p.message.clone()))
        .collect();
    (items, unreadable)
}

/// The final account: counts first, then each rejection with its reason.
pub fn report(source: &str, outcome: &Outcome) -> String {
    let mut out = format!(
        "Uploaded {source} to X-Ray: {} of {} documents accepted, {} rejected.\n",
        group_digits(outcome.accepted),
        group_digits(outcome.total),
        group_digits(outcome.rejected.len())
    );
    if let Some(shift) = outcome.shift {
        out.push_str(&format!(
            "Times moved by {shift:+.0} s ({}), trace ids with them.\n",
            roughly(shift.abs())
        ));
    }
    if let Some(why) = &outcome.stopped {
        out.push_str(&format!("Sending stopped: {}\n", text::clean(why)));
    }
    if !outcome.rejected.is_empty() {
        out.push_str("Rejected:\n");
        for rejection in outcome.rejected.iter().take(REJECTIONS_LISTED) {
            out.push_str(&format!(
                "  {}: {}\n",
                text::clean(&rejection.place),
                text::clean(&rejection.reason)
            ));
        }
        if outcome.rejected.len() > REJECTIONS_LISTED {
            out.push_str(&format!(
                "  … and {} more\n",
                outcome.rejected.len() - REJECTIONS_LISTED
            ));
        }
    }
    out
}

/// 229,000,000 s as "2,650 days".
fn roughly(seconds: f64) -> String {
    let (size, unit) = [(86_400.0, "day"), (3600.0, "hour"), (60.0, "minute")]
        .into_iter()
        .find(|(size, _)| seconds >= *size)
        .unwrap_or((1.0, "second"));
    let count = (seconds / size).round() as usize;
    let plural = if count == 1 { "" } else { "s" };
    format!("{} {unit}{plural}", group_digits(count))
}

fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A one-line bar on a terminal's stderr; nothing when stderr is a file or a pipe.
struct ProgressBar {
    on_terminal: bool,
    drawn: bool,
}

impl ProgressBar {
    const WIDTH: usize = 30;

    fn new(on_terminal: bool) -> ProgressBar {
        ProgressBar {
            on_terminal,
            drawn: false,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        if !self.on_terminal {
            return;
        }
        let filled = (done * Self::WIDTH)
            .checked_div(total)
            .unwrap_or(Self::WIDTH);
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\rUploading [{}{}] {} of {} documents",
            "█".repeat(filled),
            "░".repeat(Self::WIDTH - filled),
            group_digits(done),
            group_digits(total)
        );
        let _ = stderr.flush();
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::replay::Rejection;

    #[test]
    fn the_report_counts_then_lists_reasons() {
        let outcome = Outcome {
            total: 1234,
            accepted: 1232,
            rejected: vec![
                Rejection {
                    place: "segment a of trace 1-x".into(),
                    reason: "X-Ray: InvalidSegment: bad".into(),
                },
                Rejection {
                    place: "rec.ndjson:3:1".into(),
                    reason: "not JSON\u{1b}[2J".into(),
                },
            ],
            shift: Some(86_400.0 * 2.0),
            stopped: None,
        };
        let text = report("rec.ndjson", &outcome);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "Uploaded rec.ndjson to X-Ray: 1,232 of 1,234 documents accepted, 2 rejected.",
                "Times moved by +172800 s (2 days), trace ids with them.",
                "Rejected:",
                "  segment a of trace 1-x: X-Ray: InvalidSegment: bad",
                "  rec.ndjson:3:1: not JSON␛[2J",
            ]
        );
    }
}
