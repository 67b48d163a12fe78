//! One drill workflow, two drivers: every scenario runs through `snapdeck drill`'s headless
//! runner and through the dashboard's `App`, against the same demo control plane (wrapped to
//! refuse or drop one kind of write), and must journal the same writes, in the same order,
//! with the same key policy, and end the same way.

mod support;

use std::sync::Arc;
use std::time::Duration as Wait;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::{Msg, Screen};
use snapdeck::clock::ManualClock;
use snapdeck::commands::drill::{self, Options, PointChoice, Which};
use snapdeck::domain::drill::DrillResult;
use snapdeck::domain::restore::{CheckStatus, Restore, RestorePhase, RestorePurpose};
use snapdeck::domain::workflow::{Ending, Stage};
use snapdeck::journal::{Action, read_journal};
use snapdeck::ops::progress::Plain;
use snapdeck::source::demo::DemoSource;
use snapdeck::source::{
    self, CommandError, Op, Reply, Source, SourceCommand, SourceEvent, SourceInfo, SourceTask,
};
use support::wired::Wired;
use support::{key, now, type_text};

/// What the control plane does wrong, for one kind of write.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// `drill-result` answered 422.
    RefuseRecord,
    /// Every discard answered 503: it may or may not have arrived.
    DropDiscards,
    /// The drill's restore fails once it is restoring the volume.
    FailHalfway,
    /// The drill's restore was asked for two days ago: past any tier's limit.
    Late,
    /// The control plane's own check of the restored spoke fails.
    CheckFails,
}

/// The drill's restore as this control plane shows it.
fn rewritten(fault: Fault, restore: &mut Restore) {
    if restore.purpose != RestorePurpose::Drill {
        return;
    }
    match fault {
        Fault::FailHalfway
            if matches!(
                restore.phase,
                RestorePhase::RestoringVolume
                    | RestorePhase::Verifying
                    | RestorePhase::AwaitingConfirmation
            ) =>
        {
            restore.phase = RestorePhase::Failed;
            restore.error = Some("the volume snapshot could not be restored".into());
        }
        Fault::Late => restore.requested_at -= Duration::days(2),
        Fault::CheckFails => {
            if let Some(check) = restore.verification.as_mut().and_then(|v| v.first_mut()) {
                check.status = CheckStatus::Failed;
            }
        }
        _ => {}
    }
}

fn rewrite_event(fault: Fault, event: &mut SourceEvent) {
    match event {
        SourceEvent::Restores { restores, .. } => {
            restores.iter_mut().for_each(|r| rewritten(fault, r))
        }
        SourceEvent::Answer {
            outcome: Ok(Reply::Restore(restore)),
            ..
        } => rewritten(fault, restore),
        _ => {}
    }
}

/// What happens once the launch is journaled and answered.
#[derive(Debug, Clone, Copy, PartialEq)]
enum StopAt {
    Never,
    /// The operator (or a signal) stops the drill while it is queued.
    Queued,
    /// … after the platform's clock ran this many minutes past the launch.
    Restoring(i64),
    /// The journal cannot grow any more (the process's file size limit).
    JournalFull,
}

/// The progress lines a run writes, kept to be looked at while it runs.
#[derive(Clone, Default)]
struct Said(Arc<std::sync::Mutex<Vec<u8>>>);

impl Said {
    fn contains(&self, text: &str) -> bool {
        String::from_utf8_lossy(&self.0.lock().unwrap()).contains(text)
    }
}

impl std::io::Write for Said {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Files this process writes cannot grow past their size now, until dropped.
struct JournalFull {
    before: libc::rlimit,
}

impl JournalFull {
    fn at(path: &std::path::Path) -> JournalFull {
        let size = std::fs::metadata(path).unwrap().len();
        let mut before = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: plain syscalls on this process's own limits and signal disposition.
        unsafe {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut before), 0);
            let full = libc::rlimit {
                rlim_cur: size,
                rlim_max: before.rlim_max,
            };
            assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &full), 0);
        }
        JournalFull { before }
    }
}

impl Drop for JournalFull {
    fn drop(&mut self) {
        // SAFETY: as above; the soft limit goes back up to what it was.
        unsafe {
            libc::setrlimit(libc::RLIMIT_FSIZE, &self.before);
        }
    }
}

/// The demo control plane, with `fault`.
struct Faulty {
    inner: DemoSource,
    fault: Fault,
}

impl Source for Faulty {
    fn info(&self) -> SourceInfo {
        self.inner.info()
    }

    fn run(
        self: Box<Self>,
        events: tokio::sync::mpsc::UnboundedSender<SourceEvent>,
        mut commands: tokio::sync::mpsc::UnboundedReceiver<SourceCommand>,
    ) -> SourceTask {
        let fault = self.fault;
        let mut inner = source::start(Box::new(self.inner));
        Box::pin(async move {
            loop {
                tokio::select! {
                    command = commands.recv() => {
                        let Some(command) = command else { break };
                        match refusal(fault, &command.op) {
                            Some(error) => {
                                let answer = SourceEvent::Answer { id: command.id, outcome: Err(error) };
                                let _ = events.send(answer);
                            }
                            None => { let _ = inner.commands.send(command); }
                        }
                    }
                    event = inner.events.recv() => {
                        let Some(mut event) = event else { break };
                        rewrite_event(fault, &mut event);
                        if events.send(event).is_err() { break; }
                    }
                }
            }
            inner.task.abort();
        })
    }
}

fn refusal(fault: Fault, op: &Op) -> Option<CommandError> {
    match (fault, op) {
        (Fault::RefuseRecord, Op::RecordDrill { .. }) => Some(CommandError::new(
            422,
            "invalid_findings",
            "the findings were refused",
        )),
        (Fault::DropDiscards, Op::DiscardRestore { .. }) => {
            Some(CommandError::new(503, "unavailable", "try again"))
        }
        _ => None,
    }
}

/// A journaled write: its op, whether its answer was a success, and the index of the first
/// write with the same key.
type Write = (Action, bool, usize);

/// What a run journaled and how it ended, driver-independent.
#[derive(Debug, PartialEq)]
struct Run {
    /// Each write: its op, whether its answer was a success, and the index of the first
    /// write with the same key (the key policy: the same write again keeps its key).
    writes: Vec<Write>,
    ending: String,
}

fn journaled(path: &std::path::Path) -> Vec<Write> {
    let journal = read_journal(path).unwrap();
    let keys: Vec<String> = journal
        .entries
        .iter()
        .map(|e| e.intent.idempotency_key.0.to_string())
        .collect();
    journal
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            assert!(e.intent.is_drill(), "{:?}", e.intent);
            let ok = e
                .outcome
                .as_ref()
                .is_some_and(|o| o.result == snapdeck::journal::Verdict::Ok);
            let first = keys.iter().position(|k| *k == keys[i]).unwrap();
            (e.intent.op.clone(), ok, first)
        })
        .collect()
}

/// "passed recorded torn-down", "interrupted torn-down"…: the ending, in short.
fn ending_words(ending: &Ending, torn_down: &Option<Result<(), String>>) -> String {
    let what = match ending {
        Ending::Ran {
            result, recorded, ..
        } => format!(
            "{result} {}",
            if recorded.is_ok() {
                "recorded"
            } else {
                "unrecorded"
            }
        ),
        Ending::CouldNot(_) => "could-not".into(),
        Ending::Interrupted => "interrupted".into(),
        Ending::LeftBehind => "left-behind".into(),
    };
    let torn = match torn_down {
        None => "nothing-to-tear-down",
        Some(Ok(())) => "torn-down",
        Some(Err(_)) => "not-torn-down",
    };
    format!("{what} {torn}")
}

fn demo(clock: Arc<ManualClock>) -> DemoSource {
    DemoSource::new(42, 60, clock, Wait::from_millis(5))
}

/// The tenant both drivers drill: the first in the fleet that can be.
fn slug() -> String {
    let (tenants, _) = snapdeck::source::demo::fleet_at(42, 60, now());
    let picked = snapdeck::domain::drill::pick(tenants.iter().map(|t| t.as_ref()), 1);
    picked[0].slug.to_string()
}

async fn through_cli(fault: Fault, stop_at: StopAt) -> Run {
    let clock = Arc::new(ManualClock::new(now()));
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let options = Options {
        which: Which::Slugs(vec![slug()]),
        point: PointChoice::Latest,
        parallel: 1,
        time_limit: None,
        cross_region: false,
        verify: None,
        journal: Some(journal.clone()),
        operator: "night".into(),
        source_label: "demo".into(),
        session: "cli".into(),
        seed: 1,
    };
    let source = Box::new(Faulty {
        inner: demo(clock.clone()),
        fault,
    });
    // What the run says of its drill, to stop it once it has seen the restore under way.
    let said = Said::default();
    let progress = Arc::new(Plain::new(Box::new(said.clone())));
    let run = tokio::spawn(drill::run(source, options, progress, stopped));
    // The platform's time: still until the launch is journaled, then as the scenario says.
    let launched = || {
        read_journal(&journal)
            .ok()
            .is_some_and(|j| j.entries.first().is_some_and(|e| e.outcome.is_some()))
    };
    while !launched() {
        if run.is_finished() {
            let summary = run.await.unwrap();
            panic!("the run ended before its launch was journaled: {summary:?}");
        }
        tokio::time::sleep(Wait::from_millis(5)).await;
    }
    let mut full = None;
    match stop_at {
        StopAt::JournalFull => full = Some(JournalFull::at(&journal)),
        StopAt::Queued => stop.send(true).unwrap(),
        StopAt::Restoring(minutes) => {
            clock.advance(Duration::minutes(minutes));
            // Stopped once the run has seen it under way (a fixed wait raced a busy machine,
            // which then saw it still queued and cancelled it).
            for _ in 0..2000 {
                if ["provisioning", "restoring"]
                    .iter()
                    .any(|p| said.contains(p))
                {
                    break;
                }
                tokio::time::sleep(Wait::from_millis(5)).await;
            }
            stop.send(true).unwrap();
        }
        StopAt::Never => {}
    }
    let ticking = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Wait::from_millis(2)).await;
            clock.advance(Duration::minutes(2));
        }
    });
    let summary = tokio::time::timeout(Wait::from_secs(60), run)
        .await
        .expect("the drill ends")
        .unwrap()
        .unwrap();
    ticking.abort();
    drop(full);
    let d = &summary.drills[0];
    Run {
        writes: journaled(&journal),
        ending: ending_words(&d.ending, &d.discarded),
    }
}

async fn through_dashboard(fault: Fault, stop_at: StopAt) -> Run {
    let clock = Arc::new(ManualClock::new(now()));
    let source = Box::new(Faulty {
        inner: demo(clock.clone()),
        fault,
    });
    let mut w = Wired::start_on(source, clock.clone()).await;
    let slug = slug();
    key(&mut w.app, KeyCode::Char(':'));
    type_text(&mut w.app, &format!("drill {slug}"));
    key(&mut w.app, KeyCode::Enter);
    assert!(
        matches!(w.app.screen(), Screen::Wizard(_)),
        "the drill's wizard"
    );
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    w.run(effects).await;
    let id = w
        .app
        .restores
        .iter()
        .find(|r| r.source_slug == slug && r.target_slug.contains("-drill-"))
        .map(|r| r.id.clone())
        .expect("the drill's restore");
    let mut full = None;
    match stop_at {
        StopAt::JournalFull => full = Some(JournalFull::at(&w.journal_path)),
        StopAt::Queued => {
            w.app.stop_drill(&id);
        }
        StopAt::Restoring(minutes) => {
            clock.advance(Duration::minutes(minutes));
            refresh(&mut w).await;
            w.app.stop_drill(&id);
        }
        StopAt::Never => {}
    }
    let effects = w.app.update(Msg::Tick, now());
    w.run(effects).await;
    for _ in 0..400 {
        if w.app.drill_flow(&id).is_some_and(|f| f.is_done()) {
            break;
        }
        clock.advance(Duration::minutes(10));
        refresh(&mut w).await;
        let effects = w.app.update(Msg::Tick, now());
        w.run(effects).await;
    }
    drop(full);
    let flow = w.app.drill_flow(&id).unwrap();
    let Stage::Done(end) = &flow.stage else {
        panic!("the dashboard's drill never ended: {:?}", flow.stage)
    };
    Run {
        writes: journaled(&w.journal_path),
        ending: ending_words(&end.ending, &end.torn_down),
    }
}

/// The whole fleet again, and everything the source says until the refresh is answered.
async fn refresh(w: &mut Wired) {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1_000_000);
    let id = snapdeck::source::CommandId(N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    w.commands
        .send(SourceCommand {
            id,
            op: Op::Refresh,
        })
        .unwrap();
    // What the events ask is carried out once the refresh is answered: carried out now, it
    // would take the refresh's answer for its own.
    let mut effects = Vec::new();
    loop {
        let event = w.next().await;
        let answered = matches!(event, SourceEvent::Answer { id: answered, .. } if answered == id);
        effects.extend(w.app.update(Msg::Source(event), now()));
        if answered {
            break;
        }
    }
    w.run(effects).await;
}

use Action::RecordDrill as Record;
use Action::{CancelRestore as Cancel, CreateRestore as Create, DiscardRestore as Discard};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_journals_the_same_writes_and_ends_the_same_through_both_drivers() {
    let passed = format!("{} recorded torn-down", DrillResult::Passed);
    let unrecorded = format!("{} unrecorded torn-down", DrillResult::Passed);
    let undiscarded = format!("{} recorded not-torn-down", DrillResult::Passed);
    let failed = format!("{} recorded torn-down", DrillResult::Failed);
    let table: Vec<(&str, Fault, StopAt, Vec<Write>, String)> = vec![
        (
            "passes",
            Fault::None,
            StopAt::Never,
            vec![(Create, true, 0), (Record, true, 1), (Discard, true, 2)],
            passed,
        ),
        (
            "its result is refused",
            Fault::RefuseRecord,
            StopAt::Never,
            vec![(Create, true, 0), (Record, false, 1), (Discard, true, 2)],
            unrecorded,
        ),
        (
            "its discard never lands: sent three times with one key",
            Fault::DropDiscards,
            StopAt::Never,
            vec![
                (Create, true, 0),
                (Record, true, 1),
                (Discard, false, 2),
                (Discard, false, 2),
                (Discard, false, 2),
            ],
            undiscarded,
        ),
        (
            "the restore fails halfway",
            Fault::FailHalfway,
            StopAt::Never,
            vec![(Create, true, 0), (Record, true, 1), (Discard, true, 2)],
            failed.clone(),
        ),
        (
            "over its limit (judged at launch, still queued: cancelled)",
            Fault::Late,
            StopAt::Never,
            vec![(Create, true, 0), (Record, true, 1), (Cancel, true, 2)],
            failed.clone(),
        ),
        (
            "a check fails",
            Fault::CheckFails,
            StopAt::Never,
            vec![(Create, true, 0), (Record, true, 1), (Discard, true, 2)],
            failed,
        ),
        (
            "the journal cannot be written: nothing more is sent, the spoke is left",
            Fault::None,
            StopAt::JournalFull,
            vec![(Create, true, 0)],
            format!("{} unrecorded not-torn-down", DrillResult::Passed),
        ),
        (
            "stopped while queued: cancelled, nothing recorded",
            Fault::None,
            StopAt::Queued,
            vec![(Create, true, 0), (Cancel, true, 1)],
            "interrupted torn-down".into(),
        ),
        (
            "stopped while restoring: discarded, nothing recorded",
            Fault::None,
            StopAt::Restoring(3),
            vec![(Create, true, 0), (Discard, true, 1)],
            "interrupted torn-down".into(),
        ),
    ];
    for (scenario, fault, stop_at, writes, ending) in table {
        let want = Run { writes, ending };
        let cli = through_cli(fault, stop_at).await;
        assert_eq!(cli, want, "snapdeck drill: {scenario}");
        let dashboard = through_dashboard(fault, stop_at).await;
        assert_eq!(dashboard, want, "the dashboard: {scenario}");
    }
}
