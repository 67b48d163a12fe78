//! `snapdeck report RESTORE_ID`: the ticket report of a restore (`domain::report`), from the
//! source — the restore, its tenant, its point, the ticket, its DNS swaps, a drill's record —
//! and this machine's journal. Exits 0, or 3 in words when the report cannot be made.

use std::process::ExitCode;
use std::time::Duration as Wait;

use super::source::{label_of, source_of};
use super::{Failure, print_out, runtime, user};
use crate::cli::ReportFormat;
use crate::config::{Config, SourceKind};
use crate::domain::drill::DrillRecord;
use crate::domain::ids::RestoreId;
use crate::domain::report::{self, Facts};
use crate::domain::restore::{Restore, RestorePurpose};
use crate::journal;
use crate::ops::client::Client;
use crate::source::{Op, Reply, Source};

pub fn run(config: &Config, id: &str, format: ReportFormat) -> Result<ExitCode, Failure> {
    if config.source == SourceKind::Kube {
        return Err(user(
            "the kube source knows no restores: a report reads the control plane (use \
             --source http)",
        ));
    }
    let (source, label) = (source_of(config, None)?, label_of(config));
    let calendar = config
        .business_hours
        .calendar()
        .map_err(|e| user(format!("business hours: {e}")))?;
    let runtime = runtime()?;
    let restore = RestoreId::from(id);
    let within = config.http.timeout.max(Wait::from_secs(10)) * 6;
    let facts = runtime
        .block_on(read(source, &restore, label, within))
        .map_err(|why| user(format!("no report of {id}: {why}")))?;
    runtime.shutdown_timeout(Wait::from_millis(10));
    let report = journal::acts::report_of(&facts, journal::path().as_deref(), &calendar);
    for gap in &report.gaps {
        eprintln!("snapdeck: {id}: {gap}");
    }
    let text = match format {
        ReportFormat::Markdown => report::markdown(&report),
        ReportFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => {
                return Err(user(format!(
                    "the report could not be written as JSON: {e}"
                )));
            }
        },
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Everything the source says about restore `id`, within `within`.
async fn read(
    source: Box<dyn Source>,
    id: &RestoreId,
    label: String,
    within: Wait,
) -> Result<Facts, String> {
    let client = Client::start(source);
    tokio::time::timeout(within, async {
        let seen = client.first(true).await;
        let (Some(now), Some(requests)) = (seen.at, seen.requests) else {
            return Err(match (seen.failing, seen.at) {
                (Some(why), _) => format!("the source could not be read: {why}"),
                (None, None) => "the source stopped before sending the fleet".to_string(),
                (None, Some(_)) => "the source stopped before sending its restores".to_string(),
            });
        };
        let restore = match seen.restores.iter().find(|r| r.id == *id) {
            Some(restore) => restore.clone(),
            None => restore_of(&client, id).await?,
        };
        let tenant = seen
            .tenants
            .iter()
            .find(|t| t.id == restore.tenant_id)
            .cloned();
        let point = client.point_of(&restore).await;
        let drill_record = match restore.purpose {
            RestorePurpose::Drill => drill_record(&client, &restore).await,
            _ => None,
        };
        let request = requests.into_iter().find(|q| {
            q.restore_id.as_ref() == Some(&restore.id)
                || (q.tenant_id == restore.tenant_id
                    && restore.ticket.as_deref() == Some(q.ticket.as_str()))
        });
        let swaps = seen.swaps.map(|all| {
            all.into_iter()
                .filter(|s| s.restore_id == restore.id)
                .collect()
        });
        Ok::<Facts, String>(Facts {
            tenant,
            point,
            request,
            swaps,
            drill_record,
            own_checks_held: None,
            source: label,
            now,
            restore,
        })
    })
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "the source did not answer within {}s",
            within.as_secs()
        ))
    })
}

/// A restore not among the recent ones the source lists, read on its own; one it does not
/// know is said so.
async fn restore_of(client: &Client, id: &RestoreId) -> Result<Restore, String> {
    match client
        .call(Op::Restore {
            restore: id.clone(),
        })
        .await
    {
        Ok(Reply::Restore(restore)) => Ok(*restore),
        Ok(_) => Err("the source answered with something else".into()),
        Err(e) if e.status == Some(404) => {
            Err(format!("the source knows no restore {id} ({})", e.message))
        }
        Err(e) => Err(format!("restore {id} could not be read: {}", e.message)),
    }
}

/// A drill's record among its tenant's recent drills, if the control plane has one.
async fn drill_record(client: &Client, restore: &Restore) -> Option<DrillRecord> {
    let op = Op::Drills {
        tenant: restore.tenant_id.clone(),
        cursor: None,
    };
    match client.call(op).await {
        Ok(Reply::Drills(page)) => page
            .items
            .into_iter()
            .find(|d| d.drill.restore_id == restore.id),
        _ => None,
    }
}
