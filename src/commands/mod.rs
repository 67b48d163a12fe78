//! Every command in one place, one module each; `main.rs` only routes to them. Each depends
//! downward (config, sources, ops, journal, domain), never on the dashboard's `app` — the
//! dashboard is a command too (`dashboard`), the one that wires the app to a terminal.

pub mod completions;
pub mod config;
pub mod dashboard;
pub mod drill;
pub mod failover;
pub mod journal;
pub mod man;
pub mod report;
pub mod source;
pub mod status;
pub mod verify;

/// A problem the user can fix (bad config, bad theme, unavailable source): said in words,
/// exit code 2 (3 for the monitoring commands), no backtrace.
pub struct UserError(pub String);

pub enum Failure {
    User(UserError),
    Internal(color_eyre::Report),
}

impl From<color_eyre::Report> for Failure {
    fn from(report: color_eyre::Report) -> Self {
        Failure::Internal(report)
    }
}

pub fn user(message: impl Into<String>) -> Failure {
    Failure::User(UserError(message.into()))
}

/// A reader that went away (`status | head`) has what it wanted; any other failure to write
/// is an error.
pub fn stdout_written(written: std::io::Result<()>, what: &str) -> Result<(), Failure> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Internal(
            color_eyre::Report::new(e).wrap_err(format!("could not write {what} to stdout")),
        )),
        _ => Ok(()),
    }
}

/// Writes to stdout; a reader that went away (`config path | head`) is not an error.
pub fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    stdout_written(
        out.write_all(text.as_bytes()).and_then(|()| out.flush()),
        "the output",
    )
}

/// Unique to this run, so idempotency keys (`<session>-<n>`) never repeat across runs.
pub fn session_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("sd{:x}{:x}", nanos, std::process::id())
}

/// The one runtime of a headless command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Runtime::new().map_err(|e| user(format!("no async runtime: {e}")))
}
