//! snapdeck's own checks of a restore, the I/O half: reads the restored spoke's database and
//! moodledata, the live tenant's database at the point, and the restored site, into the facts
//! `domain::verify` judges. Everything is read-only and bounded; what cannot be read becomes
//! "could not check" with the reason, and the other checks still run.

pub mod db;

pub mod files;
pub mod fingerprint;

pub mod password;
pub mod report;
pub mod site;

pub mod tls;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::verify::dsn::Dsn;
pub use crate::domain::verify::request::request_for;
use crate::domain::verify::{
    self, Check, Counts, DataFacts, Fingerprint, Read, at_point, template,
};
use db::{Db, Timeouts};

/// The newest file rows looked for in moodledata.
pub const NEWEST_FILES: usize = 200;

/// One database to read, and its password (never shown).
pub struct Side {
    pub dsn: Dsn,
    pub password: Option<String>,
}

/// What the restore is compared with: live's database, or for an overwrite (which replaced
/// it) the fingerprint taken of it at launch, or why there is none.
pub enum LiveSide {
    Db(Side),
    Fingerprint(Read<Fingerprint>),
    /// Cannot be reached (its region is down): why, said by every check that needs it.
    Unreachable(String),
}

impl LiveSide {
    /// What it is, for a table: the DSN without its password, or the fingerprint.
    pub fn shown(&self) -> String {
        match self {
            LiveSide::Db(side) => side.dsn.shown.clone(),
            LiveSide::Fingerprint(Ok(print)) => format!(
                "its fingerprint, taken at launch ({})",
                crate::domain::humanize::instant_utc(print.taken_at)
            ),
            LiveSide::Fingerprint(Err(why)) | LiveSide::Unreachable(why) => why.clone(),
        }
    }
}

/// Live, once opened.
enum Live<'a> {
    Db(Result<Db, String>),
    Fingerprint(&'a Read<Fingerprint>),
}

/// What one verification reads.
pub struct Plan {
    pub restored: Side,
    pub live: LiveSide,
    pub moodledata: PathBuf,
    pub site: Option<String>,
    /// When the point's database dump started.
    pub point: DateTime<Utc>,
    pub table_prefix: String,
    pub timeouts: Timeouts,
    /// How much of the newest files' content may be hashed.
    pub hash_budget: verify::HashBudget,
}

/// Runs every check; never fails as a whole (a check that could not run says why).
pub async fn run(plan: &Plan) -> Vec<Check> {
    reporting(plan, &|_| {}).await
}

/// Runs every check, calling `progress` with how many have finished each time one does.
pub async fn reporting(plan: &Plan, progress: &(dyn Fn(usize) + Sync)) -> Vec<Check> {
    let facts = gather(plan, progress).await;
    verify::checks(&facts)
}

/// snapdeck's own checks of `restore` for a headless command (a drill, a failover batch):
/// its point's dump started at `point`, its tenants and regions as the source last said; the
/// reason in words when it cannot be checked.
pub async fn checks_of(
    config: &crate::config::VerifyConfig,
    restore: &crate::domain::restore::Restore,
    tenants: &[std::sync::Arc<crate::domain::tenant::Tenant>],
    point: DateTime<Utc>,
    regions: &crate::domain::region::Regions,
) -> Vec<Check> {
    match request_for(restore, tenants, point, regions) {
        Ok(request) => run_for(config, &request, None, &|_| {}).await,
        Err(why) => verify::could_not_run(&why),
    }
}

/// Verifies the restore the app asked about, with `[verify]`'s templates filled in for its
/// source tenant (live) and its target spoke (restored); an overwrite against the fingerprint
/// its launch left in `journal`.
pub async fn run_for(
    config: &crate::config::VerifyConfig,
    request: &crate::domain::verify::request::VerifyRequest,
    journal: Option<&std::path::Path>,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Check> {
    let config = config.clone();
    let request = request.clone();
    let journal = journal.map(std::path::Path::to_path_buf);
    // password_command runs a process and the journal is a file: off the runtime.
    let planned = tokio::task::spawn_blocking(move || {
        let print = request.overwrite.then(|| match &journal {
            Some(path) => fingerprint::find_in(path, &request.restore.0),
            None => Err("no fingerprint of live: there is no journal to find it in".into()),
        });
        plan_for(&config, &request, print)
    })
    .await;
    match planned {
        Ok(Ok(plan)) => reporting(&plan, progress).await,
        Ok(Err(why)) => verify::could_not_run(&why),
        Err(e) => verify::could_not_run(&format!("the checks could not start: {e}")),
    }
}

/// The plan for `request`; for an overwrite, `fingerprint` is what live was at launch.
pub fn plan_for(
    config: &crate::config::VerifyConfig,
    request: &crate::domain::verify::request::VerifyRequest,
    fingerprint: Option<Read<Fingerprint>>,
) -> Result<Plan, String> {
    let live = match (fingerprint, &request.live_down) {
        (Some(print), _) => LiveSide::Fingerprint(print),
        (None, Some(why)) => LiveSide::Unreachable(why.clone()),
        (None, None) => LiveSide::Db(side(config, &request.source, "live")?),
    };
    Ok(Plan {
        restored: side(config, &request.target, "restored")?,
        live,
        moodledata: PathBuf::from(template::fill(&config.moodledata, &request.target)?),
        site: Some(template::fill(&config.site, &request.target)?),
        point: request.point,
        table_prefix: config.table_prefix.clone(),
        timeouts: timeouts(config),
        hash_budget: config.hash_budget,
    })
}

fn timeouts(config: &crate::config::VerifyConfig) -> Timeouts {
    Timeouts {
        connect: config.connect_timeout,
        query: config.query_timeout,
    }
}

/// The database `[verify]` names for `vars`, with its password (runs password_command).
fn side(
    config: &crate::config::VerifyConfig,
    vars: &template::Vars,
    which: &str,
) -> Result<Side, String> {
    let conninfo = template::fill(&config.database, vars)?;
    let dsn = Dsn::parse(&conninfo).map_err(|e| format!("{which} database: {e}"))?;
    let password = password::find(&dsn, config.password_command.as_deref())
        .map_err(|e| format!("{which} database: {e}"))?;
    Ok(Side { dsn, password })
}

async fn open(side: &Side, which: &str, plan: &Plan) -> Result<Db, String> {
    open_with(side, which, &plan.table_prefix, plan.timeouts).await
}

async fn open_with(
    side: &Side,
    which: &str,
    table_prefix: &str,
    timeouts: Timeouts,
) -> Result<Db, String> {
    db::connect(&side.dsn, side.password.as_deref(), table_prefix, timeouts)
        .await
        .map_err(|why| format!("{which} database: {why}"))
}

pub async fn gather(plan: &Plan, progress: &(dyn Fn(usize) + Sync)) -> verify::Facts {
    // Each check is counted when the facts it is judged on are all in.
    let tally = Tally {
        finished: std::sync::atomic::AtomicUsize::new(0),
        progress,
    };
    let live = async {
        match &plan.live {
            LiveSide::Db(side) => Live::Db(open(side, "live", plan).await),
            LiveSide::Fingerprint(print) => Live::Fingerprint(print),
            LiveSide::Unreachable(why) => Live::Db(Err(why.clone())),
        }
    };
    let (restored, live) = tokio::join!(open(&plan.restored, "restored", plan), live);
    let point = plan.point;
    let live_identity = async {
        match &live {
            Live::Db(db) => on(db, |db| db.identity()).await,
            Live::Fingerprint(print) => fingerprinted(print, |p| p.identity.clone()),
        }
    };
    let live_newest_log = async {
        match &live {
            Live::Db(db) => on(db, |db| db.newest_log(Some(point))).await,
            Live::Fingerprint(print) => fingerprinted(print, |p| p.newest_log),
        }
    };
    let identity = async {
        tally.counted(tokio::join!(
            on(&restored, |db| db.identity()),
            live_identity
        ))
    };
    let newest_log = async {
        tally.counted(tokio::join!(
            on(&restored, |db| db.newest_log(None)),
            live_newest_log
        ))
    };
    let (
        (restored_identity, live_identity),
        (restored_newest_log, live_newest_log),
        data,
        files,
        site,
    ) = tokio::join!(
        identity,
        newest_log,
        async { tally.counted(data(&restored, &live, point).await) },
        async { tally.counted(moodledata(&restored, plan).await) },
        async { tally.counted(probe(&restored, plan).await) },
    );
    let fingerprinted_at = match &live {
        Live::Fingerprint(Ok(print)) => Some(print.taken_at),
        _ => None,
    };
    verify::Facts {
        point,
        restored_identity,
        live_identity,
        restored_newest_log,
        live_newest_log,
        data,
        files,
        site,
        fingerprinted_at,
    }
}

struct Tally<'a> {
    finished: std::sync::atomic::AtomicUsize,
    progress: &'a (dyn Fn(usize) + Sync),
}

impl Tally<'_> {
    fn counted<T>(&self, facts: T) -> T {
        let done = self
            .finished
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        (self.progress)(done);
        facts
    }
}

fn fingerprinted<T>(print: &Read<Fingerprint>, take: impl FnOnce(&Fingerprint) -> T) -> Read<T> {
    print
        .as_ref()
        .map(take)
        .map_err(|why| format!("live: {why}"))
}

async fn on<'a, T, F, Fut>(db: &'a Result<Db, String>, read: F) -> Read<T>
where
    F: FnOnce(&'a Db) -> Fut,
    Fut: std::future::Future<Output = Read<T>>,
{
    match db {
        Ok(db) => read(db).await,
        Err(why) => Err(why.clone()),
    }
}

/// What one database held at the point, each side's reads run together.
async fn counts(db: &Db, point: DateTime<Utc>) -> Read<Counts> {
    let hour_before = point - verify::RECENT_LOG;
    let (users, courses, course_modules, files, grades, recent_log) = tokio::join!(
        db.users_at(point),
        db.courses_at(point),
        db.course_modules_at(point),
        db.files_at(point),
        db.grades_at(point),
        db.log_between(hour_before, point),
    );
    Ok(Counts {
        users: users?,
        courses: courses?,
        course_modules: course_modules?,
        files: files?,
        grades: grades?,
        recent_log: recent_log?,
    })
}

async fn data(
    restored: &Result<Db, String>,
    live: &Live<'_>,
    point: DateTime<Utc>,
) -> Read<DataFacts> {
    let restored = restored.as_ref().map_err(Clone::clone)?;
    match live {
        Live::Db(live) => {
            let live = live.as_ref().map_err(Clone::clone)?;
            let (r, l) = tokio::join!(counts(restored, point), counts(live, point));
            Ok(at_point::compare(&restored_says(r)?, &live_says(l)?))
        }
        Live::Fingerprint(print) => {
            let print = print.as_ref().map_err(Clone::clone)?;
            Ok(print.compare(&restored_says(counts(restored, print.point).await)?))
        }
    }
}

fn restored_says<T>(read: Read<T>) -> Read<T> {
    read.map_err(|why| format!("restored database: {why}"))
}

fn live_says<T>(read: Read<T>) -> Read<T> {
    read.map_err(|why| format!("live database: {why}"))
}

async fn moodledata(restored: &Result<Db, String>, plan: &Plan) -> Read<verify::FileFacts> {
    let db = restored.as_ref().map_err(Clone::clone)?;
    // Rows share contents: ask for more than enough rows to find as many distinct files.
    let rows = restored_says(db.newest_files(plan.point, 2 * NEWEST_FILES as i64).await)?;
    let mut seen = HashSet::new();
    let newest: Vec<(String, u64)> = rows
        .into_iter()
        .filter(|(hash, _)| seen.insert(hash.clone()))
        .take(NEWEST_FILES)
        .collect();
    let root = plan.moodledata.clone();
    let budget = plan.hash_budget;
    tokio::task::spawn_blocking(move || files::check(&root, &newest, budget))
        .await
        .unwrap_or_else(|e| Err(format!("the file check stopped: {e}")))
}

async fn probe(restored: &Result<Db, String>, plan: &Plan) -> Option<Read<verify::SiteFacts>> {
    let url = plan.site.as_deref()?;
    // The site's name comes from the restore; without it, the probe still says whether the
    // site answers.
    let name = match restored {
        Ok(db) => db.site_name().await.ok().flatten(),
        Err(_) => None,
    };
    Some(site::probe(url, name, probe_timeout(plan.timeouts)).await)
}

fn probe_timeout(timeouts: Timeouts) -> Duration {
    timeouts.connect + timeouts.query
}
