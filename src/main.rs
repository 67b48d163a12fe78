//! Wiring: CLI → config → source, app and terminal; or `status` / `journal` / `config`, or a
//! command of `commands/` (`report`, `completions`, `man`), and exit.

mod commands;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Duration, Utc};
use color_eyre::eyre::{Result, WrapErr};

use snapdeck::app::fleet::Fleet;
use snapdeck::app::{App, Msg, Settings};
use snapdeck::cli::{
    Cli, Command, ConfigAction, Dashboard, PointArg, SourceArg, StatusFormat, TierArg,
};
use snapdeck::clock::{Clock, ScaledClock};
use snapdeck::config::{self, Config, SourceKind};
use snapdeck::domain::tenant::Tier;
use snapdeck::source::demo::DemoSource;
use snapdeck::source::http::{HttpSettings, HttpSource};
use snapdeck::source::kube::{KubeSettings, KubeSource};
use snapdeck::source::{self, Source};
use snapdeck::theme::{self, Theme};
use snapdeck::{journal, logging, status, tui};

/// A problem the user can fix (bad config, bad theme, unavailable source): said in words,
/// exit code 2, no backtrace.
struct UserError(String);

fn main() -> ExitCode {
    one_malloc_arena();
    // `status` is read by monitoring systems: when it cannot judge (bad arguments or config,
    // output not writable) it exits UNKNOWN (3), never 2, which would read as red.
    let for_monitoring = std::env::args()
        .skip(1)
        .any(|a| a == "status" || a == "verify" || a == "drill" || a == "report");
    let cannot_judge = if for_monitoring {
        status::CANNOT_JUDGE
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

enum Failure {
    User(UserError),
    Internal(color_eyre::Report),
}

impl From<color_eyre::Report> for Failure {
    fn from(report: color_eyre::Report) -> Self {
        Failure::Internal(report)
    }
}

fn user(message: impl Into<String>) -> Failure {
    Failure::User(UserError(message.into()))
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
        return config_command(action, &config_path);
    }
    // Explicit targets need no config: a restore made outside the control plane.
    if let Some(Command::Verify { restore: None, .. }) = &cli.command {
        return verify_command(cli.command);
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
        return journal_command(json);
    }
    let config = settings(&options, &config_path)?;
    // A theme that does not exist is an error everywhere, not only where colours are drawn.
    let theme = load_theme(&config, &config_path)?;
    match cli.command {
        Some(Command::Status {
            format,
            json,
            problems,
            ..
        }) => {
            let format = if json { StatusFormat::Json } else { format };
            status_command(&config, format, problems)
        }
        Some(Command::Verify {
            restore: Some(id),
            json,
            ..
        }) => verify_restore_command(&config, &id, json),
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
            json,
            ..
        }) => {
            let which = match pick {
                Some(count) => snapdeck::drill::Which::Pick {
                    count,
                    tier: tier.map(|t| match t {
                        TierArg::Standard => Tier::Standard,
                        TierArg::Dedicated => Tier::Dedicated,
                    }),
                },
                None => snapdeck::drill::Which::Slugs(slugs),
            };
            let point = match point {
                PointArg::Latest => snapdeck::drill::PointChoice::Latest,
                PointArg::Random => snapdeck::drill::PointChoice::Random,
            };
            let limit = time_limit.map(|m| Duration::minutes(i64::from(m)));
            drill_command(&config, which, point, usize::from(parallel), limit, json)
        }
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
                token_file,
                viewer_token_file,
            };
            snapdeck::serve::command(options).map_err(user)?;
            Ok(ExitCode::SUCCESS)
        }
        _ => tui_command(&config, theme),
    }
}

fn verify_command(command: Option<Command>) -> Result<ExitCode, Failure> {
    use snapdeck::verify::{self, LiveSide, Plan, Side, db::Timeouts, dsn::Dsn, password};
    let Some(Command::Verify {
        restore: _,
        restored_db: Some(restored_db),
        restored_moodledata: Some(restored_moodledata),
        live_db: Some(live_db),
        point: Some(point),
        site,
        table_prefix,
        query_timeout,
        connect_timeout,
        json,
        ..
    }) = command
    else {
        return Err(user(
            "verify needs a RESTORE_ID, or --restored-db, --restored-moodledata, --live-db and \
             --point",
        ));
    };
    let side = |conninfo: &str, which: &str| -> Result<Side, Failure> {
        let dsn = Dsn::parse(conninfo).map_err(|e| user(format!("--{which}-db: {e}")))?;
        let password =
            password::find(&dsn, None).map_err(|e| user(format!("--{which}-db: {e}")))?;
        Ok(Side { dsn, password })
    };
    if !table_prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(user(format!(
            "--table-prefix {table_prefix:?} may hold only letters, digits and _"
        )));
    }
    let plan = Plan {
        restored: side(&restored_db, "restored")?,
        live: LiveSide::Db(side(&live_db, "live")?),
        moodledata: restored_moodledata,
        site,
        point,
        table_prefix,
        timeouts: Timeouts {
            connect: std::time::Duration::from_secs(connect_timeout.max(1)),
            query: std::time::Duration::from_secs(query_timeout.max(1)),
        },
        hash_budget: Default::default(),
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| user(format!("no async runtime: {e}")))?;
    let checks = runtime.block_on(verify::run(&plan));
    report_checks(&plan, &checks, json)
}

/// `snapdeck verify RESTORE_ID`: the restore, its tenant and its point read through the
/// source, the targets from `[verify]`.
fn verify_restore_command(config: &Config, id: &str, json: bool) -> Result<ExitCode, Failure> {
    use snapdeck::verify;
    let Some(settings) = config.verify.clone() else {
        return Err(user(
            "verify RESTORE_ID needs [verify] in the config (README, \"snapdeck's own \
             checks\"); or give the targets: --restored-db, --restored-moodledata, --live-db, \
             --point",
        ));
    };
    let source: Box<dyn Source> = match config.source {
        SourceKind::Http => Box::new(http_source(config)?),
        SourceKind::Kube => {
            return Err(user(
                "the kube source knows no restores: use --source http, or give the targets \
                 (--restored-db, --restored-moodledata, --live-db, --point)",
            ));
        }
        SourceKind::Demo => Box::new(DemoSource::new(
            config.demo.seed,
            config.demo.tenants,
            Arc::new(ScaledClock::new(Utc::now(), config.demo.speed)),
            config.refresh_interval,
        )),
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| user(format!("no async runtime: {e}")))?;
    let restore = snapdeck::domain::ids::RestoreId::from(id);
    let within = config.http.timeout.max(std::time::Duration::from_secs(10)) * 6;
    let request = runtime
        .block_on(verify::lookup::request(source, &restore, within))
        .map_err(|why| user(format!("cannot verify {id}: {why}")))?;
    let fingerprint = request.overwrite.then(|| match journal::path() {
        Some(path) => verify::fingerprint::find_in(&path, id),
        None => Err("no fingerprint of live: no data directory holds a journal".into()),
    });
    let plan = verify::plan_for(&settings, &request, fingerprint)
        .map_err(|why| user(format!("cannot verify {id}: {why}")))?;
    let checks = runtime.block_on(verify::run(&plan));
    report_checks(&plan, &checks, json)
}

/// `snapdeck drill`: the drills through the source, progress on stderr, the summary on
/// stdout, the exit code of the worst drill.
fn drill_command(
    config: &Config,
    which: snapdeck::drill::Which,
    point: snapdeck::drill::PointChoice,
    parallel: usize,
    time_limit: Option<chrono::Duration>,
    json: bool,
) -> Result<ExitCode, Failure> {
    use snapdeck::drill::{self, progress};
    use std::io::IsTerminal;
    if config.read_only {
        return Err(user(
            "read-only: a drill makes and discards a restore on the platform, and read-only \
             forbids every write",
        ));
    }
    let (source, label): (Box<dyn Source>, String) = match config.source {
        SourceKind::Http => {
            let source = http_source(config)?;
            let label = format!("http {}", config.http.base_url.clone().unwrap_or_default());
            (Box::new(source), label)
        }
        SourceKind::Kube => {
            return Err(user(
                "the kube source cannot act: a drill is a restore, and restores are made by the \
                 control plane (use --source http)",
            ));
        }
        SourceKind::Demo => {
            let source = DemoSource::new(
                config.demo.seed,
                config.demo.tenants,
                Arc::new(ScaledClock::new(Utc::now(), config.demo.speed)),
                config.refresh_interval,
            );
            (Box::new(source), "demo".to_string())
        }
    };
    let options = drill::Options {
        which,
        point,
        parallel,
        time_limit,
        verify: config.verify.clone(),
        journal: journal::path(),
        operator: drill::operator(config.operator.as_deref()),
        source_label: label,
        session: session_id(),
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    };
    let progress: Arc<dyn progress::Progress> = if std::io::stderr().is_terminal() {
        Arc::new(progress::Live::new())
    } else {
        Arc::new(progress::Plain::new(Box::new(std::io::stderr())))
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| user(format!("no async runtime: {e}")))?;
    let summary = runtime.block_on(async {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let said = progress.clone();
        tokio::spawn(async move {
            stopping_signal().await;
            said.note(
                "stopping: no new drill starts; the drills under way are discarded (a second \
                 signal does not hurry this: their spokes must not be left behind)",
            );
            let _ = stop.send(true);
        });
        drill::run(source, options, progress, stopped).await
    });
    let summary = summary.map_err(|drill::CouldNotRun(why)| user(why))?;
    let text = if json {
        drill::report::json(&summary)
    } else {
        drill::report::table(&summary)
    };
    print_out(&text)?;
    Ok(ExitCode::from(summary.exit_code()))
}

/// Ctrl-C or SIGTERM (a timer's stop), whichever comes first.
async fn stopping_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The checks as a table or one JSON document, and the exit code of their verdict.
fn report_checks(
    plan: &snapdeck::verify::Plan,
    checks: &[snapdeck::domain::verify::Check],
    json: bool,
) -> Result<ExitCode, Failure> {
    use snapdeck::verify::report;
    let text = if json {
        report::json(plan, checks)
    } else {
        report::table(plan, checks)
    };
    print_out(&text)?;
    Ok(ExitCode::from(
        snapdeck::domain::verify::overall(checks).exit_code(),
    ))
}

fn config_command(action: &ConfigAction, path: &Path) -> Result<ExitCode, Failure> {
    match action {
        ConfigAction::Path => print_out(&format!("{}\n", path.display()))?,
        ConfigAction::Init { force } => {
            config::write_template(path, *force).map_err(|e| user(e.to_string()))?;
            print_out(&format!("wrote {}\n", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The config file with the command line's overrides on top.
fn settings(args: &Dashboard, path: &Path) -> Result<Config, Failure> {
    let mut config = Config::load(path).map_err(|e| user(e.to_string()))?;
    if let Some(source) = args.source.source {
        config.source = match source {
            SourceArg::Demo => SourceKind::Demo,
            SourceArg::Http => SourceKind::Http,
            SourceArg::Kube => SourceKind::Kube,
        };
    }
    if let Some(seed) = args.demo.seed {
        config.demo.seed = seed;
    }
    if let Some(tenants) = args.demo.tenants {
        config.demo.tenants = usize::try_from(tenants).unwrap_or(usize::MAX);
    }
    if let Some(speed) = args.demo.demo_speed {
        config.demo.speed = speed;
    }
    if let Some(theme) = &args.theme {
        config.theme = theme.clone();
    }
    if let Some(url) = &args.source.url {
        config.http.base_url = Some(url.trim().to_string());
    }
    config.read_only |= args.read_only.read_only;
    let kube = &args.kube;
    if !kube.contexts.is_empty() {
        config.kube.contexts = kube.contexts.clone();
    }
    config.kube.all_contexts |= kube.all_contexts;
    if !kube.namespaces.is_empty() {
        config.kube.namespaces = kube.namespaces.clone();
    }
    config.kube.self_host |= kube.self_host;
    Ok(config)
}

fn refresh_interval(config: &Config) -> Duration {
    Duration::from_std(config.refresh_interval).unwrap_or(Duration::seconds(30))
}

fn status_command(
    config: &Config,
    format: StatusFormat,
    problems: bool,
) -> Result<ExitCode, Failure> {
    use status::read::{demo, first_read};
    let read = match config.source {
        SourceKind::Http => first_read(Box::new(http_source(config)?), "the control plane"),
        SourceKind::Kube => first_read(Box::new(kube_source(config)?), "the clusters"),
        SourceKind::Demo => Ok(demo(config.demo.seed, config.demo.tenants, Utc::now())),
    }
    .map_err(user)?;
    let calendar = config
        .business_hours
        .calendar()
        .map_err(|e| user(format!("business hours: {e}")))?;
    // Judged at the source's clock, as the dashboard judges: it was read just now.
    let now = read.generated_at.unwrap_or_else(Utc::now);
    for part in &read.unread {
        eprintln!("snapdeck: {part}");
    }
    let mut fleet =
        Fleet::new(refresh_interval(config)).with_drill_max_age(config.drills.map(|d| d.max_age));
    fleet.replace(read.tenants, now, now);
    let acting = status::judge_acting(read.acting, &fleet, &calendar, now);
    if let Some(why) = &acting.unread {
        eprintln!("snapdeck: restores and restore requests never read: {why}");
    }
    let judged = status::Status {
        fleet: &fleet,
        unread: &read.unread,
        acting: &acting,
    };
    use std::io::Write;
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let written = match format {
        StatusFormat::Json => {
            judged.write_json(&mut out, problems, refresh_interval(config).num_seconds())
        }
        StatusFormat::Table => judged.write_table(&mut out, problems, now),
        StatusFormat::Nagios => judged.write_nagios(&mut out),
    }
    .and_then(|()| out.flush());
    stdout_written(written, "the fleet's status")?;
    Ok(ExitCode::from(judged.exit_code()))
}

/// The http source, or why it cannot start (no URL, no token, plain http to another host);
/// its start-up warnings (a token file others can read) go to the log and stderr.
fn http_source(config: &Config) -> Result<HttpSource, Failure> {
    let settings =
        HttpSettings::from_config(&config.http, config.refresh_interval).map_err(user)?;
    let source = HttpSource::new(settings).map_err(user)?;
    for warning in source.warnings() {
        tracing::warn!(%warning, "http source");
        eprintln!("snapdeck: warning: {warning}");
    }
    Ok(source)
}

/// The kube source, or why it cannot start (no kubeconfig, a context it does not have).
fn kube_source(config: &Config) -> Result<KubeSource, Failure> {
    let settings =
        KubeSettings::from_config(&config.kube, &config.self_host, config.refresh_interval)
            .map_err(user)?;
    Ok(KubeSource::new(settings))
}

fn journal_command(json: bool) -> Result<ExitCode, Failure> {
    let path = journal::path().ok_or_else(|| {
        user(format!(
            "no data directory on this system: set {} to the journal's path",
            journal::ENV
        ))
    })?;
    let read = journal::read_journal(&path).map_err(|e| user(e.to_string()))?;
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if json {
        journal::write_json(&mut out, &read, &path)
    } else {
        journal::write_table(&mut out, &read, &path)
    }
    .and_then(|()| out.flush());
    stdout_written(written, "the journal")?;
    // In JSON they are in the document; beside a table, stderr keeps them out of a pipe.
    if !json {
        for problem in &read.problems {
            eprintln!("snapdeck: {}, {problem}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A reader that went away (`status | head`) has what it wanted; any other failure to write
/// is an error.
fn stdout_written(written: std::io::Result<()>, what: &str) -> Result<(), Failure> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Internal(
            color_eyre::Report::new(e).wrap_err(format!("could not write {what} to stdout")),
        )),
        _ => Ok(()),
    }
}

/// Writes to stdout; a reader that went away (`config path | head`) is not an error.
fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    stdout_written(
        out.write_all(text.as_bytes()).and_then(|()| out.flush()),
        "the output",
    )
}

/// The theme asked for, checked even under NO_COLOR (a typo in its name is an error there
/// too), then monochrome if NO_COLOR says so, and in 256 colours unless the terminal says
/// it has 24-bit colour.
fn load_theme(config: &Config, config_path: &Path) -> Result<Theme, Failure> {
    let dirs = config::theme_dirs(config_path);
    let loaded = Theme::load(&config.theme, &dirs).map_err(|e| user(e.to_string()))?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::monochrome());
    }
    let truecolour = theme::truecolour_supported(std::env::var_os("COLORTERM").as_deref());
    Ok(loaded.for_terminal(truecolour))
}

/// Unique to this run, so idempotency keys (`<session>-<n>`) never repeat across runs.
fn session_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("sd{:x}{:x}", nanos, std::process::id())
}

fn tui_command(config: &Config, theme: Theme) -> Result<ExitCode, Failure> {
    use std::io::IsTerminal;
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(user(
            "the dashboard needs a terminal (stdin and stdout are not both one); for scripts use \
             `snapdeck status` or `snapdeck status --json`",
        ));
    }
    let calendar = config
        .business_hours
        .calendar()
        .map_err(|e| user(format!("business hours: {e}")))?;
    let log = logging::init();
    let clock: Arc<dyn Clock> = Arc::new(ScaledClock::new(
        Utc::now(),
        if config.source == SourceKind::Demo {
            config.demo.speed
        } else {
            1.0
        },
    ));
    // Built before the terminal is taken over, so what stops it is said on a plain screen.
    let source: Box<dyn Source> = match config.source {
        SourceKind::Http => Box::new(http_source(config)?),
        SourceKind::Kube => Box::new(kube_source(config)?),
        SourceKind::Demo => Box::new(DemoSource::new(
            config.demo.seed,
            config.demo.tenants,
            clock.clone(),
            config.refresh_interval,
        )),
    };
    tui::install_panic_hook()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("could not start the async runtime")?;
    let outcome = runtime.block_on(async {
        let info = source.info();
        tracing::info!(source = info.kind, detail = %info.detail, log = ?log, "starting");
        let source::Started {
            events,
            commands,
            task,
        } = source::start(source);
        let operator = journal::operator(config.operator.as_deref());
        let mut notices = Vec::new();
        if operator.is_none() {
            notices.push(format!(
                "no operator name known (set `operator` in the config, or LOGNAME): the journal \
                 will say \"{}\"",
                journal::UNKNOWN_OPERATOR
            ));
        }
        let mut app = App::new(Settings {
            operator: operator.unwrap_or_else(|| journal::UNKNOWN_OPERATOR.to_string()),
            session: session_id(),
            refresh_interval: refresh_interval(config),
            calendar: calendar.clone(),
            read_only: config.read_only,
            time: config.time,
            local_zone: snapdeck::config::local_zone(),
            source: info,
            verify: config.verify.is_some(),
            drill_max_age: config.drills.map(|d| d.max_age),
        });
        // Without a journal the dashboard still shows everything; writes are refused.
        let journal_path = journal::path();
        let unanswered = journal_path
            .as_deref()
            .and_then(|path| journal::read_journal(path).ok())
            .map_or(0, |read| read.unresolved().count());
        app.update(Msg::JournalUnanswered(unanswered), Utc::now());
        let journal = journal_path
            .ok_or_else(|| "no data directory on this system for the journal".to_string())
            .and_then(|path| journal::Journal::open(&path).map_err(|e| e.to_string()));
        if let Err(why) = &journal {
            tracing::warn!(%why, "journal unavailable: writes will be refused");
            // Said now, not at the first action it refuses.
            notices.push(format!(
                "every action will be refused: the journal cannot be written ({why})"
            ));
        }
        if !notices.is_empty() {
            app.update(Msg::Notice(notices.join(" · ")), Utc::now());
        } else if let Some(hint) = std::env::var("SNAPDECK_HINT")
            .ok()
            .filter(|h| !h.is_empty())
        {
            app.update(Msg::Hint(hint), Utc::now());
        }
        let channels = tui::Channels {
            events,
            commands,
            journal,
            verifier: tui::Verifier::new(config.verify.clone()),
        };
        let outcome = tui::run(app, &theme, clock, channels).await;
        task.abort();
        outcome
    });
    // Generating a million-tenant fleet runs on the blocking pool and cannot be interrupted:
    // quitting must not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(10));
    outcome?;
    Ok(ExitCode::SUCCESS)
}

/// glibc gives each thread that allocates its own arena and returns little of them: the
/// source's thread builds tenants the screen's thread frees. Measured over soaks of an idle
/// 100 000-tenant screen: the default arenas grew 61 MB/h over a heap that stayed flat
/// (heaptrack); one arena per core 4.5 MB/h, then 54 MB/h in the next 20 minutes (malloc_trim
/// every 5 minutes gave nothing back); mimalloc 13 MB in 3 minutes; one arena stayed flat
/// (169.1 MB → 169.1 MB over 30 minutes). jemalloc (tikv-jemallocator, background thread,
/// 1 s decay) loaded a million tenants in 4.3 s instead of 9.1 s but grew ~75 MB/h idle at
/// 100 000 (decay 0 and one arena grew too) and peaked at 300 MB in `status --json`. It costs
/// a million-tenant load time (the load's threads queue on its lock). Called before any
/// thread starts, as glibc asks.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
