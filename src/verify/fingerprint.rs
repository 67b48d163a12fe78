//! The fingerprint of live taken when an overwrite is launched, and finding it again in the
//! journal once the overwrite awaits confirmation (live is gone by then: the restore replaced it).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::db::Timeouts;
use super::{Side, counts, open_with, side, timeouts};
use crate::config::VerifyConfig;
use crate::domain::verify::template;
use crate::domain::verify::{Fingerprint, Read};
use crate::journal::{Action, JournalRead, Verdict, read_journal};

/// The key under the launch intent's details that holds the fingerprint.
pub const KEY: &str = "fingerprint";
/// The key that says why none was taken.
pub const NOT_TAKEN_KEY: &str = "fingerprint_not_taken";

/// Reads live (`vars`) as of `point`: identity, counts and newest log entry at or before it.
pub async fn take(
    config: &VerifyConfig,
    vars: &template::Vars,
    point: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Read<Fingerprint> {
    let (owned, vars) = (config.clone(), vars.clone());
    let side = tokio::task::spawn_blocking(move || side(&owned, &vars, "live"))
        .await
        .map_err(|e| format!("the fingerprint could not start: {e}"))??;
    of(&side, &config.table_prefix, timeouts(config), point, now).await
}

/// The fingerprint of the database `side` holds.
pub async fn of(
    side: &Side,
    table_prefix: &str,
    timeouts: Timeouts,
    point: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Read<Fingerprint> {
    let db = open_with(side, "live", table_prefix, timeouts).await?;
    let (identity, newest_log, counts) = tokio::join!(
        db.identity(),
        db.newest_log(Some(point)),
        counts(&db, point)
    );
    let live = |why: String| format!("live database: {why}");
    Ok(Fingerprint::of(
        identity.map_err(live)?,
        newest_log.map_err(live)?,
        &counts.map_err(live)?,
        point,
        now,
    ))
}

/// The fingerprint kept with the launch of `restore` (the create intent whose outcome named
/// it), or why there is none, in words.
pub fn find(journal: &JournalRead, restore: &str) -> Read<Fingerprint> {
    let launch = journal.entries.iter().rev().find(|entry| {
        entry.intent.op == Action::CreateRestore
            && entry.outcome.as_ref().is_some_and(|o| {
                o.result == Verdict::Ok && o.resource_id.as_deref() == Some(restore)
            })
    });
    let Some(launch) = launch else {
        return Err(format!(
            "no fingerprint of live: {restore} was not launched from this journal \
             (launched elsewhere, or by another operator's snapdeck)"
        ));
    };
    let details = &launch.intent.details;
    if let Some(print) = details.get(KEY) {
        return serde_json::from_value(print.clone())
            .map_err(|e| format!("the fingerprint in the journal does not read: {e}"));
    }
    Err(match details.get(NOT_TAKEN_KEY).and_then(|v| v.as_str()) {
        Some(why) => format!("no fingerprint of live was taken at launch: {why}"),
        None => "no fingerprint of live was taken at launch ([verify] was not set up)".into(),
    })
}

/// `find` in the journal file at `path`.
pub fn find_in(path: &Path, restore: &str) -> Read<Fingerprint> {
    let journal = read_journal(path).map_err(|e| format!("no fingerprint of live: {e}"))?;
    find(&journal, restore)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Entry, Intent, Outcome};
    use serde_json::json;

    fn launch(details: serde_json::Value, answered: Option<(&str, &str)>) -> Entry {
        let intent: Intent = serde_json::from_value(json!({
            "at": "2026-12-04T10:00:00Z", "operator": "oncall", "source": "demo",
            "op": "create_restore", "target": "westbrook", "ticket": "SUP-1",
            "idempotency_key": "k1", "details": details,
        }))
        .unwrap();
        let outcome = answered.map(|(result, id)| {
            serde_json::from_value::<Outcome>(json!({
                "at": "2026-12-04T10:00:01Z", "idempotency_key": "k1", "result": result,
                "status": 201, "code": null, "message": "queued", "resource_id": id,
            }))
            .unwrap()
        });
        Entry { intent, outcome }
    }

    fn journal(entries: Vec<Entry>) -> JournalRead {
        JournalRead {
            entries,
            ..JournalRead::default()
        }
    }

    #[test]
    fn the_fingerprint_is_found_by_the_restore_its_launch_created() {
        let print = json!({
            "taken_at": "2026-12-04T10:00:00Z", "point": "2026-12-04T02:00:00Z",
            "identity": {"siteidentifier": "abc", "version": null, "release": null},
            "newest_log": null, "rows": [{"table": "users", "rows": 3}],
        });
        let read = journal(vec![
            launch(json!({"fingerprint": print}), Some(("ok", "rst_1"))),
            launch(json!({}), Some(("ok", "rst_2"))),
        ]);
        let found = find(&read, "rst_1").unwrap();
        assert_eq!(found.rows.len(), 1);
        let why = find(&read, "rst_2").unwrap_err();
        assert!(why.contains("[verify] was not set up"), "{why}");
        let why = find(&read, "rst_9").unwrap_err();
        assert!(why.contains("not launched from this journal"), "{why}");
    }

    #[test]
    fn why_none_was_taken_is_said_and_a_refused_launch_is_not_a_launch() {
        let read = journal(vec![launch(
            json!({"fingerprint_not_taken": "live database: refused"}),
            Some(("ok", "rst_1")),
        )]);
        let why = find(&read, "rst_1").unwrap_err();
        assert!(why.ends_with("at launch: live database: refused"), "{why}");
        let refused = journal(vec![launch(json!({}), Some(("error", "rst_1")))]);
        assert!(find(&refused, "rst_1").is_err());
        let unanswered = journal(vec![launch(json!({}), None)]);
        assert!(
            find(&unanswered, "rst_1")
                .unwrap_err()
                .contains("not launched")
        );
    }
}
