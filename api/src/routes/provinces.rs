//! Provinces: district counts and the tile-map positions the page draws without a boundary layer.

use actix_web::{HttpRequest, HttpResponse, web};
use model::province::ProvinceSummary;
use serde::Serialize;

use crate::error::ApiError;
use crate::extract::{Meta, Reader, json_response};
use crate::state::AppState;

/// `{"provinces": [...], "meta": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProvincesBody {
    /// Every province, by code.
    pub provinces: Vec<ProvinceSummary>,
    /// One page holding them all.
    pub meta: Meta,
}

/// Every province with its district count and tile-map cell (row north→south, col west→east).
#[utoipa::path(get, path = "/api/v1/provinces", tag = "regions", responses(
    (status = 200, description = "Every province; `row`/`col` are approximate positions from `seeds/province_tiles.csv`", body = ProvincesBody)))]
pub async fn list_provinces(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let provinces = web::block(move || ProvinceSummary::list(&mut *pool.get()?)).await??;
    let total = provinces.len() as i64;
    let meta = Meta {
        total,
        page: 1,
        per_page: total.max(1),
    };
    json_response(&req, ProvincesBody { provinces, meta }).await
}
