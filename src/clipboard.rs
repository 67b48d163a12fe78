//! The ticket report from the dashboard (`y` on the restore monitor): built from what the
//! dashboard holds and this machine's journal, saved to a file, and handed to the terminal's
//! clipboard with OSC 52. A terminal that does not take OSC 52 ignores it without a word, so
//! the file is always written and its path always said.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;

use crate::domain::calendar::BusinessCalendar;
use crate::domain::report::{self, Facts};
use crate::journal;

/// Past this many bytes of base64 some terminals drop an OSC 52 (xterm's default limit is
/// about 100 000): the file alone carries a report that large.
const OSC52_MAX: usize = 74_994;

/// What the dashboard asks the runner for: the report of a restore, from its facts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportWanted {
    pub facts: Facts,
    pub calendar: BusinessCalendar,
}

/// Builds the report (the journal at `journal` read now), writes it to a file beside the
/// journal, sends it to `terminal` as OSC 52; answers what was done, in words.
pub fn copy_report(
    wanted: &ReportWanted,
    journal: Option<&Path>,
    terminal: &mut dyn Write,
) -> Result<String, String> {
    let facts = &wanted.facts;
    let text = report::markdown(&journal::acts::report_of(facts, journal, &wanted.calendar));
    let id = &facts.restore.id;
    let path = report_path(journal, &id.0);
    write_private(&path, &text).map_err(|e| {
        format!(
            "the report of {id} could not be saved to {}: {e}",
            path.display()
        )
    })?;
    let sent = match osc52(&text) {
        Some(sequence) => terminal
            .write_all(sequence.as_bytes())
            .and_then(|()| terminal.flush())
            .is_ok(),
        None => false,
    };
    Ok(match sent {
        true => format!(
            "report of {id} copied to the clipboard through the terminal (OSC 52; if it does \
             not take it, the file has it): {}",
            path.display()
        ),
        false => format!("report of {id} saved to {}", path.display()),
    })
}

/// The escape sequence that sets the clipboard to `text`, or `None` when it is too long
/// for terminals to take.
pub fn osc52(text: &str) -> Option<String> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    (encoded.len() <= OSC52_MAX).then(|| format!("\x1b]52;c;{encoded}\x07"))
}

/// `reports/<id>.md` beside the journal (the data dir: it says who did what, as the journal
/// does), else in the temporary folder.
fn report_path(journal: Option<&Path>, id: &str) -> PathBuf {
    let name: String = id
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                true => c,
                false => '_',
            },
        )
        .collect();
    match journal
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
    {
        Some(dir) => dir.join("reports").join(format!("{name}.md")),
        None => std::env::temp_dir().join(format!("snapdeck-report-{name}.md")),
    }
}

/// Writes `text` to `path`, its folder 0700 and the file 0600 as the journal's are.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_base64_encoded_and_refuses_what_terminals_drop() {
        assert_eq!(osc52("hi\n").as_deref(), Some("\x1b]52;c;aGkK\x07"));
        assert!(osc52(&"x".repeat(60_000)).is_none());
    }

    #[test]
    fn the_file_sits_beside_the_journal_and_its_name_is_only_the_id() {
        let journal = Path::new("/home/a/.local/share/snapdeck/journal.jsonl");
        assert_eq!(
            report_path(Some(journal), "rst_0is"),
            Path::new("/home/a/.local/share/snapdeck/reports/rst_0is.md")
        );
        assert!(report_path(Some(journal), "../../etc/x").ends_with("reports/______etc_x.md"));
        assert!(report_path(None, "rst_1").starts_with(std::env::temp_dir()));
    }
}
