//! `snapdeck status`: the fleet for scripts and monitoring, judged by the same code as the
//! screen — the same fleet, the same health, the same worst-first order.
//!
//! Every format is written tenant by tenant into the writer it is given: 100 000 tenants
//! never become one document in memory.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::app::fleet::{Fleet, Summary};
use crate::app::view::FleetView;
use crate::domain::humanize::count;
use crate::domain::{Health, Level, Tenant};
use crate::source::Unread;
use crate::ui::format::{coarse_age, next_run};

/// Exit codes of a monitoring check: CRITICAL outranks UNKNOWN outranks WARNING. A part of
/// the source never read is UNKNOWN: what it holds cannot be judged, so it is never OK.
pub fn exit_code(fleet: &Fleet, unread: &[Unread]) -> u8 {
    let s = fleet.summary();
    if s.red > 0 {
        2
    } else if s.unknown > 0 || !unread.is_empty() {
        3
    } else if s.amber > 0 {
        1
    } else {
        0
    }
}

/// Exit code when snapdeck cannot judge at all (bad arguments or config, source unreachable,
/// output not writable): a monitoring system must read that as UNKNOWN, never as red.
pub const CANNOT_JUDGE: u8 = 3;

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

/// `{"generated_at", "refresh_interval_seconds", "summary", "tenants": [<contract tenant>
/// + observed_at + health]}`, streamed.
pub fn write_json(
    out: &mut impl Write,
    fleet: &Fleet,
    unread: &[Unread],
    problems_only: bool,
    refresh_interval_seconds: i64,
) -> io::Result<()> {
    let doc = Document {
        fleet,
        unread,
        rows: ordered(fleet, problems_only),
        refresh_interval_seconds,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

struct Document<'a> {
    fleet: &'a Fleet,
    unread: &'a [Unread],
    rows: Vec<usize>,
    refresh_interval_seconds: i64,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let summary = self.fleet.summary();
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("generated_at", &self.fleet.evaluated_at())?;
        map.serialize_entry("refresh_interval_seconds", &self.refresh_interval_seconds)?;
        map.serialize_entry(
            "summary",
            &LevelCounts(Level::ALL.map(|l| (l.as_str(), summary.count(l)))),
        )?;
        let unread: Vec<UnreadPart> = self
            .unread
            .iter()
            .map(|u| UnreadPart {
                part: &u.part,
                why: &u.why,
            })
            .collect();
        map.serialize_entry("unread", &unread)?;
        map.serialize_entry(
            "tenants",
            &Tenants {
                fleet: self.fleet,
                rows: &self.rows,
            },
        )?;
        map.end()
    }
}

/// A part of the source never read: its tenants are missing from `tenants`.
#[derive(Serialize)]
struct UnreadPart<'a> {
    part: &'a str,
    why: &'a str,
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

/// A plain-text table, one line per tenant, worst first.
pub fn write_table(
    out: &mut impl Write,
    fleet: &Fleet,
    unread: &[Unread],
    problems_only: bool,
    now: DateTime<Utc>,
) -> io::Result<()> {
    let s = fleet.summary();
    writeln!(
        out,
        "{}: {}, {} info, {} ok; {} running",
        count(s.tenants, "tenant"),
        problem_counts(&s),
        s.info,
        s.ok,
        count(s.restores_running, "restore"),
    )?;
    for part in unread {
        writeln!(out, "UNREAD: {part}: its tenants are not counted")?;
    }
    writeln!(
        out,
        "{:<9} {:<32} {:<10} {:<15} {:<14} {:<14} FLAGS",
        "LEVEL", "TENANT", "TIER", "REGION", "LAST SUCCESS", "NEXT RUN"
    )?;
    for i in ordered(fleet, problems_only) {
        let t = fleet.tenant(i);
        let h = fleet.health(i);
        // Problems alone are listed flat: an indented spoke under an unlisted hub reads wrong.
        let name = if problems_only || t.is_hub() {
            t.slug.clone()
        } else {
            format!("  {}", t.slug)
        };
        let last = t
            .backup
            .last_success
            .as_ref()
            .map_or("never".to_string(), |l| coarse_age(now, l.taken_at));
        let (next, _) = next_run(t, now);
        let flags: Vec<&str> = h.flags.iter().map(|f| f.kind.id()).collect();
        let level = format!("{} {}", h.level.glyph(), h.level.word());
        writeln!(
            out,
            "{level:<9} {name:<32} {:<10} {:<15} {last:<14} {next:<14} {}",
            t.tier_label(),
            t.region,
            flags.join(",")
        )?;
    }
    Ok(())
}

/// "3 red, 5 unknown, 9 amber": the problems, worst first.
fn problem_counts(s: &Summary) -> String {
    format!("{} red, {} unknown, {} amber", s.red, s.unknown, s.amber)
}

/// How many problem tenants the one-line nagios summary names.
const NAGIOS_NAMED: usize = 5;

/// One status line and perfdata, as Nagios, Icinga and Checkmk read a plugin's output:
/// `SNAPDECK CRITICAL - 3 red, …: northfield-arts (rpo_breached), … | red=3 …`.
pub fn write_nagios(out: &mut impl Write, fleet: &Fleet, unread: &[Unread]) -> io::Result<()> {
    let s = fleet.summary();
    let state = match exit_code(fleet, unread) {
        0 => "OK",
        1 => "WARNING",
        2 => "CRITICAL",
        _ => "UNKNOWN",
    };
    let mut problems: Vec<usize> = ordered(fleet, true)
        .into_iter()
        .filter(|&i| fleet.health(i).level > Level::Info)
        .collect();
    // Flat, worst first: the line has room for a few names, and they must be the reds.
    problems.sort_by_key(|&i| std::cmp::Reverse(fleet.health(i).level));
    let more = problems.len().saturating_sub(NAGIOS_NAMED);
    let mut worst: Vec<String> = problems
        .into_iter()
        .take(NAGIOS_NAMED)
        .map(|i| {
            let flags: Vec<&str> = fleet.health(i).flags.iter().map(|f| f.kind.id()).collect();
            format!("{} ({})", fleet.tenant(i).slug, flags.join(","))
        })
        .collect();
    if more > 0 {
        worst.push(format!("+{more} more"));
    }
    let named = if worst.is_empty() {
        String::new()
    } else {
        format!(": {}", worst.join(", "))
    };
    let unread_words = if unread.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = unread.iter().map(Unread::to_string).collect();
        format!("; {}", parts.join("; "))
    };
    writeln!(
        out,
        "SNAPDECK {state} - {} of {}{named}{unread_words} | red={} unknown={} amber={} info={} \
         ok={} tenants={} restores_running={} unread={}",
        problem_counts(&s),
        count(s.tenants, "tenant"),
        s.red,
        s.unknown,
        s.amber,
        s.info,
        s.ok,
        s.tenants,
        s.restores_running,
        unread.len()
    )
}
