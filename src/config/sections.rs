//! Building each section of [`Config`] from its raw table: defaults for absent keys, the
//! generic validators for present ones.

use super::check::{Check, Checked, non_blank, or_default};
use super::raw::{
    RawConfig, RawDemo, RawDrills, RawHttp, RawKube, RawKubeKeys, RawSelfHost, RawVerify,
};
use super::{
    Config, DEFAULT_DRILL_MAX_AGE_DAYS, DEFAULT_SITE_PROBE, DemoConfig, DrillsConfig, HttpConfig,
    KubeConfig, KubeKeys, MAX_DEMO_SPEED, SelfHostConfig, SourceKind, TimeDisplay, VerifyConfig,
};
use crate::domain::verify::HashBudget;
use crate::domain::verify::template;
use std::time::Duration;
use toml::Spanned;

impl Check<'_> {
    pub(super) fn config(&self, raw: RawConfig) -> Checked<Config> {
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
            operator: raw
                .operator
                .as_ref()
                .map(|v| self.text(v, "operator"))
                .transpose()?,
            source: or_default(source.kind.as_ref(), defaults.source, |v| {
                self.source_kind(v)
            })?,
            demo: self.demo(raw.demo.unwrap_or_default())?,
            http: self.http(raw.http.unwrap_or_default())?,
            kube: self.kube(raw.kube.unwrap_or_default())?,
            self_host: self.self_host(raw.self_host.unwrap_or_default())?,
            business_hours: self.business_hours(raw.business_hours.unwrap_or_default())?,
            verify: raw.verify.map(|v| self.verify(v)).transpose()?,
            drills: raw.drills.map(|d| self.drills(d)).transpose()?,
        })
    }

    fn drills(&self, raw: RawDrills) -> Checked<DrillsConfig> {
        let days = or_default(raw.max_age_days.as_ref(), DEFAULT_DRILL_MAX_AGE_DAYS, |v| {
            self.between(v, "drills.max_age_days", 1, 3660)
        })?;
        Ok(DrillsConfig {
            max_age: chrono::Duration::days(days as i64),
        })
    }

    fn verify(&self, raw: RawVerify) -> Checked<VerifyConfig> {
        let required = |value: &Option<Spanned<String>>, key: &str| {
            value
                .as_ref()
                .map(|v| self.template(v, key))
                .unwrap_or_else(|| {
                    Err(self.missing(
                        key,
                        "[verify] needs it (see the README, \"snapdeck's own checks\")",
                    ))
                })
        };
        let database = required(&raw.database, "verify.database")?;
        if let (Some(value), Err(problem)) = (&raw.database, template::check_database(&database)) {
            return Err(self.fail(&value.span(), "verify.database", problem));
        }
        let prefix = or_default(raw.table_prefix.as_ref(), "mdl_".to_string(), |v| {
            let prefix = v.get_ref().trim().to_string();
            if prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                Ok(prefix)
            } else {
                let problem = format!(
                    "`verify.table_prefix` may hold only letters, digits and _, got {prefix:?}"
                );
                Err(self.fail(&v.span(), "verify.table_prefix", problem))
            }
        })?;
        Ok(VerifyConfig {
            database,
            moodledata: required(&raw.moodledata, "verify.moodledata")?,
            site: or_default(raw.site.as_ref(), DEFAULT_SITE_PROBE.to_string(), |v| {
                self.template(v, "verify.site")
            })?,
            table_prefix: prefix,
            password_command: raw.password_command.as_deref().and_then(non_blank),
            connect_timeout: or_default(
                raw.connect_timeout_secs.as_ref(),
                Duration::from_secs(10),
                |v| self.seconds(v, "verify.connect_timeout_secs"),
            )?,
            query_timeout: or_default(
                raw.query_timeout_secs.as_ref(),
                Duration::from_secs(30),
                |v| self.seconds(v, "verify.query_timeout_secs"),
            )?,
            hash_budget: self.hash_budget(&raw)?,
        })
    }

    /// Bytes and seconds the moodledata check may spend hashing, each at least 1.
    fn hash_budget(&self, raw: &RawVerify) -> Checked<HashBudget> {
        let defaults = HashBudget::default();
        Ok(HashBudget {
            bytes: or_default(raw.hash_budget_bytes.as_ref(), defaults.bytes, |v| {
                self.at_least(v, "verify.hash_budget_bytes", 1)
            })?,
            time: or_default(raw.hash_budget_seconds.as_ref(), defaults.time, |v| {
                self.seconds(v, "verify.hash_budget_seconds")
            })?,
        })
    }

    /// A template whose placeholders are all known.
    fn template(&self, value: &Spanned<String>, key: &str) -> Checked<String> {
        let text = self.text(value, key)?;
        template::check(&text).map_err(|problem| self.fail(&value.span(), key, problem))?;
        Ok(text)
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
                self.positive(v, "demo.speed", MAX_DEMO_SPEED)
            })?,
            outages: defaults.outages,
        })
    }

    fn http(&self, raw: RawHttp) -> Checked<HttpConfig> {
        let defaults = HttpConfig::default();
        let base_url = raw.url.as_ref().map(|v| self.base_url(v)).transpose()?;
        Ok(HttpConfig {
            base_url: base_url.flatten(),
            token_env: or_default(raw.token_env.as_ref(), defaults.token_env, |v| {
                self.text(v, "http.token_env")
            })?,
            token_file: raw
                .token_file
                .as_deref()
                .and_then(non_blank)
                .map(Into::into),
            token_command: raw.token_command.as_deref().and_then(non_blank),
            ca_file: raw.ca_file.as_deref().and_then(non_blank).map(Into::into),
            allow_insecure_http: raw
                .allow_insecure_http
                .unwrap_or(defaults.allow_insecure_http),
            connect_timeout: or_default(
                raw.connect_timeout_secs.as_ref(),
                defaults.connect_timeout,
                |v| self.seconds(v, "http.connect_timeout_secs"),
            )?,
            timeout: or_default(raw.timeout_secs.as_ref(), defaults.timeout, |v| {
                self.seconds(v, "http.timeout_secs")
            })?,
        })
    }

    fn kube(&self, raw: RawKube) -> Checked<KubeConfig> {
        let defaults = KubeConfig::default();
        let mut contexts: Vec<String> = Vec::new();
        let named = raw.context.iter().chain(raw.contexts.iter().flatten());
        for name in named.filter_map(|c| non_blank(c)) {
            if !contexts.contains(&name) {
                contexts.push(name);
            }
        }
        Ok(KubeConfig {
            contexts,
            all_contexts: false,
            namespaces: {
                let mut names: Vec<String> = Vec::new();
                for name in raw.namespaces.iter().flatten().filter_map(|n| non_blank(n)) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                names
            },
            tenant_selector: or_default(
                raw.tenant_selector.as_ref(),
                defaults.tenant_selector,
                |v| self.text(v, "kube.tenant_selector"),
            )?,
            self_host: raw.self_host.unwrap_or(defaults.self_host),
            keys: self.kube_keys(raw.keys.unwrap_or_default())?,
        })
    }

    fn kube_keys(&self, raw: RawKubeKeys) -> Checked<KubeKeys> {
        let d = KubeKeys::default();
        let key = |value: &Option<Spanned<String>>, default: String, name: &str| {
            or_default(value.as_ref(), default, |v| {
                self.text(v, &format!("kube.keys.{name}"))
            })
        };
        Ok(KubeKeys {
            kind: key(&raw.kind, d.kind, "kind")?,
            hub: key(&raw.hub, d.hub, "hub")?,
            tier: key(&raw.tier, d.tier, "tier")?,
            region: key(&raw.region, d.region, "region")?,
            secondary_region: key(
                &raw.secondary_region,
                d.secondary_region,
                "secondary_region",
            )?,
            hostname: key(&raw.hostname, d.hostname, "hostname")?,
            display_name: key(&raw.display_name, d.display_name, "display_name")?,
            created_at: key(&raw.created_at, d.created_at, "created_at")?,
            component: key(&raw.component, d.component, "component")?,
            run: key(&raw.run, d.run, "run")?,
            dump_bytes: key(&raw.dump_bytes, d.dump_bytes, "dump_bytes")?,
            copied_at: key(&raw.copied_at, d.copied_at, "copied_at")?,
            copy_error: key(&raw.copy_error, d.copy_error, "copy_error")?,
        })
    }

    fn self_host(&self, raw: RawSelfHost) -> Checked<SelfHostConfig> {
        let defaults = SelfHostConfig::default();
        Ok(SelfHostConfig {
            rpo: or_default(raw.rpo_hours.as_ref(), defaults.rpo, |v| {
                let hours = self.between(v, "self_host.rpo_hours", 1, 24 * 366)?;
                Ok(Duration::from_secs(hours as u64 * 3600))
            })?,
            retention_days: or_default(
                raw.retention_days.as_ref(),
                defaults.retention_days,
                |v| {
                    let days = self.between(v, "self_host.retention_days", 1, 3660)?;
                    Ok(u32::try_from(days).unwrap_or(u32::MAX))
                },
            )?,
        })
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

    /// Empty means "not configured"; anything else must be a URL the http client can use.
    fn base_url(&self, value: &Spanned<String>) -> Checked<Option<String>> {
        let Some(url) = non_blank(value.get_ref()) else {
            return Ok(None);
        };
        if url.starts_with("https://") || url.starts_with("http://") {
            return Ok(Some(url));
        }
        let key = "http.url";
        let problem = format!("`{key}` must start with https:// or http://, got {url:?}");
        Err(self.fail(&value.span(), key, problem))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{NaiveDate, NaiveTime, Weekday};

    use crate::config::test_support::{assert_error, parse};
    use crate::config::{Config, DemoConfig, SourceKind, TimeDisplay};

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
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
                speed: 60.0,
                outages: Vec::new(),
            }
        );
        assert_eq!(
            config.http.base_url.as_deref(),
            Some("https://control.example.net")
        );
        assert_eq!(config.http.token_env, "MY_TOKEN");
        assert_eq!(config.http.timeout, Duration::from_secs(3));
        assert_eq!(config.kube.contexts, vec!["prod-eu".to_string()]);
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
    fn http_url_token_sources_and_timeouts_are_read() {
        let src = "[http]\nurl = \"http://127.0.0.1:8750\"\ntoken_file = \"/run/t\"\n\
                   token_command = \"pass show cp\"\nca_file = \"/etc/ca.pem\"\n\
                   allow_insecure_http = true\nconnect_timeout_secs = 2\nrequest_timeout_secs = 7\n";
        let http = parse(src).unwrap().http;
        assert_eq!(http.base_url.as_deref(), Some("http://127.0.0.1:8750"));
        assert_eq!(http.token_file, Some("/run/t".into()));
        assert_eq!(http.token_command.as_deref(), Some("pass show cp"));
        assert_eq!(http.ca_file, Some("/etc/ca.pem".into()));
        assert!(http.allow_insecure_http);
        assert_eq!(http.connect_timeout, Duration::from_secs(2));
        assert_eq!(http.timeout, Duration::from_secs(7));
    }

    #[test]
    fn empty_strings_mean_unset() {
        let config = parse("[http]\nbase_url = \"\"\n[kube]\ncontext = \" \"\n").unwrap();
        assert_eq!(config.http.base_url, None);
        assert!(config.kube.contexts.is_empty());
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
    fn bad_source_kind() {
        let src = "[source]\nkind = \"k8s\"\n";
        let expected = "`source.kind` must be \"demo\", \"http\" or \"kube\", got \"k8s\"";
        assert_error(src, 2, "source.kind", &[expected]);
    }

    #[test]
    fn verify_hash_budget_is_read_with_defaults_and_at_least_one() {
        let section = "[verify]\ndatabase = \"host=db user=v\"\nmoodledata = \"/m\"\n";
        let budget = parse(section).unwrap().verify.unwrap().hash_budget;
        assert_eq!(budget, crate::domain::verify::HashBudget::default());
        assert_eq!(budget.bytes, 2 << 30);
        assert_eq!(budget.time, Duration::from_secs(20));
        let src = format!("{section}hash_budget_bytes = 1048576\nhash_budget_seconds = 5\n");
        let budget = parse(&src).unwrap().verify.unwrap().hash_budget;
        assert_eq!(budget.bytes, 1 << 20);
        assert_eq!(budget.time, Duration::from_secs(5));
        let src = format!("{section}hash_budget_seconds = 0\n");
        let expected = "`verify.hash_budget_seconds` must be at least 1, got 0";
        assert_error(&src, 4, "verify.hash_budget_seconds", &[expected]);
    }

    #[test]
    fn base_url_needs_a_scheme() {
        let src = "[http]\nbase_url = \"control.example.net\"\n";
        assert_error(src, 2, "http.url", &["must start with https:// or http://"]);
    }
}
