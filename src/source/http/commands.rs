//! Answering the app's commands: the contract's writes (each with its idempotency key) and
//! the on-demand reads. Each runs on its own task, so polling goes on while it waits.

use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};

use super::backoff::{Backoff, BackoffPolicy};
use super::transport::{Answer, Failure, Transport, parse};
use crate::contract::{ConfirmBody, DiscardBody, DnsSwapBody, EventsPage};
use crate::source::{CommandError, Op, Page, Reply};

/// How a command's request is retried.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub policy: BackoffPolicy,
    /// Tries after the first, for a timeout, no connection, 429 or 5xx.
    pub retries: u32,
}

enum Request {
    Get(Url),
    Post { url: Url, key: String, body: Value },
}

/// Carries out one command (not `Refresh`: the poll loop answers that) and gives its answer.
pub async fn answer(t: &Transport, op: &Op, retries: Retries) -> Result<Reply, CommandError> {
    let (request, what) = request(t, op).map_err(Failure::into_command_error)?;
    let answer = send(t, &request, retries)
        .await
        .map_err(Failure::into_command_error)
        .map_err(|e| without_the_additions(op, e))?;
    reply(op, &answer, &what).map_err(Failure::into_command_error)
}

/// A `404 not_found` to an addition's path (a restore that is gone answers
/// `restore_not_found`): a control plane without the v1 additions, said in words.
fn without_the_additions(op: &Op, error: CommandError) -> CommandError {
    let addition = match op {
        Op::DiscardRestore { .. } => "discarding a restore",
        Op::RecordDrill { .. } | Op::Drills { .. } => "restore drills",
        _ => return error,
    };
    if error.status != Some(404) || error.code != "not_found" {
        return error;
    }
    CommandError {
        message: format!(
            "this control plane does not offer {addition} (one of the v1 additions): {}",
            error.message
        ),
        ..error
    }
}

fn request(t: &Transport, op: &Op) -> Result<(Request, String), Failure> {
    let post = |segments: &[&str], key: &str, body: Value| Request::Post {
        url: t.url(segments, &[]),
        key: key.to_string(),
        body,
    };
    let body = |v: Result<Value, serde_json::Error>| {
        v.map_err(|e| Failure::body(format!("the request could not be written: {e}")))
    };
    let request = match op {
        Op::Refresh => {
            return Err(Failure::body("refresh is answered by the poll loop".into()));
        }
        Op::CreateRestore {
            tenant,
            request,
            key,
        } => post(
            &["tenants", &tenant.0, "restores"],
            &key.0,
            body(serde_json::to_value(request))?,
        ),
        Op::ConfirmRestore {
            restore,
            notes,
            key,
        } => {
            let notes = ConfirmBody {
                notes: notes.clone(),
            };
            let b = body(serde_json::to_value(notes))?;
            post(&["restores", &restore.0, "confirm"], &key.0, b)
        }
        Op::CancelRestore { restore, key } => {
            post(&["restores", &restore.0, "cancel"], &key.0, json!({}))
        }
        Op::DiscardRestore {
            restore,
            reason,
            key,
        } => {
            let reason = DiscardBody {
                reason: reason.clone(),
            };
            let b = body(serde_json::to_value(reason))?;
            post(&["restores", &restore.0, "discard"], &key.0, b)
        }
        Op::RecordDrill {
            restore,
            findings,
            key,
        } => {
            let b = body(serde_json::to_value(findings))?;
            post(&["restores", &restore.0, "drill-result"], &key.0, b)
        }
        Op::CreateDnsSwap {
            tenant,
            restore,
            key,
        } => {
            let swap = DnsSwapBody {
                restore_id: restore.clone(),
            };
            let b = body(serde_json::to_value(swap))?;
            post(&["tenants", &tenant.0, "dns-swaps"], &key.0, b)
        }
        Op::RollbackDnsSwap { swap, key } => {
            post(&["dns-swaps", &swap.0, "rollback"], &key.0, json!({}))
        }
        Op::AcknowledgeRequest { ticket, key } => post(
            &["restore-requests", ticket, "acknowledge"],
            &key.0,
            json!({}),
        ),
        Op::RestorePoints { tenant, cursor } => {
            let mut query = Vec::new();
            if let Some(c) = cursor {
                query.push(("cursor", c.as_str()));
            }
            Request::Get(t.url(&["tenants", &tenant.0, "restore-points"], &query))
        }
        Op::Drills { tenant, cursor } => {
            let mut query = vec![("tenant_id", tenant.0.as_str())];
            if let Some(c) = cursor {
                query.push(("cursor", c.as_str()));
            }
            Request::Get(t.url(&["drills"], &query))
        }
        Op::BatchRestores { batch, cursor } => {
            // The contract's largest page: a walk of 2 000 restores is two requests.
            let mut query = vec![("batch", batch.as_str()), ("limit", "1000")];
            if let Some(c) = cursor {
                query.push(("cursor", c.as_str()));
            }
            Request::Get(t.url(&["restores"], &query))
        }
        Op::Restore { restore } => Request::Get(t.url(&["restores", &restore.0], &[])),
        Op::RestoreEvents { restore, after } => {
            let after = after.to_string();
            Request::Get(t.url(
                &["restores", &restore.0, "events"],
                &[("after", after.as_str())],
            ))
        }
    };
    let what = match &request {
        Request::Get(url) | Request::Post { url, .. } => {
            let method = if matches!(request, Request::Get(_)) {
                "GET"
            } else {
                "POST"
            };
            format!("{method} {}", url.path())
        }
    };
    Ok((request, what))
}

/// Sends, and on a transient failure sends again — a write with the same key, so the
/// control plane does it once however many of our tries reached it. A 4xx is never retried.
async fn send(t: &Transport, request: &Request, retries: Retries) -> Result<Answer, Failure> {
    let mut backoff = Backoff::new(retries.policy);
    let mut tries = 0;
    loop {
        let sent = match request {
            Request::Get(url) => t.get(url.clone(), None).await,
            Request::Post { url, key, body } => t.post(url.clone(), key, body).await,
        };
        match sent {
            Ok(answer) => return Ok(answer),
            Err(f) if f.transient() && tries < retries.retries => {
                tries += 1;
                // A write waits at most the cap: the operator is watching the flash line.
                let wait = backoff.next(f.retry_after).min(retries.policy.cap);
                tracing::info!(error = %f.message, ?wait, "retrying a command");
                tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
            }
            Err(mut f) => {
                if tries > 0 {
                    f.message = format!("{} (after {} tries)", f.message, tries + 1);
                }
                return Err(f);
            }
        }
    }
}

fn reply(op: &Op, answer: &Answer, what: &str) -> Result<Reply, Failure> {
    Ok(match op {
        Op::CreateRestore { .. }
        | Op::ConfirmRestore { .. }
        | Op::CancelRestore { .. }
        | Op::DiscardRestore { .. }
        | Op::Restore { .. } => Reply::Restore(Box::new(parse(answer, what)?)),
        Op::CreateDnsSwap { .. } | Op::RollbackDnsSwap { .. } => {
            Reply::DnsSwap(Box::new(parse(answer, what)?))
        }
        Op::AcknowledgeRequest { .. } => Reply::Request(Box::new(parse(answer, what)?)),
        Op::RestorePoints { .. } => Reply::RestorePoints(parse::<Page<_>>(answer, what)?),
        Op::RestoreEvents { .. } => Reply::RestoreEvents(parse::<EventsPage>(answer, what)?.items),
        Op::RecordDrill { .. } => Reply::Drill(Box::new(parse(answer, what)?)),
        Op::Drills { .. } => Reply::Drills(parse::<Page<_>>(answer, what)?),
        Op::BatchRestores { .. } => Reply::Restores(parse::<Page<_>>(answer, what)?),
        Op::Refresh => Reply::Refreshed,
    })
}
