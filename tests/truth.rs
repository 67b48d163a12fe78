//! Never mislead, part three: what the acting screens say about time and checks, each read off
//! the screen as drawn (`TestBackend`) after the app was driven through `App::update`.

mod support;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::{App, Msg};
use snapdeck::domain::ids::IdempotencyKey;
use snapdeck::domain::restore::{CreateRestore, RestoreMode, RestorePurpose};
use snapdeck::journal::{Action, Entry, Intent, JournalRead};
use snapdeck::source::{Connection, SourceEvent, SourceInfo};
use snapdeck::theme::Theme;
use support::{key, now};

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let theme = Theme::builtin("default").unwrap();
    support::screen_text(&support::render(app, &theme, width, height))
}

/// The row of the restores list that names `slug`.
fn row_of<'a>(screen: &'a str, slug: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!(" {slug} →")))
        .unwrap_or_else(|| panic!("no row for {slug}:\n{screen}"))
}

#[test]
fn the_restores_list_counts_snapdecks_own_checks_beside_the_control_planes() {
    // Every control-plane check passed (4 of 4); snapdeck's moodledata check failed (4 of 5).
    let mut app = support::monitor_with_own_checks();
    let slug = app
        .restores
        .iter()
        .find(|r| app.own_checks(&r.id).is_some())
        .map(|r| r.source_slug.clone())
        .unwrap();
    key(&mut app, KeyCode::Char('2'));
    let shown = screen(&mut app, 160, 45);
    let row = row_of(&shown, &slug);
    assert!(row.contains("checks: 8 of 9 passed"), "{row}");
}

#[test]
fn a_failed_check_is_read_in_full_at_80x24_and_shown_whenever_the_screen_names_it() {
    let mut app = support::monitor_with_own_checks();
    let words = "37 of the 200 newest files missing: the volume snapshot is older than the \
                 database dump";
    for (width, height) in [(80, 24), (60, 20)] {
        let shown = screen(&mut app, width, height);
        let flat: String = shown
            .lines()
            .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
            .collect::<Vec<_>>()
            .join(" ");
        let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.contains("A check did not pass") {
            assert!(
                flat.contains(words),
                "{width}x{height} asks to read a check it does not show in full:\n{shown}"
            );
        }
    }
}

#[test]
fn drills_are_marked_in_the_restores_list_and_can_be_left_out_or_listed_alone() {
    let mut sim = support::sim_with_launched_restores();
    let spoke = sim
        .tenants()
        .iter()
        .find(|t| !t.is_hub() && t.active_restore_id.is_none() && t.backup.last_success.is_some())
        .map(|t| (t.id.clone(), t.slug.clone()))
        .unwrap();
    let drill = CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: Some(format!("{}-drill-20261126", spoke.1)),
        ticket: None,
        reason: None,
        purpose: RestorePurpose::Drill,
    };
    sim.create_restore(&spoke.0, &drill).unwrap();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    key(&mut app, KeyCode::Char('2'));
    let all = screen(&mut app, 160, 45);
    assert!(row_of(&all, &format!("drill: {}", spoke.1)).contains("queued"));
    key(&mut app, KeyCode::Char('p'));
    let hidden = screen(&mut app, 160, 45);
    assert!(hidden.contains("drills hidden"), "{hidden}");
    assert!(!hidden.contains("drill: "), "{hidden}");
    key(&mut app, KeyCode::Char('p'));
    let alone = screen(&mut app, 160, 45);
    assert!(alone.contains("drills only"), "{alone}");
    let rows = alone.lines().filter(|l| l.contains(" drill: ")).count();
    assert_eq!(rows, 1, "{alone}");
}

#[test]
fn an_ended_restore_says_in_time_never_a_budget_ticking() {
    let mut app = support::monitor_with_own_checks();
    key(&mut app, KeyCode::Char('2'));
    let shown = screen(&mut app, 160, 45);
    let awaiting: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains("awaiting confirmation"))
        .collect();
    assert!(!awaiting.is_empty(), "{shown}");
    for line in awaiting {
        assert!(
            line.contains(" in time ") || line.contains(" late by "),
            "{line}"
        );
        assert!(!line.contains(" left "), "{line}");
    }
}

#[test]
fn the_header_counts_restoring_and_awaiting_a_person_apart() {
    let mut app = support::monitor_with_own_checks();
    let shown = screen(&mut app, 160, 45);
    let header = shown.lines().next().unwrap();
    assert!(header.contains("awaiting you"), "{header}");
    assert!(!header.contains("running"), "{header}");
}

#[test]
fn nothing_read_is_said_never_counted_as_zeros() {
    let mut app = App::new(support::settings(SourceInfo {
        kind: "http",
        detail: "https://control.example.net".into(),
        cannot_act: None,
    }));
    app.update(
        Msg::Source(SourceEvent::Connection(Connection::Failing {
            error: "401 Unauthorized: the token was refused".into(),
            scope: None,
            retry_in: None,
        })),
        now(),
    );
    let header = screen(&mut app, 160, 45)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(header.contains("fleet not read"), "{header}");
    assert!(!header.contains("0 tenants"), "{header}");
    assert!(!header.contains("0 ok"), "{header}");
}

#[test]
fn the_journal_is_on_this_machines_clock_when_the_control_planes_runs_ahead() {
    let mut app = support::app(60);
    // The control plane's clock is 5 h 46 m ahead of this machine's.
    app.update(
        Msg::Source(SourceEvent::Changed {
            generated_at: now() + Duration::minutes(346),
            tenants: Vec::new(),
        }),
        now(),
    );
    key(&mut app, KeyCode::Char('4'));
    let entry = Entry {
        intent: Intent {
            at: now() - Duration::minutes(1),
            operator: "oncall".into(),
            source: "http".into(),
            op: Action::CreateRestore,
            target: "westbrook-s7".into(),
            ticket: None,
            idempotency_key: IdempotencyKey("sd1-1".into()),
            details: Default::default(),
        },
        outcome: None,
    };
    let read = JournalRead {
        entries: vec![entry],
        problems: Vec::new(),
        torn_last_line: None,
    };
    app.update(Msg::JournalRead(Ok(read)), now());
    let shown = screen(&mut app, 160, 45);
    let row = shown
        .lines()
        .find(|l| l.contains("westbrook-s7"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(row.contains(" 1m ago "), "{row}");
}
