//! End to end: the built binary's `journal`, as a table and as JSON, over a journal written by
//! the library, torn last line included.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use snapdeck::journal::{Action, IdempotencyKey, Intent, Journal, Outcome};

fn snapdeck(args: &[&str], journal: &Path, config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(args)
        .env("SNAPDECK_JOURNAL", journal)
        .env("SNAPDECK_CONFIG", config)
        .output()
        .expect("the binary runs")
}

fn ask(journal: &mut Journal, op: Action, target: &str, key: &str, ticket: Option<&str>) {
    let mut intent = Intent::new(op, target, "demo", IdempotencyKey::from(key));
    intent.ticket = ticket.map(String::from);
    journal.append_intent(&intent).unwrap();
}

/// An empty config (every default) and a journal of three actions: one done, one refused,
/// one whose answer never came; then a line cut short by a crash.
fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = dir.join("config.toml");
    std::fs::write(&config, "").unwrap();
    let path = dir.join("journal.jsonl");
    let mut journal = Journal::open(&path).unwrap();
    ask(
        &mut journal,
        Action::CreateRestore,
        "northfield-arts",
        "k-restore",
        Some("SUP-4411"),
    );
    journal
        .append_outcome(&Outcome::ok("k-restore".into(), Some("rst_41c".into())))
        .unwrap();
    ask(
        &mut journal,
        Action::CreateDnsSwap,
        "rst_41c",
        "k-swap",
        None,
    );
    journal
        .append_outcome(&Outcome::error(
            "k-swap".into(),
            Some(409),
            Some("restore_in_progress".into()),
            "the restore is not verified yet",
        ))
        .unwrap();
    ask(
        &mut journal,
        Action::CancelRestore,
        "rst_77a",
        "k-cancel",
        None,
    );
    drop(journal);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(br#"{"kind":"outcome","at":"2026-03-"#)
        .unwrap();
    (path, config)
}

#[test]
fn the_table_shows_each_action_and_what_came_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = setup(dir.path());
    let out = snapdeck(&["journal"], &path, &config);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].starts_with("TIME") && lines[0].ends_with("RESULT"),
        "{stdout}"
    );
    for (line, words) in lines[1..].iter().zip([
        ["create_restore", "northfield-arts", "SUP-4411", "ok"],
        [
            "create_dns_swap",
            "rst_41c",
            " - ",
            "error 409 restore_in_progress: the restore is not verified yet",
        ],
        ["cancel_restore", "rst_77a", " - ", "sent? unknown"],
    ]) {
        for word in words {
            assert!(line.contains(word), "{word:?} in {line:?}");
        }
    }
    assert!(stderr.contains("line 6"), "{stderr}");
    assert!(stderr.contains("cut short"), "{stderr}");
}

#[test]
fn json_lists_entries_and_the_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = setup(dir.path());
    let out = snapdeck(&["journal", "--json"], &path, &config);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("journal --json prints JSON");
    assert_eq!(doc["path"], path.display().to_string());
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["intent"]["op"], "create_restore");
    assert_eq!(entries[0]["intent"]["ticket"], "SUP-4411");
    assert_eq!(entries[0]["outcome"]["resource_id"], "rst_41c");
    assert_eq!(entries[1]["outcome"]["status"], 409);
    assert_eq!(entries[2]["intent"]["idempotency_key"], "k-cancel");
    assert_eq!(entries[2]["outcome"], Value::Null);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["line"], 6);
    assert!(
        problems[0]["problem"]
            .as_str()
            .unwrap()
            .contains("cut short")
    );
}

#[test]
fn a_missing_journal_says_nothing_was_recorded_yet() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let path = dir.path().join("never-written.jsonl");
    let out = snapdeck(&["journal"], &path, &config);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("no actions recorded yet (journal at {})\n", path.display())
    );
    assert!(!path.exists(), "reading never creates the journal");
}

#[test]
fn a_journal_that_cannot_be_read_exits_2_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    // A broken config must not stand between the operator and the journal.
    std::fs::write(&config, "broken = [").unwrap();
    // A folder where the file should be: unreadable even for root, unlike a chmod.
    let out = snapdeck(&["journal"], dir.path(), &config);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "could not read the journal {}",
            dir.path().display()
        )),
        "{stderr}"
    );
}

/// A config named on purpose must exist, for the journal as for every command: a typo in its
/// path must not pass unnoticed.
#[test]
fn a_named_config_file_that_does_not_exist_exits_2_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (path, config) = setup(dir.path());
    let missing = dir.path().join("nonexist.toml");
    let by_option = Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(["journal", "--config"])
        .arg(&missing)
        .env("SNAPDECK_JOURNAL", &path)
        .env_remove("SNAPDECK_CONFIG")
        .output()
        .unwrap();
    let by_variable = snapdeck(&["journal", "--json"], &path, &missing);
    for out in [by_option, by_variable] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("config file {} does not exist", missing.display())),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    // The file that is there is still not read: a broken one does not hide the journal.
    std::fs::write(&config, "broken = [").unwrap();
    let out = snapdeck(&["journal"], &path, &config);
    assert_eq!(out.status.code(), Some(0));
}
