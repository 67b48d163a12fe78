//! The app and a running demo source, wired as the runner wires them: the real channel, a
//! real journal in a temp dir, effects carried out in order.

use std::sync::Arc;
use std::time::Duration as Wait;

use snapdeck::app::{App, Effect, Msg};
use snapdeck::clock::ManualClock;
use snapdeck::domain::request::RestoreRequest;
use snapdeck::journal::Journal;
use snapdeck::source::demo::DemoSource;
use snapdeck::source::{SourceCommand, SourceEvent};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::{app, now};

pub struct Wired {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub events: UnboundedReceiver<SourceEvent>,
    pub commands: UnboundedSender<SourceCommand>,
    pub journal: Journal,
    pub journal_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Wired {
    /// Started, with everything the source sends first received: the fleet, its restores,
    /// swaps and — last — the ticket list.
    pub async fn start() -> Wired {
        let clock = Arc::new(ManualClock::new(now()));
        let source = Box::new(DemoSource::new(
            42,
            60,
            clock.clone(),
            std::time::Duration::from_secs(30),
        ));
        Wired::start_on(source, clock).await
    }

    /// The same, on `source` (the demo, wrapped) running on `clock`.
    pub async fn start_on(
        source: Box<dyn snapdeck::source::Source>,
        clock: Arc<ManualClock>,
    ) -> Wired {
        let started = snapdeck::source::start(source);
        let dir = tempfile::tempdir().unwrap();
        let journal_path = dir.path().join("journal.jsonl");
        let mut wired = Wired {
            app: app(0),
            clock,
            events: started.events,
            commands: started.commands,
            journal: Journal::open(&journal_path).unwrap(),
            journal_path,
            _dir: dir,
        };
        loop {
            let event = wired.next().await;
            let listed = matches!(event, SourceEvent::Requests { .. });
            wired.app.update(Msg::Source(event), now());
            if listed {
                return wired;
            }
        }
    }

    /// The next event, passed to the app too.
    pub async fn next_event(&mut self) -> SourceEvent {
        let event = self.next().await;
        self.app.update(Msg::Source(event.clone()), now());
        event
    }

    pub async fn next(&mut self) -> SourceEvent {
        tokio::time::timeout(Wait::from_secs(10), self.events.recv())
            .await
            .unwrap()
            .unwrap()
    }

    /// Passes the source's events to the app until `done` holds of it.
    pub async fn until(&mut self, done: impl Fn(&App) -> bool) {
        while !done(&self.app) {
            let event = self.next().await;
            self.app.update(Msg::Source(event), now());
        }
    }

    /// Carries out effects as the runner does, feeding events back until every write sent
    /// has its answer; answers the ticket lists pushed meanwhile.
    pub async fn run(&mut self, effects: Vec<Effect>) -> Vec<Vec<RestoreRequest>> {
        let mut pushed = Vec::new();
        let mut waiting = 0;
        let mut effects = effects;
        loop {
            let mut next = Vec::new();
            for effect in std::mem::take(&mut effects) {
                match effect {
                    // Nothing leaves unjournaled: the app hears so, as from the runner.
                    Effect::Write { intent, command } => {
                        match self.journal.append_intent(&intent) {
                            Ok(()) => {
                                self.commands.send(command).unwrap();
                                waiting += 1;
                            }
                            Err(error) => {
                                let id = command.id;
                                let error = error.to_string();
                                next.extend(self.app.update(Msg::Unjournaled { id, error }, now()));
                            }
                        }
                    }
                    Effect::Record(outcome) => {
                        if let Err(error) = self.journal.append_outcome(&outcome) {
                            let trouble = Msg::JournalTrouble(error.to_string());
                            next.extend(self.app.update(trouble, now()));
                        }
                    }
                    _ => {}
                }
            }
            if !next.is_empty() {
                effects = next;
                continue;
            }
            if waiting == 0 {
                return pushed;
            }
            let event = self.next().await;
            waiting -= usize::from(matches!(event, SourceEvent::Answer { .. }));
            if let SourceEvent::Requests { requests, .. } = &event {
                pushed.push(requests.clone());
            }
            effects = self.app.update(Msg::Source(event), now());
        }
    }
}
