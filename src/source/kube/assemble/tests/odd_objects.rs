//! Odd objects: snapshots without a status, unknown or missing tiers, spokes and their
//! hubs, unknown kinds, each said as an unknown rather than guessed.

use super::*;

#[test]
fn a_snapshot_without_status_past_five_minutes_is_unknown_and_named() {
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .dump(ok_dump("r1", ago(400)))
        .snap(silent_snap("moodledata-r1", ago(301)))
        .get();
    let t = assemble(&objects);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Snapshot,
            "VolumeSnapshot moodledata-r1 has no status: the snapshot controller has not \
             reported on it; is it running?"
        )]
    );
    // It is still a run in flight (time pairs it with the dump).
    assert_eq!(
        t.backup.last_attempt.unwrap().status,
        AttemptStatus::Running
    );
}

#[test]
fn a_snapshot_without_status_is_not_odd_for_its_first_five_minutes() {
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .snap(silent_snap("moodledata-r1", ago(300)))
        .get();
    assert_eq!(unknowns(&assemble(&objects)), &[] as &[Unknown]);
}

#[test]
fn several_snapshots_without_status_are_counted() {
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .snap(silent_snap("moodledata-a", ago(3600)))
        .snap(silent_snap("moodledata-b", ago(7200)))
        .snap(silent_snap("moodledata-c", ago(10_800)))
        .snap(silent_snap("moodledata-d", ago(60)))
        .get();
    assert_eq!(
        unknowns_of(&assemble(&objects), Fact::Snapshot),
        [
            "VolumeSnapshot moodledata-a (and 2 more) has no status: the snapshot controller has \
          not reported on it; is it running?"
        ]
    );
}

#[test]
fn an_unknown_tier_is_kept_and_health_cannot_tell_instead_of_judging_retention() {
    let ns = tenant_ns("moodle-a", "northfield", "gold");
    let objects = Ns::of(ns)
        .cron(cron("0 2 * * *"))
        // Far older than any retention: would be "retention exceeded" for a known tier.
        .pair("r0", days_ago(200), 10)
        .pair("r1", ago(3600), 10)
        .get();
    let t = assemble(&objects);
    assert_eq!(t.tier, Tier::Unknown("gold".to_string()));
    assert_eq!(t.backup.retention_days, 0);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Retention,
            "the tier `gold` has no retention snapdeck knows"
        )]
    );
    let h = health(&t, Duration::hours(24));
    assert!(!h.has(FlagKind::RetentionExceeded), "{:?}", h.flags);
    assert!(!h.has(FlagKind::HistoryShort), "{:?}", h.flags);
    assert!(!h.has(FlagKind::RpoBreached));
    assert_eq!(h.level, Level::Unknown);
    assert_eq!(
        explanations(&h, FlagKind::CannotTell),
        [
            "tier: unknown — `gold` is not a tier snapdeck knows (standard, dedicated), so the \
             RPO, schedule-versus-RPO and cross-region checks cannot be judged.",
            "retention: unknown — the tier `gold` has no retention snapdeck knows",
        ]
    );
}

#[test]
fn a_missing_tier_label_is_unknown() {
    let ns = without_label(standard_ns(), "snapdeck.io/tier");
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    assert_eq!(t.tier, Tier::Unknown(String::new()));
    assert_eq!(t.backup.retention_days, 0);
    assert_eq!(
        unknowns_of(&t, Fact::Tier),
        ["namespace moodle-a has no label snapdeck.io/tier"]
    );
    assert_eq!(unknowns_of(&t, Fact::Retention).len(), 1);
    let h = health(&t, Duration::hours(24));
    let cannot = explanations(&h, FlagKind::CannotTell);
    assert!(
        cannot.contains(&"tier: unknown — namespace moodle-a has no label snapdeck.io/tier"),
        "{cannot:?}"
    );
    assert!(
        !cannot
            .iter()
            .any(|e| e.contains("is not a tier snapdeck knows")),
        "the missing label is said once, not also as an unknown tier: {cannot:?}"
    );
}

#[test]
fn a_missing_tier_label_does_not_name_an_empty_tier() {
    let ns = without_label(standard_ns(), "snapdeck.io/tier");
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    for u in unknowns(&t) {
        assert!(!u.reason.contains("``"), "{:?}: {}", u.fact, u.reason);
    }
}

#[test]
fn a_spoke_whose_hub_is_found_is_linked_to_it() {
    let ns = with_label(
        with_label(standard_ns(), "snapdeck.io/kind", "spoke"),
        "snapdeck.io/hub",
        "northfield-hub",
    );
    let asked = RefCell::new(Vec::new());
    let hub = |name: &str| {
        asked.borrow_mut().push(name.to_string());
        (name == "northfield-hub").then(|| TenantId::from("prod-eu/moodle-hub"))
    };
    let t = tenant(
        "moodle-a",
        &Ns::of(ns).cron(cron("0 2 * * *")).get(),
        &platform(),
        &hub,
    )
    .unwrap();
    assert_eq!(t.kind, TenantKind::Spoke);
    assert_eq!(t.hub_id, Some(TenantId::from("prod-eu/moodle-hub")));
    assert_eq!(t.group_id(), &TenantId::from("prod-eu/moodle-hub"));
    assert_eq!(asked.into_inner(), ["northfield-hub"]);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
}

#[test]
fn a_spoke_whose_hub_is_not_found_is_unknown_and_names_the_hub() {
    let ns = with_label(
        with_label(standard_ns(), "snapdeck.io/kind", "spoke"),
        "snapdeck.io/hub",
        "ghost-hub",
    );
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    assert_eq!(t.kind, TenantKind::Spoke);
    assert_eq!(t.hub_id, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Hub,
            "this spoke names hub `ghost-hub`, but no namespace in cluster prod-eu is labelled \
             as that hub"
        )]
    );
}

#[test]
fn a_spoke_without_a_hub_label_is_unknown() {
    let ns = with_label(standard_ns(), "snapdeck.io/kind", "spoke");
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    assert_eq!(t.hub_id, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Hub,
            "namespace moodle-a has no label snapdeck.io/hub"
        )]
    );
}

#[test]
fn a_hub_never_looks_for_a_hub_even_when_it_names_one() {
    let ns = with_label(standard_ns(), "snapdeck.io/hub", "other");
    let hub = |name: &str| -> Option<TenantId> { panic!("a hub looked up hub {name}") };
    let t = tenant("moodle-a", &Ns::of(ns).get(), &platform(), &hub).unwrap();
    assert_eq!(t.kind, TenantKind::Hub);
    assert_eq!(t.hub_id, None);
}

#[test]
fn a_missing_kind_label_is_unknown_and_taken_as_a_hub() {
    let ns = without_label(standard_ns(), "snapdeck.io/kind");
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    assert_eq!(t.kind, TenantKind::Hub);
    assert_eq!(t.hub_id, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Kind,
            "namespace moodle-a has no label snapdeck.io/kind"
        )]
    );
    let h = health(&t, Duration::hours(24));
    assert_eq!(
        explanations(&h, FlagKind::CannotTell),
        ["hub or spoke: unknown — namespace moodle-a has no label snapdeck.io/kind"]
    );
}

/// A kind label snapdeck does not read ("Spoke", a typo) silently loses the spoke's hub link;
/// like an unknown tier, it should be said.
#[test]
fn an_unrecognised_kind_label_is_unknown() {
    let ns = with_label(
        with_label(standard_ns(), "snapdeck.io/kind", "Spoke"),
        "snapdeck.io/hub",
        "northfield-hub",
    );
    let t = assemble(&Ns::of(ns).cron(cron("0 2 * * *")).get());
    assert_eq!(t.kind, TenantKind::Unknown("Spoke".to_string()));
    let reasons = unknowns_of(&t, Fact::Kind);
    assert_eq!(reasons.len(), 1, "{:?}", unknowns(&t));
    assert!(reasons[0].contains("Spoke"), "{}", reasons[0]);
}

#[test]
fn unknowns_are_listed_in_the_order_they_were_found() {
    let ns = without_label(
        without_label(dedicated_ns(), "snapdeck.io/kind"),
        "snapdeck.io/tier",
    );
    let objects = Ns::of(ns).snap(silent_snap("moodledata-x", ago(600))).get();
    let t = assemble(&objects);
    let facts: Vec<&Fact> = unknowns(&t).iter().map(|u| &u.fact).collect();
    assert_eq!(
        facts,
        [
            &Fact::Kind,
            &Fact::Tier,
            &Fact::Retention,
            &Fact::Snapshot,
            &Fact::Schedule
        ]
    );
}
