//! Logs go to a file in the state (or data) dir, never to the terminal the TUI draws on.

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;

use directories::ProjectDirs;
use tracing_subscriber::EnvFilter;

/// Where the log file lives on this system.
pub fn path() -> Option<PathBuf> {
    let dirs = ProjectDirs::from("net", "snapdeck", "snapdeck")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("snapdeck.log"))
}

/// Starts logging to the file (level from `SNAPDECK_LOG`, default info). Returns the file's
/// path, or None when no file could be opened — logging is then off, never on screen.
pub fn init() -> Option<PathBuf> {
    let path = path()?;
    fs::create_dir_all(path.parent()?).ok()?;
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = EnvFilter::try_from_env("SNAPDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(path)
}
