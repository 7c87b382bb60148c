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

/// Maps a score to a u64 whose ascending order is the score's descending order.
///
/// Scores are finite and have no −0 (see [`super::score::Scorer::score`]), so the IEEE-754
/// bit trick is a total order equal to the numeric one.
#[inline]
fn descending_key(x: f64) -> u64 {
    let bits = x.to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    !ascending
}

/// Reusable buffers of [`priority_order`].
#[derive(Debug, Clone, Default)]
pub(super) struct OrderBuf {
    keys: Vec<(u64, u32)>,
    /// The order: district indices, highest priority first.
    pub order: Vec<u32>,
}

impl OrderBuf {
    /// Orders districts by score descending, then stunting descending, then index ascending
    /// (indices follow Kemendagri codes ascending).
    ///
    /// Sorts integer keys and only compares stunting inside runs of equal scores, which are
    /// rare in simulation draws but common in small hand-made data.
    pub fn compute(&mut self, scores: &[f64], stunting: &[f64]) {
        let n = scores.len();
        self.keys.clear();
        self.keys.extend(
            scores
                .iter()
                .enumerate()
                .map(|(i, &s)| (descending_key(s), i as u32)),
        );
        self.keys.sort_unstable_by_key(|p| p.0);
        let mut start = 0;
        while start < n {
            let key = self.keys[start].0;
            let mut end = start + 1;
            while end < n && self.keys[end].0 == key {
                end += 1;
            }
            if end - start > 1 {
                self.keys[start..end].sort_unstable_by(|a, b| {
                    stunting[b.1 as usize]
                        .total_cmp(&stunting[a.1 as usize])
                        .then(a.1.cmp(&b.1))
                });
            }
            start = end;
        }
        self.order.clear();
        self.order.extend(self.keys.iter().map(|p| p.1));
    }
}
