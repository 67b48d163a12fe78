//! Keys as data: each screen and modal has a table of bindings, and its key handler, its `?`
//! help and its hint line are all read from that one table, so they cannot drift apart.

mod failover;
mod screens;
mod typing;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use failover::{FAILOVER_BATCH_KEYS, FAILOVER_PLAN_KEYS};
pub use screens::{
    COMMON_KEYS, DNS_KEYS, FLEET_KEYS, JOURNAL_KEYS, MONITOR_KEYS, REGIONS_KEYS, REQUESTS_KEYS,
    RESTORES_KEYS, TENANT_KEYS,
};
pub use typing::{
    CONFIRM_PROMPT_KEYS, FILTER_KEYS, GOTO_KEYS, PROMPT_KEYS, WIZARD_DONE_KEYS, WIZARD_KEYS,
};

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
    /// The regions screen (status and exposure).
    ShowRegions,
    /// The restore wizard: the tenant's own region, or its secondary from its copy.
    ToggleRegion,
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
    /// The Regions screen's `F`: the region's failover plan.
    PlanFailover,
    MoreAtOnce,
    FewerAtOnce,
    ToggleExclude,
    ConfirmAllPassed,
    RetryFailed,
    DropTenant,
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
                | Action::ConfirmAllPassed
                | Action::RetryFailed
                | Action::DropTenant
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

#[cfg(test)]
mod tests;
