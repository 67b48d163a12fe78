//! snapdeck: backup health, restores and DNS swaps of a multi-tenant Moodle fleet, in a terminal.
//!
//! Data flows one way: source → update message → app state → view (docs/architecture.md).

pub mod app;
pub mod cli;
pub mod clipboard;
pub mod clock;
pub mod commands;
pub mod config;
pub mod contract;
pub mod domain;
pub mod fleet;
pub mod journal;
pub mod logging;
pub mod ops;
pub mod serve;
pub mod source;
pub mod theme;
mod toml_error;
pub mod tui;
pub mod ui;
pub mod verify;
