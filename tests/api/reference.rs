use std::collections::HashMap;

use crate::helpers::{Options, TestApp, shared_data, spawn_app_with};

/// An app without demo data that holds the real region reference, and the upload's answer;
/// `None` (with a printed reason) when ../shared/data is absent.
async fn app_with_real_regions() -> Option<(TestApp, u16, serde_json::Value)> {
    let path = shared_data("regions.csv")?;
    let app = spawn_app_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let (status, body) = app
        .upload(
            "kind=regions&source=regions.csv",
            "text/csv",
            std::fs::read(&path).unwrap(),
        )
        .await;
    Some((app, status, body))
}

#[actix_web::test]
async fn the_real_region_reference_loads_all_514_rows_with_both_code_systems() {
    let Some((app, status, body)) = app_with_real_regions().await else {
        return;
    };
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["row_count"], 514);
    let (_, list) = app.get_json("/api/v1/regions?demo=false&per_page=1").await;
    assert_eq!(list["meta"]["total"], 514);
    let (_, kota) = app.get_json("/api/v1/regions?kind=kota&per_page=1").await;
    assert_eq!(kota["meta"]["total"], 98);
    let (status, body) = app.get_json("/api/v1/regions/12.18").await;
    assert_eq!(status, 200);
    let region = &body["region"];
    assert_eq!(region["name"], "KAB. SERDANG BEDAGAI");
    assert_eq!(region["bps_code"], "1218");
    assert_eq!(region["province_name"], "Sumatera Utara");
    // Codes differ between the systems: Aceh Selatan is 11.01 / 1103; Papua province 91 / 94.
    let (_, aceh) = app.get_json("/api/v1/regions/11.01").await;
    assert_eq!(aceh["region"]["bps_code"], "1103");
    let (_, papua) = app.get_json("/api/v1/regions?province=91&per_page=1").await;
    assert!(
        papua["regions"][0]["bps_code"]
            .as_str()
            .unwrap()
            .starts_with("94")
    );
}

/// SSGI 2022 rows of the spot-check file, as (code, value as published).
fn ssgi_2022_spot_checks(text: &str) -> Vec<(String, String)> {
    let mut reader = csv_rows(text);
    reader.retain(|r| r["survey"] == "SSGI" && r["year"] == "2022");
    // Serdang Bedagai is quoted twice (21,10 % and "21 persen"); keep the first, more precise one.
    let mut rows: Vec<(String, String)> = Vec::new();
    for r in reader {
        if !rows.iter().any(|(code, _)| *code == r["kemendagri_code"]) {
            rows.push((
                r["kemendagri_code"].clone(),
                r["stunting_prevalence_as_published"].clone(),
            ));
        }
    }
    rows
}

fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    // The spot-check file quotes values with commas; a tiny reader keeps the test independent.
    let mut lines = text.lines();
    let header: Vec<String> = split_csv_line(lines.next().unwrap());
    lines
        .map(|l| header.iter().cloned().zip(split_csv_line(l)).collect())
        .collect()
}

fn split_csv_line(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

#[actix_web::test]
async fn the_press_spot_checks_resolve_by_kemendagri_code() {
    let Some(spot) = shared_data("stunting_kabkota_spotcheck_from_pages.csv") else {
        return;
    };
    let Some((app, status, _)) = app_with_real_regions().await else {
        return;
    };
    assert_eq!(status, 201);
    let rows = ssgi_2022_spot_checks(&std::fs::read_to_string(&spot).unwrap());
    assert_eq!(
        rows.len(),
        18,
        "SOURCES.md: 18 kab/kota with SSGI 2022 values"
    );
    // The file's own lines and columns go in as published ("21,10%", "7,3 persen", a year
    // column, source URLs), keeping one line per district.
    let text = std::fs::read_to_string(&spot).unwrap();
    let mut csv = format!("{}\n", text.lines().next().unwrap());
    for (code, value) in &rows {
        let line = text
            .lines()
            .find(|l| {
                l.starts_with(&format!("{code},"))
                    && l.contains(value.as_str())
                    && l.contains(",SSGI,2022,")
            })
            .unwrap();
        csv.push_str(line);
        csv.push('\n');
    }
    let (status, body) = app
        .upload(
            "kind=stunting&year=2022&source=press%20spot%20checks",
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["row_count"], 18);
    let (_, sergai) = app.get_json("/api/v1/regions/12.18").await;
    let value = sergai["region"]["observations"][0]["value"]
        .as_f64()
        .unwrap();
    assert!(
        (value - 21.1).abs() < 1e-9,
        "Serdang Bedagai SSGI 2022 was quoted as 21,10 %"
    );
}

#[actix_web::test]
async fn former_names_and_bps_codes_resolve_against_the_real_reference() {
    let Some((app, _, _)) = app_with_real_regions().await else {
        return;
    };
    let csv = "name,province,kind,bps_code,prevalence\n\
               Toba Samosir,Sumatera Utara,,,30\n\
               Maluku Tenggara Barat,Maluku,,,31\n\
               Mamuju Utara,,,,32\n\
               Kota Baru,Kalimantan Selatan,kabupaten,,33\n\
               ,,,1103,34\n\
               Kota Bekasi,,,,35\n";
    let (status, body) = app.upload("kind=stunting&year=2021", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    for (code, value) in [
        ("12.12", 30.0),
        ("81.03", 31.0),
        ("76.01", 32.0),
        ("63.02", 33.0),
        ("11.01", 34.0),
        ("32.75", 35.0),
    ] {
        let (_, r) = app.get_json(&format!("/api/v1/regions/{code}")).await;
        assert_eq!(
            r["region"]["observations"][0]["value"].as_f64(),
            Some(value),
            "{code}"
        );
    }
    let ambiguous =
        "name,province,prevalence\nKota Baru,Kalimantan Selatan,33\nBekasi,Jawa Barat,20\n";
    let (status, body) = app
        .upload("kind=stunting&year=2020", "text/csv", ambiguous)
        .await;
    assert_eq!(status, 422);
    let details = body["details"].as_array().unwrap();
    assert_eq!(
        details[0]["candidates"][0],
        "63.02 KAB. KOTABARU (Kalimantan Selatan)"
    );
    assert_eq!(details[1]["candidates"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_boundary_layer_imports_in_place() {
    let Some(geo) = shared_data("boundaries_kabkota.geojson") else {
        return;
    };
    let Some((app, _, _)) = app_with_real_regions().await else {
        return;
    };
    let (status, body) = app
        .upload(
            "kind=boundaries&source=indonesia-atlas",
            "application/geo+json",
            std::fs::read(&geo).unwrap(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["row_count"], 510);
}
