//! snapdeck's own checks of a restore at scale: a live and a restored database in one
//! pg-local, each with 10 000 000 log rows and 1 000 000 file rows, all five checks (the site
//! probe against a loopback server). Target: under 5 s. Starts its own pg-local (about 2 s,
//! then a few minutes to fill the tables) and stops it after. And the moodledata check's own
//! cost: hashing every one of the 200 newest files, 1 MiB each, within the default budget.
//!
//!     cargo bench --bench verify

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use snapdeck::domain::verify::dsn::Dsn;
use snapdeck::domain::verify::{HashBudget, Verdict, overall};
use snapdeck::verify::db::Timeouts;
use snapdeck::verify::{LiveSide, Plan, Side, files};

const LOG_ROWS: u64 = 10_000_000;
const FILE_ROWS: u64 = 1_000_000;

struct Pg {
    dir: PathBuf,
    port: u16,
    admin: String,
    verifier: String,
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = Command::new(pg_local()).arg("stop").arg(&self.dir).status();
    }
}

fn pg_local() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/pg-local/pg-local")
}

fn start(dir: &Path) -> Pg {
    let out = Command::new(pg_local())
        .arg("start")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = std::fs::read_to_string(dir.join("env")).unwrap();
    let port = env
        .lines()
        .find_map(|l| l.strip_prefix("export PGPORT="))
        .unwrap()
        .parse()
        .unwrap();
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap()
            .trim()
            .to_string()
    };
    Pg {
        dir: dir.to_path_buf(),
        port,
        admin: read("admin.password"),
        verifier: read("verifier.password"),
    }
}

fn psql(pg: &Pg, db: &str, sql: &str) {
    let out = Command::new("psql")
        .args([
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "admin",
            "-d",
            db,
        ])
        .arg("-p")
        .arg(pg.port.to_string())
        .args(["-c", sql])
        .env("PGPASSWORD", &pg.admin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn content(n: u64) -> (Vec<u8>, String) {
    let bytes = format!("bench file {n}").into_bytes();
    let hash = sha1(&bytes);
    (bytes, hash)
}

fn sha1(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` where Moodle keeps them in `moodledata`; their contenthash and size.
fn store(moodledata: &Path, bytes: &[u8]) -> (String, u64) {
    let hash = sha1(bytes);
    let path = files::content_path(moodledata, &hash).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    (hash, bytes.len() as u64)
}

/// The point: the newest rows sit a minute before it.
fn point() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 3, 0, 0).unwrap()
}

fn build(pg: &Pg, moodledata: &Path) {
    let t = point().timestamp();
    psql(pg, "postgres", "CREATE DATABASE live");
    psql(
        pg,
        "live",
        &format!(
            "CREATE TABLE mdl_config (id bigserial PRIMARY KEY, name varchar(190) UNIQUE, value text);
             INSERT INTO mdl_config (name, value) VALUES ('siteidentifier', 'bench'), ('version', '2024100700.00'), ('release', '4.5');
             CREATE TABLE mdl_user (id bigserial PRIMARY KEY, username varchar(100), deleted smallint NOT NULL DEFAULT 0, timecreated bigint NOT NULL);
             INSERT INTO mdl_user (username, timecreated) SELECT 'u' || i, {t} - i FROM generate_series(1, 50000) i;
             CREATE TABLE mdl_course (id bigserial PRIMARY KEY, fullname varchar(254), timecreated bigint NOT NULL);
             INSERT INTO mdl_course (id, fullname, timecreated) SELECT i, CASE WHEN i = 1 THEN 'Bench College' ELSE 'Course ' || i END, {t} - i FROM generate_series(1, 2000) i;
             CREATE TABLE mdl_course_modules (id bigserial PRIMARY KEY, course bigint, added bigint NOT NULL);
             INSERT INTO mdl_course_modules (course, added) SELECT i % 2000, {t} - i FROM generate_series(1, 100000) i;
             CREATE TABLE mdl_grade_grades (id bigserial PRIMARY KEY, userid bigint, timecreated bigint, timemodified bigint);
             INSERT INTO mdl_grade_grades (userid, timecreated, timemodified) SELECT i % 50000, {t} - i, {t} - i FROM generate_series(1, 500000) i;
             CREATE TABLE mdl_logstore_standard_log (id bigserial PRIMARY KEY, eventname varchar(255), userid bigint, courseid bigint, timecreated bigint NOT NULL);
             INSERT INTO mdl_logstore_standard_log (eventname, userid, courseid, timecreated)
               SELECT '\\core\\event\\course_viewed', i % 50000, i % 2000, {t} - 60 - ({LOG_ROWS} - i) / 20 FROM generate_series(1, {LOG_ROWS}) i;
             CREATE INDEX mdl_logsstanlog_tim_ix ON mdl_logstore_standard_log (timecreated);
             CREATE TABLE mdl_files (id bigserial PRIMARY KEY, contenthash varchar(40) NOT NULL, filename varchar(255), filesize bigint NOT NULL, timecreated bigint NOT NULL);
             INSERT INTO mdl_files (contenthash, filename, filesize, timecreated)
               SELECT encode(sha256(i::text::bytea), 'hex')::varchar(40), 'f' || i, 10, {t} - 600 - i FROM generate_series(1, {FILE_ROWS}) i;
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO verifier;
             ANALYZE;"
        ),
    );
    // The 200 newest files, real ones: their rows and their contents.
    let mut rows = Vec::new();
    for n in 0..200 {
        let (bytes, hash) = content(n);
        rows.push(format!(
            "('{hash}', 'new{n}', {}, {})",
            bytes.len(),
            t - 60 - n as i64
        ));
        store(moodledata, &bytes);
    }
    psql(
        pg,
        "live",
        &format!(
            "INSERT INTO mdl_files (contenthash, filename, filesize, timecreated) VALUES {}",
            rows.join(",")
        ),
    );
    psql(pg, "postgres", "CREATE DATABASE restored TEMPLATE live");
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let pg = start(&dir.path().join("pg"));
    let moodledata = dir.path().join("moodledata");
    eprintln!("filling two databases with {LOG_ROWS} log and {FILE_ROWS} file rows each…");
    build(&pg, &moodledata);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let site = runtime.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/login/index.php", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0; 4096];
                let _ = socket.read(&mut buf).await;
                let body = "<title>Bench College</title>";
                let _ = socket
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            }
        });
        url
    });
    let side = |db: &str| Side {
        dsn: Dsn::parse(&format!(
            "host=127.0.0.1 port={} dbname={db} user=verifier sslmode=disable",
            pg.port
        ))
        .unwrap(),
        password: Some(pg.verifier.clone()),
    };
    let plan = Plan {
        restored: side("restored"),
        live: LiveSide::Db(side("live")),
        moodledata,
        site: Some(site),
        point: point(),
        table_prefix: "mdl_".into(),
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            query: Duration::from_secs(60),
        },
        hash_budget: Default::default(),
    };
    let checks = runtime.block_on(snapdeck::verify::run(&plan));
    assert_eq!(overall(&checks), Verdict::Passed, "{checks:#?}");
    let mut group = c.benchmark_group("verify");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("all five checks, 10M log rows, 1M file rows", |b| {
        b.iter(|| runtime.block_on(snapdeck::verify::run(&plan)))
    });
    group.finish();
}

/// Every one of the 200 newest files hashed: 200 MiB read through per check.
fn hashing(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let newest: Vec<(String, u64)> = (0..200)
        .map(|n| {
            let mut bytes = content(n).0;
            bytes.resize(1 << 20, b'.');
            store(dir.path(), &bytes)
        })
        .collect();
    let budget = HashBudget::default();
    let facts = files::check(dir.path(), &newest, budget).unwrap();
    assert_eq!((facts.hashed, facts.cut_short), (200, None), "{facts:?}");
    let mut group = c.benchmark_group("verify");
    group.sample_size(10);
    group.bench_function("hash the 200 newest files, 1 MiB each", |b| {
        b.iter(|| files::check(dir.path(), &newest, budget))
    });
    group.finish();
}

criterion_group!(benches, hashing, bench);
criterion_main!(benches);
