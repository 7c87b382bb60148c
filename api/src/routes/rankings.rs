//! Ranking runs (saved, immutable), their diffs, and the one-call shortlist.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::adoption::Adoption;
use model::analysis::{Exclusion, JoinRequest};
use model::csv_export::{CsvLocale, districts_csv};
use model::dataset::Dataset;
use model::impact::ProjectionParams;
use model::impact::{Coverage, Projection};
use model::indicator::column_units;
use model::omissions::{Omissions, SpbeTradeoff};
use model::ranking::ConstraintEffect;
use model::ranking::{
    Constraints, Method, Normalisation, SpbeDirection, UncertaintyParams, Weights,
};
use model::run::{HistoryEntry, NewRun, RankingRun};
use model::scenario::{
    DistrictResult, RankingDiff, RankingRequest, RankingResult, UncertaintySummary,
    compute_from_join, diff, load_join,
};
use model::workflow::RunStatus;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::export::{Provenance, diff_rows, diff_workbook, districts_workbook};
use crate::extract::{
    Caller, Editor, Meta, Paging, Reader, Representation, code_list, csv_locale, download,
    download_name, list_response, representation, representation_among, respond,
};
use crate::sentences as s;
use crate::state::{
    AppState, ComputeCache, Rendered, Served, default_requests, ranking_key, shortlist_key,
};
use model::message::Message;

/// Most Monte Carlo draws a read without an editor token may ask for; more is a saved run's job.
pub const MAX_READ_DRAWS: usize = 5_000;

/// Kabupaten and kota in the region reference: the most any `k`, per-province count or code
/// list can ask for, checked before any data is read. Within it, a value above the districts
/// actually joined is refused by the model with the same 422 codes, naming the joined count.
pub const MAX_DISTRICTS: usize = 514;

/// Largest weight; weights are relative, so this bounds nothing a scenario needs.
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// Largest seed: 2^53 − 1, the largest integer every JSON client reads exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Checks the limits the document states for a scenario, before any data is read (422 naming
/// the limit).
pub(crate) fn check_limits(request: &RankingRequest) -> Result<(), ApiError> {
    let invalid = |code: &'static str, message: Message| -> Result<(), ApiError> {
        Err(ApiError::Unprocessable { code, message })
    };
    let range = |field: String, min: usize, max: usize, value: usize| {
        model::sentences::RANGE
            .with("field", field)
            .with("min", min)
            .with("max", max)
            .with("value", value)
    };
    if !(1..=MAX_DISTRICTS).contains(&request.k) {
        return invalid("invalid_k", range("k".into(), 1, MAX_DISTRICTS, request.k));
    }
    let c = &request.constraints;
    // At most 0 per province could never be satisfied: the document states a minimum of 1.
    for (name, code, value, least) in [
        (
            "max_per_province",
            "invalid_max_per_province",
            c.max_per_province,
            1,
        ),
        (
            "min_per_province",
            "invalid_min_per_province",
            c.min_per_province,
            0,
        ),
    ] {
        if let Some(v) = value.filter(|v| !(least..=MAX_DISTRICTS).contains(v)) {
            return invalid(
                code,
                range(format!("constraints.{name}"), least, MAX_DISTRICTS, v),
            );
        }
    }
    for (name, codes) in [("include", &c.include), ("exclude", &c.exclude)] {
        if codes.len() > MAX_DISTRICTS {
            return invalid(
                "invalid_constraints",
                s::TOO_MANY_CODES_IN
                    .with("field", format!("constraints.{name}"))
                    .with("max", MAX_DISTRICTS),
            );
        }
        if let Some(bad) = codes
            .iter()
            .find(|m| !crate::extract::is_kemendagri_code(&m.code))
        {
            return invalid(
                "invalid_constraints",
                s::NOT_A_CODE_IN
                    .with("field", format!("constraints.{name}"))
                    .with("value", bad.code.as_str()),
            );
        }
        if let Some(long) = codes.iter().find(|m| {
            m.reason
                .as_ref()
                .is_some_and(|r| r.chars().count() > model::workflow::MAX_TEXT)
        }) {
            return invalid(
                "invalid_constraints",
                s::DECISION_REASON_TOO_LONG
                    .with("field", format!("constraints.{name}"))
                    .with("code", long.code.as_str())
                    .with("max", model::workflow::MAX_TEXT),
            );
        }
    }
    let w = request.weights;
    if let Some(x) = [w.stunting, w.spbe, w.burden, w.trend]
        .into_iter()
        .find(|x| !(0.0..=MAX_WEIGHT).contains(x))
    {
        return invalid(
            "invalid_weights",
            model::sentences::RANGE
                .with("field", "weights")
                .with("min", 0)
                .with("max", MAX_WEIGHT)
                .with("value", x),
        );
    }
    if let Some(u) = &request.uncertainty
        && u.seed > MAX_SEED
    {
        return invalid(
            "invalid_seed",
            model::sentences::RANGE
                .with("field", "seed")
                .with("min", 0)
                .with("max", MAX_SEED)
                .with("value", u.seed),
        );
    }
    Ok(())
}

/// `?format=json|csv|geojson|xlsx&locale=en|id`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// Representation; also chosen by `Accept: text/csv`, `application/geo+json` or the
    /// `.xlsx` media type.
    #[param(value_type = Option<FormatName>)]
    pub format: Option<String>,
    /// Locale of a CSV download: `en` (default) or `id` (for Excel set to Indonesian); other
    /// representations ignore it. See the `CsvLocale` schema.
    #[param(value_type = Option<CsvLocale>)]
    pub locale: Option<String>,
}

/// `?format=json|xlsx` of a diff.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DiffFormatQuery {
    /// Representation (default `json`); `xlsx` (or `Accept:` the `.xlsx` media type) downloads
    /// an Excel workbook.
    #[param(value_type = Option<DiffFormatName>)]
    pub format: Option<String>,
}

/// The representations of a diff.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffFormatName {
    /// JSON (the default).
    Json,
    /// An Excel workbook: the changes, and both runs with their scenario and datasets.
    Xlsx,
}

/// The representations of a district list.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormatName {
    /// JSON (the default).
    Json,
    /// CSV, one row per district.
    Csv,
    /// GeoJSON features with the newest boundary layer.
    Geojson,
    /// An Excel workbook: the districts, and the scenario with its datasets and fingerprint.
    Xlsx,
}

/// A saved run: the ranking result exactly as computed and stored, with its id, time, author,
/// title and where it stands in the workflow.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredRanking {
    /// Run id.
    pub id: i32,
    /// When it was saved (RFC 3339 UTC).
    pub created_at: String,
    /// Token label of who saved it (labels name the person holding the token).
    pub created_by: String,
    /// Its title (needed to propose it).
    pub title: Option<String>,
    /// Its author's notes.
    pub notes: Option<String>,
    /// `draft`, `proposed`, `approved`, `adopted`, `superseded` or `withdrawn`.
    #[schema(value_type = RunStatus)]
    pub status: String,
    /// Every status it has had, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The latest decision adopting it (null if never adopted).
    pub adoption: Option<Adoption>,
    /// Unit of every numeric field of a district (`stunting_prevalence`: `percent`, …); the
    /// same names as the CSV columns (see `GET /api/v1/indicators`).
    pub units: BTreeMap<String, String>,
    /// The stored [`RankingResult`] (kept as the JSON it was saved as, so old runs read back
    /// unchanged but for `uncertainty.band_thresholds`, added where missing).
    #[serde(flatten)]
    #[schema(value_type = RankingResult)]
    pub result: serde_json::Map<String, serde_json::Value>,
}

/// `{"ranking": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RankingBody {
    /// The run.
    pub ranking: StoredRanking,
}

/// A saved run without its districts, as the list shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    /// Run id.
    pub id: i32,
    /// When it was saved (RFC 3339 UTC).
    pub created_at: String,
    /// Token label of who saved it.
    pub created_by: String,
    /// Its title.
    pub title: Option<String>,
    /// Where it stands in the workflow.
    #[schema(value_type = RunStatus)]
    pub status: String,
    /// SHA-256 (hex) of rules, params, datasets and region reference.
    pub fingerprint: String,
    /// True when it used synthetic demo data.
    pub demo: bool,
    /// The scenario with its years resolved (as stored).
    #[schema(value_type = RankingRequest)]
    pub params: serde_json::Value,
}

/// `GET /api/v1/rankings`: one page of saved runs, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RankingList {
    /// Runs of this page.
    pub rankings: Vec<RunSummary>,
    /// True when any listed run used demo data.
    pub demo: bool,
    /// Paging.
    pub meta: Meta,
}

/// One side of a diff.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunRef {
    /// Run id.
    pub id: i32,
    /// When it was saved (RFC 3339 UTC).
    pub created_at: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// True when it used demo data.
    pub demo: bool,
}

impl RunRef {
    fn of(run: &RankingRun) -> Self {
        RunRef {
            id: run.id,
            created_at: run.created_at.clone(),
            fingerprint: run.fingerprint.clone(),
            demo: run.demo,
        }
    }
}

/// From one run to another: who entered, who left, how ranks moved.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiffView {
    /// The earlier run (`id`).
    pub from: RunRef,
    /// The later run (`other_id`).
    pub to: RunRef,
    /// True when either run used demo data.
    pub demo: bool,
    /// The differences.
    #[serde(flatten)]
    pub diff: RankingDiff,
}

/// `{"diff": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DiffBody {
    /// The diff.
    pub diff: DiffView,
}

/// The shortlist: the selected districts and everything they rest on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Shortlist {
    /// SHA-256 (hex) of rules, params, datasets and region reference: same fingerprint, same list.
    pub fingerprint: String,
    /// True when any dataset used is synthetic demo data.
    pub demo: bool,
    /// The scenario with its years resolved.
    pub params: RankingRequest,
    /// Datasets used.
    pub datasets: Vec<Dataset>,
    /// Number selected.
    pub k: usize,
    /// Score of the lowest-scoring selected district.
    pub cutoff_score: f64,
    /// Weights after rescaling to sum 1.
    pub weights_used: Weights,
    /// What each constraint changed.
    pub constraint_effects: Vec<ConstraintEffect>,
    /// Districts not in the join, and why.
    pub excluded: Vec<Exclusion>,
    /// How precise the Monte Carlo is (null without draws).
    pub uncertainty: Option<UncertaintySummary>,
    /// Stunted children covered (null without a population dataset).
    pub coverage: Option<Coverage>,
    /// Progress toward the target (null without a population dataset).
    pub projection: Option<Projection>,
    /// The selected districts in rank order (every joined district with `all=true`).
    pub districts: Vec<DistrictResult>,
    /// The highest-stunting districts not selected and why, provinces without a selected
    /// district, and the data quality of the selection.
    pub omissions: Omissions,
    /// What the SPBE direction does, in numbers and words.
    pub spbe_tradeoff: SpbeTradeoff,
    /// Unit of every numeric field of a district (`stunting_prevalence`: `percent`, …); the
    /// same names as the CSV columns (see `GET /api/v1/indicators`).
    pub units: BTreeMap<String, String>,
}

/// `{"shortlist": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShortlistBody {
    /// The shortlist.
    pub shortlist: Shortlist,
}

/// What a scenario's list buys, with the scenario and data it rests on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectionView {
    /// The projection.
    #[serde(flatten)]
    pub projection: Projection,
    /// Stunted children covered.
    pub coverage: Coverage,
    /// Number selected.
    pub k: usize,
    /// Fingerprint of the ranking.
    pub fingerprint: String,
    /// True when any dataset used is synthetic demo data.
    pub demo: bool,
    /// The scenario with its years resolved.
    pub params: RankingRequest,
    /// Datasets used.
    pub datasets: Vec<Dataset>,
}

/// `{"projection": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectionBody {
    /// The projection.
    pub projection: ProjectionView,
}

/// Renders districts as CSV, GeoJSON (with the newest boundary layer) or an Excel workbook
/// (with `provenance` on its second sheet). CPU and database work: call it inside `web::block`.
fn render_districts(
    state: &AppState,
    format: Representation,
    locale: CsvLocale,
    districts: &[DistrictResult],
    demo: bool,
    provenance: impl FnOnce() -> Result<Provenance, ApiError>,
) -> Result<Rendered, ApiError> {
    match format {
        Representation::Xlsx => {
            let rows = districts
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(Rendered::new(
                crate::routes::datasets::XLSX_MEDIA_TYPE,
                districts_workbook(&rows, demo, &provenance()?)?,
            ))
        }
        // JSON documents are rendered by their handlers.
        Representation::Json => Err(ApiError::Internal("JSON is not a district export".into())),
        Representation::Csv => Ok(Rendered::new(
            "text/csv; charset=utf-8",
            districts_csv(districts, demo, locale).into_bytes(),
        )),
        Representation::GeoJson => {
            let (_, layer) = model::boundary::latest_layer(&mut *state.pool.get()?)?;
            let features = districts
                .iter()
                .map(|d| {
                    serde_json::to_string(d)
                        .map(|p| (d.code.clone(), p))
                        .map_err(|e| ApiError::Internal(e.to_string()))
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok(Rendered::new(
                "application/geo+json",
                model::boundary::feature_collection(&layer, features, demo).into_bytes(),
            ))
        }
    }
}

/// Sends a rendered district list; CSV and Excel come as a download named after `stem`
/// ([`download_name`]).
fn send(
    req: &HttpRequest,
    format: Representation,
    locale: CsvLocale,
    stem: &str,
    rendered: &Rendered,
) -> HttpResponse {
    match format {
        Representation::Csv | Representation::Xlsx => {
            let name = download_name(stem, format, locale);
            let mut response = download(req, &name, rendered);
            // The columns' units and indicators' metadata (a CSV has no place for them).
            let base = req
                .app_data::<web::Data<AppState>>()
                .map(|s| s.settings.base_path.clone())
                .unwrap_or_default();
            if let Ok(link) = header::HeaderValue::from_str(&format!(
                "<{base}/api/v1/indicators>; rel=\"describedby\"; type=\"application/json\""
            )) {
                response.headers_mut().insert(header::LINK, link);
            }
            response
        }
        _ => respond(req, rendered),
    }
}

/// What a saved run rests on, from its stored body, for the second sheet of a workbook.
fn run_provenance(run: &RankingRun) -> Result<Provenance, ApiError> {
    let body: serde_json::Value =
        serde_json::from_str(&run.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Provenance {
        title: format!("run {}", run.id),
        facts: vec![
            ("id".into(), run.id.into()),
            ("created_at".into(), run.created_at.clone().into()),
            ("created_by".into(), run.created_by.clone().into()),
        ],
        fingerprint: run.fingerprint.clone(),
        demo: run.demo,
        params: body["params"].clone(),
        datasets: body["datasets"].clone(),
    })
}

/// What a computed ranking rests on, for the second sheet of a workbook.
fn result_provenance(result: &RankingResult) -> Result<Provenance, ApiError> {
    let internal = |e: serde_json::Error| ApiError::Internal(e.to_string());
    Ok(Provenance {
        title: "shortlist".into(),
        facts: Vec::new(),
        fingerprint: result.fingerprint.clone(),
        demo: result.demo,
        params: serde_json::to_value(&result.params).map_err(internal)?,
        datasets: serde_json::to_value(&result.datasets).map_err(internal)?,
    })
}

/// The run as served, with its history and latest adoption.
pub fn stored(
    run: &RankingRun,
    history: Vec<HistoryEntry>,
    adoption: Option<Adoption>,
) -> Result<StoredRanking, ApiError> {
    let mut result: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&run.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    // The stored body never holds these, but a flattened duplicate key would be invalid JSON.
    for key in [
        "id",
        "created_at",
        "created_by",
        "title",
        "notes",
        "status",
        "history",
        "adoption",
        "units",
    ] {
        result.remove(key);
    }
    // A run saved before the thresholds were reported had its bands drawn with the same ones
    // (they have never changed), so it states them like any other.
    if let Some(serde_json::Value::Object(u)) = result.get_mut("uncertainty") {
        u.entry("band_thresholds").or_insert_with(|| {
            serde_json::to_value(model::ranking::BAND_THRESHOLDS).unwrap_or_default()
        });
    }
    Ok(StoredRanking {
        id: run.id,
        created_at: run.created_at.clone(),
        created_by: run.created_by.clone(),
        title: run.title.clone(),
        notes: run.notes.clone(),
        status: run.status.clone(),
        history,
        adoption,
        units: column_units(),
        result,
    })
}

/// A stored run read with its history and latest adoption, as JSON. Database work: call it
/// inside `web::block`.
pub fn stored_run_json(conn: &mut model::db::DbConnection, id: i32) -> Result<Rendered, ApiError> {
    let run = RankingRun::find(conn, id)?;
    let history = RankingRun::history(conn, id)?;
    let adoption = Adoption::of_run(conn, id)?.into_iter().next();
    Rendered::json(&RankingBody {
        ranking: stored(&run, history, adoption)?,
    })
}

fn stored_districts(run: &RankingRun) -> Result<Vec<DistrictResult>, ApiError> {
    #[derive(Deserialize)]
    struct Stored {
        districts: Vec<DistrictResult>,
    }
    let s: Stored =
        serde_json::from_str(&run.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(s.districts)
}

/// Who waits for a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Demand {
    /// A client: runs under the concurrency limit (`LOKUS_MAX_COMPUTE`).
    Request,
    /// The warm-up, or a default list: one computation at a time per list (single flight),
    /// so it takes no slot from clients.
    Background,
}

/// Computes a ranking, holding no database connection while the CPU works.
fn compute_ranking(
    state: &AppState,
    request: &RankingRequest,
    demand: Demand,
) -> Result<RankingResult, ApiError> {
    let _slot = match demand {
        Demand::Request => Some(state.compute.try_take().ok_or(ApiError::Busy)?),
        Demand::Background => None,
    };
    let joined = load_join(&mut *state.pool.get()?, request)?;
    Ok(compute_from_join(&joined, request)?)
}

/// The body of `POST /api/v1/rankings`: the scenario's fields, with the run's title and notes
/// beside them (both optional, so clients that send a bare scenario keep working). Documents
/// the body only: it is parsed as [`RankingRequest`] once `title` and `notes` are taken out.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SaveRanking {
    /// What the run is; needed to propose it (at most 200 characters).
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Notes for whoever reads the run (at most 5,000 characters).
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    /// `composite` (default), `need`, `residual`, `burden` or `trend`.
    pub method: Method,
    /// Weights for `composite` (default 0.6 / 0.4).
    pub weights: Weights,
    /// `min_max` (default), `z_score` or `goalposts`.
    pub normalisation: Normalisation,
    /// `higher_is_priority` (default) or `lower_is_priority`.
    pub spbe_direction: SpbeDirection,
    /// How many to select (default 100); at most the districts in the join.
    #[schema(minimum = 1, maximum = 514)]
    pub k: usize,
    /// Selection constraints; `include`/`exclude` entries are codes or `{"code", "reason"}`.
    pub constraints: Constraints,
    /// Monte Carlo settings; `null` (default) skips it.
    pub uncertainty: Option<UncertaintyParams>,
    /// Stunting year; latest when `null`.
    #[schema(minimum = 2000, maximum = 2100)]
    pub stunting_year: Option<i32>,
    /// SPBE year; latest when `null`.
    #[schema(minimum = 2000, maximum = 2100)]
    pub spbe_year: Option<i32>,
    /// Programme effect and target for the `projection` block (default 2.0 points, 14 %).
    pub projection: ProjectionParams,
}

impl Default for SaveRanking {
    fn default() -> Self {
        let d = RankingRequest::default();
        SaveRanking {
            title: None,
            notes: None,
            method: d.method,
            weights: d.weights,
            normalisation: d.normalisation,
            spbe_direction: d.spbe_direction,
            k: d.k,
            constraints: d.constraints,
            uncertainty: d.uncertainty,
            stunting_year: d.stunting_year,
            spbe_year: d.spbe_year,
            projection: d.projection,
        }
    }
}

/// Longest title of a run, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest notes of a run, in characters.
pub const MAX_NOTES: usize = 5000;

/// A run's title or notes: trimmed, blank taken as none, within `max` characters.
fn run_text(
    name: &str,
    value: Option<serde_json::Value>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let text = match value {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_json",
                s::BODY_NOT_TEXT
                    .with("field", name)
                    .with("value", other.to_string()),
            ));
        }
    };
    if text.chars().count() > max {
        return Err(ApiError::Unprocessable {
            code: "invalid_title",
            message: s::AT_MOST_CHARACTERS.with("field", name).with("max", max),
        });
    }
    Ok((!text.is_empty()).then_some(text))
}

/// The body of `POST /api/v1/rankings`: JSON (415 otherwise) holding a scenario with no
/// unknown field (400 `invalid_json`), and the run's title and notes.
fn parse_save(
    req: &HttpRequest,
    body: &[u8],
) -> Result<(RankingRequest, Option<String>, Option<String>), ApiError> {
    let invalid = |e: serde_json::Error| crate::error::invalid_json(&e);
    let value: serde_json::Value = parse_json(req, body)?;
    let serde_json::Value::Object(mut members) = value else {
        // A scenario is an object: serde alone would also read one from an array.
        return serde_json::from_value::<model::wire::Object<RankingRequest>>(value)
            .map(|model::wire::Object(s)| (s, None, None))
            .map_err(invalid);
    };
    let title = run_text("title", members.remove("title"), MAX_TITLE)?;
    let notes = run_text("notes", members.remove("notes"), MAX_NOTES)?;
    let scenario = serde_json::from_value(serde_json::Value::Object(members)).map_err(invalid)?;
    Ok((scenario, title, notes))
}

/// A JSON body (415 otherwise; 400 `invalid_json` when it does not parse as `T`).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    body: &[u8],
) -> Result<T, ApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType((&s::SEND_JSON).into()));
    }
    serde_json::from_slice(body).map_err(|e| crate::error::invalid_json(&e))
}

/// Computes a ranking for a scenario and saves it as an immutable run.
#[utoipa::path(post, path = "/api/v1/rankings", tag = "rankings",
    request_body(content = SaveRanking, description = "Scenario, with the run's `title` and `notes` beside its fields; every field is optional (defaults in docs/API.md); unknown fields are rejected"),
    security(("bearer" = [])),
    responses(
    (status = 201, description = "Computed and saved; `Location` names the run", body = RankingBody),
    (status = 400, description = "Malformed JSON or unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 404, description = "No data for a requested year", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Body is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Invalid parameter (names the limit), or the data held refuses it: infeasible constraints, `k` or a count above the joined districts, a code not among them, a missing dataset the method needs", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn create_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Editor(caller): Editor,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // The body is parsed after the token is checked (extractors run concurrently), so an
    // unauthorised caller gets 401 whatever it sent.
    let (scenario, title, notes) = parse_save(&req, &body)?;
    check_limits(&scenario)?;
    let st = state.clone();
    let (id, body) = web::block(move || -> Result<(i32, Vec<u8>), ApiError> {
        let result = compute_ranking(&st, &scenario, Demand::Request)?;
        let params =
            serde_json::to_string(&result.params).map_err(|e| ApiError::Internal(e.to_string()))?;
        let body = serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
        let (id, created_at) = RankingRun::create(
            &mut *st.pool.get()?,
            &caller.actor,
            &NewRun {
                fingerprint: &result.fingerprint,
                params: &params,
                body: &body,
                demo: result.demo,
                title: title.as_deref(),
                notes: notes.as_deref(),
            },
        )?;
        let head = RunHead {
            id,
            history: vec![HistoryEntry {
                status: "draft".into(),
                at: created_at.clone(),
                by: caller.actor.name.clone(),
                reason: None,
            }],
            created_at,
            created_by: caller.actor.name.clone(),
            title,
            notes,
            status: "draft",
            adoption: None,
            units: column_units(),
        };
        Ok((id, saved_run_json(&head, &body)?))
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("{}/api/v1/rankings/{id}", state.settings.base_path),
        ))
        .insert_header((header::ETAG, crate::extract::etag_of(&body)))
        .content_type("application/json")
        .body(body))
}

/// The members a saved run has beside its stored body, in the order [`StoredRanking`] has them.
#[derive(Serialize)]
struct RunHead {
    id: i32,
    created_at: String,
    created_by: String,
    title: Option<String>,
    notes: Option<String>,
    status: &'static str,
    history: Vec<HistoryEntry>,
    adoption: Option<Adoption>,
    units: BTreeMap<String, String>,
}

/// `{"ranking": {id, created_at, …, units, …the stored body…}}` without parsing the body
/// again: the stored text is a JSON object, so its members follow the added ones.
fn saved_run_json(head: &RunHead, body: &str) -> Result<Vec<u8>, ApiError> {
    let members = body
        .strip_prefix('{')
        .filter(|rest| rest.len() > 1)
        .ok_or_else(|| ApiError::Internal("a ranking body is not a JSON object".into()))?;
    let head = serde_json::to_vec(head).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut out = Vec::with_capacity(body.len() + head.len() + 16);
    out.extend_from_slice(br#"{"ranking":"#);
    out.extend_from_slice(&head[..head.len() - 1]);
    out.push(b',');
    out.extend_from_slice(members.as_bytes());
    out.push(b'}');
    Ok(out)
}

/// Lists saved runs, newest first (without their district lists).
#[utoipa::path(get, path = "/api/v1/rankings", tag = "rankings", params(Paging), responses(
    (status = 200, description = "One page of saved runs, newest first; `Link` names the next and previous pages", body = RankingList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 400, description = "Malformed paging", body = crate::error::ErrorBody),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_rankings(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let pool = state.pool.clone();
    let (runs, total) = web::block(move || {
        let mut conn = pool.get()?;
        RankingRun::page(&mut conn, offset, per_page)
    })
    .await??;
    let demo = runs.iter().any(|r| r.demo);
    let rankings = runs
        .into_iter()
        .map(|r| RunSummary {
            params: serde_json::from_str(&r.params).unwrap_or_default(),
            id: r.id,
            created_at: r.created_at,
            created_by: r.created_by,
            title: r.title,
            status: r.status,
            fingerprint: r.fingerprint,
            demo: r.demo,
        })
        .collect();
    let meta = Meta {
        total,
        page,
        per_page,
    };
    list_response(
        &req,
        RankingList {
            rankings,
            demo,
            meta: meta.clone(),
        },
        &meta,
    )
    .await
}

/// One saved run, as JSON, CSV or GeoJSON.
#[utoipa::path(get, path = "/api/v1/rankings/{id}", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1), FormatQuery),
    responses(
    (status = 200, description = "The run as JSON, or its districts (every ranked district, as `?all=true` of the shortlist under the same scenario: the same rows) as CSV (numbers rounded to their stated decimals; `?locale=id` for Excel in Indonesian) / GeoJSON / an Excel workbook (districts, then the scenario with its datasets and fingerprint)",
        content((RankingBody = "application/json"), (String = "text/csv"), (Object = "application/geo+json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    (status = 400, description = "Malformed id, unknown `format` or unknown `locale` (`invalid_locale`)", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn find_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    id: web::Path<i32>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let format = representation(&req, query.format.as_deref())?;
    let locale = csv_locale(format, query.locale.as_deref())?;
    let st = state.clone();
    let rendered = web::block(move || -> Result<Rendered, ApiError> {
        if format == Representation::Json {
            return stored_run_json(&mut *st.pool.get()?, id);
        }
        let run = RankingRun::find(&mut *st.pool.get()?, id)?;
        let districts = stored_districts(&run)?;
        render_districts(&st, format, locale, &districts, run.demo, || {
            run_provenance(&run)
        })
    })
    .await??;
    Ok(send(
        &req,
        format,
        locale,
        &format!("lokus-ranking-{id}"),
        &rendered,
    ))
}

/// Who entered, who left and how ranks moved from run `id` to run `other_id`.
#[utoipa::path(get, path = "/api/v1/rankings/{id}/diff/{other_id}", tag = "rankings",
    params(("id" = i32, Path, description = "Earlier run", minimum = 1), ("other_id" = i32, Path, description = "Later run", minimum = 1), DiffFormatQuery),
    responses(
    (status = 200, description = "Who entered, who left, how ranks moved; as JSON or an Excel workbook (the changes, then both runs with their scenario, datasets and fingerprint)",
        content((DiffBody = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    (status = 400, description = "Malformed id or unknown `format`", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn diff_rankings(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    ids: web::Path<(i32, i32)>,
    query: web::Query<DiffFormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = ids.into_inner();
    let format = representation_among(
        &req,
        query.format.as_deref(),
        &[Representation::Json, Representation::Xlsx],
    )?;
    let pool = state.pool.clone();
    let rendered = web::block(move || -> Result<Rendered, ApiError> {
        let mut conn = pool.get()?;
        let (from, to) = (
            RankingRun::find(&mut conn, a)?,
            RankingRun::find(&mut conn, b)?,
        );
        drop(conn);
        let body = DiffBody {
            diff: DiffView {
                diff: diff(&from.body, &to.body)?,
                demo: from.demo || to.demo,
                from: RunRef::of(&from),
                to: RunRef::of(&to),
            },
        };
        if format == Representation::Json {
            return Rendered::json(&body);
        }
        let json =
            serde_json::to_value(&body.diff).map_err(|e| ApiError::Internal(e.to_string()))?;
        let runs = [run_provenance(&from)?, run_provenance(&to)?];
        Ok(Rendered::new(
            crate::routes::datasets::XLSX_MEDIA_TYPE,
            diff_workbook(&diff_rows(&json), body.diff.demo, &runs)?,
        ))
    })
    .await??;
    Ok(send(
        &req,
        format,
        CsvLocale::En,
        &format!("lokus-diff-{a}-{b}"),
        &rendered,
    ))
}

/// Overrides of the default scenario for the shortlist.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ShortlistQuery {
    /// Number to select (default 100); at most the districts in the join.
    #[param(minimum = 1, maximum = 514)]
    pub k: Option<usize>,
    /// Ranking method (default `composite`).
    #[param(value_type = Option<Method>)]
    pub method: Option<Method>,
    /// Normalisation of the indicators (default `min_max`).
    #[param(value_type = Option<Normalisation>)]
    pub normalisation: Option<Normalisation>,
    /// Whether a higher SPBE raises (default) or lowers the priority.
    #[param(value_type = Option<SpbeDirection>)]
    pub spbe_direction: Option<SpbeDirection>,
    /// Weight of stunting (default 0.6); weights are rescaled to sum 1.
    #[serde(alias = "weight_stunting", alias = "w_stunting")]
    #[param(minimum = 0, maximum = 1000000)]
    pub stunting_weight: Option<f64>,
    /// Weight of SPBE (default 0.4).
    #[serde(alias = "weight_spbe", alias = "w_spbe")]
    #[param(minimum = 0, maximum = 1000000)]
    pub spbe_weight: Option<f64>,
    /// Weight of the burden, estimated stunted children (default 0; needs a population dataset).
    #[param(minimum = 0, maximum = 1000000)]
    pub burden_weight: Option<f64>,
    /// Weight of the change since the previous stunting year (default 0; needs two years).
    #[param(minimum = 0, maximum = 1000000)]
    pub trend_weight: Option<f64>,
    /// Stunting year (default latest); a year without data is 404.
    #[param(minimum = 2000, maximum = 2100)]
    pub stunting_year: Option<i32>,
    /// SPBE year (default latest); a year without data is 404.
    #[param(minimum = 2000, maximum = 2100)]
    pub spbe_year: Option<i32>,
    /// Only districts with SPBE ≥ this are eligible (Indeks SPBE, 1.0–5.0).
    #[param(minimum = 1, maximum = 5)]
    pub min_spbe: Option<f64>,
    /// At most this many selected per province (at least 1).
    #[param(minimum = 1, maximum = 514)]
    pub max_per_province: Option<usize>,
    /// At least this many selected per province.
    #[param(minimum = 0, maximum = 514)]
    pub min_per_province: Option<usize>,
    /// Comma-separated Kemendagri codes forced in.
    #[param(pattern = r"^(\d{2}\.\d{2}(,\d{2}\.\d{2})*)?$")]
    pub include: Option<String>,
    /// Comma-separated Kemendagri codes forced out.
    #[param(pattern = r"^(\d{2}\.\d{2}(,\d{2}\.\d{2})*)?$")]
    pub exclude: Option<String>,
    /// `true`: every joined district in rank order, not only the selected ones.
    pub all: Option<bool>,
    /// Monte Carlo draws (turns uncertainty on); more than 5,000 needs an editor token (422
    /// `invalid_draws` without one).
    #[param(minimum = 1, maximum = 100000)]
    pub draws: Option<usize>,
    /// Monte Carlo seed (default 42).
    #[param(minimum = 0, maximum = 9007199254740991_u64)]
    pub seed: Option<u64>,
    /// Assumed programme effect for the projection, % points lower in each selected district
    /// (default 2.0).
    #[param(minimum = 0, maximum = 100)]
    pub effect_points: Option<f64>,
    /// Assumed relative effect instead (0–1, e.g. 0.10 = 10 % lower).
    #[param(minimum = 0, maximum = 1)]
    pub effect_relative: Option<f64>,
    /// Target national prevalence, % (default 14.0).
    #[param(minimum = 0, maximum = 100)]
    pub target: Option<f64>,
    /// Representation (default `json`; also chosen by `Accept`).
    #[param(value_type = Option<FormatName>)]
    pub format: Option<String>,
    /// Locale of a CSV download: `en` (default) or `id` (for Excel set to Indonesian); other
    /// representations ignore it. See the `CsvLocale` schema.
    #[param(value_type = Option<CsvLocale>)]
    pub locale: Option<String>,
}

impl ShortlistQuery {
    /// The scenario these overrides describe, within the documented limits.
    ///
    /// # Errors
    /// 400 for a malformed code list, 422 naming a broken limit.
    fn request(&self) -> Result<RankingRequest, ApiError> {
        let request = self.unchecked_request()?;
        check_limits(&request)?;
        Ok(request)
    }

    fn unchecked_request(&self) -> Result<RankingRequest, ApiError> {
        let d = RankingRequest::default();
        let uncertainty = (self.draws.is_some() || self.seed.is_some()).then(|| {
            let u = UncertaintyParams::default();
            UncertaintyParams {
                draws: self.draws.unwrap_or(u.draws),
                seed: self.seed.unwrap_or(u.seed),
                ..u
            }
        });
        Ok(RankingRequest {
            method: self.method.unwrap_or(d.method),
            weights: Weights {
                stunting: self.stunting_weight.unwrap_or(d.weights.stunting),
                spbe: self.spbe_weight.unwrap_or(d.weights.spbe),
                burden: self.burden_weight.unwrap_or(d.weights.burden),
                trend: self.trend_weight.unwrap_or(d.weights.trend),
            },
            normalisation: self.normalisation.unwrap_or(d.normalisation),
            spbe_direction: self.spbe_direction.unwrap_or(d.spbe_direction),
            k: self.k.unwrap_or(d.k),
            constraints: Constraints {
                min_spbe: self.min_spbe,
                max_per_province: self.max_per_province,
                min_per_province: self.min_per_province,
                include: decided(code_list("include", self.include.as_deref())?),
                exclude: decided(code_list("exclude", self.exclude.as_deref())?),
            },
            uncertainty,
            stunting_year: self.stunting_year,
            spbe_year: self.spbe_year,
            projection: ProjectionParams {
                effect_points: self.effect_points.unwrap_or(d.projection.effect_points),
                effect_relative: self.effect_relative,
                target: self.target.unwrap_or(d.projection.target),
            },
        })
    }
}

/// Bare codes of a query string as manual decisions without reasons.
fn decided(codes: Vec<String>) -> Vec<model::ranking::ManualDecision> {
    codes.into_iter().map(Into::into).collect()
}

/// The ranking for a request at data version `version`, from memory or computed once.
fn ranking_at(
    state: &AppState,
    request: &RankingRequest,
    version: i64,
    demand: Demand,
) -> Result<Arc<RankingResult>, ApiError> {
    ComputeCache::get_or_make(&state.rankings, ranking_key(request), version, || {
        compute_ranking(state, request, demand)
    })
}

/// The shortlist document: the selected districts and what they rest on.
fn shortlist_body(result: &RankingResult, districts: Vec<DistrictResult>) -> ShortlistBody {
    ShortlistBody {
        shortlist: Shortlist {
            fingerprint: result.fingerprint.clone(),
            demo: result.demo,
            params: result.params.clone(),
            datasets: result.datasets.clone(),
            k: result.params.k,
            cutoff_score: result.cutoff_score,
            weights_used: result.weights_used,
            constraint_effects: result.constraint_effects.clone(),
            excluded: result.excluded.clone(),
            uncertainty: result.uncertainty.clone(),
            coverage: result.coverage.clone(),
            projection: result.projection.clone(),
            districts,
            omissions: result.omissions.clone(),
            spbe_tradeoff: result.spbe_tradeoff.clone(),
            units: column_units(),
        },
    }
}

/// Refuses more draws than a reader without an editor token may ask for.
fn check_read_draws(request: &RankingRequest, caller: &Caller) -> Result<(), ApiError> {
    match &request.uncertainty {
        Some(u) if u.draws > MAX_READ_DRAWS && !caller.is_editor() => {
            Err(model::ModelError::invalid(
                "invalid_draws",
                s::READ_DRAWS
                    .with("max", MAX_READ_DRAWS)
                    .with("value", u.draws),
            )
            .into())
        }
        _ => Ok(()),
    }
}

/// What the shortlist of a scenario buys: stunted children covered and the projected national
/// prevalence against the target under an assumed effect.
#[utoipa::path(get, path = "/api/v1/projection", tag = "rankings", params(ShortlistQuery), responses(
    (status = 200, description = "What the list buys", body = ProjectionBody),
    (status = 400, description = "Malformed query parameter", body = crate::error::ErrorBody),
    (status = 404, description = "No data for a requested year", body = crate::error::ErrorBody),
    (status = 422, description = "A limit broken (names it): more than 5,000 draws without an editor token, weights all 0; or the data held refuses it: no population dataset (`no_population_data`), constraints no selection satisfies (`infeasible_constraints`), `k` or a count above the joined districts, a code not among them", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_projection(
    req: HttpRequest,
    state: web::Data<AppState>,
    Reader(caller): Reader,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.request()?;
    check_read_draws(&request, &caller)?;
    let key = format!("projection|{}", ranking_key(&request));
    if let Some(hit) = state.cached(&state.rendered, &key) {
        return Ok(respond(&req, &hit));
    }
    let st = state.clone();
    let rendered = web::block(move || -> Result<Arc<Rendered>, ApiError> {
        let version = st.data_version()?;
        ComputeCache::get_or_make(&st.rendered, key, version, || {
            let result = ranking_at(&st, &request, version, Demand::Request)?;
            let (Some(projection), Some(coverage)) = (&result.projection, &result.coverage) else {
                return Err(model::ModelError::invalid(
                    "no_population_data",
                    &s::PROJECTION_NEEDS_POPULATION,
                )
                .into());
            };
            Rendered::json(&ProjectionBody {
                projection: ProjectionView {
                    projection: projection.clone(),
                    coverage: coverage.clone(),
                    k: result.params.k,
                    fingerprint: result.fingerprint.clone(),
                    demo: result.demo,
                    params: result.params.clone(),
                    datasets: result.datasets.clone(),
                },
            })
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}

/// The shortlist under the default scenario (or light overrides): selected districts in rank order.
#[utoipa::path(get, path = "/api/v1/shortlist", tag = "rankings", params(ShortlistQuery), responses(
    (status = 200, description = "The shortlist as JSON, or its districts as CSV (numbers rounded to their stated decimals; `?locale=id` for Excel in Indonesian) / GeoJSON / an Excel workbook (districts, then the scenario with its datasets and fingerprint). While the data has changed and the default list is being recomputed, the previous default list is sent whole (its own ETag and fingerprint) with `X-Lokus-Refreshing: true`",
        content((ShortlistBody = "application/json"), (String = "text/csv"), (Object = "application/geo+json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        headers(
            ("X-Lokus-Data-Version" = i64, description = "The data version the answer was computed at (it grows with every change of the data)"),
            ("X-Lokus-Refreshing" = String, description = "`true` when the data has changed since and the new answer is being computed; absent otherwise"))),
    (status = 400, description = "Malformed query parameter, unknown `format` or unknown `locale` (`invalid_locale`)", body = crate::error::ErrorBody),
    (status = 404, description = "No data for a requested year, or no boundary layer for GeoJSON", body = crate::error::ErrorBody),
    (status = 422, description = "A limit broken (names it): more than 5,000 draws without an editor token, weights all 0; or the data held refuses it: constraints no selection satisfies (`infeasible_constraints`), `k` or a count above the joined districts, a code not among them, a dataset the method needs (`no_population_data`, `no_previous_year`)", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_shortlist(
    req: HttpRequest,
    state: web::Data<AppState>,
    Reader(caller): Reader,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.request()?;
    check_read_draws(&request, &caller)?;
    let format = representation(&req, query.format.as_deref())?;
    let locale = csv_locale(format, query.locale.as_deref())?;
    let all = query.all.unwrap_or(false);
    let key = shortlist_key(&variant(format, locale), all, &request);
    let again = request.clone();
    let refresh = move |st: &AppState| {
        render_shortlist(st, &again, format, locale, all, Demand::Background).map(drop)
    };
    let served = match state.rendered_now(&key, refresh) {
        Some(served) => served,
        None => {
            let st = state.clone();
            web::block(move || shortlist(&st, &request, format, locale, all, Demand::Request))
                .await??
        }
    };
    let mut response = send(&req, format, locale, "lokus-shortlist", &served.rendered);
    served.mark(&mut response);
    Ok(response)
}

/// The name of a representation in cache keys: `json`, `csv`, `csv-id` (the Indonesian CSV), …
fn variant(format: Representation, locale: CsvLocale) -> String {
    match locale {
        CsvLocale::En => format.as_str().to_string(),
        CsvLocale::Id => format!("{}-{}", format.as_str(), locale.as_str()),
    }
}

/// The rendered shortlist of a request at the current data version, from memory or made once.
/// A default (pinned) list is made one at a time, whoever asks, and so takes no compute slot.
/// CPU and database work: call it inside `web::block`.
fn shortlist(
    state: &AppState,
    request: &RankingRequest,
    format: Representation,
    locale: CsvLocale,
    all: bool,
    demand: Demand,
) -> Result<Served, ApiError> {
    let key = shortlist_key(&variant(format, locale), all, request);
    let pinned = state.rendered.lock().is_ok_and(|c| c.is_pinned(&key));
    let _flight = pinned.then(|| state.flights.start_or_wait(&key));
    let demand = if pinned { Demand::Background } else { demand };
    render_shortlist(state, request, format, locale, all, demand)
}

/// [`shortlist`] without waiting for (or starting) the single flight of a default list.
fn render_shortlist(
    state: &AppState,
    request: &RankingRequest,
    format: Representation,
    locale: CsvLocale,
    all: bool,
    demand: Demand,
) -> Result<Served, ApiError> {
    let version = state.data_version()?;
    let key = shortlist_key(&variant(format, locale), all, request);
    let rendered = ComputeCache::get_or_make(&state.rendered, key, version, || {
        let result = ranking_at(state, request, version, demand)?;
        let selected: Vec<DistrictResult> = result
            .districts
            .iter()
            .filter(|d| all || d.selected)
            .cloned()
            .collect();
        match format {
            Representation::Json => Rendered::json(&shortlist_body(&result, selected)),
            _ => render_districts(state, format, locale, &selected, result.demo, || {
                result_provenance(&result)
            }),
        }
    })?;
    Ok(Served {
        rendered,
        version,
        refreshing: false,
    })
}

/// Computes and renders the default shortlists and the default analysis at the current data
/// version, so the first reader after a start or a data change never pays for them (nor gets the
/// previous ones). Blocking.
pub fn warm(state: &AppState) {
    for request in default_requests() {
        if let Err(e) = shortlist(
            state,
            &request,
            Representation::Json,
            CsvLocale::En,
            false,
            Demand::Background,
        ) {
            tracing::warn!(error = %e, "could not warm the default shortlist");
        }
    }
    if let Err(e) = crate::routes::analysis::analysis(state, &JoinRequest::default()) {
        tracing::warn!(error = %e, "could not warm the default analysis");
    }
}
