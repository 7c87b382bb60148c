//! The planners' web page: a shell that loads the embedded scripts (see [`super::assets`]).

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse};

use super::assets::send_embedded;
use crate::extract::etag_of;

const INDEX: &str = include_str!("../../static/index.html");

static INDEX_ETAG: LazyLock<String> = LazyLock::new(|| etag_of(INDEX.as_bytes()));

/// The page for planners; every number on it comes from `/api/v1`.
#[utoipa::path(get, path = "/", tag = "page", responses(
    (status = 200, description = "HTML page, under a Content-Security-Policy with no inline script", content_type = "text/html"),
    (status = 304, description = "The client's copy (`If-None-Match`) is current")))]
pub async fn index(req: HttpRequest) -> HttpResponse {
    send_embedded(
        &req,
        "text/html; charset=utf-8",
        &INDEX_ETAG,
        INDEX.as_bytes(),
    )
}
