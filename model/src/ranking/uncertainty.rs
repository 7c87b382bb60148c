//! Monte Carlo rank uncertainty: redraw the data and the weights, re-run the whole selection,
//! and summarise each district's ranks over the draws.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Beta, Distribution, Gamma};
use rayon::prelude::*;

use super::normal::Ziggurat;
use super::prepare::{Prepared, prepare};
use super::score::{Columns, SPBE_RANGE, STUNTING_RANGE, Scorer};
use super::select::{OrderBuf, Selector};
use super::{
    BAND_THRESHOLDS, Candidate, Method, RankUncertainty, Scenario, UncertaintyParams, Weights,
};
use crate::error::{ModelError, Result};
use crate::impact::{Outcome, ProjectionParams, Tally};
use crate::sentences as s;

/// Largest number of draws accepted.
pub(super) const MAX_DRAWS: usize = 100_000;
/// Largest SPBE standard error: the width of the 1–5 scale.
const MAX_SPBE_SE: f64 = 4.0;
/// Largest default stunting standard error, in % points: half the 0–100 scale.
const MAX_STUNTING_SE: f64 = 50.0;
/// Largest Dirichlet concentration; beyond it the weights no longer vary at all.
const MAX_CONCENTRATION: f64 = 1e6;
/// Redraws of a stunting value outside 0–100 % before it is clamped instead; only reached when
/// the standard error is huge relative to the distance to a bound, where clamping is harmless.
const MAX_REDRAWS: usize = 64;
/// Districts summarised together, so that reading their ranks walks each draw's row in
/// contiguous 256-byte pieces instead of one value per cache line.
const BLOCK: usize = 64;
/// Up to this many districts (and no more than draws) ranks are tallied in an n × n histogram
/// per chunk of draws instead of being stored per draw: at most 16 MiB per histogram, and no
/// table of draws × districts at all.
const HISTOGRAM_MAX_N: usize = 2048;
/// Bytes all histograms of [`by_histograms`] may take together (256 MiB), which bounds the
/// number of chunks on machines with many threads.
const HISTOGRAM_BUDGET: usize = 256 << 20;
/// Largest table of stored ranks, in bytes (1 GiB), when histograms do not apply.
pub(super) const MAX_STORED_BYTES: usize = 1 << 30;

/// See [`super::simulate`] and [`super::simulate_with_outcomes`].
pub(super) fn simulate(
    candidates: &[Candidate],
    scenario: &Scenario,
    params: &UncertaintyParams,
    projection: Option<&ProjectionParams>,
) -> Result<(Vec<RankUncertainty>, Vec<Outcome>)> {
    check_params(params)?;
    let prep = prepare(candidates, scenario)?;
    let n = prep.len();
    let mut se = Vec::with_capacity(n);
    for &j in &prep.input_index {
        let c = &candidates[j];
        match c.stunting_se {
            Some(v) if !(v.is_finite() && v >= 0.0) => {
                return Err(ModelError::invalid(
                    "invalid_stunting_se",
                    s::NOT_FINITE_SE
                        .with("code", c.code.as_str())
                        .with("value", v),
                ));
            }
            Some(v) => se.push(v),
            None => se.push(params.default_stunting_se),
        }
    }

    let draws = params.draws;
    let tally = n <= HISTOGRAM_MAX_N && n <= draws;
    let most = MAX_STORED_BYTES / (n * rank_bytes(n));
    if !tally && draws > most {
        return Err(ModelError::invalid(
            "invalid_draws",
            s::TOO_MANY_DRAWS
                .with("count", n)
                .with("max", most)
                .with("bytes", MAX_STORED_BYTES)
                .with("value", draws),
        ));
    }
    let sim = Simulation::new(&prep, se, params, projection);
    let (stats, outcomes) = if tally {
        by_histograms(&sim, draws)
    } else {
        by_stored_ranks(&sim, draws)
    };

    let mut out: Vec<Option<RankUncertainty>> = vec![None; n];
    for (i, st) in stats.into_iter().enumerate() {
        let j = prep.input_index[i];
        out[j] = Some(RankUncertainty {
            code: candidates[j].code.clone(),
            p_selected: st.p_selected,
            rank_median: st.quantiles[1],
            rank_p05: st.quantiles[0],
            rank_p95: st.quantiles[2],
            band: BAND_THRESHOLDS.band(st.p_selected),
            se_defaulted: candidates[j].stunting_se.is_none(),
        });
    }
    Ok((out.into_iter().flatten().collect(), outcomes))
}

fn check_params(p: &UncertaintyParams) -> Result<()> {
    if p.draws < 1 || p.draws > MAX_DRAWS {
        return Err(ModelError::invalid(
            "invalid_draws",
            s::RANGE
                .with("field", "draws")
                .with("min", 1)
                .with("max", MAX_DRAWS)
                .with("value", p.draws),
        ));
    }
    if !(0.0..=MAX_SPBE_SE).contains(&p.spbe_se) {
        return Err(ModelError::invalid(
            "invalid_spbe_se",
            s::RANGE
                .with("field", "spbe_se")
                .with("min", 0)
                .with("max", MAX_SPBE_SE)
                .with("value", p.spbe_se),
        ));
    }
    if !(0.0..=MAX_STUNTING_SE).contains(&p.default_stunting_se) {
        return Err(ModelError::invalid(
            "invalid_default_stunting_se",
            s::STUNTING_SE_RANGE
                .with("max", MAX_STUNTING_SE)
                .with("value", p.default_stunting_se),
        ));
    }
    if let Some(t) = p.target_se
        && !(t > 0.0 && t <= 0.5)
    {
        return Err(ModelError::invalid(
            "invalid_target_se",
            s::ABOVE_ZERO_AT_MOST
                .with("field", "target_se")
                .with("max", 0.5)
                .with("value", t),
        ));
    }
    if !(p.weight_concentration > 0.0 && p.weight_concentration <= MAX_CONCENTRATION) {
        return Err(ModelError::invalid(
            "invalid_weight_concentration",
            s::ABOVE_ZERO_AT_MOST
                .with("field", "weight_concentration")
                .with("max", MAX_CONCENTRATION)
                .with("value", p.weight_concentration),
        ));
    }
    Ok(())
}

/// How a draw's weights are drawn around the nominal ones (composite only).
enum WeightDraw {
    /// One positive weight, or a method without weights: nothing to draw.
    Fixed,
    /// Stunting and SPBE both positive, nothing else: Dirichlet(c·w_s, c·w_d) over two weights
    /// is Beta(c·w_s, c·w_d) for w_s, with w_d = 1 − w_s.
    Beta(Beta<f64>),
    /// Three or more positive weights: Dirichlet(c·w) as independent Gamma(c·wᵢ, 1) draws
    /// divided by their sum; zero weights stay 0.
    Dirichlet([Option<Gamma<f64>>; 4]),
}

/// Everything a draw reads; shared by all threads.
struct Simulation<'p, 'a> {
    prep: &'p Prepared<'a>,
    /// Stunting standard error per district (defaults filled in).
    se: Vec<f64>,
    /// Previous-year standard error per district (defaults filled in), when trend is scored.
    previous_se: Vec<f64>,
    spbe_se: f64,
    /// The user's seed.
    seed: u64,
    weight: WeightDraw,
    /// Coverage and projection are summed per draw when given.
    projection: Option<ProjectionParams>,
}

impl<'p, 'a> Simulation<'p, 'a> {
    fn new(
        prep: &'p Prepared<'a>,
        se: Vec<f64>,
        params: &UncertaintyParams,
        projection: Option<&ProjectionParams>,
    ) -> Self {
        let w = prep.weights;
        let c = params.weight_concentration;
        let all = [w.stunting, w.spbe, w.burden, w.trend];
        let positive = all.iter().filter(|&&x| x > 0.0).count();
        let weight = if prep.spec.method != Method::Composite || positive < 2 {
            WeightDraw::Fixed
        } else if w.burden == 0.0 && w.trend == 0.0 {
            Beta::new(c * w.stunting, c * w.spbe).map_or(WeightDraw::Fixed, WeightDraw::Beta)
        } else {
            WeightDraw::Dirichlet(
                all.map(|x| (x > 0.0).then(|| Gamma::new(c * x, 1.0).ok()).flatten()),
            )
        };
        let previous_se = if prep.uses_previous {
            prep.previous_se
                .iter()
                .map(|v| v.unwrap_or(params.default_stunting_se))
                .collect()
        } else {
            Vec::new()
        };
        Simulation {
            prep,
            se,
            previous_se,
            spbe_se: params.spbe_se,
            seed: params.seed,
            weight,
            projection: projection.copied(),
        }
    }

    fn draw_weights(&self, rng: &mut Xoshiro256PlusPlus) -> Weights {
        let w = self.prep.weights;
        match &self.weight {
            WeightDraw::Fixed => w,
            WeightDraw::Beta(beta) => {
                let x: f64 = beta.sample(rng);
                if x.is_finite() {
                    Weights::two(x, 1.0 - x)
                } else {
                    w
                }
            }
            WeightDraw::Dirichlet(gammas) => {
                let g = gammas
                    .each_ref()
                    .map(|d| d.as_ref().map_or(0.0, |d| d.sample(rng)));
                let total: f64 = g.iter().sum();
                if total > 0.0 && total.is_finite() {
                    Weights {
                        stunting: g[0] / total,
                        spbe: g[1] / total,
                        burden: g[2] / total,
                        trend: g[3] / total,
                    }
                } else {
                    w
                }
            }
        }
    }

    /// Runs draw `d`, leaving its order in `ws.order` for [`Selector::for_each_rank`].
    ///
    /// The draw's generator is seeded from (seed, d) alone, so the outcome never depends on
    /// which thread runs it.
    fn draw(&self, d: usize, ws: &mut Workspace) {
        let prep = self.prep;
        let mut rng = draw_rng(self.seed, d);

        let weights = self.draw_weights(&mut rng);
        let zig = Ziggurat::get();
        // Plain normal draws first, in one tight loop; the rare values outside 0–100 % are
        // redrawn afterwards, so the common path has no data-dependent branch.
        for ((out, &mu), &sd) in ws.stunting.iter_mut().zip(&prep.stunting).zip(&self.se) {
            *out = mu + sd * zig.sample(&mut rng);
        }
        for ((out, &mu), &sd) in ws.stunting.iter_mut().zip(&prep.stunting).zip(&self.se) {
            if !(*out >= STUNTING_RANGE.0 && *out <= STUNTING_RANGE.1) {
                *out = truncated_normal(&mut rng, mu, sd, STUNTING_RANGE);
            }
            *out += 0.0;
        }
        let spbe_se = self.spbe_se;
        if spbe_se > 0.0 {
            for (out, &mu) in ws.spbe.iter_mut().zip(&prep.spbe) {
                *out =
                    (mu + spbe_se * zig.sample(&mut rng)).clamp(SPBE_RANGE.0, SPBE_RANGE.1) + 0.0;
            }
        } else {
            ws.spbe.copy_from_slice(&prep.spbe);
        }
        // The previous year is redrawn only when scores read it, after everything else, so
        // scenarios without a trend draw exactly what they always drew.
        if prep.uses_previous {
            ws.previous.resize(prep.len(), 0.0);
            for ((out, &mu), &sd) in ws
                .previous
                .iter_mut()
                .zip(&prep.previous)
                .zip(&self.previous_se)
            {
                *out = truncated_normal(&mut rng, mu, sd, STUNTING_RANGE);
            }
        }

        // The scale (min/max, mean/sd, OLS line) is refitted to each draw's values. A residual
        // line that cannot be fitted (SPBE constant in this draw) falls back to slope 0.
        let Workspace {
            stunting,
            spbe,
            previous,
            scores,
            scratch,
            order,
            ..
        } = ws;
        let columns = Columns {
            s: stunting,
            d: spbe,
            n: &prep.under5,
            prev: if prep.uses_previous {
                previous
            } else {
                &prep.previous
            },
        };
        let scorer = Scorer::fit(prep.spec, weights, columns).unwrap_or_else(|| {
            let mean = stunting.iter().sum::<f64>() / stunting.len() as f64;
            Scorer::Residual {
                a: mean,
                b: 0.0,
                mean_s: mean,
                mean_d: 0.0,
            }
        });
        scorer.score_all(columns, scores, scratch);
        order.compute(scores, stunting);
    }
}

/// The generator of draw `d`: Xoshiro256++ (a fixed, published algorithm, so results are
/// reproducible across versions) seeded with `seed ^ splitmix64(d)`. SplitMix64 is a bijection,
/// so draws of one run get distinct seeds, and `seed_from_u64` spreads each seed over the
/// 256-bit state with SplitMix64 again. Xoshiro rather than ChaCha8 because a draw is dominated
/// by its 2n normal variates and Xoshiro's output costs about half as much; the simulation needs
/// statistical quality and reproducibility, not unpredictability.
fn draw_rng(seed: u64, d: usize) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ splitmix64(d as u64))
}

/// The SplitMix64 output function (Steele, Lea & Flood 2014).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A normal draw truncated to `range` by redrawing; `sd` 0 returns `mu` unchanged.
#[inline]
fn truncated_normal(rng: &mut Xoshiro256PlusPlus, mu: f64, sd: f64, range: (f64, f64)) -> f64 {
    if sd <= 0.0 {
        return mu;
    }
    let mut v = mu;
    let zig = Ziggurat::get();
    for _ in 0..MAX_REDRAWS {
        v = mu + sd * zig.sample(rng);
        if v >= range.0 && v <= range.1 {
            return v + 0.0;
        }
    }
    v.clamp(range.0, range.1) + 0.0
}

/// Per-thread buffers reused across draws.
struct Workspace {
    stunting: Vec<f64>,
    spbe: Vec<f64>,
    previous: Vec<f64>,
    scores: Vec<f64>,
    scratch: Vec<f64>,
    order: OrderBuf,
    selector: Selector,
}

impl Workspace {
    fn new(prep: &Prepared<'_>) -> Self {
        let n = prep.len();
        Workspace {
            stunting: vec![0.0; n],
            spbe: vec![0.0; n],
            previous: Vec::new(),
            scores: vec![0.0; n],
            scratch: Vec::new(),
            order: OrderBuf::default(),
            selector: Selector::new(n, prep.plan.n_provinces),
        }
    }
}

impl Simulation<'_, '_> {
    /// Coverage and projection of the draw just run in `ws` (when asked for): the drawn
    /// prevalences over the districts this draw selected.
    fn outcome(&self, ws: &Workspace, selected: &[bool]) -> Option<Outcome> {
        let params = self.projection.as_ref()?;
        let mut tally = Tally::default();
        for ((&p, &n), &sel) in ws.stunting.iter().zip(&self.prep.under5).zip(selected) {
            tally.add(p, n, sel, params);
        }
        tally.outcome(params)
    }
}

/// Summary of one district's ranks over the draws.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stats {
    p_selected: f64,
    /// 5th, 50th and 95th percentile rank.
    quantiles: [f64; 3],
}

/// Runs the draws in a few contiguous chunks (two per thread, for balance), each tallying its
/// ranks in an n × n histogram (row = district, column = rank − 1), then adds the histograms
/// up. Integer sums do not depend on how the draws were split, so neither does the result.
fn by_histograms(sim: &Simulation<'_, '_>, draws: usize) -> (Vec<Stats>, Vec<Outcome>) {
    let n = sim.prep.len();
    let k = sim.prep.plan.k;
    let chunks = (2 * rayon::current_num_threads())
        .min(HISTOGRAM_BUDGET / (n * n * 4))
        .max(1);
    let chunk = draws.div_ceil(chunks);
    let total = (0..draws.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let mut ws = Workspace::new(sim.prep);
            let mut hist = vec![0u32; n * n];
            let mut selected = vec![false; n];
            let mut outcomes = Vec::new();
            for d in c * chunk..((c + 1) * chunk).min(draws) {
                sim.draw(d, &mut ws);
                let Workspace {
                    order, selector, ..
                } = &mut ws;
                selector.for_each_rank(&sim.prep.plan, &order.order, |i, r| {
                    hist[i * n + r as usize - 1] += 1;
                    selected[i] = r as usize <= k;
                });
                outcomes.extend(sim.outcome(&ws, &selected));
            }
            (hist, outcomes)
        })
        // Chunks are contiguous and reduced in order, so the outcomes stay in draw order.
        .reduce_with(|(mut a, mut oa), (b, ob)| {
            for (x, y) in a.iter_mut().zip(&b) {
                *x += y;
            }
            oa.extend(ob);
            (a, oa)
        })
        .unwrap_or_default();
    let (total, outcomes) = total;
    let stats = total
        .par_chunks_exact(n)
        .map(|row| Stats {
            p_selected: row[..k].iter().map(|&c| c as usize).sum::<usize>() as f64 / draws as f64,
            quantiles: quantiles_from_counts(row, 1, draws),
        })
        .collect();
    (stats, outcomes)
}

/// Bytes per stored rank: rank − 1 < n fits in 2 bytes up to 65,536 districts, 3 up to 2²⁴.
fn rank_bytes(n: usize) -> usize {
    if n <= 1 << 16 {
        2
    } else if n <= 1 << 24 {
        3
    } else {
        4
    }
}

/// Stores every draw's ranks (draw-major: draw d's row at `d·n·W..(d+1)·n·W`, rank − 1 in W
/// little-endian bytes), then summarises each district from its column, reading [`BLOCK`]
/// districts at a time. Packing takes 3 bytes per rank for 84,000 districts instead of 4.
fn by_stored_ranks(sim: &Simulation<'_, '_>, draws: usize) -> (Vec<Stats>, Vec<Outcome>) {
    // The width is a constant in each instance, so a rank moves as 2 or 3 plain byte stores
    // instead of a call to memcpy.
    match rank_bytes(sim.prep.len()) {
        2 => stored_ranks::<2>(sim, draws),
        3 => stored_ranks::<3>(sim, draws),
        _ => stored_ranks::<4>(sim, draws),
    }
}

fn stored_ranks<const W: usize>(
    sim: &Simulation<'_, '_>,
    draws: usize,
) -> (Vec<Stats>, Vec<Outcome>) {
    let n = sim.prep.len();
    let k = sim.prep.plan.k;
    let mut store = vec![0u8; n * W * draws];
    let mut outcomes: Vec<Option<Outcome>> = vec![None; draws];
    store
        .par_chunks_mut(n * W)
        .zip(outcomes.par_iter_mut())
        .enumerate()
        .for_each_init(
            || (Workspace::new(sim.prep), vec![false; n]),
            |(ws, selected), (d, (row, outcome))| {
                sim.draw(d, ws);
                let Workspace {
                    order, selector, ..
                } = &mut *ws;
                selector.for_each_rank(&sim.prep.plan, &order.order, |i, r| {
                    row[i * W..(i + 1) * W].copy_from_slice(&(r - 1).to_le_bytes()[..W]);
                    selected[i] = r as usize <= k;
                });
                *outcome = sim.outcome(ws, selected);
            },
        );
    let outcomes = outcomes.into_iter().flatten().collect();

    let mut stats = vec![Stats::default(); n];
    stats.par_chunks_mut(BLOCK).enumerate().for_each_init(
        Vec::new,
        |scratch: &mut Vec<u32>, (b, chunk)| {
            let first = b * BLOCK;
            let m = chunk.len();
            scratch.clear();
            scratch.resize(m * draws, 0);
            for d in 0..draws {
                let row = &store[(d * n + first) * W..(d * n + first + m) * W];
                for (j, bytes) in row.chunks_exact(W).enumerate() {
                    let mut le = [0u8; 4];
                    le[..W].copy_from_slice(bytes);
                    scratch[j * draws + d] = u32::from_le_bytes(le) + 1;
                }
            }
            for (j, st) in chunk.iter_mut().enumerate() {
                let ranks = &mut scratch[j * draws..(j + 1) * draws];
                // Every draw selects exactly k and selected districts hold ranks 1..=k.
                let hits = ranks.iter().filter(|&&r| r as usize <= k).count();
                st.p_selected = hits as f64 / draws as f64;
                st.quantiles = quantiles(ranks);
            }
        },
    );
    (stats, outcomes)
}

/// Indices h = (N − 1)·p split into ⌊h⌋ and the fraction, for p = 0.05, 0.5, 0.95.
fn type7_positions(len: usize) -> [(usize, f64); 3] {
    [0.05, 0.5, 0.95].map(|p| {
        let h = (len - 1) as f64 * p;
        let j = h.floor() as usize;
        (j, h - j as f64)
    })
}

fn lerp(lo: u32, hi: u32, frac: f64) -> f64 {
    lo as f64 + frac * (hi as f64 - lo as f64)
}

/// Indices (0-based) of the six order statistics that type 7 needs for p = 0.05,
/// 0.5 and 0.95 — ⌊h⌋ and ⌊h⌋ + 1 for each — with the interpolation fractions.
fn wanted_order_statistics(len: usize) -> ([usize; 6], [f64; 3]) {
    let pos = type7_positions(len);
    let last = len - 1;
    let wanted = [
        pos[0].0,
        pos[0].0 + 1,
        pos[1].0,
        pos[1].0 + 1,
        pos[2].0,
        pos[2].0 + 1,
    ]
    .map(|j| j.min(last));
    (wanted, pos.map(|p| p.1))
}

/// For each wanted order statistic, the histogram bin holding it.
fn locate(counts: &[u32], wanted: &[usize; 6]) -> [usize; 6] {
    // Walk the wanted indices in ascending order; for few draws they are not (e.g. N = 2 wants
    // 0, 1, 0, 1, 0, 1).
    let mut by_index = [0, 1, 2, 3, 4, 5];
    by_index.sort_unstable_by_key(|&t| wanted[t]);
    let mut found = [0usize; 6];
    let (mut t, mut seen) = (0usize, 0usize);
    for (bin, &c) in counts.iter().enumerate() {
        seen += c as usize;
        while t < 6 && wanted[by_index[t]] < seen {
            found[by_index[t]] = bin;
            t += 1;
        }
        if t == 6 {
            break;
        }
    }
    found
}

/// [`quantiles`] of `len` values given as a histogram: `counts[j]` values equal `first + j`.
pub(super) fn quantiles_from_counts(counts: &[u32], first: u32, len: usize) -> [f64; 3] {
    let (wanted, frac) = wanted_order_statistics(len);
    let x = locate(counts, &wanted).map(|bin| first + bin as u32);
    [0, 1, 2].map(|q| lerp(x[2 * q], x[2 * q + 1], frac[q]))
}

/// 5th, 50th and 95th percentiles of `v` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the R and NumPy default): with h = (N − 1)·p,
/// Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), x₍ᵢ₎ the 0-based order statistics.
///
/// Three nested selections instead of a sort (the median first, then each tail within its
/// half); reorders `v`.
pub(super) fn quantiles(v: &mut [u32]) -> [f64; 3] {
    let [(j05, f05), (j50, f50), (j95, f95)] = type7_positions(v.len());
    let (left, &mut x50, right) = v.select_nth_unstable(j50);
    let x50_next = right.iter().copied().min().unwrap_or(x50);
    let median = lerp(x50, x50_next, f50);
    // x₍j05₎ and x₍j05+1₎ lie in `left` (the j50 smallest) or are x₍j50₎, x₍j50+1₎.
    let p05 = if j05 < j50 {
        let (_, &mut x, rest) = left.select_nth_unstable(j05);
        let next = rest.iter().copied().min().unwrap_or(x50);
        lerp(x, next, f05)
    } else {
        lerp(x50, x50_next, f05)
    };
    let p95 = if j95 > j50 {
        let (_, &mut x, rest) = right.select_nth_unstable(j95 - j50 - 1);
        let next = rest.iter().copied().min().unwrap_or(x);
        lerp(x, next, f95)
    } else {
        lerp(x50, x50_next, f95)
    };
    [p05, median, p95]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ranking::{Constraints, Method};

    /// Type 7 from a full sort, the reference for the faster routes.
    fn reference(v: &[u32]) -> [f64; 3] {
        let mut s = v.to_vec();
        s.sort_unstable();
        type7_positions(s.len()).map(|(j, f)| lerp(s[j], s[(j + 1).min(s.len() - 1)], f))
    }

    #[test]
    fn stored_ranks_and_histograms_give_the_same_summaries() {
        let candidates: Vec<Candidate> = (0..40)
            .map(|i| Candidate {
                code: format!("{i:03}"),
                province_code: format!("{}", i % 4),
                stunting: 10.0 + (i * 7 % 30) as f64,
                stunting_se: (i % 3 != 0).then_some(2.5),
                spbe: 1.0 + (i * 3 % 40) as f64 / 10.0,
                ..Default::default()
            })
            .collect();
        for (method, constraints) in [
            (Method::Composite, Constraints::default()),
            (
                Method::Residual,
                Constraints {
                    max_per_province: Some(3),
                    min_per_province: Some(1),
                    ..Constraints::default()
                },
            ),
        ] {
            let scenario = Scenario {
                method,
                k: 8,
                constraints,
                ..Scenario::default()
            };
            let prep = prepare(&candidates, &scenario).unwrap();
            let se = vec![2.0; prep.len()];
            let sim = Simulation::new(&prep, se, &UncertaintyParams::default(), None);
            assert_eq!(by_histograms(&sim, 300), by_stored_ranks(&sim, 300));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn selection_and_counting_quantiles_match_a_full_sort(
            v in prop::collection::vec(1u32..60, 1..300),
        ) {
            let expected = reference(&v);
            let lo = *v.iter().min().unwrap();
            let hi = *v.iter().max().unwrap();
            let mut counts = vec![0u32; (hi - lo) as usize + 1];
            for &r in &v {
                counts[(r - lo) as usize] += 1;
            }
            prop_assert_eq!(quantiles_from_counts(&counts, lo, v.len()), expected);
            prop_assert_eq!(quantiles(&mut v.clone()), expected);
        }
    }
}

#[cfg(test)]
mod closed_form_tests;
