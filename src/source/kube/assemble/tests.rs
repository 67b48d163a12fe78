//! From one namespace's objects to a tenant, rule by rule, at a fixed clock
//! (2026-11-28T12:00:00Z) and in cluster `prod-eu`.

use std::cell::RefCell;
use std::sync::LazyLock;

use chrono::TimeZone;

use super::*;
use crate::domain::health::{FlagKind, Health, HealthContext, Level, evaluate, not_applicable};
use crate::domain::run_times::ScheduleFacts;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const TENANT_KEY: &str = "snapdeck.io/tenant";
static KEYS: LazyLock<KubeKeys> = LazyLock::new(KubeKeys::default);
static PLATFORM: LazyLock<Mode> = LazyLock::new(|| Mode::Platform);
static SELF_HOST: LazyLock<Mode> = LazyLock::new(|| Mode::SelfHost {
    rpo: Duration::hours(24),
    retention_days: 7,
});

/// The fixed clock: 2026-11-28T12:00:00Z.
fn now() -> DateTime<Utc> {
    at(12, 0, 0)
}

/// An instant on 2026-11-28, UTC.
fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, h, m, s).unwrap()
}

/// `secs` seconds before `now()`.
fn ago(secs: i64) -> DateTime<Utc> {
    now() - Duration::seconds(secs)
}

fn days_ago(days: i64) -> DateTime<Utc> {
    now() - Duration::days(days)
}

fn cx(mode: &'static Mode) -> Context<'static> {
    Context {
        cluster: "prod-eu",
        keys: &KEYS,
        tenant_key: TENANT_KEY,
        mode,
        now: now(),
    }
}

fn platform() -> Context<'static> {
    cx(&PLATFORM)
}

fn self_host() -> Context<'static> {
    cx(&SELF_HOST)
}

fn no_hub(_: &str) -> Option<TenantId> {
    None
}

/// A namespace with exactly these labels (full keys), created 2026-01-01.
fn namespace(name: &str, labels: &[(&str, &str)]) -> NamespaceFacts {
    NamespaceFacts {
        name: name.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        annotations: BTreeMap::new(),
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        terminating: false,
    }
}

/// A hub tenant's namespace of `tier` in eu-west-1; a Dedicated one also names eu-central-1
/// as its secondary region.
fn tenant_ns(name: &str, slug: &str, tier: &str) -> NamespaceFacts {
    let mut labels = vec![
        (TENANT_KEY, slug),
        ("snapdeck.io/kind", "hub"),
        ("snapdeck.io/tier", tier),
        ("snapdeck.io/region", "eu-west-1"),
    ];
    if tier == "dedicated" {
        labels.push(("snapdeck.io/secondary-region", "eu-central-1"));
    }
    namespace(name, &labels)
}

fn standard_ns() -> NamespaceFacts {
    tenant_ns("moodle-a", "northfield", "standard")
}

fn dedicated_ns() -> NamespaceFacts {
    tenant_ns("moodle-a", "northfield", "dedicated")
}

fn without_label(mut ns: NamespaceFacts, key: &str) -> NamespaceFacts {
    ns.labels.remove(key);
    ns
}

fn with_label(mut ns: NamespaceFacts, key: &str, value: &str) -> NamespaceFacts {
    ns.labels.insert(key.to_string(), value.to_string());
    ns
}

fn with_annotation(mut ns: NamespaceFacts, key: &str, value: &str) -> NamespaceFacts {
    ns.annotations.insert(key.to_string(), value.to_string());
    ns
}

/// The backup CronJob `backup`, daily at 02:00, created on 2026-01-01, never scheduled yet.
fn cron(schedule: &str) -> CronFacts {
    CronFacts {
        name: "backup".to_string(),
        schedule: schedule.to_string(),
        time_zone: None,
        suspended: false,
        last_scheduled: None,
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        tenant: None,
    }
}

fn dump(name: &str, run: Option<&str>, started: DateTime<Utc>, state: HalfState) -> DumpFacts {
    DumpFacts {
        name: name.to_string(),
        run: run.map(str::to_string),
        started: Some(started),
        finished: None,
        state,
        bytes: None,
        copy: CopyFacts::default(),
    }
}

fn snap(name: &str, run: Option<&str>, created: DateTime<Utc>, state: HalfState) -> SnapFacts {
    SnapFacts {
        name: name.to_string(),
        run: run.map(str::to_string),
        created: Some(created),
        has_status: true,
        state,
        restore_bytes: None,
        copy: CopyFacts::default(),
    }
}

/// A snapshot the controller never wrote a status on.
fn silent_snap(name: &str, created: DateTime<Utc>) -> SnapFacts {
    SnapFacts {
        has_status: false,
        ..snap(name, None, created, HalfState::Running)
    }
}

fn ok_dump(run: &str, started: DateTime<Utc>) -> DumpFacts {
    dump(
        &format!("db-dump-{run}"),
        Some(run),
        started,
        HalfState::Succeeded,
    )
}

fn ok_snap(run: &str, created: DateTime<Utc>) -> SnapFacts {
    snap(
        &format!("moodledata-{run}"),
        Some(run),
        created,
        HalfState::Succeeded,
    )
}

fn copied(at: DateTime<Utc>) -> CopyFacts {
    CopyFacts {
        copied_at: Some(at),
        error: None,
    }
}

fn copy_failed(why: &str) -> CopyFacts {
    CopyFacts {
        copied_at: None,
        error: Some(why.to_string()),
    }
}

fn failed(why: &str) -> HalfState {
    HalfState::Failed(why.to_string())
}

/// A namespace's objects, built up.
#[derive(Default)]
struct Ns(NsObjects);

impl Ns {
    fn of(ns: NamespaceFacts) -> Ns {
        Ns(NsObjects {
            namespace: Some(ns),
            ..NsObjects::default()
        })
    }

    /// Objects without namespace facts (self-host mode does not read namespaces).
    fn bare() -> Ns {
        Ns::default()
    }

    fn cron(mut self, c: CronFacts) -> Ns {
        self.0.crons.insert(c.name.clone(), c);
        self
    }

    fn dump(mut self, d: DumpFacts) -> Ns {
        self.0.dumps.insert(d.name.clone(), d);
        self
    }

    fn snap(mut self, s: SnapFacts) -> Ns {
        self.0.snaps.insert(s.name.clone(), s);
        self
    }

    /// Both halves of run `run`, succeeded, the snapshot `skew` seconds after the dump.
    fn pair(self, run: &str, started: DateTime<Utc>, skew: i64) -> Ns {
        self.dump(ok_dump(run, started))
            .snap(ok_snap(run, started + Duration::seconds(skew)))
    }

    fn get(self) -> NsObjects {
        self.0
    }
}

/// The tenant in namespace `moodle-a`, in platform mode, with no hub to find.
fn assemble(objects: &NsObjects) -> Tenant {
    tenant("moodle-a", objects, &platform(), &no_hub).expect("a tenant")
}

fn assemble_self_host(objects: &NsObjects) -> Tenant {
    tenant("moodle-a", objects, &self_host(), &no_hub).expect("a self-host tenant")
}

fn view(t: &Tenant) -> &ClusterView {
    t.cluster().expect("read from a cluster")
}

fn unknowns(t: &Tenant) -> &[Unknown] {
    &view(t).unknowns
}

fn unknowns_of(t: &Tenant, fact: Fact) -> Vec<String> {
    unknowns(t)
        .iter()
        .filter(|u| u.fact == fact)
        .map(|u| u.reason.clone())
        .collect()
}

fn unknown(fact: Fact, reason: &str) -> Unknown {
    Unknown {
        fact,
        reason: reason.to_string(),
    }
}

fn ids(points: &[RestorePoint]) -> Vec<&str> {
    points.iter().map(|p| p.id.0.as_str()).collect()
}

fn points(objects: &NsObjects) -> Vec<RestorePoint> {
    points_of(objects, &platform())
}

fn point<'a>(points: &'a [RestorePoint], id: &str) -> &'a RestorePoint {
    points
        .iter()
        .find(|p| p.id.0 == id)
        .unwrap_or_else(|| panic!("no point {id} in {:?}", ids(points)))
}

fn health(t: &Tenant, interval: Duration) -> Health {
    let ctx = HealthContext {
        now: now(),
        refresh_interval: Duration::seconds(30),
        source_heard_at: Some(now()),
        drill_max_age: None,
    };
    evaluate(t, ScheduleFacts::interval_only(Some(interval)), &ctx)
}

fn explanations(h: &Health, kind: FlagKind) -> Vec<&str> {
    h.flags
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.explanation.as_str())
        .collect()
}

/// The one flag of `kind`'s explanation.
fn explanation(h: &Health, kind: FlagKind) -> &str {
    match explanations(h, kind).as_slice() {
        [one] => one,
        other => panic!("expected one {kind:?} flag, got {other:?} in {:?}", h.flags),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Identity
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 2. Pairing
// ---------------------------------------------------------------------------------------------

#[test]
fn halves_with_the_same_run_label_pair_however_far_apart() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        // Created first, so time alone would pair it with nothing.
        .snap(ok_snap("r1", at(2, 10, 0)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"]);
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].skew_seconds, 600);
    assert_eq!(points[0].volume.snapshot_name, "moodledata-r1");
    assert_eq!(points[0].database.started_at, Some(at(2, 0, 0)));
    // ...and health then says the pair is incoherent.
    let t = assemble(&objects);
    assert_eq!(t.backup.last_success.as_ref().unwrap().skew_seconds, 600);
    let h = health(&t, Duration::hours(24));
    assert_eq!(
        explanation(&h, FlagKind::PairIncoherent),
        "The latest successful pair's database dump and volume snapshot started 10m apart; \
         over 5m they do not restore as one coherent moment."
    );
}

#[test]
fn unlabelled_halves_pair_by_start_time_and_the_nearest_wins() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-far", None, at(2, 4, 0), HalfState::Succeeded))
        .snap(snap("snap-near", None, at(2, 0, 30), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    // Unlabelled: a point is named after its snapshot, else its dump.
    assert_eq!(ids(&points), ["snap-far", "snap-near"]);
    let near = point(&points, "snap-near");
    assert_eq!(near.status, PointStatus::Succeeded);
    assert_eq!(near.database.started_at, Some(at(2, 0, 0)));
    assert_eq!(near.skew_seconds, 30);
    let far = point(&points, "snap-far");
    assert_eq!(far.database.started_at, None);
    assert_eq!(far.status, PointStatus::Partial);
    assert_eq!(
        far.database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
}

#[test]
fn a_snapshot_before_its_dump_pairs_too_with_a_negative_skew() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(1, 58, 0), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["snap-x"]);
    assert_eq!(points[0].skew_seconds, -120);
    assert_eq!(points[0].taken_at, at(1, 58, 0), "the earlier half's start");
}

#[test]
fn pairing_by_time_reaches_exactly_300_seconds() {
    let within = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 5, 0), HalfState::Succeeded))
        .get();
    let within = points(&within);
    assert_eq!(ids(&within), ["snap-x"]);
    assert_eq!(within[0].skew_seconds, 300);
    assert_eq!(within[0].status, PointStatus::Succeeded);

    let beyond = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 5, 1), HalfState::Succeeded))
        .get();
    let beyond = points(&beyond);
    assert_eq!(ids(&beyond), ["snap-x", "dump-x"]);
    assert!(beyond.iter().all(|p| p.status == PointStatus::Partial));
}

#[test]
fn two_different_run_labels_are_never_paired_even_seconds_apart() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        .snap(ok_snap("r2", at(2, 0, 5)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r2", "r1"], "newest first");
    let r1 = point(&points, "r1");
    assert_eq!(r1.status, PointStatus::Partial);
    assert_eq!(r1.volume.snapshot_name, "");
    assert_eq!(
        r1.volume.error.as_deref(),
        Some("no moodledata VolumeSnapshot for this run")
    );
    let r2 = point(&points, "r2");
    assert_eq!(r2.status, PointStatus::Partial);
    assert_eq!(
        r2.database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
}

#[test]
fn a_labelled_dump_pairs_by_time_with_an_unlabelled_snapshot() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        .snap(snap("snap-x", None, at(2, 1, 0), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"], "named after the run label");
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].volume.snapshot_name, "snap-x");
    assert_eq!(points[0].skew_seconds, 60);
}

#[test]
fn an_unlabelled_dump_pairs_by_time_with_a_snapshot_whose_run_has_no_dump() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(ok_snap("r1", at(2, 0, 20)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"]);
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].skew_seconds, 20);
}

#[test]
fn a_dump_without_its_snapshot_is_running_for_300_seconds_then_partial() {
    let fresh = Ns::of(standard_ns()).dump(ok_dump("r1", ago(300))).get();
    let fresh = points(&fresh);
    assert_eq!(fresh[0].status, PointStatus::Running);
    assert_eq!(fresh[0].volume.status, PointStatus::Running);
    assert_eq!(fresh[0].volume.error, None);
    assert!(!fresh[0].volume.ready_to_use);

    let late = Ns::of(standard_ns()).dump(ok_dump("r1", ago(301))).get();
    let late = points(&late);
    assert_eq!(late[0].status, PointStatus::Partial);
    assert_eq!(late[0].volume.status, PointStatus::Failed);
    assert_eq!(
        late[0].volume.error.as_deref(),
        Some("no moodledata VolumeSnapshot for this run")
    );
    let t = assemble(&Ns::of(standard_ns()).dump(ok_dump("r1", ago(301))).get());
    let attempt = t.backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Partial);
    assert_eq!(
        attempt.error.as_deref(),
        Some("volume snapshot: no moodledata VolumeSnapshot for this run")
    );
}

#[test]
fn a_snapshot_without_its_dump_is_running_for_300_seconds_then_partial() {
    let fresh = Ns::of(standard_ns()).snap(ok_snap("r1", ago(300))).get();
    assert_eq!(points(&fresh)[0].status, PointStatus::Running);
    let late = Ns::of(standard_ns()).snap(ok_snap("r1", ago(301))).get();
    let late = points(&late);
    assert_eq!(late[0].status, PointStatus::Partial);
    assert_eq!(late[0].database.status, PointStatus::Failed);
    assert_eq!(late[0].database.started_at, None);
    assert_eq!(
        late[0].database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
    assert_eq!(late[0].skew_seconds, 0);
}

#[test]
fn a_snapshot_is_paired_once_and_the_second_dump_goes_alone() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-a", None, at(2, 0, 0), HalfState::Succeeded))
        .dump(dump("dump-b", None, at(2, 0, 10), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 0, 5), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(points.len(), 2);
    assert_eq!(
        points
            .iter()
            .filter(|p| p.volume.snapshot_name == "snap-x")
            .count(),
        1
    );
    let alone = points
        .iter()
        .find(|p| p.volume.snapshot_name.is_empty())
        .unwrap();
    assert_eq!(alone.status, PointStatus::Partial);
}

/// Nearest first means the pair closest in time is made first, whatever the dumps' names.
#[test]
fn the_nearest_pair_wins_whatever_the_dumps_names() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-a", None, at(2, 0, 0), HalfState::Succeeded))
        .dump(dump("dump-b", None, at(2, 4, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 3, 50), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    let paired = point(&points, "snap-x");
    assert_eq!(
        paired.database.started_at,
        Some(at(2, 4, 0)),
        "snap-x is 10 s from dump-b but 230 s from dump-a"
    );
    assert_eq!(paired.skew_seconds, -10);
    assert_eq!(point(&points, "dump-a").status, PointStatus::Partial);
}

// ---------------------------------------------------------------------------------------------
// 3. Point status
// ---------------------------------------------------------------------------------------------

#[test]
fn both_halves_succeeded_make_a_succeeded_point_with_every_fact() {
    let mut d = ok_dump("r1", at(11, 0, 0));
    d.finished = Some(at(11, 2, 0));
    d.bytes = Some(1234);
    let mut s = ok_snap("r1", at(11, 0, 42));
    s.restore_bytes = Some(5678);
    let objects = Ns::of(standard_ns()).dump(d).snap(s).get();
    assert_eq!(
        points(&objects),
        vec![RestorePoint {
            id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: PointStatus::Succeeded,
            database: DatabaseDump {
                status: PointStatus::Succeeded,
                started_at: Some(at(11, 0, 0)),
                finished_at: Some(at(11, 2, 0)),
                size_bytes: Some(1234),
                error: None,
            },
            volume: VolumeSnapshot {
                status: PointStatus::Succeeded,
                snapshot_name: "moodledata-r1".to_string(),
                created_at: Some(at(11, 0, 42)),
                ready_to_use: true,
                restore_size_bytes: Some(5678),
                error: None,
            },
            skew_seconds: 42,
            copies: Vec::new(),
            expires_at: None,
        }]
    );
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_success,
        Some(LastSuccess {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            skew_seconds: 42,
        })
    );
    assert_eq!(
        t.backup.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: AttemptStatus::Succeeded,
            error: None,
        })
    );
}

#[test]
fn a_failed_dump_makes_a_partial_point_and_the_job_message_reaches_the_attempt() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r1",
            Some("r1"),
            at(11, 0, 0),
            failed("BackoffLimitExceeded: pg_dump: connection refused"),
        ))
        .snap(ok_snap("r1", at(11, 0, 10)))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Partial);
    assert_eq!(p.database.status, PointStatus::Failed);
    assert_eq!(
        p.database.error.as_deref(),
        Some("BackoffLimitExceeded: pg_dump: connection refused")
    );
    assert_eq!(p.volume.status, PointStatus::Succeeded);
    assert_eq!(p.volume.error, None);
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: AttemptStatus::Partial,
            error: Some(
                "database dump: BackoffLimitExceeded: pg_dump: connection refused".to_string()
            ),
        })
    );
    assert_eq!(t.backup.last_success, None);
    assert_eq!(t.backup.restore_point_count, 0);
}

#[test]
fn a_failed_snapshot_makes_a_partial_point_and_its_error_reaches_the_attempt() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(11, 0, 0)))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            at(11, 0, 10),
            failed("quota exceeded"),
        ))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Partial);
    assert_eq!(p.volume.status, PointStatus::Failed);
    assert!(!p.volume.ready_to_use);
    assert_eq!(p.volume.error.as_deref(), Some("quota exceeded"));
    let attempt = assemble(&objects).backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Partial);
    assert_eq!(
        attempt.error.as_deref(),
        Some("volume snapshot: quota exceeded")
    );
}

#[test]
fn both_halves_failed_make_a_failed_point_with_both_messages() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r1",
            Some("r1"),
            at(11, 0, 0),
            failed("DeadlineExceeded"),
        ))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            at(11, 0, 10),
            failed("quota exceeded"),
        ))
        .get();
    assert_eq!(points(&objects)[0].status, PointStatus::Failed);
    let t = assemble(&objects);
    let attempt = t.backup.last_attempt.as_ref().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Failed);
    assert_eq!(
        attempt.error.as_deref(),
        Some("database dump: DeadlineExceeded; volume snapshot: quota exceeded")
    );
    let h = health(&t, Duration::hours(24));
    assert!(
        explanation(&h, FlagKind::LastSnapshotFailed)
            .contains("failed: database dump: DeadlineExceeded; volume snapshot: quota exceeded."),
        "{:?}",
        h.flags
    );
}

#[test]
fn a_running_half_makes_the_point_running() {
    let objects = Ns::of(standard_ns())
        .dump(dump("db-dump-r1", Some("r1"), ago(120), HalfState::Running))
        .snap(ok_snap("r1", ago(110)))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Running);
    assert_eq!(p.database.status, PointStatus::Running);
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", ago(120)))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            ago(110),
            HalfState::Running,
        ))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Running);
    assert_eq!(p.volume.status, PointStatus::Running);
    assert!(!p.volume.ready_to_use);
    let attempt = assemble(&objects).backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Running);
    assert_eq!(attempt.error, None);
}

// ---------------------------------------------------------------------------------------------
// 4. Summary
// ---------------------------------------------------------------------------------------------

#[test]
fn the_summary_counts_succeeded_points_and_names_the_newest_attempt() {
    let objects = Ns::of(standard_ns())
        .pair("r1", days_ago(3), 10)
        .pair("r2", days_ago(2), 20)
        .dump(dump(
            "db-dump-r3",
            Some("r3"),
            days_ago(1),
            failed("pg_dump: out of memory"),
        ))
        .snap(ok_snap("r3", days_ago(1) + Duration::seconds(5)))
        .pair("r4", ago(3600), 30)
        .dump(dump("db-dump-r5", Some("r5"), ago(60), HalfState::Running))
        .get();
    let t = assemble(&objects);
    let b = &t.backup;
    assert_eq!(
        b.last_success,
        Some(LastSuccess {
            restore_point_id: "r4".into(),
            taken_at: ago(3600),
            skew_seconds: 30,
        })
    );
    assert_eq!(
        b.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r5".into(),
            taken_at: ago(60),
            status: AttemptStatus::Running,
            error: None,
        })
    );
    assert_eq!(b.oldest_restore_point_at, Some(days_ago(3)));
    assert_eq!(b.restore_point_count, 3, "r1, r2 and r4; not r3 nor r5");
    assert_eq!(b.retention_days, 30);
    assert_eq!(b.cross_region, None);
}

#[test]
fn the_oldest_restore_point_is_the_oldest_succeeded_one() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r0",
            Some("r0"),
            days_ago(5),
            failed("DeadlineExceeded"),
        ))
        .snap(ok_snap("r0", days_ago(5)))
        .pair("r1", days_ago(4), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.oldest_restore_point_at,
        Some(days_ago(4))
    );
}

#[test]
fn retention_follows_the_tier() {
    assert_eq!(
        assemble(&Ns::of(standard_ns()).get()).backup.retention_days,
        30
    );
    assert_eq!(
        assemble(&Ns::of(dedicated_ns()).get())
            .backup
            .retention_days,
        90
    );
}

#[test]
fn a_tenant_without_points_has_an_empty_summary() {
    let t = assemble(&Ns::of(standard_ns()).cron(cron("0 2 * * *")).get());
    let b = &t.backup;
    assert_eq!(b.last_success, None);
    assert_eq!(b.last_attempt, None);
    assert_eq!(b.oldest_restore_point_at, None);
    assert_eq!(b.restore_point_count, 0);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
}

// ---------------------------------------------------------------------------------------------
// 5. Schedule
// ---------------------------------------------------------------------------------------------

#[test]
fn the_schedule_is_the_cron_jobs_in_utc_by_default() {
    let mut c = cron("0 2 * * *");
    c.last_scheduled = Some(at(2, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(
        t.backup.schedule,
        BackupSchedule {
            cron: "0 2 * * *".to_string(),
            timezone: "UTC".to_string(),
            next_run_at: Some(Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).unwrap()),
        }
    );
    assert!(!view(&t).suspended);
}

#[test]
fn the_next_run_is_read_in_the_cron_jobs_time_zone() {
    let mut c = cron("0 2 * * *");
    c.time_zone = Some("America/New_York".to_string());
    c.last_scheduled = Some(at(7, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.timezone, "America/New_York");
    assert_eq!(
        t.backup.schedule.next_run_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 29, 7, 0, 0).unwrap()),
        "02:00 in New York is 07:00 UTC in November"
    );
}

#[test]
fn the_next_run_follows_the_newest_of_last_schedule_newest_run_and_creation() {
    // The last schedule time is newest.
    let mut c = cron("0 * * * *");
    c.last_scheduled = Some(at(10, 0, 0));
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(8, 0, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(11, 0, 0))
    );
    // A newer run (started by hand, say) than the last schedule time.
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(10, 30, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(11, 0, 0))
    );
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(11, 0, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(12, 0, 0))
    );
    // Never scheduled, no run: from the CronJob's creation.
    let mut fresh = cron("0 * * * *");
    fresh.created = Some(at(9, 30, 0));
    let objects = Ns::of(standard_ns()).cron(fresh).get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(10, 0, 0))
    );
    // Nothing known at all: from now.
    let mut unknown = cron("0 * * * *");
    unknown.created = None;
    let objects = Ns::of(standard_ns()).cron(unknown).get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(13, 0, 0))
    );
}

#[test]
fn a_suspended_cron_job_is_said_suspended_once_the_run_is_overdue() {
    let mut c = cron("0 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(10, 0, 0));
    let objects = Ns::of(standard_ns())
        .cron(c)
        .pair("r1", at(10, 0, 0), 10)
        .get();
    let t = assemble(&objects);
    assert!(view(&t).suspended);
    assert_eq!(t.backup.schedule.next_run_at, Some(at(11, 0, 0)));
    let h = health(&t, Duration::hours(1));
    assert_eq!(
        explanation(&h, FlagKind::ScheduleOverdue),
        "The backup CronJob is suspended (spec.suspend: true): a backup was due 1h ago and none \
         will start until it is resumed."
    );
}

#[test]
fn a_suspended_cron_job_is_not_overdue_within_15_minutes() {
    let mut c = cron("0 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(11, 0, 0));
    // Next run 11:00 + 1h = 12:00 = now: not late yet.
    let t = assemble(
        &Ns::of(standard_ns())
            .cron(c.clone())
            .pair("r1", at(11, 0, 0), 10)
            .get(),
    );
    assert!(view(&t).suspended);
    assert!(!health(&t, Duration::hours(1)).has(FlagKind::ScheduleOverdue));
    // 11:45 is exactly 15 min late at 12:00: still not overdue.
    let mut c = cron("45 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(10, 45, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.next_run_at, Some(at(11, 45, 0)));
    assert!(!health(&t, Duration::hours(1)).has(FlagKind::ScheduleOverdue));
}

#[test]
fn a_stuck_scheduler_that_is_not_suspended_says_so_differently() {
    let mut c = cron("0 * * * *");
    c.last_scheduled = Some(at(10, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert!(!view(&t).suspended);
    let h = health(&t, Duration::hours(1));
    let words = explanation(&h, FlagKind::ScheduleOverdue);
    assert!(
        words.starts_with("The scheduler should have started a backup 1h ago"),
        "{words}"
    );
}

#[test]
fn an_unparseable_schedule_is_unknown_and_names_the_cron_job() {
    let objects = Ns::of(standard_ns()).cron(cron("every night")).get();
    let t = assemble(&objects);
    assert_eq!(t.backup.schedule.cron, "every night");
    assert_eq!(t.backup.schedule.timezone, "UTC");
    assert_eq!(t.backup.schedule.next_run_at, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "CronJob backup has a schedule that does not parse: cron expression \"every night\" \
             is not valid: it has 2 fields, but a schedule has 5: minute, hour, day of month, \
             month and day of week"
        )]
    );
    let h = health(&t, Duration::hours(24));
    assert!(
        explanations(&h, FlagKind::CannotTell)
            .iter()
            .any(|e| e.starts_with("schedule: unknown — CronJob backup has a schedule")),
        "{:?}",
        h.flags
    );
}

#[test]
fn an_unknown_time_zone_is_an_unknown_schedule_too() {
    let mut c = cron("0 2 * * *");
    c.time_zone = Some("Mars/Olympus_Mons".to_string());
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.timezone, "Mars/Olympus_Mons");
    assert_eq!(t.backup.schedule.next_run_at, None);
    let reasons = unknowns_of(&t, Fact::Schedule);
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].starts_with(
            "CronJob backup has a schedule that does not parse: time zone \"Mars/Olympus_Mons\""
        ),
        "{}",
        reasons[0]
    );
}

#[test]
fn without_a_cron_job_the_schedule_is_unknown_and_names_the_component_label() {
    let t = assemble(&Ns::of(standard_ns()).pair("r1", ago(3600), 10).get());
    assert_eq!(
        t.backup.schedule,
        BackupSchedule {
            cron: String::new(),
            timezone: String::new(),
            next_run_at: None,
        }
    );
    assert!(!view(&t).suspended);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "no backup CronJob (label snapdeck.io/component=backup) in namespace moodle-a"
        )]
    );
}

#[test]
fn two_cron_jobs_are_an_unknown_naming_both_and_the_first_is_shown() {
    let mut second = cron("30 3 * * *");
    second.name = "backup-old".to_string();
    second.suspended = true;
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .cron(second)
        .get();
    let t = assemble(&objects);
    assert_eq!(t.backup.schedule.cron, "0 2 * * *");
    assert!(!view(&t).suspended, "the one shown is not suspended");
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "2 backup CronJobs (backup, backup-old); the schedule shown is backup's"
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Cross-region copies (Dedicated)
// ---------------------------------------------------------------------------------------------

fn dedicated_with(points: Ns) -> Tenant {
    assemble(&points.cron(cron("0 * * * *")).get())
}

fn copied_pair(run: &str, started: DateTime<Utc>, copy: CopyFacts) -> Ns {
    let mut s = ok_snap(run, started + Duration::seconds(10));
    s.copy = copy;
    Ns::default().dump(ok_dump(run, started)).snap(s)
}

/// Merges `more`'s objects into `base`.
fn and(mut base: Ns, more: Ns) -> Ns {
    base.0.dumps.extend(more.0.dumps);
    base.0.snaps.extend(more.0.snaps);
    base
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

// ---------------------------------------------------------------------------------------------
// 7. Odd objects
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 8. Self-host
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// 9. points_of
// ---------------------------------------------------------------------------------------------

#[test]
fn points_of_gives_the_tenants_points_newest_first() {
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .pair("r2", days_ago(2), 10)
        .pair("r1", days_ago(3), 10)
        .pair("r4", ago(3600), 10)
        .dump(dump(
            "db-dump-r3",
            Some("r3"),
            days_ago(1),
            failed("DeadlineExceeded"),
        ))
        .snap(ok_snap("r3", days_ago(1)))
        .get();
    let listed = points(&objects);
    assert_eq!(ids(&listed), ["r4", "r3", "r2", "r1"]);
    assert!(listed.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_attempt.as_ref().unwrap().restore_point_id,
        listed[0].id
    );
    assert_eq!(t.backup.oldest_restore_point_at, Some(listed[3].taken_at));
}

#[test]
fn points_taken_at_the_same_instant_are_ordered_by_id() {
    let objects = Ns::of(standard_ns())
        .pair("r-b", days_ago(1), 10)
        .pair("r-a", days_ago(1), 10)
        .get();
    assert_eq!(ids(&points(&objects)), ["r-a", "r-b"]);
}

#[test]
fn points_of_carries_the_same_copies_as_the_tenant_sees() {
    let objects = and(
        Ns::of(dedicated_ns()),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    )
    .get();
    let listed = points(&objects);
    assert_eq!(listed[0].copies[0].status, CopyStatus::Copied);
    assert_eq!(
        assemble(&objects)
            .backup
            .cross_region
            .unwrap()
            .last_copied_at,
        listed[0].copies[0].copied_at
    );
}
