//! The correlation model over the current join.

use actix_web::{HttpRequest, HttpResponse, web};
use model::analysis::{Analysis, JoinRequest, JoinedData, analyse};
use model::dataset::Dataset;
use model::stats::CorrelationParams;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Reader, respond};
use crate::state::{AppState, ComputeCache, Rendered, Served, analysis_key};

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
    (status = 200, description = "The correlation model over the current join. While the data has changed and the default analysis is being recomputed, the previous one is sent whole (its own ETag) with `X-Lokus-Refreshing: true`", body = AnalysisBody,
        headers(
            ("X-Lokus-Data-Version" = i64, description = "The data version the answer was computed at (it grows with every change of the data)"),
            ("X-Lokus-Refreshing" = String, description = "`true` when the data has changed since and the new answer is being computed; absent otherwise"))),
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
    let again = join.clone();
    let refresh = move |st: &AppState| render(st, &again, Demand::Background).map(drop);
    let served = match state.rendered_now(&analysis_key(&join), refresh) {
        Some(served) => served,
        None => {
            let st = state.clone();
            web::block(move || analysis(&st, &join)).await??
        }
    };
    let mut response = respond(&req, &served.rendered);
    served.mark(&mut response);
    Ok(response)
}

/// Who waits for a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Demand {
    /// A client: runs under the concurrency limit (`LOKUS_MAX_COMPUTE`).
    Request,
    /// The warm-up, or the default analysis: one computation at a time (single flight).
    Background,
}

/// The rendered analysis of a join at the current data version, from memory or made once; the
/// default one is made one at a time, whoever asks, and so takes no compute slot. Blocking.
///
/// # Errors
/// What the join or the model refuses; 503 `busy` when every compute slot is taken.
pub fn analysis(state: &AppState, join: &JoinRequest) -> Result<Served, ApiError> {
    let key = analysis_key(join);
    let pinned = state.rendered.lock().is_ok_and(|c| c.is_pinned(&key));
    let _flight = pinned.then(|| state.flights.start_or_wait(&key));
    render(
        state,
        join,
        if pinned {
            Demand::Background
        } else {
            Demand::Request
        },
    )
}

fn render(state: &AppState, join: &JoinRequest, demand: Demand) -> Result<Served, ApiError> {
    let version = state.data_version()?;
    let rendered = ComputeCache::get_or_make(&state.rendered, analysis_key(join), version, || {
        let _slot = match demand {
            Demand::Request => Some(state.compute.try_take().ok_or(ApiError::Busy)?),
            Demand::Background => None,
        };
        let joined = JoinedData::load(&mut *state.pool.get()?, join)?;
        let analysis = analyse(&joined, &CorrelationParams::default())?;
        Rendered::json(&AnalysisBody {
            analysis: AnalysisView {
                analysis,
                datasets: joined.datasets,
                demo: joined.demo,
            },
        })
    })?;
    Ok(Served {
        rendered,
        version,
        refreshing: false,
    })
}
