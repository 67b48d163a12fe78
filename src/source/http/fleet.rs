//! The lists the source pushes on its own, read at every refresh: the fleet (paged and
//! conditional), restores, DNS swaps and open restore requests.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::transport::{Failure, Transport, parse};
use crate::contract::{MAX_LIMIT, Page, TenantsPage};
use crate::domain::dns::DnsSwap;
use crate::domain::ids::TenantId;
use crate::domain::region::{self, Regions, RegionsPage};
use crate::domain::request::RestoreRequest;
use crate::domain::restore::Restore;
use crate::domain::tenant::Tenant;
use crate::source::SourceEvent;

/// More pages than this is a server that never stops, not a fleet (10 million tenants).
const MAX_PAGES: usize = 10_000;

/// What one refresh remembers for the next.
#[derive(Debug)]
pub struct PollState {
    /// The first page's `ETag`, sent back as `If-None-Match`.
    etag: Option<String>,
    /// The last fleet sent, by id, to send only what changed next time.
    last: Option<HashMap<TenantId, Arc<Tenant>>>,
    /// A server without the DNS swap list answers 404 there: stop asking.
    dns_swaps_listed: bool,
    /// A server without regions answers 404 there: stop asking (said once, as an event).
    regions_listed: bool,
    /// The last `generated_at` and when it came: a `304` carries no instant, and the
    /// heartbeat it makes must stay on the control plane's clock, not this machine's.
    clock: Option<(DateTime<Utc>, std::time::Instant)>,
}

impl Default for PollState {
    fn default() -> Self {
        PollState {
            etag: None,
            last: None,
            dns_swaps_listed: true,
            regions_listed: true,
            clock: None,
        }
    }
}

/// What a refresh gave: the events to send, and why it stopped early if it did.
#[derive(Debug, Default)]
pub struct Polled {
    pub events: Vec<SourceEvent>,
    pub failure: Option<Failure>,
}

/// One refresh. `whole` asks for the whole fleet (an operator's refresh): no `If-None-Match`,
/// and a `Fleet` event whatever changed. The state goes in and comes back so the refresh can
/// run beside the command loop.
pub async fn poll(
    transport: Arc<Transport>,
    mut state: PollState,
    whole: bool,
) -> (PollState, Polled) {
    let mut polled = Polled::default();
    let read = poll_into(&transport, &mut state, whole, &mut polled.events).await;
    polled.failure = read.err();
    (state, polled)
}

async fn poll_into(
    t: &Transport,
    state: &mut PollState,
    whole: bool,
    events: &mut Vec<SourceEvent>,
) -> Result<(), Failure> {
    // The regions go before the fleet they judge: a whole fleet is judged in one go when it
    // comes, and regions after it would have every tenant judged a second time.
    let fleet_at = events.len();
    let etag = if whole || state.last.is_none() {
        None
    } else {
        state.etag.clone()
    };
    match read_fleet(t, etag.as_deref(), state.last.as_ref()).await? {
        // Nothing to parse, nothing to compare: only "still alive".
        None => events.push(SourceEvent::Changed {
            generated_at: state.source_now(),
            tenants: Vec::new(),
        }),
        Some((generated_at, tenants, etag)) => {
            state.etag = etag;
            state.clock = Some((generated_at, std::time::Instant::now()));
            events.push(state.fleet_event(generated_at, tenants, whole));
        }
    }
    if state.regions_listed {
        match read_regions(t).await {
            Ok(regions) => events.insert(fleet_at, SourceEvent::Regions(regions)),
            Err(f) if f.status == Some(404) => {
                state.regions_listed = false;
                let why = region::NOT_OFFERED_HTTP.to_string();
                events.insert(fleet_at, SourceEvent::Regions(Regions::NotOffered(why)));
            }
            Err(f) => return Err(f),
        }
    }
    let restores: Vec<Restore> = read_all(t, &["restores"], &[], "GET /restores").await?;
    events.push(SourceEvent::Restores {
        generated_at: Utc::now(),
        restores,
    });
    if state.dns_swaps_listed {
        match read_all::<DnsSwap>(t, &["dns-swaps"], &[], "GET /dns-swaps").await {
            Ok(swaps) => events.push(SourceEvent::DnsSwaps {
                generated_at: Utc::now(),
                swaps,
            }),
            // The list is the reference server's addition to the contract: a control plane
            // without it is not failing, it just cannot tell us.
            Err(f) if f.status == Some(404) => state.dns_swaps_listed = false,
            Err(f) => return Err(f),
        }
    }
    let requests: Vec<RestoreRequest> = read_all(
        t,
        &["restore-requests"],
        &[("open", "true")],
        "GET /restore-requests",
    )
    .await?;
    events.push(SourceEvent::Requests {
        generated_at: Utc::now(),
        requests,
    });
    Ok(())
}

impl PollState {
    /// Now on the control plane's clock: its last `generated_at` plus the time since.
    fn source_now(&self) -> DateTime<Utc> {
        match self.clock {
            Some((generated_at, at)) => {
                let since = chrono::Duration::from_std(at.elapsed()).unwrap_or_default();
                generated_at + since
            }
            None => Utc::now(),
        }
    }

    /// The whole fleet the first time, after an operator's refresh, or when tenants came or
    /// went; otherwise only the tenants that differ (the app upserts them by id).
    fn fleet_event(
        &mut self,
        generated_at: DateTime<Utc>,
        tenants: Vec<Arc<Tenant>>,
        whole: bool,
    ) -> SourceEvent {
        let by_id: HashMap<TenantId, Arc<Tenant>> = tenants
            .iter()
            .map(|t| (t.id.clone(), Arc::clone(t)))
            .collect();
        let changed = match &self.last {
            Some(last)
                if !whole
                    && last.len() == by_id.len()
                    && by_id.len() == tenants.len()
                    && by_id.keys().all(|id| last.contains_key(id)) =>
            {
                // An unchanged tenant is the very `Arc` sent before (see `read_fleet`).
                let changed: Vec<Arc<Tenant>> = tenants
                    .iter()
                    .filter(|t| last.get(&t.id).is_none_or(|old| !Arc::ptr_eq(old, t)))
                    .cloned()
                    .collect();
                Some(changed)
            }
            _ => None,
        };
        self.last = Some(by_id);
        match changed {
            Some(tenants) => SourceEvent::Changed {
                generated_at,
                tenants,
            },
            None => SourceEvent::Fleet {
                generated_at,
                tenants,
            },
        }
    }
}

type FleetRead = Option<(DateTime<Utc>, Vec<Arc<Tenant>>, Option<String>)>;

/// Every page of `/tenants`, or `None` when the first page answered `304`. A tenant equal to
/// the one sent last time comes back as that same `Arc`, page by page, so the app and the
/// source share one copy of the fleet and a refresh of 100 000 tenants holds one page of
/// new ones at a time, not a second fleet.
async fn read_fleet(
    t: &Transport,
    etag: Option<&str>,
    last: Option<&HashMap<TenantId, Arc<Tenant>>>,
) -> Result<FleetRead, Failure> {
    let limit = MAX_LIMIT.to_string();
    let mut cursors = Cursors::default();
    let mut cursor: Option<String> = None;
    let mut tenants = Vec::new();
    let mut first: Option<(DateTime<Utc>, Option<String>)> = None;
    loop {
        let mut query = vec![("limit", limit.as_str())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.as_str()));
        }
        // Only the first page is conditional: its ETag stands for the whole fleet.
        let condition = if cursor.is_none() { etag } else { None };
        let answer = t.get(t.url(&["tenants"], &query), condition).await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            if cursor.is_none() {
                return Ok(None);
            }
            let message = "the server answered 304 to a later page of /tenants".to_string();
            return Err(Failure::body(message));
        }
        let page: TenantsPage = parse(&answer, "GET /tenants")?;
        if first.is_none() {
            first = Some((page.generated_at, answer.etag.clone()));
        }
        tenants.extend(page.items.into_iter().map(|tenant| {
            match last.and_then(|l| l.get(&tenant.id)) {
                Some(old) if **old == tenant => Arc::clone(old),
                _ => Arc::new(tenant),
            }
        }));
        match page.next_cursor {
            None => break,
            Some(next) => cursor = Some(cursors.next(next, "/tenants")?),
        }
    }
    Ok(first.map(|(generated_at, etag)| (generated_at, tenants, etag)))
}

/// `GET /regions` (a contract addition, not paged).
async fn read_regions(t: &Transport) -> Result<Regions, Failure> {
    let answer = t.get(t.url(&["regions"], &[]), None).await?;
    let page: RegionsPage = parse(&answer, "GET /regions")?;
    Ok(Regions::Reported {
        generated_at: page.generated_at,
        items: page.items,
    })
}

/// Every page of a list.
async fn read_all<T: DeserializeOwned>(
    t: &Transport,
    segments: &[&str],
    query: &[(&str, &str)],
    what: &str,
) -> Result<Vec<T>, Failure> {
    let limit = MAX_LIMIT.to_string();
    let mut cursors = Cursors::default();
    let mut cursor: Option<String> = None;
    let mut items = Vec::new();
    loop {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        q.push(("limit", limit.as_str()));
        if let Some(c) = &cursor {
            q.push(("cursor", c.as_str()));
        }
        let answer = t.get(t.url(segments, &q), None).await?;
        let page: Page<T> = parse(&answer, what)?;
        items.extend(page.items);
        match page.next_cursor {
            None => return Ok(items),
            Some(next) => cursor = Some(cursors.next(next, what)?),
        }
    }
}

/// The cursors followed so far: a cursor seen twice would loop forever.
#[derive(Default)]
struct Cursors {
    seen: HashSet<String>,
}

impl Cursors {
    fn next(&mut self, cursor: String, what: &str) -> Result<String, Failure> {
        if self.seen.len() >= MAX_PAGES {
            let message = format!("{what} did not end after {MAX_PAGES} pages; gave up");
            return Err(Failure::body(message));
        }
        if !self.seen.insert(cursor.clone()) {
            let message = format!("the server sent the same cursor twice ({what}); gave up");
            return Err(Failure::body(message));
        }
        Ok(cursor)
    }
}
