//! The Failover screen (`F` on a region): the plan — every tenant of the region restored
//! elsewhere or listed for what it is, the projection at N at once — and, once launched with
//! the region's name typed, the batch: a row per tenant, the totals, the projected finish.
//! Keys: `+`/`-` N, `x` leaves a tenant out, `L` launches; then `C` confirms every restore
//! whose checks all passed, `c` one alone (its slug typed), `S` swaps DNS for the confirmed,
//! `R` retries a failed one, `d` drops a waiting one, `Enter` opens a tenant's monitor.

use std::collections::HashSet;

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, FlashKind};
use super::{MonitorScreen, Screen};
use chrono::{DateTime, Utc};

use crate::domain::failover::{Plan, PlanScope, Projection, plan, project};
use crate::domain::tenant::TenantId;
use crate::domain::workflow::failover::BatchFlow;
use crate::domain::workflow::failover::{BatchEvent, Stage};

/// What a typed confirmation on this screen sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// The batch: the region's name typed.
    Launch,
    /// Every restore whose checks all passed: the region's name typed.
    ConfirmPassed,
    /// DNS for every confirmed restore: the region's name typed.
    SwapConfirmed,
    /// This one, whatever its checks said: its slug typed.
    ConfirmOne { tenant: TenantId, slug: String },
}

impl Typed {
    /// What must be typed.
    pub fn expects<'a>(&'a self, region: &'a str) -> &'a str {
        match self {
            Typed::ConfirmOne { slug, .. } => slug,
            _ => region,
        }
    }

    pub fn words(&self) -> String {
        match self {
            Typed::Launch => "launch the failover".into(),
            Typed::ConfirmPassed => "confirm every restore whose checks all passed".into(),
            Typed::SwapConfirmed => "move DNS to every confirmed restore".into(),
            Typed::ConfirmOne { slug, .. } => format!("confirm {slug}'s restore as it is"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct FailoverPrompt {
    pub what: Typed,
    pub typed: Input,
}

#[derive(Debug, Clone, Default)]
pub struct FailoverScreen {
    pub selected: usize,
    /// The batch is launched: the batch's keys.
    pub launched: bool,
    pub prompt: Option<FailoverPrompt>,
}

/// Screens compare by where they are, not by what is typed in them.
impl PartialEq for FailoverScreen {
    fn eq(&self, other: &Self) -> bool {
        self.selected == other.selected && self.launched == other.launched
    }
}

impl Eq for FailoverScreen {}

/// At most this many at once from the dashboard (the CLI takes more).
const MOST_AT_ONCE: usize = 64;

/// A region's plan, and its batch once launched.
#[derive(Debug, Clone)]
pub struct FailoverRun {
    pub plan: Plan,
    pub parallel: usize,
    pub projection: Projection,
    pub batch: Option<BatchFlow>,
    /// The batch's restores listed so far in this walk (pages).
    pub(in crate::app) listing: Vec<crate::domain::restore::Restore>,
}

impl FailoverRun {
    pub fn new(plan: Plan, parallel: usize) -> FailoverRun {
        let projection = project(&plan, parallel, plan.made_at);
        FailoverRun {
            plan,
            parallel,
            projection,
            batch: None,
            listing: Vec::new(),
        }
    }

    /// Rows on screen: the plan's entries, or the batch's members.
    pub fn rows(&self) -> usize {
        match &self.batch {
            Some(b) => b.members.len(),
            None => self.plan.entries.len(),
        }
    }

    pub fn tenant_at(&self, row: usize) -> Option<TenantId> {
        match &self.batch {
            Some(b) => b.members.get(row).map(|m| m.tenant.clone()),
            None => self.plan.entries.get(row).map(|e| e.tenant.clone()),
        }
    }

    /// `n` at once, within bounds: the plan's projection follows; a running batch hears
    /// it as its workflow's event (the caller steps it).
    pub fn set_parallel(&mut self, n: usize, now: DateTime<Utc>) -> usize {
        self.parallel = n.clamp(1, MOST_AT_ONCE);
        self.projection = project(&self.plan, self.parallel, now);
        self.parallel
    }

    pub fn toggle(&mut self, tenant: &TenantId, now: DateTime<Utc>) {
        self.plan.toggle(tenant);
        self.projection = project(&self.plan, self.parallel, now);
    }
}

impl App {
    /// `F` on a region: its plan, over the fleet as it is now.
    pub(in crate::app) fn plan_failover(&mut self, region: String) {
        let now = self.now;
        let scope = PlanScope::Region {
            name: region,
            to: None,
        };
        let points = Default::default();
        let made = plan(
            scope,
            self.fleet.tenants().iter().map(|t| t.as_ref()),
            self.fleet.regions(),
            &points,
            &HashSet::new(),
            now,
        );
        let running = self.failover.as_ref().is_some_and(|f| f.batch.is_some());
        if running {
            self.set_flash(FlashKind::Info, "a failover batch runs: here it is");
        } else {
            let run = FailoverRun::new(made, 4);
            self.failover = Some(Box::new(run));
        }
        self.open_screen(Screen::Failover(Box::new(FailoverScreen {
            launched: running,
            ..FailoverScreen::default()
        })));
    }

    pub(in crate::app) fn on_failover_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        action: Option<Action>,
    ) {
        let Some(Screen::Failover(screen)) = self.screens.last_mut() else {
            return;
        };
        if let Some(prompt) = screen.prompt.as_mut() {
            match action {
                Some(Action::Back) => screen.prompt = None,
                Some(Action::Launch) => return self.send_typed(),
                Some(Action::Quit) => self.effects.push(super::super::Effect::Quit),
                _ => {
                    prompt
                        .typed
                        .handle_event(&crossterm::event::Event::Key(key));
                }
            }
            return;
        }
        match action {
            Some(action) => self.on_failover_action(action),
            None => self.dirty = false,
        }
    }

    fn on_failover_action(&mut self, action: Action) {
        let Some(run) = self.failover.as_mut() else {
            return self.close_screen();
        };
        let rows = run.rows();
        let Some(Screen::Failover(screen)) = self.screens.last_mut() else {
            return;
        };
        let last = rows.saturating_sub(1);
        let selected = screen.selected.min(last);
        let tenant = run.tenant_at(selected);
        let launched = run.batch.is_some();
        match action {
            Action::Up => screen.selected = selected.saturating_sub(1),
            Action::Down => screen.selected = (selected + 1).min(last),
            Action::First => screen.selected = 0,
            Action::Last => screen.selected = last,
            Action::PageUp => screen.selected = selected.saturating_sub(20),
            Action::PageDown => screen.selected = (selected + 20).min(last),
            Action::Back => self.close_screen(),
            Action::MoreAtOnce | Action::FewerAtOnce => {
                let n = match action {
                    Action::MoreAtOnce => run.parallel + 1,
                    _ => run.parallel.saturating_sub(1),
                };
                let n = run.set_parallel(n, self.now);
                if launched {
                    // One more slot may launch the next at once.
                    self.step_batch(BatchEvent::Parallel(n));
                }
            }
            Action::ToggleExclude if !launched => {
                if let Some(t) = tenant {
                    run.toggle(&t, self.now);
                }
            }
            Action::Launch if !launched => self.ask(Typed::Launch),
            Action::ConfirmAllPassed if launched => self.ask(Typed::ConfirmPassed),
            Action::SwapDns if launched => self.ask(Typed::SwapConfirmed),
            Action::ConfirmRestore if launched => {
                let awaiting = tenant
                    .as_ref()
                    .and_then(|t| run.batch.as_ref()?.member(t))
                    .filter(|m| m.stage == Stage::Awaiting)
                    .map(|m| (m.tenant.clone(), m.slug.clone()));
                match awaiting {
                    Some((tenant, slug)) => self.ask(Typed::ConfirmOne { tenant, slug }),
                    None => self.set_flash(
                        FlashKind::Info,
                        "only a restore awaiting confirmation is confirmed",
                    ),
                }
            }
            Action::RetryFailed if launched => {
                if let Some(t) = tenant {
                    self.step_batch(BatchEvent::Retry(t));
                }
            }
            Action::DropTenant if launched => {
                if let Some(t) = tenant {
                    self.step_batch(BatchEvent::Drop(t));
                }
            }
            Action::Open => {
                let restore = tenant
                    .as_ref()
                    .and_then(|t| run.batch.as_ref()?.member(t)?.restore.as_ref())
                    .map(|r| r.id.clone());
                match restore {
                    Some(id) => self.open_screen(Screen::Monitor(Box::new(MonitorScreen::new(id)))),
                    None => self.set_flash(FlashKind::Info, "no restore yet for this tenant"),
                }
            }
            other => self.on_common_action(other),
        }
    }

    fn ask(&mut self, what: Typed) {
        if let Some(Screen::Failover(screen)) = self.screens.last_mut() {
            screen.prompt = Some(FailoverPrompt {
                what,
                typed: Input::default(),
            });
        }
    }

    /// The typed confirmation, sent once when what was typed is right.
    fn send_typed(&mut self) {
        let (Some(Screen::Failover(screen)), Some(run)) =
            (self.screens.last_mut(), self.failover.as_ref())
        else {
            return;
        };
        let Some(prompt) = screen.prompt.as_ref() else {
            return;
        };
        let expected = prompt.what.expects(&run.plan.region).to_string();
        if prompt.typed.value().trim() != expected {
            let text = format!("type {expected} exactly to {}", prompt.what.words());
            return self.set_flash(FlashKind::Error, text);
        }
        let what = prompt.what.clone();
        screen.prompt = None;
        match what {
            Typed::Launch => {
                screen.launched = true;
                self.launch_batch()
            }
            Typed::ConfirmPassed => self.step_batch(BatchEvent::ConfirmPassed),
            Typed::SwapConfirmed => self.step_batch(BatchEvent::SwapConfirmed),
            Typed::ConfirmOne { tenant, .. } => self.step_batch(BatchEvent::ConfirmOne(tenant)),
        }
    }
}
