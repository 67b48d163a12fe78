//! Self-host: tenants found by the chart's snapshot CronJob, held to the customer's own
//! policy, their backups the volume snapshot alone.

use super::*;

#[test]
fn a_self_host_tenant_is_a_namespace_with_a_cron_job_and_nothing_else_needed() {
    let bare = Ns::bare().snap(ok_snap("r1", ago(3600))).get();
    assert_eq!(slug("moodle-a", &bare, &self_host()), None);
    assert_eq!(tenant("moodle-a", &bare, &self_host(), &no_hub), None);

    let mut c = cron("0 3 * * *");
    c.created = Some(days_ago(10));
    let objects = Ns::bare().cron(c).get();
    let t = assemble_self_host(&objects);
    assert_eq!(t.id, TenantId::from("prod-eu/moodle-a"));
    assert_eq!(t.slug, "moodle-a");
    assert_eq!(t.display_name, "moodle-a");
    assert_eq!(t.tier_label(), "self-host");
    assert_eq!(t.kind, TenantKind::Hub);
    assert_eq!(t.hub_id, None);
    assert_eq!(t.tier, Tier::Unknown("self-host".to_string()));
    assert_eq!(t.region, "");
    assert_eq!(t.secondary_region, None);
    assert_eq!(t.hostname, "");
    assert_eq!(t.state, TenantState::Active);
    assert_eq!(t.created_at, days_ago(10));
    assert_eq!(t.backup.retention_days, 7);
    assert_eq!(t.backup.cross_region, None);
    assert_eq!(
        view(&t),
        &ClusterView {
            cluster: "prod-eu".to_string(),
            self_host: Some(OwnPolicy {
                rpo_seconds: 86_400
            }),
            suspended: false,
            unknowns: Vec::new(),
        }
    );
    assert!(t.is_self_host());
}

#[test]
fn a_self_host_slug_is_the_cron_jobs_tenant_label_else_the_namespace() {
    let mut c = cron("0 3 * * *");
    c.tenant = Some("acme-lms".to_string());
    let objects = Ns::bare().cron(c).get();
    assert_eq!(
        slug("moodle-a", &objects, &self_host()).as_deref(),
        Some("acme-lms")
    );
    assert_eq!(assemble_self_host(&objects).slug, "acme-lms");
    let objects = Ns::bare().cron(cron("0 3 * * *")).get();
    assert_eq!(
        slug("moodle-a", &objects, &self_host()).as_deref(),
        Some("moodle-a")
    );
}

#[test]
fn a_self_host_namespace_label_is_not_what_names_the_tenant() {
    // Namespace facts may be present; self-host mode reads the CronJob, not the namespace.
    let objects = Ns::of(dedicated_ns()).cron(cron("0 3 * * *")).get();
    let t = assemble_self_host(&objects);
    assert_eq!(t.slug, "moodle-a");
    assert_eq!(t.tier, Tier::Unknown("self-host".to_string()));
    assert_eq!(t.backup.retention_days, 7);
}

#[test]
fn self_host_points_come_from_snapshots_alone() {
    let mut s = ok_snap("r1", ago(7200));
    s.restore_bytes = Some(42);
    let objects = Ns::bare()
        .cron(cron("0 * * * *"))
        .snap(s)
        .snap(snap("moodledata-x", None, ago(3600), HalfState::Succeeded))
        // A dump in the namespace is ignored: self-host backs up the volume only.
        .dump(dump("db-dump-x", None, ago(3700), failed("nope")))
        .get();
    let points = points_of(&objects, &self_host());
    assert_eq!(ids(&points), ["moodledata-x", "r1"]);
    assert_eq!(
        points[1],
        RestorePoint {
            id: "r1".into(),
            taken_at: ago(7200),
            status: PointStatus::Succeeded,
            database: DatabaseDump {
                status: PointStatus::Succeeded,
                started_at: None,
                finished_at: None,
                size_bytes: None,
                error: None,
            },
            volume: VolumeSnapshot {
                status: PointStatus::Succeeded,
                snapshot_name: "moodledata-r1".to_string(),
                created_at: Some(ago(7200)),
                ready_to_use: true,
                restore_size_bytes: Some(42),
                error: None,
            },
            skew_seconds: 0,
            copies: Vec::new(),
            expires_at: None,
        }
    );
    assert_eq!(points[0].database.status, PointStatus::Succeeded);
    assert_eq!(points[0].skew_seconds, 0);
    let t = assemble_self_host(&objects);
    assert_eq!(t.backup.restore_point_count, 2);
    assert_eq!(
        t.backup.last_success,
        Some(LastSuccess {
            restore_point_id: "moodledata-x".into(),
            taken_at: ago(3600),
            skew_seconds: 0,
        })
    );
    assert_eq!(t.backup.oldest_restore_point_at, Some(ago(7200)));
}

#[test]
fn a_self_host_snapshot_that_is_not_ready_is_a_running_backup() {
    let objects = Ns::bare()
        .cron(cron("0 * * * *"))
        .snap(snap("moodledata-r1", None, ago(60), HalfState::Running))
        .get();
    let t = assemble_self_host(&objects);
    assert_eq!(
        t.backup.last_attempt.as_ref().unwrap().status,
        AttemptStatus::Running
    );
}

/// A self-host backup is the snapshot alone: when it fails, the backup failed; there is no
/// "other half" that completed.
#[test]
fn a_failed_self_host_snapshot_is_a_failed_backup() {
    let objects = Ns::bare()
        .cron(cron("0 * * * *"))
        .snap(snap(
            "moodledata-r1",
            None,
            ago(600),
            failed("quota exceeded"),
        ))
        .get();
    let points = points_of(&objects, &self_host());
    assert_eq!(points[0].status, PointStatus::Failed);
    let t = assemble_self_host(&objects);
    let attempt = t.backup.last_attempt.as_ref().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Failed);
    assert_eq!(
        attempt.error.as_deref(),
        Some("volume snapshot: quota exceeded")
    );
    let h = health(&t, Duration::hours(1));
    assert!(
        !explanation(&h, FlagKind::LastSnapshotFailed).contains("one half of the pair"),
        "{:?}",
        h.flags
    );
}

#[test]
fn a_self_host_tenant_is_never_judged_on_pairs_or_copies_and_says_why() {
    let objects = Ns::bare()
        .cron(cron("0 * * * *"))
        .snap(ok_snap("r1", ago(1800)))
        .get();
    let t = assemble_self_host(&objects);
    let h = health(&t, Duration::hours(1));
    assert!(!h.has(FlagKind::PairIncoherent));
    assert!(!h.has(FlagKind::CrossRegionLagging));
    assert!(
        !h.has(FlagKind::CannotTell),
        "a self-host tier is not an unknown tier: {:?}",
        h.flags
    );
    assert_eq!(
        not_applicable(&t),
        vec![
            (FlagKind::PairIncoherent, "not part of self-host backups"),
            (
                FlagKind::CrossRegionLagging,
                "not part of self-host backups"
            ),
        ]
    );
    // A platform tenant has no such list.
    let platform_tenant = assemble(&Ns::of(standard_ns()).get());
    assert_eq!(not_applicable(&platform_tenant), Vec::new());
}

#[test]
fn a_self_host_rpo_breach_names_the_self_host_policy() {
    let mut c = cron("0 3 * * *");
    c.last_scheduled = Some(at(3, 0, 0));
    let objects = Ns::bare().cron(c).snap(ok_snap("r1", ago(30 * 3600))).get();
    let t = assemble_self_host(&objects);
    let h = health(&t, Duration::hours(24));
    assert_eq!(h.level, Level::Red);
    assert_eq!(
        explanation(&h, FlagKind::RpoBreached),
        "The last successful snapshot is 1d 6h old; the self-host policy's RPO is 1d. A restore \
         now would lose 1d 6h of data, beyond what the customer was promised."
    );
}

#[test]
fn a_suspended_self_host_cron_job_is_said_suspended() {
    let mut c = cron("0 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(9, 0, 0));
    let t = assemble_self_host(&Ns::bare().cron(c).get());
    assert!(view(&t).suspended);
    let h = health(&t, Duration::hours(1));
    assert!(
        explanation(&h, FlagKind::ScheduleOverdue).starts_with(
            "The backup CronJob is suspended (spec.suspend: true): a backup was due 2h ago"
        ),
        "{:?}",
        h.flags
    );
}

#[test]
fn two_self_host_cron_jobs_are_an_unknown_schedule() {
    let mut a = cron("0 3 * * *");
    a.name = "chart-snapshots".to_string();
    a.tenant = Some("acme-lms".to_string());
    let mut b = cron("0 4 * * *");
    b.name = "old-snapshots".to_string();
    let t = assemble_self_host(&Ns::bare().cron(a).cron(b).get());
    assert_eq!(t.slug, "acme-lms");
    assert_eq!(t.backup.schedule.cron, "0 3 * * *");
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "2 backup CronJobs (chart-snapshots, old-snapshots); the schedule shown is \
             chart-snapshots's"
        )]
    );
}
