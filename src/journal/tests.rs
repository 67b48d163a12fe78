use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn intent(key: &str) -> Intent {
    Intent::new(
        Action::CreateRestore,
        "northfield-arts",
        "demo",
        IdempotencyKey::from(key),
    )
}

fn ask(journal: &mut Journal, key: &str) {
    journal.append_intent(&intent(key)).unwrap();
}

fn answer(journal: &mut Journal, key: &str) {
    journal
        .append_outcome(&Outcome::ok(key.into(), None))
        .unwrap();
}

/// A new journal in a folder of its own, which lasts as long as the `TempDir`.
fn fresh() -> (tempfile::TempDir, Journal, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let journal = Journal::open(&path).unwrap();
    (dir, journal, path)
}

/// Bytes as a crash or an editor would leave them, bypassing the journal.
fn append_raw(path: &Path, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

#[test]
fn what_is_appended_reads_back_paired_by_key() {
    let (_dir, mut journal, path) = fresh();
    let mut first = intent("k1");
    first.ticket = Some("SUP-4411".into());
    first
        .details
        .insert("restore_point_id".into(), json!("rp_9"));
    journal.append_intent(&first).unwrap();
    ask(&mut journal, "k2");
    let failed = Outcome::error(
        "k2".into(),
        Some(409),
        Some("restore_in_progress".into()),
        "a restore is already running",
    );
    journal.append_outcome(&failed).unwrap();
    let created = Outcome::ok("k1".into(), Some("rst_41c".into()));
    journal.append_outcome(&created).unwrap();

    let read = read_journal(&path).unwrap();
    assert_eq!(read.problems, []);
    assert_eq!(read.torn_last_line, None);
    assert_eq!(read.entries.len(), 2);
    // Stamped with the wall clock as written (tested below); the rest as given.
    first.at = read.entries[0].intent.at;
    let mut created = created;
    created.at = read.entries[0].outcome.as_ref().unwrap().at;
    let mut failed = failed;
    failed.at = read.entries[1].outcome.as_ref().unwrap().at;
    assert_eq!(read.entries[0].intent, first);
    assert_eq!(read.entries[0].outcome, Some(created));
    assert_eq!(read.entries[1].outcome, Some(failed.clone()));
    assert_eq!(read.unresolved().count(), 0);
    assert_eq!(
        failed.summary(),
        "error 409 restore_in_progress: a restore is already running"
    );

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines[0]["kind"], "intent");
    assert_eq!(lines[0]["op"], "create_restore");
    assert_eq!(lines[0]["operator"], operator(None).unwrap());
    assert_eq!(lines[3]["kind"], "outcome");
    assert_eq!(lines[3]["result"], "ok");
    assert_eq!(lines[3]["status"], Value::Null);
    assert!(text.ends_with('\n'));
}

#[test]
fn an_intent_without_outcome_is_unresolved() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    ask(&mut journal, "k2");
    answer(&mut journal, "k1");
    let read = read_journal(&path).unwrap();
    let keys: Vec<&str> = read
        .unresolved()
        .map(|i| i.idempotency_key.0.as_str())
        .collect();
    assert_eq!(keys, ["k2"]);
}

#[test]
fn one_answer_settles_every_sending_of_its_key() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    ask(&mut journal, "k1");
    answer(&mut journal, "k1");
    answer(&mut journal, "k9");
    let read = read_journal(&path).unwrap();
    assert_eq!(read.unresolved().count(), 0);
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].line, 4);
    assert!(
        read.problems[0].problem.contains("k9"),
        "{:?}",
        read.problems
    );
}

#[test]
fn a_torn_last_line_is_reported_and_skipped() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    answer(&mut journal, "k1");
    ask(&mut journal, "k2");
    append_raw(&path, br#"{"kind":"outcome","at":"2026-03-0"#);

    let read = read_journal(&path).unwrap();
    assert_eq!(read.torn_last_line, Some(4));
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].line, 4);
    assert!(read.problems[0].problem.contains("cut short"));
    assert_eq!(read.entries.len(), 2);
    assert!(read.entries[0].outcome.is_some());
    let unresolved: Vec<&Intent> = read.unresolved().collect();
    assert_eq!(unresolved, [&read.entries[1].intent]);
}

#[test]
fn a_garbage_middle_line_is_reported_with_its_number() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    append_raw(&path, b"{\"kind\":\"intent\"}\n\nnot json at all\n");
    ask(&mut journal, "k2");

    let read = read_journal(&path).unwrap();
    assert_eq!(read.torn_last_line, None);
    let lines: Vec<usize> = read.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 4], "the blank line 3 is no problem");
    assert!(read.problems[0].problem.contains("missing field"));
    assert!(
        read.problems[1]
            .to_string()
            .starts_with("line 4: not a journal record")
    );
    assert_eq!(read.entries.len(), 2);
}

#[test]
fn appending_after_a_torn_line_starts_a_new_line() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    drop(journal);
    append_raw(&path, br#"{"kind":"intent","at":"#);

    let mut journal = Journal::open(&path).unwrap();
    ask(&mut journal, "k2");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("{\"kind\":\"intent\",\"at\":\n{\"kind\""),
        "{text}"
    );
    let read = read_journal(&path).unwrap();
    assert_eq!(read.torn_last_line, None);
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].line, 2);
    let keys: Vec<&str> = read
        .entries
        .iter()
        .map(|e| e.intent.idempotency_key.0.as_str())
        .collect();
    assert_eq!(keys, ["k1", "k2"]);
}

#[test]
fn a_whole_last_line_without_its_newline_is_kept() {
    let (_dir, mut journal, path) = fresh();
    ask(&mut journal, "k1");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.trim_end()).unwrap();
    let read = read_journal(&path).unwrap();
    assert_eq!((read.entries.len(), read.torn_last_line), (1, None));
}

#[test]
fn a_missing_journal_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let read = read_journal(&dir.path().join("nothing.jsonl")).unwrap();
    assert_eq!(read, JournalRead::default());
}

#[cfg(unix)]
#[test]
fn the_journal_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new").join("journal.jsonl");
    Journal::open(&path).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[test]
fn an_unusable_location_is_an_error_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let path = file.join("journal.jsonl");
    let err = Journal::open(&path).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "could not create the journal's folder {}: ",
            file.display()
        )),
        "{err}"
    );
    let err = read_journal(dir.path()).unwrap_err().to_string();
    assert!(err.starts_with("could not read the journal "), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_in_words() {
    let mut journal = Journal::open(Path::new("/dev/full")).unwrap();
    let err = journal
        .append_intent(&intent("k1"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("could not write the journal /dev/full: No space left on device"),
        "{err}"
    );
}

#[test]
fn an_empty_variable_means_the_data_dir() {
    let named = resolve_path(Some(OsStr::new("/tmp/j.jsonl")));
    assert_eq!(named, Some(PathBuf::from("/tmp/j.jsonl")));
    let default = resolve_path(None);
    assert_eq!(resolve_path(Some(OsStr::new(""))), default);
    if let Some(default) = default {
        assert!(default.ends_with("snapdeck/journal.jsonl"), "{default:?}");
    }
}

#[test]
fn the_table_marks_unanswered_intents_and_defuses_escapes() {
    let mut read = JournalRead::default();
    let mut sneaky = intent("k1");
    sneaky.target = "evil\u{1b}[2Jtenant".into();
    read.entries.push(Entry {
        intent: sneaky,
        outcome: None,
    });
    let mut out = Vec::new();
    write_table(&mut out, &read, Path::new("j.jsonl")).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("TIME "), "{text}");
    assert!(text.contains("sent? unknown"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");

    let mut out = Vec::new();
    write_table(&mut out, &JournalRead::default(), Path::new("j.jsonl")).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "no actions recorded yet (journal at j.jsonl)\n"
    );
}

#[test]
fn every_record_is_at_the_wall_clock_and_an_answer_never_before_its_question() {
    let (_dir, mut journal, path) = fresh();
    // The demo's clock runs ahead (×60), a control plane's may run behind: neither is the
    // journal's.
    let mut ahead = intent("k1");
    ahead.at = Utc::now() + chrono::Duration::minutes(23);
    let mut behind = Outcome::ok("k1".into(), None);
    behind.at = Utc::now() - chrono::Duration::hours(2);
    let before = Utc::now();
    journal.append_intent(&ahead).unwrap();
    journal.append_outcome(&behind).unwrap();
    let after = Utc::now();
    let read = read_journal(&path).unwrap();
    let entry = &read.entries[0];
    let asked = entry.intent.at;
    let answered = entry.outcome.as_ref().unwrap().at;
    assert!(before <= asked && asked <= after, "{asked}");
    assert!(
        asked <= answered && answered <= after,
        "{asked} then {answered}"
    );
}

#[test]
fn the_operator_is_the_configs_then_the_login_name_then_the_account() {
    assert_eq!(operator(Some("  alex ")).as_deref(), Some("alex"));
    // A blank name in the config is no name: the next one is taken.
    assert_eq!(operator(Some(" ")), operator(None));
    // This machine's account has a name even when the environment says none.
    assert!(record::account_name().is_some_and(|n| !n.is_empty()));
}
