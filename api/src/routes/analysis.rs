//! The correlation model over the current join.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use model::analysis::{JoinRequest, JoinedData, analyse};
use model::stats::CorrelationParams;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{Reader, respond};
use crate::state::{AppState, ComputeCache, Rendered};

/// Which data the analysis reads.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AnalysisQuery {
    /// Stunting year (default: latest).
    pub stunting_year: Option<i32>,
    /// SPBE year (default: latest).
    pub spbe_year: Option<i32>,
    /// Comma-separated Kemendagri codes to leave out.
    pub exclude: Option<String>,
    /// Comma-separated covariate indicators to add to the regression.
    pub covariates: Option<String>,
}

fn list(text: Option<&str>) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Pearson and Spearman correlation, bootstrap interval, OLS regression and residuals.
#[utoipa::path(get, path = "/api/v1/analysis", tag = "analysis", params(AnalysisQuery), responses(
    (status = 200, description = "`{\"analysis\": {n, pearson: {r, ci95, p_value}, spearman: {rho, p_value}, bootstrap_ci95, regression: {intercept, slope, r_squared, ...}, residuals, interpretation, excluded, datasets, demo}}`"),
    (status = 404, description = "No data for a requested year", body = crate::error::ErrorBody),
    (status = 422, description = "Too few districts, or a bad year", body = crate::error::ErrorBody),
    (status = 503, description = "Too many computations at once; retry after the `Retry-After` seconds", body = crate::error::ErrorBody)))]
pub async fn find_analysis(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    query: web::Query<AnalysisQuery>,
) -> Result<HttpResponse, ApiError> {
    let join = JoinRequest {
        stunting_year: query.stunting_year,
        spbe_year: query.spbe_year,
        exclude: list(query.exclude.as_deref()),
        covariates: list(query.covariates.as_deref()),
    };
    let key = format!("analysis|{join:?}");
    if let Some(hit) = state.cached(&state.rendered, &key) {
        return Ok(respond(&req, &hit));
    }
    let st = state.clone();
    let rendered = web::block(move || -> Result<Arc<Rendered>, ApiError> {
        let version = st.data_version()?;
        ComputeCache::get_or_make(&st.rendered, key, version, || {
            let _slot = st.compute.try_take().ok_or(ApiError::Busy)?;
            let joined = JoinedData::load(&mut *st.pool.get()?, &join)?;
            let analysis = analyse(&joined, &CorrelationParams::default())?;
            let mut body =
                serde_json::to_value(&analysis).map_err(|e| ApiError::Internal(e.to_string()))?;
            body["datasets"] = serde_json::json!(joined.datasets);
            body["demo"] = serde_json::json!(joined.demo);
            Rendered::json(&serde_json::json!({ "analysis": body }))
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}
