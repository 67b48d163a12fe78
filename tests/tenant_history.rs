//! The tenant screen's restore-point history and the wizard's point choice, driven by keys
//! through `App::update`, with the pages answered by the demo control plane at a fixed clock.

mod support;

use crossterm::event::KeyCode;
use snapdeck::app::screens::wizard::{PointAsk, PointPick};
use snapdeck::app::{App, Effect, Screen};
use snapdeck::domain::restore_point::PointStatus;
use snapdeck::source::Op;
use support::{app, key, type_text};

/// Opens the tenant screen of `slug` through the filter.
fn open(app: &mut App, slug: &str) -> Vec<Effect> {
    key(app, KeyCode::Char('/'));
    type_text(app, slug);
    key(app, KeyCode::Enter);
    key(app, KeyCode::Enter)
}

fn pages_asked(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Source(c) if matches!(c.op, Op::RestorePoints { .. })))
        .count()
}

fn tenant_id(app: &App, slug: &str) -> snapdeck::domain::TenantId {
    let i = (0..app.fleet.len())
        .find(|&i| app.fleet.tenant(i).slug == slug)
        .unwrap();
    app.fleet.tenant(i).id.clone()
}

fn held(app: &App, slug: &str) -> usize {
    app.history_of(&tenant_id(app, slug))
        .map_or(0, |h| h.points.len())
}

#[test]
fn the_history_comes_page_by_page_as_the_operator_scrolls() {
    let mut app = app(60);
    let opened = open(&mut app, "ashford-research");
    assert!(matches!(app.screen(), Screen::Tenant(_)));
    assert_eq!(pages_asked(&opened), 1, "page one on opening");
    assert_eq!(held(&app, "ashford-research"), 500);
    // Scrolling within what is held asks for nothing.
    let mut asked = 0;
    for _ in 0..10 {
        asked += pages_asked(&key(&mut app, KeyCode::PageDown));
    }
    assert_eq!(asked, 0);
    // Nearing the end of what is held fetches the next page, once.
    for _ in 0..40 {
        asked += pages_asked(&key(&mut app, KeyCode::PageDown));
    }
    assert_eq!(asked, 1);
    assert_eq!(held(&app, "ashford-research"), 1000);
    // G: the oldest point, every page fetched.
    key(&mut app, KeyCode::Char('G'));
    let history = app
        .history_of(&tenant_id(&app, "ashford-research"))
        .unwrap();
    assert!(history.complete && history.points.len() > 2_100);
    assert!(
        history
            .points
            .windows(2)
            .all(|w| w[0].taken_at > w[1].taken_at)
    );
}

#[test]
fn r_on_a_failed_point_says_why_and_on_a_usable_one_picks_it() {
    let mut app = app(60);
    open(&mut app, "kingsbridge-design");
    // The newest point is the partial one.
    let history = app
        .history_of(&tenant_id(&app, "kingsbridge-design"))
        .unwrap();
    assert_eq!(history.points[0].status, PointStatus::Partial);
    key(&mut app, KeyCode::Char('R'));
    let Screen::Wizard(wizard) = app.screen() else {
        panic!("R opens the wizard all the same");
    };
    let problem = wizard.problem.clone().unwrap_or_default();
    assert!(
        problem.contains("cannot be restored from") && problem.contains("partial"),
        "{problem}"
    );
    assert!(wizard.picked.is_none(), "an unusable point is never picked");
    assert!(matches!(
        app.point_pick(wizard),
        PointPick::Chosen {
            ask: PointAsk::MostRecent,
            ..
        }
    ));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let picked = app
        .history_of(&tenant_id(&app, "kingsbridge-design"))
        .unwrap()
        .points[2]
        .clone();
    key(&mut app, KeyCode::Char('R'));
    let Screen::Wizard(wizard) = app.screen() else {
        panic!("R opens the wizard");
    };
    let wizard = wizard.as_ref().clone();
    assert_eq!(wizard.picked.as_ref(), Some(&picked.id));
    match app.point_pick(&wizard) {
        PointPick::Chosen { choice, ask } => {
            assert_eq!(choice.point.id, picked.id);
            assert_eq!(ask, PointAsk::Picked(picked.id.clone()));
        }
        other => panic!("{other:?}"),
    }
    type_text(&mut app, "SUP-4821");
    let effects = key(&mut app, KeyCode::Enter);
    let sent = effects.iter().find_map(|e| match e {
        Effect::Write { command, .. } => match &command.op {
            Op::CreateRestore { request, .. } => request.restore_point_id.clone(),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(
        sent,
        Some(picked.id),
        "the point reviewed is the point sent"
    );
}

/// The wizard on `slug` with the point-in-time field focused.
fn wizard_at_when(app: &mut App, slug: &str) {
    open(app, slug);
    key(app, KeyCode::Char('R'));
    assert!(matches!(app.screen(), Screen::Wizard(_)));
    // Ticket → Reason → Point at.
    key(app, KeyCode::Tab);
    key(app, KeyCode::Tab);
}

fn pick_text(app: &App) -> String {
    let Screen::Wizard(wizard) = app.screen() else {
        panic!("not the wizard");
    };
    match app.point_pick(wizard) {
        PointPick::Refused(why) => format!("refused: {why}"),
        PointPick::Chosen { choice, .. } => format!("chosen {}", choice.point.taken_at),
        other => format!("{other:?}"),
    }
}

fn clear(app: &mut App) {
    for _ in 0..40 {
        key(app, KeyCode::Backspace);
    }
}

#[test]
fn a_typed_time_picks_the_newest_usable_point_at_or_before_it_or_says_why_not() {
    let mut app = app(60);
    wizard_at_when(&mut app, "northfield-arts");
    // Three hours back (00:10) is inside the breach: its failed attempts are skipped for the
    // last success, the evening before.
    type_text(&mut app, "-3h");
    let text = pick_text(&app);
    assert!(text.starts_with("chosen 2026-11-25 22:23"), "{text}");
    clear(&mut app);
    type_text(&mut app, "2026-11-20 14:00");
    assert!(
        pick_text(&app).starts_with("chosen 2026-11-20 13:"),
        "{}",
        pick_text(&app)
    );
    clear(&mut app);
    type_text(&mut app, "2031-01-01 00:00");
    assert!(
        pick_text(&app).contains("in the future"),
        "{}",
        pick_text(&app)
    );
    clear(&mut app);
    type_text(&mut app, "next tuesday");
    assert!(
        pick_text(&app).contains("cannot read"),
        "{}",
        pick_text(&app)
    );
    clear(&mut app);
    // Before every usable point: every page is fetched to be sure, then refused.
    type_text(&mut app, "2025-01-01 00:00");
    let history = app.history_of(&tenant_id(&app, "northfield-arts")).unwrap();
    assert!(history.complete, "searched every page");
    assert!(
        pick_text(&app).contains("oldest usable point"),
        "{}",
        pick_text(&app)
    );
    // Enter refuses it in words and sends nothing.
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "SUP-4821");
    assert!(
        key(&mut app, KeyCode::Enter)
            .iter()
            .all(|e| !matches!(e, Effect::Write { .. }))
    );
    let Screen::Wizard(wizard) = app.screen() else {
        panic!()
    };
    let problem = wizard.problem.clone().unwrap_or_default();
    assert!(problem.contains("oldest usable point"), "{problem}");
}
