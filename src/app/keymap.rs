//! Key bindings: one table, from which both key handling and the help screen are made.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Intent;
use super::keys::Keymap;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    List,
    Trace,
    Map,
    /// The column chooser of the trace list.
    Columns,
    Groups,
    Compare,
}

impl Context {
    /// Every context, in the order the help lists them.
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::List,
        Context::Trace,
        Context::Map,
        Context::Columns,
        Context::Groups,
        Context::Compare,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Trace list",
            Context::Trace => "Waterfall",
            Context::Map => "Service map",
            Context::Columns => "Columns",
            Context::Groups => "Group by",
            Context::Compare => "Compare",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

impl Key {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Shift is part of the character for letters and symbols ('G', '?').
        let modifiers = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        self.code == event.code && self.modifiers == modifiers
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        for (modifier, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(modifier) {
                label.push_str(name);
            }
        }
        label + &base
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub intent: Intent,
    pub description: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    intent: Intent,
    description: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        intent,
        description,
    }
}

use Context::{Columns, Compare, Global, Groups, List, Map, Trace};

pub const BINDINGS: &[Binding] = &[
    bind(
        Global,
        &[ch('?'), key(KeyCode::F(1))],
        Intent::ToggleHelp,
        "show or hide this help",
    ),
    bind(Global, &[ch('Q'), ctrl('c')], Intent::Quit, "quit"),
    bind(
        Global,
        &[ctrl('z')],
        Intent::Suspend,
        "suspend to the shell (fg comes back)",
    ),
    bind(
        Global,
        &[ch('j'), key(KeyCode::Down)],
        Intent::Down,
        "move down",
    ),
    bind(Global, &[ch('k'), key(KeyCode::Up)], Intent::Up, "move up"),
    bind(
        Global,
        &[ctrl('d'), key(KeyCode::PageDown), ch(' ')],
        Intent::PageDown,
        "page down",
    ),
    bind(
        Global,
        &[ctrl('u'), key(KeyCode::PageUp)],
        Intent::PageUp,
        "page up",
    ),
    bind(
        Global,
        &[ch('g'), key(KeyCode::Home)],
        Intent::Top,
        "go to the first row",
    ),
    bind(
        Global,
        &[ch('G'), key(KeyCode::End)],
        Intent::Bottom,
        "go to the last row",
    ),
    bind(
        Global,
        &[ch('!')],
        Intent::ToggleProblems,
        "show or hide problems with the data",
    ),
    bind(
        Global,
        &[ch('P')],
        Intent::TogglePause,
        "pause or resume live updates (data keeps arriving)",
    ),
    bind(
        List,
        &[key(KeyCode::Enter), ch('l'), key(KeyCode::Right)],
        Intent::Open,
        "open the selected trace's waterfall",
    ),
    bind(
        List,
        &[ch('s')],
        Intent::SortNext,
        "sort by the next column",
    ),
    bind(
        List,
        &[ch('S')],
        Intent::SortReverse,
        "reverse the sort order",
    ),
    bind(
        List,
        &[ch('r'), key(KeyCode::F(5))],
        Intent::Refresh,
        "reload the trace list",
    ),
    bind(List, &[ch('q')], Intent::Quit, "quit"),
    bind(
        List,
        &[ch('f'), ch(':')],
        Intent::Filter,
        "filter with an X-Ray filter expression",
    ),
    bind(List, &[ch('x')], Intent::ClearFilter, "clear the filter"),
    bind(
        List,
        &[ch('t')],
        Intent::ChangeTimeRange,
        "time range: 15m, 6h, 2d, all, or FROM..TO",
    ),
    bind(
        List,
        &[ch('@')],
        Intent::ChooseGroup,
        "X-Ray group (live AWS)",
    ),
    bind(List, &[ch('F')], Intent::QuickFaults, "filter: faults only"),
    bind(
        List,
        &[ch('v')],
        Intent::QuickService,
        "filter: this trace's entry service",
    ),
    bind(List, &[ch('u')], Intent::QuickUrl, "filter: this URL"),
    bind(
        List,
        &[ch('>')],
        Intent::QuickSlower,
        "filter: slower than this trace",
    ),
    bind(List, &[ch('M')], Intent::ShowMap, "the service map"),
    bind(
        List,
        &[ch('C')],
        Intent::ChooseColumns,
        "choose the columns of the list",
    ),
    bind(
        Columns,
        &[ch(' '), key(KeyCode::Enter), ch('x')],
        Intent::ToggleColumn,
        "show or hide the column",
    ),
    bind(
        Columns,
        &[ch('K')],
        Intent::MoveColumnUp,
        "move the column left",
    ),
    bind(
        Columns,
        &[ch('J')],
        Intent::MoveColumnDown,
        "move the column right",
    ),
    bind(
        Columns,
        &[key(KeyCode::Esc), ch('q'), ch('C')],
        Intent::Close,
        "close the column chooser",
    ),
    bind(
        List,
        &[ch('H')],
        Intent::ToggleHistogram,
        "show or hide the response-time histogram",
    ),
    bind(
        List,
        &[ch('[')],
        Intent::BandFaster,
        "histogram: move the band to faster traces",
    ),
    bind(
        List,
        &[ch(']')],
        Intent::BandSlower,
        "histogram: move the band to slower traces",
    ),
    bind(
        List,
        &[ch('{')],
        Intent::BandNarrow,
        "histogram: narrow the band",
    ),
    bind(
        List,
        &[ch('}')],
        Intent::BandWiden,
        "histogram: widen the band",
    ),
    bind(
        List,
        &[ch('b')],
        Intent::FilterBand,
        "filter: the histogram's band of response times",
    ),
    bind(
        List,
        &[ch('a')],
        Intent::ShowGroups,
        "group by URL, status, user, root cause…",
    ),
    bind(
        List,
        &[ch('A')],
        Intent::MarkSet,
        "mark the listed traces as set A",
    ),
    bind(
        List,
        &[ch('B')],
        Intent::ShowCompare,
        "compare set A with the listed traces (B)",
    ),
    bind(
        Groups,
        &[key(KeyCode::Esc), ch('q'), key(KeyCode::Backspace)],
        Intent::Close,
        "back to the trace list",
    ),
    bind(
        Groups,
        &[key(KeyCode::Tab), ch('l'), key(KeyCode::Right)],
        Intent::NextDimension,
        "group by the next dimension",
    ),
    bind(
        Groups,
        &[key(KeyCode::BackTab), ch('h'), key(KeyCode::Left)],
        Intent::PreviousDimension,
        "group by the previous dimension",
    ),
    bind(
        Groups,
        &[ch('s')],
        Intent::SortNext,
        "sort by the next column",
    ),
    bind(
        Groups,
        &[ch('S')],
        Intent::SortReverse,
        "reverse the sort order",
    ),
    bind(
        Groups,
        &[key(KeyCode::Enter)],
        Intent::Open,
        "narrow the list to the selected group",
    ),
    bind(
        Compare,
        &[key(KeyCode::Esc), ch('q'), key(KeyCode::Backspace)],
        Intent::Close,
        "back to the trace list",
    ),
    bind(
        Compare,
        &[key(KeyCode::Tab), ch('l'), key(KeyCode::Right)],
        Intent::NextDimension,
        "compare by the next dimension",
    ),
    bind(
        Compare,
        &[key(KeyCode::BackTab), ch('h'), key(KeyCode::Left)],
        Intent::PreviousDimension,
        "compare by the previous dimension",
    ),
    bind(
        Compare,
        &[key(KeyCode::Enter)],
        Intent::Open,
        "narrow the list (B) to the selected group",
    ),
    bind(
        Map,
        &[key(KeyCode::Esc), ch('q'), key(KeyCode::Backspace)],
        Intent::Close,
        "back to where the map was opened",
    ),
    bind(
        Map,
        &[ch('h'), key(KeyCode::Left)],
        Intent::MapLeft,
        "the nearest node to the left",
    ),
    bind(
        Map,
        &[ch('l'), key(KeyCode::Right)],
        Intent::MapRight,
        "the nearest node to the right",
    ),
    bind(
        Map,
        &[key(KeyCode::Tab)],
        Intent::NextEdge,
        "next edge of the selected node",
    ),
    bind(
        Map,
        &[key(KeyCode::BackTab)],
        Intent::PreviousEdge,
        "previous edge of the selected node",
    ),
    bind(
        Map,
        &[key(KeyCode::Enter)],
        Intent::Open,
        "the traces through this node (or edge)",
    ),
    bind(
        Map,
        &[ch('F')],
        Intent::QuickFaults,
        "the traces with faults in this node",
    ),
    bind(
        Map,
        &[ch('z')],
        Intent::ToggleCompact,
        "compact map (names only), or full",
    ),
    bind(Map, &[ch('/')], Intent::Search, "find a node by name"),
    bind(
        Trace,
        &[key(KeyCode::Esc), ch('q'), key(KeyCode::Backspace)],
        Intent::Close,
        "back to the trace list",
    ),
    bind(
        Trace,
        &[key(KeyCode::Enter)],
        Intent::ToggleFold,
        "fold or unfold the selected span",
    ),
    bind(
        Trace,
        &[ch('h'), key(KeyCode::Left)],
        Intent::FoldOrParent,
        "fold, or go to the parent",
    ),
    bind(
        Trace,
        &[ch('l'), key(KeyCode::Right)],
        Intent::UnfoldOrChild,
        "unfold, or go to the first child",
    ),
    bind(
        Trace,
        &[ch('1')],
        Intent::FoldToDepth(1),
        "show only the top level",
    ),
    bind(Trace, &[ch('2')], Intent::FoldToDepth(2), "show two levels"),
    bind(
        Trace,
        &[ch('3')],
        Intent::FoldToDepth(3),
        "show three levels",
    ),
    bind(
        Trace,
        &[ch('4')],
        Intent::FoldToDepth(4),
        "show four levels",
    ),
    bind(
        Trace,
        &[ch('0')],
        Intent::FoldToDepth(0),
        "unfold everything",
    ),
    bind(Trace, &[ch('p')], Intent::Parent, "go to the parent span"),
    bind(
        Trace,
        &[ch('e')],
        Intent::NextProblem,
        "next span with a fault, error or throttle",
    ),
    bind(
        Trace,
        &[ch('E')],
        Intent::PreviousProblem,
        "previous span with a fault, error or throttle",
    ),
    bind(
        Trace,
        &[ch('r')],
        Intent::RootCause,
        "go to the root cause of the fault",
    ),
    bind(
        Trace,
        &[ch('c')],
        Intent::ToggleCriticalPath,
        "show or hide the critical path",
    ),
    bind(
        Trace,
        &[ch('z')],
        Intent::ZoomIn,
        "zoom the time axis into the selected span",
    ),
    bind(Trace, &[ch('Z')], Intent::ZoomOut, "zoom back out"),
    bind(
        Trace,
        &[ch('/')],
        Intent::Search,
        "search names, URLs, SQL, annotations, exceptions",
    ),
    bind(Trace, &[ch('n')], Intent::NextMatch, "next match"),
    bind(Trace, &[ch('N')], Intent::PreviousMatch, "previous match"),
    bind(
        Trace,
        &[ch('m')],
        Intent::ToggleOnlyMatches,
        "show only matches (and their parents), or all",
    ),
    bind(
        Trace,
        &[key(KeyCode::Tab), ch(']')],
        Intent::NextTab,
        "next details tab",
    ),
    bind(
        Trace,
        &[key(KeyCode::BackTab), ch('[')],
        Intent::PreviousTab,
        "previous details tab",
    ),
    bind(
        Trace,
        &[ch('J')],
        Intent::DetailsDown,
        "scroll the details down",
    ),
    bind(
        Trace,
        &[ch('K')],
        Intent::DetailsUp,
        "scroll the details up",
    ),
    bind(Trace, &[ch('y')], Intent::CopyTraceId, "copy the trace id"),
    bind(Trace, &[ch('Y')], Intent::CopySpanId, "copy the span id"),
    bind(
        Trace,
        &[ctrl('y')],
        Intent::CopyRawJson,
        "copy the span's JSON",
    ),
    bind(
        Trace,
        &[ch('o')],
        Intent::ConsoleLink,
        "link to the trace in the AWS console (and copy it)",
    ),
    bind(Trace, &[ch('w')], Intent::Save, "save the trace to a file"),
    bind(
        Trace,
        &[ch('M')],
        Intent::ShowMap,
        "this trace's own service map",
    ),
];

/// The intent of a key in a context, by the default bindings (see [`Keymap::intent_for`]).
pub fn intent_for(context: Context, event: &KeyEvent) -> Option<Intent> {
    Keymap::default_ref().intent_for(context, event)
}

/// The first default key of an intent in a context (see [`Keymap::key_label`]).
pub fn key_label(context: Context, intent: Intent) -> Option<String> {
    Keymap::default_ref().key_label(context, intent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_bindings_win_over_global_ones() {
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(intent_for(Context::Trace, &q), Some(Intent::Close));
        assert_eq!(intent_for(Context::List, &q), Some(Intent::Quit));
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(intent_for(Context::List, &shifted_g), Some(Intent::Bottom));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(intent_for(Context::Trace, &ctrl_c), Some(Intent::Quit));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{} bound twice", k.label());
                    }
                }
            }
        }
    }
}
