//! The planners' web page: a shell that loads the embedded scripts (see [`super::assets`]).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};

use super::assets::send_embedded;
use crate::extract::etag_of;
use crate::state::AppState;

const INDEX: &str = include_str!("../../static/index.html");

static INDEX_ETAG: LazyLock<String> = LazyLock::new(|| etag_of(INDEX.as_bytes()));

/// The page as served under each base path (one per `LOKUS_BASE_PATH` a process runs with).
static UNDER_BASE: LazyLock<Mutex<HashMap<String, &'static (String, String)>>> =
    LazyLock::new(Mutex::default);

/// The page with every absolute link under `base`, and the base named in a `<meta>` for the
/// scripts (the CSP allows no inline script and no `<base>`).
pub fn page_under(base: &str) -> String {
    INDEX
        .replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
        .replace(
            ">/api/v1/shortlist?format=csv<",
            &format!(">{base}/api/v1/shortlist?format=csv<"),
        )
        .replacen(
            "<meta charset=\"utf-8\">",
            &format!("<meta charset=\"utf-8\">\n<meta name=\"lokus-base\" content=\"{base}\">"),
            1,
        )
}

/// The page for planners; every number on it comes from `/api/v1`.
#[utoipa::path(get, path = "/", tag = "page", responses(
    (status = 200, description = "HTML page, under a Content-Security-Policy with no inline script", content_type = "text/html"),
    (status = 304, description = "The client's copy (`If-None-Match`) is current")))]
pub async fn index(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let base = &state.settings.base_path;
    if base.is_empty() {
        return send_embedded(
            &req,
            "text/html; charset=utf-8",
            &INDEX_ETAG,
            INDEX.as_bytes(),
        );
    }
    let page = {
        let mut pages = UNDER_BASE.lock().unwrap_or_else(|e| e.into_inner());
        *pages.entry(base.clone()).or_insert_with(|| {
            let text = page_under(base);
            let etag = etag_of(text.as_bytes());
            // Made once per base path a process serves, and kept for its life.
            Box::leak(Box::new((text, etag)))
        })
    };
    send_embedded(&req, "text/html; charset=utf-8", &page.1, page.0.as_bytes())
}
