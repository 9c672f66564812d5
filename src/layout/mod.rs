//! Pure geometry: screen areas, waterfall scales. Nothing here draws.

pub mod columns;
pub mod graph;
pub mod icicle;
pub mod screen;
pub mod waterfall;
