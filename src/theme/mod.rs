//! Colours and text attributes for every part of the screen, read from TOML "skins"
//! (like k9s): three built-ins compiled in, and user files in `<config dir>/themes/`.
//!
//! Colour is never the only signal (levels also have a glyph and a word), so a theme may
//! be as plain as [`Theme::monochrome`].

mod builtin;
mod lookup;
mod palette;
mod parse;
mod roles;

use std::fmt;
use std::path::{Path, PathBuf};

use ratatui::style::Style;

use crate::domain::Level;

use builtin::parse_builtin;
use parse::parse;

pub use palette::truecolour_supported;
pub use roles::{ROLE_COUNT, Theme};

/// A theme that could not be found, read or parsed.
#[derive(Debug)]
pub struct ThemeError {
    /// Where the problem lies, e.g. `theme file /home/u/.config/snapdeck/themes/mine.toml`.
    pub origin: String,
    /// 1-based line in that file, when the problem has one.
    pub line: Option<usize>,
    pub problem: String,
}

impl fmt::Display for ThemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ThemeError {}

impl Theme {
    pub const BUILTIN: [&'static str; 3] = ["default", "light", "high-contrast"];

    /// A built-in theme; `None` for any other name.
    pub fn builtin(name: &str) -> Option<Theme> {
        parse_builtin(name)?.ok()
    }

    /// Looks for `<dir>/<name>.toml` in each of `dirs` in turn (see
    /// [`crate::config::theme_dirs`]), then among the built-ins.
    ///
    /// # Errors
    /// Unknown name → error listing the available names (built-ins + user files found) and
    /// the folders searched; an unreadable or invalid user file → error naming the file and
    /// line.
    pub fn load(name: &str, dirs: &[PathBuf]) -> Result<Theme, ThemeError> {
        lookup::find(name, dirs)
    }

    /// `origin` (usually the file's path) appears in errors; its file stem becomes the name.
    ///
    /// # Errors
    /// Invalid TOML, an unknown table or key, or an unknown colour or modifier, with its line.
    pub fn from_toml(src: &str, origin: &str) -> Result<Theme, ThemeError> {
        let name = Path::new(origin)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or(origin);
        parse(src, &format!("theme file {origin}"), name)
    }

    /// This theme as the terminal can show it: unchanged with `truecolour`, else every
    /// `#rrggbb` becomes its nearest colour in the 256-colour palette.
    #[must_use]
    pub fn for_terminal(self, truecolour: bool) -> Theme {
        if truecolour {
            self
        } else {
            self.map_styles(palette::to_256_colours)
        }
    }

    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Ok => self.ok,
            Level::Info => self.info,
            Level::Amber => self.amber,
            Level::Red => self.red,
            Level::Unknown => self.unknown,
        }
    }

    fn named(mut self, name: &str) -> Theme {
        name.clone_into(&mut self.name);
        self
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;

    #[test]
    fn for_terminal_maps_every_rgb_only_without_truecolour() {
        let default = Theme::builtin("default").unwrap();
        assert_eq!(default.clone().for_terminal(true), default);
        let mapped = default.for_terminal(false);
        for (role, style) in mapped.roles() {
            let colours = [style.fg, style.bg, style.underline_color];
            let rgb = colours.iter().any(|c| matches!(c, Some(Color::Rgb(..))));
            assert!(!rgb, "{role} is still 24-bit");
        }
        // #101317 is nearest to grey-ramp step 18.
        assert_eq!(mapped.base.bg, Some(Color::Indexed(233)));
        let indexed = Theme::builtin("high-contrast").unwrap();
        assert_eq!(indexed.clone().for_terminal(false), indexed);
    }
}
