//! What a user sets for their terminal: key bindings (and the help that shows them), the
//! list's columns, and the mouse; all through update() and the real ui.

mod common;

use std::sync::Arc;

use common::{first_fault_trace_id, loaded_state, open_trace};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::columns::Column;
use xray_tui::app::keys::{Keymap, Override};
use xray_tui::app::{Action, Command, Intent, Pointer, Screen, State, update};

fn screen(state: &State) -> String {
    let area = Rect::new(0, 0, state.width, state.height);
    let mut buffer = Buffer::empty(area);
    xray_tui::ui::render_buffer(state, &mut buffer, area);
    xray_tui::ui::buffer_text(&buffer)
}

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn mouse(state: &mut State, pointer: Pointer, column: u16, row: u16) -> Vec<Command> {
    update(
        state,
        Action::Mouse {
            pointer,
            column,
            row,
        },
    )
}

#[test]
fn the_help_and_the_hints_show_the_keys_in_effect() {
    let mut state = loaded_state(200, 60);
    let (keymap, _) = Keymap::with_overrides(&[
        Override {
            context: None,
            action: "quit".into(),
            keys: vec!["ctrl-q".into()],
        },
        Override {
            context: None,
            action: "toggle_help".into(),
            keys: vec!["F2".into()],
        },
    ])
    .unwrap();
    state.keymap = Arc::new(keymap);
    let hints = screen(&state);
    let status = hints.lines().nth(59).unwrap();
    assert!(status.contains("F2 help"), "{status}");
    assert!(status.contains("Ctrl-q quit"), "{status}");
    press(&mut state, Intent::ToggleHelp);
    let help = screen(&state);
    let quit_lines: Vec<&str> = help
        .lines()
        .filter(|l| l.contains(" quit ") || l.trim_end().ends_with(" quit"))
        .collect();
    assert!(!quit_lines.is_empty(), "{help}");
    for line in &quit_lines {
        assert!(line.contains("Ctrl-q"), "{line}");
        assert!(!line.contains("Ctrl-c"), "{line}");
    }
    let help_line = help
        .lines()
        .find(|l| l.contains("show or hide this help"))
        .unwrap();
    assert!(help_line.contains("F2"), "{help_line}");
    assert!(!help_line.contains("? "), "{help_line}");
}

#[test]
fn an_action_whose_key_was_taken_says_so_in_the_help() {
    let mut state = loaded_state(200, 60);
    let (keymap, notes) = Keymap::with_overrides(&[Override {
        context: Some(xray_tui::app::keymap::Context::List),
        action: "refresh".into(),
        keys: vec!["x".into(), "alt-r".into()],
    }])
    .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    state.keymap = Arc::new(keymap);
    press(&mut state, Intent::ToggleHelp);
    let help = screen(&state);
    let line = |what: &str| {
        help.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what} not in the help:\n{help}"))
            .to_owned()
    };
    assert!(line("clear the filter").contains("(no key)"));
    assert!(line("reload the trace list").contains("x Alt-r"));
}

#[test]
fn chosen_columns_show_annotation_values() {
    let mut state = loaded_state(200, 60);
    state.list.columns = vec![
        Column::Time,
        Column::Status,
        Column::Service,
        Column::Annotation("customer_tier".into()),
        Column::Url,
    ];
    let text = screen(&state);
    let header = text.lines().nth(1).unwrap();
    assert!(header.starts_with("Time▼    Status Service"), "{header}");
    assert!(header.contains("customer_tier"), "{header}");
    assert!(!header.contains("Trace ID"), "{header}");
    let tier_at = header.find("customer_tier").unwrap();
    let tiers: Vec<&str> = text
        .lines()
        .skip(2)
        .take(55)
        .filter_map(|l| {
            l.get(tier_at..)
                .map(|rest| rest.split_whitespace().next().unwrap_or(""))
        })
        .collect();
    assert!(
        tiers.iter().any(|t| *t == "standard" || *t == "gold"),
        "{tiers:?}"
    );
}

#[test]
fn columns_that_do_not_fit_at_80_go_by_priority() {
    let mut state = loaded_state(80, 24);
    state.list.columns = vec![
        Column::Time,
        Column::Status,
        Column::Method,
        Column::ResponseTime,
        Column::Duration,
        Column::TraceId,
        Column::Service,
        Column::User,
        Column::ClientIp,
        Column::Url,
    ];
    let text = screen(&state);
    let header = text.lines().nth(1).unwrap();
    for kept in ["Time", "Status", "Response", "Duration", "URL"] {
        assert!(header.contains(kept), "{kept} dropped: {header}");
    }
    for dropped in ["Client IP", "Trace ID"] {
        assert!(!header.contains(dropped), "{dropped} kept: {header}");
    }
    // The URL still has room to say something.
    let url_at = header.find("URL").unwrap();
    assert!(url_at <= 80 - 12, "{header}");
}

#[test]
fn the_column_chooser_changes_the_list() {
    let mut state = loaded_state(100, 30);
    press(&mut state, Intent::ChooseColumns);
    let text = screen(&state);
    assert!(text.contains("Columns"), "{text}");
    assert!(text.contains("[x] Time"), "{text}");
    assert!(text.contains("[ ] annotation customer_tier"), "{text}");
    // The first row is Time: hide it, then leave.
    press(&mut state, Intent::ToggleColumn);
    press(&mut state, Intent::Close);
    assert_eq!(state.overlay, None);
    let header = screen(&state).lines().nth(1).unwrap().to_owned();
    assert!(header.starts_with("Status"), "{header}");
    assert_eq!(state.screen, Screen::List);
}

#[test]
fn the_wheel_scrolls_and_a_click_selects() {
    let mut state = loaded_state(80, 24);
    mouse(&mut state, Pointer::ScrollDown, 10, 10);
    assert_eq!(state.list.cursor.selected, 3);
    mouse(&mut state, Pointer::ScrollUp, 10, 10);
    assert_eq!(state.list.cursor.selected, 0);
    // Rows start on screen row 2.
    let commands = mouse(&mut state, Pointer::Click, 10, 7);
    assert_eq!(state.list.cursor.selected, 5);
    assert!(
        matches!(&commands[..], [Command::Prefetch(ids)] if !ids.is_empty()),
        "a click fetches ahead as the keys do: {commands:?}"
    );
    let id = state.list.selected_summary().unwrap().id.clone();
    let commands = mouse(&mut state, Pointer::Click, 10, 7);
    assert!(
        matches!(&commands[..], [Command::LoadTrace { id: opened, .. }] if *opened == id),
        "a click on the selected row opens it: {commands:?}"
    );
    // A click below the last row does nothing.
    let mut few = loaded_state(80, 24);
    few.list.order.truncate(2);
    mouse(&mut few, Pointer::Click, 10, 20);
    assert_eq!(few.list.cursor.selected, 0);
}

#[test]
fn in_the_waterfall_a_click_picks_a_span_and_the_wheel_scrolls_under_the_pointer() {
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, &first_fault_trace_id());
    let view = state.trace.as_ref().unwrap();
    let third = view.rows[2] as usize;
    // Span rows start on screen row 2.
    mouse(&mut state, Pointer::Click, 5, 4);
    assert_eq!(state.trace.as_ref().unwrap().selected, third);
    // The details sit below the rows at 80x24: the wheel there scrolls them, not the spans.
    let details_y = xray_tui::layout::screen::waterfall(Rect::new(0, 0, 80, 23))
        .details
        .y;
    mouse(&mut state, Pointer::ScrollDown, 5, details_y + 2);
    let view = state.trace.as_ref().unwrap();
    assert_eq!(view.selected, third);
    assert!(view.details_scroll > 0, "the details scrolled");
    mouse(&mut state, Pointer::ScrollDown, 5, 3);
    assert_ne!(state.trace.as_ref().unwrap().selected, third);
    // A click on a tab's name opens that tab.
    let text = screen(&state);
    let tabs = text.lines().nth(details_y as usize).unwrap();
    let http = tabs[..tabs.find("HTTP").unwrap()].chars().count() as u16;
    mouse(&mut state, Pointer::Click, http + 1, details_y);
    assert_eq!(
        state.trace.as_ref().unwrap().tab,
        xray_tui::app::details::Tab::Http
    );
}

#[test]
fn the_wheel_scrolls_the_help_and_a_click_closes_it() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::ToggleHelp);
    mouse(&mut state, Pointer::ScrollDown, 40, 10);
    assert_eq!(
        state.overlay,
        Some(xray_tui::app::overlay::Overlay::Help(
            xray_tui::app::cursor::Cursor {
                selected: 3,
                offset: 3
            }
        ))
    );
    mouse(&mut state, Pointer::Click, 40, 10);
    assert!(!state.help_shown());
}

fn rebind(state: &mut State, action: &str, key: &str) {
    let (keymap, _) = Keymap::with_overrides(&[Override {
        context: None,
        action: action.into(),
        keys: vec![key.into()],
    }])
    .unwrap();
    state.keymap = Arc::new(keymap);
}

#[test]
fn messages_name_the_keys_in_effect() {
    let mut state = loaded_state(120, 30);
    press(&mut state, Intent::MarkSet);
    let marked = state.message.clone().unwrap().text;
    assert!(marked.ends_with("then B compares"), "{marked}");

    rebind(&mut state, "show_compare", "ctrl-b");
    press(&mut state, Intent::MarkSet);
    let marked = state.message.clone().unwrap().text;
    assert!(marked.ends_with("then Ctrl-b compares"), "{marked}");

    rebind(&mut state, "toggle_pause", "F9");
    state.follow = true;
    press(&mut state, Intent::TogglePause);
    let paused = state.message.clone().unwrap().text;
    assert!(paused.ends_with("F9 resumes"), "{paused}");
    let title = screen(&state).lines().next().unwrap().to_owned();
    assert!(title.contains("(F9 resumes)"), "{title}");

    rebind(&mut state, "search", "ctrl-f");
    open_trace(&mut state, &first_fault_trace_id());
    press(&mut state, Intent::NextMatch);
    let nudge = state.message.clone().unwrap().text;
    assert_eq!(nudge, "no search: press Ctrl-f to search");
}

/// The README lists every action a key can be given, by the names the configuration reads.
#[test]
fn the_readme_lists_every_action_name() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("The actions, named after what they do in the help:")
        .expect("the README's list of actions");
    let end = start + readme[start..].find("\n\n").expect("the list's end");
    let listed: std::collections::BTreeSet<&str> = readme[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| !word.contains(' '))
        .collect();
    let mut names: std::collections::BTreeSet<&str> =
        xray_tui::app::keymap::action_names().collect();
    // The README writes the fold depths as a range: `fold_to_depth_1` … `fold_to_depth_4`.
    for depth in 2..=3 {
        let name = format!("fold_to_depth_{depth}");
        names.retain(|n| *n != name);
    }
    let missing: Vec<&&str> = names.difference(&listed).collect();
    let unknown: Vec<&&str> = listed.difference(&names).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "README lacks {missing:?}; README names unknown actions {unknown:?}"
    );
}
