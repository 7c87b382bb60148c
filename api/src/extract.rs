//! Request helpers shared by handlers: token checks, paging, JSON responses with ETags.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use model::audit::Actor;
use model::token::{ApiToken, Role, TokenCheck};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::gateway::GatewayConsumer;
use crate::sentences as s;
use crate::state::{AppState, Rendered};

/// Who is calling: a token label, or `anonymous` where reads are open (or where a trusted
/// gateway named the consumer), with the request id and gateway consumer the audit log records.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token label or `anonymous`, the request id and the gateway consumer.
    pub actor: Actor,
    /// The token's role; `None` for a reader without a token.
    pub role: Option<Role>,
}

impl Caller {
    /// True when the caller holds a token that may edit (editor, steward or approver).
    pub fn is_editor(&self) -> bool {
        self.role.is_some_and(|r| r.grants(Role::Editor))
    }

    /// True when the caller's token grants `role`.
    pub fn may(&self, role: Role) -> bool {
        self.role.is_some_and(|r| r.grants(role))
    }
}

/// The bearer secret of an `Authorization` header value, if it is one.
pub fn bearer_secret(value: Option<&header::HeaderValue>) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(value) => {
            let text = value.to_str().unwrap_or_default();
            match text
                .strip_prefix("Bearer ")
                .or_else(|| text.strip_prefix("bearer "))
            {
                Some(token) if !token.trim().is_empty() => Ok(Some(token.trim().to_string())),
                _ => Err(ApiError::Unauthorized((&s::NOT_BEARER).into())),
            }
        }
    }
}

/// The outcome of checking a request's bearer token, kept in the request's extensions by
/// the rate limiter (which keys on it) so that handlers do not look it up again.
#[derive(Debug, Clone)]
pub struct CheckedToken(pub TokenCheck);

/// Checks `secret` against the stored tokens (off the async threads).
///
/// # Errors
/// Database errors.
pub async fn check_token(state: &AppState, secret: String) -> Result<TokenCheck, ApiError> {
    let pool = state.pool.clone();
    let checked = web::block(move || {
        let mut conn = pool.get()?;
        ApiToken::check(&mut conn, &secret)
    })
    .await??;
    if let TokenCheck::Valid(token) = &checked
        && token.use_is_stale(chrono::Utc::now())
    {
        // Recorded beside the request, not in its way: the write may wait behind an import,
        // and a read must not. A lost update only makes "last used" a little older.
        let (pool, id) = (state.pool.clone(), token.id);
        actix_web::rt::spawn(async move {
            let _ = web::block(move || ApiToken::touch(&mut *pool.get()?, id)).await;
        });
    }
    Ok(checked)
}

/// Checks the caller's token against the role `needed`; for a gateway consumer, remembers the
/// caller on the request (the gateway's read audit names it).
async fn authorise(req: HttpRequest, needed: Role) -> Result<Caller, ApiError> {
    let caller = identify(&req, needed).await?;
    // Only the gateway's read audit looks for it: other requests skip the copy.
    if caller.actor.consumer.is_some() {
        req.extensions_mut().insert(caller.clone());
    }
    Ok(caller)
}

async fn identify(req: &HttpRequest, needed: Role) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("state missing".into()))?
        .clone();
    let mut actor = Actor {
        name: "anonymous".into(),
        request_id: req
            .extensions()
            .get::<crate::startup::RequestId>()
            .map(|id| id.0.clone()),
        consumer: req
            .extensions()
            .get::<GatewayConsumer>()
            .map(|c| c.0.clone()),
    };
    let token = bearer_secret(req.headers().get(header::AUTHORIZATION))?;
    // A consumer named by the trusted gateway was authenticated there: it may read, never write.
    let open_read = !state.settings.require_read_token || actor.consumer.is_some();
    if needed == Role::Viewer && open_read && token.is_none() {
        return Ok(Caller { actor, role: None });
    }
    let Some(secret) = token else {
        return Err(token_needed(needed));
    };
    let known = req.extensions().get::<CheckedToken>().cloned();
    let checked = match known {
        Some(CheckedToken(c)) => c,
        None => check_token(&state, secret).await?,
    };
    let token = granted(checked, needed)?;
    let role = token.role();
    actor.name = token.label;
    Ok(Caller {
        actor,
        role: Some(role),
    })
}

/// The token of a check when it is valid and grants `needed`.
///
/// # Errors
/// 401 for an unknown, revoked or expired token; 403 for one whose role does not grant `needed`.
pub fn granted(checked: TokenCheck, needed: Role) -> Result<ApiToken, ApiError> {
    let token = match checked {
        TokenCheck::Valid(token) => token,
        TokenCheck::Unknown => return Err(ApiError::Unauthorized((&s::UNKNOWN_TOKEN).into())),
        TokenCheck::Revoked => {
            return Err(ApiError::Unauthorized((&s::TOKEN_REVOKED).into()));
        }
        TokenCheck::Expired => return Err(ApiError::Unauthorized((&s::TOKEN_EXPIRED).into())),
    };
    if !token.role().grants(needed) {
        return Err(ApiError::Forbidden(
            s::ROLE_TOO_LOW
                .with("role", token.role().as_str())
                .with("needed", needed.as_str()),
        ));
    }
    Ok(token)
}

/// The message of a 401 to a request without a token.
pub fn token_needed(needed: Role) -> ApiError {
    ApiError::Unauthorized(s::TOKEN_NEEDED.with("role", needed.as_str()))
}

/// Decides whether a client that announced a body (`Expect: 100-continue`) may send it, from
/// the request head alone: a write under `/api` (every one needs an editor token, or a
/// steward's or approver's) is 401 without a valid token and 403 with a lesser one; then a
/// body over `LOKUS_MAX_BODY_BYTES` is 413. Who may read is left to the handlers.
///
/// # Errors
/// The refusal, sent instead of `100 Continue`.
pub async fn admit_announced_body(
    state: &AppState,
    method: &actix_web::http::Method,
    path: &str,
    headers: &actix_web::http::header::HeaderMap,
) -> Result<(), ApiError> {
    let is_read = matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
    if !is_read && state.settings.route_path(path).starts_with("/api/") {
        let secret = bearer_secret(headers.get(header::AUTHORIZATION))?
            .ok_or_else(|| token_needed(Role::Editor))?;
        granted(check_token(state, secret).await?, Role::Editor)?;
    }
    let limit = state.settings.max_body_bytes;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    Ok(())
}

/// Extractor for read endpoints: open unless `LOKUS_REQUIRE_READ_TOKEN` is set.
#[derive(Debug, Clone)]
pub struct Reader(pub Caller);

/// Extractor for write endpoints: needs an editor token (or a steward's or approver's).
#[derive(Debug, Clone)]
pub struct Editor(pub Caller);

/// Extractor for publishing and rejecting datasets: needs a steward token.
#[derive(Debug, Clone)]
pub struct Steward(pub Caller);

/// Extractor for approving, adopting and withdrawing lists and managing webhooks: needs an
/// approver token.
#[derive(Debug, Clone)]
pub struct Approver(pub Caller);

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authorise(req, Role::Viewer).await.map(Reader) })
    }
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authorise(req, Role::Editor).await.map(Editor) })
    }
}

impl FromRequest for Steward {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authorise(req, Role::Steward).await.map(Steward) })
    }
}

impl FromRequest for Approver {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authorise(req, Role::Approver).await.map(Approver) })
    }
}

/// Largest page a list endpoint serves.
pub const MAX_PER_PAGE: i64 = 1000;

/// Highest page number a list endpoint accepts.
pub const MAX_PAGE: i64 = 1_000_000;

/// `page` (1-based) and `per_page` query parameters.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Page number, 1–1,000,000 (default 1); past the last page the list is empty.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<i64>,
}

/// The `meta` object of a list response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meta {
    /// Items in all pages.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

impl Paging {
    /// (page, per_page, offset), validated.
    ///
    /// # Errors
    /// 422 `invalid_paging` naming the limit.
    pub fn resolve(&self) -> Result<(i64, i64, i64), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(100);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(model::ModelError::invalid(
                "invalid_paging",
                model::sentences::RANGE
                    .with("field", "page")
                    .with("min", 1)
                    .with("max", MAX_PAGE)
                    .with("value", page),
            )
            .into());
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(model::ModelError::invalid(
                "invalid_paging",
                model::sentences::RANGE
                    .with("field", "per_page")
                    .with("min", 1)
                    .with("max", MAX_PER_PAGE)
                    .with("value", per_page),
            )
            .into());
        }
        let offset = (page - 1).checked_mul(per_page).ok_or_else(|| {
            model::ModelError::invalid(
                "invalid_paging",
                s::PAGE_PAST_END
                    .with("page", page)
                    .with("per_page", per_page)
                    .with("max", i64::MAX / per_page),
            )
        })?;
        Ok((page, per_page, offset))
    }
}

/// True for a Kemendagri district code, `NN.NN`.
pub fn is_kemendagri_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[2] == b'.' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
}

/// A comma-separated list of Kemendagri codes (`11.01,32.04`; empty: none), exactly as the
/// document's pattern states.
///
/// # Errors
/// 400 `invalid_query` naming the parameter and the first item that is not a code.
pub fn code_list(name: &str, text: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|code| {
            if is_kemendagri_code(code) {
                Ok(code.to_string())
            } else {
                Err(ApiError::bad_request(
                    "invalid_query",
                    s::NOT_A_CODE_LIST.with("field", name).with("value", code),
                ))
            }
        })
        .collect()
}

/// A strong ETag over the bytes of a body.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..32])
}

impl Rendered {
    /// Bytes with their ETag and gzip variant; hashing and compressing are CPU work, so call
    /// this off the async threads.
    pub fn new(content_type: &'static str, bytes: Vec<u8>) -> Rendered {
        let etag = etag_of(&bytes);
        let gzip = (bytes.len() >= 1024)
            .then(|| {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 4),
                    // Level 1: a third of the time of the default level for a few per cent more
                    // bytes, and a cold answer pays for it once.
                    flate2::Compression::fast(),
                );
                std::io::Write::write_all(&mut encoder, &bytes).ok()?;
                encoder.finish().ok()
            })
            .flatten()
            .map(web::Bytes::from);
        Rendered {
            gzip_etag: format!("{}-gzip\"", etag.trim_end_matches('"')),
            etag,
            body: bytes.into(),
            content_type,
            gzip,
        }
    }

    /// `value` serialised as JSON, with its ETag.
    ///
    /// # Errors
    /// 500 if serialisation fails.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Rendered, ApiError> {
        let bytes = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Rendered::new("application/json", bytes))
    }
}

/// True when the request's `Accept-Encoding` takes gzip.
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// Sends a rendered body (its gzip variant when the client takes gzip: no compression per
/// request), or 304 when the client's `If-None-Match` already has that variant.
pub fn respond(req: &HttpRequest, rendered: &Rendered) -> HttpResponse {
    let gzip = rendered.gzip.as_ref().filter(|_| accepts_gzip(req));
    let etag = if gzip.is_some() {
        &rendered.gzip_etag
    } else {
        &rendered.etag
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::VARY, "Accept-Encoding"));
    if matches {
        return response.finish();
    }
    response
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type(rendered.content_type);
    match gzip {
        Some(bytes) => response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(bytes.clone()),
        None => response.body(rendered.body.clone()),
    }
}

/// Serialises `value` as JSON off the async threads and sends it with an ETag.
///
/// # Errors
/// 500 if serialisation fails.
pub async fn json_response<T: Serialize + Send + 'static>(
    req: &HttpRequest,
    value: T,
) -> Result<HttpResponse, ApiError> {
    let rendered = web::block(move || Rendered::json(&value)).await??;
    Ok(respond(req, &rendered))
}

/// The `Link` header of a list page: `rel="next"` when more items follow, `rel="prev"` when
/// the page is not the first (clamped to the last page that has items), each keeping the
/// request's other query parameters.
pub fn link_header(req: &HttpRequest, meta: &Meta) -> Option<String> {
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or_default();
            name != "page" && name != "per_page"
        })
        .collect();
    let url = |page: i64| {
        let mut query = kept.clone();
        let paging = format!("page={page}&per_page={}", meta.per_page);
        query.push(&paging);
        format!("<{}?{}>", req.path(), query.join("&"))
    };
    let last = ((meta.total + meta.per_page - 1) / meta.per_page).max(1);
    let mut links = Vec::new();
    if meta.page < last {
        links.push(format!("{}; rel=\"next\"", url(meta.page + 1)));
    }
    if meta.page > 1 {
        links.push(format!("{}; rel=\"prev\"", url((meta.page - 1).min(last))));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// Sends one page of a list as JSON (as [`json_response`]) with its `Link` header.
///
/// # Errors
/// 500 if serialisation fails.
pub async fn list_response<T: Serialize + Send + 'static>(
    req: &HttpRequest,
    value: T,
    meta: &Meta,
) -> Result<HttpResponse, ApiError> {
    let mut response = json_response(req, value).await?;
    if let Some(link) = link_header(req, meta)
        && let Ok(value) = header::HeaderValue::from_str(&link)
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// What representation a ranking-like resource should be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// JSON (default).
    Json,
    /// CSV (`?format=csv` or `Accept: text/csv`).
    Csv,
    /// GeoJSON (`?format=geojson` or `Accept: application/geo+json`).
    GeoJson,
    /// An Excel workbook (`?format=xlsx` or `Accept:` the `.xlsx` media type).
    Xlsx,
}

impl Representation {
    /// The `format` parameter's value for this representation.
    pub fn as_str(self) -> &'static str {
        match self {
            Representation::Json => "json",
            Representation::Csv => "csv",
            Representation::GeoJson => "geojson",
            Representation::Xlsx => "xlsx",
        }
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::Json => "application/json",
            Representation::Csv => "text/csv",
            Representation::GeoJson => "application/geo+json",
            Representation::Xlsx => crate::routes::datasets::XLSX_MEDIA_TYPE,
        }
    }
}

/// The representations of a district list (shortlist, saved run).
pub const DISTRICT_LIST: &[Representation] = &[
    Representation::Json,
    Representation::Csv,
    Representation::GeoJson,
    Representation::Xlsx,
];

/// Picks the representation of a district list from `?format=` first, then the Accept header.
///
/// # Errors
/// 400 `invalid_format` for an unknown `format` value.
pub fn representation(req: &HttpRequest, format: Option<&str>) -> Result<Representation, ApiError> {
    representation_among(req, format, DISTRICT_LIST)
}

/// Picks one of `offered` (the first is the default) from `?format=` first, then the Accept
/// header.
///
/// # Errors
/// 400 `invalid_format` for a `format` value that is not offered.
pub fn representation_among(
    req: &HttpRequest,
    format: Option<&str>,
    offered: &[Representation],
) -> Result<Representation, ApiError> {
    let default = offered.first().copied().unwrap_or(Representation::Json);
    if let Some(name) = format {
        let name = name.to_lowercase();
        return offered
            .iter()
            .copied()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<String> = offered.iter().map(|r| r.as_str().to_string()).collect();
                ApiError::bad_request(
                    "invalid_format",
                    s::UNKNOWN_FORMAT
                        .with("value", name.as_str())
                        .with("formats", names),
                )
            });
    }
    let media: Vec<&str> = offered.iter().map(|r| r.media_type()).collect();
    let chosen = crate::negotiate::accept_ranges(req)
        .and_then(|ranges| crate::negotiate::choose(&ranges, &media));
    // Nothing acceptable: the middleware answered 406 before a handler ran.
    Ok(chosen
        .and_then(|m| offered.iter().copied().find(|r| r.media_type() == m))
        .unwrap_or(default))
}

/// The locale of a CSV download from `?locale=` (default `en`); other representations have one
/// form and take `en` whatever was asked, so that a workbook address built from a CSV address
/// still works.
///
/// # Errors
/// 400 `invalid_locale` for a name other than `en` or `id` (whatever the representation).
pub fn csv_locale(
    format: Representation,
    locale: Option<&str>,
) -> Result<model::csv_export::CsvLocale, ApiError> {
    use model::csv_export::CsvLocale;
    let Some(name) = locale else {
        return Ok(CsvLocale::En);
    };
    let locale = CsvLocale::parse(name).ok_or_else(|| {
        ApiError::bad_request("invalid_locale", s::UNKNOWN_LOCALE.with("value", name))
    })?;
    Ok(if format == Representation::Csv {
        locale
    } else {
        CsvLocale::En
    })
}

/// The name of a download: `{stem}.csv`, `{stem}-id.csv` for the Indonesian CSV,
/// `{stem}.xlsx`.
pub fn download_name(
    stem: &str,
    format: Representation,
    locale: model::csv_export::CsvLocale,
) -> String {
    match locale {
        model::csv_export::CsvLocale::En => format!("{stem}.{}", format.as_str()),
        model::csv_export::CsvLocale::Id => format!("{stem}-id.{}", format.as_str()),
    }
}

/// Sends a rendered body as a download named `filename` (CSV, Excel).
pub fn download(req: &HttpRequest, filename: &str, rendered: &Rendered) -> HttpResponse {
    csv_download(req, filename, rendered)
}

/// Sends rendered CSV as a download.
pub fn csv_download(req: &HttpRequest, filename: &str, rendered: &Rendered) -> HttpResponse {
    let mut response = respond(req, rendered);
    if response.status().is_success()
        && let Ok(value) =
            header::HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
