//! Natural order for names: `s7` before `s10`, as a person counts.

use std::cmp::Ordering;

/// Compares runs of digits by value and everything else character by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, ra) = split_digits(a);
                let (db, rb) = split_digits(b);
                let order = compare_numbers(da, db);
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

/// By value, however long (no overflow): fewer significant digits is smaller; equal values
/// with more leading zeros sort after, so the order stays total.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    ta.len()
        .cmp(&tb.len())
        .then_with(|| ta.cmp(tb))
        .then_with(|| a.len().cmp(&b.len()))
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
        assert_eq!(natural_cmp("s07", "s7"), Ordering::Greater);
        assert_eq!(natural_cmp("s7", "s7"), Ordering::Equal);
        assert_eq!(
            natural_cmp(
                "x99999999999999999999999999",
                "x100000000000000000000000000"
            ),
            Ordering::Less,
            "longer than any integer type"
        );
        assert_eq!(natural_cmp("é1", "é2"), Ordering::Less);
    }
}
