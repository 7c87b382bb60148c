//! Reading one sheet of an Excel workbook (`.xlsx`, through `calamine`) into a [`Table`].
//!
//! A workbook is a ZIP archive of XML parts, so a file of a few kilobytes may declare a sheet of
//! 17 billion cells or inflate to gigabytes. Before calamine opens it, every XML part is
//! inflated once as a stream and refused past its size or count limit; the sheet is then read
//! cell by cell and refused at the first cell outside the row and column limits, so that memory
//! follows the cells present, never the area they claim.
//!
//! Ministry workbooks put a title above the header and merge header cells, so the header is
//! the first row that the caller's rule accepts (for data tables: a district id column and the
//! kind's value column), and a merged cell counts as its value in every cell it covers. Rows
//! covered by a merged header cell belong to the header. Numbers in numeric cells are written
//! out as plain text (`150000`, `21.6`) and then checked exactly as CSV text is; text cells are
//! taken as they are (decimal comma, `%` allowed, as in CSV).

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx};
use quick_xml::events::Event;
use zip::ZipArchive;

use super::table::{Limits, Row, SheetOrigin, Table, header_key};
use crate::error::ModelError;
use crate::message::Message;
use crate::sentences as s;

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
    Xlsx::new(Cursor::new(content)).map_err(|e| not_a_workbook(&e))
}

fn not_a_workbook(e: &dyn std::fmt::Display) -> ModelError {
    ModelError::invalid(
        "invalid_xlsx",
        s::NOT_A_WORKBOOK.with("detail", e.to_string()),
    )
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

/// Most XML elements in a workbook part other than a worksheet or the shared strings
/// (styles, workbook, relationships, theme). calamine keeps a record per style, font, sheet
/// and relationship; real workbooks hold a few thousand.
const MAX_PART_ELEMENTS: u64 = 500_000;

/// Most entries in the ZIP archive of a workbook (a real one has a dozen or two).
const MAX_ENTRIES: usize = 10_000;

/// Most table cells that merged regions may fill (a merged title or a province name merged
/// down its districts covers a few thousand at most).
const MAX_MERGED_CELLS: u64 = 100_000;

fn too_complex(message: Message) -> ModelError {
    ModelError::invalid("xlsx_too_complex", message)
}

/// A reader that counts the bytes it hands out.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Counts the elements of an XML stream (all of them, or those named `only`), stopping once
/// the count passes `stop`. Syntax errors end the count: calamine reports them later.
fn count_elements(reader: impl Read, only: Option<&str>, stop: u64) -> u64 {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    let mut buf = Vec::new();
    let mut count = 0;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e))
                if only.is_none_or(|name| e.local_name().as_ref() == name) =>
            {
                count += 1;
                if count > stop {
                    return count;
                }
            }
            Ok(Event::Eof) | Err(_) => return count,
            Ok(_) => {}
        }
    }
}

/// Checks the archive before calamine opens it: calamine inflates every part it reads whole
/// and keeps a record per shared string and per style, so a small file could otherwise ask
/// for gigabytes. Each XML part is inflated once here, as a stream, never past its limit.
fn check_archive(content: &[u8], limits: &Limits) -> Result<(), ModelError> {
    let mut archive = ZipArchive::new(Cursor::new(content)).map_err(|e| not_a_workbook(&e))?;
    if archive.len() > MAX_ENTRIES {
        return Err(too_complex(
            s::TOO_MANY_ENTRIES
                .with("count", archive.len())
                .with("limit", MAX_ENTRIES),
        ));
    }
    let cap = limits.max_xlsx_unzipped_bytes;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let mut part = Counted {
            inner: (&mut entry).take(cap.saturating_add(1)),
            bytes: 0,
        };
        let file = lower.rsplit('/').next().unwrap_or_default();
        let shared = file == "sharedstrings.xml";
        let elements = if shared {
            count_elements(&mut part, Some("si"), limits.max_xlsx_shared_strings as u64)
        } else if lower.contains("worksheets/") {
            // Read cell by cell later; only its size matters here.
            std::io::copy(&mut part, &mut std::io::sink()).unwrap_or(0);
            0
        } else {
            count_elements(&mut part, None, MAX_PART_ELEMENTS)
        };
        // Whatever the XML reader left unread still counts towards the size.
        std::io::copy(&mut part, &mut std::io::sink()).unwrap_or(0);
        if part.bytes > cap {
            return Err(ModelError::invalid(
                "xlsx_unzipped_too_large",
                s::PART_TOO_LARGE.with("part", name).with("limit", cap),
            ));
        }
        total += part.bytes;
        if total > cap.saturating_mul(4) {
            return Err(ModelError::invalid(
                "xlsx_unzipped_too_large",
                s::PARTS_TOO_LARGE.with("limit", cap.saturating_mul(4)),
            ));
        }
        if shared && elements > limits.max_xlsx_shared_strings as u64 {
            return Err(ModelError::invalid(
                "too_many_shared_strings",
                s::TOO_MANY_SHARED_STRINGS.with("limit", limits.max_xlsx_shared_strings),
            ));
        }
        if !shared && elements > MAX_PART_ELEMENTS {
            return Err(too_complex(
                s::TOO_MANY_ELEMENTS
                    .with("part", name)
                    .with("limit", MAX_PART_ELEMENTS),
            ));
        }
    }
    Ok(())
}

/// The non-blank cells of a sheet, read one at a time and refused at the first cell that
/// takes the used area past the limits (never a grid of the declared size).
struct Cells {
    /// Row → (column, value), rows in order.
    rows: BTreeMap<u32, Vec<(u32, Data)>>,
    top: u32,
    bottom: u32,
    left: u32,
    right: u32,
}

fn cell_name(row: u32, column: u32) -> String {
    format!("{}{}", column_letter(column), u64::from(row) + 1)
}

fn read_cells(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Option<Cells>, ModelError> {
    let unreadable = |e: calamine::XlsxError| {
        ModelError::invalid(
            "invalid_xlsx",
            s::SHEET_UNREADABLE
                .with("sheet", name)
                .with("detail", e.to_string()),
        )
    };
    let mut reader = workbook.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut cells: Option<Cells> = None;
    let max_rows = u64::try_from(limits.max_rows).unwrap_or(u64::MAX);
    let max_columns = u64::try_from(limits.max_columns).unwrap_or(u64::MAX);
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let value = cell.get_value();
        let blank = match value {
            DataRef::Empty => true,
            DataRef::String(s) => s.trim().is_empty(),
            DataRef::SharedString(s) => s.trim().is_empty(),
            _ => false,
        };
        if blank {
            continue;
        }
        let (row, column) = cell.get_position();
        let c = cells.get_or_insert_with(|| Cells {
            rows: BTreeMap::new(),
            top: row,
            bottom: row,
            left: column,
            right: column,
        });
        c.top = c.top.min(row);
        c.bottom = c.bottom.max(row);
        c.left = c.left.min(column);
        c.right = c.right.max(column);
        let width = u64::from(c.right - c.left) + 1;
        if width > max_columns {
            return Err(ModelError::invalid(
                "too_many_columns",
                s::SHEET_TOO_WIDE
                    .with("sheet", name)
                    .with("first", column_letter(c.left))
                    .with("last", column_letter(c.right))
                    .with("cell", cell_name(row, column))
                    .with("count", width)
                    .with("limit", limits.max_columns),
            ));
        }
        let height = u64::from(c.bottom - c.top) + 1;
        if height > max_rows.saturating_add(1) {
            return Err(ModelError::invalid(
                "too_many_rows",
                s::SHEET_TOO_LONG
                    .with("sheet", name)
                    .with("first", c.top + 1)
                    .with("last", c.bottom + 1)
                    .with("cell", cell_name(row, column))
                    .with("limit", limits.max_rows),
            ));
        }
        // A cell written twice keeps its last value (and costs one entry, not two).
        let line = c.rows.entry(row).or_default();
        let value = Data::from(value.clone());
        match line.iter_mut().find(|(col, _)| *col == column) {
            Some(cell) => cell.1 = value,
            None => line.push((column, value)),
        }
    }
    Ok(cells)
}

/// Reads the sheet `sheet` (default: the first) into a table; see the module docs.
///
/// # Errors
/// `invalid_xlsx`, `unknown_sheet` (the message names the sheets that exist), `empty_file`;
/// a limit: `xlsx_unzipped_too_large`, `too_many_shared_strings`, `xlsx_too_complex`,
/// `too_many_rows`, `too_many_columns`.
pub(crate) fn read_sheet(
    content: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&[String]) -> bool,
    limits: &Limits,
) -> Result<Table, ModelError> {
    check_archive(content, limits)?;
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
                    s::UNKNOWN_SHEET
                        .with("sheet", wanted)
                        .with("sheets", names.clone()),
                )
            })?,
    };
    let Some(name) = names.get(index).cloned() else {
        return Err(ModelError::invalid("empty_file", &s::NO_SHEETS));
    };
    let empty = || ModelError::invalid("empty_file", s::SHEET_EMPTY.with("sheet", name.as_str()));
    let cells = read_cells(&mut workbook, &name, limits)?.ok_or_else(empty)?;
    let merged = workbook
        .merge_cells_by_sheet_name(&name)
        .unwrap_or_default();
    let (top, left) = (cells.top, cells.left);
    let width = (cells.right - left) as usize + 1;
    // One entry per row of the used area; blank rows stay unallocated.
    let mut grid: Vec<Vec<Data>> = vec![Vec::new(); (cells.bottom - top) as usize + 1];
    for (row, values) in cells.rows {
        let line = &mut grid[(row - top) as usize];
        line.resize(width, Data::Empty);
        for (column, value) in values {
            line[(column - left) as usize] = value;
        }
    }
    fill_merged(&mut grid, &merged, (top, left), width)?;
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
        .ok_or_else(empty)?;
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
///
/// # Errors
/// `xlsx_too_complex` when the regions would fill more than [`MAX_MERGED_CELLS`] cells.
fn fill_merged(
    grid: &mut [Vec<Data>],
    merged: &[Dimensions],
    (top, left): (u32, u32),
    width: usize,
) -> Result<(), ModelError> {
    let height = grid.len();
    let mut filled = 0u64;
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
        // Clipped to the used area: a region may not grow the table.
        let r1 = (region.end.0.saturating_sub(top) as usize).min(height - 1);
        let c1 = (region.end.1.saturating_sub(left) as usize).min(width - 1);
        filled += ((r1 + 1).saturating_sub(r0) * (c1 + 1).saturating_sub(c0)) as u64;
        if filled > MAX_MERGED_CELLS {
            return Err(too_complex(
                s::TOO_MANY_MERGED_CELLS.with("limit", MAX_MERGED_CELLS),
            ));
        }
        for row in grid.iter_mut().take(r1 + 1).skip(r0) {
            if row.is_empty() {
                row.resize(width, Data::Empty);
            }
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                if *cell == Data::Empty {
                    *cell = value.clone();
                }
            }
        }
    }
    Ok(())
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
        let t = read_sheet(&bytes, None, &rule, &Limits::default()).unwrap();
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
        let err = read_sheet(&workbook(), Some("Nope"), &|_| true, &Limits::default()).unwrap_err();
        match err {
            ModelError::Invalid { code, message } => {
                assert_eq!(code, "unknown_sheet");
                assert!(message.to_string().contains("'Data Balita'"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    fn code_of(err: ModelError) -> (&'static str, String) {
        match err {
            ModelError::Invalid { code, message } => (code, message.to_string()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_sheet_wider_than_the_limit_is_refused_at_its_first_cell_outside() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for c in 1..=4 {
            sheet.write_string(0, c, "x").unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let limits = Limits {
            max_columns: 3,
            ..Limits::default()
        };
        let (code, message) = code_of(read_sheet(&bytes, None, &|_| true, &limits).unwrap_err());
        assert_eq!(code, "too_many_columns");
        assert!(message.contains("columns B to E (cell E1)"), "{message}");
    }

    #[test]
    fn merged_cells_filling_more_than_their_limit_are_refused() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet
            .merge_range(1, 0, 59_999, 1, "x", &CellFormat::new())
            .unwrap();
        sheet.write_string(60_000, 1, "y").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (code, _) =
            code_of(read_sheet(&bytes, None, &|_| true, &Limits::default()).unwrap_err());
        assert_eq!(code, "xlsx_too_complex");
    }

    #[test]
    fn bytes_that_are_not_a_workbook_are_rejected() {
        let err =
            read_sheet(b"PK\x03\x04garbage", None, &|_| true, &Limits::default()).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "invalid_xlsx",
                ..
            }
        ));
    }
}
