//! `snapdeck drill`: restore drills for a nightly timer (DESIGN.md, "Restore drills"). Each
//! drill restores a chosen point of a tenant into `<slug>-drill-<yyyymmdd>`, waits for it to
//! await confirmation, verifies it (the control plane's checks and, with `[verify]`,
//! snapdeck's own), records the result with `drill-result` and discards the spoke. It never
//! overwrites, never swaps DNS and never discards a restore that is not a drill.
//!
//! Every write is journaled before it is sent, like the dashboard's. A stop (Ctrl-C,
//! SIGTERM) starts no new drill and discards the ones this run made; drills an earlier run
//! left behind are found, listed and discarded first.

pub mod client;
pub mod progress;
pub mod report;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use self::client::{Client, Seen};
use self::progress::Progress;
use crate::config::VerifyConfig;
use crate::domain::drill::{self, DrillResult, cannot_drill, free_drill_slug, is_drill_of};
use crate::domain::ids::{IdempotencyKey, RestoreId, TenantId};
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase, RestorePurpose};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::{Tenant, Tier};
use crate::journal::{self, Action as Journaled, Intent, Journal, Outcome};
use crate::source::{CommandError, Op, Reply, Source};

/// How long the source may take to send the fleet at start.
const FIRST_REPORT_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);
/// How often a drill looks at its restore when the source says nothing new (for its limit).
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// How often a drill reads its restore on its own (`GET /restores/{id}`) while it runs: its
/// limit is judged on what was read, and the restores list may come only every 30 s.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// Which point a drill restores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointChoice {
    /// The newest point that can be restored.
    Latest,
    /// Any restorable point within the retention window, so that old points are tested too.
    Random,
}

/// Which tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Slugs(Vec<String>),
    Pick { count: usize, tier: Option<Tier> },
}

pub struct Options {
    pub which: Which,
    pub point: PointChoice,
    pub parallel: usize,
    /// A drill taking longer than this has failed; `None`: the tier's RTO.
    pub time_limit: Option<Duration>,
    pub verify: Option<VerifyConfig>,
    pub journal: Option<PathBuf>,
    /// Who the journal says acted, and where the writes went ("http https://…").
    pub operator: String,
    pub source_label: String,
    /// Unique to this run: idempotency keys are `<session>-<n>`.
    pub session: String,
    /// Seeds `--point random`.
    pub seed: u64,
}

/// How one drill ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It ran and its result was recorded (or could not be: `recorded` says why).
    Ran {
        result: DrillResult,
        summary: String,
        recorded: Result<(), String>,
    },
    /// It could not start or could not finish, in words; nothing was proved.
    CouldNot(String),
    /// The run was stopped while it was under way.
    Interrupted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrillReport {
    pub tenant: String,
    pub tier: Tier,
    pub target: Option<String>,
    pub restore: Option<RestoreId>,
    pub point_taken_at: Option<DateTime<Utc>>,
    pub restore_duration: Option<Duration>,
    pub limit: Duration,
    pub ending: Ending,
    /// Whether its spoke was discarded (`None` when there was none to discard).
    pub discarded: Option<Result<(), String>>,
}

/// A drill an earlier run left behind, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    pub restore: RestoreId,
    pub target: String,
    pub phase: RestorePhase,
    pub discarded: Result<(), String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub leftovers: Vec<Leftover>,
    /// Tenants asked for that were not drilled, and why.
    pub skipped: Vec<(String, String)>,
    pub drills: Vec<DrillReport>,
    pub interrupted: bool,
}

impl Summary {
    /// 0 all passed, 1 warnings, 2 a drill failed, 3 could not run (worst wins, a failed drill
    /// above all: it is what the run exists to find).
    pub fn exit_code(&self) -> u8 {
        let mut code = 0;
        let rank = |c: u8| match c {
            2 => 3,
            3 => 2,
            c => c,
        };
        let mut worst = |c: u8| {
            if rank(c) > rank(code) {
                code = c;
            }
        };
        for d in &self.drills {
            worst(match &d.ending {
                Ending::Ran {
                    result: DrillResult::Passed,
                    recorded: Ok(()),
                    ..
                } => 0,
                Ending::Ran {
                    result: DrillResult::Failed,
                    ..
                } => 2,
                Ending::Ran {
                    result: DrillResult::Passed | DrillResult::Warning,
                    recorded: Err(_),
                    ..
                } => 3,
                Ending::Ran { .. } => 1,
                Ending::CouldNot(_) | Ending::Interrupted => 3,
            });
            if matches!(d.discarded, Some(Err(_))) {
                worst(3);
            }
        }
        if self.leftovers.iter().any(|l| l.discarded.is_err()) || self.interrupted {
            worst(3);
        }
        if self.drills.is_empty() && !self.skipped.is_empty() {
            worst(3);
        }
        code
    }
}

/// Why the run could not start at all, in words (exit 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouldNotRun(pub String);

/// Runs the drills `options` asks for through `source`; `stop` turning true starts no new
/// drill and discards those under way.
pub async fn run(
    source: Box<dyn Source>,
    options: Options,
    progress: Arc<dyn Progress>,
    stop: watch::Receiver<bool>,
) -> Result<Summary, CouldNotRun> {
    let client = Client::start(source);
    let seen = client
        .first_report(FIRST_REPORT_WITHIN)
        .await
        .map_err(CouldNotRun)?;
    let runner = Runner {
        client,
        options,
        progress,
        stop,
        journal: Mutex::new(None),
        minted: std::sync::atomic::AtomicU64::new(0),
    };
    runner.open_journal()?;
    runner.has_drills(&seen).await?;
    let mut summary = Summary {
        leftovers: runner.discard_leftovers(&seen).await?,
        ..Summary::default()
    };
    let (targets, skipped) = runner.targets(&seen)?;
    summary.skipped = skipped;
    summary.drills = runner.drill_all(targets).await;
    summary.interrupted = *runner.stop.borrow();
    Ok(summary)
}

struct Runner {
    client: Client,
    options: Options,
    progress: Arc<dyn Progress>,
    stop: watch::Receiver<bool>,
    journal: Mutex<Option<Journal>>,
    minted: std::sync::atomic::AtomicU64,
}

/// A tenant to drill and the limit its drill runs under.
struct Target {
    tenant: Arc<Tenant>,
    limit: Duration,
}

impl Runner {
    /// Writes are journaled before they are sent: without a journal nothing is sent.
    fn open_journal(&self) -> Result<(), CouldNotRun> {
        let Some(path) = &self.options.journal else {
            return Err(CouldNotRun(
                "no journal: no data directory on this system (set SNAPDECK_JOURNAL); every \
                 drill is a write, and writes are journaled before they are sent"
                    .into(),
            ));
        };
        let journal = Journal::open(path).map_err(|e| {
            CouldNotRun(format!(
                "the journal {} cannot be written: {e}",
                path.display()
            ))
        })?;
        *self.journal.lock().unwrap_or_else(|e| e.into_inner()) = Some(journal);
        Ok(())
    }

    /// A control plane without the v1 additions would take a drill for a plain restore:
    /// asked before anything is written.
    async fn has_drills(&self, seen: &Seen) -> Result<(), CouldNotRun> {
        let Some(tenant) = seen.tenants.first() else {
            return Ok(());
        };
        let op = Op::Drills {
            tenant: tenant.id.clone(),
            cursor: None,
        };
        match self.client.call(op).await {
            Ok(_) => Ok(()),
            Err(e) if e.status == Some(404) && e.code == "not_found" => Err(CouldNotRun(
                "this control plane has no restore drills (the v1 additions): GET /drills \
                 answered 404"
                    .into(),
            )),
            Err(e) => Err(CouldNotRun(format!(
                "the control plane's drills could not be read: {}",
                words(&e)
            ))),
        }
    }

    /// Drills left behind by a run that stopped before discarding them: listed and discarded.
    async fn discard_leftovers(&self, seen: &Seen) -> Result<Vec<Leftover>, CouldNotRun> {
        let mut leftovers = Vec::new();
        let left: Vec<&Restore> = seen
            .restores
            .iter()
            .filter(|r| r.purpose == RestorePurpose::Drill)
            .filter(|r| r.phase.is_active() || r.phase == RestorePhase::Failed)
            .filter(|r| is_drill_of(&r.target_slug, &r.source_slug))
            .collect();
        for r in left {
            self.progress.note(&format!(
                "found {} ({} → {}, {}) left behind by an earlier run: discarding it",
                r.id,
                r.source_slug,
                r.target_slug,
                r.phase.label().replace('_', " ")
            ));
            let discarded = self
                .tear_down(
                    r,
                    "left behind by an interrupted drill; discarded by the next run",
                )
                .await;
            if let Err(why) = &discarded
                && why.contains("403")
            {
                return Err(CouldNotRun(format!(
                    "the control plane refused to discard {}: {why}",
                    r.id
                )));
            }
            leftovers.push(Leftover {
                restore: r.id.clone(),
                target: r.target_slug.clone(),
                phase: r.phase.clone(),
                discarded,
            });
        }
        Ok(leftovers)
    }

    /// The tenants to drill, and those asked for that cannot be, in words.
    #[allow(clippy::type_complexity)]
    fn targets(&self, seen: &Seen) -> Result<(Vec<Target>, Vec<(String, String)>), CouldNotRun> {
        let mut skipped = Vec::new();
        let chosen: Vec<Arc<Tenant>> = match &self.options.which {
            Which::Slugs(slugs) => {
                let mut chosen = Vec::new();
                for slug in slugs {
                    let Some(t) = seen.tenants.iter().find(|t| t.slug == *slug) else {
                        return Err(CouldNotRun(format!(
                            "there is no tenant {slug} in the fleet"
                        )));
                    };
                    match cannot_drill(t) {
                        Some(why) => skipped.push((slug.clone(), why)),
                        None => chosen.push(t.clone()),
                    }
                }
                chosen
            }
            Which::Pick { count, tier } => {
                let pool = seen
                    .tenants
                    .iter()
                    .map(|t| t.as_ref())
                    .filter(|t| tier.as_ref().is_none_or(|tier| t.tier == *tier));
                let picked: Vec<TenantId> = drill::pick(pool, *count)
                    .iter()
                    .map(|t| t.id.clone())
                    .collect();
                picked
                    .iter()
                    .filter_map(|id| seen.tenants.iter().find(|t| t.id == *id).cloned())
                    .collect()
            }
        };
        let targets = chosen
            .into_iter()
            .map(|tenant| Target {
                limit: self
                    .options
                    .time_limit
                    .unwrap_or_else(|| drill::limit_of(&tenant.tier)),
                tenant,
            })
            .collect();
        Ok((targets, skipped))
    }

    /// Every drill, `parallel` at a time; after a stop, the rest are not started.
    async fn drill_all(&self, targets: Vec<Target>) -> Vec<DrillReport> {
        let permits = tokio::sync::Semaphore::new(self.options.parallel.max(1));
        let drills = targets.iter().map(|target| async {
            let Ok(_permit) = permits.acquire().await else {
                return None;
            };
            if *self.stop.borrow() {
                return None;
            }
            Some(self.drill(target).await)
        });
        futures_util::future::join_all(drills)
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    /// One drill, start to finish.
    async fn drill(&self, target: &Target) -> DrillReport {
        let t = &target.tenant;
        let mut report = DrillReport {
            tenant: t.slug.clone(),
            tier: t.tier.clone(),
            target: None,
            restore: None,
            point_taken_at: None,
            restore_duration: None,
            limit: target.limit,
            ending: Ending::Interrupted,
            discarded: None,
        };
        let line = self.progress.start(&t.slug);
        let point = match self.point(t).await {
            Ok(point) => point,
            Err(why) => {
                line.done(&format!("could not start: {why}"));
                report.ending = Ending::CouldNot(why);
                return report;
            }
        };
        report.point_taken_at = Some(point.taken_at);
        let restore = match self.launch(t, &point).await {
            Ok(restore) => restore,
            Err(why) => {
                line.done(&format!("could not start: {why}"));
                report.ending = Ending::CouldNot(why);
                return report;
            }
        };
        report.target = Some(restore.target_slug.clone());
        report.restore = Some(restore.id.clone());
        line.phase(&restore);
        let watched = self.watch(&restore, target.limit, &*line).await;
        let restore = match watched {
            Watched::Stopped(r) => {
                line.done("interrupted: discarding");
                report.discarded = Some(self.tear_down(&r, "the drill run was stopped").await);
                return report;
            }
            Watched::Ended(r, seen) | Watched::Late(r, seen) => (r, seen),
        };
        let (restore, seen) = restore;
        let took = drill::took(&restore, seen);
        report.restore_duration = Some(took);
        line.checking();
        let own = self.own_checks(&restore, &point).await;
        let verdicts = drill::verdicts(&restore, own.as_deref(), took, target.limit);
        let recorded = self.record(&restore, &verdicts, took).await;
        line.done(&format!(
            "{} {}: {}",
            verdicts.result.glyph(),
            verdicts.result,
            verdicts.summary
        ));
        report.ending = Ending::Ran {
            result: verdicts.result.clone(),
            summary: verdicts.summary.clone(),
            recorded,
        };
        let reason = format!("restore drill {}: {}", verdicts.result, verdicts.summary);
        report.discarded = Some(self.tear_down(&restore, &reason).await);
        report
    }

    /// The point to restore: the newest restorable one, or one at random within retention.
    async fn point(&self, t: &Tenant) -> Result<RestorePoint, String> {
        let op = Op::RestorePoints {
            tenant: t.id.clone(),
            cursor: None,
        };
        let points = match self.client.call(op).await {
            Ok(Reply::RestorePoints(page)) => page.items,
            Ok(_) => {
                return Err("the source answered the restore points with something else".into());
            }
            Err(e) => {
                return Err(format!(
                    "its restore points could not be read: {}",
                    words(&e)
                ));
            }
        };
        let now = self.client.now();
        let window = now - Duration::days(i64::from(t.backup.retention_days));
        let usable: Vec<&RestorePoint> = points
            .iter()
            .filter(|p| p.unusable_reason(now).is_none() && p.taken_at >= window)
            .collect();
        let chosen = match self.options.point {
            PointChoice::Latest => usable.first().copied(),
            PointChoice::Random => (!usable.is_empty())
                .then(|| usable[pick_index(self.options.seed, &t.id.0, usable.len())]),
        };
        chosen.cloned().ok_or_else(|| {
            format!(
                "{} has no restorable point within its retention window",
                t.slug
            )
        })
    }

    /// Asks for the drill's restore, journaled first.
    async fn launch(&self, t: &Tenant, point: &RestorePoint) -> Result<Restore, String> {
        let seen = self.client.seen();
        let now = seen.at.unwrap_or_else(Utc::now);
        let slug = free_drill_slug(&t.slug, now, |s| seen.tenants.iter().any(|t| t.slug == s));
        let request = CreateRestore {
            restore_point_id: Some(point.id.clone()),
            mode: RestoreMode::NewSpoke,
            target_slug: Some(slug),
            ticket: None,
            reason: Some("restore drill".into()),
            purpose: RestorePurpose::Drill,
        };
        let key = self.key();
        let mut intent = self.intent(Journaled::CreateRestore, &t.slug, &key);
        intent.details = journal::details_of(&request);
        let op = Op::CreateRestore {
            tenant: t.id.clone(),
            request,
            key,
        };
        match self.write(intent, op).await? {
            Reply::Restore(restore) => Ok(*restore),
            _ => Err("the control plane answered the restore with something else".into()),
        }
    }

    /// Follows the restore until it awaits confirmation or ends, its limit passes, or the run
    /// is stopped.
    async fn watch(
        &self,
        launched: &Restore,
        limit: Duration,
        line: &dyn progress::Line,
    ) -> Watched {
        let mut seen = self.client.watch();
        let mut stop = self.stop.clone();
        let mut latest = launched.clone();
        // When `latest` was seen as it is, on the source's clock.
        let mut observed = self.client.source_now();
        let mut last_read = std::time::Instant::now();
        loop {
            let listed = {
                let now = seen.borrow_and_update();
                let at = now.restores_at.filter(|at| *at > observed);
                at.zip(now.restore(&latest.id).cloned())
            };
            if let Some((at, r)) = listed {
                observed = at;
                self.moved(&mut latest, r, line);
            }
            if last_read.elapsed() >= FOLLOW_EVERY {
                last_read = std::time::Instant::now();
                let read = self.client.call(Op::Restore {
                    restore: latest.id.clone(),
                });
                if let Ok(Reply::Restore(r)) = read.await {
                    observed = self.client.source_now();
                    self.moved(&mut latest, *r, line);
                }
            }
            if *stop.borrow() {
                return Watched::Stopped(latest);
            }
            if latest.phase == RestorePhase::AwaitingConfirmation || !latest.phase.is_active() {
                return Watched::Ended(latest, observed);
            }
            // Judged at the instant the restore was seen: older data cannot say it is late.
            if drill::took(&latest, observed) > limit {
                return Watched::Late(latest, observed);
            }
            tokio::select! {
                _ = seen.changed() => {}
                _ = stop.changed() => {}
                _ = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }

    /// `r` is the restore as seen now: the line says so when it moved.
    fn moved(&self, latest: &mut Restore, r: Restore, line: &dyn progress::Line) {
        let moved = r.phase != latest.phase || r.steps != latest.steps;
        *latest = r;
        if moved {
            line.phase(latest);
        }
    }

    /// snapdeck's own checks, when `[verify]` is set and there is a restore to check.
    async fn own_checks(
        &self,
        restore: &Restore,
        point: &RestorePoint,
    ) -> Option<Vec<crate::domain::verify::Check>> {
        let config = self.options.verify.as_ref()?;
        if restore.phase != RestorePhase::AwaitingConfirmation {
            return None;
        }
        let instant = point.database.started_at.unwrap_or(point.taken_at);
        let tenants = self.client.seen().tenants;
        let checks = match crate::app::own_checks::request_for(restore, &tenants, instant) {
            Ok(request) => crate::verify::run_for(config, &request, None, &|_| {}).await,
            Err(why) => crate::domain::verify::could_not_run(&why),
        };
        Some(checks)
    }

    /// Records the drill's result on the control plane, journaled first.
    async fn record(
        &self,
        restore: &Restore,
        verdicts: &drill::Verdicts,
        took: Duration,
    ) -> Result<(), String> {
        let findings = verdicts.findings(took, &self.options.operator);
        let key = self.key();
        let mut intent = self.intent(Journaled::RecordDrill, &restore.id.0, &key);
        intent.details = journal::details_of(&findings);
        let op = Op::RecordDrill {
            restore: restore.id.clone(),
            findings,
            key,
        };
        self.write(intent, op).await.map(|_| ())
    }

    /// Throws the drill's spoke away: discarded, or cancelled while still queued (the
    /// contract discards a drill only after `queued`). Only ever a drill's.
    async fn tear_down(&self, restore: &Restore, reason: &str) -> Result<(), String> {
        if restore.purpose != RestorePurpose::Drill
            || !is_drill_of(&restore.target_slug, &restore.source_slug)
        {
            return Err(format!("{} is not a drill: left alone", restore.id));
        }
        let now = self
            .client
            .restore(&restore.id)
            .unwrap_or_else(|| restore.clone());
        let key = self.key();
        let (action, op) = if now.phase == RestorePhase::Queued {
            let op = Op::CancelRestore {
                restore: now.id.clone(),
                key: key.clone(),
            };
            (Journaled::CancelRestore, op)
        } else if now.can_discard() {
            let op = Op::DiscardRestore {
                restore: now.id.clone(),
                reason: reason.to_string(),
                key: key.clone(),
            };
            (Journaled::DiscardRestore, op)
        } else {
            return match now.phase {
                RestorePhase::Discarded | RestorePhase::Cancelled => Ok(()),
                ref phase => Err(format!("{} is {phase}: it cannot be discarded", now.id)),
            };
        };
        let mut intent = self.intent(action, &now.id.0, &key);
        intent.details.insert(
            "reason".into(),
            serde_json::Value::String(reason.to_string()),
        );
        intent.details.insert("purpose".into(), "drill".into());
        self.write(intent, op).await.map(|_| ())
    }

    /// Journals `intent`, sends `op`, journals its outcome.
    async fn write(&self, intent: Intent, op: Op) -> Result<Reply, String> {
        {
            let mut journal = self.journal.lock().unwrap_or_else(|e| e.into_inner());
            let Some(journal) = journal.as_mut() else {
                return Err("there is no journal: nothing is sent".into());
            };
            journal
                .append_intent(&intent)
                .map_err(|e| format!("not sent: the journal could not be written ({e})"))?;
        }
        let key = intent.idempotency_key.clone();
        let answer = self.client.call(op).await;
        let outcome = match &answer {
            Ok(Reply::Restore(r)) => Outcome::ok(key, Some(r.id.to_string())),
            Ok(Reply::Drill(d)) => Outcome::ok(key, Some(d.drill.restore_id.to_string())),
            Ok(_) => Outcome::ok(key, None),
            Err(e) => Outcome::error(key, e.status, Some(e.code.clone()), e.message.clone()),
        };
        if let Some(journal) = self
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            && let Err(e) = journal.append_outcome(&outcome)
        {
            self.progress
                .note(&format!("the journal could not record an answer: {e}"));
        }
        answer.map_err(|e| words(&e))
    }

    fn intent(&self, action: Journaled, target: &str, key: &IdempotencyKey) -> Intent {
        let mut intent = Intent::new(
            action,
            target,
            self.options.source_label.clone(),
            key.clone(),
        );
        intent.operator = self.options.operator.clone();
        intent
    }

    fn key(&self) -> IdempotencyKey {
        let n = self
            .minted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        IdempotencyKey(format!("{}-{n}", self.options.session))
    }
}

enum Watched {
    /// Awaiting confirmation, or ended (failed) on its own; and when it was seen so.
    Ended(Restore, DateTime<Utc>),
    /// Still under way when its limit passed, as seen at that instant.
    Late(Restore, DateTime<Utc>),
    /// The run was stopped.
    Stopped(Restore),
}

/// One of `n`, the same for the same seed and tenant (`--point random`).
fn pick_index(seed: u64, tenant: &str, n: usize) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (seed, tenant).hash(&mut hasher);
    (hasher.finish() % n.max(1) as u64) as usize
}

/// An error as the summary says it: the status, then the control plane's words (once:
/// the http source's message may start with the status already).
fn words(e: &CommandError) -> String {
    match e.status {
        Some(status) if status > 0 && !e.message.starts_with(&status.to_string()) => {
            format!("{status} {}: {}", e.code, e.message)
        }
        _ => e.message.clone(),
    }
}

/// Who acts, for the journal: `journal::operator` as the dashboard names it.
pub fn operator(configured: Option<&str>) -> String {
    journal::operator(configured).unwrap_or_else(|| journal::UNKNOWN_OPERATOR.to_string())
}
