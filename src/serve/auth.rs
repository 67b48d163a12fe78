//! Who may do what: `Authorization: Bearer <token>`. The operator's token reads and writes;
//! the viewer's (read-only staff) reads, and a write with it is `403`. Anything else is `401`.
//! Tokens are compared in constant time, and never logged.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// The tokens the server accepts.
#[derive(Clone)]
pub struct Tokens {
    operator: String,
    viewer: Option<String>,
}

// Never print a token by accident (a `{:?}` in a log line).
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("viewer", &self.viewer.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Operator,
    Viewer,
}

impl Tokens {
    /// Refuses tokens a bearer header could not carry, and a viewer token equal to the
    /// operator's (which would make every viewer an operator).
    pub fn new(operator: String, viewer: Option<String>) -> Result<Tokens, String> {
        check("the operator token", &operator)?;
        if let Some(viewer) = &viewer {
            check("the viewer token", viewer)?;
            if same(viewer.as_bytes(), operator.as_bytes()) {
                return Err(
                    "the viewer token is the operator token; a read-only token must differ"
                        .to_string(),
                );
            }
        }
        Ok(Tokens { operator, viewer })
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Whose token this is. Both comparisons always run, so timing tells nothing about which
    /// (if either) matched.
    pub fn role(&self, presented: &str) -> Option<Role> {
        let presented = presented.as_bytes();
        let operator = same(presented, self.operator.as_bytes());
        let viewer = self
            .viewer
            .as_ref()
            .is_some_and(|v| same(presented, v.as_bytes()));
        match (operator, viewer) {
            (true, _) => Some(Role::Operator),
            (false, true) => Some(Role::Viewer),
            _ => None,
        }
    }
}

fn check(what: &str, token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!(
            "{what} must be one word of visible ASCII characters (no spaces, no line breaks)"
        ));
    }
    Ok(())
}

/// Constant-time equality: every byte of the longer input is looked at whatever differs, so
/// the time taken depends only on the lengths, never on how much of a guess was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// A token for this run: 32 random bytes, hex, from the same system randomness rustls (ring)
/// uses for TLS — no second random-number crate.
pub fn generate() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| "could not get random bytes for a token".to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The token in `path`: the file's content without surrounding whitespace.
pub fn read_token_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read the token file {}: {e}", path.display()))?;
    let token = text.trim().to_string();
    check(&format!("the token in {}", path.display()), &token)?;
    Ok(token)
}

/// Middleware in front of every path: `401` without a known token, `403` for a viewer's
/// write. Reads are GET and HEAD; every other method writes.
pub async fn require(State(tokens): State<Arc<Tokens>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    let Some(presented) = presented else {
        return unauthorized("this API needs an `Authorization: Bearer <token>` header");
    };
    match tokens.role(presented) {
        None => unauthorized("the bearer token is not one this server accepts"),
        Some(Role::Viewer) if !is_read(request.method()) => ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token may read but not write; writes need the operator token",
        )
        .into_response(),
        Some(_) => next.run(request).await,
    }
}

fn is_read(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD
}

/// The token of `Bearer <token>` (the scheme's case does not matter, RFC 7235).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(message: &str) -> Response {
    let mut response =
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response();
    // RFC 6750: a 401 names the scheme it wants.
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"snapdeck\""),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_token_and_nothing_else() {
        let tokens = Tokens::new("op-secret".into(), Some("view-secret".into())).unwrap();
        assert_eq!(tokens.role("op-secret"), Some(Role::Operator));
        assert_eq!(tokens.role("view-secret"), Some(Role::Viewer));
        for wrong in ["", "op-secre", "op-secret2", "OP-SECRET", "view-secret "] {
            assert_eq!(tokens.role(wrong), None, "{wrong:?}");
        }
        assert!(Tokens::new("same".into(), Some("same".into())).is_err());
        assert!(Tokens::new("two words".into(), None).is_err());
        assert!(!format!("{tokens:?}").contains("secret"));
    }

    #[test]
    fn bearer_headers_are_read_leniently_about_case_only() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer"), None);
        let token = generate().unwrap();
        assert_eq!(token.len(), 64);
        assert_ne!(token, generate().unwrap());
    }
}
