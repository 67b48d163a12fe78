//! Drills launched from the dashboard (`D`): the drill workflow (`domain::workflow::drill`),
//! driven by the app — its wants become effects (writes journaled first with the outbox's
//! key, reads of its restore, own checks), and what comes back (answers, the restores list,
//! its own reads, checks, ticks, the operator's stop) becomes its events. The same workflow
//! `snapdeck drill` drives: one set of rules.

use super::own_checks::OwnChecks;
use super::{App, Effect, FlashKind, Screen, outbox};
use crate::domain::drill;
use crate::domain::ids::RestoreId;
use crate::domain::restore::{Restore, RestorePurpose};
use crate::domain::tenant::Tier;
use crate::domain::workflow::{DrillFlow, DrillSpec, Event, Want};
use crate::journal::Intent;
use crate::source::{CommandError, Op, Reply};

/// How often, in ticks, the restore on the monitor in front is read on its own while it runs:
/// its phases must not lag its own event log by a fleet refresh.
const FOLLOW_EVERY_TICKS: u32 = crate::domain::workflow::READ_EVERY_TICKS;

impl App {
    pub fn drill_flow(&self, id: &RestoreId) -> Option<&DrillFlow> {
        self.drill_flows.get(id)
    }

    /// A drill this dashboard launched: its workflow starts from the launch's answer.
    pub(in crate::app) fn drill_launched(&mut self, restore: &Restore) {
        if restore.purpose != RestorePurpose::Drill || self.drill_flows.contains_key(&restore.id) {
            return;
        }
        // A tenant gone from the fleet meanwhile has a tier snapdeck does not know.
        let tier = self
            .fleet
            .position(&restore.tenant_id)
            .map_or(Tier::Unknown(String::new()), |i| {
                self.fleet.tenant(i).tier.clone()
            });
        let spec = DrillSpec {
            tenant: restore.source_slug.clone(),
            limit: drill::limit_of(&tier),
            verify: self.verify_configured,
            operator: self.operator.clone(),
        };
        let (flow, wants) = DrillFlow::launched(spec, restore.clone(), self.now);
        let id = restore.id.clone();
        self.drill_flows.insert(id.clone(), flow);
        self.carry_out(wants);
    }

    /// The operator stops a drill (the monitor's cancel or discard): its workflow says what
    /// that does where it is.
    pub fn stop_drill(&mut self, id: &RestoreId) -> bool {
        if self.drill_flows.get(id).is_none_or(DrillFlow::is_done) {
            return false;
        }
        self.drive(id, Event::Stop);
        let text = format!("drill {id}: stopping · {}", self.drill_flows[id].words());
        self.set_flash(FlashKind::Info, text);
        true
    }

    /// A second went by: every drill hears it; the monitor in front reads its own restore.
    pub(in crate::app) fn tick_drills(&mut self) {
        self.follow_in_front();
        let ids: Vec<RestoreId> = self.running_drills().collect();
        for id in ids {
            self.drive(&id, Event::Tick);
            self.checks_of_drill(&id);
        }
    }

    /// The restores list came, seen at `restores_seen_at`.
    pub(in crate::app) fn drills_listed(&mut self) {
        let Some(at) = self.restores_seen_at else {
            return;
        };
        let ids: Vec<RestoreId> = self.running_drills().collect();
        for id in ids {
            if let Some(restore) = self.restore(&id).cloned() {
                self.drive(&id, Event::Observed { restore, at });
            }
        }
    }

    /// A restore as read on its own just now.
    pub(in crate::app) fn followed(&mut self, restore: Restore) {
        let id = restore.id.clone();
        self.hold_restore(restore.clone());
        if self.drill_flows.contains_key(&id) {
            let at = self.now;
            self.drive(&id, Event::Observed { restore, at });
        }
    }

    /// A drill's write or read answered (or never sent): its workflow moves on.
    pub(in crate::app) fn drill_answered(&mut self, op: &Op, answer: &Result<Reply, CommandError>) {
        let (id, read) = match op {
            Op::RecordDrill { restore, .. }
            | Op::DiscardRestore { restore, .. }
            | Op::CancelRestore { restore, .. } => (restore, false),
            Op::Restore { restore } => (restore, true),
            _ => return,
        };
        if self.drill_flows.get(id).is_none_or(DrillFlow::is_done) {
            return;
        }
        let event = match (read, answer) {
            (true, Ok(_)) => return,
            (true, Err(_)) => Event::ReadFailed,
            (false, answer) => crate::source::writes::event_of(answer, self.now),
        };
        let id = id.clone();
        self.drive(&id, event);
        if let Some(flow) = self.drill_flows.get(&id)
            && flow.is_done()
        {
            let text = format!("drill of {id}: {}", flow.words());
            self.set_flash(FlashKind::Info, text);
        }
    }

    fn running_drills(&self) -> impl Iterator<Item = RestoreId> + '_ {
        self.drill_flows
            .iter()
            .filter(|(_, f)| !f.is_done())
            .map(|(id, _)| id.clone())
    }

    fn drive(&mut self, id: &RestoreId, event: Event) {
        let Some(flow) = self.drill_flows.get_mut(id) else {
            return;
        };
        let wants = flow.step(event);
        self.carry_out(wants);
    }

    /// A drill's wants as effects.
    fn carry_out(&mut self, wants: Vec<Want>) {
        for want in wants {
            match want {
                Want::Send(write) => {
                    let (op, key) = self.keyed(Op::of_write(&write));
                    let mut intent =
                        Intent::of_write(&write, key, &self.source_label(), &self.operator);
                    intent.at = self.now;
                    self.write(intent, op);
                }
                Want::Read(restore) => self.read_restore(restore),
                Want::Check(restore) => {
                    self.start_own_checks_of(&restore, false);
                    self.checks_of_drill(&restore);
                }
            }
        }
    }

    /// A drill's own checks, once they are in: its workflow hears of them.
    pub(in crate::app) fn checks_of_drill(&mut self, id: &RestoreId) {
        let checking = self
            .drill_flows
            .get(id)
            .is_some_and(|f| f.stage == crate::domain::workflow::Stage::Checking);
        if !checking {
            return;
        }
        let checks = match self.own_checks(id) {
            Some(OwnChecks::Done(checks)) => checks.clone(),
            Some(OwnChecks::CannotRun(why)) => crate::domain::verify::could_not_run(why),
            // Still running, or waiting for the tenant's history: asked again at each tick.
            Some(OwnChecks::Running { .. } | OwnChecks::FindingPoint) => return,
            None => return self.start_own_checks_of(id, false),
        };
        self.drive(id, Event::Checked(Some(checks)));
    }

    /// One read of `restore` on its own, one in flight at a time.
    fn read_restore(&mut self, restore: RestoreId) {
        let reading = self
            .outbox
            .pending()
            .any(|op| matches!(op, Op::Restore { restore: r } if *r == restore));
        if reading {
            return;
        }
        let op = Op::Restore { restore };
        let id = self.outbox.add(op.clone(), outbox::Waiter::Follow);
        let command = crate::source::SourceCommand { id, op };
        self.effects.push(Effect::Source(command));
    }

    /// The restore on the monitor in front, while it runs and is not a drill's (a drill's
    /// workflow reads its own).
    fn follow_in_front(&mut self) {
        self.follow_ticks += 1;
        if self.follow_ticks < FOLLOW_EVERY_TICKS {
            return;
        }
        self.follow_ticks = 0;
        let in_front = match self.screen() {
            Screen::Monitor(m) => self
                .restore(&m.id)
                .filter(|r| r.phase.is_active())
                .map(|r| r.id.clone()),
            _ => None,
        };
        if let Some(id) = in_front.filter(|id| !self.drill_flows.contains_key(id)) {
            self.read_restore(id);
        }
    }
}
