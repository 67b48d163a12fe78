//! Nothing an operator can type, and no odd data a source can send, makes the app panic:
//! random keys, clicks, scrolls and terminal sizes (down to 0×0) against odd fleets.

mod support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use snapdeck::app::{App, Msg};
use snapdeck::domain::tenant::{Tenant, TenantId, TenantKind, Tier};
use snapdeck::source::{Connection, SourceEvent};
use snapdeck::theme::Theme;
use support::{Lcg, app, now, render};

fn random_key(rng: &mut Lcg) -> KeyEvent {
    let codes = [
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Backspace,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Tab,
        KeyCode::Delete,
    ];
    let code = if rng.next(3) == 0 {
        codes[rng.next(codes.len() as u64) as usize]
    } else {
        // Printable ASCII, with the app's own keys over-represented.
        let keys = b"jkgGsSftr/?qx eu-wst1dRPO\xc3";
        let c = keys[rng.next(keys.len() as u64) as usize];
        KeyCode::Char(if c.is_ascii() { c as char } else { 'é' })
    };
    let modifiers = match rng.next(10) {
        0 => KeyModifiers::CONTROL,
        1 => KeyModifiers::ALT,
        _ => KeyModifiers::NONE,
    };
    // Never send Ctrl-C/q as a quit we then ignore: the app answers Quit and we carry on, which
    // is still a fine state to keep exercising.
    KeyEvent::new(code, modifiers)
}

fn odd_tenants(base: &[Arc<Tenant>]) -> Vec<Arc<Tenant>> {
    let mut tenants: Vec<Tenant> = base.iter().take(7).map(|t| Tenant::clone(t)).collect();
    if let Some(first) = tenants.first().cloned() {
        let mut orphan = first.clone();
        orphan.id = TenantId("ten_orphan".into());
        orphan.slug = "orphan-spoke-with-a-very-long-slug-that-does-not-fit-any-column".into();
        orphan.kind = TenantKind::Spoke;
        orphan.hub_id = Some(TenantId("ten_gone".into()));
        orphan.tier = Tier::Unknown("platinum".into());
        orphan.backup.last_success = None;
        orphan.backup.schedule.cron = "not a cron".into();
        orphan.backup.schedule.next_run_at = None;
        orphan.display_name = "Ünïcødé 名前 ✓".into();
        tenants.push(orphan);
        let mut own_hub = first;
        own_hub.id = TenantId("ten_self".into());
        own_hub.kind = TenantKind::Unknown("satellite".into());
        own_hub.hub_id = Some(TenantId("ten_self".into()));
        tenants.push(own_hub);
    }
    tenants.into_iter().map(Arc::new).collect()
}

fn step(app: &mut App, rng: &mut Lcg, odd: &[Arc<Tenant>], full: &[Arc<Tenant>]) {
    let msg = match rng.next(20) {
        0 => Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: odd.to_vec(),
        }),
        1 => Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: Vec::new(),
        }),
        2 => Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: full.to_vec(),
        }),
        3 => Msg::Source(SourceEvent::Changed {
            generated_at: now(),
            tenants: odd[..2.min(odd.len())].to_vec(),
        }),
        4 => Msg::Source(SourceEvent::Connection(Connection::Failing {
            error: "HTTP 500 from proxy".into(),
            scope: None,
            retry_in: None,
        })),
        5 => Msg::ClickRow(rng.next(200) as usize),
        6 => Msg::Scroll(rng.next(40) as isize - 20),
        7 => Msg::Tick,
        _ => Msg::Key(random_key(rng)),
    };
    let later = now() + chrono::Duration::seconds(rng.next(100_000) as i64);
    app.update(msg, later);
}

#[test]
fn random_keys_sizes_and_odd_fleets_never_panic() {
    let mut rng = Lcg(2026);
    let theme = Theme::builtin("default").unwrap();
    let mut app = app(60);
    let full: Vec<Arc<Tenant>> = app.fleet.tenants().to_vec();
    let odd = odd_tenants(&full);
    for round in 0..3_000 {
        step(&mut app, &mut rng, &odd, &full);
        if round % 3 == 0 {
            let (w, h) = (rng.next(200) as u16, rng.next(70) as u16);
            render(&mut app, &theme, w, h);
        }
    }
}

#[test]
fn a_card_open_on_a_tenant_that_disappears_says_so() {
    let theme = Theme::builtin("default").unwrap();
    let mut app = app(60);
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: Vec::new(),
        }),
        now(),
    );
    let text = support::screen_text(&render(&mut app, &theme, 120, 30));
    assert!(text.contains("no longer in the fleet"), "{text}");
}
