//! Validating an upload without writing it: every check an import makes, and for each row the
//! district it resolves to, how, or the candidates it may mean.

use serde::Serialize;

use super::{
    ImportRequest, check_boundaries, check_observations, check_regions, column_for_field,
    dataset_year, normalised_indicator, read_upload,
};
use crate::db::DbConnection;
use crate::error::{ModelError, Result, RowError};
use crate::region::{Candidate, MatchedBy, Region, RegionIndex, RegionQuery, ResolveError};

/// What a row says about its district, as written.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ResolutionInput {
    /// Kemendagri code (or, without one, the BPS code), if the row has one.
    pub code: Option<String>,
    /// Name, if the row has one.
    pub name: Option<String>,
    /// Province name or code, if the row has one.
    pub province: Option<String>,
}

/// How one row was tied to a district, or the districts it may mean.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Resolution {
    /// Line (CSV), item (JSON or GeoJSON feature) or Excel row number, as in row errors.
    pub line: usize,
    /// What the row says.
    pub input: ResolutionInput,
    /// The district's Kemendagri code; null when unresolved or ambiguous.
    #[schema(pattern = r"^\d{2}\.\d{2}$", example = "12.01")]
    pub code: Option<String>,
    /// How it was matched; null when unresolved or ambiguous.
    pub matched_by: Option<MatchedBy>,
    /// For an unresolved or ambiguous row: the districts it may mean, best first (empty when
    /// resolved). Suggestions only: the row stays unresolved until an alias is added or the
    /// file is corrected.
    pub candidates: Vec<Candidate>,
}

impl Resolution {
    /// The resolution of one row from what the resolver said.
    pub fn of(
        line: usize,
        query: &RegionQuery<'_>,
        resolved: &std::result::Result<(&Region, MatchedBy), ResolveError>,
    ) -> Resolution {
        let (code, matched_by, candidates) = match resolved {
            Ok((r, m)) => (Some(r.code.clone()), Some(*m), Vec::new()),
            Err(e) => (None, None, e.suggestions.clone()),
        };
        Resolution {
            line,
            input: ResolutionInput {
                code: query.code.or(query.bps_code).map(str::to_string),
                name: query.name.map(str::to_string),
                province: query.province.map(str::to_string),
            },
            code,
            matched_by,
            candidates,
        }
    }
}

/// The outcome of a validation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Validation {
    /// True when an upload of the same request would be accepted.
    pub valid: bool,
    /// Data rows (features for boundaries) read.
    pub rows: usize,
    /// One per data row of a per-district table (per feature of a boundary layer; none for
    /// the region reference, whose rows define districts), in file order.
    pub resolutions: Vec<Resolution>,
    /// Every row error, exactly as an upload would report them.
    pub errors: Vec<RowError>,
}

/// Runs every check of [`super::import_with_sheet`] on the upload and resolves each row's
/// district, writing nothing.
///
/// # Errors
/// What an import of the same request answers for the request as a whole (a bad kind or year,
/// a missing indicator, an unreadable file, a missing column or year: `Invalid` or
/// `InvalidRows`); problems in rows are in the [`Validation`] instead.
pub fn validate(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    sheet: Option<&str>,
) -> Result<Validation> {
    let indicator = normalised_indicator(req);
    let req = &ImportRequest {
        indicator: indicator.as_deref(),
        ..req.clone()
    };
    let (table, _) = read_upload(req, sheet)?;
    let Some(table) = table else {
        return validate_boundaries(conn, req);
    };
    let located = |rows: Vec<RowError>| table.locate(rows, column_for_field);
    let header_problem = |rows: &[RowError]| rows.iter().any(|e| e.line == table.header_line);
    let (resolutions, errors) = match req.kind {
        crate::dataset::DatasetKind::Regions => match check_regions(conn, req, &table) {
            Ok(_) => (Vec::new(), Vec::new()),
            Err(ModelError::InvalidRows(rows)) if !header_problem(&rows) => (Vec::new(), rows),
            Err(ModelError::InvalidRows(rows)) => {
                return Err(ModelError::InvalidRows(located(rows)));
            }
            Err(e) => return Err(e),
        },
        _ => {
            let index = RegionIndex::load(conn)?;
            let mut errors = Vec::new();
            dataset_year(req, &table, &mut errors);
            match check_observations(&index, req, &table, errors) {
                Ok(checked) => (checked.resolutions, checked.errors),
                Err(ModelError::InvalidRows(rows)) => {
                    return Err(ModelError::InvalidRows(located(rows)));
                }
                Err(e) => return Err(e),
            }
        }
    };
    let errors = located(errors);
    Ok(Validation {
        valid: errors.is_empty(),
        rows: table.rows.len(),
        resolutions,
        errors,
    })
}

fn validate_boundaries(conn: &mut DbConnection, req: &ImportRequest<'_>) -> Result<Validation> {
    let errors = match check_boundaries(conn, req) {
        Ok(_) => Vec::new(),
        Err(ModelError::InvalidRows(rows)) => rows,
        Err(e) => return Err(e),
    };
    // The features again, to say which code each one names.
    let text = std::str::from_utf8(req.content).unwrap_or_default();
    let value = super::table::parse_json_value(text)?;
    let features = value
        .get("features")
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    let index = RegionIndex::load(conn)?;
    let resolutions = features
        .iter()
        .enumerate()
        .map(|(i, feature)| {
            let code = feature
                .get("properties")
                .and_then(|p| {
                    p.get("kemendagri_code")
                        .or_else(|| p.get("code"))
                        .or_else(|| p.get("kode"))
                })
                .and_then(|c| c.as_str());
            let known = code.and_then(|c| index.by_code(c));
            Resolution {
                line: i + 1,
                input: ResolutionInput {
                    code: code.map(str::to_string),
                    name: None,
                    province: None,
                },
                code: known.map(|r| r.code.clone()),
                matched_by: known.map(|_| MatchedBy::Code),
                candidates: Vec::new(),
            }
        })
        .collect();
    Ok(Validation {
        valid: errors.is_empty(),
        rows: features.len(),
        resolutions,
        errors,
    })
}
