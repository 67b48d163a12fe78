//! `snapdeck status` from the command line: the source read once, judged, written.

use std::process::ExitCode;

use chrono::Utc;

use super::read::{demo, first_read};
use crate::cli::StatusFormat;
use crate::commands::config::refresh_interval;
use crate::commands::source::source_of;
use crate::commands::{Failure, stdout_written, user};
use crate::config::{Config, SourceKind};
use crate::domain::region::exposure::exposure;
use crate::fleet::Fleet;

pub fn command(config: &Config, format: StatusFormat, problems: bool) -> Result<ExitCode, Failure> {
    let read = match config.source {
        SourceKind::Http => first_read(source_of(config, None)?, "the control plane"),
        SourceKind::Kube => first_read(source_of(config, None)?, "the clusters"),
        SourceKind::Demo => Ok(demo(&config.demo, Utc::now())),
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
    if let Some(why) = read.regions.not_offered() {
        eprintln!("snapdeck: regions not reported: {why}");
    }
    let mut fleet = Fleet::new(refresh_interval(config))
        .with_drill_max_age(config.drills.map(|d| d.max_age))
        .with_regions(read.regions);
    fleet.replace(read.tenants, now, now);
    let exposure = exposure(fleet.tenants(), fleet.regions(), now);
    let acting = super::judge_acting(read.acting, &fleet, &calendar, now);
    if let Some(why) = &acting.unread {
        eprintln!("snapdeck: restores and restore requests never read: {why}");
    }
    let judged = super::Status {
        fleet: &fleet,
        unread: &read.unread,
        acting: &acting,
        exposure: &exposure,
    };
    use std::io::{IsTerminal, Write};
    let stdout = std::io::stdout().lock();
    let pretty = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let written = match format {
        StatusFormat::Json => {
            let interval = refresh_interval(config).num_seconds();
            judged.write_json(&mut out, problems, interval, pretty)
        }
        StatusFormat::Table => judged.write_table(&mut out, problems, now),
        StatusFormat::Nagios => judged.write_nagios(&mut out),
    }
    .and_then(|()| out.flush());
    stdout_written(written, "the fleet's status")?;
    Ok(ExitCode::from(judged.exit_code()))
}
