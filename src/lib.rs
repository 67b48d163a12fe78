//! snapdeck: backup health, restores and DNS swaps of a multi-tenant Moodle fleet, in a terminal.
//!
//! Data flows one way: source → update message → app state → view (DESIGN.md).

pub mod clock;
pub mod domain;
pub mod source;
