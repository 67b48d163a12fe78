//! What the real TUI says as it starts, in a pseudo-terminal (`script`): a journal that
//! cannot be written is said at once, not at the first action it refuses.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_snapdeck");

#[test]
fn an_unwritable_journal_is_said_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let screen = dir.path().join("screen");
    // No folder can be made under /proc: the journal cannot be opened, even by root.
    let command = format!("stty cols 160 rows 45; exec {BIN} --tenants 30");
    let mut child = Command::new("script")
        .args(["-qfec", &command])
        .arg(&screen)
        .env("SNAPDECK_JOURNAL", "/proc/snapdeck-nowhere/journal.jsonl")
        .env("SNAPDECK_CONFIG", "")
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("`script` (util-linux) runs the TUI in a pseudo-terminal");
    let stdin = child.stdin.as_mut().unwrap();
    // The terminal answers the TUI's cursor-position query, as a real one would.
    stdin.write_all(b"\x1b[1;1R").unwrap();
    stdin.flush().unwrap();
    let mut seen = String::new();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        seen = String::from_utf8_lossy(&std::fs::read(&screen).unwrap_or_default()).into_owned();
        if seen.contains("every action will be refused: the journal cannot be written") {
            break;
        }
    }
    let stdin = child.stdin.as_mut().unwrap();
    let _ = stdin.write_all(b"q");
    let _ = stdin.flush();
    let _ = child.wait();
    assert!(
        seen.contains("every action will be refused: the journal cannot be written"),
        "not said on screen: {}",
        seen.chars().rev().take(2000).collect::<String>()
    );
}
