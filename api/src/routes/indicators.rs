//! Satu Data metadata: every indicator Lokus uses, and the unit of every numeric export column.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use model::dataset::Dataset;
use model::indicator::{Indicator, catalogue, column_units};
use serde::Serialize;

use crate::error::ApiError;
use crate::extract::{Reader, json_response};
use crate::state::AppState;

/// `GET /api/v1/indicators`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorList {
    /// Stunting prevalence, Indeks SPBE, under-five population, then each imported indicator.
    pub indicators: Vec<Indicator>,
    /// Unit of every numeric column of the district exports (CSV columns and the JSON fields
    /// of the same names), e.g. `"stunting_prevalence": "percent"`.
    pub units: BTreeMap<String, String>,
    /// The decimals every numeric column of the district CSV is rounded to (half away from
    /// zero, trailing zeros dropped), e.g. `"stunting_prevalence": 2`; 0 for whole numbers.
    pub decimals: BTreeMap<String, u8>,
    /// What each unit code means.
    pub unit_definitions: BTreeMap<String, String>,
    /// True when any listed dataset is synthetic demo data.
    pub demo: bool,
}

/// Every indicator with its concept, definition, unit, source agency, period and estimation
/// method (Indonesian and English), and the datasets that carry it.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "datasets", responses(
    (status = 200, description = "Indicator metadata and the unit of every numeric export column", body = IndicatorList)))]
pub async fn list_indicators(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let held = web::block(move || Dataset::list(&mut *pool.get()?)).await??;
    let indicators = catalogue(&held);
    let demo = indicators.iter().flat_map(|i| &i.datasets).any(|d| d.demo);
    json_response(
        &req,
        IndicatorList {
            indicators,
            units: column_units(),
            decimals: model::csv_export::column_decimals(),
            unit_definitions: model::indicator::UNITS
                .iter()
                .map(|(u, d)| ((*u).to_string(), (*d).to_string()))
                .collect(),
            demo,
        },
    )
    .await
}
