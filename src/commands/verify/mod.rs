//! `snapdeck verify`: snapdeck's own checks of one restore, by its id through the source
//! (the targets from `[verify]`), or of targets named on the command line.

pub mod lookup;

use std::process::ExitCode;

use super::{Failure, print_out, runtime, user};
use crate::cli::Command;
use crate::config::{Config, SourceKind};
use crate::domain::verify::dsn::Dsn;
use crate::journal;
use crate::verify::{self, LiveSide, Plan, Side, db::Timeouts, password};

/// `snapdeck verify --restored-db … --restored-moodledata … --live-db … --point …`.
pub fn explicit(command: Option<Command>) -> Result<ExitCode, Failure> {
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
    let checks = runtime()?.block_on(verify::run(&plan));
    report_checks(&plan, &checks, json)
}

/// `snapdeck verify RESTORE_ID`: the restore, its tenant and its point read through the
/// source, the targets from `[verify]`.
pub fn restore(config: &Config, id: &str, json: bool) -> Result<ExitCode, Failure> {
    let Some(settings) = config.verify.clone() else {
        return Err(user(
            "verify RESTORE_ID needs [verify] in the config (README, \"snapdeck's own \
             checks\"); or give the targets: --restored-db, --restored-moodledata, --live-db, \
             --point",
        ));
    };
    if config.source == SourceKind::Kube {
        return Err(user(
            "the kube source knows no restores: use --source http, or give the targets \
             (--restored-db, --restored-moodledata, --live-db, --point)",
        ));
    }
    let source = super::source::source_of(config, None)?;
    let runtime = runtime()?;
    let restore = crate::domain::ids::RestoreId::from(id);
    let within = config.http.timeout.max(std::time::Duration::from_secs(10)) * 6;
    let request = runtime
        .block_on(lookup::request(source, &restore, within))
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

/// The checks as a table or one JSON document, and the exit code of their verdict.
fn report_checks(
    plan: &Plan,
    checks: &[crate::domain::verify::Check],
    json: bool,
) -> Result<ExitCode, Failure> {
    use crate::verify::report;
    let text = if json {
        report::json(plan, checks)
    } else {
        report::table(plan, checks)
    };
    print_out(&text)?;
    Ok(ExitCode::from(
        crate::domain::verify::overall(checks).exit_code(),
    ))
}
