//! What a ranking result leaves out and what its SPBE direction trades: the highest-stunting
//! districts not selected (and why), provinces without a selected district, the data quality
//! of the selection, and the SPBE trade-off in numbers and words.
//!
//! Everything here reads a finished ranking ([`DistrictResult`]s) and, for the trade-off, one
//! more selection under the other SPBE direction; nothing changes the ranking itself.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::ranking::{Candidate, Method, Reason, Scenario, SpbeDirection, rank};
use crate::scenario::DistrictResult;

/// How many not-selected districts each omission list names.
pub const OMISSION_LIST_LEN: usize = 20;

/// Stunting at or above this is "very high" (WHO/UNICEF band), %: the trade-off counts these.
pub const HIGH_STUNTING: f64 = 30.0;

/// SPBE below this is the low-readiness group the trade-off counts (index points).
pub const LOW_SPBE: f64 = 2.0;

/// A sentence in both languages of the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sentence {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

/// Why a high-stunting district is not selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OmissionCause {
    /// The scenario's `exclude` forces it out.
    Excluded,
    /// Its SPBE is below the scenario's `min_spbe`.
    BelowMinSpbe,
    /// Its province already has `max_per_province` selected.
    ProvinceCap,
    /// Below the cut-off, and its SPBE term costs it more score than its gap to the cut-off:
    /// with the most favourable SPBE term it would be in.
    Spbe,
    /// Below the cut-off even with the most favourable SPBE term.
    Score,
}

/// One high-stunting district that is not selected, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Omitted {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Stunting prevalence, %.
    pub stunting_prevalence: f64,
    /// 1-based place by prevalence among every joined district (highest first; ties by code).
    pub stunting_rank: usize,
    /// Estimated stunted children (null without population).
    pub stunted_children: Option<f64>,
    /// 1-based place by stunted children among the joined districts with a population (null
    /// without one).
    pub stunted_children_rank: Option<usize>,
    /// Indeks SPBE.
    pub spbe_index: f64,
    /// Its place in the ranking.
    pub rank: usize,
    /// Its score.
    pub score: f64,
    /// Why it is out.
    pub cause: OmissionCause,
    /// score − the lowest selected score (negative: the score it lacks).
    pub gap: f64,
    /// Score its SPBE term costs it against the most favourable SPBE term among the joined
    /// districts (0 when the method gives SPBE no part).
    pub spbe_cost: f64,
    /// The same in words.
    pub text: Sentence,
}

/// A province with districts in the join but none selected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProvinceGap {
    /// Province code.
    pub code: String,
    /// Province name.
    pub name: String,
    /// Its districts in the join.
    pub districts: usize,
    /// The highest stunting prevalence among them, %.
    pub highest_stunting: f64,
}

/// How sound the data of the selected districts are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataQuality {
    /// Districts selected.
    pub selected: usize,
    /// Of them, with a small-area estimate of stunting (`stunting_method` = `sae`).
    pub sae: usize,
    /// `sae` / `selected`.
    pub sae_share: f64,
    /// Of them, without a stunting standard error (the Monte Carlo uses the default one).
    pub se_defaulted: usize,
    /// `se_defaulted` / `selected`.
    pub se_defaulted_share: f64,
    /// Of them, without an under-five population (not counted in coverage).
    pub population_missing: usize,
    /// `population_missing` / `selected`.
    pub population_missing_share: f64,
}

/// Who a ranking result leaves out, where, and how sound its selection's data are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Omissions {
    /// The 20 not-selected districts with the highest stunting prevalence (ties by code).
    pub by_prevalence: Vec<Omitted>,
    /// The 20 not-selected districts with the most stunted children = prevalence/100 ×
    /// under-five population (ties by code); empty without a population dataset.
    pub by_stunted_children: Vec<Omitted>,
    /// Provinces with districts in the join and none selected, by code.
    pub provinces_without_selection: Vec<ProvinceGap>,
    /// Data quality among the selected.
    pub data_quality: DataQuality,
}

/// What the scenario's SPBE direction does, in numbers and words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpbeTradeoff {
    /// The direction of this result.
    pub direction: SpbeDirection,
    /// False when the scores do not read the direction (methods other than `composite`, or
    /// an SPBE weight of 0): the other direction then changes nothing.
    pub applies: bool,
    /// The stunting threshold counted, % (30: the WHO/UNICEF "very high" band).
    pub stunting_threshold: f64,
    /// The SPBE threshold counted (index points).
    pub spbe_threshold: f64,
    /// Districts with stunting ≥ the threshold that are not selected.
    pub high_stunting_not_selected: usize,
    /// Of them, with SPBE below the SPBE threshold.
    pub high_stunting_low_spbe_not_selected: usize,
    /// Of them, with SPBE at or above it.
    pub high_stunting_other_spbe_not_selected: usize,
    /// The other direction.
    pub other_direction: SpbeDirection,
    /// Selected districts that the other direction (all else equal) would not select, of `k`;
    /// null when the other direction cannot be ranked.
    pub changes_under_other: Option<usize>,
    /// Under the other direction, districts with stunting ≥ the threshold and SPBE below the
    /// SPBE threshold not selected (null as above).
    pub other_high_stunting_low_spbe_not_selected: Option<usize>,
    /// Number selected.
    pub k: usize,
    /// The same in words.
    pub text: Sentence,
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 / of as f64 }
}

/// Decimal in the page's convention: a comma in Indonesian.
fn num(x: f64, places: usize, lang: &str) -> String {
    let s = format!("{x:.places$}");
    if lang == "id" { s.replace('.', ",") } else { s }
}

fn direction_label(d: SpbeDirection, lang: &str) -> &'static str {
    match (d, lang) {
        (SpbeDirection::HigherIsPriority, "id") => "SPBE lebih tinggi = prioritas",
        (SpbeDirection::LowerIsPriority, "id") => "SPBE lebih rendah = prioritas",
        (SpbeDirection::HigherIsPriority, _) => "higher SPBE = priority",
        (SpbeDirection::LowerIsPriority, _) => "lower SPBE = priority",
    }
}

fn other(d: SpbeDirection) -> SpbeDirection {
    match d {
        SpbeDirection::HigherIsPriority => SpbeDirection::LowerIsPriority,
        SpbeDirection::LowerIsPriority => SpbeDirection::HigherIsPriority,
    }
}

/// 1-based places of the districts by a key, highest first, ties by code; districts without
/// a key have no place.
fn places(
    districts: &[DistrictResult],
    key: impl Fn(&DistrictResult) -> Option<f64>,
) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..districts.len())
        .filter(|&i| key(&districts[i]).is_some())
        .collect();
    order.sort_by(|&a, &b| {
        key(&districts[b])
            .partial_cmp(&key(&districts[a]))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| districts[a].code.cmp(&districts[b].code))
    });
    let mut place = vec![None; districts.len()];
    for (p, &i) in order.iter().enumerate() {
        place[i] = Some(p + 1);
    }
    place
}

fn omitted_text(d: &DistrictResult, cause: OmissionCause, gap: f64, spbe_cost: f64) -> Sentence {
    let (id, en) = match cause {
        OmissionCause::Excluded => (
            "Tidak terpilih: skenario mengecualikannya.".to_string(),
            "Not selected: the scenario excludes it.".to_string(),
        ),
        OmissionCause::BelowMinSpbe => (
            format!(
                "Tidak terpilih: SPBE {} di bawah batas minimum skenario.",
                num(d.spbe_index, 2, "id")
            ),
            format!(
                "Not selected: SPBE {} is below the scenario's minimum.",
                num(d.spbe_index, 2, "en")
            ),
        ),
        OmissionCause::ProvinceCap => (
            format!(
                "Tidak terpilih: {} sudah mencapai batas maksimum per provinsi.",
                d.province_name
            ),
            format!(
                "Not selected: {} already has the maximum per province.",
                d.province_name
            ),
        ),
        OmissionCause::Spbe => (
            format!(
                "Tidak terpilih karena SPBE {}: suku SPBE mengurangi skornya {} dibanding SPBE paling menguntungkan, lebih dari kekurangannya {} terhadap batas.",
                num(d.spbe_index, 2, "id"),
                num(spbe_cost, 3, "id"),
                num(-gap, 3, "id")
            ),
            format!(
                "Not selected because of its SPBE {}: the SPBE term costs it {} of score against the most favourable SPBE, more than the {} it lacks to the cut-off.",
                num(d.spbe_index, 2, "en"),
                num(spbe_cost, 3, "en"),
                num(-gap, 3, "en")
            ),
        ),
        OmissionCause::Score => (
            format!(
                "Tidak terpilih: skornya kurang {} dari batas; suku SPBE hanya mengurangi {}.",
                num(-gap, 3, "id"),
                num(spbe_cost, 3, "id")
            ),
            format!(
                "Not selected: its score lacks {} to the cut-off; the SPBE term costs only {}.",
                num(-gap, 3, "en"),
                num(spbe_cost, 3, "en")
            ),
        ),
    };
    Sentence { id, en }
}

/// The omissions of a ranking result, from its districts (every joined district, any order).
pub fn omissions(districts: &[DistrictResult]) -> Omissions {
    let cutoff = districts
        .iter()
        .filter(|d| d.selected)
        .map(|d| d.score)
        .fold(f64::INFINITY, f64::min);
    let best_spbe_term = districts
        .iter()
        .map(|d| d.explanation.contributions.spbe)
        .fold(f64::NEG_INFINITY, f64::max);
    let by_stunting = places(districts, |d| Some(d.stunting_prevalence));
    let by_children = places(districts, |d| d.stunted_children);
    let omitted = |i: usize| -> Omitted {
        let d = &districts[i];
        let gap = d.score - cutoff;
        let spbe_cost = (best_spbe_term - d.explanation.contributions.spbe).max(0.0);
        let cause = match d.explanation.reason {
            Reason::Excluded => OmissionCause::Excluded,
            Reason::BelowMinSpbe => OmissionCause::BelowMinSpbe,
            Reason::ProvinceCap => OmissionCause::ProvinceCap,
            _ if spbe_cost > -gap => OmissionCause::Spbe,
            _ => OmissionCause::Score,
        };
        Omitted {
            code: d.code.clone(),
            name: d.name.clone(),
            province_name: d.province_name.clone(),
            stunting_prevalence: d.stunting_prevalence,
            stunting_rank: by_stunting[i].unwrap_or(0),
            stunted_children: d.stunted_children,
            stunted_children_rank: by_children[i],
            spbe_index: d.spbe_index,
            rank: d.rank,
            score: d.score,
            cause,
            gap,
            spbe_cost,
            text: omitted_text(d, cause, gap, spbe_cost),
        }
    };
    let top = |place: &[Option<usize>]| -> Vec<Omitted> {
        let mut out: Vec<(usize, usize)> = place
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (p, i)))
            .filter(|&(_, i)| !districts[i].selected)
            .collect();
        out.sort_unstable();
        out.into_iter()
            .take(OMISSION_LIST_LEN)
            .map(|(_, i)| omitted(i))
            .collect()
    };
    let mut provinces: BTreeMap<&str, ProvinceGap> = BTreeMap::new();
    let mut served: HashSet<&str> = HashSet::new();
    for d in districts {
        let p = provinces
            .entry(d.province_code.as_str())
            .or_insert_with(|| ProvinceGap {
                code: d.province_code.clone(),
                name: d.province_name.clone(),
                districts: 0,
                highest_stunting: f64::NEG_INFINITY,
            });
        p.districts += 1;
        p.highest_stunting = p.highest_stunting.max(d.stunting_prevalence);
        if d.selected {
            served.insert(d.province_code.as_str());
        }
    }
    let selected: Vec<&DistrictResult> = districts.iter().filter(|d| d.selected).collect();
    let n = selected.len();
    let sae = selected
        .iter()
        .filter(|d| d.stunting_method.as_deref() == Some("sae"))
        .count();
    let se_defaulted = selected.iter().filter(|d| d.stunting_se.is_none()).count();
    let population_missing = selected
        .iter()
        .filter(|d| d.under5_population.is_none())
        .count();
    Omissions {
        by_prevalence: top(&by_stunting),
        by_stunted_children: top(&by_children),
        provinces_without_selection: provinces
            .into_iter()
            .filter(|(code, _)| !served.contains(code))
            .map(|(_, p)| p)
            .collect(),
        data_quality: DataQuality {
            selected: n,
            sae,
            sae_share: share(sae, n),
            se_defaulted,
            se_defaulted_share: share(se_defaulted, n),
            population_missing,
            population_missing_share: share(population_missing, n),
        },
    }
}

/// The SPBE trade-off of a ranking result: what its direction leaves out, and how many of
/// its selected districts the other direction (all else equal, the same candidates and
/// constraints) would replace.
pub fn spbe_tradeoff(
    candidates: &[Candidate],
    scenario: &Scenario,
    districts: &[DistrictResult],
) -> SpbeTradeoff {
    let high = |d: &&DistrictResult| d.stunting_prevalence >= HIGH_STUNTING;
    let low = |spbe: f64| spbe < LOW_SPBE;
    let out_high: Vec<&DistrictResult> = districts
        .iter()
        .filter(|d| !d.selected)
        .filter(high)
        .collect();
    let out_high_low = out_high.iter().filter(|d| low(d.spbe_index)).count();
    let selected: HashSet<&str> = districts
        .iter()
        .filter(|d| d.selected)
        .map(|d| d.code.as_str())
        .collect();
    let flipped = Scenario {
        spbe_direction: other(scenario.spbe_direction),
        ..scenario.clone()
    };
    let alternative = rank(candidates, &flipped).ok().map(|r| {
        let picked: HashSet<String> = r
            .entries
            .iter()
            .filter(|e| e.selected)
            .map(|e| e.code.clone())
            .collect();
        let changes = selected.iter().filter(|c| !picked.contains(**c)).count();
        let other_low = districts
            .iter()
            .filter(high)
            .filter(|d| low(d.spbe_index) && !picked.contains(&d.code))
            .count();
        (changes, other_low)
    });
    let applies = scenario.method == Method::Composite && scenario.weights.spbe > 0.0;
    let k = selected.len();
    let direction = scenario.spbe_direction;
    let text = |lang: &str| -> String {
        let label = direction_label(direction, lang);
        let threshold = num(HIGH_STUNTING, 0, lang);
        let spbe = num(LOW_SPBE, 1, lang);
        let rest = out_high.len() - out_high_low;
        let head = if lang == "id" {
            format!(
                "Dengan *{label}*, {out_high_low} kabupaten/kota dengan stunting ≥ {threshold} % dan SPBE < {spbe} tidak terpilih (serta {rest} dengan stunting ≥ {threshold} % dan SPBE ≥ {spbe})"
            )
        } else {
            format!(
                "Under *{label}*, {out_high_low} districts with stunting ≥ {threshold} % and SPBE < {spbe} are not selected (and {rest} with stunting ≥ {threshold} % and SPBE ≥ {spbe})"
            )
        };
        let tail = match (alternative, applies, lang) {
            (_, false, "id") => "; metode dan bobot ini tidak membaca arah SPBE, jadi arah lain tidak mengubah apa pun.".to_string(),
            (_, false, _) => "; this method and weights do not read the SPBE direction, so the other direction changes nothing.".to_string(),
            (Some((changes, _)), true, "id") => {
                format!("; dengan arah sebaliknya {changes} dari {k} akan berganti.")
            }
            (Some((changes, _)), true, _) => {
                format!("; under the other direction {changes} of the {k} would change.")
            }
            (None, true, "id") => "; arah sebaliknya tidak dapat diperingkat dengan batasan ini.".to_string(),
            (None, true, _) => "; the other direction cannot be ranked under these constraints.".to_string(),
        };
        head + &tail
    };
    SpbeTradeoff {
        direction,
        applies,
        stunting_threshold: HIGH_STUNTING,
        spbe_threshold: LOW_SPBE,
        high_stunting_not_selected: out_high.len(),
        high_stunting_low_spbe_not_selected: out_high_low,
        high_stunting_other_spbe_not_selected: out_high.len() - out_high_low,
        other_direction: other(direction),
        changes_under_other: alternative.map(|(c, _)| c),
        other_high_stunting_low_spbe_not_selected: alternative.map(|(_, l)| l),
        k,
        text: Sentence {
            id: text("id"),
            en: text("en"),
        },
    }
}
