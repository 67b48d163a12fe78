use chrono::TimeZone;

use super::*;

fn point() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 3, 0, 0).unwrap()
}

fn site_identity() -> Identity {
    Identity {
        siteidentifier: Some("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4westbrook.example".into()),
        version: Some("2024100700.00".into()),
        release: Some("4.5+ (Build: 20241011)".into()),
    }
}

fn rows(table: Table, restored: u64, live: u64) -> Rows {
    Rows {
        table,
        restored,
        live,
    }
}

fn good() -> Facts {
    Facts {
        point: point(),
        restored_identity: Ok(site_identity()),
        live_identity: Ok(site_identity()),
        restored_newest_log: Ok(Some(point() - Duration::seconds(40))),
        live_newest_log: Ok(Some(point() - Duration::seconds(40))),
        data: Ok(DataFacts {
            rows: vec![
                rows(Table::Users, 1200, 1200),
                rows(Table::Courses, 40, 39),
                rows(Table::RecentLog, 300, 300),
            ],
            deleted_since: vec![Named {
                table: Table::Courses,
                id: 1182,
                name: "Chemistry 101".into(),
            }],
            missing: vec![],
        }),
        files: Ok(FileFacts {
            looked_for: 200,
            hashed: 20,
            findings: vec![],
        }),
        site: Some(Ok(SiteFacts {
            url: "https://westbrook-restore.example/login/index.php".into(),
            status: 200,
            site_name: Some("Westbrook College".into()),
            name_found: true,
        })),
        fingerprinted_at: None,
    }
}

fn verdict(check: &Check) -> Verdict {
    check.verdict
}

#[test]
fn a_good_restore_passes_every_check_and_names_what_live_deleted_since() {
    let checks = checks(&good());
    assert_eq!(checks.len(), 5);
    assert!(
        checks.iter().all(|c| c.verdict == Verdict::Passed),
        "{checks:#?}"
    );
    assert_eq!(overall(&checks), Verdict::Passed);
    let data = &checks[2];
    assert!(
        data.summary.contains("1 row deleted in live since"),
        "{}",
        data.summary
    );
    assert!(
        data.details
            .iter()
            .any(|d| d
                == "course 1182 'Chemistry 101': in the restore, deleted in live since the point"),
        "{:?}",
        data.details
    );
}

#[test]
fn another_sites_identifier_fails_and_another_version_warns() {
    let mut other = site_identity();
    other.siteidentifier = Some("ffff".into());
    assert_eq!(
        verdict(&identity(&Ok(other), &Ok(site_identity()))),
        Verdict::Failed
    );
    let mut older = site_identity();
    older.version = Some("2024042200.00".into());
    let check = identity(&Ok(older), &Ok(site_identity()));
    assert_eq!(check.verdict, Verdict::Warning);
    assert!(
        check
            .summary
            .contains("2024042200.00 in the restore, 2024100700.00 in live")
    );
    let empty = identity(&Ok(Identity::default()), &Ok(site_identity()));
    assert_eq!(empty.verdict, Verdict::Failed);
}

#[test]
fn a_fact_that_could_not_be_read_says_why() {
    let check = identity(
        &Err("the password was rejected".into()),
        &Ok(site_identity()),
    );
    assert_eq!(check.verdict, Verdict::CouldNotCheck);
    assert_eq!(check.summary, "could not check: the password was rejected");
    let check = identity(&Ok(site_identity()), &Err("connection refused".into()));
    assert_eq!(check.summary, "could not check: connection refused");
}

#[test]
fn a_log_newer_than_the_dump_by_more_than_five_minutes_is_not_this_point() {
    let mut facts = good();
    facts.restored_newest_log = Ok(Some(point() + NEWER_THAN_DUMP_BY));
    assert_eq!(
        point_in_time(&facts).verdict,
        Verdict::Passed,
        "the boundary itself passes"
    );
    facts.restored_newest_log = Ok(Some(point() + NEWER_THAN_DUMP_BY + Duration::seconds(1)));
    let check = point_in_time(&facts);
    assert_eq!(check.verdict, Verdict::Failed);
    assert!(
        check.summary.contains("not this point"),
        "{}",
        check.summary
    );
}

#[test]
fn a_log_more_than_an_hour_older_than_lives_is_an_older_point() {
    let mut facts = good();
    let live = point() - Duration::minutes(2);
    facts.live_newest_log = Ok(Some(live));
    facts.restored_newest_log = Ok(Some(live - OLDER_THAN_LIVE_BY));
    assert_eq!(
        point_in_time(&facts).verdict,
        Verdict::Passed,
        "the boundary itself passes"
    );
    facts.restored_newest_log = Ok(Some(live - OLDER_THAN_LIVE_BY - Duration::seconds(1)));
    let check = point_in_time(&facts);
    assert_eq!(check.verdict, Verdict::Failed);
    assert!(
        check.summary.contains("1h older than live's newest"),
        "{}",
        check.summary
    );
}

#[test]
fn empty_logs_are_judged_by_what_live_had() {
    let mut facts = good();
    facts.restored_newest_log = Ok(None);
    assert_eq!(point_in_time(&facts).verdict, Verdict::Failed);
    facts.live_newest_log = Ok(None);
    assert_eq!(point_in_time(&facts).verdict, Verdict::Warning);
    facts.restored_newest_log = Ok(Some(point()));
    assert_eq!(point_in_time(&facts).verdict, Verdict::Passed);
    facts.live_newest_log = Err("statement timeout".into());
    assert_eq!(point_in_time(&facts).verdict, Verdict::CouldNotCheck);
}

#[test]
fn rows_live_had_at_the_point_missing_from_the_restore_fail() {
    let data = DataFacts {
        rows: vec![
            rows(Table::Users, 1199, 1200),
            rows(Table::Files, 10, 12),
            rows(Table::RecentLog, 300, 300),
        ],
        deleted_since: vec![],
        missing: vec![Named {
            table: Table::Users,
            id: 77,
            name: "jdoe".into(),
        }],
    };
    let check = data_at_point(&Ok(data));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(
        check.summary,
        "1 of 1200 users missing from the restore (live had them at the point), and rows of 1 more tables"
    );
    assert!(
        check
            .details
            .contains(&"user 77 'jdoe': missing from the restore".to_string())
    );
}

#[test]
fn lost_recent_log_entries_fail_and_equal_counts_pass() {
    let lost = DataFacts {
        rows: vec![rows(Table::RecentLog, 263, 300)],
        ..DataFacts::default()
    };
    let check = data_at_point(&Ok(lost));
    assert_eq!(check.verdict, Verdict::Failed);
    assert!(
        check
            .summary
            .starts_with("37 of 300 log entries of the hour before the point")
    );
    let same = DataFacts {
        rows: vec![rows(Table::Grades, 5, 5)],
        ..DataFacts::default()
    };
    assert_eq!(data_at_point(&Ok(same)).verdict, Verdict::Passed);
}

#[test]
fn long_lists_are_cut_with_a_count() {
    let deleted: Vec<Named> = (0..LISTED as i64 + 3)
        .map(|id| Named {
            table: Table::Courses,
            id,
            name: format!("c{id}"),
        })
        .collect();
    let data = DataFacts {
        rows: vec![],
        deleted_since: deleted,
        missing: vec![],
    };
    let check = data_at_point(&Ok(data));
    let listed = check
        .details
        .iter()
        .filter(|d| d.starts_with("course "))
        .count();
    assert_eq!(listed, LISTED);
    assert!(check.details.last().unwrap().starts_with("… and 3 more"));
}

#[test]
fn missing_files_mean_an_older_volume_and_bad_content_fails_too() {
    let finding = |problem| FileFinding {
        contenthash: "ab".repeat(20),
        problem,
    };
    let missing = FileFacts {
        looked_for: 200,
        hashed: 20,
        findings: vec![finding(FileProblem::Missing); 37],
    };
    let check = moodledata(&Ok(missing));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(
        check.summary,
        "37 of the 200 newest files missing: the volume snapshot is older than the database dump"
    );
    assert!(check.details.last().unwrap().starts_with("… and 27 more"));
    let changed = FileFacts {
        looked_for: 200,
        hashed: 20,
        findings: vec![finding(FileProblem::WrongContent {
            sha1: "cd".repeat(20),
        })],
    };
    let check = moodledata(&Ok(changed));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(check.summary, "1 of 20 hashed do not match their SHA-1");
    let size = FileFacts {
        looked_for: 3,
        hashed: 3,
        findings: vec![finding(FileProblem::WrongSize {
            expected: 10,
            found: 9,
        })],
    };
    let check = moodledata(&Ok(size));
    assert_eq!(check.verdict, Verdict::Failed);
    assert!(check.details[0].ends_with("9 bytes, the row says 10"));
}

#[test]
fn unreadable_files_could_not_be_checked_and_no_files_warns() {
    let unreadable = FileFacts {
        looked_for: 5,
        hashed: 0,
        findings: vec![FileFinding {
            contenthash: "ab".repeat(20),
            problem: FileProblem::Unreadable {
                why: "permission denied".into(),
            },
        }],
    };
    assert_eq!(moodledata(&Ok(unreadable)).verdict, Verdict::CouldNotCheck);
    assert_eq!(
        moodledata(&Ok(FileFacts::default())).verdict,
        Verdict::Warning
    );
    let check = moodledata(&Err("/srv/moodledata/filedir does not exist".into()));
    assert_eq!(check.verdict, Verdict::CouldNotCheck);
    assert!(check.summary.contains("filedir does not exist"));
}

#[test]
fn the_site_fails_when_refused_or_not_2xx_and_warns_without_its_name() {
    let answer = |status, name_found| {
        Ok(SiteFacts {
            url: "https://t.example/login/index.php".into(),
            status,
            site_name: Some("Westbrook College".into()),
            name_found,
        })
    };
    assert_eq!(site(&answer(200, true)).verdict, Verdict::Passed);
    assert_eq!(site(&answer(299, true)).verdict, Verdict::Passed);
    assert_eq!(site(&answer(300, true)).verdict, Verdict::Failed);
    assert_eq!(site(&answer(199, true)).verdict, Verdict::Failed);
    let check = site(&answer(503, true));
    assert_eq!(
        check.summary,
        "https://t.example/login/index.php answered 503"
    );
    let check = site(&answer(200, false));
    assert_eq!(check.verdict, Verdict::Warning);
    assert!(
        check
            .summary
            .contains("without the site's name 'Westbrook College'")
    );
    let check = site(&Err("connection refused".into()));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(check.summary, "the site did not answer: connection refused");
}

#[test]
fn no_site_url_could_not_be_checked() {
    let mut facts = good();
    facts.site = None;
    let check = &checks(&facts)[4];
    assert_eq!(check.verdict, Verdict::CouldNotCheck);
    assert!(check.summary.contains("no site URL"));
}

#[test]
fn the_overall_verdict_is_the_worst_with_a_failure_above_could_not_check() {
    let with = |verdicts: &[Verdict]| -> Vec<Check> {
        verdicts
            .iter()
            .map(|&v| Check::new(CheckKind::Site, v, ""))
            .collect()
    };
    use Verdict::*;
    assert_eq!(overall(&with(&[Passed, Passed])), Passed);
    assert_eq!(overall(&with(&[Passed, Warning])), Warning);
    assert_eq!(overall(&with(&[Warning, CouldNotCheck])), CouldNotCheck);
    assert_eq!(overall(&with(&[CouldNotCheck, Failed, Passed])), Failed);
    assert_eq!(overall(&[]), CouldNotCheck);
    assert_eq!(
        [Passed, Warning, Failed, CouldNotCheck].map(Verdict::exit_code),
        [0, 1, 2, 3]
    );
}

#[test]
fn against_a_fingerprint_the_checks_of_live_say_when_it_was_taken() {
    let mut facts = good();
    facts.fingerprinted_at = Some(facts.point + Duration::hours(5));
    let checks = checks(&facts);
    let said = |kind: CheckKind| {
        checks
            .iter()
            .find(|c| c.kind == kind)
            .unwrap()
            .details
            .iter()
            .any(|d| d.starts_with("live: its fingerprint, taken when the overwrite was launched"))
    };
    assert!(
        said(CheckKind::Identity) && said(CheckKind::PointInTime) && said(CheckKind::DataAtPoint)
    );
    assert!(
        !said(CheckKind::Moodledata) && !said(CheckKind::Site),
        "those never read live"
    );
}
