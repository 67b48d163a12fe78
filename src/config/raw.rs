//! What serde can check on its own: known keys and basic types. Every field is optional and
//! every value keeps its byte span, so validation can name the line of a mistake. Integers
//! are i64 so that a negative or zero value reaches validation and gets a message in our words.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) theme: Option<Spanned<String>>,
    pub(super) time: Option<Spanned<String>>,
    pub(super) refresh_interval_secs: Option<Spanned<i64>>,
    pub(super) read_only: Option<bool>,
    pub(super) operator: Option<Spanned<String>>,
    pub(super) source: Option<RawSource>,
    pub(super) demo: Option<RawDemo>,
    pub(super) http: Option<RawHttp>,
    pub(super) kube: Option<RawKube>,
    pub(super) self_host: Option<RawSelfHost>,
    pub(super) business_hours: Option<RawBusinessHours>,
    pub(super) verify: Option<RawVerify>,
    pub(super) drills: Option<RawDrills>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDrills {
    pub(super) max_age_days: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVerify {
    pub(super) database: Option<Spanned<String>>,
    pub(super) moodledata: Option<Spanned<String>>,
    pub(super) site: Option<Spanned<String>>,
    pub(super) table_prefix: Option<Spanned<String>>,
    pub(super) password_command: Option<String>,
    pub(super) connect_timeout_secs: Option<Spanned<i64>>,
    pub(super) query_timeout_secs: Option<Spanned<i64>>,
    pub(super) hash_budget_bytes: Option<Spanned<i64>>,
    pub(super) hash_budget_seconds: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) kind: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDemo {
    pub(super) seed: Option<Spanned<i64>>,
    pub(super) tenants: Option<Spanned<i64>>,
    pub(super) speed: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHttp {
    /// `url` as the README names it; `base_url` is what earlier versions wrote.
    #[serde(alias = "base_url")]
    pub(super) url: Option<Spanned<String>>,
    pub(super) token_env: Option<Spanned<String>>,
    pub(super) token_file: Option<String>,
    pub(super) token_command: Option<String>,
    pub(super) ca_file: Option<String>,
    pub(super) allow_insecure_http: Option<bool>,
    pub(super) connect_timeout_secs: Option<Spanned<i64>>,
    /// The request timeout; `request_timeout_secs` reads the same.
    #[serde(alias = "request_timeout_secs")]
    pub(super) timeout_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKube {
    /// One context (older files); `contexts` lists several.
    pub(super) context: Option<String>,
    pub(super) contexts: Option<Vec<String>>,
    pub(super) namespaces: Option<Vec<String>>,
    pub(super) tenant_selector: Option<Spanned<String>>,
    pub(super) self_host: Option<bool>,
    pub(super) keys: Option<RawKubeKeys>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKubeKeys {
    pub(super) kind: Option<Spanned<String>>,
    pub(super) hub: Option<Spanned<String>>,
    pub(super) tier: Option<Spanned<String>>,
    pub(super) region: Option<Spanned<String>>,
    pub(super) secondary_region: Option<Spanned<String>>,
    pub(super) hostname: Option<Spanned<String>>,
    pub(super) display_name: Option<Spanned<String>>,
    pub(super) created_at: Option<Spanned<String>>,
    pub(super) component: Option<Spanned<String>>,
    pub(super) run: Option<Spanned<String>>,
    pub(super) dump_bytes: Option<Spanned<String>>,
    pub(super) copied_at: Option<Spanned<String>>,
    pub(super) copy_error: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSelfHost {
    pub(super) rpo_hours: Option<Spanned<i64>>,
    pub(super) retention_days: Option<Spanned<i64>>,
}

/// Times and dates are `toml::Value` because users write them both ways: as strings
/// (`"09:00"`) and as bare TOML times and dates (`09:00`, `2026-12-25`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBusinessHours {
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) start: Option<Spanned<toml::Value>>,
    pub(super) end: Option<Spanned<toml::Value>>,
    pub(super) weekdays: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) holidays: Option<Vec<Spanned<toml::Value>>>,
}

#[cfg(test)]
mod tests {
    use crate::config::test_support::{assert_error, error};

    #[test]
    fn unknown_top_level_key() {
        let src = "theme = \"default\"\n\nthemee = \"light\"\n";
        assert_error(
            src,
            3,
            "themee",
            &["unknown key `themee`", "expected one of theme, time,"],
        );
        assert_eq!(
            error(src).to_string(),
            "config file /x/config.toml, line 3: unknown key `themee` (expected one of theme, \
             time, refresh_interval_secs, read_only, operator, source, demo, http, kube, self_host, business_hours, verify, drills)"
        );
    }

    #[test]
    fn unknown_table() {
        assert_error("[demoo]\nseed = 1\n", 1, "demoo", &["unknown key `demoo`"]);
    }

    #[test]
    fn unknown_key_inside_a_table() {
        let src = "[demo]\nseed = 1\nsped = 2.0\n";
        assert_error(
            src,
            3,
            "demo.sped",
            &["unknown key `demo.sped` (expected one of seed, tenants, speed)"],
        );
    }

    #[test]
    fn unknown_key_in_an_inline_table_and_a_single_choice() {
        let src = "\nsource = { kind = \"http\", knd = \"x\" }\n";
        assert_error(
            src,
            2,
            "source.knd",
            &["unknown key `source.knd` (expected kind)"],
        );
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let src = "[demo]\nseed = 1\ntenants = \"many\"\n";
        assert_error(
            src,
            3,
            "demo.tenants",
            &["`demo.tenants` must be an integer, got string \"many\""],
        );
    }

    #[test]
    fn wrong_type_with_dotted_key_and_for_a_table() {
        assert_error(
            "demo.speed = \"fast\"\n",
            1,
            "demo.speed",
            &["must be a number"],
        );
        assert_error(
            "x = 1\nread_only = \"yes\"\n",
            2,
            "read_only",
            &["must be true or false"],
        );
        assert_error("demo = 3\n", 1, "demo", &["`demo` must be a table"]);
        assert_error(
            "[business_hours]\nweekdays = \"mon\"\n",
            2,
            "business_hours.weekdays",
            &["must be a list"],
        );
    }

    #[test]
    fn duplicate_key_is_named() {
        let err = error("[demo]\nseed = 1\n\nseed = 2\n");
        assert_eq!(err.line, Some(4), "{err}");
        assert_eq!(err.problem, "duplicate key `seed`");
        let err = error("[demo]\n[kube]\n[demo]\n");
        assert_eq!(err.line, Some(3), "{err}");
        assert_eq!(err.problem, "duplicate key `demo`");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = error("theme = \"default\"\n[demo\nseed = 1\n");
        assert_eq!(err.line, Some(2), "{err}");
    }
}
