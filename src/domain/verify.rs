//! snapdeck's own checks of a restored spoke (DESIGN.md, "Verifying a restore"): facts read
//! from its database, its moodledata and its site, and from the live tenant at the point, go
//! in; one verdict per check comes out, in words with the numbers. Gathering the facts is
//! `crate::verify`'s job; nothing here reads anything.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::humanize::{self, instant_utc};

pub mod at_point;
pub mod dsn;
pub mod request;
pub mod template;
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
    /// Its own place among the files looked for, newest first: 0 is the newest.
    pub rank: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    /// Distinct contents looked for (the newest rows at or before the point).
    pub looked_for: usize,
    /// Of those, how many were read through and hashed.
    pub hashed: usize,
    pub findings: Vec<FileFinding>,
    /// The budget that ran out before every file there was hashed, if one did.
    pub cut_short: Option<HashCut>,
}

/// The default budget for hashing the newest files: enough for 200 recent files of a busy
/// site, small enough that the checks still answer within the minute.
pub const HASH_BUDGET_BYTES: u64 = 2 * 1024 * 1024 * 1024;
pub const HASH_BUDGET_SECONDS: u64 = 20;

/// How much the moodledata check may read to hash the newest files, whichever runs out
/// first: large recent files (videos) must not hold a restore's checks for minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashBudget {
    pub bytes: u64,
    pub time: std::time::Duration,
}

impl Default for HashBudget {
    fn default() -> HashBudget {
        HashBudget {
            bytes: HASH_BUDGET_BYTES,
            time: std::time::Duration::from_secs(HASH_BUDGET_SECONDS),
        }
    }
}

/// Which budget ran out, and how large it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HashCut {
    Bytes(u64),
    Time(std::time::Duration),
}

impl HashCut {
    /// "the 20s budget ran out".
    pub fn words(self) -> String {
        let budget = match self {
            HashCut::Bytes(bytes) => humanize::bytes(bytes),
            HashCut::Time(time) => {
                humanize::duration(Duration::from_std(time).unwrap_or(Duration::MAX))
            }
        };
        format!("the {budget} budget ran out")
    }
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
    let mut check = files_judged(files);
    if !files.findings.is_empty() {
        let items = files.findings.iter().map(finding_words).collect();
        check.details.push(Detail::List {
            items,
            what: String::new(),
        });
    }
    // A summary about missing or resized files leaves the cut hashing unsaid: said here.
    if let Some(cut) = cut_words(files).filter(|cut| !check.summary.contains(cut.as_str())) {
        check.details.push(Detail::Line(cut));
    }
    check
}

/// The findings counted by kind of problem.
struct Tally {
    missing: usize,
    size: usize,
    content: usize,
    unreadable: usize,
}

impl Tally {
    fn of(files: &FileFacts) -> Tally {
        let count = |wanted: fn(&FileProblem) -> bool| {
            files.findings.iter().filter(|f| wanted(&f.problem)).count()
        };
        Tally {
            missing: count(|p| matches!(p, FileProblem::Missing)),
            size: count(|p| matches!(p, FileProblem::WrongSize { .. })),
            content: count(|p| matches!(p, FileProblem::WrongContent { .. })),
            unreadable: count(|p| matches!(p, FileProblem::Unreadable { .. })),
        }
    }
}

/// The verdict and its line: missing files first, then wrong ones, then unreadable ones.
fn files_judged(files: &FileFacts) -> Check {
    let kind = CheckKind::Moodledata;
    let n = files.looked_for;
    let tally = Tally::of(files);
    if tally.missing > 0 {
        return Check::new(kind, Verdict::Failed, missing_words(files, tally.missing));
    }
    if tally.size + tally.content > 0 {
        return Check::new(kind, Verdict::Failed, wrong_words(files, &tally));
    }
    if tally.unreadable > 0 {
        let summary = format!(
            "could not check: {} of the {n} newest files could not be read",
            tally.unreadable
        );
        return Check::new(kind, Verdict::CouldNotCheck, summary);
    }
    let hashing = match cut_words(files) {
        Some(cut) => format!("{cut}; those hashed all match"),
        None => format!("{} of them hashed, all match", files.hashed),
    };
    let summary = format!("the {n} newest files are there with their sizes; {hashing}");
    Check::new(kind, Verdict::Passed, summary)
}

/// The cause is said only when the files themselves show it: the newest ones missing, in a
/// run, with older ones there, were written between the volume's snapshot and the database's
/// dump. Files missing here and there, or every one of them, have a cause snapdeck cannot know.
fn missing_words(files: &FileFacts, missing: usize) -> String {
    let n = files.looked_for;
    // Each file has a place of its own: `missing` places all below `missing` are 0..missing.
    let newest_run = missing < n
        && files
            .findings
            .iter()
            .filter(|f| f.problem == FileProblem::Missing)
            .all(|f| f.rank < missing);
    if newest_run {
        format!(
            "{missing} of the {n} newest files missing: the volume snapshot is older than the database dump"
        )
    } else {
        format!("{missing} of the {n} newest files missing from the restored volume")
    }
}

fn wrong_words(files: &FileFacts, tally: &Tally) -> String {
    let mut parts = Vec::new();
    if tally.size > 0 {
        parts.push(format!(
            "{} of the {} newest files have the wrong size",
            tally.size, files.looked_for
        ));
    }
    if tally.content > 0 {
        parts.push(format!(
            "{} of {} hashed do not match their SHA-1",
            tally.content, files.hashed
        ));
        parts.extend(cut_words(files));
    }
    parts.join("; ")
}

/// "hashed 143 of 200 newest files: the 20s budget ran out", when one did.
fn cut_words(files: &FileFacts) -> Option<String> {
    files.cut_short.map(|cut| {
        format!(
            "hashed {} of {} newest files: {}",
            files.hashed,
            files.looked_for,
            cut.words()
        )
    })
}

fn finding_words(finding: &FileFinding) -> String {
    let what = match &finding.problem {
        FileProblem::Missing => "missing".to_string(),
        FileProblem::WrongSize { expected, found } => {
            format!("{found} bytes, the row says {expected}")
        }
        FileProblem::WrongContent { sha1 } => format!("content hashes to {sha1}"),
        FileProblem::Unreadable { why } => format!("unreadable: {why}"),
    };
    format!("{}: {what}", finding.contenthash)
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
