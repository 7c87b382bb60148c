//! Blank import templates: the canonical header row of each kind, as CSV or Excel.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use model::ModelError;
use model::dataset::DatasetKind;
use model::import::template_headers;

use crate::error::ApiError;
use crate::extract::Reader;
use crate::routes::datasets::XLSX_MEDIA_TYPE;

/// The kinds that have a blank template (boundaries are GeoJSON and have none).
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// The region reference.
    Regions,
    /// Stunting prevalence.
    Stunting,
    /// Indeks SPBE.
    Spbe,
    /// Another indicator.
    Covariate,
    /// A population count.
    Population,
}

/// The header row of `kind`'s template; 404 for an unknown kind or one without a table
/// template (boundaries are GeoJSON).
fn headers_of(kind: &str) -> Result<(DatasetKind, &'static [&'static str]), ApiError> {
    let not_found = || {
        ApiError::Model(ModelError::NotFound {
            entity: &model::sentences::TEMPLATE,
            id: model::sentences::TEMPLATE_KINDS.with("kind", kind).into(),
        })
    };
    let kind = DatasetKind::parse(kind).map_err(|_| not_found())?;
    let headers = template_headers(kind).ok_or_else(not_found)?;
    Ok((kind, headers))
}

fn download(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// A workbook with one sheet named after the kind holding the header row (bold).
fn xlsx_template(
    kind: DatasetKind,
    headers: &[&str],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(kind.as_str())?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, name) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, *name, &bold)?;
        sheet.set_column_width(col, 18)?;
    }
    book.save_to_buffer()
}

/// A blank CSV template: the canonical header row of the kind.
///
/// Importing it unchanged is 422 `empty_file` (the header is recognised; there are no rows).
#[utoipa::path(get, path = "/api/v1/templates/{kind}.csv", tag = "datasets",
    params(("kind" = TemplateKind, Path, description = "`regions`, `stunting`, `spbe`, `covariate` or `population`")),
    responses(
    (status = 200, description = "The header row, e.g. `code,name,province,value`", content_type = "text/csv"),
    (status = 404, description = "No template for this kind", body = crate::error::ErrorBody)))]
pub async fn csv_template(
    _reader: Reader,
    kind: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (kind, headers) = headers_of(&kind)?;
    let body = format!("{}\n", headers.join(",")).into_bytes();
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("lokus-{}.csv", kind.as_str()),
        body,
    ))
}

/// A blank Excel template: one sheet named after the kind with the canonical header row.
#[utoipa::path(get, path = "/api/v1/templates/{kind}.xlsx", tag = "datasets",
    params(("kind" = TemplateKind, Path, description = "`regions`, `stunting`, `spbe`, `covariate` or `population`")),
    responses(
    (status = 200, description = "An .xlsx workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, description = "No template for this kind", body = crate::error::ErrorBody)))]
pub async fn xlsx_template_file(
    _reader: Reader,
    kind: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (kind, headers) = headers_of(&kind)?;
    let body = xlsx_template(kind, headers).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(download(
        XLSX_MEDIA_TYPE,
        &format!("lokus-{}.xlsx", kind.as_str()),
        body,
    ))
}
