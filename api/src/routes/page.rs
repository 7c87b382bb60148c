//! The planners' web page: one self-contained HTML file, no CDN.

use actix_web::HttpResponse;

/// The shortlist page for planners.
#[utoipa::path(get, path = "/", tag = "page", responses((status = 200, description = "HTML page", content_type = "text/html")))]
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(include_str!("../../static/index.html"))
}
