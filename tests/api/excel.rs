use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use model::demo::DemoData;

use crate::helpers::{Options, spawn_app, spawn_app_with};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A downloaded workbook: its bytes, and each sheet's cells as a grid.
struct Book {
    bytes: Vec<u8>,
    sheets: Vec<(String, Vec<Vec<Data>>)>,
}

impl Book {
    fn read(bytes: Vec<u8>) -> Book {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone()))
            .expect("a workbook calamine can read");
        let names = book.sheet_names();
        let sheets = names
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).expect("sheet");
                // Absolute rows from A1, so row 0 is the first row of the sheet.
                let (height, width) = range
                    .end()
                    .map_or((0, 0), |(r, c)| (r as usize + 1, c as usize + 1));
                let grid = (0..height)
                    .map(|r| {
                        (0..width)
                            .map(|c| {
                                range
                                    .get_value((r as u32, c as u32))
                                    .cloned()
                                    .unwrap_or(Data::Empty)
                            })
                            .collect()
                    })
                    .collect();
                (name, grid)
            })
            .collect();
        Book { bytes, sheets }
    }

    fn sheet(&self, name: &str) -> &Vec<Vec<Data>> {
        &self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
            .1
    }

    /// The XML of a part of the package (e.g. `xl/worksheets/sheet1.xml`).
    fn part(&self, path: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(&self.bytes)).expect("zip");
        let mut text = String::new();
        archive
            .by_name(path)
            .expect("part")
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    }
}

/// Asserts that a cell holds exactly the JSON value: numbers as numbers, booleans as
/// booleans, text as text, null as an empty cell.
fn assert_cell(cell: &Data, value: &Value, what: &str) {
    match value {
        Value::Null => assert_eq!(cell, &Data::Empty, "{what}"),
        Value::Bool(b) => assert_eq!(cell, &Data::Bool(*b), "{what}"),
        Value::String(s) => assert_eq!(cell, &Data::String(s.clone()), "{what}"),
        Value::Number(n) => match cell {
            Data::Float(f) => assert_eq!(*f, n.as_f64().unwrap(), "{what}"),
            Data::Int(i) => assert_eq!(*i as f64, n.as_f64().unwrap(), "{what}"),
            other => panic!("{what}: expected the number {n}, found {other:?}"),
        },
        other => panic!("{what}: unexpected JSON {other}"),
    }
}

/// The JSON pointer into a district of each district-sheet column.
fn pointer(column: &str) -> String {
    match column {
        "reason" => "/explanation/reason".into(),
        "margin" => "/explanation/margin".into(),
        "decision_reason" => "/reason".into(),
        "explanation" => "/explanation/text".into(),
        other => format!("/{other}"),
    }
}

/// Checks a `districts` sheet (after `first_row` rows of warning) against JSON districts.
fn assert_districts(grid: &[Vec<Data>], first_row: usize, districts: &[Value]) {
    let header: Vec<String> = grid[first_row].iter().map(ToString::to_string).collect();
    for needed in [
        "rank",
        "code",
        "stunting_prevalence",
        "stunting_method",
        "spbe_index",
        "score",
        "selected",
    ] {
        assert!(
            header.iter().any(|h| h == needed),
            "no column {needed} in {header:?}"
        );
    }
    let rows = &grid[first_row + 1..];
    assert_eq!(rows.len(), districts.len(), "one row per district");
    for (row, district) in rows.iter().zip(districts) {
        for (cell, column) in row.iter().zip(&header) {
            let value = district
                .pointer(&pointer(column))
                .cloned()
                .unwrap_or(Value::Null);
            assert_cell(cell, &value, &format!("{} {column}", district["code"]));
        }
    }
}

/// The value next to `key` in column A of the scenario sheet (first occurrence after `from`).
fn fact<'a>(grid: &'a [Vec<Data>], key: &str, from: usize) -> &'a Data {
    grid.iter()
        .skip(from)
        .find(|row| matches!(row.first(), Some(Data::String(s)) if s == key))
        .map(|row| &row[1])
        .unwrap_or_else(|| panic!("no row {key}"))
}

/// Checks the datasets table of a scenario sheet block starting at `from`.
fn assert_datasets(grid: &[Vec<Data>], from: usize, datasets: &[Value]) {
    let header_row = grid
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, row)| matches!(row.first(), Some(Data::String(s)) if s == "datasets"))
        .map(|(i, _)| i + 1)
        .expect("datasets table");
    assert_eq!(grid[header_row][0].to_string(), "id");
    let header: Vec<String> = grid[header_row].iter().map(ToString::to_string).collect();
    for (row, dataset) in grid[header_row + 1..].iter().zip(datasets) {
        for (cell, column) in row.iter().zip(&header).filter(|(_, h)| !h.is_empty()) {
            assert_cell(
                cell,
                &dataset[column.as_str()],
                &format!("dataset {column}"),
            );
        }
        assert_eq!(
            row[5].to_string().len(),
            64,
            "the sha256 column holds a hex digest"
        );
    }
}

async fn download(app: &crate::helpers::TestApp, path: &str) -> reqwest::Response {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        XLSX,
        "{path}"
    );
    response
}

#[actix_web::test]
async fn the_shortlist_downloads_as_a_workbook_whose_every_value_matches_the_json() {
    let app = spawn_app().await;
    let (status, json) = app.get_json("/api/v1/shortlist?k=12&draws=200").await;
    assert_eq!(status, 200);
    let shortlist = &json["shortlist"];
    let response = download(&app, "/api/v1/shortlist?k=12&draws=200&format=xlsx").await;
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("lokus-shortlist.xlsx"),
        "{disposition}"
    );
    let book = Book::read(response.bytes().await.unwrap().to_vec());
    assert_eq!(book.sheets[0].0, "districts");
    assert_eq!(book.sheets[1].0, "scenario");

    // Demo data: the warning is the first row of both sheets.
    let districts = book.sheet("districts");
    assert!(
        districts[0][0].to_string().contains("DEMO"),
        "{:?}",
        districts[0]
    );
    assert_districts(districts, 1, shortlist["districts"].as_array().unwrap());

    let scenario = book.sheet("scenario");
    assert!(scenario[0][0].to_string().contains("DEMO"));
    assert_cell(
        fact(scenario, "fingerprint", 0),
        &shortlist["fingerprint"],
        "fingerprint",
    );
    assert_cell(fact(scenario, "demo", 0), &json!(true), "demo");
    assert_cell(fact(scenario, "params.k", 0), &json!(12), "k");
    assert_cell(
        fact(scenario, "params.weights.stunting", 0),
        &shortlist["params"]["weights"]["stunting"],
        "weight",
    );
    assert_cell(
        fact(scenario, "params.uncertainty.draws", 0),
        &json!(200),
        "draws",
    );
    assert_datasets(scenario, 0, shortlist["datasets"].as_array().unwrap());

    // Header frozen under the warning row, a filter over header and rows, percentages formatted.
    let sheet = book.part("xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"ySplit="2""#) && sheet.contains(r#"state="frozen""#),
        "{sheet}"
    );
    let last = 2 + shortlist["districts"].as_array().unwrap().len();
    assert!(sheet.contains(r#"<autoFilter ref="A2:"#), "filter");
    assert!(
        sheet.contains(&format!(":AG{last}\"")),
        "filter to the last row {last}"
    );
    let styles = book.part("xl/styles.xml");
    assert!(
        styles.contains("0.0&quot;%&quot;") && styles.contains("0.0%"),
        "{styles}"
    );
}

#[actix_web::test]
async fn a_saved_run_downloads_as_a_workbook_by_accept_header() {
    let app = spawn_app().await;
    let (status, run) = app.post_ranking(&json!({"k": 9, "method": "need"})).await;
    assert_eq!(status, 201);
    let ranking = &run["ranking"];
    let id = ranking["id"].as_i64().unwrap();
    let response = app
        .get_with(&format!("/api/v1/rankings/{id}"), "Accept", XLSX)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"].to_str().unwrap(), XLSX);
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.contains(&format!("lokus-ranking-{id}.xlsx")));
    let book = Book::read(response.bytes().await.unwrap().to_vec());
    // A saved run holds every joined district, selected or not.
    assert_districts(
        book.sheet("districts"),
        1,
        ranking["districts"].as_array().unwrap(),
    );
    let scenario = book.sheet("scenario");
    assert_cell(fact(scenario, "id", 0), &json!(id), "id");
    assert_cell(
        fact(scenario, "created_at", 0),
        &ranking["created_at"],
        "created_at",
    );
    assert_cell(
        fact(scenario, "fingerprint", 0),
        &ranking["fingerprint"],
        "fingerprint",
    );
    assert_cell(fact(scenario, "params.method", 0), &json!("need"), "method");
    assert_datasets(scenario, 0, ranking["datasets"].as_array().unwrap());
    // `?format=xlsx` gives the same sheets as the Accept header.
    let by_query = download(&app, &format!("/api/v1/rankings/{id}?format=xlsx")).await;
    let again = Book::read(by_query.bytes().await.unwrap().to_vec());
    assert!(again.sheets == book.sheets, "the same cells either way");
}

#[actix_web::test]
async fn a_diff_downloads_as_a_workbook_of_changes_and_both_runs() {
    let app = spawn_app().await;
    let (_, a) = app.post_ranking(&json!({"k": 10})).await;
    let (_, b) = app.post_ranking(&json!({"k": 10, "method": "need"})).await;
    let (ia, ib) = (
        a["ranking"]["id"].as_i64().unwrap(),
        b["ranking"]["id"].as_i64().unwrap(),
    );
    let (status, json) = app
        .get_json(&format!("/api/v1/rankings/{ia}/diff/{ib}"))
        .await;
    assert_eq!(status, 200);
    let diff = &json["diff"];
    let response = download(
        &app,
        &format!("/api/v1/rankings/{ia}/diff/{ib}?format=xlsx"),
    )
    .await;
    let book = Book::read(response.bytes().await.unwrap().to_vec());
    let changes = book.sheet("changes");
    assert!(changes[0][0].to_string().contains("DEMO"));
    let header: Vec<String> = changes[1].iter().map(ToString::to_string).collect();
    // Every district of entered, left and rank_changes appears once, with its status.
    let mut expected: Vec<(String, &Value)> = Vec::new();
    for (list, status) in [
        ("entered", "entered"),
        ("left", "left"),
        ("rank_changes", "moved"),
    ] {
        for change in diff[list].as_array().unwrap() {
            let code = change["code"].as_str().unwrap().to_string();
            if !expected.iter().any(|(c, _)| *c == code) {
                expected.push((code, change));
                let row = &changes[1 + expected.len()];
                for (cell, column) in row.iter().zip(&header) {
                    let value = if column == "status" {
                        json!(status)
                    } else {
                        change[column.as_str()].clone()
                    };
                    assert_cell(cell, &value, &format!("{} {column}", change["code"]));
                }
            }
        }
    }
    assert!(!expected.is_empty(), "two methods give different lists");
    assert_eq!(changes.len(), 2 + expected.len());
    let scenario = book.sheet("scenario");
    let second = scenario
        .iter()
        .position(|row| row[0].to_string() == format!("run {ib}"))
        .expect("a block for the later run");
    assert_cell(
        fact(scenario, "fingerprint", 0),
        &diff["from"]["fingerprint"],
        "from",
    );
    assert_cell(
        fact(scenario, "fingerprint", second),
        &diff["to"]["fingerprint"],
        "to",
    );
    assert_datasets(
        scenario,
        second,
        b["ranking"]["datasets"].as_array().unwrap(),
    );
    // Only JSON and Excel are offered for a diff.
    let (status, body) = app
        .get_json(&format!("/api/v1/rankings/{ia}/diff/{ib}?format=csv"))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_format"))
    );
    let refused = app
        .get_with(
            &format!("/api/v1/rankings/{ia}/diff/{ib}"),
            "Accept",
            "text/csv",
        )
        .await;
    assert_eq!(refused.status().as_u16(), 406);
}

#[actix_web::test]
async fn a_workbook_of_imported_data_has_no_demo_warning() {
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    // The same tables, imported as if they were real: no demo flag anywhere.
    let demo = DemoData::generate();
    for (query, csv) in [
        ("kind=regions", demo.regions_csv()),
        ("kind=stunting&year=2022", demo.stunting_csv()),
        ("kind=spbe&year=2022", demo.spbe_csv()),
    ] {
        let (status, body) = app.upload(query, "text/csv", csv).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, json) = app.get_json("/api/v1/shortlist?k=5").await;
    assert_eq!(status, 200);
    assert_eq!(json["shortlist"]["demo"], json!(false));
    let response = download(&app, "/api/v1/shortlist?k=5&format=xlsx").await;
    let book = Book::read(response.bytes().await.unwrap().to_vec());
    let districts = book.sheet("districts");
    assert_eq!(
        districts[0][0].to_string(),
        "rank",
        "the header is the first row"
    );
    assert_districts(
        districts,
        0,
        json["shortlist"]["districts"].as_array().unwrap(),
    );
    assert_cell(
        fact(book.sheet("scenario"), "demo", 0),
        &json!(false),
        "demo",
    );
    let sheet = book.part("xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"ySplit="1""#) && sheet.contains(r#"<autoFilter ref="A1:AG6""#),
        "{sheet}"
    );
}
