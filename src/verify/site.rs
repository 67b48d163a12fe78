//! The restored site's front door: does the probe URL answer 2xx, with the site's name on
//! the page (a 200 from another site, or from an error page, is not the restored site).

use std::time::Duration;

use crate::domain::verify::{Read, SiteFacts};

/// Enough of a login page to find the site's name in its title and header.
const READ_UP_TO: usize = 1024 * 1024;

pub async fn probe(url: &str, site_name: Option<String>, timeout: Duration) -> Read<SiteFacts> {
    // One crypto provider for every TLS client; an error only means one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;
    let mut response = client.get(url).send().await.map_err(|e| words(&e, url))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while body.len() < READ_UP_TO {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => return Err(words(&e, url)),
        }
    }
    let body = String::from_utf8_lossy(&body);
    let name_found = site_name
        .as_deref()
        .is_some_and(|name| body.contains(name) || body.contains(&html_escaped(name)));
    Ok(SiteFacts {
        url: url.to_string(),
        status,
        site_name,
        name_found,
    })
}

/// The name as Moodle writes it into a page (`s()` escapes these five).
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

fn words(error: &reqwest::Error, url: &str) -> String {
    if error.is_timeout() {
        return format!("{url} did not answer in time");
    }
    if error.is_connect() {
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                return format!("connection refused at {url}");
            }
            source = e.source();
        }
        return format!("could not connect to {url}: {error}");
    }
    format!("{url}: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_as_moodle_escapes_them() {
        assert_eq!(
            html_escaped("Ash & Oak's <School>"),
            "Ash &amp; Oak&#039;s &lt;School&gt;"
        );
    }
}
