//! End to end: each command's `--help` lists only the options that apply to it; an option
//! given before a command's name still counts when the command takes it, and is refused in
//! words when it does not.

use std::process::{Command, Output};

fn snapdeck(args: &[&str]) -> Output {
    let config = std::env::temp_dir().join(format!("snapdeck-help-{}.toml", std::process::id()));
    std::fs::write(&config, "").unwrap();
    Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(args)
        .env("SNAPDECK_CONFIG", &config)
        .env(
            "SNAPDECK_JOURNAL",
            std::env::temp_dir().join("snapdeck-help-none.jsonl"),
        )
        .output()
        .expect("the binary runs")
}

fn help(args: &[&str]) -> String {
    let out = snapdeck(&[args, &["--help"]].concat());
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The long options a help text lists (`--context` is not `--contexts`).
fn options(help: &str) -> Vec<String> {
    help.split(|c: char| c.is_whitespace() || c == ',' || c == '=')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        })
        .collect()
}

fn assert_lists(args: &[&str], applies: &[&str], not: &[&str]) {
    let text = help(args);
    let listed = options(&text);
    for option in applies {
        assert!(
            listed.iter().any(|o| o == option),
            "{args:?} lists {option}: {text}"
        );
    }
    for option in not {
        assert!(
            !listed.iter().any(|o| o == option),
            "{args:?} without {option}: {text}"
        );
    }
}

const KUBE: [&str; 4] = ["--context", "--namespace", "--all-contexts", "--self-host"];
const DEMO: [&str; 3] = ["--seed", "--tenants", "--demo-speed"];
const SOURCE: [&str; 2] = ["--source", "--url"];

#[test]
fn each_help_lists_only_the_options_that_apply() {
    let everything = [&KUBE[..], &DEMO, &SOURCE, &["--theme", "--read-only"]].concat();
    assert_lists(&[], &everything, &[]);
    assert_lists(
        &["status"],
        &[
            &KUBE[..],
            &DEMO,
            &SOURCE,
            &["--config", "--format", "--json"],
        ]
        .concat(),
        &["--theme", "--read-only"],
    );
    assert_lists(
        &["drill"],
        &[
            &DEMO[..],
            &SOURCE,
            &["--config", "--tenant", "--pick", "--read-only"],
        ]
        .concat(),
        &[&KUBE[..], &["--theme"]].concat(),
    );
    assert_lists(
        &["verify"],
        &[&DEMO[..], &SOURCE, &["--config", "--restored-db"]].concat(),
        &[&KUBE[..], &["--theme", "--read-only"]].concat(),
    );
    assert_lists(
        &["journal"],
        &["--config", "--json"],
        &[&KUBE[..], &DEMO, &SOURCE, &["--theme", "--read-only"]].concat(),
    );
    for config in [&["config", "path"][..], &["config", "init"]] {
        assert_lists(
            config,
            &["--config"],
            &[&KUBE[..], &DEMO, &SOURCE, &["--theme", "--read-only"]].concat(),
        );
    }
}

#[test]
fn options_before_the_command_still_count_where_they_apply() {
    let tenants = |args: &[&str]| {
        let out = snapdeck(args);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        let slugs: Vec<String> = doc["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap().to_string())
            .collect();
        slugs
    };
    let before = tenants(&["--seed", "7", "--tenants", "5", "status", "--json"]);
    let after = tenants(&["status", "--json", "--seed", "7", "--tenants", "5"]);
    assert_eq!(before.len(), 5);
    assert_eq!(before, after);
    let mixed = tenants(&[
        "--seed",
        "1",
        "--tenants",
        "5",
        "status",
        "--seed",
        "7",
        "--json",
    ]);
    assert_eq!(mixed, after, "the one after the command wins");
}

#[test]
fn an_option_that_does_not_apply_is_refused_in_words() {
    for (args, option, code) in [
        (&["--theme", "light", "status"][..], "--theme", 3),
        (&["status", "--theme", "light"], "--theme", 3),
        (&["--seed", "3", "config", "path"], "--seed", 2),
        (&["config", "path", "--seed", "3"], "--seed", 2),
        (&["drill", "--pick", "1", "--context", "a"], "--context", 3),
        (&["journal", "--source", "http"], "--source", 2),
    ] {
        let out = snapdeck(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(option), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_bare_drill_names_both_ways_to_choose_tenants() {
    let out = snapdeck(&["drill"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("--tenant") && err.contains("--pick"), "{err}");
}
