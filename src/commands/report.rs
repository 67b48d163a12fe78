//! `snapdeck report RESTORE_ID`: the ticket report of a restore (`domain::report`), from the
//! source — the restore, its tenant, its point, the ticket, its DNS swaps, a drill's record —
//! and this machine's journal. Exits 0, or 3 in words when the report cannot be made.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration as Wait;

use crate::cli::ReportFormat;
use crate::clock::ScaledClock;
use crate::config::{Config, SourceKind};
use crate::domain::dns::DnsSwap;
use crate::domain::drill::DrillRecord;
use crate::domain::ids::RestoreId;
use crate::domain::report::{self, Facts};
use crate::domain::request::RestoreRequest;
use crate::domain::restore::{Restore, RestorePurpose};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::Tenant;
use crate::domain::verify::request::POINTS_LOOKED_THROUGH;
use crate::journal;
use crate::source::demo::DemoSource;
use crate::source::{
    self, CommandError, CommandId, Connection, Op, Reply, Source, SourceCommand, SourceEvent,
};
use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::source::http_source;
use super::{Failure, print_out, user};

pub fn run(config: &Config, id: &str, format: ReportFormat) -> Result<ExitCode, Failure> {
    let (source, label): (Box<dyn Source>, String) = match config.source {
        SourceKind::Http => {
            let url = config.http.base_url.clone().unwrap_or_default();
            (Box::new(http_source(config)?), format!("http {url}"))
        }
        SourceKind::Kube => {
            return Err(user(
                "the kube source knows no restores: a report reads the control plane (use \
                 --source http)",
            ));
        }
        SourceKind::Demo => {
            let clock = Arc::new(ScaledClock::new(Utc::now(), config.demo.speed));
            let demo = DemoSource::new(
                config.demo.seed,
                config.demo.tenants,
                clock,
                config.refresh_interval,
            );
            (Box::new(demo), "demo".to_string())
        }
    };
    let calendar = config
        .business_hours
        .calendar()
        .map_err(|e| user(format!("business hours: {e}")))?;
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| user(format!("no async runtime: {e}")))?;
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
    let source::Started {
        events,
        commands,
        task,
    } = source::start(source);
    let mut wire = Wire {
        events,
        commands,
        next: 0,
    };
    let facts = tokio::time::timeout(within, async {
        let lists = wire.lists().await?;
        let restore = match lists.restores.iter().find(|r| r.id == *id) {
            Some(restore) => restore.clone(),
            None => wire.restore(id).await?,
        };
        let tenant = lists
            .tenants
            .iter()
            .find(|t| t.id == restore.tenant_id)
            .cloned();
        let point = wire.point(&restore).await;
        let drill_record = match restore.purpose {
            RestorePurpose::Drill => wire.drill_record(&restore).await,
            _ => None,
        };
        let request = lists.requests.into_iter().find(|q| {
            q.restore_id.as_ref() == Some(&restore.id)
                || (q.tenant_id == restore.tenant_id
                    && restore.ticket.as_deref() == Some(q.ticket.as_str()))
        });
        let swaps = lists.swaps.map(|all| {
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
            now: lists.now,
            restore,
        })
    })
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "the source did not answer within {}s",
            within.as_secs()
        ))
    });
    task.abort();
    facts
}

/// The lists a source pushes on its own, as first read.
struct Lists {
    tenants: Vec<Arc<Tenant>>,
    restores: Vec<Restore>,
    /// `None`: the source sends no DNS swaps (a control plane without the list).
    swaps: Option<Vec<DnsSwap>>,
    requests: Vec<RestoreRequest>,
    /// The fleet's instant, on the source's clock.
    now: DateTime<Utc>,
}

/// The source's events and commands, one command answered at a time.
struct Wire {
    events: UnboundedReceiver<SourceEvent>,
    commands: UnboundedSender<SourceCommand>,
    next: u64,
}

impl Wire {
    /// The fleet, restores, DNS swaps and open tickets: every source that keeps them sends
    /// the tickets last.
    async fn lists(&mut self) -> Result<Lists, String> {
        let (mut fleet, mut restores, mut swaps) = (None, None, None);
        loop {
            match self.events.recv().await {
                Some(SourceEvent::Fleet {
                    generated_at,
                    tenants,
                }) => fleet = Some((generated_at, tenants)),
                Some(SourceEvent::Restores { restores: r, .. }) => restores = Some(r),
                Some(SourceEvent::DnsSwaps { swaps: s, .. }) => swaps = Some(s),
                Some(SourceEvent::Requests { requests, .. }) if fleet.is_some() => {
                    let (now, tenants) = fleet.unwrap_or_else(|| (Utc::now(), Vec::new()));
                    return Ok(Lists {
                        tenants,
                        restores: restores.unwrap_or_default(),
                        swaps,
                        requests,
                        now,
                    });
                }
                Some(SourceEvent::Connection(Connection::Failing {
                    error, scope: None, ..
                })) => {
                    let why = &error;
                    return Err(format!("the source could not be read: {why}"));
                }
                Some(_) => {}
                None => return Err("the source stopped before sending its restores".into()),
            }
        }
    }

    async fn ask(&mut self, op: Op) -> Result<Reply, CommandError> {
        self.next += 1;
        let id = CommandId(self.next);
        if self.commands.send(SourceCommand { id, op }).is_err() {
            return Err(CommandError::new(0, "stopped", "the source stopped"));
        }
        loop {
            match self.events.recv().await {
                Some(SourceEvent::Answer { id: got, outcome }) if got == id => return outcome,
                Some(_) => {}
                None => return Err(CommandError::new(0, "stopped", "the source stopped")),
            }
        }
    }

    /// A restore not among the recent ones the source lists, read on its own; one it does
    /// not know is said so.
    async fn restore(&mut self, id: &RestoreId) -> Result<Restore, String> {
        match self
            .ask(Op::Restore {
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

    /// The restore's point, page by page through its tenant's history (as far as the
    /// monitor looks), or why it is not known.
    async fn point(&mut self, restore: &Restore) -> Result<RestorePoint, String> {
        let (mut cursor, mut read) = (None, 0);
        loop {
            let op = Op::RestorePoints {
                tenant: restore.tenant_id.clone(),
                cursor: cursor.take(),
            };
            let page = match self.ask(op).await {
                Ok(Reply::RestorePoints(page)) => page,
                Ok(_) => return Err("the source answered with something else".into()),
                Err(e) => {
                    return Err(format!(
                        "the tenant's history could not be read: {}",
                        e.message
                    ));
                }
            };
            if let Some(point) = crate::domain::restore_point::point_of(restore, &page.items) {
                return Ok(point.clone());
            }
            read += page.items.len();
            match page.next_cursor {
                Some(next) if read < POINTS_LOOKED_THROUGH => cursor = Some(next),
                _ => break,
            }
        }
        Err(match &restore.restore_point_id {
            Some(point) => format!("{point} is not in the tenant's history"),
            None => "no point before the restore was asked for in the tenant's history".into(),
        })
    }

    /// A drill's record among its tenant's recent drills, if the control plane has one.
    async fn drill_record(&mut self, restore: &Restore) -> Option<DrillRecord> {
        let op = Op::Drills {
            tenant: restore.tenant_id.clone(),
            cursor: None,
        };
        match self.ask(op).await {
            Ok(Reply::Drills(page)) => page
                .items
                .into_iter()
                .find(|d| d.drill.restore_id == restore.id),
            _ => None,
        }
    }
}
