//! Reading the journal back: every line that parses, paired by idempotency key; every line that
//! does not, reported with its number and skipped. Nothing in the file can make reading fail.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::Path;

use serde::Serialize;

use super::JournalError;
use super::record::{IdempotencyKey, Intent, Outcome, Record};

/// An intent and, once its answer came back, its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub intent: Intent,
    pub outcome: Option<Outcome>,
}

/// A line that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Counted from 1, as an editor shows it.
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalRead {
    /// In file order: newest last.
    pub entries: Vec<Entry>,
    /// Every skipped line, the torn last one included.
    pub problems: Vec<Problem>,
    /// The last line, when it was cut short (snapdeck stopped while writing it).
    pub torn_last_line: Option<usize>,
}

impl JournalRead {
    /// Intents with no outcome: "sent? unknown". Re-sending one with its key is safe.
    pub fn unresolved(&self) -> impl Iterator<Item = &Intent> {
        self.entries
            .iter()
            .filter(|entry| entry.outcome.is_none())
            .map(|entry| &entry.intent)
    }

    fn problem(&mut self, line: usize, problem: String) {
        self.problems.push(Problem { line, problem });
    }
}

/// The journal at `path`; a file that does not exist yet reads as empty.
pub fn read_journal(path: &Path) -> Result<JournalRead, JournalError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(parse(&bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(JournalRead::default()),
        Err(e) => Err(JournalError::new("read the journal", path, e)),
    }
}

fn parse(bytes: &[u8]) -> JournalRead {
    let mut read = JournalRead::default();
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let blank = |line: &[u8]| line.iter().all(u8::is_ascii_whitespace);
    let last = lines.iter().rposition(|line| !blank(line));
    // A re-send reuses its intent's key and is the same action: one answer settles them all.
    let mut waiting: HashMap<IdempotencyKey, Vec<usize>> = HashMap::new();
    for (index, line) in lines.iter().enumerate() {
        if blank(line) {
            continue;
        }
        let number = index + 1;
        // A last line that parses but lacks its newline is kept: the record is whole, and the
        // next `Journal::open` ends it anyway.
        let record = match serde_json::from_slice::<Record>(line) {
            Ok(record) => record,
            Err(e) => {
                let what = if Some(index) == last {
                    read.torn_last_line = Some(number);
                    "the last line is cut short (snapdeck stopped while writing it?)"
                } else {
                    "not a journal record"
                };
                read.problem(number, format!("{what}; skipped: {}", reason(&e)));
                continue;
            }
        };
        match record {
            Record::Intent(intent) => {
                let key = intent.idempotency_key.clone();
                waiting.entry(key).or_default().push(read.entries.len());
                read.entries.push(Entry {
                    intent,
                    outcome: None,
                });
            }
            Record::Outcome(outcome) => match waiting.remove(&outcome.idempotency_key) {
                Some(answered) => {
                    for i in answered {
                        read.entries[i].outcome = Some(outcome.clone());
                    }
                }
                None => read.problem(
                    number,
                    format!(
                        "an outcome for idempotency key {} with no unanswered intent before \
                         it; skipped",
                        outcome.idempotency_key
                    ),
                ),
            },
        }
    }
    read
}

/// serde's reason without its "at line 1": every line is parsed alone.
fn reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&position) {
        Some(reason) => format!("{reason} (column {})", e.column()),
        None => text,
    }
}
