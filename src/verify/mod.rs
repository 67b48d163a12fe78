//! snapdeck's own checks of a restore, the I/O half: reads the restored spoke's database and
//! moodledata, the live tenant's database at the point, and the restored site, into the facts
//! `domain::verify` judges. Everything is read-only and bounded; what cannot be read becomes
//! "could not check" with the reason, and the other checks still run.

pub mod db;
pub mod dsn;
pub mod files;
pub mod lookup;
pub mod password;
pub mod report;
pub mod site;
pub mod template;
pub mod tls;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::verify::{self, Check, DataFacts, Named, Read, Rows, Table};
use db::{Db, Timeouts};
use dsn::Dsn;

/// The newest file rows looked for in moodledata.
pub const NEWEST_FILES: usize = 200;

/// One database to read, and its password (never shown).
pub struct Side {
    pub dsn: Dsn,
    pub password: Option<String>,
}

/// What one verification reads.
pub struct Plan {
    pub restored: Side,
    pub live: Side,
    pub moodledata: PathBuf,
    pub site: Option<String>,
    /// When the point's database dump started.
    pub point: DateTime<Utc>,
    pub table_prefix: String,
    pub timeouts: Timeouts,
}

/// Runs every check; never fails as a whole (a check that could not run says why).
pub async fn run(plan: &Plan) -> Vec<Check> {
    let facts = gather(plan).await;
    verify::checks(&facts)
}

/// Verifies the restore the app asked about, with `[verify]`'s templates filled in for its
/// source tenant (live) and its target spoke (restored).
pub async fn run_for(
    config: &crate::config::VerifyConfig,
    request: &crate::app::own_checks::VerifyRequest,
) -> Vec<Check> {
    let config = config.clone();
    let request = request.clone();
    // password_command runs a process: off the runtime.
    let planned = tokio::task::spawn_blocking(move || plan_for(&config, &request)).await;
    match planned {
        Ok(Ok(plan)) => run(&plan).await,
        Ok(Err(why)) => verify::could_not_run(&why),
        Err(e) => verify::could_not_run(&format!("the checks could not start: {e}")),
    }
}

pub fn plan_for(
    config: &crate::config::VerifyConfig,
    request: &crate::app::own_checks::VerifyRequest,
) -> Result<Plan, String> {
    let side = |vars: &template::Vars, which: &str| -> Result<Side, String> {
        let conninfo = template::fill(&config.database, vars)?;
        let dsn = Dsn::parse(&conninfo).map_err(|e| format!("{which} database: {e}"))?;
        let password = password::find(&dsn, config.password_command.as_deref())
            .map_err(|e| format!("{which} database: {e}"))?;
        Ok(Side { dsn, password })
    };
    Ok(Plan {
        restored: side(&request.target, "restored")?,
        live: side(&request.source, "live")?,
        moodledata: PathBuf::from(template::fill(&config.moodledata, &request.target)?),
        site: Some(template::fill(&config.site, &request.target)?),
        point: request.point,
        table_prefix: config.table_prefix.clone(),
        timeouts: Timeouts {
            connect: config.connect_timeout,
            query: config.query_timeout,
        },
    })
}

async fn open(side: &Side, which: &str, plan: &Plan) -> Result<Db, String> {
    db::connect(
        &side.dsn,
        side.password.as_deref(),
        &plan.table_prefix,
        plan.timeouts,
    )
    .await
    .map_err(|why| format!("{which} database: {why}"))
}

pub async fn gather(plan: &Plan) -> verify::Facts {
    let (restored, live) = tokio::join!(
        open(&plan.restored, "restored", plan),
        open(&plan.live, "live", plan)
    );
    let point = plan.point;
    let (restored_identity, live_identity, restored_newest_log, live_newest_log, data, files, site) = tokio::join!(
        on(&restored, |db| db.identity()),
        on(&live, |db| db.identity()),
        on(&restored, |db| db.newest_log(None)),
        on(&live, |db| db.newest_log(Some(point))),
        data(&restored, &live, point),
        moodledata(&restored, plan),
        probe(&restored, plan),
    );
    verify::Facts {
        point,
        restored_identity,
        live_identity,
        restored_newest_log,
        live_newest_log,
        data,
        files,
        site,
    }
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

async fn data(
    restored: &Result<Db, String>,
    live: &Result<Db, String>,
    point: DateTime<Utc>,
) -> Read<DataFacts> {
    let (r, l) = match (restored, live) {
        (Ok(r), Ok(l)) => (r, l),
        (Err(why), _) | (_, Err(why)) => return Err(why.clone()),
    };
    let hour_before = point - verify::RECENT_LOG;
    let (ru, lu, rc, lc, rm, lm, rf, lf, rg, lg, rl, ll) = tokio::join!(
        r.users_at(point),
        l.users_at(point),
        r.courses_at(point),
        l.courses_at(point),
        r.course_modules_at(point),
        l.course_modules_at(point),
        r.files_at(point),
        l.files_at(point),
        r.grades_at(point),
        l.grades_at(point),
        r.log_between(hour_before, point),
        l.log_between(hour_before, point),
    );
    let (ru, lu, rc, lc) = (
        restored_says(ru)?,
        live_says(lu)?,
        restored_says(rc)?,
        live_says(lc)?,
    );
    let rows = vec![
        counted(Table::Users, ru.len() as u64, lu.len() as u64),
        counted(Table::Courses, rc.len() as u64, lc.len() as u64),
        counted(Table::CourseModules, restored_says(rm)?, live_says(lm)?),
        counted(Table::Files, restored_says(rf)?, live_says(lf)?),
        counted(Table::Grades, restored_says(rg)?, live_says(lg)?),
        counted(Table::RecentLog, restored_says(rl)?, live_says(ll)?),
    ];
    let mut facts = DataFacts {
        rows,
        ..DataFacts::default()
    };
    for (table, restored, live) in [(Table::Users, &ru, &lu), (Table::Courses, &rc, &lc)] {
        facts.deleted_since.extend(only_in(table, restored, live));
        facts.missing.extend(only_in(table, live, restored));
    }
    Ok(facts)
}

fn restored_says<T>(read: Read<T>) -> Read<T> {
    read.map_err(|why| format!("restored database: {why}"))
}

fn live_says<T>(read: Read<T>) -> Read<T> {
    read.map_err(|why| format!("live database: {why}"))
}

fn counted(table: Table, restored: u64, live: u64) -> Rows {
    Rows {
        table,
        restored,
        live,
    }
}

fn only_in(table: Table, these: &BTreeMap<i64, String>, not: &BTreeMap<i64, String>) -> Vec<Named> {
    these
        .iter()
        .filter(|(id, _)| !not.contains_key(id))
        .map(|(&id, name)| Named {
            table,
            id,
            name: name.clone(),
        })
        .collect()
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
    tokio::task::spawn_blocking(move || files::check(&root, &newest))
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
