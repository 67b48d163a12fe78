//! A failover plan as a table for a person and as one JSON document for a script.

use serde_json::json;

use crate::domain::failover::projection::clock;
use crate::domain::failover::{Plan, PlanScope, Projection};
use crate::domain::humanize;

/// The plan's first lines: what is failed over, since when, the projection.
pub fn head(plan: &Plan, projection: &Projection) -> Vec<String> {
    let what = match &plan.scope {
        PlanScope::Region { name, .. } => format!("Failover of {name}"),
        PlanScope::FailBack { batch, .. } => {
            format!("Fail-back of batch {batch} (from {})", plan.region)
        }
    };
    let since = match plan.since {
        Some(at) => format!("down since {}", at.format("%Y-%m-%d %H:%M UTC")),
        None => format!(
            "{} is not down: the RTO counts from the launch",
            plan.region
        ),
    };
    let mut lines = vec![
        format!(
            "{what} · {since} · the {} RTO ends {}",
            humanize::duration(crate::domain::failover::projection::rto()),
            projection.deadline.format("%Y-%m-%d %H:%M UTC")
        ),
        projection.words(),
    ];
    let r = &plan.rates;
    let rate = match r.bytes_per_second {
        Some(bps) => format!(
            "the fleet's drills restore {} per minute (median of {})",
            humanize::bytes((bps * 60.0) as u64),
            humanize::count(r.measured, "drill")
        ),
        None => "no drill measured a rate".to_string(),
    };
    lines.push(format!(
        "Estimates from the tenants' own drills where they have one; {rate}."
    ));
    lines
}

pub fn table(plan: &Plan, projection: &Projection, unknown: &[String]) -> String {
    let mut out = head(plan, projection).join("\n");
    out.push_str("\n\n");
    let width = plan
        .entries
        .iter()
        .map(|e| e.slug.as_str())
        .chain(plan.left_out.iter().map(|l| l.slug()))
        .map(|slug| slug.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    out.push_str(&format!(
        "{:>4}  {:<width$}  {:<14}  {:<11}  {:>8}  {:>8}  {:<24}  {:>7}  {}\n",
        "#", "TENANT", "TO", "POINT (UTC)", "LOSS", "RESTORE", "ESTIMATED FROM", "BACK BY", "RTO"
    ));
    let mut n = 0;
    for (e, finish) in plan.entries.iter().zip(&projection.finishes) {
        let point = format!(
            "{}{}",
            if e.point.exact { "" } else { "≤" },
            e.point.taken_at.format("%m-%d %H:%M")
        );
        let loss = format!(
            "{}{}",
            if e.point.exact { "" } else { "≥" },
            humanize::coarse(e.loss)
        );
        let (number, back, rto) = match finish {
            Some(at) => {
                n += 1;
                let rto = if *at > projection.deadline {
                    format!("late by {}", humanize::coarse(*at - projection.deadline))
                } else {
                    "in time".into()
                };
                (n.to_string(), clock(*at, projection.from), rto)
            }
            None => ("-".into(), "—".into(), "excluded".into()),
        };
        out.push_str(&format!(
            "{number:>4}  {:<width$}  {:<14}  {:<11}  {:>8}  {:>8}  {:<24}  {:>7}  {rto}\n",
            e.slug,
            e.to,
            point,
            loss,
            humanize::coarse(e.estimate.took),
            e.estimate.basis.words(),
            back,
        ));
    }
    if plan.entries.is_empty() {
        out.push_str("     (no tenant of the region can be restored elsewhere)\n");
    }
    if !plan.left_out.is_empty() {
        out.push_str(&format!("\nNot in the plan ({}):\n", plan.left_out.len()));
        for l in &plan.left_out {
            out.push_str(&format!("      {:<width$}  {}\n", l.slug(), l.words()));
        }
    }
    for slug in unknown {
        out.push_str(&format!(
            "\n--exclude {slug}: no tenant of the plan is called that\n"
        ));
    }
    out
}

pub fn json(plan: &Plan, projection: &Projection, unknown: &[String]) -> String {
    let entries: Vec<serde_json::Value> = plan
        .entries
        .iter()
        .zip(&projection.finishes)
        .map(|(e, finish)| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            v["back_by"] = json!(finish);
            v["past_rto"] = json!(finish.map(|f| f > projection.deadline));
            v
        })
        .collect();
    let (kind, batch) = match &plan.scope {
        PlanScope::Region { .. } => ("failover", None),
        PlanScope::FailBack { batch, .. } => ("fail_back", Some(batch)),
    };
    let doc = json!({
        "kind": kind,
        "fail_back_of": batch,
        "region": plan.region,
        "since": plan.since,
        "made_at": plan.made_at,
        "projection": {
            "parallel": projection.parallel,
            "from": projection.from,
            "deadline": projection.deadline,
            "within": projection.within,
            "past": projection.past,
            "last": projection.last,
            "all_within_at": projection.all_within_at,
            "words": projection.words(),
        },
        "rates": {
            "bytes_per_second": plan.rates.bytes_per_second,
            "median_drill_seconds": plan.rates.median_drill.map(|d| d.num_seconds()),
            "measured": plan.rates.measured,
        },
        "entries": entries,
        "left_out": plan.left_out,
        "unknown_excludes": unknown,
    });
    format!("{doc:#}\n")
}
