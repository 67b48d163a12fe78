//! Pure types and rules: no I/O, no terminal, no async. Time is always passed in.

pub mod calendar;
pub mod dns;
pub mod drill;
pub mod failover;
pub mod health;
pub mod humanize;
pub mod ids;
pub mod last_drill;
pub mod level;
pub mod natural;
pub mod next_run;
pub mod point_choice;
pub mod policy;
pub mod region;
pub mod report;
pub mod request;
pub mod restore;
pub mod restore_point;
pub mod rto;
pub mod run_times;
pub mod schedule;
pub mod tenant;
#[cfg(test)]
pub(crate) mod test_support;
pub mod typed_time;
pub mod verify;
pub mod wire_enum;
pub mod workflow;

pub use health::{Flag, FlagKind, Health};
pub use level::Level;
pub use tenant::{Tenant, TenantId};
