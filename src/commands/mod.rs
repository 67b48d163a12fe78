//! The commands added beside the dashboard's own, one module each (`report`, `completions`,
//! `man`); `main.rs` only routes to them. Each depends downward (config, sources, domain,
//! journal), never on the dashboard's app.

pub mod completions;
pub mod man;
pub mod report;
