//! A region down, through `App::update`: the outage arriving mid-session (badge, flags, the
//! Regions screen's exposure), one tenant restored from its copy in the wizard, the refusals
//! said in words, and a source without regions offering nothing across them. Render
//! snapshots at 160×45 and 80×24.

mod support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::FlagKind;
use snapdeck::domain::region::{NOT_OFFERED_HTTP, RegionStatus, Regions};
use snapdeck::domain::tenant::{CrossRegionStatus, Tenant, Tier};
use snapdeck::source::{Op, SourceEvent};
use snapdeck::theme::Theme;
use support::{app, expose, key, now, render, screen_text, type_text};

fn regions(west: RegionStatus) -> Regions {
    support::regions_with(west)
}

fn tell(app: &mut App, regions: Regions) -> Vec<Effect> {
    app.update(Msg::Source(SourceEvent::Regions(regions)), now())
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        now(),
    )
}

fn theme() -> Theme {
    Theme::builtin("default").unwrap()
}

/// A Dedicated tenant of eu-west-1 whose newest backup has been copied.
fn copied_tenant(app: &App) -> Arc<Tenant> {
    app.fleet
        .tenants()
        .iter()
        .find(|t| {
            t.region == "eu-west-1"
                && t.tier == Tier::Dedicated
                && t.active_restore_id.is_none()
                && t.backup
                    .cross_region
                    .as_ref()
                    .is_some_and(|c| c.status == CrossRegionStatus::Ok)
        })
        .cloned()
        .expect("a Dedicated tenant of eu-west-1 with its copies landed")
}

fn open_wizard_on(app: &mut App, slug: &str) {
    key(app, KeyCode::Char(':'));
    type_text(app, &format!("tenant {slug}"));
    key(app, KeyCode::Enter);
    key(app, KeyCode::Char('R'));
    assert!(
        matches!(app.screen(), Screen::Wizard(_)),
        "R opens the wizard"
    );
}

fn problem(app: &App) -> String {
    match app.screen() {
        Screen::Wizard(w) => w.problem.clone().unwrap_or_default(),
        other => panic!("expected the wizard, got {other:?}"),
    }
}

#[test]
fn an_outage_declared_mid_session_shows_its_badge_flags_and_exposure() {
    let mut app = app(60);
    tell(&mut app, regions(RegionStatus::Ok));
    let before = screen_text(&render(&mut app, &theme(), 160, 45));
    assert!(!before.contains("DOWN"), "{before}");
    let tenant = copied_tenant(&app);
    tell(&mut app, regions(RegionStatus::Down));
    let i = app.fleet.position(&tenant.id).unwrap();
    let flag = app.fleet.health(i).flags.first().cloned().unwrap();
    assert_eq!(
        flag.kind,
        FlagKind::RegionDown,
        "the headline of {}",
        tenant.slug
    );
    assert!(
        flag.explanation
            .contains("restore it in eu-central-1 from that copy"),
        "{}",
        flag.explanation
    );
    let fleet = screen_text(&render(&mut app, &theme(), 160, 45));
    assert!(fleet.starts_with("⚠ eu-west-1 DOWN 42m"), "{fleet}");
    assert!(fleet.contains("⚠ region down: eu-west-1"), "{fleet}");
    // The Regions screen: its exposure is worked out off the UI task, then drawn.
    let effects = key(&mut app, KeyCode::Char('5'));
    assert!(matches!(app.screen(), Screen::Regions(_)));
    assert!(effects.iter().any(|e| matches!(e, Effect::Expose(_))));
    let waiting = screen_text(&render(&mut app, &theme(), 160, 45));
    assert!(
        waiting.contains("Working out each region's exposure"),
        "{waiting}"
    );
    expose(&mut app, effects);
    let wide = screen_text(&render(&mut app, &theme(), 160, 45));
    insta::assert_snapshot!("regions_160x45", wide);
    let narrow = screen_text(&render(&mut app, &theme(), 80, 24));
    insta::assert_snapshot!("regions_80x24", narrow);
    // Down first; Enter shows its tenants in the fleet.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Fleet));
    assert_eq!(app.filter.value(), "region:eu-west-1");
    let shown: Vec<String> = app
        .view
        .rows()
        .iter()
        .filter(|r| !r.context_only)
        .map(|r| app.fleet.tenant(r.tenant).region.to_string())
        .collect();
    assert!(
        !shown.is_empty() && shown.iter().all(|r| r == "eu-west-1"),
        "{shown:?}"
    );
    // The region word is exact, and can be left out like any word.
    app.view.set_filter("region:eu-west", &app.fleet);
    assert_eq!(app.view.matches(), 0);
    app.view.set_filter("!region:eu-west-1", &app.fleet);
    let left = app.view.matches();
    assert_eq!(
        left + shown.len(),
        app.fleet.len(),
        "every tenant is in or out"
    );
}

#[test]
fn the_regions_screen_sorts_and_keeps_only_the_regions_in_trouble() {
    let mut app = app(60);
    tell(&mut app, regions(RegionStatus::Degraded));
    let effects = key(&mut app, KeyCode::Char('5'));
    expose(&mut app, effects);
    let names = |app: &App| match app.screen() {
        Screen::Regions(list) => list
            .rows(&app.exposure.regions)
            .iter()
            .map(|r| r.name.clone())
            .collect::<Vec<_>>(),
        _ => panic!("the regions screen"),
    };
    assert_eq!(names(&app)[0], "eu-west-1", "degraded before ok");
    key(&mut app, KeyCode::Char('s'));
    let by_name = names(&app);
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    key(&mut app, KeyCode::Char('f'));
    let troubled = names(&app);
    assert!(troubled.contains(&"eu-west-1".to_string()), "{troubled:?}");
    assert!(!troubled.contains(&"us-west-2".to_string()), "{troubled:?}");
}

#[test]
fn one_tenant_is_restored_from_its_copy_and_refused_in_its_own_region_in_words() {
    let mut app = app(60);
    tell(&mut app, regions(RegionStatus::Down));
    let tenant = copied_tenant(&app);
    open_wizard_on(&mut app, &tenant.slug);
    let Screen::Wizard(wizard) = app.screen() else {
        unreachable!()
    };
    assert_eq!(
        wizard.region.as_deref(),
        Some("eu-central-1"),
        "the copy, chosen already"
    );
    insta::assert_snapshot!(
        "wizard_from_copy_160x45",
        screen_text(&render(&mut app, &theme(), 160, 45))
    );
    insta::assert_snapshot!(
        "wizard_from_copy_80x24",
        screen_text(&render(&mut app, &theme(), 80, 24))
    );
    // Its own region is down: refused before anything is sent, saying what to do.
    ctrl(&mut app, 'r');
    type_text(&mut app, "SUP-7001");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Write { .. })));
    assert_eq!(
        problem(&app),
        "eu-west-1 is down: nothing can be restored into it; restore it in eu-central-1 from \
         its copy (Ctrl-R)"
    );
    // An overwrite across regions is not offered.
    ctrl(&mut app, 'r');
    ctrl(&mut app, 't');
    assert!(
        problem(&app).contains("it cannot overwrite"),
        "{}",
        problem(&app)
    );
    let effects = key(&mut app, KeyCode::Enter);
    let sent = effects.iter().find_map(|e| match e {
        Effect::Write { command, .. } => match &command.op {
            Op::CreateRestore { request, .. } => Some(request.clone()),
            _ => None,
        },
        _ => None,
    });
    let request = sent.expect("the restore from the copy is sent");
    assert_eq!(request.target_region.as_deref(), Some("eu-central-1"));
    assert!(
        request.restore_point_id.is_some(),
        "the point copied there, named"
    );
}

#[test]
fn a_source_without_regions_offers_nothing_across_them() {
    let mut app = app(60);
    tell(&mut app, Regions::NotOffered(NOT_OFFERED_HTTP.into()));
    let tenant = copied_tenant(&app);
    open_wizard_on(&mut app, &tenant.slug);
    let screen = screen_text(&render(&mut app, &theme(), 160, 45));
    assert!(screen.contains("does not report regions"), "{screen}");
    ctrl(&mut app, 'r');
    assert!(problem(&app).starts_with("no restore across regions: this control plane"));
    let Screen::Wizard(wizard) = app.screen() else {
        unreachable!()
    };
    assert_eq!(wizard.region, None);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    let effects = key(&mut app, KeyCode::Char('5'));
    expose(&mut app, effects);
    let regions = screen_text(&render(&mut app, &theme(), 160, 45));
    assert!(regions.contains("does not report regions"), "{regions}");
    assert!(regions.contains("? not reported"), "{regions}");
}

#[test]
fn own_checks_of_a_restore_from_the_copy_say_live_cannot_be_checked() {
    use snapdeck::domain::verify::request::request_for;
    let app = app(60);
    let tenant = copied_tenant(&app);
    let mut restore = support::restore_of(&tenant);
    restore.target_region = Some("eu-central-1".into());
    let request = request_for(
        &restore,
        app.fleet.tenants(),
        now(),
        &regions(RegionStatus::Down),
    )
    .unwrap();
    assert_eq!(
        request.live_down.as_deref(),
        Some("could not check: eu-west-1 is down")
    );
    assert_eq!(
        request.target.region, "eu-central-1",
        "its templates filled for where it runs"
    );
    let up = request_for(
        &restore,
        app.fleet.tenants(),
        now(),
        &regions(RegionStatus::Ok),
    )
    .unwrap();
    assert_eq!(up.live_down, None);
}

#[test]
fn a_drill_from_the_dashboard_can_be_a_region_drill() {
    let mut app = app(60);
    tell(&mut app, regions(RegionStatus::Ok));
    let tenant = copied_tenant(&app);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, &format!("drill {}", tenant.slug));
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'r');
    type_text(&mut app, &tenant.slug);
    let effects = key(&mut app, KeyCode::Enter);
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Write { command, .. } => match &command.op {
                Op::CreateRestore { request, .. } => Some(request.clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("the drill is launched");
    assert_eq!(
        request.purpose,
        snapdeck::domain::restore::RestorePurpose::Drill
    );
    assert_eq!(request.target_region.as_deref(), Some("eu-central-1"));
    assert!(
        request
            .target_slug
            .unwrap()
            .starts_with(&format!("{}-drill-", tenant.slug))
    );
}
