//! Ranking runs (saved, immutable), their diffs, and the one-call shortlist.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::impact::ProjectionParams;
use model::ranking::{
    Constraints, Method, Normalisation, SpbeDirection, UncertaintyParams, Weights,
};
use model::run::RankingRun;
use model::scenario::{
    DistrictResult, RankingRequest, RankingResult, compute_from_join, diff, districts_csv,
    load_join,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{
    Caller, Editor, Meta, Paging, Reader, Representation, csv_download, json_response,
    representation, respond,
};
use crate::state::{
    AppState, ComputeCache, Rendered, default_requests, ranking_key, shortlist_key,
};

/// Most Monte Carlo draws a read without an editor token may ask for; more is a saved run's job.
pub const MAX_READ_DRAWS: usize = 5_000;

/// `?format=json|csv|geojson`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// Representation; also chosen by `Accept: text/csv` or `application/geo+json`.
    pub format: Option<String>,
}

/// Renders districts as JSON (the given document), CSV or GeoJSON (with the newest boundary
/// layer). CPU and database work: call it inside `web::block`.
fn render_districts(
    state: &AppState,
    format: Representation,
    json: &serde_json::Value,
    districts: &[DistrictResult],
    demo: bool,
) -> Result<Rendered, ApiError> {
    match format {
        Representation::Json => Rendered::json(json),
        Representation::Csv => Ok(Rendered::new(
            "text/csv; charset=utf-8",
            districts_csv(districts, demo).into_bytes(),
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

/// Sends a rendered district list; CSV comes as a download named `filename.csv`.
fn send(
    req: &HttpRequest,
    format: Representation,
    filename: &str,
    rendered: &Rendered,
) -> HttpResponse {
    match format {
        Representation::Csv => csv_download(req, &format!("{filename}.csv"), rendered),
        _ => respond(req, rendered),
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
    /// The one warm-up thread: sequential by construction, so it takes no slot from clients.
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

/// Computes a ranking for a scenario and saves it as an immutable run.
#[utoipa::path(post, path = "/api/v1/rankings", tag = "rankings",
    request_body(content = RankingRequest, description = "Scenario; every field is optional (defaults in docs/API.md); unknown fields are rejected"),
    security(("bearer" = [])),
    responses(
    (status = 201, description = "`{\"ranking\": {id, created_at, fingerprint, params, datasets, analysis, districts, ...}}`"),
    (status = 400, description = "Malformed JSON or unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 422, description = "Invalid parameter (names the limit) or infeasible constraints", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn create_ranking(
    state: web::Data<AppState>,
    Editor(caller): Editor,
    scenario: web::Json<RankingRequest>,
) -> Result<HttpResponse, ApiError> {
    let scenario = scenario.into_inner();
    let st = state.clone();
    let (id, body) = web::block(move || -> Result<(i32, Vec<u8>), ApiError> {
        let result = compute_ranking(&st, &scenario, Demand::Request)?;
        let params =
            serde_json::to_string(&result.params).map_err(|e| ApiError::Internal(e.to_string()))?;
        let body = serde_json::to_string(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
        let (id, created_at) = RankingRun::create(
            &mut *st.pool.get()?,
            &caller.label,
            &result.fingerprint,
            &params,
            &body,
            result.demo,
        )?;
        Ok((id, saved_run_json(id, &created_at, &caller.label, &body)?))
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/rankings/{id}")))
        .insert_header((header::ETAG, crate::extract::etag_of(&body)))
        .content_type("application/json")
        .body(body))
}

/// `{"ranking": {id, created_at, created_by, …the stored body…}}` without parsing the body
/// again: the stored text is a JSON object, so its members follow the three added ones.
fn saved_run_json(
    id: i32,
    created_at: &str,
    created_by: &str,
    body: &str,
) -> Result<Vec<u8>, ApiError> {
    let members = body
        .strip_prefix('{')
        .filter(|rest| rest.len() > 1)
        .ok_or_else(|| ApiError::Internal("a ranking body is not a JSON object".into()))?;
    let text = |v: &str| serde_json::to_string(v).map_err(|e| ApiError::Internal(e.to_string()));
    let mut out = Vec::with_capacity(body.len() + 128);
    out.extend_from_slice(format!(r#"{{"ranking":{{"id":{id},"created_at":"#).as_bytes());
    out.extend_from_slice(text(created_at)?.as_bytes());
    out.extend_from_slice(br#","created_by":"#);
    out.extend_from_slice(text(created_by)?.as_bytes());
    out.push(b',');
    out.extend_from_slice(members.as_bytes());
    out.push(b'}');
    Ok(out)
}

/// Lists saved runs, newest first (without their district lists).
#[utoipa::path(get, path = "/api/v1/rankings", tag = "rankings", params(Paging), responses(
    (status = 200, description = "`{\"rankings\": [{id, created_at, created_by, fingerprint, demo, params}], \"demo\": bool, \"meta\": {...}}`"),
    (status = 422, description = "Bad paging", body = crate::error::ErrorBody)))]
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
        .iter()
        .map(|r| {
            let params: serde_json::Value = serde_json::from_str(&r.params).unwrap_or_default();
            serde_json::json!({"id": r.id, "created_at": r.created_at, "created_by": r.created_by, "fingerprint": r.fingerprint, "demo": r.demo, "params": params})
        })
        .collect::<Vec<_>>();
    json_response(
        &req,
        serde_json::json!({"rankings": rankings, "demo": demo, "meta": Meta { total, page, per_page }}),
    )
    .await
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
    let format = representation(&req, query.format.as_deref())?;
    let st = state.clone();
    let rendered = web::block(move || -> Result<Rendered, ApiError> {
        let run = RankingRun::find(&mut *st.pool.get()?, id)?;
        let districts = match format {
            Representation::Json => Vec::new(),
            _ => stored_districts(&run)?,
        };
        let json = match format {
            Representation::Json => serde_json::json!({"ranking": run_json(&run)?}),
            _ => serde_json::Value::Null,
        };
        render_districts(&st, format, &json, &districts, run.demo)
    })
    .await??;
    Ok(send(
        &req,
        format,
        &format!("lokus-ranking-{id}"),
        &rendered,
    ))
}

/// Who entered, who left and how ranks moved from run `id` to run `other_id`.
#[utoipa::path(get, path = "/api/v1/rankings/{id}/diff/{other_id}", tag = "rankings",
    params(("id" = i32, Path, description = "Earlier run"), ("other_id" = i32, Path, description = "Later run")),
    responses(
    (status = 200, description = "`{\"diff\": {from, to, demo, entered, left, stayed, rank_changes}}`"),
    (status = 404, description = "No such run", body = crate::error::ErrorBody)))]
pub async fn diff_rankings(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    ids: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = ids.into_inner();
    let pool = state.pool.clone();
    let rendered = web::block(move || -> Result<Rendered, ApiError> {
        let mut conn = pool.get()?;
        let (from, to) = (
            RankingRun::find(&mut conn, a)?,
            RankingRun::find(&mut conn, b)?,
        );
        drop(conn);
        let summary = |r: &RankingRun| serde_json::json!({"id": r.id, "created_at": r.created_at, "fingerprint": r.fingerprint, "demo": r.demo});
        let mut body = serde_json::to_value(diff(&from.body, &to.body)?)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        body["from"] = summary(&from);
        body["to"] = summary(&to);
        body["demo"] = serde_json::json!(from.demo || to.demo);
        Rendered::json(&serde_json::json!({ "diff": body }))
    })
    .await??;
    Ok(respond(&req, &rendered))
}

/// Overrides of the default scenario for the shortlist.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ShortlistQuery {
    /// Number to select (default 100).
    pub k: Option<usize>,
    /// `composite`, `need`, `residual`, `burden` or `trend`.
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
    /// Weight of the burden, estimated stunted children (default 0; needs a population dataset).
    pub burden_weight: Option<f64>,
    /// Weight of the change since the previous stunting year (default 0; needs two years).
    pub trend_weight: Option<f64>,
    /// Stunting year (default latest).
    pub stunting_year: Option<i32>,
    /// SPBE year (default latest).
    pub spbe_year: Option<i32>,
    /// Only districts with SPBE ≥ this are eligible (1.0–5.0).
    pub min_spbe: Option<f64>,
    /// At most this many selected per province.
    pub max_per_province: Option<usize>,
    /// At least this many selected per province.
    pub min_per_province: Option<usize>,
    /// Comma-separated Kemendagri codes forced in.
    pub include: Option<String>,
    /// Comma-separated Kemendagri codes forced out.
    pub exclude: Option<String>,
    /// `true`: every joined district in rank order, not only the selected ones.
    pub all: Option<bool>,
    /// Monte Carlo draws (turns uncertainty on); at most 5,000 without an editor token.
    pub draws: Option<usize>,
    /// Monte Carlo seed (default 42).
    pub seed: Option<u64>,
    /// Assumed programme effect for the projection, % points lower in each selected district
    /// (default 2.0).
    pub effect_points: Option<f64>,
    /// Assumed relative effect instead (e.g. 0.10 = 10 % lower).
    pub effect_relative: Option<f64>,
    /// Target national prevalence, % (default 14.0).
    pub target: Option<f64>,
    /// `json`, `csv` or `geojson`.
    pub format: Option<String>,
}

/// A comma-separated list of codes.
fn codes(text: Option<&str>) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
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
                include: codes(self.include.as_deref()),
                exclude: codes(self.exclude.as_deref()),
            },
            uncertainty,
            stunting_year: self.stunting_year,
            spbe_year: self.spbe_year,
            projection: ProjectionParams {
                effect_points: self.effect_points.unwrap_or(d.projection.effect_points),
                effect_relative: self.effect_relative,
                target: self.target.unwrap_or(d.projection.target),
            },
        }
    }
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
fn shortlist_json(result: &RankingResult, selected: &[DistrictResult]) -> serde_json::Value {
    serde_json::json!({"shortlist": {
        "fingerprint": result.fingerprint,
        "demo": result.demo,
        "params": result.params,
        "datasets": result.datasets,
        "k": result.params.k,
        "cutoff_score": result.cutoff_score,
        "weights_used": result.weights_used,
        "constraint_effects": result.constraint_effects,
        "excluded": result.excluded,
        "uncertainty": result.uncertainty,
        "coverage": result.coverage,
        "projection": result.projection,
        "districts": selected,
    }})
}

/// Refuses more draws than a reader without an editor token may ask for.
fn check_read_draws(request: &RankingRequest, caller: &Caller) -> Result<(), ApiError> {
    match &request.uncertainty {
        Some(u) if u.draws > MAX_READ_DRAWS && !caller.is_editor() => {
            Err(model::ModelError::invalid(
                "invalid_draws",
                format!(
                    "a read without an editor token may ask for at most {MAX_READ_DRAWS} draws, got {}; \
                     save a run with more draws through POST /api/v1/rankings",
                    u.draws
                ),
            )
            .into())
        }
        _ => Ok(()),
    }
}

/// What the shortlist of a scenario buys: stunted children covered and the projected national
/// prevalence against the target under an assumed effect.
#[utoipa::path(get, path = "/api/v1/projection", tag = "rankings", params(ShortlistQuery), responses(
    (status = 200, description = "`{\"projection\": {national_prevalence_now, national_prevalence_after, target, gap_closed_share, children_averted, effect_points, effect_relative, [..._p05/_p95 with draws], coverage, k, fingerprint, demo, params, datasets}}`"),
    (status = 422, description = "Invalid parameter, or no population dataset (`no_population_data`)", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_projection(
    req: HttpRequest,
    state: web::Data<AppState>,
    Reader(caller): Reader,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.request();
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
                    "the projection needs a population dataset (kind population, indicator \
                     under5) for the stunting year or earlier; import one",
                )
                .into());
            };
            let mut body =
                serde_json::to_value(projection).map_err(|e| ApiError::Internal(e.to_string()))?;
            body["coverage"] = serde_json::json!(coverage);
            body["k"] = serde_json::json!(result.params.k);
            body["fingerprint"] = serde_json::json!(result.fingerprint);
            body["demo"] = serde_json::json!(result.demo);
            body["params"] = serde_json::json!(result.params);
            body["datasets"] = serde_json::json!(result.datasets);
            Rendered::json(&serde_json::json!({ "projection": body }))
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}

/// The shortlist under the default scenario (or light overrides): selected districts in rank order.
#[utoipa::path(get, path = "/api/v1/shortlist", tag = "rankings", params(ShortlistQuery), responses(
    (status = 200, description = "`{\"shortlist\": {fingerprint, demo, params, datasets, k, cutoff_score, districts}}`, or CSV / GeoJSON"),
    (status = 422, description = "Invalid parameter (names the limit)", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_shortlist(
    req: HttpRequest,
    state: web::Data<AppState>,
    Reader(caller): Reader,
    query: web::Query<ShortlistQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.request();
    check_read_draws(&request, &caller)?;
    let format = representation(&req, query.format.as_deref())?;
    let all = query.all.unwrap_or(false);
    if let Some(hit) = state.cached(
        &state.rendered,
        &shortlist_key(format.as_str(), all, &request),
    ) {
        return Ok(send(&req, format, "lokus-shortlist", &hit));
    }
    let st = state.clone();
    let rendered =
        web::block(move || shortlist(&st, &request, format, all, Demand::Request)).await??;
    Ok(send(&req, format, "lokus-shortlist", &rendered))
}

/// The rendered shortlist of a request at the current data version, from memory or made once.
/// CPU and database work: call it inside `web::block`.
fn shortlist(
    state: &AppState,
    request: &RankingRequest,
    format: Representation,
    all: bool,
    demand: Demand,
) -> Result<Arc<Rendered>, ApiError> {
    let version = state.data_version()?;
    let key = shortlist_key(format.as_str(), all, request);
    ComputeCache::get_or_make(&state.rendered, key, version, || {
        let result = ranking_at(state, request, version, demand)?;
        let selected: Vec<DistrictResult> = result
            .districts
            .iter()
            .filter(|d| all || d.selected)
            .cloned()
            .collect();
        let json = match format {
            Representation::Json => shortlist_json(&result, &selected),
            _ => serde_json::Value::Null,
        };
        render_districts(state, format, &json, &selected, result.demo)
    })
}

/// Computes and renders the default shortlists at the current data version, so the first
/// reader after a start or an import never pays for the computation. Blocking.
pub fn warm(state: &AppState) {
    for request in default_requests() {
        if let Err(e) = shortlist(
            state,
            &request,
            Representation::Json,
            false,
            Demand::Background,
        ) {
            tracing::warn!(error = %e, "could not warm the default shortlist");
        }
    }
}
