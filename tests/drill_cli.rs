//! `snapdeck drill`, the real binary against the reference server over HTTP on loopback
//! (its clock driven by the test, so an hour and a half of restore takes seconds), and the
//! runner through the in-process demo source.

mod support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};
use snapdeck::clock::{Clock, ManualClock};

const OPERATOR: &str = "operator-token-for-drills";
const VIEWER: &str = "viewer-token-for-drills";

use support::home::{Home, summary, ticking};
use support::served::Server;

async fn server() -> Server {
    support::served::serve(OPERATOR, Some(VIEWER)).await
}

async fn api(server: &Server, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method, format!("{}/api/v1{path}", server.url))
        .bearer_auth(OPERATOR)
        .header("Idempotency-Key", format!("test-{}", rand_key()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

fn rand_key() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn tenants(server: &Server) -> Vec<Value> {
    let page = api(server, reqwest::Method::GET, "/tenants?limit=1000", None).await;
    page["items"].as_array().unwrap().clone()
}

async fn restores(server: &Server) -> Vec<Value> {
    let page = api(server, reqwest::Method::GET, "/restores?limit=1000", None).await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pick_3_parallel_2_drills_records_and_discards_and_exits_by_the_results() {
    let server = server().await;
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let home = Home::new();
    let out = home
        .run(
            &server,
            OPERATOR,
            &["drill", "--pick", "3", "--parallel", "2", "--json"],
        )
        .await;
    let doc = summary(&out);
    let drills = doc["drills"].as_array().unwrap();
    assert_eq!(drills.len(), 3, "{doc}");
    // The pick: never drilled first, Dedicated first.
    let fleet = tenants(&server).await;
    let all = restores(&server).await;
    let mut worst = 0;
    for d in drills {
        let slug = d["tenant"].as_str().unwrap();
        let target = d["target_slug"].as_str().unwrap();
        assert!(target.starts_with(&format!("{slug}-drill-")), "{target}");
        assert_eq!(d["discarded"], json!(true), "{d}");
        let tenant = fleet.iter().find(|t| t["slug"] == slug).unwrap();
        assert_eq!(tenant["tier"], "dedicated", "{slug}");
        let last = &tenant["backup"]["last_drill"];
        assert_eq!(last["restore_id"], d["restore_id"], "{slug}: {last}");
        assert_eq!(last["result"], d["result"], "{slug}");
        let restore = all.iter().find(|r| r["id"] == d["restore_id"]).unwrap();
        assert_eq!(restore["phase"], "discarded");
        assert_eq!(restore["purpose"], "drill");
        assert_eq!(restore["mode"], "new_spoke");
        worst = worst.max(match d["result"].as_str().unwrap() {
            "passed" => 0,
            "warning" => 1,
            _ => 2,
        });
    }
    assert_eq!(out.status.code(), Some(worst), "{doc}");
    assert_eq!(doc["exit"], json!(worst));
    // The discarded spokes are torn down, then leave the fleet.
    server.clock.advance(Duration::minutes(11));
    let listed = tenants(&server).await;
    let left: Vec<&Value> = listed
        .iter()
        .filter(|t| t["slug"].as_str().unwrap().contains("-drill-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Every write went to the journal before it was sent, and its answer after.
    let journal = std::fs::read_to_string(home.journal()).unwrap();
    for op in ["create_restore", "record_drill", "discard_restore"] {
        let intents = journal
            .lines()
            .filter(|l| l.contains(&format!("\"op\":\"{op}\"")))
            .count();
        assert_eq!(intents, 3, "{op}: {journal}");
    }
    let outcomes = journal
        .lines()
        .filter(|l| l.contains("\"kind\":\"outcome\""))
        .count();
    assert_eq!(outcomes, 9);
    // In a pipe, progress is one stamped line per phase change.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("restoring database"), "{stderr}");
    assert!(stderr.contains("awaiting confirmation"), "{stderr}");
}

/// Creates plain restores of other tenants until the next restore the demo makes fails
/// halfway (the demo's failures are a pure function of its seed and the restore's index).
async fn next_restore_fails(server: &Server) {
    loop {
        let k = restores(server).await.len();
        if snapdeck::source::demo::failure_of(42, k).is_some() {
            return;
        }
        let fleet = tenants(server).await;
        let free = fleet
            .iter()
            .find(|t| {
                t["active_restore_id"].is_null()
                    && t["state"] == "active"
                    && t["restore_of"].is_null()
                    && t["slug"] != "riverside-music"
                    && t["backup"]["last_success"].is_object()
            })
            .unwrap();
        let path = format!("/tenants/{}/restores", free["id"].as_str().unwrap());
        api(
            server,
            reqwest::Method::POST,
            &path,
            Some(json!({"mode": "new_spoke"})),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_drill_exits_2_and_flags_its_tenant() {
    let server = server().await;
    next_restore_fails(&server).await;
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let home = Home::new();
    let out = home
        .run(&server, OPERATOR, &["drill", "--tenant", "riverside-music"])
        .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("✗ failed"), "{stdout}");
    assert!(stdout.contains("the restore failed: "), "{stdout}");
    // The tenant now carries the failed drill, and status flags it in words.
    let status = home.run(&server, OPERATOR, &["status", "--json"]).await;
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    let tenant = doc["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "riverside-music")
        .unwrap()
        .clone();
    assert_eq!(tenant["backup"]["last_drill"]["result"], "failed");
    let flags = tenant["health"]["flags"].as_array().unwrap();
    let flag = flags
        .iter()
        .find(|f| f["id"] == "last_drill_failed")
        .unwrap_or_else(|| panic!("{flags:?}"));
    assert!(
        flag["explanation"]
            .as_str()
            .unwrap()
            .contains("the restore failed"),
        "{flag}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_drill_starts_nothing_new_and_discards_what_it_made() {
    let server = server().await;
    let home = Home::new();
    let mut command = home.command(&server, OPERATOR, &["drill", "--pick", "3", "--json"]);
    command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    // The first drill is under way (past queued, so it can be discarded) and the clock stops.
    let made = loop {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        let drill = restores(&server)
            .await
            .into_iter()
            .find(|r| r["purpose"] == "drill");
        if let Some(drill) = drill {
            break drill;
        }
    };
    server.clock.advance(Duration::minutes(10));
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    let pid = child.id() as i32;
    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let doc = summary(&out);
    assert_eq!(out.status.code(), Some(3), "{doc}");
    assert_eq!(doc["interrupted"], json!(true));
    let drills = doc["drills"].as_array().unwrap();
    assert_eq!(drills.len(), 1, "no new drill after the stop: {doc}");
    assert_eq!(drills[0]["result"], "interrupted");
    assert_eq!(drills[0]["discarded"], json!(true));
    let after = restores(&server).await;
    let drill_restores: Vec<&Value> = after.iter().filter(|r| r["purpose"] == "drill").collect();
    assert_eq!(drill_restores.len(), 1);
    assert_eq!(drill_restores[0]["id"], made["id"]);
    assert_eq!(drill_restores[0]["phase"], "discarded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stopping = stderr
        .lines()
        .find(|l| l.contains("stopping: no new drill starts"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        stopping.contains("(a second signal does not hurry this"),
        "one sentence, no run of spaces: {stopping}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_left_behind_by_a_crash_is_listed_and_discarded_by_the_next_run() {
    let server = server().await;
    // As a run killed mid-drill leaves it: a drill restore under way, no result.
    let fleet = tenants(&server).await;
    let oak = fleet.iter().find(|t| t["slug"] == "ashford-s7").unwrap();
    let path = format!("/tenants/{}/restores", oak["id"].as_str().unwrap());
    let left = api(
        &server,
        reqwest::Method::POST,
        &path,
        Some(json!({"mode": "new_spoke", "purpose": "drill",
                    "target_slug": "ashford-s7-drill-20261126", "ticket": null})),
    )
    .await;
    server.clock.advance(Duration::minutes(10));
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let home = Home::new();
    let out = home
        .run(&server, OPERATOR, &["drill", "--tenant", "ashford-s8"])
        .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = left["id"].as_str().unwrap();
    assert!(
        stdout.contains(&format!(
            "left behind by an earlier run: {id} → ashford-s7-drill-20261126"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("discarded"), "{stdout}");
    assert!(stderr.contains(&format!("found {id}")), "{stderr}");
    let after = restores(&server).await;
    let gone = after.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(gone["phase"], "discarded");
    assert!(
        stdout.contains("ashford-s8-drill-"),
        "the asked-for drill ran too: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_token_exits_3_with_the_403_in_words() {
    let server = server().await;
    let home = Home::new();
    let out = home
        .run(&server, VIEWER, &["drill", "--tenant", "ashford-s8"])
        .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("403"), "{stdout}");
    assert!(
        !restores(&server)
            .await
            .iter()
            .any(|r| r["purpose"] == "drill"),
        "nothing was made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kube_source_and_read_only_cannot_drill_and_say_so() {
    let home = Home::new();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .arg("--config")
            .arg(home.dir.path().join("config.toml"))
            .args(args)
            .env("SNAPDECK_JOURNAL", home.journal())
            .output()
            .unwrap()
    };
    let kube = run(&["drill", "--source", "kube", "--pick", "1"]);
    assert_eq!(kube.status.code(), Some(3));
    let words = String::from_utf8_lossy(&kube.stderr);
    assert!(
        words.contains("are made by the control plane (use --source http)"),
        "one sentence, no run of spaces: {words}"
    );
    let read_only = run(&["--read-only", "drill", "--pick", "1"]);
    assert_eq!(read_only.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&read_only.stderr).contains("read-only"));
}

/// A CronJob's parser reads stdout: `drill --json` that cannot run still prints one JSON
/// document there, with the reason and the exit code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_that_cannot_run_prints_its_error_as_json() {
    let home = Home::new();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .arg("--config")
            .arg(home.dir.path().join("config.toml"))
            .args(args)
            .env("SNAPDECK_JOURNAL", home.journal())
            .output()
            .unwrap()
    };
    for (args, says) in [
        (&["drill", "--json"][..], "--pick"),
        (
            &["drill", "--json", "--pick", "1", "--read-only"],
            "read-only",
        ),
        (
            &["drill", "--json", "--source", "kube", "--pick", "1"],
            "kube source",
        ),
        (
            &["drill", "--json", "--tenant", "a", "--pick", "1"],
            "--pick",
        ),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let doc = summary(&out);
        assert_eq!(doc["exit"], json!(3), "{args:?}: {doc}");
        let error = doc["error"].as_str().unwrap_or_default();
        assert!(error.contains(says), "{args:?}: {doc}");
        assert!(!error.contains("  ") && !error.contains('\n'), "{error}");
    }
}

/// A control plane of v1 without the additions: everything is forwarded to the reference
/// server but the drill paths, which answer the contract's 404.
async fn without_the_additions(upstream: String) -> String {
    use support::proxy::{Instead, error, proxy};
    let rule: support::proxy::Rule = std::sync::Arc::new(|_, path: &str| {
        if path.contains("/drills") || path.contains("/drill-result") {
            error(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "no such path",
            )
        } else {
            Instead::Forward
        }
    });
    proxy(upstream, rule).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_plane_without_the_additions_exits_3_in_words_and_writes_nothing() {
    let real = server().await;
    let old = real.through(without_the_additions(real.url.clone()).await);
    let home = Home::new();
    let out = home.run(&old, OPERATOR, &["drill", "--pick", "1"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("this control plane has no restore drills (the v1 additions)"),
        "{stderr}"
    );
    let out = home
        .run(&old, OPERATOR, &["drill", "--pick", "1", "--json"])
        .await;
    let doc = summary(&out);
    assert_eq!((out.status.code(), &doc["exit"]), (Some(3), &json!(3)));
    assert!(
        doc["error"]
            .as_str()
            .unwrap_or_default()
            .contains("this control plane has no restore drills"),
        "{doc}"
    );
    assert!(
        !restores(&real)
            .await
            .iter()
            .any(|r| r["purpose"] == "drill")
    );
    assert!(
        !home.journal().exists() || std::fs::read_to_string(home.journal()).unwrap().is_empty()
    );
}

/// The runner through the in-process demo source, as `snapdeck drill --source demo` runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_source_drills_the_least_proved_tenants_and_records_them() {
    use snapdeck::commands::drill::{self, Options, PointChoice, Which};
    use snapdeck::ops::progress::Plain;
    use snapdeck::source::demo::DemoSource;
    let start = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let _tick = ticking(clock.clone(), Duration::seconds(30));
    let dir = tempfile::tempdir().unwrap();
    let source = DemoSource::new(42, 60, clock.clone(), StdDuration::from_secs(1));
    let options = Options {
        which: Which::Pick {
            count: 2,
            tier: Some(snapdeck::domain::tenant::Tier::Standard),
        },
        point: PointChoice::Random,
        parallel: 2,
        time_limit: None,
        cross_region: false,
        verify: None,
        journal: Some(dir.path().join("journal.jsonl")),
        operator: "drill-test".into(),
        source_label: "demo".into(),
        session: "t".into(),
        seed: 7,
    };
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let progress = Arc::new(Plain::new(Box::new(std::io::sink())));
    let summary = drill::run(Box::new(source), options, progress, stopped)
        .await
        .unwrap();
    assert_eq!(summary.drills.len(), 2);
    for d in &summary.drills {
        assert_eq!(d.tier, snapdeck::domain::tenant::Tier::Standard);
        assert_eq!(d.discarded, Some(Ok(())), "{d:?}");
        assert!(
            matches!(
                d.ending,
                drill::Ending::Ran {
                    recorded: Ok(()),
                    ..
                }
            ),
            "{d:?}"
        );
        // Standard's RTO is the limit, and a random point within retention was restored.
        assert_eq!(d.limit, Duration::hours(8));
        let point = d.point_taken_at.unwrap();
        assert!(point > clock.now() - Duration::days(31), "{point}");
    }
}

/// A tenant's entry in `status --json`.
fn tenant_in<'a>(doc: &'a Value, slug: &str) -> &'a Value {
    doc["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == slug)
        .unwrap()
}

fn has_flag(tenant: &Value, id: &str) -> bool {
    tenant["health"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_drill_restores_from_the_copy_records_discards_and_clears_failover_untested() {
    let server = server().await;
    let home = Home::new();
    let config = home.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "refresh_interval_secs = 1\n[drills]\nmax_age_days = 30\n",
    )
    .unwrap();
    let before = home.run(&server, OPERATOR, &["status", "--json"]).await;
    let before: Value = serde_json::from_slice(&before.stdout).unwrap();
    // A Dedicated tenant whose copies have never been proved: its last drill was in-region.
    let slug = before["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            has_flag(t, "failover_untested")
                && t["active_restore_id"].is_null()
                && t["backup"]["last_drill"].is_object()
                && !has_flag(t, "data_stale")
        })
        .and_then(|t| t["slug"].as_str())
        .expect("a Dedicated tenant with an in-region drill")
        .to_string();
    let secondary = tenant_in(&before, &slug)["secondary_region"].clone();
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let out = home
        .run(
            &server,
            OPERATOR,
            &["drill", "--tenant", &slug, "--cross-region", "--json"],
        )
        .await;
    let doc = summary(&out);
    let drill = &doc["drills"][0];
    assert_eq!(drill["target_region"], secondary, "{doc}");
    assert_eq!(drill["discarded"], json!(true), "{doc}");
    let after = home.run(&server, OPERATOR, &["status", "--json"]).await;
    let after: Value = serde_json::from_slice(&after.stdout).unwrap();
    let tenant = tenant_in(&after, &slug);
    assert_eq!(tenant["backup"]["last_drill"]["target_region"], secondary);
    let passed = drill["result"] == "passed";
    assert_eq!(has_flag(tenant, "failover_untested"), !passed, "{tenant}");
    // A Standard tenant has no copy to drill from: skipped in words, nothing made.
    let standard = home
        .run(
            &server,
            OPERATOR,
            &["drill", "--tenant", "riverside-hub", "--cross-region"],
        )
        .await;
    let stderr = String::from_utf8_lossy(&standard.stderr);
    let stdout = String::from_utf8_lossy(&standard.stdout);
    assert!(
        format!("{stdout}{stderr}").contains("riverside-hub has no cross-region copy"),
        "{stdout}{stderr}"
    );
}
