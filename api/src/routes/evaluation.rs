//! Did it work? A saved list evaluated against a later stunting survey.

use actix_web::{HttpRequest, HttpResponse, web};
use model::evaluation::{DidBlock, RdBlock, RdPlot, Reading, evaluate};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Reader, json_response};
use crate::state::AppState;

/// Which run against which year.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EvaluationQuery {
    /// Id of the saved (or adopted) run; its stunting year is the baseline.
    #[param(minimum = 1)]
    pub run: i32,
    /// The follow-up stunting year; after the run's stunting year.
    #[param(minimum = 2000, maximum = 2100)]
    pub outcome_year: i32,
}

/// The evaluation of one run.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// The run evaluated.
    pub run_id: i32,
    /// The run's stunting year.
    pub baseline_year: i32,
    /// The follow-up year.
    pub outcome_year: i32,
    /// Regression discontinuity at the score cut-off (outcome: change in prevalence, points).
    pub rd: RdBlock,
    /// Difference-in-differences, selected against not selected.
    pub did: DidBlock,
    /// Plain-language reading with its caveats.
    pub reading: Reading,
    /// True when the run or the outcome dataset is synthetic demo data.
    pub demo: bool,
}

/// `{"evaluation": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationBody {
    /// The evaluation.
    pub evaluation: EvaluationView,
}

/// `{"plot": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlotBody {
    /// What the RD plot draws.
    pub plot: RdPlot,
}

/// Regression discontinuity at the run's cut-off and difference-in-differences against a later
/// stunting survey, with a reading in both languages.
#[utoipa::path(get, path = "/api/v1/evaluation", tag = "evaluation", params(EvaluationQuery), responses(
    (status = 200, description = "The evaluation", body = EvaluationBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 422, description = "No stunting dataset for the outcome year (`no_outcome_data`), an outcome year not after the run's (`invalid_outcome_year`), too few districts near the cut-off (`insufficient_data`), the same change everywhere (`zero_variance`), a degenerate fit (`singular_design`)", body = crate::error::ErrorBody)))]
pub async fn find_evaluation(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    query: web::Query<EvaluationQuery>,
) -> Result<HttpResponse, ApiError> {
    let (run, year) = (query.run, query.outcome_year);
    let pool = state.pool.clone();
    let e = web::block(move || evaluate(&mut *pool.get()?, run, year)).await??;
    let evaluation = EvaluationView {
        run_id: e.run_id,
        baseline_year: e.baseline_year,
        outcome_year: e.outcome_year,
        rd: e.rd,
        did: e.did,
        reading: e.reading,
        demo: e.demo,
    };
    json_response(&req, EvaluationBody { evaluation }).await
}

/// What the RD plot of an evaluation draws: every district of the discontinuity (score minus
/// cut-off, change in prevalence), binned means on each side and the local linear fits.
#[utoipa::path(get, path = "/api/v1/evaluation/plot", tag = "evaluation", params(EvaluationQuery), responses(
    (status = 200, description = "The points, bins and fits of the RD plot", body = PlotBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 422, description = "As `GET /api/v1/evaluation`", body = crate::error::ErrorBody)))]
pub async fn find_evaluation_plot(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    query: web::Query<EvaluationQuery>,
) -> Result<HttpResponse, ApiError> {
    let (run, year) = (query.run, query.outcome_year);
    let pool = state.pool.clone();
    let e = web::block(move || evaluate(&mut *pool.get()?, run, year)).await??;
    json_response(&req, PlotBody { plot: e.plot() }).await
}
