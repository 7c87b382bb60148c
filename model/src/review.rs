//! The steward's review of a staged dataset: what publishing it would change, computed
//! without publishing.
//!
//! The staged dataset is compared with the live one it would replace (the published dataset
//! of the same kind, year and indicator, else of the latest earlier year): coverage of the
//! region reference, districts added and removed, changed values, distributions, outliers, and
//! the default shortlist before and after. The "after" shortlist is computed inside a
//! transaction that publishes the dataset and is then rolled back, so it is exactly what
//! publishing would give and nothing of it stays.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::Connection;
use serde::Serialize;

use crate::audit::Actor;
use crate::dataset::{Dataset, DatasetKind, DatasetStatus, PublishOptions};
use crate::db::DbConnection;
use crate::error::{ModelError, Result};
use crate::message::Lang;
use crate::region::RegionIndex;
use crate::scenario::{RankingRequest, RankingResult};
use crate::sentences as s;

/// The robust z-score above which a value is an outlier within its province.
pub const ROBUST_Z_LIMIT: f64 = 3.5;
/// The change against the previous year (percentage points of stunting) above which a value
/// is an outlier.
pub const JUMP_LIMIT_POINTS: f64 = 10.0;
/// How many of the largest changes a review lists.
pub const LARGEST_CHANGES: usize = 10;

/// Which live dataset a review compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The live dataset of the same kind, year and indicator (the one publishing replaces).
    SameYear,
    /// No live dataset of that year: the live one of the latest earlier year.
    EarlierYear,
    /// The live dataset of the kind (region reference, boundaries: no year).
    SameKind,
    /// Nothing live to compare with.
    None,
}

/// A district named in a review.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewDistrict {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
}

/// Coverage of the region reference.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewCoverage {
    /// Districts in the region reference (real or demo, as the dataset is).
    pub reference: usize,
    /// Reference districts the staged dataset has a row for.
    pub covered: usize,
    /// `covered / reference` (0–1; 0 for an empty reference).
    pub share: f64,
    /// Districts the live dataset covers, when there is one.
    pub live_covered: Option<usize>,
    /// True when the staged dataset covers fewer districts than the live one: publishing
    /// then needs `{"acknowledge_partial": true}`.
    pub partial: bool,
    /// Reference districts without a row, by code.
    pub missing: Vec<ReviewDistrict>,
}

/// One changed value.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ValueChange {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// The live value.
    pub live: f64,
    /// The staged value.
    pub staged: f64,
    /// `staged − live`.
    pub difference: f64,
}

/// Values of districts in both datasets.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ValueChanges {
    /// Districts in both datasets.
    pub compared: usize,
    /// Of those, districts whose value differs.
    pub changed: usize,
    /// The largest changes by absolute difference (at most 10), largest first.
    pub largest: Vec<ValueChange>,
}

/// Distribution of a dataset's values.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Distribution {
    /// Number of values.
    pub n: usize,
    /// Smallest.
    pub min: f64,
    /// First quartile (linear interpolation between order statistics, h = (n−1)·p).
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Largest.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// Distributions, staged against live.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Distributions {
    /// The staged values (null for a dataset without values).
    pub staged: Option<Distribution>,
    /// The live values (null when there is none).
    pub live: Option<Distribution>,
}

/// Why a value is an outlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutlierRule {
    /// |0.6745·(x − median)/MAD| > 3.5 within the province.
    RobustZ,
    /// More than 10 points from the previous year's value.
    Jump,
}

/// A value that may be wrong.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Outlier {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// The staged value.
    pub value: f64,
    /// The rules it breaks.
    pub rules: Vec<OutlierRule>,
    /// Its robust z-score within the province, when the province's MAD is not 0.
    pub robust_z: Option<f64>,
    /// The previous year's value, when known.
    pub previous: Option<f64>,
    /// `value − previous`, when known.
    pub jump: Option<f64>,
}

/// Outliers among the staged values.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Outliers {
    /// The robust z-score limit (3.5).
    pub robust_z_limit: f64,
    /// The year-on-year jump limit in points (10; stunting only).
    pub jump_limit: f64,
    /// The live dataset of the previous year the jumps are measured against.
    pub previous_dataset_id: Option<i32>,
    /// Its year.
    pub previous_year: Option<i32>,
    /// The flagged districts, by code.
    pub districts: Vec<Outlier>,
}

/// A district entering or leaving the default shortlist.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ShortlistMove {
    /// Kemendagri code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Its rank before publishing (null when not ranked).
    pub rank_before: Option<usize>,
    /// Its rank after publishing (null when not ranked).
    pub rank_after: Option<usize>,
}

/// What publishing would do to the default shortlist (`GET /api/v1/shortlist`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ShortlistEffect {
    /// Fingerprint of the default shortlist now (null when it cannot be computed).
    pub fingerprint_before: Option<String>,
    /// Fingerprint after publishing (null when it could not be computed).
    pub fingerprint_after: Option<String>,
    /// True when the two fingerprints differ.
    pub changed: bool,
    /// Districts that would enter the list, by rank after.
    pub entering: Vec<ShortlistMove>,
    /// Districts that would leave it, by rank before.
    pub leaving: Vec<ShortlistMove>,
    /// Why the list could not be computed before (e.g. no SPBE data yet), in the request's
    /// language.
    pub error_before: Option<String>,
    /// Why it could not be computed after publishing, in the request's language.
    pub error_after: Option<String>,
}

/// The review of a staged dataset.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DatasetReview {
    /// The staged dataset.
    pub dataset: Dataset,
    /// The live dataset it is compared with, when there is one.
    pub live: Option<Dataset>,
    /// Which live dataset that is.
    pub compared_with: Comparison,
    /// Coverage of the region reference.
    pub coverage: ReviewCoverage,
    /// Districts the staged dataset has and the live one lacks, by code.
    pub added: Vec<ReviewDistrict>,
    /// Districts the live dataset has and the staged one lacks, by code.
    pub removed: Vec<ReviewDistrict>,
    /// Changed values (null for datasets without values: regions, boundaries).
    pub changes: Option<ValueChanges>,
    /// Distributions, staged against live.
    pub distributions: Distributions,
    /// Outliers among the staged values (null for datasets without values).
    pub outliers: Option<Outliers>,
    /// The effect of publishing on the default shortlist.
    pub shortlist: ShortlistEffect,
}

/// The districts a dataset covers, with its value where it has values.
type Rows = BTreeMap<String, Option<f64>>;

fn rows_of(conn: &mut DbConnection, dataset: &Dataset) -> Result<Rows> {
    Ok(match dataset.kind()? {
        DatasetKind::Regions => {
            let staged = crate::import::staged_regions(conn, dataset.id)?;
            if staged.is_empty() && dataset.status() != DatasetStatus::Staged {
                // A published reference is in the regions table.
                RegionIndex::load(conn)?
                    .regions()
                    .iter()
                    .filter(|r| r.demo == dataset.demo)
                    .map(|r| (r.code.clone(), None))
                    .collect()
            } else {
                staged.into_iter().map(|r| (r.code, None)).collect()
            }
        }
        DatasetKind::Boundaries => crate::boundary::codes_of(conn, dataset.id)?
            .into_iter()
            .map(|c| (c, None))
            .collect(),
        _ => dataset
            .observations(conn)?
            .into_iter()
            .map(|o| (o.region_code, Some(o.value)))
            .collect(),
    })
}

/// Reviews a staged dataset against the live data, without publishing it; why a default list
/// could not be computed is written in `lang`.
///
/// # Errors
/// `not_found`; `not_staged` (409) for a dataset that is not staged; database errors.
pub fn review(conn: &mut DbConnection, id: i32, lang: Lang) -> Result<DatasetReview> {
    let dataset = Dataset::find(conn, id)?;
    if dataset.status() != DatasetStatus::Staged {
        return Err(ModelError::conflict(
            "not_staged",
            s::NOT_STAGED_TO_REVIEW
                .with("id", id)
                .with("status", dataset.status().term()),
        ));
    }
    let kind = dataset.kind()?;
    let live = dataset.live_counterpart(conn)?;
    let compared_with = match (&live, kind.has_year()) {
        (None, _) => Comparison::None,
        (Some(_), false) => Comparison::SameKind,
        (Some(l), true) if l.year == dataset.year => Comparison::SameYear,
        (Some(_), true) => Comparison::EarlierYear,
    };
    let index = RegionIndex::load(conn)?;
    let staged = rows_of(conn, &dataset)?;
    let live_rows = match &live {
        Some(l) => rows_of(conn, l)?,
        None => Rows::new(),
    };
    let district = |code: &str| district_of(&index, code);

    // The reference is the real districts or the demo ones, as the districts the dataset names
    // are (as the join's universe is chosen).
    let demo_reference = staged
        .keys()
        .find_map(|c| index.by_code(c))
        .map_or(dataset.demo, |r| r.demo);
    let reference: Vec<&crate::region::Region> = if kind == DatasetKind::Regions {
        Vec::new()
    } else {
        index
            .regions()
            .iter()
            .filter(|r| r.demo == demo_reference)
            .collect()
    };
    let (reference_n, covered, missing) = if kind == DatasetKind::Regions {
        (staged.len(), staged.len(), Vec::new())
    } else {
        let covered = reference
            .iter()
            .filter(|r| staged.contains_key(&r.code))
            .count();
        let missing = reference
            .iter()
            .filter(|r| !staged.contains_key(&r.code))
            .map(|r| district(&r.code))
            .collect();
        (reference.len(), covered, missing)
    };
    let coverage = ReviewCoverage {
        reference: reference_n,
        covered,
        share: if reference_n == 0 {
            0.0
        } else {
            covered as f64 / reference_n as f64
        },
        live_covered: live
            .as_ref()
            .map(|l| usize::try_from(l.row_count).unwrap_or(0)),
        partial: live
            .as_ref()
            .is_some_and(|l| dataset.row_count < l.row_count),
        missing,
    };
    let added = staged
        .keys()
        .filter(|c| live.is_some() && !live_rows.contains_key(*c))
        .map(|c| district(c))
        .collect();
    let removed = live_rows
        .keys()
        .filter(|c| !staged.contains_key(*c))
        .map(|c| district(c))
        .collect();

    let has_values = !matches!(kind, DatasetKind::Regions | DatasetKind::Boundaries);
    let values = |rows: &Rows| -> Vec<f64> { rows.values().filter_map(|v| *v).collect() };
    let changes = has_values.then(|| value_changes(&staged, &live_rows, &district));
    let distributions = Distributions {
        staged: distribution(&values(&staged)),
        live: distribution(&values(&live_rows)),
    };
    let outliers = if has_values {
        let previous = match dataset.year {
            Some(year) if kind == DatasetKind::Stunting => {
                Dataset::previous(conn, kind, year, dataset.indicator.as_deref())?
            }
            _ => None,
        };
        let previous_rows = match &previous {
            Some(p) => rows_of(conn, p)?,
            None => Rows::new(),
        };
        Some(Outliers {
            robust_z_limit: ROBUST_Z_LIMIT,
            jump_limit: JUMP_LIMIT_POINTS,
            previous_dataset_id: previous.as_ref().map(|p| p.id),
            previous_year: previous.as_ref().and_then(|p| p.year),
            districts: outliers(&index, &staged, &previous_rows),
        })
    } else {
        None
    };
    let shortlist = shortlist_effect(conn, id, &index, lang)?;
    Ok(DatasetReview {
        dataset,
        live,
        compared_with,
        coverage,
        added,
        removed,
        changes,
        distributions,
        outliers,
        shortlist,
    })
}

fn district_of(index: &RegionIndex, code: &str) -> ReviewDistrict {
    let region = index.by_code(code);
    ReviewDistrict {
        code: code.to_string(),
        name: region.map(|r| r.name.clone()).unwrap_or_default(),
        province_name: region
            .and_then(|r| index.province(&r.province_code))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
    }
}

fn value_changes(
    staged: &Rows,
    live: &Rows,
    district: &dyn Fn(&str) -> ReviewDistrict,
) -> ValueChanges {
    let mut compared = 0;
    let mut all = Vec::new();
    for (code, value) in staged {
        let (Some(new), Some(Some(old))) = (value, live.get(code)) else {
            continue;
        };
        compared += 1;
        if new != old {
            let d = district(code);
            all.push(ValueChange {
                code: d.code,
                name: d.name,
                province_name: d.province_name,
                live: *old,
                staged: *new,
                difference: new - old,
            });
        }
    }
    let changed = all.len();
    all.sort_by(|a, b| {
        b.difference
            .abs()
            .total_cmp(&a.difference.abs())
            .then_with(|| a.code.cmp(&b.code))
    });
    all.truncate(LARGEST_CHANGES);
    ValueChanges {
        compared,
        changed,
        largest: all,
    }
}

/// The `p` quantile of sorted values: linear interpolation between the order statistics
/// around h = (n−1)·p (Hyndman and Fan's type 7, as R and NumPy by default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The median of values in any order (`None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(quantile(&sorted, 0.5))
}

/// Min, quartiles, median, max and mean (`None` when empty).
pub fn distribution(values: &[f64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(Distribution {
        n: sorted.len(),
        min: sorted[0],
        q1: quantile(&sorted, 0.25),
        median: quantile(&sorted, 0.5),
        q3: quantile(&sorted, 0.75),
        max: sorted[sorted.len() - 1],
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
    })
}

/// Robust z-scores 0.6745·(x − median)/MAD of values, MAD = median(|x − median|) (Iglewicz
/// and Hoaglin); `None` for every value when the MAD is 0.
pub fn robust_z(values: &[f64]) -> Vec<Option<f64>> {
    let Some(m) = median(values) else {
        return Vec::new();
    };
    let deviations: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    let mad = median(&deviations).unwrap_or(0.0);
    values
        .iter()
        .map(|x| (mad > 0.0).then(|| 0.6745 * (x - m) / mad))
        .collect()
}

fn outliers(index: &RegionIndex, staged: &Rows, previous: &Rows) -> Vec<Outlier> {
    let mut by_province: HashMap<String, Vec<(&String, f64)>> = HashMap::new();
    for (code, value) in staged {
        if let Some(v) = value {
            let province = index
                .by_code(code)
                .map(|r| r.province_code.clone())
                .unwrap_or_default();
            by_province.entry(province).or_default().push((code, *v));
        }
    }
    let mut z_of: HashMap<&String, f64> = HashMap::new();
    for members in by_province.values() {
        let values: Vec<f64> = members.iter().map(|(_, v)| *v).collect();
        for ((code, _), z) in members.iter().zip(robust_z(&values)) {
            if let Some(z) = z {
                z_of.insert(code, z);
            }
        }
    }
    let mut out = Vec::new();
    for (code, value) in staged {
        let Some(value) = *value else { continue };
        let robust_z = z_of.get(code).copied();
        let previous = previous.get(code).copied().flatten();
        let jump = previous.map(|p| value - p);
        let mut rules = Vec::new();
        if robust_z.is_some_and(|z| z.abs() > ROBUST_Z_LIMIT) {
            rules.push(OutlierRule::RobustZ);
        }
        if jump.is_some_and(|j| j.abs() > JUMP_LIMIT_POINTS) {
            rules.push(OutlierRule::Jump);
        }
        if rules.is_empty() {
            continue;
        }
        let d = district_of(index, code);
        out.push(Outlier {
            code: d.code,
            name: d.name,
            province_name: d.province_name,
            value,
            rules,
            robust_z,
            previous,
            jump,
        });
    }
    out
}

/// The default shortlist now and as publishing `id` would make it: the second inside a
/// transaction that publishes and is rolled back, under the write lock so no other write
/// interleaves.
fn shortlist_effect(
    conn: &mut DbConnection,
    id: i32,
    index: &RegionIndex,
    lang: Lang,
) -> Result<ShortlistEffect> {
    let request = RankingRequest::default();
    let before = crate::scenario::compute(conn, &request);
    let after = crate::db::with_write_lock(conn, |conn| {
        let mut after = None;
        let outcome = conn.transaction::<(), ModelError, _>(|conn| {
            Dataset::publish(
                conn,
                id,
                &Actor::local("review"),
                PublishOptions::direct(true),
            )?;
            after = Some(crate::scenario::compute(conn, &request));
            Err(ModelError::Database(
                diesel::result::Error::RollbackTransaction,
            ))
        });
        match outcome {
            Err(ModelError::Database(diesel::result::Error::RollbackTransaction)) | Ok(()) => {
                Ok(after)
            }
            Err(e) => Err(e),
        }
    })?
    .ok_or_else(|| ModelError::Numerical("the review's shortlist was not computed".into()))?;
    Ok(compare_shortlists(before, after, index, lang))
}

fn compare_shortlists(
    before: Result<RankingResult>,
    after: Result<RankingResult>,
    index: &RegionIndex,
    lang: Lang,
) -> ShortlistEffect {
    let ranks = |r: &RankingResult| -> HashMap<String, (usize, bool)> {
        r.districts
            .iter()
            .map(|d| (d.code.clone(), (d.rank, d.selected)))
            .collect()
    };
    let (before, error_before) = split(before, lang);
    let (after, error_after) = split(after, lang);
    let rb = before.as_ref().map(ranks).unwrap_or_default();
    let ra = after.as_ref().map(ranks).unwrap_or_default();
    let selected = |m: &HashMap<String, (usize, bool)>| -> HashSet<String> {
        m.iter()
            .filter(|(_, (_, s))| *s)
            .map(|(c, _)| c.clone())
            .collect()
    };
    let (sb, sa) = (selected(&rb), selected(&ra));
    let moves = |codes: Vec<&String>| -> Vec<ShortlistMove> {
        codes
            .into_iter()
            .map(|c| {
                let d = district_of(index, c);
                ShortlistMove {
                    code: d.code,
                    name: d.name,
                    province_name: d.province_name,
                    rank_before: rb.get(c).map(|(r, _)| *r),
                    rank_after: ra.get(c).map(|(r, _)| *r),
                }
            })
            .collect()
    };
    let mut entering = moves(sa.difference(&sb).collect());
    entering.sort_by_key(|m| (m.rank_after, m.code.clone()));
    let mut leaving = moves(sb.difference(&sa).collect());
    leaving.sort_by_key(|m| (m.rank_before, m.code.clone()));
    let fingerprint_before = before.map(|r| r.fingerprint);
    let fingerprint_after = after.map(|r| r.fingerprint);
    ShortlistEffect {
        changed: fingerprint_before != fingerprint_after,
        fingerprint_before,
        fingerprint_after,
        entering,
        leaving,
        error_before,
        error_after,
    }
}

fn split(result: Result<RankingResult>, lang: Lang) -> (Option<RankingResult>, Option<String>) {
    match result {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e.message().render(lang))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_between_order_statistics() {
        // n = 5: h = 4p, so q1 = x[1], median = x[2], q3 = x[3].
        let d = distribution(&[5.0, 1.0, 4.0, 2.0, 3.0]).unwrap();
        assert_eq!(
            (d.min, d.q1, d.median, d.q3, d.max),
            (1.0, 2.0, 3.0, 4.0, 5.0)
        );
        assert!((d.mean - 3.0).abs() < 1e-12);
        // n = 4: q1 at h = 0.75 → 1 + 0.75·(2 − 1).
        let d = distribution(&[1.0, 2.0, 3.0, 10.0]).unwrap();
        assert!((d.q1 - 1.75).abs() < 1e-12);
        assert!((d.median - 2.5).abs() < 1e-12);
        assert!((d.q3 - 4.75).abs() < 1e-12);
    }

    #[test]
    fn the_robust_z_score_flags_a_value_far_from_its_province() {
        // median 10; deviations 0,1,1,2,2,40,0 → MAD = 1; z(50) = 0.6745·40 ≈ 26.98.
        let z = robust_z(&[10.0, 9.0, 11.0, 8.0, 12.0, 50.0, 10.0]);
        let z50 = z[5].unwrap();
        assert!((z50 - 0.6745 * 40.0).abs() < 1e-9);
        assert!(z[0].unwrap().abs() < 1e-12);
        // No spread: no score.
        assert_eq!(robust_z(&[3.0, 3.0, 3.0]), vec![None, None, None]);
    }
}
