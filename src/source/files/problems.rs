//! The problems of one file, named by place; past a limit only counted.

use crate::source::dataset::Collector;
use crate::source::problem::Problem;

/// After this many problems in one file the rest are only counted.
const MAX_PROBLEMS_PER_FILE: usize = 20;

pub struct FileProblems<'a> {
    place: &'a str,
    count: usize,
    kept: Vec<Problem>,
}

impl<'a> FileProblems<'a> {
    pub fn new(place: &'a str) -> Self {
        FileProblems {
            place,
            count: 0,
            kept: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// A problem whose place is worked out only if it is kept.
    pub fn push_with(&mut self, place: impl FnOnce() -> String, message: String) {
        self.count += 1;
        if self.kept.len() < MAX_PROBLEMS_PER_FILE {
            self.kept.push(Problem::new(place(), message));
        }
    }

    pub fn push_at(&mut self, place: String, message: String) {
        self.count += 1;
        if self.kept.len() < MAX_PROBLEMS_PER_FILE {
            self.kept.push(Problem::new(place, message));
        }
    }

    pub fn finish(self, collector: &mut Collector) {
        let hidden = self.count - self.kept.len();
        collector.problems.extend(self.kept);
        if hidden > 0 {
            collector.problems.push(Problem::new(
                self.place,
                format!("{hidden} more problems not shown"),
            ));
        }
    }
}
