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
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let (digits, after) = split_digits(rest);
            let value = digits.trim_start_matches('0');
            // Runs longer than 99 digits share a prefix; natural_cmp breaks those ties.
            let len = value.len().min(99) as u8;
            key.push(char::from(b'0' + len / 10));
            key.push(char::from(b'0' + len % 10));
            key.push_str(value);
            rest = after;
        } else {
            key.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    key
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
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
}
