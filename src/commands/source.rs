//! The source a command reads and acts through, built from the config in one place.

use std::sync::Arc;

use chrono::Utc;

use super::{Failure, user};
use crate::clock::{Clock, ScaledClock};
use crate::config::{Config, SourceKind};
use crate::source::Source;
use crate::source::demo::DemoSource;
use crate::source::http::{HttpSettings, HttpSource};
use crate::source::kube::{KubeSettings, KubeSource};

/// The source the config names, or why it cannot start. The demo runs on `clock` (its own
/// at the demo's speed when none is given).
pub fn source_of(
    config: &Config,
    clock: Option<Arc<dyn Clock>>,
) -> Result<Box<dyn Source>, Failure> {
    Ok(match config.source {
        SourceKind::Http => Box::new(http_source(config)?),
        SourceKind::Kube => Box::new(kube_source(config)?),
        SourceKind::Demo => Box::new(
            DemoSource::new(
                config.demo.seed,
                config.demo.tenants,
                clock.unwrap_or_else(|| demo_clock(config)),
                config.refresh_interval,
            )
            .with_outages(config.demo.outages.clone()),
        ),
    })
}

/// This machine's clock, at the demo's speed when the source is the demo.
pub fn demo_clock(config: &Config) -> Arc<dyn Clock> {
    let speed = match config.source {
        SourceKind::Demo => config.demo.speed,
        _ => 1.0,
    };
    Arc::new(ScaledClock::new(Utc::now(), speed))
}

/// A source that takes writes, or why this one cannot (`doing`: what was asked of it).
pub fn acting_source(config: &Config, doing: &str) -> Result<(Box<dyn Source>, String), Failure> {
    if crate::source::cannot_act(config.source).is_some() {
        return Err(user(format!(
            "the {} source cannot act: {doing} (use --source http)",
            config.source.name()
        )));
    }
    Ok((source_of(config, None)?, label_of(config)))
}

/// Where writes go, as the journal names it: "http https://…", "demo".
pub fn label_of(config: &Config) -> String {
    match config.source {
        SourceKind::Http => format!("http {}", config.http.base_url.clone().unwrap_or_default()),
        kind => kind.name().to_string(),
    }
}

/// The http source, or why it cannot start (no URL, no token, plain http to another host);
/// its start-up warnings (a token file others can read) go to the log and stderr.
pub fn http_source(config: &Config) -> Result<HttpSource, Failure> {
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
