//! Log lines of a trace and their join to its spans: by span id when a line carries one,
//! otherwise by its service and the time it was written. The text is untrusted.

use super::Trace;

/// How serious a log line is; lines of unknown level sort with `Info`'s neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    #[default]
    Unknown,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    /// A level as loggers spell it (`ERROR`, `warning`, `crit`, `E`…); unknown words are
    /// `Unknown`.
    pub fn parse(text: &str) -> Level {
        match text.trim().to_ascii_lowercase().as_str() {
            "trace" | "finest" | "t" => Level::Trace,
            "debug" | "fine" | "d" => Level::Debug,
            "info" | "information" | "notice" | "i" => Level::Info,
            "warn" | "warning" | "w" => Level::Warn,
            "error" | "err" | "severe" | "e" => Level::Error,
            "fatal" | "critical" | "crit" | "alert" | "emergency" | "panic" | "f" => Level::Fatal,
            _ => Level::Unknown,
        }
    }

    /// OpenTelemetry's severity number (1–24).
    pub fn from_severity_number(number: i32) -> Level {
        match number {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21..=24 => Level::Fatal,
            _ => Level::Unknown,
        }
    }

    /// A level written at the start of a message (`ERROR payment failed`, `[WARN] …`).
    pub fn from_message(message: &str) -> Level {
        let word: String = message
            .trim_start()
            .trim_start_matches(['[', '('])
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if word.len() < 4 {
            return Level::Unknown;
        }
        Level::parse(&word)
    }

    pub fn is_error(self) -> bool {
        self >= Level::Error
    }

    /// Five columns or fewer, for the logs pane.
    pub fn label(self) -> &'static str {
        match self {
            Level::Unknown => "",
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }
}

/// One log line, as read from a log group, an OTLP logs request or a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogLine {
    /// Epoch seconds.
    pub time: f64,
    pub level: Level,
    pub message: String,
    /// The service that wrote it, when known (OTel's `service.name`, a mapped log group).
    pub service: Option<String>,
    /// The trace id in X-Ray or W3C form, when the line carries one.
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    /// Where it was read: a log group and stream, an input.
    pub source: Option<String>,
}

/// The log lines of one trace in time order, each tied to a span where one fits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceLogs {
    pub lines: Vec<LogLine>,
    /// Per line: the index of its span in the trace's span table.
    pub spans: Vec<Option<u32>>,
    /// Bytes the query scanned, when the source counts them (Logs Insights).
    pub bytes_scanned: Option<f64>,
    /// What the user should know of how the lines were found (log groups left out).
    pub notes: Vec<String>,
}

impl TraceLogs {
    /// The lines tied to one span, as indices into `lines`.
    pub fn of_span(&self, span: usize) -> impl Iterator<Item = usize> + '_ {
        self.spans
            .iter()
            .enumerate()
            .filter(move |(_, s)| **s == Some(span as u32))
            .map(|(i, _)| i)
    }

    pub fn errors(&self) -> usize {
        self.lines.iter().filter(|l| l.level.is_error()).count()
    }
}

/// The 32 hex digits of a trace id in either form, lower case; `None` for anything else.
pub fn trace_id_digits(id: &str) -> Option<String> {
    let id = id.trim();
    let digits: String = match id.strip_prefix("1-") {
        Some(rest) => rest.chars().filter(|c| *c != '-').collect(),
        None => id.to_owned(),
    };
    (digits.len() == 32 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_lowercase())
}

/// Keeps the lines of `trace` (those naming another trace are left out), orders them by
/// time and ties each to its span.
pub fn join(trace: &Trace, lines: Vec<LogLine>, bytes_scanned: Option<f64>) -> TraceLogs {
    let own = trace_id_digits(&trace.id);
    let mut lines: Vec<LogLine> = lines
        .into_iter()
        .filter(|line| match (&line.trace_id, &own) {
            (Some(id), Some(own)) => trace_id_digits(id).is_none_or(|digits| &digits == own),
            _ => true,
        })
        .collect();
    lines.sort_by(|a, b| a.time.total_cmp(&b.time));
    let spans = lines.iter().map(|line| span_of(trace, line)).collect();
    TraceLogs {
        lines,
        spans,
        bytes_scanned,
        notes: Vec::new(),
    }
}

/// The span a line belongs to: the one its span id names, else the innermost span of its
/// service that was open when it was written, else that service's span nearest in time.
pub fn span_of(trace: &Trace, line: &LogLine) -> Option<u32> {
    if let Some(id) = line.span_id.as_deref().map(str::trim)
        && let Some(index) = trace
            .spans
            .iter()
            .position(|s| s.id().eq_ignore_ascii_case(id))
    {
        return Some(index as u32);
    }
    let service = line.service.as_deref()?.trim();
    let of_service = |index: usize| {
        let span = &trace.spans[index];
        trace
            .spans
            .get(span.service as usize)
            .is_some_and(|s| s.name().eq_ignore_ascii_case(service))
    };
    let end_of = |index: usize| {
        let span = &trace.spans[index];
        span.end()
            .unwrap_or_else(|| trace.end().unwrap_or(span.start()))
    };
    let mut best: Option<(usize, u32)> = None;
    let mut nearest: Option<(usize, f64)> = None;
    for index in (0..trace.spans.len()).filter(|&i| of_service(i)) {
        let (start, end) = (trace.spans[index].start(), end_of(index));
        if start <= line.time && line.time <= end {
            let depth = trace.spans[index].depth;
            if best.is_none_or(|(_, d)| depth >= d) {
                best = Some((index, depth));
            }
        } else if trace.spans[index].is_segment() {
            let gap = (start - line.time).abs().min((line.time - end).abs());
            if nearest.is_none_or(|(_, g)| gap < g) {
                nearest = Some((index, gap));
            }
        }
    }
    best.map(|(i, _)| i as u32)
        .or(nearest.map(|(i, _)| i as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn trace() -> Trace {
        let docs = [
            r#"{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"aaaaaaaaaaaaaaaa","name":"orders","start_time":100.0,"end_time":101.0,
                "subsegments":[{"id":"bbbbbbbbbbbbbbbb","name":"payments","start_time":100.2,"end_time":100.8,"namespace":"remote"}]}"#,
            r#"{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"cccccccccccccccc","name":"payments","parent_id":"bbbbbbbbbbbbbbbb","start_time":100.3,"end_time":100.7,
                "subsegments":[{"id":"dddddddddddddddd","name":"charge-card","start_time":100.4,"end_time":100.6}]}"#,
        ];
        let documents = docs
            .iter()
            .map(|text| Document {
                text: text.to_string(),
                segment: crate::model::Segment::parse(text).unwrap(),
            })
            .collect();
        Trace::assemble("1-5759e988-bd862e3fe1be46a994272793", documents)
    }

    fn line(time: f64, service: Option<&str>, span: Option<&str>) -> LogLine {
        LogLine {
            time,
            message: "m".into(),
            service: service.map(str::to_owned),
            span_id: span.map(str::to_owned),
            ..LogLine::default()
        }
    }

    #[test]
    fn lines_join_by_span_id_then_by_service_and_time() {
        let trace = trace();
        let name = |logs: &TraceLogs, i: usize| {
            logs.spans[i].map(|s| trace.spans[s as usize].name().to_owned())
        };
        let logs = join(
            &trace,
            vec![
                line(100.5, Some("payments"), None),
                line(100.1, None, Some("AAAAAAAAAAAAAAAA")),
                line(100.35, Some("Payments"), None),
                line(105.0, Some("payments"), None),
                line(100.5, Some("unknown"), None),
            ],
            None,
        );
        let times: Vec<f64> = logs.lines.iter().map(|l| l.time).collect();
        assert_eq!(times, [100.1, 100.35, 100.5, 100.5, 105.0]);
        assert_eq!(name(&logs, 0).as_deref(), Some("orders"));
        assert_eq!(name(&logs, 1).as_deref(), Some("payments"));
        assert_eq!(name(&logs, 2).as_deref(), Some("charge-card"));
        assert_eq!(name(&logs, 3), None);
        assert_eq!(name(&logs, 4).as_deref(), Some("payments"));
    }

    #[test]
    fn lines_of_other_traces_are_left_out_in_either_id_form() {
        let trace = trace();
        let with_id = |id: &str| LogLine {
            trace_id: Some(id.into()),
            ..line(100.5, Some("payments"), None)
        };
        let logs = join(
            &trace,
            vec![
                with_id("5759e988bd862e3fe1be46a994272793"),
                with_id("1-5759e988-bd862e3fe1be46a994272793"),
                with_id("1-5759e988-000000000000000000000000"),
            ],
            None,
        );
        assert_eq!(logs.lines.len(), 2);
    }

    #[test]
    fn levels_are_read_from_words_numbers_and_messages() {
        assert_eq!(Level::parse("WARNING"), Level::Warn);
        assert_eq!(Level::from_severity_number(17), Level::Error);
        assert_eq!(
            Level::from_message("[ERROR] provider timed out"),
            Level::Error
        );
        assert_eq!(Level::from_message("errand done"), Level::Unknown);
        assert!(Level::Fatal.is_error() && !Level::Warn.is_error());
    }
}
