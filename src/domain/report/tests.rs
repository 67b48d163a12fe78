//! The report at a fixed instant: (1) a restore walked to a DNS swap, (2) the RTO at its
//! boundaries, (3) a drill, (4) what could not be read.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::drill::{DrillFindings, DrillResult, LastDrill};
use crate::domain::restore::{
    CheckStatus, RestoreMode, RestorePhase, RestorePurpose, RestoreStep, StepStatus,
    VerificationCheck,
};
use crate::domain::test_support::{request, restore, utc};
use crate::domain::verify::Verdict;

fn tenant(tier: &str) -> Arc<Tenant> {
    Arc::new(
        serde_json::from_value(serde_json::json!({
            "id": "ten_9q1", "slug": "nf-s3", "kind": "spoke", "hub_id": "ten_hub",
            "display_name": "Northfield Arts", "hostname": "arts.northfield.example",
            "tier": tier, "region": "eu-west-1", "state": "active",
            "created_at": "2025-01-01T00:00:00Z",
            "backup": {
                "schedule": { "cron": "0 2 * * *", "timezone": "UTC", "next_run_at": null },
                "retention_days": 90, "last_success": null, "last_attempt": null,
                "oldest_restore_point_at": null
            }
        }))
        .unwrap(),
    )
}

fn point(taken_at: DateTime<Utc>) -> RestorePoint {
    serde_json::from_value(serde_json::json!({
        "id": "rp_7", "taken_at": taken_at, "status": "succeeded",
        "database": { "status": "succeeded", "started_at": taken_at, "finished_at": null,
                      "size_bytes": null, "error": null },
        "volume": { "status": "succeeded", "snapshot_name": "snap-7", "created_at": taken_at,
                    "ready_to_use": true, "restore_size_bytes": null, "error": null },
        "skew_seconds": 4, "copies": [], "expires_at": null
    }))
    .unwrap()
}

fn step(finished_at: DateTime<Utc>) -> RestoreStep {
    RestoreStep {
        name: "verify".into(),
        status: StepStatus::Succeeded,
        started_at: None,
        finished_at: Some(finished_at),
        progress: None,
        message: None,
    }
}

fn check(name: &str, status: CheckStatus, detail: &str) -> VerificationCheck {
    VerificationCheck {
        name: name.into(),
        status,
        detail: detail.into(),
    }
}

/// `nf-s3` (Dedicated) restored into a new spoke from the 03:00 point, asked for at 03:14 for
/// SUP-4821, back at `back`, confirmed at 06:00 by alice, swapped at 06:05 and verified.
fn walked(back: DateTime<Utc>) -> (Facts, Journaled) {
    let mut r = restore(RestorePhase::Completed);
    r.ticket = Some("SUP-4821".into());
    r.restore_point_id = Some("rp_7".into());
    r.target_hostname = "nf-s3-restore-20261126.spokes.example".into();
    r.steps = vec![step(back)];
    r.verification = Some(vec![
        check("database", CheckStatus::Passed, "row counts match"),
        check("site", CheckStatus::Warning, "login page slow"),
    ]);
    r.confirmed_by = Some("alice".into());
    r.confirmed_at = Some(utc(2026, 11, 26, 6, 0));
    let swap = DnsSwap {
        id: "dns_5e0".into(),
        tenant_id: "ten_9q1".into(),
        restore_id: r.id.clone(),
        hostname: "arts.northfield.example".into(),
        from_target: "nf-s3.spokes.example".into(),
        to_target: "nf-s3-restore-20261126.spokes.example".into(),
        ttl_seconds: 60,
        phase: DnsPhase::Verified,
        requested_at: utc(2026, 11, 26, 6, 5),
        updated_at: utc(2026, 11, 26, 6, 7),
        error: None,
    };
    let facts = Facts {
        restore: r,
        tenant: Some(tenant("dedicated")),
        point: Ok(point(utc(2026, 11, 26, 3, 0))),
        request: None,
        swaps: Some(vec![swap]),
        drill_record: None,
        own_checks_held: None,
        source: "http https://control.example.net".into(),
        now: utc(2026, 11, 26, 9, 0),
    };
    let act = |at: DateTime<Utc>, did: Did| Act {
        at,
        operator: "alice".into(),
        did,
        answer: Answer::Ok,
    };
    let journaled = Journaled {
        acts: vec![
            act(utc(2026, 11, 26, 3, 14), Did::Launched { drill: false }),
            act(
                utc(2026, 11, 26, 6, 0),
                Did::Confirmed {
                    notes: "course 1182 is back".into(),
                },
            ),
            act(
                utc(2026, 11, 26, 6, 5),
                Did::SwappedDns {
                    swap: Some("dns_5e0".into()),
                },
            ),
        ],
        reason: Some("teacher deleted course 1182".into()),
        own_checks: Some(OwnChecks::Ran {
            verdict: Verdict::Passed,
            checks: vec![CheckLine {
                name: "identity".into(),
                verdict: Verdict::Passed,
                detail: "same site".into(),
            }],
        }),
        findings: None,
        read: Some(Ok("/home/alice/.local/share/snapdeck/journal.jsonl".into())),
    };
    (facts, journaled)
}

fn report_of(facts: &Facts, journaled: &Journaled) -> Report {
    build(facts, journaled, &BusinessCalendar::default())
}

// 1. A restore walked to a DNS swap.

#[test]
fn a_restore_walked_to_a_swap_says_each_part_in_words() {
    let (facts, journaled) = walked(utc(2026, 11, 26, 5, 10));
    let report = report_of(&facts, &journaled);
    assert!(!report.drill);
    assert_eq!(
        report.tenant.words,
        "Northfield Arts (`nf-s3`), Dedicated in eu-west-1, arts.northfield.example"
    );
    assert_eq!(
        report.restore.reason.as_deref(),
        Some("teacher deleted course 1182")
    );
    assert_eq!(
        report.restore.point_words,
        "rp_7, taken 03:00 UTC on 26 Nov 2026"
    );
    assert!(
        report
            .data_loss
            .words
            .starts_with("Changes made after 03:00 UTC on 26 Nov 2026 are not in it (14m"),
        "{}",
        report.data_loss.words
    );
    assert!(
        report.data_loss.words.ends_with(
            "DNS was swapped to the restored spoke at 06:07 UTC on 26 Nov 2026 (dns_5e0): what \
             was written on the original spoke between the point and then is not on the site \
             users now reach (the original spoke still holds it)."
        ),
        "{}",
        report.data_loss.words
    );
    assert_eq!(report.rto.verdict, RtoVerdict::Met);
    assert!(
        report.rto.words.starts_with(
            "Met: the data was back at 05:10 UTC on 26 Nov 2026, 2h 4m before the deadline"
        ),
        "{}",
        report.rto.words
    );
    assert!(
        report.rto.words.ends_with(
            "from the restore's request (SUP-4821 is not among the open tickets, so its time \
             was not read)."
        ),
        "{}",
        report.rto.words
    );
    assert_eq!(report.checks.control_plane_words, "1 of 2 passed");
    assert_eq!(
        report.checks.snapdeck_words,
        "✓ passed, journaled with the confirmation"
    );
    let swap = &report.dns.swaps.as_ref().unwrap()[0];
    assert!(
        swap.words
            .contains("verified at 06:07 UTC on 26 Nov 2026, 2m after"),
        "{}",
        swap.words
    );
    let said: Vec<(&str, Told)> = report
        .timeline
        .iter()
        .map(|m| (m.what.as_str(), m.told_by))
        .collect();
    assert_eq!(
        said,
        [
            ("launched the restore", Told::Journal),
            (
                "the restore's last step finished: the data was back",
                Told::ControlPlane
            ),
            ("confirmed it: “course 1182 is back”", Told::Journal),
            ("swapped DNS to the restored spoke (dns_5e0)", Told::Journal),
            (
                "DNS swap dns_5e0 verified: arts.northfield.example answers \
                 nf-s3-restore-20261126.spokes.example",
                Told::ControlPlane
            ),
        ]
    );
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn the_markdown_holds_every_part_and_one_line_per_item() {
    let (facts, mut journaled) = walked(utc(2026, 11, 26, 5, 10));
    journaled.reason = Some("teacher deleted\ncourse 1182".into());
    let text = markdown(&report_of(&facts, &journaled));
    for part in [
        "### Restore rst_41c of nf-s3 — SUP-4821",
        "- **Reason:** teacher deleted course 1182",
        "**Data loss.** Changes made after 03:00 UTC on 26 Nov 2026",
        "**RTO.** Met:",
        "  - ▲ warning — site: login page slow",
        "- snapdeck's own: ✓ passed, journaled with the confirmation",
        "- 06:00 UTC on 26 Nov 2026 — alice: confirmed it: “course 1182 is back” → ok _(journal)_",
        "**DNS.** 1 swap for this restore",
    ] {
        assert!(text.contains(part), "{part:?} in:\n{text}");
    }
    assert!(!text.contains("drill"), "{text}");
}

#[test]
fn actions_from_another_machine_come_from_the_control_plane() {
    let (facts, mut journaled) = walked(utc(2026, 11, 26, 5, 10));
    journaled.acts.clear();
    journaled.reason = None;
    let report = report_of(&facts, &journaled);
    let said: Vec<&str> = report.timeline.iter().map(|m| m.what.as_str()).collect();
    assert!(
        said.contains(&"asked for the restore (not from this machine)"),
        "{said:?}"
    );
    assert!(
        said.contains(&"confirmed it (not from this machine)"),
        "{said:?}"
    );
    assert!(
        said.contains(&"asked for DNS swap dns_5e0 (not from this machine)"),
        "{said:?}"
    );
    let text = markdown(&report);
    assert!(text.contains("- **Reason:** not known"), "{text}");
}

// 2. The RTO at its boundaries.

#[test]
fn back_at_the_deadline_is_met_a_second_later_is_late_by_that_second() {
    // Asked for at 03:14, Dedicated: due 07:14.
    let (facts, journaled) = walked(utc(2026, 11, 26, 7, 14));
    assert_eq!(report_of(&facts, &journaled).rto.verdict, RtoVerdict::Met);
    let (facts, journaled) = walked(utc(2026, 11, 26, 7, 14) + Duration::seconds(1));
    let rto = report_of(&facts, &journaled).rto;
    assert_eq!(rto.verdict, RtoVerdict::Late);
    assert_eq!(rto.late_by_seconds, Some(1));
    assert!(rto.words.starts_with("Missed: "), "{}", rto.words);
    assert!(rto.words.contains("late by 1s"), "{}", rto.words);
}

#[test]
fn the_customer_waited_from_the_ticket() {
    let (mut facts, journaled) = walked(utc(2026, 11, 26, 5, 10));
    facts.request = Some(request(utc(2026, 11, 26, 1, 0)));
    let rto = report_of(&facts, &journaled).rto;
    assert_eq!(rto.deadline, Some(utc(2026, 11, 26, 5, 0)));
    assert_eq!(rto.verdict, RtoVerdict::Late);
    assert!(
        rto.words
            .contains("from the ticket's time (01:00 UTC on 26 Nov 2026)"),
        "{}",
        rto.words
    );
}

#[test]
fn a_failed_restore_delivered_nothing_and_a_running_one_counts_down() {
    let (mut facts, journaled) = walked(utc(2026, 11, 26, 4, 0));
    facts.restore.phase = RestorePhase::Failed;
    facts.restore.error = Some("disk full".into());
    let rto = report_of(&facts, &journaled).rto;
    assert_eq!(rto.verdict, RtoVerdict::NotDelivered);
    assert!(
        rto.words
            .starts_with("Not delivered: the restore failed at 04:00"),
        "{}",
        rto.words
    );
    facts.restore.phase = RestorePhase::RestoringVolume;
    facts.restore.steps.clear();
    facts.now = utc(2026, 11, 26, 6, 14);
    let rto = report_of(&facts, &journaled).rto;
    assert_eq!(rto.verdict, RtoVerdict::Running);
    assert!(rto.words.starts_with("Running: 1h left"), "{}", rto.words);
}

// 3. A drill.

fn discarded_drill() -> (Facts, Journaled) {
    let mut r = restore(RestorePhase::Discarded);
    r.purpose = RestorePurpose::Drill;
    r.target_slug = "nf-s3-drill-20261126".into();
    r.steps = vec![step(utc(2026, 11, 26, 4, 56))];
    let record = DrillRecord {
        tenant_id: "ten_9q1".into(),
        drill: LastDrill {
            target_region: None,
            restore_id: r.id.clone(),
            restore_point_id: Some("rp_7".into()),
            point_taken_at: Some(utc(2026, 11, 26, 3, 0)),
            finished_at: utc(2026, 11, 26, 5, 0),
            result: DrillResult::Passed,
            summary: "3 checks passed".into(),
            restore_duration_seconds: Some(6120),
        },
        checks: Vec::new(),
    };
    let facts = Facts {
        restore: r,
        tenant: Some(tenant("dedicated")),
        point: Ok(point(utc(2026, 11, 26, 3, 0))),
        request: None,
        swaps: Some(Vec::new()),
        drill_record: Some(record),
        own_checks_held: None,
        source: "demo".into(),
        now: utc(2026, 11, 26, 9, 0),
    };
    let findings = DrillFindings {
        result: DrillResult::Passed,
        summary: "3 checks passed".into(),
        checks: vec![
            check("database", CheckStatus::Passed, "row counts match"),
            check("snapdeck: moodledata", CheckStatus::Passed, "200 files"),
        ],
        restore_duration_seconds: Some(6120),
        verified_by: "snapdeck 0.1.0 (cron)".into(),
    };
    let journaled = Journaled {
        acts: vec![Act {
            at: utc(2026, 11, 26, 5, 1),
            operator: "cron".into(),
            did: Did::Discarded {
                reason: Some("restore drill passed: 3 checks passed".into()),
            },
            answer: Answer::Ok,
        }],
        findings: Some(findings),
        read: Some(Ok("/var/lib/snapdeck/journal.jsonl".into())),
        ..Journaled::default()
    };
    (facts, journaled)
}

#[test]
fn a_discarded_drill_says_it_was_a_drill_and_is_measured_against_the_rto() {
    let (facts, journaled) = discarded_drill();
    let report = report_of(&facts, &journaled);
    assert!(report.drill);
    assert_eq!(report.rto.verdict, RtoVerdict::DrillWithin);
    assert!(
        report
            .rto
            .words
            .contains("restored in 1h 42m, within the RTO"),
        "{}",
        report.rto.words
    );
    assert!(
        report
            .data_loss
            .words
            .contains("A drill: nobody was pointed at it")
    );
    assert_eq!(report.dns.words, "none: a drill never swaps DNS");
    assert_eq!(report.checks.snapdeck[0].name, "moodledata");
    assert_eq!(
        report.checks.control_plane_words, "none reported",
        "the restore carries no checks of its own here"
    );
    let drill = report.drill_result.as_ref().unwrap();
    assert_eq!(drill.result.as_deref(), Some("passed"));
    assert!(
        drill
            .words
            .contains("recorded on the control plane at 05:00"),
        "{}",
        drill.words
    );
    let text = markdown(&report);
    assert!(
        text.starts_with("### Restore drill rst_41c of nf-s3\n\n> This was a **drill**"),
        "{text}"
    );
    assert!(
        text.contains("cron: discarded the spoke: “restore drill passed"),
        "{text}"
    );
}

#[test]
fn a_drill_over_its_tiers_rto_says_by_how_much() {
    let (mut facts, journaled) = discarded_drill();
    facts.restore.steps = vec![step(utc(2026, 11, 26, 8, 14))];
    let rto = report_of(&facts, &journaled).rto;
    assert_eq!(rto.verdict, RtoVerdict::DrillOver);
    assert_eq!(rto.late_by_seconds, Some(3600));
    assert!(
        rto.words.contains("took") || rto.words.contains("restored in 5h"),
        "{}",
        rto.words
    );
    assert!(rto.words.contains("1h past the RTO"), "{}", rto.words);
}

// 4. What could not be read.

#[test]
fn what_could_not_be_read_is_said_not_guessed() {
    let (mut facts, mut journaled) = walked(utc(2026, 11, 26, 5, 10));
    facts.tenant = None;
    facts.point = Err("restore point rp_7 is not in the tenant's history".into());
    facts.swaps = None;
    journaled = Journaled {
        read: Some(Err("permission denied".into())),
        ..journaled
    };
    let report = report_of(&facts, &journaled);
    assert_eq!(report.rto.verdict, RtoVerdict::NoPromise);
    assert!(
        report
            .data_loss
            .words
            .starts_with("Not known: the point's time")
    );
    assert!(
        report
            .dns
            .words
            .starts_with("not known: the source does not list DNS swaps")
    );
    assert_eq!(report.gaps.len(), 3, "{:?}", report.gaps);
    assert!(report.journal.is_none());
    let text = markdown(&report);
    assert!(text.contains("**Not known.**\n\n- tenant nf-s3"), "{text}");
}

#[test]
fn the_json_names_its_verdicts_as_words() {
    let (facts, journaled) = walked(utc(2026, 11, 26, 5, 10));
    let json = serde_json::to_value(report_of(&facts, &journaled)).unwrap();
    assert_eq!(json["rto"]["verdict"], "met");
    assert_eq!(json["rto"]["deadline_from"], "snapdeck");
    assert_eq!(json["checks"]["snapdeck_verdict"], "passed");
    assert_eq!(json["timeline"][0]["told_by"], "journal");
    assert_eq!(json["restore"]["mode"], "new_spoke");
    assert_eq!(json["tenant"]["tier"], "dedicated");
}

#[test]
fn an_overwrite_says_what_the_live_site_lost_and_that_no_dns_moves() {
    let (mut facts, journaled) = walked(utc(2026, 11, 26, 5, 10));
    facts.restore.mode = RestoreMode::Overwrite;
    facts.restore.target_slug = "nf-s3".into();
    facts.swaps = Some(Vec::new());
    let report = report_of(&facts, &journaled);
    assert!(report.data_loss.words.ends_with(
        "The overwrite put the tenant back as it was then: what was written on the live site \
         after that was replaced."
    ));
    assert!(
        report
            .restore
            .words
            .starts_with("over the tenant itself (`nf-s3`), in place")
    );
    assert_eq!(
        report.dns.words,
        "none: an overwrite keeps the tenant's own hostname and spoke"
    );
}
