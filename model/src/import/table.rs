//! Reading an uploaded table (CSV with `,` or `;`, or JSON) into header + rows of text cells.

use crate::error::{ModelError, RowError};

/// The upload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma- or semicolon-separated values with a header row.
    Csv,
    /// A JSON array of objects (or `{"rows": [...]}`); GeoJSON for boundaries.
    Json,
}

impl Format {
    /// Guesses from the first non-blank byte: `[` or `{` means JSON.
    pub fn sniff(content: &[u8]) -> Format {
        match content.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// One data row with the line (CSV) or item number (JSON) it came from.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based; in CSV the header is line 1.
    pub line: usize,
    /// Cells in header order; missing cells are empty.
    pub cells: Vec<String>,
}

/// A parsed upload.
#[derive(Debug, Clone)]
pub struct Table {
    /// Header names, lower-cased, trimmed, spaces as underscores.
    pub headers: Vec<String>,
    /// The data rows.
    pub rows: Vec<Row>,
}

fn header_key(h: &str) -> String {
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

    /// Parses `content` as `format` (sniffed when `None`).
    ///
    /// # Errors
    /// `ModelError::InvalidRows` for encoding or syntax problems, with line numbers.
    pub fn parse(content: &[u8], format: Option<Format>) -> Result<Table, ModelError> {
        let text = std::str::from_utf8(content).map_err(|e| {
            let line = content[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            ModelError::InvalidRows(vec![RowError {
                line,
                field: None,
                message: "the file is not valid UTF-8; save it as UTF-8".into(),
                candidates: vec![],
            }])
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let table = match format.unwrap_or_else(|| Format::sniff(text.as_bytes())) {
            Format::Csv => parse_csv(text)?,
            Format::Json => parse_json(text)?,
        };
        if table.rows.is_empty() {
            return Err(ModelError::invalid(
                "empty_file",
                "the file has a header but no data rows",
            ));
        }
        Ok(table)
    }
}

fn parse_csv(text: &str) -> Result<Table, ModelError> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| syntax_error(1, &e))?
        .iter()
        .map(header_key)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(ModelError::invalid("empty_file", "the file is empty"));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                if r.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if r.len() != headers.len() {
                    errors.push(RowError {
                        line,
                        field: None,
                        message: format!(
                            "has {} fields but the header has {}",
                            r.len(),
                            headers.len()
                        ),
                        candidates: vec![],
                    });
                    continue;
                }
                rows.push(Row {
                    line,
                    cells: r.iter().map(|c| c.trim().to_string()).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(syntax_row(line, &e));
            }
        }
    }
    if errors.is_empty() {
        Ok(Table { headers, rows })
    } else {
        Err(ModelError::InvalidRows(errors))
    }
}

fn syntax_row(line: usize, e: &csv::Error) -> RowError {
    RowError {
        line,
        field: None,
        message: format!("CSV syntax error: {e}"),
        candidates: vec![],
    }
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
        ModelError::InvalidRows(vec![RowError {
            line: e.line(),
            field: None,
            message: format!("JSON syntax error: {e}"),
            candidates: vec![],
        }])
    })
}

fn parse_json(text: &str) -> Result<Table, ModelError> {
    let value = parse_json_value(text)?;
    let items = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(map) => match map.get("rows").or_else(|| map.get("data")) {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(ModelError::invalid(
                    "invalid_json",
                    "JSON must be an array of objects or an object with a 'rows' array",
                ));
            }
        },
        _ => {
            return Err(ModelError::invalid(
                "invalid_json",
                "JSON must be an array of objects",
            ));
        }
    };
    let mut headers: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            errors.push(RowError {
                line: i + 1,
                field: None,
                message: "item is not a JSON object".into(),
                candidates: vec![],
            });
            continue;
        };
        let mut cells = Vec::new();
        for (k, v) in obj {
            let key = header_key(k);
            if !headers.contains(&key) {
                headers.push(key.clone());
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
    Ok(Table { headers, rows })
}

/// Parses a number written with a decimal point or comma and an optional `%` or `persen`.
///
/// # Errors
/// A sentence saying why the text is not a number.
pub fn parse_number(text: &str) -> Result<f64, String> {
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
        _ => Err(format!("'{text}' is not a number")),
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
}
