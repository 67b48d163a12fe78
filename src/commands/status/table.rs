//! `status` as plain text: a summary line, what was not read, the pages of the acting side,
//! then one line per tenant, worst first.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::{Acting, Status, ordered, problem_counts};
use crate::domain::humanize::coarse_age;
use crate::domain::humanize::count;
use crate::domain::next_run::next_run;
use crate::domain::region::exposure::RegionExposure;

pub(super) fn write(
    out: &mut impl Write,
    status: &Status<'_>,
    problems_only: bool,
    now: DateTime<Utc>,
) -> io::Result<()> {
    let fleet = status.fleet;
    let s = fleet.summary();
    writeln!(
        out,
        "{}: {}, {} info, {} ok{}",
        count(s.tenants, "tenant"),
        problem_counts(&s),
        s.info,
        s.ok,
        restore_counts(status.acting),
    )?;
    for part in status.unread {
        writeln!(out, "UNREAD: {part}: its tenants are not counted")?;
    }
    for region in status.exposure.iter().filter(|r| r.is_down()) {
        writeln!(out, "REGION DOWN: {}", down_words(region, now))?;
    }
    write_acting(out, status.acting)?;
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
            t.slug.to_string()
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

/// "; 2 restoring, 1 awaiting confirmation": a restore waiting for a person is not running.
fn restore_counts(acting: &Acting) -> String {
    if !acting.known || acting.unread.is_some() {
        return String::new();
    }
    format!(
        "; {} restoring, {} awaiting confirmation",
        acting.active.restoring, acting.active.awaiting
    )
}

/// The pages, each with its level in a glyph and a word, then a blank line before the
/// tenants.
fn write_acting(out: &mut impl Write, acting: &Acting) -> io::Result<()> {
    if let Some(why) = &acting.unread {
        writeln!(
            out,
            "UNREAD: restores and restore requests: {why}: no deadline of theirs is judged"
        )?;
    }
    if acting.pages.is_empty() {
        return Ok(());
    }
    writeln!(out, "{:<9} {:<16} WHY", "LEVEL", "PAGE")?;
    for page in &acting.pages {
        let level = format!("{} {}", page.level.glyph(), page.level.word());
        writeln!(
            out,
            "{level:<9} {:<16} {}",
            page.kind.id(),
            page.explanation
        )?;
    }
    writeln!(out)
}

/// "eu-west-1 since 03:12 UTC (42m): 21 tenants; 12 Dedicated can be restored from their
/// copies (data loss p50 54m, max 12h 15m), 0 cannot; 9 Standard wait for the region".
pub(super) fn down_words(region: &RegionExposure, now: DateTime<Utc>) -> String {
    use crate::domain::humanize::coarse;
    let since = region
        .region
        .as_ref()
        .and_then(|r| r.since)
        .map(|at| {
            format!(
                " since {} ({})",
                at.format("%Y-%m-%d %H:%M UTC"),
                coarse((now - at).max(chrono::Duration::zero()))
            )
        })
        .unwrap_or_default();
    let loss = match (region.p50, region.max) {
        (Some(p50), Some(max)) => format!(" (data loss p50 {}, max {})", coarse(p50), coarse(max)),
        _ => String::new(),
    };
    format!(
        "{}{since}: {}; {} Dedicated can be restored from their copies{loss}, {} cannot; {} \
         Standard wait for the region",
        region.name,
        count(region.tenants(), "tenant"),
        region.with_copy,
        region.no_copy.len(),
        region.standard
    )
}
