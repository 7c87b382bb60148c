//! Ordering by score and the greedy selection of k districts under constraints, shared by the
//! nominal ranking and every Monte Carlo draw so both apply exactly the same rules.

/// The constraints compiled to indices; feasibility has been checked when one exists.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// Number to select.
    pub k: usize,
    /// Province index of each district.
    pub province: Vec<u32>,
    /// Number of distinct provinces.
    pub n_provinces: usize,
    /// Forced-in districts, ascending, no duplicates.
    pub include: Vec<u32>,
    /// Forced-out districts.
    pub excluded: Vec<bool>,
    /// SPBE below `min_spbe` (all false without it).
    pub below_min_spbe: Vec<bool>,
    /// `max_per_province`.
    pub max_per_province: Option<usize>,
    /// `min_per_province`.
    pub min_per_province: Option<usize>,
    /// No constraint is set, so the selection is the first k of the order.
    pub unconstrained: bool,
}

/// One of the constraints, in the fixed order in which their effects are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Constraint {
    MinSpbe,
    Exclude,
    Include,
    MaxPerProvince,
    MinPerProvince,
}

impl Constraint {
    /// Order of cumulative application for the constraint effects.
    pub const ORDER: [Constraint; 5] = [
        Constraint::MinSpbe,
        Constraint::Exclude,
        Constraint::Include,
        Constraint::MaxPerProvince,
        Constraint::MinPerProvince,
    ];

    /// Field name in the scenario.
    pub fn name(self) -> &'static str {
        match self {
            Constraint::MinSpbe => "min_spbe",
            Constraint::Exclude => "exclude",
            Constraint::Include => "include",
            Constraint::MaxPerProvince => "max_per_province",
            Constraint::MinPerProvince => "min_per_province",
        }
    }
}

/// Which constraints a selection applies; the nominal ranking switches them on one by one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Steps {
    pub min_spbe: bool,
    pub exclude: bool,
    pub include: bool,
    pub max_per_province: bool,
    pub min_per_province: bool,
}

impl Steps {
    /// Every constraint applied.
    pub const ALL: Steps = Steps {
        min_spbe: true,
        exclude: true,
        include: true,
        max_per_province: true,
        min_per_province: true,
    };

    /// Switches one constraint on.
    pub fn enable(&mut self, c: Constraint) {
        match c {
            Constraint::MinSpbe => self.min_spbe = true,
            Constraint::Exclude => self.exclude = true,
            Constraint::Include => self.include = true,
            Constraint::MaxPerProvince => self.max_per_province = true,
            Constraint::MinPerProvince => self.min_per_province = true,
        }
    }
}

/// How a district came to be in or out of one selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pick {
    /// Not selected and never reached while slots were open, or not eligible.
    Out,
    /// Forced in by `include`.
    Included,
    /// Taken to meet `min_per_province`.
    Minimum,
    /// Taken on score.
    Score,
    /// Reached on score while slots were open, but its province was at `max_per_province`.
    CapSkipped,
}

impl Pick {
    /// In the selection.
    #[inline]
    pub fn selected(self) -> bool {
        matches!(self, Pick::Included | Pick::Minimum | Pick::Score)
    }
}

/// Reusable buffers of the greedy selection.
#[derive(Debug, Clone)]
pub(super) struct Selector {
    /// Outcome per district of the last [`Selector::run`].
    pub state: Vec<Pick>,
    count: Vec<u32>,
}

impl Selector {
    /// Buffers for `n` districts in `n_provinces` provinces.
    pub fn new(n: usize, n_provinces: usize) -> Self {
        Selector {
            state: vec![Pick::Out; n],
            count: vec![0; n_provinces],
        }
    }

    /// Greedy selection of `plan.k` districts along `order` (best first) under `steps`.
    ///
    /// Forced includes first; then, walking down the order, each province's best eligible
    /// districts until it has `min_per_province` (all of them if fewer); then the remaining slots
    /// by order, skipping provinces at `max_per_province`. Every later choice only depends on
    /// the order among what is still allowed, so this is the best-scoring feasible set.
    pub fn run(&mut self, plan: &Plan, steps: Steps, order: &[u32]) {
        self.state.fill(Pick::Out);
        self.count.fill(0);
        let k = plan.k;
        let mut taken = 0usize;
        if steps.include {
            for &i in &plan.include {
                self.state[i as usize] = Pick::Included;
                self.count[plan.province[i as usize] as usize] += 1;
                taken += 1;
            }
        }
        let eligible = |i: usize| {
            let out =
                (steps.exclude && plan.excluded[i]) || (steps.min_spbe && plan.below_min_spbe[i]);
            !out
        };
        if steps.min_per_province
            && let Some(min) = plan.min_per_province
            && min > 0
        {
            let min = min as u32;
            for &i in order {
                let i = i as usize;
                let p = plan.province[i] as usize;
                if self.state[i] == Pick::Out && self.count[p] < min && eligible(i) {
                    self.state[i] = Pick::Minimum;
                    self.count[p] += 1;
                    taken += 1;
                }
            }
        }
        let cap = match plan.max_per_province {
            Some(m) if steps.max_per_province => m as u32,
            _ => u32::MAX,
        };
        for &i in order {
            if taken >= k {
                break;
            }
            let i = i as usize;
            if self.state[i] != Pick::Out || !eligible(i) {
                continue;
            }
            let p = plan.province[i] as usize;
            if self.count[p] >= cap {
                self.state[i] = Pick::CapSkipped;
                continue;
            }
            self.state[i] = Pick::Score;
            self.count[p] += 1;
            taken += 1;
        }
    }

    /// Selects under every constraint and calls `f(district, rank)` for every district, with
    /// 1-based ranks: selected districts first in `order`, then the others in `order`.
    #[inline]
    pub fn for_each_rank(&mut self, plan: &Plan, order: &[u32], mut f: impl FnMut(usize, u32)) {
        if plan.unconstrained {
            // The selection is the first k of the order, so the rank is the position.
            for (pos, &i) in order.iter().enumerate() {
                f(i as usize, pos as u32 + 1);
            }
            return;
        }
        self.run(plan, Steps::ALL, order);
        let (mut first, mut rest) = (0u32, plan.k as u32);
        for &i in order {
            let r = if self.state[i as usize].selected() {
                first += 1;
                first
            } else {
                rest += 1;
                rest
            };
            f(i as usize, r);
        }
    }

    /// Writes 1-based ranks: selected districts first in `order`, then the others in `order`.
    #[inline]
    pub fn write_ranks(&self, k: usize, order: &[u32], ranks: &mut [u32]) {
        let (mut first, mut rest) = (0u32, k as u32);
        for &i in order {
            if self.state[i as usize].selected() {
                first += 1;
                ranks[i as usize] = first;
            } else {
                rest += 1;
                ranks[i as usize] = rest;
            }
        }
    }
}

/// Reusable buffers of [`OrderBuf::compute`].
#[derive(Debug, Clone, Default)]
pub(super) struct OrderBuf {
    narrow: Vec<u32>,
    narrow_spare: Vec<u32>,
    wide: Vec<u64>,
    wide_spare: Vec<u64>,
    wide_counts: Vec<u32>,
    /// The order: district indices, highest priority first.
    pub order: Vec<u32>,
}

/// Runs up to this length are ordered by insertion sort, which beats a general sort there.
const INSERTION_MAX: usize = 24;
/// Up to this many districts, a 16-bit key and a 16-bit index share one u32 (at least 16 key
/// values per district); above it, a 32-bit key and the index share one u64.
const NARROW_MAX_N: usize = 4096;

impl OrderBuf {
    /// Orders districts by score descending, then stunting descending, then index ascending
    /// (indices follow Kemendagri codes ascending).
    ///
    /// Each score is mapped to a key ⌊(max − score)·(2^b − 1)/(max − min)⌋, a monotone function
    /// of the score (b = 16 bits up to 4,096 districts, 24 up to 262,144, else 32), packed with
    /// the district index and radix-sorted (8 or 12 bits per pass): O(n), and for 514 scores about
    /// 2.5 times faster than a comparison sort. Scores that share a key (equal scores, or ones
    /// closer than (max − min)/2^b) are then ordered with the full comparison, so the result is
    /// exactly the comparison order.
    pub fn compute(&mut self, scores: &[f64], stunting: &[f64]) {
        let n = scores.len();
        let before = |a: &u32, b: &u32| {
            let (a, b) = (*a as usize, *b as usize);
            scores[b]
                .total_cmp(&scores[a])
                .then(stunting[b].total_cmp(&stunting[a]))
                .then(a.cmp(&b))
        };
        let (lo, hi) = super::score::min_max(scores);
        let narrow = n <= NARROW_MAX_N;
        let bytes = if narrow { 2 } else { wide_key_bytes(n) };
        let levels = ((1u64 << (8 * bytes)) - 1) as f64;
        let scale = levels / (hi - lo);
        self.order.clear();
        if n < 2 || !scale.is_finite() {
            self.order.extend(0..n as u32);
            sort_run(&mut self.order, before);
            return;
        }
        if narrow {
            // Keys and the byte histograms of the radix sort in one pass.
            let keys = &mut self.narrow;
            keys.clear();
            let mut counts = [[0u32; 256]; 2];
            for (i, &s) in scores.iter().enumerate() {
                let key = (((hi - s) * scale) as u32) << 16 | i as u32;
                counts[0][((key >> 16) & 0xFF) as usize] += 1;
                counts[1][(key >> 24) as usize] += 1;
                keys.push(key);
            }
            radix_sort_narrow(keys, &mut self.narrow_spare, counts);
            self.order.extend(keys.iter().map(|&key| key & 0xFFFF));
            fix_ties(&mut self.order, |p| keys[p] >> 16, before);
        } else {
            let keys = &mut self.wide;
            keys.clear();
            keys.extend(
                scores
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| ((((hi - s) * scale) as u32 as u64) << 32) | i as u64),
            );
            radix_sort_wide(keys, &mut self.wide_spare, &mut self.wide_counts, bytes);
            self.order.extend(keys.iter().map(|&key| key as u32));
            fix_ties(&mut self.order, |p| (keys[p] >> 32) as u32, before);
        }
    }
}

/// Orders each run of equal keys (`key(position)`) with the full comparison.
fn fix_ties(
    order: &mut [u32],
    key: impl Fn(usize) -> u32,
    before: impl Fn(&u32, &u32) -> std::cmp::Ordering + Copy,
) {
    let n = order.len();
    let mut start = 0;
    while start < n {
        let k = key(start);
        let mut end = start + 1;
        while end < n && key(end) == k {
            end += 1;
        }
        if end - start > 1 {
            sort_run(&mut order[start..end], before);
        }
        start = end;
    }
}

/// Stable LSD radix sort of u32 keys by their upper 16 bits, one byte per pass, given the
/// histogram of each byte; a byte that all keys share costs no pass.
fn radix_sort_narrow(keys: &mut Vec<u32>, spare: &mut Vec<u32>, mut counts: [[u32; 256]; 2]) {
    let n = keys.len();
    spare.clear();
    spare.resize(n, 0);
    for (byte, c) in counts.iter_mut().enumerate() {
        if !prefix_sums(c, n) {
            continue;
        }
        let shift = 16 + 8 * byte;
        for &key in keys.iter() {
            let digit = ((key >> shift) & 0xFF) as usize;
            spare[c[digit] as usize] = key;
            c[digit] += 1;
        }
        std::mem::swap(keys, spare);
    }
}

/// Key bytes above [`NARROW_MAX_N`] districts: about 64 key values per district or more, so
/// that few distinct scores share a key; 3 bytes up to 262,144 districts, else 4.
fn wide_key_bytes(n: usize) -> usize {
    if n <= 1 << 18 { 3 } else { 4 }
}

/// Bits per pass of [`radix_sort_wide`]: 4,096 counters (16 KiB) stay in L1, and a 24-bit key
/// takes two passes instead of three.
const WIDE_DIGIT_BITS: usize = 12;

/// Stable LSD radix sort of u64 keys by the low `bytes` bytes of their upper half, 12 bits per
/// pass; a digit that all keys share costs no pass.
fn radix_sort_wide(keys: &mut Vec<u64>, spare: &mut Vec<u64>, counts: &mut Vec<u32>, bytes: usize) {
    let n = keys.len();
    let radix = 1usize << WIDE_DIGIT_BITS;
    let mask = (radix - 1) as u64;
    let passes = (8 * bytes).div_ceil(WIDE_DIGIT_BITS);
    counts.clear();
    counts.resize(passes * radix, 0);
    for &key in keys.iter() {
        for (pass, c) in counts.chunks_exact_mut(radix).enumerate() {
            c[((key >> (32 + WIDE_DIGIT_BITS * pass)) & mask) as usize] += 1;
        }
    }
    spare.clear();
    spare.resize(n, 0);
    for (pass, c) in counts.chunks_exact_mut(radix).enumerate() {
        if !prefix_sums(c, n) {
            continue;
        }
        let shift = 32 + WIDE_DIGIT_BITS * pass;
        for &key in keys.iter() {
            let digit = ((key >> shift) & mask) as usize;
            spare[c[digit] as usize] = key;
            c[digit] += 1;
        }
        std::mem::swap(keys, spare);
    }
}

/// Turns digit counts into start offsets; false when one digit holds all `n` keys, so the
/// pass would not move anything.
fn prefix_sums(counts: &mut [u32], n: usize) -> bool {
    if counts.iter().any(|&c| c as usize == n) {
        return false;
    }
    let mut sum = 0u32;
    for c in counts.iter_mut() {
        let here = *c;
        *c = sum;
        sum += here;
    }
    true
}

fn sort_run(v: &mut [u32], cmp: impl Fn(&u32, &u32) -> std::cmp::Ordering) {
    if v.len() > INSERTION_MAX {
        v.sort_unstable_by(cmp);
        return;
    }
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && cmp(&x, &v[j - 1]) == std::cmp::Ordering::Less {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The order by plain comparison sort, the reference for the radix sort.
    fn reference(scores: &[f64], stunting: &[f64]) -> Vec<u32> {
        let mut v: Vec<u32> = (0..scores.len() as u32).collect();
        v.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            scores[b]
                .total_cmp(&scores[a])
                .then(stunting[b].total_cmp(&stunting[a]))
                .then(a.cmp(&b))
        });
        v
    }

    #[test]
    fn the_wide_radix_path_orders_many_tied_scores_like_a_comparison_sort() {
        // 5,000 districts (above the 16-bit path) with only 997 distinct scores and 13 distinct
        // stunting values, so most ties go down to the index.
        let n = 5_000;
        let scores: Vec<f64> = (0..n).map(|i| ((i * 7919) % 997) as f64 / 997.0).collect();
        let stunting: Vec<f64> = (0..n).map(|i| ((i * 31) % 13) as f64).collect();
        let mut ob = OrderBuf::default();
        ob.compute(&scores, &stunting);
        assert_eq!(ob.order, reference(&scores, &stunting));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_radix_order_equals_the_comparison_order(
            raw in prop::collection::vec((0u8..40, 0u8..5, any::<bool>()), 0..600),
            spread in prop_oneof![Just(1e-9), Just(1.0), Just(1e6)],
        ) {
            // Coarse values force ties; `spread` tests tiny and large score ranges.
            let scores: Vec<f64> = raw
                .iter()
                .map(|&(s, _, neg)| (if neg { -1.0 } else { 1.0 }) * s as f64 * spread + 0.0)
                .collect();
            let stunting: Vec<f64> = raw.iter().map(|&(_, t, _)| t as f64).collect();
            let mut ob = OrderBuf::default();
            ob.compute(&scores, &stunting);
            prop_assert_eq!(ob.order, reference(&scores, &stunting));
        }
    }
}
