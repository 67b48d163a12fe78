//! The summary `snapdeck drill` prints when it is done: a table, or one JSON document.

use serde_json::{Value, json};

use super::{DrillReport, Ending, Summary};
use crate::domain::humanize::duration;

/// The table: one row per drill, then what was skipped and what an earlier run left.
pub fn table(summary: &Summary) -> String {
    let mut out = String::new();
    for l in &summary.leftovers {
        let what = match &l.discarded {
            Ok(()) => "discarded".to_string(),
            Err(why) => format!("NOT discarded: {why}"),
        };
        out.push_str(&format!(
            "left behind by an earlier run: {} → {} ({}): {what}\n",
            l.restore,
            l.target,
            l.phase.label().replace('_', " ")
        ));
    }
    for (slug, why) in &summary.skipped {
        out.push_str(&format!("skipped {slug}: {why}\n"));
    }
    if summary.drills.is_empty() {
        out.push_str("no drill was run\n");
    } else {
        let rows: Vec<[String; 6]> = summary.drills.iter().map(row).collect();
        let head = [
            "TENANT",
            "DRILL SPOKE",
            "POINT",
            "RESULT",
            "RESTORE / LIMIT",
            "SUMMARY",
        ];
        let widths: Vec<usize> = (0..5)
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([head[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: [&str; 6]| {
            let mut s = String::new();
            for (c, cell) in cells.iter().enumerate() {
                match widths.get(c) {
                    Some(w) => s.push_str(&format!("{cell:<w$}  ")),
                    None => s.push_str(cell),
                }
            }
            s.trim_end().to_string() + "\n"
        };
        out.push_str(&line(head));
        for r in &rows {
            out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
        }
    }
    if summary.interrupted {
        out.push_str(
            "stopped: no new drill was started; the drills under way were discarded and \
             prove nothing\n",
        );
    }
    out
}

fn row(d: &DrillReport) -> [String; 6] {
    let point = d
        .point_taken_at
        .map_or("—".into(), |at| at.format("%Y-%m-%d %H:%M").to_string());
    let (result, mut summary) = match &d.ending {
        Ending::Ran {
            result,
            summary,
            recorded,
        } => {
            let summary = match recorded {
                Ok(()) => summary.clone(),
                Err(why) => format!("{summary} (NOT recorded: {why})"),
            };
            (format!("{} {result}", result.glyph()), summary)
        }
        Ending::CouldNot(why) => ("✗ could not run".into(), why.clone()),
        Ending::Interrupted | Ending::LeftBehind => {
            ("■ interrupted".into(), "stopped before it finished".into())
        }
    };
    if let Some(Err(why)) = &d.discarded {
        summary.push_str(&format!("; its spoke was NOT discarded: {why}"));
    }
    let took = d.restore_duration.map_or("—".into(), |t| {
        format!("{} / {}", duration(t), duration(d.limit))
    });
    [
        d.tenant.clone(),
        match (&d.target, &d.region) {
            (Some(target), Some(region)) => format!("{target} in {region}"),
            (Some(target), None) => target.clone(),
            (None, _) => "—".into(),
        },
        point,
        result,
        took,
        summary,
    ]
}

/// Everything in the table, for scripts; `exit` is the process's exit code.
pub fn json(summary: &Summary) -> String {
    let drills: Vec<Value> = summary
        .drills
        .iter()
        .map(|d| {
            let (result, text, recorded) = match &d.ending {
                Ending::Ran {
                    result,
                    summary,
                    recorded,
                } => (result.to_string(), summary.clone(), recorded.clone().err()),
                Ending::CouldNot(why) => ("could_not_run".into(), why.clone(), None),
                Ending::Interrupted | Ending::LeftBehind => {
                    ("interrupted".into(), String::new(), None)
                }
            };
            json!({
                "tenant": d.tenant,
                "tier": d.tier,
                "target_slug": d.target,
                "target_region": d.region,
                "restore_id": d.restore,
                "point_taken_at": d.point_taken_at,
                "result": result,
                "summary": text,
                "not_recorded": recorded,
                "restore_duration_seconds": d.restore_duration.map(|t| t.num_seconds()),
                "limit_seconds": d.limit.num_seconds(),
                "discarded": d.discarded.as_ref().map(|r| r.is_ok()),
                "not_discarded": d.discarded.as_ref().and_then(|r| r.clone().err()),
            })
        })
        .collect();
    let leftovers: Vec<Value> = summary
        .leftovers
        .iter()
        .map(|l| {
            json!({
                "restore_id": l.restore,
                "target_slug": l.target,
                "phase": l.phase,
                "discarded": l.discarded.is_ok(),
                "not_discarded": l.discarded.clone().err(),
            })
        })
        .collect();
    let skipped: Vec<Value> = summary
        .skipped
        .iter()
        .map(|(slug, why)| json!({ "tenant": slug, "why": why }))
        .collect();
    let doc = json!({
        "drills": drills,
        "skipped": skipped,
        "leftovers": leftovers,
        "interrupted": summary.interrupted,
        "exit": summary.exit_code(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
