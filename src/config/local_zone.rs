//! The zone "local" means on this machine, by name, for times the operator types in it: `TZ`
//! first (as the C library reads it), then where `/etc/localtime` points, then
//! `/etc/timezone`. A machine that names none is read as UTC, which is what it shows too.

use std::path::Path;

use chrono_tz::Tz;

pub fn local_zone() -> Tz {
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|tz| tz.trim_start_matches(':').parse().ok());
    from_env
        .or_else(|| from_link(Path::new("/etc/localtime")))
        .or_else(|| {
            let text = std::fs::read_to_string("/etc/timezone").ok()?;
            text.trim().parse().ok()
        })
        .unwrap_or(Tz::UTC)
}

/// `/usr/share/zoneinfo/Europe/London` → `Europe/London`.
fn from_link(link: &Path) -> Option<Tz> {
    let target = std::fs::read_link(link).ok()?;
    let text = target.to_string_lossy();
    let (_, name) = text.split_once("zoneinfo/")?;
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoneinfo_link_names_its_zone() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("localtime");
        std::os::unix::fs::symlink("/usr/share/zoneinfo/Europe/London", &link).unwrap();
        assert_eq!(from_link(&link), Some(chrono_tz::Europe::London));
        assert_eq!(from_link(&dir.path().join("missing")), None);
    }
}
