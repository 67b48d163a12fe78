//! A control plane in front of the reference server that answers some requests itself (a
//! server without the additions, a 429 storm, a slow launch): the rest are forwarded.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::net::TcpListener;

/// What the proxy does with a request instead of forwarding it.
pub enum Instead {
    /// Forward it.
    Forward,
    /// Forward it after this long.
    Delay(std::time::Duration),
    /// Answer this.
    Answer(StatusCode, HeaderMap, String),
}

pub type Rule = Arc<dyn Fn(&Method, &str) -> Instead + Send + Sync>;

/// Serves on an ephemeral loopback port until the test ends; its address.
pub async fn proxy(upstream: String, rule: Rule) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let upstream = upstream.clone();
        let rule = rule.clone();
        async move {
            let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
            match rule(&method, &path) {
                Instead::Answer(status, headers, body) => return (status, headers, body),
                Instead::Delay(wait) => tokio::time::sleep(wait).await,
                Instead::Forward => {}
            }
            let client = reqwest::Client::new();
            let mut request = client.request(method, format!("{upstream}{path}"));
            for (name, value) in &headers {
                if name != "host" {
                    request = request.header(name, value);
                }
            }
            let answer = request.body(body).send().await.unwrap();
            let status = answer.status();
            let mut back = HeaderMap::new();
            for (name, value) in answer.headers() {
                if name == "content-type" || name == "etag" {
                    back.insert(name, value.clone());
                }
            }
            (status, back, answer.text().await.unwrap())
        }
    };
    let app = axum::Router::new().fallback(forward);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// The contract's error body.
pub fn error(status: StatusCode, code: &str, message: &str) -> Instead {
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    Instead::Answer(status, headers, body.to_string())
}
