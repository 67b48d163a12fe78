//! snapdeck's own checks of a restored spoke (DESIGN.md, "Verifying a restore"): facts read
//! from its database, its moodledata and its site, and from the live tenant at the point, go
//! in; one verdict per check comes out, in words with the numbers. Gathering the facts is
//! `crate::verify`'s job; nothing here reads anything.

use chrono::Duration;
use serde::Serialize;

use super::humanize::{self, instant_utc};

pub mod at_point;
pub mod dsn;
mod facts;
mod files;
pub mod request;
pub mod template;
pub use at_point::{Counts, Fingerprint};
pub use facts::{
    DataFacts, Facts, FileFacts, FileFinding, FileProblem, HASH_BUDGET_BYTES, HASH_BUDGET_SECONDS,
    HashBudget, HashCut, Identity, Named, Read, Rows, SiteFacts, Table,
};
pub use files::moodledata;

/// A restore whose newest log entry is this much past the dump's start is not of this point.
pub const NEWER_THAN_DUMP_BY: Duration = Duration::minutes(5);
/// A restore whose newest log entry is this much older than live's newest before the point
/// is of an older point, or lost logs.
pub const OLDER_THAN_LIVE_BY: Duration = Duration::hours(1);
/// The log window compared row for row: the hour before the point.
pub const RECENT_LOG: Duration = Duration::hours(1);
/// Rows listed by id and name at most, per list; the count says how many more.
pub const LISTED: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Warning,
    CouldNotCheck,
    Failed,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Warning => "warning",
            Verdict::CouldNotCheck => "could not check",
            Verdict::Failed => "failed",
        }
    }

    /// The exit code of `snapdeck verify`: 0 passed, 1 warning, 2 failed, 3 could not check.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Warning => 1,
            Verdict::Failed => 2,
            Verdict::CouldNotCheck => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Identity,
    PointInTime,
    DataAtPoint,
    Moodledata,
    Site,
}

impl CheckKind {
    pub const ALL: [CheckKind; 5] = [
        CheckKind::Identity,
        CheckKind::PointInTime,
        CheckKind::DataAtPoint,
        CheckKind::Moodledata,
        CheckKind::Site,
    ];

    pub fn title(self) -> &'static str {
        match self {
            CheckKind::Identity => "identity",
            CheckKind::PointInTime => "point in time",
            CheckKind::DataAtPoint => "data at the point",
            CheckKind::Moodledata => "moodledata",
            CheckKind::Site => "site answers",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub verdict: Verdict,
    /// One line, with the numbers.
    pub summary: String,
    /// What the line stands on: listed rows, files, values. Scripts get the lines
    /// `snapdeck verify` prints.
    #[serde(serialize_with = "as_lines")]
    pub details: Vec<Detail>,
}

/// A line under a check, or a list of like ones (rows, files) kept whole: wherever it is
/// shown, it is cut to the room there and the count of the rest is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Line(String),
    /// `what` ends the count of the rest: "… and 3 more {what}".
    List {
        items: Vec<String>,
        what: String,
    },
}

impl Detail {
    /// Its lines: a list's first `at_most` items, then the count of the rest.
    pub fn lines(&self, at_most: usize) -> Vec<String> {
        match self {
            Detail::Line(line) => vec![line.clone()],
            Detail::List { items, what } => listed(items, at_most, what),
        }
    }
}

/// The first `at_most` of `items`, then "… and N more" (and `what`) for the rest: the one way
/// a long list is cut, by `snapdeck verify` and by the monitor alike.
pub fn listed(items: &[String], at_most: usize, what: &str) -> Vec<String> {
    let mut lines: Vec<String> = items.iter().take(at_most).cloned().collect();
    let rest = items.len().saturating_sub(at_most);
    if rest > 0 {
        lines.push(format!("… and {rest} more {what}").trim_end().to_string());
    }
    lines
}

fn as_lines<S: serde::Serializer>(details: &[Detail], to: S) -> Result<S::Ok, S::Error> {
    to.collect_seq(details.iter().flat_map(|d| d.lines(LISTED)))
}

impl Check {
    fn new(kind: CheckKind, verdict: Verdict, summary: impl Into<String>) -> Check {
        Check {
            kind,
            verdict,
            summary: summary.into(),
            details: Vec::new(),
        }
    }

    fn could_not(kind: CheckKind, why: &str) -> Check {
        Check::new(
            kind,
            Verdict::CouldNotCheck,
            format!("could not check: {why}"),
        )
    }

    /// Its details as `snapdeck verify` prints them, lists cut at `LISTED`.
    pub fn lines(&self) -> Vec<String> {
        self.details.iter().flat_map(|d| d.lines(LISTED)).collect()
    }
}

/// Every check, could not run for one reason (a template that does not fill, no password).
pub fn could_not_run(why: &str) -> Vec<Check> {
    CheckKind::ALL
        .iter()
        .map(|&kind| Check::could_not(kind, why))
        .collect()
}

/// The worst verdict, a failure above a check that could not run (it is definite).
pub fn overall(checks: &[Check]) -> Verdict {
    checks
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::CouldNotCheck)
}

pub fn checks(facts: &Facts) -> Vec<Check> {
    let mut against_live = [
        identity(&facts.restored_identity, &facts.live_identity),
        point_in_time(facts),
        data_at_point(&facts.data),
    ];
    if let Some(at) = facts.fingerprinted_at {
        for check in &mut against_live {
            check.details.push(Detail::Line(format!(
                "live: its fingerprint, taken when the overwrite was launched ({})",
                instant_utc(at)
            )));
        }
    }
    let mut checks = against_live.to_vec();
    checks.push(moodledata(&facts.files));
    checks.push(match &facts.site {
        Some(answer) => site(answer),
        None => Check::could_not(CheckKind::Site, "no site URL to probe ([verify] site)"),
    });
    checks
}

fn both<'a, A, B>(a: &'a Read<A>, b: &'a Read<B>) -> Result<(&'a A, &'a B), &'a str> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(why), _) | (_, Err(why)) => Err(why),
    }
}

fn shown(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(none)")
}

pub fn identity(restored: &Read<Identity>, live: &Read<Identity>) -> Check {
    let kind = CheckKind::Identity;
    let (restored, live) = match both(restored, live) {
        Ok(pair) => pair,
        Err(why) => return Check::could_not(kind, why),
    };
    let mut check = if restored.siteidentifier.is_none() {
        Check::new(
            kind,
            Verdict::Failed,
            "the restore has no siteidentifier in config: not a Moodle site, or an empty one",
        )
    } else if restored.siteidentifier != live.siteidentifier {
        Check::new(
            kind,
            Verdict::Failed,
            "siteidentifier differs from live: another site was restored",
        )
    } else if restored.version != live.version {
        Check::new(
            kind,
            Verdict::Warning,
            format!(
                "version {} in the restore, {} in live: Moodle will ask for an upgrade",
                shown(&restored.version),
                shown(&live.version)
            ),
        )
    } else {
        Check::new(
            kind,
            Verdict::Passed,
            format!(
                "same site as live, Moodle {} (version {})",
                shown(&restored.release),
                shown(&restored.version)
            ),
        )
    };
    check.details = vec![
        Detail::Line(format!(
            "siteidentifier: restore {}, live {}",
            shown(&restored.siteidentifier),
            shown(&live.siteidentifier)
        )),
        Detail::Line(format!(
            "release: restore {}, live {}",
            shown(&restored.release),
            shown(&live.release)
        )),
    ];
    check
}

pub fn point_in_time(facts: &Facts) -> Check {
    let kind = CheckKind::PointInTime;
    let (restored, live) = match both(&facts.restored_newest_log, &facts.live_newest_log) {
        Ok(pair) => pair,
        Err(why) => return Check::could_not(kind, why),
    };
    let point = facts.point;
    let Some(restored) = *restored else {
        return match live {
            None => Check::new(
                kind,
                Verdict::Warning,
                "neither the restore nor live has a log entry before the point: nothing to date it by",
            ),
            Some(live) => Check::new(
                kind,
                Verdict::Failed,
                format!(
                    "the restore's log is empty; live's newest entry before the point is {}",
                    instant_utc(*live)
                ),
            ),
        };
    };
    let newest = format!("newest log entry {}", instant_utc(restored));
    if restored > point + NEWER_THAN_DUMP_BY {
        return Check::new(
            kind,
            Verdict::Failed,
            format!(
                "{newest}, {} after the dump started ({}): not this point",
                humanize::duration(restored - point),
                instant_utc(point)
            ),
        );
    }
    match live {
        Some(live) if *live - restored > OLDER_THAN_LIVE_BY => Check::new(
            kind,
            Verdict::Failed,
            format!(
                "{newest}, {} older than live's newest before the point ({}): an older point, or logs lost",
                humanize::duration(*live - restored),
                instant_utc(*live)
            ),
        ),
        Some(live) => Check::new(
            kind,
            Verdict::Passed,
            format!(
                "{newest}; live's newest before the point {}; the dump started {}",
                instant_utc(*live),
                instant_utc(point)
            ),
        ),
        None => Check::new(
            kind,
            Verdict::Passed,
            format!(
                "{newest}; live has none before the point; the dump started {}",
                instant_utc(point)
            ),
        ),
    }
}

pub fn data_at_point(data: &Read<DataFacts>) -> Check {
    let kind = CheckKind::DataAtPoint;
    let data = match data {
        Ok(data) => data,
        Err(why) => return Check::could_not(kind, why),
    };
    let short: Vec<&Rows> = data.rows.iter().filter(|r| r.restored < r.live).collect();
    let mut check = if let Some(first) = short.first() {
        let lacking = first.live - first.restored;
        let mut summary = format!(
            "{} of {} {} missing from the restore (live had them at the point)",
            lacking,
            first.live,
            first.table.plural()
        );
        if short.len() > 1 {
            summary.push_str(&format!(", and rows of {} more tables", short.len() - 1));
        }
        Check::new(kind, Verdict::Failed, summary)
    } else {
        let held: Vec<String> = data
            .rows
            .iter()
            .filter(|r| r.table != Table::RecentLog)
            .map(|r| humanize::count(r.restored as usize, r.table.noun()))
            .collect();
        let mut summary = format!("everything live had at the point: {}", held.join(", "));
        if !data.deleted_since.is_empty() {
            summary.push_str(&format!(
                "; {} deleted in live since",
                humanize::count(data.deleted_since.len(), "row")
            ));
        }
        Check::new(kind, Verdict::Passed, summary)
    };
    for rows in &data.rows {
        check.details.push(Detail::Line(format!(
            "{}: {} in the restore, {} in live at the point",
            rows.table.plural(),
            rows.restored,
            rows.live
        )));
    }
    check
        .details
        .extend(named("missing from the restore", &data.missing));
    check.details.extend(named(
        "in the restore, deleted in live since the point",
        &data.deleted_since,
    ));
    check
}

/// Rows one side lacks, each "course 1182 'Chemistry 101': {what}"; none, no list.
fn named(what: &str, rows: &[Named]) -> Option<Detail> {
    (!rows.is_empty()).then(|| Detail::List {
        items: rows
            .iter()
            .map(|row| format!("{}: {what}", row.words()))
            .collect(),
        what: what.to_string(),
    })
}

pub fn site(site: &Read<SiteFacts>) -> Check {
    let kind = CheckKind::Site;
    let site = match site {
        Ok(site) => site,
        Err(why) => {
            // A site that cannot be reached is a failed site, not a check that could not run:
            // users would meet the same refusal.
            return Check::new(
                kind,
                Verdict::Failed,
                format!("the site did not answer: {why}"),
            );
        }
    };
    let mut check = if !(200..300).contains(&site.status) {
        Check::new(
            kind,
            Verdict::Failed,
            format!("{} answered {}", site.url, site.status),
        )
    } else {
        match (&site.site_name, site.name_found) {
            (Some(name), true) => Check::new(
                kind,
                Verdict::Passed,
                format!(
                    "{} answered {} with the site's name '{name}'",
                    site.url, site.status
                ),
            ),
            (Some(name), false) => Check::new(
                kind,
                Verdict::Warning,
                format!(
                    "{} answered {} without the site's name '{name}': another site, or an error page",
                    site.url, site.status
                ),
            ),
            (None, _) => Check::new(
                kind,
                Verdict::Warning,
                format!(
                    "{} answered {}; the restore has no course 1 to name the site by",
                    site.url, site.status
                ),
            ),
        }
    };
    check
        .details
        .push(Detail::Line(format!("GET {}", site.url)));
    check
}

#[cfg(test)]
mod tests;
