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
            !(steps.exclude && plan.excluded[i]) && !(steps.min_spbe && plan.below_min_spbe[i])
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
    bucket: Vec<u32>,
    start: Vec<u32>,
    /// The order: district indices, highest priority first.
    pub order: Vec<u32>,
}

/// Ranges up to this length are ordered by insertion sort, which beats a general sort there.
const INSERTION_MAX: usize = 24;

impl OrderBuf {
    /// Orders districts by score descending, then stunting descending, then index ascending
    /// (indices follow Kemendagri codes ascending).
    ///
    /// A bucket sort: n buckets of equal width between the lowest and highest score, filled in
    /// one counting pass, then each bucket ordered with the full comparison. The bucket of a
    /// score is a monotone function of it, so the result is exactly the comparison order, in
    /// O(n) for spread-out scores instead of O(n log n); a bucket holding many districts (equal
    /// scores, outliers) falls back to a general sort of that bucket.
    pub fn compute(&mut self, scores: &[f64], stunting: &[f64]) {
        let n = scores.len();
        let before = |a: &u32, b: &u32| {
            let (a, b) = (*a as usize, *b as usize);
            scores[b]
                .total_cmp(&scores[a])
                .then(stunting[b].total_cmp(&stunting[a]))
                .then(a.cmp(&b))
        };
        let (lo, hi) = scores
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| (lo.min(s), hi.max(s)));
        let scale = n as f64 / (hi - lo);
        self.order.clear();
        if n < 2 || !scale.is_finite() {
            self.order.extend(0..n as u32);
            self.order.sort_unstable_by(before);
            return;
        }
        let last = n - 1;
        self.bucket.clear();
        self.bucket
            .extend(scores.iter().map(|&s| (((hi - s) * scale) as usize).min(last) as u32));
        self.start.clear();
        self.start.resize(n + 1, 0);
        for &b in &self.bucket {
            self.start[b as usize + 1] += 1;
        }
        for b in 0..n {
            self.start[b + 1] += self.start[b];
        }
        self.order.resize(n, 0);
        // Scatter, then walk the buckets again; `start[b]` ends at the start of bucket b + 1.
        for (i, &b) in self.bucket.iter().enumerate() {
            let slot = &mut self.start[b as usize];
            self.order[*slot as usize] = i as u32;
            *slot += 1;
        }
        let mut from = 0usize;
        for b in 0..n {
            let to = self.start[b] as usize;
            let run = &mut self.order[from..to];
            if run.len() > INSERTION_MAX {
                run.sort_unstable_by(before);
            } else if run.len() > 1 {
                insertion_sort(run, before);
            }
            from = to;
        }
    }
}

fn insertion_sort(v: &mut [u32], cmp: impl Fn(&u32, &u32) -> std::cmp::Ordering) {
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
