//! End to end: `snapdeck status` pages for the acting side, the real binary against the
//! reference server over HTTP on loopback (its clock driven by the test): a ticket past its
//! acknowledgement deadline and a restore still under way past its RTO are red, a restore
//! awaiting a person near or past its RTO is amber; running and awaiting are counted apart.

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use snapdeck::clock::Clock;

const TOKEN: &str = "operator-token-for-status";

use support::served::Server;

async fn server() -> Server {
    support::served::serve(TOKEN, None).await
}

fn thursday(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
}

async fn api(server: &Server, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", server.url))
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", fresh_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// A key no earlier request used.
fn fresh_key() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("status-acting-{}-{n}", std::process::id())
}

async fn items(server: &Server, path: &str) -> Vec<Value> {
    let page = api(server, reqwest::Method::GET, path, None).await;
    page["items"].as_array().unwrap().clone()
}

/// `status` through the http source, in `format`: stdout and the exit code.
async fn status(server: &Server, format: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let url = server.url.clone();
    let format = format.to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .args([
                "status", "--source", "http", "--url", &url, "--format", &format,
            ])
            .arg("--config")
            .arg(&config)
            .env("SNAPDECK_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

async fn status_json(server: &Server) -> (Value, i32) {
    let (text, code) = status(server, "json").await;
    (serde_json::from_str(&text).unwrap(), code)
}

/// The pages of `id`, as (subject, level).
fn pages(doc: &Value, id: &str) -> Vec<(String, String)> {
    let subject = if id == "ack_overdue" {
        "ticket"
    } else {
        "restore_id"
    };
    doc["acting"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] == id)
        .map(|p| {
            let s = p[subject].as_str().unwrap_or_default().to_string();
            (s, p["level"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Launches a new-spoke restore of `tenant` (answering `ticket`), first launching throwaway
/// ones elsewhere until the demo's next restore is one that does not fail halfway.
async fn launch(server: &Server, tenant: &str, ticket: Option<&str>, spare: &[String]) -> String {
    for other in spare {
        let k = items(server, "/restores?limit=1000").await.len();
        if snapdeck::source::demo::failure_of(42, k).is_none() {
            break;
        }
        let path = format!("/tenants/{other}/restores");
        api(
            server,
            reqwest::Method::POST,
            &path,
            Some(json!({"mode": "new_spoke"})),
        )
        .await;
    }
    let k = items(server, "/restores?limit=1000").await.len();
    assert!(
        snapdeck::source::demo::failure_of(42, k).is_none(),
        "spares ran out"
    );
    let body = json!({"mode": "new_spoke", "ticket": ticket});
    let path = format!("/tenants/{tenant}/restores");
    let made = api(server, reqwest::Method::POST, &path, Some(body)).await;
    made["id"].as_str().unwrap().to_string()
}

/// Tenants a restore can be launched on, by id: active, none running, backed up.
async fn free_tenants(server: &Server, tier: Option<&str>) -> Vec<String> {
    items(server, "/tenants?limit=1000")
        .await
        .into_iter()
        .filter(|t| {
            t["active_restore_id"].is_null()
                && t["state"] == "active"
                && t["restore_of"].is_null()
                && t["backup"]["last_success"].is_object()
                && tier.is_none_or(|tier| t["tier"] == tier)
        })
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_pages_overdue_tickets_late_restores_and_restores_awaiting_a_person() {
    let server = server().await;

    // 03:10: the server's ticket past its acknowledgement deadline is red.
    let now = thursday(3, 10);
    let open = items(&server, "/restore-requests?open=true&limit=1000").await;
    let overdue: Vec<&Value> = open
        .iter()
        .filter(|r| r["acknowledged_at"].is_null())
        .filter(|r| r["ack_deadline_at"].as_str().unwrap() < now.to_rfc3339().as_str())
        .collect();
    assert_eq!(overdue.len(), 1, "{open:?}");
    let ticket = overdue[0]["ticket"].as_str().unwrap().to_string();
    let ticket_tenant = overdue[0]["tenant_id"].as_str().unwrap().to_string();
    let (doc, code) = status_json(&server).await;
    assert!(doc["acting"]["unread"].is_null(), "{}", doc["acting"]);
    assert_eq!(
        pages(&doc, "ack_overdue"),
        vec![(ticket.clone(), "red".into())]
    );
    assert_eq!(code, 2);

    // A Dedicated restore launched at 03:10 awaits a person at 06:40 with 30 of its 240
    // minutes left: amber, and counted as awaiting, not as running.
    let mut spare = free_tenants(&server, None).await;
    spare.retain(|t| *t != ticket_tenant);
    let dedicated = free_tenants(&server, Some("dedicated")).await;
    let tenant = dedicated.iter().find(|t| **t != ticket_tenant).unwrap();
    spare.retain(|t| t != tenant);
    let waiting = launch(&server, tenant, None, &spare).await;
    server.clock.advance(Duration::minutes(210));
    let restores = items(&server, "/restores?limit=1000").await;
    let phase = |id: &str| {
        let r = restores.iter().find(|r| r["id"] == id).unwrap();
        r["phase"].as_str().unwrap().to_string()
    };
    assert_eq!(phase(&waiting), "awaiting_confirmation");
    let (doc, _) = status_json(&server).await;
    assert!(
        pages(&doc, "awaiting_person").contains(&(waiting.clone(), "amber".into())),
        "{}",
        doc["acting"]
    );
    let count = |phases: &[&str]| {
        let active = restores
            .iter()
            .filter(|r| phases.contains(&r["phase"].as_str().unwrap()));
        active.count() as u64
    };
    let working = [
        "queued",
        "provisioning",
        "restoring_database",
        "restoring_volume",
        "verifying",
    ];
    assert_eq!(doc["acting"]["restoring"], json!(count(&working)));
    assert_eq!(
        doc["acting"]["awaiting_confirmation"],
        json!(count(&["awaiting_confirmation"]))
    );

    // 15:00: a restore answering the overdue ticket (opened Wednesday 15:20) is launched; at
    // 15:30 it is still under way, past its RTO whatever the tier (4 h from the ticket, or
    // 8 business hours: Thursday 15:20): red.
    server.clock.advance(thursday(15, 0) - server.clock.now());
    spare.retain(|t| *t != *tenant);
    let late = launch(&server, &ticket_tenant, Some(&ticket), &spare).await;
    server.clock.advance(Duration::minutes(30));
    let (doc, code) = status_json(&server).await;
    assert_eq!(
        pages(&doc, "rto_passed"),
        vec![(late.clone(), "red".into())]
    );
    assert_eq!(code, 2);
    let page = doc["acting"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "rto_passed")
        .unwrap();
    let words = page["explanation"].as_str().unwrap();
    assert!(words.contains(&format!("restore {late} of ")), "{words}");
    assert!(words.contains("past its RTO: due "), "{words}");
    assert!(doc["acting"]["restoring"].as_u64() >= Some(1));

    // The other formats say the same.
    let (table, _) = status(&server, "table").await;
    for id in ["rto_passed", "awaiting_person"] {
        assert!(table.lines().any(|l| l.contains(id)), "{id}: {table}");
    }
    let (nagios, code) = status(&server, "nagios").await;
    assert_eq!(code, 2);
    assert!(nagios.starts_with("SNAPDECK CRITICAL - "), "{nagios}");
    let (message, perfdata) = nagios.trim().split_once(" | ").unwrap();
    assert!(
        message.contains(&format!("{late} (rto_passed)")),
        "{message}"
    );
    let restoring = doc["acting"]["restoring"].as_u64().unwrap();
    let awaiting = doc["acting"]["awaiting_confirmation"].as_u64().unwrap();
    assert!(
        perfdata.contains(&format!(
            "restoring={restoring} awaiting_confirmation={awaiting} "
        )),
        "{perfdata}"
    );
}

/// The reference server behind a proxy that answers `GET /restores` with a 500.
async fn restores_broken(upstream: String) -> String {
    use support::proxy::{Instead, error, proxy};
    let rule: support::proxy::Rule = std::sync::Arc::new(|_, path: &str| {
        if path.split('?').next() == Some("/api/v1/restores") {
            error(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the database is down",
            )
        } else {
            Instead::Forward
        }
    });
    proxy(upstream, rule).await
}

/// Restores that cannot be read cannot be judged: UNKNOWN (CRITICAL beside a red tenant, as
/// here), said in words in every format — never OK as if nothing were late.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restores_that_cannot_be_read_are_said_unread_in_every_format() {
    let real = server().await;
    let broken = real.through(restores_broken(real.url.clone()).await);
    let (text, code) = status(&broken, "json").await;
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["unread"], json!([]), "the fleet itself was read");
    let red = doc["summary"]["red"].as_u64().unwrap();
    assert_eq!(code, if red > 0 { 2 } else { 3 }, "{}", doc["summary"]);
    let why = doc["acting"]["unread"].as_str().unwrap_or_default();
    assert!(why.contains("the database is down"), "{}", doc["acting"]);
    assert_eq!(doc["acting"]["pages"], json!([]));
    assert_eq!(
        doc["tenants"].as_array().unwrap().len(),
        60,
        "the fleet is judged"
    );
    let (nagios, _) = status(&broken, "nagios").await;
    assert!(
        nagios.contains("; restores and restore requests: "),
        "{nagios}"
    );
    let (table, _) = status(&broken, "table").await;
    assert!(
        table.contains("UNREAD: restores and restore requests: "),
        "{table}"
    );
}
