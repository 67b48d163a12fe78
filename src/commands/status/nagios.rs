//! `status --format nagios`: one status line and perfdata, as Nagios, Icinga and Checkmk read
//! a plugin's output: `SNAPDECK CRITICAL - 3 red, …: northfield-arts (rpo_breached), …;
//! pages: SUP-4821 (ack_overdue) | red=3 … restoring=1 awaiting_confirmation=2 unread=0`.

use std::io::{self, Write};

use super::{Acting, Status, ordered, problem_counts};
use crate::domain::Level;
use crate::domain::humanize::count;
use crate::source::Unread;

/// How many problem tenants (and how many pages) the one-line summary names.
const NAMED: usize = 5;

pub(super) fn write(out: &mut impl Write, status: &Status<'_>) -> io::Result<()> {
    let fleet = status.fleet;
    let s = fleet.summary();
    let state = match status.exit_code() {
        0 => "OK",
        1 => "WARNING",
        2 => "CRITICAL",
        _ => "UNKNOWN",
    };
    let mut problems: Vec<usize> = ordered(fleet, true)
        .into_iter()
        .filter(|&i| fleet.health(i).level > Level::Info)
        .collect();
    // Flat, worst first: the line has room for a few names, and they must be the reds.
    problems.sort_by_key(|&i| std::cmp::Reverse(fleet.health(i).level));
    let worst = problems.into_iter().map(|i| {
        let flags: Vec<&str> = fleet.health(i).flags.iter().map(|f| f.kind.id()).collect();
        format!("{} ({})", fleet.tenant(i).slug, flags.join(","))
    });
    let named = match first_few(worst) {
        words if words.is_empty() => String::new(),
        words => format!(": {words}"),
    };
    let down: Vec<String> = status
        .exposure
        .iter()
        .filter(|r| r.is_down())
        .map(|r| format!("{} DOWN", r.name))
        .collect();
    let down_words = if down.is_empty() {
        String::new()
    } else {
        format!("REGION {}; ", down.join(", "))
    };
    let unread_words = if status.unread.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = status.unread.iter().map(Unread::to_string).collect();
        format!("; {}", parts.join("; "))
    };
    writeln!(
        out,
        "SNAPDECK {state} - {down_words}{} of {}{named}{unread_words}{} | red={} unknown={} \
         amber={} info={} ok={} tenants={} restoring={} awaiting_confirmation={} unread={} \
         regions_down={}",
        problem_counts(&s),
        count(s.tenants, "tenant"),
        acting_words(status.acting),
        s.red,
        s.unknown,
        s.amber,
        s.info,
        s.ok,
        s.tenants,
        status.acting.active.restoring,
        status.acting.active.awaiting,
        status.unread.len() + usize::from(status.acting.unread.is_some()),
        down.len()
    )
}

/// "; pages: SUP-4821 (ack_overdue), rst_0is (awaiting_person)", worst first.
fn acting_words(acting: &Acting) -> String {
    if let Some(why) = &acting.unread {
        return format!("; restores and restore requests: {why}");
    }
    let pages = acting
        .pages
        .iter()
        .map(|p| format!("{} ({})", p.subject(), p.kind.id()));
    match first_few(pages) {
        words if words.is_empty() => String::new(),
        words => format!("; pages: {words}"),
    }
}

/// The first `NAMED` items, then how many more: "a, b, c, d, e, +18 more".
fn first_few(items: impl ExactSizeIterator<Item = String>) -> String {
    let more = items.len().saturating_sub(NAMED);
    let mut words: Vec<String> = items.take(NAMED).collect();
    if more > 0 {
        words.push(format!("+{more} more"));
    }
    words.join(", ")
}
