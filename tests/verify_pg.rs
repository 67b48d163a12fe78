//! snapdeck's own checks of a restore, against a real PostgreSQL 15 (pg-local, started by
//! `scripts/test`): a Moodle-like database built up to a point P, `pg_dump`ed at P, changed
//! on (new logs and files, course 1182 deleted, a user added), and `pg_restore`d into the
//! "restored" database, with the moodledata files that existed at P copied beside it.
//!
//! Needs SNAPDECK_PG_TEST_DIR (a pg-local instance) and SNAPDECK_PG_TLS_TEST_DIR (one with
//! --tls); with SNAPDECK_PG_TESTS=required a missing instance fails instead of skipping.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use snapdeck::domain::verify::dsn::Dsn;
use snapdeck::domain::verify::{Check, CheckKind, Verdict, overall};
use snapdeck::verify::db::Timeouts;
use snapdeck::verify::{LiveSide, Plan, Side, files};

mod support;

const SITE_ID: &str = "4f1c2b9e8d7a6f5e4d3c2b1a0f9e8d7cwestbrook.example-moodle.net";
const SITE_NAME: &str = "Westbrook College";

fn point() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 3, 0, 0).unwrap()
}

struct Instance {
    dir: PathBuf,
    port: u16,
    admin_password: String,
    verifier_password: String,
}

impl Instance {
    fn from_env(var: &str) -> Option<Instance> {
        let dir = match std::env::var_os(var) {
            Some(dir) => PathBuf::from(dir),
            None if std::env::var("SNAPDECK_PG_TESTS").as_deref() == Ok("required") => {
                panic!("{var} is not set but SNAPDECK_PG_TESTS=required")
            }
            None => return None,
        };
        let env = std::fs::read_to_string(dir.join("env")).expect("pg-local env");
        let port = env
            .lines()
            .find_map(|l| l.strip_prefix("export PGPORT="))
            .expect("PGPORT")
            .parse()
            .unwrap();
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .unwrap()
                .trim()
                .to_string()
        };
        Some(Instance {
            port,
            admin_password: read("admin.password"),
            verifier_password: read("verifier.password"),
            dir,
        })
    }

    fn tls(&self) -> bool {
        self.dir.join("tls/ca.crt").exists()
    }

    fn conninfo(&self, db: &str, user: &str) -> String {
        if self.tls() {
            format!(
                "host=127.0.0.1 port={} dbname={db} user={user} sslmode=verify-full sslrootcert={}",
                self.port,
                self.dir.join("tls/ca.crt").display()
            )
        } else {
            format!(
                "host=127.0.0.1 port={} dbname={db} user={user} sslmode=disable",
                self.port
            )
        }
    }

    fn side(&self, db: &str) -> Side {
        Side {
            dsn: Dsn::parse(&self.conninfo(db, "verifier")).unwrap(),
            password: Some(self.verifier_password.clone()),
        }
    }

    /// psql as admin, failing the test on any error.
    fn sql(&self, db: &str, sql: &str) {
        let mut child = self
            .tool("psql")
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", db])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("psql");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(sql.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "psql failed on {db}");
    }

    fn tool(&self, name: &str) -> Command {
        let mut command = Command::new(name);
        command
            .env("PGHOST", "127.0.0.1")
            .env("PGPORT", self.port.to_string())
            .env("PGUSER", "admin")
            .env("PGPASSWORD", &self.admin_password);
        if self.tls() {
            command
                .env("PGSSLMODE", "verify-full")
                .env("PGSSLROOTCERT", self.dir.join("tls/ca.crt"));
        }
        command
    }

    fn run(&self, command: &mut Command) {
        let output = command.output().expect("a PostgreSQL tool");
        assert!(
            output.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The content of file number `n`, and its SHA-1 (Moodle's contenthash).
fn content(n: u32) -> (Vec<u8>, String) {
    let bytes = format!("file {n}: {}", "moodle ".repeat(n as usize % 50 + 1)).into_bytes();
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &bytes);
    let hash = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    (bytes, hash)
}

fn store(moodledata: &Path, n: u32) {
    let (bytes, hash) = content(n);
    let path = files::content_path(moodledata, &hash).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

const FILES_AT_P: u32 = 300;

/// A Moodle-like site as it was at `at`, into `db` (with tables `prefix`…), its files into
/// `moodledata`.
fn build(pg: &Instance, db: &str, at: DateTime<Utc>, site_id: &str, moodledata: &Path) {
    pg.sql("postgres", &format!("CREATE DATABASE {db}"));
    let mut sql = include_str!("fixtures/moodle-site.sql")
        .replace("{t}", &at.timestamp().to_string())
        .replace("{site_id}", site_id)
        .replace("{site_name}", SITE_NAME);
    sql.push('\n');
    sql.push_str(&file_rows(1..=FILES_AT_P, at));
    sql.push_str("GRANT SELECT ON ALL TABLES IN SCHEMA public TO verifier;\n");
    pg.sql(db, &sql);
    for n in 1..=FILES_AT_P {
        store(moodledata, n);
    }
}

/// Rows for files `ns`, the first created a minute before `end`, each next a minute earlier.
fn file_rows(ns: std::ops::RangeInclusive<u32>, end: DateTime<Utc>) -> String {
    let first = *ns.start();
    let mut sql = String::from(
        "INSERT INTO mdl_files (contenthash, pathnamehash, contextid, component, filearea, itemid, filepath, filename, filesize, timecreated, timemodified) VALUES\n",
    );
    let rows: Vec<String> = ns
        .map(|n| {
            let (bytes, hash) = content(n);
            let at = end.timestamp() - i64::from(n - first + 1) * 60;
            format!(
                "('{hash}', md5('{}-{n}') || 'abcdefgh', 1, 'mod_assign', 'submission', {n}, '/', 'essay{n}.pdf', {}, {at}, {at})",
                end.timestamp(),
                bytes.len()
            )
        })
        .collect();
    sql.push_str(&rows.join(",\n"));
    sql.push_str(";\n");
    sql
}

struct Fixture {
    pg: Instance,
    live: String,
    restored: String,
    older: String,
    other_site: String,
    /// The restored moodledata (files that existed at P).
    restored_files: PathBuf,
    dump: PathBuf,
    _dir: tempfile::TempDir,
}

impl Fixture {
    /// Another database restored from the dump at P, for a test to spoil.
    fn restore_copy(&self, db: &str) {
        self.pg.sql("postgres", &format!("CREATE DATABASE {db}"));
        self.pg.run(
            self.pg
                .tool("pg_restore")
                .args(["--no-owner", "-d", db])
                .arg(&self.dump),
        );
        self.pg.sql(
            db,
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO verifier;",
        );
    }
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| Instance::from_env("SNAPDECK_PG_TEST_DIR").map(make_fixture))
        .as_ref()
}

fn make_fixture(pg: Instance) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let tag = std::process::id();
    let (live, restored, older, other_site) = (
        format!("live_{tag}"),
        format!("restored_{tag}"),
        format!("older_{tag}"),
        format!("other_{tag}"),
    );
    let live_files = dir.path().join("live-moodledata");
    let restored_files = dir.path().join("restored-moodledata");
    build(&pg, &live, point(), SITE_ID, &live_files);
    // The dump at P; then live goes on.
    let dump = dir.path().join("live.dump");
    pg.run(
        pg.tool("pg_dump")
            .args(["-Fc", "-d", &live, "-f"])
            .arg(&dump),
    );
    let mut changes = include_str!("fixtures/moodle-after-the-point.sql")
        .replace("{after}", &point().timestamp().to_string());
    changes.push('\n');
    let later = point() + chrono::Duration::hours(2);
    changes.push_str(&file_rows(FILES_AT_P + 1..=FILES_AT_P + 40, later).replace("essay", "later"));
    pg.sql(&live, &changes);
    for n in 1..=FILES_AT_P {
        store(&restored_files, n);
    }
    // An older point (three hours before P), and another site at P.
    let scratch = dir.path().join("scratch");
    build(
        &pg,
        &older,
        point() - chrono::Duration::hours(3),
        SITE_ID,
        &scratch,
    );
    build(
        &pg,
        &other_site,
        point(),
        "0000aaaa1111bbbb2222cccc3333ddddother.example",
        &scratch,
    );
    let fixture = Fixture {
        pg,
        live,
        restored,
        older,
        other_site,
        restored_files,
        dump,
        _dir: dir,
    };
    fixture.restore_copy(&fixture.restored);
    fixture
}

fn plan(f: &Fixture, restored: &str, moodledata: &Path, site: Option<String>) -> Plan {
    plan_with(f.pg.side(restored), f.pg.side(&f.live), moodledata, site)
}

fn plan_with(restored: Side, live: Side, moodledata: &Path, site: Option<String>) -> Plan {
    Plan {
        restored,
        live: LiveSide::Db(live),
        moodledata: moodledata.to_path_buf(),
        site,
        point: point(),
        table_prefix: "mdl_".into(),
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            query: Duration::from_secs(10),
        },
        hash_budget: Default::default(),
    }
}

fn check(checks: &[Check], kind: CheckKind) -> &Check {
    checks.iter().find(|c| c.kind == kind).unwrap()
}

/// A one-shot HTTP server on loopback answering every request with `status` and `body`.
async fn site_answering(status: u16, body: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/login/index.php", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0; 4096];
            let _ = socket.read(&mut buf).await;
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    url
}

fn ran(name: &str) {
    support::record_ran("SNAPDECK_PG_TEST_LOG", name);
}

const LOGIN_PAGE: &str =
    "<html><head><title>Westbrook College: Log in to the site</title></head></html>";

#[tokio::test]
async fn a_good_restore_passes_and_lists_what_live_deleted_since() {
    let Some(f) = fixture() else { return };
    let site = site_answering(200, LOGIN_PAGE).await;
    let checks = snapdeck::verify::run(&plan(f, &f.restored, &f.restored_files, Some(site))).await;
    assert_eq!(overall(&checks), Verdict::Passed, "{checks:#?}");
    let data = check(&checks, CheckKind::DataAtPoint);
    let lines = data.lines();
    assert!(
        lines
            .iter()
            .any(|d| d
                == "course 1182 'Chemistry 101': in the restore, deleted in live since the point"),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|d| d.starts_with("user 7 'user7'")),
        "a user deleted in live since is listed: {lines:#?}"
    );
    assert!(
        !lines.iter().any(|d| d.contains("newteacher")),
        "a user added after the point is nobody's loss"
    );
    let files = check(&checks, CheckKind::Moodledata);
    assert!(
        files.summary.starts_with("the 200 newest files are there"),
        "{}",
        files.summary
    );
    ran("a_good_restore_passes_and_lists_what_live_deleted_since");
}

#[tokio::test]
async fn another_site_and_an_older_point_fail() {
    let Some(f) = fixture() else { return };
    let checks = snapdeck::verify::run(&plan(f, &f.other_site, &f.restored_files, None)).await;
    let identity = check(&checks, CheckKind::Identity);
    assert_eq!(identity.verdict, Verdict::Failed, "{identity:?}");
    assert!(identity.summary.contains("another site was restored"));
    let checks = snapdeck::verify::run(&plan(f, &f.older, &f.restored_files, None)).await;
    let when = check(&checks, CheckKind::PointInTime);
    assert_eq!(when.verdict, Verdict::Failed, "{when:?}");
    assert!(
        when.summary.contains("older than live's newest"),
        "{}",
        when.summary
    );
    let data = check(&checks, CheckKind::DataAtPoint);
    assert_eq!(
        data.verdict,
        Verdict::Failed,
        "rows live had at P are missing: {data:?}"
    );
    assert_eq!(overall(&checks), Verdict::Failed);
    ran("another_site_and_an_older_point_fail");
}

/// An overwrite: live, fingerprinted at launch (it had gone on past P), is gone by the time
/// the restore is checked; the restore is compared with the fingerprint.
#[tokio::test]
async fn an_overwrite_is_checked_against_lives_fingerprint_taken_at_launch() {
    let Some(f) = fixture() else { return };
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        query: Duration::from_secs(10),
    };
    let launched = point() + chrono::Duration::hours(2);
    let print =
        snapdeck::verify::fingerprint::of(&f.pg.side(&f.live), "mdl_", timeouts, point(), launched)
            .await
            .expect("live fingerprinted");
    // Through the journal's JSON and back, as it is kept.
    let kept = serde_json::to_value(&print).unwrap();
    let print: snapdeck::domain::verify::Fingerprint = serde_json::from_value(kept).unwrap();
    let against = |restored: &str| {
        let mut plan = plan(f, restored, &f.restored_files, None);
        plan.live = LiveSide::Fingerprint(Ok(print.clone()));
        plan
    };
    let checks = snapdeck::verify::run(&against(&f.restored)).await;
    for kind in [
        CheckKind::Identity,
        CheckKind::PointInTime,
        CheckKind::DataAtPoint,
        CheckKind::Moodledata,
    ] {
        let check = check(&checks, kind);
        assert_eq!(check.verdict, Verdict::Passed, "{check:#?}");
    }
    assert!(
        check(&checks, CheckKind::DataAtPoint)
            .lines()
            .iter()
            .any(|d| d.starts_with("live: its fingerprint, taken when the overwrite was launched")),
        "{checks:#?}"
    );
    let checks = snapdeck::verify::run(&against(&f.other_site)).await;
    assert_eq!(check(&checks, CheckKind::Identity).verdict, Verdict::Failed);
    let checks = snapdeck::verify::run(&against(&f.older)).await;
    assert_eq!(
        check(&checks, CheckKind::PointInTime).verdict,
        Verdict::Failed
    );
    assert_eq!(
        check(&checks, CheckKind::DataAtPoint).verdict,
        Verdict::Failed
    );
    // No fingerprint: the checks against live could not run, and say why; the rest still run.
    let mut plan = plan(f, &f.restored, &f.restored_files, None);
    plan.live = LiveSide::Fingerprint(Err(
        "no fingerprint of live was taken at launch: live database: refused".into(),
    ));
    let checks = snapdeck::verify::run(&plan).await;
    let identity = check(&checks, CheckKind::Identity);
    assert_eq!(identity.verdict, Verdict::CouldNotCheck, "{identity:?}");
    assert!(
        identity.summary.contains("no fingerprint"),
        "{}",
        identity.summary
    );
    assert_eq!(
        check(&checks, CheckKind::Moodledata).verdict,
        Verdict::Passed
    );
    ran("an_overwrite_is_checked_against_lives_fingerprint_taken_at_launch");
}

#[tokio::test]
async fn with_lives_region_down_the_checks_against_live_say_so_and_the_others_run() {
    let Some(f) = fixture() else { return };
    let site = site_answering(200, LOGIN_PAGE).await;
    let mut plan = plan(f, &f.restored, &f.restored_files, Some(site));
    plan.live = LiveSide::Unreachable("could not check: eu-west-1 is down".into());
    let checks = snapdeck::verify::run(&plan).await;
    for kind in [CheckKind::Identity, CheckKind::DataAtPoint] {
        let c = check(&checks, kind);
        assert_eq!(c.verdict, Verdict::CouldNotCheck, "{c:?}");
        assert!(c.summary.contains("eu-west-1 is down"), "{}", c.summary);
    }
    for kind in [CheckKind::Moodledata, CheckKind::Site] {
        assert_eq!(check(&checks, kind).verdict, Verdict::Passed, "{kind:?}");
    }
    ran("with_lives_region_down_the_checks_against_live_say_so_and_the_others_run");
}

#[tokio::test]
async fn missing_and_changed_files_fail_moodledata() {
    let Some(f) = fixture() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The volume is older than the dump: the 37 newest files never made it.
    for n in 38..=FILES_AT_P {
        store(dir.path(), n);
    }
    let checks = snapdeck::verify::run(&plan(f, &f.restored, dir.path(), None)).await;
    let files = check(&checks, CheckKind::Moodledata);
    assert_eq!(files.verdict, Verdict::Failed);
    assert_eq!(
        files.summary,
        "37 of the 200 newest files missing: the volume snapshot is older than the database dump"
    );
    // Files lost here and there: snapdeck cannot know why, and does not say.
    let dir = tempfile::tempdir().unwrap();
    for n in (1..=FILES_AT_P).filter(|n| ![3, 77, 150].contains(n)) {
        store(dir.path(), n);
    }
    let checks = snapdeck::verify::run(&plan(f, &f.restored, dir.path(), None)).await;
    let files = check(&checks, CheckKind::Moodledata);
    assert_eq!(files.verdict, Verdict::Failed);
    assert_eq!(
        files.summary,
        "3 of the 200 newest files missing from the restored volume"
    );
    // Every file there, the newest changed.
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=FILES_AT_P {
        store(dir.path(), n);
    }
    let (bytes, hash) = content(1);
    let mut tampered = bytes.clone();
    tampered[0] ^= 1;
    std::fs::write(files::content_path(dir.path(), &hash).unwrap(), tampered).unwrap();
    let checks = snapdeck::verify::run(&plan(f, &f.restored, dir.path(), None)).await;
    let files = check(&checks, CheckKind::Moodledata);
    assert_eq!(files.verdict, Verdict::Failed, "{files:?}");
    assert_eq!(files.summary, "1 of 200 hashed do not match their SHA-1");
    ran("missing_and_changed_files_fail_moodledata");
}

/// One changed file among the 200 newest, where an evenly spread sample of 20 (every tenth)
/// never looked: every one of them is hashed, so it is found.
#[tokio::test]
async fn one_changed_recent_file_among_the_200_newest_is_found() {
    let Some(f) = fixture() else { return };
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=FILES_AT_P {
        store(dir.path(), n);
    }
    // File n was created n minutes before P: file 58 is the 58th newest.
    let (bytes, hash) = content(58);
    let mut tampered = bytes.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(files::content_path(dir.path(), &hash).unwrap(), tampered).unwrap();
    let checks = snapdeck::verify::run(&plan(f, &f.restored, dir.path(), None)).await;
    let files = check(&checks, CheckKind::Moodledata);
    assert_eq!(files.verdict, Verdict::Failed, "{files:?}");
    assert_eq!(files.summary, "1 of 200 hashed do not match their SHA-1");
    assert_eq!(files.lines().len(), 1, "{:?}", files.lines());
    assert!(
        files.lines()[0].starts_with(&format!("{hash}: content hashes to ")),
        "{:?}",
        files.lines()
    );
    ran("one_changed_recent_file_among_the_200_newest_is_found");
}

#[tokio::test]
async fn the_site_probe_fails_on_503_and_refusal_and_warns_without_the_name() {
    let Some(f) = fixture() else { return };
    let verdict_of = |checks: Vec<Check>| check(&checks, CheckKind::Site).clone();
    let site = site_answering(503, "maintenance").await;
    let s = verdict_of(
        snapdeck::verify::run(&plan(f, &f.restored, &f.restored_files, Some(site))).await,
    );
    assert_eq!(s.verdict, Verdict::Failed);
    assert!(s.summary.ends_with("answered 503"), "{}", s.summary);
    let site = site_answering(200, "<title>Another school</title>").await;
    let s = verdict_of(
        snapdeck::verify::run(&plan(f, &f.restored, &f.restored_files, Some(site))).await,
    );
    assert_eq!(s.verdict, Verdict::Warning);
    assert!(
        s.summary
            .contains("without the site's name 'Westbrook College'")
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/login/index.php", closed.local_addr().unwrap());
    drop(closed);
    let s = verdict_of(
        snapdeck::verify::run(&plan(f, &f.restored, &f.restored_files, Some(url))).await,
    );
    assert_eq!(s.verdict, Verdict::Failed);
    assert!(s.summary.contains("connection refused"), "{}", s.summary);
    ran("the_site_probe_fails_on_503_and_refusal_and_warns_without_the_name");
}

#[tokio::test]
async fn a_wrong_password_a_missing_grant_and_a_slow_query_could_not_check_in_words() {
    let Some(f) = fixture() else { return };
    let mut wrong = plan(f, &f.restored, &f.restored_files, None);
    wrong.restored.password = Some("not-the-password".into());
    let checks = snapdeck::verify::run(&wrong).await;
    let identity = check(&checks, CheckKind::Identity);
    assert_eq!(identity.verdict, Verdict::CouldNotCheck);
    assert!(
        identity
            .summary
            .contains("restored database: the password for user verifier was rejected"),
        "{}",
        identity.summary
    );
    assert!(!identity.summary.contains("not-the-password"));

    // A role that may not read `files`: the checks that need it say so; the others run.
    let tag = std::process::id();
    let (nofiles, slow) = (format!("nofiles_{tag}"), format!("slow_{tag}"));
    f.restore_copy(&nofiles);
    f.pg.sql(&nofiles, "REVOKE SELECT ON mdl_files FROM verifier;");
    let checks = snapdeck::verify::run(&plan(f, &nofiles, &f.restored_files, None)).await;
    let files = check(&checks, CheckKind::Moodledata);
    assert_eq!(files.verdict, Verdict::CouldNotCheck);
    assert!(
        files.summary.contains("permission denied"),
        "{}",
        files.summary
    );
    assert_eq!(check(&checks, CheckKind::Identity).verdict, Verdict::Passed);
    assert_eq!(
        check(&checks, CheckKind::PointInTime).verdict,
        Verdict::Passed
    );

    // A grade table that takes 3 s to read, under a 1 s statement_timeout.
    f.restore_copy(&slow);
    f.pg.sql(
        &slow,
        "ALTER TABLE mdl_grade_grades RENAME TO grades_real;
         CREATE VIEW mdl_grade_grades AS SELECT g.* FROM grades_real g, (SELECT pg_sleep(3)) s;
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO verifier;",
    );
    let mut slow_plan = plan(f, &slow, &f.restored_files, None);
    slow_plan.timeouts.query = Duration::from_secs(1);
    let checks = snapdeck::verify::run(&slow_plan).await;
    let data = check(&checks, CheckKind::DataAtPoint);
    assert_eq!(data.verdict, Verdict::CouldNotCheck, "{data:?}");
    assert!(
        data.summary.contains("ran past its 1s timeout"),
        "{}",
        data.summary
    );
    assert_eq!(check(&checks, CheckKind::Identity).verdict, Verdict::Passed);
    assert_eq!(
        check(&checks, CheckKind::Moodledata).verdict,
        Verdict::Passed
    );
    ran("a_wrong_password_a_missing_grant_and_a_slow_query_could_not_check_in_words");
}

#[tokio::test]
async fn tls_verify_full_passes_with_the_servers_ca_and_not_with_another() {
    let Some(pg) = Instance::from_env("SNAPDECK_PG_TLS_TEST_DIR") else {
        return;
    };
    let tag = std::process::id();
    let db = format!("tls_{tag}");
    let dir = tempfile::tempdir().unwrap();
    build(&pg, &db, point(), SITE_ID, &dir.path().join("md"));
    let side = |conninfo: String| Side {
        dsn: Dsn::parse(&conninfo).unwrap(),
        password: Some(pg.verifier_password.clone()),
    };
    let md = dir.path().join("md");
    let tls_plan = |restored: Side| plan_with(restored, pg.side(&db), &md, None);
    let checks = snapdeck::verify::run(&tls_plan(side(pg.conninfo(&db, "verifier")))).await;
    assert_eq!(
        check(&checks, CheckKind::Identity).verdict,
        Verdict::Passed,
        "{checks:#?}"
    );
    assert_eq!(
        check(&checks, CheckKind::Moodledata).verdict,
        Verdict::Passed
    );
    // Another CA: the server's certificate is not trusted, said in words.
    let other = dir.path().join("other-ca");
    std::fs::create_dir_all(&other).unwrap();
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=other CA",
        ])
        .arg("-keyout")
        .arg(other.join("ca.key"))
        .arg("-out")
        .arg(other.join("ca.crt"))
        .output()
        .unwrap();
    assert!(status.status.success());
    let conninfo = format!(
        "host=127.0.0.1 port={} dbname={db} user=verifier sslmode=verify-full sslrootcert={}",
        pg.port,
        other.join("ca.crt").display()
    );
    let checks = snapdeck::verify::run(&tls_plan(side(conninfo))).await;
    let identity = check(&checks, CheckKind::Identity);
    assert_eq!(identity.verdict, Verdict::CouldNotCheck);
    assert!(
        identity.summary.contains("TLS with 127.0.0.1") && identity.summary.contains("certificate"),
        "{}",
        identity.summary
    );
    // Without TLS, this server refuses the connection (hostssl only).
    let plain = format!(
        "host=127.0.0.1 port={} dbname={db} user=verifier sslmode=disable",
        pg.port
    );
    let checks = snapdeck::verify::run(&tls_plan(side(plain))).await;
    assert_eq!(
        check(&checks, CheckKind::Identity).verdict,
        Verdict::CouldNotCheck
    );
    ran("tls_verify_full_passes_with_the_servers_ca_and_not_with_another");
}

#[tokio::test]
async fn the_binary_verifies_and_exits_by_the_verdict() {
    let Some(f) = fixture() else { return };
    let bin = env!("CARGO_BIN_EXE_snapdeck");
    let run = |restored: &str, json: bool| {
        let mut command = Command::new(bin);
        command
            .arg("verify")
            .args(["--restored-db", &f.pg.conninfo(restored, "verifier")])
            .arg("--restored-moodledata")
            .arg(&f.restored_files)
            .args(["--live-db", &f.pg.conninfo(&f.live, "verifier")])
            .args(["--point", "2026-12-02T03:00:00Z"])
            .env("PGPASSWORD", &f.pg.verifier_password)
            .env_remove("PGPASSFILE");
        if json {
            command.arg("--json");
        }
        command.output().unwrap()
    };
    // No site URL: that check could not run, so the verdict is 3 though the rest passed.
    let out = run(&f.restored, false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("data at the point"), "{text}");
    assert!(text.contains("course 1182 'Chemistry 101'"), "{text}");
    assert!(
        !text.contains(&f.pg.verifier_password),
        "the password is never printed"
    );
    let out = run(&f.other_site, true);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "failed");
    assert_eq!(json["checks"][0]["kind"], "identity");
    assert_eq!(json["checks"][0]["verdict"], "failed");
    // A password in the connection string is refused before anything connects.
    let out = Command::new(bin)
        .args(["verify", "--restored-db", "host=x user=y password=hunter2"])
        .args([
            "--restored-moodledata",
            "/nonexistent",
            "--live-db",
            "host=x user=y",
        ])
        .args(["--point", "2026-12-02T03:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds a password") && !err.contains("hunter2"),
        "{err}"
    );
    ran("the_binary_verifies_and_exits_by_the_verdict");
}
