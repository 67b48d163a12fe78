//! SIGTERM of the real TUI, in a pseudo-terminal (`script`), while a write is on its way to
//! the control plane (`serve-demo` behind a proxy that holds the answer): the journal keeps
//! the intent as "sent? unknown", and after a restart the journal screen's `s` re-sends it
//! with its key — the control plane answers the restore it already made, so there is one.

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use snapdeck::journal::{Verdict, read_journal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "sigterm-test-token";
const BIN: &str = env!("CARGO_BIN_EXE_snapdeck");

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("never: {what}");
}

/// The TUI in a pseudo-terminal of 160×45, its keyboard on the returned child's stdin.
fn tui(url: &str, journal: &Path, token_file: &Path) -> Child {
    let command = format!("stty cols 160 rows 45; exec {BIN} --source http --url {url}");
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env(
            "SNAPDECK_TOKEN",
            std::fs::read_to_string(token_file).unwrap(),
        )
        .env("SNAPDECK_JOURNAL", journal)
        .env("SNAPDECK_CONFIG", "")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("`script` (util-linux) runs the TUI in a pseudo-terminal");
    // The terminal answers the TUI's cursor-position query, as a real one would.
    keys(&mut child, "\x1b[1;1R");
    child
}

fn keys(child: &mut Child, text: &str) {
    let stdin = child.stdin.as_mut().unwrap();
    stdin.write_all(text.as_bytes()).unwrap();
    stdin.flush().unwrap();
}

/// The TUI's pid: `script`'s child (the shell `exec`s it).
fn tui_pid(script: &Child) -> i32 {
    let pid = script.id();
    let mut found = None;
    until("the TUI's process", Duration::from_secs(5), || {
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        found = children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok());
        found.is_some()
    });
    found.unwrap()
}

fn wait_exit(child: &mut Child, what: &str) {
    until(what, Duration::from_secs(10), || {
        matches!(child.try_wait(), Ok(Some(_)))
    });
}

/// A proxy to `upstream` that marks when a POST goes through and holds every `202` answer
/// back (the write is done; its answer is still on its way).
async fn holding_proxy(upstream: u16, posted: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                continue;
            };
            let posted = posted.clone();
            tokio::spawn(async move {
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 64 * 1024];
                    while let Ok(n) = client_read.read(&mut buffer).await {
                        if n == 0 || server_write.write_all(&buffer[..n]).await.is_err() {
                            break;
                        }
                        if buffer.starts_with(b"POST ") {
                            posted.store(true, Ordering::SeqCst);
                        }
                    }
                });
                let mut buffer = vec![0u8; 64 * 1024];
                while let Ok(n) = server_read.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                    if buffer.starts_with(b"HTTP/1.1 202") {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    if client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn sigterm_with_a_write_in_flight_then_a_resend_after_restart_makes_one_restore() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let journal = dir.path().join("journal.jsonl");
    let port = free_port();
    let mut server = Command::new(BIN)
        .args(["serve-demo", "--tenants", "60", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--token-file")
        .arg(&token_file)
        .env("SNAPDECK_CONFIG", "")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let restores = |ticket: &'static str| {
        let request = client
            .get(format!("http://127.0.0.1:{port}/api/v1/restores"))
            .bearer_auth(TOKEN)
            .send();
        runtime.block_on(async {
            let Ok(answer) = request.await else {
                return None;
            };
            let page: serde_json::Value = answer.json().await.ok()?;
            let items = page["items"].as_array()?.clone();
            Some(
                items
                    .into_iter()
                    .filter(|r| r["ticket"] == ticket)
                    .map(|r| r["id"].as_str().unwrap_or_default().to_string())
                    .collect::<Vec<_>>(),
            )
        })
    };
    until("serve-demo answers", Duration::from_secs(20), || {
        restores("SUP-4821").is_some()
    });
    let posted = Arc::new(AtomicBool::new(false));
    let proxy = runtime.block_on(holding_proxy(port, posted.clone()));

    // The first run: a restore launched, its answer held back, then SIGTERM.
    let mut first = tui(&format!("http://127.0.0.1:{proxy}"), &journal, &token_file);
    std::thread::sleep(Duration::from_secs(2));
    keys(&mut first, ":tenant northfield-medicine\r");
    std::thread::sleep(Duration::from_millis(700));
    keys(&mut first, "R");
    std::thread::sleep(Duration::from_millis(500));
    keys(&mut first, "SUP-4821\r");
    until("the restore's POST", Duration::from_secs(10), || {
        posted.load(Ordering::SeqCst)
    });
    std::thread::sleep(Duration::from_millis(300));
    let pid = tui_pid(&first);
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    wait_exit(&mut first, "the TUI stops on SIGTERM");
    let read = read_journal(&journal).unwrap();
    assert_eq!(read.entries.len(), 1, "{read:?}");
    assert!(read.entries[0].outcome.is_none(), "sent? unknown");
    let made = restores("SUP-4821").unwrap();
    assert_eq!(made.len(), 1, "the control plane did it once");

    // The second run, straight to the server: the journal screen re-sends it with its key.
    let mut second = tui(&format!("http://127.0.0.1:{port}"), &journal, &token_file);
    std::thread::sleep(Duration::from_secs(2));
    keys(&mut second, "4");
    std::thread::sleep(Duration::from_millis(700));
    keys(&mut second, "s");
    until("the re-send's outcome", Duration::from_secs(10), || {
        read_journal(&journal)
            .map(|r| r.entries.iter().all(|e| e.outcome.is_some()))
            .unwrap_or(false)
    });
    keys(&mut second, "q");
    wait_exit(&mut second, "q quits");
    let read = read_journal(&journal).unwrap();
    assert_eq!(read.entries.len(), 2, "the intent, then its re-send");
    let keys_used: Vec<_> = read
        .entries
        .iter()
        .map(|e| e.intent.idempotency_key.clone())
        .collect();
    assert_eq!(keys_used[0], keys_used[1], "re-sent with its own key");
    let outcome = read.entries[1].outcome.as_ref().unwrap();
    assert_eq!(outcome.result, Verdict::Ok);
    assert_eq!(outcome.resource_id.as_deref(), Some(made[0].as_str()));
    assert_eq!(restores("SUP-4821").unwrap(), made, "still one restore");
    let _ = server.kill();
    let _ = server.wait();
}
