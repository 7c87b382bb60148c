//! Scores: how each method turns stunting and SPBE into one number, its parts, and the inverse
//! question "how much would one indicator have to move to reach a given score".

use super::{Contributions, Method, Normalisation, SpbeDirection, Weights};
use crate::stats::simple_ols;

/// Plausible stunting values, % — a needed change that leaves this range is reported as impossible.
pub(super) const STUNTING_RANGE: (f64, f64) = (0.0, 100.0);
/// Range of the Indeks SPBE — a needed change that leaves it is reported as impossible.
pub(super) const SPBE_RANGE: (f64, f64) = (1.0, 5.0);
/// Fixed stunting bounds of the `goalposts` normalisation, %.
const STUNTING_GOALPOSTS: (f64, f64) = (0.0, 50.0);
/// Fixed burden bounds of the `goalposts` normalisation, stunted children.
const BURDEN_GOALPOSTS: (f64, f64) = (0.0, 50_000.0);
/// Fixed trend bounds of the `goalposts` normalisation, % points of change.
const TREND_GOALPOSTS: (f64, f64) = (-10.0, 10.0);

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
    /// The axis of an unused indicator.
    const NONE: Axis = Axis {
        lo: 0.0,
        span: 0.0,
        clamp: false,
        flip: Flip::Keep,
    };

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

/// One district's values as scoring reads them; `n` (under-five population) and `prev`
/// (previous stunting) are 0 where the scenario does not use them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Row {
    /// Stunting, %.
    pub s: f64,
    /// Indeks SPBE.
    pub d: f64,
    /// Children under five.
    pub n: f64,
    /// Previous stunting, %.
    pub prev: f64,
}

impl Row {
    /// Estimated stunted children.
    #[inline]
    pub fn burden(&self) -> f64 {
        burden(self.s, self.n)
    }

    /// Change since the previous year, % points.
    #[inline]
    pub fn trend(&self) -> f64 {
        self.s - self.prev
    }
}

/// Estimated stunted children: prevalence/100 × under-five population.
#[inline]
pub(super) fn burden(s: f64, n: f64) -> f64 {
    s / 100.0 * n
}

/// Every district's values, column by column.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns<'c> {
    /// Stunting, %.
    pub s: &'c [f64],
    /// Indeks SPBE.
    pub d: &'c [f64],
    /// Children under five.
    pub n: &'c [f64],
    /// Previous stunting, %.
    pub prev: &'c [f64],
}

impl Columns<'_> {
    /// District `i`.
    #[inline]
    pub fn row(&self, i: usize) -> Row {
        Row {
            s: self.s[i],
            d: self.d[i],
            n: self.n.get(i).copied().unwrap_or(0.0),
            prev: self.prev.get(i).copied().unwrap_or(0.0),
        }
    }

    fn burdens(&self, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.s.iter().zip(self.n).map(|(&s, &n)| burden(s, n)));
    }

    fn trends(&self, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.s.iter().zip(self.prev).map(|(&s, &p)| s - p));
    }
}

/// A fitted score: everything needed to score a district, held fixed for explanations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scorer {
    /// w_s·norm(stunting) + w_d·norm(spbe) [+ w_b·norm(burden)] [+ w_t·norm(trend)].
    Composite {
        ws: f64,
        wd: f64,
        wb: f64,
        wt: f64,
        s: Axis,
        d: Axis,
        b: Axis,
        t: Axis,
    },
    /// Stunting alone.
    Need,
    /// stunting − (a + b·spbe); the means only serve to centre the contributions.
    Residual {
        a: f64,
        b: f64,
        mean_s: f64,
        mean_d: f64,
    },
    /// Estimated stunted children alone.
    Burden,
    /// Change since the previous year alone.
    Trend,
}

impl Scorer {
    /// Fits the scale of `spec` to the given values; `None` when `residual` cannot fit its line
    /// (fewer than 2 values or SPBE constant).
    pub fn fit(spec: ScoreSpec, w: Weights, cols: Columns<'_>) -> Option<Scorer> {
        match spec.method {
            Method::Composite => {
                let lower = spec.direction == SpbeDirection::LowerIsPriority;
                let mut scratch = Vec::new();
                let b = if w.burden > 0.0 {
                    cols.burdens(&mut scratch);
                    Axis::fit(&scratch, spec.normalisation, BURDEN_GOALPOSTS, false)
                } else {
                    Axis::NONE
                };
                let t = if w.trend > 0.0 {
                    cols.trends(&mut scratch);
                    Axis::fit(&scratch, spec.normalisation, TREND_GOALPOSTS, false)
                } else {
                    Axis::NONE
                };
                Some(Scorer::Composite {
                    ws: w.stunting,
                    wd: w.spbe,
                    wb: w.burden,
                    wt: w.trend,
                    s: Axis::fit(cols.s, spec.normalisation, STUNTING_GOALPOSTS, false),
                    d: Axis::fit(cols.d, spec.normalisation, SPBE_RANGE, lower),
                    b,
                    t,
                })
            }
            Method::Need => Some(Scorer::Need),
            Method::Burden => Some(Scorer::Burden),
            Method::Trend => Some(Scorer::Trend),
            Method::Residual => {
                let (a, b) = simple_ols(cols.d, cols.s)?;
                let n = cols.s.len() as f64;
                Some(Scorer::Residual {
                    a,
                    b,
                    mean_s: cols.s.iter().sum::<f64>() / n,
                    mean_d: cols.d.iter().sum::<f64>() / n,
                })
            }
        }
    }

    /// Score of one district; `+ 0.0` turns −0 into +0, which `total_cmp` would rank below +0.
    #[inline]
    pub fn score(&self, r: Row) -> f64 {
        let v = match *self {
            Scorer::Composite {
                ws,
                wd,
                wb,
                wt,
                s,
                d,
                b,
                t,
            } => {
                // Terms are added in the order `score_all` adds them, so the bits agree.
                let mut v = ws * s.norm(r.s) + wd * d.norm(r.d);
                if wb > 0.0 {
                    v += wb * b.norm(r.burden());
                }
                if wt > 0.0 {
                    v += wt * t.norm(r.trend());
                }
                v
            }
            Scorer::Need => r.s,
            Scorer::Residual { a, b, .. } => r.s - (a + b * r.d),
            Scorer::Burden => r.burden(),
            Scorer::Trend => r.trend(),
        };
        v + 0.0
    }

    /// Scores every district into `out`, bit for bit as [`Scorer::score`] would; `scratch` is
    /// reused for derived indicators.
    ///
    /// Composite scores are computed one indicator at a time with the scale's options resolved
    /// outside the loop, which lets the compiler vectorise it.
    pub fn score_all(&self, cols: Columns<'_>, out: &mut [f64], scratch: &mut Vec<f64>) {
        match *self {
            Scorer::Composite {
                ws,
                wd,
                wb,
                wt,
                s,
                d,
                b,
                t,
            } => {
                s.weighted_into(ws, cols.s, out, false);
                d.weighted_into(wd, cols.d, out, true);
                if wb > 0.0 {
                    cols.burdens(scratch);
                    b.weighted_into(wb, scratch, out, true);
                }
                if wt > 0.0 {
                    cols.trends(scratch);
                    t.weighted_into(wt, scratch, out, true);
                }
                for o in out.iter_mut() {
                    *o += 0.0;
                }
            }
            _ => {
                for (i, o) in out.iter_mut().enumerate() {
                    *o = self.score(cols.row(i));
                }
            }
        }
    }

    /// Parts of the score: w·norm for composite; the one indicator for need, burden and trend;
    /// for residual the centred parts (stunting − mean stunting, −b·(spbe − mean spbe)), which
    /// also sum to the score because a = mean stunting − b·mean spbe.
    pub fn contributions(&self, r: Row) -> Contributions {
        match *self {
            Scorer::Composite {
                ws,
                wd,
                wb,
                wt,
                s,
                d,
                b,
                t,
            } => Contributions {
                stunting: ws * s.norm(r.s),
                spbe: wd * d.norm(r.d),
                burden: if wb > 0.0 {
                    wb * b.norm(r.burden())
                } else {
                    0.0
                },
                trend: if wt > 0.0 {
                    wt * t.norm(r.trend())
                } else {
                    0.0
                },
            },
            Scorer::Need => Contributions {
                stunting: r.s,
                ..Contributions::default()
            },
            Scorer::Burden => Contributions {
                burden: r.burden(),
                ..Contributions::default()
            },
            Scorer::Trend => Contributions {
                trend: r.trend(),
                ..Contributions::default()
            },
            Scorer::Residual {
                b, mean_s, mean_d, ..
            } => Contributions {
                stunting: r.s - mean_s,
                spbe: -b * (r.d - mean_d),
                ..Contributions::default()
            },
        }
    }

    /// Changes of stunting alone and of SPBE alone that move a district scoring `score` to
    /// exactly `target`, holding this scorer (its normalisation, weights, line) fixed. A
    /// stunting change also moves the district's burden and trend, which are derived from it.
    ///
    /// `None` when the indicator has no weight, does not vary, or the new value would leave the
    /// plausible range (stunting 0–100 %, SPBE 1–5) or a goalpost's clamped scale.
    pub fn change_to_reach(&self, r: Row, score: f64, target: f64) -> (Option<f64>, Option<f64>) {
        let gap = target - score;
        let stunting_ok = |ds: f64| within(r.s + ds, STUNTING_RANGE).then_some(ds);
        match *self {
            Scorer::Composite {
                ws,
                wd,
                wb,
                wt,
                s: sa,
                d: da,
                ..
            } => {
                let via = |w: f64, axis: Axis, x: f64, range: (f64, f64)| {
                    if w <= 0.0 {
                        return None;
                    }
                    let x_new = axis.inverse(axis.norm(x) + gap / w)?;
                    within(x_new, range).then_some(x_new - x)
                };
                let ds = if wb > 0.0 || wt > 0.0 {
                    self.stunting_change_by_bisection(r, target)
                } else {
                    via(ws, sa, r.s, STUNTING_RANGE)
                };
                (ds, via(wd, da, r.d, SPBE_RANGE))
            }
            Scorer::Need | Scorer::Trend => (stunting_ok(gap), None),
            Scorer::Burden => {
                // burden = s/100·n, so moving s by Δ moves the score by n/100·Δ.
                let ds = (r.n > 0.0).then(|| gap * 100.0 / r.n).and_then(stunting_ok);
                (ds, None)
            }
            Scorer::Residual { b, .. } => {
                // score = s − a − b·d, so moving d by Δ moves the score by −b·Δ.
                let dd = (b != 0.0)
                    .then(|| -gap / b)
                    .filter(|&dd| within(r.d + dd, SPBE_RANGE));
                (stunting_ok(gap), dd)
            }
        }
    }

    /// The stunting change that brings the score to `target` when stunting enters through
    /// several terms (itself, burden, trend): the score never falls as stunting rises, so
    /// bisection over the plausible range finds it; `None` when the range does not reach it.
    fn stunting_change_by_bisection(&self, r: Row, target: f64) -> Option<f64> {
        let at = |s: f64| self.score(Row { s, ..r }) - target;
        let (mut lo, mut hi) = STUNTING_RANGE;
        if at(lo) > 0.0 || at(hi) < 0.0 {
            return None;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if at(mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(hi - r.s)
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
