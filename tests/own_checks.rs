//! snapdeck's own checks in the monitor, driven through `App::update`: they start by
//! themselves on a restore awaiting confirmation (once the point's time is found in the
//! tenant's history), `v` runs them again, a check that did not pass makes a confirm need
//! the typed slug, and the confirm's intent in the journal carries the verdicts.

mod support;

use crossterm::event::KeyCode;
use snapdeck::app::own_checks::{NOT_SET_UP, NOT_SET_UP_LINE, OwnChecks};
use snapdeck::app::{App, Effect, Msg};
use snapdeck::domain::restore::{CheckStatus, Restore, RestorePhase};
use snapdeck::domain::restore_point::PointStatus;
use snapdeck::domain::verify::could_not_run;
use snapdeck::source::{Op, SourceInfo};
use snapdeck::theme::Theme;
use support::{key, now, type_text};

fn awaiting_with_passed_checks(r: &Restore) -> bool {
    r.phase == RestorePhase::AwaitingConfirmation
        && r.verification
            .iter()
            .flatten()
            .all(|c| c.status == CheckStatus::Passed)
}

fn monitor(verify: bool) -> (App, Restore, snapdeck::source::demo::Sim) {
    let sim = support::sim_with_launched_restores();
    let mut settings = support::settings(SourceInfo {
        kind: "demo",
        detail: "seed 42".into(),
        cannot_act: None,
    });
    settings.verify = verify;
    let mut app = support::app_from(settings, sim.tenants().to_vec(), sim.restores().to_vec());
    let restore = sim
        .restores()
        .iter()
        .find(|r| awaiting_with_passed_checks(r))
        .expect("a restore awaiting confirmation, every check passed")
        .clone();
    support::open_monitor(&mut app, &sim, &restore.id);
    (app, restore, sim)
}

fn screen_text(app: &mut App) -> String {
    let theme = Theme::builtin("default").unwrap();
    let terminal = support::render(app, &theme, 160, 45);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_checks_start_by_themselves_and_v_runs_them_again_for_the_restores_point() {
    let (mut app, restore, _) = monitor(true);
    assert!(
        matches!(app.own_checks(&restore.id), Some(OwnChecks::Running { .. })),
        "started once the point was found: {:?}",
        app.own_checks(&restore.id)
    );
    assert!(screen_text(&mut app).contains("0 of 5 checks · reading the restored database"));
    app.update(
        Msg::VerifyProgress {
            restore: restore.id.clone(),
            finished: 3,
        },
        now(),
    );
    assert!(screen_text(&mut app).contains("3 of 5 checks"));
    let effects = key(&mut app, KeyCode::Char('v'));
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Verify(request) => Some(request.clone()),
            _ => None,
        })
        .expect("v asks for the checks again");
    assert_eq!(request.restore, restore.id);
    assert_eq!(request.source.slug, restore.source_slug);
    assert_eq!(request.target.slug, restore.target_slug);
    assert_eq!(request.target.hostname, restore.target_hostname);
    // The point: the one the restore names (else the newest good one before it was asked
    // for), at its dump's start, in
    // the history the control plane answered (support answers as the demo at the clock).
    let mut sim = snapdeck::source::demo::Sim::new(support::SEED, app.fleet.len(), now());
    let points = sim.restore_points(&restore.tenant_id, None).unwrap().items;
    let point = match &restore.restore_point_id {
        Some(id) => points.iter().find(|p| p.id == *id),
        None => points
            .iter()
            .find(|p| p.taken_at <= restore.requested_at && p.status == PointStatus::Succeeded),
    }
    .expect("the restore's point is on the first page");
    assert_eq!(
        request.point,
        point.database.started_at.unwrap_or(point.taken_at)
    );
}

#[test]
fn a_check_that_did_not_pass_needs_the_slug_and_the_journal_carries_the_verdicts() {
    let (mut app, restore, _) = monitor(true);
    app.update(
        Msg::Verified {
            restore: restore.id.clone(),
            checks: could_not_run("connection refused at 10.0.0.7:5432"),
        },
        now(),
    );
    let text = screen_text(&mut app);
    assert!(text.contains("snapdeck's checks"), "{text}");
    assert!(
        text.contains("could not check: connection refused at 10.0.0.7:5432"),
        "{text}"
    );
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "gradebook looked right");
    assert!(
        !key(&mut app, KeyCode::Enter)
            .iter()
            .any(|e| matches!(e, Effect::Write { .. })),
        "the control plane's checks passed, snapdeck's did not: the slug is needed"
    );
    type_text(&mut app, &restore.source_slug);
    let effects = key(&mut app, KeyCode::Enter);
    let intent = effects
        .iter()
        .find_map(|e| match e {
            Effect::Write { intent, command } => {
                assert!(matches!(command.op, Op::ConfirmRestore { .. }));
                Some(intent.clone())
            }
            _ => None,
        })
        .expect("confirmed with the slug typed");
    let own = &intent.details["snapdeck_checks"];
    assert_eq!(own["verdict"], "could_not_check");
    assert_eq!(own["checks"].as_array().unwrap().len(), 5);
    assert_eq!(own["checks"][0]["check"], "identity");
}

#[test]
fn without_verify_the_monitor_says_where_to_set_it_up() {
    let (mut app, restore, _) = monitor(false);
    assert_eq!(app.own_checks(&restore.id), None);
    assert!(screen_text(&mut app).contains(NOT_SET_UP_LINE));
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(app.flash().map(|f| f.text.as_str()), Some(NOT_SET_UP));
}
