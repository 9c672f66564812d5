//! The service map through update() and on screen: loading, navigation, edges, drill-down,
//! compact mode, a trace's own map, and the headless `--print map`.

mod common;

use std::sync::Arc;

use common::{demo, loaded_state};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use xray_tui::app::map::{MapModel, lay_out};
use xray_tui::app::{Action, Command, Intent, Screen, State, update};

fn press(state: &mut State, intent: Intent) -> Vec<Command> {
    update(state, Action::Intent(intent))
}

/// Opens the demo's service map as the worker would answer it.
fn map_state(width: u16, height: u16) -> State {
    let mut state = loaded_state(width, height);
    let commands = press(&mut state, Intent::ShowMap);
    let [
        Command::LoadMap {
            request,
            trace: None,
            ..
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    assert_eq!(state.screen, Screen::Map);
    let model = Arc::new(MapModel::of(&demo().graph));
    let drawing = Arc::new(lay_out(model, false, false));
    update(
        &mut state,
        Action::MapLoaded {
            request: *request,
            result: Ok(drawing),
        },
    );
    state
}

/// `/`, the text, Enter: as a user finds a node.
fn find_node(state: &mut State, text: &str) {
    press(state, Intent::Search);
    for c in text.chars() {
        update(
            state,
            Action::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    update(
        state,
        Action::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
}

fn selected_name(state: &State) -> String {
    let view = state.map.as_ref().unwrap();
    view.drawing().unwrap().model.nodes[view.selected]
        .name
        .clone()
}

fn render(state: &State) -> (Buffer, String) {
    let area = Rect::new(0, 0, state.width, state.height);
    let mut buffer = Buffer::empty(area);
    xray_tui::ui::render_buffer(state, &mut buffer, area);
    let text = xray_tui::ui::buffer_text(&buffer);
    (buffer, text)
}

#[test]
fn the_map_opens_on_the_entry_service() {
    let state = map_state(200, 50);
    let view = state.map.as_ref().unwrap();
    let model = &view.drawing().unwrap().model;
    assert!(
        model.nodes[view.selected].root,
        "starts on an entry service"
    );
    let names: Vec<&str> = model.nodes.iter().map(|n| n.name.as_str()).collect();
    for service in [
        "shop-api/prod",
        "web-frontend",
        "orders",
        "payments",
        "inventory",
        "api.paymentprovider.example",
    ] {
        assert!(names.contains(&service), "{service} missing from {names:?}");
    }
}

#[test]
fn moving_edges_and_drilling_down() {
    let mut state = map_state(200, 50);
    let start = selected_name(&state);
    press(&mut state, Intent::MapRight);
    let right = selected_name(&state);
    assert_ne!(
        right, start,
        "there is a node to the right of the entry service"
    );
    press(&mut state, Intent::MapLeft);
    assert_eq!(selected_name(&state), start);

    // Tab walks the selected node's edges.
    press(&mut state, Intent::NextEdge);
    let view = state.map.as_ref().unwrap();
    let model = Arc::clone(&view.drawing().unwrap().model);
    let edge = view.edge.unwrap();
    assert!(model.edges[edge].from == view.selected || model.edges[edge].to == view.selected);
    let commands = press(&mut state, Intent::Open);
    let expected = format!(
        "edge(\"{}\", \"{}\")",
        model.nodes[model.edges[edge].from].name, model.nodes[model.edges[edge].to].name
    );
    assert_eq!(state.screen, Screen::List);
    assert_eq!(state.list.filter.as_deref(), Some(expected.as_str()));
    assert!(
        matches!(&commands[0], Command::LoadSummaries { filter: Some(f), .. } if *f == expected)
    );
    assert!(xray_tui::filter::parse(&expected).is_ok());

    // Esc goes back to the map (it is kept) with the list as it was; find payments and list
    // its faults.
    press(&mut state, Intent::Close);
    assert_eq!(state.list.filter, None);
    assert_eq!(state.screen, Screen::Map);
    find_node(&mut state, "paym");
    assert_eq!(selected_name(&state), "payments");
    press(&mut state, Intent::QuickFaults);
    assert_eq!(
        state.list.filter.as_deref(),
        Some("service(\"payments\") { fault }")
    );
}

#[test]
fn compact_mode_is_laid_out_once_and_kept() {
    let mut state = map_state(120, 40);
    let commands = press(&mut state, Intent::ToggleCompact);
    let [
        Command::LayoutMap {
            request,
            model,
            compact: true,
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    let drawing = Arc::new(lay_out(Arc::clone(model), true, false));
    update(
        &mut state,
        Action::MapLaidOut {
            request: *request,
            drawing,
        },
    );
    let view = state.map.as_ref().unwrap();
    assert!(view.compact && view.drawing().unwrap().compact);
    assert!(
        press(&mut state, Intent::ToggleCompact).is_empty(),
        "normal mode is cached"
    );
    assert!(
        press(&mut state, Intent::ToggleCompact).is_empty(),
        "and so is compact mode now"
    );
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::List);
}

#[test]
fn a_traces_own_map_returns_to_its_waterfall() {
    let mut state = loaded_state(120, 40);
    let id = common::first_fault_trace_id();
    common::open_trace(&mut state, &id);
    let commands = press(&mut state, Intent::ShowMap);
    assert!(
        matches!(&commands[..], [Command::LoadMap { trace: Some(t), .. }] if *t == id),
        "{commands:?}"
    );
    press(&mut state, Intent::Close);
    assert_eq!(state.screen, Screen::Trace);
}

#[test]
fn the_demo_map_on_screen() {
    let mut state = map_state(200, 50);
    let (buffer, text) = render(&state);
    insta::assert_snapshot!("demo_map_200x50", text);
    assert!(text.contains("shop-api/prod"));
    // The payments node is drawn in the fault colour.
    let (x, y) = common::find(&buffer, "payments").expect("payments on screen");
    let border = (0..x)
        .rev()
        .find(|&bx| ["│", "┃"].contains(&buffer[(bx, y)].symbol()))
        .unwrap();
    assert_eq!(buffer[(border, y)].fg, ratatui::style::Color::Red);
    // Move until the provider is selected: its details show the faults.
    find_node(&mut state, "paymentprovider");
    let (_, text) = render(&state);
    assert!(text.contains("✖ fault"), "{text}");
    assert!(text.contains("response times"), "{text}");
}

#[test]
fn the_panel_counts_in_the_right_number_and_names_a_client_once() {
    let mut state = loaded_state(200, 50);
    let commands = press(&mut state, Intent::ShowMap);
    let [Command::LoadMap { request, .. }] = commands.as_slice() else {
        panic!("{commands:?}")
    };
    let mut model = MapModel::of(&demo().graph);
    let client = model
        .nodes
        .iter()
        .position(|n| n.kind == "client")
        .unwrap_or(0);
    let node = &mut model.nodes[client];
    node.kind = "client".into();
    node.name = "lonely-client".into();
    node.health.requests = 1;
    node.health.ok = 0;
    node.health.errors = 0;
    node.health.throttles = 0;
    node.health.faults = 1;
    let drawing = Arc::new(lay_out(Arc::new(model), false, false));
    update(
        &mut state,
        Action::MapLoaded {
            request: *request,
            result: Ok(drawing),
        },
    );
    find_node(&mut state, "lonely-client");
    assert_eq!(selected_name(&state), "lonely-client");
    let (_, screen) = render(&state);
    assert!(screen.contains("│ 1 request"), "{screen}");
    assert!(!screen.contains("1 requests"), "{screen}");
    assert!(!screen.contains("client client"), "{screen}");
}
