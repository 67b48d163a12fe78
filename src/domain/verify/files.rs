//! The moodledata check: the newest files of the point looked for in the restored volume,
//! their sizes and hashes, and the findings in words (a likely cause only when they show it).

use super::{Check, CheckKind, Detail, FileFacts, FileFinding, FileProblem, Read, Verdict};

pub fn moodledata(files: &Read<FileFacts>) -> Check {
    let kind = CheckKind::Moodledata;
    let files = match files {
        Ok(files) => files,
        Err(why) => return Check::could_not(kind, why),
    };
    if files.looked_for == 0 {
        return Check::new(
            kind,
            Verdict::Warning,
            "the restore's files table has no file at or before the point: nothing to look for",
        );
    }
    let mut check = files_judged(files);
    if !files.findings.is_empty() {
        let items = files.findings.iter().map(finding_words).collect();
        check.details.push(Detail::List {
            items,
            what: String::new(),
        });
    }
    // A summary about missing or resized files leaves the cut hashing unsaid: said here.
    if let Some(cut) = cut_words(files).filter(|cut| !check.summary.contains(cut.as_str())) {
        check.details.push(Detail::Line(cut));
    }
    check
}

/// The findings counted by kind of problem.
struct Tally {
    missing: usize,
    size: usize,
    content: usize,
    unreadable: usize,
}

impl Tally {
    fn of(files: &FileFacts) -> Tally {
        let count = |wanted: fn(&FileProblem) -> bool| {
            files.findings.iter().filter(|f| wanted(&f.problem)).count()
        };
        Tally {
            missing: count(|p| matches!(p, FileProblem::Missing)),
            size: count(|p| matches!(p, FileProblem::WrongSize { .. })),
            content: count(|p| matches!(p, FileProblem::WrongContent { .. })),
            unreadable: count(|p| matches!(p, FileProblem::Unreadable { .. })),
        }
    }
}

/// The verdict and its line: missing files first, then wrong ones, then unreadable ones.
fn files_judged(files: &FileFacts) -> Check {
    let kind = CheckKind::Moodledata;
    let n = files.looked_for;
    let tally = Tally::of(files);
    if tally.missing > 0 {
        return Check::new(kind, Verdict::Failed, missing_words(files, tally.missing));
    }
    if tally.size + tally.content > 0 {
        return Check::new(kind, Verdict::Failed, wrong_words(files, &tally));
    }
    if tally.unreadable > 0 {
        let summary = format!(
            "could not check: {} of the {n} newest files could not be read",
            tally.unreadable
        );
        return Check::new(kind, Verdict::CouldNotCheck, summary);
    }
    let hashing = match cut_words(files) {
        Some(cut) => format!("{cut}; those hashed all match"),
        None => format!("{} of them hashed, all match", files.hashed),
    };
    let summary = format!("the {n} newest files are there with their sizes; {hashing}");
    Check::new(kind, Verdict::Passed, summary)
}

/// The cause is said only when the files themselves show it: the newest ones missing, in a
/// run, with older ones there, were written between the volume's snapshot and the database's
/// dump. Files missing here and there, or every one of them, have a cause snapdeck cannot know.
fn missing_words(files: &FileFacts, missing: usize) -> String {
    let n = files.looked_for;
    // Each file has a place of its own: `missing` places all below `missing` are 0..missing.
    let newest_run = missing < n
        && files
            .findings
            .iter()
            .filter(|f| f.problem == FileProblem::Missing)
            .all(|f| f.rank < missing);
    if newest_run {
        format!(
            "{missing} of the {n} newest files missing: the volume snapshot is older than the database dump"
        )
    } else {
        format!("{missing} of the {n} newest files missing from the restored volume")
    }
}

fn wrong_words(files: &FileFacts, tally: &Tally) -> String {
    let mut parts = Vec::new();
    if tally.size > 0 {
        parts.push(format!(
            "{} of the {} newest files have the wrong size",
            tally.size, files.looked_for
        ));
    }
    if tally.content > 0 {
        parts.push(format!(
            "{} of {} hashed do not match their SHA-1",
            tally.content, files.hashed
        ));
        parts.extend(cut_words(files));
    }
    parts.join("; ")
}

/// "hashed 143 of 200 newest files: the 20s budget ran out", when one did.
fn cut_words(files: &FileFacts) -> Option<String> {
    files.cut_short.map(|cut| {
        format!(
            "hashed {} of {} newest files: {}",
            files.hashed,
            files.looked_for,
            cut.words()
        )
    })
}

fn finding_words(finding: &FileFinding) -> String {
    let what = match &finding.problem {
        FileProblem::Missing => "missing".to_string(),
        FileProblem::WrongSize { expected, found } => {
            format!("{found} bytes, the row says {expected}")
        }
        FileProblem::WrongContent { sha1 } => format!("content hashes to {sha1}"),
        FileProblem::Unreadable { why } => format!("unreadable: {why}"),
    };
    format!("{}: {what}", finding.contenthash)
}
