//! A command-line run of the real binary against a served control plane: a temporary home
//! for its journal and config, the server's clock ticking on, and the JSON it prints.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::Value;
use snapdeck::clock::ManualClock;

use super::served::Server;

/// Moves the server's clock on by `step` every 20 ms until dropped: about 1500× real time
/// at 30 s steps.
pub fn ticking(clock: Arc<ManualClock>, step: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
            clock.advance(step);
        }
    })
}

/// A temporary home for the journal and a config polling every second.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "refresh_interval_secs = 1\n",
        )
        .unwrap();
        Home { dir }
    }

    pub fn journal(&self) -> std::path::PathBuf {
        self.dir.path().join("journal.jsonl")
    }

    pub fn command(&self, server: &Server, token: &str, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"));
        command
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .args(["--source", "http", "--url", &server.url])
            .args(args)
            .env("SNAPDECK_TOKEN", token)
            .env("SNAPDECK_JOURNAL", self.journal())
            .env_remove("SNAPDECK_CONFIG");
        command
    }

    /// Runs to the end off the runtime, so the server on it keeps answering.
    pub async fn run(&self, server: &Server, token: &str, args: &[&str]) -> std::process::Output {
        let mut command = self.command(server, token, args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }
}

pub fn summary(output: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `snapdeck status --json` through `server`.
pub async fn status_json(home: &Home, server: &Server, token: &str) -> Value {
    let out = home.run(server, token, &["status", "--json"]).await;
    serde_json::from_slice(&out.stdout).unwrap()
}
