//! Every refusal the server gives, in the contract's shape: a status and
//! `{"error": {"code", "message"}}` — never a framework's plain-text default.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::contract::{ErrorBody, ErrorDetail};
use crate::source::CommandError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
}

impl From<CommandError> for ApiError {
    /// The demo control plane's errors carry the contract's status; one without (which the
    /// simulator never gives) is the server's fault, not the client's.
    fn from(error: CommandError) -> Self {
        let status = error
            .status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self {
            status,
            code: error.code,
            message: error.message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Paths the contract does not have.
pub async fn no_such_path(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(
        "not_found",
        format!(
            "there is no {} in the control-plane API v1 (paths are under {})",
            uri.path(),
            crate::contract::API_PREFIX
        ),
    )
}

/// A path the contract has, with a method it does not take (e.g. `DELETE /tenants`).
pub async fn no_such_method(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not take {method}", uri.path()),
    )
}
