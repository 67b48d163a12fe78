//! libpq-style connection strings (`host=… port=… dbname=moodle user=… sslmode=verify-full
//! sslrootcert=…`), read into a tokio-postgres config and the TLS the string asks for. A
//! password in the string is refused: it belongs in PGPASSWORD, a pgpass file or
//! `password_command`, never in a config file a screen or a journal might show.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection is encrypted and what is verified (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// TLS if the server offers it, nothing verified (libpq's default).
    Prefer,
    /// TLS, nothing verified (or the chain, when a root certificate is given, as libpq does).
    Require,
    /// TLS with a trusted chain, any host name.
    VerifyCa,
    /// TLS with a trusted chain for this host name.
    VerifyFull,
}

impl SslMode {
    fn parse(raw: &str) -> Result<SslMode, String> {
        Ok(match raw {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode {other:?} is not one of disable, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }
}

/// A parsed connection string, without its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dsn {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    pub connect_timeout: Option<Duration>,
    pub options: Option<String>,
    /// The string as given (it holds no password): what messages show.
    pub shown: String,
}

const KNOWN: [&str; 10] = [
    "host",
    "hostaddr",
    "port",
    "user",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "options",
    "application_name",
];

impl Dsn {
    pub fn parse(text: &str) -> Result<Dsn, String> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Err(
                "write the connection as key=value pairs (host=… dbname=… user=…), not as a URI"
                    .into(),
            );
        }
        let pairs = pairs(text)?;
        if pairs.contains_key("password") {
            return Err("the connection string holds a password: remove it, and give it in PGPASSWORD, a pgpass file (PGPASSFILE) or password_command".into());
        }
        if let Some(unknown) = pairs.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(format!(
                "the connection string has {unknown:?}, which snapdeck does not use (it knows {})",
                KNOWN.join(", ")
            ));
        }
        let get = |key: &str| pairs.get(key).cloned();
        let host = get("hostaddr")
            .or_else(|| get("host"))
            .ok_or("the connection string names no host")?;
        let port = match get("port") {
            Some(port) => port
                .parse()
                .map_err(|_| format!("port {port:?} is not a port number"))?,
            None => 5432,
        };
        let user = get("user").ok_or("the connection string names no user")?;
        let connect_timeout = match get("connect_timeout") {
            Some(secs) => Some(Duration::from_secs(secs.parse().map_err(|_| {
                format!("connect_timeout {secs:?} is not a whole number of seconds")
            })?)),
            None => None,
        };
        Ok(Dsn {
            dbname: get("dbname").unwrap_or_else(|| user.clone()),
            host,
            port,
            user,
            sslmode: get("sslmode").map_or(Ok(SslMode::Prefer), |m| SslMode::parse(&m))?,
            sslrootcert: get("sslrootcert").map(PathBuf::from),
            connect_timeout,
            options: get("options"),
            shown: text.to_string(),
        })
    }
}

/// `key=value` pairs, values optionally in single quotes with `\'` and `\\` escapes.
fn pairs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(format!("{key:?} in the connection string has no '=value'"));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(format!("the value of {key} has no closing quote")),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        out.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_value_pairs_with_quotes() {
        let dsn = Dsn::parse(
            "host=127.0.0.1 port=5433 dbname='moodle live' user=verifier sslmode=verify-full sslrootcert=/etc/ca.crt connect_timeout=4",
        )
        .unwrap();
        assert_eq!(dsn.host, "127.0.0.1");
        assert_eq!(dsn.port, 5433);
        assert_eq!(dsn.dbname, "moodle live");
        assert_eq!(dsn.sslmode, SslMode::VerifyFull);
        assert_eq!(dsn.sslrootcert, Some(PathBuf::from("/etc/ca.crt")));
        assert_eq!(dsn.connect_timeout, Some(Duration::from_secs(4)));
        let quoted = Dsn::parse(r"host=db user=v options='-c search_path=it\'s'").unwrap();
        assert_eq!(quoted.options.as_deref(), Some("-c search_path=it's"));
        assert_eq!(
            quoted.dbname, "v",
            "dbname defaults to the user, as in libpq"
        );
        assert_eq!(quoted.sslmode, SslMode::Prefer);
    }

    #[test]
    fn refuses_a_password_an_unknown_key_and_uris_in_words() {
        let err = Dsn::parse("host=db user=v password=hunter2").unwrap_err();
        assert!(
            err.contains("holds a password") && !err.contains("hunter2"),
            "{err}"
        );
        let err = Dsn::parse("host=db user=v sslmod=require").unwrap_err();
        assert!(err.contains("\"sslmod\""), "{err}");
        assert!(
            Dsn::parse("postgres://v@db/moodle")
                .unwrap_err()
                .contains("URI")
        );
        assert!(Dsn::parse("user=v").unwrap_err().contains("no host"));
        assert!(Dsn::parse("host=db").unwrap_err().contains("no user"));
        assert!(
            Dsn::parse("host=db user=v port=x")
                .unwrap_err()
                .contains("port")
        );
        assert!(
            Dsn::parse("host=db user=v sslmode=on")
                .unwrap_err()
                .contains("sslmode")
        );
        assert!(
            Dsn::parse("host=db user='v")
                .unwrap_err()
                .contains("closing quote")
        );
        assert!(Dsn::parse("host").unwrap_err().contains("'=value'"));
    }
}
