//! `snapdeck status`: the fleet for scripts and monitoring, judged by the same code as the
//! screen — the same fleet, the same health, the same worst-first order.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::app::fleet::Fleet;
use crate::app::view::FleetView;
use crate::domain::{Level, Tenant};
use crate::ui::format::{coarse_age, countdown};

/// Exit codes like a monitoring check.
pub fn exit_code(fleet: &Fleet) -> i32 {
    let s = fleet.summary();
    if s.red > 0 {
        2
    } else if s.unknown > 0 {
        3
    } else if s.amber > 0 {
        1
    } else {
        0
    }
}

/// Fleet rows in the screen's order, optionally only the non-OK ones.
fn ordered(fleet: &Fleet, problems_only: bool) -> Vec<usize> {
    let mut view = FleetView::default();
    view.rebuild(fleet);
    view.rows()
        .iter()
        .filter(|r| !r.context_only)
        .map(|r| r.tenant)
        .filter(|&i| !problems_only || fleet.health(i).level != Level::Ok)
        .collect()
}

/// `{"generated_at", "summary", "refresh_interval_seconds", "tenants": [<contract tenant> + health]}`.
pub fn json(fleet: &Fleet, problems_only: bool, refresh_interval_seconds: i64) -> Value {
    let generated_at = fleet.evaluated_at();
    let summary: Map<String, Value> = Level::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), json!(fleet.summary().count(*l))))
        .collect();
    let tenants: Vec<Value> = ordered(fleet, problems_only)
        .into_iter()
        .map(|i| tenant_json(fleet, i, generated_at))
        .collect();
    json!({
        "generated_at": generated_at,
        "refresh_interval_seconds": refresh_interval_seconds,
        "summary": summary,
        "tenants": tenants,
    })
}

/// The contract's tenant object, with `observed_at` filled in (so staleness can be recomputed)
/// and the health beside it.
fn tenant_json(fleet: &Fleet, i: usize, now: Option<DateTime<Utc>>) -> Value {
    let mut tenant: Tenant = fleet.tenant(i).clone();
    tenant.observed_at = now.and_then(|now| fleet.observed_at(i, now));
    let mut value = to_value(&tenant);
    if let Value::Object(map) = &mut value {
        map.insert("health".to_string(), to_value(fleet.health(i)));
    }
    value
}

fn to_value(v: &impl Serialize) -> Value {
    // Our own types serialise infallibly (string keys, no maps with non-string keys).
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A plain-text table, one line per tenant, worst first.
pub fn table(fleet: &Fleet, problems_only: bool, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let s = fleet.summary();
    let _ = writeln!(
        out,
        "{} tenants: {} red, {} amber, {} info, {} ok, {} stale; {} restores running",
        s.tenants, s.red, s.amber, s.info, s.ok, s.unknown, s.restores_running
    );
    let _ = writeln!(
        out,
        "{:<9} {:<32} {:<10} {:<15} {:<14} {:<14} FLAGS",
        "LEVEL", "TENANT", "TIER", "REGION", "LAST SUCCESS", "NEXT RUN"
    );
    for i in ordered(fleet, problems_only) {
        let t = fleet.tenant(i);
        let h = fleet.health(i);
        // Problems alone are listed flat: an indented spoke under an unlisted hub reads wrong.
        let name = if problems_only || t.is_hub() {
            t.slug.clone()
        } else {
            format!("  {}", t.slug)
        };
        let last = t
            .backup
            .last_success
            .as_ref()
            .map_or("never".to_string(), |l| coarse_age(now, l.taken_at));
        let next = t
            .backup
            .schedule
            .next_run_at
            .map_or("—".to_string(), |at| countdown(now, at));
        let flags: Vec<&str> = h.flags.iter().map(|f| f.kind.id()).collect();
        let level = format!("{} {}", h.level.glyph(), h.level.word());
        let _ = writeln!(
            out,
            "{level:<9} {name:<32} {:<10} {:<15} {last:<14} {next:<14} {}",
            t.tier.label(),
            t.region,
            flags.join(",")
        );
    }
    out
}
