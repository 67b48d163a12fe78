//! `snapdeck journal`: what was done from this machine, as a table or JSON.

use std::process::ExitCode;

use super::{Failure, stdout_written, user};
use crate::journal;

pub fn command(json: bool) -> Result<ExitCode, Failure> {
    let path = journal::path().ok_or_else(|| {
        user(format!(
            "no data directory on this system: set {} to the journal's path",
            journal::ENV
        ))
    })?;
    let read = journal::read_journal(&path).map_err(|e| user(e.to_string()))?;
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if json {
        journal::write_json(&mut out, &read, &path)
    } else {
        journal::write_table(&mut out, &read, &path)
    }
    .and_then(|()| out.flush());
    stdout_written(written, "the journal")?;
    // In JSON they are in the document; beside a table, stderr keeps them out of a pipe.
    if !json {
        for problem in &read.problems {
            eprintln!("snapdeck: {}, {problem}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
