//! Words the demo fleet is named with: institutions, faculties, regions, ids.

use super::rng::{Rng, mix};
use crate::domain::ids::RestorePointId;
use compact_str::CompactString;

/// Stems reserved for the scripted hubs (see `layout::FIXED_HUBS`); random hubs never get them.
pub const RESERVED_STEMS: [&str; 6] = [
    "northfield",
    "harbor",
    "riverside",
    "ashford",
    "kingsbridge",
    "westbrook",
];

const PREFIXES: [&str; 36] = [
    "north", "south", "east", "west", "ash", "oak", "elm", "maple", "river", "lake", "stone",
    "brook", "green", "fair", "high", "kings", "queens", "red", "white", "silver", "clear",
    "spring", "winter", "bright", "haw", "thorn", "mill", "bay", "cedar", "pine", "willow", "rose",
    "glen", "moor", "hart", "lang",
];

const SUFFIXES: [&str; 20] = [
    "field", "ford", "wood", "bridge", "dale", "brook", "ton", "ham", "mere", "vale", "gate",
    "hill", "port", "stead", "wick", "bury", "side", "view", "haven", "crest",
];

const INSTITUTIONS: [&str; 8] = [
    "College",
    "University",
    "Academy",
    "School District",
    "Institute of Technology",
    "Community College",
    "Schools Trust",
    "Learning Partnership",
];

/// Spoke names after a hub's slug ("northfield-arts").
pub const FACULTIES: [&str; 24] = [
    "arts",
    "science",
    "law",
    "medicine",
    "business",
    "engineering",
    "education",
    "music",
    "nursing",
    "online",
    "cpd",
    "staff",
    "research",
    "library",
    "languages",
    "sport",
    "summer",
    "health",
    "design",
    "agri",
    "maths",
    "history",
    "drama",
    "computing",
];

/// Where tenants run: name, weight out of 100, Dedicated's secondary region, and the
/// top-level domain its customers' hostnames tend to use.
pub const REGIONS: [Region; 7] = [
    Region::new("eu-west-1", 30, "eu-central-1", "ac.uk"),
    Region::new("eu-central-1", 14, "eu-west-1", "eu"),
    Region::new("eu-north-1", 6, "eu-central-1", "se"),
    Region::new("us-east-1", 22, "us-west-2", "edu"),
    Region::new("us-west-2", 8, "us-east-1", "edu"),
    Region::new("ca-central-1", 8, "us-east-1", "ca"),
    Region::new("ap-southeast-2", 12, "ap-southeast-1", "edu.au"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    weight: u64,
    pub secondary: &'static str,
    pub tld: &'static str,
}

impl Region {
    const fn new(
        name: &'static str,
        weight: u64,
        secondary: &'static str,
        tld: &'static str,
    ) -> Self {
        Self {
            name,
            weight,
            secondary,
            tld,
        }
    }

    pub fn named(name: &str) -> Region {
        REGIONS
            .iter()
            .copied()
            .find(|r| r.name == name)
            .unwrap_or(REGIONS[0])
    }

    pub fn pick(rng: &mut Rng) -> Region {
        let total: u64 = REGIONS.iter().map(|r| r.weight).sum();
        let mut ticket = rng.below(total);
        for region in REGIONS {
            if ticket < region.weight {
                return region;
            }
            ticket -= region.weight;
        }
        REGIONS[0]
    }

    /// The schedule time zone: the platform runs European clusters on London time.
    pub fn timezone(&self) -> &'static str {
        if self.name.starts_with("eu-") {
            "Europe/London"
        } else {
            "UTC"
        }
    }
}

/// Hub names for the random part of the fleet: every prefix × suffix place name, shuffled
/// per seed; a fleet with more hubs than names numbers the repeats ("oakdale-2").
pub struct StemBook {
    stems: Vec<String>,
}

impl StemBook {
    pub fn new(seed: u64) -> Self {
        let mut stems: Vec<String> = PREFIXES
            .iter()
            .flat_map(|p| SUFFIXES.iter().map(move |s| (p, s)))
            // "brookbrook" and "millmill" read as typos.
            .filter(|(p, s)| !p.ends_with(*s) && !s.starts_with(*p))
            .map(|(p, s)| format!("{p}{s}"))
            .filter(|stem| !RESERVED_STEMS.contains(&stem.as_str()))
            .collect();
        Rng::keyed(seed, &[0x5737]).shuffle(&mut stems);
        Self { stems }
    }

    /// The `n`th random hub's stem.
    pub fn stem(&self, n: usize) -> String {
        let len = self.stems.len().max(1);
        let base = self.stems.get(n % len).map_or("campus", String::as_str);
        match n / len {
            0 => base.to_string(),
            round => format!("{base}-{}", round + 1),
        }
    }
}

pub fn institution(rng: &mut Rng) -> &'static str {
    rng.pick(&INSTITUTIONS)
}

/// "oakdale-2" → "Oakdale 2".
pub fn title_case(stem: &str) -> CompactString {
    // Inline for a stem or a faculty: a million tenants' names are made at start-up.
    let mut out = CompactString::with_capacity(stem.len());
    for (i, word) in stem.split('-').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The shared platform domain spokes and restored spokes live under.
pub const PLATFORM_DOMAIN: &str = "example-moodle.net";

pub fn spoke_hostname(slug: &str) -> String {
    [slug, ".", PLATFORM_DOMAIN].concat()
}

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// An id: `prefix`, then `value` in base 36 in exactly `width` digits (the high digits of
/// larger values are dropped).
pub fn base36(prefix: &str, mut value: u64, width: usize) -> CompactString {
    // Written in place, no formatting machinery: a million tenants' ids (and their points'
    // ids, several each) are made at start-up.
    let mut digits = [b'0'; 24];
    let digits = &mut digits[..width.min(24)];
    for slot in digits.iter_mut().rev() {
        *slot = BASE36[(value % 36) as usize];
        value /= 36;
    }
    let mut id = CompactString::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(std::str::from_utf8(digits).expect("base-36 digits are ASCII"));
    id
}

/// Five base-36 digits hold this many ids.
const ID_SPACE: u64 = 36u64.pow(5);
/// Coprime with 36, so `index ↦ index·STRIDE + offset (mod ID_SPACE)` never repeats.
const ID_STRIDE: u64 = 22_695_479;

/// "ten_8f2k1": unique for the first 60 million tenants of a seed, and scattered so that
/// neighbouring tenants do not get neighbouring ids.
pub fn tenant_id(seed: u64, index: usize) -> CompactString {
    let offset = mix(seed) % ID_SPACE;
    let value = ((index as u64 % ID_SPACE) * ID_STRIDE + offset) % ID_SPACE;
    base36("ten_", value, 5)
}

/// "rp_3k9x0a1": a restore point's id, from its tenant and run instant.
pub fn restore_point_id(seed: u64, tenant: usize, run_at_seconds: i64) -> RestorePointId {
    let value = Rng::keyed(seed, &[0x7270, tenant as u64, run_at_seconds as u64]).next_u64();
    RestorePointId(base36("rp_", value, 7))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tenant_ids_are_unique_and_look_like_the_contract() {
        let ids: HashSet<CompactString> = (0..200_000).map(|i| tenant_id(42, i)).collect();
        assert_eq!(ids.len(), 200_000);
        let id = tenant_id(42, 0);
        assert!(id.starts_with("ten_") && id.len() == 9, "{id}");
        assert_ne!(tenant_id(42, 0), tenant_id(43, 0));
    }

    #[test]
    fn stems_are_distinct_until_numbered() {
        let book = StemBook::new(1);
        let stems: HashSet<String> = (0..3000).map(|n| book.stem(n)).collect();
        assert_eq!(stems.len(), 3000);
        assert!(stems.iter().all(|s| !RESERVED_STEMS.contains(&s.as_str())));
    }

    #[test]
    fn words_are_formatted() {
        assert_eq!(base36("", 35, 3), "00z");
        assert_eq!(base36("rp_", 36, 3), "rp_010");
        assert_eq!(title_case("oakdale-2"), "Oakdale 2");
        assert_eq!(Region::named("us-east-1").secondary, "us-west-2");
        assert_eq!(Region::named("nowhere").name, "eu-west-1");
    }
}
