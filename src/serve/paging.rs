//! `?limit=` and `?cursor=` as the contract says: limit 1–1000 (500 when absent), anything
//! else a `400` in words; cursors opaque to clients.
//!
//! A cursor is `c_<index>`: where the next page starts in the underlying list (the same form
//! the demo's restore-point pages use). Every list the demo serves only ever grows at its end
//! — new spokes are appended to the fleet, restores and swaps to theirs — so a cursor stays
//! valid whatever changed since it was given (the fleet's generation is in the `ETag`, not in
//! the cursor): following cursors visits every tenant exactly once, each as it was when its
//! page was read. The one list that shrinks, open restore requests, is a handful of tickets
//! that fits on one page.

use std::collections::HashMap;

use super::error::ApiError;
use crate::contract::{DEFAULT_LIMIT, MAX_LIMIT};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Index in the underlying list where this page starts.
    pub start: usize,
    pub limit: usize,
}

impl Paging {
    /// The paging a query asks for; unknown parameters are none of its business.
    pub fn from_query(query: &HashMap<String, String>) -> Result<Paging, ApiError> {
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(text) => parse_limit(text)?,
        };
        let start = match query.get("cursor").map(|c| c.trim()) {
            None | Some("") => 0,
            Some(text) => parse_cursor(text)?,
        };
        Ok(Paging { start, limit })
    }

    /// The cursor that asked for this page, as the demo's own paged reads take it.
    pub fn cursor(&self) -> Option<String> {
        (self.start > 0).then(|| cursor(self.start))
    }
}

pub fn cursor(start: usize) -> String {
    format!("c_{start}")
}

fn parse_limit(text: &str) -> Result<usize, ApiError> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_limit",
                format!("limit must be a whole number from 1 to {MAX_LIMIT} (got {text:?})"),
            )
        })
}

fn parse_cursor(text: &str) -> Result<usize, ApiError> {
    text.strip_prefix("c_")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_cursor",
                format!(
                    "cursor {text:?} is not one this server gave; start again without a cursor"
                ),
            )
        })
}

/// One page of `items`, and the cursor of the next when there is more.
pub fn page<T: Clone>(items: &[T], paging: Paging) -> (Vec<T>, Option<String>) {
    let start = paging.start.min(items.len());
    let end = start.saturating_add(paging.limit).min(items.len());
    let next = (end < items.len()).then(|| cursor(end));
    (items[start..end].to_vec(), next)
}

/// One page of the items that `keep` selects. The cursor still counts in the whole list, so it
/// does not shift when an item before it stops being selected (a restore that ended).
pub fn page_where<T: Clone>(
    items: &[T],
    paging: Paging,
    keep: impl Fn(&T) -> bool,
) -> (Vec<T>, Option<String>) {
    let mut taken = Vec::new();
    let mut at = paging.start;
    while at < items.len() && taken.len() < paging.limit {
        if keep(&items[at]) {
            taken.push(items[at].clone());
        }
        at += 1;
    }
    // No cursor to an empty last page: only when something selected lies beyond.
    let more = items.get(at..).is_some_and(|rest| rest.iter().any(&keep));
    (taken, more.then(|| cursor(at)))
}

/// A yes/no query parameter (`?active=true`); absent is no. Anything but true/false/1/0 is
/// a `400`, so a typo never silently means "no".
pub fn flag(query: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match query.get(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" || v.is_empty() => Ok(false),
        Some(v) => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("{name} must be true or false (got {v:?})"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn limits_and_cursors_are_checked_in_words() {
        let none = Paging::from_query(&query(&[])).unwrap();
        assert_eq!((none.start, none.limit), (0, DEFAULT_LIMIT));
        let max = Paging::from_query(&query(&[("limit", "1000"), ("cursor", "c_7")])).unwrap();
        assert_eq!((max.start, max.limit), (7, 1000));
        for bad in ["0", "1001", "-1", "ten", ""] {
            let err = Paging::from_query(&query(&[("limit", bad)])).unwrap_err();
            assert_eq!(err.code, "invalid_limit", "{bad}");
            assert!(err.message.contains("1 to 1000"), "{}", err.message);
        }
        let err = Paging::from_query(&query(&[("cursor", "abc")])).unwrap_err();
        assert_eq!(err.code, "invalid_cursor");
    }

    #[test]
    fn pages_cover_everything_once_and_stop_without_an_empty_page() {
        let items: Vec<u32> = (0..10).collect();
        let mut seen = Vec::new();
        let mut paging = Paging { start: 0, limit: 4 };
        loop {
            let (got, next) = page(&items, paging);
            seen.extend(got);
            match next {
                Some(c) => paging.start = parse_cursor(&c).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, items);
        let even = |n: &u32| n.is_multiple_of(2);
        let (got, next) = page_where(&items, Paging { start: 0, limit: 5 }, even);
        assert_eq!((got, next), (vec![0, 2, 4, 6, 8], None));
        let (got, next) = page_where(&items, Paging { start: 0, limit: 2 }, even);
        assert_eq!((got, next.as_deref()), (vec![0, 2], Some("c_3")));
        assert_eq!(
            page(
                &items,
                Paging {
                    start: 99,
                    limit: 5
                }
            ),
            (vec![], None)
        );
    }

    #[test]
    fn flags_read_true_and_false_only() {
        assert!(flag(&query(&[("active", "true")]), "active").unwrap());
        assert!(!flag(&query(&[]), "active").unwrap());
        assert!(!flag(&query(&[("active", "false")]), "active").unwrap());
        assert_eq!(
            flag(&query(&[("active", "yes")]), "active")
                .unwrap_err()
                .code,
            "invalid_parameter"
        );
    }
}
