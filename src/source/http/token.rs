//! The bearer token: from an environment variable, a file, or a command run once — never from
//! the command line (it would show in `ps` and shell history), never logged, never shown.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The token itself. Its `Debug` hides it, so a stray `{:?}` cannot leak it into a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Where the token may come from, tried in this order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSources {
    /// Name of the environment variable (`SNAPDECK_TOKEN` unless configured).
    pub env: String,
    pub file: Option<PathBuf>,
    pub command: Option<String>,
}

/// A token and where it came from, in words for a 401 ("check SNAPDECK_TOKEN").
#[derive(Debug, Clone)]
pub struct Resolved {
    pub token: Token,
    pub origin: String,
    /// Said once at start (a token file other users can read).
    pub warnings: Vec<String>,
}

/// Finds the token. `env` looks a variable up (the process environment, or a test's map).
pub fn resolve(
    sources: &TokenSources,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, String> {
    if let Some(value) = env(&sources.env).filter(|v| !v.trim().is_empty()) {
        return Ok(Resolved {
            token: token(value.trim(), &format!("${}", sources.env))?,
            origin: sources.env.clone(),
            warnings: Vec::new(),
        });
    }
    if let Some(path) = &sources.file {
        return from_file(path);
    }
    if let Some(command) = &sources.command {
        return from_command(command);
    }
    Err(format!(
        "no token for the control plane: set {} (or token_file / token_command in [http])",
        sources.env
    ))
}

fn from_file(path: &Path) -> Result<Resolved, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("the token file {shown} could not be read: {e}"))?;
    let mut warnings = Vec::new();
    if let Some(mode) = loose_mode(path) {
        warnings.push(format!(
            "the token file {shown} can be read by other users (mode {mode:03o}); \
             chmod 600 {shown}"
        ));
    }
    Ok(Resolved {
        token: token(text.trim(), &format!("the token file {shown}"))?,
        origin: format!("the token file {shown}"),
        warnings,
    })
}

/// The file's permission bits when group or others may read it, as ssh checks a key.
#[cfg(unix)]
fn loose_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn loose_mode(_path: &Path) -> Option<u32> {
    None
}

/// Runs the command once through the shell, like a kubectl credential plugin: its trimmed
/// stdout is the token. Its stderr is said when it fails (a plugin explains itself there).
fn from_command(command: &str) -> Result<Resolved, String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("the token command `{command}` could not be run: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let status = output
            .status
            .code()
            .map_or("was killed by a signal".to_string(), |c| {
                format!("exited with status {c}")
            });
        let said = if why.is_empty() {
            String::new()
        } else {
            format!(": {}", why.trim())
        };
        return Err(format!("the token command `{command}` {status}{said}"));
    }
    let stdout = String::from_utf8(output.stdout)
        .map_err(|_| format!("the token command `{command}` printed something not UTF-8"))?;
    Ok(Resolved {
        token: token(stdout.trim(), &format!("the token command `{command}`"))?,
        origin: format!("the token command `{command}`"),
        warnings: Vec::new(),
    })
}

/// A token must be one non-empty header-safe line; what is wrong is said without showing it.
fn token(text: &str, from: &str) -> Result<Token, String> {
    if text.is_empty() {
        return Err(format!("{from} gave an empty token"));
    }
    if text.chars().any(|c| c.is_control() || !c.is_ascii()) {
        return Err(format!(
            "{from} gave a token with characters an HTTP header cannot carry (a line break?)"
        ));
    }
    Ok(Token(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(file: Option<PathBuf>, command: Option<&str>) -> TokenSources {
        TokenSources {
            env: "SNAPDECK_TOKEN".into(),
            file,
            command: command.map(String::from),
        }
    }

    #[test]
    fn the_variable_wins_then_the_file_then_the_command() {
        let env = |name: &str| (name == "SNAPDECK_TOKEN").then(|| " s3cret \n".to_string());
        let got = resolve(&sources(None, Some("false")), env).unwrap();
        assert_eq!(got.token.expose(), "s3cret");
        assert_eq!(format!("{:?}", got.token), "Token(…)");

        let got = resolve(&sources(None, Some("echo from-command")), |_| None).unwrap();
        assert_eq!(got.token.expose(), "from-command");

        let err = resolve(&sources(None, None), |_| None).unwrap_err();
        assert!(err.contains("set SNAPDECK_TOKEN"), "{err}");
    }

    #[test]
    fn a_failing_command_is_said_in_words() {
        let err = resolve(
            &sources(None, Some("echo 'not logged in' >&2; exit 4")),
            |_| None,
        )
        .unwrap_err();
        assert!(err.contains("exited with status 4: not logged in"), "{err}");
        let err = resolve(&sources(None, Some("true")), |_| None).unwrap_err();
        assert!(err.contains("empty token"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "abc\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let got = resolve(&sources(Some(path.clone()), None), |_| None).unwrap();
        assert_eq!(got.token.expose(), "abc");
        assert!(got.warnings.is_empty());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let got = resolve(&sources(Some(path), None), |_| None).unwrap();
        assert!(got.warnings[0].contains("mode 644"), "{:?}", got.warnings);
        assert!(!got.warnings[0].contains("abc"));
    }
}
