//! A theme file's TOML turned into a [`Theme`]: colours, modifiers, and errors that name the
//! line and key of every mistake.

use std::ops::Range;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;

use super::roles::{RawStyle, RawTheme};
use super::{Theme, ThemeError};
use crate::toml_error::{TomlProblem, explain_toml_error, line_at};

/// `origin` names the file in errors; `name` becomes the theme's name.
pub(super) fn parse(src: &str, origin: &str, name: &str) -> Result<Theme, ThemeError> {
    let raw: RawTheme = toml::from_str(src).map_err(|err| {
        let TomlProblem { line, problem, .. } = explain_toml_error(src, &err);
        ThemeError {
            origin: origin.to_owned(),
            line,
            problem,
        }
    })?;
    let build = Build { origin, src };
    let theme = Theme::from_raw(raw, fallback(), |raw, role, fallback| {
        build.role(raw, role, fallback)
    })?;
    Ok(theme.named(name))
}

/// What a role looks like when its table is missing from the file: the monochrome
/// structure plus the terminal's own palette colours for levels, which suit light and dark
/// terminals alike.
fn fallback() -> Theme {
    let mono = Theme::monochrome();
    Theme {
        name: String::new(),
        flash_error: mono.flash_error.fg(Color::Red),
        callout: mono.callout.fg(Color::Yellow),
        ok: mono.ok.fg(Color::Green),
        info: mono.info.fg(Color::Blue),
        amber: mono.amber.fg(Color::Yellow),
        red: mono.red.fg(Color::Red),
        unknown: Style::new().fg(Color::Magenta),
        ..mono
    }
}

struct Build<'a> {
    origin: &'a str,
    src: &'a str,
}

impl Build<'_> {
    fn fail(&self, span: &Range<usize>, problem: String) -> ThemeError {
        ThemeError {
            origin: self.origin.to_owned(),
            line: Some(line_at(self.src, span.start)),
            problem,
        }
    }

    /// A table that is present defines the role completely: mixing in half of the
    /// fallback (say, its REVERSED) would surprise whoever wrote the table.
    fn role(
        &self,
        raw: Option<RawStyle>,
        role: &str,
        fallback: Style,
    ) -> Result<Style, ThemeError> {
        let Some(raw) = raw else {
            return Ok(fallback);
        };
        let mut style = Style::new();
        if let Some(fg) = &raw.fg {
            style = style.fg(self.colour(fg, &format!("{role}.fg"))?);
        }
        if let Some(bg) = &raw.bg {
            style = style.bg(self.colour(bg, &format!("{role}.bg"))?);
        }
        for name in raw.modifiers.iter().flatten() {
            style = style.add_modifier(self.modifier(name, role)?);
        }
        Ok(style)
    }

    fn colour(&self, value: &Spanned<toml::Value>, key: &str) -> Result<Color, ThemeError> {
        let parsed = match value.get_ref() {
            toml::Value::String(name) => Color::from_str(name.trim()).ok(),
            toml::Value::Integer(index) => u8::try_from(*index).ok().map(Color::Indexed),
            _ => None,
        };
        parsed.ok_or_else(|| {
            let problem = format!(
                "unknown colour {} for `{key}` (use a name like \"yellow\", \"#ffaa00\" or an index 0-255)",
                value.get_ref()
            );
            self.fail(&value.span(), problem)
        })
    }

    fn modifier(&self, name: &Spanned<String>, role: &str) -> Result<Modifier, ThemeError> {
        modifier_named(name.get_ref()).ok_or_else(|| {
            let problem = format!(
                "unknown modifier {:?} in `{role}.modifiers` (use bold, dim, italic, underlined, \
                 reversed, crossed_out, slow_blink, rapid_blink or hidden)",
                name.get_ref()
            );
            self.fail(&name.span(), problem)
        })
    }
}

fn modifier_named(name: &str) -> Option<Modifier> {
    let modifier = match name
        .trim()
        .to_ascii_lowercase()
        .replace(['-', ' '], "_")
        .as_str()
    {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
        "slow_blink" | "blink" => Modifier::SLOW_BLINK,
        "rapid_blink" => Modifier::RAPID_BLINK,
        "hidden" => Modifier::HIDDEN,
        _ => return None,
    };
    Some(modifier)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Level;

    fn parse_err(src: &str) -> ThemeError {
        Theme::from_toml(src, "/t/mine.toml").unwrap_err()
    }

    #[test]
    fn example_file_parses() {
        let src = "# snapdeck theme\n[base]\nfg = \"#c8ccd4\"\nbg = \"#101317\"\n[amber]\nfg = \"#f0a732\"\nmodifiers = [\"bold\"]\n";
        let theme = Theme::from_toml(src, "/t/mine.toml").unwrap();
        assert_eq!(theme.name, "mine");
        assert_eq!(
            theme.base,
            Style::new()
                .fg(Color::Rgb(0xc8, 0xcc, 0xd4))
                .bg(Color::Rgb(0x10, 0x13, 0x17))
        );
        assert_eq!(
            theme.amber,
            Style::new()
                .fg(Color::Rgb(0xf0, 0xa7, 0x32))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.level(Level::Amber), theme.amber);
    }

    #[test]
    fn colour_forms() {
        let src = "[ok]\nfg = \"dark-gray\"\nbg = 214\n[red]\nfg = \"LightRed\"\nbg = \"reset\"\n[info]\nfg = \"darkgray\"\n";
        let theme = Theme::from_toml(src, "x").unwrap();
        assert_eq!(
            theme.ok,
            Style::new().fg(Color::DarkGray).bg(Color::Indexed(214))
        );
        assert_eq!(theme.red, Style::new().fg(Color::LightRed).bg(Color::Reset));
        assert_eq!(theme.info.fg, Some(Color::DarkGray));
    }

    #[test]
    fn missing_roles_fall_back() {
        let theme = Theme::from_toml("", "x").unwrap();
        assert_eq!(
            Theme {
                name: String::new(),
                ..theme
            },
            fallback()
        );
        assert_eq!(
            theme.selected,
            Style::new().add_modifier(Modifier::REVERSED)
        );
        assert_eq!(theme.red.fg, Some(Color::Red));
    }

    #[test]
    fn broken_file_gives_the_right_line() {
        let err = parse_err("[base]\nfg = \"white\"\n\n[amber]\nfg = \"yellow\"\nfgg = \"red\"\n");
        assert_eq!(err.line, Some(6), "{err}");
        assert!(
            err.problem
                .contains("unknown key `amber.fgg` (expected one of fg, bg, modifiers)"),
            "{err}"
        );

        let err = parse_err("[base]\nfg = \"white\"\n[ambre]\n");
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.problem.contains("unknown key `ambre`"), "{err}");

        let err = parse_err("[base]\nfg = \"white\n");
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn unknown_colour_names_the_key() {
        let src = "[base]\nfg = \"white\"\n\n\n[amber]\n\nfg = \"purpel\"\n";
        let err = parse_err(src);
        assert_eq!(
            err.to_string(),
            "theme file /t/mine.toml, line 7: unknown colour \"purpel\" for `amber.fg` \
             (use a name like \"yellow\", \"#ffaa00\" or an index 0-255)"
        );
        let err = parse_err("[red]\nbg = 300\n");
        assert_eq!(err.line, Some(2));
        assert!(
            err.problem.contains("unknown colour 300 for `red.bg`"),
            "{err}"
        );
        let err = parse_err("[red]\nbg = true\n");
        assert!(err.problem.contains("for `red.bg`"), "{err}");
    }

    #[test]
    fn unknown_modifier_names_the_key() {
        let err = parse_err("[red]\nmodifiers = [\"bold\",\n  \"blod\"]\n");
        assert_eq!(err.line, Some(3));
        assert!(
            err.problem
                .contains("unknown modifier \"blod\" in `red.modifiers`"),
            "{err}"
        );
    }

    #[test]
    fn modifiers_combine() {
        let theme = Theme::from_toml(
            "[red]\nmodifiers = [\"bold\", \"Underline\", \"crossed-out\"]\n",
            "x",
        )
        .unwrap();
        let expected = Modifier::BOLD | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
        assert_eq!(theme.red, Style::new().add_modifier(expected));
    }
}
