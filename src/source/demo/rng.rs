//! A tiny deterministic random number generator (splitmix64).
//!
//! Our own rather than the `rand` crate: the fleet of a seed is part of the product (tests,
//! screenshots and bug reports name it), so it must not change when a dependency is bumped.

/// The splitmix64 increment (2^64 / φ).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// splitmix64's finaliser: a bijective scramble of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// An independent stream named by `keys` (purpose, tenant, instant…). Keyed streams let
    /// one tenant's numbers stay the same whatever was drawn for the others, so changing one
    /// rule of the generator does not reshuffle the whole fleet, and the simulator can
    /// recompute an attempt's outcome from its run instant alone.
    pub fn keyed(seed: u64, keys: &[u64]) -> Self {
        let state = keys.iter().fold(mix(seed), |state, key| {
            mix(state ^ mix(key.wrapping_add(GOLDEN)))
        });
        Self { state }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `0..n` (0 when `n` is 0). Multiply-shift: the bias is far below anything
    /// a demo could show.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.wrapping_add(self.below(span) as i64)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// One element of a non-empty array (checked at compile time).
    pub fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        const { assert!(N > 0, "pick from an empty array") };
        items[self.below(N as u64) as usize]
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seeds_differ() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::keyed(42, &[]);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::keyed(42, &[]);
                move |_| r.next_u64()
            })
            .collect();
        let c = Rng::keyed(43, &[]).next_u64();
        assert_eq!(a, b);
        assert_ne!(a[0], c);
    }

    #[test]
    fn keyed_streams_depend_on_every_key_and_their_order() {
        let first = |keys: &[u64]| Rng::keyed(7, keys).next_u64();
        assert_eq!(first(&[1, 2]), first(&[1, 2]));
        assert_ne!(first(&[1, 2]), first(&[2, 1]));
        assert_ne!(first(&[1, 2]), first(&[1, 3]));
        assert_ne!(first(&[1]), first(&[1, 0]));
    }

    #[test]
    fn the_fleet_of_a_seed_never_changes() {
        // Pinned values: if this fails, every seed's fleet (and every screenshot) changed.
        assert_eq!(Rng::keyed(0, &[]).next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(mix(1), 0x5692_161D_100B_05E5);
    }

    #[test]
    fn bounded_draws_stay_in_bounds() {
        let mut r = Rng::keyed(1, &[]);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            assert!((-3..=3).contains(&r.range(-3, 3)));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.range(5, 1), 5);
        let mut items = [1, 2, 3, 4, 5];
        r.shuffle(&mut items);
        items.sort_unstable();
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }
}
