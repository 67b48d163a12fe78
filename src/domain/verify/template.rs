//! `[verify]`'s templates: `{slug}`, `{hostname}`, `{region}` and `{tenant_id}` filled in for
//! the tenant a restore came from and for its target spoke.

use super::dsn::Dsn;

pub const PLACEHOLDERS: [&str; 4] = ["slug", "hostname", "region", "tenant_id"];

/// What fills a template for one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    pub slug: String,
    pub hostname: String,
    pub region: String,
    pub tenant_id: String,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "slug" => &self.slug,
            "hostname" => &self.hostname,
            "region" => &self.region,
            "tenant_id" => &self.tenant_id,
            _ => return None,
        })
    }
}

/// The template with its placeholders filled; an unknown or unclosed one is an error.
pub fn fill(template: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("{template:?} has a '{{' without its '}}'"))?;
        let name = &after[..end];
        let value = vars.get(name).ok_or_else(|| {
            format!(
                "{template:?} has {{{name}}}; the placeholders are {}",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            )
        })?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn sample() -> Vars {
    Vars {
        slug: "westbrook-s7".into(),
        hostname: "westbrook-s7.example".into(),
        region: "eu-west-1".into(),
        tenant_id: "ten_1".into(),
    }
}

/// Whether every placeholder of `template` is known.
pub fn check(template: &str) -> Result<(), String> {
    fill(template, &sample()).map(|_| ())
}

/// Whether `template`, filled in, is a connection string snapdeck can use.
pub fn check_database(template: &str) -> Result<(), String> {
    Dsn::parse(&fill(template, &sample())?).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder_and_names_an_unknown_one() {
        let filled = fill(
            "host={hostname} dbname={slug}_{region} application_name={tenant_id}",
            &sample(),
        )
        .unwrap();
        assert_eq!(
            filled,
            "host=westbrook-s7.example dbname=westbrook-s7_eu-west-1 application_name=ten_1"
        );
        let err = fill("/srv/{tenant}/data", &sample()).unwrap_err();
        assert!(err.contains("{tenant}") && err.contains("{slug}"), "{err}");
        assert!(
            fill("/srv/{slug", &sample())
                .unwrap_err()
                .contains("without")
        );
        assert!(
            check_database("host={hostname} user=v password=x")
                .unwrap_err()
                .contains("password")
        );
        assert!(check_database("host={hostname} user=v").is_ok());
    }
}
