//! What the checks judge: the facts read from the restore, from live and from the site, each
//! a value or why it could not be read, and the budget for hashing files.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::humanize;

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

    pub(super) fn plural(self) -> &'static str {
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
