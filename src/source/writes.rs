//! A workflow's writes on the wire, for the dashboard's outbox and the CLI's runner alike:
//! the op that carries a write, its answer as the workflow's event, and the one policy for
//! a write's idempotency key. A write keeps its key while it may have reached the source without a
//! definite answer (a timeout, a 5xx, a lost connection), so the same write sent again is
//! done once; a definite refusal (a 4xx) or a success ends the key, and the next write gets a
//! new one (`<session>-<n>`, never repeated across runs).

use super::{CommandError, Op, Reply};
use crate::domain::ids::IdempotencyKey;

/// How a write ended, as far as its key is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Done, or refused in words (a 4xx): this write is settled.
    Settled,
    /// It may have reached the source, or never left: the same write keeps its key.
    Unsettled,
}

impl Ended {
    pub fn of(outcome: &Result<Reply, CommandError>) -> Ended {
        match outcome {
            Ok(_) => Ended::Settled,
            Err(error) if definite_refusal(error) => Ended::Settled,
            Err(_) => Ended::Unsettled,
        }
    }
}

/// A 4xx is the control plane's considered "no" (408 and 429 are "not now"): the write was
/// not done and never will be with that key. Without a status (a timeout, no connection, a
/// garbled answer) it may have been done; only the kube source's read-only answer is a no.
pub fn definite_refusal(error: &CommandError) -> bool {
    match error.status {
        Some(status) => refused_for_good(status),
        None => error.code == "read_only",
    }
}

/// A status that says no for good: a 4xx other than 408 and 429.
pub fn refused_for_good(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

#[derive(Debug)]
pub struct Keys {
    session: String,
    minted: u64,
    /// Writes without a definite answer, with their keys in them: sent again, the same write
    /// goes with the same key.
    unsettled: Vec<Op>,
}

impl Keys {
    /// This run's part of every key.
    pub fn session(&self) -> &str {
        &self.session
    }

    pub fn new(session: String) -> Keys {
        Keys {
            session,
            minted: 0,
            unsettled: Vec::new(),
        }
    }

    /// `write` with its key: the one it went with before when it is the same write still
    /// unsettled, else a new one.
    pub fn keyed(&mut self, mut write: Op) -> Op {
        let reused = self
            .unsettled
            .iter()
            .find(|sent| same_write(sent, &write))
            .and_then(|sent| sent.key().cloned());
        let key = reused.unwrap_or_else(|| {
            self.minted += 1;
            IdempotencyKey(format!("{}-{}", self.session, self.minted).into())
        });
        if let Some(slot) = write.key_mut() {
            *slot = key;
        }
        write
    }

    /// A write an earlier run sent without a definite answer, with its key: the same write
    /// sent now goes with that key.
    pub fn adopt(&mut self, write: Op) {
        self.unsettled.retain(|sent| !same_write(sent, &write));
        self.unsettled.push(write);
    }

    /// `write` was answered: its key is kept only while it is unsettled.
    pub fn ended(&mut self, write: &Op, ended: Ended) {
        if write.key().is_none() {
            return;
        }
        self.unsettled.retain(|sent| !same_write(sent, write));
        if ended == Ended::Unsettled {
            self.unsettled.push(write.clone());
        }
    }
}

/// The same write, whatever its key.
fn same_write(a: &Op, b: &Op) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    for op in [&mut a, &mut b] {
        if let Some(key) = op.key_mut() {
            *key = IdempotencyKey(Default::default());
        }
    }
    a == b
}

impl Op {
    /// A workflow's write as the op that carries it, its key still to be set by `Keys`.
    pub fn of_write(write: &crate::domain::workflow::Write) -> Op {
        use crate::domain::workflow::Write;
        let key = IdempotencyKey(Default::default());
        match write.clone() {
            Write::Launch {
                tenant, request, ..
            } => Op::CreateRestore {
                tenant,
                request: *request,
                key,
            },
            Write::Record { restore, findings } => Op::RecordDrill {
                restore,
                findings,
                key,
            },
            Write::Cancel { restore, .. } => Op::CancelRestore { restore, key },
            Write::Confirm { restore, notes } => Op::ConfirmRestore {
                restore,
                notes,
                key,
            },
            Write::Swap {
                tenant, restore, ..
            } => Op::CreateDnsSwap {
                tenant,
                restore,
                key,
            },
            Write::Discard {
                restore, reason, ..
            } => Op::DiscardRestore {
                restore,
                reason,
                key,
            },
        }
    }
}

impl CommandError {
    /// The error as a person reads it: the status, then the control plane's words (once:
    /// the http source's message may start with the status already).
    pub fn words(&self) -> String {
        match self.status {
            Some(status) if status > 0 && !self.message.starts_with(&status.to_string()) => {
                format!("{status} {}: {}", self.code, self.message)
            }
            _ => self.message.clone(),
        }
    }
}

/// A write's answer as a workflow's event; `at` is when it was answered (the source's clock).
pub fn event_of(
    answer: &Result<Reply, CommandError>,
    at: chrono::DateTime<chrono::Utc>,
) -> crate::domain::workflow::Event {
    use crate::domain::workflow::Event;
    match answer {
        Ok(Reply::Restore(restore)) => Event::Answered {
            restore: Some((**restore).clone()),
            at,
        },
        Ok(_) => Event::Answered { restore: None, at },
        Err(e) if e.code == super::UNJOURNALED => Event::Unjournaled(e.message.clone()),
        // The contract's 409 for a swap whose hostname already points at the restore: what
        // the write was for is done (a resumed batch cannot tell swapped from confirmed).
        Err(e) if e.status == Some(409) && e.code == "already_swapped" => {
            Event::Answered { restore: None, at }
        }
        Err(e) if definite_refusal(e) => Event::Refused(e.words()),
        Err(e) => Event::Undeliverable(e.words()),
    }
}
