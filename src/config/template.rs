//! The commented config file that `snapdeck config init` writes.

use std::fs;
use std::io;
use std::path::Path;

use super::ConfigError;

/// The commented file `snapdeck config init` writes: every setting with its default.
pub fn template() -> String {
    TEMPLATE.to_owned()
}

/// Writes [`template`] to `path`, creating its folder. Refuses to replace an existing file
/// unless `force`, so a slip of `config init` never wipes someone's settings.
///
/// # Errors
/// The file exists and `force` is false, or the folder or file cannot be written.
pub fn write_template(path: &Path, force: bool) -> Result<(), ConfigError> {
    create_parent(path)?;
    let mut options = fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        // create_new checks and creates in one step, so no race with another writer.
        options.create_new(true);
    }
    let written = options
        .open(path)
        .and_then(|mut file| io::Write::write_all(&mut file, TEMPLATE.as_bytes()));
    written.map_err(|err| write_error(path, &err))
}

fn create_parent(path: &Path) -> Result<(), ConfigError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir).map_err(|err| {
            ConfigError::whole_file(
                path,
                format!("cannot create its folder {}: {err}", dir.display()),
            )
        }),
        _ => Ok(()),
    }
}

fn write_error(path: &Path, err: &io::Error) -> ConfigError {
    let problem = if err.kind() == io::ErrorKind::AlreadyExists {
        "already exists; left untouched (use --force to replace it)".to_owned()
    } else {
        format!("cannot write it: {err}")
    };
    ConfigError::whole_file(path, problem)
}

const TEMPLATE: &str = r#"# snapdeck configuration
#
# Every setting is optional: a missing one takes the default shown here.
# snapdeck reads this file from the platform config directory, or from the path given
# by --config or the SNAPDECK_CONFIG environment variable.

# Colour theme: default, light, high-contrast, or the name of a file themes/<name>.toml
# next to this file or in the platform config dir's snapdeck folder (looked for in that
# order). NO_COLOR turns colours off regardless.
theme = "default"

# Times on screen: "utc" or "local".
time = "utc"

# How often sources refresh, in seconds (at least 1).
# A source silent for two intervals is shown as stale.
refresh_interval_secs = 30

# true hides every action (restores, DNS swaps, cancellations): a safe viewing mode.
read_only = false

# Who the journal says acted. Unset: the login name (LOGNAME, then USER), else the
# account's name.
# operator = "alex"

[source]
# Where the fleet comes from: "demo" (simulated, no set-up), "http" (control-plane API)
# or "kube" (the clusters themselves).
kind = "demo"

[demo]
# The same seed always gives the same simulated fleet.
seed = 42
# Number of simulated tenants, 1 to 1000000.
tenants = 60
# Demo clock speed-up factor (greater than 0; 60 makes a minute pass every second).
speed = 1.0

[http]
# Control-plane API address, e.g. "https://control.example.net". Needed when kind = "http"
# (or pass --url). `base_url` is read the same.
url = ""
# Name of the environment variable holding the bearer token (the token never goes in this file).
token_env = "SNAPDECK_TOKEN"
# When that variable is unset: a file holding the token (keep it chmod 600; other modes warn).
token_file = ""
# When neither is set: a shell command printing the token, run once at start.
token_command = ""
# A PEM file of extra CA certificates (a private CA), trusted beside the system's.
ca_file = ""
# Plain http:// is allowed to loopback only; true allows it to any host (the token travels in clear).
allow_insecure_http = false
# Seconds to wait for a connection (at least 1).
connect_timeout_secs = 5
# Seconds to wait for a whole answer (at least 1).
timeout_secs = 15

[kube]
# kubeconfig contexts to read (one view, a CLUSTER column when more than one); empty means
# the current context. --context NAME (repeatable) and --all-contexts beat this.
contexts = []
# Watch only these namespaces, one by one (for a context whose rights stop at them, such as a
# self-host customer's); empty watches every namespace. --namespace NAME (repeatable) beats it.
namespaces = []
# Label key on a tenant's namespace; its value is the tenant's slug.
tenant_selector = "snapdeck.io/tenant"
# Self-host mode: tenants are the namespaces holding the chart's snapshot CronJob, held to
# the [self_host] policy below (also --self-host).
self_host = false

[kube.keys]
# The label and annotation keys the platform's objects carry (README, "The kube source").
# Namespace label: hub or spoke.
kind = "snapdeck.io/kind"
# Namespace label on a spoke: its hub's slug.
hub = "snapdeck.io/hub"
# Namespace label: standard or dedicated.
tier = "snapdeck.io/tier"
# Namespace label: the primary region.
region = "snapdeck.io/region"
# Namespace label or annotation: where Dedicated copies go.
secondary_region = "snapdeck.io/secondary-region"
# Namespace annotation: the site's hostname.
hostname = "snapdeck.io/hostname"
# Namespace annotation: the customer's name for the site.
display_name = "snapdeck.io/display-name"
# Namespace (or self-host CronJob) annotation, RFC 3339: when the tenant was created.
created_at = "snapdeck.io/created-at"
# Label on the backup CronJob (backup), dump Jobs (db-dump) and VolumeSnapshots (moodledata).
component = "snapdeck.io/component"
# Label shared by one run's dump Job and VolumeSnapshot.
run = "snapdeck.io/run"
# Dump Job annotation: the dump's size in bytes.
dump_bytes = "snapdeck.io/dump-bytes"
# Job or VolumeSnapshot annotation, RFC 3339: when the copy reached the secondary region.
copied_at = "snapdeck.io/copied-at"
# Job or VolumeSnapshot annotation: why the cross-region copy failed.
copy_error = "snapdeck.io/copy-error"

[self_host]
# A self-host customer's own policy, for --self-host. The RPO, in hours.
rpo_hours = 24
# How many days of snapshots they keep.
retention_days = 7

[business_hours]
# Used for the one-business-hour acknowledgement deadline of restore requests and the
# Standard tier's RTO. IANA time zone name.
timezone = "Europe/London"
# Start of the working day, "HH:MM".
start = "09:00"
# End of the working day, "HH:MM", after the start.
end = "17:00"
# Working days, from mon tue wed thu fri sat sun.
weekdays = ["mon", "tue", "wed", "thu", "fri"]
# Days off, as "YYYY-MM-DD", e.g. ["2026-12-25", "2026-12-28"].
holidays = []

# snapdeck's own checks of a restore (README, "snapdeck's own checks"): off unless [verify]
# is set. Templates take {slug}, {hostname}, {region} and {tenant_id}, filled in for the
# tenant a restore came from and for its target spoke.
# [verify]
# A libpq-style connection string, never with a password: that comes from PGPASSWORD, a
# pgpass file (PGPASSFILE) or password_command. The session is read-only; SELECT is enough.
# database = "host={slug}-db.internal port=5432 dbname=moodle user=verifier sslmode=verify-full sslrootcert=/etc/snapdeck/db-ca.crt"
# Where the tenant's moodledata is readable (the folder holding filedir/).
# moodledata = "/mnt/moodledata/{slug}"
# The page probed on the restored site.
# site = "https://{hostname}/login/index.php"
# table_prefix = "mdl_"
# password_command = "vault kv get -field=password secret/moodle/verifier"
# connect_timeout_secs = 10
# query_timeout_secs = 30
# How much of the 200 newest files the moodledata check reads to hash them, whichever runs
# out first; the check says when it did ("hashed 143 of 200 newest files: the 20s budget ran
# out"). 2 GiB and 20 s by default.
# hash_budget_bytes = 2147483648
# hash_budget_seconds = 20

# Restore drills (README, "Restore drills"): without [drills], drills still run and show,
# but no tenant is flagged for lacking one.
# [drills]
# A tenant with no passed drill in this many days is flagged "restore untested" (1 to 3660).
# max_age_days = 30
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::config::test_support::parse;

    #[test]
    fn template_parses_back_to_defaults() {
        assert_eq!(parse(&template()).unwrap(), Config::default());
    }

    /// The template as a user who follows its comments makes it: every commented section
    /// and setting switched on.
    fn uncommented(template: &str) -> String {
        let is_setting = |text: &str| {
            let name = text.split(" = ").next().unwrap_or_default();
            text.contains(" = ") && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        };
        let is_section = |text: &str| text.starts_with('[') && text.ends_with(']');
        let lines = template.lines().map(|line| match line.strip_prefix("# ") {
            Some(text) if is_setting(text) || is_section(text) => text,
            _ => line,
        });
        lines.collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn template_with_every_section_switched_on_loads() {
        let text = uncommented(&template());
        assert!(
            text.contains("\n[verify]\n") && text.contains("\n[drills]\n"),
            "{text}"
        );
        let config = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(config.verify.is_some());
        assert_eq!(
            config.drills.map(|d| d.max_age),
            Some(chrono::Duration::days(30))
        );
        assert_eq!(config.operator.as_deref(), Some("alex"));
    }

    #[test]
    fn template_comments_every_setting() {
        let lines: Vec<&str> = TEMPLATE.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let is_setting = line.contains(" = ") && !line.starts_with('#');
            if is_setting {
                let previous = lines.get(index.wrapping_sub(1)).unwrap_or(&"");
                assert!(previous.starts_with('#'), "no comment above {line:?}");
            }
        }
    }

    #[test]
    fn write_template_creates_folders_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/snapdeck/config.toml");
        write_template(&path, false).unwrap();
        assert_eq!(Config::load(&path).unwrap(), Config::default());

        fs::write(&path, "theme = \"light\"\n").unwrap();
        let err = write_template(&path, false).unwrap_err();
        assert!(err.problem.contains("already exists"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "theme = \"light\"\n");

        write_template(&path, true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), template());
    }
}
