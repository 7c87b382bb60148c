//! Scores: how each method turns stunting and SPBE into one number, its parts, and the inverse
//! question "how much would one indicator have to move to reach a given score".

use super::{Contributions, Method, Normalisation, SpbeDirection};
use crate::stats::simple_ols;

/// Plausible stunting values, % — a needed change that leaves this range is reported as impossible.
pub(super) const STUNTING_RANGE: (f64, f64) = (0.0, 100.0);
/// Range of the Indeks SPBE — a needed change that leaves it is reported as impossible.
pub(super) const SPBE_RANGE: (f64, f64) = (1.0, 5.0);
/// Fixed stunting bounds of the `goalposts` normalisation, %.
const STUNTING_GOALPOSTS: (f64, f64) = (0.0, 50.0);

/// What a scenario fixes about scoring; the weights are separate because simulation redraws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ScoreSpec {
    pub method: Method,
    pub normalisation: Normalisation,
    pub direction: SpbeDirection,
}

/// How a normalised value is turned around for "lower is priority".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flip {
    Keep,
    /// 1 − v, for the bounded scales (min_max, goalposts).
    OneMinus,
    /// −v, for z-scores, which are centred on 0.
    Negate,
}

/// A fitted normalisation of one indicator: v = (x − lo) / span, optionally clamped and flipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Axis {
    lo: f64,
    /// max − min, sd, or the goalpost width; 0 marks an indicator that does not vary.
    span: f64,
    clamp: bool,
    flip: Flip,
}

impl Axis {
    fn fit(
        values: &[f64],
        normalisation: Normalisation,
        goalposts: (f64, f64),
        lower_is_priority: bool,
    ) -> Axis {
        let bounded_flip = if lower_is_priority {
            Flip::OneMinus
        } else {
            Flip::Keep
        };
        match normalisation {
            Normalisation::MinMax => {
                let (min, max) = min_max(values);
                Axis {
                    lo: min,
                    span: max - min,
                    clamp: false,
                    flip: bounded_flip,
                }
            }
            Normalisation::ZScore => {
                let (min, max) = min_max(values);
                // Constant values get sd 0 exactly; computing it would leave rounding noise
                // that turns identical values into z-scores of ±1.
                let (mean, sd) = if min == max {
                    (min, 0.0)
                } else {
                    mean_sd(values)
                };
                Axis {
                    lo: mean,
                    span: sd,
                    clamp: false,
                    flip: if lower_is_priority {
                        Flip::Negate
                    } else {
                        Flip::Keep
                    },
                }
            }
            Normalisation::Goalposts => Axis {
                lo: goalposts.0,
                span: goalposts.1 - goalposts.0,
                clamp: true,
                flip: bounded_flip,
            },
        }
    }

    /// Normalised value; 0 for an indicator that does not vary (whatever the direction), because
    /// it carries no information about priority.
    #[inline]
    fn norm(&self, x: f64) -> f64 {
        if self.span <= 0.0 {
            return 0.0;
        }
        let mut v = (x - self.lo) / self.span;
        if self.clamp {
            v = v.clamp(0.0, 1.0);
        }
        match self.flip {
            Flip::Keep => v,
            Flip::OneMinus => 1.0 - v,
            Flip::Negate => -v,
        }
    }

    /// Writes (or, with `add`, adds) w·norm(x) for every x; the same operations as
    /// [`Axis::norm`], so the same bits.
    fn weighted_into(&self, w: f64, xs: &[f64], out: &mut [f64], add: bool) {
        fn run(w: f64, xs: &[f64], out: &mut [f64], add: bool, f: impl Fn(f64) -> f64) {
            if add {
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o += w * f(x);
                }
            } else {
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o = w * f(x);
                }
            }
        }
        let (lo, span) = (self.lo, self.span);
        if span <= 0.0 {
            return run(w, xs, out, add, |_| 0.0);
        }
        match (self.clamp, self.flip) {
            (false, Flip::Keep) => run(w, xs, out, add, |x| (x - lo) / span),
            (false, Flip::OneMinus) => run(w, xs, out, add, |x| 1.0 - (x - lo) / span),
            (false, Flip::Negate) => run(w, xs, out, add, |x| -((x - lo) / span)),
            (true, Flip::Keep) => run(w, xs, out, add, |x| ((x - lo) / span).clamp(0.0, 1.0)),
            (true, Flip::OneMinus) => {
                run(w, xs, out, add, |x| 1.0 - ((x - lo) / span).clamp(0.0, 1.0))
            }
            (true, Flip::Negate) => run(w, xs, out, add, |x| -((x - lo) / span).clamp(0.0, 1.0)),
        }
    }

    /// The raw value whose normalised value is `n`, if one exists on this scale.
    fn inverse(&self, n: f64) -> Option<f64> {
        if self.span <= 0.0 || !n.is_finite() {
            return None;
        }
        let v = match self.flip {
            Flip::Keep => n,
            Flip::OneMinus => 1.0 - n,
            Flip::Negate => -n,
        };
        if self.clamp && !(0.0..=1.0).contains(&v) {
            return None;
        }
        Some(self.lo + v * self.span)
    }
}

/// A fitted score: everything needed to score a district, held fixed for explanations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scorer {
    /// w_s·norm(stunting) + w_d·norm(spbe).
    Composite { ws: f64, wd: f64, s: Axis, d: Axis },
    /// Stunting alone.
    Need,
    /// stunting − (a + b·spbe); the means only serve to centre the contributions.
    Residual {
        a: f64,
        b: f64,
        mean_s: f64,
        mean_d: f64,
    },
}

impl Scorer {
    /// Fits the scale of `spec` to the given values; `None` when `residual` cannot fit its line
    /// (fewer than 2 values or SPBE constant).
    pub fn fit(
        spec: ScoreSpec,
        ws: f64,
        wd: f64,
        stunting: &[f64],
        spbe: &[f64],
    ) -> Option<Scorer> {
        match spec.method {
            Method::Composite => {
                let lower = spec.direction == SpbeDirection::LowerIsPriority;
                Some(Scorer::Composite {
                    ws,
                    wd,
                    s: Axis::fit(stunting, spec.normalisation, STUNTING_GOALPOSTS, false),
                    d: Axis::fit(spbe, spec.normalisation, SPBE_RANGE, lower),
                })
            }
            Method::Need => Some(Scorer::Need),
            Method::Residual => {
                let (a, b) = simple_ols(spbe, stunting)?;
                let n = stunting.len() as f64;
                Some(Scorer::Residual {
                    a,
                    b,
                    mean_s: stunting.iter().sum::<f64>() / n,
                    mean_d: spbe.iter().sum::<f64>() / n,
                })
            }
        }
    }

    /// Score of one district; `+ 0.0` turns −0 into +0, which `total_cmp` would rank below +0.
    #[inline]
    pub fn score(&self, s: f64, d: f64) -> f64 {
        let v = match *self {
            Scorer::Composite {
                ws,
                wd,
                s: sa,
                d: da,
            } => ws * sa.norm(s) + wd * da.norm(d),
            Scorer::Need => s,
            Scorer::Residual { a, b, .. } => s - (a + b * d),
        };
        v + 0.0
    }

    /// Scores every district into `out`, bit for bit as [`Scorer::score`] would.
    ///
    /// Composite scores are computed one indicator at a time with the scale's options resolved
    /// outside the loop, which lets the compiler vectorise it.
    pub fn score_all(&self, stunting: &[f64], spbe: &[f64], out: &mut [f64]) {
        match *self {
            Scorer::Composite { ws, wd, s, d } => {
                s.weighted_into(ws, stunting, out, false);
                d.weighted_into(wd, spbe, out, true);
                for o in out.iter_mut() {
                    *o += 0.0;
                }
            }
            _ => {
                for ((o, &s), &d) in out.iter_mut().zip(stunting).zip(spbe) {
                    *o = self.score(s, d);
                }
            }
        }
    }

    /// Parts of the score: w·norm for composite; (stunting, 0) for need; for residual the
    /// centred parts (stunting − mean stunting, −b·(spbe − mean spbe)), which also sum to the score
    /// because a = mean stunting − b·mean spbe.
    pub fn contributions(&self, s: f64, d: f64) -> Contributions {
        match *self {
            Scorer::Composite {
                ws,
                wd,
                s: sa,
                d: da,
            } => Contributions {
                stunting: ws * sa.norm(s),
                spbe: wd * da.norm(d),
            },
            Scorer::Need => Contributions {
                stunting: s,
                spbe: 0.0,
            },
            Scorer::Residual {
                b, mean_s, mean_d, ..
            } => Contributions {
                stunting: s - mean_s,
                spbe: -b * (d - mean_d),
            },
        }
    }

    /// Changes of stunting alone and of SPBE alone that move a district scoring `score` to
    /// exactly `target`, holding this scorer (its normalisation, weights, line) fixed.
    ///
    /// `None` when the indicator has no weight, does not vary, or the new value would leave the
    /// plausible range (stunting 0–100 %, SPBE 1–5) or a goalpost's clamped scale.
    pub fn change_to_reach(
        &self,
        s: f64,
        d: f64,
        score: f64,
        target: f64,
    ) -> (Option<f64>, Option<f64>) {
        let gap = target - score;
        match *self {
            Scorer::Composite {
                ws,
                wd,
                s: sa,
                d: da,
            } => {
                let via = |w: f64, axis: Axis, x: f64, range: (f64, f64)| {
                    if w <= 0.0 {
                        return None;
                    }
                    let x_new = axis.inverse(axis.norm(x) + gap / w)?;
                    within(x_new, range).then_some(x_new - x)
                };
                (via(ws, sa, s, STUNTING_RANGE), via(wd, da, d, SPBE_RANGE))
            }
            Scorer::Need => (within(s + gap, STUNTING_RANGE).then_some(gap), None),
            Scorer::Residual { b, .. } => {
                let ds = within(s + gap, STUNTING_RANGE).then_some(gap);
                // score = s − a − b·d, so moving d by Δ moves the score by −b·Δ.
                let dd = (b != 0.0)
                    .then(|| -gap / b)
                    .filter(|&dd| within(d + dd, SPBE_RANGE));
                (ds, dd)
            }
        }
    }
}

fn within(x: f64, range: (f64, f64)) -> bool {
    x.is_finite() && x >= range.0 && x <= range.1
}

/// Minimum and maximum, in four independent lanes so the comparisons do not wait on each other.
pub(super) fn min_max(v: &[f64]) -> (f64, f64) {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    let chunks = v.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for j in 0..4 {
            lo[j] = if c[j] < lo[j] { c[j] } else { lo[j] };
            hi[j] = if c[j] > hi[j] { c[j] } else { hi[j] };
        }
    }
    for &x in rest {
        lo[0] = if x < lo[0] { x } else { lo[0] };
        hi[0] = if x > hi[0] { x } else { hi[0] };
    }
    (
        lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    )
}

/// Mean and population sd (divisor n), the sd from centred values to avoid cancellation.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>();
    (mean, (ss / n).sqrt())
}
