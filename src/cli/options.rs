//! The options shared by several commands, in groups, so that each command takes (and its
//! `--help` lists) only the groups that mean something to it.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, ValueEnum, ValueHint};

use crate::config::MAX_DEMO_SPEED;
use crate::domain::region::{Outage, RegionStatus};

/// Every group, as the dashboard takes them: the options in force for any command once
/// the ones given before its name are merged with its own (`Dashboard::overlaid`).
#[derive(Debug, Clone, Default, Args)]
pub struct Dashboard {
    // The groups with a heading of their own come last: clap keeps a flattened group's
    // heading for the options after it.
    #[command(flatten)]
    pub file: ConfigFile,
    /// Theme: default, light, high-contrast, or NAME for a file themes/NAME.toml next to the
    /// config file or in the platform config dir.
    // Any name goes (a theme file of the user's own); completion offers the built-in ones.
    #[arg(long, value_parser = ThemeName, hide_possible_values = true)]
    pub theme: Option<String>,
    #[command(flatten)]
    pub read_only: ReadOnly,
    #[command(flatten)]
    pub source: SourceChoice,
    #[command(flatten)]
    pub kube: KubeOptions,
    #[command(flatten)]
    pub demo: DemoOptions,
}

impl Dashboard {
    /// The command line's overrides, on top of the config file's.
    pub fn apply_to(&self, config: &mut crate::config::Config) {
        use crate::config::SourceKind;
        if let Some(source) = self.source.source {
            config.source = match source {
                SourceArg::Demo => SourceKind::Demo,
                SourceArg::Http => SourceKind::Http,
                SourceArg::Kube => SourceKind::Kube,
            };
        }
        if let Some(seed) = self.demo.seed {
            config.demo.seed = seed;
        }
        if let Some(tenants) = self.demo.tenants {
            config.demo.tenants = usize::try_from(tenants).unwrap_or(usize::MAX);
        }
        if let Some(speed) = self.demo.demo_speed {
            config.demo.speed = speed;
        }
        let outages = self
            .demo
            .region_down
            .iter()
            .chain(&self.demo.region_degraded);
        config.demo.outages.extend(outages.cloned());
        if let Some(theme) = &self.theme {
            config.theme = theme.clone();
        }
        if let Some(url) = &self.source.url {
            config.http.base_url = Some(url.trim().to_string());
        }
        config.read_only |= self.read_only.read_only;
        let kube = &self.kube;
        if !kube.contexts.is_empty() {
            config.kube.contexts = kube.contexts.clone();
        }
        config.kube.all_contexts |= kube.all_contexts;
        if !kube.namespaces.is_empty() {
            config.kube.namespaces = kube.namespaces.clone();
        }
        config.kube.self_host |= kube.self_host;
    }

    /// `self` (given before a command's name) under `later` (given after it): the later value
    /// wins, as it did when these options were global to every command.
    pub fn overlaid(self, later: Dashboard) -> Dashboard {
        let list = list_of::<String>;
        Dashboard {
            file: ConfigFile {
                config: later.file.config.or(self.file.config),
            },
            source: SourceChoice {
                source: later.source.source.or(self.source.source),
                url: later.source.url.or(self.source.url),
            },
            kube: KubeOptions {
                contexts: list(later.kube.contexts, self.kube.contexts),
                namespaces: list(later.kube.namespaces, self.kube.namespaces),
                all_contexts: later.kube.all_contexts || self.kube.all_contexts,
                self_host: later.kube.self_host || self.kube.self_host,
            },
            demo: DemoOptions {
                seed: later.demo.seed.or(self.demo.seed),
                tenants: later.demo.tenants.or(self.demo.tenants),
                demo_speed: later.demo.demo_speed.or(self.demo.demo_speed),
                region_down: list_of(later.demo.region_down, self.demo.region_down),
                region_degraded: list_of(later.demo.region_degraded, self.demo.region_degraded),
            },
            theme: later.theme.or(self.theme),
            read_only: ReadOnly {
                read_only: later.read_only.read_only || self.read_only.read_only,
            },
        }
    }
}

/// A list given after the command's name replaces one given before it.
fn list_of<T>(later: Vec<T>, earlier: Vec<T>) -> Vec<T> {
    if later.is_empty() { earlier } else { later }
}

#[derive(Debug, Clone, Default, Args)]
pub struct ConfigFile {
    /// Config file; beats the SNAPDECK_CONFIG environment variable (default: the platform
    /// config dir's snapdeck/config.toml).
    // SNAPDECK_CONFIG is read by `config::resolve_path`, not by clap: clap would take an empty
    // value as an empty path and refuse it, where an empty variable must mean unset.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
}

/// For the commands that read the fleet or act through a source.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Source")]
pub struct SourceChoice {
    /// Where the fleet comes from.
    #[arg(long, value_enum)]
    pub source: Option<SourceArg>,
    /// The control plane's address for the http source (beats `[http] url`), e.g.
    /// https://control.example.net. The token never goes on the command line: see the README.
    #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,
}

/// For the commands that can read the clusters (the kube source only reads).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Kube source")]
pub struct KubeOptions {
    /// A kubeconfig context for the kube source (repeatable: several clusters in one view).
    #[arg(long = "context", value_name = "NAME")]
    pub contexts: Vec<String>,
    /// Only this namespace, for the kube source (repeatable): for a context whose rights stop
    /// at some namespaces.
    #[arg(long = "namespace", value_name = "NAME")]
    pub namespaces: Vec<String>,
    /// Every context of the kubeconfig, for the kube source.
    #[arg(long, conflicts_with = "contexts")]
    pub all_contexts: bool,
    /// Self-host mode for the kube source: tenants are the namespaces holding the chart's
    /// snapshot CronJob, held to the `[self_host]` policy of the config.
    #[arg(long)]
    pub self_host: bool,
}

/// For the commands that can run the demo fleet.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Demo fleet")]
pub struct DemoOptions {
    /// Seed of the demo fleet (the same seed gives the same fleet).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Number of tenants in the demo fleet (1–1 000 000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub tenants: Option<u64>,
    /// How many times faster than real time the demo clock runs.
    #[arg(long, value_name = "FACTOR", allow_hyphen_values = true, value_parser = parse_speed)]
    pub demo_speed: Option<f64>,
    /// Simulate an outage: REGION is down from the start, or DURATION (simulated time: 10m,
    /// 2h, 1h30m) after it; with ..+END it is back END after the start. Its sites stop
    /// answering, its backups fail, restores into it are refused; its copies elsewhere stay
    /// usable. Repeat for more regions.
    #[arg(long, value_name = "REGION[@+DURATION][..+END]", value_parser = parse_down)]
    pub region_down: Vec<Outage>,
    /// Like --region-down, for a region that is degraded (slow, still up).
    #[arg(long, value_name = "REGION[@+DURATION][..+END]", value_parser = parse_degraded)]
    pub region_degraded: Vec<Outage>,
}

fn parse_down(text: &str) -> Result<Outage, String> {
    Outage::parse(text, RegionStatus::Down)
}

fn parse_degraded(text: &str) -> Result<Outage, String> {
    Outage::parse(text, RegionStatus::Degraded)
}

/// For the commands that would write (the dashboard, drills).
#[derive(Debug, Clone, Default, Args)]
pub struct ReadOnly {
    /// Hide every action: look, never touch.
    #[arg(long)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    Demo,
    Http,
    Kube,
}

/// A theme's name: any text is taken (a user's own `themes/NAME.toml` is found at start, and
/// a missing one refused there in words), while shell completion is offered the built-in
/// names, known without reading anything.
#[derive(Debug, Clone, Copy)]
struct ThemeName;

impl TypedValueParser for ThemeName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            crate::theme::Theme::BUILTIN.iter().map(PossibleValue::new),
        ))
    }
}

fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "the seed is a whole number from 0 to {} (got \"{text}\")",
            u64::MAX
        )
    })
}

fn parse_speed(text: &str) -> Result<f64, String> {
    let refuse = || {
        format!(
            "the demo speed is a number above 0 and at most {MAX_DEMO_SPEED} \
             (1 is real time, 60 a minute per second); got \"{text}\""
        )
    };
    let speed: f64 = text.trim().parse().map_err(|_| refuse())?;
    (speed.is_finite() && speed > 0.0 && speed <= MAX_DEMO_SPEED)
        .then_some(speed)
        .ok_or_else(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_speeds_are_refused_in_words() {
        assert_eq!(parse_seed("42"), Ok(42));
        assert!(
            parse_seed("-1")
                .unwrap_err()
                .contains("whole number from 0")
        );
        assert_eq!(parse_speed("60"), Ok(60.0));
        for bad in ["1e300", "0", "-3", "NaN", "inf", "fast"] {
            let err = parse_speed(bad).unwrap_err();
            assert!(err.contains("at most 100000") && err.contains(bad), "{err}");
        }
    }

    #[test]
    fn the_later_value_wins_and_switches_add_up() {
        let mut earlier = Dashboard::default();
        earlier.demo.seed = Some(1);
        earlier.demo.tenants = Some(9);
        earlier.kube.contexts = vec!["a".into()];
        earlier.read_only.read_only = true;
        let mut later = Dashboard::default();
        later.demo.seed = Some(2);
        later.kube.contexts = vec!["b".into()];
        let merged = earlier.overlaid(later);
        assert_eq!(merged.demo.seed, Some(2));
        assert_eq!(merged.demo.tenants, Some(9));
        assert_eq!(merged.kube.contexts, vec!["b".to_string()]);
        assert!(merged.read_only.read_only);
    }
}
