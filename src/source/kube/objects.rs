//! The cluster objects snapdeck reads, and the few facts it keeps of each. Objects are turned
//! into facts as they arrive, so a 60 000-snapshot cluster costs the facts, not the JSON.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use kube::core::{ApiResource, GroupVersionKind, Object};
use serde::Deserialize;

use crate::config::KubeKeys;

/// The `component` label's values on the platform's backup objects.
pub const COMPONENT_CRONJOB: &str = "backup";
pub const COMPONENT_DUMP: &str = "db-dump";
pub const COMPONENT_SNAPSHOT: &str = "moodledata";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronJobSpec {
    #[serde(default)]
    pub schedule: String,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub suspend: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronJobStatus {
    #[serde(default)]
    pub last_schedule_time: Option<Time>,
}

/// A CronJob of either `batch/v1` or `batch/v1beta1`: the fields read are the same in both.
pub type CronJob = Object<CronJobSpec, CronJobStatus>;

#[derive(Debug, Clone, Deserialize)]
pub struct VolumeSnapshotSpec {}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSnapshotStatus {
    #[serde(default)]
    pub ready_to_use: Option<bool>,
    #[serde(default)]
    pub creation_time: Option<Time>,
    #[serde(default)]
    pub restore_size: Option<Quantity>,
    #[serde(default)]
    pub error: Option<VolumeSnapshotError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VolumeSnapshotError {
    #[serde(default)]
    pub message: Option<String>,
}

pub type VolumeSnapshot = Object<VolumeSnapshotSpec, VolumeSnapshotStatus>;

pub fn volume_snapshot_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("snapshot.storage.k8s.io", "v1", "VolumeSnapshot"),
        "volumesnapshots",
    )
}

/// What a tenant's namespace says about the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceFacts {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub created: Option<DateTime<Utc>>,
    pub terminating: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronFacts {
    pub name: String,
    pub schedule: String,
    pub time_zone: Option<String>,
    pub suspended: bool,
    pub last_scheduled: Option<DateTime<Utc>>,
    pub created: Option<DateTime<Utc>>,
    /// The tenant label's value on the CronJob (self-host mode names tenants by it).
    pub tenant: Option<String>,
}

/// Where one half of a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HalfState {
    Running,
    Succeeded,
    Failed(String),
}

/// A cross-region copy as the platform's copy job annotated it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyFacts {
    pub copied_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpFacts {
    pub name: String,
    pub run: Option<String>,
    pub started: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
    pub state: HalfState,
    pub bytes: Option<u64>,
    pub copy: CopyFacts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapFacts {
    pub name: String,
    pub run: Option<String>,
    pub created: Option<DateTime<Utc>>,
    /// The snapshot controller has written a status at all.
    pub has_status: bool,
    pub state: HalfState,
    pub restore_bytes: Option<u64>,
    pub copy: CopyFacts,
}

/// One object's facts, or `None` when it is not the platform's (no name, wrong component).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facts {
    Namespace(NamespaceFacts),
    Cron { namespace: String, facts: CronFacts },
    Dump { namespace: String, facts: DumpFacts },
    Snap { namespace: String, facts: SnapFacts },
}

fn time(t: &Option<Time>) -> Option<DateTime<Utc>> {
    let t = t.as_ref()?.0;
    DateTime::from_timestamp(t.as_second(), u32::try_from(t.subsec_nanosecond()).ok()?)
}

fn label<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

fn named(meta: &ObjectMeta) -> Option<(String, String)> {
    Some((meta.namespace.clone()?, meta.name.clone()?))
}

fn copy(meta: &ObjectMeta, keys: &KubeKeys) -> CopyFacts {
    CopyFacts {
        copied_at: annotation(meta, &keys.copied_at).and_then(parse_instant),
        error: annotation(meta, &keys.copy_error).map(str::to_string),
    }
}

pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub fn namespace_facts(ns: Namespace) -> Option<Facts> {
    let meta = ns.metadata;
    let terminating = ns
        .status
        .and_then(|s| s.phase)
        .is_some_and(|p| p == "Terminating")
        || meta.deletion_timestamp.is_some();
    Some(Facts::Namespace(NamespaceFacts {
        name: meta.name?,
        labels: meta.labels.unwrap_or_default(),
        annotations: meta.annotations.unwrap_or_default(),
        created: time(&meta.creation_timestamp),
        terminating,
    }))
}

pub fn cron_facts(cron: CronJob, keys: &KubeKeys, tenant_key: &str) -> Option<Facts> {
    let (namespace, name) = named(&cron.metadata)?;
    Some(Facts::Cron {
        facts: CronFacts {
            name,
            schedule: cron.spec.schedule,
            time_zone: cron.spec.time_zone,
            suspended: cron.spec.suspend.unwrap_or(false),
            last_scheduled: cron.status.and_then(|s| time(&s.last_schedule_time)),
            created: annotation(&cron.metadata, &keys.created_at)
                .and_then(parse_instant)
                .or_else(|| time(&cron.metadata.creation_timestamp)),
            tenant: label(&cron.metadata, tenant_key).map(str::to_string),
        },
        namespace,
    })
}

pub fn dump_facts(job: Job, keys: &KubeKeys) -> Option<Facts> {
    let (namespace, name) = named(&job.metadata)?;
    let status = job.status.unwrap_or_default();
    let condition = |kind: &str| {
        status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == kind && c.status == "True")
    };
    let state = if let Some(failed) = condition("Failed") {
        let why = [failed.reason.as_deref(), failed.message.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
        HalfState::Failed(if why.is_empty() {
            "the Job failed".to_string()
        } else {
            why
        })
    } else if condition("Complete").is_some() {
        HalfState::Succeeded
    } else {
        HalfState::Running
    };
    Some(Facts::Dump {
        facts: DumpFacts {
            run: label(&job.metadata, &keys.run).map(str::to_string),
            started: time(&status.start_time).or_else(|| time(&job.metadata.creation_timestamp)),
            finished: time(&status.completion_time),
            state,
            bytes: annotation(&job.metadata, &keys.dump_bytes).and_then(|b| b.trim().parse().ok()),
            copy: copy(&job.metadata, keys),
            name,
        },
        namespace,
    })
}

pub fn snap_facts(snap: VolumeSnapshot, keys: &KubeKeys) -> Option<Facts> {
    let (namespace, name) = named(&snap.metadata)?;
    let has_status = snap.status.is_some();
    let status = snap.status;
    let ready = status.as_ref().and_then(|s| s.ready_to_use) == Some(true);
    let error = status.as_ref().and_then(|s| s.error.as_ref()).map(|e| {
        e.message
            .clone()
            .unwrap_or_else(|| "an error without a message".into())
    });
    let state = match (ready, error) {
        (true, _) => HalfState::Succeeded,
        (false, Some(error)) => HalfState::Failed(error),
        (false, None) => HalfState::Running,
    };
    let created = status
        .as_ref()
        .and_then(|s| time(&s.creation_time))
        .or_else(|| time(&snap.metadata.creation_timestamp));
    Some(Facts::Snap {
        facts: SnapFacts {
            run: label(&snap.metadata, &keys.run).map(str::to_string),
            created,
            has_status,
            state,
            restore_bytes: status
                .as_ref()
                .and_then(|s| s.restore_size.as_ref())
                .and_then(quantity_bytes),
            copy: copy(&snap.metadata, keys),
            name,
        },
        namespace,
    })
}

/// A storage quantity ("12Gi", "500M", "1024") in bytes; `None` when it does not read.
pub fn quantity_bytes(q: &Quantity) -> Option<u64> {
    let text = q.0.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match suffix {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_in_bytes() {
        let q = |s: &str| quantity_bytes(&Quantity(s.to_string()));
        assert_eq!(q("1024"), Some(1024));
        assert_eq!(q("2Ki"), Some(2048));
        assert_eq!(q("1.5Gi"), Some(1_610_612_736));
        assert_eq!(q("3G"), Some(3_000_000_000));
        assert_eq!(q("12Zi"), None);
        assert_eq!(q("lots"), None);
    }

    #[test]
    fn a_failed_job_says_why_and_a_snapshot_error_is_a_failure() {
        let keys = KubeKeys::default();
        let job: Job = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "dump-1", "namespace": "moodle-a",
                         "labels": {"snapdeck.io/run": "r1"},
                         "annotations": {"snapdeck.io/dump-bytes": "1234"}},
            "status": {"startTime": "2026-11-28T02:00:00Z",
                       "conditions": [{"type": "Failed", "status": "True",
                                       "reason": "BackoffLimitExceeded",
                                       "message": "pg_dump: connection refused"}]}
        }))
        .unwrap();
        let Some(Facts::Dump { namespace, facts }) = dump_facts(job, &keys) else {
            panic!("a dump");
        };
        assert_eq!(namespace, "moodle-a");
        assert_eq!(facts.run.as_deref(), Some("r1"));
        assert_eq!(facts.bytes, Some(1234));
        assert_eq!(
            facts.state,
            HalfState::Failed("BackoffLimitExceeded: pg_dump: connection refused".into())
        );
        let snap: VolumeSnapshot = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "snap-1", "namespace": "moodle-a"},
            "spec": {"source": {"persistentVolumeClaimName": "moodledata"}},
            "status": {"readyToUse": false, "error": {"message": "quota exceeded"}}
        }))
        .unwrap();
        let Some(Facts::Snap { facts, .. }) = snap_facts(snap, &keys) else {
            panic!("a snapshot");
        };
        assert!(facts.has_status);
        assert_eq!(facts.state, HalfState::Failed("quota exceeded".into()));
    }

    #[test]
    fn a_snapshot_without_status_is_running_and_says_so() {
        let snap: VolumeSnapshot = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "snap-2", "namespace": "moodle-a",
                         "creationTimestamp": "2026-11-28T02:00:00Z"},
            "spec": {}
        }))
        .unwrap();
        let Some(Facts::Snap { facts, .. }) = snap_facts(snap, &KubeKeys::default()) else {
            panic!("a snapshot");
        };
        assert!(!facts.has_status);
        assert_eq!(facts.state, HalfState::Running);
        assert_eq!(facts.created, parse_instant("2026-11-28T02:00:00Z"));
    }
}
