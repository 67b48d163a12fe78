//! A cluster's failures in the words an operator acts on: which verb on which resource was
//! refused, or that the API server cannot be reached, never a bare client error.

use std::error::Error as StdError;

use kube::runtime::watcher;

/// The resource kinds watched in every cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Namespaces,
    CronJobs,
    Jobs,
    Snapshots,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Namespaces,
        Kind::CronJobs,
        Kind::Jobs,
        Kind::Snapshots,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The resource as kubectl and RBAC rules name it.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespaces => "namespaces",
            Kind::CronJobs => "cronjobs",
            Kind::Jobs => "jobs",
            Kind::Snapshots => "volumesnapshots",
        }
    }
}

/// A watcher's error, in words naming the verb, the resource and where (`scope`: one
/// namespace, or all of them).
pub fn watch_error(error: &watcher::Error, kind: Kind, scope: Option<&str>) -> String {
    match error {
        watcher::Error::InitialListFailed(e) => client_error(e, "list", kind, scope),
        watcher::Error::WatchStartFailed(e) | watcher::Error::WatchFailed(e) => {
            client_error(e, "watch", kind, scope)
        }
        watcher::Error::WatchError(status) => {
            format!(
                "watching {} failed: {} ({})",
                kind.plural(),
                status.message,
                status.code
            )
        }
        watcher::Error::NoResourceVersion => {
            format!(
                "the API server sent {} without a resourceVersion",
                kind.plural()
            )
        }
    }
}

/// A client error on `verb` of `kind` in `scope`, in words.
pub fn client_error(error: &kube::Error, verb: &str, kind: Kind, scope: Option<&str>) -> String {
    let resource = kind.plural();
    let place = scope.unwrap_or("all namespaces");
    match error {
        kube::Error::Api(status) => match status.code {
            403 => format!("cannot {verb} {resource} in {place}: forbidden"),
            401 => "the API server refused the credentials (401 Unauthorized)".to_string(),
            404 if kind == Kind::Snapshots => "the cluster has no VolumeSnapshot API \
                 (snapshot.storage.k8s.io/v1): are the CSI snapshot CRDs installed?"
                .to_string(),
            404 => format!("cannot {verb} {resource}: the API server does not serve them (404)"),
            code => format!("cannot {verb} {resource}: {} ({code})", status.message),
        },
        other => unreachable_words(other),
    }
}

/// Any other failure: the innermost cause says it best ("Connection refused").
pub fn unreachable_words(error: &(dyn StdError + 'static)) -> String {
    let mut innermost: &(dyn StdError + 'static) = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let cause = innermost.to_string();
    let cause = cause
        .split(" (os error")
        .next()
        .unwrap_or(&cause)
        .to_lowercase();
    format!("cannot reach the API server: {cause}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;

    fn api(code: u16, message: &str) -> kube::Error {
        let mut status = Status::failure(message, "Forbidden");
        status.code = code;
        kube::Error::Api(Box::new(status))
    }

    #[test]
    fn forbidden_names_the_verb_and_the_resource() {
        let error = watcher::Error::InitialListFailed(api(403, "volumesnapshots is forbidden"));
        assert_eq!(
            watch_error(&error, Kind::Snapshots, None),
            "cannot list volumesnapshots in all namespaces: forbidden"
        );
        let error = watcher::Error::WatchStartFailed(api(403, "nope"));
        assert_eq!(
            watch_error(&error, Kind::CronJobs, Some("moodle-kb-s3")),
            "cannot watch cronjobs in moodle-kb-s3: forbidden"
        );
    }

    #[test]
    fn a_missing_snapshot_api_says_what_to_install() {
        let error = watcher::Error::InitialListFailed(api(404, "not found"));
        assert!(watch_error(&error, Kind::Snapshots, None).contains("CSI snapshot CRDs"));
    }

    #[test]
    fn other_failures_give_the_innermost_cause() {
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        );
        let error = kube::Error::ReadEvents(io);
        assert_eq!(
            client_error(&error, "list", Kind::Jobs, None),
            "cannot reach the API server: connection refused"
        );
    }
}
