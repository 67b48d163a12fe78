//! App state and update: messages in, state changes and effects out. No drawing, no I/O.

pub mod fleet;
pub mod keys;
pub mod load;
pub mod view;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::domain::TenantId;
use crate::source::{Connection, SourceCommand, SourceEvent, SourceInfo};
use fleet::Fleet;
use keys::Action;
use view::FleetView;

/// Fleets up to this size are re-sorted on every update; bigger ones once a tick.
const RESORT_EACH_UPDATE_UP_TO: usize = 20_000;

/// How many ticks (the runner's once-a-second heartbeat, in real time whatever the demo's
/// speed) a flash message stays on screen: counted, not timed, so tests control it.
const FLASH_TICKS: u8 = 6;

pub use crate::config::TimeDisplay;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Fleet,
    /// The Backups card of one tenant, over the fleet.
    Card(TenantId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Info,
    Error,
}

#[derive(Debug, Clone)]
pub struct Flash {
    pub text: String,
    pub kind: FlashKind,
    /// Ticks left before it goes.
    ticks_left: u8,
}

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Source(SourceEvent),
    /// A mouse click on a table row (main maps screen positions to rows with the ui's layout).
    ClickRow(usize),
    /// Mouse wheel: rows to scroll, negative upwards.
    Scroll(isize),
    /// The table can show this many rows now.
    Viewport(usize),
    /// Time passed: re-judge health (RPO breaches happen without any new data).
    Tick,
    /// A whole fleet, loaded away from the UI task (see `load`), to swap in.
    FleetLoaded(Box<load::Loaded>),
    /// The runner has started loading a whole fleet of this many tenants.
    Loading(usize),
    /// The open card, as drawn, can scroll this far: PgDn stops there, so PgUp answers at
    /// once after reaching the end.
    CardScrollLimit(usize),
}

/// What the app asks the outside world to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    Source(SourceCommand),
}

pub struct Settings {
    pub refresh_interval: Duration,
    pub read_only: bool,
    pub time: TimeDisplay,
    pub source: SourceInfo,
}

pub struct App {
    pub fleet: Fleet,
    pub view: FleetView,
    pub screen: Screen,
    pub help: bool,
    /// The filter's text box; `editing` while it has the keyboard.
    pub filter: Input,
    pub editing_filter: bool,
    /// Lines the Backups card is scrolled by, at most `card_scroll_limit`.
    pub card_scroll: usize,
    card_scroll_limit: usize,
    /// `r` was pressed: the next whole fleet is its answer.
    refresh_pending: bool,
    /// A whole fleet of this many tenants is being loaded.
    loading: Option<usize>,
    /// Updates changed the order of a big fleet; it is re-sorted at the next tick.
    order_outdated: bool,
    pub time: TimeDisplay,
    pub source: SourceInfo,
    pub connection: Connection,
    pub read_only: bool,
    flash: Option<Flash>,
    dirty: bool,
    received_data: bool,
}

impl App {
    pub fn new(settings: Settings) -> Self {
        Self {
            fleet: Fleet::new(settings.refresh_interval),
            view: FleetView::default(),
            screen: Screen::Fleet,
            help: false,
            filter: Input::default(),
            editing_filter: false,
            card_scroll: 0,
            card_scroll_limit: 0,
            refresh_pending: false,
            loading: None,
            order_outdated: false,
            time: settings.time,
            source: settings.source,
            connection: Connection::Connecting,
            read_only: settings.read_only,
            flash: None,
            dirty: true,
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

    pub fn set_flash(&mut self, kind: FlashKind, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            kind,
            ticks_left: FLASH_TICKS,
        });
        self.dirty = true;
    }

    pub fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Option<Effect> {
        self.dirty = true;
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => return self.on_key(key),
            Msg::Key(_) => self.dirty = false,
            Msg::Source(event) => self.on_source(event, now),
            // A click below the last row is on empty table, not on the last tenant.
            Msg::ClickRow(row) if row < self.view.rows().len() => {
                self.view.select_row(row, &self.fleet)
            }
            Msg::ClickRow(_) => self.dirty = false,
            Msg::Scroll(rows) => self.view.scroll(rows, &self.fleet),
            Msg::Viewport(rows) => self.view.set_viewport(rows),
            Msg::Tick => self.on_tick(now),
            Msg::FleetLoaded(loaded) => self.install(*loaded),
            Msg::Loading(tenants) => self.loading = Some(tenants),
            Msg::CardScrollLimit(limit) => {
                self.card_scroll_limit = limit;
                let clamped = self.card_scroll.min(limit);
                self.dirty = clamped != self.card_scroll;
                self.card_scroll = clamped;
            }
        }
        None
    }

    fn on_tick(&mut self, now: DateTime<Utc>) {
        if let Some(flash) = self.flash.as_mut() {
            flash.ticks_left = flash.ticks_left.saturating_sub(1);
            if flash.ticks_left == 0 {
                self.flash = None;
            }
        }
        // Re-sort only when some tenant's health moved: at 100 000 tenants most seconds
        // change nothing but the countdowns.
        if !self.received_data {
            return;
        }
        let mut moved = self.fleet.evaluate_due(now) | std::mem::take(&mut self.order_outdated);
        if let Screen::Card(id) = &self.screen {
            moved |= self.fleet.rejudge(id, now);
        }
        if moved {
            self.view.rebuild(&self.fleet);
        }
    }

    fn on_source(&mut self, event: SourceEvent, now: DateTime<Utc>) {
        match event {
            SourceEvent::Fleet {
                generated_at,
                tenants,
            } => {
                let loaded = self.loader().load(tenants, generated_at, now);
                self.install(loaded);
            }
            SourceEvent::Changed {
                generated_at,
                tenants,
            } => {
                // An empty change is the source's heartbeat: nothing on screen moves (the data
                // age is redrawn with the clock).
                let heartbeat = tenants.is_empty();
                let moved = self.fleet.upsert(tenants, generated_at, now);
                if heartbeat {
                    self.dirty = false;
                } else if moved || self.view.sort().0.follows_backups() {
                    // A big fleet changes somewhere every update: re-sorting it each time
                    // would keep the UI busy, so it is re-sorted once a tick instead.
                    if self.fleet.len() > RESORT_EACH_UPDATE_UP_TO {
                        self.order_outdated = true;
                    } else {
                        self.view.rebuild(&self.fleet);
                    }
                }
            }
            // Restores get their own screens in a later issue; the header counts them from
            // the tenants' active_restore_id.
            SourceEvent::Restores { .. } => self.dirty = false,
            SourceEvent::Connection(connection) => {
                if let Connection::Failing { error } = &connection {
                    let what = if std::mem::take(&mut self.refresh_pending) {
                        "refresh failed"
                    } else {
                        "source"
                    };
                    self.set_flash(FlashKind::Error, format!("{what}: {error}"));
                }
                self.connection = connection;
            }
        }
    }

    /// What loading a whole fleet needs from the app (see `load`).
    pub fn loader(&self) -> load::Loader {
        load::Loader {
            old: self.fleet.tenants().to_vec(),
            refresh_interval: self.fleet.refresh_interval(),
            schedules: self.fleet.schedules().clone(),
            view: self.view.settings(),
        }
    }

    /// Swaps in a loaded fleet, keeping what the operator did while it loaded.
    fn install(&mut self, loaded: load::Loaded) {
        let load::Loaded {
            fleet,
            mut view,
            changed,
        } = loaded;
        self.fleet = fleet;
        view.carry_over(&self.view, &self.fleet);
        self.view = view;
        self.received_data = true;
        self.loading = None;
        if std::mem::take(&mut self.refresh_pending) {
            let what = match changed {
                0 => "nothing changed".to_string(),
                1 => "1 tenant changed".to_string(),
                n => format!("{n} tenants changed"),
            };
            self.set_flash(FlashKind::Info, format!("refreshed: {what}"));
        }
    }

    /// How many tenants are being loaded, while a whole fleet is.
    pub fn loading(&self) -> Option<usize> {
        self.loading
    }

    fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        if ctrl_c {
            return Some(Effect::Quit);
        }
        if self.help {
            // Any key closes help; `q` still quits.
            self.help = false;
            return (key.code == KeyCode::Char('q')).then_some(Effect::Quit);
        }
        if self.editing_filter {
            self.on_filter_key(key);
            return None;
        }
        let Some(action) = keys::action_of(&key) else {
            self.dirty = false;
            return None;
        };
        match self.screen.clone() {
            Screen::Fleet => self.on_fleet_action(action),
            Screen::Card(_) => self.on_card_action(action),
        }
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.editing_filter = false,
            KeyCode::Esc => {
                self.editing_filter = false;
                self.clear_filter();
            }
            KeyCode::Up => self.view.move_by(-1, &self.fleet),
            KeyCode::Down => self.view.move_by(1, &self.fleet),
            _ => {
                self.filter.handle_event(&crossterm::event::Event::Key(key));
                self.view.set_filter(self.filter.value(), &self.fleet);
            }
        }
    }

    fn clear_filter(&mut self) {
        self.filter.reset();
        self.view.set_filter("", &self.fleet);
    }

    fn on_fleet_action(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Open => {
                if let Some(id) = self.view.selected() {
                    self.screen = Screen::Card(id.clone());
                    self.card_scroll = 0;
                }
            }
            Action::Back if !self.view.filter().is_empty() => {
                self.clear_filter();
                self.set_flash(FlashKind::Info, "filter cleared");
            }
            Action::Back => self.dirty = false,
            Action::Filter => self.editing_filter = true,
            Action::ProblemsOnly => {
                self.view.toggle_problems_only(&self.fleet);
                let state = if self.view.problems_only() {
                    "on: OK tenants hidden"
                } else {
                    "off"
                };
                self.set_flash(FlashKind::Info, format!("problems only {state}"));
            }
            Action::NextSort => {
                self.view.cycle_sort(&self.fleet);
                self.flash_sort();
            }
            Action::ReverseSort => {
                self.view.toggle_direction(&self.fleet);
                self.flash_sort();
            }
            other => return self.on_common_action(other),
        }
        None
    }

    fn on_card_action(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Back | Action::Open => self.screen = Screen::Fleet,
            Action::Up | Action::Down => {
                self.view
                    .move_by(if action == Action::Up { -1 } else { 1 }, &self.fleet);
                if let Some(id) = self.view.selected() {
                    self.screen = Screen::Card(id.clone());
                    self.card_scroll = 0;
                }
            }
            // The ui clamps to the card's real length; the cap keeps PgUp from going dead for long.
            Action::PageDown => {
                self.card_scroll = (self.card_scroll + 5).min(self.card_scroll_limit)
            }
            Action::PageUp => self.card_scroll = self.card_scroll.saturating_sub(5),
            Action::ToggleTime | Action::Help | Action::Quit | Action::Refresh => {
                return self.on_common_action(action);
            }
            _ => self.dirty = false,
        }
        None
    }

    fn on_common_action(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Up => self.view.move_by(-1, &self.fleet),
            Action::Down => self.view.move_by(1, &self.fleet),
            Action::First => self.view.select_row(0, &self.fleet),
            Action::Last => self.view.select_row(usize::MAX, &self.fleet),
            Action::PageUp => self.view.page(-1, &self.fleet),
            Action::PageDown => self.view.page(1, &self.fleet),
            Action::ToggleTime => {
                self.time = match self.time {
                    TimeDisplay::Utc => TimeDisplay::Local,
                    TimeDisplay::Local => TimeDisplay::Utc,
                };
            }
            Action::Refresh => {
                self.refresh_pending = true;
                self.set_flash(FlashKind::Info, "refreshing…");
                return Some(Effect::Source(SourceCommand::Refresh));
            }
            Action::Help => self.help = true,
            Action::Quit => return Some(Effect::Quit),
            _ => self.dirty = false,
        }
        None
    }

    fn flash_sort(&mut self) {
        let (key, reversed) = self.view.sort();
        let order = if reversed {
            "reversed"
        } else {
            key.natural_order()
        };
        self.set_flash(
            FlashKind::Info,
            format!("sorted by {} ({order})", key.name()),
        );
    }
}
