//! CSV downloads of district lists in two locales.
//!
//! `en` (the default) is the file other systems read: comma separated, decimal point, the
//! column names of the JSON fields, `true`/`false`. `id` is the file people open in Excel set
//! to Indonesian: that Excel splits on `;` and reads `14,05` as a number (its list separator
//! and decimal mark), and it reads a CSV as UTF-8 only when the file starts with a byte order
//! mark (otherwise it uses the Windows code page and garbles every non-ASCII letter), so the
//! `id` file starts with a BOM, separates with `;`, writes a decimal comma, and has Indonesian
//! headers and `ya`/`tidak`. That Excel would also read a code such as `11.47` as the time 11:47
//! (`.` separates hours and minutes in Indonesian) and `12/2025` as a date, so in `id` a text
//! cell made only of digits and `. , / - :` is written as the formula `="11.47"`, which Excel
//! shows as that text (inert: it holds no letters). Codes (`top_k`, `certain_in`, …) are the
//! same in both.
//!
//! In both, every number is rounded to the decimals its column states ([`Column::decimals`]),
//! half away from zero, as Excel's ROUND does: see [`round_decimal`].

use serde::Serialize;

use crate::adoption::OfficialList;
use crate::scenario::{DistrictResult, wire_name};

/// The locale of a CSV download (`?locale=`; an unknown value is 400 `invalid_locale`).
///
/// `en` (default): comma separated, decimal point, the JSON field names as headers,
/// `true`/`false`. `id`: for Excel set to Indonesian, which splits on `;`, reads a decimal comma
/// and reads UTF-8 only after a byte order mark: the file starts with a UTF-8 BOM, is `;`
/// separated, writes `14,05`, has Indonesian headers and `ya`/`tidak`, writes a text cell Excel
/// would read as a time, date or number (a code such as `11.47`) as `="11.47"`, and downloads as
/// `…-id.csv`. Codes (`top_k`, `certain_in`, …) are the same in both. In both, numbers are
/// rounded half away from zero (as Excel's ROUND) to the decimals `GET /api/v1/indicators`
/// states in `decimals`, trailing zeros dropped: per cent values, their standard errors and
/// changes and the Indeks SPBE to 2, `score` and `margin` to 6, `p_selected` to 4, rank
/// percentiles to 1, ranks and counts of people to 0 (14.049999999999956 is written `14.05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvLocale {
    /// Comma separated, decimal point, the JSON field names as headers (the default).
    #[default]
    En,
    /// For Excel in an Indonesian locale: UTF-8 BOM, `;` separated, decimal comma, Indonesian
    /// headers, `ya`/`tidak`.
    Id,
}

impl CsvLocale {
    /// The locale named `en` or `id`; `None` for any other name.
    pub fn parse(name: &str) -> Option<CsvLocale> {
        match name {
            "en" => Some(CsvLocale::En),
            "id" => Some(CsvLocale::Id),
            _ => None,
        }
    }

    /// Its name in `?locale=`.
    pub fn as_str(self) -> &'static str {
        match self {
            CsvLocale::En => "en",
            CsvLocale::Id => "id",
        }
    }
}

/// One column of a CSV download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its header in `en`: the name of the JSON field it holds.
    pub name: &'static str,
    /// Its header in `id`.
    pub header_id: &'static str,
    /// For a number, the decimals it is rounded to (0: a whole number); `None` for text.
    pub decimals: Option<u8>,
}

const fn text(name: &'static str, header_id: &'static str) -> Column {
    Column {
        name,
        header_id,
        decimals: None,
    }
}

const fn number(name: &'static str, header_id: &'static str, decimals: u8) -> Column {
    Column {
        name,
        header_id,
        decimals: Some(decimals),
    }
}

/// The columns of a district list, in order. Per cent values, their standard errors and
/// changes, and the Indeks SPBE to 2 decimals (the surveys publish 1 or 2); scores and margins
/// to 6 (enough to tell any two neighbours of a ranking apart); the share of draws selecting a
/// district to 4; rank percentiles to 1; counts of people whole.
pub const DISTRICT_COLUMNS: [Column; 29] = [
    number("rank", "Peringkat", 0),
    text("code", "Kode Kemendagri"),
    text("bps_code", "Kode BPS"),
    text("name", "Kabupaten/Kota"),
    text("kind", "Jenis"),
    text("province_code", "Kode Provinsi"),
    text("province_name", "Provinsi"),
    number("stunting_prevalence", "Prevalensi Stunting (%)", 2),
    number("stunting_se", "Galat Baku Stunting (poin %)", 2),
    text("stunting_band", "Kategori Prevalensi"),
    text("stunting_method", "Metode Estimasi"),
    number("spbe_index", "Indeks SPBE", 2),
    text("spbe_predicate", "Predikat SPBE"),
    number("score", "Skor", 6),
    text("selected", "Terpilih"),
    text("reason", "Alasan"),
    number("margin", "Selisih dari Batas Skor", 6),
    text("selection_basis", "Dasar Pemilihan"),
    number("data_rank", "Peringkat Data", 0),
    text("decision_reason", "Keterangan"),
    number("p_selected", "Peluang Terpilih (0-1)", 4),
    number("rank_p05", "Peringkat Persentil 5", 1),
    number("rank_median", "Peringkat Median", 1),
    number("rank_p95", "Peringkat Persentil 95", 1),
    text("band", "Kepastian"),
    number("under5_population", "Jumlah Balita", 0),
    number("stunted_children", "Perkiraan Balita Stunting", 0),
    number("stunting_change", "Perubahan Stunting (poin %)", 2),
    text("demo", "Data Demo"),
];

/// The columns of an adopted list, in order (the decision on every row).
pub const OFFICIAL_COLUMNS: [Column; 14] = [
    number("rank", "No", 0),
    text("code", "Kode Kemendagri"),
    text("bps_code", "Kode BPS"),
    text("name", "Kabupaten/Kota"),
    text("province_code", "Kode Provinsi"),
    text("province", "Provinsi"),
    text("selection_basis", "Dasar Pemilihan"),
    number("data_rank", "Peringkat Data", 0),
    text("reason", "Keterangan"),
    text("programme", "Program"),
    number("year", "Tahun", 0),
    number("run_id", "Run", 0),
    text("decision_number", "Nomor Keputusan"),
    text("decision_date", "Tanggal Keputusan"),
];

/// The decimals of every numeric column of a district list, by column name.
pub fn column_decimals() -> std::collections::BTreeMap<String, u8> {
    DISTRICT_COLUMNS
        .iter()
        .filter_map(|c| Some((c.name.to_string(), c.decimals?)))
        .collect()
}

/// A text cell that a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading apostrophe (OWASP's advice for CSV
/// injection). Only text columns pass through here; numbers stay numbers.
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// `value` rounded to `decimals` places, half away from zero, trailing zeros dropped.
///
/// The rounding works on the shortest decimal that reads back as `value` (the one JSON shows),
/// not on its binary expansion, so it gives what a person (or Excel's ROUND) gets from the
/// number as written: 14.049999999999956 → `14.05`, 2.675 → `2.68` (Rust's `{:.2}` gives
/// `2.67`, 2.675 being 2.67499999… in binary), 10.125 → `10.13`, −0.125 → `-0.13`,
/// 21.6 → `21.6`, −0.001 → `0`. Not finite: an empty cell.
pub fn round_decimal(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // `Display` of an f64 is its shortest round-trip decimal, never in exponent notation.
    let written = value.abs().to_string();
    let (whole, fraction) = written.split_once('.').unwrap_or((&written, ""));
    let mut digits: Vec<u8> = whole
        .bytes()
        .chain(
            fraction
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(decimals),
        )
        .map(|b| b - b'0')
        .collect();
    if fraction
        .as_bytes()
        .get(decimals)
        .is_some_and(|d| *d >= b'5')
    {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - decimals;
    let char_of = |d: &u8| char::from(b'0' + d);
    let mut out: String = digits[..split].iter().map(char_of).collect();
    let fraction: String = digits[split..].iter().map(char_of).collect();
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if value < 0.0 && digits.iter().any(|d| *d != 0) {
        out.insert(0, '-');
    }
    out
}

/// One cell of a row, before the locale writes it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Number(Option<f64>),
    Flag(bool),
}

fn whole(n: impl TryInto<i64>) -> Cell {
    Cell::Number(n.try_into().ok().map(|n: i64| n as f64))
}

fn text_of(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn code_of<T: Serialize>(value: &T) -> Cell {
    Cell::Text(wire_name(value))
}

/// True for text Excel set to Indonesian would turn into a number, a date or a time.
fn looks_like_a_value(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '/' | '-' | ':' | ' '))
}

fn write_cell(cell: &Cell, column: &Column, locale: CsvLocale) -> String {
    match cell {
        Cell::Text(s) if locale == CsvLocale::Id && looks_like_a_value(s) => format!("=\"{s}\""),
        Cell::Text(s) => text_cell(s),
        Cell::Number(None) => String::new(),
        Cell::Number(Some(x)) => {
            let rounded = round_decimal(*x, column.decimals.unwrap_or(0).into());
            match locale {
                CsvLocale::En => rounded,
                CsvLocale::Id => rounded.replace('.', ","),
            }
        }
        Cell::Flag(b) => match (locale, b) {
            (CsvLocale::En, b) => b.to_string(),
            (CsvLocale::Id, true) => "ya".into(),
            (CsvLocale::Id, false) => "tidak".into(),
        },
    }
}

/// Writes a header row and the rows in `locale`.
fn write_table<const N: usize>(
    locale: CsvLocale,
    columns: &[Column; N],
    rows: impl IntoIterator<Item = [Cell; N]>,
) -> String {
    let delimiter = match locale {
        CsvLocale::En => b',',
        CsvLocale::Id => b';',
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let _ = w.write_record(columns.iter().map(|c| match locale {
        CsvLocale::En => c.name,
        CsvLocale::Id => c.header_id,
    }));
    for row in rows {
        let _ = w.write_record(
            row.iter()
                .zip(columns)
                .map(|(cell, column)| write_cell(cell, column, locale)),
        );
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    match locale {
        CsvLocale::En => body,
        CsvLocale::Id => format!("\u{feff}{body}"),
    }
}

/// Writes districts as CSV in `locale` ([`DISTRICT_COLUMNS`]); demo data is flagged in the last
/// column, `demo`, so a spreadsheet keeps it with every row.
pub fn districts_csv<'a>(
    districts: impl IntoIterator<Item = &'a DistrictResult>,
    demo: bool,
    locale: CsvLocale,
) -> String {
    let rows = districts.into_iter().map(|d| {
        [
            whole(d.rank),
            text_of(&d.code),
            text_of(&d.bps_code),
            text_of(&d.name),
            text_of(&d.kind),
            text_of(&d.province_code),
            text_of(&d.province_name),
            Cell::Number(Some(d.stunting_prevalence)),
            Cell::Number(d.stunting_se),
            d.stunting_band.map_or(text_of(""), |b| code_of(&b)),
            text_of(d.stunting_method.as_deref().unwrap_or_default()),
            Cell::Number(Some(d.spbe_index)),
            text_of(&d.spbe_predicate),
            Cell::Number(Some(d.score)),
            Cell::Flag(d.selected),
            code_of(&d.explanation.reason),
            Cell::Number(Some(d.explanation.margin)),
            code_of(&d.selection_basis),
            whole(d.data_rank),
            text_of(d.reason.as_deref().unwrap_or_default()),
            Cell::Number(d.p_selected),
            Cell::Number(d.rank_p05),
            Cell::Number(d.rank_median),
            Cell::Number(d.rank_p95),
            d.band.flatten().map_or(text_of(""), |b| code_of(&b)),
            Cell::Number(d.under5_population.map(|n| n as f64)),
            Cell::Number(d.stunted_children),
            Cell::Number(d.stunting_change),
            Cell::Flag(demo),
        ]
    });
    write_table(locale, &DISTRICT_COLUMNS, rows)
}

/// Writes an adopted list as CSV in `locale` ([`OFFICIAL_COLUMNS`]): one row per district,
/// the decision repeated on each row so that a row copied elsewhere still says where it
/// comes from.
pub fn official_csv(list: &OfficialList, locale: CsvLocale) -> String {
    let a = &list.adoption;
    let rows = list.districts.iter().map(|d| {
        [
            whole(d.rank),
            text_of(&d.code),
            text_of(&d.bps_code),
            text_of(&d.name),
            text_of(&d.province_code),
            text_of(&d.province),
            code_of(&d.selection_basis),
            whole(d.data_rank),
            text_of(d.reason.as_deref().unwrap_or_default()),
            text_of(&a.programme),
            whole(a.year),
            whole(a.run_id),
            text_of(&a.decision_number),
            text_of(&a.decision_date),
        ]
    });
    write_table(locale, &OFFICIAL_COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_half_away_from_zero_on_the_decimal_as_written() {
        for (value, decimals, expected) in [
            (14.049999999999956, 2, "14.05"),
            (2.675, 2, "2.68"),
            (10.125, 2, "10.13"),
            (-0.125, 2, "-0.13"),
            (0.125, 2, "0.13"),
            (21.6, 2, "21.6"),
            (21.0, 2, "21"),
            (9.995, 2, "10"),
            (99.96, 1, "100"),
            (-0.001, 2, "0"),
            (0.0, 6, "0"),
            (0.6123456789, 6, "0.612346"),
            (1e-7, 6, "0"),
            (5e-7, 6, "0.000001"),
            (12.45, 1, "12.5"),
            (1234.5, 0, "1235"),
            (-1234.5, 0, "-1235"),
            (0.9995, 4, "0.9995"),
            (0.99995, 4, "1"),
        ] {
            assert_eq!(
                round_decimal(value, decimals),
                expected,
                "{value} to {decimals}"
            );
        }
        assert_eq!(round_decimal(f64::NAN, 2), "");
    }

    #[test]
    fn locales_are_en_and_id_only() {
        assert_eq!(CsvLocale::parse("en"), Some(CsvLocale::En));
        assert_eq!(CsvLocale::parse("id"), Some(CsvLocale::Id));
        for other in ["", "ID", "id-ID", "fr", "in"] {
            assert_eq!(CsvLocale::parse(other), None, "{other}");
        }
    }

    #[test]
    fn every_column_has_an_indonesian_header_and_numbers_state_their_decimals() {
        let units = crate::indicator::column_units();
        for column in DISTRICT_COLUMNS {
            assert!(!column.header_id.is_empty(), "{}", column.name);
            assert_eq!(
                column.decimals.is_some(),
                units.contains_key(column.name),
                "{}: a number has a unit and decimals, text neither",
                column.name
            );
        }
    }

    #[test]
    fn the_id_locale_writes_a_bom_semicolons_and_decimal_commas() {
        let rows = [[
            Cell::Number(Some(14.049999999999956)),
            Cell::Text("Kota; Contoh".into()),
            Cell::Flag(true),
            Cell::Text("11.47".into()),
            Cell::Text("-1".into()),
        ]];
        let columns = [
            number("x", "Nilai", 2),
            text("t", "Teks"),
            text("f", "Bendera"),
            text("c", "Kode"),
            text("m", "Minus"),
        ];
        // A code Excel would read as a time is kept as text by an inert formula.
        assert_eq!(
            write_table(CsvLocale::Id, &columns, rows.clone()),
            "\u{feff}Nilai;Teks;Bendera;Kode;Minus\n\
             14,05;\"Kota; Contoh\";ya;\"=\"\"11.47\"\"\";\"=\"\"-1\"\"\"\n"
        );
        assert_eq!(
            write_table(CsvLocale::En, &columns, rows),
            "x,t,f,c,m\n14.05,Kota; Contoh,true,11.47,'-1\n"
        );
    }
}
