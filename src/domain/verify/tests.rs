use chrono::{DateTime, TimeZone, Utc};

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
            hashed: 200,
            findings: vec![],
            cut_short: None,
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
        data.lines()
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
            .lines()
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
    let lines = check.lines();
    let listed = lines.iter().filter(|d| d.starts_with("course ")).count();
    assert_eq!(listed, LISTED);
    assert_eq!(
        lines.last().unwrap(),
        "… and 3 more in the restore, deleted in live since the point"
    );
}

fn finding(rank: usize, problem: FileProblem) -> FileFinding {
    FileFinding {
        contenthash: format!("{rank:040x}"),
        problem,
        rank,
    }
}

/// The newest `looked_for` files, the ones at `ranks` missing, every one there hashed.
fn missing_at(looked_for: usize, ranks: impl IntoIterator<Item = usize>) -> FileFacts {
    let findings: Vec<FileFinding> = ranks
        .into_iter()
        .map(|rank| finding(rank, FileProblem::Missing))
        .collect();
    FileFacts {
        looked_for,
        hashed: looked_for - findings.len(),
        findings,
        cut_short: None,
    }
}

#[test]
fn the_newest_files_missing_in_a_run_mean_an_older_volume() {
    let check = moodledata(&Ok(missing_at(200, 0..37)));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(
        check.summary,
        "37 of the 200 newest files missing: the volume snapshot is older than the database dump"
    );
    assert_eq!(check.lines().last().unwrap(), "… and 27 more");
}

#[test]
fn files_missing_here_and_there_are_not_blamed_on_the_snapshot() {
    let scattered = [(0..36).chain([120]).collect::<Vec<_>>(), vec![3, 77, 150]];
    for ranks in scattered {
        let check = moodledata(&Ok(missing_at(200, ranks.clone())));
        assert_eq!(check.verdict, Verdict::Failed);
        assert_eq!(
            check.summary,
            format!(
                "{} of the 200 newest files missing from the restored volume",
                ranks.len()
            )
        );
    }
    // Every one missing: nothing older is there to show where the snapshot was taken.
    let check = moodledata(&Ok(missing_at(200, 0..200)));
    assert_eq!(
        check.summary,
        "200 of the 200 newest files missing from the restored volume"
    );
    // The run need not come in order of rank.
    let check = moodledata(&Ok(missing_at(200, [2, 0, 1])));
    assert!(check.summary.ends_with("older than the database dump"));
}

#[test]
fn bad_content_and_sizes_fail() {
    let changed = FileFacts {
        looked_for: 200,
        hashed: 200,
        findings: vec![finding(
            57,
            FileProblem::WrongContent {
                sha1: "cd".repeat(20),
            },
        )],
        cut_short: None,
    };
    let check = moodledata(&Ok(changed));
    assert_eq!(check.verdict, Verdict::Failed);
    assert_eq!(check.summary, "1 of 200 hashed do not match their SHA-1");
    let size = FileFacts {
        looked_for: 3,
        hashed: 2,
        findings: vec![finding(
            0,
            FileProblem::WrongSize {
                expected: 10,
                found: 9,
            },
        )],
        cut_short: None,
    };
    let check = moodledata(&Ok(size));
    assert_eq!(check.verdict, Verdict::Failed);
    assert!(check.lines()[0].ends_with("9 bytes, the row says 10"));
}

#[test]
fn a_budget_that_ran_out_is_said_in_the_checks_words() {
    let cut = |cut_short, findings| FileFacts {
        looked_for: 200,
        hashed: 143,
        findings,
        cut_short: Some(cut_short),
    };
    let time = HashCut::Time(std::time::Duration::from_secs(20));
    let check = moodledata(&Ok(cut(time, vec![])));
    assert_eq!(check.verdict, Verdict::Passed);
    assert_eq!(
        check.summary,
        "the 200 newest files are there with their sizes; hashed 143 of 200 newest files: \
         the 20s budget ran out; those hashed all match"
    );
    assert!(check.details.is_empty(), "said once: {:?}", check.details);
    let changed = vec![finding(
        9,
        FileProblem::WrongContent {
            sha1: "cd".repeat(20),
        },
    )];
    let check = moodledata(&Ok(cut(HashCut::Bytes(2 << 30), changed)));
    assert_eq!(
        check.summary,
        "1 of 143 hashed do not match their SHA-1; hashed 143 of 200 newest files: \
         the 2.0 GiB budget ran out"
    );
    // Missing files come first; the cut hashing is still said, under them.
    let missing = (0..12)
        .map(|rank| finding(rank, FileProblem::Missing))
        .collect();
    let check = moodledata(&Ok(cut(time, missing)));
    assert_eq!(
        check.lines()[LISTED..],
        [
            "… and 2 more",
            "hashed 143 of 200 newest files: the 20s budget ran out"
        ]
    );
}

#[test]
fn lists_are_cut_one_way_with_the_count_of_the_rest() {
    let items: Vec<String> = (1..=5).map(|n| format!("file {n}")).collect();
    assert_eq!(listed(&items, 2, ""), ["file 1", "file 2", "… and 3 more"]);
    assert_eq!(
        listed(&items, 4, "missing from the restore"),
        [
            "file 1",
            "file 2",
            "file 3",
            "file 4",
            "… and 1 more missing from the restore"
        ]
    );
    assert_eq!(listed(&items, 5, ""), items);
    // Scripts read the lines people read: a list cut at LISTED, with its count.
    let check = moodledata(&Ok(missing_at(200, 0..37)));
    let json = serde_json::to_value(&check).unwrap();
    let details = json["details"].as_array().unwrap();
    assert_eq!(details.len(), LISTED + 1);
    assert_eq!(details[LISTED], "… and 27 more");
}

#[test]
fn unreadable_files_could_not_be_checked_and_no_files_warns() {
    let unreadable = FileFacts {
        looked_for: 5,
        hashed: 4,
        findings: vec![finding(
            2,
            FileProblem::Unreadable {
                why: "permission denied".into(),
            },
        )],
        cut_short: None,
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
            .lines()
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
