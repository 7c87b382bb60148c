//! Sharp regression discontinuity: local linear estimation with a triangular kernel, the
//! MSE-optimal bandwidth and the robust bias-corrected interval of Calonico, Cattaneo &
//! Titiunik (2014), exactly as the `rdrobust` Python package computes them by default
//! (p = 1, q = 2, kernel `tri`, bwselect `mserd`, vce `nn` with 3 neighbours, masspoints
//! `adjust`, stdvars and bwrestrict on). `tests/python/evaluation_check.py` compares the two.
//!
//! The running variable is centred: the cut-off is 0, treated units are at x ≥ 0.

use serde::Serialize;

use crate::error::{ModelError, Result};
use crate::sentences as s;

/// Two-sided 95 % normal quantile, Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Fewest observations for which `rdrobust` selects a bandwidth (it falls back to the data's
/// range below 20; Lokus refuses instead).
pub const MIN_OBSERVATIONS: usize = 20;

/// Settings of the estimator; the defaults are `rdrobust`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct RdParams {
    /// Nearest neighbours of the variance estimator (`nnmatch`).
    pub nn_match: usize,
    /// Scale of the regularisation term of the bandwidth selectors (`scaleregul`).
    pub scale_regul: f64,
}

impl Default for RdParams {
    fn default() -> Self {
        RdParams {
            nn_match: 3,
            scale_regul: 1.0,
        }
    }
}

/// A fitted sharp RD at cut-off 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RdFit {
    /// Conventional local linear estimate (right limit − left limit).
    pub estimate: f64,
    /// Its conventional standard error.
    pub se: f64,
    /// Bias-corrected estimate (centre of the robust interval).
    pub estimate_bc: f64,
    /// Robust standard error.
    pub se_robust: f64,
    /// Conventional 95 % interval.
    pub ci_conventional: [f64; 2],
    /// Robust bias-corrected 95 % interval.
    pub ci_robust: [f64; 2],
    /// Main bandwidth h (MSE-optimal, common to both sides).
    pub bandwidth: f64,
    /// Bias bandwidth b.
    pub bandwidth_bias: f64,
    /// Observations with positive weight left of the cut-off.
    pub n_left: usize,
    /// Observations with positive weight right of the cut-off.
    pub n_right: usize,
    /// Intercept and slope of the local linear fit left of the cut-off (x in original units).
    pub fit_left: [f64; 2],
    /// Intercept and slope of the local linear fit right of the cut-off.
    pub fit_right: [f64; 2],
}

impl RdParams {
    /// Fits the sharp RD of `y` on the centred running variable `x`.
    ///
    /// # Errors
    /// `ModelError::InsufficientData` with fewer than [`MIN_OBSERVATIONS`] points, or fewer
    /// than 3 distinct x on a side; `ModelError::Invalid` with `invalid_value` for a non-finite
    /// value, `zero_variance` for a constant outcome, `singular_design` when a fit is degenerate.
    pub fn fit(&self, x: &[f64], y: &[f64]) -> Result<RdFit> {
        if x.len() != y.len() {
            return Err(ModelError::invalid("invalid_value", &s::RD_LENGTHS_DIFFER));
        }
        if x.iter().chain(y).any(|v| !v.is_finite()) {
            return Err(ModelError::invalid("invalid_value", &s::RD_NOT_FINITE));
        }
        let n = x.len();
        if n < MIN_OBSERVATIONS {
            return Err(ModelError::InsufficientData {
                needed: MIN_OBSERVATIONS,
                got: n,
            });
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let xs: Vec<f64> = order.iter().map(|&i| x[i]).collect();
        let ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
        let split = xs.partition_point(|&v| v < 0.0);
        let (xl, xr) = xs.split_at(split);
        let (yl, yr) = ys.split_at(split);
        let (m_l, m_r) = (distinct(xl), distinct(xr));
        if m_l < 3 || m_r < 3 {
            return Err(ModelError::InsufficientData {
                needed: 3,
                got: m_l.min(m_r),
            });
        }
        if sd(&ys) == 0.0 {
            return Err(ModelError::invalid(
                "zero_variance",
                &s::RD_CONSTANT_OUTCOME,
            ));
        }
        let (h, b) = self.bandwidths(&xs, &ys, split, m_l, m_r)?;

        let left = side_fit(xl, yl, h, b, self.nn_match)?;
        let right = side_fit(xr, yr, h, b, self.nn_match)?;
        let estimate = right.beta_p[0] - left.beta_p[0];
        let estimate_bc = right.beta_bc - left.beta_bc;
        let se = (left.v_cl + right.v_cl).sqrt();
        let se_robust = (left.v_rb + right.v_rb).sqrt();
        Ok(RdFit {
            estimate,
            se,
            estimate_bc,
            se_robust,
            ci_conventional: [estimate - Z_95 * se, estimate + Z_95 * se],
            ci_robust: [
                estimate_bc - Z_95 * se_robust,
                estimate_bc + Z_95 * se_robust,
            ],
            bandwidth: h,
            bandwidth_bias: b,
            n_left: left.n_h,
            n_right: right.n_h,
            fit_left: left.beta_p,
            fit_right: right.beta_p,
        })
    }

    /// `rdbwselect`'s `mserd` (h, b), computed on standardised x and y as `stdvars` does.
    fn bandwidths(
        &self,
        xs: &[f64],
        ys: &[f64],
        split: usize,
        m_l: usize,
        m_r: usize,
    ) -> Result<(f64, f64)> {
        let (n_l, n_r) = (split, xs.len() - split);
        let x_sd = sd(xs);
        let y_sd = sd(ys);
        let iqr = quantile_type2(xs, 0.75) - quantile_type2(xs, 0.25);
        let bw_p = (iqr / x_sd / 1.349).min(1.0);
        let xz: Vec<f64> = xs.iter().map(|v| v / x_sd).collect();
        let yz: Vec<f64> = ys.iter().map(|v| v / y_sd).collect();
        let (xl, xr) = xz.split_at(split);
        let (yl, yr) = yz.split_at(split);
        let range_l = xl[0].abs();
        let range_r = xr[xr.len() - 1].abs();
        let bw_max = range_l.max(range_r);
        // masspoints = "adjust": the pilot uses the number of distinct values, and when 20 % or
        // more are repeats the bandwidths are widened to hold 10 distinct values a side.
        let mass = 1.0 - m_l as f64 / n_l as f64 >= 0.2 || 1.0 - m_r as f64 / n_r as f64 >= 0.2;
        let bw_min = mass.then(|| {
            let pad = 1.0 + f64::EPSILON.sqrt();
            let mut ul: Vec<f64> = xl.to_vec();
            ul.dedup();
            ul.reverse();
            let mut ur: Vec<f64> = xr.to_vec();
            ur.dedup();
            let l = ul[10.min(m_l) - 1].abs() * pad;
            let r = ur[10.min(m_r) - 1].abs() * pad;
            l.max(r)
        });
        let m = (m_l + m_r) as f64;
        let mut c_bw = (2.576 * bw_p * m.powf(-0.2)).min(bw_max);
        if let Some(min) = bw_min {
            c_bw = c_bw.max(min);
        }
        let dl = Dups::of(xl);
        let dr = Dups::of(xr);
        let left = BwSide {
            x: xl,
            y: yl,
            dups: &dl,
            h_v: c_bw,
            nn: self.nn_match,
        };
        let right = BwSide {
            x: xr,
            y: yr,
            dups: &dr,
            h_v: c_bw,
            nn: self.nn_match,
        };
        let pad = 1.0 + f64::EPSILON.sqrt();
        // Step 1: pilot for the bias bandwidth (q + 1 = 3), no regularisation.
        let cd_l = left.constants(3, 3, 4, range_l * pad, 0.0)?;
        let cd_r = right.constants(3, 3, 4, range_r * pad, 0.0)?;
        let mut d_bw = ((cd_l.v + cd_r.v) / (cd_r.b - cd_l.b).powi(2))
            .powf(cd_l.rate)
            .min(bw_max);
        if let Some(min) = bw_min {
            d_bw = d_bw.max(min);
        }
        let s = self.scale_regul;
        let cb_l = left.constants(2, 2, 3, d_bw, s)?;
        let cb_r = right.constants(2, 2, 3, d_bw, s)?;
        let b_bw = ((cb_l.v + cb_r.v) / ((cb_r.b - cb_l.b).powi(2) + s * (cb_r.r + cb_l.r)))
            .powf(cb_l.rate)
            .min(bw_max);
        let ch_l = left.constants(1, 0, 2, b_bw, s)?;
        let ch_r = right.constants(1, 0, 2, b_bw, s)?;
        let h_bw = ((ch_l.v + ch_r.v) / ((ch_r.b - ch_l.b).powi(2) + s * (ch_r.r + ch_l.r)))
            .powf(ch_l.rate)
            .min(bw_max);
        if !(h_bw.is_finite() && b_bw.is_finite() && h_bw > 0.0 && b_bw > 0.0) {
            return Err(ModelError::invalid(
                "singular_design",
                &s::BANDWIDTH_UNDEFINED,
            ));
        }
        Ok((x_sd * h_bw, x_sd * b_bw))
    }
}

/// One side's estimates at bandwidths (h, b).
struct SideFit {
    /// Local linear intercept and slope.
    beta_p: [f64; 2],
    /// Bias-corrected intercept.
    beta_bc: f64,
    /// Conventional variance of the intercept.
    v_cl: f64,
    /// Robust variance of the bias-corrected intercept.
    v_rb: f64,
    /// Observations with positive weight under h.
    n_h: usize,
}

/// The estimation step of `rdrobust` on one side (x sorted ascending, cut-off 0).
fn side_fit(x: &[f64], y: &[f64], h: f64, b: f64, nn: usize) -> Result<SideFit> {
    let w_h: Vec<f64> = x.iter().map(|&v| triangular(v, h)).collect();
    let w_b: Vec<f64> = x.iter().map(|&v| triangular(v, b)).collect();
    let n_h = w_h.iter().filter(|w| **w > 0.0).count();
    let keep: Vec<usize> = if h > b {
        (0..x.len()).filter(|&i| w_h[i] > 0.0).collect()
    } else {
        (0..x.len()).filter(|&i| w_b[i] > 0.0).collect()
    };
    let ex: Vec<f64> = keep.iter().map(|&i| x[i]).collect();
    let ey: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let wh: Vec<f64> = keep.iter().map(|&i| w_h[i]).collect();
    let wb: Vec<f64> = keep.iter().map(|&i| w_b[i]).collect();
    let distinct_h = distinct_where(x, &w_h);
    let distinct_b = distinct_where(x, &w_b);
    if distinct_h < 2 || distinct_b < 3 {
        return Err(ModelError::InsufficientData {
            needed: 3,
            got: distinct_b.min(distinct_h),
        });
    }
    let res = nn_residuals(&ex, &ey, &Dups::of(&ex), nn);
    let g_p = gram(&ex, &wh, 1);
    let g_q = gram(&ex, &wb, 2);
    let inv_p = inv_chol(&g_p, 2)?;
    let inv_q = inv_chol(&g_q, 3)?;
    // L = Σ w_h·r_p·u², u = x/h; Q_q = R_p·W_h − h²·m·Lᵀ with m = (R_q·invG_q[2,:])·W_b.
    let mut l = [0.0; 2];
    for i in 0..ex.len() {
        let u2 = (ex[i] / h).powi(2);
        l[0] += wh[i] * u2;
        l[1] += wh[i] * ex[i] * u2;
    }
    let (mut xwy, mut qy) = ([0.0; 2], [0.0; 2]);
    let (mut meat_cl, mut meat_rb) = ([0.0; 4], [0.0; 4]);
    for i in 0..ex.len() {
        let rp = [wh[i], wh[i] * ex[i]];
        let m = (inv_q[6] + inv_q[7] * ex[i] + inv_q[8] * ex[i] * ex[i]) * wb[i];
        let q = [rp[0] - h * h * m * l[0], rp[1] - h * h * m * l[1]];
        for j in 0..2 {
            xwy[j] += rp[j] * ey[i];
            qy[j] += q[j] * ey[i];
            for k in 0..2 {
                meat_cl[j * 2 + k] += (res[i] * rp[j]) * (res[i] * rp[k]);
                meat_rb[j * 2 + k] += (res[i] * q[j]) * (res[i] * q[k]);
            }
        }
    }
    let beta_p = mat_vec(&inv_p, &xwy, 2);
    let beta_bc = mat_vec(&inv_p, &qy, 2)[0];
    let v_cl = sandwich(&inv_p, &meat_cl, 2)[0];
    let v_rb = sandwich(&inv_p, &meat_rb, 2)[0];
    Ok(SideFit {
        beta_p: [beta_p[0], beta_p[1]],
        beta_bc,
        v_cl,
        v_rb,
        n_h,
    })
}

/// One side of the data for the bandwidth selector (standardised, sorted, cut-off 0).
struct BwSide<'a> {
    x: &'a [f64],
    y: &'a [f64],
    dups: &'a Dups,
    /// The pilot bandwidth of the variance fits.
    h_v: f64,
    nn: usize,
}

/// The constants `rdrobust_bw` returns: variance, bias, regularisation and rate.
struct BwConstants {
    v: f64,
    b: f64,
    r: f64,
    rate: f64,
}

impl BwSide<'_> {
    /// `rdrobust_bw(o, nu, o_B, h_V, h_B, scale)` for sharp designs without covariates.
    fn constants(
        &self,
        o: usize,
        nu: usize,
        o_b: usize,
        h_b: f64,
        scale: f64,
    ) -> Result<BwConstants> {
        let degenerate = || ModelError::invalid("singular_design", &s::PILOT_FIT_DEGENERATE);
        // Variance fit of order o at the pilot bandwidth.
        let (vx, vy, vw, vd) = self.window(self.h_v);
        if distinct(&vx) < o + 1 {
            return Err(degenerate());
        }
        let k = o + 1;
        let inv_v = inv_sym(&gram(&vx, &vw, o), k)?;
        let res = nn_residuals(&vx, &vy, &vd, self.nn);
        let meat = weighted_meat(&vx, &vw, &res, o);
        let v_v = sandwich(&inv_v, &meat, k)[nu * k + nu];
        let mut v = vec![0.0; k];
        for i in 0..vx.len() {
            let u = (vx[i] / self.h_v).powi(o as i32 + 1);
            let mut r = vw[i];
            for vj in v.iter_mut() {
                *vj += r * u;
                r *= vx[i];
            }
        }
        let ginv_v = mat_vec(&inv_v, &v, k);
        let b_const = self.h_v.powi(nu as i32) * ginv_v[nu];

        // Bias fit of order o_B at h_B.
        if !(h_b.is_finite() && h_b > 0.0) {
            return Err(degenerate());
        }
        let (bx, by, bw, bd) = self.window(h_b);
        if distinct(&bx) < o_b + 1 {
            return Err(degenerate());
        }
        let kb = o_b + 1;
        let inv_b = inv_sym(&gram(&bx, &bw, o_b), kb)?;
        let xwy = weighted_xy(&bx, &bw, &by, o_b);
        let beta_b = mat_vec(&inv_b, &xwy, kb);
        let mut bw_reg = 0.0;
        if scale > 0.0 {
            let res_b = nn_residuals(&bx, &by, &bd, self.nn);
            let meat_b = weighted_meat(&bx, &bw, &res_b, o_b);
            let v_b = sandwich(&inv_b, &meat_b, kb)[kb * kb - 1];
            bw_reg = 3.0 * b_const * b_const * v_b;
        }
        let df = (2 * (o + 1 - nu)) as f64;
        Ok(BwConstants {
            v: (2 * nu + 1) as f64 * self.h_v.powi(2 * nu as i32 + 1) * v_v,
            b: df.sqrt() * b_const * beta_b[kb - 1],
            r: scale * df * bw_reg,
            rate: 1.0 / (2 * o + 3) as f64,
        })
    }

    /// The points with positive triangular weight under `h`, their weights and tie groups.
    fn window(&self, h: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Dups) {
        let mut out = (Vec::new(), Vec::new(), Vec::new(), Dups::default());
        for i in 0..self.x.len() {
            let w = triangular(self.x[i], h);
            if w > 0.0 {
                out.0.push(self.x[i]);
                out.1.push(self.y[i]);
                out.2.push(w);
                out.3.size.push(self.dups.size[i]);
                out.3.id.push(self.dups.id[i]);
            }
        }
        out
    }
}

/// Ties in a sorted running variable: group size and 1-based position within the group.
#[derive(Debug, Default)]
struct Dups {
    size: Vec<usize>,
    id: Vec<usize>,
}

impl Dups {
    fn of(x: &[f64]) -> Dups {
        let mut d = Dups {
            size: vec![0; x.len()],
            id: vec![0; x.len()],
        };
        let mut start = 0;
        while start < x.len() {
            let end = start + x[start..].iter().take_while(|v| **v == x[start]).count();
            for i in start..end {
                d.size[i] = end - start;
                d.id[i] = i - start + 1;
            }
            start = end;
        }
        d
    }
}

/// `rdrobust`'s nearest-neighbour residuals (x sorted): each value minus the mean of its
/// `nn` nearest neighbours (whole tie groups, equidistant neighbours both taken), scaled by
/// √(J/(J+1)).
fn nn_residuals(x: &[f64], y: &[f64], dups: &Dups, nn: usize) -> Vec<f64> {
    let n = x.len();
    let tol_eps = f64::EPSILON.sqrt();
    let cap = nn.min(n.saturating_sub(1));
    (0..n)
        .map(|pos| {
            let mut rpos = dups.size[pos] - dups.id[pos];
            let mut lpos = dups.id[pos] - 1;
            while lpos + rpos < cap {
                if pos < lpos + 1 {
                    rpos += dups.size[pos + rpos + 1];
                } else if pos + rpos + 1 >= n {
                    lpos += dups.size[pos - lpos - 1];
                } else {
                    let dleft = x[pos] - x[pos - lpos - 1];
                    let dright = x[pos + rpos + 1] - x[pos];
                    let tol = dleft.max(dright) * tol_eps;
                    if dleft - dright > tol {
                        rpos += dups.size[pos + rpos + 1];
                    } else if dright - dleft > tol {
                        lpos += dups.size[pos - lpos - 1];
                    } else {
                        rpos += dups.size[pos + rpos + 1];
                        lpos += dups.size[pos - lpos - 1];
                    }
                }
            }
            let (lo, hi) = (pos - lpos, pos + rpos + 1);
            let j = (hi - lo - 1) as f64;
            let others = y[lo..hi].iter().sum::<f64>() - y[pos];
            (j / (j + 1.0)).sqrt() * (y[pos] - others / j)
        })
        .collect()
}

/// Triangular kernel weight (1 − |x/h|)/h on |x/h| ≤ 1.
fn triangular(x: f64, h: f64) -> f64 {
    let u = x / h;
    if u.abs() <= 1.0 {
        (1.0 - u.abs()) / h
    } else {
        0.0
    }
}

fn distinct(sorted: &[f64]) -> usize {
    let mut v = sorted.to_vec();
    v.dedup();
    v.len()
}

fn distinct_where(sorted: &[f64], w: &[f64]) -> usize {
    let v: Vec<f64> = sorted
        .iter()
        .zip(w)
        .filter(|(_, w)| **w > 0.0)
        .map(|(x, _)| *x)
        .collect();
    distinct(&v)
}

/// Sample standard deviation (n − 1).
fn sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Hyndman–Fan type 2 quantile of sorted data (R's `quantile(type = 2)`, as `rdrobust` uses).
fn quantile_type2(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let h = n as f64 * p;
    let j = h.floor() as usize;
    if h == j as f64 {
        0.5 * (sorted[j - 1] + sorted[j])
    } else {
        sorted[j]
    }
}

/// Σ w·r rᵀ with r = (1, x, …, x^o), row-major (o+1)².
fn gram(x: &[f64], w: &[f64], o: usize) -> Vec<f64> {
    let k = o + 1;
    let mut g = vec![0.0; k * k];
    for (xi, wi) in x.iter().zip(w) {
        let r = powers(*xi, o);
        for a in 0..k {
            for b in 0..k {
                g[a * k + b] += wi * r[a] * r[b];
            }
        }
    }
    g
}

/// Σ (res·w·r)(res·w·r)ᵀ.
fn weighted_meat(x: &[f64], w: &[f64], res: &[f64], o: usize) -> Vec<f64> {
    let k = o + 1;
    let mut m = vec![0.0; k * k];
    for i in 0..x.len() {
        let r: Vec<f64> = powers(x[i], o).iter().map(|p| res[i] * p * w[i]).collect();
        for a in 0..k {
            for b in 0..k {
                m[a * k + b] += r[a] * r[b];
            }
        }
    }
    m
}

/// Σ w·r·y.
fn weighted_xy(x: &[f64], w: &[f64], y: &[f64], o: usize) -> Vec<f64> {
    let mut v = vec![0.0; o + 1];
    for i in 0..x.len() {
        for (vj, p) in v.iter_mut().zip(powers(x[i], o)) {
            *vj += w[i] * p * y[i];
        }
    }
    v
}

fn powers(x: f64, o: usize) -> Vec<f64> {
    let mut r = Vec::with_capacity(o + 1);
    let mut p = 1.0;
    for _ in 0..=o {
        r.push(p);
        p *= x;
    }
    r
}

fn mat_vec(a: &[f64], v: &[f64], k: usize) -> Vec<f64> {
    (0..k)
        .map(|i| (0..k).map(|j| a[i * k + j] * v[j]).sum())
        .collect()
}

/// A·M·A for symmetric A.
fn sandwich(a: &[f64], m: &[f64], k: usize) -> Vec<f64> {
    let mut am = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            am[i * k + j] = (0..k).map(|l| a[i * k + l] * m[l * k + j]).sum();
        }
    }
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            out[i * k + j] = (0..k).map(|l| am[i * k + l] * a[l * k + j]).sum();
        }
    }
    out
}

/// Inverse of a symmetric positive-definite matrix through its Cholesky factor.
fn inv_chol(a: &[f64], k: usize) -> Result<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s = a[i * k + j] - (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return Err(ModelError::invalid(
                        "singular_design",
                        &s::LOCAL_FIT_SINGULAR,
                    ));
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![0.0; k * k];
    for c in 0..k {
        let mut z = vec![0.0; k];
        for i in 0..k {
            let e = if i == c { 1.0 } else { 0.0 };
            z[i] = (e - (0..i).map(|m| l[i * k + m] * z[m]).sum::<f64>()) / l[i * k + i];
        }
        for i in (0..k).rev() {
            let s = z[i]
                - (i + 1..k)
                    .map(|m| l[m * k + i] * inv[m * k + c])
                    .sum::<f64>();
            inv[i * k + c] = s / l[i * k + i];
        }
    }
    Ok(inv)
}

/// As [`inv_chol`] (the pilot fits' `inv_chol_or_pinv`; the pseudo-inverse fallback is not
/// needed because distinct values are counted before each fit).
fn inv_sym(a: &[f64], k: usize) -> Result<Vec<f64>> {
    inv_chol(a, k)
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;

    use super::*;

    #[test]
    fn the_cholesky_inverse_of_a_2x2_matrix_is_the_adjugate_over_the_determinant() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8.
        let inv = inv_chol(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        for (got, want) in inv.iter().zip([3.0 / 8.0, -0.25, -0.25, 0.5]) {
            assert_abs_diff_eq!(*got, want, epsilon = 1e-15);
        }
    }

    #[test]
    fn nearest_neighbour_residuals_use_the_three_closest_points() {
        // x = 0,1,2,3,4: point 0 takes 1,2,3 → mean 2 of y (=x) → 0 − 2 = −2, times √(3/4);
        // point 2 takes 1 and 3 (tie at distance 1 both taken) then 0 and 4 → J = 4, mean 2.
        let x = [0.0, 1.0, 2.0, 3.0, 4.0];
        let res = nn_residuals(&x, &x, &Dups::of(&x), 3);
        assert_abs_diff_eq!(res[0], -2.0 * (0.75f64).sqrt(), epsilon = 1e-15);
        assert_abs_diff_eq!(res[2], 0.0, epsilon = 1e-15);
    }

    #[test]
    fn type_2_quantiles_average_at_whole_positions() {
        // n = 4, p = 0.25 → h = 1 (whole): (x₁ + x₂)/2; p = 0.6 → h = 2.4: x₃.
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_abs_diff_eq!(quantile_type2(&x, 0.25), 1.5, epsilon = 1e-15);
        assert_abs_diff_eq!(quantile_type2(&x, 0.6), 3.0, epsilon = 1e-15);
    }

    #[test]
    fn a_noiseless_line_with_a_jump_of_two_is_recovered_exactly() {
        // y = 1 + 0.5x + 2·1{x ≥ 0}: local linear fits are exact on each side, so the
        // conventional and bias-corrected estimates are both 2 (to rounding).
        let x: Vec<f64> = (0..60).map(|i| -1.0 + (i as f64 + 0.5) / 30.0).collect();
        let y: Vec<f64> = x
            .iter()
            .map(|&v| 1.0 + 0.5 * v + if v >= 0.0 { 2.0 } else { 0.0 })
            .map(|v| v + 1e-3 * (v * 37.0).sin())
            .collect();
        let fit = RdParams::default().fit(&x, &y).unwrap();
        assert_abs_diff_eq!(fit.estimate, 2.0, epsilon = 1e-2);
        assert_abs_diff_eq!(fit.estimate_bc, 2.0, epsilon = 1e-2);
        assert!(fit.ci_robust[0] < 2.0 && 2.0 < fit.ci_robust[1]);
        assert!(fit.bandwidth > 0.0 && fit.bandwidth <= 1.0 + 1e-12);
        assert!(fit.n_left > 0 && fit.n_right > 0);
    }

    #[test]
    fn a_constant_outcome_is_refused_as_zero_variance() {
        let x: Vec<f64> = (0..40).map(|i| i as f64 - 19.5).collect();
        let err = RdParams::default().fit(&x, &[1.0; 40]).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "zero_variance",
                ..
            }
        ));
    }

    #[test]
    fn fewer_than_twenty_points_are_refused() {
        let x: Vec<f64> = (0..10).map(|i| i as f64 - 4.5).collect();
        let err = RdParams::default().fit(&x, &x).unwrap_err();
        assert!(matches!(
            err,
            ModelError::InsufficientData {
                needed: 20,
                got: 10
            }
        ));
    }
}
