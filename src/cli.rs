//! Command-line arguments. Every option the TUI takes, `status` takes too, so scripts and the
//! screen always see the same fleet.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Seed of the demo fleet (the same seed gives the same fleet).
    #[arg(long, global = true)]
    pub seed: Option<u64>,
    /// Number of tenants in the demo fleet (1–1 000 000).
    #[arg(long, global = true, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub tenants: Option<u64>,
    /// How many times faster than real time the demo clock runs.
    #[arg(long, global = true, value_name = "FACTOR")]
    pub demo_speed: Option<f64>,
    /// Theme: default, light, high-contrast, or NAME for a file themes/NAME.toml next to the
    /// config file or in the platform config dir.
    #[arg(long, global = true)]
    pub theme: Option<String>,
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
    /// Print the fleet's health and exit: 0 all ok/info, 1 amber, 2 red, 3 stale/unknown.
    Status {
        /// The fleet as JSON: the contract's tenant objects plus their health.
        #[arg(long)]
        json: bool,
        /// Only tenants that are not OK.
        #[arg(long)]
        problems: bool,
    },
    /// Where the config file is, or write one with every setting and its default.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
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
