//! [`ConfigError`]: what went wrong with the config file, and where.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::toml_error::{TomlProblem, explain_toml_error};

/// A config file that could not be read, parsed or validated.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line of the offending key or value, when the problem has one.
    pub line: Option<usize>,
    /// Dotted key such as `demo.speed`, when the problem is about one key.
    pub key: Option<String>,
    /// A complete sentence fragment, already naming the key where that helps the reader.
    pub problem: String,
}

impl ConfigError {
    pub(super) fn whole_file(path: &Path, problem: String) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: None,
            problem,
        }
    }

    pub(super) fn from_toml(path: &Path, src: &str, err: &toml::de::Error) -> Self {
        let TomlProblem { line, key, problem } = explain_toml_error(src, err);
        ConfigError {
            path: path.to_path_buf(),
            line,
            key,
            problem,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config file {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ConfigError {}
