//! The report as markdown, for the ticket and the postmortem. Lists rather than tables: a
//! note or a reason may hold any character, and a list item survives every ticket system's
//! flavour of markdown.

use std::fmt::Write;

use super::parts::check_words;
use super::words::when;
use super::{CheckLine, Moment, Report, Told};

pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    heading(&mut out, report);
    facts(&mut out, report);
    para(&mut out, "Data loss", &report.data_loss.words);
    para(&mut out, "RTO", &report.rto.words);
    checks(&mut out, report);
    if let Some(drill) = &report.drill_result {
        para(&mut out, "Drill result", &drill.words);
    }
    dns(&mut out, report);
    timeline(&mut out, &report.timeline);
    if !report.gaps.is_empty() {
        out.push_str("**Not known.**\n\n");
        for gap in &report.gaps {
            let _ = writeln!(out, "- {}", one_line(gap));
        }
        out.push('\n');
    }
    footer(&mut out, report);
    out
}

fn heading(out: &mut String, r: &Report) {
    let what = if r.drill { "Restore drill" } else { "Restore" };
    let _ = write!(out, "### {what} {} of {}", r.restore_id, r.tenant.slug);
    if let Some(ticket) = &r.restore.ticket {
        let _ = write!(out, " — {ticket}");
    }
    out.push_str("\n\n");
    if r.drill {
        out.push_str(
            "> This was a **drill**: a restore made only to be checked and thrown away. \
             Nobody was pointed at it and no DNS moved.\n\n",
        );
    }
}

fn facts(out: &mut String, r: &Report) {
    let restore = &r.restore;
    let items = [
        ("Tenant", r.tenant.words.clone()),
        (
            "Restore",
            format!("{}, {}", r.restore_id, one_line(&restore.words)),
        ),
        ("Point", restore.point_words.clone()),
        (
            "Ticket",
            restore.ticket.clone().unwrap_or_else(|| "none".to_string()),
        ),
        (
            "Reason",
            restore.reason.as_deref().map_or_else(
                || "not known (its launch is not in this machine's journal)".to_string(),
                one_line,
            ),
        ),
        (
            "Asked for",
            format!(
                "by {} at {}",
                restore.requested_by,
                when(restore.requested_at)
            ),
        ),
    ];
    for (name, value) in items {
        let _ = writeln!(out, "- **{name}:** {value}");
    }
    out.push('\n');
}

fn para(out: &mut String, name: &str, words: &str) {
    let _ = writeln!(out, "**{name}.** {}\n", one_line(words));
}

fn checks(out: &mut String, r: &Report) {
    let c = &r.checks;
    out.push_str("**Checks.**\n\n");
    let _ = writeln!(out, "- The control plane's: {}", c.control_plane_words);
    lines(out, c.control_plane.as_deref().unwrap_or_default());
    let _ = writeln!(out, "- snapdeck's own: {}", c.snapdeck_words);
    lines(out, &c.snapdeck);
    out.push('\n');
}

fn lines(out: &mut String, lines: &[CheckLine]) {
    for line in lines {
        let _ = writeln!(out, "  - {}", one_line(&check_words(line)));
    }
}

fn dns(out: &mut String, r: &Report) {
    let _ = writeln!(out, "**DNS.** {}\n", r.dns.words);
    let swaps = r.dns.swaps.as_deref().unwrap_or_default();
    for swap in swaps {
        let _ = writeln!(out, "- {}", one_line(&swap.words));
    }
    if !swaps.is_empty() {
        out.push('\n');
    }
}

fn timeline(out: &mut String, moments: &[Moment]) {
    out.push_str(
        "**Who did what.** (The journal's times are this machine's clock, the control \
         plane's its own.)\n\n",
    );
    if moments.is_empty() {
        out.push_str("- nothing recorded\n");
    }
    for m in moments {
        let _ = write!(out, "- {} — {}: {}", when(m.at), m.who, one_line(&m.what));
        if let Some(answer) = &m.answer {
            let _ = write!(out, " → {}", one_line(answer));
        }
        out.push_str(match m.told_by {
            Told::Journal => " _(journal)_\n",
            Told::ControlPlane => " _(control plane)_\n",
        });
    }
    out.push('\n');
}

fn footer(out: &mut String, r: &Report) {
    let journal = match &r.journal {
        Some(path) => format!(" and the journal {path}"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "_snapdeck {} report, {}, from {}{journal}._",
        env!("CARGO_PKG_VERSION"),
        when(r.generated_at),
        r.source
    );
}

/// A note, a reason or a check's words on one line: a newline would end the list item.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
