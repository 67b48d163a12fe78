//! `snapdeck journal`: the journal as a table for a person, or as one JSON document.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::read::{Entry, JournalRead, Problem};

const HEADER: [&str; 6] = ["TIME", "OPERATOR", "OP", "TARGET", "TICKET", "RESULT"];

/// One line per intent, newest last, columns as wide as their widest cell. The problems are
/// not written here: they belong on stderr.
pub fn write_table(out: &mut impl Write, read: &JournalRead, path: &Path) -> io::Result<()> {
    if read.entries.is_empty() {
        return writeln!(
            out,
            "no actions recorded yet (journal at {})",
            path.display()
        );
    }
    let rows: Vec<[String; 6]> = read.entries.iter().map(row).collect();
    let mut widths = HEADER.map(|title| title.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for cells in std::iter::once(HEADER.map(String::from)).chain(rows) {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", padded.join("  ").trim_end())?;
    }
    Ok(())
}

fn row(entry: &Entry) -> [String; 6] {
    let intent = &entry.intent;
    let result = entry
        .outcome
        .as_ref()
        .map_or("sent? unknown".to_string(), |outcome| outcome.summary());
    [
        intent.at.format("%Y-%m-%d %H:%M:%SZ").to_string(),
        printable(&intent.operator),
        printable(&intent.what()),
        printable(&intent.target),
        intent.ticket.as_deref().map_or("-".to_string(), printable),
        printable(&result),
    ]
}

/// The file is text anyone with the account could edit: an escape sequence in it must not
/// reach the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// `{"path", "entries": [{"intent", "outcome" | null}], "problems": [{"line", "problem"}]}`.
pub fn write_json(out: &mut impl Write, read: &JournalRead, path: &Path) -> io::Result<()> {
    #[derive(Serialize)]
    struct Document<'a> {
        path: String,
        entries: &'a [Entry],
        problems: &'a [Problem],
    }
    let doc = Document {
        // Lossy: a path that is not UTF-8 must not cost the whole document.
        path: path.display().to_string(),
        entries: &read.entries,
        problems: &read.problems,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
