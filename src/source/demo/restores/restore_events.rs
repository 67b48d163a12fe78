//! A demo restore's live log (`GET /restores/{id}/events`): every line its timeline will have
//! said, written out from the plan alone, so the log at any instant is a pure function of the
//! plan and that instant, and a line keeps its sequence number whenever it is asked for.

use chrono::{DateTime, Duration, Utc};

use super::{RestorePlan, Verdict};
use crate::domain::humanize::duration;
use crate::domain::restore::{CheckStatus, RestoreEvent, RestoreMode, RestorePhase};

/// The tables whose data pg_restore reports while the database step runs, in its order.
const TABLES: [&str; 8] = [
    "mdl_config",
    "mdl_user",
    "mdl_course",
    "mdl_context",
    "mdl_role_assignments",
    "mdl_grade_grades",
    "mdl_question_attempts",
    "mdl_logstore_standard_log",
];

/// How many progress lines a restoring step writes (at each tenth).
const PROGRESS_LINES: u32 = 9;

impl RestorePlan {
    /// The events up to `now`, oldest first, numbered from 1.
    pub fn events(&self, now: DateTime<Utc>) -> Vec<RestoreEvent> {
        self.script()
            .into_iter()
            .enumerate()
            .filter(|(_, (at, _, _))| *at <= now)
            .map(|(i, (at, level, message))| RestoreEvent {
                seq: i as u64 + 1,
                at,
                level: level.to_string(),
                message,
            })
            .collect()
    }

    /// Every line this restore will ever log, in order. Lines after the instant it ends
    /// (failed, confirmed or cancelled) are never written; the end's own line comes last.
    fn script(&self) -> Vec<(DateTime<Utc>, &'static str, String)> {
        let mut lines = Vec::new();
        let base = &self.base;
        let mode = match base.mode {
            RestoreMode::Overwrite => format!("overwrite {}", base.target_slug),
            _ => format!("new spoke {}", base.target_slug),
        };
        let point = base
            .restore_point_id
            .as_ref()
            .map_or("the most recent backup".to_string(), |p| p.to_string());
        lines.push((
            base.requested_at,
            "info",
            format!(
                "restore requested by {} (ticket {}): {point} → {mode}",
                base.requested_by,
                base.ticket.as_deref().unwrap_or("none")
            ),
        ));
        lines.push((base.requested_at, "info", "queued".to_string()));
        for index in 0..self.durations.len() {
            if let Some((start, length)) = self.step_window(index) {
                self.step_lines(index, start, length, &mut lines);
            }
        }
        let end_of_work = self.step_window(3).map(|(start, length)| start + length);
        if let Some(at) = end_of_work {
            lines.push(self.awaiting_line(at));
        }
        // Ending: the failure, else the operator's move, cut the script at their instant.
        let ending = match (self.fails_at(), &self.ended) {
            (Some(fails), ended) if ended.as_ref().is_none_or(|e| e.at >= fails) => {
                let step = self.failure.map_or(1, |f| f.step);
                let phase = RestorePhase::HAPPY_PATH.get(step + 1).cloned();
                let phase = phase.map_or(String::new(), |p| p.label().replace('_', " "));
                Some((
                    fails,
                    vec![
                        ("error", self.failure_message(step)),
                        (
                            "error",
                            format!("restore failed in {phase}: nothing more will run"),
                        ),
                    ],
                ))
            }
            (_, Some(ended)) => {
                let quoted = match ended.notes.trim() {
                    "" => String::new(),
                    notes => format!(": \u{201c}{notes}\u{201d}"),
                };
                let line = match ended.phase {
                    RestorePhase::Completed => format!("confirmed by {}{quoted}", ended.by),
                    RestorePhase::Discarded => format!(
                        "discarded by {}{quoted}; tearing down {}",
                        ended.by, self.base.target_slug
                    ),
                    _ => format!("cancelled by {}: work not finished is skipped", ended.by),
                };
                Some((ended.at, vec![("info", line)]))
            }
            _ => None,
        };
        if let Some((at, last)) = ending {
            lines.retain(|(line_at, _, _)| *line_at <= at);
            lines.extend(last.into_iter().map(|(level, m)| (at, level, m)));
        }
        // Stable: lines of one instant keep the order they were written in.
        lines.sort_by_key(|(at, _, _)| *at);
        lines
    }

    /// A step's start, what it says while it runs, and its end.
    fn step_lines(
        &self,
        index: usize,
        start: DateTime<Utc>,
        length: Duration,
        lines: &mut Vec<(DateTime<Utc>, &'static str, String)>,
    ) {
        let name = self.step_name(index);
        let at = |fraction: f64| {
            start + Duration::milliseconds((length.num_milliseconds() as f64 * fraction) as i64)
        };
        let phase = RestorePhase::HAPPY_PATH
            .get(index + 1)
            .map_or(String::new(), |p| p.label().replace('_', " "));
        lines.push((start, "info", format!("{phase}: {name} started")));
        let target = &self.base.target_slug;
        match index {
            0 if self.base.mode == RestoreMode::Overwrite => {
                lines.push((at(0.1), "info", format!("maintenance mode on for {target}")));
                lines.push((
                    at(0.6),
                    "info",
                    format!("safety snapshot {target}-pre-restore taken"),
                ));
            }
            0 => {
                lines.push((at(0.1), "info", format!("namespace {target} created")));
                lines.push((at(0.4), "info", "database provisioned".to_string()));
                lines.push((
                    at(0.7),
                    "info",
                    format!("PVC moodledata bound ({:.0} GiB)", self.volume_gib),
                ));
            }
            1 | 2 => {
                let total = if index == 1 {
                    self.database_gib
                } else {
                    self.volume_gib
                };
                for tenth in 1..=PROGRESS_LINES {
                    let fraction = f64::from(tenth) / 10.0;
                    lines.push((
                        at(fraction),
                        "info",
                        format!("restored {:.1} of {total:.1} GiB", total * fraction),
                    ));
                }
                if index == 1 {
                    for (k, table) in TABLES.iter().enumerate() {
                        let fraction = (k as f64 + 0.5) / TABLES.len() as f64;
                        lines.push((
                            at(fraction),
                            "info",
                            format!("pg_restore: processing data for table \"public.{table}\""),
                        ));
                    }
                }
            }
            _ => {
                let checks = self.verification();
                let n = checks.len() as f64 + 1.0;
                for (k, check) in checks.iter().enumerate() {
                    let (level, word) = match check.status {
                        CheckStatus::Passed => ("info", "passed"),
                        CheckStatus::Warning => ("warn", "warning"),
                        _ => ("error", "FAILED"),
                    };
                    lines.push((
                        at((k as f64 + 1.0) / n),
                        level,
                        format!("check {word}: {} — {}", check.name, check.detail),
                    ));
                }
            }
        }
        lines.push((
            start + length,
            "info",
            format!("{name} succeeded in {}", duration(length)),
        ));
    }

    /// The line that hands the restore to the operator, with how its checks came out.
    fn awaiting_line(&self, at: DateTime<Utc>) -> (DateTime<Utc>, &'static str, String) {
        let checks = self.verification();
        let passed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Passed)
            .count();
        let level = match self.verdict {
            Verdict::Passed => "info",
            Verdict::Warning => "warn",
            Verdict::Failed => "error",
        };
        (
            at,
            level,
            format!(
                "awaiting confirmation: {passed} of {} checks passed",
                checks.len()
            ),
        )
    }
}

#[cfg(test)]
mod tests;
