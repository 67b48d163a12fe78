//! The tables of the screens (fleet, tenant, monitor, DNS swap, restores, requests, journal)
//! and the keys common to all of them.

use crossterm::event::KeyCode;

use super::{Action, Binding, ch, code, ctrl};

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

pub(super) const MOVE: Binding = Binding {
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

pub const REGIONS_KEYS: &[Binding] = &[
    MOVE,
    Binding {
        keys: &[(ch('g'), Action::First), (ch('G'), Action::Last)],
        label: "g  G",
        what: "first / last region",
        hint: None,
    },
    Binding {
        keys: &[(ch('s'), Action::NextSort), (ch('S'), Action::ReverseSort)],
        label: "s  S",
        what: "sort by the next column / reverse",
        hint: Some(("s", "sort")),
    },
    Binding {
        keys: &[(ch('f'), Action::ProblemsOnly)],
        label: "f",
        what: "only regions in trouble (down, degraded, tenants without a copy)",
        hint: Some(("f", "trouble only")),
    },
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Open)],
        label: "Enter",
        what: "the region's tenants in the fleet (region:NAME)",
        hint: Some(("Enter", "tenants")),
    },
    Binding {
        keys: &[(ch('F'), Action::PlanFailover)],
        label: "F",
        what: "plan the region's failover: who, from what, when each is back against the RTO",
        hint: Some(("F", "failover plan")),
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
        ],
        label: "1 2 3",
        what: "fleet / restores / requests",
        hint: Some(("2", "restores")),
    },
    Binding {
        keys: &[
            (ch('4'), Action::ShowJournal),
            (ch('5'), Action::ShowRegions),
        ],
        label: "4 5",
        what: "journal / regions",
        hint: None,
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
