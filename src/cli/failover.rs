//! `snapdeck failover plan | run | resume` (README, "Failing a region over").

use clap::{Args, Subcommand};

use super::options::{ConfigFile, DemoOptions, ReadOnly, SourceChoice};

#[derive(Debug, Subcommand)]
pub enum FailoverAction {
    /// Plan a region's failover: every active Dedicated tenant of the region with its point
    /// (newest copied to its secondary region), data loss and expected restore time, in
    /// launch order, and when each is back against the 4 h RTO counted from the outage's
    /// start. Writes nothing. Exits 0, or 1 when some would be past the RTO.
    Plan {
        #[command(flatten)]
        plan: PlanArgs,
        /// Fail back: the same plan for the spokes batch BATCH created, into their original
        /// region, from their newest copy there.
        #[arg(long, value_name = "BATCH")]
        fail_back: Option<String>,
        /// One JSON document instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Launch the plan as one batch: up to N restores at once, each checked at awaiting
    /// confirmation. Exits 0 all swapped, 1 some awaiting a person, 2 some failed, 3 could
    /// not run.
    Run {
        #[command(flatten)]
        plan: PlanArgs,
        #[command(flatten)]
        run: RunArgs,
        /// The region's name again, typed: a failover is launched on purpose.
        #[arg(long, value_name = "REGION")]
        confirm: Option<String>,
        /// Fail back the spokes of batch BATCH into their original region instead.
        #[arg(long, value_name = "BATCH")]
        fail_back: Option<String>,
        /// A test failover: run the plan as drills (throwaway -drill- spokes in the secondary
        /// region, checked, recorded, discarded) on a region that is up, and report the
        /// measured times against the projection.
        #[arg(long)]
        drill: bool,
        #[command(flatten)]
        read_only: ReadOnly,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Take up a batch an earlier run left (stopped, killed, or waiting for a person): what
    /// may not have left is sent again with the same keys; no tenant is restored twice.
    Resume {
        /// The batch (fo_…), as `failover run` named it.
        #[arg(long, value_name = "BATCH")]
        batch: String,
        /// Launch every failed restore of the batch again (a new idempotency key each).
        #[arg(long)]
        retry_failed: bool,
        /// Confirm this tenant's restore whatever its checks said (typed on purpose, after
        /// reading them), by slug (repeatable).
        #[arg(long = "confirm-tenant", value_name = "SLUG")]
        confirm_tenants: Vec<String>,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        file: ConfigFile,
        #[command(flatten)]
        read_only: ReadOnly,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
}

/// What a plan is made of.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub file: ConfigFile,
    /// The region failed over.
    #[arg(long, value_name = "REGION", required_unless_present = "fail_back")]
    pub region: Option<String>,
    /// Only tenants whose secondary region is this one.
    #[arg(long, value_name = "REGION")]
    pub to: Option<String>,
    /// Restores at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub parallel: u16,
    /// Leave this tenant out, by slug (repeatable).
    #[arg(long = "exclude", value_name = "SLUG")]
    pub exclude: Vec<String>,
}

/// How far a run goes without a person.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Confirm every restore whose checks all passed (the others wait for a person).
    #[arg(long)]
    pub confirm_passed: bool,
    /// Swap DNS for every confirmed restore.
    #[arg(long)]
    pub swap_dns: bool,
    /// The summary as one JSON document.
    #[arg(long)]
    pub json: bool,
}

impl FailoverAction {
    /// The shared options this action was given.
    pub fn options(&self) -> super::Dashboard {
        let (file, read_only, source, demo) = match self {
            FailoverAction::Plan {
                plan, source, demo, ..
            } => (&plan.file, None, source, demo),
            FailoverAction::Run {
                plan,
                read_only,
                source,
                demo,
                ..
            } => (&plan.file, Some(read_only), source, demo),
            FailoverAction::Resume {
                file,
                read_only,
                source,
                demo,
                ..
            } => (file, Some(read_only), source, demo),
        };
        super::Dashboard {
            file: file.clone(),
            source: source.clone(),
            demo: demo.clone(),
            read_only: read_only.cloned().unwrap_or_default(),
            ..super::Dashboard::default()
        }
    }
}
