//! `snapdeck config`, and the config every other command runs on: the file with the command
//! line's overrides on top, and the theme it names.

use std::path::Path;
use std::process::ExitCode;

use chrono::Duration;

use super::{Failure, print_out, user};
use crate::cli::{ConfigAction, Dashboard};
use crate::config::{self, Config};
use crate::theme::{self, Theme};

pub fn command(action: &ConfigAction, path: &Path) -> Result<ExitCode, Failure> {
    match action {
        ConfigAction::Path => print_out(&format!("{}\n", path.display()))?,
        ConfigAction::Init { force } => {
            config::write_template(path, *force).map_err(|e| user(e.to_string()))?;
            print_out(&format!("wrote {}\n", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The config file with the command line's overrides on top.
pub fn settings(args: &Dashboard, path: &Path) -> Result<Config, Failure> {
    let mut config = Config::load(path).map_err(|e| user(e.to_string()))?;
    args.apply_to(&mut config);
    Ok(config)
}

pub fn refresh_interval(config: &Config) -> Duration {
    Duration::from_std(config.refresh_interval).unwrap_or(Duration::seconds(30))
}

/// The theme asked for, checked even under NO_COLOR (a typo in its name is an error there
/// too), then monochrome if NO_COLOR says so, and in 256 colours unless the terminal says
/// it has 24-bit colour.
pub fn load_theme(config: &Config, config_path: &Path) -> Result<Theme, Failure> {
    let dirs = config::theme_dirs(config_path);
    let loaded = Theme::load(&config.theme, &dirs).map_err(|e| user(e.to_string()))?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::monochrome());
    }
    let truecolour = theme::truecolour_supported(std::env::var_os("COLORTERM").as_deref());
    Ok(loaded.for_terminal(truecolour))
}
