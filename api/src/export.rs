//! Excel downloads of district lists (shortlists, saved runs) and diffs: one sheet of rows as
//! typed cells, one sheet with the scenario, the datasets (with their SHA-256) and the
//! fingerprint it rests on.
//!
//! Cells are written from the JSON a client would read, so the workbook and the JSON cannot
//! disagree: numbers stay numbers (formatted, never rounded), booleans stay booleans and text
//! is written as text (never as a formula).

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

use crate::error::ApiError;

/// The warning in the first row of every sheet built from synthetic demo data.
pub const DEMO_WARNING: &str = "DEMO DATA / DATA DEMO: synthetic, not official statistics \
     (sintetis, bukan statistik resmi)";

/// Columns of a district sheet: header, JSON pointer into a district, number style.
pub const DISTRICT_COLUMNS: &[(&str, &str, Style)] = &[
    ("rank", "/rank", Style::Integer),
    ("code", "/code", Style::Text),
    ("bps_code", "/bps_code", Style::Text),
    ("name", "/name", Style::Text),
    ("kind", "/kind", Style::Text),
    ("province_code", "/province_code", Style::Text),
    ("province_name", "/province_name", Style::Text),
    (
        "stunting_prevalence",
        "/stunting_prevalence",
        Style::Percent,
    ),
    ("stunting_se", "/stunting_se", Style::PercentPoints),
    ("stunting_band", "/stunting_band", Style::Text),
    ("stunting_method", "/stunting_method", Style::Text),
    ("spbe_index", "/spbe_index", Style::Decimal),
    ("spbe_predicate", "/spbe_predicate", Style::Text),
    ("score", "/score", Style::Decimal),
    ("selected", "/selected", Style::Text),
    ("reason", "/explanation/reason", Style::Text),
    ("margin", "/explanation/margin", Style::Decimal),
    ("selection_basis", "/selection_basis", Style::Text),
    ("data_rank", "/data_rank", Style::Integer),
    ("decision_reason", "/reason", Style::Text),
    ("p_selected", "/p_selected", Style::Share),
    ("p_selected_se", "/p_selected_se", Style::Share),
    ("rank_p05", "/rank_p05", Style::Decimal),
    ("rank_median", "/rank_median", Style::Decimal),
    ("rank_p95", "/rank_p95", Style::Decimal),
    ("band", "/band", Style::Text),
    ("under5_population", "/under5_population", Style::Integer),
    ("stunted_children", "/stunted_children", Style::Decimal),
    (
        "stunted_children_se",
        "/stunted_children_se",
        Style::Decimal,
    ),
    ("stunting_previous", "/stunting_previous", Style::Percent),
    ("stunting_change", "/stunting_change", Style::PercentPoints),
    (
        "stunting_change_se",
        "/stunting_change_se",
        Style::PercentPoints,
    ),
    ("explanation", "/explanation/text", Style::Text),
];

/// Columns of an adopted list's sheet: header, JSON pointer into an official district, style.
pub const OFFICIAL_COLUMNS: &[(&str, &str, Style)] = &[
    ("rank", "/rank", Style::Integer),
    ("code", "/code", Style::Text),
    ("bps_code", "/bps_code", Style::Text),
    ("name", "/name", Style::Text),
    ("province_code", "/province_code", Style::Text),
    ("province", "/province", Style::Text),
    ("selection_basis", "/selection_basis", Style::Text),
    ("data_rank", "/data_rank", Style::Integer),
    ("reason", "/reason", Style::Text),
];

/// Columns of a diff sheet: header, JSON pointer into a rank change, number style.
pub const DIFF_COLUMNS: &[(&str, &str, Style)] = &[
    ("code", "/code", Style::Text),
    ("name", "/name", Style::Text),
    ("status", "/status", Style::Text),
    ("rank_before", "/rank_before", Style::Integer),
    ("rank_after", "/rank_after", Style::Integer),
    ("change", "/change", Style::Integer),
    ("selected_before", "/selected_before", Style::Text),
    ("selected_after", "/selected_after", Style::Text),
];

/// How a numeric cell is shown (the value itself is never changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Text or boolean: written as they are.
    Text,
    /// A whole number.
    Integer,
    /// A plain decimal.
    Decimal,
    /// A value already in per cent (24.5 means 24.5 %): shown as `24.5%` without scaling.
    Percent,
    /// Percentage points (a change or a standard error of a per cent value).
    PercentPoints,
    /// A share between 0 and 1, shown as a true percentage.
    Share,
}

impl Style {
    fn format(self) -> Format {
        match self {
            Style::Text => Format::new(),
            Style::Integer => Format::new().set_num_format("0"),
            Style::Decimal => Format::new().set_num_format("0.0000"),
            Style::Percent => Format::new().set_num_format("0.0\"%\""),
            Style::PercentPoints => Format::new().set_num_format("0.00\" pp\""),
            Style::Share => Format::new().set_num_format("0.0%"),
        }
    }
}

/// What a workbook's second sheet names: each run (or the one scenario) with its fingerprint,
/// whether it used demo data, its parameters and its datasets.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// A title for the block, e.g. `shortlist` or `run 3`.
    pub title: String,
    /// Extra key/value rows shown first (run id, saved at, by whom).
    pub facts: Vec<(String, Value)>,
    /// SHA-256 fingerprint of the ranking.
    pub fingerprint: String,
    /// True when it used synthetic demo data.
    pub demo: bool,
    /// The scenario with its years resolved.
    pub params: Value,
    /// The datasets used (array of dataset objects).
    pub datasets: Value,
}

fn xlsx_error(e: XlsxError) -> ApiError {
    ApiError::Internal(format!("the workbook could not be written: {e}"))
}

/// Writes one JSON value as a typed cell: numbers as numbers in `format`, booleans as
/// booleans, text as text, null or absent as an empty cell.
fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&Value>,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Some(Value::Number(n)) => {
            sheet.write_number_with_format(row, col, n.as_f64().unwrap_or(f64::NAN), format)?;
        }
        Some(Value::Bool(b)) => {
            sheet.write_boolean(row, col, *b)?;
        }
        Some(Value::String(s)) => {
            sheet.write_string(row, col, s)?;
        }
        Some(Value::Array(items)) => {
            let text: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            sheet.write_string(row, col, text.join(","))?;
        }
        Some(other @ Value::Object(_)) => {
            sheet.write_string(row, col, other.to_string())?;
        }
        Some(Value::Null) | None => {}
    }
    Ok(())
}

/// The first row of a sheet: the demo warning when `demo`. Returns the next free row.
fn warn_if_demo(sheet: &mut Worksheet, demo: bool) -> Result<u32, XlsxError> {
    if !demo {
        return Ok(0);
    }
    let warning = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0x00B0_0020));
    sheet.write_string_with_format(0, 0, DEMO_WARNING, &warning)?;
    Ok(1)
}

/// A sheet of rows: header (bold, frozen, with a filter) then one row per item.
fn write_table(
    sheet: &mut Worksheet,
    name: &str,
    demo: bool,
    columns: &[(&str, &str, Style)],
    rows: &[Value],
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let header_row = warn_if_demo(sheet, demo)?;
    let bold = Format::new().set_bold();
    let formats: Vec<Format> = columns.iter().map(|c| c.2.format()).collect();
    for (col, (header, _, style)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(header_row, col, *header, &bold)?;
        let width = if *style == Style::Text { 16 } else { 12 };
        sheet.set_column_width(col, width)?;
    }
    for (row, item) in (header_row + 1..).zip(rows) {
        for ((col, (_, pointer, _)), format) in (0u16..).zip(columns).zip(&formats) {
            write_value(sheet, row, col, item.pointer(pointer), format)?;
        }
    }
    let last_row = header_row + u32::try_from(rows.len()).unwrap_or(u32::MAX - header_row - 1);
    let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.autofilter(header_row, 0, last_row, last_col)?;
    Ok(())
}

/// Flattens a scenario into `a.b` keys (arrays stay one cell), in the order written.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, member, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Columns of the datasets table on the scenario sheet.
const DATASET_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "year",
    "indicator",
    "source",
    "sha256",
    "row_count",
    "imported_at",
    "imported_by",
    "demo",
];

/// The scenario sheet: per block, its facts, fingerprint, demo flag, parameters and datasets.
fn write_provenance(
    sheet: &mut Worksheet,
    demo: bool,
    blocks: &[Provenance],
) -> Result<(), XlsxError> {
    sheet.set_name("scenario")?;
    let bold = Format::new().set_bold();
    let plain = Format::new();
    let mut row = warn_if_demo(sheet, demo)?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(5, 66)?;
    for block in blocks {
        sheet.write_string_with_format(row, 0, &block.title, &bold)?;
        row += 1;
        let mut pairs = block.facts.clone();
        pairs.push(("fingerprint".into(), Value::from(block.fingerprint.clone())));
        pairs.push(("demo".into(), Value::from(block.demo)));
        flatten("params", &block.params, &mut pairs);
        for (key, value) in &pairs {
            sheet.write_string(row, 0, key)?;
            write_value(sheet, row, 1, Some(value), &plain)?;
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, "datasets", &bold)?;
        row += 1;
        for (col, name) in (0u16..).zip(DATASET_COLUMNS) {
            sheet.write_string_with_format(row, col, *name, &bold)?;
        }
        row += 1;
        for dataset in block.datasets.as_array().into_iter().flatten() {
            for (col, name) in (0u16..).zip(DATASET_COLUMNS) {
                write_value(sheet, row, col, dataset.get(*name), &plain)?;
            }
            row += 1;
        }
        row += 1;
    }
    Ok(())
}

/// A workbook of districts (sheet `districts`) and what they rest on (sheet `scenario`).
///
/// # Errors
/// 500 when the workbook cannot be written.
pub fn districts_workbook(
    districts: &[Value],
    demo: bool,
    provenance: &Provenance,
) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    write_table(
        book.add_worksheet(),
        "districts",
        demo,
        DISTRICT_COLUMNS,
        districts,
    )
    .map_err(xlsx_error)?;
    write_provenance(book.add_worksheet(), demo, std::slice::from_ref(provenance))
        .map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// A workbook of an adopted list: its districts (sheet `lokus`) and the decision with the run's
/// scenario and datasets (sheet `scenario`).
///
/// # Errors
/// 500 when the workbook cannot be written.
pub fn official_workbook(
    districts: &[Value],
    provenance: &Provenance,
) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    write_table(
        book.add_worksheet(),
        "lokus",
        false,
        OFFICIAL_COLUMNS,
        districts,
    )
    .map_err(xlsx_error)?;
    write_provenance(
        book.add_worksheet(),
        false,
        std::slice::from_ref(provenance),
    )
    .map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// A workbook of a diff: every district that entered, left or moved (sheet `changes`, with a
/// `status` of `entered`, `left` or `moved`) and both runs (sheet `scenario`).
///
/// # Errors
/// 500 when the workbook cannot be written.
pub fn diff_workbook(
    changes: &[Value],
    demo: bool,
    runs: &[Provenance],
) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    write_table(book.add_worksheet(), "changes", demo, DIFF_COLUMNS, changes)
        .map_err(xlsx_error)?;
    write_provenance(book.add_worksheet(), demo, runs).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// The rows of a diff's `changes` sheet from its JSON (`entered`, `left`, `rank_changes`):
/// each district once, with its status.
pub fn diff_rows(diff: &Value) -> Vec<Value> {
    let mut rows: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (list, status) in [
        ("entered", "entered"),
        ("left", "left"),
        ("rank_changes", "moved"),
    ] {
        for change in diff[list].as_array().into_iter().flatten() {
            let code = change["code"].as_str().unwrap_or_default().to_string();
            if seen.insert(code) {
                let mut row = change.clone();
                if let Some(members) = row.as_object_mut() {
                    members.insert("status".into(), Value::from(status));
                }
                rows.push(row);
            }
        }
    }
    rows
}
