//! One read-only session on a Moodle database and the queries the checks need. The session
//! is read-only from its first statement (`default_transaction_read_only`), every statement is
//! bounded (`statement_timeout`, and a client-side deadline past it), and the log table is
//! only ever read by index range (`timecreated`), never counted whole.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row};

use super::tls;
use crate::domain::verify::dsn::{Dsn, SslMode};
use crate::domain::verify::{Identity, Read};

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub query: Duration,
}

pub struct Db {
    client: Client,
    prefix: String,
    query: Duration,
}

/// Connects as `dsn` says. Errors are in words, with the connection shown (it holds no
/// password: `Dsn` refuses one).
pub async fn connect(
    dsn: &Dsn,
    password: Option<&str>,
    prefix: &str,
    timeouts: Timeouts,
) -> Result<Db, String> {
    let connect = dsn.connect_timeout.unwrap_or(timeouts.connect);
    let mut config = tokio_postgres::Config::new();
    if dsn.host.starts_with('/') {
        config.host_path(&dsn.host);
    } else {
        config.host(&dsn.host);
    }
    config
        .port(dsn.port)
        .user(&dsn.user)
        .dbname(&dsn.dbname)
        .application_name("snapdeck-verify")
        .connect_timeout(connect)
        .options(options(dsn, timeouts.query));
    if let Some(password) = password {
        config.password(password);
    }
    let at = format!("{}:{}", dsn.host, dsn.port);
    let deadline = connect + Duration::from_secs(1);
    let connected = async {
        match tls::client_config(dsn)? {
            None => {
                config.ssl_mode(tokio_postgres::config::SslMode::Disable);
                let (client, connection) =
                    config.connect(NoTls).await.map_err(|e| words(&e, dsn))?;
                tokio::spawn(connection);
                Ok::<Client, String>(client)
            }
            Some(tls) => {
                config.ssl_mode(match dsn.sslmode {
                    SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
                    _ => tokio_postgres::config::SslMode::Require,
                });
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls);
                let (client, connection) = config.connect(tls).await.map_err(|e| words(&e, dsn))?;
                tokio::spawn(connection);
                Ok(client)
            }
        }
    };
    let client = tokio::time::timeout(deadline, connected)
        .await
        .map_err(|_| format!("{at} did not answer within {}s", deadline.as_secs()))??;
    Ok(Db {
        client,
        prefix: prefix.to_string(),
        query: timeouts.query,
    })
}

/// Read-only and bounded from the session's start: no statement can write, none can run on.
fn options(dsn: &Dsn, query: Duration) -> String {
    let mut options = format!(
        "-c default_transaction_read_only=on -c statement_timeout={}",
        query.as_millis()
    );
    if let Some(more) = &dsn.options {
        options.push(' ');
        options.push_str(more);
    }
    options
}

/// A database error in the words an operator can act on.
pub fn words(error: &tokio_postgres::Error, dsn: &Dsn) -> String {
    let at = format!("{}:{}", dsn.host, dsn.port);
    if let Some(db) = error.as_db_error() {
        let code = db.code().code();
        return match code {
            "28P01" => format!("the password for user {} was rejected by {at}", dsn.user),
            "28000" => format!("{at} refused user {}: {}", dsn.user, db.message()),
            "3D000" => format!("database {} does not exist on {at}", dsn.dbname),
            "42501" => format!("permission denied: {}", db.message()),
            "42P01" => format!("{} (is the table prefix right?)", db.message()),
            "57014" => "the query ran past its statement_timeout".to_string(),
            _ => format!("{at} said: {} ({code})", db.message()),
        };
    }
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut chain = Vec::new();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return format!("connection refused at {at}");
            }
            if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return format!("TLS with {at} failed: {tls}");
            }
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return format!("TLS with {at} failed: {tls}");
        }
        chain.push(e.to_string());
        source = e.source();
    }
    chain.dedup();
    format!("{at}: {}", chain.join(": "))
}

fn seconds(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn instant(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.and_then(|s| DateTime::from_timestamp(s, 0))
}

impl Db {
    fn table(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    async fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Read<Vec<Row>> {
        // The server stops the statement at its timeout; this deadline only covers a
        // server that stopped answering altogether.
        let deadline = self.query + Duration::from_secs(2);
        match tokio::time::timeout(deadline, self.client.query(sql, params)).await {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => Err(query_words(&e, self.query)),
            Err(_) => Err(format!(
                "no answer to a query within {}s",
                deadline.as_secs()
            )),
        }
    }

    async fn count(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Read<u64> {
        let rows = self.rows(sql, params).await?;
        let n: i64 = rows.first().and_then(|r| r.try_get(0).ok()).unwrap_or(0);
        Ok(n.max(0) as u64)
    }

    pub async fn identity(&self) -> Read<Identity> {
        let sql = format!(
            "SELECT name, value FROM {} WHERE name IN ('siteidentifier', 'version', 'release')",
            self.table("config")
        );
        let rows = self.rows(&sql, &[]).await?;
        let mut identity = Identity::default();
        for row in rows {
            let name: String = row.try_get(0).map_err(|e| e.to_string())?;
            let value: Option<String> = row.try_get(1).map_err(|e| e.to_string())?;
            match name.as_str() {
                "siteidentifier" => identity.siteidentifier = value,
                "version" => identity.version = value,
                "release" => identity.release = value,
                _ => {}
            }
        }
        Ok(identity)
    }

    /// The newest log entry, at or before `point` when given: the index on `timecreated`
    /// answers it from its end.
    pub async fn newest_log(&self, point: Option<DateTime<Utc>>) -> Read<Option<DateTime<Utc>>> {
        let table = self.table("logstore_standard_log");
        let rows = match point {
            Some(point) => {
                let sql = format!("SELECT max(timecreated) FROM {table} WHERE timecreated <= $1");
                self.rows(&sql, &[&seconds(point)]).await?
            }
            None => {
                let sql = format!("SELECT max(timecreated) FROM {table}");
                self.rows(&sql, &[]).await?
            }
        };
        let secs: Option<i64> = rows.first().and_then(|r| r.try_get(0).ok()).flatten();
        Ok(instant(secs))
    }

    /// Log entries in `(from, to]`, by index range.
    pub async fn log_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Read<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE timecreated > $1 AND timecreated <= $2",
            self.table("logstore_standard_log")
        );
        self.count(&sql, &[&seconds(from), &seconds(to)]).await
    }

    pub async fn course_modules_at(&self, point: DateTime<Utc>) -> Read<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE added <= $1",
            self.table("course_modules")
        );
        self.count(&sql, &[&seconds(point)]).await
    }

    pub async fn files_at(&self, point: DateTime<Utc>) -> Read<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE filename <> '.' AND timecreated <= $1",
            self.table("files")
        );
        self.count(&sql, &[&seconds(point)]).await
    }

    pub async fn grades_at(&self, point: DateTime<Utc>) -> Read<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE COALESCE(timecreated, timemodified, 0) <= $1",
            self.table("grade_grades")
        );
        self.count(&sql, &[&seconds(point)]).await
    }

    /// Non-deleted users created at or before the point: id and username.
    pub async fn users_at(&self, point: DateTime<Utc>) -> Read<BTreeMap<i64, String>> {
        let sql = format!(
            "SELECT id, username FROM {} WHERE deleted = 0 AND timecreated <= $1",
            self.table("user")
        );
        self.named(&sql, point).await
    }

    /// Courses created at or before the point, the site itself (id 1) left out.
    pub async fn courses_at(&self, point: DateTime<Utc>) -> Read<BTreeMap<i64, String>> {
        let sql = format!(
            "SELECT id, fullname FROM {} WHERE id <> 1 AND timecreated <= $1",
            self.table("course")
        );
        self.named(&sql, point).await
    }

    async fn named(&self, sql: &str, point: DateTime<Utc>) -> Read<BTreeMap<i64, String>> {
        let rows = self.rows(sql, &[&seconds(point)]).await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get(0).map_err(|e| e.to_string())?;
                let name: Option<String> = row.try_get(1).map_err(|e| e.to_string())?;
                Ok((id, name.unwrap_or_default()))
            })
            .collect()
    }

    /// Course id 1's `fullname`: the site's name, which its pages show.
    pub async fn site_name(&self) -> Read<Option<String>> {
        let sql = format!("SELECT fullname FROM {} WHERE id = 1", self.table("course"));
        let rows = self.rows(&sql, &[]).await?;
        Ok(rows.first().and_then(|r| r.try_get(0).ok()))
    }

    /// The newest `limit` file rows at or before the point that have content: hash and size.
    pub async fn newest_files(&self, point: DateTime<Utc>, limit: i64) -> Read<Vec<(String, u64)>> {
        let sql = format!(
            "SELECT contenthash, filesize FROM {} WHERE filename <> '.' AND filesize > 0 \
             AND timecreated <= $1 ORDER BY timecreated DESC, id DESC LIMIT $2",
            self.table("files")
        );
        let rows = self.rows(&sql, &[&seconds(point), &limit]).await?;
        rows.iter()
            .map(|row| {
                let hash: String = row.try_get(0).map_err(|e| e.to_string())?;
                let size: i64 = row.try_get(1).map_err(|e| e.to_string())?;
                Ok((hash, size.max(0) as u64))
            })
            .collect()
    }
}

fn query_words(error: &tokio_postgres::Error, timeout: Duration) -> String {
    match error.as_db_error() {
        Some(db) if db.code().code() == "57014" => {
            format!("the query ran past its {}s timeout", timeout.as_secs_f64())
        }
        Some(db) if db.code().code() == "42501" => format!("permission denied: {}", db.message()),
        Some(db) if db.code().code() == "42P01" => {
            format!("{} (is the table prefix right?)", db.message())
        }
        Some(db) => format!("the server said: {}", db.message()),
        None => format!("the query failed: {error}"),
    }
}
