//! Provinces: district counts and the tile-map positions the page draws without a boundary layer.

use actix_web::{HttpRequest, HttpResponse, web};
use model::province::ProvinceSummary;

use crate::error::ApiError;
use crate::extract::{Meta, Reader, json_response};
use crate::state::AppState;

/// Every province with its district count and tile-map cell (row north→south, col west→east).
#[utoipa::path(get, path = "/api/v1/provinces", tag = "regions", responses(
    (status = 200, description = "`{\"provinces\": [{code, bps_code, name, abbr, districts, row, col}], \"meta\": {total, page, per_page}}`; `row`/`col` are approximate positions from `seeds/province_tiles.csv`")))]
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
    json_response(
        &req,
        serde_json::json!({"provinces": provinces, "meta": meta}),
    )
    .await
}
