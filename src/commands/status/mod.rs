//! `snapdeck status`: the fleet for scripts and monitoring, judged by the same code as the
//! screen — the same fleet, the same health, the same worst-first order — and the acting
//! side beside it: tickets past their acknowledgement deadline, restores past their RTO.
//!
//! Every format is written tenant by tenant into the writer it is given: 100 000 tenants
//! never become one document in memory.

pub mod acting;
mod command;
mod json;
mod nagios;
pub mod read;
mod table;

use std::io::{self, Write};

use chrono::{DateTime, Utc};

pub use acting::{Acting, Lists, Page, PageKind};
pub use command::command;

use crate::domain::Level;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::region::exposure::RegionExposure;
use crate::fleet::Fleet;
use crate::fleet::view::FleetView;
use crate::source::Unread;

/// Exit code when snapdeck cannot judge at all (bad arguments or config, source unreachable,
/// output not writable): a monitoring system must read that as UNKNOWN, never as red.
pub const CANNOT_JUDGE: u8 = 3;

/// Everything `status` prints: the fleet judged, the parts of the source never read, and
/// the acting side.
pub struct Status<'a> {
    pub fleet: &'a Fleet,
    pub unread: &'a [Unread],
    pub acting: &'a Acting,
    /// Each region's status and what its failure now would cost.
    pub exposure: &'a [RegionExposure],
}

impl Status<'_> {
    /// Exit codes of a monitoring check: CRITICAL outranks UNKNOWN outranks WARNING. A part of
    /// the source never read is UNKNOWN: what it holds cannot be judged, so it is never OK.
    pub fn exit_code(&self) -> u8 {
        let s = self.fleet.summary();
        let acting = self.acting.level();
        let region_down = self.fleet.regions().all_down().next().is_some();
        if s.red > 0 || acting == Level::Red || region_down {
            2
        } else if s.unknown > 0 || !self.unread.is_empty() || acting == Level::Unknown {
            3
        } else if s.amber > 0 || acting == Level::Amber {
            1
        } else {
            0
        }
    }

    /// `{"generated_at", "refresh_interval_seconds", "summary", "unread", "acting",
    /// "tenants": [<contract tenant> + observed_at + health]}`, streamed; indented when
    /// `pretty` (a terminal), compact for a script.
    pub fn write_json(
        &self,
        out: &mut impl Write,
        problems_only: bool,
        refresh_interval_seconds: i64,
        pretty: bool,
    ) -> io::Result<()> {
        json::write(out, self, problems_only, refresh_interval_seconds, pretty)
    }

    /// A plain-text table, the pages first, then one line per tenant, worst first.
    pub fn write_table(
        &self,
        out: &mut impl Write,
        problems_only: bool,
        now: DateTime<Utc>,
    ) -> io::Result<()> {
        table::write(out, self, problems_only, now)
    }

    /// One status line and perfdata, as Nagios, Icinga and Checkmk read a plugin's output.
    pub fn write_nagios(&self, out: &mut impl Write) -> io::Result<()> {
        nagios::write(out, self)
    }
}

/// The fleet alone as JSON, as a source that keeps no restores would print it (benchmarks).
pub fn write_json(
    out: &mut impl Write,
    fleet: &Fleet,
    unread: &[Unread],
    problems_only: bool,
    refresh_interval_seconds: i64,
) -> io::Result<()> {
    let acting = Acting::not_kept();
    let exposure = Vec::new();
    let status = Status {
        fleet,
        unread,
        acting: &acting,
        exposure: &exposure,
    };
    status.write_json(out, problems_only, refresh_interval_seconds, false)
}

/// The acting side as read: judged at `now` against the fleet's tenants (their slugs and
/// tiers), unread, or not kept by the source.
pub fn judge_acting(
    read: Option<Result<Lists, String>>,
    fleet: &Fleet,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Acting {
    let lookup = |id: &crate::domain::TenantId| {
        let tenant = fleet.tenant(fleet.position(id)?);
        Some((tenant.slug.to_string(), tenant.tier.clone()))
    };
    match read {
        None => Acting::not_kept(),
        Some(Err(why)) => Acting::unread(why),
        Some(Ok(lists)) => acting::judge(&lists, &lookup, calendar, now),
    }
}

/// Fleet rows in the screen's order, optionally only the non-OK ones.
fn ordered(fleet: &Fleet, problems_only: bool) -> Vec<usize> {
    let mut view = FleetView::default();
    view.rebuild(fleet);
    view.rows()
        .iter()
        .filter(|r| !r.context_only)
        .map(|r| r.tenant)
        .filter(|&i| !problems_only || fleet.health(i).level != Level::Ok)
        .collect()
}

/// "3 red, 5 unknown, 9 amber": the problems, worst first.
fn problem_counts(s: &crate::fleet::Summary) -> String {
    format!("{} red, {} unknown, {} amber", s.red, s.unknown, s.amber)
}
