//! One cluster: a client from its kubeconfig context, the CronJob version found by
//! discovery, and a watcher per kind, all reported to the source's loop as messages.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Namespace;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::ApiResource;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use tokio::sync::mpsc::Sender;

use super::errors::{Kind, unreachable_words, watch_error};
use super::index::Change;
use super::objects::{
    self, COMPONENT_CRONJOB, COMPONENT_DUMP, COMPONENT_SNAPSHOT, CronJob, Facts, VolumeSnapshot,
};
use crate::config::KubeKeys;

/// What a cluster's task tells the source's loop.
#[derive(Debug)]
pub enum Report {
    Change {
        kind: Kind,
        /// The namespace the watch covers; `None` for all of them.
        scope: Option<String>,
        change: Change,
    },
    /// A kind's watch failed (`kind`), or the cluster cannot be reached at all (`None`).
    Failed { kind: Option<Kind>, error: String },
    /// The API server answered the liveness probe.
    Heard,
}

/// What every cluster is asked for.
#[derive(Debug, Clone)]
pub struct Watching {
    pub keys: KubeKeys,
    pub tenant_key: String,
    pub self_host: bool,
    /// How often the API server is probed: a stopped server is noticed within this.
    pub probe_every: Duration,
    /// Watch only these namespaces, one watch each (a context whose rights stop at some
    /// namespaces); empty watches every namespace at once.
    pub namespaces: Vec<String>,
}

impl Watching {
    /// Every watch a cluster runs: a kind, in one namespace or (`None`) in all.
    pub fn watches(&self) -> Vec<(Kind, Option<String>)> {
        let kinds = Kind::ALL
            .into_iter()
            .filter(|k| !(self.self_host && *k == Kind::Namespaces));
        let scopes: Vec<Option<String>> = match self.namespaces.is_empty() {
            true => vec![None],
            false => self.namespaces.iter().cloned().map(Some).collect(),
        };
        kinds
            .flat_map(|kind| scopes.iter().map(move |scope| (kind, scope.clone())))
            .collect()
    }
}

/// Runs one cluster until the loop stops listening.
pub async fn run(
    context: String,
    kubeconfig: Arc<Kubeconfig>,
    watching: Arc<Watching>,
    reports: Sender<(usize, Report)>,
    index: usize,
) {
    let send = |report: Report| {
        let reports = reports.clone();
        async move { reports.send((index, report)).await.is_ok() }
    };
    let mut pause = Duration::from_secs(1);
    let (client, cronjobs) = loop {
        match connect(&context, &kubeconfig).await {
            Ok(found) => break found,
            Err(error) => {
                if !send(Report::Failed { kind: None, error }).await {
                    return;
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        }
    };
    let probe = probe(client.clone(), watching.probe_every, reports.clone(), index);
    let mut watches = stream::select_all(watches(&client, &cronjobs, &watching));
    let forward = async {
        while let Some((kind, scope, item)) = watches.next().await {
            let report = match item {
                Ok(Some(change)) => Report::Change {
                    kind,
                    scope,
                    change,
                },
                Ok(None) => continue,
                Err(error) => Report::Failed {
                    kind: Some(kind),
                    error,
                },
            };
            if !send(report).await {
                return;
            }
        }
    };
    tokio::join!(probe, forward);
}

/// A client for `context`, and the CronJob resource its API server serves.
async fn connect(context: &str, kubeconfig: &Kubeconfig) -> Result<(Client, ApiResource), String> {
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..KubeConfigOptions::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
        .await
        .map_err(|e| format!("context {context} cannot be used: {e}"))?;
    let client = Client::try_from(config).map_err(|e| unreachable_words(&e))?;
    let cronjobs = cronjob_resource(&client).await?;
    Ok((client, cronjobs))
}

/// `batch/v1` CronJobs (Kubernetes 1.21 and later), else `batch/v1beta1` on the older
/// clusters self-host customers run: whichever the API server lists, found by discovery.
async fn cronjob_resource(client: &Client) -> Result<ApiResource, String> {
    let group = kube::discovery::group(client, "batch")
        .await
        .map_err(|e| match e {
            kube::Error::Api(status) if status.code == 403 => {
                "cannot get the batch API group (discovery): forbidden".to_string()
            }
            other => unreachable_words(&other),
        })?;
    for version in ["v1", "v1beta1"] {
        let found = group
            .versioned_resources(version)
            .into_iter()
            .find(|(resource, _)| resource.kind == "CronJob");
        if let Some((resource, _)) = found {
            return Ok(resource);
        }
    }
    Err("the API server serves no CronJob (neither batch/v1 nor batch/v1beta1)".to_string())
}

type Watch = BoxStream<'static, (Kind, Option<String>, Result<Option<Change>, String>)>;

fn watches(client: &Client, cronjobs: &ApiResource, w: &Arc<Watching>) -> Vec<Watch> {
    let component = |value: &str| format!("{}={value}", w.keys.component);
    let labelled = |value: &str| watcher::Config::default().labels(&component(value));
    w.watches()
        .into_iter()
        .map(|(kind, scope)| {
            let c = client.clone();
            let ns = scope.clone();
            let id = (kind, scope);
            match kind {
                Kind::Namespaces => {
                    let mut config = watcher::Config::default().labels(&w.tenant_key);
                    if let Some(ns) = &ns {
                        config = config.fields(&format!("metadata.name={ns}"));
                    }
                    let api: Api<Namespace> = Api::all(c);
                    watch(api, config, id, |_, n| objects::namespace_facts(n), w)
                }
                Kind::CronJobs => {
                    let api: Api<CronJob> = scoped(c, ns.as_deref(), cronjobs);
                    let config = labelled(COMPONENT_CRONJOB);
                    watch(
                        api,
                        config,
                        id,
                        |w, c| objects::cron_facts(c, &w.keys, &w.tenant_key),
                        w,
                    )
                }
                Kind::Jobs => {
                    let api: Api<Job> = match ns.as_deref() {
                        Some(ns) => Api::namespaced(c, ns),
                        None => Api::all(c),
                    };
                    let config = labelled(COMPONENT_DUMP);
                    watch(api, config, id, |w, j| objects::dump_facts(j, &w.keys), w)
                }
                Kind::Snapshots => {
                    let resource = objects::volume_snapshot_resource();
                    let api: Api<VolumeSnapshot> = scoped(c, ns.as_deref(), &resource);
                    let config = labelled(COMPONENT_SNAPSHOT);
                    watch(api, config, id, |w, s| objects::snap_facts(s, &w.keys), w)
                }
            }
        })
        .collect()
}

/// A resource found at run time, in one namespace or in all.
fn scoped<K>(client: Client, ns: Option<&str>, resource: &ApiResource) -> Api<K>
where
    K: kube::Resource<DynamicType = ApiResource, Scope = kube::core::DynamicResourceScope>,
{
    match ns {
        Some(ns) => Api::namespaced_with(client, ns, resource),
        None => Api::all_with(client, resource),
    }
}

/// A kind's watcher (relists on `410 Gone` and reconnects with backoff by itself), its
/// objects reduced to facts as they arrive and its errors put in words.
fn watch<K>(
    api: Api<K>,
    config: watcher::Config,
    (kind, scope): (Kind, Option<String>),
    facts: fn(&Watching, K) -> Option<Facts>,
    w: &Arc<Watching>,
) -> Watch
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    let w = Arc::clone(w);
    watcher(api, config)
        .default_backoff()
        .map(move |item| {
            let change = match item {
                Ok(watcher::Event::Init) => Ok(Some(Change::Init)),
                Ok(watcher::Event::InitDone) => Ok(Some(Change::InitDone)),
                Ok(watcher::Event::InitApply(o)) => Ok(facts(&w, o).map(Change::InitApply)),
                Ok(watcher::Event::Apply(o)) => Ok(facts(&w, o).map(Change::Apply)),
                Ok(watcher::Event::Delete(o)) => Ok(facts(&w, o).map(Change::Delete)),
                // "Too old resource version": the watcher relists by itself; not a failure.
                Err(watcher::Error::WatchError(status)) if status.code == 410 => Ok(None),
                Err(error) => Err(watch_error(&error, kind, scope.as_deref())),
            };
            (kind, scope.clone(), change)
        })
        .boxed()
}

/// Asks the API server for its version every `every`: watches stay quiet while nothing
/// changes, so this is how a stopped server is noticed, and how it is heard again.
async fn probe(client: Client, every: Duration, reports: Sender<(usize, Report)>, index: usize) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let answer = tokio::time::timeout(
            every.max(Duration::from_secs(2)),
            client.apiserver_version(),
        )
        .await;
        let report = match answer {
            Ok(Ok(_)) => Report::Heard,
            Ok(Err(error)) => Report::Failed {
                kind: None,
                error: unreachable_words(&error),
            },
            Err(_) => Report::Failed {
                kind: None,
                error: "the API server did not answer in time".to_string(),
            },
        };
        if reports.send((index, report)).await.is_err() {
            return;
        }
    }
}
