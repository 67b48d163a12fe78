//! Where a database password comes from, in libpq's order: PGPASSWORD, then a pgpass file
//! (PGPASSFILE, else ~/.pgpass), then the config's `password_command`. Never from the config
//! file or the command line; never shown, logged or journaled.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::domain::verify::dsn::Dsn;

/// The password for `dsn`, or `None` when nowhere holds one (the server may not ask).
pub fn find(dsn: &Dsn, password_command: Option<&str>) -> Result<Option<String>, String> {
    if let Ok(password) = std::env::var("PGPASSWORD") {
        return Ok(Some(password));
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pgpass")));
    if let Some(file) = file
        && let Ok(text) = std::fs::read_to_string(&file)
        && let Some(password) = from_pgpass(&text, dsn)
    {
        return Ok(Some(password));
    }
    match password_command {
        Some(command) => run(command).map(Some),
        None => Ok(None),
    }
}

/// The first line of a pgpass file matching `dsn` (`host:port:db:user:password`, `*` for
/// any, `\:` and `\\` escaped).
pub fn from_pgpass(text: &str, dsn: &Dsn) -> Option<String> {
    let port = dsn.port.to_string();
    let wanted = [dsn.host.as_str(), &port, &dsn.dbname, &dsn.user];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(fields)
        .filter(|fields| fields.len() == 5)
        .find(|fields| {
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, value)| field == "*" || field == value)
        })
        .map(|mut fields| fields.swap_remove(4))
}

fn fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().unwrap().extend(chars.next()),
            ':' => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// Runs `password_command` through the shell; its first line is the password. Its error
/// output is left out of the message: a failing secret tool may print what it holds.
fn run(command: &str) -> Result<String, String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .map_err(|e| format!("password_command could not be run: {e}"))?;
    if !output.status.success() {
        return Err(format!("password_command failed ({})", output.status));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| "password_command printed something that is not text".to_string())?;
    let password = text.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        return Err("password_command printed no password".into());
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dsn() -> Dsn {
        Dsn::parse("host=db.internal port=5433 dbname=moodle user=verifier").unwrap()
    }

    #[test]
    fn pgpass_lines_match_field_by_field_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    db.internal:5432:moodle:verifier:wrong-port\n\
                    db.internal:5433:other:verifier:wrong-db\n\
                    *:5433:moodle:verifier:p\\:ss\\\\word\n\
                    *:*:*:*:fallback\n";
        assert_eq!(from_pgpass(text, &dsn()).as_deref(), Some("p:ss\\word"));
        assert_eq!(from_pgpass("*:*:*:*:any", &dsn()).as_deref(), Some("any"));
        assert_eq!(from_pgpass("db.internal:5433:moodle:admin:x", &dsn()), None);
        assert_eq!(from_pgpass("too:few:fields", &dsn()), None);
    }

    #[test]
    fn password_command_gives_its_first_line_and_fails_in_words() {
        assert_eq!(run("printf 's3cret\\nrest'").unwrap(), "s3cret");
        let err = run("echo leaked >&2; exit 3").unwrap_err();
        assert!(err.contains("failed") && !err.contains("leaked"), "{err}");
        assert!(run("true").unwrap_err().contains("no password"));
    }
}
