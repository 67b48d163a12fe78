//! `snapdeck drill`: restore drills for a nightly timer (DESIGN.md, "Restore drills"). Each
//! drill restores a chosen point of a tenant into `<slug>-drill-<yyyymmdd>`, waits for it to
//! await confirmation, verifies it (the control plane's checks and, with `[verify]`,
//! snapdeck's own), records the result with `drill-result` and discards the spoke. It never
//! overwrites, never swaps DNS and never discards a restore that is not a drill.
//!
//! Every write is journaled before it is sent, like the dashboard's. A stop (Ctrl-C,
//! SIGTERM) starts no new drill and discards the ones this run made; drills an earlier run
//! left behind are found, listed and discarded first.

mod command;
pub mod report;

pub use command::{command, drills, stopping_signal};

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use crate::config::VerifyConfig;
use crate::domain::drill::{self, DrillResult, cannot_drill, free_drill_slug, is_drill_of};
use crate::domain::ids::{RestoreId, TenantId};
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase, RestorePurpose};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::{Tenant, Tier};
pub use crate::domain::workflow::Ending;
use crate::domain::workflow::{DrillFlow, DrillSpec, Stage};
use crate::ops::client::{Client, Seen};
use crate::ops::progress::Progress;
use crate::ops::{Runner, Writer};
use crate::source::{Op, Reply, Source};

/// How long the source may take to send the fleet at start.
const FIRST_REPORT_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);
pub use crate::domain::drill::PointChoice;

/// Which tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Slugs(Vec<String>),
    Pick { count: usize, tier: Option<Tier> },
}

/// How each drill runs, as the command line says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct How {
    pub point: PointChoice,
    pub parallel: usize,
    pub time_limit: Option<Duration>,
    pub cross_region: bool,
}

pub struct Options {
    pub which: Which,
    pub point: PointChoice,
    pub parallel: usize,
    /// A drill taking longer than this has failed; `None`: the tier's RTO.
    pub time_limit: Option<Duration>,
    /// Region drills: each restores the newest point copied to the tenant's secondary
    /// region, in that region.
    pub cross_region: bool,
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

#[derive(Debug, Clone, PartialEq)]
pub struct DrillReport {
    pub tenant: String,
    pub tier: Tier,
    pub target: Option<String>,
    /// The region restored in, for a region drill.
    pub region: Option<String>,
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
                Ending::CouldNot(_) | Ending::Interrupted | Ending::LeftBehind => 3,
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
    let writer = Writer {
        operator: options.operator.clone(),
        source_label: options.source_label.clone(),
        session: options.session.clone(),
    };
    let runner =
        Runner::new(client, options.journal.as_deref(), writer, stop).map_err(CouldNotRun)?;
    let drills = Drills {
        runner,
        options,
        progress,
    };
    drills.has_drills(&seen).await?;
    if drills.options.cross_region
        && let Some(why) = seen.regions.not_offered()
    {
        return Err(CouldNotRun(format!("--cross-region: {why}")));
    }
    let mut summary = Summary {
        leftovers: drills.discard_leftovers(&seen).await?,
        ..Summary::default()
    };
    let (targets, skipped) = drills.targets(&seen)?;
    summary.skipped = skipped;
    summary.drills = drills.drill_all(targets).await;
    summary.interrupted = drills.runner.stopped();
    Ok(summary)
}

/// The drill command's part: which tenants, which points; the runner drives each drill's
/// workflow.
struct Drills {
    runner: Runner,
    options: Options,
    progress: Arc<dyn Progress>,
}

/// A tenant to drill and the limit its drill runs under.
struct Target {
    tenant: Arc<Tenant>,
    limit: Duration,
}

impl Drills {
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
        match self.runner.client.call(op).await {
            Ok(_) => Ok(()),
            Err(e) if e.status == Some(404) && e.code == "not_found" => Err(CouldNotRun(
                "this control plane has no restore drills (the v1 additions): GET /drills \
                 answered 404"
                    .into(),
            )),
            Err(e) => Err(CouldNotRun(format!(
                "the control plane's drills could not be read: {}",
                e.words()
            ))),
        }
    }

    /// Why `t` cannot have a region drill, when region drills are asked for: no copy
    /// elsewhere, or its copies' region is down.
    fn no_region_drill(&self, t: &Tenant, seen: &Seen) -> Option<String> {
        if !self.options.cross_region {
            return None;
        }
        match &t.secondary_region {
            None => Some(format!(
                "{} has no cross-region copy ({}): nothing to drill across regions",
                t.slug,
                t.tier.label()
            )),
            Some(region) if seen.regions.down(region).is_some() => {
                Some(format!("{region}, where its copies are, is down"))
            }
            Some(_) => None,
        }
    }

    /// The region a drill of `t` restores in: its secondary for a region drill.
    fn region_of<'a>(&self, t: &'a Tenant) -> Option<&'a str> {
        self.options
            .cross_region
            .then_some(t.secondary_region.as_deref())
            .flatten()
    }

    fn spec(&self, tenant: &str, limit: Duration) -> DrillSpec {
        DrillSpec {
            tenant: tenant.to_string(),
            limit,
            verify: self.options.verify.is_some(),
            operator: self.options.operator.clone(),
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
            let spec = self.spec(
                &r.source_slug,
                drill::limit_of(&Tier::Unknown(String::new())),
            );
            let (flow, wants) = DrillFlow::left_behind(spec, r.clone());
            let line = self.progress.start(&r.source_slug);
            let flow = self
                .runner
                .drive_drill(flow, wants, &*line, &no_checks)
                .await;
            let discarded = match flow.stage {
                Stage::Done(end) => end.torn_down.unwrap_or(Ok(())),
                _ => Err("stopped before it was discarded".to_string()),
            };
            line.done(&match &discarded {
                Ok(()) => "discarded".to_string(),
                Err(why) => format!("NOT discarded: {why}"),
            });
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
                    match cannot_drill(t).or_else(|| self.no_region_drill(t, seen)) {
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
                    .filter(|t| tier.as_ref().is_none_or(|tier| t.tier == *tier))
                    .filter(|t| self.no_region_drill(t, seen).is_none());
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
            if self.runner.stopped() {
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

    /// One drill, start to finish: its point chosen here, the rest its workflow's.
    async fn drill(&self, target: &Target) -> DrillReport {
        let t = &target.tenant;
        let line = self.progress.start(&t.slug);
        let mut report = DrillReport {
            tenant: t.slug.to_string(),
            tier: t.tier.clone(),
            target: None,
            region: self.region_of(t).map(str::to_string),
            restore: None,
            point_taken_at: None,
            restore_duration: None,
            limit: target.limit,
            ending: Ending::Interrupted,
            discarded: None,
        };
        let point = match self.point(t).await {
            Ok(point) => point,
            Err(why) => {
                line.done(&format!("could not start: {why}"));
                report.ending = Ending::CouldNot(why);
                return report;
            }
        };
        report.point_taken_at = Some(point.taken_at);
        let (flow, wants) = DrillFlow::launch(
            self.spec(&t.slug, target.limit),
            t.id.clone(),
            self.request(t, &point),
        );
        let checks = |restore: Restore| self.own_checks(restore, &point);
        let flow = self.runner.drive_drill(flow, wants, &*line, &checks).await;
        report.target = flow.restore.as_ref().map(|r| r.target_slug.clone());
        report.restore = flow.restore.as_ref().map(|r| r.id.clone());
        report.restore_duration = flow.took;
        line.done(&flow.words());
        if let Stage::Done(end) = flow.stage {
            report.ending = end.ending;
            report.discarded = end.torn_down;
        }
        report
    }

    /// The point to restore: the newest restorable one, or one at random within retention.
    async fn point(&self, t: &Tenant) -> Result<RestorePoint, String> {
        let op = Op::RestorePoints {
            tenant: t.id.clone(),
            cursor: None,
        };
        let points = match self.runner.client.call(op).await {
            Ok(Reply::RestorePoints(page)) => page.items,
            Ok(_) => {
                return Err("the source answered the restore points with something else".into());
            }
            Err(e) => {
                return Err(format!(
                    "its restore points could not be read: {}",
                    e.words()
                ));
            }
        };
        let now = self.runner.client.now();
        let window = now - Duration::days(i64::from(t.backup.retention_days));
        let from = self.region_of(t);
        let usable: Vec<&RestorePoint> = points
            .iter()
            .filter(|p| p.unusable_in(from, now).is_none() && p.taken_at >= window)
            .collect();
        let chosen = match self.options.point {
            PointChoice::Latest => usable.first().copied(),
            PointChoice::Random => (!usable.is_empty())
                .then(|| usable[pick_index(self.options.seed, &t.id.0, usable.len())]),
        };
        chosen.cloned().ok_or_else(|| match from {
            Some(region) => format!(
                "{} has no point copied to {region} among its newest (the first page)",
                t.slug
            ),
            None => format!(
                "{} has no restorable point within its retention window",
                t.slug
            ),
        })
    }

    /// The drill's restore: a new spoke named free of every slug in the fleet.
    fn request(&self, t: &Tenant, point: &RestorePoint) -> CreateRestore {
        let seen = self.runner.client.seen();
        let now: DateTime<Utc> = seen.at.unwrap_or_else(Utc::now);
        let slug = free_drill_slug(&t.slug, now, |s| seen.tenants.iter().any(|t| t.slug == s));
        CreateRestore {
            target_region: self.region_of(t).map(str::to_string),
            batch: None,
            restore_point_id: Some(point.id.clone()),
            mode: RestoreMode::NewSpoke,
            target_slug: Some(slug),
            ticket: None,
            reason: Some(match self.region_of(t) {
                Some(region) => format!("region drill, from the copy in {region}"),
                None => "restore drill".into(),
            }),
            purpose: RestorePurpose::Drill,
        }
    }

    /// snapdeck's own checks, when `[verify]` is set.
    fn own_checks(
        &self,
        restore: Restore,
        point: &RestorePoint,
    ) -> futures_util::future::BoxFuture<'static, Option<Vec<crate::domain::verify::Check>>> {
        let Some(config) = self.options.verify.clone() else {
            return Box::pin(async { None });
        };
        let instant = point.database.started_at.unwrap_or(point.taken_at);
        let seen = self.runner.client.seen();
        let (tenants, regions) = (seen.tenants, seen.regions);
        Box::pin(async move {
            Some(crate::verify::checks_of(&config, &restore, &tenants, instant, &regions).await)
        })
    }
}

fn no_checks(
    _: Restore,
) -> futures_util::future::BoxFuture<'static, Option<Vec<crate::domain::verify::Check>>> {
    Box::pin(async { None })
}

/// One of `n`, the same for the same seed and tenant (`--point random`).
fn pick_index(seed: u64, tenant: &str, n: usize) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (seed, tenant).hash(&mut hasher);
    (hasher.finish() % n.max(1) as u64) as usize
}

/// Who acts, for the journal: `journal::operator` as the dashboard names it.
pub fn operator(configured: Option<&str>) -> String {
    crate::journal::operator(configured)
        .unwrap_or_else(|| crate::journal::UNKNOWN_OPERATOR.to_string())
}
