//! `snapdeck failover`: a region's failover planned, run as one tracked batch, resumed after
//! a stop or a crash, and failed back (DESIGN.md, "Region outage mode"). The plan and the
//! batch are the domain's (`domain::failover`, `domain::workflow::failover`); here the fleet
//! is read, the points fetched, and the batch driven by the runner.

mod batch_file;
mod plan_out;
mod run;

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::{Failure, print_out, runtime, user};
use crate::cli::{FailoverAction, PlanArgs};
use crate::config::Config;
use crate::domain::failover::{Plan, PlanScope, Points, plan, project};
use crate::domain::tenant::{Tenant, TenantId};
use crate::ops::client::{Client, Seen};
use crate::source::{Op, Reply};

/// How long the first report may take.
const FIRST_REPORT_WITHIN: Duration = Duration::from_secs(60);
/// Tenants whose points are read at once.
const POINT_READS_AT_ONCE: usize = 8;

pub fn command(config: &Config, action: FailoverAction) -> Result<ExitCode, Failure> {
    match action {
        FailoverAction::Plan {
            plan,
            fail_back,
            json,
            ..
        } => plan_command(config, &plan, fail_back, json),
        FailoverAction::Run {
            plan,
            run,
            confirm,
            fail_back,
            drill,
            ..
        } => run::run(config, &plan, &run, confirm, fail_back, drill),
        FailoverAction::Resume {
            batch,
            run,
            retry_failed,
            confirm_tenants,
            ..
        } => {
            let asked = run::Asked {
                retry_failed,
                confirm: confirm_tenants,
            };
            run::resume(config, &batch, &run, &asked)
        }
    }
}

fn plan_command(
    config: &Config,
    args: &PlanArgs,
    fail_back: Option<String>,
    json: bool,
) -> Result<ExitCode, Failure> {
    let source = super::source::source_of(config, None)?;
    let made = runtime()?.block_on(async {
        let client = Client::start(source);
        let seen = first_read(&client).await?;
        let scope = scope_of(&client, &seen, args, fail_back).await?;
        make_plan(&client, &seen, scope, &args.exclude).await
    });
    let (plan, unknown) = made.map_err(user)?;
    let projection = project(&plan, usize::from(args.parallel), plan.made_at);
    let text = if json {
        plan_out::json(&plan, &projection, &unknown)
    } else {
        plan_out::table(&plan, &projection, &unknown)
    };
    print_out(&text)?;
    Ok(ExitCode::from(u8::from(projection.past > 0)))
}

/// The fleet and the regions, or why a failover cannot be planned through this source.
async fn first_read(client: &Client) -> Result<Seen, String> {
    let seen = client.first_report(FIRST_REPORT_WITHIN).await?;
    // Regions come before the restores list: a complete report has them (or their absence).
    if let Some(why) = seen.regions.not_offered() {
        return Err(format!(
            "no failover through this source: {why}; a restore in another region needs a \
             control plane that reports regions"
        ));
    }
    Ok(seen)
}

/// Whose restores the plan holds: the region's tenants, or a batch's spokes to fail back.
async fn scope_of(
    client: &Client,
    seen: &Seen,
    args: &PlanArgs,
    fail_back: Option<String>,
) -> Result<PlanScope, String> {
    if let Some(batch) = fail_back {
        let spokes = batch_spokes(client, seen, &batch).await?;
        return Ok(PlanScope::FailBack { batch, spokes });
    }
    let name = args.region.clone().unwrap_or_default();
    let known = seen.regions.get(&name).is_some() || seen.tenants.iter().any(|t| t.region == name);
    if !known {
        let names: Vec<&str> = seen
            .regions
            .items()
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        return Err(format!(
            "no region {name:?}: the control plane reports {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    Ok(PlanScope::Region {
        name,
        to: args.to.clone(),
    })
}

/// The spokes batch `batch` created: the target of each of its restores that completed.
async fn batch_spokes(client: &Client, seen: &Seen, batch: &str) -> Result<Vec<TenantId>, String> {
    let restores = match client.list_batch(batch).await? {
        r if r.is_empty() => {
            return Err(format!(
                "batch {batch} has no restores on this control plane"
            ));
        }
        r => r,
    };
    let targets: HashSet<&str> = restores.iter().map(|r| r.target_slug.as_str()).collect();
    Ok(seen
        .tenants
        .iter()
        .filter(|t| targets.contains(t.slug.as_str()))
        .map(|t| t.id.clone())
        .collect())
}

/// The plan over what was seen, its tenants' newest points read (the points of tenants it
/// leaves out are not). Slugs to exclude that name no tenant of the plan come back too.
async fn make_plan(
    client: &Client,
    seen: &Seen,
    scope: PlanScope,
    exclude: &[String],
) -> Result<(Plan, Vec<String>), String> {
    let tenants: Vec<&Tenant> = seen.tenants.iter().map(Arc::as_ref).collect();
    let now = client.source_now();
    let none = HashSet::new();
    let rough = plan(
        scope.clone(),
        tenants.iter().copied(),
        &seen.regions,
        &Points::new(),
        &none,
        now,
    );
    let points = read_points(client, rough.entries.iter().map(|e| e.tenant.clone())).await;
    let by_slug: std::collections::HashMap<&str, &TenantId> = rough
        .entries
        .iter()
        .map(|e| (e.slug.as_str(), &e.tenant))
        .collect();
    let unknown: Vec<String> = exclude
        .iter()
        .filter(|s| !by_slug.contains_key(s.as_str()))
        .cloned()
        .collect();
    let excluded: HashSet<TenantId> = exclude
        .iter()
        .filter_map(|s| by_slug.get(s.as_str()).map(|id| (*id).clone()))
        .collect();
    let plan = plan(
        scope,
        tenants,
        &seen.regions,
        &points,
        &excluded,
        client.source_now(),
    );
    Ok((plan, unknown))
}

/// The first page of each tenant's restore points (newest first: the newest copied point and,
/// most often, the last drill's). A tenant whose points cannot be read keeps the summary's.
async fn read_points(client: &Client, tenants: impl Iterator<Item = TenantId>) -> Points {
    let reads = futures_util::stream::iter(tenants.map(|tenant| async move {
        let op = Op::RestorePoints {
            tenant: tenant.clone(),
            cursor: None,
        };
        match client.call(op).await {
            Ok(Reply::RestorePoints(page)) => Some((tenant, page.items)),
            _ => None,
        }
    }));
    reads
        .buffer_unordered(POINT_READS_AT_ONCE)
        .filter_map(|read| async move { read })
        .collect()
        .await
}
