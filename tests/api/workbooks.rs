use model::dataset::Dataset;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Twelve demo districts with a population each; row 11 (0-based 10) may be spoiled.
fn rows(bad_row: Option<usize>) -> Vec<(String, String)> {
    model::demo::DemoData::generate()
        .districts
        .iter()
        .take(12)
        .enumerate()
        .map(|(i, d)| {
            let value = if bad_row == Some(i) {
                "12.5".to_string()
            } else {
                (10_000 + 1_000 * i).to_string()
            };
            (d.code.clone(), value)
        })
        .collect()
}

fn csv_of(rows: &[(String, String)]) -> String {
    let mut out = String::from("code,name,jumlah_balita\n");
    for (code, value) in rows {
        out.push_str(&format!("{code},,{value}\n"));
    }
    out
}

/// A ministry-style workbook: a merged title in row 1, the header in row 3 with
/// "Jumlah Balita" merged over C2:C3, data from row 4 (so the 11th district is on row 14).
/// Values alternate numeric and text cells. A second sheet "Lain" holds one row.
fn workbook_of(rows: &[(String, String)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 0, 2, "Jumlah balita per kabupaten/kota", &plain)
        .unwrap();
    sheet.write_string(2, 0, "Kode").unwrap();
    sheet.write_string(2, 1, "Nama").unwrap();
    sheet
        .merge_range(1, 2, 2, 2, "Jumlah Balita", &plain)
        .unwrap();
    for (i, (code, value)) in rows.iter().enumerate() {
        let r = 3 + u32::try_from(i).unwrap();
        sheet.write_string(r, 0, code).unwrap();
        match value.parse::<f64>() {
            Ok(v) if i % 2 == 0 => sheet.write_number(r, 2, v).unwrap(),
            _ => sheet.write_string(r, 2, value).unwrap(),
        };
    }
    let other = book.add_worksheet();
    other.set_name("Lain").unwrap();
    other.write_string(0, 0, "code").unwrap();
    other.write_string(0, 1, "value").unwrap();
    other.write_string(1, 0, &rows[0].0).unwrap();
    other.write_number(1, 1, 777.0).unwrap();
    book.save_to_buffer().unwrap()
}

fn counts(app: &TestApp, id: i64) -> Vec<(String, f64)> {
    let mut conn = app.pool.get().unwrap();
    let dataset = Dataset::find(&mut conn, i32::try_from(id).unwrap()).unwrap();
    dataset
        .observations(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| (o.region_code, o.value))
        .collect()
}

#[actix_web::test]
async fn a_workbook_with_a_title_row_and_merged_header_imports_like_the_csv() {
    let app = spawn_app().await;
    let rows = rows(None);
    let (status, from_csv) = app
        .upload("kind=population&year=2023", "text/csv", csv_of(&rows))
        .await;
    assert_eq!(status, 201, "{from_csv}");
    // One workbook, sent twice below: a workbook's bytes carry its creation time.
    let workbook = workbook_of(&rows);
    let (status, from_xlsx) = app
        .upload("kind=population&year=2023", XLSX, workbook.clone())
        .await;
    assert_eq!(status, 201, "{from_xlsx}");
    assert_eq!(from_xlsx["dataset"]["row_count"], 12);
    assert_eq!(from_xlsx["dataset"]["indicator"], "under5");
    let (a, b) = (
        from_csv["dataset"]["id"].as_i64().unwrap(),
        from_xlsx["dataset"]["id"].as_i64().unwrap(),
    );
    assert_ne!(a, b);
    assert_eq!(counts(&app, a), counts(&app, b));
    assert_eq!(counts(&app, a).len(), 12);
    // Recognised by content even when sent as application/octet-stream.
    let (status, again) = app
        .upload(
            "kind=population&year=2023",
            "application/octet-stream",
            workbook,
        )
        .await;
    assert_eq!(status, 200, "identical bytes: {again}");
    assert_eq!(again["dataset"]["id"], b);
}

#[actix_web::test]
async fn a_bad_cell_is_reported_as_excel_shows_it() {
    let app = spawn_app().await;
    let (status, body) = app
        .upload(
            "kind=population&year=2023",
            XLSX,
            workbook_of(&rows(Some(10))),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "invalid_rows");
    let details = body["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{body}");
    assert_eq!(details[0]["cell"], "Sheet1!C14");
    assert_eq!(details[0]["line"], 14);
    assert_eq!(details[0]["column"], "Jumlah Balita");
    assert_eq!(details[0]["field"], "value");
    assert!(
        details[0]["message"].as_str().unwrap().contains("whole"),
        "{body}"
    );
}

#[actix_web::test]
async fn the_sheet_parameter_picks_a_named_sheet_and_an_unknown_one_is_422() {
    let app = spawn_app().await;
    let bytes = workbook_of(&rows(None));
    let (status, body) = app
        .upload("kind=population&year=2023&sheet=Lain", XLSX, bytes.clone())
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["row_count"], 1);
    let id = body["dataset"]["id"].as_i64().unwrap();
    assert_eq!(counts(&app, id)[0].1, 777.0);
    let (status, body) = app
        .upload("kind=population&year=2023&sheet=Data", XLSX, bytes)
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "unknown_sheet");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("'Sheet1'") && message.contains("'Lain'"),
        "{message}"
    );
}

#[actix_web::test]
async fn population_imports_take_an_indicator_and_reject_fractions_and_negatives() {
    let app = spawn_app().await;
    let (status, body) = app
        .upload(
            "kind=population&year=2023&indicator=total",
            "text/csv",
            "kode;populasi\n11.40;\"1.234.567\"\n",
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["kind"], "population");
    assert_eq!(body["dataset"]["indicator"], "total");
    let id = body["dataset"]["id"].as_i64().unwrap();
    assert_eq!(counts(&app, id), vec![("11.40".to_string(), 1_234_567.0)]);
    let (status, body) = app
        .upload(
            "kind=population&year=2023",
            "text/csv",
            "code,balita\n11.40,100\n11.41,-4\n11.42,3.5\n",
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let located: Vec<(u64, &str)> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_str().unwrap()))
        .collect();
    assert_eq!(located, vec![(3, "balita"), (4, "balita")]);
}

#[actix_web::test]
async fn the_demo_under5_population_is_loaded_at_first_start() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/datasets").await;
    let population: Vec<&Value> = body["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "population")
        .collect();
    assert_eq!(population.len(), 1);
    let d = population[0];
    assert_eq!(d["year"], 2022);
    assert_eq!(d["indicator"], "under5");
    assert_eq!(d["demo"], true);
    assert_eq!(d["row_count"], 514);
    assert!(d["source"].as_str().unwrap().contains("synthetic"));
    let mut conn = app.pool.get().unwrap();
    let (dataset, under5) = model::population::latest_under5(&mut conn, Some(2022))
        .unwrap()
        .unwrap();
    assert_eq!(Value::from(dataset.id), d["id"]);
    let total: i64 = under5.values().sum();
    assert!((21_000_000..=23_000_000).contains(&total), "{total}");
}
