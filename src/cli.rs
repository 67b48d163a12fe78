//! Command-line arguments. Every option the TUI takes, `status` takes too, so scripts and the
//! screen always see the same fleet.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::MAX_DEMO_SPEED;

#[derive(Debug, Parser)]
#[command(
    name = "snapdeck",
    version,
    about = "Backup health, restores and DNS swaps of the Moodle fleet, in a terminal."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Global options that mean nothing to `serve-demo` (it always serves the demo fleet, with
/// no screen): kept out of its help.
const NOT_FOR_SERVE_DEMO: [&str; 8] = [
    "source",
    "url",
    "theme",
    "contexts",
    "namespaces",
    "all_contexts",
    "self_host",
    "read_only",
];

impl Cli {
    /// Parses the process's arguments; `serve-demo --help` lists only what applies to it.
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        Cli::try_parse().map_err(|error| {
            let serving = std::env::args().any(|a| a == "serve-demo");
            if error.kind() != clap::error::ErrorKind::DisplayHelp || !serving {
                return error;
            }
            match serve_demo_help() {
                Some(help) => {
                    // As clap does with its own help: printed, and done.
                    print!("{help}");
                    std::process::exit(0);
                }
                None => error,
            }
        })
    }
}

/// `serve-demo`'s help without the global options that mean nothing to it.
fn serve_demo_help() -> Option<String> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    // Global options reach the subcommands when the command is built: hide them after.
    command.build();
    let serve = command.find_subcommand_mut("serve-demo")?;
    let mut hidden = NOT_FOR_SERVE_DEMO
        .iter()
        .fold(std::mem::take(serve), |serve, id| {
            serve.mut_arg(*id, |arg| arg.hide(true))
        });
    let help = hidden.render_help();
    // Styled on a terminal only, as clap's own help is.
    let styled = std::io::IsTerminal::is_terminal(&std::io::stdout());
    Some(if styled {
        help.ansi().to_string()
    } else {
        help.to_string()
    })
}

#[derive(Debug, Args)]
pub struct Global {
    /// Config file; beats the SNAPDECK_CONFIG environment variable (default: the platform
    /// config dir's snapdeck/config.toml).
    // SNAPDECK_CONFIG is read by `config::resolve_path`, not by clap: clap would take an empty
    // value as an empty path and refuse it, where an empty variable must mean unset.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Where the fleet comes from.
    #[arg(long, global = true, value_enum)]
    pub source: Option<SourceArg>,
    /// The control plane's address for the http source (beats `[http] url`), e.g.
    /// https://control.example.net. The token never goes on the command line: see the README.
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Seed of the demo fleet (the same seed gives the same fleet).
    #[arg(long, global = true, allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Number of tenants in the demo fleet (1–1 000 000).
    #[arg(long, global = true, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub tenants: Option<u64>,
    /// How many times faster than real time the demo clock runs.
    #[arg(long, global = true, value_name = "FACTOR", allow_hyphen_values = true, value_parser = parse_speed)]
    pub demo_speed: Option<f64>,
    /// Theme: default, light, high-contrast, or NAME for a file themes/NAME.toml next to the
    /// config file or in the platform config dir.
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// A kubeconfig context for the kube source (repeatable: several clusters in one view).
    #[arg(long = "context", global = true, value_name = "NAME")]
    pub contexts: Vec<String>,
    /// Only this namespace, for the kube source (repeatable): for a context whose rights stop
    /// at some namespaces.
    #[arg(long = "namespace", global = true, value_name = "NAME")]
    pub namespaces: Vec<String>,
    /// Every context of the kubeconfig, for the kube source.
    #[arg(long, global = true, conflicts_with = "contexts")]
    pub all_contexts: bool,
    /// Self-host mode for the kube source: tenants are the namespaces holding the chart's
    /// snapshot CronJob, held to the `[self_host]` policy of the config.
    #[arg(long, global = true)]
    pub self_host: bool,
    /// Hide every action: look, never touch.
    #[arg(long, global = true)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    Demo,
    Http,
    Kube,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the fleet's health and exit like a monitoring check: 0 all ok/info, 1 amber,
    /// 2 red, 3 stale/unknown or snapdeck could not judge (bad arguments or config, source
    /// unreachable, output not writable).
    Status {
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
    },
    /// Print the journal of operator actions, newest last: what was asked, by whom, and what
    /// came back ("sent? unknown" when no answer was recorded).
    Journal {
        /// One JSON document: {"path", "entries": [{"intent", "outcome"}], "problems"}.
        #[arg(long)]
        json: bool,
    },
    /// Serve the demo fleet over HTTP as the control-plane API (the reference server of
    /// docs/control-plane-api.md), with --seed, --tenants and --demo-speed as for the demo.
    ServeDemo {
        /// Address and port to listen on (port 0: any free port).
        #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8750")]
        listen: std::net::SocketAddr,
        /// File holding the operator's bearer token (reads and writes); without it, a token
        /// is generated and printed at start.
        #[arg(long, value_name = "PATH")]
        token_file: Option<PathBuf>,
        /// File holding a read-only bearer token: it may read, a write with it gets 403.
        #[arg(long, value_name = "PATH")]
        viewer_token_file: Option<PathBuf>,
    },
    /// Check a restored Moodle ourselves, read-only: its database against the live one at
    /// the point, its moodledata, its site. Exits 0 passed, 1 warning, 2 failed, 3 could not
    /// check. Passwords come from PGPASSWORD or a pgpass file (PGPASSFILE), never arguments.
    Verify {
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
        #[arg(long, value_name = "PATH", required_unless_present = "restore")]
        restored_moodledata: Option<PathBuf>,
        /// The live database the restore is compared with, as for --restored-db.
        #[arg(long, value_name = "CONNINFO", required_unless_present = "restore")]
        live_db: Option<String>,
        /// The point: when its database dump started (RFC 3339, e.g. 2026-12-02T03:00:00Z).
        #[arg(long, value_name = "INSTANT", value_parser = parse_instant, required_unless_present = "restore")]
        point: Option<chrono::DateTime<chrono::Utc>>,
        /// The restored site's probe URL (e.g. https://host/login/index.php).
        #[arg(long, value_name = "URL")]
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
    },
    /// Restore drills, for a nightly timer: restore a point of each tenant into a throwaway
    /// <slug>-drill-<yyyymmdd> spoke, check it, record the result on the control plane, and
    /// discard the spoke. Exits 0 all passed, 1 warnings, 2 a drill failed, 3 could not run.
    Drill {
        /// A tenant to drill, by slug (repeatable).
        #[arg(long = "tenant", value_name = "SLUG", required_unless_present = "pick", conflicts_with_all = ["pick", "tier"])]
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
        /// The summary as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Where the config file is, or write one with every setting and its default.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
    Nagios,
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
}
