//! The kube source against a real Kubernetes API server: fixtures are created with kube-rs,
//! and what the operator sees (the app's health, the rendered screen, `status`) is asserted.
//!
//! They need a cluster: `SNAPDECK_KUBE_TEST_KUBECONFIG` names a kubeconfig whose context
//! `SNAPDECK_KUBE_TEST_CONTEXT` (default: its current one) may create namespaces, RBAC objects,
//! CronJobs, Jobs and VolumeSnapshots (the CSI snapshot CRDs installed). Optional:
//! `SNAPDECK_KUBE_TEST_SECOND_CONTEXT`, a second cluster, for the two-cluster view, and
//! `SNAPDECK_KUBE_TEST_LOCAL_DIR`, the kube-local directory of the first one, for stopping
//! and restarting its API server. Without them the tests say so and pass, unless
//! `SNAPDECK_KUBE_TESTS=required` (as `scripts/test` sets), when they fail. Each test that ran
//! to the end appends its name to `SNAPDECK_KUBE_TEST_LOG`, so a script can tell they ran.

mod support;

use std::path::PathBuf;
use std::time::{Duration as Wait, Instant};

use chrono::{Duration, SecondsFormat, Timelike, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use kube::Client;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::{ApiResource, GroupVersionKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use snapdeck::app::{App, Msg, Settings};
use snapdeck::config::KubeKeys;
use snapdeck::domain::FlagKind;
use snapdeck::source::kube::{KubeSettings, KubeSource, Mode, Watching};
use snapdeck::source::{self, Connection, Source, SourceEvent};
use snapdeck::theme::Theme;
use tokio::sync::Mutex;

use support::screen_text;

/// On every namespace a test makes, so the next test can sweep what a failed one left.
const TEST_LABEL: &str = "snapdeck-test";

/// The tests share one API server, and one of them stops it: one at a time.
static SERIAL: Mutex<()> = Mutex::const_new(());

struct Env {
    kubeconfig: PathBuf,
    context: String,
    second: Option<String>,
    local_dir: Option<PathBuf>,
}

fn env() -> Option<Env> {
    let required = std::env::var("SNAPDECK_KUBE_TESTS").as_deref() == Ok("required");
    let Ok(path) = std::env::var("SNAPDECK_KUBE_TEST_KUBECONFIG") else {
        assert!(
            !required,
            "SNAPDECK_KUBE_TESTS=required but SNAPDECK_KUBE_TEST_KUBECONFIG is not set"
        );
        eprintln!("kube tests skipped: set SNAPDECK_KUBE_TEST_KUBECONFIG (README, Test it)");
        return None;
    };
    let kubeconfig = PathBuf::from(path);
    let parsed = Kubeconfig::read_from(&kubeconfig).expect("the test kubeconfig reads");
    let context = std::env::var("SNAPDECK_KUBE_TEST_CONTEXT")
        .ok()
        .or(parsed.current_context)
        .expect("a context for the kube tests");
    Some(Env {
        kubeconfig,
        context,
        second: std::env::var("SNAPDECK_KUBE_TEST_SECOND_CONTEXT").ok(),
        local_dir: std::env::var("SNAPDECK_KUBE_TEST_LOCAL_DIR")
            .ok()
            .map(PathBuf::from),
    })
}

/// Records that a test ran to its end.
fn ran(name: &str) {
    support::record_ran("SNAPDECK_KUBE_TEST_LOG", name);
}

fn required() -> bool {
    std::env::var("SNAPDECK_KUBE_TESTS").as_deref() == Ok("required")
}

async fn client(env: &Env, context: &str) -> Client {
    let kubeconfig = Kubeconfig::read_from(&env.kubeconfig).unwrap();
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

fn at(ago: Duration) -> String {
    (Utc::now() - ago).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Unique per run, so a failed run's leftovers never collide with the next.
fn unique(name: &str) -> String {
    format!("{name}-{}", std::process::id() % 100_000)
}

/// Creates tenants' objects as the platform's chart and jobs would, status included.
struct Fixture {
    client: Client,
    cronjobs: ApiResource,
    namespaces: Vec<String>,
}

impl Fixture {
    async fn new(client: Client) -> Fixture {
        // Retried: an API server just started again serves its groups (and their resources)
        // a moment later.
        let mut tries = 0;
        let cronjobs = loop {
            let found = match kube::discovery::group(&client, "batch").await {
                Ok(batch) => ["v1", "v1beta1"].into_iter().find_map(|v| {
                    let resources = batch.versioned_resources(v).into_iter();
                    resources.map(|(r, _)| r).find(|r| r.kind == "CronJob")
                }),
                Err(e) => {
                    eprintln!("discovery not ready yet: {e}");
                    None
                }
            };
            match found {
                Some(resource) => break resource,
                None if tries < 120 => {
                    tries += 1;
                    tokio::time::sleep(Wait::from_millis(500)).await;
                }
                None => panic!("the API server never served CronJobs"),
            }
        };
        let fixture = Fixture {
            client,
            cronjobs,
            namespaces: Vec::new(),
        };
        fixture.sweep().await;
        fixture
    }

    /// A tenant namespace; `labels` beside the tenant label (slug = namespace name).
    async fn tenant(&mut self, slug: &str, labels: Value, annotations: Value) -> String {
        let mut all = json!({"snapdeck.io/tenant": slug});
        all.as_object_mut()
            .unwrap()
            .extend(labels.as_object().unwrap().clone());
        self.namespace(slug, all, annotations).await
    }

    async fn namespace(&mut self, name: &str, mut labels: Value, annotations: Value) -> String {
        labels[TEST_LABEL] = json!("true");
        let ns: Namespace = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels, "annotations": annotations}
        }))
        .unwrap();
        Api::<Namespace>::all(self.client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .unwrap();
        self.namespaces.push(name.to_string());
        name.to_string()
    }

    async fn cronjob(
        &self,
        ns: &str,
        schedule: &str,
        suspend: bool,
        last_scheduled: Option<Duration>,
    ) {
        let api: Api<DynamicObject> = Api::namespaced_with(self.client.clone(), ns, &self.cronjobs);
        let object: DynamicObject = serde_json::from_value(json!({
            "apiVersion": self.cronjobs.api_version,
            "kind": "CronJob",
            "metadata": {"name": "backup", "labels": {"snapdeck.io/component": "backup"}},
            "spec": {"schedule": schedule, "suspend": suspend, "jobTemplate": {"spec": {"template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "b", "image": "busybox"}]}}}}}
        }))
        .unwrap();
        api.create(&PostParams::default(), &object).await.unwrap();
        if let Some(ago) = last_scheduled {
            let status = json!({"status": {"lastScheduleTime": at(ago)}});
            api.patch_status("backup", &PatchParams::default(), &Patch::Merge(&status))
                .await
                .unwrap();
        }
    }

    async fn set_suspend(&self, ns: &str, suspend: bool) {
        let api: Api<DynamicObject> = Api::namespaced_with(self.client.clone(), ns, &self.cronjobs);
        let patch = json!({"spec": {"suspend": suspend}});
        api.patch("backup", &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap();
    }

    /// One run: the dump Job and the VolumeSnapshot, `ago` in the past, `skew` apart.
    async fn run(&self, ns: &str, run: &str, ago: Duration, skew: Duration, annotations: Value) {
        self.job(ns, run, ago, annotations).await;
        self.complete_job(ns, run, ago).await;
        self.snapshot(ns, run).await;
        self.snapshot_ready(ns, run, ago - skew).await;
    }

    async fn job(&self, ns: &str, run: &str, ago: Duration, annotations: Value) {
        let job: Job = serde_json::from_value(json!({
            "metadata": {"name": format!("dump-{run}"), "annotations": annotations,
                         "labels": {"snapdeck.io/component": "db-dump", "snapdeck.io/run": run}},
            "spec": {"template": {"spec": {"restartPolicy": "Never",
                     "containers": [{"name": "dump", "image": "postgres"}]}}}
        }))
        .unwrap();
        let api: Api<Job> = Api::namespaced(self.client.clone(), ns);
        api.create(&PostParams::default(), &job).await.unwrap();
        let status = json!({"status": {"startTime": at(ago), "active": 1}});
        api.patch_status(
            &format!("dump-{run}"),
            &PatchParams::default(),
            &Patch::Merge(&status),
        )
        .await
        .unwrap();
    }

    async fn complete_job(&self, ns: &str, run: &str, ago: Duration) {
        let done = at(ago - Duration::minutes(2));
        self.job_status(ns, run, json!({"active": 0, "succeeded": 1, "completionTime": done,
            "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": done, "lastTransitionTime": done}]}))
            .await;
    }

    async fn fail_job(&self, ns: &str, run: &str, message: &str) {
        let now = at(Duration::zero());
        self.job_status(
            ns,
            run,
            json!({"active": 0, "failed": 1,
            "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                            "message": message, "lastProbeTime": now, "lastTransitionTime": now}]}),
        )
        .await;
    }

    async fn job_status(&self, ns: &str, run: &str, status: Value) {
        let api: Api<Job> = Api::namespaced(self.client.clone(), ns);
        let patch = json!({"status": status});
        api.patch_status(
            &format!("dump-{run}"),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .unwrap();
    }

    fn snapshots(&self, ns: &str) -> Api<DynamicObject> {
        let resource = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("snapshot.storage.k8s.io", "v1", "VolumeSnapshot"),
            "volumesnapshots",
        );
        Api::namespaced_with(self.client.clone(), ns, &resource)
    }

    async fn snapshot(&self, ns: &str, run: &str) {
        let object: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "snapshot.storage.k8s.io/v1",
            "kind": "VolumeSnapshot",
            "metadata": {"name": format!("moodledata-{run}"),
                         "labels": {"snapdeck.io/component": "moodledata", "snapdeck.io/run": run}},
            "spec": {"source": {"persistentVolumeClaimName": "moodledata"}}
        }))
        .unwrap();
        self.snapshots(ns)
            .create(&PostParams::default(), &object)
            .await
            .unwrap();
    }

    async fn snapshot_ready(&self, ns: &str, run: &str, ago: Duration) {
        self.snapshot_status(
            ns,
            run,
            json!({"readyToUse": true, "creationTime": at(ago), "restoreSize": "10Gi"}),
        )
        .await;
    }

    async fn snapshot_status(&self, ns: &str, run: &str, status: Value) {
        let patch = json!({"status": status});
        self.snapshots(ns)
            .patch_status(
                &format!("moodledata-{run}"),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
            .unwrap();
    }

    /// Daily runs, `from` days ago to `to` days ago, all successful.
    async fn daily(&self, ns: &str, from: i64, to: i64, annotations: Value) {
        for day in (to..=from).rev() {
            let ago = Duration::days(day) + Duration::hours(1);
            self.run(
                ns,
                &format!("d{day}"),
                ago,
                Duration::seconds(20),
                annotations.clone(),
            )
            .await;
        }
    }

    /// Deletes what earlier tests (or an earlier, failed run) left behind.
    async fn sweep(&self) {
        let api = Api::<Namespace>::all(self.client.clone());
        let params = kube::api::ListParams::default().labels(TEST_LABEL);
        for ns in api.list(&params).await.unwrap() {
            if let Some(name) = ns.metadata.name {
                let _ = api.delete(&name, &DeleteParams::default()).await;
            }
        }
    }

    async fn cleanup(&self) {
        let api = Api::<Namespace>::all(self.client.clone());
        for ns in &self.namespaces {
            let _ = api.delete(ns, &DeleteParams::default()).await;
        }
    }
}

/// The app wired to a running kube source, as the dashboard runs it.
struct Seen {
    app: App,
    events: tokio::sync::mpsc::UnboundedReceiver<SourceEvent>,
    task: tokio::task::JoinHandle<()>,
    theme: Theme,
}

fn settings(env: &Env, contexts: &[&str], mode: Mode) -> KubeSettings {
    KubeSettings {
        kubeconfig: Kubeconfig::read_from(&env.kubeconfig).unwrap(),
        contexts: contexts.iter().map(|c| c.to_string()).collect(),
        watching: Watching {
            keys: KubeKeys::default(),
            tenant_key: "snapdeck.io/tenant".to_string(),
            self_host: matches!(mode, Mode::SelfHost { .. }),
            probe_every: Wait::from_secs(1),
            namespaces: Vec::new(),
        },
        mode,
        refresh_interval: Wait::from_secs(1),
    }
}

impl Seen {
    fn start(settings: KubeSettings) -> Seen {
        let source = KubeSource::new(settings);
        let info = source.info();
        // The kube source's own refresh interval: its rows turn stale after two of them.
        let app = App::new(Settings {
            refresh_interval: Duration::seconds(1),
            ..support::settings(info)
        });
        let started = source::start(Box::new(source));
        Seen {
            app,
            events: started.events,
            task: started.task,
            theme: Theme::builtin("default").unwrap(),
        }
    }

    /// Passes the source's events (and the clock's ticks) to the app until `done` holds;
    /// gives how long that took.
    async fn until(&mut self, what: &str, within: Wait, done: impl Fn(&App) -> bool) -> Wait {
        let start = Instant::now();
        loop {
            self.app.update(Msg::Tick, Utc::now());
            if done(&self.app) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < within,
                "not within {within:?}: {what}\n{}",
                self.screen(200, 30)
            );
            if let Ok(Some(event)) =
                tokio::time::timeout(Wait::from_millis(50), self.events.recv()).await
            {
                self.app.update(Msg::Source(event), Utc::now());
            }
        }
    }

    fn screen(&mut self, width: u16, height: u16) -> String {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        self.app.update(
            Msg::Viewport(snapdeck::ui::layout::viewport(area)),
            Utc::now(),
        );
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| {
                snapdeck::ui::draw(frame, &self.app, &self.theme, Utc::now());
            })
            .unwrap();
        screen_text(&terminal)
    }

    /// The flags of the tenant with `slug`, once it is on screen.
    fn flags(&self, slug: &str) -> Option<Vec<FlagKind>> {
        let fleet = &self.app.fleet;
        let i = fleet.tenants().iter().position(|t| t.slug == slug)?;
        Some(fleet.health(i).flags.iter().map(|f| f.kind).collect())
    }

    fn explanations(&self, slug: &str) -> String {
        let fleet = &self.app.fleet;
        let i = fleet.tenants().iter().position(|t| t.slug == slug).unwrap();
        let texts: Vec<&str> = fleet
            .health(i)
            .flags
            .iter()
            .map(|f| f.explanation.as_str())
            .collect();
        texts.join("\n")
    }

    /// The fleet table's row for `slug`.
    fn row(&mut self, slug: &str) -> String {
        let screen = self.screen(200, 250);
        screen
            .lines()
            .find(|l| l.contains(&format!(" {slug} ")))
            .unwrap_or_else(|| panic!("no row for {slug}:\n{screen}"))
            .to_string()
    }
}

impl Drop for Seen {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn press(seen: &mut Seen, code: KeyCode) {
    seen.app.update(
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
}

fn type_text(seen: &mut Seen, text: &str) {
    for c in text.chars() {
        press(seen, KeyCode::Char(c));
    }
}

/// Filters the fleet down to `slug` and opens its card.
fn open_card(seen: &mut Seen, slug: &str) {
    press(seen, KeyCode::Char('/'));
    type_text(seen, slug);
    press(seen, KeyCode::Enter);
    press(seen, KeyCode::Enter);
}

/// Where the tenant with `slug` is in the app's fleet (it must be there).
fn index_of(app: &App, slug: &str) -> usize {
    let found = app.fleet.tenants().iter().position(|t| t.slug == slug);
    found.unwrap_or_else(|| panic!("{slug} is not in the fleet"))
}

/// A healthy Standard hub with one run ten minutes ago, created two days ago.
async fn healthy_hub(fx: &mut Fixture, name: &str) -> String {
    let labels = json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "standard"});
    let created = json!({"snapdeck.io/created-at": at(Duration::days(2))});
    let ns = fx.tenant(&unique(name), labels, created).await;
    fx.cronjob(&ns, "0 2 * * *", false, None).await;
    let ten_minutes = Duration::minutes(10);
    fx.run(&ns, "r1", ten_minutes, Duration::seconds(5), json!({}))
        .await;
    ns
}

fn has(flags: &Option<Vec<FlagKind>>, kind: FlagKind) -> bool {
    flags.as_ref().is_some_and(|f| f.contains(&kind))
}

#[tokio::test]
async fn every_flag_shows_from_cluster_objects() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let std = json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "standard", "snapdeck.io/region": "eu-west-1"});
    let ded = json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "dedicated", "snapdeck.io/region": "eu-west-1",
                     "snapdeck.io/secondary-region": "eu-central-1"});
    let created = |days: i64| json!({"snapdeck.io/created-at": at(Duration::days(days))});
    let copied = json!({"snapdeck.io/copied-at": at(Duration::minutes(30))});

    // Healthy Standard: daily runs for 30 days.
    let ok = fx.tenant(&unique("ok"), std.clone(), created(60)).await;
    fx.cronjob(&ok, "0 2 * * *", false, None).await;
    fx.daily(&ok, 29, 0, json!({})).await;
    // Never backed up: created three days ago, nothing since.
    let never = fx.tenant(&unique("never"), std.clone(), created(3)).await;
    fx.cronjob(&never, "0 2 * * *", false, None).await;
    // RPO breached: the newest success is two days old.
    let rpo = fx.tenant(&unique("rpo"), std.clone(), created(5)).await;
    fx.cronjob(&rpo, "0 * * * *", false, None).await;
    fx.daily(&rpo, 4, 2, json!({})).await;
    // Last snapshot failed: the newest dump Job failed with a message.
    let failed = fx.tenant(&unique("failed"), std.clone(), created(3)).await;
    fx.cronjob(&failed, "0 * * * *", false, None).await;
    fx.daily(&failed, 2, 0, json!({})).await;
    fx.job(&failed, "f1", Duration::minutes(20), json!({}))
        .await;
    fx.fail_job(&failed, "f1", "pg_dump: could not connect to server")
        .await;
    fx.snapshot(&failed, "f1").await;
    fx.snapshot_ready(&failed, "f1", Duration::minutes(20))
        .await;
    // Schedule overdue: a suspended CronJob whose hourly run was due hours ago.
    let suspended = fx
        .tenant(&unique("suspended"), std.clone(), created(3))
        .await;
    fx.cronjob(&suspended, "0 * * * *", true, Some(Duration::hours(5)))
        .await;
    fx.run(
        &suspended,
        "s1",
        Duration::hours(5),
        Duration::seconds(10),
        json!({}),
    )
    .await;
    // Stuck: a snapshot not ready 45 minutes after its run.
    let stuck = fx.tenant(&unique("stuck"), std.clone(), created(3)).await;
    fx.cronjob(&stuck, "0 2 * * *", false, None).await;
    fx.daily(&stuck, 2, 1, json!({})).await;
    fx.job(&stuck, "st", Duration::minutes(45), json!({})).await;
    fx.complete_job(&stuck, "st", Duration::minutes(45)).await;
    fx.snapshot(&stuck, "st").await;
    fx.snapshot_status(
        &stuck,
        "st",
        json!({"readyToUse": false, "creationTime": at(Duration::minutes(45))}),
    )
    .await;
    // Schedule misses RPO and cross-region lagging: Dedicated, daily, copied two days ago.
    let daily_ded = fx
        .tenant(&unique("dailyded"), ded.clone(), created(2))
        .await;
    fx.cronjob(&daily_ded, "0 2 * * *", false, None).await;
    fx.run(
        &daily_ded,
        "x1",
        Duration::minutes(30),
        Duration::seconds(5),
        json!({"snapdeck.io/copied-at": at(Duration::days(2))}),
    )
    .await;
    // Pair incoherent: dump and snapshot ten minutes apart.
    let skew = fx.tenant(&unique("skew"), ded.clone(), created(1)).await;
    fx.cronjob(&skew, "0 * * * *", false, None).await;
    fx.run(
        &skew,
        "k1",
        Duration::minutes(40),
        Duration::minutes(10),
        copied.clone(),
    )
    .await;
    // Retention exceeded: a Standard point forty days old.
    let retention = fx
        .tenant(&unique("retention"), std.clone(), created(60))
        .await;
    fx.cronjob(&retention, "0 * * * *", false, None).await;
    fx.daily(&retention, 40, 0, json!({})).await;
    // History short: 30 days old, but only three days of points.
    let short = fx.tenant(&unique("short"), std.clone(), created(40)).await;
    fx.cronjob(&short, "0 * * * *", false, None).await;
    fx.daily(&short, 2, 0, json!({})).await;
    // Cannot tell: a tier snapdeck does not know, a spoke whose hub does not exist, a
    // snapshot the controller never answered, and a Dedicated tenant with no copy record.
    let gold = fx
        .tenant(
            &unique("gold"),
            json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "gold"}),
            created(3),
        )
        .await;
    fx.cronjob(&gold, "0 * * * *", false, None).await;
    let orphan = fx
        .tenant(
            &unique("orphan"),
            json!({"snapdeck.io/kind": "spoke", "snapdeck.io/hub": "nowhere",
        "snapdeck.io/tier": "standard"}),
            created(3),
        )
        .await;
    fx.cronjob(&orphan, "0 * * * *", false, None).await;
    let silent = fx.tenant(&unique("silent"), std.clone(), created(3)).await;
    fx.cronjob(&silent, "0 * * * *", false, None).await;
    fx.daily(&silent, 1, 0, json!({})).await;
    fx.snapshot(&silent, "never-answered").await;
    let nocopy = fx.tenant(&unique("nocopy"), ded.clone(), created(3)).await;
    fx.cronjob(&nocopy, "0 * * * *", false, None).await;
    fx.run(
        &nocopy,
        "n1",
        Duration::hours(30),
        Duration::seconds(5),
        json!({}),
    )
    .await;

    let mut seen = Seen::start(settings(&env, &[&env.context], Mode::Platform));
    let slugs = [
        &ok, &never, &rpo, &failed, &suspended, &stuck, &daily_ded, &skew, &retention, &short,
        &gold, &orphan, &nocopy,
    ];
    seen.until("every fixture tenant listed", Wait::from_secs(30), |app| {
        slugs
            .iter()
            .all(|s| app.fleet.tenants().iter().any(|t| t.slug == *s))
    })
    .await;

    assert_eq!(seen.flags(&ok), Some(vec![]), "{}", seen.explanations(&ok));
    let expect = [
        (&never, FlagKind::NeverBackedUp),
        (&rpo, FlagKind::RpoBreached),
        (&failed, FlagKind::LastSnapshotFailed),
        (&suspended, FlagKind::ScheduleOverdue),
        (&stuck, FlagKind::ScheduleOverdue),
        (&daily_ded, FlagKind::ScheduleMissesRpo),
        (&daily_ded, FlagKind::CrossRegionLagging),
        (&skew, FlagKind::PairIncoherent),
        (&retention, FlagKind::RetentionExceeded),
        (&short, FlagKind::HistoryShort),
        (&gold, FlagKind::CannotTell),
        (&orphan, FlagKind::CannotTell),
        (&nocopy, FlagKind::CannotTell),
    ];
    for (slug, kind) in expect {
        let flags = seen.flags(slug);
        assert!(
            has(&flags, kind),
            "{slug}: {kind:?} not in {flags:?}\n{}",
            seen.explanations(slug)
        );
        assert!(seen.row(slug).contains(kind.short()), "{}", seen.row(slug));
    }
    assert!(
        seen.explanations(&failed)
            .contains("pg_dump: could not connect to server")
    );
    assert!(seen.explanations(&suspended).contains("suspended"));
    assert!(seen.row(&suspended).contains("suspended"));
    assert!(seen.explanations(&stuck).contains("still not ready"));
    assert!(
        seen.explanations(&gold)
            .contains("`gold` is not a tier snapdeck knows")
    );
    assert!(seen.explanations(&orphan).contains("names hub `nowhere`"));
    assert!(
        seen.explanations(&nocopy)
            .contains("cross-region copy: unknown")
    );
    assert!(!has(&seen.flags(&nocopy), FlagKind::CrossRegionLagging));
    // The snapshot the controller never answered is new: running, not yet odd.
    assert!(
        seen.row(&silent).contains("running"),
        "{}",
        seen.row(&silent)
    );
    // Kube mode acts on nothing, and says why when asked.
    assert!(seen.app.read_only);
    fx.cleanup().await;
    ran("every_flag_shows_from_cluster_objects");
}

#[tokio::test]
async fn kubectl_edits_reach_the_screen_within_two_seconds() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let ns = healthy_hub(&mut fx, "edits").await;
    fx.daily(&ns, 2, 1, json!({})).await;
    let mut seen = Seen::start(settings(&env, &[&env.context], Mode::Platform));
    seen.until("the tenant, healthy", Wait::from_secs(20), |app| {
        app.fleet.tenants().iter().any(|t| t.slug == ns)
    })
    .await;
    assert_eq!(seen.flags(&ns), Some(vec![]), "{}", seen.explanations(&ns));

    // A dump Job fails.
    fx.job(&ns, "next", Duration::minutes(1), json!({})).await;
    fx.snapshot(&ns, "next").await;
    fx.snapshot_ready(&ns, "next", Duration::minutes(1)).await;
    fx.fail_job(&ns, "next", "out of disk").await;
    let took = seen
        .until("the failed Job", Wait::from_secs(2), |app| {
            let i = index_of(app, &ns);
            app.fleet.health(i).has(FlagKind::LastSnapshotFailed)
        })
        .await;
    assert!(seen.row(&ns).contains("FAILED"), "{took:?}");

    // A VolumeSnapshot reports an error.
    fx.run(
        &ns,
        "later",
        Duration::seconds(30),
        Duration::zero(),
        json!({}),
    )
    .await;
    seen.until("a good run again", Wait::from_secs(2), |app| {
        let i = index_of(app, &ns);
        !app.fleet.health(i).has(FlagKind::LastSnapshotFailed)
    })
    .await;
    fx.snapshot_status(
        &ns,
        "later",
        json!({"readyToUse": false, "error": {"message": "snapshot quota exceeded"}}),
    )
    .await;
    seen.until("the snapshot's error", Wait::from_secs(2), |app| {
        let i = index_of(app, &ns);
        app.fleet
            .health(i)
            .flags
            .iter()
            .any(|f| f.explanation.contains("snapshot quota exceeded"))
    })
    .await;

    // The CronJob is suspended.
    fx.set_suspend(&ns, true).await;
    seen.until("the suspended CronJob", Wait::from_secs(2), |app| {
        let i = index_of(app, &ns);
        app.fleet.tenant(i).cluster().is_some_and(|c| c.suspended)
    })
    .await;
    assert!(seen.row(&ns).contains("suspended"), "{}", seen.row(&ns));
    fx.cleanup().await;
    ran("kubectl_edits_reach_the_screen_within_two_seconds");
}

/// A context that may not list VolumeSnapshots: a ServiceAccount bound to a role without
/// them, its token from the TokenRequest API, written into a kubeconfig of its own.
async fn restricted_kubeconfig(env: &Env, fx: &mut Fixture) -> (PathBuf, tempfile::TempDir) {
    let name = unique("snapdeck-restricted");
    let ns = fx.namespace(&name, json!({}), json!({})).await;
    let accounts = reader_account(fx, &ns).await;
    let role: ClusterRole = serde_json::from_value(json!({
        "metadata": {"name": name},
        "rules": [
            {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": ["get", "list", "watch"]}
        ]
    }))
    .unwrap();
    Api::<ClusterRole>::all(fx.client.clone())
        .create(&PostParams::default(), &role)
        .await
        .unwrap();
    let binding: ClusterRoleBinding = serde_json::from_value(json!({
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": ns}]
    }))
    .unwrap();
    Api::<ClusterRoleBinding>::all(fx.client.clone())
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    kubeconfig_of_reader(env, &accounts).await
}

/// Makes the ServiceAccount `reader` in `ns`; gives that namespace's accounts.
async fn reader_account(fx: &Fixture, ns: &str) -> Api<ServiceAccount> {
    let accounts: Api<ServiceAccount> = Api::namespaced(fx.client.clone(), ns);
    let account: ServiceAccount =
        serde_json::from_value(json!({"metadata": {"name": "reader"}})).unwrap();
    accounts
        .create(&PostParams::default(), &account)
        .await
        .unwrap();
    accounts
}

/// A kubeconfig for the ServiceAccount `reader` of `accounts`' namespace (its token from the
/// TokenRequest API), on the test cluster, as context `restricted`.
async fn kubeconfig_of_reader(
    env: &Env,
    accounts: &Api<ServiceAccount>,
) -> (PathBuf, tempfile::TempDir) {
    let request: k8s_openapi::api::authentication::v1::TokenRequest =
        serde_json::from_value(json!({"spec": {"audiences": [], "expirationSeconds": 3600}}))
            .unwrap();
    let answer = accounts
        .create_token_request("reader", &PostParams::default(), &request)
        .await
        .unwrap();
    let token = answer.status.unwrap().token;
    let kubeconfig = Kubeconfig::read_from(&env.kubeconfig).unwrap();
    let context = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == env.context)
        .unwrap();
    let cluster_name = context.context.as_ref().unwrap().cluster.clone();
    let cluster = kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == cluster_name)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    let out = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "c", "cluster": serde_json::to_value(cluster.cluster.as_ref().unwrap()).unwrap()}],
        "users": [{"name": "reader", "user": {"token": token}}],
        "contexts": [{"name": "restricted", "context": {"cluster": "c", "user": "reader"}}],
        "current-context": "restricted"
    });
    std::fs::write(&path, serde_json::to_string(&out).unwrap()).unwrap();
    (path, dir)
}

#[tokio::test]
async fn a_context_that_may_not_list_snapshots_is_told_in_words() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let (path, _dir) = restricted_kubeconfig(&env, &mut fx).await;
    let restricted = Env {
        kubeconfig: path,
        context: "restricted".into(),
        second: None,
        local_dir: None,
    };
    let mut seen = Seen::start(settings(&restricted, &["restricted"], Mode::Platform));
    seen.until("the forbidden list in words", Wait::from_secs(20), |app| {
        matches!(&app.connection, Connection::Failing { error, .. }
            if error.contains("restricted: cannot list volumesnapshots in all namespaces: forbidden"))
    })
    .await;
    let screen = seen.screen(160, 40);
    assert!(screen.contains("failing"), "{screen}");
    assert!(screen.contains("cannot list volumesnapshots"), "{screen}");
    // Nothing half-read is shown as if it were the truth: no tenant without its snapshots.
    assert!(seen.app.fleet.tenants().is_empty());
    fx.cleanup().await;
    let role = unique("snapdeck-restricted");
    let _ = Api::<ClusterRole>::all(fx.client.clone())
        .delete(&role, &DeleteParams::default())
        .await;
    let _ = Api::<ClusterRoleBinding>::all(fx.client.clone())
        .delete(&role, &DeleteParams::default())
        .await;
    ran("a_context_that_may_not_list_snapshots_is_told_in_words");
}

/// Starts the stopped API server again, on the same port and data; on drop too, so a failed
/// test never leaves the other tests without their server.
struct Restart {
    dir: PathBuf,
    args: Vec<String>,
    done: bool,
}

impl Restart {
    fn start(&mut self) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        std::thread::sleep(Wait::from_millis(500));
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.join("logs/apiserver.log"))
            .unwrap();
        // Not waited on: the API server outlives this test, and `kube-local stop` ends it by
        // the pid file written here.
        #[allow(clippy::zombie_processes)]
        let child = std::process::Command::new(&self.args[0])
            .args(&self.args[1..])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        std::fs::write(self.dir.join("apiserver.pid"), child.id().to_string()).unwrap();
    }
}

impl Drop for Restart {
    fn drop(&mut self) {
        self.start();
    }
}

/// The API server's command line, so it can be started again on the same port and data.
fn apiserver_command(dir: &std::path::Path) -> (u32, Vec<String>) {
    let pid: u32 = std::fs::read_to_string(dir.join("apiserver.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let args = raw
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    (pid, args)
}

#[tokio::test]
async fn a_stopped_api_server_turns_its_rows_stale_and_live_again_when_it_is_back() {
    let Some(env) = env() else { return };
    let Some(dir) = env.local_dir.clone() else {
        assert!(
            !required(),
            "SNAPDECK_KUBE_TEST_LOCAL_DIR is needed to stop the API server"
        );
        eprintln!("skipped: SNAPDECK_KUBE_TEST_LOCAL_DIR (a kube-local dir) is not set");
        return;
    };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let ns = healthy_hub(&mut fx, "outage").await;
    let mut seen = Seen::start(settings(&env, &[&env.context], Mode::Platform));
    seen.until("live with the tenant", Wait::from_secs(20), |app| {
        app.connection == Connection::Live && app.fleet.tenants().iter().any(|t| t.slug == ns)
    })
    .await;

    let (pid, args) = apiserver_command(&dir);
    let mut server = Restart {
        dir: dir.clone(),
        args,
        done: false,
    };
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let context = env.context.clone();
    seen.until("failing, naming the cluster", Wait::from_secs(15), |app| {
        matches!(&app.connection, Connection::Failing { error, scope, .. }
            if error.starts_with(&format!("{context}: ")) && scope.as_deref() == Some(context.as_str()))
    })
    .await;
    seen.until("the row stale", Wait::from_secs(15), |app| {
        let i = index_of(app, &ns);
        app.fleet.health(i).has(FlagKind::DataStale)
    })
    .await;
    let screen = seen.screen(160, 40);
    assert!(
        screen.contains(&format!("failing: {}", env.context)),
        "{screen}"
    );
    assert!(seen.row(&ns).contains("STALE"));

    // Started again: same port, same data.
    server.start();
    seen.until("live again, not stale", Wait::from_secs(60), |app| {
        let i = index_of(app, &ns);
        app.connection == Connection::Live && !app.fleet.health(i).has(FlagKind::DataStale)
    })
    .await;
    let fx = Fixture::new(client(&env, &env.context).await).await;
    let _ = Api::<Namespace>::all(fx.client.clone())
        .delete(&ns, &DeleteParams::default())
        .await;
    ran("a_stopped_api_server_turns_its_rows_stale_and_live_again_when_it_is_back");
}

#[tokio::test]
async fn two_clusters_in_one_view_with_a_cluster_column() {
    let Some(env) = env() else { return };
    let Some(second) = env.second.clone() else {
        assert!(
            !required(),
            "SNAPDECK_KUBE_TEST_SECOND_CONTEXT is needed for two clusters"
        );
        eprintln!("skipped: SNAPDECK_KUBE_TEST_SECOND_CONTEXT is not set");
        return;
    };
    let _one = SERIAL.lock().await;
    let mut east = Fixture::new(client(&env, &env.context).await).await;
    let a = healthy_hub(&mut east, "in-first").await;
    let mut west = Fixture::new(client(&env, &second).await).await;
    let b = healthy_hub(&mut west, "in-second").await;

    let mut seen = Seen::start(settings(&env, &[&env.context, &second], Mode::Platform));
    seen.until("both clusters' tenants", Wait::from_secs(30), |app| {
        [&a, &b]
            .iter()
            .all(|s| app.fleet.tenants().iter().any(|t| t.slug == *s))
    })
    .await;
    let screen = seen.screen(200, 60);
    assert!(screen.contains("CLUSTER"), "{screen}");
    assert!(seen.row(&a).contains(&env.context), "{}", seen.row(&a));
    assert!(seen.row(&b).contains(&second), "{}", seen.row(&b));
    // The cluster's name is a filter word.
    press(&mut seen, KeyCode::Char('/'));
    type_text(&mut seen, &second);
    let screen = seen.screen(200, 250);
    assert!(screen.contains(&b) && !screen.contains(&a), "{screen}");
    east.cleanup().await;
    west.cleanup().await;
    ran("two_clusters_in_one_view_with_a_cluster_column");
}

#[tokio::test]
async fn self_host_tenants_are_their_snapshot_cronjobs_held_to_their_own_policy() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    // The customer's namespace carries none of the platform's labels.
    let ns = fx
        .namespace(&unique("selfhost"), json!({}), json!({}))
        .await;
    fx.cronjob(&ns, "0 3 * * *", false, None).await;
    for day in [3_i64, 2, 1] {
        let run = format!("s{day}");
        fx.snapshot(&ns, &run).await;
        fx.snapshot_ready(&ns, &run, Duration::days(day)).await;
    }
    let mode = Mode::SelfHost {
        rpo: Duration::hours(12),
        retention_days: 14,
    };
    let mut seen = Seen::start(settings(&env, &[&env.context], mode));
    seen.until("the self-host tenant", Wait::from_secs(20), |app| {
        app.fleet.tenants().iter().any(|t| t.slug == ns)
    })
    .await;
    let flags = seen.flags(&ns).unwrap();
    assert!(flags.contains(&FlagKind::RpoBreached), "{flags:?}");
    assert!(
        !flags.contains(&FlagKind::PairIncoherent)
            && !flags.contains(&FlagKind::CrossRegionLagging)
    );
    assert!(
        seen.explanations(&ns).contains("self-host policy's"),
        "{}",
        seen.explanations(&ns)
    );
    // The card says what is not part of a self-host backup.
    open_card(&mut seen, &ns);
    let screen = seen.screen(160, 45);
    assert!(screen.contains("not part of self-host backups"), "{screen}");
    assert!(screen.contains("self-host"), "{screen}");
    ran("self_host_tenants_are_their_snapshot_cronjobs_held_to_their_own_policy");
    fx.cleanup().await;
}

#[tokio::test]
async fn status_reads_the_clusters_through_the_same_source() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let labels = json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "standard"});
    let ns = fx
        .tenant(
            &unique("status"),
            labels,
            json!({"snapdeck.io/created-at": at(Duration::days(3))}),
        )
        .await;
    fx.cronjob(&ns, "0 2 * * *", false, None).await;
    let context = env.context.clone();
    let out = status_of(&env.kubeconfig, &["--context", &context, "--json"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let tenant = json["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == ns.as_str())
        .expect("the tenant in status --json");
    assert_eq!(tenant["health"]["level"], "red");
    assert_eq!(tenant["health"]["flags"][0]["id"], "never_backed_up");
    assert_eq!(tenant["cluster"]["cluster"], env.context.as_str());
    assert_eq!(out.status.code(), Some(2));
    fx.cleanup().await;
    ran("status_reads_the_clusters_through_the_same_source");
}

/// A daily schedule whose run comes in about two hours: a run three hours ago is then not
/// followed by one that is due, whatever the hour the test runs at (a fixed "0 3 * * *" made
/// this read as overdue between 03:15 and 06:00 UTC).
fn daily_not_due_yet() -> String {
    let hour = (Utc::now() + Duration::hours(2)).hour();
    format!("0 {hour} * * *")
}

/// A Role in `ns` letting the ServiceAccount `reader` read CronJobs and Jobs there, and
/// VolumeSnapshots too when `snapshots`.
async fn namespace_role(fx: &Fixture, ns: &str, snapshots: bool) {
    let mut rules = vec![
        json!({"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"],
                                "verbs": ["get", "list", "watch"]}),
    ];
    if snapshots {
        rules.push(json!({"apiGroups": ["snapshot.storage.k8s.io"],
                          "resources": ["volumesnapshots"], "verbs": ["get", "list", "watch"]}));
    }
    let role: Role =
        serde_json::from_value(json!({"metadata": {"name": "reader"}, "rules": rules})).unwrap();
    let roles: Api<Role> = Api::namespaced(fx.client.clone(), ns);
    let params = PatchParams::apply("snapdeck-test").force();
    roles
        .patch("reader", &params, &Patch::Apply(&role))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_context_whose_rights_stop_at_a_namespace_is_read_one_namespace_at_a_time() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    // A self-host customer's namespace, and a reader whose rights stop there.
    let ns = fx.namespace(&unique("own-ns"), json!({}), json!({})).await;
    fx.cronjob(&ns, &daily_not_due_yet(), false, None).await;
    fx.snapshot(&ns, "s1").await;
    fx.snapshot_ready(&ns, "s1", Duration::hours(3)).await;
    let accounts = reader_account(&fx, &ns).await;
    namespace_role(&fx, &ns, false).await;
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": ns}]
    }))
    .unwrap();
    Api::<RoleBinding>::namespaced(fx.client.clone(), &ns)
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    let (path, _dir) = kubeconfig_of_reader(&env, &accounts).await;
    let reader = Env {
        kubeconfig: path,
        context: "restricted".into(),
        second: None,
        local_dir: None,
    };
    let mode = Mode::SelfHost {
        rpo: Duration::hours(24),
        retention_days: 7,
    };
    let mut settings = settings(&reader, &["restricted"], mode);
    settings.watching.namespaces = vec![ns.clone()];
    let mut seen = Seen::start(settings);
    let expected = format!("restricted: cannot list volumesnapshots in {ns}: forbidden");
    seen.until("the forbidden list, naming the namespace", Wait::from_secs(20), |app| {
        matches!(&app.connection, Connection::Failing { error, .. } if error.contains(&expected))
    })
    .await;
    assert!(seen.app.fleet.tenants().is_empty());
    // The customer grants the snapshots: the watch's own retries find them.
    namespace_role(&fx, &ns, true).await;
    seen.until("live, the tenant shown", Wait::from_secs(60), |app| {
        app.connection == Connection::Live && app.fleet.tenants().iter().any(|t| t.slug == ns)
    })
    .await;
    assert_eq!(seen.flags(&ns), Some(vec![]), "{}", seen.explanations(&ns));
    fx.cleanup().await;
    ran("a_context_whose_rights_stop_at_a_namespace_is_read_one_namespace_at_a_time");
}

/// The test kubeconfig plus a context `gone` on `env.context`'s credentials whose API server
/// has stopped (a port nothing listens on).
fn kubeconfig_with_a_stopped_cluster(env: &Env) -> (PathBuf, tempfile::TempDir) {
    let mut kubeconfig = Kubeconfig::read_from(&env.kubeconfig).unwrap();
    let context = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == env.context)
        .cloned()
        .unwrap();
    let cluster_name = context.context.as_ref().unwrap().cluster.clone();
    let mut cluster = kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == cluster_name)
        .cloned()
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    cluster.name = "gone".to_string();
    cluster.cluster.as_mut().unwrap().server = Some(format!("https://127.0.0.1:{port}"));
    let mut gone = context.clone();
    gone.name = "gone".to_string();
    gone.context.as_mut().unwrap().cluster = "gone".to_string();
    kubeconfig.clusters.push(cluster);
    kubeconfig.contexts.push(gone);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    // JSON is YAML: kube-rs and kubectl read it as a kubeconfig.
    std::fs::write(&path, serde_json::to_string(&kubeconfig).unwrap()).unwrap();
    (path, dir)
}

async fn status_of(kubeconfig: &std::path::Path, args: &[&str]) -> std::process::Output {
    let kubeconfig = kubeconfig.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let config = tempfile::NamedTempFile::new().unwrap();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .args(["status", "--source", "kube"])
            .args(&args)
            .env("KUBECONFIG", kubeconfig)
            .env("SNAPDECK_CONFIG", config.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_cluster_never_read_is_named_and_never_passes_for_an_empty_one() {
    let Some(env) = env() else { return };
    let _one = SERIAL.lock().await;
    let (path, _dir) = kubeconfig_with_a_stopped_cluster(&env);

    // Alone: UNKNOWN in every format, naming the cluster, never "0 tenants" and OK.
    let out = status_of(&path, &["--context", "gone"]).await;
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{table}");
    assert!(table.contains("UNREAD: gone never read ("), "{table}");
    let out = status_of(&path, &["--context", "gone", "--format", "nagios"]).await;
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("SNAPDECK UNKNOWN - "), "{line}");
    assert!(line.contains("gone never read"), "{line}");
    assert_eq!(out.status.code(), Some(3));

    // Beside a cluster with a red tenant: CRITICAL, still naming the one never read.
    let mut fx = Fixture::new(client(&env, &env.context).await).await;
    let labels = json!({"snapdeck.io/kind": "hub", "snapdeck.io/tier": "standard"});
    let ns = fx
        .tenant(
            &unique("unread-red"),
            labels,
            json!({"snapdeck.io/created-at": at(Duration::days(3))}),
        )
        .await;
    fx.cronjob(&ns, "0 2 * * *", false, None).await;
    let context = env.context.clone();
    let out = status_of(
        &path,
        &["--context", &context, "--context", "gone", "--json"],
    )
    .await;
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(doc["unread"][0]["part"], "gone");
    assert!(
        doc["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == ns.as_str())
    );
    assert_eq!(out.status.code(), Some(2));

    // The dashboard says so too: in the table's border, not as a smaller fleet.
    let mut settings = settings(&env, &[&env.context, "gone"], Mode::Platform);
    settings.kubeconfig = Kubeconfig::read_from(&path).unwrap();
    let mut seen = Seen::start(settings);
    seen.until(
        "the stopped cluster named as never read",
        Wait::from_secs(20),
        |app| {
            app.unread.iter().any(|u| u.part == "gone")
                && app.fleet.tenants().iter().any(|t| t.slug == ns)
        },
    )
    .await;
    let screen = seen.screen(160, 40);
    assert!(screen.contains("never read: gone ("), "{screen}");
    fx.cleanup().await;
    ran("a_cluster_never_read_is_named_and_never_passes_for_an_empty_one");
}
