//! Natural order for names: `s7` before `s10`, as a person counts.

use std::cmp::Ordering;

/// Compares runs of digits by value and everything else character by character; names
/// equal but for leading zeros fall back to plain order, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b)).then_with(|| a.cmp(b))
}

/// A key whose plain order is the natural order (up to leading zeros): each run of digits
/// becomes its length in two digits, then the digits without leading zeros. Sorting a
/// million names by a key computed once is far faster than comparing them naturally; a
/// slug's key is short enough to be held inline, so a million keys allocate nothing.
pub fn natural_key(s: &str) -> compact_str::CompactString {
    let mut key = compact_str::CompactString::default();
    let mut rest = s;
    // Text and digits alternate; each run is copied whole (a million slugs are keyed at
    // start-up, and pushing them char by char was most of it).
    while !rest.is_empty() {
        let (text, from_digits) = split_at(rest, |b| b.is_ascii_digit());
        key.push_str(text);
        let (digits, after) = split_at(from_digits, |b| !b.is_ascii_digit());
        if !digits.is_empty() {
            let value = digits.trim_start_matches('0');
            // Runs longer than 99 digits share a prefix; natural_cmp breaks those ties.
            let len = value.len().min(99) as u8;
            key.push(char::from(b'0' + len / 10));
            key.push(char::from(b'0' + len % 10));
            key.push_str(value);
        }
        rest = after;
    }
    key
}

/// `s` split before its first byte that is `stop` (ASCII digits never end a multi-byte
/// character, so either half is whole text).
fn split_at(s: &str, stop: impl Fn(u8) -> bool) -> (&str, &str) {
    s.split_at(s.bytes().position(stop).unwrap_or(s.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| natural_cmp(a, b));
        v
    }

    #[test]
    fn numbers_sort_by_value() {
        assert_eq!(
            sorted(&["ashford-s10", "ashford-s7", "ashford-s9", "ashford-s11"]),
            ["ashford-s7", "ashford-s9", "ashford-s10", "ashford-s11"]
        );
        assert_eq!(
            sorted(&["fairdale-10-hub", "fairdale-4-hub", "fairdale-4-arts"]),
            ["fairdale-4-arts", "fairdale-4-hub", "fairdale-10-hub"]
        );
    }

    #[test]
    fn text_sorts_as_text_and_the_order_is_total() {
        assert_eq!(natural_cmp("abc", "abd"), Ordering::Less);
        assert_eq!(natural_cmp("ab", "abc"), Ordering::Less);
        assert_eq!(
            natural_cmp("s07", "s7"),
            Ordering::Less,
            "a tie settled as text"
        );
        assert_eq!(natural_cmp("s7", "s7"), Ordering::Equal);
        assert_eq!(
            natural_cmp(
                "x99999999999999999999999999",
                "x100000000000000000000000000"
            ),
            Ordering::Less,
            "longer than any integer type"
        );
        assert_eq!(
            natural_cmp("a-1", "a.1"),
            Ordering::Less,
            "punctuation as text"
        );
        assert_eq!(
            natural_cmp("a1", "ab"),
            Ordering::Less,
            "digits before letters"
        );
        assert_eq!(natural_cmp("é1", "é2"), Ordering::Less);
    }

    #[test]
    fn a_key_is_the_text_with_each_number_led_by_its_length() {
        assert_eq!(natural_key("ashford-s7-x010"), "ashford-s017-x0210");
        assert_eq!(natural_key("é12b"), "é0212b");
        assert_eq!(natural_key("007"), "017");
        assert_eq!(natural_key("000"), "00");
        assert_eq!(natural_key(""), "");
        assert_eq!(natural_key("hub"), "hub");
    }
}
