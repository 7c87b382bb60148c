//! Imports of Excel workbooks against the same table as CSV.

use rust_xlsxwriter::{Format as CellFormat, Workbook};

use super::*;

fn demo_db() -> (tempfile::TempDir, crate::db::DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let pool = crate::db::connect_and_migrate(&url).unwrap();
    let mut conn = pool.get().unwrap();
    crate::seed::sync_reference(&mut conn).unwrap();
    crate::seed::load_demo(&mut conn).unwrap();
    (dir, pool)
}

static TEST_ACTOR: std::sync::LazyLock<crate::audit::Actor> =
    std::sync::LazyLock::new(|| crate::audit::Actor::local("test"));

fn request(kind: DatasetKind, content: &[u8]) -> ImportRequest<'_> {
    ImportRequest {
        kind,
        year: Some(2023),
        source: Some("test"),
        indicator: None,
        format: None,
        content,
        demo: false,
        actor: &TEST_ACTOR,
        limits: super::Limits::default(),
        publish: Some(crate::dataset::PublishOptions::direct(true)),
    }
}

const CSV: &str =
    "kode;nama;prevalensi;se\n11.40;Kabupaten Contoh 001;23,4%;1,2\n11.41;;19.9;\n11.80;;12;0,8\n";

/// The CSV above as a ministry workbook: a merged title row, a blank row, the header in row 3
/// with "Prevalensi" merged over C3:C4, data from row 5; numbers as numeric cells and as text.
fn workbook(value_in_row_7: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = CellFormat::new();
    sheet
        .merge_range(0, 0, 0, 3, "Prevalensi stunting 2023", &plain)
        .unwrap();
    sheet.write_string(2, 0, "Kode").unwrap();
    sheet.write_string(2, 1, "Nama").unwrap();
    sheet.merge_range(2, 2, 3, 2, "Prevalensi", &plain).unwrap();
    sheet.write_string(2, 3, "SE").unwrap();
    sheet.write_string(4, 0, "11.40").unwrap();
    sheet.write_string(4, 1, "Kabupaten Contoh 001").unwrap();
    sheet.write_string(4, 2, "23,4%").unwrap();
    sheet.write_number(4, 3, 1.2).unwrap();
    sheet.write_string(5, 0, "11.41").unwrap();
    sheet.write_number(5, 2, 19.9).unwrap();
    sheet.write_string(6, 0, "11.80").unwrap();
    sheet.write_string(6, 2, value_in_row_7).unwrap();
    sheet.write_string(6, 3, "0,8").unwrap();
    let other = book.add_worksheet();
    other.set_name("Lain").unwrap();
    other.write_string(0, 0, "code").unwrap();
    other.write_string(0, 1, "prevalence").unwrap();
    other.write_string(1, 0, "11.40").unwrap();
    other.write_number(1, 1, 30.5).unwrap();
    book.save_to_buffer().unwrap()
}

fn values(conn: &mut DbConnection, d: &Dataset) -> Vec<(String, f64, Option<f64>)> {
    d.observations(conn)
        .unwrap()
        .into_iter()
        .map(|o| (o.region_code, o.value, o.se))
        .collect()
}

#[test]
fn a_workbook_imports_the_same_observations_as_the_csv() {
    let (_dir, pool) = demo_db();
    let mut conn = pool.get().unwrap();
    let from_csv = import(&mut conn, &request(DatasetKind::Stunting, CSV.as_bytes()))
        .unwrap()
        .dataset;
    let bytes = workbook("12");
    let from_xlsx = import(&mut conn, &request(DatasetKind::Stunting, &bytes)).unwrap();
    assert!(from_xlsx.created);
    assert_eq!(from_xlsx.dataset.row_count, 3);
    assert_eq!(
        values(&mut conn, &from_csv),
        values(&mut conn, &from_xlsx.dataset)
    );
    assert_eq!(
        values(&mut conn, &from_csv)[0],
        ("11.40".to_string(), 23.4, Some(1.2))
    );
    // The same bytes again: recognised, nothing written.
    let again = import(&mut conn, &request(DatasetKind::Stunting, &bytes)).unwrap();
    assert!(!again.created);
    // The second sheet is another dataset.
    let other = import_with_sheet(
        &mut conn,
        &request(DatasetKind::Stunting, &bytes),
        Some("Lain"),
    )
    .unwrap();
    assert!(other.created);
    assert_ne!(other.dataset.sha256, from_xlsx.dataset.sha256);
    assert_eq!(
        values(&mut conn, &other.dataset),
        vec![("11.40".to_string(), 30.5, None)]
    );
}

#[test]
fn a_bad_cell_is_named_as_excel_shows_it() {
    let (_dir, pool) = demo_db();
    let mut conn = pool.get().unwrap();
    let err = import(&mut conn, &request(DatasetKind::Stunting, &workbook("abc"))).unwrap_err();
    let ModelError::InvalidRows(rows) = err else {
        panic!("unexpected {err:?}")
    };
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].line, 7);
    assert_eq!(rows[0].field.as_deref(), Some("prevalence"));
    assert_eq!(rows[0].column.as_deref(), Some("Prevalensi"));
    assert_eq!(rows[0].cell.as_deref(), Some("Sheet1!C7"));
}

#[test]
fn an_unknown_sheet_is_rejected_with_the_sheets_that_exist() {
    let (_dir, pool) = demo_db();
    let mut conn = pool.get().unwrap();
    let err = import_with_sheet(
        &mut conn,
        &request(DatasetKind::Stunting, &workbook("12")),
        Some("Data"),
    )
    .unwrap_err();
    let ModelError::Invalid { code, message } = err else {
        panic!("unexpected {err:?}")
    };
    assert_eq!(code, "unknown_sheet");
    assert!(
        message.to_string().contains("'Sheet1', 'Lain'"),
        "{message}"
    );
}

#[test]
fn every_template_header_is_recognised_as_a_header_and_has_no_rows() {
    for kind in DatasetKind::ALL {
        let Some(headers) = template_headers(kind) else {
            continue;
        };
        let keys: Vec<String> = headers.iter().map(|h| (*h).to_string()).collect();
        assert!(is_header_for(kind, &keys), "{kind:?}");
        let csv = format!("{}\n", headers.join(","));
        let err = Table::parse(csv.as_bytes(), None).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "empty_file",
                ..
            }
        ));
    }
}
