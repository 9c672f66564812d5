//! `xray-tui --file PATH... --upload` and `--demo --upload`: read, send, report, exit.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use crate::aws::ConnectOptions;
use crate::send::check;
use crate::send::replay::{self, Item, Outcome, Rejection, UploadOptions};
use crate::send::writer::Writer;
use crate::source::dataset::Dataset;
use crate::source::{Saved, files};
use crate::text;

/// Rejections listed one by one; past this, the rest are counted.
const REJECTIONS_LISTED: usize = 30;

/// What `--upload` sends, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub saved: Saved,
    /// Move every time so the newest document ends now (`--rebase-time`).
    pub rebase_time: bool,
    pub connect: ConnectOptions,
}

/// How much of what was read went to X-Ray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    All,
    /// Some documents were rejected, not sent or not read; the report says which.
    Partly,
}

/// The saved input holds nothing that could be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no segment documents to upload in {input}{}", listed(unreadable))]
pub struct NothingToUpload {
    /// "the demo data", "3 files".
    pub input: String,
    /// What could not be read as a document, and why.
    pub unreadable: Vec<(String, String)>,
}

/// "\n  place: reason" for each.
fn listed(unreadable: &[(String, String)]) -> String {
    unreadable
        .iter()
        .map(|(place, reason)| format!("\n  {}: {}", text::clean(place), text::clean(reason)))
        .collect()
}

/// Reads, sends with a progress bar on a terminal, and prints the report on stdout.
pub async fn run(upload: Upload) -> Result<Sent, NothingToUpload> {
    let now = crate::clock::now();
    let input = match &upload.saved {
        Saved::Demo => "the demo data".to_owned(),
        Saved::Files(paths) => files::describe(paths),
    };
    let dataset = upload.saved.load(now);
    let (items, unreadable) = items_of(&dataset);
    if items.is_empty() {
        return Err(NothingToUpload { input, unreadable });
    }
    let writer = Writer::new(upload.connect);
    let options = UploadOptions::new(upload.rebase_time, now);
    let mut bar = ProgressBar::new(std::io::stderr().is_terminal());
    let outcome = replay::upload(items, &writer, &options, &mut |done, total| {
        bar.show(done, total)
    })
    .await;
    bar.finish();
    print!("{}", report(&input, &outcome, &unreadable));
    if outcome.rejected.is_empty() && outcome.not_sent == 0 && unreadable.is_empty() {
        Ok(Sent::All)
    } else {
        Ok(Sent::Partly)
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
                place: place_of(text, id),
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

/// "segment 70de5b6f19ff9a0a of trace 1-…", or "…in FILE" for a document without a trace id.
fn place_of(document: &str, trace_id: &str) -> String {
    let segment = check::segment_id(document);
    match trace_id.strip_prefix(crate::source::dataset::NO_TRACE_ID) {
        Some(input) => format!("segment {segment} in{input}"),
        None => format!("segment {segment} of trace {trace_id}"),
    }
}

/// The final account: counts first, then each rejection with its reason.
pub fn report(source: &str, outcome: &Outcome, unreadable: &[(String, String)]) -> String {
    let mut out = format!(
        "Uploaded {source} to X-Ray: {} of {} documents accepted, {} rejected",
        group_digits(outcome.accepted),
        group_digits(outcome.total),
        group_digits(outcome.rejected.len())
    );
    if outcome.not_sent > 0 {
        out.push_str(&format!(", {} not sent", group_digits(outcome.not_sent)));
    }
    out.push_str(".\n");
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
        let groups = by_reason(&outcome.rejected);
        for (reason, places) in groups.iter().take(REJECTIONS_LISTED) {
            let reason = text::clean(reason);
            match places.as_slice() {
                [one] => out.push_str(&format!("  {}: {reason}\n", text::clean(one))),
                many => out.push_str(&format!(
                    "  {} documents ({}, …): {reason}\n",
                    group_digits(many.len()),
                    text::clean(many[0])
                )),
            }
        }
        if groups.len() > REJECTIONS_LISTED {
            out.push_str(&format!(
                "  … and {} more reasons\n",
                groups.len() - REJECTIONS_LISTED
            ));
        }
    }
    if !unreadable.is_empty() {
        out.push_str("Not read:\n");
        for (place, reason) in unreadable.iter().take(REJECTIONS_LISTED) {
            out.push_str(&format!(
                "  {}: {}\n",
                text::clean(place),
                text::clean(reason)
            ));
        }
        if unreadable.len() > REJECTIONS_LISTED {
            out.push_str(&format!(
                "  … and {} more\n",
                unreadable.len() - REJECTIONS_LISTED
            ));
        }
    }
    out
}

/// Rejections sharing a reason, in the order the reasons first came.
fn by_reason(rejections: &[Rejection]) -> Vec<(&str, Vec<&str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for rejection in rejections {
        match groups
            .iter_mut()
            .find(|(reason, _)| *reason == rejection.reason)
        {
            Some((_, places)) => places.push(&rejection.place),
            None => groups.push((&rejection.reason, vec![&rejection.place])),
        }
    }
    groups
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

    #[test]
    fn nothing_to_upload_lists_what_was_not_read_in_clean_words() {
        let nothing = NothingToUpload {
            input: "2 files".into(),
            unreadable: vec![
                (
                    "notes.txt:1:1".into(),
                    "not valid JSON: expected value".into(),
                ),
                ("odd.json".into(), "not JSON\u{1b}[2J".into()),
            ],
        };
        assert_eq!(
            nothing.to_string(),
            "no segment documents to upload in 2 files\n  notes.txt:1:1: not valid JSON: \
             expected value\n  odd.json: not JSON␛[2J"
        );
    }

    #[test]
    fn the_report_counts_then_lists_reasons() {
        let outcome = Outcome {
            total: 1234,
            accepted: 1230,
            rejected: vec![
                Rejection {
                    place: "segment a of trace 1-x".into(),
                    reason: "X-Ray: InvalidSegment: bad".into(),
                },
                Rejection {
                    place: "segment b of trace 1-y".into(),
                    reason: "not sent after 3 attempts: HTTP 500".into(),
                },
                Rejection {
                    place: "segment c of trace 1-y".into(),
                    reason: "not sent after 3 attempts: HTTP 500".into(),
                },
                Rejection {
                    place: "rec.ndjson:3:1".into(),
                    reason: "not JSON\u{1b}[2J".into(),
                },
            ],
            not_sent: 0,
            shift: Some(86_400.0 * 2.0),
            stopped: None,
        };
        let unreadable = [("notes.txt".to_owned(), "not JSON".to_owned())];
        let text = report("rec.ndjson", &outcome, &unreadable);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "Uploaded rec.ndjson to X-Ray: 1,230 of 1,234 documents accepted, 4 rejected.",
                "Times moved by +172800 s (2 days), trace ids with them.",
                "Rejected:",
                "  segment a of trace 1-x: X-Ray: InvalidSegment: bad",
                "  2 documents (segment b of trace 1-y, …): not sent after 3 attempts: HTTP 500",
                "  rec.ndjson:3:1: not JSON␛[2J",
                "Not read:",
                "  notes.txt: not JSON",
            ]
        );
    }
}
