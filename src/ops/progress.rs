//! What `snapdeck drill` says while it runs, on stderr: on a terminal one live line per
//! drill (phase, progress, elapsed), redrawn in place; in a pipe or a log, one plain line
//! per phase change, each stamped, so a timer's log reads as what happened when.

use std::sync::Mutex;
use std::time::Duration;

use crate::domain::restore::{Restore, RestorePhase, StepStatus};

/// The run's voice.
pub trait Progress: Send + Sync {
    /// A drill starts: its line.
    fn start(&self, tenant: &str) -> Box<dyn Line>;
    /// Something about the run as a whole.
    fn note(&self, text: &str);
}

/// One drill's line.
pub trait Line: Send + Sync {
    /// The restore moved (phase or step progress).
    fn phase(&self, restore: &Restore);
    /// The restore is ready: its checks run.
    fn checking(&self);
    /// The drill is over, in words.
    fn done(&self, text: &str);
}

/// "restoring database 42% · rst_x → oak-drill-20261204".
fn phase_words(restore: &Restore) -> String {
    let running = restore
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Running)
        .and_then(|s| s.progress)
        .map_or(String::new(), |p| format!(" {:.0}%", p * 100.0));
    let error = match (&restore.phase, &restore.error) {
        (RestorePhase::Failed, Some(e)) => format!(": {e}"),
        _ => String::new(),
    };
    format!(
        "{}{running}{error} · {} → {}",
        restore.phase.label().replace('_', " "),
        restore.id,
        restore.target_slug
    )
}

type Out = std::sync::Arc<Mutex<Box<dyn std::io::Write + Send>>>;

/// One stamped line.
fn say(out: &Out, text: &str) {
    let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(out, "{stamp} {text}");
    let _ = out.flush();
}

/// Plain lines, for a pipe or a log.
pub struct Plain {
    out: Out,
}

impl Plain {
    pub fn new(out: Box<dyn std::io::Write + Send>) -> Plain {
        Plain {
            out: std::sync::Arc::new(Mutex::new(out)),
        }
    }
}

struct PlainLine {
    out: Out,
    tenant: String,
    /// The phase last said: a line per phase change, not per percent.
    said: Mutex<Option<RestorePhase>>,
}

impl Progress for Plain {
    fn start(&self, tenant: &str) -> Box<dyn Line> {
        say(&self.out, &format!("{tenant}: drill starting"));
        Box::new(PlainLine {
            out: self.out.clone(),
            tenant: tenant.to_string(),
            said: Mutex::new(None),
        })
    }

    fn note(&self, text: &str) {
        say(&self.out, text);
    }
}

impl Line for PlainLine {
    fn phase(&self, restore: &Restore) {
        let mut said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        if said.as_ref() == Some(&restore.phase) {
            return;
        }
        *said = Some(restore.phase.clone());
        drop(said);
        say(
            &self.out,
            &format!("{}: {}", self.tenant, phase_words(restore)),
        );
    }

    fn checking(&self) {
        say(
            &self.out,
            &format!("{}: checking the restored spoke", self.tenant),
        );
    }

    fn done(&self, text: &str) {
        say(&self.out, &format!("{}: {text}", self.tenant));
    }
}

/// Live lines on a terminal, one per drill, each with its elapsed time.
pub struct Live {
    bars: indicatif::MultiProgress,
}

impl Live {
    pub fn new() -> Live {
        Live {
            bars: indicatif::MultiProgress::with_draw_target(
                indicatif::ProgressDrawTarget::stderr(),
            ),
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

struct LiveLine {
    bar: indicatif::ProgressBar,
}

impl Progress for Live {
    fn start(&self, tenant: &str) -> Box<dyn Line> {
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} {prefix:<28} {elapsed:>4}  {wide_msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        let bar = self.bars.add(indicatif::ProgressBar::new_spinner());
        bar.set_style(style);
        bar.set_prefix(tenant.to_string());
        bar.set_message("choosing a restore point");
        bar.enable_steady_tick(Duration::from_millis(250));
        Box::new(LiveLine { bar })
    }

    fn note(&self, text: &str) {
        let _ = self.bars.println(text);
    }
}

impl Line for LiveLine {
    fn phase(&self, restore: &Restore) {
        self.bar.set_message(phase_words(restore));
    }

    fn checking(&self) {
        self.bar.set_message("checking the restored spoke");
    }

    fn done(&self, text: &str) {
        self.bar.finish_with_message(text.to_string());
    }
}
