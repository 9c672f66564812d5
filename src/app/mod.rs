//! The app: plain state, the actions that change it, and the pure update function.

pub mod action;
pub mod details;
pub mod keymap;
pub mod map;
pub mod state;
pub mod trace_view;
pub mod update;

pub use action::{Action, Command, Intent, RequestId};
pub use state::{Screen, State};
pub use update::update;
