//! The http source: the control-plane API exactly as `docs/control-plane-api.md` says, over
//! reqwest with rustls.
//!
//! One loop owns the refresh: every interval it reads the fleet (paged, conditional on the
//! first page's ETag), restores, DNS swaps and open requests, and sends what it read. A
//! failure is said in words (`Connection::Failing`) and retried with backoff; the last good
//! data stays with the app, which turns it stale by itself. Commands run on their own tasks,
//! so a slow write never holds up the refresh, and each is answered exactly once.
//!
//! Modules: `token` (where the token comes from), `transport` (the client and failures in
//! words), `fleet` (the pushed lists), `commands` (writes and on-demand reads), `backoff`.

mod backoff;
mod commands;
mod fleet;
mod token;
mod transport;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

pub use backoff::BackoffPolicy;
pub use token::TokenSources;
pub use transport::TransportSettings;

use crate::config::HttpConfig;
use crate::source::{
    CommandId, Connection, Op, Reply, Source, SourceCommand, SourceEvent, SourceInfo, SourceTask,
};
use commands::Retries;
use fleet::{PollState, Polled};
use transport::Transport;
pub(crate) use transport::seconds;

/// Everything the http source is built from.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub transport: TransportSettings,
    pub tokens: TokenSources,
    pub refresh_interval: Duration,
    /// Pacing of refreshes after a failure, and of a command's retries.
    pub backoff: BackoffPolicy,
    /// Tries after the first for a command that timed out, found no connection, or got a
    /// 429 or 5xx.
    pub command_retries: u32,
}

impl HttpSettings {
    pub fn from_config(http: &HttpConfig, refresh_interval: Duration) -> Result<Self, String> {
        let url = http.base_url.clone().ok_or_else(|| {
            "the http source needs the control plane's address: pass --url URL or set url in [http]"
                .to_string()
        })?;
        Ok(HttpSettings {
            transport: TransportSettings {
                url,
                ca_file: http.ca_file.clone(),
                allow_insecure_http: http.allow_insecure_http,
                connect_timeout: http.connect_timeout,
                request_timeout: http.timeout,
            },
            tokens: TokenSources {
                env: http.token_env.clone(),
                file: http.token_file.clone(),
                command: http.token_command.clone(),
            },
            refresh_interval,
            backoff: BackoffPolicy::default(),
            command_retries: 3,
        })
    }
}

pub struct HttpSource {
    transport: Arc<Transport>,
    refresh_interval: Duration,
    backoff: BackoffPolicy,
    retries: Retries,
    warnings: Vec<String>,
}

impl HttpSource {
    /// Finds the token (running `token_command` if it comes to that) and sets up the client;
    /// what stops it (no token, plain http to another host, a bad CA file) is said in words.
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let token = token::resolve(&settings.tokens, |name| std::env::var(name).ok())?;
        let transport = Transport::new(&settings.transport, &token)?;
        Ok(HttpSource {
            transport: Arc::new(transport),
            refresh_interval: settings.refresh_interval.max(Duration::from_millis(10)),
            backoff: settings.backoff,
            retries: Retries {
                policy: settings.backoff,
                retries: settings.command_retries,
            },
            warnings: token.warnings,
        })
    }

    /// Said once at start (a token file other users can read): the caller shows them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    async fn serve(
        self,
        events: UnboundedSender<SourceEvent>,
        mut commands: UnboundedReceiver<SourceCommand>,
    ) {
        if events
            .send(SourceEvent::Connection(Connection::Connecting))
            .is_err()
        {
            return;
        }
        let mut loop_state = Loop {
            state: Some(PollState::default()),
            running: None,
            refreshes: Vec::new(),
            answering: Vec::new(),
            next: Instant::now(),
            backoff: backoff::Backoff::new(self.backoff),
            live: false,
            poked: false,
        };
        let poke = Arc::new(Notify::new());
        let mut commands_open = true;
        loop {
            loop_state.start_poll_if_due(&self.transport);
            let next = loop_state.next;
            let idle = loop_state.running.is_none();
            let sent = tokio::select! {
                (state, polled) = maybe(&mut loop_state.running) => {
                    loop_state.running = None;
                    loop_state.state = Some(state);
                    loop_state.finished(polled, self.refresh_interval, &events)
                }
                () = tokio::time::sleep_until(next), if idle => Ok(()),
                () = poke.notified() => {
                    loop_state.poked = true;
                    if loop_state.running.is_none() && loop_state.live {
                        loop_state.next = Instant::now();
                    }
                    Ok(())
                }
                command = commands.recv(), if commands_open => {
                    match command {
                        Some(SourceCommand { id, op: Op::Refresh }) => loop_state.refreshes.push(id),
                        Some(command) => self.spawn_command(command, &events, &poke),
                        // The app dropped its sender: keep refreshing all the same.
                        None => commands_open = false,
                    }
                    Ok(())
                }
            };
            if sent.is_err() {
                return;
            }
        }
    }

    /// Runs one command on its own task; it sends its one answer whatever happens.
    fn spawn_command(
        &self,
        command: SourceCommand,
        events: &UnboundedSender<SourceEvent>,
        poke: &Arc<Notify>,
    ) {
        let transport = Arc::clone(&self.transport);
        let events = events.clone();
        let poke = Arc::clone(poke);
        let retries = self.retries;
        tokio::spawn(async move {
            let SourceCommand { id, op } = command;
            let outcome = commands::answer(&transport, &op, retries).await;
            let wrote = op.key().is_some() && outcome.is_ok();
            let _ = events.send(SourceEvent::Answer { id, outcome });
            // A write changed the lists: read them again now rather than at the interval.
            if wrote {
                poke.notify_one();
            }
        });
    }
}

type Running = std::pin::Pin<Box<dyn Future<Output = (PollState, Polled)> + Send>>;

/// The refresh loop's state between wake-ups.
struct Loop {
    /// With the loop between refreshes, inside the running refresh otherwise.
    state: Option<PollState>,
    running: Option<Running>,
    /// Operator refreshes waiting for the next refresh, and those the running one answers.
    refreshes: Vec<CommandId>,
    answering: Vec<CommandId>,
    next: Instant,
    backoff: backoff::Backoff,
    live: bool,
    /// A write finished while a refresh ran: refresh again right after it.
    poked: bool,
}

struct Closed;

impl Loop {
    fn start_poll_if_due(&mut self, transport: &Arc<Transport>) {
        if self.running.is_some() || (Instant::now() < self.next && self.refreshes.is_empty()) {
            return;
        }
        let Some(state) = self.state.take() else {
            return;
        };
        self.answering = std::mem::take(&mut self.refreshes);
        let whole = !self.answering.is_empty();
        self.poked = false;
        self.running = Some(Box::pin(fleet::poll(Arc::clone(transport), state, whole)));
    }

    fn finished(
        &mut self,
        polled: Polled,
        interval: Duration,
        events: &UnboundedSender<SourceEvent>,
    ) -> Result<(), Closed> {
        let send = |event| events.send(event).map_err(|_| Closed);
        for event in polled.events {
            send(event)?;
        }
        let answering = std::mem::take(&mut self.answering);
        match polled.failure {
            None => {
                self.backoff.reset();
                if !self.live {
                    self.live = true;
                    send(SourceEvent::Connection(Connection::Live))?;
                }
                self.next = if self.poked {
                    Instant::now()
                } else {
                    Instant::now() + interval
                };
                for id in answering {
                    send(SourceEvent::Answer {
                        id,
                        outcome: Ok(Reply::Refreshed),
                    })?;
                }
            }
            Some(failure) => {
                self.live = false;
                let wait = self.backoff.next(failure.retry_after);
                self.next = Instant::now() + wait;
                let error = failure.message.clone();
                tracing::warn!(%error, retry_in = %seconds(wait), "control plane read failed");
                send(SourceEvent::Connection(Connection::Failing {
                    error,
                    scope: None,
                    retry_in: Some(wait),
                }))?;
                for id in answering {
                    let outcome = Err(failure.clone().into_command_error());
                    send(SourceEvent::Answer { id, outcome })?;
                }
            }
        }
        Ok(())
    }
}

/// The running refresh, or never.
async fn maybe(running: &mut Option<Running>) -> (PollState, Polled) {
    match running {
        Some(future) => future.await,
        None => std::future::pending().await,
    }
}

impl Source for HttpSource {
    fn info(&self) -> SourceInfo {
        let mut detail = self.transport.authority().to_string();
        for warning in &self.warnings {
            detail.push_str(" · ");
            detail.push_str(warning);
        }
        SourceInfo {
            kind: "http",
            detail,
            cannot_act: None,
        }
    }

    fn run(
        self: Box<Self>,
        events: UnboundedSender<SourceEvent>,
        commands: UnboundedReceiver<SourceCommand>,
    ) -> SourceTask {
        Box::pin((*self).serve(events, commands))
    }
}
