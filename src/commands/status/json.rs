//! `status --json`: one document, streamed tenant by tenant.

use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Acting, Page, Status, ordered};
use crate::domain::region::exposure::RegionExposure;
use crate::domain::{Health, Level, Tenant};
use crate::fleet::Fleet;

/// Indented for a person (`pretty`), compact for a script: at 100 000 tenants the indentation
/// is a third of 157 MB, and of the time.
pub(super) fn write(
    out: &mut impl Write,
    status: &Status<'_>,
    problems_only: bool,
    refresh_interval_seconds: i64,
    pretty: bool,
) -> io::Result<()> {
    let doc = Document {
        status,
        rows: ordered(status.fleet, problems_only),
        refresh_interval_seconds,
    };
    match pretty {
        true => serde_json::to_writer_pretty(&mut *out, &doc),
        false => serde_json::to_writer(&mut *out, &doc),
    }
    .map_err(io::Error::from)?;
    out.write_all(b"\n")
}

struct Document<'a> {
    status: &'a Status<'a>,
    rows: Vec<usize>,
    refresh_interval_seconds: i64,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fleet = self.status.fleet;
        let summary = fleet.summary();
        let mut map = s.serialize_map(Some(8))?;
        map.serialize_entry("generated_at", &fleet.evaluated_at())?;
        map.serialize_entry("refresh_interval_seconds", &self.refresh_interval_seconds)?;
        map.serialize_entry(
            "summary",
            &LevelCounts(Level::ALL.map(|l| (l.as_str(), summary.count(l)))),
        )?;
        let unread: Vec<UnreadPart> = self
            .status
            .unread
            .iter()
            .map(|u| UnreadPart {
                part: &u.part,
                why: &u.why,
            })
            .collect();
        map.serialize_entry("unread", &unread)?;
        map.serialize_entry("acting", &ActingPart::of(self.status.acting))?;
        map.serialize_entry("regions_not_reported", &fleet.regions().not_offered())?;
        let regions: Vec<RegionPart> = self.status.exposure.iter().map(RegionPart::of).collect();
        map.serialize_entry("regions", &regions)?;
        map.serialize_entry(
            "tenants",
            &Tenants {
                fleet,
                rows: &self.rows,
            },
        )?;
        map.end()
    }
}

/// A region: its status as the control plane reports it (`null`: not reported) and what its
/// failure now would cost, in seconds of data lost.
#[derive(Serialize)]
struct RegionPart<'a> {
    name: &'a str,
    status: Option<&'a str>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    message: Option<&'a str>,
    dedicated: usize,
    standard: usize,
    /// Dedicated tenants with a copy they can be restored from in their secondary region.
    with_copy: usize,
    /// Of those, how many losses are lower bounds (the summary does not name the point).
    loss_bounded: usize,
    data_loss_p50_seconds: Option<i64>,
    data_loss_max_seconds: Option<i64>,
    worst: Vec<Exposed<'a>>,
    no_copy: Vec<NoCopy<'a>>,
}

#[derive(Serialize)]
struct Exposed<'a> {
    slug: &'a str,
    tenant_id: &'a str,
    data_loss_seconds: i64,
    exact: bool,
}

#[derive(Serialize)]
struct NoCopy<'a> {
    slug: &'a str,
    tenant_id: &'a str,
    why: &'a str,
}

impl<'a> RegionPart<'a> {
    fn of(r: &'a RegionExposure) -> Self {
        let region = r.region.as_ref();
        RegionPart {
            name: &r.name,
            status: region.map(|r| r.status.as_str()),
            since: region.and_then(|r| r.since),
            message: region.and_then(|r| r.message.as_deref()),
            dedicated: r.dedicated,
            standard: r.standard,
            with_copy: r.with_copy,
            loss_bounded: r.bounded,
            data_loss_p50_seconds: r.p50.map(|d| d.num_seconds()),
            data_loss_max_seconds: r.max.map(|d| d.num_seconds()),
            worst: r
                .worst
                .iter()
                .map(|e| Exposed {
                    slug: &e.slug,
                    tenant_id: &e.tenant.0,
                    data_loss_seconds: e.loss.num_seconds(),
                    exact: e.exact,
                })
                .collect(),
            no_copy: r
                .no_copy
                .iter()
                .map(|n| NoCopy {
                    slug: &n.slug,
                    tenant_id: &n.tenant.0,
                    why: &n.why,
                })
                .collect(),
        }
    }
}

/// A part of the source never read: its tenants are missing from `tenants`.
#[derive(Serialize)]
struct UnreadPart<'a> {
    part: &'a str,
    why: &'a str,
}

/// The acting side; `null` for a source that keeps no restores nor tickets.
#[derive(Serialize)]
struct ActingPart<'a> {
    restoring: usize,
    awaiting_confirmation: usize,
    /// Why the restores and tickets could not be read.
    unread: Option<&'a str>,
    pages: &'a [Page],
}

impl<'a> ActingPart<'a> {
    fn of(acting: &'a Acting) -> Option<ActingPart<'a>> {
        acting.known.then(|| ActingPart {
            restoring: acting.active.restoring,
            awaiting_confirmation: acting.active.awaiting,
            unread: acting.unread.as_deref(),
            pages: &acting.pages,
        })
    }
}

struct LevelCounts([(&'static str, usize); 5]);

impl Serialize for LevelCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (level, count) in &self.0 {
            map.serialize_entry(level, count)?;
        }
        map.end()
    }
}

struct Tenants<'a> {
    fleet: &'a Fleet,
    rows: &'a [usize],
}

impl Serialize for Tenants<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let now = self.fleet.evaluated_at();
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for &i in self.rows {
            // `observed_at` filled in, so a script can tell which tenants are stale and
            // recompute their flags as of that instant.
            let mut tenant = self.fleet.tenant(i).clone();
            tenant.observed_at = now.and_then(|now| self.fleet.observed_at(i, now));
            seq.serialize_element(&TenantWithHealth {
                tenant: &tenant,
                health: self.fleet.health(i),
            })?;
        }
        seq.end()
    }
}

/// The contract's tenant object with the health beside it.
#[derive(Serialize)]
struct TenantWithHealth<'a> {
    #[serde(flatten)]
    tenant: &'a Tenant,
    health: &'a Health,
}
