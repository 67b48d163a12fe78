//! Key-driven flows on the fleet screen: what an operator presses, what they get.

mod support;

use ratatui::layout::Rect;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use snapdeck::fleet::view::SortKey;
use std::sync::Arc;

use snapdeck::app::{App, Effect, FlashKind, Modal, Msg, Screen};
use snapdeck::domain::{FlagKind, Health, Level, Tenant};
use snapdeck::fleet::Fleet;
use snapdeck::source::SourceEvent;
use snapdeck::source::{CommandError, CommandId, Op, Reply, SourceCommand};
use support::{app, key, now, selected_slug, type_text};

fn levels_in_order(app: &snapdeck::app::App) -> Vec<Level> {
    app.view
        .rows()
        .iter()
        .map(|r| app.fleet.health(r.tenant).level)
        .collect()
}

#[test]
fn worst_tenants_are_on_top_and_hubs_keep_their_spokes() {
    let app = app(60);
    let rows = app.view.rows();
    let worst = levels_in_order(&app).into_iter().max().unwrap();
    let first_group_worst = rows
        .iter()
        .take_while(|r| r.tenant == rows[0].tenant || r.is_child)
        .map(|r| app.fleet.health(r.tenant).level)
        .max()
        .unwrap();
    assert_eq!(
        first_group_worst, worst,
        "the first group holds the worst tenant"
    );
    for pair in rows.windows(2) {
        if pair[1].is_child {
            let spoke = app.fleet.tenant(pair[1].tenant);
            let head = rows[..=rows.iter().position(|r| r == &pair[1]).unwrap()]
                .iter()
                .rev()
                .find(|r| !r.is_child)
                .unwrap();
            assert_eq!(
                spoke.hub_id.as_ref(),
                Some(&app.fleet.tenant(head.tenant).id),
                "{}",
                spoke.slug
            );
        }
    }
    assert_eq!(rows.len(), app.fleet.len(), "every tenant is shown once");
}

#[test]
fn filter_narrows_live_on_slug_region_tier_and_flag_names_and_esc_clears() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('/'));
    assert!((app.modal() == Some(Modal::Filter)));
    type_text(&mut app, "rpo breached");
    let matching: Vec<_> = app.view.rows().iter().filter(|r| !r.context_only).collect();
    assert!(!matching.is_empty());
    assert!(
        matching
            .iter()
            .all(|r| app.fleet.health(r.tenant).has(FlagKind::RpoBreached))
    );
    key(&mut app, KeyCode::Enter);
    assert!(
        !(app.modal() == Some(Modal::Filter)),
        "Enter keeps the filter and gives the keys back"
    );
    assert_eq!(app.view.filter(), "rpo breached");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view.rows().len(), app.fleet.len());

    for term in ["eu-west-1", "dedicated", "never_backed_up"] {
        key(&mut app, KeyCode::Char('/'));
        type_text(&mut app, term);
        let shown: Vec<_> = app.view.rows().iter().filter(|r| !r.context_only).collect();
        assert!(!shown.is_empty(), "{term}");
        assert!(
            shown
                .iter()
                .all(|r| app.fleet.haystack(r.tenant).contains(term)),
            "{term}"
        );
        key(&mut app, KeyCode::Esc);
    }
}

#[test]
fn a_spoke_matching_the_filter_keeps_its_hub_as_context() {
    let mut app = app(60);
    let spoke = app
        .fleet
        .tenants()
        .iter()
        .find(|t| !t.is_hub())
        .unwrap()
        .slug
        .clone();
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, &spoke);
    let rows = app.view.rows();
    assert!(rows.len() >= 2);
    assert!(
        !rows[0].is_child && rows[0].context_only,
        "hub shown dimmed for context"
    );
    assert!(
        rows.iter()
            .any(|r| app.fleet.tenant(r.tenant).slug == spoke)
    );
}

fn hub_slugs(app: &snapdeck::app::App) -> Vec<String> {
    app.view
        .rows()
        .iter()
        .filter(|r| !r.is_child)
        .map(|r| app.fleet.tenant(r.tenant).slug.to_string())
        .collect()
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.view.sort(), (SortKey::Tenant, false));
    let hubs = hub_slugs(&app);
    let mut sorted = hubs.clone();
    sorted.sort();
    assert_eq!(hubs, sorted);
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.view.sort(), (SortKey::Tenant, true));
    let reversed = hub_slugs(&app);
    sorted.reverse();
    assert_eq!(reversed, sorted);
    for _ in 0..SortKey::ALL.len() - 1 {
        key(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(
        app.view.sort(),
        (SortKey::Level, false),
        "s cycles back to level"
    );
}

#[test]
fn sort_cycles_only_through_the_columns_the_table_shows() {
    let mut app = app(60);
    let narrow = Rect::new(0, 0, 80, 24);
    app.update(Msg::Viewport(snapdeck::ui::layout::viewport(narrow)), now());
    let mut seen = Vec::new();
    for _ in 0..6 {
        key(&mut app, KeyCode::Char('s'));
        seen.push(app.view.sort().0);
    }
    assert_eq!(
        seen,
        [
            SortKey::Tenant,
            SortKey::LastSuccess,
            SortKey::NextRun,
            SortKey::Flags,
            SortKey::Level,
            SortKey::Tenant
        ],
        "at 80 columns: no tier, region, retention or cross-region to sort by unseen"
    );
    // Wide again, every column is there to sort by.
    app.update(
        Msg::Viewport(snapdeck::ui::layout::viewport(Rect::new(0, 0, 160, 45))),
        now(),
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(
        app.view.sort().0,
        SortKey::Tier,
        "no CLUSTER column in a one-cluster fleet"
    );
}

#[test]
fn problems_only_hides_ok_tenants_and_toggles_back() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('f'));
    assert!(app.view.problems_only());
    let shown: Vec<_> = app.view.rows().iter().filter(|r| !r.context_only).collect();
    assert!(!shown.is_empty());
    assert!(
        shown
            .iter()
            .all(|r| app.fleet.health(r.tenant).level != Level::Ok)
    );
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view.rows().len(), app.fleet.len());
}

#[test]
fn selection_follows_the_same_tenant_across_updates_and_resorts() {
    let mut app = app(60);
    for _ in 0..20 {
        key(&mut app, KeyCode::Down);
    }
    let chosen = selected_slug(&app);
    let row_before = app.view.selected_row().unwrap();
    // The chosen tenant loses its last backup: it turns red and moves to the top.
    let i = app.fleet.position(app.view.selected().unwrap()).unwrap();
    let mut changed = app.fleet.tenant(i).clone();
    changed.backup.last_success = None;
    changed.backup.oldest_restore_point_at = None;
    app.update(
        Msg::Source(SourceEvent::Changed {
            generated_at: now(),
            tenants: vec![changed.into()],
        }),
        now(),
    );
    assert_eq!(selected_slug(&app), chosen);
    assert_ne!(
        app.view.selected_row().unwrap(),
        row_before,
        "it moved, the selection went with it"
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(selected_slug(&app), chosen, "and across a re-sort");
}

#[test]
fn navigation_keys_move_within_bounds() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.view.selected_row(), Some(app.view.rows().len() - 1));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.view.selected_row(), Some(app.view.rows().len() - 1));
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.view.selected_row(), Some(0));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.view.selected_row(), Some(0));
    key(&mut app, KeyCode::PageDown);
    assert!(app.view.selected_row().unwrap() > 1);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('k'));
    app.update(Msg::Scroll(3), now());
    app.update(Msg::ClickRow(4), now());
    assert_eq!(app.view.selected_row(), Some(4));
}

#[test]
fn enter_opens_the_card_and_esc_returns_with_the_selection_kept() {
    let mut app = app(60);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let chosen = selected_slug(&app);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Tenant(_)));
    key(&mut app, KeyCode::Esc);
    assert_eq!(*app.screen(), Screen::Fleet);
    assert_eq!(selected_slug(&app), chosen);
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.modal(), Some(Modal::Help));
    assert!(key(&mut app, KeyCode::Char('x')).is_empty());
    assert_eq!(app.modal(), None);
}

#[test]
fn q_and_ctrl_c_quit_even_while_typing() {
    let mut app = app(60);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    key(&mut app, KeyCode::Char('/'));
    assert!(
        key(&mut app, KeyCode::Char('q')).is_empty(),
        "q is text while filtering"
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(app.update(Msg::Key(ctrl_c), now()), vec![Effect::Quit]);
}

#[test]
fn t_toggles_utc_and_local_time() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.time, snapdeck::app::TimeDisplay::Local);
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.time, snapdeck::app::TimeDisplay::Utc);
}

fn rpo_breaches(app: &App) -> usize {
    (0..app.fleet.len())
        .filter(|&i| app.fleet.health(i).has(FlagKind::RpoBreached))
        .count()
}

#[test]
fn time_alone_moves_tenants_between_levels() {
    let mut app = app(60);
    let red_before = app.fleet.summary().red;
    // Three hours on, the source still answering but reporting no change: every Dedicated
    // tenant has breached its 1 h RPO.
    let later = now() + chrono::Duration::hours(3);
    let heartbeat = SourceEvent::Changed {
        generated_at: later,
        tenants: Vec::new(),
    };
    app.update(Msg::Source(heartbeat), later);
    app.update(Msg::Tick, later);
    assert!(app.fleet.summary().red > red_before);
    assert!(rpo_breaches(&app) > red_before);
}

#[test]
fn silence_makes_rows_stale_but_is_no_evidence_of_a_breach() {
    let mut app = app(60);
    let before = app.fleet.summary();
    let breaches = rpo_breaches(&app);
    app.update(Msg::Tick, now() + chrono::Duration::hours(3));
    let after = app.fleet.summary();
    assert_eq!(
        after.stale,
        app.fleet.len(),
        "silent source: every row stale"
    );
    assert_eq!(after.red, before.red, "red when last seen stays red");
    assert_eq!(after.unknown, app.fleet.len() - before.red);
    assert_eq!(
        rpo_breaches(&app),
        breaches,
        "no breach inferred from silence"
    );
    // The first hub's group holds a red tenant: red outranks stale in the order too.
    let rows = app.view.rows();
    let group_end = rows[1..]
        .iter()
        .position(|r| !r.is_child)
        .map_or(rows.len(), |p| p + 1);
    let red = rows[..group_end]
        .iter()
        .find(|r| app.fleet.health(r.tenant).level == Level::Red)
        .expect("a red tenant in the first group");
    assert!(app.fleet.health(red.tenant).has(FlagKind::DataStale));
}

#[test]
fn judging_only_what_is_due_matches_judging_everything() {
    let mut due = app(300);
    let mut all = app(300);
    for step in 1..=40 {
        let at = now() + chrono::Duration::minutes(7 * step);
        // A few tenants change each step: a restore starts or ends, a backup lands.
        let changed: Vec<Arc<Tenant>> = (0..3)
            .map(|k| {
                let i = (step as usize * 7 + k * 101) % all.fleet.len();
                let mut t = Tenant::clone(all.fleet.tenant(i));
                t.active_restore_id = match t.active_restore_id {
                    Some(_) => None,
                    None => Some(snapdeck::domain::ids::RestoreId(
                        format!("rst_{step}_{k}").into(),
                    )),
                };
                if let Some(last) = t.backup.last_success.as_mut() {
                    last.taken_at = at - chrono::Duration::minutes(5);
                }
                Arc::new(t)
            })
            .collect();
        for app in [&mut due, &mut all] {
            let news = SourceEvent::Changed {
                generated_at: at,
                tenants: changed.clone(),
            };
            app.update(Msg::Source(news), at);
        }
        due.update(Msg::Tick, at);
        all.fleet.evaluate_all(at);
        for i in 0..all.fleet.len() {
            let (a, b) = (due.fleet.health(i), all.fleet.health(i));
            let kinds = |h: &Health| h.flags.iter().map(|f| f.kind).collect::<Vec<_>>();
            assert_eq!(
                (a.level, kinds(a)),
                (b.level, kinds(b)),
                "{} at step {step}",
                all.fleet.tenant(i).slug
            );
        }
        // Counts kept up change by change agree with counting everything afresh.
        if step % 8 != 0 {
            continue;
        }
        let mut fresh = Fleet::new(chrono::Duration::seconds(30));
        fresh.replace(all.fleet.tenants().to_vec(), at, at);
        assert_eq!(due.fleet.summary(), fresh.summary(), "step {step}");
        assert_eq!(all.fleet.summary(), fresh.summary(), "step {step}");
    }
}

#[test]
fn a_heartbeat_does_not_redraw_but_a_key_does() {
    let mut app = app(60);
    app.take_dirty();
    let heartbeat = SourceEvent::Changed {
        generated_at: now(),
        tenants: Vec::new(),
    };
    app.update(Msg::Source(heartbeat), now());
    assert!(!app.take_dirty(), "nothing on screen changed");
    key(&mut app, KeyCode::Char('x'));
    assert!(!app.take_dirty(), "an unbound key changes nothing");
    key(&mut app, KeyCode::Down);
    assert!(app.take_dirty());
}

fn shown_slugs(app: &App) -> Vec<String> {
    app.view
        .rows()
        .iter()
        .filter(|r| !r.context_only)
        .map(|r| app.fleet.tenant(r.tenant).slug.to_string())
        .collect()
}

fn filter_with(app: &mut App, text: &str) {
    key(app, KeyCode::Char('/'));
    type_text(app, text);
    key(app, KeyCode::Enter);
}

#[test]
fn the_filter_matches_hostname_id_and_state_and_excludes_with_a_bang() {
    let mut app = app(60);
    let science = app
        .fleet
        .tenants()
        .iter()
        .find(|t| t.slug == "northfield-science")
        .unwrap()
        .clone();
    filter_with(&mut app, &science.hostname);
    assert_eq!(shown_slugs(&app), vec!["northfield-science"]);
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, &science.id.0);
    assert_eq!(shown_slugs(&app), vec!["northfield-science"]);
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, "suspended");
    let shown = shown_slugs(&app);
    assert!(
        shown.contains(&"kingsbridge-summer".to_string()),
        "{shown:?}"
    );
    for slug in &shown {
        let t = app.fleet.tenants().iter().find(|t| t.slug == slug).unwrap();
        assert_eq!(t.state.to_string(), "suspended", "{slug}");
    }
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, "northfield !dedicated");
    assert!(
        shown_slugs(&app).is_empty(),
        "every northfield tenant is dedicated"
    );
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, "kingsbridge !ok");
    let shown = shown_slugs(&app);
    assert!(!shown.is_empty());
    for slug in &shown {
        let i = app
            .fleet
            .tenants()
            .iter()
            .position(|t| t.slug == slug)
            .unwrap();
        assert_ne!(app.fleet.health(i).level, Level::Ok, "{slug}");
    }
}

#[test]
fn a_level_word_matches_the_level_not_every_name_containing_it() {
    let mut app = app(60);
    // "red" is in "shared", "fred", "tired"…: as a level word it means the level only.
    filter_with(&mut app, "red");
    let shown = shown_slugs(&app);
    assert_eq!(shown.len(), app.fleet.summary().red, "{shown:?}");
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, "ok");
    assert_eq!(shown_slugs(&app).len(), app.fleet.summary().ok);
    key(&mut app, KeyCode::Esc);
    filter_with(&mut app, "stale");
    assert_eq!(
        shown_slugs(&app).len(),
        app.fleet.summary().stale,
        "the flag"
    );
}

#[test]
fn problems_only_keeps_the_selection_or_its_hub_and_returns_to_it() {
    let mut app = app(60);
    // An OK spoke of the first hub, below a red one.
    filter_with(&mut app, "northfield-engineering");
    key(&mut app, KeyCode::Esc);
    assert_eq!(selected_slug(&app), "northfield-engineering");
    key(&mut app, KeyCode::Char('f'));
    let kept = selected_slug(&app);
    assert!(
        kept.starts_with("northfield-"),
        "stays in its hub's group: {kept}"
    );
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(selected_slug(&app), "northfield-engineering", "back to it");
    // A problem tenant stays selected through both.
    filter_with(&mut app, "northfield-arts");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(selected_slug(&app), "northfield-arts");
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(selected_slug(&app), "northfield-arts");
}

/// The command `r` sent, and its id.
fn refresh_sent(effects: Vec<Effect>) -> CommandId {
    match effects.as_slice() {
        [
            Effect::Source(SourceCommand {
                id,
                op: Op::Refresh,
            }),
        ] => *id,
        other => panic!("expected one refresh, got {other:?}"),
    }
}

fn answer(app: &mut App, id: CommandId, outcome: Result<Reply, CommandError>) {
    app.update(Msg::Source(SourceEvent::Answer { id, outcome }), now());
}

#[test]
fn refresh_reports_how_many_tenants_changed() {
    let mut app = app(60);
    let id = refresh_sent(key(&mut app, KeyCode::Char('r')));
    // Pressed again while the first is on its way: nothing more is sent.
    assert!(key(&mut app, KeyCode::Char('r')).is_empty());
    let (mut fleet, _) = snapdeck::source::demo::fleet_at(support::SEED, 60, now());
    for t in fleet.iter_mut().take(3) {
        std::sync::Arc::make_mut(t).backup.restore_point_count += 1;
    }
    let whole = |tenants| {
        Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants,
        })
    };
    app.update(whole(fleet.clone()), now());
    answer(&mut app, id, Ok(Reply::Refreshed));
    assert_eq!(app.flash().unwrap().text, "refreshed: 3 tenants changed");
    let again = refresh_sent(key(&mut app, KeyCode::Char('r')));
    assert_ne!(again, id, "every command its own id");
    app.update(whole(fleet), now());
    answer(&mut app, again, Ok(Reply::Refreshed));
    assert_eq!(app.flash().unwrap().text, "refreshed: nothing changed");
    // An answer to nothing the app asked is ignored.
    answer(&mut app, CommandId(999), Ok(Reply::Refreshed));
    assert_eq!(app.flash().unwrap().text, "refreshed: nothing changed");
}

#[test]
fn a_failed_or_undeliverable_command_is_said_in_words() {
    let mut app = app(60);
    let id = refresh_sent(key(&mut app, KeyCode::Char('r')));
    let error = CommandError {
        code: "unavailable".into(),
        status: Some(503),
        message: "the control plane is restarting".into(),
    };
    answer(&mut app, id, Err(error));
    let flash = app.flash().unwrap();
    assert_eq!(flash.kind, FlashKind::Error);
    assert_eq!(
        flash.text,
        "refresh failed: the control plane is restarting (HTTP 503)"
    );
    let id = refresh_sent(key(&mut app, KeyCode::Char('r')));
    app.update(Msg::Undelivered(id), now());
    assert_eq!(
        app.flash().unwrap().text,
        "refresh not sent: the source has stopped"
    );
}

#[test]
fn each_screen_hints_and_helps_only_its_own_keys() {
    use snapdeck::app::keys;
    let mut app = app(60);
    key(&mut app, KeyCode::Enter);
    let words: Vec<&str> = keys::hints(&[app.screen().keys(), keys::COMMON_KEYS], false, |_| true)
        .iter()
        .map(|(_, word)| *word)
        .collect();
    assert!(
        words.contains(&"back") && !words.contains(&"filter"),
        "{words:?}"
    );
    // The card's own keys do what its hints say; the fleet's do nothing there.
    assert!(key(&mut app, KeyCode::Char('/')).is_empty());
    assert_eq!(app.modal(), None, "no filter on the card");
    key(&mut app, KeyCode::Esc);
    assert_eq!(*app.screen(), Screen::Fleet);
    key(&mut app, KeyCode::Esc);
    assert_eq!(*app.screen(), Screen::Fleet, "the fleet is never popped");
}

#[test]
fn a_flash_goes_after_six_ticks_whatever_the_clock_says() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('f'));
    assert!(app.flash().is_some());
    for _ in 0..5 {
        app.update(Msg::Tick, now());
    }
    assert!(app.flash().is_some(), "still there after five");
    app.update(Msg::Tick, now());
    assert!(app.flash().is_none(), "gone after the sixth");
}

#[test]
fn the_restores_screen_lists_active_restores_and_opens_their_monitor() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    assert!(matches!(app.screen(), Screen::Restores(_)));
    assert_eq!(app.restores.len(), 2);
    assert!(app.restores.iter().all(|r| r.phase.is_active()));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let Screen::Monitor(monitor) = app.screen() else {
        panic!("Enter opens the restore's monitor");
    };
    assert_eq!(monitor.id, app.restores[1].id);
    key(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.screen(), Screen::Restores(_)),
        "Esc pops one screen"
    );
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(*app.screen(), Screen::Fleet, "1 goes back to the fleet");
    assert_eq!(app.screens().len(), 1);
}

#[test]
fn writes_left_unanswered_in_the_journal_are_said_at_start() {
    let mut app = app(60);
    app.update(Msg::JournalUnanswered(0), now());
    assert!(app.flash().is_none());
    app.update(Msg::JournalUnanswered(1), now());
    let flash = app.flash().unwrap();
    assert_eq!(flash.kind, FlashKind::Error);
    assert!(
        flash
            .text
            .starts_with("1 action in the journal sent but never answered"),
        "{}",
        flash.text
    );
}

/// An app on the http source whose control plane's clock is `skew` off this machine's
/// (`support::now()`): it sends the fleet as it stands at its own instant.
fn app_with_a_skewed_control_plane(skew: chrono::Duration) -> App {
    use snapdeck::source::SourceInfo;
    let mut app = App::new(support::settings(SourceInfo {
        kind: "http",
        detail: "https://control.example.net".into(),
        cannot_act: None,
    }));
    let theirs = now() + skew;
    let (fleet, _) = snapdeck::source::demo::fleet_at(support::SEED, 60, theirs);
    app.update(
        Msg::Source(SourceEvent::Fleet {
            generated_at: theirs,
            tenants: fleet,
        }),
        now(),
    );
    app
}

#[test]
fn times_are_judged_at_the_control_planes_clock_and_its_skew_is_said() {
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    for (skew, words) in [
        (
            chrono::Duration::minutes(23),
            "the control plane's clock is 23m ahead of this machine's",
        ),
        (
            -chrono::Duration::minutes(23),
            "the control plane's clock is 23m behind this machine's",
        ),
    ] {
        let mut app = app_with_a_skewed_control_plane(skew);
        // As the control plane judges itself: no backup "in 4m", no row stale for its skew.
        let mut judged = Fleet::new(chrono::Duration::seconds(30));
        let (fleet, _) = snapdeck::source::demo::fleet_at(support::SEED, 60, now() + skew);
        judged.replace(fleet, now() + skew, now() + skew);
        assert_eq!(app.fleet.summary(), judged.summary(), "{skew}");
        let screen = support::screen_text(&support::render(&mut app, &theme, 160, 45));
        assert!(screen.contains(words), "{screen}");
        assert!(!screen.contains(" in 4m "), "{screen}");
        assert!(!screen.contains("STALE"), "{screen}");
        // The short form on a narrow terminal.
        let narrow = support::screen_text(&support::render(&mut app, &theme, 80, 24));
        assert!(narrow.contains("clock 23m "), "{narrow}");
    }
    // A minute or less is not worth a word.
    let mut app = app_with_a_skewed_control_plane(chrono::Duration::seconds(50));
    let screen = support::screen_text(&support::render(&mut app, &theme, 160, 45));
    assert!(!screen.contains("clock is"), "{screen}");
}

#[test]
fn next_run_says_due_when_its_time_has_come_and_the_source_has_not_reported_it() {
    let mut app = app(60);
    let hourly = (0..app.fleet.len())
        .find(|&i| {
            let t = app.fleet.tenant(i);
            t.backup.schedule.cron.ends_with(" * * * *")
                && t.tier == snapdeck::domain::tenant::Tier::Dedicated
                && app.fleet.health(i).level == Level::Ok
                && t.backup
                    .schedule
                    .next_run_at
                    .zip(t.backup.last_success.as_ref())
                    .is_some_and(|(next, last)| next - last.taken_at <= chrono::Duration::hours(1))
        })
        .expect("an hourly tenant in the demo fleet");
    let slug = app.fleet.tenant(hourly).slug.clone();
    let due = app
        .fleet
        .tenant(hourly)
        .backup
        .schedule
        .next_run_at
        .unwrap();
    // Ten seconds after its run, no news yet: not red, and NEXT RUN says `due`.
    let at = due + chrono::Duration::seconds(10);
    heartbeat(&mut app, at);
    let i = app
        .fleet
        .position(&app.fleet.tenant(hourly).id.clone())
        .unwrap();
    assert!(!app.fleet.health(i).has(FlagKind::RpoBreached), "{slug}");
    let (next, _) = snapdeck::ui::format::next_run(app.fleet.tenant(i), at);
    assert_eq!(next, "due", "{slug}");
    // Two refresh intervals (30 s) on, still no news: the breach is real.
    heartbeat(&mut app, due + chrono::Duration::seconds(61));
    assert!(app.fleet.health(i).has(FlagKind::RpoBreached), "{slug}");
}

/// The source says it is alive and nothing changed, as of `at`; then a tick.
fn heartbeat(app: &mut App, at: chrono::DateTime<chrono::Utc>) {
    let alive = SourceEvent::Changed {
        generated_at: at,
        tenants: Vec::new(),
    };
    app.update(Msg::Source(alive), at);
    app.update(Msg::Tick, at);
}

#[test]
fn number_keys_switch_screens_so_one_esc_is_back_at_the_fleet() {
    let mut app = app(60);
    // fleet ▸ tenant ▸ requests ▸ monitor ▸ requests ▸ monitor used to need five Esc.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Tenant(_)));
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Monitor(_)));
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.screens().len(), 2, "{:?}", app.screens());
    assert!(matches!(app.screen(), Screen::Requests(_)));
    key(&mut app, KeyCode::Char('2'));
    // The restores screen comes back with its selection.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screens().len(), 1);
    assert!(matches!(app.screen(), Screen::Fleet));
}

#[test]
fn a_demo_that_falls_behind_says_so_and_never_shows_live_over_silent_rows() {
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let mut app = app(60);
    // The simulator's news comes 5 h of demo time late: its clock lags the screen's.
    let late = SourceEvent::Changed {
        generated_at: now() - chrono::Duration::hours(5),
        tenants: Vec::new(),
    };
    app.update(snapdeck::app::Msg::Source(late), now());
    let screen = support::screen_text(&support::render(&mut app, &theme, 160, 45));
    assert!(screen.contains("● behind"), "{screen}");
    assert!(!screen.contains("● live"), "{screen}");
    assert!(
        screen.contains("the demo is behind by 5h of demo time"),
        "{screen}"
    );
}
