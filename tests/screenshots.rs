//! PNG screenshots of the real screens, drawn by the real rendering code at a fixed clock and
//! seed. Regenerate them with:
//!
//!     cargo test --release --test screenshots -- --ignored
//!
//! The normal test run only checks that rendering to PNG works (into a temp dir).

#[path = "support/png_screen.rs"]
mod png_screen;
mod support;

use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use png_screen::{Palette, buffer_to_png};
use ratatui::style::Color;
use snapdeck::app::App;
use snapdeck::theme::Theme;
use support::{app, key, render, type_text};

fn rgb(color: Option<Color>, fallback: [u8; 3]) -> [u8; 3] {
    match color {
        Some(Color::Rgb(r, g, b)) => [r, g, b],
        _ => fallback,
    }
}

fn palette(theme: &Theme) -> Palette {
    let light = theme.name == "light";
    let (fg, bg) = if light {
        ([30, 30, 30], [250, 250, 250])
    } else {
        ([204, 204, 204], [16, 19, 23])
    };
    Palette {
        default_fg: rgb(theme.base.fg, fg),
        default_bg: rgb(theme.base.bg, bg),
    }
}

fn shoot(dir: &Path, name: &str, app: &mut App, theme: &Theme, size: (u16, u16)) -> PathBuf {
    let terminal = render(app, theme, size.0, size.1);
    let path = dir.join(format!("{name}.png"));
    buffer_to_png(terminal.backend().buffer(), &palette(theme), &path).unwrap();
    path
}

/// Every screenshot the README shows.
fn shoot_all(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for name in Theme::BUILTIN {
        let theme = Theme::builtin(name).unwrap();
        paths.push(shoot(
            dir,
            &format!("fleet-{name}"),
            &mut app(60),
            &theme,
            (160, 45),
        ));
    }
    let theme = Theme::builtin("default").unwrap();
    let mut filtered = app(60);
    key(&mut filtered, KeyCode::Char('/'));
    type_text(&mut filtered, "dedicated");
    paths.push(shoot(dir, "fleet-filter", &mut filtered, &theme, (160, 45)));
    let mut help = app(60);
    key(&mut help, KeyCode::Char('?'));
    paths.push(shoot(dir, "fleet-help", &mut help, &theme, (160, 45)));
    // The tenant screen of a tenant whose attempts fail: failed points stand out.
    let mut tenant = app(60);
    key(&mut tenant, KeyCode::Char('/'));
    type_text(&mut tenant, "northfield-arts");
    key(&mut tenant, KeyCode::Enter);
    key(&mut tenant, KeyCode::Enter);
    paths.push(shoot(dir, "tenant-screen", &mut tenant, &theme, (160, 45)));
    paths.push(shoot(dir, "fleet-80x24", &mut app(60), &theme, (80, 24)));
    let mut restores = app(60);
    key(&mut restores, KeyCode::Char('2'));
    paths.push(shoot(dir, "restores", &mut restores, &theme, (160, 45)));
    let mut requests = app(60);
    key(&mut requests, KeyCode::Char('3'));
    paths.push(shoot(dir, "requests", &mut requests, &theme, (160, 45)));
    // The overdue ticket's wizard: its point in time picked, its RTO from the ticket.
    let mut wizard = app(60);
    key(&mut wizard, KeyCode::Char('3'));
    key(&mut wizard, KeyCode::Enter);
    paths.push(shoot(dir, "restore-wizard", &mut wizard, &theme, (160, 45)));
    // A launched restore awaiting confirmation, a check warned, its log below.
    let sim = support::sim_with_launched_restores();
    let mut monitor = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let warned = sim
        .restores()
        .iter()
        .find(|r| {
            r.verification
                .iter()
                .flatten()
                .any(|c| c.status == snapdeck::domain::restore::CheckStatus::Warning)
        })
        .map(|r| r.id.clone())
        .expect("a restore with a warned check");
    support::open_monitor(&mut monitor, &sim, &warned);
    paths.push(shoot(
        dir,
        "restore-monitor",
        &mut monitor,
        &theme,
        (160, 45),
    ));
    paths.push(shoot(
        dir,
        "restore-monitor-own-checks",
        &mut support::monitor_with_own_checks(),
        &theme,
        (160, 45),
    ));
    let mut swap = app(60);
    support::confirmed_new_spoke_selected(&mut swap);
    support::dns_swap_propagating(&mut swap);
    key(&mut swap, KeyCode::Char('d'));
    paths.push(shoot(dir, "dns-swap", &mut swap, &theme, (160, 45)));
    let mut kube = support::kube_fleet::app();
    paths.push(shoot(dir, "kube-fleet", &mut kube, &theme, (160, 45)));
    support::kube_fleet::open_card(&mut kube, "kb-law");
    paths.push(shoot(dir, "kube-tenant", &mut kube, &theme, (160, 45)));
    // A tenant whose last drill failed, its card scrolled to the drills.
    let mut drills = app(60);
    key(&mut drills, KeyCode::Char('/'));
    type_text(&mut drills, "northfield-medicine");
    key(&mut drills, KeyCode::Enter);
    key(&mut drills, KeyCode::Enter);
    key(&mut drills, KeyCode::Tab);
    support::render(&mut drills, &theme, 160, 45);
    for _ in 0..8 {
        key(&mut drills, KeyCode::PageDown);
    }
    paths.push(shoot(dir, "tenant-drills", &mut drills, &theme, (160, 45)));
    // `D`: a drill's wizard, the slug half typed.
    let mut drill = app(60);
    key(&mut drill, KeyCode::Char('/'));
    type_text(&mut drill, "ashford-s7");
    key(&mut drill, KeyCode::Enter);
    key(&mut drill, KeyCode::Char('D'));
    type_text(&mut drill, "ashford");
    paths.push(shoot(dir, "drill-wizard", &mut drill, &theme, (160, 45)));
    // eu-west-1 down: the Regions screen, then one tenant restored from its copy.
    let down = || snapdeck::domain::region::RegionStatus::Down;
    let mut regions = app(60);
    let told = snapdeck::source::SourceEvent::Regions(support::regions_with(down()));
    regions.update(snapdeck::app::Msg::Source(told.clone()), support::now());
    let wanted = key(&mut regions, KeyCode::Char('5'));
    support::expose(&mut regions, wanted);
    paths.push(shoot(dir, "regions", &mut regions, &theme, (160, 45)));
    // `F` on eu-west-1: its failover plan, then the batch just launched.
    key(&mut regions, KeyCode::Char('F'));
    paths.push(shoot(dir, "failover-plan", &mut regions, &theme, (160, 45)));
    key(&mut regions, KeyCode::Char('L'));
    type_text(&mut regions, "eu-west-1");
    key(&mut regions, KeyCode::Enter);
    paths.push(shoot(
        dir,
        "failover-batch",
        &mut regions,
        &theme,
        (160, 45),
    ));
    let mut from_copy = app(60);
    from_copy.update(snapdeck::app::Msg::Source(told), support::now());
    key(&mut from_copy, KeyCode::Char('/'));
    type_text(&mut from_copy, "northfield-hub");
    key(&mut from_copy, KeyCode::Enter);
    key(&mut from_copy, KeyCode::Enter);
    key(&mut from_copy, KeyCode::Char('R'));
    type_text(&mut from_copy, "SUP-7001");
    paths.push(shoot(
        dir,
        "restore-from-copy",
        &mut from_copy,
        &theme,
        (160, 45),
    ));
    let mut journal = app(60);
    key(&mut journal, KeyCode::Char(':'));
    type_text(&mut journal, "ten north");
    key(&mut journal, KeyCode::Tab);
    paths.push(shoot(dir, "command-line", &mut journal, &theme, (160, 45)));
    paths
}

#[test]
fn screenshots_render_to_png() {
    let dir = std::env::temp_dir().join(format!("snapdeck-shots-{}", std::process::id()));
    for path in shoot_all(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", path.display());
        assert!(bytes.len() > 10_000, "{} looks empty", path.display());
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[ignore = "writes screenshots/: run with --ignored to regenerate them"]
fn regenerate_screenshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    for path in shoot_all(&dir) {
        println!("wrote {}", path.display());
    }
}
