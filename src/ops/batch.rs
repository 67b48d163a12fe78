//! The headless driver of a failover batch: the batch workflow's wants carried out — each
//! write journaled first and keyed by the one policy, one walk of the batch's restores per
//! interval, snapdeck's own checks run beside the rest — until nothing more happens without
//! a person, or a stop.

use std::collections::VecDeque;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;

use super::Runner;
use super::batch_voice::Voice;
use crate::domain::restore::Restore;
use crate::domain::tenant::TenantId;
use crate::domain::verify::Check;
use crate::domain::workflow::Event;
use crate::domain::workflow::failover::{BatchEvent, BatchFlow, BatchWant};

/// Runs snapdeck's own checks on a restore awaiting confirmation (`None`: no `[verify]`).
pub type BatchChecker<'a> = &'a (dyn Fn(Restore) -> BoxFuture<'static, Option<Vec<Check>>> + Sync);

type Checking = FuturesUnordered<BoxFuture<'static, (TenantId, Option<Vec<Check>>)>>;

impl Runner {
    /// Drives `flow` from its first `wants` until it is done; `voice` says where it is.
    pub async fn drive_batch(
        &self,
        mut flow: BatchFlow,
        wants: Vec<BatchWant>,
        voice: &dyn Voice,
        checks: BatchChecker<'_>,
    ) -> BatchFlow {
        let mut wants: VecDeque<BatchWant> = wants.into();
        let mut checking = Checking::new();
        let mut stop = self.stop.clone();
        let mut stopped = false;
        let mut ticks = tokio::time::interval(super::TICK);
        loop {
            while let Some(want) = wants.pop_front() {
                let event = match want {
                    BatchWant::Check { tenant, restore } => {
                        let Some(r) = flow
                            .member(&tenant)
                            .and_then(|m| m.restore.clone())
                            .filter(|r| r.id == restore)
                        else {
                            continue;
                        };
                        let running = checks(r);
                        checking.push(Box::pin(async move { (tenant, running.await) }));
                        continue;
                    }
                    BatchWant::Send { tenant, write } => BatchEvent::Member {
                        tenant,
                        event: Box::new(self.send(&write).await),
                    },
                    BatchWant::List => {
                        let listed = self.list(&flow.spec.batch).await;
                        wants.extend(flow.step(listed));
                        self.swapped()
                    }
                };
                wants.extend(flow.step(event));
            }
            voice.update(&flow, self.client.source_now());
            if flow.is_done() {
                return flow;
            }
            if *stop.borrow() && !stopped {
                stopped = true;
                wants.extend(flow.step(BatchEvent::Stop));
                continue;
            }
            tokio::select! {
                Some((tenant, own)) = checking.next(), if !checking.is_empty() => {
                    let event = Box::new(Event::Checked(own));
                    wants.extend(flow.step(BatchEvent::Member { tenant, event }));
                }
                _ = stop.changed(), if !stopped => {}
                _ = ticks.tick() => wants.extend(flow.step(BatchEvent::Tick)),
            }
        }
    }

    /// The restores the source's swaps list points at (not failed, not rolled back).
    fn swapped(&self) -> BatchEvent {
        let seen = self.client.seen();
        BatchEvent::Swapped(crate::domain::dns::swapped_restores(
            seen.swaps.iter().flatten(),
        ))
    }

    /// One walk of the batch's restores.
    pub async fn list(&self, batch: &str) -> BatchEvent {
        match self.client.list_batch(batch).await {
            Ok(restores) => BatchEvent::Listed {
                restores,
                at: self.client.source_now(),
            },
            Err(why) => BatchEvent::ListFailed(why),
        }
    }
}
