//! Reading one sheet of an Excel workbook (`.xlsx`, through `calamine`) into a [`Table`].
//!
//! Ministry workbooks put a title above the header and merge header cells, so the header is
//! the first row that the caller's rule accepts (for data tables: a district id column and the
//! kind's value column), and a merged cell counts as its value in every cell it covers. Rows
//! covered by a merged header cell belong to the header. Numbers in numeric cells are written
//! out as plain text (`150000`, `21.6`) and then checked exactly as CSV text is; text cells are
//! taken as they are (decimal comma, `%` allowed, as in CSV).

use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xlsx};

use super::table::{Row, SheetOrigin, Table, header_key};
use crate::error::ModelError;

/// The Excel letters of a 0-based column (`0` → `A`, `26` → `AA`).
pub fn column_letter(column: u32) -> String {
    let mut n = column + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn open(content: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ModelError> {
    Xlsx::new(Cursor::new(content)).map_err(|e| {
        ModelError::invalid(
            "invalid_xlsx",
            format!("the file is not a readable .xlsx workbook: {e}"),
        )
    })
}

/// The sheet names of a workbook, in order.
///
/// # Errors
/// `ModelError::Invalid` (`invalid_xlsx`) when the bytes are not a readable workbook.
pub fn sheet_names(content: &[u8]) -> Result<Vec<String>, ModelError> {
    Ok(open(content)?.sheet_names())
}

fn cell_text(data: &Data, code_column: bool) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // A Kemendagri code typed as a number loses its trailing zero (11.10 → 11.1).
        Data::Float(f) if code_column && f.fract() != 0.0 => format!("{f:.2}"),
        other => other.to_string().trim().to_string(),
    }
}

/// Reads the sheet `sheet` (default: the first) into a table; see the module docs.
///
/// # Errors
/// `invalid_xlsx`, `unknown_sheet` (the message names the sheets that exist), `empty_file`.
pub(crate) fn read_sheet(
    content: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Table, ModelError> {
    let mut workbook = open(content)?;
    let names = workbook.sheet_names();
    let index = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(wanted) => names
            .iter()
            .position(|n| n == wanted)
            .or_else(|| {
                names
                    .iter()
                    .position(|n| n.to_lowercase() == wanted.to_lowercase())
            })
            .ok_or_else(|| {
                ModelError::invalid(
                    "unknown_sheet",
                    format!(
                        "the workbook has no sheet '{wanted}'; its sheets are: {}",
                        names
                            .iter()
                            .map(|n| format!("'{n}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
    };
    let Some(name) = names.get(index).cloned() else {
        return Err(ModelError::invalid(
            "empty_file",
            "the workbook has no sheets",
        ));
    };
    let range = workbook.worksheet_range(&name).map_err(|e| {
        ModelError::invalid(
            "invalid_xlsx",
            format!("sheet '{name}' cannot be read: {e}"),
        )
    })?;
    let merged = workbook
        .merge_cells_by_sheet_name(&name)
        .unwrap_or_default();
    let Some((top, left)) = range.start() else {
        return Err(ModelError::invalid(
            "empty_file",
            format!("sheet '{name}' is empty"),
        ));
    };
    let mut grid: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    fill_merged(&mut grid, &merged, (top, left));
    let keys: Vec<Vec<String>> = grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|d| header_key(&cell_text(d, false)))
                .collect()
        })
        .collect();
    let non_blank = |r: &Vec<String>| r.iter().any(|k| !k.is_empty());
    let header = keys
        .iter()
        .position(|r| non_blank(r) && is_header(r))
        .or_else(|| keys.iter().position(non_blank))
        .ok_or_else(|| ModelError::invalid("empty_file", format!("sheet '{name}' is empty")))?;
    let header_abs = top + u32::try_from(header).unwrap_or(u32::MAX);
    // A header cell merged downwards makes the rows it covers part of the header.
    let header_end = merged
        .iter()
        .filter(|d| d.start.0 <= header_abs && header_abs <= d.end.0)
        .map(|d| d.end.0)
        .max()
        .unwrap_or(header_abs)
        .max(header_abs);
    let labels: Vec<String> = grid[header].iter().map(|d| cell_text(d, false)).collect();
    let headers = keys[header].clone();
    let code_columns: Vec<bool> = headers
        .iter()
        .map(|h| super::columns::CODE.contains(&h.as_str()))
        .collect();
    let mut rows = Vec::new();
    for (i, row) in grid.iter().enumerate() {
        let abs = top + u32::try_from(i).unwrap_or(u32::MAX);
        if abs <= header_end {
            continue;
        }
        let cells: Vec<String> = row
            .iter()
            .zip(&code_columns)
            .map(|(d, &code)| cell_text(d, code))
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows.push(Row {
            line: abs as usize + 1,
            cells,
        });
    }
    let width = u32::try_from(headers.len()).unwrap_or(u32::MAX);
    Ok(Table {
        headers,
        labels,
        header_line: header_abs as usize + 1,
        sheet: Some(SheetOrigin {
            name,
            index,
            columns: (left..left.saturating_add(width))
                .map(column_letter)
                .collect(),
        }),
        rows,
    })
}

/// Copies each merged region's top-left value into every cell it covers (within the grid).
fn fill_merged(grid: &mut [Vec<Data>], merged: &[Dimensions], (top, left): (u32, u32)) {
    for region in merged {
        let (Some(r0), Some(c0)) = (
            region.start.0.checked_sub(top),
            region.start.1.checked_sub(left),
        ) else {
            continue;
        };
        let (r0, c0) = (r0 as usize, c0 as usize);
        let Some(value) = grid.get(r0).and_then(|r| r.get(c0)).cloned() else {
            continue;
        };
        let r1 = (region.end.0 - top) as usize;
        let c1 = (region.end.1 - left) as usize;
        for row in grid.iter_mut().take(r1 + 1).skip(r0) {
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                if *cell == Data::Empty {
                    *cell = value.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Format as CellFormat, Workbook};

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    fn workbook() -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Data Balita").unwrap();
        sheet
            .merge_range(0, 0, 0, 3, "Jumlah balita 2022", &CellFormat::new())
            .unwrap();
        // Header in row 3, "Kode" merged over rows 3-4; data from row 5.
        sheet
            .merge_range(2, 0, 3, 0, "Kode", &CellFormat::new())
            .unwrap();
        sheet.write_string(2, 1, "Nama").unwrap();
        sheet.write_string(2, 2, "Jumlah Balita").unwrap();
        sheet.write_number(4, 0, 11.1).unwrap();
        sheet.write_string(4, 1, "Kabupaten Contoh 001").unwrap();
        sheet.write_number(4, 2, 150_000.0).unwrap();
        sheet.write_string(5, 0, "11.41").unwrap();
        sheet.write_string(5, 2, "12.345").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn the_header_is_found_below_a_title_and_merged_rows_are_skipped() {
        let bytes = workbook();
        let rule = |h: &[String]| h.iter().any(|k| k == "kode");
        let t = read_sheet(&bytes, None, &rule).unwrap();
        assert_eq!(t.header_line, 3);
        assert_eq!(t.headers, vec!["kode", "nama", "jumlah_balita"]);
        assert_eq!(t.labels[2], "Jumlah Balita");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line, 5);
        assert_eq!(
            t.rows[0].cells,
            vec!["11.10", "Kabupaten Contoh 001", "150000"]
        );
        assert_eq!(t.rows[1].cells, vec!["11.41", "", "12.345"]);
        let origin = t.sheet.unwrap();
        assert_eq!(origin.cell(2, 6).unwrap(), "'Data Balita'!C6");
    }

    #[test]
    fn an_unknown_sheet_names_the_sheets_that_exist() {
        let err = read_sheet(&workbook(), Some("Nope"), &|_| true).unwrap_err();
        match err {
            ModelError::Invalid { code, message } => {
                assert_eq!(code, "unknown_sheet");
                assert!(message.contains("'Data Balita'"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bytes_that_are_not_a_workbook_are_rejected() {
        let err = read_sheet(b"PK\x03\x04garbage", None, &|_| true).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "invalid_xlsx",
                ..
            }
        ));
    }
}
