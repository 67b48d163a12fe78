//! The http source against a small misbehaving server on loopback: paging, conditional
//! refreshes, every fault said in words with the source recovering, idempotent retries of
//! writes, unknown values and fields, the token file's permissions, and `status` end to end.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use snapdeck::domain::ids::{IdempotencyKey, RestoreId, TenantId};
use snapdeck::domain::restore::{CreateRestore, RestoreMode};
use snapdeck::source::demo;
use snapdeck::source::http::{
    BackoffPolicy, HttpSettings, HttpSource, TokenSources, TransportSettings,
};
use snapdeck::source::{
    CommandId, Connection, Op, Reply, SourceCommand, SourceEvent, Started, start,
};

mod support;

const TOKEN: &str = "t0ken-for-tests";

/// How the server answers, switched by the test while the source runs.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    Normal,
    /// Every read answers this status, content type and body.
    Status(u16, &'static str, &'static str),
    Garbage,
    Truncated,
    Hang,
    /// `/tenants` keeps sending the same cursor.
    CursorLoop,
    /// The next read gets 429 with `Retry-After: 1`, then normal.
    TooManyOnce,
}

#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    if_none_match: Option<String>,
    key: Option<String>,
    at: Instant,
}

struct World {
    mode: Mode,
    tenants: Vec<Value>,
    restores: Vec<Value>,
    requests: Vec<Value>,
    page: usize,
    etag: String,
    seen: Vec<Seen>,
    /// What the next writes answer before they are done (503, 409…).
    write_faults: VecDeque<(u16, &'static str)>,
    /// Idempotency key → the answer first given.
    done: HashMap<String, Value>,
    /// Hang the answer of the first write after doing it (the answer is lost).
    lose_first_answer: bool,
}

type Shared = Arc<Mutex<World>>;

struct Server {
    addr: SocketAddr,
    world: Shared,
}

impl Server {
    async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Server::on(listener).await
    }

    async fn on(listener: tokio::net::TcpListener) -> Server {
        let addr = listener.local_addr().unwrap();
        let now = Utc::now();
        let (tenants, restores) = demo::fleet_at(42, 25, now);
        let world = Arc::new(Mutex::new(World {
            mode: Mode::Normal,
            tenants: tenants
                .iter()
                .map(|t| serde_json::to_value(&**t).unwrap())
                .collect(),
            restores: restores
                .iter()
                .map(|r| serde_json::to_value(r).unwrap())
                .collect(),
            requests: demo::requests_at(42, 25, now)
                .iter()
                .map(|r| serde_json::to_value(r).unwrap())
                .collect(),
            page: 10,
            etag: "\"v1\"".into(),
            seen: Vec::new(),
            write_faults: VecDeque::new(),
            done: HashMap::new(),
            lose_first_answer: false,
        }));
        let app = Router::new().fallback(handle).with_state(world.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { addr, world }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn set(&self, mode: Mode) {
        self.world.lock().unwrap().mode = mode;
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        let world = self.world.lock().unwrap();
        world
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }
}

fn error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

async fn handle(
    State(world): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let mode = {
        let mut w = world.lock().unwrap();
        w.seen.push(Seen {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            if_none_match: header("if-none-match"),
            key: header("idempotency-key"),
            at: Instant::now(),
        });
        let mode = w.mode.clone();
        if mode == Mode::TooManyOnce {
            w.mode = Mode::Normal;
        }
        mode
    };
    if header("authorization").as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return error(401, "unauthorized", "missing or bad token");
    }
    if method == Method::POST {
        return write(world, &path, header("idempotency-key"), body).await;
    }
    match mode {
        Mode::Normal | Mode::CursorLoop => {}
        Mode::Status(status, content_type, body) => {
            let status = StatusCode::from_u16(status).unwrap();
            return (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
        }
        Mode::Garbage => return (StatusCode::OK, "{\"items\": [}}garbage").into_response(),
        Mode::Truncated => {
            // Headers and half a page go out; then the connection breaks.
            let parts = futures_util::stream::unfold(0u8, |step| async move {
                match step {
                    0 => Some((
                        Ok(Bytes::from_static(
                            b"{\"generated_at\":\"2026-11-26T03:10:00Z\",\"items\":[",
                        )),
                        1,
                    )),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        Some((Err(std::io::Error::other("the server fell over")), 2))
                    }
                    _ => None,
                }
            });
            return Body::from_stream(parts).into_response();
        }
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Mode::TooManyOnce => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "1")],
                "slow down",
            )
                .into_response();
        }
    }
    let w = world.lock().unwrap();
    let start: usize = query
        .split('&')
        .find_map(|p| p.strip_prefix("cursor=c"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if path.starts_with("/api/v1/tenants/ten_nope") {
        return error(404, "tenant_not_found", "no tenant ten_nope");
    }
    match path.as_str() {
        "/api/v1/tenants" => {
            if header("if-none-match").as_deref() == Some(w.etag.as_str()) {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let end = (start + w.page).min(w.tenants.len());
            let next = if mode == Mode::CursorLoop {
                Some("c1".to_string())
            } else {
                (end < w.tenants.len()).then(|| format!("c{end}"))
            };
            let body = json!({
                "generated_at": "2026-11-26T03:10:00Z",
                "items": w.tenants[start..end],
                "next_cursor": next,
                "a_field_from_the_future": {"ignored": true},
            });
            ([(header::ETAG, w.etag.clone())], axum::Json(body)).into_response()
        }
        "/api/v1/restores" => {
            axum::Json(json!({"items": w.restores, "next_cursor": null})).into_response()
        }
        "/api/v1/restore-requests" => {
            axum::Json(json!({"items": w.requests, "next_cursor": null})).into_response()
        }
        // This server has no DNS swap list, as a control plane that keeps to the contract.
        p if p.ends_with("/restore-points") => axum::Json(json!({
            "items": [], "next_cursor": null
        }))
        .into_response(),
        p if p.ends_with("/events") => axum::Json(json!({"items": [
            {"seq": 3, "at": "2026-11-26T03:10:00Z", "level": "info", "message": "volume 42%"}
        ]}))
        .into_response(),
        _ => error(404, "not_found", "no such path"),
    }
}

async fn write(world: Shared, path: &str, key: Option<String>, _body: Bytes) -> Response {
    let Some(key) = key else {
        return error(
            400,
            "idempotency_key_missing",
            "writes need an Idempotency-Key",
        );
    };
    let (answer, lose) = {
        let mut w = world.lock().unwrap();
        if let Some((status, code)) = w.write_faults.pop_front() {
            return error(status, code, "as the test asked");
        }
        let mut restore = w.restores[0].clone();
        let id = format!("rst_{}", w.done.len() + 1);
        let answer = w
            .done
            .entry(key)
            .or_insert_with(|| {
                restore["id"] = json!(id);
                restore
            })
            .clone();
        let lose = std::mem::take(&mut w.lose_first_answer);
        (answer, lose)
    };
    if lose {
        // Done, but the answer never comes back.
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let _ = path;
    (StatusCode::ACCEPTED, axum::Json(answer)).into_response()
}

/// A token file only its owner can read, kept for the test's life.
fn token_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    (dir, path)
}

/// Short everything, so a test takes well under a few seconds.
fn settings(url: &str, token: &std::path::Path) -> HttpSettings {
    HttpSettings {
        transport: TransportSettings {
            url: url.to_string(),
            ca_file: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_millis(300),
            request_timeout: Duration::from_millis(400),
        },
        tokens: TokenSources {
            env: "SNAPDECK_TEST_TOKEN_NEVER_SET".into(),
            file: Some(token.to_path_buf()),
            command: None,
        },
        refresh_interval: Duration::from_millis(150),
        backoff: BackoffPolicy {
            base: Duration::from_millis(50),
            cap: Duration::from_millis(200),
        },
        command_retries: 3,
    }
}

struct Running {
    source: Started,
    _token: tempfile::TempDir,
}

fn run(url: &str) -> Running {
    let (dir, path) = token_file();
    let source = HttpSource::new(settings(url, &path)).expect("the source starts");
    Running {
        source: start(Box::new(source)),
        _token: dir,
    }
}

/// The first event `pick` takes within a few seconds.
async fn wait_for<T>(
    events: &mut UnboundedReceiver<SourceEvent>,
    mut pick: impl FnMut(&SourceEvent) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the awaited event came in time")
            .expect("the source is still running");
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

fn failing(event: &SourceEvent) -> Option<String> {
    match event {
        // As the operator reads it: what failed, and when it is tried again.
        SourceEvent::Connection(failing @ Connection::Failing { .. }) => failing.failure(),
        _ => None,
    }
}

fn live(event: &SourceEvent) -> Option<()> {
    matches!(event, SourceEvent::Connection(Connection::Live)).then_some(())
}

#[tokio::test]
async fn the_fleet_is_paged_then_an_unchanged_fleet_is_one_request_and_a_heartbeat() {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let events = &mut running.source.events;
    let count = wait_for(events, |e| match e {
        SourceEvent::Fleet { tenants, .. } => Some(tenants.len()),
        _ => None,
    })
    .await;
    assert_eq!(count, 25);
    let pages = server.seen("/api/v1/tenants");
    assert_eq!(pages.len(), 3, "25 tenants at 10 a page");
    assert!(pages.iter().all(|p| p.query.contains("limit=1000")));
    assert!(pages[0].if_none_match.is_none());
    wait_for(events, live).await;
    // The next refresh: one conditional request, a 304, and "nothing changed".
    let heartbeat = wait_for(events, |e| match e {
        SourceEvent::Changed { tenants, .. } => Some(tenants.len()),
        SourceEvent::Fleet { .. } => panic!("an unchanged fleet is not sent again"),
        _ => None,
    })
    .await;
    assert_eq!(heartbeat, 0);
    let pages = server.seen("/api/v1/tenants");
    assert_eq!(pages.len(), 4, "one request for an unchanged fleet");
    assert_eq!(pages[3].if_none_match.as_deref(), Some("\"v1\""));
    // No DNS swap list on this server: asked once, then left alone quietly.
    assert_eq!(server.seen("/api/v1/dns-swaps").len(), 1);
}

#[tokio::test]
async fn a_server_without_regions_is_said_once_in_words_and_not_asked_again() {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let events = &mut running.source.events;
    let regions = wait_for(events, |e| match e {
        SourceEvent::Regions(regions) => Some(regions.clone()),
        _ => None,
    })
    .await;
    assert!(!regions.cross_region_offered());
    assert_eq!(
        regions.not_offered(),
        Some(snapdeck::domain::region::NOT_OFFERED_HTTP)
    );
    // Two more refreshes: the list is not asked for again, and nothing else is said of it.
    for _ in 0..2 {
        wait_for(events, |e| match e {
            SourceEvent::Changed { .. } => Some(()),
            SourceEvent::Regions(_) => panic!("regions are said once"),
            _ => None,
        })
        .await;
    }
    assert_eq!(server.seen("/api/v1/regions").len(), 1);
}

#[tokio::test]
async fn a_changed_fleet_sends_only_the_tenants_that_differ() {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let events = &mut running.source.events;
    wait_for(events, |e| {
        matches!(e, SourceEvent::Fleet { .. }).then_some(())
    })
    .await;
    {
        let mut w = server.world.lock().unwrap();
        w.tenants[3]["display_name"] = json!("Renamed College");
        w.etag = "\"v2\"".into();
    }
    let changed = wait_for(events, |e| match e {
        SourceEvent::Changed { tenants, .. } if !tenants.is_empty() => Some(tenants.clone()),
        _ => None,
    })
    .await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].display_name, "Renamed College");
}

#[tokio::test]
async fn a_cursor_loop_is_an_error_not_a_loop() {
    let server = Server::start().await;
    server.set(Mode::CursorLoop);
    let mut running = run(&server.url());
    let error = wait_for(&mut running.source.events, failing).await;
    assert!(
        error.contains("the server sent the same cursor twice"),
        "{error}"
    );
    assert!(server.seen("/api/v1/tenants").len() <= 3);
}

/// The first event `pick` takes, every event on the way shown to `app` as the runner would.
async fn shown_until<T>(
    events: &mut UnboundedReceiver<SourceEvent>,
    app: &mut snapdeck::app::App,
    mut pick: impl FnMut(&SourceEvent) -> Option<T>,
) -> T {
    wait_for(events, |event| {
        app.update(snapdeck::app::Msg::Source(event.clone()), support::now());
        pick(event)
    })
    .await
}

/// What the operator sees at the bottom of the screen: the status bar and the flash line.
fn bottom_lines(app: &mut snapdeck::app::App) -> String {
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let screen = support::screen_text(&support::render(app, &theme, 240, 45));
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)..].join("\n")
}

/// The fault is said in words — on the operator's screen too — the source keeps going, and it
/// is live again once the server behaves.
async fn fault_then_recovery(mode: Mode, words: &[&str]) {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let mut app = support::app_with(Vec::new(), Vec::new());
    let events = &mut running.source.events;
    shown_until(events, &mut app, live).await;
    server.set(mode);
    let error = shown_until(events, &mut app, failing).await;
    for w in words {
        assert!(error.contains(w), "{error:?} should say {w:?}");
    }
    assert!(error.contains("retrying in"), "{error}");
    assert!(!error.contains(TOKEN));
    let seen = bottom_lines(&mut app);
    assert!(
        seen.contains("failing"),
        "the status bar says failing:\n{seen}"
    );
    for w in words {
        assert!(seen.contains(w), "the flash says {w:?}:\n{seen}");
    }
    server.set(Mode::Normal);
    shown_until(events, &mut app, live).await;
    let seen = bottom_lines(&mut app);
    assert!(seen.contains("● live"), "live again on screen:\n{seen}");
}

#[tokio::test]
async fn a_500_with_the_error_body_is_said_with_its_code() {
    let body = r#"{"error":{"code":"internal","message":"database is down"}}"#;
    let mode = Mode::Status(500, "application/json", body);
    fault_then_recovery(mode, &["500 internal: database is down"]).await;
}

#[tokio::test]
async fn a_502_with_an_html_body_is_said_as_such() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let mode = Mode::Status(502, "text/html", html);
    fault_then_recovery(mode, &["HTTP 502", "HTML body"]).await;
}

#[tokio::test]
async fn a_503_without_a_body_is_said_as_such() {
    fault_then_recovery(
        Mode::Status(503, "text/plain", ""),
        &["HTTP 503", "no body"],
    )
    .await;
}

#[tokio::test]
async fn garbage_json_is_said_in_words() {
    fault_then_recovery(Mode::Garbage, &["could not be read", "not JSON"]).await;
}

#[tokio::test]
async fn a_truncated_body_is_said_in_words() {
    fault_then_recovery(Mode::Truncated, &["cut off"]).await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_in_words() {
    fault_then_recovery(Mode::Hang, &["no answer from 127.0.0.1:", "within 400 ms"]).await;
}

#[tokio::test]
async fn a_refused_token_says_where_it_came_from() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "wrong-token").unwrap();
    let source = HttpSource::new(settings(&server.url(), &path)).unwrap();
    let mut started = start(Box::new(source));
    let error = wait_for(&mut started.events, failing).await;
    assert!(
        error.contains("401: the token was refused — check the token file"),
        "{error}"
    );
    assert!(!error.contains("wrong-token"));
}

#[tokio::test]
async fn connection_refused_then_the_server_comes_up() {
    // A port nobody listens on, until the server starts there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut running = run(&format!("http://{addr}"));
    let events = &mut running.source.events;
    let error = wait_for(events, failing).await;
    assert!(
        error.contains(&format!("connection refused by {addr}")),
        "{error}"
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let _server = Server::on(listener).await;
    wait_for(events, live).await;
}

#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let events = &mut running.source.events;
    wait_for(events, live).await;
    server.set(Mode::TooManyOnce);
    let error = wait_for(events, failing).await;
    assert!(
        error.contains("429") && error.contains("wait 1 s"),
        "{error}"
    );
    wait_for(events, live).await;
    let pages = server.seen("/api/v1/tenants");
    let refused = pages.len() - 2;
    let gap = pages[refused + 1].at - pages[refused].at;
    assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
}

fn create_restore(key: &str) -> SourceCommand {
    SourceCommand {
        id: CommandId(7),
        op: Op::CreateRestore {
            tenant: TenantId::from("ten_1"),
            request: CreateRestore {
                target_region: None,
                batch: None,
                restore_point_id: None,
                mode: RestoreMode::NewSpoke,
                target_slug: None,
                ticket: Some("SUP-1".into()),
                reason: Some("test".into()),
                purpose: Default::default(),
            },
            key: IdempotencyKey::from(key),
        },
    }
}

async fn answer(
    events: &mut UnboundedReceiver<SourceEvent>,
    id: CommandId,
) -> Result<Reply, snapdeck::source::CommandError> {
    wait_for(events, |e| match e {
        SourceEvent::Answer { id: got, outcome } if *got == id => Some(outcome.clone()),
        _ => None,
    })
    .await
}

fn writes(server: &Server) -> Vec<Seen> {
    let w = server.world.lock().unwrap();
    w.seen
        .iter()
        .filter(|s| s.method == Method::POST)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_write_is_retried_after_a_503_with_the_same_key() {
    let server = Server::start().await;
    server
        .world
        .lock()
        .unwrap()
        .write_faults
        .push_back((503, "unavailable"));
    let mut running = run(&server.url());
    running
        .source
        .commands
        .send(create_restore("key-503"))
        .unwrap();
    let outcome = answer(&mut running.source.events, CommandId(7)).await;
    let Ok(Reply::Restore(restore)) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(restore.id, RestoreId::from("rst_1"));
    let sent = writes(&server);
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|s| s.key.as_deref() == Some("key-503")));
    assert_eq!(sent[0].path, "/api/v1/tenants/ten_1/restores");
}

#[tokio::test]
async fn a_write_is_retried_after_a_429_and_a_500_but_gives_up_after_three_retries() {
    let server = Server::start().await;
    server.world.lock().unwrap().write_faults.extend([
        (429, "too_many_requests"),
        (500, "internal"),
        (502, "bad_gateway"),
        (503, "unavailable"),
    ]);
    let mut running = run(&server.url());
    running
        .source
        .commands
        .send(create_restore("key-busy"))
        .unwrap();
    let error = answer(&mut running.source.events, CommandId(7))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status),
        ("unavailable", Some(503))
    );
    assert!(error.message.contains("after 4 tries"), "{error:?}");
    let sent = writes(&server);
    assert_eq!(sent.len(), 4, "the first try and three retries");
    assert!(sent.iter().all(|s| s.key.as_deref() == Some("key-busy")));
}

#[tokio::test]
async fn a_403_and_a_reused_key_are_answered_in_words_and_never_retried() {
    let server = Server::start().await;
    server
        .world
        .lock()
        .unwrap()
        .write_faults
        .extend([(403, "forbidden"), (422, "idempotency_key_reused")]);
    let mut running = run(&server.url());
    running
        .source
        .commands
        .send(create_restore("key-a"))
        .unwrap();
    let error = answer(&mut running.source.events, CommandId(7))
        .await
        .unwrap_err();
    assert_eq!(error.message, "403 forbidden: as the test asked");
    running
        .source
        .commands
        .send(create_restore("key-b"))
        .unwrap();
    let error = answer(&mut running.source.events, CommandId(7))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status),
        ("idempotency_key_reused", Some(422))
    );
    assert_eq!(writes(&server).len(), 2);
}

#[tokio::test]
async fn a_409_is_answered_once_and_never_retried() {
    let server = Server::start().await;
    server
        .world
        .lock()
        .unwrap()
        .write_faults
        .push_back((409, "restore_in_progress"));
    let mut running = run(&server.url());
    running
        .source
        .commands
        .send(create_restore("key-409"))
        .unwrap();
    let outcome = answer(&mut running.source.events, CommandId(7)).await;
    let error = outcome.unwrap_err();
    assert_eq!(error.code, "restore_in_progress");
    assert_eq!(error.status, Some(409));
    assert!(error.message.contains("as the test asked"), "{error:?}");
    assert_eq!(writes(&server).len(), 1);
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_done_once() {
    let server = Server::start().await;
    server.world.lock().unwrap().lose_first_answer = true;
    let mut running = run(&server.url());
    running
        .source
        .commands
        .send(create_restore("key-lost"))
        .unwrap();
    let outcome = answer(&mut running.source.events, CommandId(7)).await;
    let Ok(Reply::Restore(restore)) = outcome else {
        panic!("{outcome:?}");
    };
    // The retry, with the same key, got the first try's restore: one restore, not two.
    assert_eq!(restore.id, RestoreId::from("rst_1"));
    assert_eq!(server.world.lock().unwrap().done.len(), 1);
    assert_eq!(writes(&server).len(), 2);
}

#[tokio::test]
async fn on_demand_reads_answer_with_their_page_or_the_contract_error() {
    let server = Server::start().await;
    let mut running = run(&server.url());
    let commands = &running.source.commands;
    let op = Op::RestoreEvents {
        restore: RestoreId::from("rst_9"),
        after: 2,
    };
    commands
        .send(SourceCommand {
            id: CommandId(1),
            op,
        })
        .unwrap();
    let op = Op::RestorePoints {
        tenant: TenantId::from("ten_nope"),
        cursor: None,
    };
    commands
        .send(SourceCommand {
            id: CommandId(2),
            op,
        })
        .unwrap();
    let events = &mut running.source.events;
    let Ok(Reply::RestoreEvents(items)) = answer(events, CommandId(1)).await else {
        panic!("events");
    };
    assert_eq!(items[0].seq, 3);
    let seen = server.seen("/api/v1/restores/rst_9/events");
    assert_eq!(seen[0].query, "after=2");
    let error = answer(events, CommandId(2)).await.unwrap_err();
    assert_eq!(error.code, "tenant_not_found");
    assert_eq!(error.status, Some(404));
    assert_eq!(error.message, "404 tenant_not_found: no tenant ten_nope");
}

#[tokio::test]
async fn an_unknown_phase_is_kept_and_extra_fields_are_ignored() {
    let server = Server::start().await;
    {
        let mut w = server.world.lock().unwrap();
        w.restores[0]["phase"] = json!("thawing");
        w.restores[0]["colour_of_the_sky"] = json!("blue");
        w.tenants[0]["shoe_size"] = json!(44);
    }
    let mut running = run(&server.url());
    let phase = wait_for(&mut running.source.events, |e| match e {
        SourceEvent::Restores { restores, .. } => Some(restores[0].phase.label().into_owned()),
        _ => None,
    })
    .await;
    assert_eq!(phase, "unknown(thawing)");
}

#[test]
fn a_token_file_others_can_read_is_warned_about_in_the_status_bar() {
    let (_dir, path) = token_file();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let source = HttpSource::new(settings("http://127.0.0.1:9", &path)).unwrap();
        assert!(
            source.warnings()[0].contains("chmod 600"),
            "{:?}",
            source.warnings()
        );
        use snapdeck::source::Source;
        assert!(source.info().detail.contains("can be read by other users"));
    }
}

#[test]
fn a_missing_or_bad_ca_file_is_said_at_start() {
    let (dir, path) = token_file();
    let mut s = settings("https://control.example.net", &path);
    s.transport.ca_file = Some(dir.path().join("no-such-ca.pem"));
    let Err(error) = HttpSource::new(s.clone()) else {
        panic!("a missing CA file must stop the source");
    };
    assert!(
        error.contains("the CA file") && error.contains("could not be read"),
        "{error}"
    );
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    s.transport.ca_file = Some(bad);
    let Err(error) = HttpSource::new(s) else {
        panic!("a CA file without certificates must stop the source");
    };
    assert!(error.contains("the CA file"), "{error}");
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed() {
    let (_dir, path) = token_file();
    let mut s = settings("http://control.example.net", &path);
    let Err(error) = HttpSource::new(s.clone()) else {
        panic!("plain http to another host must be refused");
    };
    assert!(
        error.contains("refusing plain http:// to control.example.net"),
        "{error}"
    );
    s.transport.allow_insecure_http = true;
    assert!(HttpSource::new(s.clone()).is_ok());
    for loopback in [
        "http://localhost:8750",
        "http://127.0.0.2",
        "http://[::1]:8750",
    ] {
        s.transport.allow_insecure_http = false;
        s.transport.url = loopback.into();
        assert!(HttpSource::new(s.clone()).is_ok(), "{loopback}");
    }
}

fn snapdeck_status(url: &str) -> std::process::Output {
    snapdeck_status_as(url, &[])
}

fn snapdeck_status_as(url: &str, format: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(["status", "--source", "http", "--url", url])
        .args(format)
        .env("SNAPDECK_CONFIG", &config)
        .env("SNAPDECK_TOKEN", TOKEN)
        .output()
        .expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reads_the_control_plane_and_exits_3_when_it_cannot() {
    let server = Server::start().await;
    let url = server.url();
    let out = tokio::task::spawn_blocking(move || snapdeck_status(&url))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("25 tenants"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.code().is_some_and(|c| c <= 3));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}");
    let u = url.clone();
    let out = tokio::task::spawn_blocking(move || snapdeck_status(&u))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the control plane never read (connection refused by"),
        "{stderr}"
    );
    assert!(!stderr.contains("retrying"), "{stderr}");
    // Every format says what it could not read, on stdout where the monitoring reads it.
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("UNREAD: the control plane never read (connection refused"),
        "{table}"
    );
    let (u, j) = (url.clone(), url.clone());
    let nagios =
        tokio::task::spawn_blocking(move || snapdeck_status_as(&u, &["--format", "nagios"]))
            .await
            .unwrap();
    let line = String::from_utf8_lossy(&nagios.stdout);
    assert!(
        line.starts_with("SNAPDECK UNKNOWN - 0 red, 0 unknown, 0 amber of 0 tenants; the control plane never read"),
        "{line}"
    );
    assert!(line.contains("unread=1"), "{line}");
    assert_eq!(nagios.status.code(), Some(3));
    let json = tokio::task::spawn_blocking(move || snapdeck_status_as(&j, &["--json"]))
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["unread"][0]["part"], "the control plane");
    assert!(
        doc["unread"][0]["why"]
            .as_str()
            .unwrap()
            .contains("connection refused")
    );
    assert_eq!(json.status.code(), Some(3));
}

#[tokio::test]
async fn a_discard_to_a_control_plane_without_the_additions_is_said_in_words() {
    let server = Server::start().await;
    server
        .world
        .lock()
        .unwrap()
        .write_faults
        .push_back((404, "not_found"));
    let mut running = run(&server.url());
    let discard = SourceCommand {
        id: CommandId(7),
        op: Op::DiscardRestore {
            restore: RestoreId::from("rst_1"),
            reason: "wrong point".into(),
            key: "key-discard".into(),
        },
    };
    running.source.commands.send(discard).unwrap();
    let error = answer(&mut running.source.events, CommandId(7))
        .await
        .unwrap_err();
    assert!(
        error.message.starts_with(
            "this control plane does not offer discarding a restore (one of the v1 additions)"
        ),
        "{error:?}"
    );
    let sent = writes(&server);
    assert_eq!(sent.len(), 1, "a 404 is not retried");
    assert_eq!(sent[0].path, "/api/v1/restores/rst_1/discard");
}
