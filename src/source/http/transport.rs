//! The wire: one reqwest client (rustls with ring), the bearer token on every request, and
//! every way a request can go wrong turned into a `Failure` said in words.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::token::Resolved;
use crate::contract::{API_PREFIX, ErrorBody, IDEMPOTENCY_KEY};
use crate::source::CommandError;

/// What the transport needs to be built.
#[derive(Debug, Clone)]
pub struct TransportSettings {
    pub url: String,
    pub ca_file: Option<std::path::PathBuf>,
    pub allow_insecure_http: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

pub struct Transport {
    client: reqwest::Client,
    /// The base URL with `/api/v1` appended to its path.
    api: Url,
    /// "127.0.0.1:8750": what messages call the server.
    authority: String,
    bearer: HeaderValue,
    /// Where the token came from, for a 401's advice ("check SNAPDECK_TOKEN").
    token_origin: String,
    connect_timeout: Duration,
    request_timeout: Duration,
}

/// A 2xx or 304 answer, its body read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No connection: refused, unknown host, TLS.
    Unreachable,
    /// Connected (or not) but no whole answer in time.
    Timeout,
    /// A non-2xx answer.
    Status,
    /// A 2xx answer whose body is cut off or not the contract's JSON.
    Body,
}

/// Why a request gave nothing usable, in words for the status bar and the flash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub status: Option<u16>,
    /// The contract's error code, or ours (`http_502`, `timeout`, `unreachable`, `bad_body`).
    pub code: String,
    pub message: String,
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn body(message: String) -> Self {
        Failure {
            kind: FailureKind::Body,
            status: None,
            code: "bad_body".into(),
            message,
            retry_after: None,
        }
    }

    /// Worth trying again (with the same idempotency key for a write): the request may not
    /// have arrived, or the server said to come back. A 4xx is the server's considered answer.
    pub fn transient(&self) -> bool {
        match self.kind {
            FailureKind::Unreachable | FailureKind::Timeout => true,
            FailureKind::Status => self.status.is_some_and(|s| s == 429 || s >= 500),
            FailureKind::Body => false,
        }
    }

    pub fn into_command_error(self) -> CommandError {
        CommandError {
            code: self.code,
            status: self.status,
            message: self.message,
        }
    }
}

impl Transport {
    pub fn new(settings: &TransportSettings, token: &Resolved) -> Result<Self, String> {
        // One crypto provider for every TLS client; an error only means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = Url::parse(settings.url.trim())
            .map_err(|e| format!("the control plane URL {:?} is not a URL: {e}", settings.url))?;
        let host = url.host_str().unwrap_or("").to_string();
        match url.scheme() {
            "https" => {}
            "http" if settings.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(format!(
                    "refusing plain http:// to {host}: the token would cross the network \
                     unencrypted; use https://, or set allow_insecure_http = true in [http] \
                     if you really mean it"
                ));
            }
            other => {
                return Err(format!(
                    "the control plane URL must start with https:// or http://, not {other}://"
                ));
            }
        }
        if host.is_empty() {
            return Err(format!("the control plane URL {url} names no host"));
        }
        let authority = match url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        let mut api = url.clone();
        api.set_query(None);
        api.set_fragment(None);
        {
            let mut path = api
                .path_segments_mut()
                .map_err(|()| format!("the control plane URL {url} cannot take a path"))?;
            path.pop_if_empty();
            path.extend(API_PREFIX.split('/').filter(|s| !s.is_empty()));
        }
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.token.expose()))
            .map_err(|_| format!("{} gave a token an HTTP header cannot carry", token.origin))?;
        // Kept out of debug output and HTTP/2 header compression tables.
        bearer.set_sensitive(true);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .user_agent(concat!("snapdeck/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &settings.ca_file {
            for cert in read_ca(path)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| format!("the HTTP client could not be set up: {}", innermost(&e)))?;
        Ok(Transport {
            client,
            api,
            authority,
            bearer,
            token_origin: token.origin.clone(),
            connect_timeout: settings.connect_timeout,
            request_timeout: settings.request_timeout,
        })
    }

    /// What the status bar calls the server.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// `/api/v1/<segments>?<query>`, each segment escaped (ids and tickets are opaque).
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.api.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// A GET; `etag` makes it conditional (a `304` comes back as an `Answer`).
    pub async fn get(&self, url: Url, etag: Option<&str>) -> Result<Answer, Failure> {
        let mut request = self
            .client
            .get(url)
            .header(header::AUTHORIZATION, &self.bearer);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        self.send(request).await
    }

    /// A write: the contract's body and the operator's idempotency key.
    pub async fn post(
        &self,
        url: Url,
        key: &str,
        body: &impl Serialize,
    ) -> Result<Answer, Failure> {
        let request = self
            .client
            .post(url)
            .header(header::AUTHORIZATION, &self.bearer)
            .header(IDEMPOTENCY_KEY, key)
            .json(body);
        self.send(request).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, Failure> {
        let response = request.send().await.map_err(|e| self.unsent(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| self.cut_off(&e))?;
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(Answer {
                status,
                etag: text(&headers, header::ETAG),
                body: body.to_vec(),
            });
        }
        Err(self.refused(status, &headers, &body))
    }

    /// The request got no answer at all.
    fn unsent(&self, e: &reqwest::Error) -> Failure {
        let at = &self.authority;
        let (kind, code, message) = if e.is_timeout() && e.is_connect() {
            let message = format!(
                "no connection to {at} within {}",
                seconds(self.connect_timeout)
            );
            (FailureKind::Timeout, "timeout", message)
        } else if e.is_timeout() {
            let message = format!(
                "no answer from {at} within {}",
                seconds(self.request_timeout)
            );
            (FailureKind::Timeout, "timeout", message)
        } else if refused(e) {
            let message = format!("connection refused by {at}");
            (FailureKind::Unreachable, "unreachable", message)
        } else if e.is_connect() {
            let message = format!("could not connect to {at}: {}", innermost(e));
            (FailureKind::Unreachable, "unreachable", message)
        } else {
            let message = format!("the request to {at} failed: {}", innermost(e));
            (FailureKind::Unreachable, "unreachable", message)
        };
        Failure {
            kind,
            status: None,
            code: code.into(),
            message,
            retry_after: None,
        }
    }

    /// The answer began but its body did not arrive whole.
    fn cut_off(&self, e: &reqwest::Error) -> Failure {
        let at = &self.authority;
        if e.is_timeout() {
            let secs = seconds(self.request_timeout);
            return Failure {
                kind: FailureKind::Timeout,
                status: None,
                code: "timeout".into(),
                message: format!("the answer from {at} did not finish within {secs}"),
                retry_after: None,
            };
        }
        Failure {
            kind: FailureKind::Unreachable,
            status: None,
            code: "truncated".into(),
            message: format!("the answer from {at} was cut off: {}", innermost(e)),
            retry_after: None,
        }
    }

    /// A non-2xx answer: the contract's error body when there is one, else what came instead.
    fn refused(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
        let code = status.as_u16();
        let retry_after = matches!(code, 429 | 503)
            .then(|| text(headers, header::RETRY_AFTER))
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
        let error_code = parsed
            .as_ref()
            .map_or_else(|| format!("http_{code}"), |b| b.error.code.clone());
        let message = if code == 401 {
            format!("401: the token was refused — check {}", self.token_origin)
        } else if let Some(b) = &parsed {
            format!("{code} {}: {}", b.error.code, b.error.message)
        } else if code == 403 {
            "403: the token does not allow this".to_string()
        } else {
            format!(
                "HTTP {code} from {}{}",
                self.authority,
                what_came(headers, body)
            )
        };
        let message = match retry_after {
            Some(after) if code == 429 => format!(
                "{message} (too many requests; the server asks to wait {} s)",
                after.as_secs()
            ),
            _ => message,
        };
        Failure {
            kind: FailureKind::Status,
            status: Some(code),
            code: error_code,
            message,
            retry_after,
        }
    }
}

/// Reads a 2xx body as `T`; garbage or a shape the contract does not have is said in words.
pub fn parse<T: DeserializeOwned>(answer: &Answer, what: &str) -> Result<T, Failure> {
    serde_json::from_slice(&answer.body).map_err(|e| {
        let why = if e.is_eof() {
            "it ends too early (cut off?)".to_string()
        } else if e.is_syntax() {
            format!("it is not JSON ({e})")
        } else {
            format!("it is not the contract's shape ({e})")
        };
        Failure::body(format!(
            "the server's answer to {what} could not be read: {why}"
        ))
    })
}

/// " with an HTML body (a proxy in between?)", " with no body", …
fn what_came(headers: &HeaderMap, body: &[u8]) -> &'static str {
    let html = text(headers, header::CONTENT_TYPE).is_some_and(|t| t.contains("html"))
        || body.trim_ascii_start().starts_with(b"<");
    if body.trim_ascii().is_empty() {
        " with no body"
    } else if html {
        " with an HTML body (from a proxy in between?)"
    } else {
        " with a body that is not the contract's error JSON"
    }
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Loopback is the one place plain http is harmless: the token never leaves the machine.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("").trim_matches(['[', ']']);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn read_ca(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let shown = path.display();
    let pem =
        std::fs::read(path).map_err(|e| format!("the CA file {shown} could not be read: {e}"))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        format!(
            "the CA file {shown} is not PEM certificates: {}",
            innermost(&e)
        )
    })?;
    if certs.is_empty() {
        return Err(format!("the CA file {shown} holds no certificate"));
    }
    Ok(certs)
}

/// The connection was actively refused (nothing listens there).
fn refused(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = err.source();
    }
    false
}

/// The deepest cause: reqwest's own message ("error sending request") says nothing useful.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// "15 s", or "300 ms" for the short waits of tests.
pub fn seconds(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{} s", d.as_secs_f64().round())
    } else {
        format!("{} ms", d.as_millis())
    }
}
