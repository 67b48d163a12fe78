//! Wiring only: the command line parsed, then routed to its command in `commands/`; the
//! exit code and the words of a failure.

use std::process::ExitCode;

use snapdeck::cli::{Cli, Command, StatusFormat};
use snapdeck::commands::{self, Failure, UserError, print_out, user};
use snapdeck::config;

mod allocator;

#[global_allocator]
static ALLOCATOR: allocator::OneAtATime = allocator::OneAtATime;

fn main() -> ExitCode {
    one_malloc_arena();
    // `status` is read by monitoring systems: when it cannot judge (bad arguments or config,
    // output not writable) it exits UNKNOWN (3), never 2, which would read as red.
    let for_monitoring = std::env::args()
        .skip(1)
        .any(|a| ["status", "verify", "drill", "report", "failover"].contains(&a.as_str()));
    let cannot_judge = if for_monitoring {
        commands::status::CANNOT_JUDGE
    } else {
        2
    };
    let cli = match Cli::try_parse_args() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            if drill_json_in(std::env::args()) {
                print_json_error(&clap_words(&e), cannot_judge);
            }
            return ExitCode::from(cannot_judge);
        }
    };
    let drill_json = matches!(&cli.command, Some(Command::Drill { json: true, .. }));
    let (message, code) = match run(cli) {
        Ok(code) => return code,
        Err(Failure::User(UserError(message))) => (message, cannot_judge),
        Err(Failure::Internal(report)) => {
            // A sentence, causes after it; never a backtrace or a source location (those are
            // for panics, which the hook reports).
            let words: Vec<String> = report.chain().map(ToString::to_string).collect();
            (
                words.join(": "),
                if for_monitoring { cannot_judge } else { 1 },
            )
        }
    };
    eprintln!("snapdeck: {message}");
    if drill_json {
        print_json_error(&message, code);
    }
    ExitCode::from(code)
}

/// `drill --json` run by a CronJob whose parser reads stdout: a drill that cannot run still
/// prints one JSON document there, `{"error", "exit"}`.
fn print_json_error(message: &str, exit: u8) {
    let doc = serde_json::json!({ "error": message, "exit": exit });
    let _ = print_out(&format!("{doc:#}\n"));
}

/// Whether the arguments, which clap refused, asked for `drill --json`.
fn drill_json_in(args: impl Iterator<Item = String>) -> bool {
    let mut args = args.skip(1);
    args.any(|a| a == "drill") && args.any(|a| a == "--json")
}

/// clap's refusal in one line, without its "error: " and its usage.
fn clap_words(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let words: Vec<&str> = text
        .lines()
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    let line = words.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_string()
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    // From the clap definitions alone: no config, no source.
    match &cli.command {
        Some(Command::Completions { shell }) => return commands::completions::run(*shell),
        Some(Command::Man { out_dir }) => return commands::man::run(out_dir.as_deref()),
        _ => {}
    }
    // One crypto provider (ring) for every TLS client; an error only means one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let options = cli.options();
    let env_config = std::env::var_os("SNAPDECK_CONFIG");
    let config_path =
        config::resolve_path(options.file.config.as_deref(), env_config.as_deref())
            .ok_or_else(|| user("no config directory on this system: pass --config PATH"))?;
    if let Some(Command::Config { action, .. }) = &cli.command {
        return commands::config::command(action, &config_path);
    }
    // Explicit targets need no config: a restore made outside the control plane.
    if let Some(Command::Verify { restore: None, .. }) = &cli.command {
        return commands::verify::explicit(cli.command);
    }
    // A file named on purpose must exist (a typo in its path must not silently mean defaults);
    // the default location may be empty.
    let named = options.file.config.is_some() || env_config.is_some_and(|v| !v.is_empty());
    if named && !config_path.exists() {
        return Err(user(format!(
            "config file {} does not exist; create it with `snapdeck config init` (with the same \
             --config or SNAPDECK_CONFIG), or unset both to use the defaults",
            config_path.display()
        )));
    }
    // The journal needs nothing more of the config: a broken one must not hide what was done.
    if let Some(Command::Journal { json, .. }) = cli.command {
        return commands::journal::command(json);
    }
    let config = commands::config::settings(&options, &config_path)?;
    // A theme that does not exist is an error everywhere, not only where colours are drawn.
    let theme = commands::config::load_theme(&config, &config_path)?;
    match cli.command {
        Some(Command::Status {
            format,
            json,
            problems,
            ..
        }) => {
            let format = if json { StatusFormat::Json } else { format };
            commands::status::command(&config, format, problems)
        }
        Some(Command::Verify {
            restore: Some(id),
            json,
            ..
        }) => commands::verify::restore(&config, &id, json),
        Some(Command::Report {
            restore, format, ..
        }) => commands::report::run(&config, &restore, format),
        Some(Command::Drill {
            slugs,
            pick,
            tier,
            point,
            parallel,
            time_limit,
            cross_region,
            json,
            ..
        }) => {
            let which = match pick {
                Some(count) => commands::drill::Which::Pick {
                    count,
                    tier: tier.map(Into::into),
                },
                None => commands::drill::Which::Slugs(slugs),
            };
            let limit = time_limit.map(|m| chrono::Duration::minutes(i64::from(m)));
            let parallel = usize::from(parallel);
            let how = commands::drill::How {
                point: point.into(),
                parallel,
                time_limit: limit,
                cross_region,
            };
            commands::drill::command(&config, which, how, json)
        }
        Some(Command::Failover { action }) => commands::failover::command(&config, action),
        Some(Command::ServeDemo {
            listen,
            token_file,
            viewer_token_file,
            ..
        }) => {
            let options = snapdeck::serve::ServeOptions {
                listen,
                seed: config.demo.seed,
                tenants: config.demo.tenants,
                speed: config.demo.speed,
                outages: config.demo.outages.clone(),
                token_file,
                viewer_token_file,
            };
            snapdeck::serve::command(options).map_err(user)?;
            Ok(ExitCode::SUCCESS)
        }
        _ => commands::dashboard::command(&config, theme),
    }
}

/// glibc gives each thread that allocates its own arena and returns little of them: the
/// source's thread builds tenants the screen's thread frees. One arena keeps an idle screen
/// flat for days; every extra arena grew it, because a page freed in one arena is reused only
/// by the threads of that arena. Measured over soaks of an idle 100 000-tenant screen, each
/// on the code of its day: the default arenas (8 per core) grew 61 MB/h; two arenas 0.56 MB a
/// minute and three 0.35–0.7 (0.45 when trimmed every minute), where one stayed within 1.9 MB
/// over 30 minutes (issue 26); jemalloc (tikv-jemallocator, background threads, any decay)
/// grew ~1 MB a minute; mimalloc 13 MB in 3 minutes. What one arena costs is a load's
/// threads queueing on its lock, which `allocator.rs` makes a spin instead of a sleep and the
/// load is written to need rarely (a million tenants: 3.7–4.5 s to the first table here,
/// against 2.8–3.1 s with three arenas). Called before any thread starts, as glibc asks.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
