//! `failover run` and `failover resume`: the batch launched (or taken up), driven to where
//! nothing more happens without a person, and its summary.

use std::collections::HashMap;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use serde_json::json;

use super::batch_file::{self, BatchFile, BatchMember};
use super::{first_read, make_plan, plan_out, scope_of};
use crate::cli::{PlanArgs, RunArgs};
use crate::commands::drill::{self, How, PointChoice, Which, stopping_signal};
use crate::commands::{Failure, print_out, runtime, session_id, user};
use crate::config::Config;
use crate::domain::failover::{Plan, PlanScope, batch_id, project};
use crate::domain::humanize;
use crate::domain::region::RegionStatus;
use crate::domain::restore::{CreateRestore, Restore};
use crate::domain::tenant::TenantId;
use crate::domain::verify::Check;
use crate::domain::workflow::failover::{BatchEvent, BatchFlow, BatchSpec, Stage};
use crate::journal;
use crate::ops::batch_voice::{self, Voice};
use crate::ops::client::Client;
use crate::ops::{Runner, Writer};

pub fn run(
    config: &Config,
    args: &PlanArgs,
    run: &RunArgs,
    confirm: Option<String>,
    fail_back: Option<String>,
    drill: bool,
) -> Result<ExitCode, Failure> {
    refuse_read_only(config)?;
    if drill {
        return test_failover(config, args, run.json);
    }
    let typed = fail_back
        .clone()
        .or_else(|| args.region.clone())
        .unwrap_or_default();
    if confirm.as_deref() != Some(typed.as_str()) {
        return Err(user(format!(
            "a failover restores every planned tenant elsewhere: type its name to launch it, \
             --confirm {typed} (see the plan first: snapdeck failover plan{})",
            match &fail_back {
                Some(b) => format!(" --fail-back {b}"),
                None => format!(" --region {typed}"),
            }
        )));
    }
    let (source, label) = crate::commands::source::acting_source(
        config,
        "a failover is restores, and restores are made by the control plane",
    )?;
    let rt = runtime()?;
    rt.block_on(async {
        let client = Client::start(source);
        let seen = first_read(&client).await.map_err(user)?;
        let scope = scope_of(&client, &seen, args, fail_back)
            .await
            .map_err(user)?;
        if let PlanScope::Region { name, .. } = &scope
            && seen
                .regions
                .get(name)
                .is_some_and(|r| r.status == RegionStatus::Ok)
        {
            return Err(user(format!(
                "{name} is ok: a failover restores every one of its sites elsewhere; for a \
                 test, run the plan as drills with --drill"
            )));
        }
        let (plan, unknown) = make_plan(&client, &seen, scope, &args.exclude)
            .await
            .map_err(user)?;
        if let Some(slug) = unknown.first() {
            return Err(user(format!(
                "--exclude {slug}: no tenant of the plan is called that"
            )));
        }
        if plan.included().next().is_none() {
            return Err(user(format!(
                "nothing to fail over: no tenant of {} can be restored elsewhere (see `snapdeck \
                 failover plan`)",
                plan.region
            )));
        }
        let runner = runner(config, client, &label)?;
        let file = batch_of(&plan, usize::from(args.parallel), &label, &runner);
        let path = batch_file::save(journal_path()?.as_path(), &file).map_err(user)?;
        let projection = project(&plan, file.parallel, plan.made_at);
        let voice = voice(file.members.len());
        for line in plan_out::head(&plan, &projection) {
            voice.note(&line);
        }
        voice.note(&format!(
            "batch {}: {} restores, {} at once (kept in {}; if this run stops, `snapdeck \
             failover resume --batch {}` takes it up)",
            file.batch,
            file.members.iter().filter(|m| !m.excluded).count(),
            file.parallel,
            path.display(),
            file.batch
        ));
        drive(config, &runner, &file, run, &*voice, &Asked::default()).await
    })
}

/// What a person asks of a resumed batch once it has been listed.
#[derive(Debug, Default)]
pub struct Asked {
    pub retry_failed: bool,
    /// Slugs whose restore is confirmed whatever its checks said.
    pub confirm: Vec<String>,
}

pub fn resume(
    config: &Config,
    batch: &str,
    run: &RunArgs,
    asked: &Asked,
) -> Result<ExitCode, Failure> {
    refuse_read_only(config)?;
    let file = batch_file::load(journal_path()?.as_path(), batch).map_err(user)?;
    let (source, label) = crate::commands::source::acting_source(
        config,
        "a failover is restores, and restores are made by the control plane",
    )?;
    runtime()?.block_on(async {
        let client = Client::start(source);
        first_read(&client).await.map_err(user)?;
        let runner = runner(config, client, &label)?;
        let unsent = runner.adopt_unsettled(|intent| launch_of(&file, intent));
        let voice = voice(file.members.len());
        voice.note(&format!(
            "resuming batch {batch} ({} tenants, {} at once); {} launch{} may not have left and \
             go again with {} key{}",
            file.members.len(),
            file.parallel,
            unsent,
            if unsent == 1 { "" } else { "es" },
            if unsent == 1 { "its" } else { "their" },
            if unsent == 1 { "" } else { "s" },
        ));
        drive(config, &runner, &file, run, &*voice, asked).await
    })
}

/// An earlier run's launch of a member of `file`, as the op it went as.
fn launch_of(file: &BatchFile, intent: &journal::Intent) -> Option<crate::source::Op> {
    if intent.op != journal::Action::CreateRestore {
        return None;
    }
    let request: CreateRestore =
        serde_json::from_value(serde_json::Value::Object(intent.details.clone())).ok()?;
    if request.batch.as_deref() != Some(file.batch.as_str()) {
        return None;
    }
    let member = file.members.iter().find(|m| m.slug == intent.target)?;
    Some(crate::source::Op::CreateRestore {
        tenant: member.tenant.clone(),
        request,
        key: intent.idempotency_key.clone(),
    })
}

fn refuse_read_only(config: &Config) -> Result<(), Failure> {
    if config.read_only {
        return Err(user(
            "read-only: a failover launches restores, and read-only forbids every write",
        ));
    }
    Ok(())
}

fn journal_path() -> Result<std::path::PathBuf, Failure> {
    journal::path().ok_or_else(|| {
        user(
            "no journal: no data directory on this system (set SNAPDECK_JOURNAL); every write \
             is journaled before it is sent",
        )
    })
}

fn runner(config: &Config, client: Client, label: &str) -> Result<Runner, Failure> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stopping_signal().await;
        let _ = stop.send(true);
    });
    let writer = Writer {
        operator: drill::operator(config.operator.as_deref()),
        source_label: label.to_string(),
        session: session_id(),
    };
    Runner::new(client, journal::path().as_deref(), writer, stopped).map_err(user)
}

fn voice(members: usize) -> Box<dyn Voice> {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        Box::new(batch_voice::Live::new(members))
    } else {
        Box::new(batch_voice::Plain::new(Box::new(std::io::stderr())))
    }
}

/// The batch as it will be launched: each included tenant's restore, in the plan's order.
fn batch_of(plan: &Plan, parallel: usize, label: &str, runner: &Runner) -> BatchFile {
    // A few random characters against a second operator in the same minute.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tag = format!("{:04x}", (nanos ^ std::process::id()) & 0xffff);
    let batch = batch_id(Utc::now(), &tag);
    let kind = match plan.scope {
        PlanScope::Region { .. } => "failover",
        PlanScope::FailBack { .. } => "fail_back",
    };
    let members = plan
        .entries
        .iter()
        .map(|e| BatchMember {
            tenant: e.tenant.clone(),
            slug: e.slug.clone(),
            request: plan.request(e, &batch),
            point_at: e.point.taken_at,
            estimate_seconds: e.estimate.took.num_seconds(),
            excluded: e.excluded,
        })
        .collect();
    BatchFile {
        region: plan.region.clone(),
        kind: kind.to_string(),
        created_at: Utc::now(),
        operator: runner.operator().to_string(),
        source: label.to_string(),
        parallel,
        deadline: project(plan, parallel, plan.made_at).deadline,
        members,
        batch,
    }
}

async fn drive(
    config: &Config,
    runner: &Runner,
    file: &BatchFile,
    run: &RunArgs,
    voice: &dyn Voice,
    asked: &Asked,
) -> Result<ExitCode, Failure> {
    for slug in &asked.confirm {
        if !file.members.iter().any(|m| &m.slug == slug) {
            return Err(user(format!(
                "--confirm-tenant {slug}: no tenant of batch {} is called that",
                file.batch
            )));
        }
    }
    let spec = BatchSpec {
        batch: file.batch.clone(),
        region: file.region.clone(),
        parallel: file.parallel,
        deadline: file.deadline,
        verify: config.verify.is_some(),
        confirm_passed: run.confirm_passed,
        swap_dns: run.swap_dns,
    };
    let members = file
        .members
        .iter()
        .filter(|m| !m.excluded)
        .map(BatchMember::member)
        .collect();
    let (mut flow, mut wants) = BatchFlow::new(spec, members);
    if asked.retry_failed || !asked.confirm.is_empty() {
        // What was asked applies to the batch as it is now: listed first.
        wants = flow.step(runner.list(&file.batch).await);
        let failed: Vec<TenantId> = flow
            .members
            .iter()
            .filter(|m| asked.retry_failed && m.stage == Stage::Failed)
            .map(|m| m.tenant.clone())
            .collect();
        for tenant in failed {
            wants.extend(flow.step(BatchEvent::Retry(tenant)));
        }
        for slug in &asked.confirm {
            if let Some(m) = file.members.iter().find(|m| &m.slug == slug) {
                wants.extend(flow.step(BatchEvent::ConfirmOne(m.tenant.clone())));
            }
        }
    }
    let points: HashMap<TenantId, DateTime<Utc>> = file
        .members
        .iter()
        .map(|m| (m.tenant.clone(), m.point_at))
        .collect();
    let checks = |restore: Restore| own_checks(config, runner, &points, restore);
    let flow = runner.drive_batch(flow, wants, voice, &checks).await;
    if flow.stopping {
        voice.note(&format!(
            "stopped: nothing new was launched; the restores under way go on (they are \
             wanted). `snapdeck failover resume --batch {}` takes the batch up again",
            flow.spec.batch
        ));
    }
    let text = if run.json {
        summary_json(&flow)
    } else {
        summary_table(&flow)
    };
    print_out(&text)?;
    Ok(ExitCode::from(exit_code(&flow)))
}

/// snapdeck's own checks of a member's restore, when `[verify]` is set.
fn own_checks(
    config: &Config,
    runner: &Runner,
    points: &HashMap<TenantId, DateTime<Utc>>,
    restore: Restore,
) -> BoxFuture<'static, Option<Vec<Check>>> {
    let Some(verify) = config.verify.clone() else {
        return Box::pin(async { None });
    };
    let instant = points
        .get(&restore.tenant_id)
        .copied()
        .unwrap_or(restore.requested_at);
    let seen = runner.client.seen();
    let (tenants, regions) = (seen.tenants, seen.regions);
    Box::pin(async move {
        Some(crate::verify::checks_of(&verify, &restore, &tenants, instant, &regions).await)
    })
}

/// 0 all swapped, 1 some await a person, 2 some failed.
pub fn exit_code(flow: &BatchFlow) -> u8 {
    let t = flow.totals();
    if t.failed > 0 {
        2
    } else if t.swapped + t.dropped == flow.members.len() {
        0
    } else {
        1
    }
}

fn summary_table(flow: &BatchFlow) -> String {
    let width = flow
        .members
        .iter()
        .map(|m| m.slug.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "batch {} · {}\n\n{:<width$}  {:<13}  {:<10}  {:<18}  {}\n",
        flow.spec.batch,
        flow.totals().words(),
        "TENANT",
        "STATE",
        "RESTORE",
        "CHECKS",
        "NOTE"
    );
    for m in &flow.members {
        let restore = m
            .restore
            .as_ref()
            .map_or("—".to_string(), |r| r.id.to_string());
        let note = match (&m.note, &m.restore) {
            (Some(n), _) => n.clone(),
            (None, Some(r)) => format!("→ {}", r.target_slug),
            (None, None) => String::new(),
        };
        out.push_str(&format!(
            "{:<width$}  {:<13}  {:<10}  {:<18}  {note}\n",
            m.slug,
            m.state_word(),
            restore,
            m.checks_words(),
        ));
    }
    out.push_str(&next_steps(flow));
    out
}

/// What a person can do next, each with its command.
fn next_steps(flow: &BatchFlow) -> String {
    let batch = &flow.spec.batch;
    let awaiting = |passed: bool| {
        flow.members
            .iter()
            .filter(|m| m.stage == Stage::Awaiting && m.checks_passed(flow.spec.verify) == passed)
            .map(|m| m.slug.as_str())
            .collect::<Vec<_>>()
    };
    let (passed, not) = (awaiting(true), awaiting(false));
    let count = |s: &[&str]| humanize::count(s.len(), "restore");
    let mut out = String::new();
    if !passed.is_empty() {
        out.push_str(&format!(
            "\n{} passed every check and await confirmation: snapdeck failover resume --batch \
             {batch} --confirm-passed --swap-dns\n",
            count(&passed)
        ));
    }
    if !not.is_empty() {
        out.push_str(&format!(
            "\n{} did not pass every check (or were not checked): read each one's checks \
             (snapdeck verify RESTORE_ID, or the dashboard), then confirm it alone: snapdeck \
             failover resume --batch {batch} --confirm-tenant {}\n",
            count(&not),
            not[0]
        ));
    }
    let failed = flow
        .members
        .iter()
        .filter(|m| m.stage == Stage::Failed)
        .count();
    if failed > 0 {
        out.push_str(&format!(
            "\n{} failed: snapdeck failover resume --batch {batch} --retry-failed launches \
             them again\n",
            humanize::count(failed, "restore")
        ));
    }
    let confirmed = flow
        .members
        .iter()
        .filter(|m| m.stage == Stage::Confirmed)
        .count();
    if confirmed > 0 {
        out.push_str(&format!(
            "\n{} confirmed, DNS not moved yet: snapdeck failover resume --batch {batch} \
             --swap-dns\n",
            humanize::count(confirmed, "restore")
        ));
    }
    out
}

fn summary_json(flow: &BatchFlow) -> String {
    let t = flow.totals();
    let members: Vec<serde_json::Value> = flow
        .members
        .iter()
        .map(|m| {
            json!({
                "tenant_id": m.tenant,
                "slug": m.slug,
                "state": m.state_word(),
                "restore_id": m.restore.as_ref().map(|r| &r.id),
                "target_slug": m.restore.as_ref().map(|r| &r.target_slug),
                "phase": m.phase().map(|p| p.as_str()),
                "checks_passed": m.checks_passed(flow.spec.verify),
                "checks": m.checks_words(),
                "launches": m.launches,
                "note": m.note,
            })
        })
        .collect();
    let doc = json!({
        "batch": flow.spec.batch,
        "region": flow.spec.region,
        "deadline": flow.spec.deadline,
        "stopped": flow.stopping,
        "totals": {
            "queued": t.queued, "restoring": t.restoring, "awaiting": t.awaiting,
            "confirmed": t.confirmed, "swapped": t.swapped, "failed": t.failed,
            "dropped": t.dropped,
        },
        "members": members,
        "exit": exit_code(flow),
    });
    format!("{doc:#}\n")
}

/// `--drill`: the plan run as region drills, and each drill's measured time beside the
/// plan's estimate.
fn test_failover(config: &Config, args: &PlanArgs, json: bool) -> Result<ExitCode, Failure> {
    let source = crate::commands::source::source_of(config, None)?;
    let plan = runtime()?.block_on(async {
        let client = Client::start(source);
        let seen = first_read(&client).await?;
        let scope = scope_of(&client, &seen, args, None).await?;
        make_plan(&client, &seen, scope, &args.exclude).await
    });
    let (plan, _) = plan.map_err(user)?;
    let slugs: Vec<String> = plan.included().map(|e| e.slug.clone()).collect();
    if slugs.is_empty() {
        return Err(user(format!(
            "nothing to drill: no tenant of {} can be restored elsewhere",
            plan.region
        )));
    }
    let how = How {
        point: PointChoice::Latest,
        parallel: usize::from(args.parallel),
        time_limit: None,
        cross_region: true,
    };
    let summary = drill::drills(config, Which::Slugs(slugs), how)?;
    let estimates: HashMap<&str, chrono::Duration> = plan
        .entries
        .iter()
        .map(|e| (e.slug.as_str(), e.estimate.took))
        .collect();
    let measured: Vec<(String, Option<chrono::Duration>, Option<chrono::Duration>)> = summary
        .drills
        .iter()
        .map(|d| {
            (
                d.tenant.clone(),
                estimates.get(d.tenant.as_str()).copied(),
                d.restore_duration,
            )
        })
        .collect();
    let text = if json {
        let mut doc = serde_json::from_str::<serde_json::Value>(&drill::report::json(&summary))
            .unwrap_or_default();
        doc["against_plan"] = json!(
            measured
                .iter()
                .map(|(slug, planned, took)| json!({
                    "tenant": slug,
                    "planned_seconds": planned.map(|d| d.num_seconds()),
                    "measured_seconds": took.map(|d| d.num_seconds()),
                }))
                .collect::<Vec<_>>()
        );
        format!("{doc:#}\n")
    } else {
        let mut out = drill::report::table(&summary);
        out.push_str("\nMeasured against the plan:\n");
        for (slug, planned, took) in &measured {
            let show = |d: &Option<chrono::Duration>| d.map_or("—".into(), humanize::coarse);
            out.push_str(&format!(
                "  {slug:<28} planned {:>8}  measured {:>8}\n",
                show(planned),
                show(took)
            ));
        }
        out
    };
    print_out(&text)?;
    Ok(ExitCode::from(summary.exit_code()))
}
