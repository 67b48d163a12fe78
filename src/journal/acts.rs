//! What the journal holds about one restore, for its ticket report (`domain::report`): the
//! acts on it with their answers, its reason (which the control plane does not keep),
//! snapdeck's own checks as the confirmation journaled them, and a drill's findings.

use std::path::Path;

use serde_json::{Map, Value};

use super::read::{Entry, JournalRead, read_journal};
use super::record::{Action, Verdict as Answered};
use crate::domain::drill::DrillFindings;
use crate::domain::ids::RestoreId;
use crate::domain::report::{Act, Answer, CheckLine, Did, Journaled, OwnChecks};
use crate::domain::verify::{CheckKind, Verdict};

/// [`about`] from the journal at `path`; the report says why when there is none or it cannot
/// be read.
/// The report of `facts`, with what the journal at `path` holds about the restore and its
/// DNS swaps: what `snapdeck report` prints and the monitor's `y` copies.
pub fn report_of(
    facts: &crate::domain::report::Facts,
    path: Option<&Path>,
    calendar: &crate::domain::calendar::BusinessCalendar,
) -> crate::domain::report::Report {
    let swaps: Vec<String> = facts
        .swaps
        .iter()
        .flatten()
        .map(|s| s.id.to_string())
        .collect();
    let journaled = read_about(path, &facts.restore.id, &swaps);
    crate::domain::report::build(facts, &journaled, calendar)
}

pub fn read_about(path: Option<&Path>, restore: &RestoreId, swaps: &[String]) -> Journaled {
    let Some(path) = path else {
        return Journaled {
            read: Some(Err(
                "no data directory on this system holds a journal".into()
            )),
            ..Journaled::default()
        };
    };
    match read_journal(path) {
        Ok(read) => Journaled {
            read: Some(Ok(path.display().to_string())),
            ..about(&read, restore, swaps)
        },
        Err(e) => Journaled {
            read: Some(Err(e.to_string())),
            ..Journaled::default()
        },
    }
}

/// The journal's entries about `restore`, oldest first. Its launch is known by its answer
/// (the restore it created), an act on it by its target, a rollback by the swap it names:
/// one of `swaps` (the source's) or one the journal itself saw created for this restore. A
/// re-send (the same idempotency key) is one act.
pub fn about(read: &JournalRead, restore: &RestoreId, swaps: &[String]) -> Journaled {
    let id = restore.0.as_str();
    let mut swaps: Vec<String> = swaps.to_vec();
    let mut journaled = Journaled::default();
    let mut seen_keys = Vec::new();
    for entry in &read.entries {
        let intent = &entry.intent;
        let launched = intent.op == Action::CreateRestore
            && entry
                .outcome
                .as_ref()
                .and_then(|o| o.resource_id.as_deref())
                == Some(id);
        let on_it = intent.target == id
            || (intent.op == Action::RollbackDnsSwap && swaps.contains(&intent.target));
        if !(launched || on_it) || seen_keys.contains(&intent.idempotency_key) {
            continue;
        }
        seen_keys.push(intent.idempotency_key.clone());
        let Some(did) = did(entry, &mut journaled) else {
            continue;
        };
        if let Did::SwappedDns { swap: Some(swap) } = &did {
            swaps.push(swap.clone());
        }
        journaled.acts.push(Act {
            at: intent.at,
            operator: intent.operator.clone(),
            did,
            answer: answer(entry),
        });
    }
    journaled
}

/// The act an entry is, taking what the report keeps from its details on the way.
fn did(entry: &Entry, journaled: &mut Journaled) -> Option<Did> {
    let intent = &entry.intent;
    let details = &intent.details;
    Some(match &intent.op {
        Action::CreateRestore => {
            journaled.reason = text(details, "reason");
            Did::Launched {
                drill: intent.is_drill(),
            }
        }
        Action::ConfirmRestore => {
            if let Some(own) = details.get("snapdeck_checks") {
                journaled.own_checks = Some(own_checks(own));
            }
            Did::Confirmed {
                notes: text(details, "notes").unwrap_or_default(),
            }
        }
        Action::CancelRestore => Did::Cancelled,
        Action::DiscardRestore => Did::Discarded {
            reason: text(details, "reason"),
        },
        Action::RecordDrill => {
            let findings: DrillFindings =
                serde_json::from_value(Value::Object(details.clone())).ok()?;
            let did = Did::RecordedDrill {
                result: findings.result.clone(),
                summary: findings.summary.clone(),
            };
            journaled.findings = Some(findings);
            did
        }
        Action::CreateDnsSwap => Did::SwappedDns {
            swap: entry
                .outcome
                .as_ref()
                .filter(|o| o.result == Answered::Ok)
                .and_then(|o| o.resource_id.clone()),
        },
        Action::RollbackDnsSwap => Did::RolledBackDns {
            swap: intent.target.clone(),
        },
        Action::AcknowledgeRequest | Action::Unknown(_) => return None,
    })
}

fn answer(entry: &Entry) -> Answer {
    match &entry.outcome {
        None => Answer::Unknown,
        Some(o) if o.result == Answered::Ok => Answer::Ok,
        Some(o) => {
            let summary = o.summary();
            Answer::Refused(
                summary
                    .strip_prefix("error ")
                    .unwrap_or(&summary)
                    .to_string(),
            )
        }
    }
}

fn text(details: &Map<String, Value>, key: &str) -> Option<String> {
    details
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The confirmation's `snapdeck_checks`, as the monitor journals them
/// (`{"verdict", "checks": [{"check", "verdict", "summary"}]}`, or `{"verdict":
/// "could_not_check", "why"}`, or `{"verdict": "not_finished"}`).
fn own_checks(value: &Value) -> OwnChecks {
    let verdict = value.get("verdict").and_then(Value::as_str);
    if verdict == Some("not_finished") {
        return OwnChecks::NotFinished;
    }
    let checks: Vec<CheckLine> = value
        .get("checks")
        .and_then(Value::as_array)
        .map(|all| all.iter().map(check_line).collect())
        .unwrap_or_default();
    match (verdict.and_then(verdict_of), checks.is_empty()) {
        (Some(verdict), false) => OwnChecks::Ran { verdict, checks },
        _ => OwnChecks::CouldNotRun(
            value
                .get("why")
                .and_then(Value::as_str)
                .unwrap_or("no reason journaled")
                .to_string(),
        ),
    }
}

fn check_line(value: &Value) -> CheckLine {
    let name = value.get("check").map_or("check".to_string(), |kind| {
        // Journaled as the kind's wire name ("point_in_time"); shown as the screens name it.
        CheckKind::ALL
            .iter()
            .find(|k| serde_json::to_value(k).ok().as_ref() == Some(kind))
            .map_or_else(|| kind.to_string(), |k| k.title().to_string())
    });
    CheckLine {
        name,
        verdict: value
            .get("verdict")
            .and_then(Value::as_str)
            .and_then(verdict_of)
            // A verdict this build cannot read is not taken for a pass.
            .unwrap_or(Verdict::CouldNotCheck),
        detail: value
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    }
}

fn verdict_of(word: &str) -> Option<Verdict> {
    Some(match word {
        "passed" => Verdict::Passed,
        "warning" => Verdict::Warning,
        "could_not_check" => Verdict::CouldNotCheck,
        "failed" => Verdict::Failed,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::record::{IdempotencyKey, Intent, Outcome};
    use serde_json::json;

    fn entry(
        op: Action,
        target: &str,
        key: &str,
        details: Value,
        outcome: Option<Outcome>,
    ) -> Entry {
        let mut intent = Intent::new(op, target, "demo", IdempotencyKey(key.into()));
        intent.operator = "alice".into();
        if let Value::Object(map) = details {
            intent.details = map;
        }
        Entry { intent, outcome }
    }

    fn ok(key: &str, resource: Option<&str>) -> Option<Outcome> {
        Some(Outcome::ok(
            IdempotencyKey(key.into()),
            resource.map(str::to_string),
        ))
    }

    #[test]
    fn the_acts_on_one_restore_and_what_their_details_say() {
        let read = JournalRead {
            entries: vec![
                entry(
                    Action::CreateRestore,
                    "nf-s3",
                    "k1",
                    json!({"mode": "new_spoke", "reason": "course 1182 deleted"}),
                    ok("k1", Some("rst_1")),
                ),
                // Another restore of the same tenant is not this one.
                entry(
                    Action::CreateRestore,
                    "nf-s3",
                    "k2",
                    json!({"reason": "other"}),
                    ok("k2", Some("rst_2")),
                ),
                entry(
                    Action::ConfirmRestore,
                    "rst_1",
                    "k3",
                    json!({
                        "notes": "course is back",
                        "snapdeck_checks": {"verdict": "warning", "checks": [
                            {"check": "point_in_time", "verdict": "passed", "summary": "newest log 02:59"},
                            {"check": "site", "verdict": "warning", "summary": "no site name"}]}
                    }),
                    ok("k3", Some("rst_1")),
                ),
                entry(
                    Action::CreateDnsSwap,
                    "rst_1",
                    "k4",
                    json!({"tenant": "nf-s3"}),
                    ok("k4", Some("dns_9")),
                ),
                entry(Action::RollbackDnsSwap, "dns_9", "k5", json!({}), None),
                entry(Action::RollbackDnsSwap, "dns_other", "k6", json!({}), None),
            ],
            ..JournalRead::default()
        };
        let j = about(&read, &RestoreId("rst_1".into()), &[]);
        let did: Vec<&Did> = j.acts.iter().map(|a| &a.did).collect();
        assert_eq!(
            did,
            [
                &Did::Launched { drill: false },
                &Did::Confirmed {
                    notes: "course is back".into()
                },
                &Did::SwappedDns {
                    swap: Some("dns_9".into())
                },
                &Did::RolledBackDns {
                    swap: "dns_9".into()
                },
            ]
        );
        assert_eq!(j.acts[3].answer, Answer::Unknown);
        assert_eq!(j.reason.as_deref(), Some("course 1182 deleted"));
        let Some(OwnChecks::Ran { verdict, checks }) = &j.own_checks else {
            panic!("{:?}", j.own_checks);
        };
        assert_eq!(*verdict, Verdict::Warning);
        assert_eq!(checks[0].name, "point in time");
        assert_eq!(checks[1].verdict, Verdict::Warning);
    }

    #[test]
    fn a_drills_findings_and_a_refusal_in_words() {
        let refused = Outcome::error(
            IdempotencyKey("k2".into()),
            Some(409),
            Some("invalid_phase".into()),
            "restore rst_d is discarded",
        );
        let read = JournalRead {
            entries: vec![
                entry(
                    Action::RecordDrill,
                    "rst_d",
                    "k1",
                    json!({
                        "result": "failed", "summary": "moodledata: 37 missing",
                        "checks": [{"name": "snapdeck: moodledata", "status": "failed", "detail": "37 missing"}],
                        "restore_duration_seconds": 4000, "verified_by": "snapdeck"
                    }),
                    ok("k1", Some("rst_d")),
                ),
                entry(
                    Action::DiscardRestore,
                    "rst_d",
                    "k2",
                    json!({"reason": "restore drill failed", "purpose": "drill"}),
                    Some(refused),
                ),
            ],
            ..JournalRead::default()
        };
        let j = about(&read, &RestoreId("rst_d".into()), &[]);
        assert_eq!(
            j.findings.as_ref().unwrap().summary,
            "moodledata: 37 missing"
        );
        assert_eq!(
            j.acts[1].answer,
            Answer::Refused("409 invalid_phase: restore rst_d is discarded".into())
        );
    }

    #[test]
    fn own_checks_that_could_not_run_say_why() {
        assert_eq!(
            own_checks(&json!({"verdict": "could_not_check", "why": "no [verify]"})),
            OwnChecks::CouldNotRun("no [verify]".into())
        );
        assert_eq!(
            own_checks(&json!({"verdict": "not_finished"})),
            OwnChecks::NotFinished
        );
    }
}
