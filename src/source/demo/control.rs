//! The demo control plane's writes, with the contract's semantics exactly
//! (`docs/control-plane-api.md`): `404 tenant_not_found`, `409 restore_in_progress`,
//! `409 slug_taken`, `422 restore_point_unusable`, `409 invalid_phase`, and idempotency — the
//! same key with the same body answers the original result, the same key with another body
//! is `422 idempotency_key_reused`.

use std::collections::HashMap;
use std::sync::Arc;

use super::names::spoke_hostname;
use super::restores::{Launch, RestorePlan};
use super::sim::Sim;
use crate::domain::drill::{free_drill_slug, is_drill_of};
use crate::domain::ids::{IdempotencyKey, RestoreId, RestorePointId, TenantId};
use crate::domain::restore::{
    CreateRestore, Restore, RestoreEvent, RestoreMode, RestorePhase, RestorePurpose,
    free_target_slug,
};
use crate::domain::restore_point::{CopyStatus, RestorePoint};
use crate::domain::tenant::{BackupSchedule, BackupSummary, Tenant, TenantKind, TenantState};
use crate::source::{CommandError, Op, Reply};

/// Who the demo says launched and confirmed what.
const OPERATOR: &str = "oncall@example.net";

/// The first answer to every idempotency key, with the body it was given for.
#[derive(Debug, Default)]
pub struct Idempotency {
    answers: HashMap<IdempotencyKey, (String, Result<Reply, CommandError>)>,
}

impl Idempotency {
    /// Does `op` once per key: a repeat with the same body gets the first answer again,
    /// success or error; a repeat with another body is refused.
    pub fn once(
        &mut self,
        op: &Op,
        work: impl FnOnce() -> Result<Reply, CommandError>,
    ) -> Result<Reply, CommandError> {
        let Some(key) = op.key() else {
            return work();
        };
        // The key is part of the op, so equal text means the same key and the same body.
        let body = format!("{op:?}");
        if let Some((first_body, answer)) = self.answers.get(key) {
            if *first_body == body {
                return answer.clone();
            }
            return Err(CommandError::new(
                422,
                "idempotency_key_reused",
                format!("idempotency key {key} was already used for a different request"),
            ));
        }
        let answer = work();
        self.answers.insert(key.clone(), (body, answer.clone()));
        answer
    }
}

impl Sim {
    /// `POST /tenants/{id}/restores`.
    pub fn create_restore(
        &mut self,
        tenant_id: &TenantId,
        request: &CreateRestore,
    ) -> Result<Restore, CommandError> {
        let index = self.tenant_index(tenant_id)?;
        let tenant = Arc::clone(&self.tenants()[index]);
        if let Some(active) = &tenant.active_restore_id {
            return Err(CommandError::new(
                409,
                "restore_in_progress",
                format!(
                    "{} already has restore {active} in progress; one restore at a time",
                    tenant.slug
                ),
            ));
        }
        if request.purpose == RestorePurpose::Drill {
            self.check_drill(&tenant, request)?;
        }
        let region = self.target_region(&tenant, request)?;
        let point = if region == tenant.region {
            self.usable_point(index, &tenant, request)?
        } else {
            self.copied_point(index, &tenant, &region, request)?
        };
        let restore_point_id = point.clone();
        let (target_slug, target_hostname) = self.target(&tenant, request)?;
        let now = self.now();
        let k = self.restore_plans.len();
        let plan = RestorePlan::launched(
            self.seed,
            k,
            &tenant,
            Launch {
                tenant: index,
                requested_at: now,
                // A restore that answers a ticket owes the customer from the ticket's time.
                waiting_since: self
                    .requests
                    .all()
                    .iter()
                    .find(|r| Some(&r.ticket) == request.ticket.as_ref())
                    .map_or(now, |r| r.requested_at.min(now)),
                mode: request.mode.clone(),
                target_slug,
                target_hostname,
                restore_point_id: Some(point),
                ticket: request.ticket.clone(),
                requested_by: OPERATOR,
                purpose: request.purpose.clone(),
                target_region: region,
                batch: request.batch.clone(),
            },
        );
        let mut plan = plan;
        // What is restored is the point's own dump and snapshot, so the size check checks them.
        if let Some(point) = self.restore_point(index, &restore_point_id) {
            plan.set_sizes(point.database.size_bytes, point.volume.restore_size_bytes);
        }
        let restore = plan.at(now);
        self.set_active_restore(index, Some(restore.id.clone()), &request.mode);
        if restore.mode == RestoreMode::NewSpoke {
            let spoke = self.add_restore_target(&tenant, &restore);
            self.add_spoke_behaviour(spoke, index);
            plan.set_target(spoke);
        }
        self.restore_plans.push(plan);
        self.restores.push(restore.clone());
        self.restores_changed = true;
        self.link_request(request.ticket.as_deref(), &restore.id);
        Ok(restore)
    }

    /// `POST /restores/{id}/confirm`: only from `awaiting_confirmation`.
    pub fn confirm_restore(
        &mut self,
        id: &RestoreId,
        notes: &str,
    ) -> Result<Restore, CommandError> {
        self.end_restore(id, RestorePhase::Completed, notes)
    }

    /// `POST /restores/{id}/cancel`: only before `awaiting_confirmation`.
    pub fn cancel_restore(&mut self, id: &RestoreId) -> Result<Restore, CommandError> {
        self.end_restore(id, RestorePhase::Cancelled, "")
    }

    /// `POST /restores/{id}/discard` (a v1 addition): a `new_spoke` restore awaiting
    /// confirmation or failed; its spoke is torn down.
    pub fn discard_restore(
        &mut self,
        id: &RestoreId,
        reason: &str,
    ) -> Result<Restore, CommandError> {
        let k = self.restore_plan(id)?;
        let restore = self.restore_plans[k].at(self.now());
        if !restore.can_discard() {
            let why = if restore.mode == RestoreMode::Overwrite {
                "an overwrite restored the tenant itself and cannot be discarded".to_string()
            } else {
                format!(
                    "it is {}; only a new spoke awaiting confirmation or failed, or a drill \
                     under way, can be discarded",
                    restore.phase.label()
                )
            };
            return Err(CommandError::new(
                409,
                "invalid_phase",
                format!("restore {id}: {why}"),
            ));
        }
        self.end_restore(id, RestorePhase::Discarded, reason)
    }

    /// `GET /restores/{id}/events?after=<seq>`: the events after `after`, oldest first.
    pub fn restore_events(
        &self,
        id: &RestoreId,
        after: u64,
    ) -> Result<Vec<RestoreEvent>, CommandError> {
        let k = self.restore_plan(id)?;
        let mut events = self.restore_plans[k].events(self.now());
        events.retain(|e| e.seq > after);
        Ok(events)
    }

    fn restore_plan(&self, id: &RestoreId) -> Result<usize, CommandError> {
        self.restore_plans
            .iter()
            .position(|p| p.id() == id)
            .ok_or_else(|| {
                CommandError::new(
                    404,
                    "restore_not_found",
                    format!("there is no restore {id}"),
                )
            })
    }

    fn end_restore(
        &mut self,
        id: &RestoreId,
        to: RestorePhase,
        notes: &str,
    ) -> Result<Restore, CommandError> {
        let now = self.now();
        let k = self.restore_plan(id)?;
        let phase = self.restore_plans[k].at(now).phase;
        let allowed = match to {
            RestorePhase::Completed => phase.can_confirm(),
            // Checked by `discard_restore`, with the mode.
            RestorePhase::Discarded => true,
            _ => phase.can_cancel(),
        };
        if !allowed {
            let what = if to == RestorePhase::Completed {
                "confirmed only while awaiting confirmation"
            } else {
                "cancelled only before it awaits confirmation"
            };
            return Err(CommandError::new(
                409,
                "invalid_phase",
                format!("restore {id} is {}; it can be {what}", phase.label()),
            ));
        }
        let plan = &mut self.restore_plans[k];
        plan.end(to, now, OPERATOR, notes);
        let restore = plan.at(now);
        self.restores[k] = restore.clone();
        self.restores_changed = true;
        self.settle_restore(k, &restore);
        Ok(restore)
    }

    /// The region restored into: the tenant's own, or (a contract addition) its secondary
    /// region, for a new spoke only; never a region that is down.
    fn target_region(
        &self,
        tenant: &Tenant,
        request: &CreateRestore,
    ) -> Result<String, CommandError> {
        let region = request
            .target_region
            .clone()
            .unwrap_or_else(|| tenant.region.to_string());
        if self.is_down(&region) {
            return Err(CommandError::new(
                422,
                "region_unavailable",
                format!("region {region} is down: nothing can be restored into it"),
            ));
        }
        if region == tenant.region {
            return Ok(region);
        }
        let no_copy = |why: String| Err(CommandError::new(422, "copy_unavailable", why));
        if tenant.secondary_region.as_deref() != Some(region.as_str()) {
            return no_copy(match &tenant.secondary_region {
                Some(secondary) => format!(
                    "{} is copied to {secondary}, not {region}: restore it there",
                    tenant.slug
                ),
                None => format!("{} has no cross-region copy (Standard)", tenant.slug),
            });
        }
        if request.mode != RestoreMode::NewSpoke {
            return no_copy(format!(
                "a restore in {region} makes a new spoke there: it cannot overwrite {}",
                tenant.slug
            ));
        }
        Ok(region)
    }

    /// The point to restore in `region` from its copy: the one named, if its copy there has
    /// landed, else the newest point copied there (`422 copy_unavailable` when none).
    fn copied_point(
        &mut self,
        index: usize,
        tenant: &Tenant,
        region: &str,
        request: &CreateRestore,
    ) -> Result<RestorePointId, CommandError> {
        let now = self.now();
        let copied = |p: &RestorePoint| {
            p.unusable_reason(now).is_none()
                && p.copies
                    .iter()
                    .any(|c| c.region == region && c.status == CopyStatus::Copied)
        };
        let no_copy = |why: String| Err(CommandError::new(422, "copy_unavailable", why));
        match &request.restore_point_id {
            Some(id) => match self.restore_point(index, id) {
                Some(point) if copied(&point) => Ok(id.clone()),
                Some(point) => {
                    let state = point
                        .copies
                        .iter()
                        .find(|c| c.region == region)
                        .map_or("none".to_string(), |c| c.status.label().into_owned());
                    no_copy(format!(
                        "restore point {id} has no landed copy in {region} (copy: {state})"
                    ))
                }
                None => no_copy(format!(
                    "restore point {id} is not a point of {}",
                    tenant.slug
                )),
            },
            None => match self.history_of(index).into_iter().find(|p| copied(p)) {
                Some(point) => Ok(point.id),
                None => no_copy(format!(
                    "{} has no point copied to {region} yet",
                    tenant.slug
                )),
            },
        }
    }

    /// The point the request names, if it can be restored from: the most recent successful
    /// one when none is named; any other point of the tenant's history is judged as the
    /// contract says (`422 restore_point_unusable` for a failed, partial or expired one).
    fn usable_point(
        &mut self,
        index: usize,
        tenant: &Tenant,
        request: &CreateRestore,
    ) -> Result<RestorePointId, CommandError> {
        let unusable = |why: String| CommandError::new(422, "restore_point_unusable", why);
        let Some(id) = &request.restore_point_id else {
            return match &tenant.backup.last_success {
                Some(last) => Ok(last.restore_point_id.clone()),
                None => Err(unusable(format!(
                    "{} has no successful backup to restore from",
                    tenant.slug
                ))),
            };
        };
        let now = self.now();
        match self.restore_point(index, id) {
            None => Err(unusable(format!(
                "restore point {id} is not a point of {}",
                tenant.slug
            ))),
            Some(point) => match point.unusable_reason(now) {
                Some(reason) => Err(unusable(format!("restore point {id} is {reason}"))),
                None => Ok(id.clone()),
            },
        }
    }

    /// A restore moved on: the tenant it restores gives up its active-restore slot once it
    /// ends, and the spoke it created follows it — `restoring` while it runs, `active` once
    /// confirmed, `deleting` once it failed or was cancelled. (Torn down rather than dropped
    /// from the fleet: a changed-tenants report can upsert, never remove, so a spoke that
    /// vanished would linger on screen as it last was.)
    pub(super) fn settle_restore(&mut self, k: usize, restore: &Restore) {
        let Some(plan) = self.restore_plans.get(k) else {
            return;
        };
        let (source, target) = (plan.tenant(), plan.target());
        let holds_slot = self
            .tenants()
            .get(source)
            .is_some_and(|t| t.active_restore_id.as_ref() == Some(&restore.id));
        if !restore.phase.is_active() && holds_slot {
            self.set_active_restore(source, None, &restore.mode);
        }
        let state = match restore.phase {
            RestorePhase::Completed => TenantState::Active,
            RestorePhase::Failed | RestorePhase::Cancelled | RestorePhase::Discarded => {
                TenantState::Deleting
            }
            _ => TenantState::Restoring,
        };
        let changes = target
            .and_then(|t| self.tenants().get(t))
            .is_some_and(|t| t.state != state);
        let confirmed = changes && state == TenantState::Active;
        let deleting = changes && state == TenantState::Deleting;
        if let Some(spoke) = target.filter(|_| changes).and_then(|t| self.tenant_mut(t)) {
            spoke.state = state;
        }
        if let Some(spoke) = target.filter(|_| deleting) {
            self.tearing_down(spoke);
        }
        if let Some(spoke) = target.filter(|_| confirmed) {
            self.start_schedule(spoke);
        }
    }

    /// Adds the spoke a `new_spoke` restore creates to the fleet, under the hub of the
    /// tenant restored (the tenant itself when it is a hub); answers its index.
    fn add_restore_target(&mut self, source: &Tenant, restore: &Restore) -> usize {
        let suffix = restore.id.0.trim_start_matches("rst_");
        let spoke = Tenant {
            id: TenantId(format!("ten_rs_{suffix}").into()),
            slug: restore.target_slug.clone().into(),
            kind: TenantKind::Spoke,
            hub_id: Some(source.group_id().clone()),
            display_name: format!("{} (restore)", source.display_name),
            tier: source.tier.clone(),
            // A spoke restored from the copy is a tenant of that region, copied back to the
            // original's (so a fail-back is the same request the other way).
            region: restore
                .target_region
                .clone()
                .unwrap_or_else(|| source.region.to_string())
                .into(),
            secondary_region: match &restore.target_region {
                Some(region) if *region != source.region => Some(source.region.clone()),
                _ => source.secondary_region.clone(),
            },
            hostname: restore.target_hostname.clone(),
            state: TenantState::Restoring,
            created_at: restore.requested_at,
            backup: BackupSummary {
                schedule: BackupSchedule {
                    next_run_at: None,
                    ..source.backup.schedule.clone()
                },
                retention_days: source.backup.retention_days,
                last_success: None,
                last_attempt: None,
                oldest_restore_point_at: None,
                restore_point_count: 0,
                cross_region: None,
                last_drill: None,
            },
            active_restore_id: None,
            restore_of: Some(source.id.clone()),
            cluster: None,
            observed_at: None,
        };
        self.push_tenant(spoke)
    }

    /// A drill is a new spoke named `<slug>-drill-<yyyymmdd>` (`-2`… when taken), else
    /// `422 invalid_drill`.
    fn check_drill(&self, tenant: &Tenant, request: &CreateRestore) -> Result<(), CommandError> {
        let invalid = |why: String| Err(CommandError::new(422, "invalid_drill", why));
        if request.mode != RestoreMode::NewSpoke {
            return invalid("a drill restores into a new spoke, never over the tenant".into());
        }
        match &request.target_slug {
            Some(slug) if !is_drill_of(slug, &tenant.slug) => invalid(format!(
                "a drill's target must be {}-drill-<yyyymmdd>, got {slug}",
                tenant.slug
            )),
            _ => Ok(()),
        }
    }

    fn tenant_index(&self, id: &TenantId) -> Result<usize, CommandError> {
        self.tenants()
            .iter()
            .position(|t| t.id == *id)
            .ok_or_else(|| CommandError::new(404, "tenant_not_found", format!("no tenant {id}")))
    }

    /// The target slug and hostname: named by the control plane for a new spoke (`-2`, `-3`…
    /// when taken); the tenant itself for an overwrite.
    fn target(
        &self,
        tenant: &Tenant,
        request: &CreateRestore,
    ) -> Result<(String, String), CommandError> {
        let taken = |slug: &str| self.tenants().iter().any(|t| t.slug == slug);
        match (&request.mode, &request.target_slug) {
            (RestoreMode::Overwrite, Some(slug)) if *slug != tenant.slug => Err(CommandError::new(
                422,
                "invalid_target",
                format!(
                    "an overwrite restores over {} itself; target_slug must be {}",
                    tenant.slug, tenant.slug
                ),
            )),
            (RestoreMode::Overwrite, _) => Ok((tenant.slug.to_string(), tenant.hostname.clone())),
            (_, Some(slug)) if taken(slug) => Err(CommandError::new(
                409,
                "slug_taken",
                format!("a tenant named {slug} already exists"),
            )),
            (_, Some(slug)) => Ok((slug.clone(), spoke_hostname(slug))),
            (_, None) if request.purpose == RestorePurpose::Drill => {
                let slug = free_drill_slug(&tenant.slug, self.now(), taken);
                let host = spoke_hostname(&slug);
                Ok((slug, host))
            }
            (_, None) => {
                let slug = free_target_slug(&tenant.slug, self.now(), taken);
                let host = spoke_hostname(&slug);
                Ok((slug, host))
            }
        }
    }

    fn set_active_restore(&mut self, index: usize, id: Option<RestoreId>, mode: &RestoreMode) {
        let restoring_in_place = *mode == RestoreMode::Overwrite;
        if let Some(tenant) = self.tenant_mut(index) {
            tenant.state = match (&id, restoring_in_place) {
                (Some(_), true) => TenantState::Restoring,
                (None, true) => TenantState::Active,
                _ => tenant.state.clone(),
            };
            tenant.active_restore_id = id;
        }
    }
}

/// Carries out a write on the simulator, once per idempotency key.
pub fn apply(sim: &mut Sim, done: &mut Idempotency, op: &Op) -> Result<Reply, CommandError> {
    done.once(op, || match op {
        Op::Refresh => Ok(Reply::Refreshed),
        Op::CreateRestore {
            tenant, request, ..
        } => sim
            .create_restore(tenant, request)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::ConfirmRestore { restore, notes, .. } => sim
            .confirm_restore(restore, notes)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::CancelRestore { restore, .. } => sim
            .cancel_restore(restore)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::DiscardRestore {
            restore, reason, ..
        } => sim
            .discard_restore(restore, reason)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::RestorePoints { tenant, cursor } => sim
            .restore_points(tenant, cursor.as_deref())
            .map(Reply::RestorePoints),
        Op::CreateDnsSwap {
            tenant, restore, ..
        } => sim
            .create_dns_swap(tenant, restore)
            .map(|s| Reply::DnsSwap(Box::new(s))),
        Op::RollbackDnsSwap { swap, .. } => sim
            .rollback_dns_swap(swap)
            .map(|s| Reply::DnsSwap(Box::new(s))),
        Op::RecordDrill {
            restore, findings, ..
        } => sim
            .record_drill(restore, findings)
            .map(|d| Reply::Drill(Box::new(d))),
        Op::Drills { tenant, .. } => sim.drills(tenant).map(|items| {
            Reply::Drills(crate::source::Page {
                items,
                next_cursor: None,
            })
        }),
        Op::BatchRestores { batch, .. } => Ok(Reply::Restores(crate::source::Page {
            items: sim
                .restores()
                .iter()
                .filter(|r| r.batch.as_deref() == Some(batch.as_str()))
                .cloned()
                .collect(),
            next_cursor: None,
        })),
        Op::Restore { restore } => sim
            .restores()
            .iter()
            .find(|r| r.id == *restore)
            .cloned()
            .map(|r| Reply::Restore(Box::new(r)))
            .ok_or_else(|| {
                CommandError::new(
                    404,
                    "restore_not_found",
                    format!("there is no restore {restore}"),
                )
            }),
        Op::RestoreEvents { restore, after } => sim
            .restore_events(restore, *after)
            .map(Reply::RestoreEvents),
        Op::AcknowledgeRequest { ticket, .. } => sim
            .acknowledge_request(ticket)
            .map(|r| Reply::Request(Box::new(r))),
    })
}

#[cfg(test)]
mod tests;
