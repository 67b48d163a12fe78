//! snapdeck's own checks of a restored spoke (DESIGN.md, "Verifying a restore"): facts read
//! from its database, its moodledata and its site, and from the live tenant at the point, go
//! in; one verdict per check comes out, in words with the numbers. Gathering the facts is
//! `crate::verify`'s job; nothing here reads anything.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::humanize::{self, instant_utc};

pub mod at_point;
pub use at_point::{Counts, Fingerprint};

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
    /// What the line stands on: listed rows, files, values.
    pub details: Vec<String>,
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

/// A fact, or why it could not be read, in words ("the password was rejected").
pub type Read<T> = Result<T, String>;

/// The `config` rows that name a site and its code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Identity {
    pub siteidentifier: Option<String>,
    pub version: Option<String>,
    pub release: Option<String>,
}

/// The tables compared at the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Users,
    Courses,
    CourseModules,
    Files,
    Grades,
    RecentLog,
}

impl Table {
    pub const ALL: [Table; 6] = [
        Table::Users,
        Table::Courses,
        Table::CourseModules,
        Table::Files,
        Table::Grades,
        Table::RecentLog,
    ];

    /// The noun for one row.
    pub fn noun(self) -> &'static str {
        match self {
            Table::Users => "user",
            Table::Courses => "course",
            Table::CourseModules => "course module",
            Table::Files => "file",
            Table::Grades => "grade",
            Table::RecentLog => "log entry",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Courses => "courses",
            Table::CourseModules => "course modules",
            Table::Files => "files",
            Table::Grades => "grades",
            Table::RecentLog => "log entries of the hour before the point",
        }
    }
}

/// One table's rows as of the point: in the restore, and in live (created at or before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rows {
    pub table: Table,
    pub restored: u64,
    pub live: u64,
}

/// A row named on screen: "course 1182 'Chemistry 101'".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub table: Table,
    pub id: i64,
    pub name: String,
}

impl Named {
    pub fn words(&self) -> String {
        format!("{} {} '{}'", self.table.noun(), self.id, self.name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataFacts {
    pub rows: Vec<Rows>,
    /// In the restore, gone from live (or deleted there) since: the answer to "a teacher
    /// deleted course 1182".
    pub deleted_since: Vec<Named>,
    /// Live had them at the point; the restore does not.
    pub missing: Vec<Named>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FileProblem {
    Missing,
    WrongSize { expected: u64, found: u64 },
    WrongContent { sha1: String },
    Unreadable { why: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFinding {
    pub contenthash: String,
    pub problem: FileProblem,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    /// Distinct contents looked for (the newest rows at or before the point).
    pub looked_for: usize,
    /// Of those, how many were read through and hashed.
    pub hashed: usize,
    pub findings: Vec<FileFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteFacts {
    pub url: String,
    pub status: u16,
    /// Course id 1's `fullname` in the restore, if it has one.
    pub site_name: Option<String>,
    /// Whether the answer's body holds it.
    pub name_found: bool,
}

/// Everything the checks judge.
#[derive(Debug, Clone)]
pub struct Facts {
    /// When the point's database dump started: what "the point" means for the data.
    pub point: DateTime<Utc>,
    pub restored_identity: Read<Identity>,
    pub live_identity: Read<Identity>,
    pub restored_newest_log: Read<Option<DateTime<Utc>>>,
    /// Live's newest log entry at or before the point.
    pub live_newest_log: Read<Option<DateTime<Utc>>>,
    pub data: Read<DataFacts>,
    pub files: Read<FileFacts>,
    /// `None` when no site URL is known to probe.
    pub site: Option<Read<SiteFacts>>,
    /// For an overwrite, "live" is the fingerprint taken when it was launched, at this time.
    pub fingerprinted_at: Option<DateTime<Utc>>,
}

pub fn checks(facts: &Facts) -> Vec<Check> {
    let mut against_live = [
        identity(&facts.restored_identity, &facts.live_identity),
        point_in_time(facts),
        data_at_point(&facts.data),
    ];
    if let Some(at) = facts.fingerprinted_at {
        for check in &mut against_live {
            check.details.push(format!(
                "live: its fingerprint, taken when the overwrite was launched ({})",
                instant_utc(at)
            ));
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
        format!(
            "siteidentifier: restore {}, live {}",
            shown(&restored.siteidentifier),
            shown(&live.siteidentifier)
        ),
        format!(
            "release: restore {}, live {}",
            shown(&restored.release),
            shown(&live.release)
        ),
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
        check.details.push(format!(
            "{}: {} in the restore, {} in live at the point",
            rows.table.plural(),
            rows.restored,
            rows.live
        ));
    }
    listed(
        &mut check.details,
        "missing from the restore",
        &data.missing,
    );
    listed(
        &mut check.details,
        "in the restore, deleted in live since the point",
        &data.deleted_since,
    );
    check
}

fn listed(details: &mut Vec<String>, what: &str, rows: &[Named]) {
    for row in rows.iter().take(LISTED) {
        details.push(format!("{}: {what}", row.words()));
    }
    if rows.len() > LISTED {
        details.push(format!("… and {} more {what}", rows.len() - LISTED));
    }
}

pub fn moodledata(files: &Read<FileFacts>) -> Check {
    let kind = CheckKind::Moodledata;
    let files = match files {
        Ok(files) => files,
        Err(why) => return Check::could_not(kind, why),
    };
    if files.looked_for == 0 {
        return Check::new(
            kind,
            Verdict::Warning,
            "the restore's files table has no file at or before the point: nothing to look for",
        );
    }
    let count = |wanted: fn(&FileProblem) -> bool| {
        files.findings.iter().filter(|f| wanted(&f.problem)).count()
    };
    let missing = count(|p| matches!(p, FileProblem::Missing));
    let size = count(|p| matches!(p, FileProblem::WrongSize { .. }));
    let content = count(|p| matches!(p, FileProblem::WrongContent { .. }));
    let unreadable = count(|p| matches!(p, FileProblem::Unreadable { .. }));
    let n = files.looked_for;
    let mut check = if missing > 0 {
        Check::new(
            kind,
            Verdict::Failed,
            format!(
                "{missing} of the {n} newest files missing: the volume snapshot is older than the database dump"
            ),
        )
    } else if size + content > 0 {
        let mut parts = Vec::new();
        if size > 0 {
            parts.push(format!(
                "{size} of the {n} newest files have the wrong size"
            ));
        }
        if content > 0 {
            parts.push(format!(
                "{content} of {} hashed do not match their SHA-1",
                files.hashed
            ));
        }
        Check::new(kind, Verdict::Failed, parts.join("; "))
    } else if unreadable > 0 {
        Check::new(
            kind,
            Verdict::CouldNotCheck,
            format!("could not check: {unreadable} of the {n} newest files could not be read"),
        )
    } else {
        Check::new(
            kind,
            Verdict::Passed,
            format!(
                "the {n} newest files are there with their sizes; {} of them hashed, all match",
                files.hashed
            ),
        )
    };
    for finding in files.findings.iter().take(LISTED) {
        let what = match &finding.problem {
            FileProblem::Missing => "missing".to_string(),
            FileProblem::WrongSize { expected, found } => {
                format!("{found} bytes, the row says {expected}")
            }
            FileProblem::WrongContent { sha1 } => format!("content hashes to {sha1}"),
            FileProblem::Unreadable { why } => format!("unreadable: {why}"),
        };
        check
            .details
            .push(format!("{}: {what}", finding.contenthash));
    }
    if files.findings.len() > LISTED {
        check
            .details
            .push(format!("… and {} more", files.findings.len() - LISTED));
    }
    check
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
    check.details.push(format!("GET {}", site.url));
    check
}

#[cfg(test)]
mod tests;
