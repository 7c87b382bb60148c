//! Aliases of districts (other names tables use), and validating an upload against the
//! region reference before sending it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::alias::{Alias, AliasQuery, AliasSource, NewAlias};
use model::import::ImportRequest;
use model::import::validate::Validation;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Editor, Meta, Paging, Reader, list_response};
use crate::routes::datasets::{ImportQuery, upload_format, upload_kind};
use crate::routes::rankings::parse_json;
use crate::state::AppState;

/// `{"validation": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ValidationBody {
    /// What an upload of the same request would meet, row by row.
    pub validation: Validation,
}

/// Validate an upload without writing it: the same query and body as `POST /api/v1/datasets`.
///
/// Answers every row error an upload would meet, and for each row of a per-district table the
/// district it resolves to and how (`code`, `bps_code`, `name`, `alias`), or, for a row whose
/// name is unknown or ambiguous, the districts it may mean, best first, with a similarity score
/// (look-alikes within the row's province). Candidates are suggestions: a row stays unresolved
/// until the file is corrected or an alias is added (`POST /api/v1/aliases`). A request an
/// upload would refuse as a whole (unknown kind, no year, a missing column, an unreadable file)
/// gets the same 4xx.
#[utoipa::path(post, path = "/api/v1/datasets/validate", tag = "datasets", params(ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (String = "application/json"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The table as the raw body, exactly as for an upload"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "Validated; nothing written. `valid` is false when any row has an error", body = ValidationBody),
    (status = 400, description = "Malformed query", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Unsupported content type", body = crate::error::ErrorBody),
    (status = 422, description = "The request as a whole, as an upload would meet it: `invalid_kind`, `invalid_year`, `missing_indicator`, `invalid_rows` for a missing column or year (`details`), `unknown_sheet`, `invalid_xlsx`, `invalid_encoding`, `empty_file`, `invalid_geojson`, a limit exceeded", body = crate::error::ErrorBody)))]
pub async fn validate_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    Editor(caller): Editor,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let format = upload_format(&req)?;
    let kind = upload_kind(&query.kind)?;
    let pool = state.pool.clone();
    let limits = state.settings.import_limits;
    let mut validation = web::block(move || {
        let mut conn = pool.get()?;
        model::import::validate::validate(
            &mut conn,
            &ImportRequest {
                kind,
                year: query.year,
                source: query.source.as_deref(),
                indicator: query.indicator.as_deref(),
                format,
                content: &body,
                demo: false,
                actor: &caller.actor,
                limits,
                // A validation writes nothing, so `publish=true` in its query changes nothing.
                publish: None,
            },
            query.sheet.as_deref(),
        )
    })
    .await??;
    let lang = crate::i18n::current();
    for row in &mut validation.errors {
        row.message = crate::i18n::row_message(row, lang);
    }
    Ok(HttpResponse::Ok().json(ValidationBody { validation }))
}

/// `GET /api/v1/aliases`: one page of aliases.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AliasList {
    /// Aliases of this page, by district code, then alias.
    pub aliases: Vec<Alias>,
    /// Paging.
    pub meta: Meta,
}

/// `POST /api/v1/aliases` answers with every alias of the request as stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AliasesBody {
    /// The aliases, in request order.
    pub aliases: Vec<Alias>,
}

/// Where an alias comes from, as the wire names it.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AliasSourceName {
    /// Shipped with Lokus (`seeds/aliases.csv`).
    Seed,
    /// From a column of a regions import.
    Reference,
    /// Added by an editor.
    User,
}

/// Filters of the alias list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AliasFilter {
    /// Only the aliases of this district (Kemendagri code, e.g. `12.01`).
    pub code: Option<String>,
    /// Only aliases from this source: `seed`, `reference` or `user`.
    pub source: Option<AliasSourceName>,
}

/// One alias to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasEntry {
    /// The other name, as tables write it, e.g. `Tapteng`.
    #[schema(min_length = 1, max_length = 200, example = "Tapteng")]
    pub alias: String,
    /// Kemendagri code of the district it names.
    #[schema(pattern = r"^\d{2}\.\d{2}$", example = "12.01")]
    pub code: String,
}

/// `POST /api/v1/aliases` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasesRequest {
    /// The aliases to add (all or none).
    #[schema(min_items = 1, max_items = 1000)]
    pub aliases: Vec<AliasEntry>,
}

/// List aliases: seeded ones (`seed`), those from the region reference (`reference`) and those
/// editors added (`user`, with who and when).
#[utoipa::path(get, path = "/api/v1/aliases", tag = "regions", params(AliasFilter, Paging), responses(
    (status = 200, description = "One page of aliases by district code; `Link` names the next and previous pages", body = AliasList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_aliases(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    filter: web::Query<AliasFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let filter = filter.into_inner();
    let query = AliasQuery {
        code: filter.code,
        source: filter.source.map(|s| match s {
            AliasSourceName::Seed => AliasSource::Seed,
            AliasSourceName::Reference => AliasSource::Reference,
            AliasSourceName::User => AliasSource::User,
        }),
    };
    let pool = state.pool.clone();
    let (aliases, total) = web::block(move || {
        let mut conn = pool.get()?;
        model::alias::list(&mut conn, &query, per_page, offset)
    })
    .await??;
    let meta = Meta {
        total,
        page,
        per_page,
    };
    list_response(
        &req,
        AliasList {
            aliases,
            meta: meta.clone(),
        },
        &meta,
    )
    .await
}

/// Add aliases (all or none), each audited (`add_alias`). An alias already known for the same
/// district is left as it is. Aliases are reference data: rankings computed afterwards carry a
/// new fingerprint.
#[utoipa::path(post, path = "/api/v1/aliases", tag = "regions",
    request_body(content = AliasesRequest, description = "`{\"aliases\": [{\"alias\": \"Tapteng\", \"code\": \"12.01\"}]}`"),
    security(("bearer" = [])),
    responses(
    (status = 201, description = "Added (at least one was new)", body = AliasesBody),
    (status = 200, description = "Every alias was known already; nothing written", body = AliasesBody),
    (status = 400, description = "Malformed JSON or unknown field (`invalid_json`)", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 409, description = "`alias_conflict`: the alias already names another district (it would make a name ambiguous); nothing written", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Body is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "`unknown_region` (a code not in the reference) or `invalid_alias` (empty, too long, too many); nothing written", body = crate::error::ErrorBody)))]
pub async fn create_aliases(
    req: HttpRequest,
    state: web::Data<AppState>,
    Editor(caller): Editor,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: AliasesRequest = parse_json(&req, &body)?;
    let entries: Vec<NewAlias> = request
        .aliases
        .into_iter()
        .map(|e| NewAlias {
            alias: e.alias,
            code: e.code,
        })
        .collect();
    let pool = state.pool.clone();
    let (added, latest) = web::block(move || {
        let mut conn = pool.get()?;
        let added = model::alias::add(&mut conn, &caller.actor, &entries)?;
        let latest = model::alias::latest_id(&mut conn)?;
        Ok::<_, model::ModelError>((added, latest))
    })
    .await??;
    if added.created > 0 {
        // Answers cached before the alias carry the old fingerprint: a new version drops them,
        // and the default lists are recomputed in the background, as after an import.
        state
            .alias_version
            .fetch_max(i64::from(latest), std::sync::atomic::Ordering::AcqRel);
        let st = state.clone();
        actix_web::rt::spawn(async move {
            let _ = web::block(move || crate::routes::rankings::warm(&st)).await;
        });
    }
    let mut response = if added.created > 0 {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AliasesBody {
            aliases: added.aliases,
        }))
}
