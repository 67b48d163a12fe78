//! Failing a region over (DESIGN.md, "Region outage mode"): the plan of which Dedicated
//! tenants are restored in their secondary region, from what, in which order, how long each
//! is expected to take, and the projection of when each is back against its RTO, counted from
//! the outage's start. Pure: the tenants, their points and the clock are passed in.

pub mod estimate;
pub mod plan;
pub mod projection;

#[cfg(test)]
mod tests;

pub use estimate::{Basis, Estimate, Rates};
pub use plan::{LeftOut, Plan, PlanScope, Planned, PlannedPoint, Points, batch_id, plan};
pub use projection::{Projection, project};
