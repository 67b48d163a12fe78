//! `snapdeck verify`'s output: a table for people, one JSON document for scripts. The
//! connection strings are shown as given: they cannot hold a password (`Dsn` refuses one).

use crate::domain::humanize::instant_utc;
use crate::domain::verify::{Check, overall};

use super::Plan;

pub fn table(plan: &Plan, checks: &[Check]) -> String {
    let mut out = format!(
        "restored  {}\nlive      {}\npoint     {} (the database dump's start)\n\n",
        plan.restored.dsn.shown,
        plan.live.shown(),
        instant_utc(plan.point)
    );
    let width = checks
        .iter()
        .map(|c| c.kind.title().len())
        .max()
        .unwrap_or(0);
    for check in checks {
        out.push_str(&format!(
            "{:width$}  {:15}  {}\n",
            check.kind.title(),
            check.verdict.word(),
            check.summary
        ));
        for detail in check.lines() {
            out.push_str(&format!("{:width$}  {:15}    {detail}\n", "", ""));
        }
    }
    out.push_str(&format!("\nverdict: {}\n", overall(checks).word()));
    out
}

pub fn json(plan: &Plan, checks: &[Check]) -> String {
    let document = serde_json::json!({
        "restored": plan.restored.dsn.shown,
        "live": plan.live.shown(),
        "moodledata": plan.moodledata,
        "site": plan.site,
        "point": plan.point,
        "verdict": overall(checks),
        "checks": checks,
    });
    format!("{document:#}\n")
}
