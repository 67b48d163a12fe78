//! Command-line arguments. Each command takes the options that mean something to it (its
//! `--help` lists no other): the source and demo options wherever the fleet is read, the
//! theme for the dashboard alone. Options given before a command's name (`snapdeck --seed 7
//! status`) still count when the command takes them, and are refused in words when not.

mod failover;
mod options;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgGroup, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint};

pub use failover::{FailoverAction, PlanArgs, RunArgs};
pub use options::{
    ConfigFile, Dashboard, DemoOptions, KubeOptions, ReadOnly, SourceArg, SourceChoice,
};

/// `snapdeck --version`: the version and the commit it was built from ("unknown" outside
/// a git checkout; see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SNAPDECK_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "snapdeck",
    version = VERSION,
    about = "Backup health, restores and DNS swaps of the Moodle fleet, in a terminal."
)]
pub struct Cli {
    /// The dashboard's options (a command given after them takes those it shares).
    #[command(flatten)]
    pub dashboard: Dashboard,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parses the process's arguments.
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        Cli::try_parse_args_from(std::env::args_os())
    }

    /// Parses `args`, refusing an option given before a command that does not take it (it
    /// would be silently ignored: `snapdeck --theme light status`).
    pub fn try_parse_args_from(
        args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    ) -> Result<Cli, clap::Error> {
        let mut command = Cli::command();
        let matches = command.try_get_matches_from_mut(args)?;
        if let Some(refusal) = misplaced(&command, &matches) {
            return Err(command.error(clap::error::ErrorKind::ArgumentConflict, refusal));
        }
        Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
    }

    /// The options in force: the command's own over those given before its name.
    pub fn options(&self) -> Dashboard {
        let earlier = self.dashboard.clone();
        match &self.command {
            None => earlier,
            Some(command) => earlier.overlaid(command.options()),
        }
    }
}

/// Why an option given before the command's name does not apply to it, if one does not.
fn misplaced(root: &clap::Command, matches: &clap::ArgMatches) -> Option<String> {
    // The command that runs: `failover plan`, not `failover`.
    let (first, mut inner) = matches.subcommand()?;
    let mut command = root.find_subcommand(first)?;
    let mut name = first.to_string();
    while let Some((next, below)) = inner.subcommand() {
        command = command.find_subcommand(next)?;
        name = format!("{name} {next}");
        inner = below;
    }
    let given = |arg: &&clap::Arg| {
        matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
    };
    let foreign = root
        .get_arguments()
        .filter(given)
        .find(|arg| !command.get_arguments().any(|a| a.get_id() == arg.get_id()))?;
    let option = foreign
        .get_long()
        .map_or_else(|| foreign.get_id().to_string(), |long| format!("--{long}"));
    Some(format!(
        "{option} does not apply to `snapdeck {name}` (it is one of the dashboard's options); \
         `snapdeck {name} --help` lists the options it takes"
    ))
}

/// In each command the groups with a heading of their own (source, kube, demo) come last:
/// clap keeps a flattened group's heading for the options after it.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the fleet's health and what needs a person now (tickets past their
    /// acknowledgement deadline, restores past their RTO or awaiting confirmation near it),
    /// and exit like a monitoring check: 0 all ok/info, 1 amber, 2 red, 3 stale/unknown or
    /// snapdeck could not judge (bad arguments or config, source unreachable, output not
    /// writable).
    Status {
        #[command(flatten)]
        file: ConfigFile,
        /// table (default), json (the contract's tenant objects plus their health) or
        /// nagios (one status line with perfdata).
        #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
        format: StatusFormat,
        /// Short for --format json.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Only tenants that are not OK.
        #[arg(long)]
        problems: bool,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        kube: KubeOptions,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Print the journal of operator actions, newest last: what was asked, by whom, and what
    /// came back ("sent? unknown" when no answer was recorded).
    Journal {
        #[command(flatten)]
        file: ConfigFile,
        /// One JSON document: {"path", "entries": [{"intent", "outcome"}], "problems"}.
        #[arg(long)]
        json: bool,
    },
    /// Serve the demo fleet over HTTP as the control-plane API (the reference server of
    /// docs/control-plane-api.md), with --seed, --tenants and --demo-speed as for the demo.
    ServeDemo {
        #[command(flatten)]
        file: ConfigFile,
        /// Address and port to listen on (port 0: any free port).
        #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8750")]
        listen: std::net::SocketAddr,
        /// File holding the operator's bearer token (reads and writes); without it, a token
        /// is generated and printed at start.
        #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
        token_file: Option<PathBuf>,
        /// File holding a read-only bearer token: it may read, a write with it gets 403.
        #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
        viewer_token_file: Option<PathBuf>,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Check a restored Moodle ourselves, read-only: its database against the live one at
    /// the point, its moodledata, its site. Exits 0 passed, 1 warning, 2 failed, 3 could not
    /// check. Passwords come from PGPASSWORD or a pgpass file (PGPASSFILE), never arguments.
    Verify {
        #[command(flatten)]
        file: ConfigFile,
        /// A restore the source knows (e.g. rst_0is): it, its tenant and its point are read
        /// through the source, the databases, moodledata and site come from [verify] in the
        /// config. Without it, the targets below are given explicitly.
        #[arg(value_name = "RESTORE_ID", conflicts_with_all = ["restored_db", "restored_moodledata", "live_db", "point", "site"])]
        restore: Option<String>,
        /// The restored database, as a libpq connection string without a password
        /// ("host=… port=… dbname=moodle user=… sslmode=verify-full sslrootcert=…").
        #[arg(long, value_name = "CONNINFO", required_unless_present = "restore")]
        restored_db: Option<String>,
        /// The restored moodledata (the folder holding filedir/).
        #[arg(long, value_name = "PATH", value_hint = ValueHint::DirPath, required_unless_present = "restore")]
        restored_moodledata: Option<PathBuf>,
        /// The live database the restore is compared with, as for --restored-db.
        #[arg(long, value_name = "CONNINFO", required_unless_present = "restore")]
        live_db: Option<String>,
        /// The point: when its database dump started (RFC 3339, e.g. 2026-12-02T03:00:00Z).
        #[arg(long, value_name = "INSTANT", value_parser = parse_instant, required_unless_present = "restore")]
        point: Option<chrono::DateTime<chrono::Utc>>,
        /// The restored site's probe URL (e.g. https://host/login/index.php).
        #[arg(long, value_name = "URL", value_hint = ValueHint::Url)]
        site: Option<String>,
        /// Moodle's table prefix.
        #[arg(long, default_value = "mdl_")]
        table_prefix: String,
        /// Seconds each query may run (statement_timeout).
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        query_timeout: u64,
        /// Seconds to connect.
        #[arg(long, value_name = "SECONDS", default_value_t = 10)]
        connect_timeout: u64,
        /// One JSON document instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Restore drills, for a nightly timer: restore a point of each tenant into a throwaway
    /// <slug>-drill-<yyyymmdd> spoke, check it, record the result on the control plane, and
    /// discard the spoke. Exits 0 all passed, 1 warnings, 2 a drill failed, 3 could not run.
    #[command(group(ArgGroup::new("which").required(true).args(["slugs", "pick"])))]
    Drill {
        #[command(flatten)]
        file: ConfigFile,
        #[command(flatten)]
        read_only: ReadOnly,
        /// A tenant to drill, by slug (repeatable).
        #[arg(long = "tenant", value_name = "SLUG", conflicts_with_all = ["pick", "tier"])]
        slugs: Vec<String>,
        /// Drill the N tenants whose backups are least proved: never drilled first, then the
        /// longest since a passed drill, Dedicated before Standard.
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        /// Only tenants of this tier (with --pick).
        #[arg(long, value_enum)]
        tier: Option<TierArg>,
        /// Which point: the newest restorable one, or one at random within the retention
        /// window (so old points are tested too).
        #[arg(long, value_enum, default_value_t = PointArg::Latest)]
        point: PointArg,
        /// Drills at once; each is a real restore on the platform.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
        parallel: u16,
        /// Minutes a drill may take before it has failed (default: its tier's RTO).
        #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..))]
        time_limit: Option<u32>,
        /// Region drills (test failover): restore the newest point copied to each Dedicated
        /// tenant's secondary region, there. Needs a control plane that reports regions.
        #[arg(long)]
        cross_region: bool,
        /// The summary as one JSON document.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// The ticket report of a restore, for support to paste into the ticket and the
    /// postmortem: the tenant and the restore, the data-loss window, the RTO against the
    /// promise, the control plane's checks and snapdeck's own, the DNS swap, and who did what
    /// when, from the source and this machine's journal. Exits 0, or 3 when it cannot be made
    /// (a restore the source does not know, the source unreachable).
    Report {
        #[command(flatten)]
        file: ConfigFile,
        /// The restore (e.g. rst_0is).
        #[arg(value_name = "RESTORE_ID")]
        restore: String,
        /// markdown (for the ticket) or json (the same facts, for a script).
        #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
        format: ReportFormat,
        #[command(flatten)]
        source: SourceChoice,
        #[command(flatten)]
        demo: DemoOptions,
    },
    /// Fail a region over: plan it, run it as one tracked batch, resume it, fail it back
    /// (README, "Failing a region over").
    Failover {
        #[command(subcommand)]
        action: FailoverAction,
    },
    /// Print the shell completion script for bash, zsh or fish (README, "Shell completion").
    Completions {
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Print snapdeck's man page (roff); with --out-dir, write it and one page per command.
    Man {
        /// Write snapdeck.1 and snapdeck-<command>.1 for each command into this folder.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out_dir: Option<PathBuf>,
    },
    /// Where the config file is, or write one with every setting and its default.
    Config {
        /// Config file; beats the SNAPDECK_CONFIG environment variable (default: the platform
        /// config dir's snapdeck/config.toml).
        #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        action: ConfigAction,
    },
}

impl Command {
    /// The shared options this command was given after its name.
    fn options(&self) -> Dashboard {
        let none = Dashboard::default();
        match self {
            Command::Status {
                file,
                source,
                kube,
                demo,
                ..
            } => Dashboard {
                file: file.clone(),
                source: source.clone(),
                kube: kube.clone(),
                demo: demo.clone(),
                ..none
            },
            Command::Journal { file, .. } => Dashboard {
                file: file.clone(),
                ..none
            },
            Command::ServeDemo { file, demo, .. } => Dashboard {
                file: file.clone(),
                demo: demo.clone(),
                ..none
            },
            Command::Verify {
                file, source, demo, ..
            } => Dashboard {
                file: file.clone(),
                source: source.clone(),
                demo: demo.clone(),
                ..none
            },
            Command::Drill {
                file,
                source,
                demo,
                read_only,
                ..
            } => Dashboard {
                file: file.clone(),
                source: source.clone(),
                demo: demo.clone(),
                read_only: read_only.clone(),
                ..none
            },
            Command::Report {
                file, source, demo, ..
            } => Dashboard {
                file: file.clone(),
                source: source.clone(),
                demo: demo.clone(),
                ..none
            },
            Command::Failover { action } => action.options(),
            Command::Completions { .. } | Command::Man { .. } => none,
            Command::Config { config, .. } => Dashboard {
                file: ConfigFile {
                    config: config.clone(),
                },
                ..none
            },
        }
    }
}

fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 instant (2026-12-02T03:00:00Z): {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierArg {
    Standard,
    Dedicated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PointArg {
    Latest,
    Random,
}

impl From<TierArg> for crate::domain::tenant::Tier {
    fn from(tier: TierArg) -> Self {
        match tier {
            TierArg::Standard => Self::Standard,
            TierArg::Dedicated => Self::Dedicated,
        }
    }
}

impl From<PointArg> for crate::domain::drill::PointChoice {
    fn from(point: PointArg) -> Self {
        match point {
            PointArg::Latest => Self::Latest,
            PointArg::Random => Self::Random,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
    Nagios,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

/// The shells whose completion the package installs and the tests load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the config file's path.
    Path,
    /// Write a commented config file with every setting and its default.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_args_from(std::iter::once("snapdeck").chain(args.iter().copied()))
    }

    #[test]
    fn the_arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_option_before_the_command_counts_when_the_command_takes_it() {
        let cli = parse(&["--seed", "7", "serve-demo", "--tenants", "40"]).unwrap();
        let options = cli.options();
        assert_eq!(
            (options.demo.seed, options.demo.tenants),
            (Some(7), Some(40))
        );
        let cli = parse(&["--read-only", "drill", "--pick", "1"]).unwrap();
        assert!(cli.options().read_only.read_only);
        let cli = parse(&["--seed", "1", "status", "--seed", "2"]).unwrap();
        assert_eq!(cli.options().demo.seed, Some(2), "the later one wins");
        let cli = parse(&["--config", "/x.toml", "config", "path"]).unwrap();
        assert_eq!(cli.options().file.config, Some(PathBuf::from("/x.toml")));
        let cli = parse(&["config", "path", "--config", "/y.toml"]).unwrap();
        assert_eq!(cli.options().file.config, Some(PathBuf::from("/y.toml")));
    }

    #[test]
    fn an_option_before_a_command_that_does_not_take_it_is_refused_in_words() {
        for (args, option) in [
            (&["--theme", "light", "status"][..], "--theme"),
            (&["--seed", "3", "config", "path"], "--seed"),
            (&["--context", "a", "drill", "--pick", "1"], "--context"),
            (&["--url", "http://x", "serve-demo"], "--url"),
        ] {
            let err = parse(args).unwrap_err().to_string();
            assert!(err.contains(&format!("{option} does not apply")), "{err}");
        }
    }

    #[test]
    fn a_command_refuses_the_options_it_does_not_take() {
        for args in [
            &["config", "path", "--seed", "3"][..],
            &["drill", "--pick", "1", "--context", "a"],
            &["status", "--theme", "light"],
            &["journal", "--source", "http"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
