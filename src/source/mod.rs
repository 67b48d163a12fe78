//! Where the fleet comes from. One trait, several sources; the app never knows which one it
//! talks to. Sources run in the background and send messages; the UI never waits on them.

pub mod demo;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::domain::restore::Restore;
use crate::domain::tenant::Tenant;

/// What a source tells the app.
#[derive(Debug, Clone)]
pub enum SourceEvent {
    /// The whole fleet as the source sees it at `generated_at`; replaces what came before.
    Fleet {
        generated_at: DateTime<Utc>,
        tenants: Vec<Arc<Tenant>>,
    },
    /// Only the tenants that changed (upserted by id). An empty list still says "I am alive
    /// and nothing else changed as of `generated_at`".
    Changed {
        generated_at: DateTime<Utc>,
        tenants: Vec<Arc<Tenant>>,
    },
    /// Active and recent restores, whole list.
    Restores {
        generated_at: DateTime<Utc>,
        restores: Vec<Restore>,
    },
    /// The connection changed state (connecting, live, failing and retrying).
    Connection(Connection),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting,
    Live,
    /// The last attempt failed; the source keeps retrying and the last data stays on screen.
    Failing {
        error: String,
    },
}

impl Connection {
    pub fn label(&self) -> &str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Live => "live",
            Connection::Failing { .. } => "failing",
        }
    }
}

/// What the app may ask of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCommand {
    /// Refresh now instead of at the next interval.
    Refresh,
}

/// How the source names itself in the status bar ("demo", "seed 42 · 60 tenants · ×10").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub kind: &'static str,
    pub detail: String,
}

pub type SourceTask = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Source: Send + 'static {
    fn info(&self) -> SourceInfo;

    /// The source's work, to be spawned: it sends events until `events` is closed.
    fn run(
        self: Box<Self>,
        events: UnboundedSender<SourceEvent>,
        commands: UnboundedReceiver<SourceCommand>,
    ) -> SourceTask;
}
