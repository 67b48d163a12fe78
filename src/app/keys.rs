//! Keys of each screen: the tables the `?` help shows, and the handler that maps a key to
//! its action. A test checks the two agree both ways, so help cannot drift from the keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    First,
    Last,
    PageUp,
    PageDown,
    Open,
    Back,
    Filter,
    ProblemsOnly,
    NextSort,
    ReverseSort,
    ToggleTime,
    Refresh,
    Help,
    Quit,
}

pub struct Binding {
    pub keys: &'static str,
    pub action: Action,
    pub what: &'static str,
}

pub const FLEET_KEYS: &[Binding] = &[
    Binding {
        keys: "↑ ↓  k j",
        action: Action::Down,
        what: "move the selection",
    },
    Binding {
        keys: "g  G",
        action: Action::First,
        what: "first / last tenant",
    },
    Binding {
        keys: "PgUp PgDn",
        action: Action::PageDown,
        what: "one page up / down",
    },
    Binding {
        keys: "Enter",
        action: Action::Open,
        what: "the tenant's Backups card",
    },
    Binding {
        keys: "/  Esc",
        action: Action::Filter,
        what: "filter / clear the filter",
    },
    Binding {
        keys: "f",
        action: Action::ProblemsOnly,
        what: "problems only (hide OK)",
    },
    Binding {
        keys: "s  S",
        action: Action::NextSort,
        what: "sort: next column / reverse",
    },
    Binding {
        keys: "wheel click",
        action: Action::Down,
        what: "scroll / select",
    },
];

/// Keys that work the same on every screen, listed after each screen's own.
pub const COMMON_KEYS: &[Binding] = &[
    Binding {
        keys: "t",
        action: Action::ToggleTime,
        what: "times in UTC / local time",
    },
    Binding {
        keys: "r",
        action: Action::Refresh,
        what: "refresh from the source now",
    },
    Binding {
        keys: "?",
        action: Action::Help,
        what: "this help",
    },
    Binding {
        keys: "q  Ctrl-C",
        action: Action::Quit,
        what: "quit (Ctrl-Z suspends)",
    },
];

/// While the filter has the keyboard (shown in the fleet help; `?` is text there).
pub const FILTER_KEYS: &[Binding] = &[
    Binding {
        keys: "type",
        action: Action::Filter,
        what: "words narrow the rows (AND)",
    },
    Binding {
        keys: "!word",
        action: Action::Filter,
        what: "leave out what matches",
    },
    Binding {
        keys: "red ok …",
        action: Action::Filter,
        what: "a level word: that level",
    },
    Binding {
        keys: "Enter  Esc",
        action: Action::Back,
        what: "keep it / clear it",
    },
];

pub const CARD_KEYS: &[Binding] = &[
    Binding {
        keys: "Esc  Enter",
        action: Action::Back,
        what: "back to the fleet",
    },
    Binding {
        keys: "↑ ↓  k j",
        action: Action::Down,
        what: "previous / next tenant",
    },
    Binding {
        keys: "PgUp PgDn",
        action: Action::PageDown,
        what: "scroll the card",
    },
];

/// The action of a key on a table-like screen (fleet or card).
pub fn action_of(key: &KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Action::Quit),
            KeyCode::Char('d') => Some(Action::PageDown),
            KeyCode::Char('u') => Some(Action::PageUp),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Home | KeyCode::Char('g') => Action::First,
        KeyCode::End | KeyCode::Char('G') => Action::Last,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Enter => Action::Open,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('/') => Action::Filter,
        KeyCode::Char('f') => Action::ProblemsOnly,
        KeyCode::Char('s') => Action::NextSort,
        KeyCode::Char('S') => Action::ReverseSort,
        KeyCode::Char('t') => Action::ToggleTime,
        KeyCode::Char('r') => Action::Refresh,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
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
        ]);
        let plain = codes.iter().map(|c| KeyEvent::new(*c, KeyModifiers::NONE));
        let ctrl = ('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        plain.chain(ctrl).collect()
    }

    #[test]
    fn every_helped_action_has_a_key_and_every_key_is_in_the_help() {
        let reachable: Vec<Action> = all_keys().iter().filter_map(action_of).collect();
        for b in FLEET_KEYS.iter().chain(CARD_KEYS).chain(COMMON_KEYS) {
            assert!(
                reachable.contains(&b.action),
                "help lists {:?} but no key does it",
                b.action
            );
        }
        let helped: Vec<Action> = FLEET_KEYS
            .iter()
            .chain(CARD_KEYS)
            .chain(COMMON_KEYS)
            .chain(FILTER_KEYS)
            .map(|b| b.action)
            .collect();
        let paired = [
            (Action::Up, Action::Down),
            (Action::Last, Action::First),
            (Action::PageUp, Action::PageDown),
            (Action::ReverseSort, Action::NextSort),
        ];
        for action in reachable {
            // Keys that share a help line with their pair ("g  G") are listed under the pair.
            let listed_as = paired
                .iter()
                .find(|(a, _)| *a == action)
                .map_or(action, |(_, b)| *b);
            assert!(
                helped.contains(&listed_as),
                "{action:?} has a key but no help line"
            );
        }
    }
}
