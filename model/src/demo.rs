//! The synthetic demo data set: 514 invented districts over the real provinces.
//!
//! District-level SSGI and SPBE tables are not available, so Lokus ships numbers that look
//! plausible and are obviously not real: names are "Kabupaten Contoh 017", codes use district
//! numbers 40–69 (kabupaten) and 80–99 (kota), which no real district uses, and every dataset is
//! flagged `demo`. The generator is seeded, so every build produces the same bytes.
//!
//! The under-five population comes from its own ChaCha8 stream ([`POPULATION_STREAM`]) of the
//! same seed, so adding it left the regions, stunting and SPBE tables byte-identical.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Uniform};

use crate::seed::province_seeds;

/// The seed of the demo generator; changing it changes the demo data set.
pub const DEMO_SEED: u64 = 20_230_214;

/// The ChaCha8 stream (of [`DEMO_SEED`]) that draws the demo under-five population; the
/// regions, stunting and SPBE values come from stream 0.
pub const POPULATION_STREAM: u64 = 1;

/// The ChaCha8 stream (of [`DEMO_SEED`]) that draws the demo stunting of the year before.
pub const PREVIOUS_YEAR_STREAM: u64 = 2;

/// The year the demo's data pretend to be (the baseline of the demo outcome).
pub const DEMO_YEAR: i32 = 2022;

/// The ChaCha8 stream (of [`DEMO_SEED`]) that draws the demo outcome year.
pub const OUTCOME_STREAM: u64 = 3;

/// The demo outcome year: a follow-up survey two years after the demo's baseline.
pub const OUTCOME_YEAR: i32 = 2024;

/// The effect planted in the demo outcome year for the districts of the default list,
/// percentage points of stunting prevalence.
pub const PLANTED_EFFECT: f64 = -1.5;

/// Standard error used for the outcome noise where a district's own is missing (as the
/// ranking's default, `UncertaintyParams::default_stunting_se`).
pub const DEFAULT_OUTCOME_SE: f64 = 2.0;

/// The indicator that marks a stunting dataset read by evaluations only: the ranking, the
/// analysis and the previous-year reads never pick it as a year's stunting table.
pub const EVALUATION_ONLY: &str = "evaluation_only";

/// The national under-five total the demo population is scaled to (about Indonesia's).
pub const DEMO_UNDER5_TOTAL: f64 = 22_000_000.0;

/// One invented district.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDistrict {
    /// Kemendagri-style code, e.g. `12.41`.
    pub code: String,
    /// BPS-style code (numbered the other way round, so it differs as real ones often do).
    pub bps_code: String,
    /// e.g. `Kabupaten Contoh 017`.
    pub name: String,
    /// `kabupaten` or `kota`.
    pub kind: &'static str,
    /// Real province code.
    pub province_code: String,
    /// Stunting prevalence, %.
    pub stunting: f64,
    /// Its standard error, % points (missing for a few districts on purpose).
    pub stunting_se: Option<f64>,
    /// Number of under-fives measured.
    pub sample_size: i32,
    /// `direct` or `sae`.
    pub method: &'static str,
    /// Indeks SPBE.
    pub spbe: f64,
    /// Children under five (synthetic; kota smaller on average).
    pub under5: i64,
}

/// The whole demo data set.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    /// The seed it was drawn from ([`DEMO_SEED`] for the shipped demo).
    pub seed: u64,
    /// Survey/evaluation year the demo values pretend to be.
    pub year: i32,
    /// The districts.
    pub districts: Vec<DemoDistrict>,
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

impl DemoData {
    /// Generates the demo set deterministically from [`DEMO_SEED`].
    pub fn generate() -> DemoData {
        DemoData::generate_with_seed(DEMO_SEED)
    }

    /// Generates a demo set from another seed (the coverage study draws many).
    #[expect(
        clippy::missing_panics_doc,
        reason = "distribution parameters are constants"
    )]
    pub fn generate_with_seed(seed: u64) -> DemoData {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let spbe_dist = Normal::new(2.3, 0.65).expect("valid normal");
        let province_effect = Normal::new(0.0, 4.0).expect("valid normal");
        let noise = Normal::new(0.0, 6.5).expect("valid normal");
        let unit = Uniform::new(0.0, 1.0).expect("valid uniform");
        let mut districts = Vec::with_capacity(514);
        for seed in province_seeds() {
            let p = &seed.province;
            let shift = province_effect.sample(&mut rng);
            let kinds = (0..seed.kabupaten)
                .map(|i| ("kabupaten", 40 + i, 40 + seed.kabupaten - 1 - i))
                .chain((0..seed.kota).map(|i| ("kota", 80 + i, 80 + seed.kota - 1 - i)));
            for (kind, number, bps_number) in kinds {
                let raw_spbe: f64 = spbe_dist.sample(&mut rng);
                let spbe = round_to(raw_spbe.clamp(1.0, 4.5), 2);
                let stunting = round_to(
                    (21.6 + shift - 2.5 * (spbe - 2.3) + noise.sample(&mut rng)).clamp(5.0, 50.0),
                    1,
                );
                let sae = unit.sample(&mut rng) < 0.2;
                let se = if sae {
                    2.5 + 2.5 * unit.sample(&mut rng)
                } else {
                    1.0 + 2.5 * unit.sample(&mut rng)
                };
                let missing_se = unit.sample(&mut rng) < 0.03;
                let sample_size = 200 + (1000.0 * unit.sample(&mut rng)) as i32;
                let ordinal = districts.len() + 1;
                let label = if kind == "kota" { "Kota" } else { "Kabupaten" };
                districts.push(DemoDistrict {
                    code: format!("{}.{number}", p.code),
                    bps_code: format!("{}{bps_number}", p.bps_code),
                    name: format!("{label} Contoh {ordinal:03}"),
                    kind,
                    province_code: p.code.clone(),
                    stunting,
                    stunting_se: (!missing_se).then(|| round_to(se, 2)),
                    sample_size,
                    method: if sae { "sae" } else { "direct" },
                    spbe,
                    under5: 0,
                });
            }
        }
        assign_under5(&mut districts, seed);
        DemoData {
            seed,
            year: DEMO_YEAR,
            districts,
        }
    }

    /// The demo under-five population in the population import format (`code,value`).
    pub fn population_csv(&self) -> String {
        let mut out = String::from("code,value\n");
        for d in &self.districts {
            out.push_str(&format!("{},{}\n", d.code, d.under5));
        }
        out
    }

    /// The demo regions in the region import format.
    pub fn regions_csv(&self) -> String {
        let mut out = String::from("code,bps_code,name,kind,province_code\n");
        for d in &self.districts {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                d.code, d.bps_code, d.name, d.kind, d.province_code
            ));
        }
        out
    }

    /// The demo stunting table in the stunting import format.
    pub fn stunting_csv(&self) -> String {
        let mut out = String::from("code,prevalence,se,n,method\n");
        for d in &self.districts {
            let se = d.stunting_se.map(|s| s.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                d.code, d.stunting, se, d.sample_size, d.method
            ));
        }
        out
    }

    /// The demo stunting of the year before ([`DemoData::year`] − 1) in the stunting import
    /// format, drawn on its own stream: each district about 2.8 points higher (SSGI 2021 → 2022
    /// fell from 24.4 % to 21.6 % nationally) with noise of sd 2.5 points, same standard errors.
    pub fn previous_stunting_csv(&self) -> String {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(PREVIOUS_YEAR_STREAM);
        let change = Normal::new(2.8, 2.5).expect("valid normal");
        let mut out = String::from("code,prevalence,se,n,method\n");
        for d in &self.districts {
            let before = round_to((d.stunting + change.sample(&mut rng)).clamp(3.0, 60.0), 1);
            let se = d.stunting_se.map(|s| s.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                d.code, before, se, d.sample_size, d.method
            ));
        }
        out
    }

    /// The default list of the demo: each district's code, score and whether the default
    /// scenario (`RankingRequest::default()`) selects it, in the order of [`Self::districts`].
    ///
    /// # Errors
    /// As [`crate::ranking::rank`] (never for the shipped demo).
    pub fn default_list(&self) -> crate::Result<Vec<(String, f64, bool)>> {
        let candidates: Vec<crate::ranking::Candidate> = self
            .districts
            .iter()
            .map(|d| crate::ranking::Candidate {
                code: d.code.clone(),
                province_code: d.province_code.clone(),
                stunting: d.stunting,
                stunting_se: d.stunting_se,
                spbe: d.spbe,
                under5: Some(d.under5 as f64),
                previous: None,
                previous_se: None,
            })
            .collect();
        let ranking = crate::ranking::rank(&candidates, &crate::ranking::Scenario::default())?;
        let by_code: std::collections::HashMap<&str, (f64, bool)> = ranking
            .entries
            .iter()
            .map(|e| (e.code.as_str(), (e.score, e.selected)))
            .collect();
        Ok(self
            .districts
            .iter()
            .map(|d| {
                let (score, selected) = by_code[d.code.as_str()];
                (d.code.clone(), score, selected)
            })
            .collect())
    }

    /// The demo stunting of [`OUTCOME_YEAR`], one value per district in the order of
    /// [`Self::districts`], drawn on [`OUTCOME_STREAM`]: the baseline plus a smooth trend in the
    /// default list's score s, trend(s) = −1 − 2(s − ½) + 1.5(s − ½)², plus
    /// [`PLANTED_EFFECT`] for the selected districts, plus survey noise with the district's
    /// own standard error (or [`DEFAULT_OUTCOME_SE`]); rounded to 0.1 and kept in 0.5–60 %.
    ///
    /// # Errors
    /// As [`Self::default_list`].
    #[expect(
        clippy::missing_panics_doc,
        reason = "distribution parameters are constants"
    )]
    pub fn outcome_stunting(&self) -> crate::Result<Vec<f64>> {
        let list = self.default_list()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(OUTCOME_STREAM);
        let unit = Normal::new(0.0, 1.0).expect("valid normal");
        Ok(self
            .districts
            .iter()
            .zip(list)
            .map(|(d, (_, s, selected))| {
                let trend = -1.0 - 2.0 * (s - 0.5) + 1.5 * (s - 0.5).powi(2);
                let effect = if selected { PLANTED_EFFECT } else { 0.0 };
                let se = d.stunting_se.unwrap_or(DEFAULT_OUTCOME_SE);
                let noise = se * unit.sample(&mut rng);
                round_to((d.stunting + trend + effect + noise).clamp(0.5, 60.0), 1)
            })
            .collect())
    }

    /// [`Self::outcome_stunting`] in the stunting import format (same standard errors, sample
    /// sizes and methods as the baseline).
    ///
    /// # Errors
    /// As [`Self::default_list`].
    pub fn outcome_stunting_csv(&self) -> crate::Result<String> {
        let mut out = String::from("code,prevalence,se,n,method\n");
        for (d, value) in self.districts.iter().zip(self.outcome_stunting()?) {
            let se = d.stunting_se.map(|s| s.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                d.code, value, se, d.sample_size, d.method
            ));
        }
        Ok(out)
    }

    /// The `source` of the demo outcome dataset: says it is synthetic and states the planted
    /// effect.
    pub fn outcome_source() -> String {
        format!(
            "Lokus synthetic demo outcome {OUTCOME_YEAR} (not official statistics): \
             {DEMO_YEAR} values + smooth trend in the default list's score + planted effect \
             {PLANTED_EFFECT:+.1} points for its 100 selected districts + survey noise"
        )
    }

    /// The demo SPBE table in the SPBE import format.
    pub fn spbe_csv(&self) -> String {
        let mut out = String::from("code,index\n");
        for d in &self.districts {
            out.push_str(&format!("{},{}\n", d.code, d.spbe));
        }
        out
    }
}

/// Draws each district's under-five population from a lognormal (median about 40,000 for a
/// kabupaten, 22,000 for a kota) on its own stream, then scales the whole to
/// [`DEMO_UNDER5_TOTAL`].
fn assign_under5(districts: &mut [DemoDistrict], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(POPULATION_STREAM);
    let kabupaten = LogNormal::new(40_000f64.ln(), 0.6).expect("valid lognormal");
    let kota = LogNormal::new(22_000f64.ln(), 0.6).expect("valid lognormal");
    let raw: Vec<f64> = districts
        .iter()
        .map(|d| {
            if d.kind == "kota" {
                kota.sample(&mut rng)
            } else {
                kabupaten.sample(&mut rng)
            }
        })
        .collect();
    let scale = DEMO_UNDER5_TOTAL / raw.iter().sum::<f64>();
    for (d, r) in districts.iter_mut().zip(raw) {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a few hundred thousand at most"
        )]
        let count = (r * scale).round() as i64;
        d.under5 = count.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean(xs: &[f64]) -> f64 {
        xs.iter().sum::<f64>() / xs.len() as f64
    }

    #[test]
    fn the_demo_set_is_the_same_every_time() {
        assert_eq!(DemoData::generate(), DemoData::generate());
        assert_eq!(
            DemoData::generate().stunting_csv(),
            DemoData::generate().stunting_csv()
        );
    }

    #[test]
    fn the_demo_set_has_514_districts_over_34_provinces_with_unique_codes() {
        let demo = DemoData::generate();
        assert_eq!(demo.districts.len(), 514);
        assert_eq!(
            demo.districts.iter().filter(|d| d.kind == "kota").count(),
            98
        );
        let mut codes: Vec<&str> = demo.districts.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 514);
        let mut bps: Vec<&str> = demo.districts.iter().map(|d| d.bps_code.as_str()).collect();
        bps.sort_unstable();
        bps.dedup();
        assert_eq!(bps.len(), 514);
        let mut provinces: Vec<&str> = demo
            .districts
            .iter()
            .map(|d| d.province_code.as_str())
            .collect();
        provinces.dedup();
        assert_eq!(provinces.len(), 34);
    }

    #[test]
    fn demo_values_are_plausible_and_weakly_negatively_correlated() {
        let demo = DemoData::generate();
        let s: Vec<f64> = demo.districts.iter().map(|d| d.stunting).collect();
        let x: Vec<f64> = demo.districts.iter().map(|d| d.spbe).collect();
        assert!((mean(&s) - 21.6).abs() < 1.5, "stunting mean {}", mean(&s));
        assert!((mean(&x) - 2.3).abs() < 0.15, "spbe mean {}", mean(&x));
        assert!(s.iter().all(|v| (5.0..=50.0).contains(v)));
        assert!(x.iter().all(|v| (1.0..=4.5).contains(v)));
        let (ms, mx) = (mean(&s), mean(&x));
        let cov: f64 = s.iter().zip(&x).map(|(a, b)| (a - ms) * (b - mx)).sum();
        let r = cov
            / (s.iter().map(|a| (a - ms).powi(2)).sum::<f64>().sqrt()
                * x.iter().map(|b| (b - mx).powi(2)).sum::<f64>().sqrt());
        assert!((-0.45..-0.05).contains(&r), "r = {r}");
    }

    #[test]
    fn the_demo_under5_population_is_plausible_and_deterministic() {
        let demo = DemoData::generate();
        let counts: Vec<i64> = demo.districts.iter().map(|d| d.under5).collect();
        let total: i64 = counts.iter().sum();
        assert!((21_000_000..=23_000_000).contains(&total), "total {total}");
        let typical = counts
            .iter()
            .filter(|c| (10_000..=150_000).contains(*c))
            .count();
        assert!(
            typical * 100 >= 80 * counts.len(),
            "{typical} of {}",
            counts.len()
        );
        let mean_of = |kind: &str| {
            let xs: Vec<f64> = demo
                .districts
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| d.under5 as f64)
                .collect();
            mean(&xs)
        };
        assert!(mean_of("kota") < mean_of("kabupaten"));
        assert_eq!(
            DemoData::generate().population_csv().as_bytes(),
            demo.population_csv().as_bytes()
        );
        assert!(demo.population_csv().starts_with("code,value\n"));
    }

    #[test]
    fn the_demo_tables_have_pinned_bytes() {
        use sha2::{Digest, Sha256};
        let demo = DemoData::generate();
        let sha = |csv: String| hex::encode(Sha256::digest(csv.as_bytes()));
        // Regions, stunting and SPBE as before the population was added (stream 0).
        assert_eq!(
            sha(demo.regions_csv()),
            "587962c6b9b50893e1e8e681244326d4ebb680933306809a932ef3d7486e2d54"
        );
        assert_eq!(
            sha(demo.stunting_csv()),
            "c2d52351dadef5275ecc5434851383dd77a1abb50681ef08865b7074bc9ef232"
        );
        assert_eq!(
            sha(demo.spbe_csv()),
            "363292da5235ac49a0fc90909d38630f371d01dba57906c082f919fe5733115b"
        );
        assert_eq!(
            sha(demo.population_csv()),
            "927fe34c9bbb8b20f038bfd99483d48a29e3de007504fb87a8321e10e484a0c2"
        );
        // The outcome year (stream 3) came later; the tables above kept their bytes.
        assert_eq!(
            sha(demo.outcome_stunting_csv().unwrap()),
            "692b2f95092067cdfd024c8a78df6e3c512ecb5895253a85f74e4825fd11b1e1"
        );
    }

    #[test]
    fn demo_names_and_codes_cannot_be_taken_for_real_ones() {
        for d in DemoData::generate().districts {
            assert!(d.name.contains(" Contoh "), "{}", d.name);
            let number: u32 = d.code[3..].parse().unwrap();
            assert!(
                (40..=69).contains(&number) || (80..=99).contains(&number),
                "{}",
                d.code
            );
        }
    }
}
