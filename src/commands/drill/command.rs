//! `snapdeck drill` from the command line: the source, the progress on stderr, the stop
//! signals, the summary on stdout and the exit code of the worst drill.

use std::process::ExitCode;
use std::sync::Arc;

use super::{CouldNotRun, How, Options, Which, operator, report, run};
use crate::commands::{Failure, print_out, runtime, session_id, user};
use crate::config::Config;
use crate::journal;
use crate::ops::progress;

pub fn command(config: &Config, which: Which, how: How, json: bool) -> Result<ExitCode, Failure> {
    let summary = drills(config, which, how)?;
    let text = if json {
        report::json(&summary)
    } else {
        report::table(&summary)
    };
    print_out(&text)?;
    Ok(ExitCode::from(summary.exit_code()))
}

/// Runs the drills, saying how they go on stderr: their summary, or why they could not run.
pub fn drills(config: &Config, which: Which, how: How) -> Result<super::Summary, Failure> {
    use std::io::IsTerminal;
    if config.read_only {
        return Err(user(
            "read-only: a drill makes and discards a restore on the platform, and read-only \
             forbids every write",
        ));
    }
    let (source, label) = crate::commands::source::acting_source(
        config,
        "a drill is a restore, and restores are made by the control plane",
    )?;
    let options = Options {
        which,
        point: how.point,
        parallel: how.parallel,
        time_limit: how.time_limit,
        cross_region: how.cross_region,
        verify: config.verify.clone(),
        journal: journal::path(),
        operator: operator(config.operator.as_deref()),
        source_label: label,
        session: session_id(),
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    };
    let progress: Arc<dyn progress::Progress> = if std::io::stderr().is_terminal() {
        Arc::new(progress::Live::new())
    } else {
        Arc::new(progress::Plain::new(Box::new(std::io::stderr())))
    };
    let summary = runtime()?.block_on(async {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let said = progress.clone();
        tokio::spawn(async move {
            stopping_signal().await;
            said.note(
                "stopping: no new drill starts; the drills under way are discarded (a second \
                 signal does not hurry this: their spokes must not be left behind)",
            );
            let _ = stop.send(true);
        });
        run(source, options, progress, stopped).await
    });
    summary.map_err(|CouldNotRun(why)| user(why))
}

/// Ctrl-C or SIGTERM (a timer's stop), whichever comes first.
pub async fn stopping_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
