//! Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, 256 layers), with
//! the common path small enough to be inlined into the simulation's loops.
//!
//! `rand_distr::StandardNormal` implements the same algorithm but is not inlined, and the calls
//! cost about half of a draw's time; the simulation needs two variates per district per draw.

use std::sync::LazyLock;

use rand::Rng;

/// Right edge of the base layer.
const R: f64 = 3.654_152_885_361_009;
/// Area of each layer.
const V: f64 = 0.004_928_673_233_99;

/// Layer edges `x` (x[0] = V/f(R) for the base strip, x[1] = R, …, x[256] = 0) and the
/// density at them, f(x) = exp(−x²/2).
#[derive(Debug)]
pub(super) struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

static TABLES: LazyLock<Ziggurat> = LazyLock::new(Ziggurat::new);

fn pdf(x: f64) -> f64 {
    (-x * x / 2.0).exp()
}

impl Ziggurat {
    fn new() -> Self {
        let mut x = [0.0; 257];
        x[0] = V / pdf(R);
        x[1] = R;
        for i in 2..256 {
            // The next edge is where the layer above has area V: f(x_i) = V/x_{i−1} + f(x_{i−1}).
            x[i] = (-2.0 * (V / x[i - 1] + pdf(x[i - 1])).ln()).sqrt();
        }
        x[256] = 0.0;
        Ziggurat { x, f: x.map(pdf) }
    }

    /// The shared tables, computed on first use.
    pub fn get() -> &'static Ziggurat {
        &TABLES
    }

    /// One standard normal variate.
    #[inline]
    pub fn sample<G: Rng>(&self, rng: &mut G) -> f64 {
        loop {
            let bits = rng.next_u64();
            // The low 8 bits pick the layer, the high 52 a uniform u in [−1, 1).
            let i = (bits & 0xFF) as usize;
            let u = f64::from_bits((1024u64 << 52) | (bits >> 12)) - 3.0;
            let x = u * self.x[i];
            if x.abs() < self.x[i + 1] {
                return x;
            }
            if let Some(v) = self.edge(rng, i, u, x) {
                return v;
            }
        }
    }

    /// The rare case (about 1 %): the point fell in a layer's ragged edge or the base strip.
    #[cold]
    #[inline(never)]
    fn edge<G: Rng>(&self, rng: &mut G, i: usize, u: f64, x: f64) -> Option<f64> {
        if i == 0 {
            // Tail beyond R (Marsaglia 1964).
            loop {
                let a = -open01(rng).ln() / R;
                let b = -open01(rng).ln();
                if 2.0 * b >= a * a {
                    return Some(if u < 0.0 { -(R + a) } else { R + a });
                }
            }
        }
        let y = self.f[i + 1] + (self.f[i] - self.f[i + 1]) * open01(rng);
        (y < pdf(x)).then_some(x)
    }
}

/// Uniform in (0, 1): 52 random bits with the low bit set.
fn open01<G: Rng>(rng: &mut G) -> f64 {
    f64::from_bits((1023u64 << 52) | (rng.next_u64() >> 12) | 1) - 1.0
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    use super::*;

    #[test]
    fn the_tables_match_the_published_ziggurat_constants() {
        let z = Ziggurat::new();
        // x[0] = V/f(R) ≈ 3.9107579595, and the layers shrink to 0 monotonically.
        approx::assert_abs_diff_eq!(z.x[0], 3.910_757_959_537_09, epsilon = 1e-9);
        assert!(z.x.windows(2).skip(1).all(|w| w[0] > w[1]));
        // Entries of the table in rand_distr 0.6 (ziggurat_tables.rs).
        approx::assert_abs_diff_eq!(z.x[2], 3.449_278_298_560_964, epsilon = 1e-9);
        approx::assert_abs_diff_eq!(z.x[11], 2.857_138_730_872_132_5, epsilon = 1e-9);
        approx::assert_abs_diff_eq!(z.x[255], 0.215_241_895_913_273_8, epsilon = 1e-6);
        approx::assert_abs_diff_eq!(z.f[0], 0.000_477_467_764_586_655, epsilon = 1e-12);
    }

    #[test]
    fn variates_have_the_moments_and_tails_of_a_standard_normal() {
        // n = 400,000: the mean has sd 1/√n ≈ 0.0016, the variance sd √(2/n) ≈ 0.0022,
        // P(|z| > 3) = 0.0027 with sd ≈ 0.00008.
        let z = Ziggurat::get();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let n = 400_000;
        let (mut s1, mut s2, mut tail, mut far) = (0.0, 0.0, 0usize, 0usize);
        for _ in 0..n {
            let v = z.sample(&mut rng);
            s1 += v;
            s2 += v * v;
            tail += usize::from(v.abs() > 3.0);
            far += usize::from(v.abs() > R);
        }
        let mean = s1 / n as f64;
        approx::assert_abs_diff_eq!(mean, 0.0, epsilon = 0.008);
        approx::assert_abs_diff_eq!(s2 / n as f64 - mean * mean, 1.0, epsilon = 0.011);
        approx::assert_abs_diff_eq!(tail as f64 / n as f64, 0.0027, epsilon = 0.0004);
        // P(|z| > R) ≈ 0.000258: the tail branch is reached.
        assert!(far > 50, "{far}");
    }
}
