//! Keys as data: each screen and modal has a table of bindings, and its key handler, its `?`
//! help and its hint line are all read from that one table, so they cannot drift apart.

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
    /// The filter modal: keep the filter and give the keyboard back.
    KeepFilter,
    /// Back to the fleet, from any screen.
    ShowFleet,
    /// The restores screen.
    ShowRestores,
    /// The restores screen: drills listed, hidden, or alone.
    DrillsShown,
    /// `:`: the command line; in it, run what is typed, or complete it.
    GotoLine,
    Go,
    Complete,
    CompleteBack,
    /// The journal screen.
    ShowJournal,
    /// The journal: re-send an intent that never got its answer, with its key.
    Resend,
    /// The tenant screen: the tenant before / after this one in the fleet's order.
    PreviousTenant,
    NextTenant,
    /// The tenant screen: the movement keys go to the other pane (card or history).
    SwitchPane,
    /// The requests screen (support tickets).
    ShowRequests,
    /// The requests screen: confirm receipt of the selected ticket.
    Acknowledge,
    /// The restore wizard for the selected tenant: an action on the platform.
    NewRestore,
    /// A restore drill of the selected tenant (typed confirmation): a real restore, checked,
    /// recorded and thrown away.
    NewDrill,
    /// The wizard: the next field, the other mode, send it.
    NextField,
    ToggleMode,
    Launch,
    /// The monitor: confirm or cancel the restore (each asks for the slug typed).
    ConfirmRestore,
    CancelRestore,
    /// The monitor: reject a new spoke nobody was pointed at (reason and slug typed).
    DiscardRestore,
    /// The monitor: run snapdeck's own checks of the restore again.
    Reverify,
    /// The monitor: the restore's ticket report, to the clipboard and a file.
    CopyReport,
    /// Point the tenant's hostname at its restored spoke, or back (each asks for the slug).
    SwapDns,
    RollbackDns,
}

impl Action {
    /// Whether it changes the platform: read-only hides these from help and hints.
    pub fn acts(self) -> bool {
        matches!(
            self,
            Action::NewRestore
                | Action::NewDrill
                | Action::Launch
                | Action::ConfirmRestore
                | Action::CancelRestore
                | Action::DiscardRestore
                | Action::SwapDns
                | Action::RollbackDns
                | Action::Acknowledge
        )
    }
}

impl Binding {
    fn acts(&self) -> bool {
        self.keys.iter().any(|(_, action)| action.acts())
    }
}

/// The bindings help lists: all of them, less those that act when read-only.
pub fn shown(table: &'static [Binding], read_only: bool) -> impl Iterator<Item = &'static Binding> {
    table.iter().filter(move |b| !(read_only && b.acts()))
}

/// A key as a table spells it: a code, with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    code(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        // Shifted letters arrive as the upper-case char, with or without SHIFT set.
        self.code == key.code && self.ctrl == ctrl
    }
}

/// One line of help: the keys it covers (each with its action), how help writes them, what
/// they do, and what the hint line shows for them, if anything: (keys, word).
pub struct Binding {
    pub keys: &'static [(Key, Action)],
    pub label: &'static str,
    pub what: &'static str,
    pub hint: Option<(&'static str, &'static str)>,
}

/// The action a table gives `key`, if it has one.
pub fn action_in(tables: &[&[Binding]], key: &KeyEvent) -> Option<Action> {
    tables
        .iter()
        .flat_map(|table| table.iter())
        .flat_map(|binding| binding.keys.iter())
        .find(|(k, _)| k.matches(key))
        .map(|(_, action)| *action)
}

/// The hint line's entries of tables, in order: (keys, word), only for bindings whose
/// action `offered` says can be done now (no "c confirm" while a restore runs).
pub fn hints(
    tables: &[&'static [Binding]],
    read_only: bool,
    offered: impl Fn(Action) -> bool,
) -> Vec<(&'static str, &'static str)> {
    tables
        .iter()
        .flat_map(|table| shown(table, read_only))
        .filter(|b| b.keys.iter().any(|(_, action)| offered(*action)))
        .filter_map(|b| b.hint)
        .collect()
}

const NEW_RESTORE: Binding = Binding {
    keys: &[(ch('R'), Action::NewRestore)],
    label: "R",
    what: "restore this tenant…",
    hint: Some(("R", "restore")),
};

const NEW_DRILL: Binding = Binding {
    keys: &[(ch('D'), Action::NewDrill)],
    label: "D",
    what: "drill this tenant…",
    hint: None,
};

const MOVE: Binding = Binding {
    keys: &[
        (code(KeyCode::Up), Action::Up),
        (code(KeyCode::Down), Action::Down),
        (ch('k'), Action::Up),
        (ch('j'), Action::Down),
    ],
    label: "↑ ↓  k j",
    what: "move the selection",
    hint: None,
};

pub const FLEET_KEYS: &[Binding] = &[
    Binding {
        what: "move (or the wheel, a click)",
        ..MOVE
    },
    // Ends and pages on one row, so the help keeps every key and flag on an 80x24 screen.
    Binding {
        keys: &[
            (ch('g'), Action::First),
            (code(KeyCode::Home), Action::First),
            (ch('G'), Action::Last),
            (code(KeyCode::End), Action::Last),
            (code(KeyCode::PageUp), Action::PageUp),
            (code(KeyCode::PageDown), Action::PageDown),
            (ctrl('u'), Action::PageUp),
            (ctrl('d'), Action::PageDown),
        ],
        label: "g G PgUp/Dn",
        what: "first / last · a page up / down",
        hint: None,
    },
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Open)],
        label: "Enter",
        what: "the tenant's Backups card",
        hint: Some(("Enter", "card")),
    },
    Binding {
        keys: &[
            (ch('/'), Action::Filter),
            (code(KeyCode::Esc), Action::Back),
        ],
        label: "/  Esc",
        what: "filter / clear the filter",
        hint: Some(("/", "filter")),
    },
    // One row for both, so the help keeps every key and flag on an 80x24 screen.
    Binding {
        keys: &[(ch('R'), Action::NewRestore), (ch('D'), Action::NewDrill)],
        label: "R  D",
        what: "restore / drill this tenant…",
        hint: Some(("R", "restore")),
    },
    Binding {
        keys: &[(ch('f'), Action::ProblemsOnly)],
        label: "f",
        what: "problems only (hide OK)",
        hint: Some(("f", "problems")),
    },
    Binding {
        keys: &[(ch('s'), Action::NextSort), (ch('S'), Action::ReverseSort)],
        label: "s  S",
        what: "sort: next column / reverse",
        hint: Some(("s/S", "sort")),
    },
];

pub const TENANT_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back to the fleet",
        hint: Some(("Esc", "back")),
    },
    Binding {
        keys: &[(code(KeyCode::Tab), Action::SwitchPane)],
        label: "Tab",
        what: "move between the card and the restore-point history",
        hint: Some(("Tab", "card/history")),
    },
    Binding {
        what: "move in the history / scroll the card",
        ..MOVE
    },
    Binding {
        keys: &[
            (code(KeyCode::PageUp), Action::PageUp),
            (code(KeyCode::PageDown), Action::PageDown),
            (ctrl('u'), Action::PageUp),
            (ctrl('d'), Action::PageDown),
        ],
        label: "PgUp PgDn",
        what: "one page up / down",
        hint: None,
    },
    Binding {
        keys: &[
            (ch('g'), Action::First),
            (code(KeyCode::Home), Action::First),
            (ch('G'), Action::Last),
            (code(KeyCode::End), Action::Last),
        ],
        label: "g  G",
        what: "newest / oldest point (G fetches every page)",
        hint: None,
    },
    Binding {
        keys: &[
            (ch('['), Action::PreviousTenant),
            (ch(']'), Action::NextTenant),
        ],
        label: "[  ]",
        what: "previous / next tenant",
        hint: Some(("[ ]", "other tenants")),
    },
    Binding {
        what: "restore this tenant (from the selected point, in the history)…",
        ..NEW_RESTORE
    },
    NEW_DRILL,
];

pub const MONITOR_KEYS: &[Binding] = &[
    Binding {
        keys: &[(ch('c'), Action::ConfirmRestore)],
        label: "c",
        what: "confirm: the data is verified…",
        hint: Some(("c", "confirm")),
    },
    Binding {
        keys: &[(ch('X'), Action::CancelRestore)],
        label: "X",
        what: "cancel the restore…",
        hint: Some(("X", "cancel")),
    },
    Binding {
        keys: &[(ch('D'), Action::DiscardRestore)],
        label: "D",
        what: "discard: tear down the new spoke (awaiting confirmation or failed)…",
        hint: Some(("D", "discard")),
    },
    Binding {
        keys: &[(ch('v'), Action::Reverify)],
        label: "v",
        what: "run snapdeck's own checks again (database, moodledata, site)",
        hint: None,
    },
    Binding {
        keys: &[(ch('y'), Action::CopyReport)],
        label: "y",
        what: "copy the ticket report (markdown) to the clipboard, and save it to a file",
        hint: None,
    },
    SWAP_DNS,
    Binding {
        keys: &[
            (code(KeyCode::Up), Action::Up),
            (code(KeyCode::Down), Action::Down),
            (ch('k'), Action::Up),
            (ch('j'), Action::Down),
            (code(KeyCode::PageUp), Action::PageUp),
            (code(KeyCode::PageDown), Action::PageDown),
        ],
        label: "↑ ↓ k j PgUp PgDn",
        what: "scroll the event log (stops following it)",
        hint: Some(("PgUp/PgDn", "log")),
    },
    Binding {
        keys: &[
            (ch('g'), Action::First),
            (code(KeyCode::Home), Action::First),
            (ch('G'), Action::Last),
            (code(KeyCode::End), Action::Last),
        ],
        label: "g  G End",
        what: "event log: oldest line / follow the newest",
        hint: Some(("G", "follow")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
];

/// Opens the DNS swap of a completed new-spoke restore (its plan, then the typed slug).
const SWAP_DNS: Binding = Binding {
    keys: &[(ch('d'), Action::SwapDns)],
    label: "d",
    what: "swap DNS to the restored spoke…",
    hint: Some(("d", "DNS swap")),
};

/// The DNS swap screen: its plan or its phases, and the two moves on it.
pub const DNS_KEYS: &[Binding] = &[
    Binding {
        keys: &[(ch('S'), Action::SwapDns)],
        label: "S",
        what: "swap: point the hostname at the restored spoke…",
        hint: Some(("S", "swap")),
    },
    Binding {
        keys: &[(ch('B'), Action::RollbackDns)],
        label: "B",
        what: "roll back: point it at the original spoke again…",
        hint: Some(("B", "roll back")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
];

/// A typed confirmation: every other key is text.
pub const PROMPT_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Launch)],
        label: "Enter",
        what: "send it (once)",
        hint: Some(("Enter", "send")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "do not: nothing is sent",
        hint: Some(("Esc", "back out")),
    },
    Binding {
        keys: &[(ctrl('c'), Action::Quit)],
        label: "Ctrl-C",
        what: "quit",
        hint: None,
    },
];

/// Confirming a restore: notes, and the slug typed when a check did not pass.
pub const CONFIRM_PROMPT_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Launch)],
        label: "Enter",
        what: "confirm with these notes (once)",
        hint: Some(("Enter", "confirm")),
    },
    Binding {
        keys: &[(code(KeyCode::Tab), Action::NextField)],
        label: "Tab",
        what: "notes / the slug (typed when a check warned or failed)",
        hint: Some(("Tab", "notes/slug")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "do not: nothing is sent",
        hint: Some(("Esc", "back out")),
    },
    Binding {
        keys: &[(ctrl('c'), Action::Quit)],
        label: "Ctrl-C",
        what: "quit",
        hint: None,
    },
];

/// The restore wizard: every other key is text for the field being typed.
pub const WIZARD_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Launch)],
        label: "Enter",
        what: "launch the restore (once)",
        hint: Some(("Enter", "launch")),
    },
    Binding {
        keys: &[(code(KeyCode::Tab), Action::NextField)],
        label: "Tab",
        what: "next field",
        hint: Some(("Tab", "next field")),
    },
    Binding {
        keys: &[(ctrl('t'), Action::ToggleMode)],
        label: "Ctrl-T",
        what: "new spoke / overwrite",
        hint: Some(("Ctrl-T", "mode")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "cancel: nothing is sent",
        hint: Some(("Esc", "cancel")),
    },
    Binding {
        keys: &[(ctrl('c'), Action::Quit)],
        label: "Ctrl-C",
        what: "quit",
        hint: None,
    },
];

/// The restore wizard once it has launched, or when the tenant already has a restore in
/// progress: the form is done with, and Enter opens the restore's monitor.
pub const WIZARD_DONE_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Launch)],
        label: "Enter",
        what: "the restore's monitor",
        hint: Some(("Enter", "monitor")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "close the wizard",
        hint: Some(("Esc", "close")),
    },
    Binding {
        keys: &[(ctrl('c'), Action::Quit)],
        label: "Ctrl-C",
        what: "quit",
        hint: None,
    },
];

pub const RESTORES_KEYS: &[Binding] = &[
    MOVE,
    Binding {
        keys: &[(ch('g'), Action::First), (ch('G'), Action::Last)],
        label: "g  G",
        what: "first / last restore",
        hint: None,
    },
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Open)],
        label: "Enter",
        what: "the restore's monitor",
        hint: Some(("Enter", "monitor")),
    },
    Binding {
        keys: &[(ch('p'), Action::DrillsShown)],
        label: "p",
        what: "drills: listed, hidden, alone",
        hint: Some(("p", "drills")),
    },
    SWAP_DNS,
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
];

pub const REQUESTS_KEYS: &[Binding] = &[
    MOVE,
    Binding {
        keys: &[(ch('g'), Action::First), (ch('G'), Action::Last)],
        label: "g  G",
        what: "first / last ticket",
        hint: None,
    },
    Binding {
        keys: &[(ch('a'), Action::Acknowledge)],
        label: "a",
        what: "acknowledge the ticket (once)",
        hint: Some(("a", "acknowledge")),
    },
    Binding {
        keys: &[(code(KeyCode::Enter), Action::NewRestore)],
        label: "Enter",
        what: "wizard, or its running restore",
        hint: Some(("Enter", "restore")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
];

/// Keys that work the same on every screen, listed after each screen's own.
pub const COMMON_KEYS: &[Binding] = &[
    Binding {
        keys: &[(ch('?'), Action::Help)],
        label: "?",
        what: "this help",
        hint: Some(("?", "help")),
    },
    Binding {
        keys: &[(ch('q'), Action::Quit), (ctrl('c'), Action::Quit)],
        label: "q  Ctrl-C",
        what: "quit (Ctrl-Z suspends)",
        hint: Some(("q", "quit")),
    },
    Binding {
        keys: &[
            (ch('1'), Action::ShowFleet),
            (ch('2'), Action::ShowRestores),
            (ch('3'), Action::ShowRequests),
            (ch('4'), Action::ShowJournal),
        ],
        label: "1 2 3 4",
        what: "fleet/restores/requests/journal",
        hint: Some(("2", "restores")),
    },
    Binding {
        keys: &[(ch(':'), Action::GotoLine)],
        label: ":",
        what: "go to (:tenant SLUG, :journal…)",
        hint: Some((":", "go to")),
    },
    Binding {
        keys: &[(ch('t'), Action::ToggleTime)],
        label: "t",
        what: "times in UTC / local time",
        hint: Some(("t", "UTC/local")),
    },
    Binding {
        keys: &[(ch('r'), Action::Refresh)],
        label: "r",
        what: "refresh from the source now",
        hint: None,
    },
];

/// While the go-to line has the keyboard: every other key is text.
pub const GOTO_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Go)],
        label: "Enter",
        what: "go where the line says",
        hint: Some(("Enter", "go")),
    },
    Binding {
        keys: &[
            (code(KeyCode::Tab), Action::Complete),
            (code(KeyCode::BackTab), Action::CompleteBack),
        ],
        label: "Tab S-Tab",
        what: "complete the name or the tenant's slug; again: the next (previous) one",
        hint: Some(("Tab", "complete")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "close the go-to line",
        hint: Some(("Esc", "close")),
    },
];

pub const JOURNAL_KEYS: &[Binding] = &[
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
    MOVE,
    Binding {
        keys: &[
            (code(KeyCode::PageUp), Action::PageUp),
            (code(KeyCode::PageDown), Action::PageDown),
            (ch('g'), Action::First),
            (ch('G'), Action::Last),
        ],
        label: "PgUp PgDn g G",
        what: "page / newest / oldest",
        hint: None,
    },
    Binding {
        keys: &[(ch('s'), Action::Resend)],
        label: "s",
        what: "re-send an action sent but never answered, with its own key",
        hint: Some(("s", "re-send")),
    },
];

/// While the filter has the keyboard: every other key is text (`?` and `q` too).
pub const FILTER_KEYS: &[Binding] = &[
    Binding {
        keys: &[],
        label: "type",
        what: "words narrow the rows (AND)",
        hint: None,
    },
    Binding {
        keys: &[],
        label: "!word",
        what: "leave out what matches",
        hint: None,
    },
    Binding {
        keys: &[],
        label: "red ok …",
        what: "a level word: that level",
        hint: None,
    },
    Binding {
        keys: &[
            (code(KeyCode::Up), Action::Up),
            (code(KeyCode::Down), Action::Down),
        ],
        label: "↑ ↓",
        what: "move the selection",
        hint: None,
    },
    Binding {
        keys: &[
            (code(KeyCode::Enter), Action::KeepFilter),
            (code(KeyCode::Esc), Action::Back),
        ],
        label: "Enter  Esc",
        what: "keep it / clear it",
        hint: Some(("Enter/Esc", "keep / clear the filter")),
    },
    Binding {
        keys: &[(ctrl('c'), Action::Quit)],
        label: "Ctrl-C",
        what: "quit",
        hint: None,
    },
];

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
}
