//! One line per request on stderr: when, method, path, status, milliseconds. Headers (the
//! token among them) and the query are never logged.

use std::io::Write;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{SecondsFormat, Utc};

pub async fn requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let line = format!(
        "{} {method} {path} {} {millis:.1}ms\n",
        Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        response.status().as_u16(),
    );
    // A closed stderr must not take the server down with it.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    response
}
