//! What a site held at the point, read from one database; two of them compared; and the
//! fingerprint of live kept when an overwrite is launched, which is all that is left of live
//! to compare the restore with once it has been overwritten.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DataFacts, Identity, Named, Rows, Table};

/// One database's rows as of the point: users and courses by id and name (to name what one
/// side has and the other lacks), the rest counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: BTreeMap<i64, String>,
    pub courses: BTreeMap<i64, String>,
    pub course_modules: u64,
    pub files: u64,
    pub grades: u64,
    /// Log entries of the hour before the point.
    pub recent_log: u64,
}

impl Counts {
    /// The rows of every table, in `Table::ALL`'s order.
    pub fn rows(&self) -> [(Table, u64); 6] {
        [
            (Table::Users, self.users.len() as u64),
            (Table::Courses, self.courses.len() as u64),
            (Table::CourseModules, self.course_modules),
            (Table::Files, self.files),
            (Table::Grades, self.grades),
            (Table::RecentLog, self.recent_log),
        ]
    }
}

/// The restore against live at the point: counts side by side, and the users and courses
/// only one side has, by name.
pub fn compare(restored: &Counts, live: &Counts) -> DataFacts {
    let rows = restored
        .rows()
        .into_iter()
        .zip(live.rows())
        .map(|((table, restored), (_, live))| Rows {
            table,
            restored,
            live,
        })
        .collect();
    let mut facts = DataFacts {
        rows,
        ..DataFacts::default()
    };
    let named = [
        (Table::Users, &restored.users, &live.users),
        (Table::Courses, &restored.courses, &live.courses),
    ];
    for (table, restored, live) in named {
        facts.deleted_since.extend(only_in(table, restored, live));
        facts.missing.extend(only_in(table, live, restored));
    }
    facts
}

fn only_in(table: Table, these: &BTreeMap<i64, String>, not: &BTreeMap<i64, String>) -> Vec<Named> {
    these
        .iter()
        .filter(|(id, _)| !not.contains_key(id))
        .map(|(&id, name)| Named {
            table,
            id,
            name: name.clone(),
        })
        .collect()
}

/// Live as it was when an overwrite was launched, kept with the launch's intent in the
/// journal: its identity, its rows at the point and its newest log entry at or before it.
/// Counts only: a large site's users by name would swell the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub taken_at: DateTime<Utc>,
    /// The instant its counts are as of (the point's dump start).
    pub point: DateTime<Utc>,
    pub identity: Identity,
    pub newest_log: Option<DateTime<Utc>>,
    pub rows: Vec<TableRows>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    pub table: Table,
    pub rows: u64,
}

impl Fingerprint {
    pub fn of(
        identity: Identity,
        newest_log: Option<DateTime<Utc>>,
        counts: &Counts,
        point: DateTime<Utc>,
        taken_at: DateTime<Utc>,
    ) -> Fingerprint {
        Fingerprint {
            taken_at,
            point,
            identity,
            newest_log,
            rows: counts
                .rows()
                .into_iter()
                .map(|(table, rows)| TableRows { table, rows })
                .collect(),
        }
    }

    /// The restore against the fingerprint: counts only, so nothing is named. A table the
    /// fingerprint does not hold (written by another version) is left out, not read as 0.
    pub fn compare(&self, restored: &Counts) -> DataFacts {
        let rows = restored
            .rows()
            .into_iter()
            .filter_map(|(table, restored)| {
                let live = self.rows.iter().find(|r| r.table == table)?.rows;
                Some(Rows {
                    table,
                    restored,
                    live,
                })
            })
            .collect();
        DataFacts {
            rows,
            ..DataFacts::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(users: &[(i64, &str)], courses: &[(i64, &str)], rest: u64) -> Counts {
        let named = |rows: &[(i64, &str)]| {
            rows.iter()
                .map(|&(id, name)| (id, name.to_string()))
                .collect()
        };
        Counts {
            users: named(users),
            courses: named(courses),
            course_modules: rest,
            files: rest,
            grades: rest,
            recent_log: rest,
        }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 4, hour, 0, 0).unwrap()
    }

    #[test]
    fn comparing_names_what_only_one_side_has() {
        let restored = counts(&[(2, "admin"), (7, "kim")], &[(1182, "Chemistry 101")], 5);
        let live = counts(&[(2, "admin"), (9, "lee")], &[], 4);
        let facts = compare(&restored, &live);
        let rows: Vec<(Table, u64, u64)> = facts
            .rows
            .iter()
            .map(|r| (r.table, r.restored, r.live))
            .collect();
        assert_eq!(
            rows,
            vec![
                (Table::Users, 2, 2),
                (Table::Courses, 1, 0),
                (Table::CourseModules, 5, 4),
                (Table::Files, 5, 4),
                (Table::Grades, 5, 4),
                (Table::RecentLog, 5, 4),
            ]
        );
        let words = |named: &[Named]| named.iter().map(Named::words).collect::<Vec<_>>();
        assert_eq!(
            words(&facts.deleted_since),
            ["user 7 'kim'", "course 1182 'Chemistry 101'"]
        );
        assert_eq!(words(&facts.missing), ["user 9 'lee'"]);
    }

    #[test]
    fn a_fingerprint_keeps_counts_and_compares_without_names() {
        let live = counts(&[(2, "admin"), (7, "kim")], &[(1182, "Chemistry 101")], 5);
        let print = Fingerprint::of(Identity::default(), Some(at(2)), &live, at(3), at(4));
        let restored = counts(&[(2, "admin")], &[(1182, "Chemistry 101")], 6);
        let facts = print.compare(&restored);
        assert_eq!(facts.rows.len(), 6);
        assert_eq!(
            (facts.rows[0].restored, facts.rows[0].live),
            (1, 2),
            "users: one short"
        );
        assert_eq!((facts.rows[2].restored, facts.rows[2].live), (6, 5));
        assert!(facts.deleted_since.is_empty() && facts.missing.is_empty());
    }

    #[test]
    fn a_fingerprint_survives_the_journal_and_leaves_out_tables_it_lacks() {
        let live = counts(&[(2, "admin")], &[], 3);
        let mut print = Fingerprint::of(Identity::default(), None, &live, at(3), at(4));
        let json = serde_json::to_value(&print).unwrap();
        assert_eq!(
            json["rows"][0],
            serde_json::json!({"table": "users", "rows": 1})
        );
        let back: Fingerprint = serde_json::from_value(json).unwrap();
        assert_eq!(back, print);
        print.rows.retain(|r| r.table != Table::Grades);
        let tables: Vec<Table> = print.compare(&live).rows.iter().map(|r| r.table).collect();
        assert!(!tables.contains(&Table::Grades) && tables.len() == 5);
    }
}
