//! What `status` reads: the fleet, and the restores and open tickets beside it, through the
//! same `Source` trait as the dashboard (or straight from the demo's simulator).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::acting::Lists;
use crate::domain::tenant::Tenant;
use crate::source::demo::Sim;
use crate::source::{self, Connection, Source, SourceEvent, Unread};

/// The tenants read, the parts of the source that could not be, and the acting side.
pub struct FirstRead {
    pub tenants: Vec<Arc<Tenant>>,
    pub unread: Vec<Unread>,
    /// The source's own instant for them, when it sent one.
    pub generated_at: Option<DateTime<Utc>>,
    /// The restores and open tickets, or why they could not be read; `None` for a source
    /// that keeps none (the clusters).
    pub acting: Option<Result<Lists, String>>,
}

/// The demo fleet of `seed` as it stands at `now`, its restores and open tickets: built
/// once, without running anything.
pub fn demo(seed: u64, tenants: usize, now: DateTime<Utc>) -> FirstRead {
    let sim = Sim::new(seed, tenants, now);
    let requests = sim.open_requests();
    let (tenants, restores) = sim.into_parts();
    FirstRead {
        tenants,
        unread: Vec::new(),
        generated_at: None,
        acting: Some(Ok(Lists { restores, requests })),
    }
}

/// Runs `source` until it has sent its first fleet and, when it keeps them, its restores
/// and open tickets. A source that fails first is `whole` never read; a part of it that
/// fails (one cluster) is named by the source itself, before the fleet it is missing from.
///
/// # Errors
/// No async runtime, or the source stopped before sending a fleet.
pub fn first_read(source: Box<dyn Source>, whole: &str) -> Result<FirstRead, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let keeps_restores = source.info().cannot_act.is_none();
    let read = runtime.block_on(async {
        let source::Started {
            mut events, task, ..
        } = source::start(source);
        let mut reading = Reading::new(whole, keeps_restores);
        let read = loop {
            if let Some(done) = reading.take(events.recv().await) {
                break done;
            }
        };
        task.abort();
        read
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(10));
    read
}

/// The events seen so far of a first read.
struct Reading<'a> {
    whole: &'a str,
    keeps_restores: bool,
    unread: Vec<Unread>,
    fleet: Option<(DateTime<Utc>, Vec<Arc<Tenant>>)>,
    restores: Vec<crate::domain::restore::Restore>,
}

impl<'a> Reading<'a> {
    fn new(whole: &'a str, keeps_restores: bool) -> Self {
        Reading {
            whole,
            keeps_restores,
            unread: Vec::new(),
            fleet: None,
            restores: Vec::new(),
        }
    }

    /// Takes one event; the read once it is complete. The restores come before the tickets
    /// in every source that sends them, so the tickets close the read.
    fn take(&mut self, event: Option<SourceEvent>) -> Option<Result<FirstRead, String>> {
        match event {
            Some(SourceEvent::Fleet {
                tenants,
                generated_at,
            }) => {
                self.fleet = Some((generated_at, tenants));
                (!self.keeps_restores).then(|| Ok(self.done(None)))
            }
            Some(SourceEvent::Unread(parts)) => {
                self.unread = parts;
                None
            }
            Some(SourceEvent::Restores { restores, .. }) => {
                self.restores = restores;
                None
            }
            Some(SourceEvent::Requests { requests, .. }) if self.fleet.is_some() => {
                let restores = std::mem::take(&mut self.restores);
                Some(Ok(self.done(Some(Ok(Lists { restores, requests })))))
            }
            Some(SourceEvent::Connection(Connection::Failing {
                error, scope: None, ..
            })) => {
                // `status` does not retry: the retry the loop announces is not ours.
                let why = &error;
                Some(Ok(self.failed(why.to_string())))
            }
            Some(_) => None,
            None if self.fleet.is_some() => {
                let why = "the source stopped before sending its restores and tickets";
                Some(Ok(self.done(Some(Err(why.to_string())))))
            }
            None => Some(Err(
                "the source stopped before sending the fleet".to_string()
            )),
        }
    }

    /// The source failed: before the fleet, the whole of it is unread (said once, as the
    /// fleet's unread part); after, its restores and tickets are.
    fn failed(&mut self, why: String) -> FirstRead {
        if self.fleet.is_some() {
            return self.done(Some(Err(why)));
        }
        FirstRead {
            tenants: Vec::new(),
            unread: vec![Unread {
                part: self.whole.to_string(),
                why,
            }],
            generated_at: None,
            acting: None,
        }
    }

    fn done(&mut self, acting: Option<Result<Lists, String>>) -> FirstRead {
        let (generated_at, tenants) = self.fleet.take().unwrap_or((Utc::now(), Vec::new()));
        FirstRead {
            tenants,
            unread: std::mem::take(&mut self.unread),
            generated_at: Some(generated_at),
            acting,
        }
    }
}
