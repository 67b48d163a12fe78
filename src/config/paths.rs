//! Where the config file and the user's themes live.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

/// snapdeck's folder in the platform config dir, e.g. `~/.config/snapdeck` on Linux.
/// `None` when the platform has no home directory to anchor it.
fn platform_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("net", "snapdeck", "snapdeck")
        .map(|dirs| dirs.config_dir().to_path_buf())
}

/// `<platform config dir>/config.toml`, e.g. `~/.config/snapdeck/config.toml` on Linux.
/// `None` when the platform has no home directory to anchor it.
pub fn default_path() -> Option<PathBuf> {
    platform_dir().map(|dir| dir.join("config.toml"))
}

/// Which config file to use: `--config` beats `SNAPDECK_CONFIG` beats the platform default.
/// An empty environment variable counts as unset, as shells make it easy to export one by mistake.
pub fn resolve_path(cli_override: Option<&Path>, env_override: Option<&OsStr>) -> Option<PathBuf> {
    let env_override = env_override.filter(|value| !value.is_empty());
    cli_override
        .map(Path::to_path_buf)
        .or_else(|| env_override.map(PathBuf::from))
        .or_else(default_path)
}

/// The `themes` folder next to the config file, so a `--config` elsewhere brings its own themes.
pub fn themes_dir(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("themes")
}

/// Where user themes are looked for, in order: [`themes_dir`] of the config file in use, then
/// the platform config dir's `themes`, so personal themes follow a `--config` elsewhere. A
/// folder reached both ways is listed once.
pub fn theme_dirs(config_path: &Path) -> Vec<PathBuf> {
    let platform_themes = platform_dir().map(|dir| dir.join("themes"));
    theme_dirs_with(config_path, platform_themes)
}

fn theme_dirs_with(config_path: &Path, platform_themes: Option<PathBuf>) -> Vec<PathBuf> {
    let mut dirs = vec![themes_dir(config_path)];
    if let Some(platform) = platform_themes
        && !dirs.iter().any(|dir| same_folder(dir, &platform))
    {
        dirs.push(platform);
    }
    dirs
}

/// The same path, or one folder spelt two ways (`..`, a relative path, a link).
fn same_folder(a: &Path, b: &Path) -> bool {
    a == b || matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_beats_env_beats_default() {
        let cli = Path::new("/cli/config.toml");
        let env = OsStr::new("/env/config.toml");
        assert_eq!(resolve_path(Some(cli), Some(env)), Some(cli.to_path_buf()));
        assert_eq!(resolve_path(None, Some(env)), Some(PathBuf::from(env)));
        assert_eq!(resolve_path(None, None), default_path());
        assert_eq!(resolve_path(None, Some(OsStr::new(""))), default_path());
    }

    #[test]
    fn default_path_ends_in_config_toml() {
        if let Some(path) = default_path() {
            assert!(path.ends_with("config.toml"), "{}", path.display());
        }
    }

    #[test]
    fn themes_dir_is_next_to_the_config() {
        let dir = themes_dir(Path::new("/etc/snapdeck/config.toml"));
        assert_eq!(dir, PathBuf::from("/etc/snapdeck/themes"));
        assert_eq!(
            themes_dir(Path::new("config.toml")),
            PathBuf::from("themes")
        );
    }

    #[test]
    fn theme_dirs_put_the_config_folder_first_then_the_platform_one() {
        let config = tempfile::tempdir().unwrap();
        let platform = tempfile::tempdir().unwrap();
        let platform_themes = platform.path().join("themes");
        let dirs = theme_dirs_with(
            &config.path().join("config.toml"),
            Some(platform_themes.clone()),
        );
        assert_eq!(dirs, [config.path().join("themes"), platform_themes]);
        let no_platform = theme_dirs_with(&config.path().join("config.toml"), None);
        assert_eq!(no_platform, [config.path().join("themes")]);
    }

    #[test]
    fn theme_dirs_name_one_folder_once() {
        let platform = tempfile::tempdir().unwrap();
        let themes = platform.path().join("themes");
        let dirs = theme_dirs_with(&platform.path().join("config.toml"), Some(themes.clone()));
        assert_eq!(dirs, std::slice::from_ref(&themes));

        // The same folder spelt another way counts once too, once it exists to be compared.
        fs::create_dir_all(platform.path().join("sub")).unwrap();
        fs::create_dir_all(&themes).unwrap();
        let roundabout = platform.path().join("sub/../config.toml");
        assert_eq!(theme_dirs_with(&roundabout, Some(themes.clone())).len(), 1);
    }

    #[test]
    fn theme_dirs_end_with_the_platform_themes() {
        let dirs = theme_dirs(Path::new("/etc/snapdeck/config.toml"));
        assert_eq!(dirs[0], PathBuf::from("/etc/snapdeck/themes"));
        if let Some(default) = default_path() {
            let platform_themes = default.with_file_name("themes");
            assert_eq!(dirs.last(), Some(&platform_themes));
            assert_eq!(theme_dirs(&default), [platform_themes]);
        }
    }
}
