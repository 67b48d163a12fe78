//! Identity: the tenant's id, slug, names, hostnames, regions, creation and state, read
//! from the namespace's labels and annotations.

use super::*;

#[test]
fn tenant_ids_join_cluster_and_namespace() {
    assert_eq!(
        tenant_id("prod-eu", "moodle-a"),
        TenantId("prod-eu/moodle-a".into())
    );
}

#[test]
fn ns_objects_are_empty_only_without_any_object() {
    assert!(NsObjects::default().is_empty());
    assert!(!Ns::of(standard_ns()).get().is_empty());
    assert!(!Ns::bare().cron(cron("0 2 * * *")).get().is_empty());
    assert!(!Ns::bare().dump(ok_dump("r1", ago(60))).get().is_empty());
    assert!(!Ns::bare().snap(ok_snap("r1", ago(60))).get().is_empty());
}

#[test]
fn a_labelled_namespace_becomes_a_tenant_with_every_identity_fact() {
    let ns = with_annotation(
        with_label(
            dedicated_ns(),
            "snapdeck.io/hostname",
            "learn.northfield.ac.uk",
        ),
        "snapdeck.io/display-name",
        "Northfield College",
    );
    let objects = Ns::of(ns).cron(cron("0 * * * *")).get();
    let t = assemble(&objects);
    assert_eq!(t.id, TenantId("prod-eu/moodle-a".into()));
    assert_eq!(t.slug, "northfield");
    assert_eq!(t.kind, TenantKind::Hub);
    assert_eq!(t.hub_id, None);
    assert_eq!(t.display_name, "Northfield College");
    assert_eq!(t.tier, Tier::Dedicated);
    assert_eq!(t.region, "eu-west-1");
    assert_eq!(t.secondary_region.as_deref(), Some("eu-central-1"));
    assert_eq!(t.hostname, "learn.northfield.ac.uk");
    assert_eq!(t.state, TenantState::Active);
    assert_eq!(
        t.created_at,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(t.active_restore_id, None);
    assert_eq!(t.restore_of, None);
    assert_eq!(t.observed_at, None);
    assert_eq!(
        view(&t),
        &ClusterView {
            cluster: "prod-eu".to_string(),
            self_host: None,
            suspended: false,
            unknowns: Vec::new(),
        }
    );
}

#[test]
fn hostname_display_name_and_secondary_region_are_read_from_annotations_too() {
    let ns = standard_ns();
    let ns = with_annotation(ns, "snapdeck.io/hostname", "a.example.org");
    let ns = with_annotation(ns, "snapdeck.io/display-name", "School A");
    let ns = with_annotation(ns, "snapdeck.io/secondary-region", "us-east-2");
    let t = assemble(&Ns::of(ns).get());
    assert_eq!(t.hostname, "a.example.org");
    assert_eq!(t.display_name, "School A");
    assert_eq!(t.secondary_region.as_deref(), Some("us-east-2"));
}

#[test]
fn a_label_wins_over_an_annotation_of_the_same_key() {
    let ns = with_label(standard_ns(), "snapdeck.io/hostname", "label.example.org");
    let ns = with_annotation(ns, "snapdeck.io/hostname", "annotation.example.org");
    let t = assemble(&Ns::of(ns).get());
    assert_eq!(t.hostname, "label.example.org");
}

#[test]
fn a_blank_label_counts_as_missing_and_the_annotation_fills_in() {
    let ns = with_label(standard_ns(), "snapdeck.io/display-name", "  ");
    let ns = with_annotation(ns, "snapdeck.io/display-name", "School A");
    assert_eq!(assemble(&Ns::of(ns).get()).display_name, "School A");
}

#[test]
fn without_a_display_name_the_slug_is_shown_and_hostname_and_region_stay_empty() {
    let ns = without_label(standard_ns(), "snapdeck.io/region");
    let t = assemble(&Ns::of(ns).get());
    assert_eq!(t.display_name, "northfield");
    assert_eq!(t.hostname, "");
    assert_eq!(t.region, "");
    assert_eq!(t.secondary_region, None);
}

#[test]
fn created_at_comes_from_the_annotation_else_the_namespace_else_now() {
    let noted = with_annotation(
        standard_ns(),
        "snapdeck.io/created-at",
        "2025-06-01T08:30:00+02:00",
    );
    assert_eq!(
        assemble(&Ns::of(noted).get()).created_at,
        Utc.with_ymd_and_hms(2025, 6, 1, 6, 30, 0).unwrap()
    );
    let garbled = with_annotation(standard_ns(), "snapdeck.io/created-at", "last tuesday");
    assert_eq!(
        assemble(&Ns::of(garbled).get()).created_at,
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        "an unreadable annotation falls back to the namespace's creation"
    );
    let mut unknown_age = standard_ns();
    unknown_age.created = None;
    assert_eq!(assemble(&Ns::of(unknown_age).get()).created_at, now());
}

#[test]
fn a_terminating_namespace_is_a_deleting_tenant() {
    let mut ns = standard_ns();
    ns.terminating = true;
    assert_eq!(assemble(&Ns::of(ns).get()).state, TenantState::Deleting);
}

#[test]
fn a_blank_tenant_label_falls_back_to_the_namespace_name() {
    let ns = with_label(standard_ns(), TENANT_KEY, " ");
    let objects = Ns::of(ns).get();
    assert_eq!(
        slug("moodle-a", &objects, &platform()).as_deref(),
        Some("moodle-a")
    );
    let t = assemble(&objects);
    assert_eq!(t.slug, "moodle-a");
    assert_eq!(t.display_name, "moodle-a");
}

/// The namespace watcher selects on the tenant label, so such a namespace does not reach
/// assembly in practice; if it does, it is named after itself.
#[test]
fn a_namespace_without_the_tenant_label_is_named_after_itself() {
    let ns = without_label(standard_ns(), TENANT_KEY);
    let objects = Ns::of(ns).get();
    assert_eq!(
        slug("moodle-a", &objects, &platform()).as_deref(),
        Some("moodle-a")
    );
    assert_eq!(assemble(&objects).slug, "moodle-a");
}

#[test]
fn without_its_namespace_nothing_is_a_tenant_in_platform_mode() {
    let objects = Ns::bare()
        .cron(cron("0 2 * * *"))
        .pair("r1", ago(3600), 10)
        .get();
    assert_eq!(slug("moodle-a", &objects, &platform()), None);
    assert_eq!(tenant("moodle-a", &objects, &platform(), &no_hub), None);
    assert_eq!(points(&objects), Vec::new());
}

#[test]
fn the_slug_comes_from_the_tenant_label_not_the_namespace_name() {
    let objects = Ns::of(standard_ns()).get();
    assert_eq!(
        slug("moodle-a", &objects, &platform()).as_deref(),
        Some("northfield")
    );
}
