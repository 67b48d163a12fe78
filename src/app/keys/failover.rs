//! The Failover screen's keys: the plan's, then the batch's once it is launched.

use crossterm::event::KeyCode;

use super::screens::MOVE;
use super::{Action, Binding, ch, code};

pub const FAILOVER_PLAN_KEYS: &[Binding] = &[
    MOVE,
    Binding {
        keys: &[
            (ch('+'), Action::MoreAtOnce),
            (ch('-'), Action::FewerAtOnce),
        ],
        label: "+  -",
        what: "one more / one fewer restore at once (the projection follows)",
        hint: Some(("+/-", "at once")),
    },
    Binding {
        keys: &[(ch('x'), Action::ToggleExclude)],
        label: "x",
        what: "leave this tenant out of the launch, or take it back in",
        hint: Some(("x", "exclude")),
    },
    Binding {
        keys: &[(ch('L'), Action::Launch)],
        label: "L",
        what: "launch the batch (the region's name typed)",
        hint: Some(("L", "launch")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back",
        hint: Some(("Esc", "back")),
    },
];

pub const FAILOVER_BATCH_KEYS: &[Binding] = &[
    MOVE,
    Binding {
        keys: &[(ch('C'), Action::ConfirmAllPassed)],
        label: "C",
        what: "confirm every restore whose checks all passed (the region's name typed)",
        hint: Some(("C", "confirm passed")),
    },
    Binding {
        keys: &[(ch('c'), Action::ConfirmRestore)],
        label: "c",
        what: "confirm this one alone, whatever its checks said (its slug typed)",
        hint: Some(("c", "confirm one")),
    },
    Binding {
        keys: &[(ch('S'), Action::SwapDns)],
        label: "S",
        what: "move DNS to every confirmed restore (the region's name typed)",
        hint: Some(("S", "swap DNS")),
    },
    Binding {
        keys: &[(ch('R'), Action::RetryFailed)],
        label: "R",
        what: "launch this failed restore again (a new key)",
        hint: Some(("R", "retry")),
    },
    Binding {
        keys: &[(ch('d'), Action::DropTenant)],
        label: "d",
        what: "drop this tenant while it waits to launch",
        hint: None,
    },
    Binding {
        keys: &[
            (ch('+'), Action::MoreAtOnce),
            (ch('-'), Action::FewerAtOnce),
        ],
        label: "+  -",
        what: "one more / one fewer restore at once",
        hint: None,
    },
    Binding {
        keys: &[(code(KeyCode::Enter), Action::Open)],
        label: "Enter",
        what: "this tenant's restore monitor",
        hint: Some(("Enter", "monitor")),
    },
    Binding {
        keys: &[(code(KeyCode::Esc), Action::Back)],
        label: "Esc",
        what: "back (the batch goes on)",
        hint: Some(("Esc", "back")),
    },
];
