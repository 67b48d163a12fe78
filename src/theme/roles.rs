//! Every role on screen, named once: its doc comment and its monochrome style. From this one
//! list [`theme_roles!`] makes the [`Theme`] struct, the raw serde table of a theme file, the
//! build from that table, the monochrome theme and the list of roles.

use ratatui::style::{Modifier, Style};

use serde::Deserialize;
use toml::Spanned;

use super::ThemeError;

/// Colours are `toml::Value` because both `"yellow"` and `214` are valid.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStyle {
    pub(super) fg: Option<Spanned<toml::Value>>,
    pub(super) bg: Option<Spanned<toml::Value>>,
    pub(super) modifiers: Option<Vec<Spanned<String>>>,
}

const PLAIN: Style = Style::new();
const BOLD: Style = PLAIN.add_modifier(Modifier::BOLD);
const DIM: Style = PLAIN.add_modifier(Modifier::DIM);
const UNDERLINED: Style = PLAIN.add_modifier(Modifier::UNDERLINED);
const REVERSED: Style = PLAIN.add_modifier(Modifier::REVERSED);

/// `role => monochrome style`, each with its doc comment.
macro_rules! theme_roles {
    ($($(#[doc = $doc:literal])* $role:ident => $mono:expr,)*) => {
        /// The style of every role on screen. A role's `fg`/`bg` left unset shows what is
        /// beneath it, which is `base` wherever the UI has filled the screen with it.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            pub name: String,
            $($(#[doc = $doc])* pub $role: Style,)*
        }

        /// A theme file: every role optional, so a missing table gets the fallback.
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct RawTheme {
            $($role: Option<RawStyle>,)*
        }

        /// How many roles a theme has.
        pub const ROLE_COUNT: usize = [$(stringify!($role)),*].len();

        impl Theme {
            /// For `NO_COLOR`: no colours at all, structure by modifiers only.
            pub fn monochrome() -> Theme {
                Theme {
                    name: "monochrome".to_owned(),
                    $($role: $mono,)*
                }
            }

            /// Every role with its name as theme files spell it, in the files' order.
            pub fn roles(&self) -> [(&'static str, Style); ROLE_COUNT] {
                [$((stringify!($role), self.$role)),*]
            }

            /// The same theme with `change` applied to every role's style.
            pub(super) fn map_styles(self, change: impl Fn(Style) -> Style) -> Theme {
                Theme {
                    name: self.name,
                    $($role: change(self.$role),)*
                }
            }

            /// Builds each role from its table in the file (`None` when absent), its name
            /// and its style in `fallback`.
            pub(super) fn from_raw(
                raw: RawTheme,
                fallback: Theme,
                mut role: impl FnMut(Option<RawStyle>, &str, Style) -> Result<Style, ThemeError>,
            ) -> Result<Theme, ThemeError> {
                Ok(Theme {
                    name: String::new(),
                    $($role: role(raw.$role, stringify!($role), fallback.$role)?,)*
                })
            }
        }
    };
}

theme_roles! {
    /// Foreground and background of the whole screen.
    base => PLAIN,
    /// Secondary text, timestamps.
    dim => DIM,
    /// Titles and key names that should catch the eye.
    accent => BOLD,
    /// The top summary bar.
    header => BOLD,
    /// Column headings of tables.
    table_header => BOLD.add_modifier(Modifier::UNDERLINED),
    /// The selected row.
    selected => REVERSED,
    /// Frames around panels and dialogs.
    border => PLAIN,
    /// Titles of panels and dialogs.
    title => BOLD,
    /// Keys in the help screen and status bar.
    key_hint => BOLD,
    /// The filter box.
    input => UNDERLINED,
    /// Flash line: results of actions.
    flash_info => PLAIN,
    /// Flash line: errors.
    flash_error => BOLD,
    /// The amber callout box in a tenant card.
    callout => BOLD,
    /// Hub rows, which group their spokes.
    hub_row => BOLD,
    /// Level ok: healthy.
    ok => PLAIN,
    /// Level info: worth knowing, nothing wrong.
    info => PLAIN,
    // Without colour only the worst level should pull the eye; glyphs and words still tell
    // amber from ok.
    /// Level amber: needs attention soon.
    amber => PLAIN,
    /// Level red: the promise is broken now.
    red => BOLD,
    // Stale data: present but not to be trusted.
    /// Level unknown: the source has not answered for a while.
    unknown => DIM,
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;

    #[test]
    fn monochrome_has_no_colours_anywhere() {
        let theme = Theme::monochrome();
        let no_colour = |colour: Option<Color>| matches!(colour, None | Some(Color::Reset));
        for (role, style) in theme.roles() {
            assert!(
                no_colour(style.fg) && no_colour(style.bg),
                "{role} has a colour"
            );
            assert!(
                no_colour(style.underline_color),
                "{role} has an underline colour"
            );
        }
        assert!(theme.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(theme.red.add_modifier.contains(Modifier::BOLD));
        assert_ne!(theme.selected, theme.base);
    }
}
