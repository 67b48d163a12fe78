//! App state and update: messages in, state changes and effects out. No drawing, no I/O.

mod answers;
pub mod columns;
pub mod drill_runs;
pub mod drills;
pub mod failover_runs;
pub mod goto;
pub mod history;
mod keyed;
pub mod keys;
pub mod load;
mod msg;
pub mod outbox;
pub mod own_checks;
mod report;
pub mod screens;
mod sourced;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::KeyEventKind;
use tui_input::Input;

use crate::domain::calendar::BusinessCalendar;
use crate::domain::humanize::count;
use crate::fleet::Fleet;
use crate::fleet::view::FleetView;
use crate::journal::{Intent, Outcome};
use crate::source::{CommandId, Connection, Op, SourceCommand, SourceEvent, SourceInfo};
use keys::Action;
pub use screens::{Modal, Screen};

/// Fleets up to this size catch up with every update; bigger ones once a tick (their
/// updates are many and small, and a tick takes them all at once).
const CATCH_UP_EACH_UPDATE_UP_TO: usize = 20_000;

/// A source clock this far from this machine's is said on the status bar.
const CLOCK_SKEW_SHOWN: Duration = Duration::minutes(1);

/// The source's own instant that comes with a message, when it carries one.
fn generated_at(msg: &Msg) -> Option<DateTime<Utc>> {
    match msg {
        Msg::Source(SourceEvent::Fleet { generated_at, .. })
        | Msg::Source(SourceEvent::Changed { generated_at, .. })
        | Msg::Loading { generated_at, .. } => Some(*generated_at),
        _ => None,
    }
}

/// Closed tickets remembered for the RTO of the restores that answered them.
const CLOSED_REQUESTS_KEPT: usize = 1_000;

/// How many ticks (the runner's once-a-second heartbeat, in real time whatever the demo's
/// speed) a flash message stays on screen: counted, not timed, so tests control it.
const FLASH_TICKS: u8 = 6;
/// A start-up notice stays longer: it is read before the first action, not after it.
const NOTICE_TICKS: u8 = 30;

pub use crate::config::TimeDisplay;

pub use msg::{Effect, Flash, FlashKind, Msg, Settings, Viewport};

pub struct App {
    pub fleet: Fleet,
    pub view: FleetView,
    /// Never empty: the fleet at the bottom.
    screens: Vec<Screen>,
    modals: Vec<Modal>,
    /// The filter's text box (it has the keyboard while the filter modal is open).
    pub filter: Input,
    /// The command line's text (while the command modal is open) and what Tab offered.
    pub goto_line: Input,
    pub goto_offered: goto::Offered,
    /// The journal as last read for its screen.
    pub journal: screens::journal::JournalView,
    pub calendar: BusinessCalendar,
    operator: String,
    /// The instant of the message being handled.
    now: DateTime<Utc>,
    /// Every active and recent restore the source reports, active first.
    pub restores: Vec<crate::domain::restore::Restore>,
    /// Every active and recent DNS swap the source reports.
    pub dns_swaps: Vec<crate::domain::dns::DnsSwap>,
    /// Open restore requests (support tickets) the source reports.
    pub requests: Vec<crate::domain::request::RestoreRequest>,
    /// Tickets the source no longer lists (closed), newest last, for the RTO of the
    /// restores that answered them.
    pub closed_requests: Vec<crate::domain::request::RestoreRequest>,
    /// The restore points of the tenant in front, as far as fetched.
    history: Option<history::PointHistory>,
    /// The tenant screen's past drills (the tenant in front).
    drills: Option<drills::PastDrills>,
    /// Drills launched from this dashboard, each followed to its end.
    /// A region's failover plan and, once launched, its batch.
    failover: Option<Box<screens::failover::FailoverRun>>,
    drill_flows: std::collections::HashMap<
        crate::domain::ids::RestoreId,
        crate::domain::workflow::DrillFlow,
    >,
    /// When the restores list was last received, on the source's clock: a drill's limit is
    /// judged at the instant its restore was seen.
    restores_seen_at: Option<DateTime<Utc>>,
    /// Ticks since the restore on the monitor in front was last read on its own.
    follow_ticks: u32,
    /// Commands sent and not yet answered.
    outbox: outbox::Outbox,
    /// Tenants changed by the last whole fleet swapped in, for the refresh's answer.
    last_load_changes: usize,
    effects: Vec<Effect>,
    /// A whole fleet of this many tenants is being loaded.
    loading: Option<usize>,
    pub time: TimeDisplay,
    local_zone: chrono_tz::Tz,
    pub source: SourceInfo,
    pub connection: Connection,
    /// The source's clock minus this machine's, as of the last fleet or change it sent.
    clock_offset: Duration,
    /// Parts of the source never read (a cluster that failed before it listed).
    pub unread: Vec<crate::source::Unread>,
    /// The fleet table's width on screen, once the ui has measured it: the sort cycles only
    /// through the columns that fit.
    table_width: Option<u16>,
    pub read_only: bool,
    flash: Option<Flash>,
    dirty: bool,
    received_data: bool,
    verify_configured: bool,
    own_checks: std::collections::HashMap<crate::domain::ids::RestoreId, own_checks::OwnChecks>,
    /// Each region's exposure, for the regions screen.
    pub exposure: screens::regions::Exposure,
}

impl App {
    pub fn new(settings: Settings) -> Self {
        let read_only = settings.read_only || settings.source.cannot_act.is_some();
        Self {
            fleet: Fleet::new(settings.refresh_interval).with_drill_max_age(settings.drill_max_age),
            view: FleetView::default(),
            screens: vec![Screen::Fleet],
            modals: Vec::new(),
            filter: Input::default(),
            goto_line: Input::default(),
            goto_offered: goto::Offered::default(),
            journal: Default::default(),
            calendar: settings.calendar,
            operator: settings.operator,
            now: DateTime::<Utc>::MIN_UTC,
            restores: Vec::new(),
            dns_swaps: Vec::new(),
            requests: Vec::new(),
            closed_requests: Vec::new(),
            history: None,
            drills: None,
            drill_flows: std::collections::HashMap::new(),
            failover: None,
            restores_seen_at: None,
            follow_ticks: 0,
            outbox: outbox::Outbox::new(settings.session),
            last_load_changes: 0,
            effects: Vec::new(),
            loading: None,
            time: settings.time,
            local_zone: settings.local_zone,
            source: settings.source,
            connection: Connection::Connecting,
            clock_offset: Duration::zero(),
            unread: Vec::new(),
            table_width: None,
            // A source that cannot act makes the app read-only: no key pretends otherwise.
            read_only,
            flash: None,
            dirty: true,
            verify_configured: settings.verify,
            own_checks: Default::default(),
            exposure: Default::default(),
            received_data: false,
        }
    }

    /// Whether anything on screen changed since the last call.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Whether the source has sent any fleet yet (before that the table says "loading").
    pub fn has_data(&self) -> bool {
        self.received_data
    }

    pub fn flash(&self) -> Option<&Flash> {
        self.flash.as_ref()
    }

    /// An action key pressed while nothing may be acted on: says why, in words.
    pub fn refuse_read_only(&mut self, what: &str) {
        let text = match self.source.cannot_act {
            Some(why) => format!("{what}: {why}"),
            None => format!("read-only: {what}"),
        };
        self.set_flash(FlashKind::Info, text);
    }

    pub fn set_flash(&mut self, kind: FlashKind, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            kind,
            ticks_left: FLASH_TICKS,
        });
        self.dirty = true;
    }

    /// Takes a message; answers what the runner must do, in order.
    pub fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
        self.dirty = true;
        if let Some(generated_at) = generated_at(&msg) {
            self.clock_offset = generated_at - now;
        }
        // Every time is judged at the source's clock: its data says "now" by it.
        let now = self.source_now(now);
        self.now = now;
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => self.dirty = false,
            Msg::Source(event) => self.on_source(event, now),
            // A click below the last row is on empty table, not on the last tenant.
            Msg::ClickRow(row) if row < self.view.rows().len() => {
                self.view.select_row(row, &self.fleet)
            }
            Msg::ClickRow(_) => self.dirty = false,
            Msg::Scroll(rows) => self.view.scroll(rows, &self.fleet),
            Msg::Viewport(viewport) => {
                self.view.set_viewport(viewport.rows);
                self.table_width = Some(viewport.width);
            }
            Msg::Tick => self.on_tick(now),
            Msg::FleetLoaded(loaded) => self.install(*loaded),
            Msg::Loading { tenants, .. } => self.loading = Some(tenants),
            Msg::CardScrollLimit(limit) => {
                self.dirty = false;
                if let Some(Screen::Tenant(card)) = self.screens.last_mut() {
                    card.scroll_limit = limit;
                    if card.scroll > limit {
                        card.scroll = limit;
                        self.dirty = true;
                    }
                }
            }
            Msg::HistoryRows(rows) => self.on_history_rows(rows),
            Msg::Undelivered(id) => {
                self.not_sent(id, "the source has stopped".to_string(), true);
            }
            Msg::Unjournaled { id, error } => {
                self.not_sent(id, format!("nothing leaves unjournaled: {error}"), false);
            }
            Msg::JournalTrouble(error) => self.set_flash(FlashKind::Error, error),
            Msg::JournalRead(read) => self.on_journal_read(read),
            Msg::Notice(text) => {
                self.set_flash(FlashKind::Error, text);
                if let Some(flash) = self.flash.as_mut() {
                    flash.ticks_left = NOTICE_TICKS;
                }
            }
            Msg::VerifyProgress { restore, finished } => {
                self.on_verify_progress(&restore, finished)
            }
            Msg::Verified { restore, checks } => self.on_verified(restore, checks),
            Msg::Fingerprinted { intent, command } => {
                self.effects.push(Effect::Write { intent, command });
            }
            Msg::ReportCopied(result) => self.report_copied(result),
            Msg::Exposed { at, regions } => self.on_exposed(at, regions),
            Msg::Hint(text) => {
                self.set_flash(FlashKind::Info, text);
                if let Some(flash) = self.flash.as_mut() {
                    flash.ticks_left = NOTICE_TICKS;
                }
            }
            Msg::JournalUnanswered(0) => self.dirty = false,
            Msg::JournalUnanswered(n) => {
                let text = format!(
                    "{} in the journal sent but never answered (sent? unknown): `snapdeck \
                     journal` lists them",
                    count(n, "action")
                );
                self.set_flash(FlashKind::Error, text);
            }
        }
        // A monitor just opened reads its event log at once, not at the next tick.
        self.poll_event_logs(true);
        // A restore on the monitor that now awaits confirmation gets its own checks.
        self.start_own_checks(false);
        std::mem::take(&mut self.effects)
    }

    /// This machine's `now` on the source's clock: its last `generated_at` plus the time
    /// elapsed here since (a control plane's clock may be off; a demo may fall behind).
    pub fn source_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.clock_offset
    }

    /// How far the source's clock is ahead of this machine's (behind when negative), when
    /// that is more than a minute: worth saying, as every age on screen is on its clock.
    pub fn clock_skew(&self) -> Option<Duration> {
        (self.clock_offset.abs() > CLOCK_SKEW_SHOWN).then_some(self.clock_offset)
    }

    /// Whether `action` can be done now on the screen on top: the hint line offers only
    /// those (no "c confirm" while a restore runs, no "Enter launch" after the launch).
    pub fn offers(&self, action: Action) -> bool {
        use screens::monitor::{Move, cannot_move};
        match self.screen() {
            Screen::Monitor(m) => {
                let what = match action {
                    Action::ConfirmRestore => Move::Confirm,
                    Action::CancelRestore => Move::Cancel,
                    Action::DiscardRestore => Move::Discard,
                    Action::SwapDns => {
                        return self
                            .restore(&m.id)
                            .is_some_and(|r| screens::dns::not_swappable(r).is_none());
                    }
                    _ => return true,
                };
                self.restore(&m.id)
                    .is_some_and(|r| cannot_move(r, what).is_none())
            }
            Screen::Dns(d) => {
                let swap = d
                    .swap
                    .as_ref()
                    .and_then(|id| self.dns_swaps.iter().find(|s| s.id == *id));
                match action {
                    Action::SwapDns => {
                        swap.is_none_or(|s| s.phase == crate::domain::dns::DnsPhase::RolledBack)
                    }
                    Action::RollbackDns => swap.is_some_and(|s| s.phase.can_roll_back()),
                    _ => true,
                }
            }
            // Once launched, Enter opens the monitor (WIZARD_DONE_KEYS); while sending, nothing.
            Screen::Wizard(w) if action == Action::Launch => w.sending.is_none(),
            // A drill is always a new spoke: no mode to switch.
            Screen::Wizard(w) if action == Action::ToggleMode => !w.is_drill(),
            _ => true,
        }
    }

    /// The keys of the screen on top as they are now: the wizard's shrink to Enter and Esc
    /// once there is a restore to open instead of a form to fill.
    pub fn screen_keys(&self) -> &'static [keys::Binding] {
        match self.screen() {
            Screen::Wizard(w)
                if w.launched.is_some() || self.active_restore_of(&w.tenant).is_some() =>
            {
                keys::WIZARD_DONE_KEYS
            }
            screen => screen.keys(),
        }
    }

    /// The screen on top, the one keys go to (after modals).
    pub fn screen(&self) -> &Screen {
        self.screens.last().unwrap_or(&Screen::Fleet)
    }

    /// Every screen, bottom first: the order they are drawn in.
    pub fn screens(&self) -> &[Screen] {
        &self.screens
    }

    /// The modal on top, if any.
    pub fn modal(&self) -> Option<Modal> {
        self.modals.last().copied()
    }

    fn open_screen(&mut self, screen: Screen) {
        self.screens.push(screen);
    }

    /// `1 2 3 4`: that screen right above the fleet, in place of the stack there (so Esc
    /// goes back to the fleet); one already open in the stack keeps its selection.
    fn switch_to(&mut self, same: fn(&Screen) -> bool, new: impl FnOnce() -> Screen) {
        let kept = (1..self.screens.len())
            .find(|&i| same(&self.screens[i]))
            .map(|i| self.screens.remove(i));
        self.screens.truncate(1);
        self.screens.push(kept.unwrap_or_else(new));
    }

    /// Swaps the top screen for another (the card stepping to the next tenant).
    fn replace_screen(&mut self, screen: Screen) {
        if self.screens.len() > 1 {
            self.screens.pop();
        }
        self.screens.push(screen);
    }

    /// Back to the screen below; the fleet at the bottom stays.
    fn close_screen(&mut self) {
        if self.screens.len() > 1 {
            self.screens.pop();
        } else {
            self.dirty = false;
        }
    }

    fn open_modal(&mut self, modal: Modal) {
        self.modals.push(modal);
    }

    /// Asks the source to do `op`; its answer comes back with the id minted here.
    fn send(&mut self, op: Op) -> CommandId {
        let command = self.command(op);
        let id = command.id;
        self.effects.push(Effect::Source(command));
        id
    }

    /// Journals `intent`, then sends the write `op` (keyed by `keyed`); answers its id.
    fn write(&mut self, intent: Intent, op: Op) -> CommandId {
        let command = self.command(op);
        let id = command.id;
        self.effects.push(Effect::Write {
            intent: Box::new(intent),
            command,
        });
        id
    }

    /// `write` with its idempotency key (the outbox's one policy), and the key.
    fn keyed(&mut self, write: Op) -> (Op, crate::domain::ids::IdempotencyKey) {
        let op = self.outbox.keyed(write);
        let key = op
            .key()
            .cloned()
            .unwrap_or_else(|| crate::domain::ids::IdempotencyKey(Default::default()));
        (op, key)
    }

    /// Into the outbox, waited for by the screen it came from (a re-send from the journal
    /// is waited for by nobody but the flash line).
    fn command(&mut self, op: Op) -> SourceCommand {
        let waiter = match self.screen() {
            Screen::Journal(_) => outbox::Waiter::Flash,
            _ => outbox::Waiter::of(&op),
        };
        let id = self.outbox.add(op.clone(), waiter);
        SourceCommand { id, op }
    }

    /// A command that never left: said in words, on the screen that waits for it; a write
    /// whose intent was journaled gets its outcome journaled too (`journaled`).
    fn not_sent(&mut self, id: CommandId, why: String, journaled: bool) {
        let Some(pending) = self.outbox.take(id, outbox::Ended::Unsettled) else {
            return;
        };
        let text = format!("{} not sent: {why}", pending.op.name());
        let code = match journaled {
            true => "not_sent",
            false => crate::source::UNJOURNALED,
        };
        let error = crate::source::CommandError {
            code: code.to_string(),
            status: None,
            message: text.clone(),
        };
        if let (Some(key), true) = (pending.op.key(), journaled) {
            let outcome = Outcome::error(key.clone(), None, Some(error.code.clone()), &text);
            self.effects.push(Effect::Record(Box::new(outcome)));
        }
        self.drill_answered(&pending.op, &Err(error.clone()));
        self.batch_answered(&pending, &Err(error.clone()));
        self.deliver_error(id, &pending, error);
    }

    /// The wizard waiting for `id` says what was launched, or shows the problem and can try
    /// again.
    fn answered_wizard(&mut self, id: CommandId, result: Result<String, String>) {
        let waiting = self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Wizard(wizard) if wizard.sending == Some(id) => Some(wizard),
            _ => None,
        });
        if let Some(wizard) = waiting {
            wizard.sending = None;
            match result {
                Ok(launched) => wizard.launched = Some(launched),
                Err(problem) => wizard.problem = Some(problem),
            }
        }
    }

    /// Whether a command of this kind is waiting for its answer.
    fn waiting_for(&self, op: &Op) -> bool {
        self.outbox.pending().any(|pending| pending == op)
    }
}
