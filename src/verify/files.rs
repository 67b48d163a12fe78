//! The restored moodledata: does each of the newest files' content sit where Moodle looks
//! for it (`filedir/<h[0..2]>/<h[2..4]>/<h>`), with its size, and does it hash to its name
//! (Moodle re-hashes a file it copies the same way), as far as the hashing budget goes.

use std::fs::File;
use std::io::{ErrorKind, Read as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY};

use crate::domain::verify::{FileFacts, FileFinding, FileProblem, HashBudget, HashCut, Read};

/// Where Moodle keeps the content named `hash`.
pub fn content_path(moodledata: &Path, hash: &str) -> Option<PathBuf> {
    let valid = hash.len() == 40 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| {
        moodledata
            .join("filedir")
            .join(&hash[0..2])
            .join(&hash[2..4])
            .join(hash)
    })
}

/// Looks for each `(contenthash, size)`, newest first, and hashes every one there with its
/// size until `budget` runs out: one changed file among the newest is then found, not
/// sampled past. Blocking: run it off the async runtime.
pub fn check(moodledata: &Path, files: &[(String, u64)], budget: HashBudget) -> Read<FileFacts> {
    filedir_is_there(moodledata)?;
    let mut hashing = Hashing::new(budget);
    let mut facts = FileFacts {
        looked_for: files.len(),
        ..FileFacts::default()
    };
    for (rank, (hash, size)) in files.iter().enumerate() {
        let problem = match content_path(moodledata, hash) {
            None => Some(FileProblem::Unreadable {
                why: "the row's contenthash is not 40 hex digits".into(),
            }),
            Some(path) => look(&path, *size, &mut hashing),
        };
        if let Some(problem) = problem {
            facts.findings.push(FileFinding {
                contenthash: hash.clone(),
                problem,
                rank,
            });
        }
    }
    facts.hashed = hashing.hashed;
    facts.cut_short = hashing.cut;
    Ok(facts)
}

fn filedir_is_there(moodledata: &Path) -> Read<()> {
    let filedir = moodledata.join("filedir");
    match std::fs::metadata(&filedir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!("{} is not a directory", filedir.display())),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            Err(format!("{} does not exist", filedir.display()))
        }
        Err(e) => Err(format!("{}: {e}", filedir.display())),
    }
}

/// What is left of the budget, and which part of it ran out.
struct Hashing {
    bytes_left: u64,
    deadline: Instant,
    budget: HashBudget,
    hashed: usize,
    cut: Option<HashCut>,
}

impl Hashing {
    fn new(budget: HashBudget) -> Hashing {
        // Beyond a year a time budget is none; capped so that the deadline cannot overflow.
        let time = budget.time.min(Duration::from_secs(365 * 86_400));
        Hashing {
            bytes_left: budget.bytes,
            deadline: Instant::now() + time,
            budget,
            hashed: 0,
            cut: None,
        }
    }

    /// Whether a file of `size` bytes may be hashed. One too large for what is left is
    /// passed over, not the end: the smaller files after it still fit.
    fn may_hash(&mut self, size: u64) -> bool {
        if Instant::now() >= self.deadline {
            self.out_of_time();
            return false;
        }
        if size > self.bytes_left {
            self.cut = Some(HashCut::Bytes(self.budget.bytes));
            return false;
        }
        true
    }

    fn out_of_time(&mut self) {
        self.cut = Some(HashCut::Time(self.budget.time));
    }
}

fn look(path: &Path, size: u64, hashing: &mut Hashing) -> Option<FileProblem> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Some(FileProblem::Missing),
        Err(e) => return Some(FileProblem::Unreadable { why: e.to_string() }),
    };
    if meta.len() != size {
        return Some(FileProblem::WrongSize {
            expected: size,
            found: meta.len(),
        });
    }
    if !hashing.may_hash(size) {
        return None;
    }
    match sha1(path, hashing.deadline) {
        Ok(Some(sha1)) => {
            hashing.hashed += 1;
            hashing.bytes_left -= size;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (!sha1.eq_ignore_ascii_case(name)).then_some(FileProblem::WrongContent { sha1 })
        }
        // A file as large as the budget on a slow volume would overrun it: stopped mid-way.
        Ok(None) => {
            hashing.out_of_time();
            None
        }
        Err(e) => Some(FileProblem::Unreadable { why: e.to_string() }),
    }
}

/// The SHA-1 of the file, or `None` when `deadline` passed before it was read through.
fn sha1(path: &Path, deadline: Instant) -> std::io::Result<Option<String>> {
    let mut file = File::open(path)?;
    let mut context = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        context.update(&buffer[..n]);
    }
    Ok(Some(
        context
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(root: &Path, content: &[u8]) -> (String, u64) {
        let digest = ring::digest::digest(&SHA1_FOR_LEGACY_USE_ONLY, content);
        let hash: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let path = content_path(root, &hash).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        (hash, content.len() as u64)
    }

    #[test]
    fn finds_hashes_and_reports_missing_resized_and_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let good = store(root, b"essay.pdf contents");
        let changed = store(root, b"original");
        std::fs::write(content_path(root, &changed.0).unwrap(), b"tampered").unwrap();
        let resized = store(root, b"twelve bytes");
        let missing = ("ab".repeat(20), 5);
        let files = vec![
            good.clone(),
            changed.clone(),
            (resized.0.clone(), 99),
            missing.clone(),
            ("not-a-hash".into(), 1),
        ];
        let facts = check(root, &files, HashBudget::default()).unwrap();
        assert_eq!(facts.looked_for, 5);
        assert_eq!(facts.hashed, 2, "every file there with its size is hashed");
        assert_eq!(facts.cut_short, None);
        let problem = |hash: &str| {
            facts
                .findings
                .iter()
                .find(|f| f.contenthash == hash)
                .map(|f| f.problem.clone())
        };
        assert_eq!(problem(&good.0), None);
        assert!(matches!(
            problem(&changed.0),
            Some(FileProblem::WrongContent { .. })
        ));
        assert_eq!(
            problem(&resized.0),
            Some(FileProblem::WrongSize {
                expected: 99,
                found: 12
            })
        );
        assert_eq!(problem(&missing.0), Some(FileProblem::Missing));
        let ranks: Vec<usize> = facts.findings.iter().map(|f| f.rank).collect();
        assert_eq!(
            ranks,
            [1, 2, 3, 4],
            "each finding keeps its place, newest first"
        );
        assert!(matches!(
            problem("not-a-hash"),
            Some(FileProblem::Unreadable { .. })
        ));
    }

    /// `n` files of `size` bytes each, newest first.
    fn stored(root: &Path, n: usize, size: usize) -> Vec<(String, u64)> {
        (0..n)
            .map(|i| {
                let mut content = format!("file {i} ").into_bytes();
                content.resize(size, b'.');
                store(root, &content)
            })
            .collect()
    }

    #[test]
    fn one_changed_file_among_the_newest_200_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let files = stored(dir.path(), 200, 100);
        // Not one an evenly spread sample of 20 would have read (every tenth).
        let changed = content_path(dir.path(), &files[57].0).unwrap();
        let mut bytes = std::fs::read(&changed).unwrap();
        bytes[99] ^= 1;
        std::fs::write(&changed, bytes).unwrap();
        let facts = check(dir.path(), &files, HashBudget::default()).unwrap();
        assert_eq!((facts.hashed, facts.cut_short), (200, None));
        assert_eq!(facts.findings.len(), 1, "{:?}", facts.findings);
        assert_eq!(facts.findings[0].rank, 57);
        assert!(matches!(
            facts.findings[0].problem,
            FileProblem::WrongContent { .. }
        ));
    }

    #[test]
    fn a_file_too_large_for_the_bytes_left_is_passed_over_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = stored(dir.path(), 3, 100);
        files.insert(1, stored(dir.path(), 1, 1000).remove(0));
        let budget = HashBudget {
            bytes: 350,
            ..HashBudget::default()
        };
        let facts = check(dir.path(), &files, budget).unwrap();
        assert_eq!(
            facts.hashed, 3,
            "the small files after the large one still fit"
        );
        assert_eq!(facts.cut_short, Some(HashCut::Bytes(350)));
        assert!(facts.findings.is_empty(), "{:?}", facts.findings);
    }

    #[test]
    fn out_of_time_nothing_more_is_hashed_but_every_file_is_still_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = stored(dir.path(), 5, 100);
        files.push(("ab".repeat(20), 5));
        let budget = HashBudget {
            time: std::time::Duration::ZERO,
            ..HashBudget::default()
        };
        let facts = check(dir.path(), &files, budget).unwrap();
        assert_eq!(facts.hashed, 0);
        assert_eq!(
            facts.cut_short,
            Some(HashCut::Time(std::time::Duration::ZERO))
        );
        assert_eq!(facts.findings.len(), 1);
        assert_eq!(facts.findings[0].problem, FileProblem::Missing);
    }

    #[test]
    fn a_moodledata_without_filedir_could_not_be_checked() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(dir.path(), &[], HashBudget::default()).unwrap_err();
        assert!(err.ends_with("filedir does not exist"), "{err}");
    }
}
