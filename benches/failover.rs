//! Speed targets of a region's failover (issue 29): the plan over 10 000 affected tenants in
//! under 100 ms; the Failover screen under 2 ms a frame at 2 000 rows and more; the batch
//! workflow's own overhead per tenant (a whole life: launched, answered, listed, awaiting,
//! confirmed, swapped), and how many requests one walk of the batch costs.
//!
//!     cargo bench --bench failover

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashSet;

use chrono::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use snapdeck::app::{App, Msg};
use snapdeck::domain::failover::{PlanScope, Points, plan, project};
use snapdeck::domain::restore::{
    CreateRestore, Restore, RestoreMode, RestorePhase, RestorePurpose,
};
use snapdeck::domain::tenant::TenantId;
use snapdeck::domain::workflow::Event;
use snapdeck::domain::workflow::failover::{BatchEvent, BatchFlow, BatchSpec, BatchWant, Member};
use snapdeck::source::SourceEvent;
use snapdeck::theme::Theme;
use snapdeck::ui;
use support::{key, now, type_text};

fn west() -> PlanScope {
    PlanScope::Region {
        name: "eu-west-1".into(),
        to: None,
    }
}

/// 100 000 demo tenants, eu-west-1 down.
fn fleet() -> App {
    let mut app = support::app(100_000);
    let down = snapdeck::domain::region::RegionStatus::Down;
    app.update(
        Msg::Source(SourceEvent::Regions(support::regions_with(down))),
        now(),
    );
    app
}

fn planning(c: &mut Criterion) {
    let app = fleet();
    let tenants = || app.fleet.tenants().iter().map(|t| t.as_ref());
    let made = plan(
        west(),
        tenants(),
        app.fleet.regions(),
        &Points::new(),
        &HashSet::new(),
        now(),
    );
    eprintln!(
        "eu-west-1: {} planned, {} listed for what they are",
        made.entries.len(),
        made.left_out.len()
    );
    let mut group = c.benchmark_group("failover plan");
    group.sample_size(20);
    group.bench_function("plan of eu-west-1, 100000 tenants", |b| {
        b.iter(|| {
            plan(
                west(),
                tenants(),
                app.fleet.regions(),
                &Points::new(),
                &HashSet::new(),
                now(),
            )
        })
    });
    group.bench_function("projection at 8 at once", |b| {
        b.iter(|| project(&made, 8, now()))
    });
    group.finish();
}

/// The Failover screen of eu-west-1's plan.
fn planned() -> App {
    let mut app = fleet();
    let wanted = key(&mut app, KeyCode::Char('5'));
    support::expose(&mut app, wanted);
    key(&mut app, KeyCode::Char('F'));
    let rows = app.failover().unwrap().plan.entries.len();
    assert!(rows >= 2_000, "{rows} rows");
    app
}

/// The plan and its batch launched.
fn failover_screens() -> (App, App) {
    let mut app = planned();
    key(&mut app, KeyCode::Char('L'));
    type_text(&mut app, "eu-west-1");
    key(&mut app, KeyCode::Enter);
    assert!(app.failover().unwrap().batch.is_some());
    (planned(), app)
}

fn frames(c: &mut Criterion) {
    let theme = Theme::builtin("default").unwrap();
    let (planned, launched) = failover_screens();
    let rows = planned.failover().unwrap().plan.entries.len();
    let mut group = c.benchmark_group("draw 160x45");
    for (name, app) in [
        (format!("failover plan, {rows} rows"), planned),
        (format!("failover batch, {rows} rows"), launched),
    ] {
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| {
                        ui::draw(frame, &app, &theme, now());
                    })
                    .unwrap();
            })
        });
    }
    group.finish();
}

const BATCH: usize = 2_000;

fn members() -> Vec<Member> {
    (0..BATCH)
        .map(|i| {
            let request = CreateRestore {
                restore_point_id: None,
                mode: RestoreMode::NewSpoke,
                target_slug: None,
                ticket: None,
                reason: None,
                purpose: RestorePurpose::Failover,
                target_region: Some("eu-central-1".into()),
                batch: Some("fo_bench".into()),
            };
            Member::new(
                TenantId(format!("ten_{i}").into()),
                format!("t{i}"),
                request,
                Duration::minutes(40),
            )
        })
        .collect()
}

fn restore_of(i: usize, phase: RestorePhase) -> Restore {
    let mut r: Restore = serde_json::from_value(serde_json::json!({
        "id": format!("rst_{i}"), "tenant_id": format!("ten_{i}"), "source_slug": format!("t{i}"),
        "target_slug": format!("t{i}-restore-20261126"), "target_hostname": "",
        "mode": "new_spoke", "restore_point_id": null, "ticket": null,
        "requested_by": "bench", "requested_at": now(), "phase": "queued", "steps": [],
        "rto_deadline_at": null, "verification": [{"name": "site", "status": "passed", "detail": ""}],
        "error": null, "confirmed_by": null, "confirmed_at": null,
        "purpose": "failover", "batch": "fo_bench"
    }))
    .unwrap();
    r.phase = phase;
    r
}

/// A whole batch of 2 000, each member launched, answered, listed awaiting, confirmed and
/// swapped: the workflow's own work, the network left out. Also says how many list walks
/// its intervals asked for.
fn whole_batch() -> usize {
    let spec = BatchSpec {
        batch: "fo_bench".into(),
        region: "eu-west-1".into(),
        parallel: 50,
        deadline: now() + Duration::hours(4),
        verify: false,
        confirm_passed: true,
        swap_dns: true,
    };
    let (mut flow, _) = BatchFlow::new(spec, members());
    let mut wants = flow.step(BatchEvent::Listed {
        restores: Vec::new(),
        at: now(),
    });
    let mut walks = 0;
    let mut at = now();
    while !flow.is_done() {
        let mut awaiting = Vec::new();
        for want in std::mem::take(&mut wants) {
            let BatchWant::Send { tenant, write } = want else {
                walks += 1;
                continue;
            };
            let i: usize = tenant.0[4..].parse().unwrap();
            let restore = match write {
                snapdeck::domain::workflow::Write::Launch { .. } => {
                    awaiting.push(restore_of(i, RestorePhase::AwaitingConfirmation));
                    Some(restore_of(i, RestorePhase::Queued))
                }
                snapdeck::domain::workflow::Write::Confirm { .. } => {
                    Some(restore_of(i, RestorePhase::Completed))
                }
                _ => None,
            };
            let event = Box::new(Event::Answered { restore, at });
            wants.extend(flow.step(BatchEvent::Member { tenant, event }));
        }
        at += Duration::seconds(1);
        if !awaiting.is_empty() {
            wants.extend(flow.step(BatchEvent::Listed {
                restores: awaiting,
                at,
            }));
        }
        wants.extend(flow.step(BatchEvent::Tick));
    }
    walks
}

/// This process's resident memory, in MB.
fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

/// What following a batch of 2 000 holds: every member with its restore as last listed.
fn held() -> f64 {
    let before = rss_mb();
    let spec = BatchSpec {
        batch: "fo_bench".into(),
        region: "eu-west-1".into(),
        parallel: BATCH,
        deadline: now() + Duration::hours(4),
        verify: false,
        confirm_passed: false,
        swap_dns: false,
    };
    let (mut flow, _) = BatchFlow::new(spec, members());
    flow.step(BatchEvent::Listed {
        restores: Vec::new(),
        at: now(),
    });
    let listed = (0..BATCH)
        .map(|i| restore_of(i, RestorePhase::AwaitingConfirmation))
        .collect();
    flow.step(BatchEvent::Listed {
        restores: listed,
        at: now() + Duration::seconds(5),
    });
    let after = rss_mb();
    std::hint::black_box(&flow);
    after - before
}

fn batch(c: &mut Criterion) {
    eprintln!(
        "memory held by a batch of {BATCH} with their restores: {:.1} MB",
        held()
    );
    eprintln!(
        "list walks asked for over a whole batch of {BATCH}: {}",
        whole_batch()
    );
    let mut group = c.benchmark_group("failover batch");
    group.sample_size(10);
    group.bench_function("a whole batch of 2000, workflow only", |b| {
        b.iter(whole_batch)
    });
    group.finish();
}

// The batch first: its memory is measured on a heap the 100 000 tenants have not grown yet.
criterion_group!(benches, batch, planning, frames);
criterion_main!(benches);
