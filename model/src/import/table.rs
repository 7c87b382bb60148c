//! Reading an uploaded table (CSV with `,` or `;`, JSON, or an Excel `.xlsx` sheet) into
//! header + rows of text cells. Every format ends up as the same [`Table`], so validation is
//! shared by all of them.

use crate::error::{ModelError, RowError};
use crate::message::Message;
use crate::sentences as s;

/// The upload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma- or semicolon-separated values with a header row.
    Csv,
    /// A JSON array of objects (or `{"rows": [...]}`); GeoJSON for boundaries.
    Json,
    /// An Excel workbook (`.xlsx`); one sheet is read.
    Xlsx,
}

/// The first bytes of every `.xlsx` file (it is a ZIP archive).
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

impl Format {
    /// Guesses from the content: the ZIP magic means a workbook, `[` or `{` as the first
    /// non-blank byte means JSON, anything else CSV.
    pub fn sniff(content: &[u8]) -> Format {
        if content.starts_with(ZIP_MAGIC) {
            return Format::Xlsx;
        }
        match content.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Format::Json,
            _ => Format::Csv,
        }
    }

    /// The format to read `content` as: a workbook is recognised by its bytes whatever was
    /// declared; otherwise the declared format, else [`Format::sniff`].
    pub fn detect(content: &[u8], declared: Option<Format>) -> Format {
        if content.starts_with(ZIP_MAGIC) {
            Format::Xlsx
        } else {
            declared.unwrap_or_else(|| Format::sniff(content))
        }
    }
}

/// Bounds on an uploaded table, each a setting (see the README's configuration table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most data rows (`LOKUS_MAX_IMPORT_ROWS`); also most features of a boundary layer.
    pub max_rows: usize,
    /// Most columns (`LOKUS_MAX_IMPORT_COLUMNS`).
    pub max_columns: usize,
    /// Longest cell or header, in characters (`LOKUS_MAX_FIELD_CHARS`).
    pub max_field_chars: usize,
    /// Longest source, indicator or sheet name, in characters (`LOKUS_MAX_NAME_CHARS`).
    pub max_name_chars: usize,
    /// Most bytes one part of an `.xlsx` archive may inflate to (`LOKUS_MAX_XLSX_UNZIPPED_BYTES`);
    /// all parts together may inflate to four times as much.
    pub max_xlsx_unzipped_bytes: u64,
    /// Most shared strings in a workbook (`LOKUS_MAX_XLSX_SHARED_STRINGS`).
    pub max_xlsx_shared_strings: usize,
}

impl Default for Limits {
    /// Far above any real table (514 districts, a dozen columns, names of a few dozen
    /// characters), far below what would strain memory.
    fn default() -> Self {
        Limits {
            max_rows: 100_000,
            max_columns: 64,
            max_field_chars: 1_000,
            max_name_chars: 200,
            max_xlsx_unzipped_bytes: 64 * 1024 * 1024,
            // A 514-row table needs a few thousand; each costs a record in memory.
            max_xlsx_shared_strings: 1_000_000,
        }
    }
}

impl Limits {
    /// `too_many_rows` when `rows` exceeds the row limit.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`too_many_rows`).
    pub fn check_rows(&self, rows: usize) -> Result<(), ModelError> {
        if rows > self.max_rows {
            return Err(ModelError::invalid(
                "too_many_rows",
                s::TOO_MANY_ROWS.with("limit", self.max_rows),
            ));
        }
        Ok(())
    }

    /// `name_too_long` when the named parameter is longer than the name limit.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`name_too_long`).
    pub fn check_name(&self, parameter: &str, value: Option<&str>) -> Result<(), ModelError> {
        let chars = value.map_or(0, |v| v.chars().count());
        if chars > self.max_name_chars {
            return Err(ModelError::invalid(
                "name_too_long",
                s::NAME_TOO_LONG
                    .with("field", parameter)
                    .with("length", chars)
                    .with("limit", self.max_name_chars),
            ));
        }
        Ok(())
    }

    /// `too_many_columns` for a table `columns` wide.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`too_many_columns`).
    pub fn check_columns(&self, columns: usize) -> Result<(), ModelError> {
        if columns > self.max_columns {
            return Err(ModelError::invalid(
                "too_many_columns",
                s::TOO_MANY_COLUMNS
                    .with("count", columns)
                    .with("limit", self.max_columns),
            ));
        }
        Ok(())
    }

    /// Checks a parsed table's columns and every header and cell.
    ///
    /// # Errors
    /// `ModelError::Invalid`: `too_many_rows`, `too_many_columns`, `field_too_long` (naming the
    /// line and column).
    pub fn check(&self, table: &Table) -> Result<(), ModelError> {
        self.check_rows(table.rows.len())?;
        self.check_columns(table.headers.len())?;
        let too_long = |line: usize, column: usize, text: &str| {
            let chars = text.chars().count();
            (chars > self.max_field_chars).then(|| {
                let name = table.labels.get(column).map_or("?", String::as_str);
                let name: String = name.chars().take(40).collect();
                ModelError::invalid(
                    "field_too_long",
                    s::FIELD_TOO_LONG
                        .with("line", line)
                        .with("column", name)
                        .with("length", chars)
                        .with("limit", self.max_field_chars),
                )
            })
        };
        for (c, label) in table.labels.iter().enumerate() {
            if let Some(e) = too_long(table.header_line, c, label) {
                return Err(e);
            }
        }
        for row in &table.rows {
            for (c, cell) in row.cells.iter().enumerate() {
                if let Some(e) = too_long(row.line, c, cell) {
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

/// One data row with the line (CSV), item number (JSON) or Excel row number it came from.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based; in CSV the header is line 1; in a workbook the row number Excel shows.
    pub line: usize,
    /// Cells in header order; missing cells are empty.
    pub cells: Vec<String>,
}

/// Where a table read from a workbook came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetOrigin {
    /// The sheet name.
    pub name: String,
    /// Its position in the workbook (0 = first sheet).
    pub index: usize,
    /// The Excel column letters of the table's columns, in header order (`A`, `B`, …).
    pub columns: Vec<String>,
}

impl SheetOrigin {
    /// The cell reference Excel shows, e.g. `Sheet1!C14` (`'My data'!C14` when quoting is needed).
    pub fn cell(&self, column: usize, line: usize) -> Option<String> {
        let letter = self.columns.get(column)?;
        let plain = self
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
        let sheet = if plain {
            self.name.clone()
        } else {
            format!("'{}'", self.name.replace('\'', "''"))
        };
        Some(format!("{sheet}!{letter}{line}"))
    }
}

/// A parsed upload.
#[derive(Debug, Clone)]
pub struct Table {
    /// Header names, lower-cased, trimmed, spaces as underscores.
    pub headers: Vec<String>,
    /// The headers as written in the file (trimmed), in the same order.
    pub labels: Vec<String>,
    /// The line of the header row: 1 in CSV and JSON, the Excel row number in a workbook.
    pub header_line: usize,
    /// The sheet, for a table read from a workbook.
    pub sheet: Option<SheetOrigin>,
    /// The data rows.
    pub rows: Vec<Row>,
}

/// The normalised form of a header: trimmed, lower-case, spaces and dashes as underscores.
pub fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

impl Table {
    /// Index of the first header among `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h == n))
    }

    /// Parses `content` as `format` (sniffed when `None`); a workbook's first sheet is read
    /// with its first non-blank row as the header.
    ///
    /// # Errors
    /// As [`Table::parse_sheet`].
    pub fn parse(content: &[u8], format: Option<Format>) -> Result<Table, ModelError> {
        Table::parse_sheet(content, format, None, &|_| true)
    }

    /// Parses `content`: CSV or JSON as [`Table::parse`] does; a workbook (recognised by its
    /// bytes or declared as [`Format::Xlsx`]) from the sheet named `sheet` (default: the
    /// first), taking as header the first row whose normalised cells satisfy `is_header`
    /// (title rows above it are skipped; merged cells count in every cell they cover).
    ///
    /// # Errors
    /// `ModelError::InvalidRows` for encoding or syntax problems, with line numbers;
    /// `ModelError::Invalid`: `empty_file` (no data rows), `unknown_sheet` (naming the sheets
    /// that exist), `invalid_xlsx` (not a readable workbook).
    pub fn parse_sheet(
        content: &[u8],
        format: Option<Format>,
        sheet: Option<&str>,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Table, ModelError> {
        Table::parse_limited(content, format, sheet, is_header, &Limits::default())
    }

    /// As [`Table::parse_sheet`] within `limits`: a CSV stops being read at the first row
    /// past the row limit or the first field past the column limit, a workbook at the first
    /// cell outside them (and its archive is checked before it is opened).
    ///
    /// # Errors
    /// As [`Table::parse_sheet`], and those of [`Limits::check`].
    pub fn parse_limited(
        content: &[u8],
        format: Option<Format>,
        sheet: Option<&str>,
        is_header: &dyn Fn(&[String]) -> bool,
        limits: &Limits,
    ) -> Result<Table, ModelError> {
        let table = match Format::detect(content, format) {
            Format::Xlsx => super::xlsx::read_sheet(content, sheet, is_header, limits)?,
            format => {
                let text = std::str::from_utf8(content).map_err(|e| {
                    let line = content[..e.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                        + 1;
                    ModelError::InvalidRows(vec![RowError::line(line, &s::NOT_UTF8)])
                })?;
                let text = text.trim_start_matches('\u{feff}');
                match format {
                    Format::Json => parse_json(text)?,
                    _ => parse_csv(text, limits)?,
                }
            }
        };
        limits.check(&table)?;
        if table.rows.is_empty() {
            return Err(ModelError::invalid("empty_file", &s::NO_DATA_ROWS));
        }
        Ok(table)
    }

    /// Fills in the `column` (header as written) and, for a workbook, the `cell`
    /// (`Sheet1!C14`) of each error whose field is a column of this table.
    /// `column_of` maps a field name to the table column holding it.
    pub fn locate(
        &self,
        errors: Vec<RowError>,
        column_of: impl Fn(&Table, &str) -> Option<usize>,
    ) -> Vec<RowError> {
        errors
            .into_iter()
            .map(|mut e| {
                if let Some(c) = e.field.as_deref().and_then(|f| column_of(self, f)) {
                    if e.column.is_none() {
                        e.column = self.labels.get(c).cloned();
                    }
                    if e.cell.is_none() && e.line != self.header_line {
                        e.cell = self.sheet.as_ref().and_then(|s| s.cell(c, e.line));
                    }
                }
                e
            })
            .collect()
    }
}

/// Where each CSV field and record ends, as the `csv` crate reads them (a quote opens a
/// quoted field only at the start of a field; `""` inside one is a quote).
#[derive(Clone, Copy, PartialEq)]
enum Scan {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Counts the fields of every record without allocating, refusing the first record with
/// more than the column limit: a line of 15 MB of commas would otherwise become millions of
/// empty fields before any limit applied.
fn check_csv_columns(text: &str, delimiter: u8, limits: &Limits) -> Result<(), ModelError> {
    let bytes = text.as_bytes();
    let (mut state, mut fields, mut line, mut record_line) = (Scan::FieldStart, 1usize, 1, 1);
    for (i, &b) in bytes.iter().enumerate() {
        let newline = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if newline {
            line += 1;
        }
        let end_of_record = b == b'\n' || b == b'\r';
        state = match (state, b) {
            (Scan::Quoted, b'"') => Scan::QuoteInQuoted,
            (Scan::Quoted, _) => Scan::Quoted,
            (Scan::QuoteInQuoted, b'"') | (Scan::FieldStart, b'"') => Scan::Quoted,
            (_, d) if d == delimiter => {
                fields += 1;
                if fields > limits.max_columns {
                    return Err(ModelError::invalid(
                        "too_many_columns",
                        s::TOO_MANY_FIELDS
                            .with("line", record_line)
                            .with("limit", limits.max_columns),
                    ));
                }
                Scan::FieldStart
            }
            _ if end_of_record => {
                fields = 1;
                record_line = line;
                Scan::FieldStart
            }
            _ => Scan::Unquoted,
        };
    }
    Ok(())
}

/// Counts the line breaks (LF, CRLF or a lone CR) in a stretch of the text, so that a row's
/// line is the line of the file where it starts whatever the line endings.
struct LineCounter<'t> {
    bytes: &'t [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The 1-based line where the record at byte offset `byte` starts (offsets come in
    /// increasing order). The csv crate places a record after a CRLF at its LF: line breaks
    /// at the offset belong before the record.
    fn line_of(&mut self, byte: usize) -> usize {
        let mut end = byte.min(self.bytes.len());
        while matches!(self.bytes.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        if end > self.at {
            for i in self.at..end {
                let b = self.bytes[i];
                if b == b'\n' || (b == b'\r' && self.bytes.get(i + 1) != Some(&b'\n')) {
                    self.line += 1;
                }
            }
            self.at = end;
        }
        self.line
    }
}

fn parse_csv(text: &str, limits: &Limits) -> Result<Table, ModelError> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    check_csv_columns(text, delimiter, limits)?;
    let mut lines = LineCounter {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let labels: Vec<String> = reader
        .headers()
        .map_err(|e| syntax_error(1, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let headers: Vec<String> = labels.iter().map(|h| header_key(h)).collect();
    if headers.iter().all(String::is_empty) {
        return Err(ModelError::invalid("empty_file", &s::EMPTY_FILE));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        limits.check_rows(rows.len() + errors.len())?;
        match record {
            Ok(r) => {
                // The csv crate's own line count is one short per CRLF record (issue 17).
                let line = r.position().map_or(0, |p| lines.line_of(p.byte() as usize));
                if r.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if r.len() != headers.len() {
                    errors.push(RowError::line(
                        line,
                        s::FIELD_COUNT
                            .with("count", r.len())
                            .with("expected", headers.len()),
                    ));
                    continue;
                }
                rows.push(Row {
                    line,
                    cells: r.iter().map(|c| c.trim().to_string()).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte() as usize));
                errors.push(syntax_row(line, &e));
            }
        }
    }
    if errors.is_empty() {
        Ok(Table {
            headers,
            labels,
            header_line: 1,
            sheet: None,
            rows,
        })
    } else {
        Err(ModelError::InvalidRows(errors))
    }
}

fn syntax_row(line: usize, e: &csv::Error) -> RowError {
    RowError::line(line, s::CSV_SYNTAX.with("detail", e.to_string()))
}

fn syntax_error(line: usize, e: &csv::Error) -> ModelError {
    ModelError::InvalidRows(vec![syntax_row(line, e)])
}

/// Parses JSON text, reporting a syntax error with its line.
///
/// # Errors
/// `ModelError::InvalidRows` with the line of the syntax error.
pub fn parse_json_value(text: &str) -> Result<serde_json::Value, ModelError> {
    serde_json::from_str(text).map_err(|e| {
        ModelError::InvalidRows(vec![RowError::line(
            e.line(),
            s::JSON_SYNTAX
                .with("detail", e.to_string())
                .with("column", e.column()),
        )])
    })
}

fn parse_json(text: &str) -> Result<Table, ModelError> {
    let value = parse_json_value(text)?;
    let items = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(map) => match map.get("rows").or_else(|| map.get("data")) {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(ModelError::invalid("invalid_json", &s::JSON_WITHOUT_ROWS));
            }
        },
        _ => {
            return Err(ModelError::invalid("invalid_json", &s::JSON_NOT_AN_ARRAY));
        }
    };
    let mut headers: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            errors.push(RowError::line(i + 1, &s::ITEM_NOT_AN_OBJECT));
            continue;
        };
        let mut cells = Vec::new();
        for (k, v) in obj {
            let key = header_key(k);
            if !headers.contains(&key) {
                headers.push(key.clone());
                labels.push(k.trim().to_string());
            }
            let cell = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.trim().to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            cells.push((key, cell));
        }
        objects.push((i + 1, cells));
    }
    if !errors.is_empty() {
        return Err(ModelError::InvalidRows(errors));
    }
    let rows = objects
        .into_iter()
        .map(|(line, cells)| {
            let mut row = vec![String::new(); headers.len()];
            for (key, cell) in cells {
                if let Some(p) = headers.iter().position(|h| *h == key) {
                    row[p] = cell;
                }
            }
            Row { line, cells: row }
        })
        .collect();
    Ok(Table {
        headers,
        labels,
        header_line: 1,
        sheet: None,
        rows,
    })
}

/// Parses a number written with a decimal point or comma and an optional `%` or `persen`.
///
/// # Errors
/// Why the text is not a number.
pub fn parse_number(text: &str) -> Result<f64, Message> {
    let t = text.trim();
    let t = t
        .strip_suffix("persen")
        .or_else(|| t.strip_suffix('%'))
        .unwrap_or(t)
        .trim();
    let normalised = match (t.rfind(','), t.rfind('.')) {
        // "1.234,5": the last separator is the decimal mark.
        (Some(c), Some(d)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (Some(_), None) if t.matches(',').count() == 1 => t.replace(',', "."),
        _ => t.to_string(),
    };
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(s::NOT_A_NUMBER.with("value", text)),
    }
}

/// Parses a count: a whole number ≥ 0, with optional thousands separators in groups of three
/// (`150.000`, `150,000`, `150 000`); otherwise as [`parse_number`].
///
/// # Errors
/// Why the text is not a whole number ≥ 0.
pub fn parse_count(text: &str) -> Result<i64, Message> {
    let t = text.trim();
    let grouped = t
        .split(['.', ',', ' ', '\u{a0}'])
        .enumerate()
        .all(|(i, g)| {
            g.chars().all(|c| c.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&g.len())
                } else {
                    g.len() == 3
                }
        });
    let separators: Vec<char> = t.chars().filter(|c| !c.is_ascii_digit()).collect();
    let one_kind = separators.windows(2).all(|w| w[0] == w[1]);
    let value = if grouped && !separators.is_empty() && one_kind {
        t.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse::<f64>()
            .map_err(|_| s::NOT_A_NUMBER.with("value", text))?
    } else {
        parse_number(t)?
    };
    if value < 0.0 {
        Err(s::NEGATIVE_COUNT.with("value", text))
    } else if value.fract() != 0.0 {
        Err(s::NOT_A_WHOLE_NUMBER.with("value", text))
    } else if value > 9.0e15 {
        Err(s::COUNT_TOO_LARGE.with("value", text))
    } else {
        #[expect(clippy::cast_possible_truncation, reason = "whole and below 2^53")]
        Ok(value as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_decimal_commas_and_percent_signs() {
        assert_eq!(parse_number("21,6%"), Ok(21.6));
        assert_eq!(parse_number(" 39,40 % "), Ok(39.4));
        assert_eq!(parse_number("7,3 persen"), Ok(7.3));
        assert_eq!(parse_number("2.35"), Ok(2.35));
        assert_eq!(parse_number("1.234,5"), Ok(1234.5));
        assert!(parse_number("abc").is_err());
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("").is_err());
    }

    #[test]
    fn counts_accept_thousands_separators_and_reject_fractions_and_negatives() {
        assert_eq!(parse_count("150000"), Ok(150_000));
        assert_eq!(parse_count("150.000"), Ok(150_000));
        assert_eq!(parse_count("1,234,567"), Ok(1_234_567));
        assert_eq!(parse_count("12 345"), Ok(12_345));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("12345.0"), Ok(12_345));
        assert!(parse_count("12.5").is_err());
        assert!(parse_count("1.234,5").is_err());
        assert!(
            parse_count("-5")
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(parse_count("1.234.56").is_err());
        assert!(parse_count("abc").is_err());
    }

    #[test]
    fn the_zip_magic_means_a_workbook_whatever_was_declared() {
        assert_eq!(Format::sniff(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(
            Format::detect(b"PK\x03\x04rest", Some(Format::Csv)),
            Format::Xlsx
        );
        assert_eq!(Format::detect(b"[{}]", Some(Format::Csv)), Format::Csv);
        assert_eq!(Format::detect(b" [{}]", None), Format::Json);
    }

    #[test]
    fn semicolon_csv_with_decimal_commas_is_read() {
        let t = Table::parse(b"Kode;Prevalensi\n12.18;21,1\n", None).unwrap();
        assert_eq!(t.headers, vec!["kode", "prevalensi"]);
        assert_eq!(t.rows[0].cells, vec!["12.18", "21,1"]);
        assert_eq!(t.rows[0].line, 2);
    }

    #[test]
    fn json_arrays_become_rows_numbered_by_item() {
        let t = Table::parse(
            br#"[{"code":"12.18","prevalence":21.1},{"code":"12.12"}]"#,
            None,
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 2);
        assert_eq!(t.rows[1].cells[1], "");
    }

    #[test]
    fn a_short_csv_row_is_reported_with_its_line() {
        let err = Table::parse(b"code,prevalence\n12.18,21\n12.12\n", None).unwrap_err();
        match err {
            ModelError::InvalidRows(rows) => assert_eq!(rows[0].line, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// A CSV of a header and seven good rows with a bad row on line 9 of the file (10 when a
    /// quoted field holds a line break), written with `newline`.
    fn bad_row_on_line_9(newline: &str, bom: bool, quoted_break: bool) -> String {
        let mut csv = String::new();
        if bom {
            csv.push('\u{feff}');
        }
        csv.push_str(&format!("code,name,value{newline}"));
        for i in 0..7 {
            if quoted_break && i == 2 {
                csv.push_str(&format!("12.{i:02},\"Kab.{newline}Contoh\",{i}{newline}"));
            } else {
                csv.push_str(&format!("12.{i:02},Contoh,{i}{newline}"));
            }
        }
        csv.push_str(&format!("12.99,short{newline}"));
        csv
    }

    #[test]
    fn a_bad_row_is_reported_at_the_file_line_where_it_starts_whatever_the_line_endings() {
        // See: issue 17, item 3 (CRLF said 8 for line 9).
        for (newline, bom, quoted_break, expected) in [
            ("\n", false, false, 9),
            ("\r\n", false, false, 9),
            ("\r\n", true, false, 9),
            ("\n", true, false, 9),
            ("\n", false, true, 10),
            ("\r\n", true, true, 10),
        ] {
            let csv = bad_row_on_line_9(newline, bom, quoted_break);
            let err = Table::parse(csv.as_bytes(), Some(Format::Csv)).unwrap_err();
            let ModelError::InvalidRows(rows) = err else {
                panic!("unexpected {err:?}");
            };
            let case = format!("newline {newline:?}, BOM {bom}, quoted break {quoted_break}");
            assert_eq!(rows.len(), 1, "{case}: {rows:?}");
            assert_eq!(rows[0].line, expected, "{case}");
        }
    }

    #[test]
    fn good_rows_keep_the_line_where_they_start() {
        let csv = "code,name\r\n12.01,\"two\r\nlines\"\r\n12.02,b\r\n";
        let t = Table::parse(csv.as_bytes(), None).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn a_comma_flood_is_refused_as_too_many_columns_naming_its_line() {
        // See: issue 17, item 2 (15 MB of commas answered empty_file after ~1 GB).
        let csv = format!("code,value\n12.01,1\n12.02,{}\n", ",".repeat(100_000));
        let err = Table::parse(csv.as_bytes(), None).unwrap_err();
        match err {
            ModelError::Invalid { code, message } => {
                assert_eq!(code, "too_many_columns");
                assert!(message.to_string().contains("line 3"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let quoted = format!("code,value\n12.01,\"{}\"\n", ",".repeat(100));
        assert!(
            Table::parse(quoted.as_bytes(), None).is_ok(),
            "commas inside quotes are text"
        );
    }
}
