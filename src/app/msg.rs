//! What comes into the app (`Msg`), what it asks to be done (`Effect`), and what it is
//! started with (`Settings`).

use chrono::{DateTime, Duration, Utc};
use crossterm::event::KeyEvent;

use super::{TimeDisplay, load, own_checks};
use crate::domain::calendar::BusinessCalendar;
use crate::journal::{Intent, Outcome};
use crate::source::{CommandId, SourceCommand, SourceEvent, SourceInfo};

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
    pub(super) ticks_left: u8,
}

/// Everything that can happen to the app.
/// The fleet table's room on screen, as the ui's layout measures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub rows: usize,
    pub width: u16,
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Source(SourceEvent),
    /// A mouse click on a table row (main maps screen positions to rows with the ui's layout).
    ClickRow(usize),
    /// Mouse wheel: rows to scroll, negative upwards.
    Scroll(isize),
    /// The fleet table's room now: how many rows, how many columns wide.
    Viewport(Viewport),
    /// Time passed: re-judge health (RPO breaches happen without any new data).
    Tick,
    /// A whole fleet, loaded away from the UI task (see `load`), to swap in.
    FleetLoaded(Box<load::Loaded>),
    /// The runner has started loading a whole fleet of this many tenants, generated at the
    /// source's `generated_at` (judged at that instant, as of its arrival).
    Loading {
        tenants: usize,
        generated_at: DateTime<Utc>,
    },
    /// The open card, as drawn, can scroll this far: PgDn stops there, so PgUp answers at
    /// once after reaching the end.
    CardScrollLimit(usize),
    /// The tenant screen's history, as drawn, shows this many rows.
    HistoryRows(usize),
    /// A command could not be handed to the source (it has stopped).
    Undelivered(CommandId),
    /// A write's intent could not be journaled, so it was not sent.
    Unjournaled {
        id: CommandId,
        error: String,
    },
    /// A write's outcome could not be journaled (the action itself happened).
    JournalTrouble(String),
    /// The journal as read for its screen, or why it could not be read.
    JournalRead(Result<crate::journal::JournalRead, String>),
    /// At start: this many writes in the journal were sent but never answered.
    JournalUnanswered(usize),
    /// At start: something the operator must know before acting (no journal, no name).
    Notice(String),
    /// At start: what to do first, from whoever started snapdeck (`SNAPDECK_HINT`, as
    /// `scripts/try-verify` sets it): its words would otherwise be under the screen.
    Hint(String),
    /// This many of snapdeck's own checks of a restore have finished.
    VerifyProgress {
        restore: crate::domain::ids::RestoreId,
        finished: usize,
    },
    /// snapdeck's own checks of a restore have finished.
    Verified {
        restore: crate::domain::ids::RestoreId,
        checks: Vec<crate::domain::verify::Check>,
    },
    /// An overwrite's launch, its intent now holding live's fingerprint (or why not).
    Fingerprinted {
        intent: Box<Intent>,
        command: SourceCommand,
    },
    /// The ticket report asked for with `Effect::CopyReport`: where it went, or why not.
    ReportCopied(Result<String, String>),
    /// Each region's exposure, worked out off the UI task (`Effect::Expose`) as of `at`.
    Exposed {
        at: chrono::DateTime<chrono::Utc>,
        regions: Vec<crate::domain::region::exposure::RegionExposure>,
    },
}

/// What the app asks the outside world to do; `update` answers a list of them, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// A read: send it.
    Source(SourceCommand),
    /// A write: journal its intent first, and send it only if that worked.
    Write {
        intent: Box<Intent>,
        command: SourceCommand,
    },
    /// Journal a write's outcome.
    Record(Box<Outcome>),
    /// Read the journal back for its screen (answered with `Msg::JournalRead`).
    ReadJournal,
    /// Run snapdeck's own checks of a restore (answered with `Msg::Verified`).
    Verify(Box<own_checks::VerifyRequest>),
    /// Before an overwrite leaves: take live's fingerprint into the intent's details, then
    /// hand the write back (`Msg::Fingerprinted`) to be journaled and sent as any other.
    Fingerprint {
        live: Box<own_checks::FingerprintRequest>,
        intent: Box<Intent>,
        command: SourceCommand,
    },
    /// Build a restore's ticket report with the journal, save it and hand it to the
    /// terminal's clipboard (answered with `Msg::ReportCopied`).
    CopyReport(Box<crate::clipboard::ReportWanted>),
    /// Work out each region's exposure away from the keys (answered with `Msg::Exposed`).
    Expose(Box<super::screens::regions::ExposeWanted>),
}

pub struct Settings {
    /// Who is at the keyboard, for the journal.
    pub operator: String,
    /// Unique to this run: idempotency keys are `<session>-<n>`.
    pub session: String,
    pub refresh_interval: Duration,
    /// Business hours, for Standard RTO clocks and acknowledgement deadlines.
    pub calendar: BusinessCalendar,
    pub read_only: bool,
    pub time: TimeDisplay,
    /// The zone "local" means, for times the operator types.
    pub local_zone: chrono_tz::Tz,
    pub source: SourceInfo,
    /// `[verify]` is set: snapdeck's own checks run on restores awaiting confirmation.
    pub verify: bool,
    /// `[drills] max_age_days`: tenants without a recent passed drill are flagged.
    pub drill_max_age: Option<Duration>,
}
