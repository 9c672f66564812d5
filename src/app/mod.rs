//! The app: plain state, the actions that change it, and the pure update function.

pub mod action;
pub mod analysis;
pub mod analytics;
pub mod columns;
pub mod cursor;
pub mod details;
pub mod diff;
pub mod help;
pub mod insights;
pub mod keymap;
pub mod keys;
pub mod map;
pub mod map_scope;
pub mod mouse;
pub mod overlay;
pub mod state;
pub mod trace_view;
pub mod update;
pub mod xray_health;
pub mod xray_insights;

pub use action::{Action, Command, Intent, Pointer, RequestId};
pub use state::{Screen, State};
pub use update::update;
