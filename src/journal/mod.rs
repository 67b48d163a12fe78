//! The journal: an append-only local record of every operator action (DESIGN.md, "Journal
//! first"). JSON Lines: an intent before a write leaves, its outcome when the answer comes back.
//! Each line is written whole and fsynced, so after a crash at most the last line is torn, and
//! the app refuses to send what it could not journal.

pub mod acts;
mod print;
mod read;
mod record;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use std::ffi::OsStr;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub use print::{write_json, write_table};
pub use read::{Entry, JournalRead, Problem, read_journal};
pub use record::{
    Action, IdempotencyKey, Intent, Outcome, UNKNOWN_OPERATOR, Verdict, details_of, operator,
};

use record::RecordRef;

/// Names the journal file instead of the data dir's; empty counts as unset.
pub const ENV: &str = "SNAPDECK_JOURNAL";

/// Where the journal is: `SNAPDECK_JOURNAL`, else `journal.jsonl` in the platform data dir
/// (`~/.local/share/snapdeck/` on Linux). `None` on a system with no home directory.
pub fn path() -> Option<PathBuf> {
    resolve_path(std::env::var_os(ENV).as_deref())
}

/// [`path`] with the environment variable's value given.
pub fn resolve_path(env_override: Option<&OsStr>) -> Option<PathBuf> {
    match env_override.filter(|value| !value.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        // The same project name as the config and log paths, so the three sit together on
        // every platform.
        None => directories::ProjectDirs::from("net", "snapdeck", "snapdeck")
            .map(|dirs| dirs.data_dir().join("journal.jsonl")),
    }
}

/// What could not be done to which file, in words: "could not write the journal
/// /x/journal.jsonl: No space left on device (os error 28)".
#[derive(Debug)]
pub struct JournalError {
    doing: &'static str,
    path: PathBuf,
    source: io::Error,
}

impl JournalError {
    fn new(doing: &'static str, path: &Path, source: io::Error) -> JournalError {
        JournalError {
            doing,
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not {} {}: {}",
            self.doing,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for JournalError {}

/// The journal, open for appending.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
    /// The `at` of the last record written: the next is never earlier.
    last_at: DateTime<Utc>,
}

impl Journal {
    /// Opens the journal, creating its folder (0700) and the file (0600) if missing: it says
    /// who did what to which tenant, which is nobody else's business on a shared host.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(dir)
                .map_err(|e| JournalError::new("create the journal's folder", dir, e))?;
        }
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(path)
            .map_err(|e| JournalError::new("open the journal", path, e))?;
        end_last_line(&mut file)
            .map_err(|e| JournalError::new("end the torn last line of the journal", path, e))?;
        Ok(Journal {
            file,
            path: path.to_path_buf(),
            last_at: DateTime::<Utc>::MIN_UTC,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records an intent; only once this returns Ok may the write be sent.
    /// Its `at` is the wall clock at the moment of writing, whatever clock the app runs on.
    pub fn append_intent(&mut self, intent: &Intent) -> Result<(), JournalError> {
        let mut intent = intent.clone();
        intent.at = self.stamp();
        self.append(&RecordRef::Intent(&intent))
    }

    pub fn append_outcome(&mut self, outcome: &Outcome) -> Result<(), JournalError> {
        let mut outcome = outcome.clone();
        outcome.at = self.stamp();
        self.append(&RecordRef::Outcome(&outcome))
    }

    /// The wall clock (the demo's own clock runs fast, a control plane's may be off), never
    /// earlier than the last record: an answer is never journaled before its question.
    fn stamp(&mut self) -> DateTime<Utc> {
        self.last_at = Utc::now().max(self.last_at);
        self.last_at
    }

    fn append(&mut self, record: &RecordRef<'_>) -> Result<(), JournalError> {
        let written = serde_json::to_vec(record)
            .map_err(io::Error::other)
            .and_then(|mut line| {
                line.push(b'\n');
                // One write of the whole line: O_APPEND keeps it in one piece even when two
                // snapdecks share the journal.
                self.file.write_all(&line)?;
                self.file.flush()?;
                self.file.sync_data()
            });
        written.map_err(|e| JournalError::new("write the journal", &self.path, e))
    }
}

/// After a crash mid-write the file ends inside a line: a newline makes the next record start
/// on its own line instead of gluing it to the torn one, which would lose both.
fn end_last_line(file: &mut File) -> io::Result<()> {
    if file.metadata()?.len() == 0 {
        return Ok(());
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")?;
        file.sync_data()?;
    }
    Ok(())
}
