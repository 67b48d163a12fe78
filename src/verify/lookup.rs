//! `snapdeck verify RESTORE_ID`: the restore, the tenant it came from and its point, read
//! through the source the dashboard reads, so a script checks what the monitor would.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::ids::RestoreId;
use crate::domain::restore::{Restore, RestorePhase};
use crate::domain::tenant::Tenant;
use crate::domain::verify::request::{
    POINTS_LOOKED_THROUGH, VerifyRequest, point_instant, request_for,
};
use crate::source::{self, CommandId, Connection, Op, Reply, Source, SourceCommand, SourceEvent};

/// What the checks of restore `id` need, or why they cannot run, in words; all of it
/// within `within`.
pub async fn request(
    source: Box<dyn Source>,
    id: &RestoreId,
    within: Duration,
) -> Result<VerifyRequest, String> {
    let source::Started {
        mut events,
        commands,
        task,
    } = source::start(source);
    let found = tokio::time::timeout(within, async {
        let (tenants, restore) = restore_and_fleet(&mut events, id).await?;
        // Why it cannot be checked at all, before its history is read.
        request_for(&restore, &tenants, DateTime::<Utc>::MIN_UTC)?;
        let point = point_of(&mut events, &commands, &restore).await?;
        request_for(&restore, &tenants, point)
    })
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "the source did not answer within {}s",
            within.as_secs()
        ))
    });
    task.abort();
    found
}

/// The fleet and the restore, once the source has sent both.
async fn restore_and_fleet(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<SourceEvent>,
    id: &RestoreId,
) -> Result<(Vec<Arc<Tenant>>, Restore), String> {
    let (mut tenants, mut restores) = (None, None);
    while tenants.is_none() || restores.is_none() {
        match events.recv().await {
            Some(SourceEvent::Fleet { tenants: t, .. }) => tenants = Some(t),
            Some(SourceEvent::Restores { restores: r, .. }) => restores = Some(r),
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
    let (tenants, restores) = (tenants.unwrap_or_default(), restores.unwrap_or_default());
    let Some(restore) = restores.into_iter().find(|r| r.id == *id) else {
        return Err(format!(
            "restore {id} is not among the source's active and recent restores"
        ));
    };
    if restore.phase.is_active() && !restore.phase.can_confirm() {
        return Err(format!(
            "restore {id} is still {}: there is nothing restored to check yet",
            restore.phase.label().replace('_', " ")
        ));
    }
    if matches!(
        restore.phase,
        RestorePhase::Failed | RestorePhase::Cancelled | RestorePhase::Discarded
    ) {
        return Err(format!(
            "restore {id} is {}: there is nothing restored to check",
            restore.phase.label()
        ));
    }
    Ok((tenants, restore))
}

/// The instant the restore's point's dump started, from its tenant's history, page by page.
async fn point_of(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<SourceEvent>,
    commands: &tokio::sync::mpsc::UnboundedSender<SourceCommand>,
    restore: &Restore,
) -> Result<DateTime<Utc>, String> {
    let (mut cursor, mut read) = (None, 0);
    for page in 1_u64.. {
        let id = CommandId(page);
        let op = Op::RestorePoints {
            tenant: restore.tenant_id.clone(),
            cursor: cursor.take(),
        };
        commands
            .send(SourceCommand { id, op })
            .map_err(|_| "the source stopped".to_string())?;
        let points = loop {
            match events.recv().await {
                Some(SourceEvent::Answer { id: got, outcome }) if got == id => match outcome {
                    Ok(Reply::RestorePoints(points)) => break points,
                    Ok(_) => return Err("the source answered with something else".into()),
                    Err(e) => {
                        return Err(format!(
                            "the tenant's history could not be read: {}",
                            e.message
                        ));
                    }
                },
                Some(_) => {}
                None => return Err("the source stopped".into()),
            }
        };
        if let Some(at) = point_instant(restore, &points.items) {
            return Ok(at);
        }
        read += points.items.len();
        match points.next_cursor {
            Some(next) if read < POINTS_LOOKED_THROUGH => cursor = Some(next),
            _ => break,
        }
    }
    Err(match &restore.restore_point_id {
        Some(point) => format!("restore point {point} is not in the tenant's history"),
        None => "no restore point before the restore was asked for".to_string(),
    })
}
