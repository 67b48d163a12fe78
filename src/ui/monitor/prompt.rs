//! The monitor's bottom rows: what the operator can do next, or the typed confirmation under
//! way (the DNS swap screen types its confirmations the same way).

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::screens::monitor::{Field, Move, Prompt};
use crate::domain::restore::{Restore, RestorePhase};
use crate::theme::Theme;

/// What the operator can do next, or the typed confirmation under way.
pub(super) fn next_move<'a>(
    app: &App,
    restore: &Restore,
    prompt: Option<&Prompt>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let Some(prompt) = prompt else {
        let discard = restore.can_discard();
        let drill = restore.purpose == crate::domain::restore::RestorePurpose::Drill;
        let text = if restore.phase.can_confirm() && drill {
            "A restore drill: never confirmed. Its result is recorded and its spoke discarded \
             once the checks are in."
        } else if restore.phase.can_confirm() {
            match (app.all_checks_passed(restore), discard) {
                (true, _) => "Every check passed: c confirms the restore (with your notes).",
                (false, true) => {
                    "▲ A check did not pass: read it first. c confirms all the same (notes and \
                     the slug typed); D discards the spoke (a reason and its slug)."
                }
                (false, false) => {
                    "▲ A check did not pass: read it before confirming. c confirms (notes, and \
                     the slug typed)."
                }
            }
        } else if restore.phase.can_cancel() && app.drill_flow(&restore.id).is_some() {
            "A drill this dashboard runs: X stops it (type the slug): cancelled while queued, \
             its spoke discarded after, nothing recorded."
        } else if restore.phase.can_cancel() {
            "It is running: X cancels it (type the slug)."
        } else if restore.phase == RestorePhase::Failed && discard {
            "It failed: nothing more will run. D tears its spoke down (a reason and its slug); \
             R on the tenant launches a new restore."
        } else if restore.phase == RestorePhase::Failed {
            "It failed: nothing more will run. Read the error and the log; R on the tenant \
             launches a new restore."
        } else if restore.phase == RestorePhase::Discarded {
            "Discarded: its spoke is being torn down. R on the tenant launches a new restore."
        } else if restore.phase == RestorePhase::Completed
            && restore.mode == crate::domain::restore::RestoreMode::NewSpoke
        {
            "Completed and confirmed: d plans the DNS swap that points the tenant's hostname at \
             the restored spoke."
        } else {
            "It has ended."
        };
        return vec![Line::from(Span::styled(text, theme.dim))];
    };
    let field = |label: String, input: &str, focused: bool| {
        let cursor = if focused { "▌" } else { "" };
        let label_style = if focused { theme.amber } else { theme.dim };
        Line::from(vec![
            Span::styled(label, label_style),
            Span::styled(format!("{input}{cursor}"), theme.input),
        ])
    };
    let mut lines = Vec::new();
    if prompt.what == Move::Discard {
        lines.push(field(
            "Reason (why it is rejected): ".to_string(),
            prompt.notes.value(),
            prompt.field == Field::Notes,
        ));
        lines.push(field(
            format!("Type {} to tear it down: ", restore.target_slug),
            prompt.typed.value(),
            prompt.field == Field::Slug,
        ));
    } else if prompt.what.takes_notes() {
        lines.push(field(
            "Notes (what you verified): ".to_string(),
            prompt.notes.value(),
            prompt.field == Field::Notes,
        ));
        if app.all_checks_passed(restore) {
            lines.push(Line::from(Span::styled(
                "Every check passed: Enter confirms with these notes.",
                theme.dim,
            )));
        } else {
            lines.push(field(
                format!(
                    "A check did not pass: type {} to confirm all the same: ",
                    restore.source_slug
                ),
                prompt.typed.value(),
                prompt.field == Field::Slug,
            ));
        }
    } else {
        lines.push(field(
            format!("Type {} to {}: ", restore.source_slug, prompt.what.word()),
            prompt.typed.value(),
            true,
        ));
    }
    if prompt.sending.is_some() {
        lines.push(Line::from(Span::styled(
            "journaled and sent: waiting…",
            theme.info,
        )));
    } else if let Some(problem) = &prompt.problem {
        lines.push(Line::from(Span::styled(
            format!("▲ {problem}"),
            theme.amber,
        )));
    }
    lines
}

/// "Type <slug> to <word>: typed▌", and whether it was sent or why not: the one way a typed
/// confirmation looks on the DNS swap screen.
pub fn typed_confirmation<'a, M>(
    slug: &str,
    word: &str,
    prompt: &Prompt<M>,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![
        Span::styled(format!("Type {slug} to {word}: "), theme.amber),
        Span::styled(format!("{}▌", prompt.typed.value()), theme.input),
    ];
    if prompt.sending.is_some() {
        spans.push(Span::styled("   journaled and sent: waiting…", theme.info));
    } else if let Some(problem) = &prompt.problem {
        spans.push(Span::styled(format!("   ▲ {problem}"), theme.amber));
    }
    Line::from(spans)
}
