//! The official lists other systems read: every adoption, the list in force for a programme
//! and year, and one district's history across adopted lists. Each answer is read from the
//! adoptions and the adopted runs' stored bodies, so it changes only when an adoption does.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use model::adoption::{Adoption, OfficialList, RegionAdoption, region_history};
use model::csv_export::{CsvLocale, official_csv};
use model::region::Region;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::export::{Provenance, official_workbook};
use crate::extract::{
    Reader, Representation, csv_locale, download, download_name, json_response,
    representation_among, respond,
};
use crate::state::{AppState, Rendered};

/// `GET /api/v1/lokus`: every adoption.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LokusList {
    /// Every adoption (in force, superseded or withdrawn), newest year first, then by
    /// programme, newest first.
    pub lokus: Vec<Adoption>,
}

/// `{"lokus": {...}}`: the list in force.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LokusBody {
    /// The decision and its districts.
    pub lokus: OfficialList,
}

/// `GET /api/v1/regions/{code}/lokus`: one district across adopted lists.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegionLokus {
    /// Kemendagri code of the district.
    pub code: String,
    /// Every adoption, newest year first, with the district's place in it.
    pub lokus: Vec<RegionAdoption>,
}

/// `?format=json|csv|xlsx&locale=en|id` of an adopted list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LokusFormatQuery {
    /// Representation (default `json`); also chosen by `Accept: text/csv` or the `.xlsx` media
    /// type.
    #[param(value_type = Option<LokusFormatName>)]
    pub format: Option<String>,
    /// Locale of a CSV download: `en` (default) or `id` (for Excel set to Indonesian); other
    /// representations ignore it. See the `CsvLocale` schema.
    #[param(value_type = Option<CsvLocale>)]
    pub locale: Option<String>,
}

/// The representations of an adopted list.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LokusFormatName {
    /// JSON (the default).
    Json,
    /// CSV, one row per district, the decision on every row.
    Csv,
    /// An Excel workbook: the districts, then the decision with the run's scenario and datasets.
    Xlsx,
}

/// Every adoption: programme, year, run, title, decision number and date, status.
#[utoipa::path(get, path = "/api/v1/lokus", tag = "lokus", responses(
    (status = 200, description = "Every adoption, newest year first", body = LokusList)))]
pub async fn list_lokus(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let lokus = web::block(move || Adoption::list(&mut *pool.get()?)).await??;
    json_response(&req, LokusList { lokus }).await
}

/// The list in force for a programme and year: the decision and its districts.
#[utoipa::path(get, path = "/api/v1/lokus/{programme}/{year}", tag = "lokus",
    params(
        ("programme" = String, Path, description = "Programme, e.g. `digital-stunting`"),
        ("year" = i32, Path, description = "Year of the list", minimum = 2000, maximum = 2100),
        LokusFormatQuery),
    responses(
    (status = 200, description = "The adopted list as JSON, CSV or an Excel workbook; a strong `ETag` that changes only with an adoption, and `Link` to the adopted run",
        headers(("ETag" = String, description = "Strong validator of these bytes"), ("Link" = String, description = "`<…/api/v1/rankings/{id}>; rel=\"related\"`: the adopted run")),
        content((LokusBody = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    (status = 304, description = "Not modified (`If-None-Match` holds the current ETag)"),
    (status = 400, description = "Malformed year, unknown `format` or unknown `locale` (`invalid_locale`)", body = crate::error::ErrorBody),
    (status = 404, description = "Nothing adopted for this programme and year (`no_adopted_list`)", body = crate::error::ErrorBody)))]
pub async fn find_lokus(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    path: web::Path<(String, i32)>,
    query: web::Query<LokusFormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let (programme, year) = path.into_inner();
    let format = representation_among(
        &req,
        query.format.as_deref(),
        &[
            Representation::Json,
            Representation::Csv,
            Representation::Xlsx,
        ],
    )?;
    let locale = csv_locale(format, query.locale.as_deref())?;
    let pool = state.pool.clone();
    let (rendered, run_id) = web::block(move || -> Result<(Rendered, i32), ApiError> {
        let mut conn = pool.get()?;
        let list = OfficialList::in_force(&mut conn, &programme, year)?.ok_or_else(|| {
            ApiError::Missing {
                code: "no_adopted_list",
                message: crate::sentences::NO_ADOPTED_LIST
                    .with("programme", programme.as_str())
                    .with("year", year),
            }
        })?;
        let run_id = list.adoption.run_id;
        let rendered = match format {
            Representation::Csv => Rendered::new(
                "text/csv; charset=utf-8",
                official_csv(&list, locale).into_bytes(),
            ),
            Representation::Xlsx => {
                let run = model::run::RankingRun::find(&mut conn, run_id)?;
                official_xlsx(&list, &run)?
            }
            _ => Rendered::json(&LokusBody { lokus: list })?,
        };
        Ok((rendered, run_id))
    })
    .await??;
    let mut response = match format {
        Representation::Json => respond(&req, &rendered),
        _ => {
            let (programme, year) = req.match_info().load::<(String, i32)>().unwrap_or_default();
            let name = download_name(&format!("lokus-{programme}-{year}"), format, locale);
            download(&req, &name, &rendered)
        }
    };
    if let Ok(link) = header::HeaderValue::from_str(&format!(
        "<{}/api/v1/rankings/{run_id}>; rel=\"related\"",
        state.settings.base_path
    )) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// The workbook of an adopted list: its districts, then the decision and the run it rests on.
fn official_xlsx(list: &OfficialList, run: &model::run::RankingRun) -> Result<Rendered, ApiError> {
    let internal = |e: serde_json::Error| ApiError::Internal(e.to_string());
    let rows = list
        .districts
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    let body: serde_json::Value = serde_json::from_str(&run.body).map_err(internal)?;
    let a = &list.adoption;
    let provenance = Provenance {
        title: format!("lokus {} {}", a.programme, a.year),
        facts: vec![
            ("programme".into(), a.programme.clone().into()),
            ("year".into(), a.year.into()),
            ("decision_number".into(), a.decision_number.clone().into()),
            ("decision_date".into(), a.decision_date.clone().into()),
            ("signatories".into(), a.signatories.join("; ").into()),
            ("adopted_at".into(), a.adopted_at.clone().into()),
            ("adopted_by".into(), a.adopted_by.clone().into()),
            ("run_id".into(), a.run_id.into()),
            ("title".into(), a.title.clone().unwrap_or_default().into()),
        ],
        fingerprint: list.fingerprint.clone(),
        demo: false,
        params: body["params"].clone(),
        datasets: body["datasets"].clone(),
    };
    Ok(Rendered::new(
        crate::routes::datasets::XLSX_MEDIA_TYPE,
        official_workbook(&rows, &provenance)?,
    ))
}

/// One district across every adopted list: whether it was on each, at what rank, on what
/// grounds.
#[utoipa::path(get, path = "/api/v1/regions/{code}/lokus", tag = "lokus",
    params(("code" = String, Path, description = "Kemendagri code", pattern = r"^\d{2}\.\d{2}$")),
    responses(
    (status = 200, description = "The district's place in every adoption, newest year first", body = RegionLokus),
    (status = 404, description = "No such district", body = crate::error::ErrorBody)))]
pub async fn find_region_lokus(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let pool = state.pool.clone();
    let body = web::block(move || -> Result<RegionLokus, ApiError> {
        let mut conn = pool.get()?;
        Region::find(&mut conn, &code)?;
        let lokus = region_history(&mut conn, &code)?;
        Ok(RegionLokus { code, lokus })
    })
    .await??;
    json_response(&req, body).await
}

/// Who the caller is, as the page needs it to show only the steps its role may take.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The token's label, or `anonymous` without a token.
    pub label: String,
    /// `viewer`, `editor`, `steward` or `approver`; null without a token.
    #[schema(value_type = Option<String>)]
    pub role: Option<&'static str>,
}

/// `{"me": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeBody {
    /// The caller.
    pub me: Me,
}

/// The caller's token label and role (so a client can offer only the steps it may take).
#[utoipa::path(get, path = "/api/v1/me", tag = "lokus", responses(
    (status = 200, description = "The caller's label and role (`anonymous` and null without a token)", body = MeBody)))]
pub async fn find_me(req: HttpRequest, Reader(caller): Reader) -> Result<HttpResponse, ApiError> {
    json_response(
        &req,
        MeBody {
            me: Me {
                label: caller.actor.name,
                role: caller.role.map(model::token::Role::as_str),
            },
        },
    )
    .await
}
