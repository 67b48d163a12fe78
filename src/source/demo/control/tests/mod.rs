//! The demo control plane's writes through the real channel: each contract error, and
//! idempotency against double presses and re-sends. The harness the tests share is here;
//! restores, DNS swaps and requests each in a module below.

mod dns_swaps;
mod requests;
mod restores;

use std::sync::Arc;
use std::time::Duration as Wait;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::timeout;

use crate::clock::ManualClock;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::ids::{DnsSwapId, IdempotencyKey, RestoreId, RestorePointId};
use crate::domain::request::{AckState, RestoreRequest, ack_deadline};
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase};
use crate::domain::tenant::Tenant;
use crate::source::demo::{DemoSource, Sim};
use crate::source::{CommandError, CommandId, Op, Reply, SourceCommand, SourceEvent};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// A running demo source and the app's ends of its channels, with the fleet it sent.
struct Demo {
    clock: Arc<ManualClock>,
    events: UnboundedReceiver<SourceEvent>,
    commands: UnboundedSender<SourceCommand>,
    fleet: Vec<Arc<Tenant>>,
    /// The open restore requests as last pushed.
    requests: Vec<RestoreRequest>,
    next_id: u64,
}

impl Demo {
    async fn start() -> Demo {
        let clock = Arc::new(ManualClock::new(now()));
        let source = Box::new(DemoSource::new(
            42,
            60,
            clock.clone(),
            std::time::Duration::from_secs(30),
        ));
        let started = crate::source::start(source);
        let mut demo = Demo {
            clock,
            events: started.events,
            commands: started.commands,
            fleet: Vec::new(),
            requests: Vec::new(),
            next_id: 1,
        };
        loop {
            if let SourceEvent::Fleet { tenants, .. } = demo.next().await {
                demo.fleet = tenants;
                return demo;
            }
        }
    }

    async fn next(&mut self) -> SourceEvent {
        let event = timeout(Wait::from_secs(10), self.events.recv())
            .await
            .expect("the source answers in time")
            .expect("the source is running");
        if let SourceEvent::Requests { requests, .. } = &event {
            self.requests = requests.clone();
        }
        event
    }

    fn tenant(&self, slug: &str) -> Arc<Tenant> {
        let found = self.fleet.iter().find(|t| t.slug == slug);
        Arc::clone(found.unwrap_or_else(|| panic!("no tenant {slug}")))
    }

    /// Sends `op` and returns its answer, with the tenants changed before it.
    async fn ask(&mut self, op: Op) -> (Result<Reply, CommandError>, Vec<Arc<Tenant>>) {
        let id = CommandId(self.next_id);
        self.next_id += 1;
        self.commands.send(SourceCommand { id, op }).unwrap();
        let mut changed = Vec::new();
        loop {
            match self.next().await {
                SourceEvent::Answer {
                    id: answered,
                    outcome,
                } => {
                    assert_eq!(answered, id, "answers come with their command's id");
                    return (outcome, changed);
                }
                SourceEvent::Changed { tenants, .. } => changed.extend(tenants),
                _ => {}
            }
        }
    }
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::from(text)
}

fn newest(mode: RestoreMode) -> CreateRestore {
    CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode,
        target_slug: None,
        ticket: Some("SUP-4821".into()),
        reason: Some("teacher deleted course 1182".into()),
        purpose: Default::default(),
    }
}

fn create(tenant: &Tenant, request: CreateRestore, key_text: &str) -> Op {
    Op::CreateRestore {
        tenant: tenant.id.clone(),
        request,
        key: key(key_text),
    }
}

fn restore(outcome: Result<Reply, CommandError>) -> Restore {
    match outcome {
        Ok(Reply::Restore(restore)) => *restore,
        other => panic!("expected a restore, got {other:?}"),
    }
}

fn error(outcome: Result<Reply, CommandError>) -> CommandError {
    match outcome {
        Err(error) => error,
        other => panic!("expected an error, got {other:?}"),
    }
}
