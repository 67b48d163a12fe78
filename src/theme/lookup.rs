//! Finding a theme by name: the user's theme folders first, then the built-ins.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::builtin::parse_builtin;
use super::parse::parse;
use super::{Theme, ThemeError};

/// The first user file of that name in `dirs`, else the built-in, else an error listing
/// what there is.
pub(super) fn find(name: &str, dirs: &[PathBuf]) -> Result<Theme, ThemeError> {
    // `theme = "mine.toml"` is an easy slip; it means the same file.
    let name = name.strip_suffix(".toml").unwrap_or(name);
    check_name(name)?;
    for dir in dirs {
        if let Some(theme) = load_user(dir, name)? {
            return Ok(theme);
        }
    }
    parse_builtin(name).unwrap_or_else(|| Err(no_such_theme(name, dirs)))
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

fn no_such_theme(name: &str, dirs: &[PathBuf]) -> ThemeError {
    let names = available(dirs).join(", ");
    let problem = match dirs {
        [] => format!("no such theme; available: {names}"),
        [dir] => format!(
            "no such theme; available: {names} (add your own to {})",
            dir.display()
        ),
        _ => format!(
            "no such theme; available: {names} (looked in {}: add your own to one of them)",
            and_list(dirs)
        ),
    };
    ThemeError {
        origin: format!("theme {name:?}"),
        line: None,
        problem,
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(dirs: &[PathBuf]) -> String {
    let shown: Vec<String> = dirs.iter().map(|dir| dir.display().to_string()).collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => shown.concat(),
    }
}

/// Built-ins in their usual order, then the user's files of every folder alphabetically.
fn available(dirs: &[PathBuf]) -> Vec<String> {
    let mut user: Vec<String> = dirs.iter().flat_map(|dir| user_theme_names(dir)).collect();
    user.sort();
    user.dedup();
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

    /// A temporary folder holding `(file name, content)` files.
    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            fs::write(dir.path().join(name), content).unwrap();
        }
        dir
    }

    #[test]
    fn user_dir_overrides_a_builtin() {
        let dir = folder_with(&[("default.toml", "[base]\nfg = \"red\"\n")]);
        let dirs = [dir.path().to_path_buf()];
        let theme = Theme::load("default", &dirs).unwrap();
        assert_eq!(theme.name, "default");
        assert_eq!(theme.base, Style::new().fg(Color::Red));
        assert_eq!(
            Theme::load("light", &dirs).unwrap(),
            Theme::builtin("light").unwrap()
        );
    }

    #[test]
    fn user_theme_loads_by_name() {
        let dir = folder_with(&[("mine.toml", "[ok]\nfg = 46\n")]);
        let theme = Theme::load("mine.toml", &[dir.path().to_path_buf()]).unwrap();
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.ok.fg, Some(Color::Indexed(46)));
    }

    #[test]
    fn broken_user_theme_reports_its_path() {
        let dir = folder_with(&[("mine.toml", "[ok]\nfg = \"nope\"\n")]);
        let path = dir.path().join("mine.toml");
        let err = Theme::load("mine", &[dir.path().to_path_buf()]).unwrap_err();
        let expected = format!("theme file {}, line 2: unknown colour", path.display());
        assert!(err.to_string().starts_with(&expected), "{err}");
    }

    #[test]
    fn unknown_theme_lists_names() {
        let dir = folder_with(&[
            ("zeta.toml", ""),
            ("alpha.toml", ""),
            ("light.toml", ""),
            ("notes.txt", ""),
        ]);
        let err = Theme::load("neon", &[dir.path().to_path_buf()]).unwrap_err();
        assert!(
            err.to_string().starts_with("theme \"neon\": no such theme; available: default, light, high-contrast, alpha, zeta"),
            "{err}"
        );
        let err = Theme::load("neon", &[]).unwrap_err();
        assert_eq!(
            err.problem,
            "no such theme; available: default, light, high-contrast"
        );
    }

    #[test]
    fn theme_names_cannot_leave_the_folder() {
        for name in ["../default", "a/b", "", ".hidden", "c:\\x"] {
            assert!(Theme::load(name, &[]).is_err(), "{name:?}");
        }
    }

    #[test]
    fn folders_are_searched_in_order() {
        let first = folder_with(&[("mine.toml", "[ok]\nfg = 46\n")]);
        let second = folder_with(&[
            ("mine.toml", "[ok]\nfg = 47\n"),
            ("other.toml", "[ok]\nfg = 48\n"),
        ]);
        let absent = first.path().join("absent");
        let dirs = [absent, first.path().into(), second.path().into()];
        let theme = Theme::load("mine", &dirs).unwrap();
        assert_eq!(theme.ok.fg, Some(Color::Indexed(46)));
        let theme = Theme::load("other", &dirs).unwrap();
        assert_eq!(theme.ok.fg, Some(Color::Indexed(48)));
    }

    #[test]
    fn unknown_theme_lists_every_folder_and_its_names() {
        let first = folder_with(&[("zeta.toml", "")]);
        let second = folder_with(&[("alpha.toml", ""), ("zeta.toml", "")]);
        let dirs = [first.path().to_path_buf(), second.path().to_path_buf()];
        let err = Theme::load("neon", &dirs).unwrap_err();
        let expected = format!(
            "theme \"neon\": no such theme; available: default, light, high-contrast, alpha, \
             zeta (looked in {} and {}: add your own to one of them)",
            first.path().display(),
            second.path().display()
        );
        assert_eq!(err.to_string(), expected);
    }
}
