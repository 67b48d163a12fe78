//! `snapdeck report`, the real binary against the reference server over HTTP on loopback (its
//! clock driven by the test): (1) a restore walked to a DNS swap, its report compared with
//! the journal and the control plane; (2) a discarded drill's report; (3) what cannot be
//! reported exits 3 in words.

mod support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use snapdeck::clock::ManualClock;
use snapdeck::domain::restore::{CreateRestore, RestoreMode};
use snapdeck::journal::{Action, IdempotencyKey, Intent, Journal, Outcome, details_of};

const TOKEN: &str = "operator-token-for-reports";
const TICKET: &str = "SUP-9001";

use support::home::Home;
use support::served::Server;

async fn server() -> Server {
    support::served::serve(TOKEN, None).await
}

/// The report's two forms, read through the binary in a temporary home.
impl Home {
    async fn report(&self, server: &Server, id: &str) -> Value {
        let out = self
            .run(server, TOKEN, &["report", id, "--format", "json"])
            .await;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    }

    async fn markdown(&self, server: &Server, id: &str) -> String {
        let out = self.run(server, TOKEN, &["report", id]).await;
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    }
}

async fn api(server: &Server, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let answer = api_answer(server, method, path, body).await;
    let (status, body) = answer;
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

async fn api_answer(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (reqwest::StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", server.url))
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", format!("report-test-{}", nanos()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// Journals `intent` before it is sent and the answer after, as the dashboard does.
fn journaled(journal: &mut Journal, intent: &Intent, answer: &Value) {
    journal.append_intent(intent).unwrap();
    let key = intent.idempotency_key.clone();
    let id = answer["id"].as_str().map(str::to_string);
    journal.append_outcome(&Outcome::ok(key, id)).unwrap();
}

fn intent(op: Action, target: &str, key: &str) -> Intent {
    let mut intent = Intent::new(op, target, "http test", IdempotencyKey::from(key));
    intent.operator = "alice".into();
    intent.ticket = Some(TICKET.into());
    intent
}

/// A new-spoke restore that reaches awaiting confirmation: the first of the healthy spokes
/// whose restore does not fail halfway (about one in eight does, in the demo), journaled as
/// the wizard journals a launch. Answers the restore as the control plane holds it.
async fn restored(server: &Server, journal: &mut Journal) -> Value {
    let tenants = api(server, reqwest::Method::GET, "/tenants?limit=1000", None).await;
    let candidates: Vec<Value> = tenants["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["kind"] == "spoke"
                && t["state"] == "active"
                && t["active_restore_id"].is_null()
                && !t["backup"]["last_success"].is_null()
        })
        .cloned()
        .collect();
    for (n, tenant) in candidates.iter().enumerate() {
        let request = CreateRestore {
            target_region: None,
            batch: None,
            restore_point_id: None,
            mode: RestoreMode::NewSpoke,
            target_slug: None,
            ticket: Some(TICKET.into()),
            reason: Some("teacher deleted course 1182".into()),
            purpose: Default::default(),
        };
        let slug = tenant["slug"].as_str().unwrap();
        let mut launch = intent(Action::CreateRestore, slug, &format!("k-launch-{n}"));
        launch.details = details_of(&request);
        let path = format!("/tenants/{}/restores", tenant["id"].as_str().unwrap());
        let made = api(server, reqwest::Method::POST, &path, Some(json!(request))).await;
        journaled(journal, &launch, &made);
        server.clock.advance(Duration::hours(3));
        let id = made["id"].as_str().unwrap();
        let now = api(
            server,
            reqwest::Method::GET,
            &format!("/restores/{id}"),
            None,
        )
        .await;
        if now["phase"] == "awaiting_confirmation" {
            return now;
        }
    }
    panic!("no restore of the demo fleet reached awaiting confirmation");
}

// 1. A restore walked to a DNS swap.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_walked_to_a_dns_swap_is_reported_as_the_journal_and_the_control_plane_say() {
    let server = server().await;
    let home = Home::new();
    let mut journal = Journal::open(&home.journal()).unwrap();
    let restore = restored(&server, &mut journal).await;
    let id = restore["id"].as_str().unwrap().to_string();
    let tenant_id = restore["tenant_id"].as_str().unwrap().to_string();
    // Confirmed with notes and snapdeck's own checks, as the monitor journals them
    // (`App::own_checks_journaled`).
    let mut confirm = intent(Action::ConfirmRestore, &id, "k-confirm");
    confirm
        .details
        .insert("notes".into(), json!("course 1182 and its files are back"));
    confirm.details.insert(
        "snapdeck_checks".into(),
        json!({"verdict": "passed", "checks": [
            {"check": "identity", "verdict": "passed", "summary": "same site"},
            {"check": "moodledata", "verdict": "passed", "summary": "200 of 200 files"}]}),
    );
    let path = format!("/restores/{id}/confirm");
    let body = json!({"notes": "course 1182 and its files are back"});
    let confirmed = api(&server, reqwest::Method::POST, &path, Some(body)).await;
    journaled(&mut journal, &confirm, &confirmed);
    // Swapped, and a quarter of an hour for it to settle (a TTL or five).
    let mut swap_intent = intent(Action::CreateDnsSwap, &id, "k-swap");
    swap_intent
        .details
        .insert("tenant".into(), restore["source_slug"].clone());
    let path = format!("/tenants/{tenant_id}/dns-swaps");
    let swap = api(
        &server,
        reqwest::Method::POST,
        &path,
        Some(json!({"restore_id": id})),
    )
    .await;
    journaled(&mut journal, &swap_intent, &swap);
    server.clock.advance(Duration::minutes(15));
    let swap_id = swap["id"].as_str().unwrap().to_string();
    let swap_now = api(
        &server,
        reqwest::Method::GET,
        &format!("/dns-swaps/{swap_id}"),
        None,
    )
    .await;
    let restore_now = api(
        &server,
        reqwest::Method::GET,
        &format!("/restores/{id}"),
        None,
    )
    .await;

    let report = home.report(&server, &id).await;
    // The restore as the control plane holds it.
    assert_eq!(report["restore_id"], json!(id));
    assert_eq!(report["drill"], json!(false));
    assert_eq!(report["tenant"]["slug"], restore_now["source_slug"]);
    assert_eq!(report["restore"]["phase"], json!("completed"));
    assert_eq!(report["restore"]["mode"], json!("new_spoke"));
    assert_eq!(report["restore"]["target_slug"], restore_now["target_slug"]);
    assert_eq!(
        report["restore"]["point_id"],
        restore_now["restore_point_id"]
    );
    assert_eq!(report["restore"]["ticket"], json!(TICKET));
    assert_eq!(
        report["restore"]["confirmed_by"],
        restore_now["confirmed_by"]
    );
    // The reason is the journal's: the control plane does not keep it.
    assert_eq!(
        report["restore"]["reason"],
        json!("teacher deleted course 1182")
    );
    // The data-loss window starts at the point's dump.
    let since = report["data_loss"]["since"].as_str().unwrap();
    assert!(
        report["data_loss"]["words"]
            .as_str()
            .unwrap()
            .starts_with("Changes made after "),
        "{}",
        report["data_loss"]
    );
    assert!(since <= restore_now["requested_at"].as_str().unwrap());
    // The RTO: the control plane's deadline, judged at the restore's last step.
    let deadline = restore_now["rto_deadline_at"].as_str().map(parse);
    let back = restore_now["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["finished_at"].as_str().map(parse))
        .max()
        .unwrap();
    assert_eq!(report["rto"]["deadline"].as_str().map(parse), deadline);
    assert_eq!(report["rto"]["deadline_from"], json!("control_plane"));
    let expected = if Some(back) <= deadline {
        "met"
    } else {
        "late"
    };
    assert_eq!(
        report["rto"]["verdict"],
        json!(expected),
        "{}",
        report["rto"]
    );
    // The control plane's checks, one line each, and snapdeck's own as journaled.
    let theirs = restore_now["verification"].as_array().unwrap();
    let listed = report["checks"]["control_plane"].as_array().unwrap();
    assert_eq!(listed.len(), theirs.len());
    for (line, check) in listed.iter().zip(theirs) {
        assert_eq!(line["name"], check["name"]);
        assert_eq!(line["verdict"], check["status"]);
    }
    assert_eq!(report["checks"]["snapdeck_verdict"], json!("passed"));
    assert_eq!(report["checks"]["snapdeck"][1]["name"], json!("moodledata"));
    // The swap as the control plane holds it, settled or not.
    let swaps = report["dns"]["swaps"].as_array().unwrap();
    assert_eq!(swaps.len(), 1, "{}", report["dns"]);
    assert_eq!(swaps[0]["id"], json!(swap_id));
    assert_eq!(swaps[0]["phase"], swap_now["phase"]);
    assert_eq!(swaps[0]["to_target"], swap_now["to_target"]);
    // Who did what: the three journaled acts with their answers.
    let timeline = report["timeline"].as_array().unwrap();
    let from_journal: Vec<(&str, &str, &str)> = timeline
        .iter()
        .filter(|m| m["told_by"] == "journal")
        .map(|m| {
            (
                m["who"].as_str().unwrap(),
                m["what"].as_str().unwrap(),
                m["answer"].as_str().unwrap(),
            )
        })
        .collect();
    let swapped = format!("swapped DNS to the restored spoke ({swap_id})");
    assert_eq!(
        from_journal,
        [
            ("alice", "launched the restore", "ok"),
            (
                "alice",
                "confirmed it: “course 1182 and its files are back”",
                "ok"
            ),
            ("alice", swapped.as_str(), "ok"),
        ]
    );
    assert!(
        timeline.iter().any(|m| m["told_by"] == "control_plane"
            && m["what"] == "the restore's last step finished: the data was back"),
        "{timeline:?}"
    );
    assert_eq!(report["gaps"], json!([]));

    let text = home.markdown(&server, &id).await;
    for part in [
        format!(
            "### Restore {id} of {} — {TICKET}",
            restore_now["source_slug"].as_str().unwrap()
        ),
        "- **Reason:** teacher deleted course 1182".to_string(),
        "**Data loss.** Changes made after".to_string(),
        format!("- {swap_id}: "),
        "alice: confirmed it: “course 1182 and its files are back” → ok _(journal)_".to_string(),
    ] {
        assert!(text.contains(&part), "{part:?} in:\n{text}");
    }
}

fn parse(text: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

// 2. A discarded drill.

/// Moves the server's clock on by `step` every 20 ms until dropped.
fn ticking(clock: Arc<ManualClock>, step: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
            clock.advance(step);
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discarded_drills_report_says_it_was_a_drill() {
    let server = server().await;
    let home = Home::new();
    let tick = ticking(server.clock.clone(), Duration::seconds(30));
    let out = home
        .run(&server, TOKEN, &["drill", "--pick", "1", "--json"])
        .await;
    tick.abort();
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let drill = &summary["drills"][0];
    let id = drill["restore_id"].as_str().unwrap().to_string();
    let slug = drill["tenant"].as_str().unwrap();
    let tenants = api(&server, reqwest::Method::GET, "/tenants?limit=1000", None).await;
    let tenant = tenants["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == slug)
        .unwrap()
        .clone();
    let last = &tenant["backup"]["last_drill"];

    let report = home.report(&server, &id).await;
    assert_eq!(report["drill"], json!(true));
    assert_eq!(report["restore"]["phase"], json!("discarded"));
    assert_eq!(report["drill_result"]["result"], last["result"]);
    assert_eq!(report["drill_result"]["summary"], last["summary"]);
    assert_eq!(
        report["dns"]["words"],
        json!("none: a drill never swaps DNS")
    );
    assert!(
        ["drill_within", "drill_over"].contains(&report["rto"]["verdict"].as_str().unwrap()),
        "{}",
        report["rto"]
    );
    let from_journal: Vec<&str> = report["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["told_by"] == "journal")
        .map(|m| m["what"].as_str().unwrap())
        .collect();
    assert_eq!(from_journal.len(), 3, "{from_journal:?}");
    assert_eq!(from_journal[0], "launched the drill's restore");
    assert!(
        from_journal[1].starts_with("recorded the drill: "),
        "{from_journal:?}"
    );
    assert!(
        from_journal[2].starts_with("discarded the spoke: “restore drill "),
        "{from_journal:?}"
    );

    let text = home.markdown(&server, &id).await;
    assert!(
        text.starts_with(&format!(
            "### Restore drill {id} of {slug}\n\n> This was a **drill**"
        )),
        "{text}"
    );
    assert!(text.contains("**Drill result.** "), "{text}");
}

// 3. What cannot be reported.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_restore_exits_3_in_words() {
    let server = server().await;
    let home = Home::new();
    let out = home.run(&server, TOKEN, &["report", "rst_nope"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no report of rst_nope: the source knows no restore rst_nope"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_cannot_be_read_or_knows_no_restores_exits_3() {
    let server = server().await;
    let home = Home::new();
    let out = home
        .run(&server, TOKEN, &["report", "rst_1", "--source", "kube"])
        .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the kube source knows no restores"));
    // A token the control plane refuses.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"));
    command
        .arg("--config")
        .arg(home.dir.path().join("config.toml"))
        .args(["report", "rst_1", "--source", "http", "--url", &server.url])
        .env("SNAPDECK_TOKEN", "not-the-token")
        .env("SNAPDECK_JOURNAL", home.journal())
        .env_remove("SNAPDECK_CONFIG");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the source could not be read"), "{stderr}");
}
