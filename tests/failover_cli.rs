//! `snapdeck failover`, the real binary against the reference server over HTTP on loopback,
//! eu-west-1 down from the start, the server's clock driven by the test (an afternoon of
//! restores takes seconds).

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use snapdeck::domain::region::{Outage, RegionStatus};
use support::home::{Home, summary, ticking};
use support::proxy::{Instead, Rule, error, proxy};
use support::served::{Server, serve_with};

const OPERATOR: &str = "operator-token-for-failover";

async fn down(tenants: usize, outage: &str) -> Server {
    let outage = Outage::parse(outage, RegionStatus::Down).unwrap();
    serve_with(OPERATOR, None, tenants, vec![outage]).await
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

async fn plan(home: &Home, server: &Server, extra: &[&str]) -> Value {
    let mut args = vec!["failover", "plan", "--region", "eu-west-1", "--json"];
    args.extend_from_slice(extra);
    let out = home.run(server, OPERATOR, &args).await;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    summary(&out)
}

/// The batch's restores on the server, by the API.
async fn batch_restores(server: &Server, batch: &str) -> Vec<Value> {
    let url = format!("{}/api/v1/restores?batch={batch}&limit=1000", server.url);
    let page: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

fn the_batch(home: &Home) -> String {
    let dir = home.dir.path().join("batches");
    let entry = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap();
    entry
        .path()
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_and_its_projection_match_a_hand_computation() {
    let server = down(60, "eu-west-1").await;
    let home = Home::new();
    let doc = plan(&home, &server, &["--parallel", "2"]).await;
    let entries = doc["entries"].as_array().unwrap();
    assert!(entries.len() >= 5, "{doc:#}");
    // The outage began at the start: the RTO counts from there, 4 h.
    let since = at(&doc["since"]);
    assert_eq!(since, support::now());
    assert_eq!(
        at(&doc["projection"]["deadline"]),
        since + Duration::hours(4)
    );
    // By hand: two slots, in the plan's order, each restore starting when the earlier of the
    // two frees.
    let made = at(&doc["made_at"]);
    let mut slots = [made, made];
    let mut past = 0;
    for e in entries {
        let took = Duration::seconds(e["estimate"]["took"].as_i64().unwrap());
        slots.sort();
        let end = slots[0] + took;
        slots[0] = end;
        assert_eq!(at(&e["back_by"]), end, "{}", e["slug"]);
        past += usize::from(end > since + Duration::hours(4));
        // Every point is the newest copied, with its id, exact.
        assert_eq!(e["point"]["exact"], Value::Bool(true), "{e}");
        assert_eq!(e["to"], "eu-central-1");
    }
    assert_eq!(doc["projection"]["past"].as_u64(), Some(past as u64));
    // Hubs before their spokes, then shortest first.
    let keys: Vec<(bool, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["after_hub"].as_bool().unwrap(),
                e["estimate"]["took"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    // Nothing dropped: every tenant of the region is planned or listed for what it is.
    let all = support::home::status_json(&home, &server, OPERATOR).await;
    let in_region = all["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["region"] == "eu-west-1")
        .count();
    assert_eq!(
        entries.len() + doc["left_out"].as_array().unwrap().len(),
        in_region
    );
    assert!(
        doc["left_out"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["why"] == "standard")
    );
}

/// Runs the batch until every tenant is swapped, as an operator would: retrying what failed
/// and confirming alone, by name, what did not pass every check. Each run's JSON summary.
async fn run_to_swapped(home: &Home, server: &Server, batch: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    for _ in 0..8 {
        let mut args = vec!["failover", "resume", "--batch", batch, "--json"];
        args.extend(["--retry-failed", "--confirm-passed", "--swap-dns"]);
        let last: Option<&Value> = docs.last();
        let names: Vec<String> = last
            .map(|d: &Value| {
                d["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|m| m["state"] == "awaiting you" && m["checks_passed"] == false)
                    .map(|m| m["slug"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        for name in &names {
            args.extend(["--confirm-tenant", name]);
        }
        let out = home.run(server, OPERATOR, &args).await;
        let doc = summary(&out);
        let code = out.status.code();
        docs.push(doc);
        if code == Some(0) {
            return docs;
        }
    }
    let stuck: Vec<&Value> = docs.last().unwrap()["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] != "swapped")
        .collect();
    panic!("not all swapped: {stuck:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_20_at_4_at_once_goes_to_all_swapped_one_restore_per_tenant() {
    let server = down(100, "eu-west-1").await;
    let home = Home::new();
    let doc = plan(&home, &server, &[]).await;
    let entries = doc["entries"].as_array().unwrap();
    assert!(entries.len() >= 20, "{}", entries.len());
    let mut args = vec![
        "failover",
        "run",
        "--region",
        "eu-west-1",
        "--parallel",
        "4",
        "--json",
    ];
    args.extend(["--confirm-passed", "--swap-dns"]);
    let extra: Vec<&str> = entries[20..]
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    for slug in &extra {
        args.extend(["--exclude", slug]);
    }
    // Not without the region's name typed: nothing written.
    let out = home.run(&server, OPERATOR, &args).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--confirm eu-west-1"));
    assert!(!home.journal().exists());
    args.extend(["--confirm", "eu-west-1"]);
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let out = home.run(&server, OPERATOR, &args).await;
    let first = summary(&out);
    assert_eq!(first["members"].as_array().unwrap().len(), 20);
    let batch = first["batch"].as_str().unwrap().to_string();
    let mut docs = vec![first.clone()];
    if out.status.code() != Some(0) {
        docs.extend(run_to_swapped(&home, &server, &batch).await);
    }
    let last = docs.last().unwrap();
    assert_eq!(last["totals"]["swapped"], 20, "{last:#}");
    // The one demo restore in eight that fails was listed as failed, and launched again.
    let failed_once = docs
        .iter()
        .any(|d| d["totals"]["failed"].as_u64() > Some(0));
    let relaunched = docs.iter().any(|d| {
        d["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["launches"].as_u64() > Some(1))
    });
    assert_eq!(failed_once, relaunched, "{:#}", docs[0]);
    // One restore per tenant that was not a failure; every one carries the batch.
    let restores = batch_restores(&server, &batch).await;
    let mut alive: HashMap<String, usize> = HashMap::new();
    for r in &restores {
        assert_eq!(r["purpose"], "failover");
        assert_eq!(r["target_region"], "eu-central-1");
        if r["phase"] != "failed" {
            *alive
                .entry(r["tenant_id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert_eq!(alive.len(), 20);
    assert!(alive.values().all(|n| *n == 1), "{alive:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_launch_and_resumed_it_restores_each_tenant_once() {
    let real = down(100, "eu-west-1").await;
    // Launches take 400 ms each to answer: the kill lands among them.
    let rule: Rule = Arc::new(|method: &Method, path: &str| {
        if method == Method::POST && path.ends_with("/restores") {
            Instead::Delay(std::time::Duration::from_millis(400))
        } else {
            Instead::Forward
        }
    });
    let slow = real.through(proxy(real.url.clone(), rule).await);
    let home = Home::new();
    let doc = plan(&home, &slow, &[]).await;
    let planned: HashSet<String> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["tenant"].as_str().unwrap().to_string())
        .collect();
    let mut child = home
        .command(
            &slow,
            OPERATOR,
            &[
                "failover",
                "run",
                "--region",
                "eu-west-1",
                "--confirm",
                "eu-west-1",
                "--parallel",
                "20",
            ],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the third launch to be journaled, then kill -9.
    let journal = home.journal();
    for _ in 0..400 {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if text.matches("\"create_restore\"").count() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let batch = the_batch(&home);
    let before = batch_restores(&real, &batch).await.len();
    assert!(
        before < planned.len(),
        "the kill came after every launch: {before}"
    );
    let _tick = ticking(real.clock.clone(), Duration::seconds(30));
    let out = home
        .run(
            &slow,
            OPERATOR,
            &["failover", "resume", "--batch", &batch, "--json"],
        )
        .await;
    let doc = summary(&out);
    assert_ne!(out.status.code(), Some(3), "{doc:#}");
    let restores = batch_restores(&real, &batch).await;
    let tenants: Vec<&str> = restores
        .iter()
        .map(|r| r["tenant_id"].as_str().unwrap())
        .collect();
    let distinct: HashSet<&str> = tenants.iter().copied().collect();
    assert_eq!(
        tenants.len(),
        distinct.len(),
        "a tenant restored twice: {tenants:?}"
    );
    assert_eq!(distinct.len(), planned.len(), "a tenant forgotten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_slows_the_launches_and_drops_no_tenant() {
    let real = down(60, "eu-west-1").await;
    let posts = Arc::new(AtomicUsize::new(0));
    let counted = posts.clone();
    // Two launches in three are refused for now, Retry-After 1 s.
    let rule: Rule = Arc::new(move |method: &Method, path: &str| {
        if method == Method::POST && path.ends_with("/restores") {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            if n % 3 != 2 {
                let Instead::Answer(status, mut headers, body) =
                    error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down")
                else {
                    unreachable!()
                };
                headers.insert("retry-after", "1".parse().unwrap());
                return Instead::Answer(status, headers, body);
            }
        }
        Instead::Forward
    });
    let storm = real.through(proxy(real.url.clone(), rule).await);
    let home = Home::new();
    let planned = plan(&home, &storm, &[]).await["entries"]
        .as_array()
        .unwrap()
        .len();
    let _tick = ticking(real.clock.clone(), Duration::seconds(30));
    let out = home
        .run(
            &storm,
            OPERATOR,
            &[
                "failover",
                "run",
                "--region",
                "eu-west-1",
                "--confirm",
                "eu-west-1",
                "--parallel",
                "4",
                "--json",
            ],
        )
        .await;
    let doc = summary(&out);
    let batch = doc["batch"].as_str().unwrap();
    let restores = batch_restores(&real, batch).await;
    let distinct: HashSet<&str> = restores
        .iter()
        .map(|r| r["tenant_id"].as_str().unwrap())
        .collect();
    assert_eq!(distinct.len(), planned, "{doc:#}");
    assert_eq!(restores.len(), planned, "one restore each");
    assert!(posts.load(Ordering::SeqCst) > planned, "the storm was met");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_control_plane_without_the_additions_exits_3_in_words_and_writes_nothing() {
    let real = down(60, "eu-west-1").await;
    let rule: Rule = Arc::new(|_: &Method, path: &str| {
        if path.contains("/regions") {
            error(StatusCode::NOT_FOUND, "not_found", "no such path")
        } else {
            Instead::Forward
        }
    });
    let old = real.through(proxy(real.url.clone(), rule).await);
    let home = Home::new();
    for args in [
        &["failover", "plan", "--region", "eu-west-1"][..],
        &[
            "failover",
            "run",
            "--region",
            "eu-west-1",
            "--confirm",
            "eu-west-1",
        ][..],
    ] {
        let out = home.run(&old, OPERATOR, args).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.contains("no failover through this source"),
            "{stderr}"
        );
    }
    assert!(!home.journal().exists());
    assert!(batch_restores(&real, "fo_any").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_region_is_back_the_batch_fails_back_into_it() {
    let server = down(60, "eu-west-1..+6h").await;
    let home = Home::new();
    let doc = plan(&home, &server, &[]).await;
    let first = doc["entries"][0]["slug"].as_str().unwrap().to_string();
    let others: Vec<String> = doc["entries"].as_array().unwrap()[1..]
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_string())
        .collect();
    let mut args = vec![
        "failover",
        "run",
        "--region",
        "eu-west-1",
        "--confirm",
        "eu-west-1",
    ];
    args.extend(["--confirm-passed", "--swap-dns", "--json"]);
    for slug in &others {
        args.extend(["--exclude", slug]);
    }
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let out = home.run(&server, OPERATOR, &args).await;
    let batch = summary(&out)["batch"].as_str().unwrap().to_string();
    run_to_swapped(&home, &server, &batch).await;
    // Wait for the region to be back and the new spoke to have a copy there.
    let mut back = Value::Null;
    for _ in 0..200 {
        let out = home
            .run(
                &server,
                OPERATOR,
                &["failover", "plan", "--fail-back", &batch, "--json"],
            )
            .await;
        back = summary(&out);
        if back["entries"].as_array().is_some_and(|e| !e.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let entries = back["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{back:#}");
    assert!(
        entries[0]["slug"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{first}-restore-"))
    );
    assert_eq!(entries[0]["to"], "eu-west-1");
    assert_eq!(back["kind"], "fail_back");
    assert_eq!(back["region"], "eu-central-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_failover_runs_the_plan_as_drills_and_measures_it() {
    let server = serve_with(OPERATOR, None, 60, Vec::new()).await;
    let home = Home::new();
    let doc = plan(&home, &server, &[]).await;
    let entries = doc["entries"].as_array().unwrap();
    let mut args = vec![
        "failover",
        "run",
        "--region",
        "eu-west-1",
        "--drill",
        "--json",
    ];
    let rest: Vec<&str> = entries[2..]
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    for slug in &rest {
        args.extend(["--exclude", slug]);
    }
    // A real failover of a region that is up is refused; a test is not.
    let refused = home
        .run(
            &server,
            OPERATOR,
            &[
                "failover",
                "run",
                "--region",
                "eu-west-1",
                "--confirm",
                "eu-west-1",
            ],
        )
        .await;
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("eu-west-1 is ok"));
    let _tick = ticking(server.clock.clone(), Duration::seconds(30));
    let out = home.run(&server, OPERATOR, &args).await;
    let doc = summary(&out);
    let measured = doc["against_plan"].as_array().unwrap();
    assert_eq!(measured.len(), 2, "{doc:#}");
    for m in measured {
        assert!(m["planned_seconds"].as_i64().is_some(), "{m}");
    }
    for d in doc["drills"].as_array().unwrap() {
        assert_eq!(d["target_region"], "eu-central-1");
        assert_eq!(d["discarded"], Value::Bool(true), "{d}");
    }
}
