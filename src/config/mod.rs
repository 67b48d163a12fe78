//! The settings file (`config.toml`): where it lives, its defaults, and validation that
//! points at the exact line and key of every mistake.
//!
//! Parsing happens in two steps: serde fills "raw" structs whose fields are all optional and
//! carry their byte span, then validation turns them into [`Config`]. The spans are what let
//! every error name a real line, not a guess.

mod business_hours;
mod check;
mod error;
mod local_zone;
mod paths;
mod raw;
mod sections;
mod template;

use crate::domain::calendar::{BusinessCalendar, CalendarError};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use check::Check;
use raw::RawConfig;

pub use error::ConfigError;
pub use local_zone::local_zone;
pub use paths::{default_path, resolve_path, theme_dirs, themes_dir};
pub use template::{template, write_template};

/// Every setting of snapdeck, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub theme: String,
    pub time: TimeDisplay,
    pub refresh_interval: Duration,
    pub read_only: bool,
    /// Who the journal says acted; `None`: the login name, else the account's.
    pub operator: Option<String>,
    pub source: SourceKind,
    pub demo: DemoConfig,
    pub http: HttpConfig,
    pub kube: KubeConfig,
    pub self_host: SelfHostConfig,
    pub business_hours: BusinessHours,
    /// snapdeck's own checks of a restore; `None` when `[verify]` is absent (they are off).
    pub verify: Option<VerifyConfig>,
    /// Restore drills' flags; `None` when `[drills]` is absent (drills still run, nobody is
    /// flagged for lacking one).
    pub drills: Option<DrillsConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillsConfig {
    /// A tenant without a passed drill this recent is flagged "restore untested".
    pub max_age: chrono::Duration,
}

pub const DEFAULT_DRILL_MAX_AGE_DAYS: usize = 30;

/// Where snapdeck's own checks read a tenant (templates filled with `{slug}`, `{hostname}`,
/// `{region}` and `{tenant_id}`), and how long they may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyConfig {
    /// A libpq-style connection string, without a password.
    pub database: String,
    pub moodledata: String,
    pub site: String,
    pub table_prefix: String,
    pub password_command: Option<String>,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    /// How much of the newest files' content the moodledata check may hash.
    pub hash_budget: crate::domain::verify::HashBudget,
}

pub const DEFAULT_SITE_PROBE: &str = "https://{hostname}/login/index.php";

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

impl SourceKind {
    /// As the config and `--source` name it.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Demo => "demo",
            SourceKind::Http => "http",
            SourceKind::Kube => "kube",
        }
    }
}

/// The fastest the demo clock may run: a year of schedules in about five minutes.
pub const MAX_DEMO_SPEED: f64 = 100_000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    pub seed: u64,
    pub tenants: usize,
    /// Demo clock speed-up factor, above 0 and at most `MAX_DEMO_SPEED`.
    pub speed: f64,
    /// Regions made down or degraded during the run (`--region-down`, `--region-degraded`).
    pub outages: Vec<crate::domain::region::Outage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// `None` when the file leaves it empty: the caller decides whether that is fatal.
    pub base_url: Option<String>,
    /// Name of the environment variable holding the bearer token (never the token itself).
    pub token_env: String,
    /// A file holding the token, read when the variable is unset.
    pub token_file: Option<PathBuf>,
    /// A shell command printing the token, run once when neither is set (like a kubectl
    /// credential plugin).
    pub token_command: Option<String>,
    /// A PEM file of extra CA certificates (a private CA), trusted beside the system's.
    pub ca_file: Option<PathBuf>,
    /// Plain `http://` to a host other than loopback sends the token in clear: refused unless
    /// this is set.
    pub allow_insecure_http: bool,
    pub connect_timeout: Duration,
    /// The request timeout (`timeout_secs`).
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeConfig {
    /// The kubeconfig contexts to read, in order, without repeats; empty means the
    /// kubeconfig's current context.
    pub contexts: Vec<String>,
    /// Every context of the kubeconfig (`--all-contexts`).
    pub all_contexts: bool,
    /// Watch only these namespaces (for a context whose rights stop at them); empty means
    /// every namespace.
    pub namespaces: Vec<String>,
    /// Label key on a tenant's namespace; its value is the tenant's slug.
    pub tenant_selector: String,
    /// Tenants are the namespaces holding the chart's snapshot CronJob, held to
    /// `[self_host]`'s policy.
    pub self_host: bool,
    pub keys: KubeKeys,
}

/// The label and annotation keys the platform's objects carry (README, "The kube source").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeKeys {
    pub kind: String,
    pub hub: String,
    pub tier: String,
    pub region: String,
    pub secondary_region: String,
    pub hostname: String,
    pub display_name: String,
    pub created_at: String,
    /// Marks the backup CronJob (`backup`), the dump Jobs (`db-dump`) and the moodledata
    /// VolumeSnapshots (`moodledata`).
    pub component: String,
    /// Shared by one run's dump Job and VolumeSnapshot.
    pub run: String,
    pub dump_bytes: String,
    pub copied_at: String,
    pub copy_error: String,
}

impl Default for KubeKeys {
    fn default() -> Self {
        let key = |name: &str| format!("snapdeck.io/{name}");
        KubeKeys {
            kind: key("kind"),
            hub: key("hub"),
            tier: key("tier"),
            region: key("region"),
            secondary_region: key("secondary-region"),
            hostname: key("hostname"),
            display_name: key("display-name"),
            created_at: key("created-at"),
            component: key("component"),
            run: key("run"),
            dump_bytes: key("dump-bytes"),
            copied_at: key("copied-at"),
            copy_error: key("copy-error"),
        }
    }
}

/// A self-host customer's own backup policy (they own schedule and retention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelfHostConfig {
    pub rpo: Duration,
    pub retention_days: u32,
}

impl Default for SelfHostConfig {
    fn default() -> Self {
        SelfHostConfig {
            rpo: Duration::from_secs(24 * 3600),
            retention_days: 7,
        }
    }
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

impl BusinessHours {
    /// The calendar these hours describe (a loaded config's hours always make one).
    pub fn calendar(&self) -> Result<BusinessCalendar, CalendarError> {
        BusinessCalendar::new(
            self.timezone,
            self.start,
            self.end,
            &self.weekdays,
            self.holidays.iter().copied(),
        )
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: "default".to_owned(),
            time: TimeDisplay::Utc,
            refresh_interval: Duration::from_secs(30),
            read_only: false,
            operator: None,
            source: SourceKind::Demo,
            demo: DemoConfig::default(),
            http: HttpConfig::default(),
            kube: KubeConfig::default(),
            self_host: SelfHostConfig::default(),
            business_hours: BusinessHours::default(),
            verify: None,
            drills: None,
        }
    }
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 42,
            tenants: 60,
            speed: 1.0,
            outages: Vec::new(),
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            base_url: None,
            token_env: "SNAPDECK_TOKEN".to_owned(),
            token_file: None,
            token_command: None,
            ca_file: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
        }
    }
}

impl Default for KubeConfig {
    fn default() -> Self {
        KubeConfig {
            contexts: Vec::new(),
            all_contexts: false,
            namespaces: Vec::new(),
            tenant_selector: "snapdeck.io/tenant".to_owned(),
            self_host: false,
            keys: KubeKeys::default(),
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

/// Helpers shared by the tests of every part of the config.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use super::{Config, ConfigError};

    pub(crate) fn parse(src: &str) -> Result<Config, ConfigError> {
        Config::from_toml(src, Path::new("/x/config.toml"))
    }

    pub(crate) fn error(src: &str) -> ConfigError {
        match parse(src) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(err) => err,
        }
    }

    /// Asserts the line, the key and that the problem mentions every fragment.
    pub(crate) fn assert_error(src: &str, line: usize, key: &str, fragments: &[&str]) {
        let err = error(src);
        assert_eq!(err.line, Some(line), "{err}");
        assert_eq!(err.key.as_deref(), Some(key), "{err}");
        for fragment in fragments {
            assert!(err.problem.contains(fragment), "{fragment:?} not in: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn loaded(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn verify_is_off_without_its_section_and_read_with_defaults_with_it() {
        assert_eq!(loaded("").unwrap().verify, None);
        let config = loaded(
            "[verify]\ndatabase = \"host={slug}-db user=verifier\"\nmoodledata = \"/mnt/{slug}\"\n",
        )
        .unwrap();
        let verify = config.verify.unwrap();
        assert_eq!(verify.site, DEFAULT_SITE_PROBE);
        assert_eq!(verify.table_prefix, "mdl_");
        assert_eq!(verify.query_timeout, Duration::from_secs(30));
    }

    #[test]
    fn verify_mistakes_are_named_with_their_line() {
        let err = loaded("[verify]\nmoodledata = \"/mnt/{slug}\"\n").unwrap_err();
        assert!(
            err.to_string().contains("`verify.database` is missing"),
            "{err}"
        );
        let err =
            loaded("[verify]\ndatabase = \"host=db user=v password=x\"\nmoodledata = \"/m\"\n")
                .unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("holds a password"), "{err}");
        let err = loaded("[verify]\ndatabase = \"host=db user=v\"\nmoodledata = \"/m/{tenant}\"\n")
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.to_string().contains("{tenant}"), "{err}");
        let err = loaded("[verify]\ndatabse = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("databse"), "{err}");
    }
}
