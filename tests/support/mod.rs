//! Shared fixtures: the demo fleet at a fixed clock and seed, loaded into an app.
#![allow(dead_code)]

pub mod home;
pub mod kube_fleet;
pub mod proxy;
pub mod served;
pub mod wired;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use snapdeck::app::{App, Effect, Msg, Settings, TimeDisplay};
use snapdeck::source::demo::{Sim, fleet_at, requests_at};
use snapdeck::source::{Connection, Op, Reply, SourceCommand, SourceEvent, SourceInfo};
use snapdeck::theme::Theme;
use snapdeck::ui;

pub const SEED: u64 = 42;

/// Records that a test ran to its end in the file `log_var` names, for `scripts/test`'s
/// count of the tests that need a real server.
pub fn record_ran(log_var: &str, name: &str) {
    if let Some(log) = std::env::var_os(log_var) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        writeln!(file, "{name}").unwrap();
    }
}

/// A small deterministic generator: the same run every time, so a failure reproduces.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.next(n as u64) as usize
    }
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// An app that has received the demo fleet of `tenants` at the fixed clock.
pub fn app(tenants: usize) -> App {
    let (fleet, restores) = fleet_at(SEED, tenants, now());
    app_with(fleet, restores)
}

/// A fleet of 60 where the operator launched a new-spoke restore of each of the first 16
/// spokes three hours ago: at `now()` most await confirmation (some with a check warned or
/// failed), and a few failed halfway. Answers the simulator too, to read their event logs.
pub fn sim_with_launched_restores() -> snapdeck::source::demo::Sim {
    let mut sim = snapdeck::source::demo::Sim::new(SEED, 60, now() - Duration::hours(3));
    let spokes: Vec<_> = sim
        .tenants()
        .iter()
        .filter(|t| !t.is_hub() && t.active_restore_id.is_none() && t.backup.last_success.is_some())
        .map(|t| t.id.clone())
        .take(16)
        .collect();
    for id in spokes {
        sim.create_restore(&id, &new_spoke_for_ticket()).unwrap();
    }
    sim.advance(now());
    sim
}

/// The settings every test app runs with, for a source that says `source` of itself.
pub fn settings(source: SourceInfo) -> Settings {
    Settings {
        operator: "oncall".into(),
        session: "test".into(),
        refresh_interval: Duration::seconds(30),
        calendar: snapdeck::config::BusinessHours::default()
            .calendar()
            .unwrap(),
        read_only: false,
        time: TimeDisplay::Utc,
        local_zone: chrono_tz::Europe::London,
        source,
        verify: false,
        drill_max_age: None,
    }
}

/// An app that has received `fleet` and `restores` at the fixed clock.
pub fn app_with(
    fleet: Vec<std::sync::Arc<snapdeck::domain::tenant::Tenant>>,
    restores: Vec<snapdeck::domain::restore::Restore>,
) -> App {
    let settings = settings(SourceInfo {
        kind: "demo",
        detail: format!("seed {SEED} · {} tenants", fleet.len()),
        cannot_act: None,
    });
    app_from(settings, fleet, restores)
}

/// `app_with`, with these settings.
pub fn app_from(
    settings: Settings,
    fleet: Vec<std::sync::Arc<snapdeck::domain::tenant::Tenant>>,
    restores: Vec<snapdeck::domain::restore::Restore>,
) -> App {
    let tenants = fleet.len();
    let mut app = App::new(settings);
    app.update(
        Msg::Source(SourceEvent::Connection(Connection::Live)),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: fleet,
        }),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Restores {
            generated_at: now(),
            restores,
        }),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Requests {
            generated_at: now(),
            requests: requests_at(SEED, tenants, now()),
        }),
        now(),
    );
    app
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<snapdeck::app::Effect> {
    let effects = app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now());
    answer_reads(app, &effects);
    effects
}

/// Answers the restore-point pages the app asked for, as the demo control plane would at the
/// fixed clock (and the pages those answers ask for in turn).
pub fn answer_reads(app: &mut App, effects: &[Effect]) {
    for effect in effects {
        let Effect::Source(SourceCommand { id, op }) = effect else {
            continue;
        };
        let mut sim = Sim::new(SEED, app.fleet.len(), now());
        let outcome = match op {
            Op::RestorePoints { tenant, cursor } => sim
                .restore_points(tenant, cursor.as_deref())
                .map(Reply::RestorePoints),
            Op::Drills { tenant, .. } => sim.drills(tenant).map(|items| {
                Reply::Drills(snapdeck::source::Page {
                    items,
                    next_cursor: None,
                })
            }),
            _ => continue,
        };
        let answer = SourceEvent::Answer { id: *id, outcome };
        let more = app.update(Msg::Source(answer), now());
        answer_reads(app, &more);
    }
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Draws the app into a test terminal of the given size.
pub fn render(app: &mut App, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    app.update(Msg::Viewport(ui::layout::viewport(area)), now());
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = ui::Drawn::default();
    terminal
        .draw(|frame| drawn = ui::draw(frame, app, theme, now()))
        .unwrap();
    // As the runner does: the app learns how far the card can scroll.
    if let Some(rows) = drawn.history_rows {
        app.update(Msg::HistoryRows(rows), now());
    }
    if let Some(limit) = drawn.card_scroll_limit {
        app.update(Msg::CardScrollLimit(limit), now());
    }
    terminal
}

/// The screen as text, one line per row.
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub fn selected_slug(app: &App) -> String {
    let id = app.view.selected().expect("a selection");
    let i = app.fleet.position(id).expect("selected tenant exists");
    app.fleet.tenant(i).slug.to_string()
}

/// Opens the monitor of restore `id` from the restores screen, and answers its first event
/// log read from `sim` as the source would.
pub fn open_monitor(
    app: &mut App,
    sim: &snapdeck::source::demo::Sim,
    id: &snapdeck::domain::ids::RestoreId,
) {
    use snapdeck::app::Effect;
    use snapdeck::source::{Op, Reply};
    key(app, KeyCode::Char('2'));
    let row = app
        .restores
        .iter()
        .position(|r| r.id == *id)
        .expect("the restore is listed");
    for _ in 0..row {
        key(app, KeyCode::Down);
    }
    let effects = key(app, KeyCode::Enter);
    let read = effects.iter().find_map(|e| match e {
        Effect::Source(command) => match &command.op {
            Op::RestoreEvents { restore, after } if restore == id => Some((command.id, *after)),
            _ => None,
        },
        _ => None,
    });
    let (command, after) = read.expect("the monitor reads its log as it opens");
    let outcome = sim.restore_events(id, after).map(Reply::RestoreEvents);
    app.update(
        Msg::Source(SourceEvent::Answer {
            id: command,
            outcome,
        }),
        now(),
    );
}

/// The fleet's first restore made a completed new-spoke one, selected on the restores
/// screen; answers its tenant's slug.
pub fn confirmed_new_spoke_selected(app: &mut snapdeck::app::App) -> String {
    use snapdeck::app::Msg;
    use snapdeck::domain::restore::{RestoreMode, RestorePhase};
    use snapdeck::source::SourceEvent;
    let mut restores = app.restores.clone();
    restores[0].phase = RestorePhase::Completed;
    restores[0].mode = RestoreMode::NewSpoke;
    restores[0].target_slug = format!("{}-restore-20261126", restores[0].source_slug);
    restores[0].target_hostname = format!("{}.example-moodle.net", restores[0].target_slug);
    let (id, slug) = (restores[0].id.clone(), restores[0].source_slug.clone());
    app.update(
        Msg::Source(SourceEvent::Restores {
            generated_at: now(),
            restores,
        }),
        now(),
    );
    key(app, KeyCode::Char('2'));
    let row = app.restores.iter().position(|r| r.id == id).unwrap();
    for _ in 0..row {
        key(app, KeyCode::Down);
    }
    slug
}

/// A DNS swap of the completed new-spoke restore, propagating (pushed by the source).
pub fn dns_swap_propagating(app: &mut App) {
    use snapdeck::domain::dns::{DnsPhase, DnsSwap};
    let restore = app
        .restores
        .iter()
        .find(|r| r.phase.label() == "completed")
        .unwrap()
        .clone();
    let region = "eu-west-1";
    let swap = DnsSwap {
        id: "dns_5e0".into(),
        tenant_id: restore.tenant_id.clone(),
        restore_id: restore.id.clone(),
        hostname: format!("{}.example-moodle.net", restore.source_slug),
        from_target: format!("{}.spokes.{region}.example-moodle.net", restore.source_slug),
        to_target: format!("{}.spokes.{region}.example-moodle.net", restore.target_slug),
        ttl_seconds: 60,
        phase: DnsPhase::Propagating,
        requested_at: now() - chrono::Duration::seconds(40),
        updated_at: now() - chrono::Duration::seconds(18),
        error: None,
    };
    app.update(
        Msg::Source(SourceEvent::DnsSwaps {
            generated_at: now(),
            swaps: vec![swap],
        }),
        now(),
    );
}

/// The monitor of a restore awaiting confirmation (every control-plane check passed) with
/// `[verify]` set and snapdeck's own checks in: the volume is older than the dump (37 files
/// missing), and live deleted course 1182 since the point.
pub fn monitor_with_own_checks() -> App {
    use snapdeck::domain::restore::{CheckStatus, RestorePhase};
    use snapdeck::domain::verify::{
        self, DataFacts, FileFacts, FileFinding, FileProblem, Identity, Named, Rows, SiteFacts,
        Table,
    };
    let sim = sim_with_launched_restores();
    let mut settings = settings(SourceInfo {
        kind: "demo",
        detail: format!("seed {SEED}"),
        cannot_act: None,
    });
    settings.verify = true;
    let mut app = app_from(settings, sim.tenants().to_vec(), sim.restores().to_vec());
    let restore = sim
        .restores()
        .iter()
        .find(|r| {
            r.phase == RestorePhase::AwaitingConfirmation
                && r.verification
                    .iter()
                    .flatten()
                    .all(|c| c.status == CheckStatus::Passed)
        })
        .expect("a restore whose checks passed")
        .clone();
    open_monitor(&mut app, &sim, &restore.id);
    let point = now() - Duration::hours(4);
    let identity = Identity {
        siteidentifier: Some("4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7c".into()),
        version: Some("2024100700.00".into()),
        release: Some("4.5+ (Build: 20241011)".into()),
    };
    let rows = |table, restored, live| Rows {
        table,
        restored,
        live,
    };
    let facts = verify::Facts {
        point,
        restored_identity: Ok(identity.clone()),
        live_identity: Ok(identity),
        restored_newest_log: Ok(Some(point - Duration::seconds(41))),
        live_newest_log: Ok(Some(point - Duration::seconds(41))),
        data: Ok(DataFacts {
            rows: vec![
                rows(Table::Users, 37929, 37928),
                rows(Table::Courses, 221, 220),
                rows(Table::CourseModules, 8714, 8702),
                rows(Table::Files, 412_330, 412_330),
                rows(Table::Grades, 96_114, 96_114),
                rows(Table::RecentLog, 1204, 1204),
            ],
            deleted_since: vec![
                Named {
                    table: Table::Courses,
                    id: 1182,
                    name: "Chemistry 101".into(),
                },
                Named {
                    table: Table::Users,
                    id: 5521,
                    name: "t.morgan".into(),
                },
            ],
            missing: vec![],
        }),
        files: Ok(FileFacts {
            looked_for: 200,
            hashed: 20,
            findings: (0..37)
                .map(|n| FileFinding {
                    contenthash: format!("{:040x}", 0x9a3f_u64 * (n + 1)),
                    problem: FileProblem::Missing,
                    rank: n as usize,
                })
                .collect(),
            cut_short: None,
        }),
        site: Some(Ok(SiteFacts {
            url: format!("https://{}/login/index.php", restore.target_hostname),
            status: 200,
            site_name: Some("Northfield College".into()),
            name_found: true,
        })),
        fingerprinted_at: None,
    };
    app.update(
        Msg::Verified {
            restore: restore.id.clone(),
            checks: verify::checks(&facts),
        },
        now(),
    );
    app
}

/// A new-spoke restore of `tenant`, as the demo control plane makes it at the fixed clock.
pub fn restore_of(tenant: &snapdeck::domain::tenant::Tenant) -> snapdeck::domain::restore::Restore {
    let mut sim = Sim::new(SEED, 60, now());
    sim.create_restore(&tenant.id, &new_spoke_for_ticket())
        .unwrap()
}

/// A new spoke from the most recent backup, for ticket SUP-4821.
pub fn new_spoke_for_ticket() -> snapdeck::domain::restore::CreateRestore {
    snapdeck::domain::restore::CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: snapdeck::domain::restore::RestoreMode::NewSpoke,
        target_slug: None,
        ticket: Some("SUP-4821".into()),
        reason: None,
        purpose: Default::default(),
    }
}

/// The control plane's regions at the fixed clock: eu-west-1 `west` for the last 42 minutes,
/// eu-central-1, us-east-1 and us-west-2 up.
pub fn regions_with(
    west: snapdeck::domain::region::RegionStatus,
) -> snapdeck::domain::region::Regions {
    use snapdeck::domain::region::{Region, RegionStatus, Regions};
    let region = |name: &str, status: RegionStatus| Region {
        name: name.into(),
        status,
        since: Some(now() - Duration::minutes(42)),
        message: Some("provider incident: zones a, b, c unreachable".into()),
    };
    Regions::Reported {
        generated_at: now(),
        items: ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]
            .into_iter()
            .map(|name| match name {
                "eu-west-1" => region(name, west.clone()),
                _ => region(name, RegionStatus::Ok),
            })
            .collect(),
    }
}

/// Carries out the exposure the app asked for, as the runner does off the UI task.
pub fn expose(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Expose(wanted) = effect {
            app.update(wanted.run(), now());
        }
    }
}
