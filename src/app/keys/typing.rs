//! The tables of the modals that take typing (prompts, the wizard, the go-to line, the
//! filter): every key they do not bind is text.

use crossterm::event::KeyCode;

use super::{Action, Binding, code, ctrl};

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
        keys: &[(ctrl('r'), Action::ToggleRegion)],
        label: "Ctrl-R",
        what: "its own region / its secondary region, from the copy there",
        hint: Some(("Ctrl-R", "region")),
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
