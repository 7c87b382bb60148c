//! The correlation model over the current join.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use model::analysis::{Analysis, JoinRequest, JoinedData, analyse};
use model::dataset::Dataset;
use model::stats::CorrelationParams;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Reader, respond};
use crate::state::{AppState, ComputeCache, Rendered};

/// The correlation model with the datasets it read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnalysisView {
    /// The model.
    #[serde(flatten)]
    pub analysis: Analysis,
    /// Datasets read.
    pub datasets: Vec<Dataset>,
    /// True when any of them is synthetic demo data.
    pub demo: bool,
}

/// `{"analysis": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnalysisBody {
    /// The analysis.
    pub analysis: AnalysisView,
}

/// Which data the analysis reads.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AnalysisQuery {
    /// Stunting year (default: latest).
    #[param(minimum = 2000, maximum = 2100)]
    pub stunting_year: Option<i32>,
    /// SPBE year (default: latest).
    #[param(minimum = 2000, maximum = 2100)]
    pub spbe_year: Option<i32>,
    /// Comma-separated Kemendagri codes to leave out.
    #[param(pattern = r"^(\d{2}\.\d{2}(,\d{2}\.\d{2})*)?$")]
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
    (status = 200, description = "The correlation model over the current join", body = AnalysisBody),
    (status = 400, description = "Malformed query parameter", body = crate::error::ErrorBody),
    (status = 404, description = "No data for a requested year", body = crate::error::ErrorBody),
    (status = 422, description = "Too few districts in the join (`insufficient_data`), a bad year or covariate", body = crate::error::ErrorBody),
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
        exclude: crate::extract::code_list("exclude", query.exclude.as_deref())?,
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
            Rendered::json(&AnalysisBody {
                analysis: AnalysisView {
                    analysis,
                    datasets: joined.datasets,
                    demo: joined.demo,
                },
            })
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}
