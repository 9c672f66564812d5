//! The analytics views on the demo: the response-time histogram and its band filters, groups
//! (the incident's faults by root cause), and the comparison of two sets; driven by actions,
//! then drawn into a TestBackend for snapshots and colour checks.

mod common;

use common::{demo, loaded_state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use xray_tui::analytics::group::Dimension;
use xray_tui::app::state::PromptPurpose;
use xray_tui::app::{Action, Command, Intent, Screen, State, update};
use xray_tui::source::SummaryPage;
use xray_tui::ui;

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

fn render(state: &State) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|frame| ui::render(state, frame)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    ui::buffer_text(buffer)
}

/// The demo traces a filter selects, as the demo source answers it.
fn matching(filter: Option<&str>) -> Vec<xray_tui::model::TraceSummary> {
    let Some(filter) = filter else {
        return demo().summaries.clone();
    };
    let expr = xray_tui::filter::parse(filter).unwrap();
    demo()
        .summaries
        .iter()
        .filter(|s| {
            let trace = &demo().traces[&s.id];
            xray_tui::filter::matches(&expr, trace, s)
        })
        .cloned()
        .collect()
}

/// Runs the list request among `commands` against the demo.
fn answer(state: &mut State, commands: &[Command]) {
    let Some(Command::LoadSummaries {
        request, filter, ..
    }) = commands
        .iter()
        .find(|c| matches!(c, Command::LoadSummaries { .. }))
    else {
        panic!("no list request in {commands:?}");
    };
    let summaries = matching(filter.as_deref());
    let page = SummaryPage {
        processed: Some(demo().summaries.len() as u64),
        summaries,
        done: true,
        problems: Vec::new(),
        scope: None,
    };
    update(
        state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(page),
        },
    );
}

/// Applies a filter as typing it into the prompt would.
fn filter_to(state: &mut State, expression: &str) {
    press(state, Intent::Filter);
    common::press_key(state, "ctrl-u");
    common::type_keys(state, expression);
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    let commands = update(state, Action::Key(enter));
    answer(state, &commands);
}

fn groups_by(state: &mut State, dimension: &Dimension) {
    press(state, Intent::ShowGroups);
    assert_eq!(state.screen, Screen::Groups);
    for _ in 0..40 {
        if state.analytics.groups.as_ref().unwrap().dimension() == dimension {
            return;
        }
        press(state, Intent::NextDimension);
    }
    panic!("no dimension {dimension:?}");
}

#[test]
fn the_incidents_faults_group_under_the_payment_providers_exception() {
    let mut state = loaded_state(80, 24);
    filter_to(&mut state, "fault");
    let faults = demo().summaries.iter().filter(|s| s.has_fault).count();
    assert_eq!(state.list.summaries.len(), faults);
    // A list of faults opens on their root causes.
    press(&mut state, Intent::ShowGroups);
    let view = state.analytics.groups.as_ref().unwrap();
    assert_eq!(view.dimension(), &Dimension::FaultCause);
    let top = &view.groups[0];
    assert_eq!(
        top.label,
        "requests.exceptions.ReadTimeout in api.paymentprovider.example"
    );
    let labels: Vec<&str> = view.groups.iter().map(|g| g.label.as_str()).collect();
    assert!(
        labels.contains(&"PaymentProviderTimeout in api.paymentprovider.example"),
        "{labels:?}"
    );
    assert_eq!(
        view.groups.iter().map(|g| g.stats.count).sum::<usize>(),
        faults
    );
    assert!(
        top.stats.percentiles.p50.unwrap() > 10.0,
        "the provider times out after 10 s"
    );
    assert_eq!(top.fault_rate(), 1.0);
    let top_count = top.stats.count;

    // Enter narrows the list with a filter the source applies: the group, and the traces that
    // also have that root cause besides the first one (the group is by the first).
    let commands = press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::List);
    let filter = state.list.filter.clone().unwrap();
    assert_eq!(
        filter,
        r#"fault AND rootcause.fault.service { last AND name = "api.paymentprovider.example" } AND rootcause.fault.exception { first AND name = "requests.exceptions.ReadTimeout" }"#
    );
    assert!(commands.contains(&Command::RememberFilter(filter.clone())));
    answer(&mut state, &commands);
    assert!(state.list.summaries.len() >= top_count);
    assert_eq!(
        state.list.order.len(),
        top_count,
        "the list keeps to the group's own traces"
    );
    let message = &state.message.as_ref().unwrap().text;
    assert!(
        message.starts_with(&format!("listing the group's {top_count} traces")),
        "{message}"
    );
}

#[test]
fn a_fault_cause_groups_drill_down_lists_exactly_its_traces() {
    let mut state = loaded_state(80, 24);
    groups_by(&mut state, &Dimension::FaultCause);
    let view = state.analytics.groups.as_ref().unwrap();
    let group = view
        .groups
        .iter()
        .position(|g| g.label.starts_with("requests.exceptions.ReadTimeout"))
        .expect("the provider's timeouts");
    let members: std::collections::HashSet<String> =
        view.groups[group].ids.iter().cloned().collect();
    let count = view.groups[group].stats.count;
    for _ in 0..group {
        press(&mut state, Intent::Down);
    }
    let commands = press(&mut state, Intent::Open);
    answer(&mut state, &commands);
    let listed: Vec<&xray_tui::model::TraceSummary> = (0..state.list.order.len())
        .map(|i| state.list.row(i).unwrap())
        .collect();
    assert_eq!(listed.len(), count, "as many as the group counts");
    assert!(
        listed
            .iter()
            .all(|s| s.has_fault && members.contains(&s.id))
    );
    let title = text(&render(&state));
    assert!(
        title.contains("19 of 677 traces  only group requests.exceptions."),
        "the header names the narrowing:\n{title}"
    );
    // Clearing the filter clears the narrowing too.
    let commands = press(&mut state, Intent::ClearFilter);
    answer(&mut state, &commands);
    assert_eq!(state.list.order.len(), demo().summaries.len());
}

#[test]
fn grouping_the_demo_by_url_folds_ids_and_sorts_by_any_column() {
    let mut state = loaded_state(80, 24);
    groups_by(&mut state, &Dimension::Url);
    let view = state.analytics.groups.as_ref().unwrap();
    let labels: Vec<&str> = view.groups.iter().map(|g| g.label.as_str()).collect();
    let api = "https://k7x2m9q4ab.execute-api.eu-west-1.amazonaws.com/prod";
    assert_eq!(labels[0], format!("{api}/products/{{id}}"));
    assert!(
        labels.contains(&format!("{api}/orders/{{id}}").as_str()),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.contains("ord_")),
        "order ids are folded: {labels:?}"
    );
    let total: usize = demo().summaries.len();
    let counted: usize = view.groups.iter().map(|g| g.stats.count).sum();
    assert_eq!(counted, total, "each trace has one root URL");
    // Sorted by fault rate, checkout (where the payment provider fails) leads the URLs.
    for _ in 0..5 {
        press(&mut state, Intent::SortNext);
    }
    let view = state.analytics.groups.as_ref().unwrap();
    assert_eq!(view.sort, xray_tui::analytics::group::GroupSort::FaultRate);
    assert_eq!(view.groups[0].label, format!("{api}/checkout"));
    // The selection follows its group through sorts.
    press(&mut state, Intent::Down);
    let selected = state
        .analytics
        .groups
        .as_ref()
        .unwrap()
        .selected_group()
        .unwrap()
        .label
        .clone();
    press(&mut state, Intent::SortReverse);
    let view = state.analytics.groups.as_ref().unwrap();
    assert_eq!(view.selected_group().unwrap().label, selected);
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::List);
}

#[test]
fn the_histogram_band_writes_a_response_time_filter() {
    let mut state = loaded_state(80, 24);
    let rows_before = xray_tui::layout::screen::list_rows_with_histogram(80, 24, false);
    press(&mut state, Intent::ToggleHistogram);
    assert!(state.analytics.histogram_shown);
    let histogram = &state.analytics.histogram;
    let last = histogram.buckets.len() - 1;
    assert_eq!(
        state.analytics.band,
        (last, last),
        "the slowest bucket first"
    );
    let counted: usize = histogram.buckets.iter().map(|b| b.total()).sum();
    assert_eq!(counted + histogram.without_time, demo().summaries.len());
    assert!(xray_tui::layout::screen::list_rows_with_histogram(80, 24, true) < rows_before);

    press(&mut state, Intent::BandFaster);
    press(&mut state, Intent::BandWiden);
    assert_eq!(state.analytics.band, (last - 1, last));
    press(&mut state, Intent::BandFaster);
    assert_eq!(state.analytics.band, (last - 2, last - 1));
    press(&mut state, Intent::BandNarrow);
    assert_eq!(state.analytics.band, (last - 2, last - 2));
    for _ in 0..3 {
        press(&mut state, Intent::BandSlower);
    }
    assert_eq!(
        state.analytics.band,
        (last, last),
        "the band stops at the end"
    );
    press(&mut state, Intent::BandFaster);
    press(&mut state, Intent::FilterBand);
    let prompt = state.prompt().unwrap();
    assert_eq!(prompt.purpose, PromptPurpose::Filter);
    assert_eq!(prompt.text, "responsetime >= 5 AND responsetime < 10");
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    let commands = update(&mut state, Action::Key(enter));
    answer(&mut state, &commands);
    let expected = state
        .analytics
        .histogram
        .count_in(0, state.analytics.histogram.buckets.len() - 1);
    assert!(state.list.summaries.iter().all(|s| {
        let t = s.response_time.unwrap();
        (5.0..10.0).contains(&t)
    }));
    assert_eq!(
        state.list.summaries.len(),
        expected,
        "the new list's histogram counts it all"
    );
    press(&mut state, Intent::ToggleHistogram);
    assert!(!state.analytics.histogram_shown);
}

#[test]
fn comparing_all_traces_with_the_faults() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::ShowCompare);
    assert_eq!(state.screen, Screen::List, "nothing marked yet");
    assert!(state.message.as_ref().unwrap().text.contains("A marks"));
    press(&mut state, Intent::MarkSet);
    filter_to(&mut state, "fault");
    press(&mut state, Intent::ShowCompare);
    assert_eq!(state.screen, Screen::Compare);
    let view = state.analytics.compare.as_ref().unwrap();
    let faults = demo().summaries.iter().filter(|s| s.has_fault).count();
    assert_eq!(view.comparison.a.count, demo().summaries.len());
    assert_eq!(view.comparison.b.count, faults);
    assert_eq!(view.comparison.b.fault_rate(), 1.0);
    assert_eq!(view.label, "fault");
    assert!(view.comparison.b.percentiles.p50 > view.comparison.a.percentiles.p50);
    // By URL, checkout's share grew the most: the faults are checkouts.
    let top = &view.comparison.shifts[0];
    assert!(top.label.ends_with("/prod/checkout"), "{top:?}");
    assert!(top.delta() > 0.5);
    // By root cause, the payment provider's exceptions grew from almost nothing.
    for _ in 0..5 {
        press(&mut state, Intent::NextDimension);
    }
    let view = state.analytics.compare.as_ref().unwrap();
    assert_eq!(view.dimension(), &Dimension::FaultCause);
    let labels: Vec<&str> = view
        .comparison
        .shifts
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(labels[0], "(no fault)");
    assert!(
        labels[1].contains("api.paymentprovider.example"),
        "{labels:?}"
    );
    assert!(view.comparison.shifts[1].delta() > 0.4);

    // Enter narrows B to the selected group; a URL pattern's filter says it is the closest.
    press(&mut state, Intent::PreviousDimension);
    press(&mut state, Intent::PreviousDimension);
    press(&mut state, Intent::PreviousDimension);
    press(&mut state, Intent::PreviousDimension);
    press(&mut state, Intent::PreviousDimension);
    let commands = press(&mut state, Intent::Open);
    assert_eq!(state.screen, Screen::List);
    assert_eq!(
        state.list.filter.as_deref(),
        Some(
            r#"fault AND http.url BEGINSWITH "https://k7x2m9q4ab.execute-api.eu-west-1.amazonaws.com/prod/checkout""#
        )
    );
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("closest filter")
    );
    answer(&mut state, &commands);
    assert_eq!(state.list.summaries.len(), 29);
}

#[test]
fn histogram_snapshots_and_colours() {
    for (width, height) in [(80, 24), (200, 60)] {
        let mut state = loaded_state(width, height);
        press(&mut state, Intent::ToggleHistogram);
        let buffer = render(&state);
        let screen = text(&buffer);
        insta::assert_snapshot!(format!("histogram_{width}x{height}"), screen);
        assert!(
            screen
                .lines()
                .nth(1)
                .unwrap()
                .contains("Response time  band 10s–20s: 24 traces · 24 faults")
        );
        assert!(screen.contains("200ms"));
        // The list's header moved below the histogram.
        let header = xray_tui::layout::screen::histogram_height(ratatui::layout::Rect::new(
            0,
            0,
            width,
            height - 1,
        )) + 1;
        assert!(
            screen
                .lines()
                .nth(header as usize)
                .unwrap()
                .starts_with("Time")
        );
        // The slowest bucket holds the incident's faults: its bar is red, on the band's grey.
        let axis_y = header - 1;
        let bar_y = axis_y - 1;
        let axis = screen.lines().nth(axis_y as usize).unwrap();
        let column_of = |label: &str| {
            let at = axis.find(&format!(" {label}")).unwrap() + 1;
            axis[..at].chars().count() as u16
        };
        let label_x = column_of("10s");
        let cell = &buffer[(label_x, bar_y)];
        assert_eq!(cell.symbol(), "█");
        assert_eq!(cell.fg, Color::Red);
        assert_eq!(cell.bg, Color::DarkGray);
        // The tallest bar, of quick ok requests, is green at its top and off the band.
        let top = 2;
        let tallest_x = (6..width)
            .find(|&x| buffer[(x, top)].symbol() != " ")
            .unwrap();
        assert_eq!(buffer[(tallest_x, top)].fg, Color::Green);
        assert_eq!(buffer[(tallest_x, top)].bg, Color::Reset);
    }
}

#[test]
fn group_by_snapshots_and_colours() {
    let mut state = loaded_state(80, 24);
    filter_to(&mut state, "fault");
    press(&mut state, Intent::ShowGroups);
    let buffer = render(&state);
    let screen = text(&buffer);
    insta::assert_snapshot!("group_by_fault_root_cause_80x24", screen);
    assert!(screen.contains("Group by  fault root cause  4 groups of 34 traces"));
    assert!(
        screen
            .lines()
            .nth(2)
            .unwrap()
            .contains("requests.exceptions.ReadT")
    );
    assert!(screen.contains("Enter lists it"));
    let (x, y) = common::find(&buffer, "100%").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Red, "fault rates are red");
    assert_eq!(
        buffer[(0, 2)].bg,
        Color::DarkGray,
        "the selected group is highlighted"
    );

    let mut state = loaded_state(200, 60);
    groups_by(&mut state, &Dimension::Url);
    let buffer = render(&state);
    let screen = text(&buffer);
    insta::assert_snapshot!("group_by_url_200x60", screen);
    assert!(screen.contains("URL  on k7x2m9q4ab.execute-api.eu-west-1.amazonaws.com"));
    assert!(screen.contains(" /prod/orders/{id} "));
    assert!(screen.contains("Share of traces"));
}

#[test]
fn compare_snapshot_and_colours() {
    let mut state = loaded_state(80, 24);
    press(&mut state, Intent::MarkSet);
    filter_to(&mut state, "fault");
    press(&mut state, Intent::ShowCompare);
    let buffer = render(&state);
    let screen = text(&buffer);
    insta::assert_snapshot!("compare_80x24", screen);
    assert!(screen.contains("fault rate   5.0% (34)"));
    assert!(screen.contains(" /prod/checkout "));
    let (x, y) = common::find(&buffer, "+95.0 pts").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Cyan, "a growing share stands out");
    let (x, y) = common::find(&buffer, "100% (34)").unwrap();
    assert_eq!(buffer[(x, y)].fg, Color::Red);
}

#[test]
fn hostile_group_labels_are_cleaned_before_drawing() {
    let mut state = State::new("test", 80, 24, 0);
    let commands = xray_tui::app::update::start(&mut state);
    let mut summary = demo().summaries[0].clone();
    summary.http.method = Some("GET\u{1b}[31mX".into());
    let Command::LoadSummaries { request, .. } = &commands[0] else {
        panic!()
    };
    update(
        &mut state,
        Action::SummariesLoaded {
            request: *request,
            result: Ok(SummaryPage {
                summaries: vec![summary],
                done: true,
                ..SummaryPage::default()
            }),
        },
    );
    groups_by(&mut state, &Dimension::Method);
    let screen = text(&render(&state));
    assert!(screen.contains("GET␛[31mX"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
}

#[test]
fn ascii_draws_the_analytics_views_without_glyphs() {
    let mut list = loaded_state(80, 24);
    press(&mut list, Intent::ToggleHistogram);
    let mut groups = loaded_state(200, 60);
    groups_by(&mut groups, &Dimension::Url);
    let mut compare = loaded_state(80, 24);
    press(&mut compare, Intent::MarkSet);
    filter_to(&mut compare, "fault");
    press(&mut compare, Intent::ShowCompare);
    for mut state in [list, groups, compare] {
        state.ascii = true;
        let screen = text(&render(&state));
        let glyphs: Vec<char> = screen
            .chars()
            .filter(|c| !c.is_ascii())
            .filter(|c| {
                xray_tui::ui::ascii::replacement(&c.to_string()).is_some()
                    || "▁▂▃▄▅▆▇█■┤–…µ".contains(*c)
            })
            .collect();
        assert!(glyphs.is_empty(), "{glyphs:?}\n{screen}");
    }
}
