//! The restored moodledata: does each of the newest files' content sit where Moodle looks
//! for it (`filedir/<h[0..2]>/<h[2..4]>/<h>`), with its size, and does a sample of them hash
//! to its name (Moodle re-hashes a file it copies the same way).

use std::fs::File;
use std::io::{ErrorKind, Read as _};
use std::path::{Path, PathBuf};

use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY};

use crate::domain::verify::{FileFacts, FileFinding, FileProblem, Read};

/// Files read through and hashed, spread over the list.
pub const HASHED: usize = 20;

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

/// Looks for each `(contenthash, size)`; hashes `HASHED` of them, evenly spread. Blocking:
/// run it off the async runtime.
pub fn check(moodledata: &Path, files: &[(String, u64)]) -> Read<FileFacts> {
    let filedir = moodledata.join("filedir");
    match std::fs::metadata(&filedir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a directory", filedir.display())),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(format!("{} does not exist", filedir.display()));
        }
        Err(e) => return Err(format!("{}: {e}", filedir.display())),
    }
    let every = files.len().div_ceil(HASHED).max(1);
    let mut facts = FileFacts {
        looked_for: files.len(),
        ..FileFacts::default()
    };
    for (i, (hash, size)) in files.iter().enumerate() {
        let problem = match content_path(moodledata, hash) {
            None => Some(FileProblem::Unreadable {
                why: "the row's contenthash is not 40 hex digits".into(),
            }),
            Some(path) => look(&path, *size, i % every == 0, &mut facts.hashed),
        };
        if let Some(problem) = problem {
            facts.findings.push(FileFinding {
                contenthash: hash.clone(),
                problem,
            });
        }
    }
    Ok(facts)
}

fn look(path: &Path, size: u64, hash_it: bool, hashed: &mut usize) -> Option<FileProblem> {
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
    if !hash_it {
        return None;
    }
    match sha1(path) {
        Ok(sha1) => {
            *hashed += 1;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (!sha1.eq_ignore_ascii_case(name)).then_some(FileProblem::WrongContent { sha1 })
        }
        Err(e) => Some(FileProblem::Unreadable { why: e.to_string() }),
    }
}

fn sha1(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut context = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        context.update(&buffer[..n]);
    }
    Ok(context
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
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
        let facts = check(root, &files).unwrap();
        assert_eq!(facts.looked_for, 5);
        assert_eq!(
            facts.hashed, 2,
            "every file is hashed when there are fewer than {HASHED}"
        );
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
        assert!(matches!(
            problem("not-a-hash"),
            Some(FileProblem::Unreadable { .. })
        ));
    }

    #[test]
    fn a_moodledata_without_filedir_could_not_be_checked() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(dir.path(), &[]).unwrap_err();
        assert!(err.ends_with("filedir does not exist"), "{err}");
    }
}
