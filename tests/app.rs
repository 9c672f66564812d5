//! The app driven headless: actions in, state and commands out.

mod common;

use std::sync::Arc;

use common::{demo, loaded_state, open_trace, press_key};
use xray_tui::app::Pointer;
use xray_tui::app::cursor::Cursor;
use xray_tui::app::overlay::Overlay;
use xray_tui::app::state::SortKey;
use xray_tui::app::{Action, Command, Intent, Screen, State, update};
use xray_tui::layout::screen;
use xray_tui::source::SummaryPage;

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn selected_id(state: &State) -> String {
    state.list.selected_summary().unwrap().id.clone()
}

#[test]
fn start_asks_for_the_list_and_shows_it_newest_first() {
    let state = loaded_state(80, 24);
    assert!(!state.list.loading);
    assert_eq!(state.list.order.len(), demo().summaries.len());
    let times: Vec<f64> = (0..state.list.order.len())
        .map(|i| state.list.row(i).unwrap().start_time)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let faults = demo().summaries.iter().filter(|s| s.has_fault).count();
    assert_eq!(state.list.counts.faults, faults);
    assert!(faults > 0);
}

#[test]
fn a_stale_result_is_dropped() {
    let mut state = State::new("demo", 80, 24, 0);
    let first = xray_tui::app::update::start(&mut state);
    let second = press(&mut state, Intent::Refresh);
    let (Command::LoadSummaries { request: old, .. }, Command::LoadSummaries { request: new, .. }) =
        (&first[0], &second[0])
    else {
        panic!("{first:?} {second:?}");
    };
    assert_ne!(old, new);
    let page = |n: usize| SummaryPage {
        summaries: demo().summaries[..n].to_vec(),
        done: true,
        ..SummaryPage::default()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *old,
            result: Ok(page(3)),
        },
    );
    assert!(
        state.list.summaries.is_empty(),
        "the superseded request's result is ignored"
    );
    assert!(state.list.loading);
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *new,
            result: Ok(page(5)),
        },
    );
    assert_eq!(state.list.summaries.len(), 5);
    assert!(!state.list.loading);
}

#[test]
fn moving_and_paging_keep_the_selection_on_screen() {
    let mut state = loaded_state(80, 24);
    let rows = screen::list_rows(80, 24);
    for _ in 0..3 {
        press(&mut state, Intent::Down);
    }
    assert_eq!(
        (state.list.cursor.selected, state.list.cursor.offset),
        (3, 0)
    );
    press(&mut state, Intent::PageDown);
    assert_eq!(state.list.cursor.selected, 3 + rows);
    assert_eq!(
        state.list.cursor.offset,
        state.list.cursor.selected + 1 - rows
    );
    press(&mut state, Intent::Bottom);
    let last = state.list.order.len() - 1;
    assert_eq!(state.list.cursor.selected, last);
    assert_eq!(state.list.cursor.offset, last + 1 - rows);
    press(&mut state, Intent::Down);
    assert_eq!(state.list.cursor.selected, last, "stops at the end");
    press(&mut state, Intent::Top);
    assert_eq!(
        (state.list.cursor.selected, state.list.cursor.offset),
        (0, 0)
    );
    press(&mut state, Intent::Up);
    assert_eq!(state.list.cursor.selected, 0);
}

#[test]
fn resizing_keeps_the_selection_visible() {
    let mut state = loaded_state(200, 60);
    for _ in 0..40 {
        press(&mut state, Intent::Down);
    }
    assert_eq!(state.list.cursor.offset, 0);
    update(
        &mut state,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    let rows = screen::list_rows(80, 24);
    assert!(state.list.cursor.offset <= 40 && 40 < state.list.cursor.offset + rows);
}

#[test]
fn sorting_selects_the_top_row_of_the_new_order() {
    let mut state = loaded_state(80, 24);
    for _ in 0..10 {
        press(&mut state, Intent::Down);
    }
    press(&mut state, Intent::SortNext);
    assert_eq!(state.list.sort, SortKey::ResponseTime);
    assert!(state.list.descending);
    assert_eq!(state.list.cursor.selected, 0);
    let slowest = state.list.row(0).unwrap().response_time.unwrap();
    let max = demo()
        .summaries
        .iter()
        .filter_map(|s| s.response_time)
        .fold(0.0, f64::max);
    assert_eq!(slowest, max);
    press(&mut state, Intent::SortReverse);
    assert!(!state.list.descending);
    assert_eq!(state.list.cursor.selected, 0);
    let fastest = state.list.row(0).unwrap().response_time;
    let min = demo()
        .summaries
        .iter()
        .filter_map(|s| s.response_time)
        .fold(f64::MAX, f64::min);
    // Traces still in progress have no response time and sort below every finished one.
    assert!(fastest.is_none() || fastest == Some(min));
    for _ in 0..5 {
        press(&mut state, Intent::SortNext);
    }
    assert_eq!(
        state.list.sort,
        SortKey::Time,
        "sorting cycles through every column"
    );
}

#[test]
fn opening_a_trace_asks_the_worker_and_shows_it() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::Down);
    let id = selected_id(&state);
    let commands = press(&mut state, Intent::Open);
    let [Command::LoadTrace { request, id: asked }] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    assert_eq!(asked, &id);
    assert_eq!(state.screen, Screen::Trace);
    assert!(
        state.trace.as_ref().unwrap().trace.is_none(),
        "loading until the worker answers"
    );

    let trace = Arc::clone(&demo().traces[&id]);
    update(
        &mut state,
        Action::TracesLoaded {
            request: request + 100,
            result: Ok(vec![Arc::clone(&trace)]),
        },
    );
    assert!(
        state.trace.as_ref().unwrap().trace.is_none(),
        "a result for another request is dropped"
    );
    update(
        &mut state,
        Action::TracesLoaded {
            request: *request,
            result: Ok(vec![trace]),
        },
    );
    let view = state.trace.as_ref().unwrap();
    assert_eq!(view.trace.as_ref().unwrap().id, id);

    press(&mut state, Intent::Bottom);
    let spans = demo().traces[&id].spans.len();
    assert_eq!(state.trace.as_ref().unwrap().selected, spans - 1);
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::List);
    assert_eq!(selected_id(&state), id, "back where we were");
    // Reopening the same trace needs no new request.
    assert!(press(&mut state, Intent::Open).is_empty());
    assert_eq!(state.screen, Screen::Trace);
}

#[test]
fn an_unknown_trace_says_so() {
    let mut state = loaded_state(80, 24);
    open_trace(&mut state, "1-00000000-000000000000000000000000");
    let view = state.trace.as_ref().unwrap();
    assert_eq!(
        view.error.as_deref(),
        Some("trace 1-00000000-000000000000000000000000 is not in demo")
    );
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::ToggleHelp);
    assert!(state.help_shown());
    press(&mut state, Intent::Down);
    assert!(state.help_shown(), "moving keys scroll the help");
    assert_eq!(
        (state.overlay.clone(), state.list.cursor.selected),
        (
            Some(Overlay::Help(Cursor {
                selected: 1,
                offset: 1
            })),
            0
        )
    );
    press(&mut state, Intent::Open);
    assert!(!state.help_shown());
    assert_eq!(
        state.screen,
        Screen::List,
        "the key that closes help does nothing else"
    );
    press(&mut state, Intent::ToggleHelp);
    assert_eq!(
        state.overlay,
        Some(Overlay::Help(Cursor::default())),
        "opens at the top"
    );
    press(&mut state, Intent::Quit);
    assert!(state.quit, "quit still quits from the help");
}

#[test]
fn q_in_the_help_over_the_list_closes_the_help_and_does_not_quit() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "?");
    assert!(state.help_shown());
    press_key(&mut state, "q");
    assert!(!state.quit, "q never quits through an overlay");
    assert!(!state.help_shown(), "any other key closes the help");
    press_key(&mut state, "?");
    press_key(&mut state, "esc");
    assert_eq!(
        (state.overlay.clone(), state.quit),
        (None, false),
        "Esc closes it"
    );
}

#[test]
fn ctrl_c_quits_from_the_help_over_the_waterfall() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::Trace);
    press_key(&mut state, "?");
    press_key(&mut state, "ctrl-c");
    assert!(state.quit, "Ctrl-C quits, whatever is open");
}

#[test]
fn the_help_scrolls_no_further_than_its_last_line() {
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "?");
    for _ in 0..500 {
        press_key(&mut state, "j");
    }
    let Some(Overlay::Help(bottom)) = state.overlay.clone() else {
        panic!("the help stays open while it scrolls")
    };
    assert!(bottom.offset > 0 && bottom.offset < 500, "{bottom:?}");
    press_key(&mut state, "k");
    let Some(Overlay::Help(after)) = state.overlay.clone() else {
        panic!()
    };
    assert_eq!(after.offset, bottom.offset - 1, "k moves up at once");
}

/// A list loaded with these summaries and one problem with the data.
fn loaded_with_a_problem(summaries: Vec<xray_tui::model::TraceSummary>) -> State {
    let mut state = State::new("2 paths", 80, 24, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        panic!()
    };
    let page = SummaryPage {
        summaries,
        problems: vec!["a.json:3:1: not valid JSON".into()],
        done: true,
        ..SummaryPage::default()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(page),
        },
    );
    state
}

#[test]
fn the_problems_popup_takes_every_key_and_the_mouse() {
    let mut state = loaded_with_a_problem(demo().summaries.clone());
    press_key(&mut state, "!");
    assert_eq!(state.overlay, Some(Overlay::Problems));
    press_key(&mut state, "j");
    assert_eq!(
        (state.overlay.clone(), state.list.cursor.selected),
        (None, 0),
        "a key closes the popup and does nothing else"
    );
    press_key(&mut state, "!");
    press_key(&mut state, "q");
    assert!(!state.quit, "q closes the popup, it does not quit");
    assert_eq!(state.overlay, None);
    press_key(&mut state, "!");
    press_key(&mut state, "esc");
    assert_eq!(state.overlay, None, "Esc closes it");
    press_key(&mut state, "!");
    let rows = screen::list_rows(80, 24);
    update(
        &mut state,
        Action::Mouse {
            pointer: Pointer::ScrollDown,
            column: 10,
            row: (rows / 2) as u16,
        },
    );
    assert_eq!(
        (state.overlay.clone(), state.list.cursor.selected),
        (Some(Overlay::Problems), 0),
        "the wheel does not reach the list under it"
    );
}

#[test]
fn load_problems_are_announced_and_listed() {
    let mut state = loaded_with_a_problem(Vec::new());
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "1 problem while loading; press ! to see it"
    );
    press(&mut state, Intent::ToggleProblems);
    assert_eq!(state.overlay, Some(Overlay::Problems));
    press(&mut state, Intent::ToggleProblems);
    assert_eq!(state.overlay, None);
}

#[test]
fn a_failed_load_keeps_what_was_shown() {
    let mut state = loaded_state(80, 24);
    let commands = press(&mut state, Intent::Refresh);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        panic!()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Err("network down".into()),
        },
    );
    assert_eq!(state.list.summaries.len(), demo().summaries.len());
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "network down (r reloads)",
        "the message names the key that asks again"
    );
}

fn prompt_key(state: &mut State, code: crossterm::event::KeyCode) -> Vec<Command> {
    update(state, Action::Key(crossterm::event::KeyEvent::from(code)))
}

#[test]
fn the_filter_bar_checks_as_you_type_and_applies_on_enter() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::Filter);
    common::type_keys(&mut state, "http.status > \"5\"");
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert!(hint.error);
    assert_eq!(hint.text, "expected a number after '>'");
    assert_eq!(hint.column, Some(14), "points at the string");
    // Enter does not apply a broken expression.
    assert!(prompt_key(&mut state, crossterm::event::KeyCode::Enter).is_empty());
    assert!(state.prompt().is_some());
    assert_eq!(state.list.filter, None);

    press_key(&mut state, "ctrl-u");
    assert_eq!(state.prompt().unwrap().text, "", "Ctrl-U clears the line");
    common::type_keys(&mut state, "service(\"payments\") { fault }");
    assert!(state.prompt().unwrap().hint.is_none());
    let commands = prompt_key(&mut state, crossterm::event::KeyCode::Enter);
    let filter = "service(\"payments\") { fault }".to_owned();
    assert!(
        matches!(&commands[0], Command::LoadSummaries { filter: Some(f), .. } if *f == filter),
        "{commands:?}"
    );
    assert_eq!(commands[1], Command::RememberFilter(filter.clone()));
    assert_eq!(state.list.filter.as_ref(), Some(&filter));
    assert_eq!(state.filter_history, std::slice::from_ref(&filter));

    // Up recalls the history; x clears the filter.
    press(&mut state, Intent::Filter);
    press_key(&mut state, "ctrl-u");
    prompt_key(&mut state, crossterm::event::KeyCode::Up);
    assert_eq!(state.prompt().unwrap().text, filter);
    prompt_key(&mut state, crossterm::event::KeyCode::Esc);
    let commands = press(&mut state, Intent::ClearFilter);
    assert!(matches!(
        &commands[0],
        Command::LoadSummaries { filter: None, .. }
    ));
}

#[test]
fn tab_completes_keywords_and_services() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::Filter);
    common::type_keys(&mut state, "respon");
    prompt_key(&mut state, crossterm::event::KeyCode::Tab);
    assert_eq!(state.prompt().unwrap().text, "responsetime");
    press_key(&mut state, "ctrl-u");
    common::type_keys(&mut state, "service(\"pay");
    prompt_key(&mut state, crossterm::event::KeyCode::Tab);
    assert_eq!(state.prompt().unwrap().text, "service(\"payments\"");
    press_key(&mut state, "ctrl-u");
    common::type_keys(&mut state, "servi");
    prompt_key(&mut state, crossterm::event::KeyCode::Tab);
    let prompt = state.prompt().unwrap();
    assert_eq!(
        prompt.text, "service(",
        "several services: completes what they share"
    );
    assert!(
        prompt
            .hint
            .as_ref()
            .unwrap()
            .text
            .contains("service(\"payments\")")
    );
}

#[test]
fn quick_filters_write_the_expression_for_the_selected_trace() {
    let mut state = loaded_state(80, 24);
    let slow = (0..state.list.order.len())
        .find(|&i| state.list.row(i).unwrap().response_time.is_some())
        .unwrap();
    for _ in 0..slow {
        press(&mut state, Intent::Down);
    }
    let summary = state.list.selected_summary().unwrap().clone();
    press(&mut state, Intent::QuickSlower);
    let expected = format!(
        "responsetime > {}",
        (summary.response_time.unwrap() * 1000.0).floor() / 1000.0
    );
    // Applied at once, with no prompt to confirm, as the map's drill-downs are.
    assert!(state.prompt().is_none());
    assert_eq!(state.list.filter.as_deref(), Some(expected.as_str()));
    assert!(xray_tui::filter::parse(&expected).is_ok());
    let message = &state.message.as_ref().unwrap().text;
    assert!(message.contains("Esc goes back"), "{message}");
    // Esc goes back to the list as it was.
    press(&mut state, Intent::Close);
    assert_eq!(state.list.filter, None);

    let summary = state.list.selected_summary().unwrap().clone();
    press(&mut state, Intent::QuickUrl);
    let url = state.list.filter.clone().unwrap();
    assert_eq!(
        url,
        format!("http.url = \"{}\"", summary.http.url.as_deref().unwrap())
    );
    // A second quick filter is added to the first, and Esc undoes only the second.
    press(&mut state, Intent::QuickFaults);
    assert_eq!(
        state.list.filter.clone().unwrap(),
        format!("{url} AND fault")
    );
    press(&mut state, Intent::Close);
    assert_eq!(state.list.filter.as_deref(), Some(url.as_str()));
    press_service(&mut state);
}

fn press_service(state: &mut State) {
    press(state, Intent::ClearFilter);
    press(state, Intent::QuickService);
    let text = state.list.filter.clone().unwrap();
    assert_eq!(
        text,
        format!(
            "service(\"{}\")",
            state
                .list
                .selected_summary()
                .unwrap()
                .entry_point
                .as_ref()
                .unwrap()
                .name
        )
    );
}

#[test]
fn the_faults_key_narrows_the_whole_current_filter() {
    let mut state = loaded_state(80, 24);
    let cases = [
        (
            r#"service("a") OR service("b")"#,
            r#"(service("a") OR service("b")) AND fault"#,
        ),
        ("!fault", "!fault AND fault"),
        ("error AND fault", "error AND fault"),
    ];
    for (current, expected) in cases {
        press(&mut state, Intent::Filter);
        press_key(&mut state, "ctrl-u");
        common::type_keys(&mut state, current);
        press_key(&mut state, "enter");
        assert_eq!(state.list.filter.as_deref(), Some(current));
        press(&mut state, Intent::QuickFaults);
        assert_eq!(state.list.filter.as_deref(), Some(expected), "{current}");
        press(&mut state, Intent::Close);
        assert_eq!(state.list.filter.as_deref(), Some(current), "{current}");
    }
}

#[test]
fn a_bad_config_file_is_listed_with_the_load_problems() {
    let mut state = State::new("demo", 80, 24, 0);
    state.config_problem = Some(
        "/home/u/.config/xray-tui/config.toml:2:1: unknown field `clipbord`; using the defaults"
            .into(),
    );
    let commands = xray_tui::app::update::start(&mut state);
    let Command::LoadSummaries { request, .. } = commands[0] else {
        panic!()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request,
            result: Ok(SummaryPage::default()),
        },
    );
    assert_eq!(state.problems.len(), 1);
    assert!(state.problems[0].contains("config.toml:2:1: unknown field `clipbord`"));
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "1 problem while loading; press ! to see it"
    );
}

fn type_text(state: &mut State, text: &str) -> Vec<Command> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| Action::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let mut commands = Vec::new();
    for c in text.chars() {
        commands.extend(update(state, key(KeyCode::Char(c))));
    }
    commands.extend(update(state, key(KeyCode::Enter)));
    commands
}

#[test]
fn the_time_range_is_typed_checked_and_sent_with_the_next_request() {
    use xray_tui::source::TimeRange;
    let mut state = loaded_state(100, 30);
    press(&mut state, Intent::ChangeTimeRange);
    let prompt = state.prompt().expect("the time range prompt");
    assert!(
        prompt
            .hint
            .as_ref()
            .unwrap()
            .text
            .starts_with("now all time")
    );
    let commands = type_text(&mut state, "ten minutes");
    assert!(
        commands.is_empty(),
        "a mistake is not applied: {commands:?}"
    );
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert!(
        hint.error && hint.text.contains("is not a length of time"),
        "{hint:?}"
    );
    press_key(&mut state, "ctrl-u");
    let commands = type_text(&mut state, "6h");
    assert!(state.prompt().is_none());
    assert!(
        matches!(
            commands.as_slice(),
            [Command::LoadSummaries { range: TimeRange::Last(s), .. }] if *s == 21_600.0
        ),
        "{commands:?}"
    );
    assert_eq!(state.range, TimeRange::Last(21_600.0));
    assert_eq!(state.message.as_ref().unwrap().text, "showing last 6h");
}

#[test]
fn the_status_bar_shows_what_the_source_waits_for() {
    let mut state = loaded_state(80, 24);
    let render = |state: &State| {
        let area = ratatui::layout::Rect::new(0, 0, 80, 24);
        let mut buffer = ratatui::buffer::Buffer::empty(area);
        xray_tui::ui::render_buffer(state, &mut buffer, area);
        buffer
    };
    let status = |activity: &str| {
        Action::SourceStatus(xray_tui::source::SourceStatus {
            activity: activity.into(),
            ..Default::default()
        })
    };
    update(&mut state, status("throttled by X-Ray; retrying in 1.6 s"));
    let screen = render(&state);
    let (x, y) = common::find(&screen, "throttled by X-Ray; retrying in 1.6 s")
        .expect("the activity on the status bar");
    assert_eq!(y, 23);
    assert!(x > 40, "on the right, beside the key hints: x = {x}");
    assert_eq!(common::find(&screen, "j/k move"), Some((1, 23)));
    update(&mut state, status(""));
    let screen = render(&state);
    assert!(common::find(&screen, "throttled").is_none());
    assert!(
        common::find(&screen, "demo").is_some(),
        "the source's name is back"
    );
}

#[test]
fn the_group_prompt_lists_the_groups_and_narrows_the_next_request() {
    let mut state = loaded_state(100, 30);
    let commands = press(&mut state, Intent::ChooseGroup);
    assert_eq!(commands, [Command::LoadGroups]);
    update(
        &mut state,
        Action::GroupsLoaded(Ok(vec!["Default".into(), "checkout".into()])),
    );
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert_eq!(hint.text, "groups: Default, checkout");
    let commands = type_text(&mut state, "checkout");
    assert!(
        matches!(
            commands.as_slice(),
            [Command::LoadSummaries { group: Some(g), .. }] if g == "checkout"
        ),
        "{commands:?}"
    );
    assert_eq!(state.group.as_deref(), Some("checkout"));
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "showing group checkout"
    );

    // An answer that comes after the prompt closed changes nothing.
    update(&mut state, Action::GroupsLoaded(Err("denied".into())));
    assert!(state.prompt().is_none());
}

#[test]
fn t_searches_all_spans_the_title_says_what_the_list_holds_and_r_reloads_the_source() {
    let mut state = loaded_state(120, 24);
    let commands = press_key(&mut state, "T");
    let [
        Command::LoadSummaries {
            request,
            all_spans: true,
            reload: false,
            ..
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}");
    };
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("searching all spans")
    );
    let page = SummaryPage {
        summaries: demo().summaries[..3].to_vec(),
        done: true,
        scope: Some("all spans in aws/spans · 3 spans matched · 1.2 MB scanned".into()),
        ..SummaryPage::default()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(page),
        },
    );
    let area = ratatui::layout::Rect::new(0, 0, 120, 24);
    let mut buffer = ratatui::buffer::Buffer::empty(area);
    xray_tui::ui::render_buffer(&state, &mut buffer, area);
    let screen = xray_tui::ui::buffer_text(&buffer);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines[0].contains("all spans in aws/spans · 3 spans matched · 1.2 MB scanned"),
        "{screen}"
    );
    assert!(lines[2].trim_end().ends_with("from aws/spans"), "{screen}");

    // The filter bar points at what a span cannot answer.
    press(&mut state, Intent::Filter);
    common::type_keys(&mut state, "fault AND partial");
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert!(hint.error);
    assert_eq!(hint.column, Some(10));
    assert!(
        hint.text
            .starts_with("all spans cannot be searched with partial"),
        "{}",
        hint.text
    );
    prompt_key(&mut state, crossterm::event::KeyCode::Esc);

    // `r` reloads what the source knows too; `T` again goes back to the indexed summaries.
    let commands = press(&mut state, Intent::Refresh);
    assert!(
        matches!(
            &commands[0],
            Command::LoadSummaries {
                reload: true,
                all_spans: true,
                ..
            }
        ),
        "{commands:?}"
    );
    let commands = press_key(&mut state, "T");
    assert!(
        matches!(
            &commands[0],
            Command::LoadSummaries {
                all_spans: false,
                ..
            }
        ),
        "{commands:?}"
    );
}

#[test]
fn a_group_the_source_does_not_have_is_refused_and_x_clears_a_chosen_one() {
    let mut state = loaded_state(80, 24);
    let commands = press_key(&mut state, "@");
    assert!(commands.contains(&Command::LoadGroups), "{commands:?}");
    update(&mut state, Action::GroupsLoaded(Ok(Vec::new())));
    common::type_keys(&mut state, "checkout");
    let commands = press_key(&mut state, "enter");
    assert!(commands.is_empty(), "nothing is loaded: {commands:?}");
    assert_eq!(state.group, None);
    let hint = state
        .prompt()
        .expect("the prompt stays open")
        .hint
        .clone()
        .unwrap();
    assert!(hint.error);
    assert_eq!(
        hint.text,
        "demo has no groups; an empty name means every trace"
    );
    press_key(&mut state, "esc");

    // A source with groups names them; one of them is taken.
    press_key(&mut state, "@");
    update(
        &mut state,
        Action::GroupsLoaded(Ok(vec!["Default".into(), "checkout".into()])),
    );
    common::type_keys(&mut state, "chekout");
    press_key(&mut state, "enter");
    assert_eq!(
        state.prompt().unwrap().hint.as_ref().unwrap().text,
        "no group \"chekout\" in demo; groups: Default, checkout"
    );
    press_key(&mut state, "ctrl-u");
    common::type_keys(&mut state, "checkout");
    let commands = press_key(&mut state, "enter");
    assert_eq!(state.group.as_deref(), Some("checkout"));
    assert!(matches!(
        commands.as_slice(),
        [Command::LoadSummaries { .. }]
    ));

    // `x` with no filter clears the group, and the list is asked for again.
    let commands = press_key(&mut state, "x");
    assert_eq!(state.group, None);
    assert!(matches!(
        commands.as_slice(),
        [Command::LoadSummaries { .. }]
    ));
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "group checkout cleared: showing every trace"
    );
}

#[test]
fn y_in_the_list_copies_the_selected_traces_id() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::Down);
    let id = selected_id(&state);
    let commands = press_key(&mut state, "y");
    assert_eq!(commands, [Command::Copy(id.clone())]);
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "copied the trace id to the clipboard"
    );
    assert_eq!(state.screen, Screen::List, "the list stays");
    state.clipboard = false;
    let commands = press_key(&mut state, "y");
    assert!(commands.is_empty());
    assert_eq!(
        state.message.as_ref().unwrap().text,
        format!("clipboard is off (--no-clipboard); trace id: {id}")
    );
}

#[test]
fn a_trace_id_pasted_into_a_prompt_opens_it_from_any_screen() {
    let xray = demo().summaries[5].id.clone();
    let w3c = xray.strip_prefix("1-").unwrap().replace('-', "");

    // The filter bar recognises it, offers it, and Enter opens it rather than filtering.
    let mut state = loaded_state(80, 24);
    press_key(&mut state, "f");
    common::type_keys(&mut state, &xray);
    let hint = state.prompt().unwrap().hint.clone().unwrap();
    assert!(!hint.error, "{hint:?}");
    assert_eq!(hint.text, format!("trace id {xray}: Enter opens it"));
    let commands = press_key(&mut state, "enter");
    assert!(
        matches!(commands.as_slice(), [Command::LoadTrace { id, .. }] if *id == xray),
        "{commands:?}"
    );
    assert_eq!(state.screen, Screen::Trace);
    assert_eq!(state.list.filter, None, "the filter is left as it was");

    // `O` from the map takes the W3C form.
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::ShowMap);
    assert_eq!(state.screen, Screen::Map);
    press_key(&mut state, "O");
    assert_eq!(
        state.prompt().unwrap().purpose,
        xray_tui::app::state::PromptPurpose::TraceId
    );
    common::type_keys(&mut state, "not-an-id");
    press_key(&mut state, "enter");
    let hint = state.prompt().expect("stays open").hint.clone().unwrap();
    assert!(hint.error);
    assert!(hint.text.starts_with("not a trace id"), "{}", hint.text);
    press_key(&mut state, "ctrl-u");
    common::type_keys(&mut state, &w3c.to_uppercase());
    let commands = press_key(&mut state, "enter");
    assert!(
        matches!(commands.as_slice(), [Command::LoadTrace { id, .. }] if *id == xray),
        "{commands:?}"
    );
    assert_eq!(state.screen, Screen::Trace);

    // The waterfall's search, too: the pasted id is opened, not searched for.
    open_trace(&mut state, &common::first_fault_trace_id());
    press_key(&mut state, "/");
    common::type_keys(&mut state, &xray);
    let commands = press_key(&mut state, "enter");
    assert!(matches!(commands.as_slice(), [Command::LoadTrace { id, .. }] if *id == xray));
    assert_eq!(state.trace.as_ref().unwrap().id, xray);
    assert!(state.trace.as_ref().unwrap().search.is_none());
}
