//! A failover batch launched from the dashboard: the batch workflow
//! (`domain::workflow::failover`) driven by the app, as `snapdeck failover run` drives it —
//! its wants become effects (writes journaled first with the outbox's key, one walk of the
//! batch's restores per interval, own checks), and what comes back becomes its events.

use super::own_checks::OwnChecks;
use super::screens::failover::FailoverRun;
use super::{App, Effect, FlashKind, outbox};
use crate::domain::failover::batch_id;
use crate::domain::tenant::TenantId;
use crate::domain::workflow::Event;
use crate::domain::workflow::failover::{
    BatchEvent, BatchFlow, BatchSpec, BatchWant, Member, Stage,
};
use crate::journal::Intent;
use crate::source::{CommandError, Op, Reply, SourceCommand};

impl App {
    pub fn failover(&self) -> Option<&FailoverRun> {
        self.failover.as_deref()
    }

    /// The typed launch: the batch's workflow starts (it lists the batch first).
    pub(in crate::app) fn launch_batch(&mut self) {
        let batch = batch_id(self.now, &self.session_tail());
        let Some(run) = self.failover.as_mut() else {
            return;
        };
        let region = run.plan.region.clone();
        let members: Vec<Member> = run
            .plan
            .included()
            .map(|e| {
                let request = run.plan.request(e, &batch);
                Member::new(e.tenant.clone(), e.slug.clone(), request, e.estimate.took)
            })
            .collect();
        let spec = BatchSpec {
            batch: batch.clone(),
            region,
            parallel: run.parallel,
            deadline: run.projection.deadline,
            verify: self.verify_configured,
            confirm_passed: false,
            swap_dns: false,
        };
        let count = members.len();
        let (flow, wants) = BatchFlow::new(spec, members);
        run.batch = Some(flow);
        self.set_flash(
            FlashKind::Info,
            format!("failover {batch}: {count} restores, launching"),
        );
        self.carry_out_batch(wants);
    }

    /// A few characters of this dashboard's session, against a second operator's batch in
    /// the same minute.
    fn session_tail(&self) -> String {
        let label = self.outbox.session();
        let tail: String = label.chars().rev().take(4).collect();
        tail.chars().rev().collect()
    }

    pub(in crate::app) fn step_batch(&mut self, event: BatchEvent) {
        let Some(flow) = self.failover.as_mut().and_then(|r| r.batch.as_mut()) else {
            return;
        };
        let wants = flow.step(event);
        self.carry_out_batch(wants);
    }

    /// A second went by: the batch hears it, and its members being checked hear of their
    /// checks.
    pub(in crate::app) fn tick_batch(&mut self) {
        let checking: Vec<(TenantId, crate::domain::ids::RestoreId)> = self
            .failover
            .as_ref()
            .and_then(|r| r.batch.as_ref())
            .map(|b| {
                b.members
                    .iter()
                    .filter(|m| m.stage == Stage::Checking)
                    .filter_map(|m| Some((m.tenant.clone(), m.restore.as_ref()?.id.clone())))
                    .collect()
            })
            .unwrap_or_default();
        for (tenant, restore) in checking {
            let checks = match self.own_checks(&restore) {
                Some(OwnChecks::Done(checks)) => checks.clone(),
                Some(OwnChecks::CannotRun(why)) => crate::domain::verify::could_not_run(why),
                Some(_) => continue,
                None => {
                    self.start_own_checks_of(&restore, false);
                    continue;
                }
            };
            let event = Box::new(Event::Checked(Some(checks)));
            self.step_batch(BatchEvent::Member { tenant, event });
        }
        if self.failover.as_ref().is_some_and(|r| r.batch.is_some()) {
            self.step_batch(BatchEvent::Tick);
        }
    }

    fn carry_out_batch(&mut self, wants: Vec<BatchWant>) {
        for want in wants {
            match want {
                BatchWant::Send { write, .. } => {
                    let (op, key) = self.keyed(Op::of_write(&write));
                    let mut intent =
                        Intent::of_write(&write, key, &self.source_label(), &self.operator);
                    intent.at = self.now;
                    let id = self.outbox.add(op.clone(), outbox::Waiter::Batch);
                    self.effects.push(Effect::Write {
                        intent: Box::new(intent),
                        command: SourceCommand { id, op },
                    });
                }
                BatchWant::List => self.list_batch(None),
                BatchWant::Check { restore, .. } => self.start_own_checks_of(&restore, false),
            }
        }
    }

    /// One page of the batch's walk; one walk at a time.
    fn list_batch(&mut self, cursor: Option<String>) {
        let Some(batch) = self.failover.as_ref().and_then(|r| r.batch.as_ref()) else {
            return;
        };
        let listing = self
            .outbox
            .pending()
            .any(|op| matches!(op, Op::BatchRestores { .. }));
        if listing && cursor.is_none() {
            return;
        }
        let op = Op::BatchRestores {
            batch: batch.spec.batch.clone(),
            cursor,
        };
        let id = self.outbox.add(op.clone(), outbox::Waiter::Batch);
        self.effects.push(Effect::Source(SourceCommand { id, op }));
    }

    /// A page of the batch's restores: the next is asked for, or the walk is over.
    pub(in crate::app) fn on_batch_page(
        &mut self,
        page: crate::source::Page<crate::domain::restore::Restore>,
    ) {
        let Some(run) = self.failover.as_mut() else {
            return;
        };
        let Some(batch) = run.batch.as_ref().map(|b| b.spec.batch.clone()) else {
            return;
        };
        let ours = page
            .items
            .into_iter()
            .filter(|r| r.batch.as_deref() == Some(batch.as_str()));
        run.listing.extend(ours);
        match page.next_cursor {
            Some(next) => self.list_batch(Some(next)),
            None => {
                let restores = std::mem::take(&mut run.listing);
                let at = self.now;
                self.step_batch(BatchEvent::Listed { restores, at });
                let swapped = crate::domain::dns::swapped_restores(&self.dns_swaps);
                self.step_batch(BatchEvent::Swapped(swapped));
            }
        }
    }

    /// A batch write answered (or never sent): its member moves on.
    pub(in crate::app) fn batch_answered(
        &mut self,
        pending: &outbox::Pending,
        answer: &Result<Reply, CommandError>,
    ) {
        if pending.waiter != outbox::Waiter::Batch {
            return;
        }
        let Some(flow) = self.failover.as_ref().and_then(|r| r.batch.as_ref()) else {
            return;
        };
        let tenant = match &pending.op {
            Op::CreateRestore { tenant, .. } | Op::CreateDnsSwap { tenant, .. } => {
                Some(tenant.clone())
            }
            Op::ConfirmRestore { restore, .. } => flow
                .members
                .iter()
                .find(|m| m.restore.as_ref().is_some_and(|r| r.id == *restore))
                .map(|m| m.tenant.clone()),
            Op::BatchRestores { .. } => {
                if let Err(e) = answer {
                    self.step_batch(BatchEvent::ListFailed(e.words()));
                }
                return;
            }
            _ => None,
        };
        if let Some(tenant) = tenant {
            let event = Box::new(crate::source::writes::event_of(answer, self.now));
            self.step_batch(BatchEvent::Member { tenant, event });
        }
    }
}
