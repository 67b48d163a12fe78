//! Cross-region copies (Dedicated): the copy job's annotations read into each point's copy
//! and the tenant's newest one.

use super::*;

fn dedicated_with(points: Ns) -> Tenant {
    assemble(&points.cron(cron("0 * * * *")).get())
}

#[test]
fn a_copy_of_the_newest_point_is_ok_with_its_time() {
    let t = dedicated_with(and(
        Ns::of(dedicated_ns()),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    ));
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: Some(ago(1800)),
            status: CrossRegionStatus::Ok,
        })
    );
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
    let p = &points(
        &and(
            Ns::of(dedicated_ns()),
            copied_pair("r1", ago(3600), copied(ago(1800))),
        )
        .get(),
    )[0];
    assert_eq!(
        p.copies,
        vec![RegionCopy {
            region: "eu-central-1".to_string(),
            status: CopyStatus::Copied,
            copied_at: Some(ago(1800)),
        }]
    );
}

#[test]
fn a_copy_annotated_on_the_dump_counts_too() {
    let mut d = ok_dump("r1", ago(3600));
    d.copy = copied(ago(1800));
    let t = dedicated_with(
        Ns::of(dedicated_ns())
            .dump(d)
            .snap(ok_snap("r1", ago(3590))),
    );
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: Some(ago(1800)),
            status: CrossRegionStatus::Ok,
        })
    );
}

#[test]
fn a_healthy_dedicated_tenant_has_no_unknowns_and_no_flags() {
    let mut ns = dedicated_ns();
    ns.created = Some(ago(3 * 3600));
    let mut c = cron("0 * * * *");
    c.last_scheduled = Some(at(11, 0, 0));
    let objects = and(
        and(
            Ns::of(ns).cron(c),
            copied_pair("r1", at(10, 0, 0), copied(at(10, 20, 0))),
        ),
        copied_pair("r2", at(11, 0, 0), copied(at(11, 20, 0))),
    )
    .get();
    let t = assemble(&objects);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
    assert_eq!(t.backup.schedule.next_run_at, Some(at(12, 0, 0)));
    let h = health(&t, Duration::hours(1));
    assert_eq!(h.flags, Vec::new());
    assert_eq!(h.level, Level::Ok);
}

#[test]
fn the_last_copy_is_the_newest_of_any_succeeded_point() {
    let t = dedicated_with(and(
        and(
            Ns::of(dedicated_ns()),
            copied_pair("r1", ago(7200), copied(ago(1000))),
        ),
        copied_pair("r2", ago(3600), copied(ago(2000))),
    ));
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: Some(ago(1000)),
            status: CrossRegionStatus::Ok,
        })
    );
}

#[test]
fn a_copy_error_on_the_newest_point_is_failed_and_health_says_so() {
    let t = dedicated_with(and(
        and(
            Ns::of(dedicated_ns()),
            copied_pair("r1", ago(7200), copied(ago(6000))),
        ),
        copied_pair(
            "r2",
            ago(3600),
            copy_failed("AccessDenied on eu-central-1 bucket"),
        ),
    ));
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: Some(ago(6000)),
            status: CrossRegionStatus::Failed,
        })
    );
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
    let h = health(&t, Duration::hours(1));
    assert!(
        explanation(&h, FlagKind::CrossRegionLagging)
            .starts_with("The newest copy to eu-central-1 failed."),
        "{:?}",
        h.flags
    );
}

#[test]
fn an_error_beats_a_copied_at_on_the_same_object() {
    let copy = CopyFacts {
        copied_at: Some(ago(1800)),
        error: Some("checksum mismatch".to_string()),
    };
    let objects = and(Ns::of(dedicated_ns()), copied_pair("r1", ago(3600), copy)).get();
    assert_eq!(points(&objects)[0].copies[0].status, CopyStatus::Failed);
    assert_eq!(
        assemble(&objects).backup.cross_region.unwrap().status,
        CrossRegionStatus::Failed
    );
}

#[test]
fn a_newest_point_not_yet_copied_is_pending() {
    let t = dedicated_with(and(
        and(
            Ns::of(dedicated_ns()),
            copied_pair("r1", ago(7200), copied(ago(6000))),
        ),
        copied_pair("r2", ago(3600), CopyFacts::default()),
    ));
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: Some(ago(6000)),
            status: CrossRegionStatus::Pending,
        })
    );
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
    let objects = and(
        Ns::of(dedicated_ns()),
        copied_pair("r2", ago(3600), CopyFacts::default()),
    )
    .get();
    assert_eq!(
        points(&objects)[0].copies,
        vec![RegionCopy {
            region: "eu-central-1".to_string(),
            status: CopyStatus::Pending,
            copied_at: None,
        }]
    );
}

#[test]
fn without_any_copy_annotation_the_copy_is_unknown_not_lagging() {
    let t = dedicated_with(Ns::of(dedicated_ns()).pair("r1", ago(90_000), 10).pair(
        "r2",
        ago(3600),
        10,
    ));
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::CrossRegion,
            "no backup carries snapdeck.io/copied-at or snapdeck.io/copy-error: the cluster \
             does not record copies"
        )]
    );
    let h = health(&t, Duration::hours(1));
    assert!(!h.has(FlagKind::CrossRegionLagging), "{:?}", h.flags);
    assert_eq!(
        explanation(&h, FlagKind::CannotTell),
        "cross-region copy: unknown — no backup carries snapdeck.io/copied-at or \
         snapdeck.io/copy-error: the cluster does not record copies"
    );
    assert!(h.level >= Level::Unknown);
}

#[test]
fn no_copy_record_is_pending_until_a_copy_is_due_a_day_after_the_first_point() {
    let t = dedicated_with(Ns::of(dedicated_ns()).pair("r1", ago(7200), 10));
    assert_eq!(
        t.backup.cross_region,
        Some(CrossRegion {
            last_copied_at: None,
            status: CrossRegionStatus::Pending,
        })
    );
    assert!(unknowns_of(&t, Fact::CrossRegion).is_empty());
    let h = health(&t, Duration::hours(1));
    assert!(!h.has(FlagKind::CannotTell), "{:?}", h.flags);
}

#[test]
fn a_copy_annotation_on_a_failed_point_only_does_not_count() {
    let mut s = snap(
        "moodledata-r1",
        Some("r1"),
        ago(7190),
        failed("quota exceeded"),
    );
    s.copy = copied(ago(7000));
    let t = dedicated_with(
        Ns::of(dedicated_ns())
            .dump(ok_dump("r1", ago(7200)))
            .snap(s)
            .pair("r2", ago(90_000), 10),
    );
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(unknowns_of(&t, Fact::CrossRegion).len(), 1);
}

#[test]
fn a_missing_secondary_region_is_unknown_and_names_the_key() {
    let ns = without_label(dedicated_ns(), "snapdeck.io/secondary-region");
    let t = dedicated_with(and(
        Ns::of(ns),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    ));
    assert_eq!(t.secondary_region, None);
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::CrossRegion,
            "the namespace names no secondary region (snapdeck.io/secondary-region)"
        )]
    );
    let objects = and(
        Ns::of(without_label(
            dedicated_ns(),
            "snapdeck.io/secondary-region",
        )),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    )
    .get();
    assert_eq!(
        points(&objects)[0].copies,
        Vec::new(),
        "no region to copy to"
    );
    let h = health(&t, Duration::hours(1));
    assert!(!h.has(FlagKind::CrossRegionLagging));
    assert!(h.has(FlagKind::CannotTell));
}

/// The namespace's missing label is a fact about the namespace, not about its backups: it
/// should be said even before the first backup succeeds.
#[test]
fn a_missing_secondary_region_is_said_before_the_first_success_too() {
    let ns = without_label(dedicated_ns(), "snapdeck.io/secondary-region");
    let t = dedicated_with(Ns::of(ns));
    assert_eq!(
        unknowns_of(&t, Fact::CrossRegion),
        ["the namespace names no secondary region (snapdeck.io/secondary-region)"]
    );
    let h = health(&t, Duration::hours(1));
    assert!(!h.has(FlagKind::CrossRegionLagging), "{:?}", h.flags);
}

#[test]
fn a_standard_tenant_has_no_cross_region_and_no_unknown_about_it() {
    let ns = with_label(
        standard_ns(),
        "snapdeck.io/secondary-region",
        "eu-central-1",
    );
    let objects = and(
        Ns::of(ns).cron(cron("0 2 * * *")),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    )
    .get();
    let t = assemble(&objects);
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
    assert_eq!(points(&objects)[0].copies, Vec::new());
    let t = assemble(
        &Ns::of(standard_ns())
            .cron(cron("0 2 * * *"))
            .pair("r1", ago(3600), 10)
            .get(),
    );
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
}
