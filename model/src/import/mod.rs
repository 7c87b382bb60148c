//! All-or-nothing imports of region, stunting, SPBE, covariate, population and boundary tables.
//!
//! CSV, JSON and Excel (`.xlsx`) uploads are all read into one [`Table`] first, so every
//! header rule, check and row error is shared by the three formats.

pub mod shape;
pub mod table;
pub mod validate;
pub mod xlsx;

use std::collections::HashMap;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::dataset::{
    Dataset, DatasetKind, DatasetStatus, NewDataset, NewObservation, PublishOptions,
};
use crate::db::DbConnection;
use crate::db::schema::{
    boundaries, dataset_payloads, datasets, observations, provinces, region_aliases, regions,
};
use crate::error::{ModelError, Result, RowError};
use crate::message::Message;
use crate::region::{Province, Region, RegionIndex, RegionKind, RegionQuery};
use crate::sentences as s;
use crate::spbe::Predicate;
pub use table::{Format, Limits, SheetOrigin, Table, parse_count, parse_number};

/// Column names accepted for each field (English and Indonesian, lower-case).
mod columns {
    pub const CODE: &[&str] = &[
        "code",
        "kode",
        "kemendagri_code",
        "kode_kemendagri",
        "kode_wilayah",
    ];
    pub const BPS_CODE: &[&str] = &["bps_code", "kode_bps"];
    pub const NAME: &[&str] = &["name", "nama", "nama_wilayah", "district", "kabupaten_kota"];
    pub const PROVINCE: &[&str] = &["province", "provinsi", "province_name", "nama_provinsi"];
    pub const KIND: &[&str] = &["kind", "jenis", "type", "tipe"];
    pub const YEAR: &[&str] = &["year", "tahun"];
    pub const PREVALENCE: &[&str] = &[
        "prevalence",
        "prevalensi",
        "stunting",
        "stunting_prevalence",
        "stunting_prevalence_pct",
        "stunting_prevalence_as_published",
    ];
    pub const SE: &[&str] = &["se", "standard_error", "galat_baku"];
    pub const N: &[&str] = &["n", "sample_size", "jumlah_sampel"];
    pub const METHOD: &[&str] = &["method", "metode"];
    pub const INDEX: &[&str] = &["index", "indeks", "spbe", "indeks_spbe", "spbe_index"];
    pub const PREDICATE: &[&str] = &["predicate", "predikat"];
    pub const VALUE: &[&str] = &["value", "nilai"];
    pub const POPULATION: &[&str] = &[
        "value",
        "nilai",
        "population",
        "populasi",
        "jumlah",
        "under5",
        "under_5",
        "balita",
        "jumlah_balita",
    ];
    pub const PROVINCE_CODE: &[&str] =
        &["province_kemendagri_code", "province_code", "kode_provinsi"];
    pub const PROVINCE_BPS: &[&str] = &["province_bps_code", "kode_bps_provinsi"];
    pub const ALIASES: &[&str] = &["aliases", "alias", "former_names"];
    pub const ALIAS_SOURCES: &[&str] = &["bps_name", "bps_bridging_dagri_name", "name_2025"];
    pub const CODE_2025: &[&str] = &["kemendagri_code_2025", "code_2025"];
    pub const NAME_2025: &[&str] = &["name_2025"];

    /// The accepted names of the column a row error's field refers to.
    pub fn for_field(field: &str) -> &'static [&'static str] {
        match field {
            "code" | "kemendagri_code" => CODE,
            "bps_code" => BPS_CODE,
            "name" => NAME,
            "province" | "province_name" => PROVINCE,
            "province_kemendagri_code" => PROVINCE_CODE,
            "province_bps_code" => PROVINCE_BPS,
            "kind" => KIND,
            "year" => YEAR,
            "prevalence" => PREVALENCE,
            "se" => SE,
            "n" => N,
            "method" => METHOD,
            "index" => INDEX,
            "predicate" => PREDICATE,
            "value" => POPULATION,
            _ => &[],
        }
    }
}

/// The column of `table` that holds `field` (as named in row errors), if any.
fn column_for_field(table: &Table, field: &str) -> Option<usize> {
    match field {
        // A district named by province code when no province name column exists.
        "province" => table
            .column(columns::PROVINCE)
            .or_else(|| table.column(columns::PROVINCE_CODE)),
        _ => table.column(columns::for_field(field)),
    }
}

/// The names a column may have for the value of each per-district kind.
fn value_columns(kind: DatasetKind) -> &'static [&'static str] {
    match kind {
        DatasetKind::Stunting => columns::PREVALENCE,
        DatasetKind::Spbe => columns::INDEX,
        DatasetKind::Population => columns::POPULATION,
        _ => columns::VALUE,
    }
}

/// True for the header row of a `kind` table: for regions the code, BPS code and name
/// columns; for per-district kinds a district id column and the kind's value column.
pub fn is_header_for(kind: DatasetKind, headers: &[String]) -> bool {
    let has = |names: &[&str]| headers.iter().any(|h| names.contains(&h.as_str()));
    match kind {
        DatasetKind::Regions => has(columns::CODE) && has(columns::BPS_CODE) && has(columns::NAME),
        DatasetKind::Boundaries => false,
        kind => {
            (has(columns::CODE) || has(columns::BPS_CODE) || has(columns::NAME))
                && has(value_columns(kind))
        }
    }
}

/// The canonical header row of a blank template for `kind` (what `lokus` writes and reads
/// back); `None` for boundaries, which are GeoJSON.
pub fn template_headers(kind: DatasetKind) -> Option<&'static [&'static str]> {
    match kind {
        DatasetKind::Regions => Some(&[
            "code",
            "bps_code",
            "name",
            "kind",
            "province_kemendagri_code",
            "province_name",
            "aliases",
        ]),
        DatasetKind::Stunting => Some(&[
            "code",
            "name",
            "province",
            "prevalence",
            "se",
            "n",
            "method",
        ]),
        DatasetKind::Spbe => Some(&["code", "name", "province", "index", "predicate"]),
        DatasetKind::Covariate | DatasetKind::Population => {
            Some(&["code", "name", "province", "value"])
        }
        DatasetKind::Boundaries => None,
    }
}

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    /// What the table holds.
    pub kind: DatasetKind,
    /// Year of the data; may instead come from a `year`/`tahun` column.
    pub year: Option<i32>,
    /// Where the data came from (free text).
    pub source: Option<&'a str>,
    /// Indicator name: required for covariates; for population `under5` unless given (e.g. `total`).
    pub indicator: Option<&'a str>,
    /// CSV, JSON or Xlsx; sniffed when `None`. A workbook is recognised by its bytes anyway.
    pub format: Option<Format>,
    /// The uploaded bytes.
    pub content: &'a [u8],
    /// True only for the shipped synthetic demo data.
    pub demo: bool,
    /// Who imports (token label, `cli`, `system`) and through which request.
    pub actor: &'a Actor,
    /// Bounds on the table's size and its names.
    pub limits: Limits,
    /// `None`: the dataset is staged (feeds nothing until a steward publishes it). `Some`:
    /// published in the same transaction as the import ([`Dataset::publish`]), so a refusal
    /// (four eyes, partial coverage) leaves nothing written.
    pub publish: Option<PublishOptions>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The dataset written, or the earlier identical one.
    pub dataset: Dataset,
    /// False when identical content had been imported before and nothing was written.
    pub created: bool,
}

/// The valid years for data.
pub fn year_range() -> std::ops::RangeInclusive<i32> {
    use chrono::Datelike;
    2000..=chrono::Utc::now().year() + 1
}

/// Validates the whole upload and writes it in one transaction, or writes nothing.
/// A workbook is read from its first sheet; see [`import_with_sheet`].
///
/// # Errors
/// `ModelError::InvalidRows` listing every bad row, `ModelError::Invalid` for a bad request,
/// `ModelError::Database` when storage fails.
pub fn import(conn: &mut DbConnection, req: &ImportRequest<'_>) -> Result<ImportOutcome> {
    import_with_sheet(conn, req, None)
}

/// As [`import`], reading a workbook (`.xlsx`) from the sheet named `sheet` (default: the
/// first). `sheet` is ignored for CSV and JSON.
///
/// A dataset's `sha256` is the SHA-256 of the uploaded bytes; for a workbook read from a sheet
/// other than the first, of the bytes followed by `\nsheet=NAME`, so that two sheets of one
/// workbook are two datasets.
///
/// # Errors
/// As [`import`]; also `unknown_sheet` (naming the sheets that exist) and `invalid_xlsx`.
pub fn import_with_sheet(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    sheet: Option<&str>,
) -> Result<ImportOutcome> {
    let prepared = prepare_import(req, sheet)?;
    import_prepared(conn, req, prepared)
}

/// An upload read and checked as far as it can be without the database (see
/// [`prepare_import`]); [`import_prepared`] finishes it.
#[derive(Debug)]
pub struct PreparedImport {
    indicator: Option<String>,
    parsed: Parsed,
    sha256: String,
}

#[derive(Debug)]
enum Parsed {
    Table(Table),
    Boundaries(Boundaries),
}

/// Reads and checks an upload without a connection: the parameters, the whole file within the
/// limits, and (for boundaries) every feature's geometry. Callers run it before taking the
/// import lock or a pooled connection, so that a hostile file holds neither.
///
/// # Errors
/// As [`import_with_sheet`], for everything that needs no stored data.
pub fn prepare_import(req: &ImportRequest<'_>, sheet: Option<&str>) -> Result<PreparedImport> {
    let indicator = normalised_indicator(req);
    if req.kind == DatasetKind::Covariate
        && indicator.as_deref().is_none_or(|i| i.trim().is_empty())
    {
        return Err(ModelError::invalid(
            "missing_indicator",
            &s::MISSING_INDICATOR,
        ));
    }
    if let Some(y) = req.year
        && !year_range().contains(&y)
    {
        return Err(ModelError::invalid("invalid_year", year_outside(y)));
    }
    req.limits.check_name("source", req.source)?;
    req.limits.check_name("indicator", indicator.as_deref())?;
    req.limits.check_name("sheet", sheet)?;
    let parsed = match req.kind {
        DatasetKind::Boundaries => {
            if Format::detect(req.content, req.format) == Format::Xlsx {
                return Err(ModelError::invalid(
                    "invalid_geojson",
                    &s::BOUNDARIES_NOT_A_WORKBOOK,
                ));
            }
            Parsed::Boundaries(read_boundaries(req)?)
        }
        kind => Parsed::Table(Table::parse_limited(
            req.content,
            req.format,
            sheet,
            &|h: &[String]| is_header_for(kind, h),
            &req.limits,
        )?),
    };
    let mut hasher = Sha256::new();
    hasher.update(req.content);
    if let Parsed::Table(table) = &parsed
        && let Some(origin) = &table.sheet
        && origin.index > 0
    {
        hasher.update(format!("\nsheet={}", origin.name).as_bytes());
    }
    Ok(PreparedImport {
        indicator,
        parsed,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Writes an upload [`prepare_import`] has read: checks it against the stored regions and
/// writes it in one transaction, or writes nothing. `req` is the request it was prepared from.
///
/// # Errors
/// As [`import_with_sheet`], for what needs the stored data (unknown districts, duplicates)
/// and for storage failures.
pub fn import_prepared(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    prepared: PreparedImport,
) -> Result<ImportOutcome> {
    let PreparedImport {
        indicator,
        parsed,
        sha256,
    } = prepared;
    let req = &ImportRequest {
        indicator: indicator.as_deref(),
        ..req.clone()
    };
    let indicator = req.indicator.map(str::trim);
    // The check for identical content and the write under one lock: the same file sent
    // through two replicas at once is one dataset, not two.
    crate::db::with_write_lock(conn, |conn| match req.publish {
        // Import and publication succeed or fail together.
        Some(_) => conn.transaction(|conn| {
            crate::dataset::begin_write(conn)?;
            import_locked(conn, req, &parsed, indicator, &sha256)
        }),
        None => import_locked(conn, req, &parsed, indicator, &sha256),
    })
}

/// The import proper, under the write lock: finds identical content or writes the dataset
/// (staged), then publishes it when the request asks to.
fn import_locked(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    parsed: &Parsed,
    indicator: Option<&str>,
    sha256: &str,
) -> Result<ImportOutcome> {
    let mut outcome = if (req.year.is_some() || !req.kind.has_year())
        && let Some(existing) =
            Dataset::find_identical(conn, req.kind, req.year, indicator, sha256)?
    {
        ImportOutcome {
            dataset: existing,
            created: false,
        }
    } else {
        match parsed {
            Parsed::Boundaries(layer) => import_boundaries(conn, req, layer, sha256)?,
            Parsed::Table(table) => match req.kind {
                DatasetKind::Regions => import_regions(conn, req, table, sha256),
                _ => import_observations(conn, req, table, sha256),
            }
            .map_err(|e| match e {
                ModelError::InvalidRows(rows) => {
                    ModelError::InvalidRows(table.locate(rows, column_for_field))
                }
                e => e,
            })?,
        }
    };
    if let Some(options) = req.publish
        && outcome.dataset.status() == DatasetStatus::Staged
    {
        outcome.dataset = Dataset::publish(conn, outcome.dataset.id, req.actor, options)?;
    }
    Ok(outcome)
}

/// The indicator an upload is stored under: for population `under5` unless given.
fn normalised_indicator(req: &ImportRequest<'_>) -> Option<String> {
    match req.kind {
        DatasetKind::Population => Some(
            req.indicator
                .map(|i| i.trim().to_lowercase())
                .filter(|i| !i.is_empty())
                .unwrap_or_else(|| crate::population::UNDER5.to_string()),
        ),
        _ => req.indicator.map(str::to_string),
    }
}

/// What an import and a validation share before any row is read: the request checked as a
/// whole and the upload read into a table (none for boundaries), with the dataset's SHA-256.
fn read_upload(req: &ImportRequest<'_>, sheet: Option<&str>) -> Result<(Option<Table>, String)> {
    let prepared = prepare_import(req, sheet)?;
    let table = match prepared.parsed {
        Parsed::Table(table) => Some(table),
        Parsed::Boundaries(_) => None,
    };
    Ok((table, prepared.sha256))
}

fn cell(row: &table::Row, col: Option<usize>) -> Option<&str> {
    col.map(|c| row.cells[c].as_str()).filter(|s| !s.is_empty())
}

fn require_column(table: &Table, names: &[&str], errors: &mut Vec<RowError>) -> Option<usize> {
    let col = table.column(names);
    if col.is_none() {
        errors.push(RowError::field(
            table.header_line,
            names[0],
            s::MISSING_COLUMN.with("column", names[0]).with(
                "accepted",
                names[1..].iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            ),
        ));
    }
    col
}

fn write_dataset(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    year: Option<i32>,
    sha256: &str,
    row_count: usize,
) -> Result<Dataset> {
    let source = req
        .source
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(if req.demo {
            "Lokus synthetic demo data (not official statistics)"
        } else {
            "unspecified"
        });
    let imported_at = now_rfc3339();
    diesel::insert_into(datasets::table)
        .values(NewDataset {
            kind: req.kind.as_str(),
            year,
            indicator: req.indicator.map(str::trim),
            source,
            sha256,
            row_count: i32::try_from(row_count).unwrap_or(i32::MAX),
            imported_at: &imported_at,
            imported_by: &req.actor.name,
            demo: req.demo,
            status: DatasetStatus::Staged.as_str(),
        })
        .execute(conn)?;
    let dataset: Dataset = datasets::table
        .filter(datasets::sha256.eq(sha256))
        .filter(datasets::kind.eq(req.kind.as_str()))
        .order(datasets::id.desc())
        .select(Dataset::as_select())
        .first(conn)?;
    let detail = format!(
        "{} rows of {}{} from '{}'",
        row_count,
        req.kind.as_str(),
        year.map(|y| format!(" {y}")).unwrap_or_default(),
        source
    );
    AuditEntry::record(
        conn,
        req.actor,
        "import_dataset",
        &format!("dataset:{}", dataset.id),
        &detail,
    )?;
    Ok(dataset)
}

/// Resolves the dataset year from the request and an optional year column, row by row.
fn dataset_year(req: &ImportRequest<'_>, table: &Table, errors: &mut Vec<RowError>) -> Option<i32> {
    let col = table.column(columns::YEAR);
    let mut year = req.year;
    for row in &table.rows {
        let Some(text) = cell(row, col) else { continue };
        match text.parse::<i32>() {
            Ok(y) if !year_range().contains(&y) => {
                errors.push(RowError::field(row.line, "year", year_outside(y)));
            }
            Ok(y) => match year {
                None => year = Some(y),
                Some(expected) if expected != y => errors.push(RowError::field(
                    row.line,
                    "year",
                    s::YEAR_DIFFERS.with("value", y).with("year", expected),
                )),
                Some(_) => {}
            },
            Err(_) => errors.push(RowError::field(
                row.line,
                "year",
                s::NOT_A_YEAR.with("value", text),
            )),
        }
    }
    if year.is_none() && errors.is_empty() {
        errors.push(RowError::field(table.header_line, "year", &s::NO_YEAR));
    }
    year
}

fn import_observations(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    table: &Table,
    sha256: &str,
) -> Result<ImportOutcome> {
    let index = RegionIndex::load(conn)?;
    let mut errors = Vec::new();
    let year = dataset_year(req, table, &mut errors);
    if req.year.is_none()
        && let Some(y) = year
        && let Some(existing) = Dataset::find_identical(
            conn,
            req.kind,
            Some(y),
            req.indicator.map(str::trim),
            sha256,
        )?
    {
        return Ok(ImportOutcome {
            dataset: existing,
            created: false,
        });
    }
    let Checked {
        mut rows, errors, ..
    } = check_observations(&index, req, table, errors)?;
    if !errors.is_empty() {
        return Err(ModelError::InvalidRows(errors));
    }
    let outcome = conn.transaction::<_, ModelError, _>(|conn| {
        let dataset = write_dataset(conn, req, year, sha256, rows.len())?;
        for row in &mut rows {
            row.dataset_id = dataset.id;
        }
        // Row by row: diesel's batch insert is not available through the multi-backend connection.
        for row in &rows {
            diesel::insert_into(observations::table)
                .values(row)
                .execute(conn)?;
        }
        Ok(dataset)
    })?;
    Ok(ImportOutcome {
        dataset: outcome,
        created: true,
    })
}

/// Past this many row errors a file's unknown names get no look-alikes: each costs a
/// comparison with every district of its province (of the country without one), and a file of
/// 100,000 unknown names would otherwise hold a worker for minutes (BENCHMARKS.md).
pub const MAX_SUGGESTED_ROWS: usize = 200;

/// The rows of a per-district table, checked: the observations to write, every row's
/// district as resolved, and every row error.
struct Checked {
    rows: Vec<NewObservation>,
    resolutions: Vec<validate::Resolution>,
    errors: Vec<RowError>,
}

/// Checks every row of a per-district table against the region reference; `errors` holds
/// what was found before (the year). A problem with the header (a missing column, no year) is
/// `InvalidRows` at once, as for an import; row problems are returned with the rows.
fn check_observations(
    index: &RegionIndex,
    req: &ImportRequest<'_>,
    table: &Table,
    mut errors: Vec<RowError>,
) -> Result<Checked> {
    let ids = IdColumns::find(table);
    if ids.code.is_none() && ids.bps_code.is_none() && ids.name.is_none() {
        errors.push(RowError::field(
            table.header_line,
            "code",
            &s::NO_DISTRICT_COLUMN,
        ));
    }
    let value_names = value_columns(req.kind);
    let value_col = require_column(table, value_names, &mut errors);
    let se_col = table.column(columns::SE);
    let n_col = table.column(columns::N);
    let method_col = table.column(columns::METHOD);
    let predicate_col = table.column(columns::PREDICATE);
    if !errors.is_empty() && errors.iter().any(|e| e.line == table.header_line) {
        return Err(ModelError::InvalidRows(errors));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut resolutions = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let before = errors.len();
        let query = ids.query(row);
        let suggest = errors.len() < MAX_SUGGESTED_ROWS;
        let resolved = index.resolve_with(&query, suggest);
        resolutions.push(validate::Resolution::of(row.line, &query, &resolved));
        let region = match resolved {
            Ok((r, _)) => Some(r),
            Err(e) => {
                errors.push(RowError {
                    candidates: e.candidates,
                    ..RowError::field(row.line, e.field, e.message)
                });
                None
            }
        };
        let field = value_names[0];
        let value = match cell(row, value_col) {
            None => {
                errors.push(RowError::field(row.line, field, &s::VALUE_MISSING));
                None
            }
            Some(text) if req.kind == DatasetKind::Population => match parse_count(text) {
                #[expect(clippy::cast_precision_loss, reason = "counts are below 2^53")]
                Ok(v) => Some(v as f64),
                Err(m) => {
                    errors.push(RowError::field(row.line, field, m));
                    None
                }
            },
            Some(text) => match parse_number(text) {
                Err(m) => {
                    errors.push(RowError::field(row.line, field, m));
                    None
                }
                Ok(v) => check_value(req.kind, v)
                    .map_err(|m| errors.push(RowError::field(row.line, field, m)))
                    .ok(),
            },
        };
        let se = cell(row, se_col).and_then(|text| match parse_number(text) {
            Ok(v) if v > 0.0 && v < 100.0 => Some(v),
            Ok(v) => {
                errors.push(RowError::field(
                    row.line,
                    "se",
                    s::SE_OUT_OF_RANGE.with("value", v),
                ));
                None
            }
            Err(m) => {
                errors.push(RowError::field(row.line, "se", m));
                None
            }
        });
        let n = cell(row, n_col).and_then(|text| match text.parse::<i32>() {
            Ok(v) if v > 0 => Some(v),
            _ => {
                errors.push(RowError::field(
                    row.line,
                    "n",
                    s::NOT_A_SAMPLE_SIZE.with("value", text),
                ));
                None
            }
        });
        let method = cell(row, method_col).and_then(|text| match text.to_lowercase().as_str() {
            "direct" | "sae" => Some(text.to_lowercase()),
            _ => {
                errors.push(RowError::field(
                    row.line,
                    "method",
                    s::UNKNOWN_METHOD.with("value", text),
                ));
                None
            }
        });
        let predicate =
            cell(row, predicate_col).and_then(|text| match (Predicate::parse(text), value) {
                (None, _) => {
                    errors.push(RowError::field(
                        row.line,
                        "predicate",
                        s::UNKNOWN_PREDICATE.with("value", text),
                    ));
                    None
                }
                (Some(p), Some(v))
                    if req.kind == DatasetKind::Spbe && p != Predicate::for_index(v) =>
                {
                    errors.push(RowError::field(
                        row.line,
                        "predicate",
                        s::PREDICATE_DISAGREES
                            .with("value", text)
                            .with("index", v)
                            .with("predicate", Predicate::for_index(v).name()),
                    ));
                    None
                }
                (Some(p), _) => Some(p.name().to_string()),
            });
        if let Some(r) = region {
            if let Some(first) = seen.get(&r.code) {
                errors.push(RowError::field(
                    row.line,
                    ids.primary_field(),
                    s::DUPLICATE_DISTRICT
                        .with("code", r.code.as_str())
                        .with("name", r.name.as_str())
                        .with("first", *first),
                ));
            } else {
                seen.insert(r.code.clone(), row.line);
            }
        }
        if errors.len() == before
            && let (Some(r), Some(value)) = (region, value)
        {
            rows.push(NewObservation {
                dataset_id: 0,
                region_code: r.code.clone(),
                value,
                se,
                n,
                method,
                predicate,
            });
        }
    }
    Ok(Checked {
        rows,
        resolutions,
        errors,
    })
}

fn check_value(kind: DatasetKind, v: f64) -> std::result::Result<f64, Message> {
    match kind {
        DatasetKind::Stunting if !(0.0..=100.0).contains(&v) => {
            Err(s::NOT_A_PERCENTAGE.with("value", v))
        }
        DatasetKind::Spbe if !(1.0..=5.0).contains(&v) => {
            Err(s::SPBE_OUT_OF_RANGE.with("value", v))
        }
        _ => Ok(v),
    }
}

/// `invalid_year` or a row's year outside [`year_range`].
fn year_outside(year: i32) -> Message {
    s::YEAR_OUTSIDE
        .with("value", year)
        .with("min", *year_range().start())
        .with("max", *year_range().end())
}

/// The columns that identify a district in a data table.
struct IdColumns {
    code: Option<usize>,
    bps_code: Option<usize>,
    name: Option<usize>,
    province: Option<usize>,
    kind: Option<usize>,
}

impl IdColumns {
    fn find(table: &Table) -> Self {
        IdColumns {
            code: table.column(columns::CODE),
            bps_code: table.column(columns::BPS_CODE),
            name: table.column(columns::NAME),
            province: table
                .column(columns::PROVINCE)
                .or_else(|| table.column(columns::PROVINCE_CODE)),
            kind: table.column(columns::KIND),
        }
    }

    fn query<'r>(&self, row: &'r table::Row) -> RegionQuery<'r> {
        RegionQuery {
            code: cell(row, self.code),
            bps_code: cell(row, self.bps_code),
            name: cell(row, self.name),
            province: cell(row, self.province),
            kind: cell(row, self.kind),
        }
    }

    fn primary_field(&self) -> &'static str {
        if self.code.is_some() {
            "code"
        } else if self.bps_code.is_some() {
            "bps_code"
        } else {
            "name"
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct RegionRow {
    region: Region,
    province_name: Option<String>,
    province_bps: Option<String>,
    aliases: Vec<String>,
}

fn is_code(text: &str, digits: (usize, usize)) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    match digits.1 {
        0 => text.len() == digits.0 && text.chars().all(|c| c.is_ascii_digit()),
        _ => {
            parts.len() == 2
                && parts[0].len() == digits.0
                && parts[1].len() == digits.1
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        }
    }
}

/// Checks every row of a region reference table: the districts to write and the provinces
/// known before, or `InvalidRows` listing every problem.
fn check_regions(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    table: &Table,
) -> Result<(Vec<RegionRow>, Vec<Province>)> {
    let mut errors = Vec::new();
    let code_col = require_column(table, columns::CODE, &mut errors);
    let bps_col = require_column(table, columns::BPS_CODE, &mut errors);
    let name_col = require_column(table, columns::NAME, &mut errors);
    let kind_col = table.column(columns::KIND);
    let province_code_col = table.column(columns::PROVINCE_CODE);
    let province_name_col = table.column(columns::PROVINCE);
    let province_bps_col = table.column(columns::PROVINCE_BPS);
    let code_2025_col = table.column(columns::CODE_2025);
    let name_2025_col = table.column(columns::NAME_2025);
    let alias_cols: Vec<usize> = columns::ALIAS_SOURCES
        .iter()
        .filter_map(|n| table.column(&[n]))
        .collect();
    let aliases_col = table.column(columns::ALIASES);
    if !errors.is_empty() {
        return Err(ModelError::InvalidRows(errors));
    }
    let known_provinces: Vec<Province> =
        provinces::table.select(Province::as_select()).load(conn)?;
    let existing: HashMap<String, String> = regions::table
        .select((regions::bps_code, regions::code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    let mut seen_bps: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for row in &table.rows {
        let before = errors.len();
        let code = cell(row, code_col).unwrap_or_default().to_string();
        let bps = cell(row, bps_col).unwrap_or_default().to_string();
        let name = cell(row, name_col).unwrap_or_default().to_string();
        if !is_code(&code, (2, 2)) {
            errors.push(RowError::field(
                row.line,
                "code",
                s::NOT_A_KEMENDAGRI_CODE.with("value", code.as_str()),
            ));
        }
        if !is_code(&bps, (4, 0)) {
            errors.push(RowError::field(
                row.line,
                "bps_code",
                s::NOT_A_BPS_CODE.with("value", bps.as_str()),
            ));
        }
        if name.is_empty() {
            errors.push(RowError::field(row.line, "name", &s::NAME_MISSING));
        }
        let kind = match cell(row, kind_col) {
            Some(text) => RegionKind::parse(text),
            None => crate::region::split_kind_prefix(&name).0,
        };
        if kind.is_none() {
            errors.push(RowError::field(row.line, "kind", &s::KIND_MISSING));
        }
        let province_code = cell(row, province_code_col)
            .map(str::to_string)
            .unwrap_or_else(|| code.chars().take(2).collect());
        if !code.starts_with(&format!("{province_code}.")) {
            errors.push(RowError::field(
                row.line,
                "province_kemendagri_code",
                s::PROVINCE_NOT_PREFIX
                    .with("province", province_code.as_str())
                    .with("code", code.as_str()),
            ));
        }
        let province_name = cell(row, province_name_col).map(str::to_string);
        if province_name.is_none() && !known_provinces.iter().any(|p| p.code == province_code) {
            errors.push(RowError::field(
                row.line,
                "province_name",
                s::UNKNOWN_PROVINCE_CODE.with("province", province_code.as_str()),
            ));
        }
        if let Some(first) = seen_codes.insert(code.clone(), row.line) {
            errors.push(RowError::field(
                row.line,
                "code",
                s::DUPLICATE_CODE
                    .with("code", code.as_str())
                    .with("first", first),
            ));
        }
        if let Some(first) = seen_bps.insert(bps.clone(), row.line) {
            errors.push(RowError::field(
                row.line,
                "bps_code",
                s::DUPLICATE_BPS_CODE
                    .with("code", bps.as_str())
                    .with("first", first),
            ));
        }
        if let Some(other) = existing.get(&bps)
            && *other != code
            && !seen_codes.contains_key(other)
        {
            errors.push(RowError::field(
                row.line,
                "bps_code",
                s::BPS_CODE_TAKEN
                    .with("code", bps.as_str())
                    .with("district", other.as_str()),
            ));
        }
        if errors.len() > before {
            continue;
        }
        let mut aliases: Vec<String> = alias_cols
            .iter()
            .filter_map(|&c| cell(row, Some(c)))
            .map(str::to_string)
            .collect();
        if let Some(list) = cell(row, aliases_col) {
            aliases.extend(
                list.split('|')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty()),
            );
        }
        aliases.retain(|a| a != &name);
        aliases.sort();
        aliases.dedup();
        rows.push(RegionRow {
            region: Region {
                code,
                bps_code: bps,
                name,
                kind: kind.map(RegionKind::as_str).unwrap_or_default().to_string(),
                province_code,
                demo: req.demo,
                code_2025: cell(row, code_2025_col).map(str::to_string),
                name_2025: cell(row, name_2025_col).map(str::to_string),
            },
            province_name,
            province_bps: cell(row, province_bps_col).map(str::to_string),
            aliases,
        });
    }
    if !errors.is_empty() {
        return Err(ModelError::InvalidRows(errors));
    }
    Ok((rows, known_provinces))
}

fn import_regions(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    table: &Table,
    sha256: &str,
) -> Result<ImportOutcome> {
    let (rows, _) = check_regions(conn, req, table)?;
    // Staged: the validated rows wait beside the dataset and reach the reference when it is
    // published (apply_region_payload).
    let payload = serde_json::to_string(&rows)
        .map_err(|e| ModelError::Numerical(format!("region payload: {e}")))?;
    let dataset = conn.transaction::<_, ModelError, _>(|conn| {
        let dataset = write_dataset(conn, req, None, sha256, rows.len())?;
        diesel::insert_into(dataset_payloads::table)
            .values((
                dataset_payloads::dataset_id.eq(dataset.id),
                dataset_payloads::body.eq(&payload),
            ))
            .execute(conn)?;
        Ok(dataset)
    })?;
    Ok(ImportOutcome {
        dataset,
        created: true,
    })
}

/// Writes the rows of a staged region reference into the reference (provinces, districts,
/// aliases): called by [`Dataset::publish`] inside its transaction.
///
/// # Errors
/// `ModelError::Database`, e.g. a BPS code another district took since the upload.
pub(crate) fn apply_region_payload(conn: &mut DbConnection, dataset_id: i32) -> Result<()> {
    let Some(body) = dataset_payloads::table
        .find(dataset_id)
        .select(dataset_payloads::body)
        .first::<String>(conn)
        .optional()?
    else {
        // Imported before staging existed: already in the reference.
        return Ok(());
    };
    let rows: Vec<RegionRow> = serde_json::from_str(&body)
        .map_err(|e| ModelError::Numerical(format!("stored region payload: {e}")))?;
    let known_provinces: Vec<Province> =
        provinces::table.select(Province::as_select()).load(conn)?;
    for row in &rows {
        if !known_provinces
            .iter()
            .any(|p| p.code == row.region.province_code)
        {
            diesel::insert_into(provinces::table)
                .values(Province {
                    code: row.region.province_code.clone(),
                    bps_code: row
                        .province_bps
                        .clone()
                        .unwrap_or_else(|| row.region.province_code.clone()),
                    name: row.province_name.clone().unwrap_or_default(),
                })
                .execute(conn)
                .or_else(|e| match e {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => Ok(0),
                    e => Err(e),
                })?;
        }
    }
    // BPS codes are unique: free the ones that move between districts before writing.
    let codes: Vec<&str> = rows.iter().map(|r| r.region.code.as_str()).collect();
    for chunk in codes.chunks(200) {
        diesel::update(regions::table.filter(regions::code.eq_any(chunk)))
            .set(
                regions::bps_code.eq(diesel::dsl::sql::<diesel::sql_types::Text>(
                    "'tmp-' || code",
                )),
            )
            .execute(conn)?;
    }
    for row in &rows {
        let updated = diesel::update(regions::table.find(&row.region.code))
            .set(&row.region)
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(regions::table)
                .values(&row.region)
                .execute(conn)?;
        }
        for alias in &row.aliases {
            let exists = region_aliases::table
                .filter(region_aliases::region_code.eq(&row.region.code))
                .filter(region_aliases::alias.eq(alias))
                .count()
                .get_result::<i64>(conn)?;
            if exists == 0 {
                diesel::insert_into(region_aliases::table)
                    .values((
                        region_aliases::region_code.eq(&row.region.code),
                        region_aliases::alias.eq(alias),
                    ))
                    .execute(conn)?;
            }
        }
    }
    diesel::delete(dataset_payloads::table.find(dataset_id)).execute(conn)?;
    Ok(())
}

/// The districts of a staged region reference, as they would be written on publication
/// (empty when it has been published or rejected).
///
/// # Errors
/// `ModelError::Database`.
pub fn staged_regions(conn: &mut DbConnection, dataset_id: i32) -> Result<Vec<Region>> {
    let body = dataset_payloads::table
        .find(dataset_id)
        .select(dataset_payloads::body)
        .first::<String>(conn)
        .optional()?;
    let rows: Vec<RegionRow> = match body {
        Some(b) => serde_json::from_str(&b)
            .map_err(|e| ModelError::Numerical(format!("stored region payload: {e}")))?,
        None => Vec::new(),
    };
    Ok(rows.into_iter().map(|r| r.region).collect())
}

/// A boundary layer read and checked without the database: each feature's item number,
/// district code and geometry (as JSON text), and the problems found so far.
#[derive(Debug)]
struct Boundaries {
    features: Vec<(usize, String, String)>,
    errors: Vec<RowError>,
}

fn read_boundaries(req: &ImportRequest<'_>) -> Result<Boundaries> {
    let text = std::str::from_utf8(req.content)
        .map_err(|_| ModelError::invalid("invalid_encoding", &s::GEOJSON_NOT_UTF8))?;
    let value = table::parse_json_value(text)?;
    let features = value
        .get("features")
        .and_then(|f| f.as_array())
        .filter(|_| value.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection"))
        .ok_or_else(|| ModelError::invalid("invalid_geojson", &s::NOT_A_FEATURE_COLLECTION))?;
    req.limits.check_rows(features.len())?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let item = i + 1;
        let props = feature.get("properties");
        let code = props
            .and_then(|p| {
                p.get("kemendagri_code")
                    .or_else(|| p.get("code"))
                    .or_else(|| p.get("kode"))
            })
            .and_then(|c| c.as_str());
        let Some(code) = code else {
            errors.push(RowError::field(
                item,
                "kemendagri_code",
                &s::FEATURE_WITHOUT_CODE,
            ));
            continue;
        };
        let geometry = feature.get("geometry").unwrap_or(&serde_json::Value::Null);
        match shape::check_geometry(geometry) {
            Ok(()) => rows.push((item, code.to_string(), geometry.to_string())),
            Err(problem) => errors.push(RowError::field(
                item,
                "geometry",
                s::BAD_GEOMETRY
                    .with("item", item)
                    .with("code", code)
                    .with("problem", problem),
            )),
        }
    }
    if errors.is_empty() && rows.is_empty() {
        return Err(ModelError::invalid("empty_file", &s::NO_FEATURES));
    }
    Ok(Boundaries {
        features: rows,
        errors,
    })
}

/// Checks a boundary layer against the region reference: `(code, geometry)` per feature, or
/// `InvalidRows` listing every bad feature (what a validation of the upload reports).
fn check_boundaries(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
) -> Result<Vec<(String, String)>> {
    let layer = read_boundaries(req)?;
    check_layer(conn, &layer)?;
    Ok(layer
        .features
        .into_iter()
        .map(|(_, code, geometry)| (code, geometry))
        .collect())
}

fn import_boundaries(
    conn: &mut DbConnection,
    req: &ImportRequest<'_>,
    layer: &Boundaries,
    sha256: &str,
) -> Result<ImportOutcome> {
    check_layer(conn, layer)?;
    let dataset = conn.transaction::<_, ModelError, _>(|conn| {
        let dataset = write_dataset(conn, req, None, sha256, layer.features.len())?;
        for (_, code, geometry) in &layer.features {
            diesel::insert_into(boundaries::table)
                .values((
                    boundaries::dataset_id.eq(dataset.id),
                    boundaries::region_code.eq(code),
                    boundaries::geometry.eq(geometry),
                ))
                .execute(conn)?;
        }
        Ok(dataset)
    })?;
    Ok(ImportOutcome {
        dataset,
        created: true,
    })
}

/// The layer's geometry problems found while reading, and every feature whose code is unknown
/// or repeated: `InvalidRows` listing them all, by feature.
fn check_layer(conn: &mut DbConnection, layer: &Boundaries) -> Result<()> {
    let index = RegionIndex::load(conn)?;
    let mut errors = layer.errors.clone();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (item, code, _) in &layer.features {
        if index.by_code(code).is_none() {
            errors.push(RowError::field(
                *item,
                "kemendagri_code",
                s::UNKNOWN_KEMENDAGRI_CODE.with("value", code.as_str()),
            ));
        } else if let Some(first) = seen.insert(code, *item) {
            errors.push(RowError::field(
                *item,
                "kemendagri_code",
                s::DUPLICATE_FEATURE_CODE
                    .with("code", code.as_str())
                    .with("first", first),
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ModelError::InvalidRows(errors));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
