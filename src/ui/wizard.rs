//! The restore wizard, over the screen it was opened from: the point, the mode, the ticket
//! and reason, and a review of what will happen, on one page.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use tui_input::Input;

use super::format::{age, coarse_age, timestamp};
use super::layout::centered;
use crate::app::keys;
use crate::app::screens::wizard::{Field, PointAsk, PointPick, WizardScreen};
use crate::app::{App, TimeDisplay};
use crate::domain::Tenant;
use crate::domain::humanize::{coarse, duration};
use crate::domain::region::Regions;
use crate::domain::restore::RestoreMode;
use crate::domain::rto::{Counting, RtoState, rto_clock};
use crate::theme::Theme;

const WIDTH: u16 = 100;
const LABEL: usize = 10;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    wizard: &WizardScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let tenant = app
        .fleet
        .position(&wizard.tenant)
        .map(|i| app.fleet.tenant(i));
    let lines = match tenant {
        Some(tenant) => form(app, tenant, wizard, theme, now),
        None => vec![Line::from(
            "This tenant is no longer in the fleet. Esc goes back.",
        )],
    };
    let status = Paragraph::new(status_line(app, wizard, theme)).wrap(Wrap { trim: false });
    let what = if wizard.is_drill() {
        "Restore drill"
    } else {
        "Restore"
    };
    let title = tenant.map_or(format!(" {what} "), |t| format!(" {what} · {} ", t.slug));
    // As tall as the wrapped text, and the outcome always in rows of its own at the bottom:
    // on a small terminal the form gives way, never what happened to the launch.
    let inner = WIDTH.min(area.width).saturating_sub(2).max(1);
    let status_rows = status.line_count(inner) as u16;
    let form = Paragraph::new(lines).wrap(Wrap { trim: false });
    let form_rows = form.line_count(inner) as u16;
    let popup = centered(area, WIDTH, form_rows + 1 + status_rows + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .title_bottom(Span::styled(footer(app), theme.dim))
        .style(theme.base);
    frame.render_widget(Clear, popup);
    let body = block.inner(popup);
    frame.render_widget(block, popup);
    let status_rows = status_rows.min(body.height);
    let [form_area, status_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(status_rows)]).areas(body);
    frame.render_widget(form, form_area);
    frame.render_widget(status, status_area);
}

fn form<'a>(
    app: &App,
    tenant: &Tenant,
    wizard: &WizardScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let pick = app.point_pick(wizard);
    let mut when = field("Point at", &wizard.when, wizard.field == Field::When, theme);
    if wizard.when.value().is_empty() {
        let zone = match app.time {
            TimeDisplay::Utc => "UTC".to_string(),
            TimeDisplay::Local => "local time".to_string(),
        };
        when.spans.push(Span::styled(
            format!(" empty = the most recent usable point · or a time ({zone}): -3h"),
            theme.dim,
        ));
    }
    lines.push(when);
    lines.extend(point_lines(app, &pick, now, theme));
    lines.extend(region_lines(app, tenant, wizard, &pick, theme, now));
    if wizard.is_drill() {
        lines.extend(drill_lines(tenant, wizard, theme));
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Review", theme.title)));
        lines.push(Line::from(drill_review(app, tenant, wizard, &pick)));
        return lines;
    }
    let target = &wizard.target;
    let (new_mark, over_mark) = match wizard.mode {
        RestoreMode::Overwrite => ("( )", "(•)"),
        _ => ("(•)", "( )"),
    };
    // One choice a line: with the longest slugs, one line of both would wrap mid-choice.
    lines.push(fact(
        "Mode",
        format!("{new_mark} new spoke {target}"),
        theme,
    ));
    lines.push(fact(
        "",
        format!("{over_mark} overwrite {}   (Ctrl-T switches)", tenant.slug),
        theme,
    ));
    lines.push(field(
        "Ticket",
        &wizard.ticket,
        wizard.field == Field::Ticket,
        theme,
    ));
    lines.push(field(
        "Reason",
        &wizard.reason,
        wizard.field == Field::Reason,
        theme,
    ));
    if wizard.mode == RestoreMode::Overwrite {
        lines.push(field(
            "Confirm",
            &wizard.confirm,
            wizard.field == Field::Confirm,
            theme,
        ));
        lines.push(Line::from(Span::styled(
            format!(
                "{:LABEL$}type {} to confirm: the site is replaced in place and its data since \
                 the point is lost",
                "", tenant.slug
            ),
            theme.amber,
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Review", theme.title)));
    lines.push(Line::from(review(app, tenant, wizard, &pick, now)));
    lines
}

/// Where it restores: the tenant's own region or its secondary from the copy there, with
/// the copy's age; why not, when this source cannot restore across regions. Nothing for a
/// tenant without a copy.
fn region_lines<'a>(
    app: &App,
    tenant: &Tenant,
    wizard: &WizardScreen,
    pick: &PointPick,
    theme: &Theme,
    now: DateTime<Utc>,
) -> Vec<Line<'a>> {
    let Some(secondary) = &tenant.secondary_region else {
        return Vec::new();
    };
    let regions = app.fleet.regions();
    match regions {
        // Nothing is said before the source has: most sources tell at once.
        Regions::Unread => return Vec::new(),
        Regions::NotOffered(why) => {
            return vec![fact("Region", format!("{} · {why}", tenant.region), theme)];
        }
        Regions::Reported { .. } => {}
    }
    let (own, copy) = match wizard.region {
        Some(_) => ("( )", "(•)"),
        None => ("(•)", "( )"),
    };
    let down = |name: &str| {
        if regions.down(name).is_some() {
            " — DOWN"
        } else {
            ""
        }
    };
    let own_style = if regions.down(&tenant.region).is_some() {
        theme.red
    } else {
        Style::default()
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:LABEL$}", "Region"), theme.dim),
            Span::styled(
                format!("{own} {} (its own){}", tenant.region, down(&tenant.region)),
                own_style,
            ),
        ]),
        fact(
            "",
            format!(
                "{copy} {secondary}, from its copy there{}   (Ctrl-R switches)",
                down(secondary)
            ),
            theme,
        ),
    ];
    if let (Some(region), PointPick::Chosen { choice, .. }) = (&wizard.region, pick)
        && let Some(landed) = choice.point.copied_to(region)
    {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(LABEL)),
            Span::styled(
                format!(
                    "copy landed {} ({}) · data loss {}",
                    timestamp(landed, app.time),
                    coarse_age(now, landed),
                    coarse((now - choice.point.taken_at).max(chrono::Duration::zero()))
                ),
                theme.dim,
            ),
        ]));
    }
    lines
}

/// Where a drill restores, and the slug typed to start it.
fn drill_lines<'a>(tenant: &Tenant, wizard: &WizardScreen, theme: &Theme) -> Vec<Line<'a>> {
    vec![
        fact(
            "Into",
            format!("a new spoke {}, thrown away after", wizard.target),
            theme,
        ),
        field(
            "Confirm",
            &wizard.confirm,
            wizard.field == Field::Confirm,
            theme,
        ),
        Line::from(Span::styled(
            format!(
                "{:LABEL$}type {}: this starts a real restore on the platform",
                "", tenant.slug
            ),
            theme.amber,
        )),
    ]
}

/// The point a review speaks of, or what it says instead while there is none.
fn reviewed_point(
    pick: &PointPick,
) -> Result<(crate::domain::ids::RestorePointId, DateTime<Utc>), String> {
    match pick {
        PointPick::Chosen { choice, .. } => Ok((choice.point.id.clone(), choice.point.taken_at)),
        PointPick::Summary(last) => Ok((last.restore_point_id.clone(), last.taken_at)),
        PointPick::Loading | PointPick::Searching => {
            Err("The review follows once the point is known.".to_string())
        }
        PointPick::Refused(_) => Err("Nothing to review: no point can be restored.".to_string()),
    }
}

/// What a drill does, in one paragraph.
fn drill_review(app: &App, tenant: &Tenant, wizard: &WizardScreen, pick: &PointPick) -> String {
    let (id, taken_at) = match reviewed_point(pick) {
        Ok(point) => point,
        Err(why) => return why,
    };
    let rto = crate::domain::policy::TierPolicy::of(&tenant.tier).map_or(
        "no RTO for this tier".to_string(),
        |p| {
            format!(
                "its restore time is measured against the RTO of {}",
                p.rto.words()
            )
        },
    );
    let checks = if app.own_checks_configured() {
        "by the control plane and by snapdeck itself"
    } else {
        "by the control plane ([verify] in the config adds snapdeck's own checks)"
    };
    format!(
        "Restores {id}, taken {}, into {} to prove that it restores; nobody is pointed at it \
         and no DNS moves. The monitor follows it: once it awaits confirmation it is checked \
         {checks}, the result is recorded and the spoke discarded; {rto}.",
        timestamp(taken_at, app.time),
        match &wizard.region {
            Some(region) => format!(
                "{} in {region} (a region drill, from its copy)",
                wizard.target
            ),
            None => wizard.target.clone(),
        },
    )
}

fn fact<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:LABEL$}"), theme.dim),
        Span::raw(value),
    ])
}

/// A text field, marked while it has the keyboard (a block cursor after its text).
fn field<'a>(label: &str, input: &Input, focused: bool, theme: &Theme) -> Line<'a> {
    let (marker, style) = if focused {
        ("▌", theme.input)
    } else {
        ("", Style::default())
    };
    Line::from(vec![
        Span::styled(format!("{label:LABEL$}"), theme.dim),
        Span::styled(format!("{}{marker}", input.value()), style),
    ])
}

/// The point chosen, how, and what to mind about it.
fn point_lines<'a>(
    app: &App,
    pick: &PointPick,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let indent = " ".repeat(LABEL);
    let (text, style) = match pick {
        PointPick::Loading => ("loading the restore points…".to_string(), theme.dim),
        PointPick::Searching => (
            "looking further back in the history for that time…".to_string(),
            theme.dim,
        ),
        PointPick::Refused(why) => (format!("✗ {why}"), theme.red),
        PointPick::Summary(last) => (
            format!(
                "✓ {} taken {} ({}): the most recent successful backup",
                last.restore_point_id,
                timestamp(last.taken_at, app.time),
                age(now, last.taken_at)
            ),
            theme.ok,
        ),
        PointPick::Chosen { choice, ask } => {
            let how = match ask {
                PointAsk::MostRecent => "the most recent usable point".to_string(),
                PointAsk::Picked(_) => "picked in the history".to_string(),
                PointAsk::Typed(at) => format!(
                    "the newest usable point at or before {}{}",
                    timestamp(*at, app.time),
                    choice
                        .lost_before_requested
                        .filter(|d| *d > chrono::Duration::zero())
                        .map_or(String::new(), |d| format!(
                            ": the {} between it and that time are not in it",
                            duration(d)
                        ))
                ),
            };
            (
                format!(
                    "✓ {} taken {} ({}) · {how}",
                    choice.point.id,
                    timestamp(choice.point.taken_at, app.time),
                    age(now, choice.point.taken_at)
                ),
                theme.ok,
            )
        }
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(indent.clone()),
        Span::styled(text, style),
    ])];
    if let PointPick::Chosen { choice, .. } = pick
        && let Some(warning) = &choice.warning
    {
        lines.push(Line::from(vec![
            Span::raw(indent),
            Span::styled(format!("▲ {warning}"), theme.amber),
        ]));
    }
    lines
}

/// What will happen, in one paragraph: the point, the data lost, the target, the RTO.
fn review(
    app: &App,
    tenant: &Tenant,
    wizard: &WizardScreen,
    pick: &PointPick,
    now: DateTime<Utc>,
) -> String {
    let (id, taken_at) = match reviewed_point(pick) {
        Ok(point) => point,
        Err(why) => return why,
    };
    let lost = duration((now - taken_at).max(chrono::Duration::zero()));
    let into = match wizard.mode {
        RestoreMode::Overwrite => format!(
            "over {} itself (the site goes into maintenance)",
            tenant.slug
        ),
        _ => match &wizard.region {
            Some(region) => format!(
                "into a new spoke {} in {region}, from its copy there; the original stays \
                 where it is",
                wizard.target
            ),
            None => format!(
                "into a new spoke {}; the original keeps running",
                wizard.target
            ),
        },
    };
    // The customer has waited since the ticket, when the wizard was opened from one.
    let waited_since = wizard.request.as_ref().map_or(now, |r| r.requested_at);
    let rto = rto_clock(&tenant.tier, waited_since, None, None, &app.calendar, now).map_or(
        "no RTO for this tier".to_string(),
        |clock| {
            let state = match clock.state {
                RtoState::Overdue { by } => format!(
                    " — already passed {} ago: the customer has waited since the ticket",
                    duration(by)
                ),
                RtoState::Running { left }
                    if wizard.request.is_some() && clock.counting == Counting::BusinessHours =>
                {
                    format!(
                        " — {}, {} business left, counted from the ticket",
                        age(now, clock.deadline.at),
                        duration(left)
                    )
                }
                RtoState::Running { left } if wizard.request.is_some() => {
                    format!(" — {} left, counted from the ticket", duration(left))
                }
                _ => String::new(),
            };
            format!(
                "RTO deadline {} ({} {}, {}){state}",
                timestamp(clock.deadline.at, app.time),
                duration(clock.budget),
                clock.counting.words(),
                clock.deadline.source.words()
            )
        },
    );
    format!(
        "Restores {id}, taken {}, {into}. Data-loss window: the {lost} since the point are not \
         in it. {rto}.",
        timestamp(taken_at, app.time),
    )
}

/// The keys that do something now, as the hint line has them.
fn footer(app: &App) -> String {
    let hints = keys::hints(&[app.screen_keys()], app.read_only, |a| app.offers(a));
    let words: Vec<String> = hints.iter().map(|(k, w)| format!("{k} {w}")).collect();
    format!(" {} ", words.join(" · "))
}

fn status_line<'a>(app: &App, wizard: &WizardScreen, theme: &Theme) -> Line<'a> {
    if let Some(launched) = &wizard.launched {
        return Line::from(Span::styled(
            format!("✓ {launched}. Enter opens its monitor; Esc closes this."),
            theme.ok,
        ));
    }
    if wizard.sending.is_some() {
        return Line::from(Span::styled(
            "▸ journaled and sent: waiting for the control plane's answer…",
            theme.info,
        ));
    }
    if let Some((id, phase)) = app.active_restore_of(&wizard.tenant) {
        return Line::from(Span::styled(
            format!(
                "▲ This tenant already has restore {id} in progress ({phase}): one restore at a \
                 time. Enter opens its monitor; Esc closes this."
            ),
            theme.amber,
        ));
    }
    match &wizard.problem {
        Some(problem) => Line::from(Span::styled(format!("▲ {problem}"), theme.amber)),
        None => Line::from(Span::styled(
            "Enter launches it once: a second Enter while it is on its way sends nothing.",
            theme.dim,
        )),
    }
}
