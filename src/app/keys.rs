//! Keys of each screen: one table that both the key handler and the `?` help read, so help
//! can never drift from what the keys do.

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
        what: "open the tenant's Backups card",
    },
    Binding {
        keys: "/",
        action: Action::Filter,
        what: "filter: slug, name, region, tier, flag",
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        what: "clear the filter",
    },
    Binding {
        keys: "f",
        action: Action::ProblemsOnly,
        what: "problems only (hide OK tenants)",
    },
    Binding {
        keys: "s",
        action: Action::NextSort,
        what: "sort by the next column",
    },
    Binding {
        keys: "S",
        action: Action::ReverseSort,
        what: "reverse the sort direction",
    },
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
        keys: "wheel  click",
        action: Action::Down,
        what: "scroll / select with the mouse",
    },
    Binding {
        keys: "?",
        action: Action::Help,
        what: "this help",
    },
    Binding {
        keys: "q  Ctrl-C",
        action: Action::Quit,
        what: "quit",
    },
];

pub const FILTER_KEYS: &[Binding] = &[
    Binding {
        keys: "type",
        action: Action::Filter,
        what: "rows filter as you type (words AND)",
    },
    Binding {
        keys: "Enter",
        action: Action::Back,
        what: "keep the filter, back to the table",
    },
    Binding {
        keys: "Esc",
        action: Action::Back,
        what: "clear the filter",
    },
    Binding {
        keys: "↑ ↓",
        action: Action::Down,
        what: "move the selection while typing",
    },
];

pub const CARD_KEYS: &[Binding] = &[
    Binding {
        keys: "Esc  Enter",
        action: Action::Back,
        what: "back to the fleet (selection kept)",
    },
    Binding {
        keys: "↑ ↓  k j",
        action: Action::Down,
        what: "previous / next tenant",
    },
    Binding {
        keys: "t",
        action: Action::ToggleTime,
        what: "times in UTC / local time",
    },
    Binding {
        keys: "?",
        action: Action::Help,
        what: "this help",
    },
    Binding {
        keys: "q  Ctrl-C",
        action: Action::Quit,
        what: "quit",
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
