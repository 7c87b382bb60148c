//! Dataset imports and listings.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::dataset::{Dataset, DatasetKind, DatasetStatus, PublishOptions};
use model::import::{Format, ImportRequest, import_prepared, prepare_import};
use model::review::DatasetReview;
use model::token::Role;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Editor, Meta, Paging, Reader, Steward, json_response, list_response};
use crate::state::AppState;

/// The kinds of dataset, as the wire names them.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKindName {
    /// The region reference (Kemendagri and BPS codes, names).
    Regions,
    /// Stunting prevalence, %.
    Stunting,
    /// Indeks SPBE, 1.0–5.0.
    Spbe,
    /// Another indicator per district (needs `indicator`).
    Covariate,
    /// A population count per district (`under5` by default).
    Population,
    /// District boundaries (GeoJSON).
    Boundaries,
}

/// A single dataset: `{"dataset": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DatasetBody {
    /// The dataset.
    pub dataset: Dataset,
}

/// `GET /api/v1/datasets`: one page of datasets, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DatasetList {
    /// Datasets of this page.
    pub datasets: Vec<Dataset>,
    /// Paging.
    pub meta: Meta,
}

/// Query parameters of an upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// `regions`, `stunting`, `spbe`, `covariate`, `population` or `boundaries`.
    #[param(value_type = DatasetKindName)]
    pub kind: String,
    /// Year of the data (or a `year` column in the file).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Where the data came from.
    pub source: Option<String>,
    /// Indicator name: required for `covariate`; for `population` `under5` (children under
    /// five) unless given, e.g. `total`.
    pub indicator: Option<String>,
    /// For an Excel workbook: the sheet to read (default: the first). An unknown name is 422
    /// `unknown_sheet`, naming the sheets that exist.
    pub sheet: Option<String>,
    /// `true`: publish in the same call (automation). Needs a steward token (403 otherwise)
    /// and `LOKUS_FOUR_EYES=false`: under four eyes the upload is the caller's own, which it
    /// may not publish (409 `four_eyes`). Refused before anything is written.
    pub publish: Option<bool>,
    /// With `publish=true`: publish even though the file covers fewer districts than the live
    /// dataset it replaces (else 409 `partial_coverage`, nothing written).
    pub acknowledge_partial: Option<bool>,
}

/// `GET /api/v1/datasets` filter.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DatasetFilter {
    /// Only datasets with this status: `staged`, `published`, `rejected` or `superseded`.
    #[param(value_type = Option<DatasetStatus>)]
    pub status: Option<DatasetStatus>,
}

/// Body of `POST /api/v1/datasets/{id}/publish` (optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// Publish even though the dataset covers fewer districts than the live one it replaces.
    #[serde(default)]
    pub acknowledge_partial: bool,
}

/// Body of `POST /api/v1/datasets/{id}/reject`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Why the dataset is turned down (kept with it and in the audit log).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// `GET /api/v1/datasets/{id}/review`: `{"review": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewBody {
    /// The review.
    pub review: DatasetReview,
}

/// A JSON upload as the document describes it: an array of objects, one per row, keyed as the
/// CSV header is; for `boundaries` a GeoJSON FeatureCollection. (Never read by the server as
/// this type: the import reads the body itself.)
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum JsonUpload {
    /// One object per row, e.g. `[{"code": "11.01", "value": 30.5}]`.
    Rows(Vec<std::collections::BTreeMap<String, serde_json::Value>>),
    /// District boundaries.
    Boundaries(GeoJsonUpload),
}

/// A GeoJSON FeatureCollection of district boundaries (`properties.code` names the district).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeoJsonUpload {
    /// Always `FeatureCollection`.
    pub r#type: GeoJsonCollection,
    /// The features, each with `properties.code` and a Polygon or MultiPolygon geometry.
    #[schema(value_type = Vec<Object>)]
    pub features: Vec<serde_json::Value>,
}

/// The one GeoJSON type a boundary upload is.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub enum GeoJsonCollection {
    /// A collection of features.
    FeatureCollection,
}

/// The kind of an upload, written exactly as the wire names it (lower case, no spaces), as the
/// document states: 422 `invalid_kind` otherwise.
pub(crate) fn upload_kind(text: &str) -> Result<DatasetKind, ApiError> {
    let kind = DatasetKind::parse(text)?;
    if kind.as_str() != text {
        return Err(model::ModelError::invalid(
            "invalid_kind",
            crate::sentences::KIND_SPELLING
                .with("value", text)
                .with("kind", kind.as_str()),
        )
        .into());
    }
    Ok(kind)
}

/// The media type of an Excel `.xlsx` workbook.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) fn upload_format(req: &HttpRequest) -> Result<Option<Format>, ApiError> {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return Ok(None);
    };
    let mime = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    match mime.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Ok(Some(Format::Csv)),
        "application/json" | "application/geo+json" => Ok(Some(Format::Json)),
        XLSX_MEDIA_TYPE => Ok(Some(Format::Xlsx)),
        "application/octet-stream" | "" => Ok(None),
        other => Err(ApiError::UnsupportedMediaType(
            crate::sentences::UPLOAD_CONTENT_TYPE
                .with("content_type", other)
                .with("xlsx", XLSX_MEDIA_TYPE),
        )),
    }
}

/// Import a table (CSV, JSON or Excel body); all rows valid or nothing is written.
///
/// The new dataset is `staged`: it feeds no computation, cache or default list until a
/// steward publishes it (`POST /api/v1/datasets/{id}/publish`), unless `publish=true`.
///
/// Kinds: `regions`, `stunting`, `spbe`, `covariate` (needs `indicator`), `population`
/// (whole counts ≥ 0 per district; `indicator` `under5` by default) and `boundaries`
/// (GeoJSON). An `.xlsx` body (recognised by its bytes or its Content-Type) is read from its
/// first sheet or `sheet`; the header may sit below a title row; row errors then carry the
/// `cell` as Excel shows it (`Sheet1!C14`).
#[utoipa::path(post, path = "/api/v1/datasets", tag = "datasets", params(ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (JsonUpload = "application/json"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        description = "The table as the raw body: CSV (comma or semicolon separated), a JSON array of objects (GeoJSON for boundaries) or an Excel workbook (.xlsx)"),
    security(("bearer" = [])),
    responses(
    (status = 201, description = "Imported", body = DatasetBody),
    (status = 200, description = "Identical content was imported before (and not rejected); nothing written", body = DatasetBody),
    (status = 400, description = "Malformed query", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor, or `publish=true` without a steward token", body = crate::error::ErrorBody),
    (status = 409, description = "`publish=true` refused, nothing written: `four_eyes` (the uploader may not publish its own upload while LOKUS_FOUR_EYES is on) or `partial_coverage` (fewer districts than the live dataset; `coverage` holds both counts)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Unsupported content type", body = crate::error::ErrorBody),
    (status = 422, description = "`invalid_rows` with every bad line in `details` (`line`, `field`, `column`, `message`, and `cell` for workbooks); `unknown_sheet`; `invalid_xlsx`; `empty_file`; a limit exceeded: `too_many_rows`, `too_many_columns`, `field_too_long`, `name_too_long`, `xlsx_unzipped_too_large`, `too_many_shared_strings`, `xlsx_too_complex`", body = crate::error::ErrorBody),
    (status = 503, description = "`database_unavailable` (with `Retry-After`) or `database_read_only`: nothing was written and the data served before stays served", body = crate::error::ErrorBody),
    (status = 507, description = "`insufficient_storage`: the database has no space for the write; nothing was written and the data served before stays served", body = crate::error::ErrorBody)))]
pub async fn create_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    Editor(caller): Editor,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let format = upload_format(&req)?;
    let kind = upload_kind(&query.kind)?;
    let publish = match query.publish {
        Some(true) => Some(publish_in_upload(
            &state,
            &caller,
            query.acknowledge_partial,
        )?),
        _ => None,
    };
    let pool = state.pool.clone();
    let imports = state.imports.clone();
    let limits = state.settings.import_limits;
    let outcome = web::block(move || {
        let request = ImportRequest {
            kind,
            year: query.year,
            source: query.source.as_deref(),
            indicator: query.indicator.as_deref(),
            format,
            content: &body,
            demo: false,
            actor: &caller.actor,
            limits,
            publish,
        };
        // The file is read and checked before the lock and a connection are taken: a hostile
        // upload holds neither while it is refused.
        let prepared = prepare_import(&request, query.sheet.as_deref())?;
        let _one_at_a_time = imports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut conn = pool.get()?;
        import_prepared(&mut conn, &request, prepared)
    })
    .await?;
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            state.metrics.observe_import(kind.as_str(), "rejected");
            return Err(e.into());
        }
    };
    let dataset = outcome.dataset;
    went_live(&state, &dataset);
    state.metrics.observe_import(
        kind.as_str(),
        if outcome.created {
            "created"
        } else {
            "unchanged"
        },
    );
    let mut response = if outcome.created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((
            header::LOCATION,
            format!(
                "{}/api/v1/datasets/{}",
                state.settings.base_path, dataset.id
            ),
        ))
        .json(DatasetBody { dataset }))
}

/// List datasets, newest first; `status` filters by lifecycle status.
#[utoipa::path(get, path = "/api/v1/datasets", tag = "datasets", params(Paging, DatasetFilter), responses(
    (status = 200, description = "One page of datasets, newest first; `Link` names the next and previous pages", body = DatasetList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 400, description = "Malformed paging", body = crate::error::ErrorBody),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_datasets(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    paging: web::Query<Paging>,
    filter: web::Query<DatasetFilter>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let pool = state.pool.clone();
    let status = filter.status;
    let all = web::block(move || {
        let mut conn = pool.get()?;
        Dataset::list_by_status(&mut conn, status)
    })
    .await??;
    let meta = Meta {
        total: all.len() as i64,
        page,
        per_page,
    };
    let datasets: Vec<Dataset> = all
        .into_iter()
        .skip(offset as usize)
        .take(per_page as usize)
        .collect();
    list_response(
        &req,
        DatasetList {
            datasets,
            meta: meta.clone(),
        },
        &meta,
    )
    .await
}

/// One dataset.
#[utoipa::path(get, path = "/api/v1/datasets/{id}", tag = "datasets",
    params(("id" = i32, Path, description = "Dataset id", minimum = 1)),
    responses(
    (status = 200, description = "The dataset", body = DatasetBody),
    (status = 400, description = "The id is not a number", body = crate::error::ErrorBody),
    (status = 404, description = "No such dataset", body = crate::error::ErrorBody)))]
pub async fn find_dataset(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let pool = state.pool.clone();
    let dataset = web::block(move || {
        let mut conn = pool.get()?;
        Dataset::find(&mut conn, id)
    })
    .await??;
    json_response(&req, DatasetBody { dataset }).await
}

/// What `publish=true` on an upload asks for, refused before anything is written when the
/// caller may not publish (403) or would publish its own upload under four eyes (409).
fn publish_in_upload(
    state: &AppState,
    caller: &crate::extract::Caller,
    acknowledge_partial: Option<bool>,
) -> Result<PublishOptions, ApiError> {
    if !caller.may(Role::Steward) {
        return Err(ApiError::Forbidden(
            (&crate::sentences::PUBLISH_NEEDS_STEWARD).into(),
        ));
    }
    if state.settings.four_eyes {
        return Err(model::ModelError::conflict(
            "four_eyes",
            &crate::sentences::PUBLISH_OWN_UPLOAD,
        )
        .into());
    }
    Ok(PublishOptions {
        acknowledge_partial: acknowledge_partial.unwrap_or(false),
        four_eyes: false,
    })
}

/// After a dataset went live: readers of this process see the new data version at once, and
/// the default lists are recomputed in the background so that no reader waits for them.
fn went_live(state: &web::Data<AppState>, dataset: &Dataset) {
    let Some(version) = dataset
        .data_version
        .filter(|_| dataset.status() == DatasetStatus::Published)
    else {
        return;
    };
    if state
        .version
        .fetch_max(i64::from(version), std::sync::atomic::Ordering::AcqRel)
        >= i64::from(version)
    {
        return;
    }
    let st = state.clone();
    actix_web::rt::spawn(async move {
        let _ = web::block(move || crate::routes::rankings::warm(&st)).await;
    });
}

/// Review a staged dataset before publishing: what publishing would change, computed without
/// publishing.
///
/// Compares it with the live dataset of the same kind, year and indicator (or of the latest
/// earlier year): coverage of the region reference with the missing districts, districts
/// added and removed, changed values (count and the ten largest with both values),
/// distributions (min, quartiles, median, max, mean) staged against live, outliers (robust
/// z-score 0.6745·(x − median)/MAD above 3.5 within the province, or for stunting a jump of
/// more than 10 points against the previous year) and the default shortlist before and
/// after (who enters and leaves, both fingerprints).
#[utoipa::path(get, path = "/api/v1/datasets/{id}/review", tag = "datasets",
    params(("id" = i32, Path, description = "Dataset id", minimum = 1)),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "The review", body = ReviewBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 404, description = "No such dataset", body = crate::error::ErrorBody),
    (status = 409, description = "`not_staged`: the dataset is published, rejected or superseded", body = crate::error::ErrorBody)))]
pub async fn review_dataset(
    state: web::Data<AppState>,
    _editor: Editor,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let pool = state.pool.clone();
    // The blocking thread has no request scope: the language goes along.
    let lang = crate::i18n::current();
    let review = web::block(move || {
        let mut conn = pool.get()?;
        model::review::review(&mut conn, id, lang)
    })
    .await??;
    Ok(HttpResponse::Ok().json(ReviewBody { review }))
}

/// Publish a staged dataset (steward): it goes live atomically (the data version moves, caches
/// follow, the older publication of the same kind, year and indicator becomes `superseded`,
/// an audit row records it).
#[utoipa::path(post, path = "/api/v1/datasets/{id}/publish", tag = "datasets",
    params(("id" = i32, Path, description = "Dataset id", minimum = 1)),
    request_body(content = PublishBody, description = "Optional; `{\"acknowledge_partial\": true}` to publish a dataset covering fewer districts than the live one"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "Published", body = DatasetBody),
    (status = 400, description = "The body is not valid JSON of this shape (`invalid_json`)", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not a steward", body = crate::error::ErrorBody),
    (status = 404, description = "No such dataset", body = crate::error::ErrorBody),
    (status = 409, description = "`four_eyes` (the caller uploaded it), `not_staged`, or `partial_coverage` (fewer districts than the live dataset; `coverage` holds both counts)", body = crate::error::ErrorBody)))]
pub async fn publish_dataset(
    state: web::Data<AppState>,
    Steward(caller): Steward,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let body: PublishBody = if body.iter().all(u8::is_ascii_whitespace) {
        PublishBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| crate::error::invalid_json(&e))?
    };
    let options = PublishOptions {
        acknowledge_partial: body.acknowledge_partial,
        four_eyes: state.settings.four_eyes,
    };
    let pool = state.pool.clone();
    let imports = state.imports.clone();
    let dataset = web::block(move || {
        let _one_at_a_time = imports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut conn = pool.get()?;
        model::db::with_write_lock(&mut conn, |conn| {
            Dataset::publish(conn, id, &caller.actor, options)
        })
    })
    .await??;
    went_live(&state, &dataset);
    Ok(HttpResponse::Ok().json(DatasetBody { dataset }))
}

/// Reject a staged dataset (steward) with a reason; it never feeds anything.
#[utoipa::path(post, path = "/api/v1/datasets/{id}/reject", tag = "datasets",
    params(("id" = i32, Path, description = "Dataset id", minimum = 1)),
    request_body(content = RejectBody),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "Rejected", body = DatasetBody),
    (status = 400, description = "The body is not valid JSON of this shape (`invalid_json`)", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not a steward", body = crate::error::ErrorBody),
    (status = 404, description = "No such dataset", body = crate::error::ErrorBody),
    (status = 409, description = "`not_staged`: published, rejected or superseded already", body = crate::error::ErrorBody),
    (status = 415, description = "The body is not JSON", body = crate::error::ErrorBody),
    (status = 422, description = "`invalid_reason`: empty (blank) or longer than 2,000 characters", body = crate::error::ErrorBody)))]
pub async fn reject_dataset(
    state: web::Data<AppState>,
    Steward(caller): Steward,
    id: web::Path<i32>,
    body: web::Json<RejectBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let pool = state.pool.clone();
    let dataset = web::block(move || {
        let mut conn = pool.get()?;
        model::db::with_write_lock(&mut conn, |conn| {
            Dataset::reject(conn, id, &caller.actor, &reason)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(DatasetBody { dataset }))
}
