//! Cross-origin access for browsers, closed unless `LOKUS_CORS_ORIGINS` lists the origin.
//!
//! Written out rather than taken from `actix-cors`: that middleware answers 400 to any request
//! whose `Origin` it does not list, which would refuse the page's own same-origin POSTs (browsers
//! send `Origin` on those too). Here an unlisted origin simply gets no CORS headers, and the
//! browser does the refusing, which is what "closed" means for CORS.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// Methods a listed origin may use.
const ALLOW_METHODS: &str = "GET, HEAD, POST, OPTIONS";
/// Request headers a listed origin may send.
const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Accept, Accept-Language, If-None-Match, X-Request-Id";
/// Response headers a listed origin's scripts may read.
const EXPOSE_HEADERS: &str = "ETag, Link, Location, Retry-After, X-Request-Id, Content-Disposition, \
     X-Lokus-Data-Version, X-Lokus-Refreshing";
/// How long a browser may keep a preflight answer, in seconds.
const MAX_AGE: &str = "600";

/// Answers preflights from listed origins, and marks answers to them as readable.
pub async fn cors<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> actix_web::Result<ServiceResponse<EitherBody<B>>> {
    let origins = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.cors_origins.clone())
        .unwrap_or_default();
    let listed = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| origins.iter().any(|listed| listed == o))
        .map(str::to_string);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && let Some(origin) = &listed {
        let response = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str()))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE))
            .insert_header((header::VARY, "Origin"))
            .finish();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if !origins.is_empty() {
        // Answers differ by origin once a list is configured; caches must key on it.
        headers.append(header::VARY, header::HeaderValue::from_static("Origin"));
    }
    if let Some(origin) = listed
        && let Ok(value) = header::HeaderValue::from_str(&origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            header::HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    Ok(res.map_into_left_body())
}
