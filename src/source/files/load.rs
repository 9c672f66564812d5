//! One file being read: its text, where what is read goes, the problems met, and the
//! `aws/spans` spans gathered until the end of the file, where they are translated together.

use crate::codec::aws_spans::SpanBatch;
use crate::source::dataset::Collector;
use crate::source::problem::Problem;

use super::position::{byte_of, line_column, strip_position};
use super::problems::FileProblems;

pub struct FileLoad<'a> {
    pub place: &'a str,
    pub text: &'a str,
    pub collector: &'a mut Collector,
    pub problems: FileProblems<'a>,
    /// Each span is labelled with the byte offset of its record in the text.
    pub spans: SpanBatch<usize>,
}

impl<'a> FileLoad<'a> {
    pub fn new(place: &'a str, text: &'a str, collector: &'a mut Collector) -> Self {
        FileLoad {
            place,
            text,
            collector,
            problems: FileProblems::new(place),
            spans: SpanBatch::default(),
        }
    }

    /// Where a slice of the text starts in it.
    pub fn offset_of(&self, json: &str) -> usize {
        json.as_ptr() as usize - self.text.as_ptr() as usize
    }

    /// `file:line:column` of a byte offset.
    pub fn at(&self, offset: usize) -> String {
        place_of(self.place, self.text, offset)
    }

    pub fn problem_at(&mut self, offset: usize, message: String) {
        let (place, text) = (self.place, self.text);
        self.problems
            .push_with(|| place_of(place, text, offset), message);
    }

    /// A value of the text that is not of the shape its keys promised: placed where serde_json
    /// stopped, counted from the start of the value.
    pub fn unreadable(&mut self, what: &str, json: &str, error: &serde_json::Error) {
        let offset = self.offset_of(json) + byte_of(json, error.line(), error.column());
        self.problem_at(
            offset,
            format!("unreadable {what}: {}", strip_position(error)),
        );
    }

    /// One document that starts at `offset`.
    pub fn add_document(&mut self, json: &str, offset: usize) {
        let before = self.collector.problems.len();
        let (place, text) = (self.place, self.text);
        self.collector
            .add_document_text(json.to_owned(), || place_of(place, text, offset));
        self.take_collector_problems(before);
    }

    /// Documents, each with the byte offset that names it.
    pub fn add_documents(&mut self, documents: Vec<(String, usize)>) {
        let before = self.collector.problems.len();
        let (place, text) = (self.place, self.text);
        self.collector
            .add_document_texts(documents, |&offset| place_of(place, text, offset));
        self.take_collector_problems(before);
    }

    /// Moves the problems the collector met since `before` into this file's.
    fn take_collector_problems(&mut self, before: usize) {
        let added: Vec<Problem> = self.collector.problems.drain(before..).collect();
        for problem in added {
            self.problems.push_at(problem.place, problem.message);
        }
    }
}

fn place_of(place: &str, text: &str, offset: usize) -> String {
    let (line, column) = line_column(text, offset);
    format!("{place}:{line}:{column}")
}
