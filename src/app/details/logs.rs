//! The Logs tab: the log lines tied to the selected span, each with its offset on the
//! waterfall's axis; error-level lines in the error colour.

use crate::app::state::LogsState;
use crate::model::Trace;
use crate::model::logs::LogLine;
use crate::text::duration::format_duration;

use super::DetailLine;

pub fn lines(trace: &Trace, index: usize, state: &LogsState) -> Vec<DetailLine> {
    let logs = match state {
        LogsState::NotAsked | LogsState::Loading(_) => {
            return vec![DetailLine::Text("Loading the trace's log lines…".into())];
        }
        LogsState::Failed(message) => return vec![DetailLine::Problem(message.clone())],
        LogsState::Loaded(logs) => logs,
    };
    let start = trace.start().unwrap_or(0.0);
    let mut out: Vec<DetailLine> = logs
        .of_span(index)
        .map(|i| {
            let line = &logs.lines[i];
            let text = format!("{}  {}", offset(line.time, start), headed(line));
            if line.level.is_error() {
                DetailLine::Problem(text)
            } else {
                DetailLine::Text(text)
            }
        })
        .collect();
    if out.is_empty() {
        let total = logs.lines.len();
        out.push(DetailLine::Text(match total {
            0 => "No log lines were found for this trace.".into(),
            n => format!("No log lines tied to this span ({n} in the whole trace)."),
        }));
    }
    out
}

/// A line's time from the trace's start, on the waterfall's axis: `+1.25s`, `-30ms`.
pub fn offset(time: f64, trace_start: f64) -> String {
    let delta = time - trace_start;
    let sign = if delta < 0.0 { "-" } else { "+" };
    format!("{sign}{}", format_duration(delta.abs()))
}

/// The level, when the line has one, then the message.
pub fn headed(line: &LogLine) -> String {
    match line.level.label() {
        "" => line.message.clone(),
        level => format!("{level} {}", line.message),
    }
}
