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

/// Lays out what the update asked for, as the worker would, and hands it back.
fn lay_out_requested(state: &mut State, commands: Vec<Command>) {
    for command in commands {
        if let Command::LayoutMap {
            request,
            model,
            compact,
        } = command
        {
            let drawing = Arc::new(lay_out(model, compact, false));
            update(state, Action::MapLaidOut { request, drawing });
        }
    }
}

fn shown_names(state: &State) -> Vec<String> {
    let view = state.map.as_ref().unwrap();
    let model = &view.drawing().unwrap().model;
    model.nodes.iter().map(|n| n.name.clone()).collect()
}

/// The names of the nodes one call away from `name` in the whole demo map, either way.
fn neighbours(name: &str) -> Vec<String> {
    let model = MapModel::of(&demo().graph);
    let at = model.nodes.iter().position(|n| n.name == name).unwrap();
    let mut names: Vec<String> = model
        .edges
        .iter()
        .filter_map(|e| match (e.from == at, e.to == at) {
            (true, _) => Some(model.nodes[e.to].name.clone()),
            (_, true) => Some(model.nodes[e.from].name.clone()),
            _ => None,
        })
        .collect();
    names.push(name.to_owned());
    names.sort();
    names.dedup();
    names
}

#[test]
fn focus_shows_a_node_with_its_callers_and_callees_and_widens() {
    let mut state = map_state(200, 50);
    let whole = shown_names(&state).len();
    find_node(&mut state, "orders");
    assert_eq!(selected_name(&state), "orders");
    let commands = press(&mut state, Intent::ToggleFocus);
    lay_out_requested(&mut state, commands);
    let mut shown = shown_names(&state);
    shown.sort();
    shown.dedup();
    assert_eq!(shown, neighbours("orders"));
    assert_eq!(selected_name(&state), "orders", "the selection stays");
    assert!(
        !shown.contains(&"shop-api/prod".to_owned()),
        "two hops away"
    );
    let (_, screen) = render(&state);
    assert!(screen.contains("focus: orders ±1 (of 20)"), "{screen}");

    let commands = press(&mut state, Intent::WidenFocus);
    lay_out_requested(&mut state, commands);
    let wider = shown_names(&state);
    assert!(wider.len() > shown.len(), "{wider:?}");
    assert!(wider.contains(&"shop-api/prod".to_owned()));
    let commands = press(&mut state, Intent::NarrowFocus);
    lay_out_requested(&mut state, commands);
    assert_eq!(shown_names(&state).len(), neighbours("orders").len());
    // Narrower than one hop it does not go.
    assert!(press(&mut state, Intent::NarrowFocus).is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("already 1 hops")
    );

    let commands = press(&mut state, Intent::ToggleFocus);
    lay_out_requested(&mut state, commands);
    assert_eq!(shown_names(&state).len(), whole);
    assert_eq!(selected_name(&state), "orders");
}

#[test]
fn a_late_layout_of_an_older_focus_is_dropped() {
    let mut state = map_state(200, 50);
    find_node(&mut state, "orders");
    let first = press(&mut state, Intent::ToggleFocus);
    let second = press(&mut state, Intent::ToggleFocus);
    lay_out_requested(&mut state, second);
    lay_out_requested(&mut state, first);
    assert_eq!(
        shown_names(&state).len(),
        20,
        "the whole map, asked for last"
    );
}

#[test]
fn keys_pressed_before_the_layout_arrives_keep_the_node_in_focus() {
    let mut state = map_state(200, 50);
    find_node(&mut state, "orders");
    let focus = press(&mut state, Intent::ToggleFocus);
    let widen = press(&mut state, Intent::WidenFocus);
    lay_out_requested(&mut state, focus);
    lay_out_requested(&mut state, widen);
    assert_eq!(selected_name(&state), "orders");
    let (_, screen) = render(&state);
    assert!(screen.contains("focus: orders ±2"), "{screen}");
}

#[test]
fn widening_without_a_focus_says_how_to_focus() {
    let mut state = map_state(200, 50);
    assert!(press(&mut state, Intent::WidenFocus).is_empty());
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "f first focuses on the selected node"
    );
}

#[test]
fn folding_a_type_makes_one_box_and_unfolding_restores_it() {
    let mut state = map_state(200, 50);
    find_node(&mut state, "recommendations");
    let view = state.map.as_ref().unwrap();
    let model = Arc::clone(&view.drawing().unwrap().model);
    let kind = model.nodes[view.selected].kind.clone();
    let members = model.nodes.iter().filter(|n| n.kind == kind).count();
    assert!(members > 1, "{kind}");
    let commands = press(&mut state, Intent::FoldType);
    lay_out_requested(&mut state, commands);
    let group = xray_tui::app::map_scope::group_name(&kind, members);
    assert_eq!(selected_name(&state), group, "the group is selected");
    let shown = shown_names(&state);
    assert_eq!(shown.len(), 20 - members + 1);
    let view = state.map.as_ref().unwrap();
    let node = &view.drawing().unwrap().model.nodes[view.selected];
    assert_eq!(node.members, members);
    // A group is no service to list traces of.
    assert!(press(&mut state, Intent::Open).is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("T unfolds it")
    );

    let commands = press(&mut state, Intent::FoldType);
    lay_out_requested(&mut state, commands);
    assert_eq!(shown_names(&state).len(), 20);
    assert_eq!(model.nodes[state.map.as_ref().unwrap().selected].kind, kind);
}

#[test]
fn search_centres_the_match_and_n_finds_the_next() {
    let mut state = map_state(80, 24);
    find_node(&mut state, "payment");
    let first = selected_name(&state);
    assert!(first.contains("payment"), "{first}");
    let view = state.map.as_ref().unwrap();
    let drawing = view.drawing().unwrap();
    let node = drawing.layout.nodes[view.selected];
    let area = Rect::new(0, 0, 80, 24);
    let canvas = xray_tui::layout::screen::map(xray_tui::layout::screen::body(area)).canvas;
    let centre_x = node.x + node.width / 2;
    let centre_y = node.y + node.height / 2;
    let far = |extent: u16, room: u16| extent.saturating_sub(room);
    assert_eq!(
        view.scroll.0,
        centre_x
            .saturating_sub(canvas.width / 2)
            .min(far(drawing.layout.width, canvas.width))
    );
    assert_eq!(
        view.scroll.1,
        centre_y
            .saturating_sub(canvas.height / 2)
            .min(far(drawing.layout.height, canvas.height))
    );
    assert!(view.scroll.0 > 0, "the match is off the first screen");

    press(&mut state, Intent::NextMatch);
    let second = selected_name(&state);
    assert!(second.contains("payment") && second != first, "{second}");
    press(&mut state, Intent::PreviousMatch);
    assert_eq!(selected_name(&state), first);
}

#[test]
fn n_without_a_search_says_how_to_search() {
    let mut state = map_state(80, 24);
    press(&mut state, Intent::NextMatch);
    assert_eq!(
        state.message.as_ref().unwrap().text,
        "/ finds a node by name first"
    );
}

/// The map with `orders` in focus, or with the Lambda types folded, at a size.
fn scoped_map(width: u16, height: u16, intent: Intent, node: &str) -> State {
    let mut state = map_state(width, height);
    find_node(&mut state, node);
    let commands = press(&mut state, intent);
    lay_out_requested(&mut state, commands);
    state.message = None;
    state
}

#[test]
fn focused_and_folded_maps_on_screen() {
    use ratatui::style::Modifier;
    use xray_tui::model::Status;
    use xray_tui::ui::theme;
    for (width, height) in [(80, 24), (200, 60)] {
        for (name, intent, node) in [
            ("focused", Intent::ToggleFocus, "orders"),
            ("folded", Intent::FoldType, "recommendations"),
        ] {
            let state = scoped_map(width, height, intent, node);
            let (buffer, screen) = render(&state);
            insta::assert_snapshot!(format!("{name}_map_{width}x{height}"), screen);
            // The scope is named in the title, in the accent colour.
            let label = if name == "focused" {
                "focus: orders"
            } else {
                "folded:"
            };
            let (x, y) = common::find(&buffer, label).unwrap_or_else(|| panic!("{screen}"));
            assert_eq!(buffer[(x, y)].fg, theme::accent().fg.unwrap());
            // The selected box is drawn heavy, in the colour of its health.
            let view = state.map.as_ref().unwrap();
            let selected = &view.drawing().unwrap().model.nodes[view.selected];
            let (x, y) = common::find(&buffer, "┏").unwrap_or_else(|| panic!("{screen}"));
            assert_eq!(
                buffer[(x, y)].fg,
                theme::status(selected.health.status()).fg.unwrap()
            );
            assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
            if selected.health.faults > 0 {
                assert_eq!(selected.health.status(), Status::Fault);
            }
        }
    }
}

#[test]
fn the_side_panel_s_sparklines_draw_every_bucket_to_the_newest() {
    let state = map_state(200, 50);
    let (buffer, text) = render(&state);
    let panel = &state
        .insights
        .map_health
        .as_ref()
        .expect("sparklines")
        .panel;
    let series = panel
        .health
        .series(xray_tui::analytics::timeline::Measure::FaultRate);
    let (x, y) = common::find(&buffer, "fault %").unwrap_or_else(|| panic!("{text}"));
    let bars: Vec<&str> = (x + 11..200)
        .map(|c| buffer[(c, y)].symbol())
        .take_while(|s| *s != "↑")
        .collect();
    let column = ((42 - 19) / series.len() as u16).clamp(1, 6) as usize;
    let drawn = bars.iter().filter(|s| "▁▂▃▄▅▆▇█".contains(**s)).count();
    assert_eq!(drawn, series.iter().flatten().count() * column, "{text}");
    // The newest bucket is on screen.
    assert!(series.last().unwrap().is_some());
}

#[test]
fn the_calls_of_an_insight_s_impact_graph_are_marked_on_the_map() {
    let mut state = map_state(200, 50);
    let (before, _) = render(&state);
    let model = &state.map.as_ref().unwrap().drawing().unwrap().model;
    let quiet = model
        .edges
        .iter()
        .find(|e| e.health.faults == 0 && e.from != 0 && e.to != 0)
        .expect("an edge without faults, away from the entry");
    let call = (
        model.nodes[quiet.from].name.clone(),
        model.nodes[quiet.to].name.clone(),
    );
    state.insights.impact_edges = vec![call.clone()];
    let (after, text) = render(&state);
    let changed: Vec<_> = after
        .content
        .iter()
        .zip(&before.content)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .collect();
    assert!(!changed.is_empty(), "{call:?} is not marked:\n{text}");
    for cell in changed {
        assert_eq!(cell.fg, ratatui::style::Color::Red, "{call:?}");
        assert!(cell.modifier.contains(ratatui::style::Modifier::BOLD));
    }
}

/// The map the list's filter asks for, answered as the demo's source would.
fn map_of_filter(state: &mut State) -> Arc<MapModel> {
    let commands = press(state, Intent::ShowMap);
    let [
        Command::LoadMap {
            request,
            trace: None,
            filter,
            ..
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}")
    };
    assert_eq!(
        filter, &state.list.filter,
        "the map is asked with the list's filter"
    );
    let graph = xray_tui::source::query::graph_of(demo(), None, filter.as_deref()).unwrap();
    let model = Arc::new(MapModel::of(&graph));
    let drawing = Arc::new(lay_out(Arc::clone(&model), false, false));
    let request = *request;
    update(
        state,
        Action::MapLoaded {
            request,
            result: Ok(drawing),
        },
    );
    model
}

#[test]
fn the_map_follows_the_lists_filter_and_says_so() {
    let whole = MapModel::of(&demo().graph);
    let mut state = loaded_state(200, 50);
    press(&mut state, Intent::Filter);
    common::type_keys(&mut state, "service(\"recommendations\")");
    common::press_key(&mut state, "enter");
    let model = map_of_filter(&mut state);
    let names: Vec<&str> = model.nodes.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"recommendations"), "{names:?}");
    assert!(
        model.nodes.len() < whole.nodes.len(),
        "only the services of the listed traces: {names:?}"
    );
    assert!(!names.contains(&"payments"), "{names:?}");
    let (_, text) = render(&state);
    let title = text.lines().next().unwrap();
    assert!(
        title.contains("map of the traces matching service(\"recommendations\")"),
        "{title}"
    );

    // Another filter asks for another map; no filter, the whole one again.
    press(&mut state, Intent::Close);
    press(&mut state, Intent::ClearFilter);
    let model = map_of_filter(&mut state);
    assert_eq!(model.nodes.len(), whole.nodes.len());
    let (_, text) = render(&state);
    assert!(
        text.lines().next().unwrap().contains("service map of"),
        "{text}"
    );

    // Where the source cannot narrow its map (X-Ray's GetServiceGraph), the title says so.
    state.map_follows_filter = false;
    press(&mut state, Intent::Close);
    press(&mut state, Intent::QuickFaults);
    map_of_filter(&mut state);
    let (_, text) = render(&state);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("every service: X-Ray's map does not follow the filter"),
        "{text}"
    );
}
