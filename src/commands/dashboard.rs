//! The dashboard: the app wired to a terminal, a source and the journal.

use std::process::ExitCode;

use chrono::Utc;
use color_eyre::eyre::WrapErr;

use super::config::refresh_interval;
use super::source::{demo_clock, source_of};
use super::{Failure, session_id, user};
use crate::app::{App, Msg, Settings};
use crate::config::Config;
use crate::theme::Theme;
use crate::{journal, logging, source, tui};

pub fn command(config: &Config, theme: Theme) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(user(
            "the dashboard needs a terminal (stdin and stdout are not both one); for scripts use \
             `snapdeck status` or `snapdeck status --json`",
        ));
    }
    let calendar = config
        .business_hours
        .calendar()
        .map_err(|e| user(format!("business hours: {e}")))?;
    let log = logging::init();
    let clock = demo_clock(config);
    // Built before the terminal is taken over, so what stops it is said on a plain screen.
    let source = source_of(config, Some(clock.clone()))?;
    tui::install_panic_hook()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("could not start the async runtime")?;
    let outcome = runtime.block_on(async {
        let info = source.info();
        tracing::info!(source = info.kind, detail = %info.detail, log = ?log, "starting");
        let source::Started {
            events,
            commands,
            task,
        } = source::start(source);
        let operator = journal::operator(config.operator.as_deref());
        let mut notices = Vec::new();
        if operator.is_none() {
            notices.push(format!(
                "no operator name known (set `operator` in the config, or LOGNAME): the journal \
                 will say \"{}\"",
                journal::UNKNOWN_OPERATOR
            ));
        }
        let mut app = App::new(Settings {
            operator: operator.unwrap_or_else(|| journal::UNKNOWN_OPERATOR.to_string()),
            session: session_id(),
            refresh_interval: refresh_interval(config),
            calendar: calendar.clone(),
            read_only: config.read_only,
            time: config.time,
            local_zone: crate::config::local_zone(),
            source: info,
            verify: config.verify.is_some(),
            drill_max_age: config.drills.map(|d| d.max_age),
        });
        // Without a journal the dashboard still shows everything; writes are refused.
        let journal_path = journal::path();
        let unanswered = journal_path
            .as_deref()
            .and_then(|path| journal::read_journal(path).ok())
            .map_or(0, |read| read.unresolved().count());
        app.update(Msg::JournalUnanswered(unanswered), Utc::now());
        let journal = journal_path
            .ok_or_else(|| "no data directory on this system for the journal".to_string())
            .and_then(|path| journal::Journal::open(&path).map_err(|e| e.to_string()));
        if let Err(why) = &journal {
            tracing::warn!(%why, "journal unavailable: writes will be refused");
            // Said now, not at the first action it refuses.
            notices.push(format!(
                "every action will be refused: the journal cannot be written ({why})"
            ));
        }
        if !notices.is_empty() {
            app.update(Msg::Notice(notices.join(" · ")), Utc::now());
        } else if let Some(hint) = std::env::var("SNAPDECK_HINT")
            .ok()
            .filter(|h| !h.is_empty())
        {
            app.update(Msg::Hint(hint), Utc::now());
        }
        let channels = tui::Channels {
            events,
            commands,
            journal,
            verifier: tui::Verifier::new(config.verify.clone()),
        };
        let outcome = tui::run(app, &theme, clock, channels).await;
        task.abort();
        outcome
    });
    // Generating a million-tenant fleet runs on the blocking pool and cannot be interrupted:
    // quitting must not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(10));
    outcome?;
    Ok(ExitCode::SUCCESS)
}
