//! The list's `/`: a span query said as an X-Ray filter expression where it can be, searched
//! over the loaded traces where it cannot (and the message says so), with its mistakes
//! pointed at.

mod common;

use common::{demo, loaded_state};
use xray_tui::app::action::SpanSearchResult;
use xray_tui::app::state::PromptPurpose;
use xray_tui::app::{Action, Command, Intent, State, update};
use xray_tui::filter::span_query;

fn search(state: &mut State, text: &str) -> Vec<Command> {
    update(state, Action::Intent(Intent::Search));
    assert_eq!(state.prompt().unwrap().purpose, PromptPurpose::ListSearch);
    common::press_key(state, "ctrl-u");
    common::type_keys(state, text);
    common::press_key(state, "enter")
}

/// The list's title line, drawn.
fn ui_title(state: &State) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(
        state.width,
        state.height,
    ))
    .unwrap();
    terminal
        .draw(|frame| xray_tui::ui::render(state, frame))
        .unwrap();
    let text = xray_tui::ui::buffer_text(terminal.backend().buffer());
    text.lines().next().unwrap_or_default().to_owned()
}

fn listed_ids(state: &State) -> Vec<String> {
    (0..state.list.order.len())
        .map(|i| state.list.row(i).unwrap().id.clone())
        .collect()
}

#[test]
fn what_x_ray_can_say_becomes_the_list_s_filter() {
    let mut state = loaded_state(120, 40);
    let commands = search(&mut state, "service=cart status=fault");
    let filter = "service(\"cart\") AND fault";
    assert!(
        commands.iter().any(|c| matches!(
            c,
            Command::LoadSummaries { filter: Some(f), .. } if f == filter
        )),
        "{commands:?}"
    );
    assert_eq!(state.list.filter.as_deref(), Some(filter));
    assert!(state.list.span_search.is_none());
    assert_eq!(
        state.message.as_ref().unwrap().text,
        format!("X-Ray lists the traces: filter {filter}")
    );
}

#[test]
fn what_it_cannot_say_is_searched_over_the_loaded_traces() {
    let mut state = loaded_state(120, 40);
    let listed = state.list.order.len();
    let commands = search(&mut state, "name=price-format duration>1ms");
    let [
        Command::SearchSpans {
            request,
            ids,
            query,
        },
    ] = commands.as_slice()
    else {
        panic!("searched in the worker: {commands:?}");
    };
    assert_eq!(ids.len(), listed.min(500));
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains(&format!("searching {} loaded traces locally", ids.len()))
    );
    // What the worker finds.
    let parsed = span_query::parse(query).unwrap();
    let matching: Vec<String> = ids
        .iter()
        .filter(|id| {
            let trace = &demo().traces[*id];
            (0..trace.spans.len()).any(|i| span_query::matches(&parsed, trace, i))
        })
        .cloned()
        .collect();
    assert!(!matching.is_empty() && matching.len() < ids.len());
    update(
        &mut state,
        Action::SpanSearchDone {
            request: *request,
            result: Ok(SpanSearchResult {
                matching: matching.clone(),
                searched: ids.len(),
            }),
        },
    );
    let title = ui_title(&state);
    assert!(
        title.contains(&format!("{} traces", matching.len()))
            && title.contains("with a span matching name=price-format duration>1ms"),
        "{title}"
    );
    let mut shown = listed_ids(&state);
    shown.sort();
    let mut expected = matching.clone();
    expected.sort();
    assert_eq!(shown, expected);
    assert_eq!(
        state.message.as_ref().unwrap().text,
        format!(
            "{} traces have a span matching \"name=price-format duration>1ms\" (searched {} loaded traces locally)",
            matching.len(),
            ids.len()
        )
    );
    // An empty search lists every loaded trace again.
    let commands = search(&mut state, "");
    assert!(commands.is_empty());
    assert_eq!(state.list.order.len(), listed);
}

#[test]
fn a_mistake_keeps_the_prompt_open_pointing_at_its_column() {
    let mut state = loaded_state(120, 40);
    let commands = search(&mut state, "service=cart duration>soon");
    assert!(commands.is_empty());
    let prompt = state.prompt().expect("still open");
    let hint = prompt.hint.clone().unwrap();
    assert!(hint.error);
    assert_eq!(hint.column, Some(22));
    assert!(
        hint.text.contains("compares with a duration"),
        "{}",
        hint.text
    );
    assert!(state.list.filter.is_none());
}

#[test]
fn on_the_generated_50_000_span_trace_each_form_finds_what_a_scan_finds() {
    let trace = xray_tui::synthetic::trace(50_000, 7);
    let found = |query: &str| -> Vec<usize> {
        let query = span_query::parse(query).unwrap();
        (0..trace.spans.len())
            .filter(|&i| span_query::matches(&query, &trace, i))
            .collect()
    };
    let scan = |keep: &dyn Fn(&xray_tui::model::Span) -> bool| -> Vec<usize> {
        (0..trace.spans.len())
            .filter(|&i| keep(&trace.spans[i]))
            .collect()
    };
    let duration = |s: &xray_tui::model::Span| s.end().map(|e| e - s.start());
    let slow = found("duration>50ms");
    assert!(!slow.is_empty());
    assert_eq!(slow, scan(&|s| duration(s).is_some_and(|d| d > 0.05)));
    assert_eq!(
        found("duration<=50ms"),
        scan(&|s| duration(s).is_some_and(|d| d <= 0.05))
    );
    let faults = found("status=fault");
    assert!(!faults.is_empty());
    assert_eq!(faults, scan(&|s| s.segment.fault));
    let name = trace.spans[faults[0]].name().to_owned();
    assert_eq!(
        found(&format!("name={name} status!=ok")),
        scan(&|s| s.name() == name && s.status() != xray_tui::model::Status::Ok)
    );
    assert_eq!(
        found("-http.url"),
        scan(&|s| s
            .segment
            .http
            .as_ref()
            .and_then(|h| h.request.as_ref())
            .and_then(|r| r.url.as_ref())
            .is_none())
    );
    assert_eq!(found(&format!("\"{name}\"")), found(&name.to_lowercase()));
}
