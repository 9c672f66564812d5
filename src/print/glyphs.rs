//! The few glyphs a report draws, in Unicode or, with `--ascii`, in plain ASCII. Every state
//! also has its word, so nothing rests on a glyph alone.

use crate::model::Status;

#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    ascii: bool,
}

impl Glyphs {
    pub fn new(ascii: bool) -> Glyphs {
        Glyphs { ascii }
    }

    pub fn status(self, status: Status) -> &'static str {
        match (status, self.ascii) {
            (Status::Ok, false) => "✓",
            (Status::Error, false) => "!",
            (Status::Throttle, false) => "⧗",
            (Status::Fault, false) => "✖",
            (Status::Ok, true) => "+",
            (Status::Error, true) => "!",
            (Status::Throttle, true) => "T",
            (Status::Fault, true) => "X",
        }
    }

    /// `✖ fault`: the mark and the word.
    pub fn status_words(self, status: Status) -> String {
        format!("{} {}", self.status(status), status.label())
    }

    /// A duration: `850µs`, or `850us` in ASCII.
    pub fn duration(self, seconds: f64) -> String {
        let text = crate::text::duration::format_duration(seconds);
        if self.ascii {
            text.replace('µ', "u")
        } else {
            text
        }
    }

    pub fn in_progress(self) -> &'static str {
        if self.ascii { "~" } else { "…" }
    }

    /// The guide beside a child: `├─` with siblings after it, `└─` for the last one.
    pub fn branch(self, last: bool) -> &'static str {
        match (last, self.ascii) {
            (false, false) => "├─",
            (true, false) => "└─",
            (false, true) => "|-",
            (true, true) => "`-",
        }
    }

    /// The guide under an ancestor that has siblings still to come.
    pub fn through(self) -> &'static str {
        if self.ascii { "| " } else { "│ " }
    }

    /// A bar cell where the span ran.
    pub fn bar(self) -> char {
        if self.ascii { '#' } else { '█' }
    }

    /// A bar cell where the span was still running when the trace was read.
    pub fn bar_running(self) -> char {
        if self.ascii { '=' } else { '▒' }
    }

    pub fn arrow(self) -> &'static str {
        if self.ascii { "->" } else { "→" }
    }

    /// Beside the root-cause span.
    pub fn pointer(self) -> &'static str {
        if self.ascii { "<-" } else { "◀" }
    }
}
