//! Snapshots of the real screens at a fixed clock and seed. Review a changed snapshot as a
//! picture of the screen, not as text to accept.

mod support;

use crossterm::event::KeyCode;
use snapdeck::theme::Theme;
use support::{app, key, render, screen_text, type_text};

fn default_theme() -> Theme {
    Theme::builtin("default").unwrap()
}

#[test]
fn fleet_at_160x45() {
    let mut app = app(60);
    insta::assert_snapshot!(screen_text(&render(&mut app, &default_theme(), 160, 45)));
}

#[test]
fn fleet_at_80x24() {
    let mut app = app(60);
    insta::assert_snapshot!(screen_text(&render(&mut app, &default_theme(), 80, 24)));
}

#[test]
fn fleet_with_filter_open() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "dedicated");
    insta::assert_snapshot!(screen_text(&render(&mut app, &default_theme(), 160, 45)));
}

#[test]
fn help_at_160x45() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen_text(&render(&mut app, &default_theme(), 160, 45)));
}

#[test]
fn backups_card_of_the_worst_tenant() {
    let mut app = app(60);
    // The first row is the hub of the worst group; its worst spoke is right below.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(screen_text(&render(&mut app, &default_theme(), 160, 45)));
}

#[test]
fn narrow_table_counts_the_flags_it_cannot_show_and_cuts_names_with_an_ellipsis() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "harbor");
    key(&mut app, KeyCode::Enter);
    let text = screen_text(&render(&mut app, &default_theme(), 60, 12));
    insta::assert_snapshot!(text);
    assert!(text.contains("+"), "hidden flags are counted:\n{text}");
    let mut long_names = support::app(60);
    key(&mut long_names, KeyCode::Char('/'));
    type_text(&mut long_names, "northfield");
    let cut = screen_text(&render(&mut long_names, &default_theme(), 60, 12));
    insta::assert_snapshot!("northfield_at_60x12", cut);
    assert!(cut.contains("northfie…"), "a cut name says so:\n{cut}");
    // No flag label is ever cut: every word in FLAGS is a whole label or a count.
    let labels: Vec<&str> = snapdeck::domain::FlagKind::ALL
        .iter()
        .map(|k| k.short())
        .collect();
    for line in text.lines().skip(4).take(6) {
        let flags = line.split('│').nth(1).unwrap_or("");
        let last_column = flags.rsplit("  ").next().unwrap_or("").trim();
        for word in last_column.split_whitespace() {
            assert!(
                labels.contains(&word) || word.starts_with('+') || word.contains(':'),
                "cut word {word:?} in {line}"
            );
        }
    }
}

#[test]
fn at_140_columns_only_the_least_urgent_columns_go() {
    let mut app = app(60);
    let text = screen_text(&render(&mut app, &default_theme(), 140, 30));
    let header = text.lines().nth(3).unwrap();
    for kept in [
        "TENANT",
        "TIER",
        "LAST SUCCESS",
        "NEXT RUN",
        "RETENTION",
        "FLAGS",
    ] {
        assert!(header.contains(kept), "{kept} dropped at 140:\n{header}");
    }
    assert!(!header.contains(" REGION "), "{header}");
}

#[test]
fn restores_screen_at_160x45_and_80x24() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    insta::assert_snapshot!(
        "restores_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "restores_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn too_small_says_so_instead_of_drawing_a_broken_layout() {
    let mut app = app(60);
    for (w, h) in [(59, 24), (80, 11), (20, 5), (1, 1), (0, 0)] {
        let text = screen_text(&render(&mut app, &default_theme(), w, h));
        if w >= 30 && h >= 3 {
            assert!(text.contains("terminal too small"), "{w}×{h}:\n{text}");
            assert!(text.contains("need 60×12"), "{w}×{h}:\n{text}");
        }
    }
}

#[test]
fn monochrome_still_reads_levels_by_glyph_and_word() {
    let mut app = app(60);
    // The end of the table holds the stale group and OK tenants.
    key(&mut app, KeyCode::Char('G'));
    let terminal = render(&mut app, &Theme::monochrome(), 160, 45);
    let text = screen_text(&terminal);
    for word in ["✗ RED", "▲ AMBER", "✓ OK"] {
        assert!(text.contains(word), "{word} missing");
    }
    let buffer = terminal.backend().buffer();
    let coloured = buffer.content.iter().any(|c| {
        !matches!(c.fg, ratatui::style::Color::Reset)
            || !matches!(c.bg, ratatui::style::Color::Reset)
    });
    assert!(!coloured, "NO_COLOR: no colour at all");
    // A stale row must not look like an OK row: its cells are set in italics.
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let style_of_row = |needle: &str| {
        let y = lines.iter().position(|l| l.contains(needle)).unwrap() as u16;
        buffer[(12, y)].modifier
    };
    let stale = style_of_row("? UNKNOWN");
    let ok = style_of_row("✓ OK ");
    assert!(stale.contains(ratatui::style::Modifier::ITALIC));
    assert_ne!(stale, ok);
}

#[test]
fn tenant_screen_at_80x24_scrolls_the_card_to_every_section() {
    let mut app = app(60);
    for _ in 0..6 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let first = screen_text(&render(&mut app, &default_theme(), 80, 24));
    assert!(
        first.contains("Backups card") && first.contains("Tab, then ↓ for more"),
        "{first}"
    );
    assert!(first.contains("Restore points"), "{first}");
    key(&mut app, KeyCode::Tab);
    for _ in 0..8 {
        key(&mut app, KeyCode::PageDown);
    }
    let scrolled = screen_text(&render(&mut app, &default_theme(), 80, 24));
    assert!(scrolled.contains("Restores, DNS swaps"), "{scrolled}");
    assert!(!scrolled.contains("↓ more"), "at the end:\n{scrolled}");
    // Pressing on past the end changes nothing, so one PgUp answers at once.
    for _ in 0..10 {
        key(&mut app, KeyCode::PageDown);
    }
    let end = screen_text(&render(&mut app, &default_theme(), 80, 24));
    assert_eq!(end, scrolled);
    key(&mut app, KeyCode::PageUp);
    let back = screen_text(&render(&mut app, &default_theme(), 80, 24));
    assert!(back.contains("↓ more"), "one PgUp scrolls back:\n{back}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    let reopened = screen_text(&render(&mut app, &default_theme(), 80, 24));
    assert!(
        reopened.contains("The portal's Backups card"),
        "reopens at the top:\n{reopened}"
    );
}

#[test]
fn tenant_screen_with_its_history_at_160x45_and_80x24() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "kingsbridge-design");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    render(&mut app, &default_theme(), 160, 45);
    let wide = screen_text(&render(&mut app, &default_theme(), 160, 45));
    insta::assert_snapshot!("tenant_at_160x45", wide);
    let narrow = screen_text(&render(&mut app, &default_theme(), 80, 24));
    insta::assert_snapshot!("tenant_at_80x24", narrow);
    // The partial point stands out with its error, and every page comes as it is scrolled to.
    assert!(
        wide.contains("partial") && wide.contains("pg_dump"),
        "{wide}"
    );
    key(&mut app, KeyCode::Char('G'));
    let oldest = screen_text(&render(&mut app, &default_theme(), 160, 45));
    assert!(oldest.contains("Restore points · "), "{oldest}");
    assert!(!oldest.contains("loaded"), "every page came:\n{oldest}");
}

#[test]
fn tenant_screen_drills_at_160x45_and_80x24() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "northfield-medicine");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Tab);
    for _ in 0..8 {
        key(&mut app, KeyCode::PageDown);
    }
    // Drawn once to learn how far the card scrolls, then at its end: the drills.
    render(&mut app, &default_theme(), 160, 45);
    for _ in 0..8 {
        key(&mut app, KeyCode::PageDown);
    }
    let wide = screen_text(&render(&mut app, &default_theme(), 160, 45));
    insta::assert_snapshot!("tenant_drills_at_160x45", wide);
    assert!(wide.contains("Restore drills"), "{wide}");
    assert!(wide.contains("✗ failed"), "{wide}");
    render(&mut app, &default_theme(), 80, 24);
    for _ in 0..12 {
        key(&mut app, KeyCode::PageDown);
    }
    let narrow = screen_text(&render(&mut app, &default_theme(), 80, 24));
    insta::assert_snapshot!("tenant_drills_at_80x24", narrow);
    assert!(narrow.contains("Last drill"), "{narrow}");
}

#[test]
fn help_fits_80x24_with_every_key_and_flag() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('?'));
    let text = screen_text(&render(&mut app, &default_theme(), 80, 24));
    for b in snapdeck::app::keys::FLEET_KEYS
        .iter()
        .chain(snapdeck::app::keys::COMMON_KEYS)
        .chain(snapdeck::app::keys::FILTER_KEYS)
    {
        assert!(text.contains(b.what), "{} missing:\n{text}", b.what);
    }
    for flag in snapdeck::domain::FlagKind::ALL {
        assert!(
            text.contains(flag.title()),
            "{} missing:\n{text}",
            flag.title()
        );
    }
}

#[test]
fn restore_wizard_at_160x45_and_80x24() {
    let mut app = app(60);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "SUP-4821");
    insta::assert_snapshot!(
        "wizard_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    app.update(
        snapdeck::app::Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('t'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
        support::now(),
    );
    insta::assert_snapshot!(
        "wizard_overwrite_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn restore_monitor_at_160x45_and_80x24() {
    let mut app = app(60);
    // The scripted restore half-way through, with its event log as the demo answers it.
    let sim = snapdeck::source::demo::Sim::new(support::SEED, 60, support::now());
    let id = app.restores[1].id.clone();
    support::open_monitor(&mut app, &sim, &id);
    insta::assert_snapshot!(
        "monitor_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    key(&mut app, KeyCode::Char('X'));
    insta::assert_snapshot!(
        "monitor_cancel_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

/// The app with the demo's first restore made a confirmed new-spoke restore, on the restores
/// screen with it selected; answers its slug.
#[test]
fn dns_swap_plan_with_its_prompt_at_160x45_and_80x24() {
    let mut app = app(60);
    let slug = support::confirmed_new_spoke_selected(&mut app);
    key(&mut app, KeyCode::Char('d'));
    type_text(&mut app, &slug[..4]);
    insta::assert_snapshot!(
        "dns_plan_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "dns_plan_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn dns_swap_propagating_at_160x45_and_80x24() {
    let mut app = app(60);
    support::confirmed_new_spoke_selected(&mut app);
    support::dns_swap_propagating(&mut app);
    key(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!(
        "dns_propagating_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "dns_propagating_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}
/// A restore launched three hours ago whose phase and checks match `wanted`.
fn launched_restore(
    sim: &snapdeck::source::demo::Sim,
    wanted: impl Fn(&snapdeck::domain::restore::Restore) -> bool,
) -> snapdeck::domain::ids::RestoreId {
    sim.restores()
        .iter()
        .find(|r| wanted(r))
        .expect("the launched restores have one")
        .id
        .clone()
}

#[test]
fn restore_monitor_with_snapdecks_own_checks_at_two_sizes() {
    let mut app = support::monitor_with_own_checks();
    insta::assert_snapshot!(
        "monitor_own_checks_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "monitor_own_checks_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn restore_monitor_with_a_warned_check_and_the_confirm_prompt() {
    use snapdeck::domain::restore::{CheckStatus, RestorePhase};
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let id = launched_restore(&sim, |r| {
        r.phase == RestorePhase::AwaitingConfirmation
            && r.verification
                .iter()
                .flatten()
                .any(|c| c.status == CheckStatus::Warning)
    });
    support::open_monitor(&mut app, &sim, &id);
    insta::assert_snapshot!(
        "monitor_checks_warned_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "course 1182 is back with its 31 quizzes");
    key(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(
        "monitor_confirm_prompt_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn restore_monitor_of_a_restore_that_failed_halfway() {
    use snapdeck::domain::restore::RestorePhase;
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let id = launched_restore(&sim, |r| r.phase == RestorePhase::Failed);
    support::open_monitor(&mut app, &sim, &id);
    insta::assert_snapshot!(
        "monitor_failed_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    // Scrolled up three lines: the log stops following and says so.
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('k'));
    }
    insta::assert_snapshot!(
        "monitor_failed_scrolled_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
    key(&mut app, KeyCode::Esc);
    insta::assert_snapshot!(
        "restores_with_a_failed_one_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
}

#[test]
fn a_restore_target_is_marked_in_the_fleet_table_and_its_card() {
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    type_text(&mut app, "/restore-20261126");
    key(&mut app, KeyCode::Enter);
    let table = screen_text(&render(&mut app, &default_theme(), 160, 45));
    assert!(
        table.contains("↺ northfield-arts-restore-20261126"),
        "{table}"
    );
    key(&mut app, KeyCode::Enter);
    let card = screen_text(&render(&mut app, &default_theme(), 160, 45));
    assert!(card.contains("↺ restore of "), "{card}");
}
#[test]
fn requests_screen_at_160x45_and_80x24() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('3'));
    insta::assert_snapshot!(
        "requests_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "requests_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn journal_screen_and_command_line_at_160x45_and_80x24() {
    use snapdeck::app::Msg;
    use snapdeck::domain::ids::IdempotencyKey;
    use snapdeck::journal::{Action, Entry, Intent, JournalRead, Outcome, Problem};
    let mut app = app(60);
    key(&mut app, KeyCode::Char('4'));
    let intent = |op, target: &str, key: &str, minutes: i64| Intent {
        at: support::now() - chrono::Duration::minutes(minutes),
        operator: "oncall".into(),
        source: "demo seed 42 · 60 tenants".into(),
        op,
        target: target.into(),
        ticket: Some("SUP-4891".into()),
        idempotency_key: IdempotencyKey(key.into()),
        details: Default::default(),
    };
    let ok = |key: &str, id: &str| Some(Outcome::ok(IdempotencyKey(key.into()), Some(id.into())));
    let refused = Some(Outcome::error(
        IdempotencyKey("sd188b3f2a9c41e07d2f3a-3".into()),
        Some(409),
        Some("restore_in_progress".into()),
        "westbrook-s7 already has restore rst_0is in progress; one restore at a time",
    ));
    let read = JournalRead {
        entries: vec![
            Entry {
                intent: intent(
                    Action::AcknowledgeRequest,
                    "SUP-4891",
                    "sd188b3f2a9c41e07d2f3a-1",
                    50,
                ),
                outcome: ok("sd188b3f2a9c41e07d2f3a-1", "SUP-4891"),
            },
            Entry {
                intent: intent(
                    Action::CreateRestore,
                    "westbrook-s7",
                    "sd188b3f2a9c41e07d2f3a-2",
                    48,
                ),
                outcome: ok("sd188b3f2a9c41e07d2f3a-2", "rst_0is"),
            },
            Entry {
                intent: intent(
                    Action::CreateRestore,
                    "westbrook-s7",
                    "sd188b3f2a9c41e07d2f3a-3",
                    47,
                ),
                outcome: refused,
            },
            Entry {
                intent: intent(
                    Action::ConfirmRestore,
                    "rst_0is",
                    "sd188b40c17e5a92d1f3b1-1",
                    5,
                ),
                outcome: None,
            },
        ],
        problems: vec![Problem {
            line: 9,
            problem: "the last line is cut short (snapdeck stopped while writing it?)".into(),
        }],
        torn_last_line: Some(9),
    };
    app.update(Msg::JournalRead(Ok(read)), support::now());
    insta::assert_snapshot!(
        "journal_at_160x45",
        screen_text(&render(&mut app, &default_theme(), 160, 45))
    );
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ten kings");
    key(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(
        "journal_and_command_line_at_80x24",
        screen_text(&render(&mut app, &default_theme(), 80, 24))
    );
}

#[test]
fn a_deep_screen_stack_keeps_the_overdue_count_whole_in_the_header() {
    let mut app = app(60);
    support::confirmed_new_spoke_selected(&mut app);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    for width in [160, 120, 100, 80, 60] {
        let screen = screen_text(&render(&mut app, &default_theme(), width, 45));
        let header = screen.lines().next().unwrap().to_string();
        assert!(
            header.contains("✗1 overdue") || header.contains("✗ 1 overdue"),
            "{width}: {header}"
        );
        assert!(
            header.trim_end().ends_with("overdue"),
            "{width}: nothing cut: {header}"
        );
    }
}

#[test]
fn a_list_screen_over_the_tenant_screen_shows_its_own_toolbar() {
    let mut app = app(60);
    key(&mut app, KeyCode::Enter);
    for list in ['3', '2'] {
        key(&mut app, KeyCode::Char(list));
        let screen = screen_text(&render(&mut app, &default_theme(), 80, 24));
        let toolbar = screen.lines().nth(1).unwrap().to_string();
        assert!(
            !toolbar.contains("Backups") && !toolbar.contains('╭'),
            "{list}: {toolbar}"
        );
        assert!(
            toolbar.contains("first"),
            "{list}: the list's own toolbar: {toolbar}"
        );
    }
}

#[test]
fn kube_fleet_of_two_clusters_at_160x45_and_its_odd_tenant() {
    let mut app = support::kube_fleet::app();
    let fleet = screen_text(&render(&mut app, &default_theme(), 160, 45));
    insta::assert_snapshot!("kube_fleet_160x45", fleet);
    let narrow = screen_text(&render(&mut app, &default_theme(), 80, 24));
    insta::assert_snapshot!("kube_fleet_80x24", narrow);
    // The tenant whose tier snapdeck does not know, and an action refused in words.
    support::kube_fleet::open_card(&mut app, "gold-test");
    support::kube_fleet::press(&mut app, KeyCode::Char('R'));
    let card = screen_text(&render(&mut app, &default_theme(), 160, 45));
    insta::assert_snapshot!("kube_tenant_160x45", card);
}

/// The fleet's longest slug, selected on the fleet screen.
fn select_longest_slug(app: &mut snapdeck::app::App) -> String {
    let longest = (0..app.fleet.len())
        .filter(|&i| app.fleet.tenant(i).active_restore_id.is_none())
        .max_by_key(|&i| app.fleet.tenant(i).slug.len())
        .unwrap();
    let slug = app.fleet.tenant(longest).slug.clone();
    key(app, KeyCode::Char('/'));
    type_text(app, &slug);
    key(app, KeyCode::Enter);
    assert_eq!(support::selected_slug(app), slug);
    slug.to_string()
}

#[test]
fn the_wizards_refusal_stays_on_the_wizard_at_80x24_with_the_longest_slug() {
    let mut app = app(60);
    let slug = select_longest_slug(&mut app);
    key(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "SUP-4821");
    let effects = key(&mut app, KeyCode::Enter);
    let id = effects
        .iter()
        .find_map(|e| match e {
            snapdeck::app::Effect::Write { command, .. } => Some(command.id),
            _ => None,
        })
        .expect("sent");
    app.update(
        snapdeck::app::Msg::Source(snapdeck::source::SourceEvent::Answer {
            id,
            outcome: Err(snapdeck::source::CommandError::new(
                409,
                "restore_in_progress",
                format!("{slug} already has restore rst_0it in progress; one restore at a time"),
            )),
        }),
        support::now(),
    );
    // A key later (the flash is gone by then), the refusal is still on the wizard.
    for _ in 0..8 {
        app.update(snapdeck::app::Msg::Tick, support::now());
    }
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = screen_text(&render(&mut app, &default_theme(), w, h));
        let joined: String = screen
            .lines()
            .map(|l| l.trim_matches(['│', ' ']))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            joined.contains("already has restore rst_0it in progress"),
            "{w}x{h}:\n{screen}"
        );
        if (w, h) == (80, 24) {
            insta::assert_snapshot!("wizard_refused_longest_slug_at_80x24", screen);
        }
    }
}
