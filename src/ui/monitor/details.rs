//! The details under one of snapdeck's checks in the monitor: few, as the prompt must fit,
//! and a list cut to them ends in the count of the rest, as `snapdeck verify` cuts it.

use crate::domain::verify::{Check, Detail, Verdict};

/// Details shown under a check (the rest are in `snapdeck verify`); a list cut to them adds
/// its count of the rest.
const DETAILS_SHOWN: usize = 3;

/// The first details of a check that did not pass; of one that passed, what live deleted
/// since the point, worth reading all the same.
pub(super) fn shown(check: &Check) -> Vec<String> {
    let worth = |detail: &&Detail| check.verdict != Verdict::Passed || deleted_since(detail);
    let mut lines = Vec::new();
    for detail in check.details.iter().filter(worth) {
        let room = DETAILS_SHOWN.saturating_sub(lines.len());
        if room == 0 {
            break;
        }
        lines.extend(detail.lines(room));
    }
    lines
}

fn deleted_since(detail: &Detail) -> bool {
    matches!(detail, Detail::List { what, .. } if what.contains("deleted in live since"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::verify::{CheckKind, FileFacts, FileFinding, FileProblem, moodledata};

    #[test]
    fn missing_files_end_in_the_count_of_the_rest_as_snapdeck_verify_prints_them() {
        let findings = (0..37)
            .map(|rank| FileFinding {
                contenthash: format!("{rank:040x}"),
                problem: FileProblem::Missing,
                rank,
            })
            .collect();
        let check = moodledata(&Ok(FileFacts {
            looked_for: 200,
            hashed: 163,
            findings,
            cut_short: None,
        }));
        let lines = shown(&check);
        assert_eq!(lines.len(), DETAILS_SHOWN + 1, "{lines:?}");
        assert_eq!(lines[0], format!("{:040x}: missing", 0));
        assert_eq!(lines[DETAILS_SHOWN], "… and 34 more");
        assert_eq!(
            check.lines().last().unwrap(),
            "… and 27 more",
            "the same cut, at LISTED"
        );
    }

    #[test]
    fn a_passed_verify_check_shows_only_what_live_deleted_since() {
        let list = |what: &str| Detail::List {
            items: (1..=5).map(|id| format!("course {id}: {what}")).collect(),
            what: what.into(),
        };
        let mut check = Check {
            kind: CheckKind::DataAtPoint,
            verdict: Verdict::Passed,
            summary: String::new(),
            details: vec![
                Detail::Line("users: 3 in the restore, 3 in live at the point".into()),
                list("in the restore, deleted in live since the point"),
            ],
        };
        let lines = shown(&check);
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("course 1"));
        assert_eq!(
            lines[3],
            "… and 2 more in the restore, deleted in live since the point"
        );
        check.verdict = Verdict::Failed;
        assert_eq!(
            shown(&check)[0],
            "users: 3 in the restore, 3 in live at the point"
        );
    }
}
