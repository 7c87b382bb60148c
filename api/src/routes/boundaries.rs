//! The newest boundary layer as GeoJSON, so a map can draw every district it holds.

use actix_web::{HttpRequest, HttpResponse, web};
use model::region::RegionIndex;

use crate::error::ApiError;
use crate::extract::respond;
use crate::state::{AppState, Rendered};

/// The newest `boundaries` dataset: one feature per district with `code` and `name`.
#[utoipa::path(get, path = "/api/v1/boundaries", tag = "datasets", responses(
    (status = 200, description = "GeoJSON FeatureCollection: `properties` {code, name}, the stored geometry, top-level `dataset` and `demo`", content_type = "application/geo+json"),
    (status = 404, description = "No boundary layer has been imported", body = crate::error::ErrorBody)))]
pub async fn find_boundaries(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: crate::extract::Reader,
) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let rendered = web::block(move || -> Result<Rendered, ApiError> {
        let mut conn = pool.get()?;
        let (dataset, layer) = model::boundary::latest_layer(&mut conn)?;
        let index = RegionIndex::load(&mut conn)?;
        drop(conn);
        let mut codes: Vec<&String> = layer.keys().collect();
        codes.sort();
        let features = codes.into_iter().map(|code| {
            let name = index.by_code(code).map(|r| r.name.as_str());
            let properties = serde_json::json!({"code": code, "name": name}).to_string();
            (code.clone(), properties)
        });
        let mut text = model::boundary::feature_collection(&layer, features, dataset.demo);
        // Name the dataset too, as every response that carries data does.
        let dataset =
            serde_json::to_string(&dataset).map_err(|e| ApiError::Internal(e.to_string()))?;
        text.pop();
        text.push_str(r#","dataset":"#);
        text.push_str(&dataset);
        text.push('}');
        Ok(Rendered::new("application/geo+json", text.into_bytes()))
    })
    .await??;
    Ok(respond(&req, &rendered))
}
