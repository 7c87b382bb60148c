//! Robustness across reasonable scenarios: how often each district is selected when the
//! method, weights, normalisation and SPBE direction vary.

use actix_web::{HttpRequest, HttpResponse, web};
use model::robustness::{Robustness, RobustnessRequest, robustness};
use model::scenario::{RankingRequest, load_join};
use serde::Serialize;

use crate::error::ApiError;
use crate::extract::{Reader, respond};
use crate::state::{AppState, ComputeCache, Rendered};

/// `{"robustness": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RobustnessBody {
    /// The robustness of the selection across the grid.
    pub robustness: Robustness,
}

/// The grid of a body: no body, `{}` or `null` is the default grid; otherwise JSON (415
/// otherwise) without unknown fields (400 `invalid_json`).
fn parse_grid(req: &HttpRequest, body: &[u8]) -> Result<RobustnessRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RobustnessRequest::default());
    }
    let invalid = |e: serde_json::Error| crate::error::invalid_json(&e);
    let mut value: serde_json::Value = crate::routes::rankings::parse_json(req, body)?;
    if value.is_null() {
        return Ok(RobustnessRequest::default());
    }
    // serde reads a struct from an array too; the document says objects.
    for (path, part) in [
        (
            model::message::Value::from(&crate::sentences::THE_BODY),
            Some(&value),
        ),
        ("constraints".into(), value.pointer("/constraints")),
        ("current.weights".into(), value.pointer("/current/weights")),
        ("current".into(), value.pointer("/current")),
    ] {
        if part.is_some_and(serde_json::Value::is_array) {
            return Err(ApiError::bad_request(
                "invalid_json",
                crate::sentences::BODY_NOT_OBJECT.with("part", path),
            ));
        }
    }
    integral_numbers(&mut value);
    serde_json::from_value(value).map_err(invalid)
}

/// Turns numbers written with a fraction of zero (`100.0`) into integers: JSON Schema counts
/// them as integers, so `k` or `max_per_province` may come so; a float field reads them back
/// unchanged.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64().filter(|x| n.is_f64() && x.fract() == 0.0)
                && (0.0..=9_007_199_254_740_991.0).contains(&x)
            {
                *n = serde_json::Number::from(x as u64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(members) => members.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// Checks the grid's limits and the scenario limits of its `k` and constraints (422 naming
/// the limit), before any data is read.
fn check_grid(grid: &RobustnessRequest) -> Result<(), ApiError> {
    grid.validate()?;
    crate::routes::rankings::check_limits(&RankingRequest {
        k: grid.k,
        constraints: grid.constraints.clone(),
        weights: grid
            .current
            .as_ref()
            .map_or_else(Default::default, |c| c.weights),
        stunting_year: grid.stunting_year,
        spbe_year: grid.spbe_year,
        ..RankingRequest::default()
    })
}

/// How often each district is selected across a grid of scenarios (a read: no token needed).
#[utoipa::path(post, path = "/api/v1/robustness", tag = "rankings",
    request_body(content = Option<RobustnessRequest>, description = "The grid; every field is optional and an empty body (or `{}`) is the default grid (docs/API.md): methods `composite`, `need`, `residual` (and `burden` with a population dataset) × stunting weights 0.5, 0.6, 0.7, 0.8 (composite only; SPBE weight = 1 − it) × the three normalisations × both SPBE directions, at most 48 scenarios. Every scenario uses the same `k` and constraints and is exactly the `GET /api/v1/shortlist` of those parameters. `current` names the scenario on screen. Unknown fields are rejected"),
    security((), ("bearer" = [])),
    responses(
    (status = 200, description = "Each district's share of scenarios selecting it, its best and worst rank and class; the scenarios with their shortlist fingerprints; and, with `current`, that scenario's selected districts per class", body = RobustnessBody),
    (status = 400, description = "Malformed JSON or unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token while the service requires read tokens (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 404, description = "No stunting or SPBE data", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Body is not application/json", body = crate::error::ErrorBody),
    (status = 409, description = "The grid is within its limits but the data held refuse a scenario, with the code the shortlist gives it (there as 422): `k` or a per-province count above the joined districts (`invalid_k`, …), a code not among them (`unknown_code`), constraints no selection satisfies (`infeasible_constraints`), a dataset a method needs (`no_population_data`, `no_previous_year`), or `current` weights all 0 (`invalid_weights`); the same body may succeed after an import", body = crate::error::ErrorBody),
    (status = 422, description = "A limit broken (names it): a list empty or longer than its limit (`invalid_grid`), a stunting weight outside 0–1 (`invalid_weights`), `k` or a constraint out of range", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_robustness(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let grid = parse_grid(&req, &body)?;
    check_grid(&grid)?;
    let key = format!(
        "robustness|{}",
        serde_json::to_string(&grid).unwrap_or_default()
    );
    if let Some(hit) = state.cached(&state.rendered, &key) {
        return Ok(respond(&req, &hit));
    }
    let st = state.clone();
    let rendered = web::block(move || {
        let version = st.data_version()?;
        ComputeCache::get_or_make(&st.rendered, key, version, || {
            let _slot = st.compute.try_take().ok_or(ApiError::Busy)?;
            let joined = load_join(&mut *st.pool.get()?, &grid.join_request())?;
            let answer = robustness(&joined, &grid).map_err(ApiError::refused_by_data)?;
            Rendered::json(&RobustnessBody { robustness: answer })
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}
