//! A batch as launched, kept beside the journal before its first restore leaves: a resumed
//! run (or a second terminal on this machine) takes it up from here and the journal, so no
//! tenant of the plan is forgotten, and none is launched twice.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::restore::CreateRestore;
use crate::domain::tenant::TenantId;
use crate::domain::workflow::failover::Member;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchFile {
    pub batch: String,
    pub region: String,
    /// "failover" or "fail_back".
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub operator: String,
    pub source: String,
    pub parallel: usize,
    pub deadline: DateTime<Utc>,
    /// In launch order.
    pub members: Vec<BatchMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchMember {
    pub tenant: TenantId,
    pub slug: String,
    pub request: CreateRestore,
    /// The point's instant, for snapdeck's own checks.
    pub point_at: DateTime<Utc>,
    pub estimate_seconds: i64,
    /// Excluded from the launch when the plan was made.
    #[serde(default)]
    pub excluded: bool,
}

impl BatchMember {
    pub fn member(&self) -> Member {
        let estimate = Duration::seconds(self.estimate_seconds);
        Member::new(
            self.tenant.clone(),
            self.slug.clone(),
            self.request.clone(),
            estimate,
        )
    }
}

/// `<journal's folder>/batches/<batch>.json`.
pub fn path_of(journal: &Path, batch: &str) -> PathBuf {
    let dir = journal.parent().unwrap_or(Path::new("."));
    dir.join("batches").join(format!("{batch}.json"))
}

/// Written whole, then renamed: a crash leaves the old file or the new one, never half.
pub fn save(journal: &Path, file: &BatchFile) -> Result<PathBuf, String> {
    let path = path_of(journal, &file.batch);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("the batch's folder {} cannot be made: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(file)
        .map_err(|e| format!("the batch could not be written: {e}"))?;
    let part = path.with_extension("json.part");
    std::fs::write(&part, text)
        .and_then(|()| std::fs::rename(&part, &path))
        .map_err(|e| format!("the batch file {} cannot be written: {e}", path.display()))?;
    Ok(path)
}

pub fn load(journal: &Path, batch: &str) -> Result<BatchFile, String> {
    let path = path_of(journal, batch);
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "no batch {batch} on this machine ({} does not exist): a batch is resumed where it \
             was launched",
            path.display()
        ),
        _ => format!("the batch file {} cannot be read: {e}", path.display()),
    })?;
    serde_json::from_str(&text)
        .map_err(|e| format!("the batch file {} is not a batch: {e}", path.display()))
}
