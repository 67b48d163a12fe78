//! Where the config file and the user's themes live.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `<platform config dir>/config.toml`, e.g. `~/.config/snapdeck/config.toml` on Linux.
/// `None` when the platform has no home directory to anchor it.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("net", "snapdeck", "snapdeck")
        .map(|dirs| dirs.config_dir().join("config.toml"))
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
}
