//! The tenant's Backups card: identity, the portal's four facts, flags in words, the tier's
//! promise, drills and the tenant's activity, each line wrapped to the card's width.

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::{App, TimeDisplay};
use crate::domain::humanize::{duration, period};
use crate::domain::policy::{Rto, TierPolicy};
use crate::domain::restore::RestorePurpose;
use crate::domain::tenant::{AttemptStatus, Fact, Tenant, TenantKind};
use crate::domain::{Health, health};
use crate::theme::Theme;
use crate::ui::format::{age, business_deadline, countdown, date, timestamp};

const LABEL_WIDTH: usize = 27;

/// Recent restores and swaps of the tenant listed in its card.
const RECENT: usize = 3;
/// Drills before the last one listed in the card.
const PAST_DRILLS: usize = 4;

/// "✓ passed 5d ago (2026-11-21 03:10) · restored in 1h 42m; RTO 4h · point of 11-20 14:00 ·
/// 5 checks passed".
fn drill_line(
    d: &crate::domain::drill::LastDrill,
    rto: Option<Rto>,
    now: DateTime<Utc>,
    zone: TimeDisplay,
) -> String {
    let mut text = format!(
        "{} {} {} ({})",
        d.result.glyph(),
        d.result,
        age(now, d.finished_at),
        timestamp(d.finished_at, zone)
    );
    if let Some(took) = d.restore_duration() {
        text.push_str(&format!(" · restored in {}", duration(took)));
        if let Some(rto) = rto {
            let over = if took > rto.limit() {
                " — over the RTO"
            } else {
                ""
            };
            text.push_str(&format!("; RTO {}{over}", rto.words()));
        }
    }
    if let Some(at) = d.point_taken_at {
        text.push_str(&format!(" · point of {}", timestamp(at, zone)));
    }
    if !d.summary.is_empty() {
        text.push_str(&format!(" · {}", d.summary));
    }
    text
}

/// Lines of the card, each already wrapped to the card's width so scrolling is exact.
pub(super) struct Card<'t> {
    pub(super) width: usize,
    pub(super) theme: &'t Theme,
    pub(super) lines: Vec<Line<'static>>,
}

impl Card<'_> {
    pub(super) fn build(&mut self, app: &App, t: &Tenant, h: &Health, now: DateTime<Utc>) {
        let zone = app.time;
        self.identity(app, t, h, zone);
        self.blank();
        self.section("The portal's Backups card");
        self.fact("Last successful snapshot", last_success(t, now, zone));
        self.fact("Next scheduled snapshot", next_run(t, now, zone));
        self.fact("Retention window", retention(t, zone));
        if let Some(callout) = failed_callout(t, now) {
            self.wrapped(&format!("▲ {callout}"), "  ", self.theme.callout);
        }
        self.blank();
        self.section("Health");
        self.flags(h);
        self.not_checked(t);
        self.blank();
        self.section("The promise");
        self.promise(t, now, zone);
        self.blank();
        self.section("Restore drills");
        self.drills(app, t, now, zone);
    }

    /// The last drill against the tier's RTO, then the past ones as the control plane
    /// lists them.
    fn drills(&mut self, app: &App, t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) {
        let rto = TierPolicy::of(&t.tier).map(|p| p.rto);
        if !crate::domain::drill::knows_drills(t) {
            let why = match t.restore_of {
                Some(_) => "none: this spoke is a restore's target, not a customer's site",
                None => "not known here: drills are recorded by the control plane, not the cluster",
            };
            self.fact("Last drill", why.to_string());
            return;
        }
        let Some(last) = &t.backup.last_drill else {
            self.fact(
                "Last drill",
                "never: nobody has proved that this tenant's backups restore".to_string(),
            );
            return;
        };
        self.fact("Last drill", drill_line(last, rto, now, zone));
        let Some(past) = app.drills_of(&t.id) else {
            return;
        };
        if let Some(error) = &past.error {
            self.wrapped(
                &format!("past drills not read: {error}"),
                "  ",
                self.theme.dim,
            );
            return;
        }
        if !past.is_loaded() {
            self.wrapped("past drills: loading…", "  ", self.theme.dim);
            return;
        }
        for d in past.records.iter().skip(1).take(PAST_DRILLS) {
            self.fact("Earlier drill", drill_line(&d.drill, rto, now, zone));
        }
        let more = past.records.len().saturating_sub(1 + PAST_DRILLS);
        let text = match (past.more, more) {
            (true, _) => "and earlier drills".to_string(),
            (false, 0) => return,
            (false, n) => format!("and {n} earlier"),
        };
        self.wrapped(&text, "  ", self.theme.dim);
    }

    /// The tenant's restores, DNS swaps and open requests, newest first.
    pub(super) fn activity(&mut self, app: &App, t: &Tenant, now: DateTime<Utc>) {
        let zone = app.time;
        let restores: Vec<_> = app
            .restores
            .iter()
            .filter(|r| r.tenant_id == t.id)
            .take(RECENT)
            .collect();
        let swaps: Vec<_> = app
            .dns_swaps
            .iter()
            .filter(|s| s.tenant_id == t.id)
            .take(RECENT)
            .collect();
        let requests: Vec<_> = app
            .requests
            .iter()
            .filter(|r| r.tenant_id == t.id)
            .collect();
        self.blank();
        self.section("Restores, DNS swaps and requests");
        if restores.is_empty() && swaps.is_empty() && requests.is_empty() {
            let none = match app.source.cannot_act {
                Some(why) => format!("not shown here: {why}"),
                None => "none: no restore, DNS swap or open request for this tenant".to_string(),
            };
            self.wrapped(&none, "  ", self.theme.dim);
            return;
        }
        for r in restores {
            let ticket = r
                .ticket
                .as_deref()
                .map_or(String::new(), |t| format!(" · {t}"));
            let error = r
                .error
                .as_deref()
                .map_or(String::new(), |e| format!(" — {e}"));
            let text = format!(
                "{} → {} ({}) · {} · requested {}{ticket}{error}",
                r.id,
                r.target_slug,
                r.mode,
                r.phase.label().replace('_', " "),
                age(now, r.requested_at)
            );
            // A drill thrown away is not a customer's restore someone threw away.
            let label = match r.purpose {
                RestorePurpose::Drill => "Drill",
                _ => "Restore",
            };
            self.fact(label, text);
        }
        for s in swaps {
            let error = s
                .error
                .as_deref()
                .map_or(String::new(), |e| format!(" — {e}"));
            let text = format!(
                "{} {} → {} · {} · {}{error}",
                s.id,
                s.hostname,
                s.to_target,
                s.phase.label().replace('_', " "),
                timestamp(s.updated_at, zone)
            );
            self.fact("DNS swap", text);
        }
        for r in requests {
            let state = match r.ack_state(now, &app.calendar) {
                crate::domain::request::AckState::Overdue { by } => {
                    format!("✗ acknowledgement overdue by {}", duration(by))
                }
                crate::domain::request::AckState::Waiting { left } => format!(
                    "waiting: acknowledge by {}",
                    business_deadline(r.ack_deadline(&app.calendar).at, left, now, app.time)
                ),
                crate::domain::request::AckState::Acknowledged { at, .. } => {
                    format!("acknowledged {}", age(now, at))
                }
            };
            let text = format!(
                "{} · requested {} · {state} · {}",
                r.ticket,
                age(now, r.requested_at),
                r.note
            );
            self.fact("Request", text);
        }
    }

    fn blank(&mut self) {
        self.lines.push(Line::raw(""));
    }

    fn section(&mut self, title: &str) {
        self.lines.push(Line::from(Span::styled(
            title.to_string(),
            self.theme.accent,
        )));
    }

    fn identity(&mut self, app: &App, t: &Tenant, h: &Health, zone: TimeDisplay) {
        let parent = match (&t.kind, &t.hub_id) {
            (TenantKind::Spoke, Some(hub)) => {
                let hub_slug = app
                    .fleet
                    .position(hub)
                    .map_or(hub.0.clone(), |i| app.fleet.tenant(i).slug.clone());
                format!("spoke of {hub_slug}")
            }
            (kind, _) => kind.label().into_owned(),
        };
        let parent = match &t.restore_of {
            Some(source) => {
                let source_slug = app
                    .fleet
                    .position(source)
                    .map_or(source.0.clone(), |i| app.fleet.tenant(i).slug.clone());
                format!("{parent} · ↺ restore of {source_slug}")
            }
            None => parent,
        };
        self.lines.push(Line::from(vec![
            Span::styled(
                format!("{} {} ", h.level.glyph(), h.level.word()),
                self.theme.level(h.level),
            ),
            Span::styled(format!(" {} ", t.display_name), self.theme.title),
            Span::styled(format!(" {parent}"), self.theme.dim),
        ]));
        let mut details = format!(
            "{} · {} · {} · {} · created {} · {}",
            t.tier_label(),
            t.region,
            t.hostname,
            t.state,
            date(t.created_at, zone),
            t.id
        );
        if let Some(view) = t.cluster() {
            details.push_str(&format!(" · cluster {}", view.cluster));
        }
        self.wrapped(&details, "", self.theme.dim);
    }

    /// "  Label          value", the value wrapped under itself.
    fn fact(&mut self, label: &str, value: String) {
        let indent = " ".repeat(LABEL_WIDTH);
        let mut rows = wrap(&value, self.width.saturating_sub(LABEL_WIDTH).max(16)).into_iter();
        let first = rows.next().unwrap_or_default();
        self.lines.push(Line::from(vec![
            Span::styled(
                format!("  {label:<w$}", w = LABEL_WIDTH - 2),
                self.theme.dim,
            ),
            Span::raw(first),
        ]));
        self.lines
            .extend(rows.map(|row| Line::raw(format!("{indent}{row}"))));
    }

    fn wrapped(&mut self, text: &str, indent: &str, style: Style) {
        for row in wrap(text, self.width.saturating_sub(indent.len()).max(16)) {
            self.lines
                .push(Line::from(Span::styled(format!("{indent}{row}"), style)));
        }
    }

    fn flags(&mut self, h: &Health) {
        if h.flags.is_empty() {
            self.lines.push(Line::from(Span::styled(
                "  ✓ No flags: backups meet the promise.",
                self.theme.ok,
            )));
            return;
        }
        let mut previous = None;
        for f in &h.flags {
            // Several of one kind ("cannot tell") share their heading.
            if previous != Some(f.kind) {
                let style = self.theme.level(f.level());
                self.lines.push(Line::from(Span::styled(
                    format!("  {} {}", f.level().glyph(), f.kind.title()),
                    style,
                )));
            }
            previous = Some(f.kind);
            self.wrapped(&f.explanation, "      ", Style::default());
        }
    }

    /// The checks that do not apply to this tenant, and why, so their absence is not read
    /// as "fine".
    fn not_checked(&mut self, t: &Tenant) {
        for (kind, why) in health::not_applicable(t) {
            self.lines.push(Line::from(Span::styled(
                format!("  – {}: {why}", kind.title()),
                self.theme.dim,
            )));
        }
    }

    fn promise(&mut self, t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) {
        if let Some(own) = t.cluster().and_then(|c| c.self_host) {
            let rpo = period(chrono::Duration::seconds(own.rpo_seconds));
            self.fact(
                "RPO",
                format!("{rpo} (the customer's own policy, [self_host])"),
            );
            self.fact("Database dumps", SELF_HOST_ONLY.to_string());
            self.fact("Cross-region copy", SELF_HOST_ONLY.to_string());
            self.last_attempt(t, now, zone);
            return;
        }
        let Some(policy) = TierPolicy::of(&t.tier) else {
            self.fact(
                "Tier",
                format!("{} — no policy known for this tier", t.tier),
            );
            return;
        };
        let rto = match policy.rto {
            Rto::WallClock(d) => format!("{} h wall clock, 24/7", d.num_hours()),
            Rto::BusinessHours(d) => format!("{} business hours, best effort", d.num_hours()),
        };
        self.fact("RPO / RTO", format!("{} h / {rto}", policy.rpo.num_hours()));
        let copies = match (&t.backup.cross_region, policy.cross_region) {
            (_, false) => "none on this tier (single in-region copy)".to_string(),
            (None, true) => "none recorded".to_string(),
            (Some(c), true) => {
                let when = c.last_copied_at.map_or("never".to_string(), |at| {
                    format!("{} ({})", timestamp(at, zone), age(now, at))
                });
                let secondary = t.secondary_region.as_deref().unwrap_or("?");
                format!(
                    "{} → {secondary}: {} · last copied {when}",
                    t.region, c.status
                )
            }
        };
        self.fact("Cross-region copy", copies);
        self.last_attempt(t, now, zone);
    }

    fn last_attempt(&mut self, t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) {
        if let Some(attempt) = &t.backup.last_attempt {
            let error = attempt
                .error
                .as_deref()
                .map_or(String::new(), |e| format!(" — {e}"));
            let when = format!(
                "{} ({})",
                timestamp(attempt.taken_at, zone),
                age(now, attempt.taken_at)
            );
            self.fact("Last attempt", format!("{} {when}{error}", attempt.status));
        }
        if let Some(restore) = &t.active_restore_id {
            self.fact("Active restore", restore.to_string());
        }
    }
}

fn last_success(t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) -> String {
    match &t.backup.last_success {
        Some(s) => format!(
            "{}  ({})  pair skew {}",
            timestamp(s.taken_at, zone),
            age(now, s.taken_at),
            duration(chrono::Duration::seconds(s.skew_seconds.abs()))
        ),
        None => "never — no successful backup exists".to_string(),
    }
}

/// What the card says where a self-host chart makes no such thing.
const SELF_HOST_ONLY: &str = "not part of self-host backups (the chart snapshots the volume only)";

fn next_run(t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) -> String {
    let s = &t.backup.schedule;
    if s.cron.is_empty() {
        return "unknown — no backup schedule found".to_string();
    }
    let when = s.next_run_at.map_or("not scheduled".to_string(), |at| {
        format!("{}  ({})", timestamp(at, zone), countdown(now, at))
    });
    let suspended = match t.cluster().is_some_and(|c| c.suspended) {
        true => "SUSPENDED (spec.suspend: true) · was due ",
        false => "",
    };
    format!("{suspended}{when}  · cron `{}` in {}", s.cron, s.timezone)
}

fn retention(t: &Tenant, zone: TimeDisplay) -> String {
    let b = &t.backup;
    if t.cannot_tell(&Fact::Retention) {
        return format!(
            "unknown for tier {} · {} restore points",
            t.tier, b.restore_point_count
        );
    }
    let oldest = b
        .oldest_restore_point_at
        .map_or("none yet".to_string(), |at| {
            format!("oldest {}", date(at, zone))
        });
    let whose = match t.is_self_host() {
        true => "self-host policy".to_string(),
        false => format!("{} tier", t.tier),
    };
    format!(
        "{} days ({whose}) · {} restore points · {oldest}",
        b.retention_days, b.restore_point_count
    )
}

/// The portal's amber callout: shown when the most recent snapshot failed.
fn failed_callout(t: &Tenant, now: DateTime<Utc>) -> Option<String> {
    let attempt = t.backup.last_attempt.as_ref()?;
    let how = match attempt.status {
        AttemptStatus::Failed => "failed",
        AttemptStatus::Partial => "partly failed",
        _ => return None,
    };
    let error = attempt.error.as_deref().unwrap_or("no error recorded");
    Some(format!(
        "The most recent snapshot {how} {}: {error}",
        age(now, attempt.taken_at)
    ))
}

/// Greedy word wrap; a word longer than the width gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        let lines = super::wrap("the quick brown fox jumps over the lazy dog", 10);
        assert_eq!(
            lines,
            ["the quick", "brown fox", "jumps over", "the lazy", "dog"]
        );
        assert!(super::wrap("", 10).is_empty());
        assert_eq!(
            super::wrap("unbreakablewordlongerthanwidth", 5),
            ["unbreakablewordlongerthanwidth"]
        );
    }
}
