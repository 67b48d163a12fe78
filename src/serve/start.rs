//! The `serve-demo` command: tokens from files or generated, the listener, the fleet, a
//! banner that says where it listens and how to point snapdeck at it, and a graceful stop
//! on Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use tokio::net::TcpListener;

use super::{ServeConfig, Server, Tokens, auth};
use crate::clock::{Clock, ScaledClock};
use crate::contract::API_PREFIX;
use crate::domain::humanize::count;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub seed: u64,
    pub tenants: usize,
    pub speed: f64,
    pub outages: Vec<crate::domain::region::Outage>,
    pub token_file: Option<PathBuf>,
    pub viewer_token_file: Option<PathBuf>,
}

/// Where the operator token came from, for the banner: a generated one is shown (there is
/// no other way to learn it), one from a file is referred to by its path.
enum Origin {
    Generated,
    File(PathBuf),
}

/// Runs the server until Ctrl-C or SIGTERM; an error is said in words.
pub fn command(options: ServeOptions) -> Result<(), String> {
    let (operator, origin) = match &options.token_file {
        Some(path) => (auth::read_token_file(path)?, Origin::File(path.clone())),
        None => (auth::generate()?, Origin::Generated),
    };
    let viewer = match &options.viewer_token_file {
        Some(path) => Some(auth::read_token_file(path)?),
        None => None,
    };
    let tokens = Tokens::new(operator, viewer)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let served = runtime.block_on(serve(options, tokens, origin));
    // Generating a big fleet runs on the blocking pool and cannot be interrupted: a stop
    // during it must not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served
}

async fn serve(options: ServeOptions, tokens: Tokens, origin: Origin) -> Result<(), String> {
    // Signals are caught from here on, so a SIGTERM while the fleet is generated still
    // stops the server cleanly.
    let mut stop = Stop::install()?;
    let listener = TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", options.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("could not tell which address {} is: {e}", options.listen))?;
    let about = format!(
        "seed {} · {} · ×{}",
        options.seed,
        count(options.tenants, "tenant"),
        options.speed
    );
    say_err(&format!(
        "snapdeck serve-demo: generating the demo fleet ({about})…"
    ));
    let clock: Arc<dyn Clock> = Arc::new(ScaledClock::new(Utc::now(), options.speed));
    let token = tokens.operator().to_string();
    let config = ServeConfig {
        seed: options.seed,
        tenants: options.tenants,
        clock,
        tokens,
        outages: options.outages.clone(),
    };
    let server = tokio::select! {
        server = Server::start(config) => server?,
        () = stop.wait() => return Ok(()),
    };
    say(&banner(
        address,
        &about,
        &origin,
        &token,
        options.viewer_token_file.as_deref(),
    ));
    server.serve(listener, stop.wait_owned()).await?;
    say_err("snapdeck serve-demo: stopped");
    Ok(())
}

fn banner(
    address: SocketAddr,
    about: &str,
    origin: &Origin,
    token: &str,
    viewer: Option<&Path>,
) -> String {
    let url = format!("http://{address}");
    let (token_line, env) = match origin {
        Origin::Generated => (
            "operator token: generated for this run (--token-file PATH to choose one)".to_string(),
            token.to_string(),
        ),
        Origin::File(path) => (
            format!("operator token: from {}", path.display()),
            format!("\"$(cat {})\"", shell_word(&path.display().to_string())),
        ),
    };
    let viewer_line = match viewer {
        Some(path) => format!("viewer token (read-only): from {}", path.display()),
        None => "viewer token: none (--viewer-token-file PATH for a read-only one)".to_string(),
    };
    format!(
        "snapdeck serve-demo: the demo control plane ({about}) listens on {url}{API_PREFIX}\n\
         {token_line}\n\
         {viewer_line}\n\
         point snapdeck at it:\n  \
         SNAPDECK_TOKEN={env} snapdeck --source http --url {url}\n\
         one line per request on stderr; Ctrl-C or SIGTERM stops it\n"
    )
}

/// `text` as one shell word: as it is when it is plain, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Ctrl-C or SIGTERM, caught from `install` on.
struct Stop {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Stop {
    fn install() -> Result<Stop, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let term = signal(SignalKind::terminate())
                .map_err(|e| format!("could not listen for SIGTERM: {e}"))?;
            Ok(Stop { term })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    async fn wait(&mut self) {
        // Without a Ctrl-C handler (an error), only SIGTERM stops it: never stop at once.
        let interrupt = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            self.term.recv().await;
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = interrupt => say_err("snapdeck serve-demo: interrupted, finishing requests in flight"),
            () = terminate => say_err("snapdeck serve-demo: SIGTERM, finishing requests in flight"),
        }
    }

    async fn wait_owned(mut self) {
        self.wait().await;
    }
}

/// Prints to stdout; a reader that went away is no reason to stop serving.
fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn say_err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_says_where_and_how_and_shows_only_a_generated_token() {
        let address: SocketAddr = "127.0.0.1:8750".parse().unwrap();
        let text = banner(address, "seed 42", &Origin::Generated, "t0k", None);
        assert!(
            text.contains("listens on http://127.0.0.1:8750/api/v1"),
            "{text}"
        );
        assert!(
            text.contains(
                "SNAPDECK_TOKEN=t0k snapdeck --source http --url http://127.0.0.1:8750\n"
            )
        );
        let file = Origin::File(PathBuf::from("/run/my token"));
        let text = banner(address, "seed 42", &file, "secret", Some(Path::new("/v")));
        assert!(!text.contains("secret"), "{text}");
        assert!(
            text.contains("SNAPDECK_TOKEN=\"$(cat '/run/my token')\""),
            "{text}"
        );
        assert!(text.contains("read-only): from /v"), "{text}");
    }
}
