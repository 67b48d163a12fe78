//! The terminal: set-up and a restore that runs on quit, on panic, on SIGTERM/SIGHUP and around
//! Ctrl-Z; and the event loop that feeds keys, source messages and time to the app, drawing
//! only when something on screen changed.

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyCode, KeyEvent, KeyModifiers,
    MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::{Instant, sleep_until};

use crate::app::{self, App, Effect, Msg, Screen};
use crate::clock::Clock;
use crate::journal::{Intent, Journal, Outcome, read_journal};
use crate::source::{self, SourceCommand, SourceEvent};
use crate::theme::Theme;
use crate::ui;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Re-evaluate health this often (real time): RPO breaches arrive without new data.
const TICK: StdDuration = StdDuration::from_secs(1);
/// At most this many waiting source events are read (and merged) at once, so keys still
/// come between batches.
const MAX_BATCH: usize = 4096;

/// Never draw more often than this, however fast the demo clock runs.
const MIN_FRAME: StdDuration = StdDuration::from_millis(100);

pub fn enter() -> Result<Tui> {
    enable_raw_mode().wrap_err("could not switch the terminal to raw mode")?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)
        .wrap_err("could not set up the terminal")?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))
        .wrap_err("could not open the terminal")?;
    // Clearing asks the terminal where its cursor is: one that never answers is not a
    // terminal emulator snapdeck can draw on.
    terminal.clear().wrap_err(
        "the terminal did not answer snapdeck's cursor-position query: run snapdeck in a \
         terminal emulator (for scripts: `snapdeck status`)",
    )?;
    Ok(terminal)
}

/// Puts the terminal back as it was. Safe to call more than once, and from a panic hook.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before color-eyre prints its panic report, so the report is readable.
pub fn install_panic_hook() -> Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().into_hooks();
    eyre_hook.install()?;
    let panic_hook = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        panic_hook(info);
    }));
    Ok(())
}

pub struct Channels {
    pub events: UnboundedReceiver<SourceEvent>,
    pub commands: UnboundedSender<SourceCommand>,
    /// Where writes are recorded before they leave; why not, when it could not be opened.
    pub journal: Result<Journal, String>,
    pub verifier: Verifier,
}

/// Runs snapdeck's own checks in the background (the UI never waits on a database) and
/// hands their results back to the loop.
pub struct Verifier {
    config: Option<crate::config::VerifyConfig>,
    done: tokio::sync::mpsc::UnboundedSender<Msg>,
    results: tokio::sync::mpsc::UnboundedReceiver<Msg>,
}

impl Verifier {
    pub fn new(config: Option<crate::config::VerifyConfig>) -> Self {
        let (done, results) = tokio::sync::mpsc::unbounded_channel();
        Verifier {
            config,
            done,
            results,
        }
    }

    fn start(
        &self,
        request: app::own_checks::VerifyRequest,
        journal: Option<PathBuf>,
    ) -> Option<Msg> {
        let Some(config) = self.config.clone() else {
            let why = "[verify] is not set in the config";
            return Some(Msg::Verified {
                restore: request.restore,
                checks: crate::domain::verify::could_not_run(why),
            });
        };
        let done = self.done.clone();
        tokio::spawn(async move {
            let restore = request.restore.clone();
            let progress = |finished| {
                let restore = restore.clone();
                let _ = done.send(Msg::VerifyProgress { restore, finished });
            };
            let checks =
                crate::verify::run_for(&config, &request, journal.as_deref(), &progress).await;
            let _ = done.send(Msg::Verified { restore, checks });
        });
        None
    }
}

impl Verifier {
    /// Runs pure but heavy work (a region's exposure over 100 000 tenants) on the blocking
    /// pool; its message comes back with the checks' results.
    fn off_task(&self, work: impl FnOnce() -> Msg + Send + 'static) {
        let done = self.done.clone();
        tokio::task::spawn_blocking(move || {
            let _ = done.send(work());
        });
    }

    /// Takes live's fingerprint into the overwrite's intent, then hands the write back. The
    /// launch goes ahead without one (its why in the details): the operator asked for it.
    fn fingerprint(
        &self,
        live: app::own_checks::FingerprintRequest,
        mut intent: Box<Intent>,
        command: SourceCommand,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<Msg> {
        use crate::verify::fingerprint::{KEY, NOT_TAKEN_KEY, take};
        let Some(config) = self.config.clone() else {
            let why = "[verify] is not set in the config";
            intent.details.insert(NOT_TAKEN_KEY.into(), why.into());
            return Some(Msg::Fingerprinted { intent, command });
        };
        let done = self.done.clone();
        tokio::spawn(async move {
            let within = config.connect_timeout + 2 * config.query_timeout;
            let taken = tokio::time::timeout(within, take(&config, &live.live, live.point, now))
                .await
                .unwrap_or_else(|_| Err(format!("live did not answer within {within:?}")));
            let kept = taken.and_then(|print| {
                serde_json::to_value(print).map_err(|e| format!("it did not serialize: {e}"))
            });
            match kept {
                Ok(print) => intent.details.insert(KEY.into(), print),
                Err(why) => intent.details.insert(NOT_TAKEN_KEY.into(), why.into()),
            };
            let _ = done.send(Msg::Fingerprinted { intent, command });
        });
        None
    }
}

/// Runs the app until the user quits or a terminating signal arrives.
pub async fn run(
    mut app: App,
    theme: &Theme,
    clock: Arc<dyn Clock>,
    mut channels: Channels,
) -> Result<()> {
    let mut terminal = enter()?;
    let outcome = event_loop(&mut terminal, &mut app, theme, clock, &mut channels).await;
    restore();
    // The process ends next: freeing a million tenants one by one would hold `q` up for
    // half a second and give nothing back.
    std::mem::forget(app);
    outcome
}

async fn event_loop(
    terminal: &mut Tui,
    app: &mut App,
    theme: &Theme,
    clock: Arc<dyn Clock>,
    channels: &mut Channels,
) -> Result<()> {
    let mut keys = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate()).wrap_err("could not listen for SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).wrap_err("could not listen for SIGHUP")?;
    let mut tick = tokio::time::interval(TICK);
    let mut area = size(terminal)?;
    app.update(Msg::Viewport(ui::layout::viewport(area)), clock.now());
    let mut drawn_second = i64::MIN;
    let mut last_draw = Instant::now() - MIN_FRAME;
    let mut loading = Loading::default();
    loop {
        let now = clock.now();
        let second_changed = now.timestamp() != drawn_second;
        if app.take_dirty() || second_changed {
            let mut drawn = ui::Drawn::default();
            terminal.draw(|frame| drawn = ui::draw(frame, app, theme, now))?;
            drawn_second = now.timestamp();
            last_draw = Instant::now();
            if let Some(rows) = drawn.history_rows {
                app.update(Msg::HistoryRows(rows), now);
            }
            if let Some(limit) = drawn.card_scroll_limit {
                app.update(Msg::CardScrollLimit(limit), now);
            }
        }
        let next_frame = next_redraw(&*clock, last_draw);
        // Keys first: `q` must not wait behind a queue of source updates.
        tokio::select! {
            biased;
            event = keys.next() => match event {
                Some(Ok(event)) => {
                    let effects = on_terminal_event(event, app, &*clock, &mut area, terminal)?;
                    if !apply(effects, app, &*clock, channels) {
                        return Ok(());
                    }
                }
                Some(Err(error)) => return Err(error).wrap_err("reading the terminal failed"),
                None => return Ok(()),
            },
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
            loaded = loading.finished() => {
                let loaded = loaded.map(|loaded| Msg::FleetLoaded(Box::new(loaded)));
                let held = source::coalesce(loading.held.drain(..).collect());
                let held = held.into_iter().map(Msg::Source);
                for msg in loaded.into_iter().chain(held.collect::<Vec<_>>()) {
                    if !step(msg, app, &*clock, channels) {
                        return Ok(());
                    }
                }
                // After the first frame of it, not before: the next tick.
                loading.trim_pending = true;
            }
            Some(event) = channels.events.recv() => {
                // Whatever else is waiting comes too, merged: the queue never outgrows a read.
                let mut batch = vec![event];
                while batch.len() < MAX_BATCH {
                    match channels.events.try_recv() {
                        Ok(event) => batch.push(event),
                        Err(_) => break,
                    }
                }
                for event in source::coalesce(batch) {
                    let msg = loading.route(event, app);
                    if msg.is_some_and(|msg| !step(msg, app, &*clock, channels)) {
                        return Ok(());
                    }
                }
            }
            Some(msg) = channels.verifier.results.recv() => {
                if !step(msg, app, &*clock, channels) {
                    return Ok(());
                }
            }
            _ = tick.tick() => {
                if std::mem::take(&mut loading.trim_pending) {
                    give_back_freed_memory();
                }
                if !step(Msg::Tick, app, &*clock, channels) {
                    return Ok(());
                }
            }
            _ = sleep_until(next_frame) => {}
        }
    }
}

/// Gives the app a message and carries out what it asks; false when it should stop.
fn step(msg: Msg, app: &mut App, clock: &dyn Clock, channels: &mut Channels) -> bool {
    let effects = app.update(msg, clock.now());
    apply(effects, app, clock, channels)
}

/// Hands the pages a load freed back to the system. Loading judges and orders a whole fleet
/// with many short-lived allocations, and the old fleet goes with it; glibc keeps the freed
/// holes inside its heap, where they count as this process's memory on a wall screen for
/// days. Once per whole fleet, after its first frame.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own; nothing is moved.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A whole fleet being judged and ordered on the blocking pool, and the updates that came
/// after it, held until it is swapped in.
#[derive(Default)]
struct Loading {
    job: Option<tokio::task::JoinHandle<app::load::Loaded>>,
    /// When the job started, and for how many tenants: the log says how long a load took.
    started: Option<(Instant, usize)>,
    held: Vec<SourceEvent>,
    /// A load ended: its freed memory goes back at the next tick (`give_back_freed_memory`).
    trim_pending: bool,
}

impl Loading {
    /// What the app is told of `event` now: a whole fleet starts loading (the app hears
    /// that it is loading); anything after it waits until it is swapped in.
    fn route(&mut self, event: SourceEvent, app: &App) -> Option<Msg> {
        match event {
            SourceEvent::Fleet {
                generated_at,
                tenants,
            } => {
                // A newer whole fleet supersedes a load under way and what came after it, but
                // for the regions, which come before a fleet and are not in the one loading.
                self.held
                    .retain(|event| matches!(event, SourceEvent::Regions(_)));
                let count = tenants.len();
                let loader = app.loader();
                self.started = Some((Instant::now(), count));
                // Judged at the source's clock, as the app judges everything after it.
                self.job = Some(tokio::task::spawn_blocking(move || {
                    loader.load(tenants, generated_at, generated_at)
                }));
                Some(Msg::Loading {
                    tenants: count,
                    generated_at,
                })
            }
            other if self.job.is_some() => {
                self.held.push(other);
                // A long load under a fast source: what waits is merged as it comes.
                if self.held.len() >= MAX_BATCH {
                    self.held = source::coalesce(std::mem::take(&mut self.held));
                }
                None
            }
            other => Some(Msg::Source(other)),
        }
    }

    /// The loaded fleet when the job ends (`None` if it panicked); never, without a job.
    async fn finished(&mut self) -> Option<app::load::Loaded> {
        match self.job.as_mut() {
            Some(job) => {
                let loaded = job.await.ok();
                self.job = None;
                if let Some((started, tenants)) = self.started.take() {
                    let ms = started.elapsed().as_millis();
                    tracing::info!(tenants, ms, "fleet judged and ordered");
                }
                loaded
            }
            None => std::future::pending().await,
        }
    }
}

/// When the next visible countdown second arrives, but not sooner than the frame cap.
fn next_redraw(clock: &dyn Clock, last_draw: Instant) -> Instant {
    let now = clock.now();
    let into_second = f64::from(now.timestamp_subsec_millis()) / 1000.0;
    let real_wait = (1.0 - into_second) / clock.speed().max(1e-6);
    let wait = StdDuration::from_secs_f64(real_wait.clamp(0.0, 60.0));
    (Instant::now() + wait).max(last_draw + MIN_FRAME)
}

fn size(terminal: &Tui) -> Result<Rect> {
    let size = terminal
        .size()
        .wrap_err("could not read the terminal size")?;
    Ok(Rect::new(0, 0, size.width, size.height))
}

/// Carries out the app's effects in order; false when the app should stop. A command the
/// source can no longer take is told to the app, which says so: never dropped in silence.
fn apply(effects: Vec<Effect>, app: &mut App, clock: &dyn Clock, channels: &mut Channels) -> bool {
    for effect in effects {
        let reaction = match effect {
            Effect::Quit => return false,
            Effect::Source(command) => send(command, channels),
            Effect::Write { intent, command } => match journaled(&mut channels.journal, &intent) {
                Ok(()) => send(command, channels),
                Err(error) => Some(Msg::Unjournaled {
                    id: command.id,
                    error,
                }),
            },
            Effect::Record(outcome) => record(&mut channels.journal, &outcome),
            Effect::Verify(request) => {
                let journal = channels
                    .journal
                    .as_ref()
                    .ok()
                    .map(|j| j.path().to_path_buf());
                channels.verifier.start(*request, journal)
            }
            Effect::Fingerprint {
                live,
                intent,
                command,
            } => channels
                .verifier
                .fingerprint(*live, intent, command, clock.now()),
            Effect::CopyReport(wanted) => {
                let journal = channels.journal.as_ref().ok().map(|j| j.path());
                let copied = crate::clipboard::copy_report(&wanted, journal, &mut io::stdout());
                Some(Msg::ReportCopied(copied))
            }
            Effect::Expose(wanted) => {
                channels.verifier.off_task(move || wanted.run());
                None
            }
            Effect::ReadJournal => Some(Msg::JournalRead(match &channels.journal {
                Ok(journal) => read_journal(journal.path()).map_err(|e| e.to_string()),
                Err(why) => Err(why.clone()),
            })),
        };
        if let Some(msg) = reaction {
            let more = app.update(msg, clock.now());
            if !apply(more, app, clock, channels) {
                return false;
            }
        }
    }
    true
}

/// Hands a command to the source; what to tell the app if it cannot take it.
fn send(command: SourceCommand, channels: &Channels) -> Option<Msg> {
    let id = command.id;
    channels
        .commands
        .send(command)
        .err()
        .map(|_| Msg::Undelivered(id))
}

/// Appends a write's intent, flushed and synced, before it may leave.
fn journaled(journal: &mut Result<Journal, String>, intent: &Intent) -> Result<(), String> {
    match journal {
        Ok(journal) => journal.append_intent(intent).map_err(|e| e.to_string()),
        Err(why) => Err(why.clone()),
    }
}

fn record(journal: &mut Result<Journal, String>, outcome: &Outcome) -> Option<Msg> {
    let written = match journal {
        Ok(journal) => journal.append_outcome(outcome).map_err(|e| e.to_string()),
        Err(why) => Err(why.clone()),
    };
    written
        .err()
        .map(|error| Msg::JournalTrouble(format!("the answer was not journaled: {error}")))
}

fn on_terminal_event(
    event: Event,
    app: &mut App,
    clock: &dyn Clock,
    area: &mut Rect,
    terminal: &mut Tui,
) -> Result<Vec<Effect>> {
    let now = clock.now();
    let msg = match event {
        Event::Key(key) if is_suspend(&key) => {
            suspend(terminal)?;
            return Ok(app.update(Msg::Viewport(ui::layout::viewport(*area)), now));
        }
        Event::Key(key) => Msg::Key(key),
        Event::Resize(width, height) => {
            *area = Rect::new(0, 0, width, height);
            Msg::Viewport(ui::layout::viewport(*area))
        }
        Event::Mouse(mouse) => match mouse_msg(mouse, app, *area) {
            Some(msg) => msg,
            None => return Ok(Vec::new()),
        },
        _ => return Ok(Vec::new()),
    };
    Ok(app.update(msg, now))
}

fn mouse_msg(mouse: crossterm::event::MouseEvent, app: &App, area: Rect) -> Option<Msg> {
    let on_table = *app.screen() == Screen::Fleet && app.modal().is_none();
    match mouse.kind {
        MouseEventKind::ScrollDown if on_table => Some(Msg::Scroll(3)),
        MouseEventKind::ScrollUp if on_table => Some(Msg::Scroll(-3)),
        MouseEventKind::Down(_) if on_table => {
            let row = ui::layout::row_at(area, mouse.column, mouse.row)?;
            Some(Msg::ClickRow(app.view.offset() + row))
        }
        _ => None,
    }
}

fn is_suspend(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('z')
}

/// Ctrl-Z: raw mode swallows the terminal's own suspend, so restore the terminal, stop
/// ourselves, and set the terminal up again when the shell resumes us.
fn suspend(terminal: &mut Tui) -> Result<()> {
    restore();
    // SAFETY: raise() only sends a signal to this process; SIGTSTP's default action stops it
    // until SIGCONT, and execution continues here afterwards.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    terminal.clear()?;
    Ok(())
}
