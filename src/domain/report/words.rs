//! The report's small words: instants as a ticket reads them, verdict marks, answers.

use chrono::{DateTime, Timelike, Utc};

use super::Answer;
use crate::domain::verify::Verdict;

/// An instant as a ticket reads it in every zone: "03:00 UTC on 5 Dec 2026", seconds only
/// when there are some (a point taken at 03:00:12 is not the 03:00 one).
pub fn when(at: DateTime<Utc>) -> String {
    let time = if at.second() == 0 {
        at.format("%H:%M")
    } else {
        at.format("%H:%M:%S")
    };
    format!("{time} UTC on {}", at.format("%-d %b %Y"))
}

/// The mark the screens use for a verdict, so the report reads without colour.
pub fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "✓",
        Verdict::Warning => "▲",
        Verdict::CouldNotCheck => "?",
        Verdict::Failed => "✗",
    }
}

impl Answer {
    /// "ok", "refused: 409 invalid_phase: …", or that no answer was journaled.
    pub fn words(&self) -> String {
        match self {
            Answer::Ok => "ok".to_string(),
            Answer::Refused(why) => format!("refused: {why}"),
            Answer::Unknown => "sent; no answer journaled (sent? unknown)".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_read_in_utc_with_seconds_only_when_there_are_some() {
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 3, 0, 0).unwrap();
        assert_eq!(when(at), "03:00 UTC on 5 Dec 2026");
        let later = Utc.with_ymd_and_hms(2026, 12, 5, 3, 0, 12).unwrap();
        assert_eq!(when(later), "03:00:12 UTC on 5 Dec 2026");
    }
}
