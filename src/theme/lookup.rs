//! Finding a theme by name: the user's theme folders first, then the built-ins.

use std::fs;
use std::io;
use std::path::Path;

use super::builtin::parse_builtin;
use super::parse::parse;
use super::{Theme, ThemeError};

/// The user's file of that name, else the built-in, else an error listing what there is.
pub(super) fn find(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    // `theme = "mine.toml"` is an easy slip; it means the same file.
    let name = name.strip_suffix(".toml").unwrap_or(name);
    check_name(name)?;
    let user_theme = user_dir.map(|dir| load_user(dir, name)).transpose()?;
    if let Some(theme) = user_theme.flatten() {
        return Ok(theme);
    }
    match parse_builtin(name) {
        Some(parsed) => parsed,
        None => Err(no_such_theme(name, user_dir)),
    }
}

/// Names are file stems: a folder or a leading dot would escape the themes folder.
fn check_name(name: &str) -> Result<(), ThemeError> {
    let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']);
    if plain {
        return Ok(());
    }
    Err(ThemeError {
        origin: format!("theme {name:?}"),
        line: None,
        problem: "a theme name is a file name without folder or extension, like \"mine\""
            .to_owned(),
    })
}

/// `Ok(None)` when the user has no file of that name, so the built-ins get their turn.
fn load_user(dir: &Path, name: &str) -> Result<Option<Theme>, ThemeError> {
    let path = dir.join(format!("{name}.toml"));
    let origin = format!("theme file {}", path.display());
    match fs::read_to_string(&path) {
        Ok(src) => parse(&src, &origin, name).map(Some),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(ThemeError {
            origin,
            line: None,
            problem: format!("cannot read it: {err}"),
        }),
    }
}

fn no_such_theme(name: &str, user_dir: Option<&Path>) -> ThemeError {
    let names = available(user_dir).join(", ");
    let problem = match user_dir {
        Some(dir) => format!(
            "no such theme; available: {names} (add your own to {})",
            dir.display()
        ),
        None => format!("no such theme; available: {names}"),
    };
    ThemeError {
        origin: format!("theme {name:?}"),
        line: None,
        problem,
    }
}

/// Built-ins in their usual order, then the user's files alphabetically.
fn available(user_dir: Option<&Path>) -> Vec<String> {
    let mut user = user_dir.map(user_theme_names).unwrap_or_default();
    user.sort();
    user.retain(|name| !Theme::BUILTIN.contains(&name.as_str()));
    let builtin = Theme::BUILTIN.iter().map(|name| (*name).to_owned());
    builtin.chain(user).collect()
}

/// A missing or unreadable folder just means no user themes.
fn user_theme_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .filter_map(|path| path.file_stem()?.to_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Style};

    use super::*;

    #[test]
    fn user_dir_overrides_a_builtin() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("default.toml"), "[base]\nfg = \"red\"\n").unwrap();
        let theme = Theme::load("default", Some(dir.path())).unwrap();
        assert_eq!(theme.name, "default");
        assert_eq!(theme.base, Style::new().fg(Color::Red));
        assert_eq!(
            Theme::load("light", Some(dir.path())).unwrap(),
            Theme::builtin("light").unwrap()
        );
    }

    #[test]
    fn user_theme_loads_by_name() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("mine.toml"), "[ok]\nfg = 46\n").unwrap();
        let theme = Theme::load("mine.toml", Some(dir.path())).unwrap();
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.ok.fg, Some(Color::Indexed(46)));
    }

    #[test]
    fn broken_user_theme_reports_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        fs::write(&path, "[ok]\nfg = \"nope\"\n").unwrap();
        let err = Theme::load("mine", Some(dir.path())).unwrap_err();
        let expected = format!("theme file {}, line 2: unknown colour", path.display());
        assert!(err.to_string().starts_with(&expected), "{err}");
    }

    #[test]
    fn unknown_theme_lists_names() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("zeta.toml"), "").unwrap();
        fs::write(dir.path().join("alpha.toml"), "").unwrap();
        fs::write(dir.path().join("light.toml"), "").unwrap();
        fs::write(dir.path().join("notes.txt"), "").unwrap();
        let err = Theme::load("neon", Some(dir.path())).unwrap_err();
        assert!(
            err.to_string().starts_with("theme \"neon\": no such theme; available: default, light, high-contrast, alpha, zeta"),
            "{err}"
        );
        let err = Theme::load("neon", None).unwrap_err();
        assert_eq!(
            err.problem,
            "no such theme; available: default, light, high-contrast"
        );
    }

    #[test]
    fn theme_names_cannot_leave_the_folder() {
        for name in ["../default", "a/b", "", ".hidden", "c:\\x"] {
            assert!(Theme::load(name, None).is_err(), "{name:?}");
        }
    }
}
