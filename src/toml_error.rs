//! TOML and serde errors restated for a person editing the file: the line, the dotted key and
//! the problem in the file's own terms. Shared by the config file and theme files, so both
//! report mistakes alike.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A toml/serde error restated for a person editing the file.
pub(crate) struct TomlProblem {
    pub(crate) line: Option<usize>,
    pub(crate) key: Option<String>,
    pub(crate) problem: String,
}

pub(crate) fn explain_toml_error(src: &str, err: &toml::de::Error) -> TomlProblem {
    let offset = err.span().map(|span| span.start);
    let key = offset.and_then(|offset| key_path_at(src, offset));
    TomlProblem {
        line: offset.map(|offset| line_at(src, offset)),
        problem: restate(src, err, key.as_deref()),
        key,
    }
}

fn restate(src: &str, err: &toml::de::Error, key: Option<&str>) -> String {
    // toml says only "duplicate key"; the span holds the name, which is worth showing.
    let spanned = err.span().and_then(|span| src.get(span)).map(str::trim);
    match spanned {
        Some(name) if err.message() == "duplicate key" && !name.is_empty() => {
            format!("duplicate key `{name}`")
        }
        _ => reword(err.message(), key),
    }
}

/// 1-based line of a byte offset; offsets past the end count as the last line.
pub(crate) fn line_at(src: &str, offset: usize) -> usize {
    1 + src
        .bytes()
        .take(offset)
        .filter(|byte| *byte == b'\n')
        .count()
}

/// The dotted key whose name or value covers `offset`: serde errors carry a span but no key.
fn key_path_at(src: &str, offset: usize) -> Option<String> {
    let document = DeTable::parse(src).ok()?;
    path_in_table(document.get_ref(), offset, "")
}

fn path_in_table(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    table
        .iter()
        .find_map(|(key, value)| path_in_entry(key, value, offset, prefix))
}

fn path_in_entry(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    offset: usize,
    prefix: &str,
) -> Option<String> {
    let path = if prefix.is_empty() {
        key.get_ref().to_string()
    } else {
        format!("{prefix}.{}", key.get_ref())
    };
    if key.span().contains(&offset) {
        return Some(path);
    }
    // A `[table]`'s own span covers only its header, so look inside before judging by span.
    let nested = match value.get_ref() {
        DeValue::Table(table) => path_in_table(table, offset, &path),
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| item.get_ref().as_table())
            .find_map(|table| path_in_table(table, offset, &path)),
        _ => None,
    };
    nested.or_else(|| value.span().contains(&offset).then_some(path))
}

/// Restates serde's wording ("unknown field", "expected i64") in the file's own terms.
fn reword(message: &str, key: Option<&str>) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return unknown_key(rest, key);
    }
    let wrong_value = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    match wrong_value.and_then(|rest| rest.rsplit_once(", expected ")) {
        Some((got, expected)) => wrong_type(got, expected, key),
        // Syntax errors: toml's own words ("unclosed table, expected `]`") are already clear.
        None => message.to_owned(),
    }
}

/// `rest` looks like "`themee`, expected one of `theme`, `time`" (serde's fixed format).
fn unknown_key(rest: &str, key: Option<&str>) -> String {
    let (name, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let name = key.map_or_else(|| name.to_owned(), |key| format!("`{key}`"));
    let expected = expected
        .trim_start_matches("one of ")
        .replace('`', "")
        .replace(" or ", ", ");
    if expected.is_empty() {
        format!("unknown key {name}")
    } else if expected.contains(", ") {
        format!("unknown key {name} (expected one of {expected})")
    } else {
        format!("unknown key {name} (expected {expected})")
    }
}

fn wrong_type(got: &str, expected: &str, key: Option<&str>) -> String {
    let expected = match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    match key {
        Some(key) => format!("`{key}` must be {expected}, got {got}"),
        None => format!("expected {expected}, got {got}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counts_newlines_before_the_offset() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
    }
}
