//! The screens (a stack: Fleet at the bottom, `Esc` pops) and the modals over them (a
//! stack too). Keys go to the top modal, else to the top screen; drawing goes bottom to top.
//! Every screen is listed here, once; its state and keys live in its own file.

pub mod dns;
pub mod event_log;
pub mod failover;
pub mod fleet;
pub mod journal;
pub mod monitor;
pub mod regions;
pub mod requests;
pub mod restores;
pub mod tenant;
pub mod wizard;

use super::keys::{
    Binding, CONFIRM_PROMPT_KEYS, DNS_KEYS, FAILOVER_BATCH_KEYS, FAILOVER_PLAN_KEYS, FILTER_KEYS,
    FLEET_KEYS, GOTO_KEYS, JOURNAL_KEYS, MONITOR_KEYS, PROMPT_KEYS, REGIONS_KEYS, REQUESTS_KEYS,
    RESTORES_KEYS, TENANT_KEYS, WIZARD_KEYS,
};
use dns::DnsScreen;
pub use failover::FailoverScreen;
use journal::JournalScreen;
use monitor::MonitorScreen;
use regions::RegionsScreen;
use requests::RequestsScreen;
use restores::RestoresScreen;
use tenant::TenantScreen;
use wizard::WizardScreen;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Every hub with its spokes, worst first.
    Fleet,
    /// One tenant: its Backups card.
    Tenant(TenantScreen),
    /// Every active and recent restore.
    Restores(RestoresScreen),
    /// Support tickets waiting for on-call, most urgent first.
    Requests(RequestsScreen),
    /// Every region: its status and what its failure now would cost.
    Regions(RegionsScreen),
    /// Launching a restore of one tenant.
    Wizard(Box<WizardScreen>),
    /// Every action taken from this machine, with its outcome.
    Journal(JournalScreen),
    /// One restore as it runs, and confirming or cancelling it.
    Monitor(Box<MonitorScreen>),
    /// Pointing a tenant's hostname at its restored spoke: the plan, then the swap as it goes.
    Dns(Box<DnsScreen>),
    /// A region's failover: the plan, then the batch.
    Failover(Box<FailoverScreen>),
}

impl Screen {
    /// The screen's own keys (the common ones come after them everywhere).
    pub fn keys(&self) -> &'static [Binding] {
        match self {
            Screen::Fleet => FLEET_KEYS,
            Screen::Tenant(_) => TENANT_KEYS,
            Screen::Journal(_) => JOURNAL_KEYS,
            Screen::Restores(_) => RESTORES_KEYS,
            Screen::Requests(_) => REQUESTS_KEYS,
            Screen::Regions(_) => REGIONS_KEYS,
            Screen::Wizard(_) => WIZARD_KEYS,
            Screen::Monitor(m) if m.prompt.as_ref().is_some_and(|p| p.what.takes_notes()) => {
                CONFIRM_PROMPT_KEYS
            }
            Screen::Monitor(m) if m.prompt.is_some() => PROMPT_KEYS,
            Screen::Monitor(_) => MONITOR_KEYS,
            Screen::Dns(d) if d.prompt.is_some() => PROMPT_KEYS,
            Screen::Dns(_) => DNS_KEYS,
            Screen::Failover(f) if f.prompt.is_some() => PROMPT_KEYS,
            Screen::Failover(f) if f.launched => FAILOVER_BATCH_KEYS,
            Screen::Failover(_) => FAILOVER_PLAN_KEYS,
        }
    }

    /// Whether it takes typed text: its own keys are all there are (`?` and `q` are text).
    pub fn takes_text(&self) -> bool {
        match self {
            Screen::Wizard(_) => true,
            Screen::Monitor(m) => m.prompt.is_some(),
            Screen::Dns(d) => d.prompt.is_some(),
            Screen::Failover(f) => f.prompt.is_some(),
            _ => false,
        }
    }

    /// Its name in help and crumbs.
    pub fn name(&self) -> &'static str {
        match self {
            Screen::Fleet => "fleet",
            Screen::Tenant(_) => "tenant",
            Screen::Journal(_) => "journal",
            Screen::Restores(_) => "restores",
            Screen::Requests(_) => "requests",
            Screen::Regions(_) => "regions",
            Screen::Wizard(_) => "restore",
            Screen::Monitor(_) => "monitor",
            Screen::Dns(_) => "DNS swap",
            Screen::Failover(_) => "failover",
        }
    }
}

/// What can sit over the screens and take the keyboard first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modal {
    /// `?`: every key of the screen below; any key closes it (`q` still quits).
    Help,
    /// `/`: the filter's text box has the keyboard.
    Filter,
    /// `:`: the go-to line (`:tenant SLUG`, `:journal`…) has the keyboard.
    Goto,
}

impl Modal {
    pub fn keys(self) -> &'static [Binding] {
        match self {
            Modal::Help => &[],
            Modal::Filter => FILTER_KEYS,
            Modal::Goto => GOTO_KEYS,
        }
    }
}
