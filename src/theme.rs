//! Colours and text attributes for every part of the screen, read from TOML "skins"
//! (like k9s): three built-ins compiled in, and user files in `<config dir>/themes/`.
//!
//! Colour is never the only signal (levels also have a glyph and a word), so a theme may
//! be as plain as [`Theme::monochrome`].

use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::domain::Level;
use crate::toml_error::{TomlProblem, explain_toml_error, line_at};

/// The style of every role on screen. A role's `fg`/`bg` left unset shows what is beneath
/// it, which is `base` wherever the UI has filled the screen with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    /// Foreground and background of the whole screen.
    pub base: Style,
    /// Secondary text, timestamps.
    pub dim: Style,
    /// Titles and key names that should catch the eye.
    pub accent: Style,
    /// The top summary bar.
    pub header: Style,
    pub table_header: Style,
    /// The selected row.
    pub selected: Style,
    pub border: Style,
    pub title: Style,
    /// Keys in the help screen and status bar.
    pub key_hint: Style,
    /// The filter box.
    pub input: Style,
    pub flash_info: Style,
    pub flash_error: Style,
    /// The amber callout box in a tenant card.
    pub callout: Style,
    /// Hub rows, which group their spokes.
    pub hub_row: Style,
    pub ok: Style,
    pub info: Style,
    pub amber: Style,
    pub red: Style,
    pub unknown: Style,
}

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

const BUILTIN_SOURCES: [(&str, &str); 3] = [
    ("default", include_str!("../themes/default.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
];

impl Theme {
    pub const BUILTIN: [&'static str; 3] = ["default", "light", "high-contrast"];

    /// A built-in theme; `None` for any other name.
    pub fn builtin(name: &str) -> Option<Theme> {
        parse_builtin(name)?.ok()
    }

    /// Looks in `user_dir` (the config dir's `themes/` folder) first, then the built-ins.
    ///
    /// # Errors
    /// Unknown name → error listing the available names (built-ins + user files found);
    /// an unreadable or invalid user file → error naming the file and line.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
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

    /// For `NO_COLOR`: no colours at all, structure by modifiers only.
    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            name: "monochrome".to_owned(),
            base: plain,
            dim: Style::new().add_modifier(Modifier::DIM),
            accent: bold,
            header: bold,
            table_header: bold.add_modifier(Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            border: plain,
            title: bold,
            key_hint: bold,
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            flash_info: plain,
            flash_error: bold,
            callout: bold,
            hub_row: bold,
            ok: plain,
            info: plain,
            // Without colour only the worst level should pull the eye; glyphs and words
            // still tell amber from ok.
            amber: plain,
            red: bold,
            // Stale data: present but not to be trusted.
            unknown: Style::new().add_modifier(Modifier::DIM),
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

fn parse_builtin(name: &str) -> Option<Result<Theme, ThemeError>> {
    let (_, src) = BUILTIN_SOURCES.iter().find(|(known, _)| *known == name)?;
    Some(parse(src, &format!("built-in theme {name}"), name))
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

fn parse(src: &str, origin: &str, name: &str) -> Result<Theme, ThemeError> {
    let raw: RawTheme = toml::from_str(src).map_err(|err| {
        let TomlProblem { line, problem, .. } = explain_toml_error(src, &err);
        ThemeError {
            origin: origin.to_owned(),
            line,
            problem,
        }
    })?;
    Build { origin, src }
        .theme(raw)
        .map(|theme| theme.named(name))
}

// ---------------------------------------------------------------------------------------
// Raw layer: every role optional, every value spanned so errors can name its line.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    base: Option<RawStyle>,
    dim: Option<RawStyle>,
    accent: Option<RawStyle>,
    header: Option<RawStyle>,
    table_header: Option<RawStyle>,
    selected: Option<RawStyle>,
    border: Option<RawStyle>,
    title: Option<RawStyle>,
    key_hint: Option<RawStyle>,
    input: Option<RawStyle>,
    flash_info: Option<RawStyle>,
    flash_error: Option<RawStyle>,
    callout: Option<RawStyle>,
    hub_row: Option<RawStyle>,
    ok: Option<RawStyle>,
    info: Option<RawStyle>,
    amber: Option<RawStyle>,
    red: Option<RawStyle>,
    unknown: Option<RawStyle>,
}

/// Colours are `toml::Value` because both `"yellow"` and `214` are valid.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<Spanned<toml::Value>>,
    bg: Option<Spanned<toml::Value>>,
    modifiers: Option<Vec<Spanned<String>>>,
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

    fn theme(&self, raw: RawTheme) -> Result<Theme, ThemeError> {
        let fb = fallback();
        Ok(Theme {
            name: String::new(),
            base: self.role(raw.base, "base", fb.base)?,
            dim: self.role(raw.dim, "dim", fb.dim)?,
            accent: self.role(raw.accent, "accent", fb.accent)?,
            header: self.role(raw.header, "header", fb.header)?,
            table_header: self.role(raw.table_header, "table_header", fb.table_header)?,
            selected: self.role(raw.selected, "selected", fb.selected)?,
            border: self.role(raw.border, "border", fb.border)?,
            title: self.role(raw.title, "title", fb.title)?,
            key_hint: self.role(raw.key_hint, "key_hint", fb.key_hint)?,
            input: self.role(raw.input, "input", fb.input)?,
            flash_info: self.role(raw.flash_info, "flash_info", fb.flash_info)?,
            flash_error: self.role(raw.flash_error, "flash_error", fb.flash_error)?,
            callout: self.role(raw.callout, "callout", fb.callout)?,
            hub_row: self.role(raw.hub_row, "hub_row", fb.hub_row)?,
            ok: self.role(raw.ok, "ok", fb.ok)?,
            info: self.role(raw.info, "info", fb.info)?,
            amber: self.role(raw.amber, "amber", fb.amber)?,
            red: self.role(raw.red, "red", fb.red)?,
            unknown: self.role(raw.unknown, "unknown", fb.unknown)?,
        })
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

    fn roles(theme: &Theme) -> [(&'static str, Style); 19] {
        [
            ("base", theme.base),
            ("dim", theme.dim),
            ("accent", theme.accent),
            ("header", theme.header),
            ("table_header", theme.table_header),
            ("selected", theme.selected),
            ("border", theme.border),
            ("title", theme.title),
            ("key_hint", theme.key_hint),
            ("input", theme.input),
            ("flash_info", theme.flash_info),
            ("flash_error", theme.flash_error),
            ("callout", theme.callout),
            ("hub_row", theme.hub_row),
            ("ok", theme.ok),
            ("info", theme.info),
            ("amber", theme.amber),
            ("red", theme.red),
            ("unknown", theme.unknown),
        ]
    }

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

    fn parse_err(src: &str) -> ThemeError {
        Theme::from_toml(src, "/t/mine.toml").unwrap_err()
    }

    /// sRGB of the colours a theme file can pin down (hex and the 256-colour cube/ramp);
    /// the 16 named colours depend on the terminal's palette.
    fn rgb(colour: Color) -> Option<[u8; 3]> {
        const STEPS: [u8; 6] = [0, 95, 135, 175, 215, 255];
        match colour {
            Color::Rgb(r, g, b) => Some([r, g, b]),
            Color::Indexed(i @ 16..=231) => {
                let i = usize::from(i - 16);
                Some([STEPS[i / 36], STEPS[i / 6 % 6], STEPS[i % 6]])
            }
            Color::Indexed(i @ 232..=255) => Some([8 + (i - 232) * 10; 3]),
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
            for (role, _) in roles(&Theme::monochrome()) {
                assert!(
                    src.contains(&format!("\n[{role}]\n")),
                    "{name} lacks [{role}]"
                );
            }
        }
    }

    #[test]
    fn builtin_text_is_legible_on_its_background() {
        for theme in builtins() {
            let background = theme.base.bg.unwrap();
            let readable = [
                "base", "dim", "accent", "ok", "info", "amber", "red", "unknown",
            ];
            for (role, style) in roles(&theme)
                .into_iter()
                .filter(|(r, _)| readable.contains(r))
            {
                let ratio = contrast(style.fg.unwrap(), background);
                assert!(ratio >= 4.5, "{} {role}: contrast {ratio:.2}", theme.name);
            }
        }
    }

    #[test]
    fn builtin_selection_is_clearly_visible() {
        for theme in builtins() {
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

    #[test]
    fn monochrome_has_no_colours_anywhere() {
        let theme = Theme::monochrome();
        let no_colour = |colour: Option<Color>| matches!(colour, None | Some(Color::Reset));
        for (role, style) in roles(&theme) {
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
