//! The reference server (`snapdeck serve-demo`) over real HTTP on loopback: paging, ETag,
//! auth, the writes and their idempotency, the error shapes — and the real binary, started
//! and stopped with SIGTERM.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use snapdeck::clock::ManualClock;
use snapdeck::serve::{self, ServeConfig, Tokens};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const OPERATOR: &str = "operator-token-for-tests";
const VIEWER: &str = "viewer-token-for-tests";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// A server on an ephemeral port, its clock in the test's hands; stopped when dropped.
struct Served {
    base: String,
    client: Client,
    clock: Arc<ManualClock>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), String>>>,
}

impl Served {
    async fn start(tenants: usize) -> Served {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let clock = Arc::new(ManualClock::new(now()));
        let config = ServeConfig {
            seed: 42,
            tenants,
            clock: clock.clone(),
            tokens: Tokens::new(OPERATOR.into(), Some(VIEWER.into())).unwrap(),
            outages: Vec::new(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve::run(listener, config, async {
            let _ = stopped.await;
        }));
        Served {
            base: format!("http://{address}/api/v1"),
            client: Client::new(),
            clock,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn request(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let request = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// GET as the operator: status and JSON body (Null when there is none).
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        answer(
            self.request(Method::GET, path, Some(OPERATOR))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// POST as the operator with an idempotency key.
    async fn post(&self, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .request(Method::POST, path, Some(OPERATOR))
            .header("Idempotency-Key", key)
            .json(&body);
        answer(request.send().await.unwrap()).await
    }

    /// Every item of a paged list, following `next_cursor`; and how many pages it took.
    async fn all(&self, path: &str, limit: usize) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{path}?limit={limit}");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let (status, page) = self.get(&url).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return (items, pages),
            }
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let ended = tokio::time::timeout(std::time::Duration::from_secs(10), task).await;
            assert!(matches!(ended, Ok(Ok(Ok(())))), "stops cleanly: {ended:?}");
        }
    }
}

async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    (status, body)
}

/// The contract's error body: `{"error": {"code", "message"}}` with a message in words.
fn code(body: &Value) -> &str {
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.len() > 10, "a message in words: {body}");
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("an error body: {body}"))
}

fn tenant_id(served_fleet: &[Value], slug: &str) -> String {
    served_fleet
        .iter()
        .find(|t| t["slug"] == slug)
        .and_then(|t| t["id"].as_str())
        .unwrap_or_else(|| panic!("no tenant {slug}"))
        .to_string()
}

#[tokio::test]
async fn pages_cover_the_fleet_once_and_limits_are_checked() {
    let served = Served::start(2500).await;
    let (status, first) = served.get("/tenants").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first["items"].as_array().unwrap().len(),
        500,
        "default limit"
    );
    assert!(first["generated_at"].as_str().is_some());
    let (_, max) = served.get("/tenants?limit=1000").await;
    assert_eq!(max["items"].as_array().unwrap().len(), 1000);
    for bad in ["1001", "0", "-5", "many", ""] {
        let (status, body) = served.get(&format!("/tenants?limit={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "limit={bad}");
        assert_eq!(code(&body), "invalid_limit");
    }
    let (status, body) = served.get("/tenants?cursor=garbage").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_cursor")
    );
    // Unknown parameters are ignored.
    let (status, page) = served.get("/tenants?limit=7&colour=blue&sort=slug").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 7);
    let (items, pages) = served.all("/tenants", 700).await;
    assert_eq!(pages, 4);
    let ids: HashSet<&str> = items.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "no tenant twice");
    assert_eq!(items.len(), 2500, "every tenant");
    served.stop().await;
}

#[tokio::test]
async fn an_unchanged_fleet_answers_304_and_a_change_moves_the_etag() {
    let served = Served::start(60).await;
    let fetch = |etag: Option<String>| {
        let mut request = served.request(Method::GET, "/tenants", Some(OPERATOR));
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        request.send()
    };
    let first = fetch(None).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let same = fetch(Some(etag.clone())).await.unwrap();
    assert_eq!(same.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(same.headers()["etag"].to_str().unwrap(), etag);
    assert!(same.bytes().await.unwrap().is_empty(), "no body");
    let listed = fetch(Some(format!("\"other\", W/{etag}"))).await.unwrap();
    assert_eq!(
        listed.status(),
        StatusCode::NOT_MODIFIED,
        "a list, weak form"
    );
    // An hour on, schedules have fired: a new generation, a full answer.
    served.clock.advance(Duration::hours(1));
    let moved = fetch(Some(etag.clone())).await.unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let moved_tag = moved.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(moved_tag, etag);
    // A write that changes a tenant moves it too.
    let (_, page) = served.get("/tenants").await;
    let id = tenant_id(page["items"].as_array().unwrap(), "northfield-medicine");
    let (status, _) = served
        .post(&format!("/tenants/{id}/restores"), "k-etag", json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let after = fetch(Some(moved_tag.clone())).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), moved_tag);
    served.stop().await;
}

#[tokio::test]
async fn tokens_decide_who_reads_and_who_writes() {
    let served = Served::start(30).await;
    for token in [None, Some("wrong"), Some("")] {
        let response = served
            .request(Method::GET, "/tenants", token)
            .send()
            .await
            .unwrap();
        assert!(response.headers().contains_key("www-authenticate"));
        let (status, body) = answer(response).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{token:?}"
        );
    }
    // Unknown paths too: no token, no map of the API.
    let (status, _) = answer(
        served
            .request(Method::GET, "/nope", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = answer(
        served
            .request(Method::GET, "/tenants", Some(VIEWER))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a viewer reads");
    let write = served
        .request(
            Method::POST,
            "/restore-requests/SUP-1/acknowledge",
            Some(VIEWER),
        )
        .header("Idempotency-Key", "v1");
    let (status, body) = answer(write.send().await.unwrap()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    served.stop().await;
}

#[tokio::test]
async fn a_restore_is_confirmed_swapped_and_rolled_back_with_the_right_statuses() {
    let served = Served::start(60).await;
    let (fleet, _) = served.all("/tenants", 1000).await;
    let id = tenant_id(&fleet, "northfield-medicine");
    let (status, made) = served
        .post(
            &format!("/tenants/{id}/restores"),
            "r1",
            json!({"restore_point_id": null, "mode": "new_spoke", "ticket": null, "reason": "course 1182"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{made}");
    let restore = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["target_slug"], "northfield-medicine-restore-20261126");
    let (status, busy) = served
        .post(&format!("/tenants/{id}/restores"), "r2", json!({}))
        .await;
    assert_eq!(
        (status, code(&busy)),
        (StatusCode::CONFLICT, "restore_in_progress")
    );
    let (status, active) = served.get("/restores?active=true").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        active["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == restore.as_str())
    );
    let (status, one) = served.get(&format!("/restores/{restore}")).await;
    assert_eq!(
        (status, one["id"].as_str()),
        (StatusCode::OK, Some(restore.as_str()))
    );
    let confirm = format!("/restores/{restore}/confirm");
    let (status, early) = served
        .post(&confirm, "c1", json!({"notes": "checked"}))
        .await;
    assert_eq!(
        (status, code(&early)),
        (StatusCode::CONFLICT, "invalid_phase")
    );
    // Two hours on, the demo restore awaits confirmation; its log has grown.
    served.clock.advance(Duration::hours(2));
    let (status, events) = served
        .get(&format!("/restores/{restore}/events?after=0"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let seqs: Vec<u64> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.len() > 2, "{events}");
    let last = seqs[seqs.len() - 1];
    let (_, later) = served
        .get(&format!("/restores/{restore}/events?after={}", seqs[1]))
        .await;
    assert_eq!(later["items"].as_array().unwrap().len(), seqs.len() - 2);
    let (_, none) = served
        .get(&format!("/restores/{restore}/events?after={last}"))
        .await;
    assert_eq!(none["items"], json!([]));
    let (status, bad) = served
        .get(&format!("/restores/{restore}/events?after=soon"))
        .await;
    assert_eq!(
        (status, code(&bad)),
        (StatusCode::BAD_REQUEST, "invalid_parameter")
    );
    let (status, done) = served
        .post(&confirm, "c2", json!({"notes": "checked"}))
        .await;
    assert_eq!(
        (status, done["phase"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{done}"
    );
    let (status, cancel) = served
        .post(&format!("/restores/{restore}/cancel"), "x1", json!(null))
        .await;
    assert_eq!(
        (status, code(&cancel)),
        (StatusCode::CONFLICT, "invalid_phase")
    );
    // The DNS swap to the restored spoke, then back.
    let (status, swap) = served
        .post(
            &format!("/tenants/{id}/dns-swaps"),
            "s1",
            json!({"restore_id": restore}),
        )
        .await;
    assert_eq!(
        (status, swap["phase"].as_str()),
        (StatusCode::OK, Some("pending")),
        "{swap}"
    );
    let swap_id = swap["id"].as_str().unwrap().to_string();
    let (status, listed) = served.get("/dns-swaps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["id"], swap_id.as_str());
    assert_eq!(listed["next_cursor"], Value::Null);
    let rollback = format!("/dns-swaps/{swap_id}/rollback");
    let (status, early) = served.post(&rollback, "b1", json!(null)).await;
    assert_eq!(
        (status, code(&early)),
        (StatusCode::CONFLICT, "invalid_phase")
    );
    served.clock.advance(Duration::minutes(30));
    let (status, back) = served.post(&rollback, "b2", json!(null)).await;
    assert_eq!(
        (status, back["phase"].as_str()),
        (StatusCode::OK, Some("applying")),
        "{back}"
    );
    served.clock.advance(Duration::minutes(1));
    let (status, ended) = served.get(&format!("/dns-swaps/{swap_id}")).await;
    assert_eq!(
        (status, ended["phase"].as_str()),
        (StatusCode::OK, Some("rolled_back"))
    );
    served.stop().await;
}

#[tokio::test]
async fn the_same_key_answers_the_same_and_another_body_with_it_is_422() {
    let served = Served::start(60).await;
    let (fleet, _) = served.all("/tenants", 1000).await;
    let id = tenant_id(&fleet, "ashford-cpd");
    let path = format!("/tenants/{id}/restores");
    let body = json!({"mode": "new_spoke", "reason": "double press"});
    let (first_status, first) = served.post(&path, "k1", body.clone()).await;
    assert_eq!(first_status, StatusCode::ACCEPTED);
    let (again_status, again) = served.post(&path, "k1", body).await;
    assert_eq!(again_status, StatusCode::ACCEPTED, "the original status");
    assert_eq!(
        again["id"], first["id"],
        "the original restore, not a second one"
    );
    let (status, reused) = served.post(&path, "k1", json!({"mode": "overwrite"})).await;
    assert_eq!(
        (status, code(&reused)),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let (_, restores) = served.get("/restores").await;
    let mine = restores["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tenant_id"] == id.as_str());
    assert_eq!(mine.count(), 1, "done once");
    // An error is replayed too: same key, same request, same answer.
    let other = tenant_id(&fleet, "northfield-medicine");
    let bad = json!({"restore_point_id": "rp_nosuch"});
    let (status, first) = served
        .post(&format!("/tenants/{other}/restores"), "k2", bad.clone())
        .await;
    assert_eq!(
        (status, code(&first)),
        (StatusCode::UNPROCESSABLE_ENTITY, "restore_point_unusable")
    );
    let (status, again) = served
        .post(&format!("/tenants/{other}/restores"), "k2", bad)
        .await;
    assert_eq!((status, &again), (StatusCode::UNPROCESSABLE_ENTITY, &first));
    // No key: refused before anything is done.
    let request = served
        .request(
            Method::POST,
            &format!("/tenants/{other}/restores"),
            Some(OPERATOR),
        )
        .json(&json!({}));
    let (status, body) = answer(request.send().await.unwrap()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "idempotency_key_required")
    );
    served.stop().await;
}

#[tokio::test]
async fn unknown_things_and_bad_bodies_get_the_error_body() {
    let served = Served::start(60).await;
    for (path, expected) in [
        ("/tenants/ten_nosuch", "tenant_not_found"),
        ("/tenants/ten_nosuch/restore-points", "tenant_not_found"),
        ("/restores/rst_nosuch", "restore_not_found"),
        ("/restores/rst_nosuch/events", "restore_not_found"),
        ("/dns-swaps/dns_nosuch", "dns_swap_not_found"),
        ("/no-such-thing", "not_found"),
    ] {
        let (status, body) = served.get(path).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, expected),
            "{path}"
        );
    }
    let (fleet, _) = served.all("/tenants", 1000).await;
    let id = tenant_id(&fleet, "northfield-medicine");
    let (status, one) = served.get(&format!("/tenants/{id}")).await;
    assert_eq!(
        (status, one["slug"].as_str()),
        (StatusCode::OK, Some("northfield-medicine"))
    );
    let raw = served
        .request(
            Method::POST,
            &format!("/tenants/{id}/restores"),
            Some(OPERATOR),
        )
        .header("Idempotency-Key", "j1")
        .header("content-type", "application/json")
        .body("{not json");
    let (status, body) = answer(raw.send().await.unwrap()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    let (status, body) = served
        .post(
            &format!("/tenants/{id}/restores"),
            "j2",
            json!({"mode": "thaw"}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    let (status, body) = served
        .post(&format!("/tenants/{id}/dns-swaps"), "j3", json!({}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
    let (status, body) = answer(
        served
            .request(Method::DELETE, "/tenants", Some(OPERATOR))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let (status, body) = served.get("/restores?active=perhaps").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_parameter")
    );
    served.stop().await;
}

#[tokio::test]
async fn restore_points_page_newest_first() {
    let served = Served::start(60).await;
    let (fleet, _) = served.all("/tenants", 1000).await;
    let tenant = fleet
        .iter()
        .find(|t| t["backup"]["restore_point_count"].as_u64().unwrap_or(0) > 1200)
        .expect("a tenant with a long history");
    let id = tenant["id"].as_str().unwrap();
    let (points, pages) = served
        .all(&format!("/tenants/{id}/restore-points"), 1000)
        .await;
    assert!(pages >= 2, "{pages}");
    let times: Vec<&str> = points
        .iter()
        .map(|p| p["taken_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let ids: HashSet<&str> = points.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), points.len());
    served.stop().await;
}

#[tokio::test]
async fn restore_requests_are_listed_and_acknowledged() {
    let served = Served::start(60).await;
    let (status, open) = served.get("/restore-requests?open=true").await;
    assert_eq!(status, StatusCode::OK);
    let waiting = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["acknowledged_at"].is_null())
        .expect("a ticket waiting for acknowledgement")
        .clone();
    let ticket = waiting["ticket"].as_str().unwrap();
    let path = format!("/restore-requests/{ticket}/acknowledge");
    let (status, acked) = served.post(&path, "a1", json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(acked["ticket"], ticket);
    assert!(acked["acknowledged_at"].as_str().is_some(), "{acked}");
    let (_, all) = served.get("/restore-requests").await;
    assert!(all["items"].as_array().unwrap().len() >= open["items"].as_array().unwrap().len());
    let (status, body) = served
        .post("/restore-requests/SUP-0/acknowledge", "a2", json!(null))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "request_not_found")
    );
    served.stop().await;
}

/// The real binary: it says where it listens and how to point snapdeck at it, answers, logs
/// a line per request without the token, and stops with exit 0 on SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn the_binary_serves_until_sigterm_and_exits_cleanly() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = std::env::temp_dir().join(format!("snapdeck-serve-{}.toml", std::process::id()));
    std::fs::write(&config, "").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args([
            "--seed",
            "7",
            "--tenants",
            "40",
            "serve-demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("SNAPDECK_CONFIG", &config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    // Read the banner on a thread: a hung child must fail the test, not hang it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    let how = loop {
        let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) else {
            let _ = child.kill();
            let mut log = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut log));
            panic!("no SNAPDECK_TOKEN line in {banner:?}; stderr: {log}");
        };
        banner.push(line.clone());
        if line.contains("SNAPDECK_TOKEN=") {
            break line;
        }
    };
    assert!(
        banner[0].contains("listens on http://127.0.0.1:"),
        "{banner:?}"
    );
    let token = how
        .split("SNAPDECK_TOKEN=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    let url = how.split("--url ").nth(1).unwrap().trim().to_string();
    assert!(
        how.contains("snapdeck --source http --url http://127.0.0.1:"),
        "{how}"
    );
    let response = Client::new()
        .get(format!("{url}/api/v1/tenants?limit=5"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, page) = answer(response).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a child's pid that has not been waited for yet.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running 15 s after SIGTERM");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("GET /api/v1/tenants 200"), "{log}");
    assert!(!log.contains(&token), "the token never reaches the log");
    let _ = std::fs::remove_file(config);
}
