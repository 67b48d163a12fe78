//! End to end: the built binary's `status`, its JSON, its exit codes and its config errors.

use std::process::{Command, Output};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

fn snapdeck(args: &[&str], config: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(args)
        .env("SNAPDECK_CONFIG", config)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// An empty config file: every setting at its default.
fn no_config() -> String {
    let name = format!("snapdeck-test-empty-{}.toml", std::process::id());
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, "").unwrap();
    path.display().to_string()
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn status_json(args: &[&str]) -> (Value, i32) {
    let out = snapdeck(&[&["status", "--json"], args].concat(), &no_config());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("status --json prints JSON");
    (doc, out.status.code().expect("exit code"))
}

#[test]
fn status_json_carries_every_flag_and_the_contract_keys() {
    let (doc, code) = status_json(&["--seed", "42", "--tenants", "60"]);
    let tenants = doc["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 60);
    assert!(time(&doc["generated_at"]).is_some());
    let ids: std::collections::HashSet<&str> = tenants
        .iter()
        .flat_map(|t| t["health"]["flags"].as_array().unwrap())
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for id in [
        "never_backed_up",
        "rpo_breached",
        "last_snapshot_failed",
        "schedule_overdue",
        "schedule_misses_rpo",
        "pair_incoherent",
        "cross_region_lagging",
        "retention_exceeded",
        "history_short",
        "restore_running",
        "data_stale",
    ] {
        assert!(ids.contains(id), "demo fleet shows {id}");
    }
    for key in [
        "id",
        "slug",
        "kind",
        "hub_id",
        "tier",
        "region",
        "created_at",
        "backup",
        "active_restore_id",
    ] {
        assert!(tenants[0].get(key).is_some(), "tenant key {key}");
    }
    for key in [
        "schedule",
        "last_success",
        "last_attempt",
        "retention_days",
        "oldest_restore_point_at",
        "restore_point_count",
        "cross_region",
    ] {
        assert!(tenants[0]["backup"].get(key).is_some(), "backup key {key}");
    }
    let summary = &doc["summary"];
    let total: u64 = ["ok", "info", "amber", "red", "unknown"]
        .iter()
        .map(|l| summary[l].as_u64().unwrap())
        .sum();
    assert_eq!(total, 60);
    let expected = if summary["red"].as_u64() > Some(0) {
        2
    } else if summary["unknown"].as_u64() > Some(0) {
        3
    } else {
        1
    };
    assert_eq!(code, expected);
}

/// Runs of a cron in `(after, until]`, counted the plain way a script would.
fn runs_between(cron: &str, zone: &str, after: DateTime<Utc>, until: DateTime<Utc>) -> Option<u64> {
    let schedule = snapdeck::domain::schedule::CronSchedule::parse(cron, zone).ok()?;
    let mut at = after;
    let mut count = 0;
    while let Some(next) = schedule.next_after(at).filter(|n| *n <= until) {
        count += 1;
        at = next;
    }
    Some(count)
}

/// A script must be able to recompute the flags from the fields printed beside them: a stale
/// tenant's as of its `observed_at`, every other as of `generated_at`.
#[test]
fn flags_can_be_recomputed_from_the_printed_fields() {
    let (doc, _) = status_json(&["--seed", "7", "--tenants", "300"]);
    let generated = time(&doc["generated_at"]).unwrap();
    let refresh = Duration::seconds(doc["refresh_interval_seconds"].as_i64().unwrap());
    let mut counted = 0;
    for t in doc["tenants"].as_array().unwrap() {
        let slug = t["slug"].as_str().unwrap();
        let has = |id: &str| {
            t["health"]["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["id"] == id)
        };
        let stale = time(&t["observed_at"]).is_some_and(|at| generated - at > refresh * 2);
        assert_eq!(has("data_stale"), stale, "{slug}");
        let now = if stale {
            time(&t["observed_at"]).unwrap()
        } else {
            generated
        };
        let b = &t["backup"];
        let rpo = if t["tier"] == "dedicated" {
            Duration::hours(1)
        } else {
            Duration::hours(24)
        };
        let last = time(&b["last_success"]["taken_at"]);
        let attempt = time(&b["last_attempt"]["taken_at"]);
        let in_flight = b["last_attempt"]["status"] == "running"
            && attempt.zip(last).is_some_and(|(a, l)| a - l <= rpo)
            && attempt.is_some_and(|a| now - a <= Duration::minutes(30));
        let rpo_breached = last.is_some_and(|at| now - at > rpo) && !in_flight;
        assert_eq!(has("rpo_breached"), rpo_breached, "{slug}");
        let skew = b["last_success"]["skew_seconds"]
            .as_i64()
            .unwrap_or(0)
            .abs();
        assert_eq!(has("pair_incoherent"), skew > 300, "{slug}");
        let failed = matches!(
            b["last_attempt"]["status"].as_str(),
            Some("failed" | "partial")
        );
        assert_eq!(has("last_snapshot_failed"), failed, "{slug}");
        let retention = Duration::days(b["retention_days"].as_i64().unwrap());
        let oldest = time(&b["oldest_restore_point_at"]);
        let exceeded = oldest.is_some_and(|at| now - at > retention + Duration::days(1));
        assert_eq!(has("retention_exceeded"), exceeded, "{slug}");
        if let Some(oldest) = oldest {
            let created = time(&t["created_at"]).unwrap();
            let window = retention.min(now - created);
            let covers = now - oldest >= window - Duration::days(1);
            let schedule = &b["schedule"];
            let due = runs_between(
                schedule["cron"].as_str().unwrap(),
                schedule["timezone"].as_str().unwrap(),
                now - window,
                now,
            )
            .unwrap();
            let held = b["restore_point_count"].as_u64().unwrap();
            let enough = held as f64 >= 0.9 * due as f64 - 1.0;
            counted += usize::from(covers && !enough);
            assert_eq!(has("history_short"), !covers || !enough, "{slug}");
        }
        assert_eq!(
            has("restore_running"),
            !t["active_restore_id"].is_null(),
            "{slug}"
        );
        if t["tier"] == "dedicated" {
            let cr = &b["cross_region"];
            let lagging = cr.is_null()
                || cr["status"] == "failed"
                || time(&cr["last_copied_at"]).is_none_or(|at| now - at > Duration::hours(24));
            assert_eq!(has("cross_region_lagging"), lagging, "{slug}");
        } else {
            assert!(!has("cross_region_lagging"));
        }
        let level = t["health"]["level"].as_str().unwrap();
        let worst = t["health"]["flags"]
            .as_array()
            .unwrap()
            .first()
            .map_or("ok", |f| f["level"].as_str().unwrap());
        assert_eq!(level, worst, "level is the worst flag");
    }
    assert!(counted > 0, "some tenant is short by count alone");
}

#[test]
fn problems_keeps_only_non_ok_tenants_and_the_same_seed_gives_the_same_fleet() {
    let (all, _) = status_json(&["--seed", "3", "--tenants", "80"]);
    let (problems, _) = status_json(&["--seed", "3", "--tenants", "80", "--problems"]);
    let problem_slugs: Vec<&Value> = problems["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["slug"])
        .collect();
    assert!(
        problems["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["health"]["level"] != "ok")
    );
    let expected: Vec<&Value> = all["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["health"]["level"] != "ok")
        .map(|t| &t["slug"])
        .collect();
    assert_eq!(problem_slugs, expected);
}

#[test]
fn status_prints_a_table_with_the_same_exit_code() {
    let out = snapdeck(&["status", "--seed", "42", "--tenants", "60"], &no_config());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("60 tenants:"), "{text}");
    assert!(text.contains("rpo_breached"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_config_typo_is_named_with_its_line_and_status_cannot_judge() {
    let dir = std::env::temp_dir().join(format!("snapdeck-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, "theme = \"default\"\n\n[demo]\nsed = 4\n").unwrap();
    let out = snapdeck(&["status"], path.to_str().unwrap());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "UNKNOWN, never red: {err}");
    assert!(err.contains("line 4") && err.contains("sed"), "{err}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
    let out = snapdeck(&["config", "init"], path.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2), "other commands keep 2");
    std::fs::write(&path, "[demo]\nspeed = -2\n").unwrap();
    let out = snapdeck(&["status"], path.to_str().unwrap());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        err.contains("line 2") && err.contains("demo.speed"),
        "{err}"
    );
}

#[test]
fn config_path_and_init_write_a_file_that_loads() {
    let dir = std::env::temp_dir().join(format!("snapdeck-init-{}", std::process::id()));
    let path = dir.join("config.toml");
    let _ = std::fs::remove_file(&path);
    let out = snapdeck(&["config", "path"], path.to_str().unwrap());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        path.display().to_string()
    );
    let out = snapdeck(&["config", "init"], path.to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("refresh_interval_secs")
    );
    let again = snapdeck(&["config", "init"], path.to_str().unwrap());
    assert_eq!(again.status.code(), Some(2), "refuses to overwrite");
    let out = snapdeck(&["status", "--tenants", "10"], path.to_str().unwrap());
    assert!(out.status.code().is_some_and(|c| c <= 3));
}

/// `config init` as its comments invite: every commented section and setting switched on.
#[test]
fn an_init_config_with_every_section_switched_on_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let out = snapdeck(&["config", "init"], path.to_str().unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&path).unwrap();
    let is_setting = |text: &str| {
        let name = text.split(" = ").next().unwrap_or_default();
        text.contains(" = ") && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    };
    let is_section = |text: &str| text.starts_with('[') && text.ends_with(']');
    let switched_on: Vec<&str> = written
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(text) if is_setting(text) || is_section(text) => text,
            _ => line,
        })
        .collect();
    let switched_on = switched_on.join("\n");
    for section in ["[verify]", "[drills]"] {
        assert!(
            switched_on.lines().any(|l| l == section),
            "{section}: {switched_on}"
        );
    }
    std::fs::write(&path, &switched_on).unwrap();
    let out = snapdeck(
        &["status", "--json", "--tenants", "3"],
        path.to_str().unwrap(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("config file"), "{err}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{err}"));
    assert_eq!(doc["tenants"].as_array().unwrap().len(), 3);
}

#[test]
fn a_source_without_its_url_or_kubeconfig_is_a_clear_error() {
    let out = snapdeck(&["status", "--source", "http"], &no_config());
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("http source needs") && stderr.contains("--url"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(["status", "--source", "kube"])
        .env("SNAPDECK_CONFIG", no_config())
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("kube source needs a kubeconfig"),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(["status", "--json", "--tenants", "5000"])
        .env("SNAPDECK_CONFIG", no_config())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn the_dashboard_without_a_terminal_says_to_use_status() {
    let out = snapdeck(&[], &no_config());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("needs a terminal") && err.contains("snapdeck status"),
        "{err}"
    );
}

#[test]
fn a_named_config_file_that_does_not_exist_is_an_error_not_the_defaults() {
    let missing = std::env::temp_dir().join("snapdeck-test-typo/confg.toml");
    let out = snapdeck(&["status"], missing.to_str().unwrap());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("does not exist") && err.contains("confg.toml"),
        "{err}"
    );
}

#[test]
fn status_cannot_judge_bad_arguments_or_unwritable_output_and_says_why() {
    for args in [
        &["status", "--seed", "-1"][..],
        &["status", "--demo-speed", "1e300"],
        &["status", "--tenants", "0"],
        &["status", "--no-such-flag"],
        &["status", "--theme", "nosuch"],
        &["status", "--format", "xml"],
    ] {
        let out = snapdeck(args, &no_config());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(!err.trim().is_empty(), "{args:?} says why");
    }
    let err =
        String::from_utf8(snapdeck(&["status", "--seed", "-1"], &no_config()).stderr).unwrap();
    assert!(err.contains("whole number from 0"), "{err}");
    let err =
        String::from_utf8(snapdeck(&["status", "--demo-speed", "1e300"], &no_config()).stderr)
            .unwrap();
    assert!(err.contains("at most 100000"), "{err}");
    // The same bad argument elsewhere is an ordinary usage error.
    assert_eq!(
        snapdeck(&["--seed", "-1"], &no_config()).status.code(),
        Some(2)
    );
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let out = Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .args(["status", "--tenants", "30"])
            .env("SNAPDECK_CONFIG", no_config())
            .env("RUST_BACKTRACE", "1")
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(3), "{err}");
        // One sentence: what failed and why, no source location, no backtrace.
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("snapdeck: could not write the fleet's status to stdout: "),
            "{err}"
        );
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("Location") && !err.contains("src/"), "{err}");
    }
}

#[test]
fn exit_codes_follow_the_worst_level_red_then_stale_then_amber() {
    // Every demo fleet of 24 or more holds a red tenant.
    assert_eq!(
        snapdeck(&["status", "--tenants", "60"], &no_config())
            .status
            .code(),
        Some(2)
    );
    // Small fleets change with the wall clock; whatever they hold, the code follows the
    // worst level, of the tenants and of the pages, in the order red, stale, amber.
    for (seed, tenants) in [("39", "2"), ("1", "1"), ("5", "3"), ("8", "12")] {
        let (doc, code) = status_json(&["--seed", seed, "--tenants", tenants]);
        let pages = doc["acting"]["pages"].as_array().unwrap();
        let count = |level: &str| {
            let paged = pages.iter().filter(|p| p["level"] == level).count() as u64;
            doc["summary"][level].as_u64().unwrap() + paged
        };
        let expected = if count("red") > 0 {
            2
        } else if count("unknown") > 0 {
            3
        } else if count("amber") > 0 {
            1
        } else {
            0
        };
        assert_eq!(code, expected, "{} {pages:?}", doc["summary"]);
    }
}

/// The demo always holds a ticket 40 business minutes past its acknowledgement deadline:
/// every format pages it, and the restores are counted running and awaiting apart.
#[test]
fn status_pages_for_the_acting_side_in_every_format() {
    let args = ["--seed", "39", "--tenants", "30"];
    let (doc, code) = status_json(&args);
    assert_eq!(code, 2);
    let acting = &doc["acting"];
    let pages = acting["pages"].as_array().unwrap();
    let overdue = pages
        .iter()
        .find(|p| p["id"] == "ack_overdue")
        .unwrap_or_else(|| panic!("{acting}"));
    assert_eq!(overdue["level"], "red");
    let ticket = overdue["ticket"].as_str().unwrap();
    let explanation = overdue["explanation"].as_str().unwrap();
    assert!(
        explanation.contains(&format!("ticket {ticket} on "))
            && explanation.contains("is not acknowledged: due "),
        "{explanation}"
    );
    assert!(time(&overdue["deadline"]).unwrap() < time(&doc["generated_at"]).unwrap());
    assert!(acting["unread"].is_null());
    // Every active restore is either at work or waiting for a person, never both.
    let active = doc["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["active_restore_id"].is_null())
        .count() as u64;
    let (restoring, awaiting) = (
        acting["restoring"].as_u64().unwrap(),
        acting["awaiting_confirmation"].as_u64().unwrap(),
    );
    assert_eq!(restoring + awaiting, active, "{acting}");

    let out = snapdeck(&[&["status"], &args[..]].concat(), &no_config());
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let counts = format!("; {restoring} restoring, {awaiting} awaiting confirmation\n");
    assert!(
        table.lines().next().unwrap().contains(counts.trim_end()),
        "{table}"
    );
    let line = table
        .lines()
        .find(|l| l.contains("ack_overdue"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.starts_with("✗ RED") && line.contains(ticket), "{line}");

    let out = snapdeck(
        &[&["status", "--format", "nagios"], &args[..]].concat(),
        &no_config(),
    );
    let nagios = String::from_utf8(out.stdout).unwrap();
    assert!(nagios.starts_with("SNAPDECK CRITICAL - "), "{nagios}");
    let (message, perfdata) = nagios.trim().split_once(" | ").unwrap();
    assert!(
        message.contains(&format!("{ticket} (ack_overdue)")),
        "{message}"
    );
    assert!(
        perfdata.contains(&format!(
            "restoring={restoring} awaiting_confirmation={awaiting} "
        )),
        "{perfdata}"
    );
}

#[test]
fn nagios_prints_one_status_line_with_perfdata() {
    let out = snapdeck(
        &["status", "--format", "nagios", "--tenants", "60"],
        &no_config(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("SNAPDECK CRITICAL - "), "{text}");
    let (message, perfdata) = text.trim().split_once(" | ").unwrap();
    assert!(message.contains("of 60 tenants: "), "{message}");
    for key in [
        "red=",
        "amber=",
        "unknown=",
        "ok=",
        "tenants=60",
        "restoring=",
        "awaiting_confirmation=",
    ] {
        assert!(perfdata.contains(key), "{perfdata}");
    }
    assert_eq!(out.status.code(), Some(2));
}

/// `export SNAPDECK_CONFIG=` is an easy slip: it must mean unset, not a file named "".
#[test]
fn an_empty_snapdeck_config_means_the_default_path() {
    let home = std::env::temp_dir().join(format!("snapdeck-empty-env-{}", std::process::id()));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_snapdeck"))
            .args(args)
            .env("SNAPDECK_CONFIG", "")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .output()
            .expect("the binary runs")
    };
    let out = run(&["config", "path"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.trim_end().ends_with("config.toml"), "{printed}");
    if cfg!(target_os = "linux") {
        let expected = home.join("config/snapdeck/config.toml");
        assert_eq!(printed.trim_end(), expected.display().to_string());
    }
    // No file at the default path: the defaults, not "does not exist".
    let out = run(&["status", "--tenants", "5"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("does not exist") && !err.contains("--config"),
        "{err}"
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("5 tenants:"), "{table}{err}");
}

/// The words and perfdata keys of a nagios line: what a check's parser depends on.
fn nagios_shape(line: &str) -> (Vec<String>, Vec<String>) {
    let (text, perf) = line.split_once(" | ").expect("text | perfdata");
    let (counts, _) = text
        .split_once(" of ")
        .expect("counts of N tenants")
        .0
        .split_once(" - ")
        .map(|(_, counts)| (counts, ()))
        .expect("SNAPDECK STATE - counts");
    let words = counts
        .split(", ")
        .map(|c| c.split_whitespace().nth(1).unwrap_or_default().to_string())
        .collect();
    let keys = perf
        .split_whitespace()
        .map(|kv| kv.split('=').next().unwrap_or_default().to_string())
        .collect();
    (words, keys)
}

#[test]
fn the_readme_nagios_example_is_what_the_binary_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example = readme
        .split("`--format nagios` prints one line, e.g. `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the README shows a nagios line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let out = snapdeck(&["status", "--format", "nagios"], &no_config());
    let printed = String::from_utf8(out.stdout).unwrap();
    let (words, keys) = nagios_shape(printed.trim());
    assert_eq!(
        nagios_shape(&example),
        (words, keys),
        "README: {example}\nbinary: {printed}"
    );
    assert!(
        example.contains(" more; pages: ") || example.contains(" more |"),
        "the example shows the '+N more' cut: {example}"
    );
}
