//! The two kinds of journal line: the intent, written before a write leaves, and its outcome,
//! written when the answer comes back. The idempotency key ties them together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::domain::ids::IdempotencyKey;
use crate::wire_enum;

wire_enum!(
    /// The contract's writes. A journal written by a newer snapdeck may name others: they
    /// are kept as `Unknown`, so its lines still read.
    Action {
        CreateRestore => "create_restore",
        ConfirmRestore => "confirm_restore",
        CancelRestore => "cancel_restore",
        DiscardRestore => "discard_restore",
        RecordDrill => "record_drill",
        CreateDnsSwap => "create_dns_swap",
        RollbackDnsSwap => "rollback_dns_swap",
        AcknowledgeRequest => "acknowledge_request",
    }
);

/// What the operator asked for, recorded before it is sent. Never holds a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    pub at: DateTime<Utc>,
    pub operator: String,
    /// Where it is sent: "demo", "http https://control.example.net".
    pub source: String,
    pub op: Action,
    /// The tenant slug, restore id, swap id or ticket acted on.
    pub target: String,
    pub ticket: Option<String>,
    pub idempotency_key: IdempotencyKey,
    /// The op's parameters (restore point, mode, target slug…), for a human reading it later.
    #[serde(default)]
    pub details: Map<String, Value>,
}

impl Intent {
    /// A drill's write: its restore, its result, its spoke's discard. A drill thrown away
    /// must never read as a customer's restore someone threw away.
    pub fn is_drill(&self) -> bool {
        self.op == Action::RecordDrill
            || self.details.get("purpose").and_then(Value::as_str) == Some("drill")
    }

    /// The op as the journal lists it: "create_restore (drill)" for a drill's.
    pub fn what(&self) -> String {
        match self.is_drill() && self.op != Action::RecordDrill {
            true => format!("{} (drill)", self.op.as_str()),
            false => self.op.as_str().to_string(),
        }
    }

    /// An intent by the current operator, now, with no ticket and no details yet.
    pub fn new(
        op: Action,
        target: impl Into<String>,
        source: impl Into<String>,
        idempotency_key: IdempotencyKey,
    ) -> Intent {
        Intent {
            at: Utc::now(),
            operator: operator(None).unwrap_or_else(|| UNKNOWN_OPERATOR.to_string()),
            source: source.into(),
            op,
            target: target.into(),
            ticket: None,
            idempotency_key,
            details: Map::new(),
        }
    }
}

/// An op's parameters as an intent's `details`: its fields, for a human reading it later and
/// for a re-send to rebuild it.
pub fn details_of(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// What the journal says when nobody could be named (said at start-up too).
pub const UNKNOWN_OPERATOR: &str = "unknown";

/// Who is at the keyboard: the config's `operator`, else the login name (`LOGNAME`, then
/// `USER`), else the account's name; `None` when none of them is known.
pub fn operator(configured: Option<&str>) -> Option<String> {
    let named = |name: &str| Some(name.trim().to_string()).filter(|n| !n.is_empty());
    configured
        .and_then(named)
        .or_else(|| {
            ["LOGNAME", "USER"]
                .iter()
                .find_map(|var| named(&std::env::var(var).ok()?))
        })
        .or_else(account_name)
}

/// The name of the account this process runs as, from the system's user database.
pub(crate) fn account_name() -> Option<String> {
    #[cfg(unix)]
    {
        // SAFETY: getpwuid returns a pointer into static storage or null; it is read at once,
        // before any other call could overwrite it.
        unsafe {
            let entry = libc::getpwuid(libc::getuid());
            if entry.is_null() || (*entry).pw_name.is_null() {
                return None;
            }
            let name = std::ffi::CStr::from_ptr((*entry).pw_name).to_string_lossy();
            Some(name.trim().to_string()).filter(|n| !n.is_empty())
        }
    }
    #[cfg(not(unix))]
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    Error,
}

/// The source's answer to an intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub at: DateTime<Utc>,
    pub idempotency_key: IdempotencyKey,
    pub result: Verdict,
    /// The HTTP status, when the answer came over HTTP.
    pub status: Option<u16>,
    /// The contract's error code (`restore_in_progress`).
    pub code: Option<String>,
    pub message: String,
    /// What the write created or changed (`rst_41c`).
    pub resource_id: Option<String>,
}

impl Outcome {
    pub fn ok(idempotency_key: IdempotencyKey, resource_id: Option<String>) -> Outcome {
        Outcome {
            at: Utc::now(),
            idempotency_key,
            result: Verdict::Ok,
            status: None,
            code: None,
            message: String::new(),
            resource_id,
        }
    }

    pub fn error(
        idempotency_key: IdempotencyKey,
        status: Option<u16>,
        code: Option<String>,
        message: impl Into<String>,
    ) -> Outcome {
        Outcome {
            at: Utc::now(),
            idempotency_key,
            result: Verdict::Error,
            status,
            code,
            message: message.into(),
            resource_id: None,
        }
    }

    /// `ok`, or `error 409 restore_in_progress: <message>`.
    pub fn summary(&self) -> String {
        match self.result {
            Verdict::Ok => "ok".to_string(),
            Verdict::Error => {
                let mut text = "error".to_string();
                for part in [self.status.map(|s| s.to_string()), self.code.clone()]
                    .into_iter()
                    .flatten()
                {
                    text.push(' ');
                    text.push_str(&part);
                }
                if !self.message.is_empty() {
                    text.push_str(": ");
                    text.push_str(&self.message);
                }
                text
            }
        }
    }
}

/// One line as read back.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Record {
    Intent(Intent),
    Outcome(Outcome),
}

/// One line as written: borrowed, so appending clones nothing.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum RecordRef<'a> {
    Intent(&'a Intent),
    Outcome(&'a Outcome),
}

impl Intent {
    /// A workflow's write as the journal records it before it is sent: the same words
    /// whichever driver sends it.
    pub fn of_write(
        write: &crate::domain::workflow::Write,
        key: IdempotencyKey,
        source: &str,
        operator: &str,
    ) -> Intent {
        use crate::domain::workflow::Write;
        let (action, target) = match write {
            Write::Launch { slug, .. } => (Action::CreateRestore, slug.clone()),
            Write::Record { restore, .. } => (Action::RecordDrill, restore.0.to_string()),
            Write::Cancel { restore, .. } => (Action::CancelRestore, restore.0.to_string()),
            Write::Discard { restore, .. } => (Action::DiscardRestore, restore.0.to_string()),
            Write::Confirm { restore, .. } => (Action::ConfirmRestore, restore.0.to_string()),
            Write::Swap { slug, .. } => (Action::CreateDnsSwap, slug.clone()),
        };
        let mut intent = Intent::new(action, target, source, key);
        intent.operator = operator.to_string();
        match write {
            Write::Launch { request, .. } => {
                intent.ticket = request.ticket.clone();
                intent.details = details_of(request);
            }
            Write::Record { findings, .. } => intent.details = details_of(findings),
            Write::Cancel { drill, .. } => {
                if *drill {
                    intent.details.insert("purpose".into(), "drill".into());
                }
            }
            Write::Confirm { notes, .. } => {
                intent
                    .details
                    .insert("notes".into(), Value::String(notes.clone()));
            }
            Write::Swap { restore, .. } => {
                intent
                    .details
                    .insert("restore_id".into(), Value::String(restore.0.to_string()));
            }
            Write::Discard { reason, drill, .. } => {
                intent
                    .details
                    .insert("reason".into(), Value::String(reason.clone()));
                if *drill {
                    intent.details.insert("purpose".into(), "drill".into());
                }
            }
        }
        intent
    }
}
