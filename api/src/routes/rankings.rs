//! Ranking runs (saved, immutable), their diffs, and the one-call shortlist.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::dataset::Dataset;
use model::ranking::{Method, Normalisation, SpbeDirection, UncertaintyParams, Weights};
use model::run::RankingRun;
use model::scenario::{
    DistrictResult, RankingRequest, RankingResult, compute, diff, districts_csv,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{
    Editor, Meta, Paging, Reader, Representation, csv_response, json_with_etag, representation,
};
use crate::state::AppState;

/// `?format=json|csv|geojson`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// Representation; also chosen by `Accept: text/csv` or `application/geo+json`.
    pub format: Option<String>,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(e.to_string()))
}

/// A list of districts and the JSON document that carries them.
struct Districts {
    json: serde_json::Value,
    districts: Vec<DistrictResult>,
    demo: bool,
}

/// Sends districts as JSON, CSV or GeoJSON (with the newest boundary layer).
async fn send_districts(
    req: &HttpRequest,
    state: &AppState,
    format: Option<&str>,
    filename: &str,
    data: Districts,
) -> Result<HttpResponse, ApiError> {
    match representation(req, format)? {
        Representation::Json => json_with_etag(req, &data.json),
        Representation::Csv => Ok(csv_response(
            req,
            &format!("{filename}.csv"),
            districts_csv(&data.districts, data.demo),
        )),
        Representation::GeoJson => {
            let pool = state.pool.clone();
            let (_, layer) = web::block(move || {
                let mut conn = pool.get()?;
                model::boundary::latest_layer(&mut conn)
            })
            .await??;
            let features = data
                .districts
                .iter()
                .map(|d| Ok((d.code.clone(), to_json(d)?)))
                .collect::<Result<Vec<_>, ApiError>>()?;
            let mut fc = model::boundary::feature_collection(&layer, features);
            fc["demo"] = serde_json::json!(data.demo);
            let bytes = serde_json::to_vec(&fc).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(crate::extract::with_etag(
                req,
                "application/geo+json",
                bytes,
            ))
        }
    }
}

fn run_json(run: &RankingRun) -> Result<serde_json::Value, ApiError> {
    let mut body: serde_json::Value =
        serde_json::from_str(&run.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    body["id"] = serde_json::json!(run.id);
    body["created_at"] = serde_json::json!(run.created_at);
    body["created_by"] = serde_json::json!(run.created_by);
    Ok(body)
}

fn stored_districts(run: &RankingRun) -> Result<(Vec<DistrictResult>, bool), ApiError> {
    #[derive(Deserialize)]
    struct Stored {
        districts: Vec<DistrictResult>,
        demo: bool,
    }
    let s: Stored =
        serde_json::from_str(&run.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((s.districts, s.demo))
}

/// Compute a ranking for a scenario and save it as an immutable run.
#[utoipa::path(post, path = "/api/v1/rankings", tag = "rankings",
    request_body(content = RankingRequest, description = "Scenario; every field is optional (defaults in docs/API.md); unknown fields are rejected"),
    security(("bearer" = [])),
    responses(
    (status = 201, description = "`{\"ranking\": {id, created_at, fingerprint, params, datasets, analysis, districts, ...}}`"),
    (status = 400, description = "Malformed JSON or unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 422, description = "Invalid parameter (names the limit) or infeasible constraints", body = crate::error::ErrorBody)))]
pub async fn create_ranking(
    state: web::Data<AppState>,
    Editor(caller): Editor,
    scenario: web::Json<RankingRequest>,
) -> Result<HttpResponse, ApiError> {
    let scenario = scenario.into_inner();
    let pool = state.pool.clone();
    let run = web::block(move || -> Result<RankingRun, ApiError> {
        let mut conn = pool.get()?;
        let result = compute(&mut conn, &scenario)?;
        let params =
            serde_json::to_string(&result.params).map_err(|e| ApiError::Internal(e.to_string()))?;
        let body = serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
        let (id, _) = RankingRun::create(
            &mut conn,
            &caller.label,
            &result.fingerprint,
            &params,
            &body,
        )?;
        Ok(RankingRun::find(&mut conn, id)?)
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/rankings/{}", run.id)))
        .json(serde_json::json!({"ranking": run_json(&run)?})))
}

/// List saved runs, newest first (without their district lists).
#[utoipa::path(get, path = "/api/v1/rankings", tag = "rankings", params(Paging), responses(
    (status = 200, description = "`{\"rankings\": [{id, created_at, created_by, fingerprint, params}], \"meta\": {...}}`")))]
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
    let rankings = runs
        .iter()
        .map(|r| {
            let params: serde_json::Value = serde_json::from_str(&r.params).unwrap_or_default();
            serde_json::json!({"id": r.id, "created_at": r.created_at, "created_by": r.created_by, "fingerprint": r.fingerprint, "params": params})
        })
        .collect::<Vec<_>>();
    json_with_etag(
        &req,
        &serde_json::json!({"rankings": rankings, "meta": Meta { total, page, per_page }}),
    )
}

/// One saved run, as JSON, CSV or GeoJSON.
#[utoipa::path(get, path = "/api/v1/rankings/{id}", tag = "rankings",
    params(("id" = i32, Path, description = "Run id"), FormatQuery),
    responses(
    (status = 200, description = "`{\"ranking\": {...}}`, or CSV / GeoJSON"),
    (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn find_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    id: web::Path<i32>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let pool = state.pool.clone();
    let data = web::block(move || -> Result<Districts, ApiError> {
        let mut conn = pool.get()?;
        let run = RankingRun::find(&mut conn, id)?;
        let (districts, demo) = stored_districts(&run)?;
        Ok(Districts {
            json: serde_json::json!({"ranking": run_json(&run)?}),
            districts,
            demo,
        })
    })
    .await??;
    send_districts(
        &req,
        &state,
        query.format.as_deref(),
        &format!("lokus-ranking-{id}"),
        data,
    )
    .await
}

/// Who entered, who left and how ranks moved from run `id` to run `other_id`.
#[utoipa::path(get, path = "/api/v1/rankings/{id}/diff/{other_id}", tag = "rankings",
    params(("id" = i32, Path, description = "Earlier run"), ("other_id" = i32, Path, description = "Later run")),
    responses(
    (status = 200, description = "`{\"diff\": {from, to, entered, left, stayed, rank_changes}}`"),
    (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn diff_rankings(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    ids: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = ids.into_inner();
    let pool = state.pool.clone();
    let (diff, from, to) = web::block(move || -> Result<_, ApiError> {
        let mut conn = pool.get()?;
        let (from, to) = (
            RankingRun::find(&mut conn, a)?,
            RankingRun::find(&mut conn, b)?,
        );
        Ok((diff(&from.body, &to.body)?, from, to))
    })
    .await??;
    let summary = |r: &RankingRun| serde_json::json!({"id": r.id, "created_at": r.created_at, "fingerprint": r.fingerprint});
    let mut body = to_json(&diff)?;
    body["from"] = summary(&from);
    body["to"] = summary(&to);
    json_with_etag(&req, &serde_json::json!({"diff": body}))
}

/// Overrides of the default scenario for the shortlist.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ShortlistQuery {
    /// Number to select (default 100).
    pub k: Option<usize>,
    /// `composite`, `need` or `residual`.
    #[param(value_type = Option<String>)]
    pub method: Option<Method>,
    /// `min_max`, `z_score` or `goalposts`.
    #[param(value_type = Option<String>)]
    pub normalisation: Option<Normalisation>,
    /// `higher_is_priority` or `lower_is_priority`.
    #[param(value_type = Option<String>)]
    pub spbe_direction: Option<SpbeDirection>,
    /// Weight of stunting (default 0.6).
    #[serde(alias = "weight_stunting", alias = "w_stunting")]
    pub stunting_weight: Option<f64>,
    /// Weight of SPBE (default 0.4).
    #[serde(alias = "weight_spbe", alias = "w_spbe")]
    pub spbe_weight: Option<f64>,
    /// Stunting year (default latest).
    pub stunting_year: Option<i32>,
    /// SPBE year (default latest).
    pub spbe_year: Option<i32>,
    /// Monte Carlo draws (turns uncertainty on).
    pub draws: Option<usize>,
    /// Monte Carlo seed (default 42).
    pub seed: Option<u64>,
    /// `json`, `csv` or `geojson`.
    pub format: Option<String>,
}

impl ShortlistQuery {
    fn request(&self) -> RankingRequest {
        let d = RankingRequest::default();
        let uncertainty = (self.draws.is_some() || self.seed.is_some()).then(|| {
            let u = UncertaintyParams::default();
            UncertaintyParams {
                draws: self.draws.unwrap_or(u.draws),
                seed: self.seed.unwrap_or(u.seed),
                ..u
            }
        });
        RankingRequest {
            method: self.method.unwrap_or(d.method),
            weights: Weights {
                stunting: self.stunting_weight.unwrap_or(d.weights.stunting),
                spbe: self.spbe_weight.unwrap_or(d.weights.spbe),
            },
            normalisation: self.normalisation.unwrap_or(d.normalisation),
            spbe_direction: self.spbe_direction.unwrap_or(d.spbe_direction),
            k: self.k.unwrap_or(d.k),
            uncertainty,
            stunting_year: self.stunting_year,
            spbe_year: self.spbe_year,
            ..d
        }
    }
}

/// Computes (or takes from memory) the ranking for a request at the current data version.
fn cached_ranking(
    state: &AppState,
    request: &RankingRequest,
) -> Result<Arc<RankingResult>, ApiError> {
    let mut conn = state.pool.get()?;
    let version = Dataset::latest_id(&mut conn)?;
    let key = serde_json::to_string(request).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(hit) = state
        .rankings
        .lock()
        .ok()
        .and_then(|c| c.get(&key, version))
    {
        return Ok(hit);
    }
    let result = Arc::new(compute(&mut conn, request)?);
    if let Ok(mut c) = state.rankings.lock() {
        c.put(key, version, result.clone());
    }
    Ok(result)
}

/// The shortlist under the default scenario (or light overrides): selected districts in rank order.
#[utoipa::path(get, path = "/api/v1/shortlist", tag = "rankings", params(ShortlistQuery), responses(
    (status = 200, description = "`{\"shortlist\": {fingerprint, demo, params, datasets, k, cutoff_score, districts}}`, or CSV / GeoJSON"),
    (status = 422, description = "Invalid parameter (names the limit)", body = crate::error::ErrorBody)))]
pub async fn find_shortlist(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.request();
    let st = state.clone();
    let data = web::block(move || -> Result<Districts, ApiError> {
        let result = cached_ranking(&st, &request)?;
        let selected: Vec<DistrictResult> = result
            .districts
            .iter()
            .filter(|d| d.selected)
            .cloned()
            .collect();
        Ok(Districts {
            json: serde_json::json!({"shortlist": {
                "fingerprint": result.fingerprint,
                "demo": result.demo,
                "params": result.params,
                "datasets": result.datasets,
                "k": result.params.k,
                "cutoff_score": result.cutoff_score,
                "weights_used": result.weights_used,
                "constraint_effects": result.constraint_effects,
                "excluded": result.excluded,
                "districts": selected,
            }}),
            districts: selected,
            demo: result.demo,
        })
    })
    .await??;
    send_districts(
        &req,
        &state,
        query.format.as_deref(),
        "lokus-shortlist",
        data,
    )
    .await
}
