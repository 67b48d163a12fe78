//! Judging tenants for the fleet: a whole new fleet split over the cores, one tenant at a
//! time, and the filter text each one is searched by.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::Duration;

use crate::domain::drill::DrillResult;
use crate::domain::health::{self, HealthContext};
use crate::domain::region::Regions;
use crate::domain::run_times::ScheduleCache;
use crate::domain::{Health, Tenant};

use super::haystacks::Written;

/// Below this many tenants per core, a new fleet is judged on one thread: starting threads
/// would cost more than they save.
const JUDGED_PER_THREAD_AT_LEAST: usize = 20_000;

pub(super) fn same_flags(a: &Health, b: &Health) -> bool {
    a.level == b.level
        && a.flags.len() == b.flags.len()
        && a.flags.iter().zip(&b.flags).all(|(x, y)| x.kind == y.kind)
}

/// Verdicts and filter texts in fleet order, in parts, each with the schedules it worked out.
pub(super) type Judged = Vec<(Vec<Health>, Written, ScheduleCache)>;

/// Judges a whole new fleet, split over the machine's cores: at a million tenants this is
/// seconds of the wait for the first table, and each verdict stands on its own. Each part
/// works out schedules in its own copy of the cache.
pub(super) fn judge_everyone(
    tenants: &[Arc<Tenant>],
    schedules: &ScheduleCache,
    ctx: &HealthContext,
    regions: &Regions,
) -> Judged {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let part = tenants
        .len()
        .div_ceil(cores)
        .max(JUDGED_PER_THREAD_AT_LEAST);
    std::thread::scope(|scope| {
        let running: Vec<_> = tenants
            .chunks(part)
            .map(|tenants| {
                let mut schedules = schedules.clone();
                scope.spawn(move || {
                    let mut written = Written::with_capacity(tenants.len());
                    let verdicts = tenants
                        .iter()
                        .map(|t| {
                            let h = judge(t, &mut schedules, ctx, regions);
                            written.push(|s| write_haystack(s, t, &h));
                            h
                        })
                        .collect();
                    (verdicts, written, schedules)
                })
            })
            .collect();
        running.into_iter().map(joined).collect()
    })
}

/// A scoped thread's result; its panic goes on in the caller, as if it had been one thread.
pub(super) fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// One tenant's verdict, its schedule's facts worked out in (or taken from) `schedules`,
/// with *region down* when `regions` says its region is.
pub(super) fn judge(
    tenant: &Tenant,
    schedules: &mut ScheduleCache,
    ctx: &HealthContext,
    regions: &Regions,
) -> Health {
    let at = health::judged_at(tenant, ctx);
    let look_back = Duration::days(i64::from(tenant.backup.retention_days));
    let facts = schedules.facts(&tenant.backup.schedule, at, look_back);
    let verdict = health::evaluate(tenant, facts, ctx);
    match health::region_down(tenant, regions, ctx.now) {
        Some(flag) => verdict.with_flag(flag),
        None => verdict,
    }
}

/// What the filter's words are looked for in: names, places, ids, state and flags. The
/// level is not in it: a level word matches the level itself (`red` must not match
/// "fred-college"), and the view checks that apart.
pub(super) fn with_haystack<T>(t: &Tenant, h: &Health, then: impl FnOnce(&str) -> T) -> T {
    // Written into this thread's scratch: the fleet copies it where it goes.
    thread_local! {
        static SCRATCH: RefCell<String> = RefCell::new(String::with_capacity(256));
    }
    SCRATCH.with_borrow_mut(|s| {
        s.clear();
        write_haystack(s, t, h);
        then(s)
    })
}

fn write_haystack(s: &mut String, t: &Tenant, h: &Health) {
    let (tier, state) = (t.tier.label(), t.state.label());
    let words = [
        t.slug.as_str(),
        &t.display_name,
        &t.hostname,
        &t.id.0,
        &t.region,
        &tier,
        &state,
        t.cluster_name(),
    ];
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        push_folded(s, word);
    }
    s.push_str(match t.backup.last_drill.as_ref().map(|d| &d.result) {
        None if !crate::domain::drill::knows_drills(t) => "",
        None => " drill:never",
        Some(DrillResult::Passed) => " drill:passed",
        Some(DrillResult::Warning) => " drill:warning",
        Some(DrillResult::Failed) => " drill:failed",
        Some(DrillResult::Unknown(_)) => " drill:unknown",
    });
    for f in &h.flags {
        for word in [f.kind.id(), f.kind.title(), f.kind.short()] {
            s.push(' ');
            push_folded(s, word);
        }
    }
}

/// Text as the filter compares it: lower case, char by char (the filter's own words go
/// through this too, so the two always agree).
pub fn fold_case(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    push_folded(&mut s, text);
    s
}

/// Appends `text` lower-cased: runs of ASCII in place, other characters one by one (nine in
/// ten display names hold one "—", and lower-casing all of such a name char by char was a
/// tenth of judging a million tenants).
fn push_folded(s: &mut String, mut text: &str) {
    while !text.is_empty() {
        let ascii = text
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(text.len());
        let start = s.len();
        s.push_str(&text[..ascii]);
        s[start..].make_ascii_lowercase();
        let mut rest = text[ascii..].chars();
        if let Some(c) = rest.next() {
            s.extend(c.to_lowercase());
        }
        text = rest.as_str();
    }
}

#[cfg(test)]
mod tests {
    use super::fold_case;

    #[test]
    fn folding_lowers_every_character_as_char_by_char_would() {
        for text in [
            "Ashford College — Arts",
            "ÉCOLE Saint-Étienne",
            "plain ascii",
            "—",
            "",
            "İstanbul ΣΟΦΙΑ",
        ] {
            let char_by_char: String = text.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(fold_case(text), char_by_char, "{text}");
        }
        assert_eq!(fold_case("Ashford — ARTS"), "ashford — arts");
    }
}
