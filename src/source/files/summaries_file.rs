//! A file of what `aws xray get-trace-summaries` prints, read a piece at a time: memory holds
//! the summaries kept and one piece of the text, never the whole file (a million summaries
//! are a gigabyte of text). Each summary is read with the same lenient types as anywhere else.
//!
//! Only the common shape is read this way: one or more outputs whose first key is
//! `TraceSummaries`. Anything else, or text serde_json cannot read, is left to the general
//! path, which reads the whole text and names every problem as it always has.

use std::io::Read;

use serde::Deserialize;

use crate::model::TraceSummary;
use crate::model::summary::{GetTraceSummariesOutput, SummaryElement};

use crate::source::progress::LoadProgress;

/// How much of the file is read at a time.
pub const PIECE: usize = 1 << 20;

/// What a summaries file held.
#[derive(Default)]
pub struct SummariesFile {
    pub summaries: Vec<TraceSummary>,
    /// `(line, column)` of the output each summary without an id was skipped from.
    pub without_id: Vec<(usize, usize)>,
    /// Reading was stopped part way: only the summaries before `stopped_at` bytes were read.
    pub stopped_at: Option<u64>,
    size: Option<u64>,
}

impl SummariesFile {
    /// Summaries read before room is made for the rest.
    const SAMPLE: usize = 1000;

    fn keep(&mut self, summary: TraceSummary, offset: u64) {
        if self.summaries.len() == Self::SAMPLE
            && let Some(size) = self.size
        {
            let expected = size as f64 / offset.max(1) as f64 * Self::SAMPLE as f64;
            let rest = (expected * 1.02) as usize;
            self.summaries.reserve(rest.saturating_sub(Self::SAMPLE));
        }
        self.summaries.push(summary);
    }
}

/// Why the file must be read the general way.
#[derive(Debug)]
pub enum NotStreamed {
    /// Not (only) summaries outputs, or text that needs the general path's messages.
    OtherShape,
    Io(std::io::Error),
}

impl From<std::io::Error> for NotStreamed {
    fn from(error: std::io::Error) -> Self {
        NotStreamed::Io(error)
    }
}

/// Whether a file that starts with `head` is for [`read`].
pub fn starts_like_summaries(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(error) => match std::str::from_utf8(&head[..error.valid_up_to()]) {
            Ok(text) => text,
            Err(_) => return false,
        },
    };
    super::position::starts_with_key(text, "TraceSummaries")
}

/// Reads every output of `input`, a piece at a time. `size`, when known, is the length of
/// `input`: room for the summaries is made once, from the size of the first ones.
pub fn read(
    input: impl Read,
    size: Option<u64>,
    progress: &LoadProgress,
) -> Result<SummariesFile, NotStreamed> {
    let mut text = Pieces::new(input);
    let mut file = SummariesFile {
        size,
        ..SummariesFile::default()
    };
    let mut told = Told::default();
    let result = read_outputs(&mut text, &mut file, progress, &mut told);
    told.tell(progress, text.offset(), file.summaries.len());
    result.map(|()| file)
}

fn read_outputs<R: Read>(
    text: &mut Pieces<R>,
    file: &mut SummariesFile,
    progress: &LoadProgress,
    told: &mut Told,
) -> Result<(), NotStreamed> {
    loop {
        text.skip_whitespace()?;
        if text.at_end()? {
            return Ok(());
        }
        if progress.stop_requested() {
            file.stopped_at = Some(text.offset());
            return Ok(());
        }
        read_output(text, file, progress, told)?;
        if file.stopped_at.is_some() {
            return Ok(());
        }
    }
}

/// What the progress was last told, so that it is told every so many bytes.
#[derive(Default)]
struct Told {
    bytes: u64,
    summaries: usize,
}

impl Told {
    const EVERY: u64 = 1 << 16;

    fn tell(&mut self, progress: &LoadProgress, bytes: u64, summaries: usize) {
        progress.advance(bytes - self.bytes, (summaries - self.summaries) as u64);
        self.bytes = bytes;
        self.summaries = summaries;
    }
}

/// One output: `{"TraceSummaries": [ … ], …}`.
fn read_output<R: Read>(
    text: &mut Pieces<R>,
    file: &mut SummariesFile,
    progress: &LoadProgress,
    told: &mut Told,
) -> Result<(), NotStreamed> {
    let start = text.place();
    for token in ["{", "\"TraceSummaries\"", ":", "["] {
        text.skip_whitespace()?;
        if !text.take(token.as_bytes())? {
            return Err(NotStreamed::OtherShape);
        }
    }
    text.skip_whitespace()?;
    if !text.take(b"]")? {
        loop {
            match text.value::<SummaryElement>()? {
                SummaryElement(Some(Some(summary))) => file.keep(summary, text.offset()),
                SummaryElement(Some(None)) => file.without_id.push(start),
                SummaryElement(None) => {}
            }
            if text.offset() - told.bytes >= Told::EVERY {
                told.tell(progress, text.offset(), file.summaries.len());
            }
            text.skip_whitespace()?;
            if text.take(b"]")? {
                break;
            }
            if !text.take(b",")? {
                return Err(NotStreamed::OtherShape);
            }
            text.skip_whitespace()?;
            if progress.stop_requested() {
                file.stopped_at = Some(text.offset());
                return Ok(());
            }
        }
    }
    // The rest of the object, read as an output of its own so that its keys are checked as
    // the general path checks them.
    text.rest_of_object()
}

/// The text of the file, a piece at a time, and where reading has got to.
struct Pieces<R> {
    input: R,
    /// `buffer[at..end]` is read from the file and not yet taken.
    buffer: Vec<u8>,
    at: usize,
    end: usize,
    ended: bool,
    /// Bytes of the file before `buffer[0]`, and the lines they hold.
    dropped: u64,
    dropped_lines: usize,
}

impl<R: Read> Pieces<R> {
    fn new(input: R) -> Self {
        Pieces {
            input,
            buffer: Vec::new(),
            at: 0,
            end: 0,
            ended: false,
            dropped: 0,
            dropped_lines: 0,
        }
    }

    fn offset(&self) -> u64 {
        self.dropped + self.at as u64
    }

    /// 1-based line and column of where reading has got to.
    fn place(&self) -> (usize, usize) {
        let before = &self.buffer[..self.at];
        let newlines = before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        (self.dropped_lines + newlines + 1, column + 1)
    }

    /// Reads the next piece, keeping what has not been read yet. False at the end of the file.
    fn more(&mut self) -> Result<bool, NotStreamed> {
        if self.ended {
            return Ok(false);
        }
        if self.at > 0 {
            let consumed = &self.buffer[..self.at];
            self.dropped_lines += consumed.iter().filter(|&&b| b == b'\n').count();
            self.dropped += self.at as u64;
            self.buffer.copy_within(self.at..self.end, 0);
            self.end -= self.at;
            self.at = 0;
        }
        if self.end == self.buffer.len() {
            // One value longer than what is held: hold twice as much.
            self.buffer.resize((2 * self.buffer.len()).max(PIECE), 0);
        }
        let read = loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(read) => break read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error.into()),
            }
        };
        self.end += read;
        self.ended = read == 0;
        Ok(read > 0)
    }

    fn rest(&self) -> &[u8] {
        &self.buffer[self.at..self.end]
    }

    fn skip_whitespace(&mut self) -> Result<(), NotStreamed> {
        loop {
            let blank = self
                .rest()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.at += blank;
            if self.at < self.end || !self.more()? {
                return Ok(());
            }
        }
    }

    fn at_end(&mut self) -> Result<bool, NotStreamed> {
        Ok(self.rest().is_empty() && !self.more()?)
    }

    /// Takes `token` when the text goes on with it.
    fn take(&mut self, token: &[u8]) -> Result<bool, NotStreamed> {
        while self.rest().len() < token.len() {
            if !self.more()? {
                return Ok(false);
            }
        }
        let taken = self.rest().starts_with(token);
        if taken {
            self.at += token.len();
        }
        Ok(taken)
    }

    /// One JSON value, read more of the file as long as it is cut off.
    fn value<T: for<'de> Deserialize<'de>>(&mut self) -> Result<T, NotStreamed> {
        loop {
            let mut values = serde_json::Deserializer::from_slice(self.rest()).into_iter::<T>();
            match values.next() {
                Some(Ok(value)) => {
                    self.at += values.byte_offset();
                    return Ok(value);
                }
                Some(Err(error)) if error.is_eof() => {}
                None => {}
                Some(Err(_)) => return Err(NotStreamed::OtherShape),
            }
            if !self.more()? {
                return Err(NotStreamed::OtherShape);
            }
        }
    }

    /// What follows the summaries' list up to the output's closing brace.
    fn rest_of_object(&mut self) -> Result<(), NotStreamed> {
        const OPENING: &[u8] = b"{\"TraceSummaries\":[]";
        loop {
            let mut object = Vec::with_capacity(OPENING.len() + self.rest().len());
            object.extend_from_slice(OPENING);
            object.extend_from_slice(self.rest());
            let mut values = serde_json::Deserializer::from_slice(&object)
                .into_iter::<GetTraceSummariesOutput>();
            match values.next() {
                Some(Ok(_)) => {
                    self.at += values.byte_offset() - OPENING.len();
                    return Ok(());
                }
                Some(Err(error)) if error.is_eof() => {}
                None | Some(Err(_)) => return Err(NotStreamed::OtherShape),
            }
            if !self.more()? {
                return Err(NotStreamed::OtherShape);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str) -> String {
        format!(
            r#"{{"Id": "{id}", "StartTime": 1700000000.5, "Duration": "slow", "Http": {{"HttpMethod": "GET", "HttpStatus": 503}}, "HasFault": true}}"#
        )
    }

    fn read_text(text: &str) -> Result<SummariesFile, NotStreamed> {
        read(
            text.as_bytes(),
            Some(text.len() as u64),
            &LoadProgress::default(),
        )
    }

    #[test]
    fn summaries_cut_across_pieces_are_read_whole() {
        let ids: Vec<String> = (0..3000).map(|i| format!("1-6568b398-{i:024x}")).collect();
        let elements: Vec<String> = ids.iter().map(|id| summary(id)).collect();
        let text = format!(
            "{{\n  \"TraceSummaries\": [\n    {}\n  ],\n  \"NextToken\": \"abc\",\n  \"ApproximateTime\": 1.0\n}}\n",
            elements.join(",\n    ")
        );
        assert!(text.len() > 100 * 4093, "many bits: {}", text.len());
        let file = read(
            ReadInBits {
                text: text.as_bytes(),
                bit: 4093,
            },
            Some(text.len() as u64),
            &LoadProgress::default(),
        )
        .unwrap();
        let read_ids: Vec<&str> = file.summaries.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(read_ids, ids);
        let first = &file.summaries[0];
        assert_eq!(first.duration, None, "a wrong-shaped field is absent");
        assert_eq!(first.http.status, Some(503));
        assert!(first.has_fault);
    }

    #[test]
    fn outputs_one_after_another_are_all_read_and_summaries_without_ids_are_placed() {
        let text = format!(
            "{{\"TraceSummaries\": [{}, 7, {{\"Id\": \"\"}}]}}\n\n  {{\"TraceSummaries\": [], \"TracesProcessedCount\": 0}}\n{{\"TraceSummaries\": [{}]}}",
            summary("1-6568b398-000000000000000000000001"),
            summary("1-6568b398-000000000000000000000002"),
        );
        let file = read_text(&text).unwrap();
        assert_eq!(file.summaries.len(), 2);
        assert_eq!(file.without_id, [(1, 1)]);
    }

    #[test]
    fn anything_else_is_left_to_the_general_path() {
        for text in [
            r#"{"TraceSummaries": [{"Id": "1-6568b398-000000000000000000000001",}]}"#,
            r#"{"TraceSummaries": [] "NextToken": 1}"#,
            r#"{"TraceSummaries": []} {"Services": []}"#,
            r#"{"TraceSummaries": [{"Id": "1-6568b398-0000"#,
            "{\"TraceSummaries\": [{\"Id\": \"\u{1}\"}]}",
        ] {
            assert!(
                matches!(read_text(text), Err(NotStreamed::OtherShape)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_stop_keeps_what_was_read() {
        let first = summary("1-6568b398-000000000000000000000001");
        let text = format!(
            "{{\"TraceSummaries\": [{first}, {}]}}",
            summary("1-6568b398-000000000000000000000002"),
        );
        let progress = LoadProgress::default();
        let stopping = StopAfterFirstBit {
            text: text.as_bytes(),
            first_bit: text.find(&first).unwrap() + first.len() + 2,
            progress: &progress,
        };
        let file = read(stopping, None, &progress).unwrap();
        assert_eq!(file.summaries.len(), 1);
        assert!(file.stopped_at.is_some_and(|at| at > 20));
    }

    /// Hands out the first `first_bit` bytes, then asks for the reading to stop, as `Esc` does,
    /// and hands out the rest.
    struct StopAfterFirstBit<'a> {
        text: &'a [u8],
        first_bit: usize,
        progress: &'a LoadProgress,
    }

    impl Read for StopAfterFirstBit<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            if self.first_bit == 0 {
                self.progress.stop();
            }
            let n = self.text.len().min(into.len());
            let n = if self.first_bit > 0 {
                n.min(self.first_bit)
            } else {
                n
            };
            self.first_bit = 0;
            into[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    /// A reader that hands out a few bytes at a time, as a pipe may.
    struct ReadInBits<'a> {
        text: &'a [u8],
        bit: usize,
    }

    impl Read for ReadInBits<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            let n = self.bit.min(into.len()).min(self.text.len());
            into[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }
}
