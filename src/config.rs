//! The settings file (`config.toml`): where it lives, its defaults, and validation that
//! points at the exact line and key of every mistake.
//!
//! Parsing happens in two steps: serde fills "raw" structs whose fields are all optional and
//! carry their byte span, then validation turns them into [`Config`]. The spans are what let
//! every error name a real line, not a guess.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::domain::calendar::{BusinessCalendar, CalendarError};

/// Every setting of snapdeck, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: String,
    pub time: TimeDisplay,
    pub refresh_interval: Duration,
    pub read_only: bool,
    pub source: SourceKind,
    pub demo: DemoConfig,
    pub http: HttpConfig,
    pub kube: KubeConfig,
    pub business_hours: BusinessHours,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeDisplay {
    #[default]
    Utc,
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceKind {
    #[default]
    Demo,
    Http,
    Kube,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    pub seed: u64,
    pub tenants: usize,
    /// Demo clock speed-up factor.
    pub speed: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// `None` when the file leaves it empty: the caller decides whether that is fatal.
    pub base_url: Option<String>,
    /// Name of the environment variable holding the bearer token (never the token itself).
    pub token_env: String,
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeConfig {
    /// `None` means the kubeconfig's current context.
    pub context: Option<String>,
    pub tenant_selector: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    pub timezone: Tz,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// In the order written, without repeats.
    pub weekdays: Vec<Weekday>,
    /// Sorted and without repeats, so lookups can binary-search.
    pub holidays: Vec<NaiveDate>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: "default".to_owned(),
            time: TimeDisplay::Utc,
            refresh_interval: Duration::from_secs(30),
            read_only: false,
            source: SourceKind::Demo,
            demo: DemoConfig::default(),
            http: HttpConfig::default(),
            kube: KubeConfig::default(),
            business_hours: BusinessHours::default(),
        }
    }
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 42,
            tenants: 60,
            speed: 1.0,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            base_url: None,
            token_env: "SNAPDECK_TOKEN".to_owned(),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Default for KubeConfig {
    fn default() -> Self {
        KubeConfig {
            context: None,
            tenant_selector: "snapdeck.io/tenant".to_owned(),
        }
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours {
            timezone: chrono_tz::Europe::London,
            start: NaiveTime::MIN + chrono::TimeDelta::hours(9),
            end: NaiveTime::MIN + chrono::TimeDelta::hours(17),
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            holidays: Vec::new(),
        }
    }
}

/// A config file that could not be read, parsed or validated.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line of the offending key or value, when the problem has one.
    pub line: Option<usize>,
    /// Dotted key such as `demo.speed`, when the problem is about one key.
    pub key: Option<String>,
    /// A complete sentence fragment, already naming the key where that helps the reader.
    pub problem: String,
}

impl ConfigError {
    fn whole_file(path: &Path, problem: String) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: None,
            problem,
        }
    }

    fn from_toml(path: &Path, src: &str, err: &toml::de::Error) -> Self {
        let TomlProblem { line, key, problem } = explain_toml_error(src, err);
        ConfigError {
            path: path.to_path_buf(),
            line,
            key,
            problem,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config file {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ConfigError {}

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

impl Config {
    /// Missing file → defaults (not an error).
    ///
    /// # Errors
    /// An unreadable file, or content that [`Config::from_toml`] rejects.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match fs::read_to_string(path) {
            Ok(src) => Config::from_toml(&src, path),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Config::default()),
            Err(err) => Err(ConfigError::whole_file(
                path,
                format!("cannot read it: {err}"),
            )),
        }
    }

    /// `path` is only used in error messages.
    ///
    /// # Errors
    /// Invalid TOML, an unknown key, a value of the wrong type or out of range; the error
    /// names the key and its line.
    pub fn from_toml(src: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(src).map_err(|err| ConfigError::from_toml(path, src, &err))?;
        Check { path, src }.config(raw)
    }
}

/// The commented file `snapdeck config init` writes: every setting with its default.
pub fn template() -> String {
    TEMPLATE.to_owned()
}

/// Writes [`template`] to `path`, creating its folder. Refuses to replace an existing file
/// unless `force`, so a slip of `config init` never wipes someone's settings.
///
/// # Errors
/// The file exists and `force` is false, or the folder or file cannot be written.
pub fn write_template(path: &Path, force: bool) -> Result<(), ConfigError> {
    create_parent(path)?;
    let mut options = fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        // create_new checks and creates in one step, so no race with another writer.
        options.create_new(true);
    }
    let written = options
        .open(path)
        .and_then(|mut file| io::Write::write_all(&mut file, TEMPLATE.as_bytes()));
    written.map_err(|err| write_error(path, &err))
}

fn create_parent(path: &Path) -> Result<(), ConfigError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir).map_err(|err| {
            ConfigError::whole_file(
                path,
                format!("cannot create its folder {}: {err}", dir.display()),
            )
        }),
        _ => Ok(()),
    }
}

fn write_error(path: &Path, err: &io::Error) -> ConfigError {
    let problem = if err.kind() == io::ErrorKind::AlreadyExists {
        "already exists; left untouched (use --force to replace it)".to_owned()
    } else {
        format!("cannot write it: {err}")
    };
    ConfigError::whole_file(path, problem)
}

const TEMPLATE: &str = r#"# snapdeck configuration
#
# Every setting is optional: a missing one takes the default shown here.
# snapdeck reads this file from the platform config directory, or from the path given
# by --config or the SNAPDECK_CONFIG environment variable.

# Colour theme: default, light, high-contrast, or the name of a file in the themes/
# folder next to this file (themes/<name>.toml). NO_COLOR turns colours off regardless.
theme = "default"

# Times on screen: "utc" or "local".
time = "utc"

# How often sources refresh, in seconds (at least 1).
# A source silent for two intervals is shown as stale.
refresh_interval_secs = 30

# true hides every action (restores, DNS swaps, cancellations): a safe viewing mode.
read_only = false

[source]
# Where the fleet comes from: "demo" (simulated, no set-up), "http" (control-plane API)
# or "kube" (the clusters themselves).
kind = "demo"

[demo]
# The same seed always gives the same simulated fleet.
seed = 42
# Number of simulated tenants, 1 to 1000000.
tenants = 60
# Demo clock speed-up factor (greater than 0; 60 makes a minute pass every second).
speed = 1.0

[http]
# Control-plane API address, e.g. "https://control.example.net". Needed when kind = "http".
base_url = ""
# Name of the environment variable holding the bearer token (the token never goes in this file).
token_env = "SNAPDECK_TOKEN"
# Request timeout in seconds (at least 1).
timeout_secs = 10

[kube]
# kubeconfig context to use; empty means the current context.
context = ""
# Label selector finding the tenant namespaces.
tenant_selector = "snapdeck.io/tenant"

[business_hours]
# Used for the one-business-hour acknowledgement deadline of restore requests and the
# Standard tier's RTO. IANA time zone name.
timezone = "Europe/London"
# Start of the working day, "HH:MM".
start = "09:00"
# End of the working day, "HH:MM", after the start.
end = "17:00"
# Working days, from mon tue wed thu fri sat sun.
weekdays = ["mon", "tue", "wed", "thu", "fri"]
# Days off, as "YYYY-MM-DD", e.g. ["2026-12-25", "2026-12-28"].
holidays = []
"#;

// ---------------------------------------------------------------------------------------
// Raw layer: what serde can check on its own (known keys, basic types). Integers are i64 so
// that a negative or zero value reaches validation and gets a message in our words.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    theme: Option<Spanned<String>>,
    time: Option<Spanned<String>>,
    refresh_interval_secs: Option<Spanned<i64>>,
    read_only: Option<bool>,
    source: Option<RawSource>,
    demo: Option<RawDemo>,
    http: Option<RawHttp>,
    kube: Option<RawKube>,
    business_hours: Option<RawBusinessHours>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDemo {
    seed: Option<Spanned<i64>>,
    tenants: Option<Spanned<i64>>,
    speed: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    base_url: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKube {
    context: Option<String>,
    tenant_selector: Option<Spanned<String>>,
}

/// Times and dates are `toml::Value` because users write them both ways: as strings
/// (`"09:00"`) and as bare TOML times and dates (`09:00`, `2026-12-25`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBusinessHours {
    timezone: Option<Spanned<String>>,
    start: Option<Spanned<toml::Value>>,
    end: Option<Spanned<toml::Value>>,
    weekdays: Option<Spanned<Vec<Spanned<String>>>>,
    holidays: Option<Vec<Spanned<toml::Value>>>,
}

// ---------------------------------------------------------------------------------------
// Validation: raw → Config. Every check that fails points at its value's span.

struct Check<'a> {
    path: &'a Path,
    src: &'a str,
}

type Checked<T> = Result<T, ConfigError>;

/// `None` (the key is absent) gives `default`; a present value goes through `check`.
fn or_default<R, T>(raw: Option<R>, default: T, check: impl FnOnce(R) -> Checked<T>) -> Checked<T> {
    raw.map(check)
        .transpose()
        .map(|value| value.unwrap_or(default))
}

impl Check<'_> {
    fn fail(&self, span: &Range<usize>, key: &str, problem: String) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line_at(self.src, span.start)),
            key: Some(key.to_owned()),
            problem,
        }
    }

    fn config(&self, raw: RawConfig) -> Checked<Config> {
        let defaults = Config::default();
        let source = raw.source.unwrap_or_default();
        Ok(Config {
            theme: or_default(raw.theme.as_ref(), defaults.theme, |v| {
                self.text(v, "theme")
            })?,
            time: or_default(raw.time.as_ref(), defaults.time, |v| self.time_display(v))?,
            refresh_interval: or_default(
                raw.refresh_interval_secs.as_ref(),
                defaults.refresh_interval,
                |v| self.seconds(v, "refresh_interval_secs"),
            )?,
            read_only: raw.read_only.unwrap_or(defaults.read_only),
            source: or_default(source.kind.as_ref(), defaults.source, |v| {
                self.source_kind(v)
            })?,
            demo: self.demo(raw.demo.unwrap_or_default())?,
            http: self.http(raw.http.unwrap_or_default())?,
            kube: self.kube(raw.kube.unwrap_or_default())?,
            business_hours: self.business_hours(raw.business_hours.unwrap_or_default())?,
        })
    }

    fn demo(&self, raw: RawDemo) -> Checked<DemoConfig> {
        let defaults = DemoConfig::default();
        Ok(DemoConfig {
            seed: or_default(raw.seed.as_ref(), defaults.seed, |v| {
                self.at_least(v, "demo.seed", 0)
            })?,
            tenants: or_default(raw.tenants.as_ref(), defaults.tenants, |v| {
                self.between(v, "demo.tenants", 1, 1_000_000)
            })?,
            speed: or_default(raw.speed.as_ref(), defaults.speed, |v| {
                self.positive(v, "demo.speed")
            })?,
        })
    }

    fn http(&self, raw: RawHttp) -> Checked<HttpConfig> {
        let defaults = HttpConfig::default();
        let base_url = raw
            .base_url
            .as_ref()
            .map(|v| self.base_url(v))
            .transpose()?;
        Ok(HttpConfig {
            base_url: base_url.flatten(),
            token_env: or_default(raw.token_env.as_ref(), defaults.token_env, |v| {
                self.text(v, "http.token_env")
            })?,
            timeout: or_default(raw.timeout_secs.as_ref(), defaults.timeout, |v| {
                self.seconds(v, "http.timeout_secs")
            })?,
        })
    }

    fn kube(&self, raw: RawKube) -> Checked<KubeConfig> {
        let defaults = KubeConfig::default();
        Ok(KubeConfig {
            context: raw.context.as_deref().and_then(non_blank),
            tenant_selector: or_default(
                raw.tenant_selector.as_ref(),
                defaults.tenant_selector,
                |v| self.text(v, "kube.tenant_selector"),
            )?,
        })
    }

    fn business_hours(&self, raw: RawBusinessHours) -> Checked<BusinessHours> {
        let defaults = BusinessHours::default();
        let start_key = "business_hours.start";
        let end_key = "business_hours.end";
        let start = or_default(raw.start.as_ref(), defaults.start, |v| {
            self.clock(v, start_key)
        })?;
        let end = or_default(raw.end.as_ref(), defaults.end, |v| self.clock(v, end_key))?;
        let hours = BusinessHours {
            timezone: or_default(raw.timezone.as_ref(), defaults.timezone, |v| {
                self.timezone(v)
            })?,
            start,
            end,
            weekdays: or_default(raw.weekdays.as_ref(), defaults.weekdays, |v| {
                self.weekdays(v)
            })?,
            holidays: or_default(raw.holidays.as_deref(), defaults.holidays, |v| {
                self.holidays(v)
            })?,
        };
        // The calendar owns the rules of a business day; config only says where in the file.
        BusinessCalendar::new(
            hours.timezone,
            hours.start,
            hours.end,
            &hours.weekdays,
            hours.holidays.iter().copied(),
        )
        .map_err(|e| self.calendar_error(e, &raw))?;
        Ok(hours)
    }

    fn text(&self, value: &Spanned<String>, key: &str) -> Checked<String> {
        non_blank(value.get_ref())
            .ok_or_else(|| self.fail(&value.span(), key, format!("`{key}` must not be empty")))
    }

    fn time_display(&self, value: &Spanned<String>) -> Checked<TimeDisplay> {
        let choices = [("utc", TimeDisplay::Utc), ("local", TimeDisplay::Local)];
        self.choice(value, "time", &choices)
    }

    fn source_kind(&self, value: &Spanned<String>) -> Checked<SourceKind> {
        let choices = [
            ("demo", SourceKind::Demo),
            ("http", SourceKind::Http),
            ("kube", SourceKind::Kube),
        ];
        self.choice(value, "source.kind", &choices)
    }

    fn choice<T: Copy>(
        &self,
        value: &Spanned<String>,
        key: &str,
        choices: &[(&str, T)],
    ) -> Checked<T> {
        let wanted = value.get_ref().trim();
        let found = choices
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, choice)| *choice);
        found.ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            let problem = format!(
                "`{key}` must be {}, got {:?}",
                one_of(&names),
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }

    fn seconds(&self, value: &Spanned<i64>, key: &str) -> Checked<Duration> {
        self.at_least(value, key, 1).map(Duration::from_secs)
    }

    fn at_least(&self, value: &Spanned<i64>, key: &str, min: u64) -> Checked<u64> {
        let number = *value.get_ref();
        u64::try_from(number)
            .ok()
            .filter(|n| *n >= min)
            .ok_or_else(|| {
                let problem = format!("`{key}` must be at least {min}, got {number}");
                self.fail(&value.span(), key, problem)
            })
    }

    fn between(&self, value: &Spanned<i64>, key: &str, min: usize, max: usize) -> Checked<usize> {
        let number = *value.get_ref();
        usize::try_from(number)
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                let problem = format!("`{key}` must be between {min} and {max}, got {number}");
                self.fail(&value.span(), key, problem)
            })
    }

    fn positive(&self, value: &Spanned<f64>, key: &str) -> Checked<f64> {
        let number = *value.get_ref();
        if number.is_finite() && number > 0.0 {
            return Ok(number);
        }
        let problem = format!("`{key}` must be greater than 0, got {number}");
        Err(self.fail(&value.span(), key, problem))
    }

    /// Empty means "not configured"; anything else must be a URL the http client can use.
    fn base_url(&self, value: &Spanned<String>) -> Checked<Option<String>> {
        let Some(url) = non_blank(value.get_ref()) else {
            return Ok(None);
        };
        if url.starts_with("https://") || url.starts_with("http://") {
            return Ok(Some(url));
        }
        let key = "http.base_url";
        let problem = format!("`{key}` must start with https:// or http://, got {url:?}");
        Err(self.fail(&value.span(), key, problem))
    }

    fn timezone(&self, value: &Spanned<String>) -> Checked<Tz> {
        let key = "business_hours.timezone";
        value.get_ref().trim().parse::<Tz>().map_err(|_| {
            let problem = format!(
                "`{key}`: {:?} is not an IANA time zone (e.g. \"Europe/London\", \"UTC\")",
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }

    fn clock(&self, value: &Spanned<toml::Value>, key: &str) -> Checked<NaiveTime> {
        let parsed = match value.get_ref() {
            toml::Value::String(text) => NaiveTime::parse_from_str(text.trim(), "%H:%M").ok(),
            toml::Value::Datetime(datetime) => toml_clock(datetime),
            _ => None,
        };
        parsed.ok_or_else(|| {
            let problem = format!("`{key}` must be HH:MM, got {}", value.get_ref());
            self.fail(&value.span(), key, problem)
        })
    }

    /// Points at the key the calendar's complaint is about, preferring what the user wrote.
    fn calendar_error(&self, error: CalendarError, raw: &RawBusinessHours) -> ConfigError {
        match error {
            CalendarError::EmptyDay { start, end } => {
                let (key, span) = match (&raw.end, &raw.start) {
                    (Some(end), _) => ("business_hours.end", end.span()),
                    (None, Some(start)) => ("business_hours.start", start.span()),
                    (None, None) => ("business_hours", 0..0),
                };
                let problem = format!(
                    "`business_hours.start` ({}) must be before `business_hours.end` ({})",
                    start.format("%H:%M"),
                    end.format("%H:%M")
                );
                self.fail(&span, key, problem)
            }
            CalendarError::NoBusinessDays => {
                let key = "business_hours.weekdays";
                let span = raw.weekdays.as_ref().map_or(0..0, |w| w.span());
                self.fail(&span, key, format!("`{key}` must list at least one day"))
            }
        }
    }

    fn weekdays(&self, value: &Spanned<Vec<Spanned<String>>>) -> Checked<Vec<Weekday>> {
        let key = "business_hours.weekdays";
        let mut days = Vec::new();
        for day in value.get_ref() {
            let parsed = self.weekday(day, key)?;
            if !days.contains(&parsed) {
                days.push(parsed);
            }
        }
        Ok(days)
    }

    fn weekday(&self, day: &Spanned<String>, key: &str) -> Checked<Weekday> {
        day.get_ref().trim().parse::<Weekday>().map_err(|_| {
            let problem = format!(
                "`{key}`: {:?} is not a weekday (use mon, tue, wed, thu, fri, sat, sun)",
                day.get_ref()
            );
            self.fail(&day.span(), key, problem)
        })
    }

    fn holidays(&self, values: &[Spanned<toml::Value>]) -> Checked<Vec<NaiveDate>> {
        let mut dates = values
            .iter()
            .map(|value| self.holiday(value))
            .collect::<Checked<Vec<_>>>()?;
        dates.sort_unstable();
        dates.dedup();
        Ok(dates)
    }

    fn holiday(&self, value: &Spanned<toml::Value>) -> Checked<NaiveDate> {
        let key = "business_hours.holidays";
        let parsed = match value.get_ref() {
            toml::Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            toml::Value::Datetime(datetime) => toml_date(datetime),
            _ => None,
        };
        parsed.ok_or_else(|| {
            let problem = format!(
                "`{key}`: {} is not a date (use \"YYYY-MM-DD\")",
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }
}

fn non_blank(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A bare TOML time (`09:00`), accepted only when it means a plain HH:MM.
fn toml_clock(datetime: &toml::value::Datetime) -> Option<NaiveTime> {
    let time = datetime
        .time
        .filter(|_| datetime.date.is_none() && datetime.offset.is_none())?;
    if time.second != 0 || time.nanosecond != 0 {
        return None;
    }
    NaiveTime::from_hms_opt(time.hour.into(), time.minute.into(), 0)
}

/// A bare TOML date (`2026-12-25`), without a time of day.
fn toml_date(datetime: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = datetime.date.filter(|_| datetime.time.is_none())?;
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

// ---------------------------------------------------------------------------------------
// TOML error translation, shared with `theme.rs` so both files report mistakes alike.

/// A toml/serde error restated for a person editing the file.
pub(crate) struct TomlProblem {
    pub(crate) line: Option<usize>,
    pub(crate) key: Option<String>,
    pub(crate) problem: String,
}

pub(crate) fn explain_toml_error(src: &str, err: &toml::de::Error) -> TomlProblem {
    let offset = err.span().map(|span| span.start);
    let key = offset.and_then(|offset| key_path_at(src, offset));
    TomlProblem {
        line: offset.map(|offset| line_at(src, offset)),
        problem: restate(src, err, key.as_deref()),
        key,
    }
}

fn restate(src: &str, err: &toml::de::Error, key: Option<&str>) -> String {
    // toml says only "duplicate key"; the span holds the name, which is worth showing.
    let spanned = err.span().and_then(|span| src.get(span)).map(str::trim);
    match spanned {
        Some(name) if err.message() == "duplicate key" && !name.is_empty() => {
            format!("duplicate key `{name}`")
        }
        _ => reword(err.message(), key),
    }
}

/// 1-based line of a byte offset; offsets past the end count as the last line.
pub(crate) fn line_at(src: &str, offset: usize) -> usize {
    1 + src
        .bytes()
        .take(offset)
        .filter(|byte| *byte == b'\n')
        .count()
}

/// The dotted key whose name or value covers `offset`: serde errors carry a span but no key.
fn key_path_at(src: &str, offset: usize) -> Option<String> {
    let document = DeTable::parse(src).ok()?;
    path_in_table(document.get_ref(), offset, "")
}

fn path_in_table(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    table
        .iter()
        .find_map(|(key, value)| path_in_entry(key, value, offset, prefix))
}

fn path_in_entry(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    offset: usize,
    prefix: &str,
) -> Option<String> {
    let path = if prefix.is_empty() {
        key.get_ref().to_string()
    } else {
        format!("{prefix}.{}", key.get_ref())
    };
    if key.span().contains(&offset) {
        return Some(path);
    }
    // A `[table]`'s own span covers only its header, so look inside before judging by span.
    let nested = match value.get_ref() {
        DeValue::Table(table) => path_in_table(table, offset, &path),
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| item.get_ref().as_table())
            .find_map(|table| path_in_table(table, offset, &path)),
        _ => None,
    };
    nested.or_else(|| value.span().contains(&offset).then_some(path))
}

/// Restates serde's wording ("unknown field", "expected i64") in the file's own terms.
fn reword(message: &str, key: Option<&str>) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown_key(rest, key);
    }
    let wrong_value = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    match wrong_value.and_then(|rest| rest.rsplit_once(", expected ")) {
        Some((got, expected)) => wrong_type(got, expected, key),
        // Syntax errors: toml's own words ("unclosed table, expected `]`") are already clear.
        None => message.to_owned(),
    }
}

/// `rest` looks like "`themee`, expected one of `theme`, `time`" (serde's fixed format).
fn unknown_key(rest: &str, key: Option<&str>) -> String {
    let (name, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let name = key.map_or_else(|| name.to_owned(), |key| format!("`{key}`"));
    let expected = expected
        .trim_start_matches("one of ")
        .replace('`', "")
        .replace(" or ", ", ");
    if expected.is_empty() {
        format!("unknown key {name}")
    } else if expected.contains(", ") {
        format!("unknown key {name} (expected one of {expected})")
    } else {
        format!("unknown key {name} (expected {expected})")
    }
}

fn wrong_type(got: &str, expected: &str, key: Option<&str>) -> String {
    let expected = match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    match key {
        Some(key) => format!("`{key}` must be {expected}, got {got}"),
        None => format!("expected {expected}, got {got}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, ConfigError> {
        Config::from_toml(src, Path::new("/x/config.toml"))
    }

    fn error(src: &str) -> ConfigError {
        match parse(src) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(err) => err,
        }
    }

    /// Asserts the line, the key and that the problem mentions every fragment.
    fn assert_error(src: &str, line: usize, key: &str, fragments: &[&str]) {
        let err = error(src);
        assert_eq!(err.line, Some(line), "{err}");
        assert_eq!(err.key.as_deref(), Some(key), "{err}");
        for fragment in fragments {
            assert!(err.problem.contains(fragment), "{fragment:?} not in: {err}");
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn template_parses_back_to_defaults() {
        assert_eq!(parse(&template()).unwrap(), Config::default());
    }

    #[test]
    fn template_comments_every_setting() {
        let lines: Vec<&str> = TEMPLATE.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let is_setting = line.contains(" = ") && !line.starts_with('#');
            if is_setting {
                let previous = lines.get(index.wrapping_sub(1)).unwrap_or(&"");
                assert!(previous.starts_with('#'), "no comment above {line:?}");
            }
        }
    }

    #[test]
    fn full_file_is_read() {
        let src = r#"
theme = "light"
time = "LOCAL"
refresh_interval_secs = 5
read_only = true
[source]
kind = "kube"
[demo]
seed = 7
tenants = 100000
speed = 60
[http]
base_url = "https://control.example.net"
token_env = "MY_TOKEN"
timeout_secs = 3
[kube]
context = "prod-eu"
tenant_selector = "moodle/tenant"
[business_hours]
timezone = "America/New_York"
start = 08:30
end = "18:00"
weekdays = ["sun", "Monday", "mon"]
holidays = ["2026-12-28", 2026-12-25, "2026-12-28"]
"#;
        let config = parse(src).unwrap();
        assert_eq!(config.theme, "light");
        assert_eq!(config.time, TimeDisplay::Local);
        assert_eq!(config.refresh_interval, Duration::from_secs(5));
        assert!(config.read_only);
        assert_eq!(config.source, SourceKind::Kube);
        assert_eq!(
            config.demo,
            DemoConfig {
                seed: 7,
                tenants: 100_000,
                speed: 60.0
            }
        );
        assert_eq!(
            config.http.base_url.as_deref(),
            Some("https://control.example.net")
        );
        assert_eq!(config.http.token_env, "MY_TOKEN");
        assert_eq!(config.http.timeout, Duration::from_secs(3));
        assert_eq!(config.kube.context.as_deref(), Some("prod-eu"));
        assert_eq!(config.kube.tenant_selector, "moodle/tenant");
        let hours = &config.business_hours;
        assert_eq!(hours.timezone, chrono_tz::America::New_York);
        assert_eq!(hours.start, NaiveTime::from_hms_opt(8, 30, 0).unwrap());
        assert_eq!(hours.end, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
        assert_eq!(hours.weekdays, vec![Weekday::Sun, Weekday::Mon]);
        let holidays = [
            NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
        ];
        assert_eq!(hours.holidays, holidays);
    }

    #[test]
    fn empty_strings_mean_unset() {
        let config = parse("[http]\nbase_url = \"\"\n[kube]\ncontext = \" \"\n").unwrap();
        assert_eq!(config.http.base_url, None);
        assert_eq!(config.kube.context, None);
    }

    #[test]
    fn unknown_top_level_key() {
        let src = "theme = \"default\"\n\nthemee = \"light\"\n";
        assert_error(
            src,
            3,
            "themee",
            &["unknown key `themee`", "expected one of theme, time,"],
        );
        assert_eq!(
            error(src).to_string(),
            "config file /x/config.toml, line 3: unknown key `themee` (expected one of theme, \
             time, refresh_interval_secs, read_only, source, demo, http, kube, business_hours)"
        );
    }

    #[test]
    fn unknown_table() {
        assert_error("[demoo]\nseed = 1\n", 1, "demoo", &["unknown key `demoo`"]);
    }

    #[test]
    fn unknown_key_inside_a_table() {
        let src = "[demo]\nseed = 1\nsped = 2.0\n";
        assert_error(
            src,
            3,
            "demo.sped",
            &["unknown key `demo.sped` (expected one of seed, tenants, speed)"],
        );
    }

    #[test]
    fn unknown_key_in_an_inline_table_and_a_single_choice() {
        let src = "\nsource = { kind = \"http\", knd = \"x\" }\n";
        assert_error(
            src,
            2,
            "source.knd",
            &["unknown key `source.knd` (expected kind)"],
        );
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let src = "[demo]\nseed = 1\ntenants = \"many\"\n";
        assert_error(
            src,
            3,
            "demo.tenants",
            &["`demo.tenants` must be an integer, got string \"many\""],
        );
    }

    #[test]
    fn wrong_type_with_dotted_key_and_for_a_table() {
        assert_error(
            "demo.speed = \"fast\"\n",
            1,
            "demo.speed",
            &["must be a number"],
        );
        assert_error(
            "x = 1\nread_only = \"yes\"\n",
            2,
            "read_only",
            &["must be true or false"],
        );
        assert_error("demo = 3\n", 1, "demo", &["`demo` must be a table"]);
        assert_error(
            "[business_hours]\nweekdays = \"mon\"\n",
            2,
            "business_hours.weekdays",
            &["must be a list"],
        );
    }

    #[test]
    fn duplicate_key_is_named() {
        let err = error("[demo]\nseed = 1\n\nseed = 2\n");
        assert_eq!(err.line, Some(4), "{err}");
        assert_eq!(err.problem, "duplicate key `seed`");
        let err = error("[demo]\n[kube]\n[demo]\n");
        assert_eq!(err.line, Some(3), "{err}");
        assert_eq!(err.problem, "duplicate key `demo`");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = error("theme = \"default\"\n[demo\nseed = 1\n");
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn empty_theme() {
        assert_error(
            "\ntheme = \"  \"\n",
            2,
            "theme",
            &["`theme` must not be empty"],
        );
    }

    #[test]
    fn bad_time_display() {
        assert_error(
            "time = \"gmt\"\n",
            1,
            "time",
            &["`time` must be \"utc\" or \"local\", got \"gmt\""],
        );
    }

    #[test]
    fn refresh_interval_at_least_one() {
        let src = "refresh_interval_secs = 0\n";
        assert_error(
            src,
            1,
            "refresh_interval_secs",
            &["must be at least 1, got 0"],
        );
    }

    #[test]
    fn bad_source_kind() {
        let src = "[source]\nkind = \"k8s\"\n";
        let expected = "`source.kind` must be \"demo\", \"http\" or \"kube\", got \"k8s\"";
        assert_error(src, 2, "source.kind", &[expected]);
    }

    #[test]
    fn negative_seed() {
        assert_error(
            "[demo]\nseed = -1\n",
            2,
            "demo.seed",
            &["must be at least 0, got -1"],
        );
    }

    #[test]
    fn tenants_out_of_range() {
        let expected = "`demo.tenants` must be between 1 and 1000000, got";
        assert_error("[demo]\ntenants = 0\n", 2, "demo.tenants", &[expected]);
        assert_error(
            "[demo]\ntenants = 1000001\n",
            2,
            "demo.tenants",
            &[expected],
        );
        assert_error("[demo]\ntenants = -3\n", 2, "demo.tenants", &[expected]);
    }

    #[test]
    fn speed_must_be_positive() {
        let src = "[demo]\n\n\n\n\n\n\n\nspeed = -2\n";
        assert_error(
            src,
            9,
            "demo.speed",
            &["`demo.speed` must be greater than 0, got -2"],
        );
        assert_eq!(
            error(src).to_string(),
            "config file /x/config.toml, line 9: `demo.speed` must be greater than 0, got -2"
        );
        assert_error("[demo]\nspeed = 0\n", 2, "demo.speed", &["greater than 0"]);
        assert_error(
            "[demo]\nspeed = nan\n",
            2,
            "demo.speed",
            &["greater than 0"],
        );
        assert_error(
            "[demo]\nspeed = inf\n",
            2,
            "demo.speed",
            &["greater than 0"],
        );
    }

    #[test]
    fn base_url_needs_a_scheme() {
        let src = "[http]\nbase_url = \"control.example.net\"\n";
        assert_error(
            src,
            2,
            "http.base_url",
            &["must start with https:// or http://"],
        );
    }

    #[test]
    fn empty_token_env_and_selector() {
        assert_error(
            "[http]\ntoken_env = \"\"\n",
            2,
            "http.token_env",
            &["must not be empty"],
        );
        let src = "[kube]\ntenant_selector = \"\"\n";
        assert_error(src, 2, "kube.tenant_selector", &["must not be empty"]);
    }

    #[test]
    fn timeout_at_least_one() {
        assert_error(
            "[http]\ntimeout_secs = 0\n",
            2,
            "http.timeout_secs",
            &["at least 1"],
        );
    }

    #[test]
    fn bad_timezone() {
        let src = "[business_hours]\ntimezone = \"Europe/Londn\"\n";
        let expected = "`business_hours.timezone`: \"Europe/Londn\" is not an IANA time zone";
        assert_error(src, 2, "business_hours.timezone", &[expected]);
    }

    #[test]
    fn bad_clock_times() {
        let src = "[business_hours]\nstart = \"9am\"\n";
        let expected = "`business_hours.start` must be HH:MM, got \"9am\"";
        assert_error(src, 2, "business_hours.start", &[expected]);
        let src = "[business_hours]\nend = 17\n";
        assert_error(src, 2, "business_hours.end", &["must be HH:MM, got 17"]);
        let src = "[business_hours]\nend = 17:00:30\n";
        assert_error(src, 2, "business_hours.end", &["must be HH:MM"]);
    }

    #[test]
    fn start_must_be_before_end() {
        let src = "[business_hours]\nstart = \"17:00\"\nend = \"09:00\"\n";
        let expected = "`business_hours.start` (17:00) must be before `business_hours.end` (09:00)";
        assert_error(src, 3, "business_hours.end", &[expected]);
        let src = "[business_hours]\nstart = \"18:00\"\n";
        assert_error(src, 2, "business_hours.start", &["must be before"]);
        let src = "[business_hours]\nstart = \"09:00\"\nend = \"09:00\"\n";
        assert_error(src, 3, "business_hours.end", &["must be before"]);
    }

    #[test]
    fn weekdays_must_be_days() {
        let src = "[business_hours]\nweekdays = []\n";
        assert_error(
            src,
            2,
            "business_hours.weekdays",
            &["must list at least one day"],
        );
        let src = "[business_hours]\nweekdays = [\n  \"mon\",\n  \"funday\",\n]\n";
        let expected = "`business_hours.weekdays`: \"funday\" is not a weekday";
        assert_error(src, 4, "business_hours.weekdays", &[expected]);
    }

    #[test]
    fn holidays_must_be_dates() {
        let src = "[business_hours]\nholidays = [\"2026-12-25\",\n  \"25/12/2026\"]\n";
        let expected = "`business_hours.holidays`: \"25/12/2026\" is not a date";
        assert_error(src, 3, "business_hours.holidays", &[expected]);
        let src = "[business_hours]\nholidays = [\"2026-02-30\"]\n";
        assert_error(src, 2, "business_hours.holidays", &["is not a date"]);
    }

    #[test]
    fn line_counts_newlines_before_the_offset() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
    }

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
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(&dir.path().join("absent.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load(dir.path()).unwrap_err();
        assert_eq!(err.line, None);
        assert!(err.to_string().contains("cannot read it"), "{err}");
    }

    #[test]
    fn load_reports_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "[demo]\ntenants = 0\n").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert_eq!(err.path, path);
        assert!(
            err.to_string()
                .starts_with(&format!("config file {}, line 2:", path.display()))
        );
    }

    #[test]
    fn write_template_creates_folders_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/snapdeck/config.toml");
        write_template(&path, false).unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());

        fs::write(&path, "theme = \"light\"\n").unwrap();
        let err = write_template(&path, false).unwrap_err();
        assert!(err.problem.contains("already exists"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "theme = \"light\"\n");

        write_template(&path, true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), template());
    }
}
