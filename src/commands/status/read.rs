//! What `status` reads: the fleet, and the restores and open tickets beside it, through the
//! same `Source` trait as the dashboard (or straight from the demo's simulator).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::acting::Lists;
use crate::config::DemoConfig;
use crate::domain::region::Regions;
use crate::domain::tenant::Tenant;
use crate::ops::client::{Client, Seen};
use crate::source::demo::Sim;
use crate::source::{Source, Unread};

/// The tenants read, the parts of the source that could not be, and the acting side.
pub struct FirstRead {
    pub tenants: Vec<Arc<Tenant>>,
    pub unread: Vec<Unread>,
    /// The source's own instant for them, when it sent one.
    pub generated_at: Option<DateTime<Utc>>,
    /// The restores and open tickets, or why they could not be read; `None` for a source
    /// that keeps none (the clusters).
    pub acting: Option<Result<Lists, String>>,
    /// The regions and their status, or why the source cannot tell.
    pub regions: Regions,
}

/// The demo fleet of `seed` as it stands at `now`, its restores and open tickets: built
/// once, without running anything.
pub fn demo(demo: &DemoConfig, now: DateTime<Utc>) -> FirstRead {
    let sim = Sim::new(demo.seed, demo.tenants, now).with_outages(&demo.outages);
    let requests = sim.open_requests();
    let regions = Regions::Reported {
        generated_at: now,
        items: sim.regions(),
    };
    let (tenants, restores) = sim.into_parts();
    FirstRead {
        tenants,
        unread: Vec::new(),
        generated_at: None,
        acting: Some(Ok(Lists { restores, requests })),
        regions,
    }
}

/// Runs `source` until it has sent its first fleet and, when it keeps them, its restores
/// and open tickets. A source that fails first is `whole` never read; a part of it that
/// fails (one cluster) is named by the source itself, before the fleet it is missing from.
///
/// # Errors
/// No async runtime, or the source stopped before sending a fleet.
pub fn first_read(source: Box<dyn Source>, whole: &str) -> Result<FirstRead, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let keeps_lists = source.info().cannot_act.is_none();
    let seen = runtime.block_on(async {
        let client = Client::start(source);
        client.first(keeps_lists).await
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(10));
    read_of(seen, whole, keeps_lists)
}

/// What a first read saw, as `status` judges it.
fn read_of(seen: Seen, whole: &str, keeps_lists: bool) -> Result<FirstRead, String> {
    let Some(generated_at) = seen.at else {
        // `status` does not retry: the source failed (or stopped) before its fleet.
        return match seen.failing {
            Some(why) => Ok(FirstRead {
                tenants: Vec::new(),
                unread: vec![Unread {
                    part: whole.to_string(),
                    why,
                }],
                generated_at: None,
                acting: None,
                regions: Regions::Unread,
            }),
            None => Err("the source stopped before sending the fleet".to_string()),
        };
    };
    let acting = keeps_lists.then(|| match (seen.requests, seen.failing) {
        (Some(requests), _) => Ok(Lists {
            restores: seen.restores,
            requests,
        }),
        (None, Some(why)) => Err(why),
        (None, None) => Err("the source stopped before sending its restores and tickets".into()),
    });
    Ok(FirstRead {
        tenants: seen.tenants,
        unread: seen.unread,
        generated_at: Some(generated_at),
        acting,
        regions: seen.regions,
    })
}
