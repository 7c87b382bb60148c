//! Hostile uploads (issue 17): workbooks that ask for gigabytes, comma floods, boundary files
//! that are no shapes. Every file is made here; none is committed.
// See: issue 17, items 1, 2 and 5.

use std::io::Write;

use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

use crate::helpers::{TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const COVARIATE: &str = "kind=covariate&year=2023&indicator=poverty";

/// Writes the inside of one XML part.
type PartWriter<'a> = &'a dyn Fn(&mut dyn Write);

/// A one-sheet workbook written part by part: `sheet_data` writes the inside of
/// `<sheetData>`, `shared` (when given) the inside of `<sst>`.
fn workbook(sheet_data: impl FnOnce(&mut dyn Write), shared: Option<PartWriter<'_>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let part = |zip: &mut zip::ZipWriter<_>, name: &str, text: &str| {
        zip.start_file(name, deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(
        &mut zip,
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    part(
        &mut zip,
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        &mut zip,
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        &mut zip,
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    sheet_data(&mut zip);
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    if let Some(shared) = shared {
        zip.start_file("xl/sharedStrings.xml", deflate).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#).unwrap();
        shared(&mut zip);
        zip.write_all(b"</sst>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An inline-string cell.
fn text_cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A covariate table of `codes` as rows 2.. under a `code`/`value` header.
fn covariate_rows(codes: &[String]) -> String {
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        text_cell("A1", "code"),
        text_cell("B1", "value")
    );
    for (i, code) in codes.iter().enumerate() {
        let r = i + 2;
        rows.push_str(&format!(
            r#"<row r="{r}">{}<c r="B{r}"><v>{}</v></c></row>"#,
            text_cell(&format!("A{r}"), code),
            i + 1
        ));
    }
    rows
}

/// Uploads, checks the refusal names the limit, and checks the server still answers.
async fn assert_refused(app: &TestApp, query: &str, body: Vec<u8>, code: &str, names: &str) {
    let (status, answer) = app.upload(query, XLSX, body).await;
    assert!(status == 413 || status == 422, "status {status}: {answer}");
    assert_eq!(answer["error"], code, "{answer}");
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(message.contains(names), "{message}");
    let (status, _) = app.get_json("/healthz").await;
    assert_eq!(status, 200, "the server lives on");
    assert!(
        app.stored_row_counts()
            .await
            .iter()
            .all(|(_, n, c)| *n == i64::from(*c))
    );
}

#[actix_web::test]
async fn a_workbook_with_cells_at_a1_and_xfd1048576_is_refused_and_the_server_lives() {
    // Arrange: 1.6 KB that once asked for a 550 GB grid.
    let app = spawn_app().await;
    let book = workbook(
        |w| {
            write!(
                w,
                r#"<row r="1">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
                text_cell("A1", "code")
            )
            .unwrap();
        },
        None,
    );

    // Act + Assert
    assert_refused(
        &app,
        COVARIATE,
        book,
        "too_many_columns",
        "LOKUS_MAX_IMPORT_COLUMNS",
    )
    .await;
}

#[actix_web::test]
async fn a_workbook_with_cells_at_a1_and_z1000000_is_refused_as_too_many_rows() {
    let app = spawn_app().await;
    let book = workbook(
        |w| {
            write!(
                w,
                r#"<row r="1">{}</row><row r="1000000"><c r="Z1000000"><v>1</v></c></row>"#,
                text_cell("A1", "code")
            )
            .unwrap();
        },
        None,
    );

    assert_refused(
        &app,
        COVARIATE,
        book,
        "too_many_rows",
        "LOKUS_MAX_IMPORT_ROWS",
    )
    .await;
}

#[actix_web::test]
async fn a_sheet_that_inflates_past_the_limit_is_refused_before_it_is_read() {
    // Arrange: one cell of 65 MiB of text (the limit is 64 MiB), about 65 KB once deflated.
    let app = spawn_app().await;
    let book = workbook(
        |w| {
            write!(w, r#"<row r="1"><c r="A1" t="inlineStr"><is><t>"#).unwrap();
            let chunk = vec![b'A'; 1 << 20];
            for _ in 0..65 {
                w.write_all(&chunk).unwrap();
            }
            write!(w, "</t></is></c></row>").unwrap();
        },
        None,
    );
    assert!(book.len() < 1 << 20, "{} bytes", book.len());

    assert_refused(
        &app,
        COVARIATE,
        book,
        "xlsx_unzipped_too_large",
        "LOKUS_MAX_XLSX_UNZIPPED_BYTES",
    )
    .await;
}

#[actix_web::test]
async fn a_workbook_with_more_shared_strings_than_the_limit_is_refused() {
    // Arrange: a valid table, and 1.5 million unused shared strings beside it.
    let app = spawn_app().await;
    let codes: Vec<String> = app.district_codes().await.into_iter().take(3).collect();
    let rows = covariate_rows(&codes);
    let book = workbook(
        |w| w.write_all(rows.as_bytes()).unwrap(),
        Some(&|w: &mut dyn Write| {
            let block = "<si><t>x</t></si>".repeat(10_000);
            for _ in 0..150 {
                w.write_all(block.as_bytes()).unwrap();
            }
        }),
    );

    assert_refused(
        &app,
        COVARIATE,
        book,
        "too_many_shared_strings",
        "LOKUS_MAX_XLSX_SHARED_STRINGS",
    )
    .await;
}

#[actix_web::test]
async fn a_workbook_of_1048576_rows_is_refused_as_too_many_rows() {
    // Refused before as well, but only after the whole sheet was held (584 MB); the peak RSS
    // is in BENCHMARKS.md (bench/hostile.sh).
    let app = spawn_app().await;
    let book = workbook(
        |w| {
            write!(w, r#"<row r="1">{}</row>"#, text_cell("A1", "code")).unwrap();
            // Rows without a number follow the one before (as Excel reads them).
            // The header and 16 × 65,536 − 1 rows: 1,048,576 in all, Excel's last row.
            let row = "<row><c><v>1</v></c></row>";
            let block = row.repeat(1 << 16);
            for _ in 0..15 {
                w.write_all(block.as_bytes()).unwrap();
            }
            w.write_all(&block.as_bytes()[row.len()..]).unwrap();
        },
        None,
    );

    assert_refused(
        &app,
        COVARIATE,
        book,
        "too_many_rows",
        "LOKUS_MAX_IMPORT_ROWS",
    )
    .await;
}

#[actix_web::test]
async fn a_valid_hand_made_workbook_still_imports() {
    // The workbooks above are refused for their size, not for being made by hand.
    let app = spawn_app().await;
    let codes: Vec<String> = app.district_codes().await.into_iter().take(3).collect();
    let rows = covariate_rows(&codes);
    let book = workbook(
        |w| w.write_all(rows.as_bytes()).unwrap(),
        Some(&|w: &mut dyn Write| w.write_all(b"<si><t>x</t></si>").unwrap()),
    );

    let (status, body) = app.upload(COVARIATE, XLSX, book).await;

    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["row_count"], 3);
}

#[actix_web::test]
async fn fifteen_megabytes_of_commas_are_refused_as_too_many_columns() {
    let app = spawn_app().await;

    let (status, body) = app
        .upload(COVARIATE, "text/csv", ",".repeat(15_000_000))
        .await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "too_many_columns", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("line 1"), "{message}");
    assert!(message.contains("LOKUS_MAX_IMPORT_COLUMNS"), "{message}");
}

#[actix_web::test]
async fn a_data_row_of_a_million_fields_is_refused_at_its_line() {
    let app = spawn_app().await;
    let csv = format!(
        "code,value\r\n11.40,1\r\n11.41,2{}\r\n",
        ",".repeat(1_000_000)
    );

    let (status, body) = app.upload(COVARIATE, "text/csv", csv).await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "too_many_columns", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("line 3"), "{message}");
}

#[actix_web::test]
async fn a_crlf_file_reports_the_bad_row_at_its_file_line() {
    // Excel on Windows saves CRLF; the row on line 9 must be called line 9.
    let app = spawn_app().await;
    let codes: Vec<String> = app.district_codes().await.into_iter().take(8).collect();
    let mut csv = "\u{feff}code,value\r\n".to_string();
    for (i, code) in codes[..7].iter().enumerate() {
        csv.push_str(&format!("{code},{i}\r\n"));
    }
    csv.push_str(&format!("{},abc\r\n", codes[7]));

    let (status, body) = app.upload(COVARIATE, "text/csv", csv).await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"][0]["line"], 9, "{body}");
}

/// A square ring around (lon, lat), 0.1° wide, closed.
fn square(lon: f64, lat: f64) -> Value {
    json!([[
        [lon, lat],
        [lon + 0.1, lat],
        [lon + 0.1, lat + 0.1],
        [lon, lat + 0.1],
        [lon, lat]
    ]])
}

fn feature(code: &str, geometry_type: &str, coordinates: Value) -> Value {
    json!({"type": "Feature", "properties": {"kemendagri_code": code},
           "geometry": {"type": geometry_type, "coordinates": coordinates}})
}

#[actix_web::test]
async fn boundary_features_that_are_no_shapes_are_refused_by_feature_and_district() {
    // Arrange: five broken features and one sound one.
    let app = spawn_app().await;
    let codes = app.district_codes().await;
    let features = vec![
        // 1: a bow tie, its edges crossing at (95.5, 5.5).
        feature(
            &codes[0],
            "Polygon",
            json!([[
                [95.0, 5.0],
                [96.0, 6.0],
                [96.0, 5.0],
                [95.0, 6.0],
                [95.0, 5.0]
            ]]),
        ),
        // 2: a ring of two positions that never closes.
        feature(&codes[1], "Polygon", json!([[[95.0, 5.0], [96.0, 5.0]]])),
        // 3: coordinates at the edge of f64.
        feature(
            &codes[2],
            "Polygon",
            json!([[
                [-1e308, -1e308],
                [1e308, -1e308],
                [1e308, 1e308],
                [-1e308, -1e308]
            ]]),
        ),
        // 4: a sound square in Europe.
        feature(&codes[3], "Polygon", square(10.0, 50.0)),
        // 5: a MultiPolygon whose second part is a bow tie.
        feature(
            &codes[4],
            "MultiPolygon",
            json!([
                square(100.0, -1.0),
                [[
                    [101.0, 0.0],
                    [102.0, 1.0],
                    [102.0, 0.0],
                    [101.0, 1.0],
                    [101.0, 0.0]
                ]]
            ]),
        ),
        // 6: sound.
        feature(&codes[5], "Polygon", square(110.0, -7.0)),
    ];
    let geo = json!({"type": "FeatureCollection", "features": features}).to_string();

    // Act
    let (status, body) = app
        .upload("kind=boundaries", "application/geo+json", geo)
        .await;

    // Assert
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_rows", "{body}");
    let details = body["details"].as_array().unwrap();
    let lines: Vec<u64> = details
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5], "{body}");
    for (d, code) in details.iter().zip(&codes) {
        let message = d["message"].as_str().unwrap();
        assert!(message.contains(code.as_str()), "{message}");
        assert_eq!(d["field"], "geometry");
    }
    let said = |i: usize| details[i]["message"].as_str().unwrap().to_lowercase();
    assert!(said(0).contains("intersect"), "{}", said(0));
    assert!(said(1).contains("4 positions"), "{}", said(1));
    assert!(said(2).contains("longitude"), "{}", said(2));
    assert!(said(3).contains("indonesia"), "{}", said(3));
    assert!(said(4).contains("polygon 2"), "{}", said(4));
    let (status, _) = app.get_json("/api/v1/boundaries").await;
    assert_eq!(status, 404, "nothing was written");
}
