//! The page's scripts and styles, embedded in the binary at build time (no CDN, no disk reads).

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::extract::etag_of;

/// An embedded file: its path under `api/static`, media type and bytes.
pub struct Asset {
    /// Path under `/static/`, e.g. `js/main.js`.
    pub path: &'static str,
    /// Media type sent with it.
    pub content_type: &'static str,
    /// The file, embedded at build time.
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!("../../static/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file under `api/static` except the shell (`index.html`, served at `/`).
pub static ASSETS: &[Asset] = &[
    asset!("css/lokus.css", "text/css; charset=utf-8"),
    asset!("js/api.js", JS),
    asset!("js/compare.js", JS),
    asset!("js/data.js", JS),
    asset!("js/decision.js", JS),
    asset!("js/district.js", JS),
    asset!("js/dom.js", JS),
    asset!("js/equity.js", JS),
    asset!("js/evaluation.js", JS),
    asset!("js/i18n.js", JS),
    asset!("js/layout.js", JS),
    asset!("js/main.js", JS),
    asset!("js/map.js", JS),
    asset!("js/penetapan.js", JS),
    asset!("js/print.js", JS),
    asset!("js/provinces.js", JS),
    asset!("js/quadrant.js", JS),
    asset!("js/review.js", JS),
    asset!("js/robustness.js", JS),
    asset!("js/scatter.js", JS),
    asset!("js/scenario.js", JS),
    asset!("js/shortlist.js", JS),
    asset!("js/state.js", JS),
    asset!("js/svg.js", JS),
    asset!("js/validation.js", JS),
    asset!("js/words.js", JS),
];

static ETAGS: LazyLock<HashMap<&'static str, String>> =
    LazyLock::new(|| ASSETS.iter().map(|a| (a.path, etag_of(a.bytes))).collect());

/// The Content-Security-Policy of the page and its assets: nothing inline, nothing foreign.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Sends embedded bytes with a strong ETag (304 when the client has them), revalidated on use,
/// under the page's security headers.
pub fn send_embedded(
    req: &HttpRequest,
    content_type: &'static str,
    etag: &str,
    bytes: &'static [u8],
) -> HttpResponse {
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag.to_string()))
        // Same URL across versions, so the browser keeps a copy but asks (304) before using it.
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh {
        return response.finish();
    }
    response.content_type(content_type).body(bytes)
}

/// A script or style of the page.
#[utoipa::path(get, path = "/static/{dir}/{file}", tag = "page",
    params(("dir" = String, Path, description = "`css` or `js`"), ("file" = String, Path, description = "File name, e.g. `main.js`")),
    responses(
    (status = 200, description = "The file, with a strong `ETag`, `Cache-Control: public, no-cache` and the page's Content-Security-Policy",
        content((String = "text/javascript"), (String = "text/css"))),
    (status = 304, description = "The client's copy (`If-None-Match`) is current"),
    (status = 404, description = "No such file", body = crate::error::ErrorBody)))]
pub async fn find_asset(
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (dir, file) = path.into_inner();
    let wanted = format!("{dir}/{file}");
    let asset = ASSETS
        .iter()
        .find(|a| a.path == wanted)
        .ok_or_else(|| ApiError::RouteNotFound(req.path().to_string()))?;
    Ok(send_embedded(
        &req,
        asset.content_type,
        &ETAGS[asset.path],
        asset.bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to `api/static` but not to [`ASSETS`] would be a 404 in the browser.
    #[test]
    fn every_file_under_static_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        let mut on_disk = Vec::new();
        for dir in ["css", "js"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("static dir") {
                let name = entry.expect("entry").file_name();
                on_disk.push(format!("{dir}/{}", name.to_string_lossy()));
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = ASSETS.iter().map(|a| a.path.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }
}
