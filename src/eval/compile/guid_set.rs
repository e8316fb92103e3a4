//! The set of Guids of an `id in (…)` list: a hash set, with a small Bloom filter in front of it
//! for long lists.
//!
//! A hash set of 10,000 Guids takes about 256 KiB, more than the L1 and L2 caches hold next to the
//! records being filtered, so each lookup of an id that is not in the list (most of them) misses the
//! cache. The Bloom filter answers most of those from at most 16 KiB: one 64-bit word per lookup
//! with two bits of the key's hash in it (a "blocked" Bloom filter). A key whose bits are not both
//! set is not in the list; otherwise the hash set decides, so the answer is always exact.

use std::hash::{BuildHasher, BuildHasherDefault};

use super::plan::{FastSet, KeyHasher};

/// Lists shorter than this have no Bloom filter: their hash set is small enough to stay in cache.
const BLOOM_FROM: usize = 512;

/// At most this many 64-bit words of Bloom filter (16 KiB), whatever the list's length; with
/// 10,000 Guids about 2% of the keys not in the list still reach the hash set.
const BLOOM_MAX_WORDS: usize = 2048;

/// A set of Guids (as `u128`), exact, with a Bloom filter in front for long lists.
#[derive(Clone, Debug, Default)]
pub(super) struct GuidSet {
    set: FastSet<u128>,
    /// A power of two number of words, or none.
    bloom: Box<[u64]>,
}

impl GuidSet {
    /// The set of `items`.
    pub(super) fn new(items: impl IntoIterator<Item = u128>) -> GuidSet {
        let set: FastSet<u128> = items.into_iter().collect();
        let bloom = if set.len() < BLOOM_FROM {
            Box::default()
        } else {
            let words = set.len().next_power_of_two().min(BLOOM_MAX_WORDS);
            let mut bloom = vec![0u64; words].into_boxed_slice();
            for &g in &set {
                let (w, bits) = Self::probe(g, words);
                bloom[w] |= bits;
            }
            bloom
        };
        GuidSet { set, bloom }
    }

    /// The number of Guids.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.set.len()
    }

    /// The word of the Bloom filter (of `words` words) for `g`, and the two bits of it.
    #[inline(always)]
    fn probe(g: u128, words: usize) -> (usize, u64) {
        let h = BuildHasherDefault::<KeyHasher>::default().hash_one(g);
        let w = (h >> 40) as usize & (words - 1);
        (w, 1u64 << (h & 63) | 1u64 << ((h >> 6) & 63))
    }

    /// True when `g` is in the set.
    #[inline(always)]
    pub(super) fn contains(&self, g: u128) -> bool {
        if !self.bloom.is_empty() {
            let (w, bits) = Self::probe(g, self.bloom.len());
            if !self.bloom.get(w).is_some_and(|&word| word & bits == bits) {
                return false;
            }
        }
        self.set.contains(&g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guids(seed: u128, n: usize) -> Vec<u128> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645)
                    .wrapping_add(0x5851_F42D_4C95_7F2D);
                x
            })
            .collect()
    }

    /// Short and long lists answer exactly what a plain hash set answers, for members and for
    /// other keys, including those the Bloom filter lets through (its false positives).
    #[test]
    fn answers_what_the_hash_set_answers() {
        for n in [0, 1, 10, BLOOM_FROM - 1, BLOOM_FROM, 10_000, 50_000] {
            let members = guids(1, n);
            let set = GuidSet::new(members.iter().copied());
            assert_eq!(set.len(), n);
            assert_eq!(set.bloom.is_empty(), n < BLOOM_FROM, "{n}");
            assert!(set.bloom.len() <= BLOOM_MAX_WORDS);
            assert!(members.iter().all(|&g| set.contains(g)), "{n}");
            let others = guids(2, 20_000);
            let plain: FastSet<u128> = members.iter().copied().collect();
            let mut passed_bloom = 0;
            for &g in &others {
                assert_eq!(set.contains(g), plain.contains(&g), "{n} {g:x}");
                if !set.bloom.is_empty() {
                    let (w, bits) = GuidSet::probe(g, set.bloom.len());
                    passed_bloom += usize::from(set.bloom[w] & bits == bits);
                }
            }
            if n >= BLOOM_FROM {
                // The false-positive path is exercised, and the filter still rejects most keys.
                assert!(passed_bloom > 0, "{n}");
                if n <= 10_000 {
                    assert!(passed_bloom < others.len() / 10, "{n}: {passed_bloom}");
                }
            }
        }
    }
}
