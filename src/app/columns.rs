//! The columns the trace list can show, and the chooser that picks them.

use serde::{Deserialize, Deserializer};

use super::action::Intent;
use super::cursor::{Cursor, Step};
use super::state::SortKey;
use crate::model::TraceSummary;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Time,
    Status,
    Method,
    ResponseTime,
    Duration,
    TraceId,
    Url,
    /// The service that received the request.
    Service,
    User,
    ClientIp,
    /// The value of one annotation key.
    Annotation(String),
}

impl Column {
    /// Every column that is not an annotation, in the chooser's order.
    pub const BUILT_IN: [Column; 10] = [
        Column::Time,
        Column::Status,
        Column::Method,
        Column::ResponseTime,
        Column::Duration,
        Column::TraceId,
        Column::Url,
        Column::Service,
        Column::User,
        Column::ClientIp,
    ];

    /// What the list shows when the configuration does not say.
    pub fn defaults() -> Vec<Column> {
        Column::BUILT_IN[..7].to_vec()
    }

    /// The column's name in the configuration.
    pub fn name(&self) -> String {
        match self {
            Column::Time => "time".into(),
            Column::Status => "status".into(),
            Column::Method => "method".into(),
            Column::ResponseTime => "response".into(),
            Column::Duration => "duration".into(),
            Column::TraceId => "id".into(),
            Column::Url => "url".into(),
            Column::Service => "service".into(),
            Column::User => "user".into(),
            Column::ClientIp => "client_ip".into(),
            Column::Annotation(key) => format!("annotation.{key}"),
        }
    }

    pub fn parse(text: &str) -> Result<Column, String> {
        let text = text.trim();
        if let Some(key) = text.strip_prefix("annotation.") {
            if key.is_empty() {
                return Err("`annotation.` needs a key, like annotation.customer_tier".into());
            }
            return Ok(Column::Annotation(key.to_owned()));
        }
        let aliases = [
            ("response_time", Column::ResponseTime),
            ("trace_id", Column::TraceId),
            ("client", Column::ClientIp),
            ("ip", Column::ClientIp),
        ];
        Column::BUILT_IN
            .iter()
            .find(|c| c.name() == text)
            .cloned()
            .or_else(|| {
                aliases
                    .into_iter()
                    .find(|(a, _)| *a == text)
                    .map(|(_, c)| c)
            })
            .ok_or_else(|| {
                let names: Vec<String> = Column::BUILT_IN.iter().map(Column::name).collect();
                format!(
                    "unknown column `{text}`; the columns are {} and annotation.KEY",
                    names.join(", ")
                )
            })
    }

    pub fn title(&self) -> String {
        match self {
            Column::Time => "Time".into(),
            Column::Status => "Status".into(),
            Column::Method => "Method".into(),
            Column::ResponseTime => "Response".into(),
            Column::Duration => "Duration".into(),
            Column::TraceId => "Trace ID".into(),
            Column::Url => "URL".into(),
            Column::Service => "Service".into(),
            Column::User => "User".into(),
            Column::ClientIp => "Client IP".into(),
            Column::Annotation(key) => key.clone(),
        }
    }

    pub fn sort(&self) -> Option<SortKey> {
        match self {
            Column::Time => Some(SortKey::Time),
            Column::Status => Some(SortKey::Status),
            Column::Method => Some(SortKey::Method),
            Column::ResponseTime => Some(SortKey::ResponseTime),
            Column::Duration => Some(SortKey::Duration),
            Column::Url => Some(SortKey::Url),
            _ => None,
        }
    }

    /// Which columns go first when the screen is too narrow for all: the lowest number stays.
    pub fn priority(&self) -> u8 {
        match self {
            Column::Status => 0,
            Column::Url => 1,
            Column::Time => 2,
            Column::ResponseTime => 3,
            Column::Duration => 4,
            Column::Service => 5,
            Column::Method => 6,
            Column::Annotation(_) => 7,
            Column::User => 8,
            Column::TraceId => 9,
            Column::ClientIp => 10,
        }
    }
}

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Column::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The column chooser: every column there is, the shown ones first in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    pub cursor: Cursor,
    /// The annotation keys of the listed traces, gathered when the chooser opened.
    pub annotation_keys: Vec<String>,
}

impl Chooser {
    pub fn open(summaries: &[TraceSummary]) -> Chooser {
        let keys: std::collections::BTreeSet<&str> = summaries
            .iter()
            .flat_map(|s| s.annotations.keys())
            .collect();
        Chooser {
            cursor: Cursor::default(),
            annotation_keys: keys.into_iter().map(str::to_owned).collect(),
        }
    }

    /// The rows of the chooser for these shown columns.
    pub fn rows(&self, shown: &[Column]) -> Vec<(Column, bool)> {
        choices(shown, &self.annotation_keys)
    }
}

/// The rows of the chooser: each column and whether it is shown, the shown ones first, then
/// the other built-in columns, then the annotation keys.
pub fn choices(shown: &[Column], annotation_keys: &[String]) -> Vec<(Column, bool)> {
    let mut rows: Vec<(Column, bool)> = shown.iter().map(|c| (c.clone(), true)).collect();
    for column in Column::BUILT_IN {
        if !shown.contains(&column) {
            rows.push((column, false));
        }
    }
    for key in annotation_keys {
        let column = Column::Annotation(key.clone());
        if !shown.contains(&column) {
            rows.push((column, false));
        }
    }
    rows
}

/// What the chooser does after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooserOutcome {
    Stay,
    Close,
}

/// A key in the open chooser, which changes the list's `columns`. Keys that are not the
/// chooser's do nothing while it is open.
pub fn on_chooser_intent(
    chooser: &mut Chooser,
    columns: &mut Vec<Column>,
    intent: Intent,
) -> ChooserOutcome {
    let rows = chooser.rows(columns);
    chooser.cursor.keep_visible(rows.len(), rows.len());
    let Some((column, shown)) = rows.get(chooser.cursor.selected).cloned() else {
        return ChooserOutcome::Close;
    };
    if let Some(step) = Step::of(intent, rows.len()) {
        chooser.cursor.step(step, rows.len(), rows.len());
        return ChooserOutcome::Stay;
    }
    match intent {
        Intent::Close | Intent::ChooseColumns => return ChooserOutcome::Close,
        Intent::ToggleColumn if shown => {
            // The list always keeps one column.
            if columns.len() > 1 {
                columns.retain(|c| *c != column);
            }
        }
        Intent::ToggleColumn => columns.push(column.clone()),
        Intent::MoveColumnUp | Intent::MoveColumnDown if shown => {
            let at = columns.iter().position(|c| *c == column).unwrap_or(0);
            let to = if intent == Intent::MoveColumnUp {
                at.saturating_sub(1)
            } else {
                (at + 1).min(columns.len() - 1)
            };
            columns.swap(at, to);
        }
        _ => return ChooserOutcome::Stay,
    }
    // The cursor stays on the column it was on.
    if let Some(at) = chooser.rows(columns).iter().position(|(c, _)| *c == column) {
        chooser.cursor.selected = at;
    }
    ChooserOutcome::Stay
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chooser_shows_hides_and_moves_columns() {
        let mut chooser = Chooser::open(&[]);
        let mut columns = Column::defaults();
        // Time is first; hide it.
        let outcome = on_chooser_intent(&mut chooser, &mut columns, Intent::ToggleColumn);
        assert_eq!(outcome, ChooserOutcome::Stay);
        assert!(!columns.contains(&Column::Time));
        // It is now the first hidden row, and the cursor followed it there.
        let cursor = chooser.cursor.selected;
        assert_eq!(choices(&columns, &[])[cursor], (Column::Time, false));
        on_chooser_intent(&mut chooser, &mut columns, Intent::ToggleColumn);
        assert_eq!(columns.last(), Some(&Column::Time));
        on_chooser_intent(&mut chooser, &mut columns, Intent::MoveColumnUp);
        let n = columns.len();
        assert_eq!(columns[n - 2], Column::Time);
        let before = columns.clone();
        let outcome = on_chooser_intent(&mut chooser, &mut columns, Intent::Refresh);
        assert_eq!(
            (outcome, &columns),
            (ChooserOutcome::Stay, &before),
            "other keys do nothing while it is open"
        );
        let outcome = on_chooser_intent(&mut chooser, &mut columns, Intent::Close);
        assert_eq!(outcome, ChooserOutcome::Close);
    }

    #[test]
    fn names_read_back() {
        for column in Column::BUILT_IN {
            assert_eq!(Column::parse(&column.name()).unwrap(), column);
        }
        assert_eq!(
            Column::parse("annotation.customer_tier").unwrap(),
            Column::Annotation("customer_tier".into())
        );
        let error = Column::parse("colour").unwrap_err();
        assert!(error.starts_with("unknown column `colour`; the columns are time, status"));
    }

    #[test]
    fn the_chooser_lists_shown_columns_first_then_the_rest() {
        let shown = vec![Column::Url, Column::Status];
        let rows = choices(&shown, &[]);
        assert_eq!(rows[0], (Column::Url, true));
        assert_eq!(rows[1], (Column::Status, true));
        assert_eq!(rows[2], (Column::Time, false));
        assert_eq!(rows.len(), Column::BUILT_IN.len());
    }
}
