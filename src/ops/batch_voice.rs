//! What `snapdeck failover run` says while it runs, on stderr: on a terminal a bar per state
//! and the projection, redrawn in place; in a pipe, a stamped line per tenant that moved and
//! the totals when they change.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::domain::tenant::TenantId;
use crate::domain::workflow::failover::{BatchFlow, Stage, Totals};

/// The batch's voice.
pub trait Voice: Send + Sync {
    /// The batch as it is now (the source's clock).
    fn update(&self, flow: &BatchFlow, now: DateTime<Utc>);
    /// Something about the batch as a whole.
    fn note(&self, text: &str);
}

/// A member's line: "northfield-hub: awaiting you · 4 of 4 passed · rst_x".
fn member_words(flow: &BatchFlow, tenant: &TenantId) -> String {
    let Some(m) = flow.member(tenant) else {
        return String::new();
    };
    let mut words = format!("{}: {}", m.slug, m.state_word());
    if let Some(r) = &m.restore {
        words.push_str(&format!(" · {}", r.id));
    }
    if matches!(m.stage, Stage::Awaiting | Stage::Confirmed | Stage::Swapped) {
        words.push_str(&format!(" · checks {}", m.checks_words()));
    }
    if let Some(note) = &m.note {
        words.push_str(&format!(" · {note}"));
    }
    words
}

type Out = Mutex<Box<dyn std::io::Write + Send>>;

fn say(out: &Out, text: &str) {
    let stamp = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(out, "{stamp} {text}");
    let _ = out.flush();
}

/// What was said last: each member's stage and note, and the totals.
type Said = (HashMap<TenantId, (Stage, Option<String>)>, Option<Totals>);

/// Stamped lines, for a pipe or a log.
pub struct Plain {
    out: Out,
    said: Mutex<Said>,
}

impl Plain {
    pub fn new(out: Box<dyn std::io::Write + Send>) -> Plain {
        Plain {
            out: Mutex::new(out),
            said: Mutex::default(),
        }
    }
}

impl Voice for Plain {
    fn update(&self, flow: &BatchFlow, now: DateTime<Utc>) {
        let mut said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        for m in &flow.members {
            let now_is = (m.stage.clone(), m.note.clone());
            if said.0.get(&m.tenant) != Some(&now_is) {
                if m.stage != Stage::Waiting || said.0.contains_key(&m.tenant) {
                    say(&self.out, &member_words(flow, &m.tenant));
                }
                said.0.insert(m.tenant.clone(), now_is);
            }
        }
        let totals = flow.totals();
        if said.1 != Some(totals) {
            said.1 = Some(totals);
            let text = format!(
                "{} · {}",
                totals.words(),
                flow.projected_words(flow.projected(now))
            );
            say(&self.out, &text);
        }
    }

    fn note(&self, text: &str) {
        say(&self.out, text);
    }
}

/// Bars on a terminal: one per state, and the projection under them.
pub struct Live {
    bars: indicatif::MultiProgress,
    states: Vec<(&'static str, indicatif::ProgressBar)>,
    projection: indicatif::ProgressBar,
}

impl Live {
    pub fn new(members: usize) -> Live {
        let bars =
            indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{prefix:>10} {bar:40} {pos:>5}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        let states = [
            "queued",
            "restoring",
            "awaiting",
            "confirmed",
            "swapped",
            "failed",
        ]
        .into_iter()
        .map(|name| {
            let bar = bars.add(indicatif::ProgressBar::new(members as u64));
            bar.set_style(style.clone());
            bar.set_prefix(name);
            (name, bar)
        })
        .collect();
        let projection = bars.add(indicatif::ProgressBar::new_spinner());
        Live {
            bars,
            states,
            projection,
        }
    }
}

impl Voice for Live {
    fn update(&self, flow: &BatchFlow, now: DateTime<Utc>) {
        let t = flow.totals();
        let counts = [
            t.queued,
            t.restoring,
            t.awaiting,
            t.confirmed,
            t.swapped,
            t.failed,
        ];
        for ((_, bar), n) in self.states.iter().zip(counts) {
            bar.set_position(n as u64);
        }
        self.projection
            .set_message(flow.projected_words(flow.projected(now)));
        self.projection.tick();
    }

    fn note(&self, text: &str) {
        let _ = self.bars.println(text);
    }
}
