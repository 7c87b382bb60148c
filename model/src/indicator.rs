//! Metadata of every indicator Lokus uses (Satu Data Indonesia, Perpres 39/2019): concept,
//! definition, unit, source agency, period and estimation method, in Indonesian and English,
//! with the datasets that carry each one; and the unit of every numeric column of the
//! district exports.

use serde::Serialize;

use crate::dataset::Dataset;

/// A text in Indonesian and English.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bilingual {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

fn both(id: &str, en: &str) -> Bilingual {
    Bilingual {
        id: id.to_string(),
        en: en.to_string(),
    }
}

/// One indicator and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    /// Stable identifier: `stunting_prevalence`, `spbe_index`, `under5_population`, or
    /// `covariate:<name>` / `population:<name>` for imported ones.
    pub code: String,
    /// What is measured.
    pub concept: Bilingual,
    /// How it is defined.
    pub definition: Bilingual,
    /// Machine-readable unit (see [`UNITS`]).
    pub unit: String,
    /// The unit in words.
    pub unit_label: Bilingual,
    /// Who publishes it.
    pub source_agency: Bilingual,
    /// How often and for which years (the years of the datasets held).
    pub period: Period,
    /// How values are estimated.
    pub estimation_method: EstimationMethod,
    /// The district-export columns (CSV and JSON) that carry it.
    pub columns: Vec<String>,
    /// The datasets held that carry it, newest first.
    pub datasets: Vec<DatasetRef>,
}

/// The period an indicator covers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Period {
    /// `annual` or `irregular` (a survey or evaluation round).
    pub frequency: String,
    /// Years with data held, ascending.
    pub years: Vec<i32>,
    /// In words.
    pub description: Bilingual,
}

/// How values of an indicator are estimated.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EstimationMethod {
    /// The methods a value can carry (`direct`, `sae`, `evaluation`, `projection`, `as_imported`).
    pub methods: Vec<String>,
    /// In words.
    pub description: Bilingual,
}

/// A dataset that carries an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DatasetRef {
    /// Dataset id.
    pub id: i32,
    /// Year.
    pub year: Option<i32>,
    /// Source as the importer gave it.
    pub source: String,
    /// SHA-256 of the imported bytes.
    pub sha256: String,
    /// True for synthetic demo data (never official statistics).
    pub demo: bool,
}

/// Unit codes used in [`Indicator::unit`] and [`COLUMN_UNITS`], with their meaning.
pub const UNITS: &[(&str, &str)] = &[
    ("percent", "per cent, 0–100 (24.5 means 24.5 %)"),
    (
        "percentage_points",
        "difference or standard error of per cent values, in points",
    ),
    ("proportion", "share between 0 and 1"),
    ("index_1_5", "Indeks SPBE, 1.0–5.0"),
    ("persons", "number of people (children under five)"),
    ("rank", "position, 1 = highest priority"),
    (
        "score",
        "unitless weighted score of normalised indicators (higher = more priority)",
    ),
    ("as_imported", "the unit the importer's source states"),
];

/// The unit of every numeric column of the district exports (CSV columns and the JSON fields of
/// a district of the same names).
pub const COLUMN_UNITS: &[(&str, &str)] = &[
    ("rank", "rank"),
    ("stunting_prevalence", "percent"),
    ("stunting_se", "percentage_points"),
    ("spbe_index", "index_1_5"),
    ("score", "score"),
    ("margin", "score"),
    ("p_selected", "proportion"),
    ("p_selected_se", "proportion"),
    ("data_rank", "rank"),
    ("rank_p05", "rank"),
    ("rank_median", "rank"),
    ("rank_p95", "rank"),
    ("under5_population", "persons"),
    ("stunted_children", "persons"),
    ("stunted_children_se", "persons"),
    ("stunting_previous", "percent"),
    ("stunting_change", "percentage_points"),
    ("stunting_change_se", "percentage_points"),
];

/// [`COLUMN_UNITS`] as a map, for a `units` object.
pub fn column_units() -> std::collections::BTreeMap<String, String> {
    COLUMN_UNITS
        .iter()
        .map(|(c, u)| ((*c).to_string(), (*u).to_string()))
        .collect()
}

fn refs(datasets: &[&Dataset]) -> (Vec<DatasetRef>, Vec<i32>) {
    let mut years: Vec<i32> = datasets.iter().filter_map(|d| d.year).collect();
    years.sort_unstable();
    years.dedup();
    let refs = datasets
        .iter()
        .map(|d| DatasetRef {
            id: d.id,
            year: d.year,
            source: d.source.clone(),
            sha256: d.sha256.clone(),
            demo: d.demo,
        })
        .collect();
    (refs, years)
}

/// Every indicator Lokus uses, with the datasets of `held` (newest first) that carry it: the
/// three fixed ones, then one per imported covariate or other population count.
pub fn catalogue(held: &[Dataset]) -> Vec<Indicator> {
    let of = |kind: &str, indicator: Option<&str>| -> Vec<&Dataset> {
        held.iter()
            .filter(|d| {
                d.kind == kind && (indicator.is_none() || d.indicator.as_deref() == indicator)
            })
            .collect()
    };
    let mut out = Vec::new();
    let (datasets, years) = refs(&of("stunting", None));
    out.push(Indicator {
        code: "stunting_prevalence".into(),
        concept: both("Prevalensi balita stunting", "Stunting prevalence among children under five"),
        definition: both(
            "Persentase balita (0–59 bulan) dengan tinggi badan menurut umur lebih dari 2 simpangan baku di bawah median standar pertumbuhan WHO.",
            "Percentage of children under five (0–59 months) whose height-for-age is more than 2 standard deviations below the WHO growth standard median.",
        ),
        unit: "percent".into(),
        unit_label: both("persen (%)", "per cent (%)"),
        source_agency: both(
            "Kementerian Kesehatan (Survei Status Gizi Indonesia, Survei Kesehatan Indonesia)",
            "Ministry of Health (Indonesian Nutrition Status Survey SSGI, Indonesian Health Survey SKI)",
        ),
        period: Period {
            frequency: "annual".into(),
            years,
            description: both("Tahunan, per putaran survei", "Annual, per survey round"),
        },
        estimation_method: EstimationMethod {
            methods: vec!["direct".into(), "sae".into()],
            description: both(
                "Estimasi langsung survei (direct) atau estimasi area kecil (sae) bila sampel kabupaten/kota tidak cukup; metode tiap nilai ada di stunting_method.",
                "Direct survey estimate (direct) or small-area estimate (sae) where the district sample is too small; each value's method is in stunting_method.",
            ),
        },
        columns: ["stunting_prevalence", "stunting_se", "stunting_previous", "stunting_change"]
            .map(String::from)
            .to_vec(),
        datasets,
    });
    let (datasets, years) = refs(&of("spbe", None));
    out.push(Indicator {
        code: "spbe_index".into(),
        concept: both(
            "Indeks Sistem Pemerintahan Berbasis Elektronik (SPBE)",
            "Electronic-based government maturity index (Indeks SPBE)",
        ),
        definition: both(
            "Tingkat kematangan SPBE pemerintah daerah hasil evaluasi KemenPANRB (Perpres 95/2018), skala 1,0–5,0 dengan predikat Kurang, Cukup, Baik, Sangat Baik, Memuaskan.",
            "Maturity of a local government's electronic-based government as evaluated by KemenPANRB (Perpres 95/2018), on a 1.0–5.0 scale with predicates Kurang, Cukup, Baik, Sangat Baik, Memuaskan.",
        ),
        unit: "index_1_5".into(),
        unit_label: both("indeks (1,0–5,0)", "index (1.0–5.0)"),
        source_agency: both(
            "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi (KemenPANRB)",
            "Ministry of Administrative and Bureaucratic Reform (KemenPANRB)",
        ),
        period: Period {
            frequency: "annual".into(),
            years,
            description: both("Tahunan, per putaran evaluasi", "Annual, per evaluation round"),
        },
        estimation_method: EstimationMethod {
            methods: vec!["evaluation".into()],
            description: both(
                "Evaluasi (penilaian mandiri dan verifikasi), bukan estimasi sampel; skor sebelum dan sesudah 2020 tidak sepenuhnya sebanding.",
                "Evaluation (self-assessment and verification), not a sample estimate; scores before and after 2020 are not strictly comparable.",
            ),
        },
        columns: vec!["spbe_index".into()],
        datasets,
    });
    let (datasets, years) = refs(&of("population", Some("under5")));
    out.push(Indicator {
        code: "under5_population".into(),
        concept: both("Jumlah penduduk balita", "Population under five"),
        definition: both(
            "Jumlah anak berumur 0–59 bulan di kabupaten/kota.",
            "Number of children aged 0–59 months in the district.",
        ),
        unit: "persons".into(),
        unit_label: both("jiwa", "persons"),
        source_agency: both(
            "Badan Pusat Statistik (proyeksi penduduk) atau Kementerian Kesehatan (sasaran), sesuai sumber dataset",
            "Statistics Indonesia (population projection) or Ministry of Health (target population), as the dataset's source states",
        ),
        period: Period {
            frequency: "annual".into(),
            years,
            description: both("Tahunan", "Annual"),
        },
        estimation_method: EstimationMethod {
            methods: vec!["projection".into()],
            description: both(
                "Proyeksi penduduk; anak stunting = prevalensi/100 × balita.",
                "Population projection; stunted children = prevalence/100 × under-fives.",
            ),
        },
        columns: ["under5_population", "stunted_children"]
            .map(String::from)
            .to_vec(),
        datasets,
    });
    let mut imported: Vec<(&str, &str)> = held
        .iter()
        .filter(|d| {
            d.kind == "covariate"
                || (d.kind == "population" && d.indicator.as_deref() != Some("under5"))
        })
        .filter_map(|d| d.indicator.as_deref().map(|i| (d.kind.as_str(), i)))
        .collect();
    imported.sort_unstable();
    imported.dedup();
    for (kind, name) in imported {
        let (datasets, years) = refs(&of(kind, Some(name)));
        let population = kind == "population";
        out.push(Indicator {
            code: format!("{kind}:{name}"),
            concept: both(&format!("{name} (diimpor)"), &format!("{name} (imported)")),
            definition: both(
                "Indikator yang diimpor pengguna; definisinya mengikuti sumber dataset.",
                "An indicator imported by a user; its definition is the dataset source's.",
            ),
            unit: if population { "persons" } else { "as_imported" }.into(),
            unit_label: if population {
                both("jiwa", "persons")
            } else {
                both("sesuai sumber", "as the source states")
            },
            source_agency: both("Sesuai sumber dataset", "As the dataset's source states"),
            period: Period {
                frequency: "annual".into(),
                years,
                description: both("Per tahun data", "Per data year"),
            },
            estimation_method: EstimationMethod {
                methods: vec!["as_imported".into()],
                description: both("Sesuai sumber dataset", "As the dataset's source states"),
            },
            columns: Vec::new(),
            datasets,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_export_column_has_a_known_unit() {
        let known: Vec<&str> = UNITS.iter().map(|u| u.0).collect();
        for (column, unit) in COLUMN_UNITS {
            assert!(known.contains(unit), "{column}: {unit}");
        }
        let text_columns = [
            "code",
            "bps_code",
            "name",
            "kind",
            "province_code",
            "province_name",
            "stunting_band",
            "stunting_method",
            "spbe_predicate",
            "selected",
            "reason",
            "selection_basis",
            "decision_reason",
            "band",
            "demo",
        ];
        for column in crate::csv_export::DISTRICT_COLUMNS.map(|c| c.name) {
            assert!(
                text_columns.contains(&column) || COLUMN_UNITS.iter().any(|(c, _)| *c == column),
                "CSV column {column} has no unit"
            );
        }
    }
}
