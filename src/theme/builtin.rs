//! The built-in themes, compiled in from `themes/*.toml`.

use super::parse::parse;
use super::{Theme, ThemeError};

const BUILTIN_SOURCES: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

pub(super) fn parse_builtin(name: &str) -> Option<Result<Theme, ThemeError>> {
    let (_, src) = BUILTIN_SOURCES.iter().find(|(known, _)| *known == name)?;
    Some(parse(src, &format!("built-in theme {name}"), name))
}

#[cfg(test)]
mod tests {
    use ratatui::style::Color;

    use super::*;
    use crate::theme::palette::xterm_rgb;

    fn builtins() -> Vec<Theme> {
        Theme::BUILTIN
            .iter()
            .map(|name| match parse_builtin(name) {
                Some(Ok(theme)) => theme,
                Some(Err(err)) => panic!("{err}"),
                None => panic!("{name} is not embedded"),
            })
            .collect()
    }

    /// sRGB of the colours a theme file can pin down (hex and the 256-colour cube/ramp);
    /// the 16 named colours depend on the terminal's palette.
    fn rgb(colour: Color) -> Option<[u8; 3]> {
        match colour {
            Color::Rgb(r, g, b) => Some([r, g, b]),
            Color::Indexed(index) => xterm_rgb(index),
            _ => None,
        }
    }

    /// WCAG 2 contrast ratio; 4.5 is the bar for normal text.
    fn contrast(a: Color, b: Color) -> f64 {
        let luminance = |colour: Color| {
            let [r, g, b] = rgb(colour).unwrap().map(|c| {
                let c = f64::from(c) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            });
            0.2126 * r + 0.7152 * g + 0.0722 * b
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn all_builtins_parse_and_differ() {
        let themes = builtins();
        for (theme, name) in themes.iter().zip(Theme::BUILTIN) {
            assert_eq!(theme.name, name);
            assert_eq!(Theme::builtin(name).as_ref(), Some(theme));
        }
        assert_ne!(themes[0], themes[1]);
        assert_ne!(themes[0], themes[2]);
        assert_ne!(themes[1], themes[2]);
        assert!(Theme::builtin("mine").is_none());
    }

    #[test]
    fn builtin_files_document_every_role() {
        for (name, src) in BUILTIN_SOURCES {
            for (role, _) in Theme::monochrome().roles() {
                assert!(
                    src.contains(&format!("\n[{role}]\n")),
                    "{name} lacks [{role}]"
                );
            }
        }
    }

    /// Every text role reads on the background at the WCAG bar for normal text.
    fn assert_text_legible(theme: &Theme) {
        let background = theme.base.bg.unwrap();
        let readable = [
            "base", "dim", "accent", "ok", "info", "amber", "red", "unknown",
        ];
        for (role, style) in theme
            .roles()
            .into_iter()
            .filter(|(r, _)| readable.contains(r))
        {
            let ratio = contrast(style.fg.unwrap(), background);
            assert!(ratio >= 4.5, "{} {role}: contrast {ratio:.2}", theme.name);
        }
    }

    /// The selected row's text reads on its bar, and the bar stands out from the background.
    fn assert_selection_visible(theme: &Theme) {
        let (fg, bg) = (theme.selected.fg.unwrap(), theme.selected.bg.unwrap());
        let text = contrast(fg, bg);
        assert!(
            text >= 4.5,
            "{}: selected text contrast {text:.2}",
            theme.name
        );
        let bar = contrast(bg, theme.base.bg.unwrap());
        assert!(
            bar >= 2.0,
            "{}: selected bar vs background {bar:.2}",
            theme.name
        );
    }

    #[test]
    fn builtin_text_is_legible_on_its_background() {
        builtins().iter().for_each(assert_text_legible);
    }

    #[test]
    fn builtin_selection_is_clearly_visible() {
        builtins().iter().for_each(assert_selection_visible);
    }

    #[test]
    fn builtins_stay_legible_in_256_colours() {
        for theme in builtins() {
            let theme = theme.for_terminal(false);
            assert_text_legible(&theme);
            assert_selection_visible(&theme);
        }
    }
}
