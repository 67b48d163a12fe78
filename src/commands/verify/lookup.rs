//! `snapdeck verify RESTORE_ID`: the restore, the tenant it came from and its point, read
//! through the source the dashboard reads, so a script checks what the monitor would.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::ids::RestoreId;
use crate::domain::restore::{Restore, RestorePhase};
use crate::domain::verify::request::{VerifyRequest, request_for};
use crate::ops::client::Client;
use crate::source::Source;

/// What the checks of restore `id` need, or why they cannot run, in words; all of it
/// within `within`.
pub async fn request(
    source: Box<dyn Source>,
    id: &RestoreId,
    within: Duration,
) -> Result<VerifyRequest, String> {
    let client = Client::start(source);
    tokio::time::timeout(within, async {
        let seen = client.first_report(within).await?;
        let restore = checkable(seen.restore(id).cloned(), id)?;
        // Why it cannot be checked at all, before its history is read.
        request_for(
            &restore,
            &seen.tenants,
            DateTime::<Utc>::MIN_UTC,
            &seen.regions,
        )?;
        let point = client.point_of(&restore).await?;
        let instant = point.database.started_at.unwrap_or(point.taken_at);
        request_for(&restore, &seen.tenants, instant, &seen.regions)
    })
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "the source did not answer within {}s",
            within.as_secs()
        ))
    })
}

/// The restore, when there is something restored to check.
fn checkable(restore: Option<Restore>, id: &RestoreId) -> Result<Restore, String> {
    let Some(restore) = restore else {
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
    Ok(restore)
}
