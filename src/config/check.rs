//! Generic validators: each takes a spanned value and its dotted key, and on failure returns a
//! [`ConfigError`] pointing at the value's line.

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::ConfigError;
use crate::toml_error::line_at;

/// Validation context: the file's path and text, so every error can name its line.
pub(super) struct Check<'a> {
    pub(super) path: &'a Path,
    pub(super) src: &'a str,
}

pub(super) type Checked<T> = Result<T, ConfigError>;

/// `None` (the key is absent) gives `default`; a present value goes through `check`.
pub(super) fn or_default<R, T>(
    raw: Option<R>,
    default: T,
    check: impl FnOnce(R) -> Checked<T>,
) -> Checked<T> {
    raw.map(check)
        .transpose()
        .map(|value| value.unwrap_or(default))
}

impl Check<'_> {
    pub(super) fn fail(&self, span: &Range<usize>, key: &str, problem: String) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(line_at(self.src, span.start)),
            key: Some(key.to_owned()),
            problem,
        }
    }

    /// A key a section needs that is not there (no value, so no line to point at).
    pub(super) fn missing(&self, key: &str, why: &str) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: None,
            key: Some(key.to_owned()),
            problem: format!("`{key}` is missing: {why}"),
        }
    }

    pub(super) fn text(&self, value: &Spanned<String>, key: &str) -> Checked<String> {
        non_blank(value.get_ref())
            .ok_or_else(|| self.fail(&value.span(), key, format!("`{key}` must not be empty")))
    }

    pub(super) fn choice<T: Copy>(
        &self,
        value: &Spanned<String>,
        key: &str,
        choices: &[(&str, T)],
    ) -> Checked<T> {
        let wanted = value.get_ref().trim();
        let found = choices
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, choice)| *choice);
        found.ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            let problem = format!(
                "`{key}` must be {}, got {:?}",
                one_of(&names),
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }

    pub(super) fn seconds(&self, value: &Spanned<i64>, key: &str) -> Checked<Duration> {
        self.at_least(value, key, 1).map(Duration::from_secs)
    }

    pub(super) fn at_least(&self, value: &Spanned<i64>, key: &str, min: u64) -> Checked<u64> {
        let number = *value.get_ref();
        u64::try_from(number)
            .ok()
            .filter(|n| *n >= min)
            .ok_or_else(|| {
                let problem = format!("`{key}` must be at least {min}, got {number}");
                self.fail(&value.span(), key, problem)
            })
    }

    pub(super) fn between(
        &self,
        value: &Spanned<i64>,
        key: &str,
        min: usize,
        max: usize,
    ) -> Checked<usize> {
        let number = *value.get_ref();
        usize::try_from(number)
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                let problem = format!("`{key}` must be between {min} and {max}, got {number}");
                self.fail(&value.span(), key, problem)
            })
    }

    /// Above 0 and at most `max`.
    pub(super) fn positive(&self, value: &Spanned<f64>, key: &str, max: f64) -> Checked<f64> {
        let number = *value.get_ref();
        if number.is_finite() && number > 0.0 && number <= max {
            return Ok(number);
        }
        // 1e300 written out in full is 301 digits: such a number is said as written.
        let got = if number.abs() < 1e15 {
            number.to_string()
        } else {
            format!("{number:e}")
        };
        let problem = format!("`{key}` must be greater than 0 and at most {max}, got {got}");
        Err(self.fail(&value.span(), key, problem))
    }
}

pub(super) fn non_blank(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::test_support::{assert_error, error};

    #[test]
    fn empty_theme() {
        assert_error(
            "\ntheme = \"  \"\n",
            2,
            "theme",
            &["`theme` must not be empty"],
        );
    }

    #[test]
    fn refresh_interval_at_least_one() {
        let src = "refresh_interval_secs = 0\n";
        assert_error(
            src,
            1,
            "refresh_interval_secs",
            &["must be at least 1, got 0"],
        );
    }

    #[test]
    fn negative_seed() {
        assert_error(
            "[demo]\nseed = -1\n",
            2,
            "demo.seed",
            &["must be at least 0, got -1"],
        );
    }

    #[test]
    fn tenants_out_of_range() {
        let expected = "`demo.tenants` must be between 1 and 1000000, got";
        assert_error("[demo]\ntenants = 0\n", 2, "demo.tenants", &[expected]);
        assert_error(
            "[demo]\ntenants = 1000001\n",
            2,
            "demo.tenants",
            &[expected],
        );
        assert_error("[demo]\ntenants = -3\n", 2, "demo.tenants", &[expected]);
    }

    #[test]
    fn speed_must_be_positive() {
        let src = "[demo]\n\n\n\n\n\n\n\nspeed = -2\n";
        assert_error(
            src,
            9,
            "demo.speed",
            &["`demo.speed` must be greater than 0 and at most 100000, got -2"],
        );
        assert_eq!(
            error(src).to_string(),
            "config file /x/config.toml, line 9: `demo.speed` must be greater than 0 and at most \
             100000, got -2"
        );
        assert_error("[demo]\nspeed = 0\n", 2, "demo.speed", &["greater than 0"]);
        assert_error(
            "[demo]\nspeed = 1e300\n",
            2,
            "demo.speed",
            &["at most 100000, got 1e300"],
        );
        assert_error(
            "[demo]\nspeed = nan\n",
            2,
            "demo.speed",
            &["greater than 0"],
        );
        assert_error(
            "[demo]\nspeed = inf\n",
            2,
            "demo.speed",
            &["greater than 0"],
        );
    }

    #[test]
    fn timeout_at_least_one() {
        assert_error(
            "[http]\ntimeout_secs = 0\n",
            2,
            "http.timeout_secs",
            &["at least 1"],
        );
    }

    #[test]
    fn empty_token_env_and_selector() {
        assert_error(
            "[http]\ntoken_env = \"\"\n",
            2,
            "http.token_env",
            &["must not be empty"],
        );
        let src = "[kube]\ntenant_selector = \"\"\n";
        assert_error(src, 2, "kube.tenant_selector", &["must not be empty"]);
    }
}
