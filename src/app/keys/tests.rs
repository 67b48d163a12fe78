//! The key tables against each other: no key bound twice, help lines and hints that tell the truth.

use super::*;

/// Every key a user could press on these screens.
fn all_keys() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
    ]);
    let plain = codes.iter().map(|c| KeyEvent::new(*c, KeyModifiers::NONE));
    let ctrl = ('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    plain.chain(ctrl).collect()
}

/// No key means two things on one screen.
#[test]
fn no_key_is_bound_twice_on_a_screen() {
    for tables in [
        [FLEET_KEYS, COMMON_KEYS],
        [TENANT_KEYS, COMMON_KEYS],
        [RESTORES_KEYS, COMMON_KEYS],
        [REQUESTS_KEYS, COMMON_KEYS],
        [FILTER_KEYS, &[]],
        [WIZARD_KEYS, &[]],
        [WIZARD_DONE_KEYS, &[]],
        [MONITOR_KEYS, COMMON_KEYS],
        [PROMPT_KEYS, &[]],
        [GOTO_KEYS, &[]],
        [JOURNAL_KEYS, COMMON_KEYS],
        [DNS_KEYS, COMMON_KEYS],
        [CONFIRM_PROMPT_KEYS, &[]],
    ] {
        for key in all_keys() {
            let bound = tables
                .iter()
                .flat_map(|t| t.iter())
                .flat_map(|b| b.keys.iter())
                .filter(|(k, _)| k.matches(&key))
                .count();
            assert!(bound <= 1, "{key:?} is bound {bound} times");
        }
    }
}

#[test]
fn keys_map_to_the_actions_their_help_line_names() {
    let press = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let fleet = [FLEET_KEYS, COMMON_KEYS];
    assert_eq!(
        action_in(&fleet, &press(KeyCode::Char('j'))),
        Some(Action::Down)
    );
    assert_eq!(
        action_in(&fleet, &press(KeyCode::Char('G'))),
        Some(Action::Last)
    );
    assert_eq!(action_in(&fleet, &press(KeyCode::Char('x'))), None);
    let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(action_in(&fleet, &ctrl_d), Some(Action::PageDown));
    let tenant = [TENANT_KEYS, COMMON_KEYS];
    assert_eq!(
        action_in(&tenant, &press(KeyCode::Char(']'))),
        Some(Action::NextTenant)
    );
    assert_eq!(
        action_in(&tenant, &press(KeyCode::Tab)),
        Some(Action::SwitchPane)
    );
    assert_eq!(
        action_in(&tenant, &press(KeyCode::Char('/'))),
        None,
        "no filter here"
    );
}

#[test]
fn hint_lines_offer_only_keys_of_their_screen() {
    let tenant: Vec<&str> = hints(&[TENANT_KEYS, COMMON_KEYS], false, |_| true)
        .iter()
        .map(|(_, word)| *word)
        .collect();
    assert!(
        !tenant.contains(&"filter") && !tenant.contains(&"sort"),
        "{tenant:?}"
    );
    assert!(
        tenant.contains(&"back") && tenant.contains(&"help"),
        "{tenant:?}"
    );
}
