//! CSV downloads people open: numbers rounded to their stated decimals, an Indonesian locale
//! that Excel set to Indonesian reads as a table, unknown locales refused, and the same rows
//! whether a list is previewed or saved.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::decision::{adopt, approved_run, real_app};
use crate::helpers::{Options, TestApp, csv_of, spawn_app};

/// The cells of one CSV line split on `separator` (quotes removed, doubled quotes undone).
fn cells(line: &str, separator: char) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (c, false) if c == separator => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// A CSV as a header and rows of cells.
fn table(text: &str, separator: char) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header = cells(lines.next().unwrap_or_default(), separator);
    (header, lines.map(|l| cells(l, separator)).collect())
}

/// The body of a 200 answer as text.
async fn text_of(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.text().await.unwrap()
}

/// The decimals `GET /api/v1/indicators` states for each numeric CSV column.
async fn stated_decimals(app: &TestApp) -> BTreeMap<String, usize> {
    let (status, body) = app.get_json("/api/v1/indicators").await;
    assert_eq!(status, 200, "{body}");
    body["decimals"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
        .collect()
}

#[actix_web::test]
async fn csv_numbers_are_rounded_half_away_from_zero_to_the_decimals_the_api_states() {
    // Arrange: a stunting year whose values carry binary noise and decimal halves.
    let app = spawn_app().await;
    let codes = app.district_codes().await;
    let awkward = [14.049999999999956, 10.125, 2.675, 30.1 - 0.2];
    let csv = csv_of("code,prevalence", &codes, |i| {
        awkward
            .get(i)
            .copied()
            .unwrap_or(20.0 + 0.1 * (i % 7) as f64)
    });
    let (status, body) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
    let query = "all=true&stunting_year=2023&draws=200&seed=5";

    // Act
    let decimals = stated_decimals(&app).await;
    let (_, json) = app.get_json(&format!("/api/v1/shortlist?{query}")).await;
    let text = text_of(&app, &format!("/api/v1/shortlist?{query}&format=csv")).await;

    // Assert: the stated decimals, as the document says them.
    for (column, places) in [
        ("stunting_prevalence", 2),
        ("stunting_se", 2),
        ("stunting_change", 2),
        ("spbe_index", 2),
        ("score", 6),
        ("margin", 6),
        ("p_selected", 4),
        ("rank_median", 1),
        ("rank", 0),
        ("under5_population", 0),
        ("stunted_children", 0),
    ] {
        assert_eq!(decimals.get(column), Some(&places), "{column}");
    }
    // The JSON keeps the values as computed; the CSV rounds them.
    let districts = json["shortlist"]["districts"].as_array().unwrap();
    let prevalence_of = |code: &str| {
        districts.iter().find(|d| d["code"] == code).unwrap()["stunting_prevalence"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(prevalence_of(&codes[0]), 14.049999999999956);
    let (header, rows) = table(&text, ',');
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let cell = |code: &str, name: &str| {
        rows.iter().find(|r| r[col("code")] == code).unwrap()[col(name)].clone()
    };
    assert_eq!(cell(&codes[0], "stunting_prevalence"), "14.05");
    assert_eq!(cell(&codes[1], "stunting_prevalence"), "10.13");
    assert_eq!(cell(&codes[2], "stunting_prevalence"), "2.68");
    assert_eq!(cell(&codes[3], "stunting_prevalence"), "29.9");
    assert!(
        !text.contains("99999999") && !text.contains("00000001"),
        "{text}"
    );
    // Every number of every row has at most its stated decimals, and changes are filled.
    let mut changes = 0;
    for row in &rows {
        for (name, places) in &decimals {
            let Some(value) = header.iter().position(|h| h == name).map(|i| &row[i]) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            assert!(value.parse::<f64>().is_ok(), "{name}: {value}");
            let written = value.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(
                written <= *places,
                "{name}: {value} has more than {places} decimals"
            );
            changes += usize::from(name == "stunting_change");
        }
    }
    assert_eq!(
        changes,
        codes.len(),
        "every district has a change since 2022"
    );
}

#[actix_web::test]
async fn the_indonesian_csv_has_a_bom_semicolons_decimal_commas_and_indonesian_headers() {
    let app = spawn_app().await;
    let query = "k=10&all=true&draws=100&seed=3";
    let en = text_of(&app, &format!("/api/v1/shortlist?{query}&format=csv")).await;
    let response = app
        .get(&format!("/api/v1/shortlist?{query}&format=csv&locale=id"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv; charset=utf-8")
    );
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"lokus-shortlist-id.csv\""
    );
    let bytes = response.bytes().await.unwrap();
    // Excel reads a CSV as UTF-8 only after a byte order mark.
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    assert!(
        !en.starts_with('\u{feff}'),
        "the en CSV is unchanged: no BOM"
    );
    let id = std::str::from_utf8(&bytes[3..]).unwrap();

    let (en_header, en_rows) = table(&en, ',');
    let (id_header, id_rows) = table(id, ';');
    assert_eq!(id_header.len(), en_header.len());
    assert_eq!(
        &id_header[..8],
        [
            "Peringkat",
            "Kode Kemendagri",
            "Kode BPS",
            "Kabupaten/Kota",
            "Jenis",
            "Kode Provinsi",
            "Provinsi",
            "Prevalensi Stunting (%)"
        ]
    );
    assert!(id_header.iter().zip(&en_header).all(|(i, e)| i != e));
    assert_eq!(id_rows.len(), en_rows.len());
    assert_eq!(id_rows.len(), 514);
    let decimals = stated_decimals(&app).await;
    let mut commas = 0;
    for (en_row, id_row) in en_rows.iter().zip(&id_rows) {
        assert_eq!(id_row.len(), en_header.len(), "{id_row:?}");
        for ((name, en_cell), id_cell) in en_header.iter().zip(en_row).zip(id_row) {
            if decimals.contains_key(name) {
                // A number reads back the same with its decimal comma, and has no point.
                assert!(!id_cell.contains('.'), "{name}: {id_cell}");
                if !en_cell.is_empty() {
                    let back: f64 = id_cell.replace(',', ".").parse().unwrap();
                    assert_eq!(back, en_cell.parse::<f64>().unwrap(), "{name}");
                }
                commas += usize::from(id_cell.contains(','));
            } else if name == "selected" || name == "demo" {
                let expected = if en_cell == "true" { "ya" } else { "tidak" };
                assert_eq!(id_cell, expected, "{name}");
            } else if !en_cell.is_empty()
                && en_cell
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".,/-: ".contains(c))
            {
                // Excel set to Indonesian reads 11.47 as a time: kept as text.
                assert_eq!(*id_cell, format!("=\"{en_cell}\""), "{name}");
            } else {
                assert_eq!(id_cell, en_cell, "{name}: text and codes are the same");
            }
        }
    }
    assert!(commas > 514, "decimal commas are written ({commas})");
    let code = id_header
        .iter()
        .position(|h| h == "Kode Kemendagri")
        .unwrap();
    assert!(
        id_rows
            .iter()
            .all(|r| r[code].starts_with("=\"") && r[code].ends_with('"'))
    );

    // A saved run and an adopted list come in the same locale.
    let (status, run) = app.post_ranking(&json!({"k": 5})).await;
    assert_eq!(status, 201, "{run}");
    let id = run["ranking"]["id"].as_i64().unwrap();
    let response = app
        .get(&format!("/api/v1/rankings/{id}?format=csv&locale=id"))
        .await;
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"lokus-ranking-{id}-id.csv\"")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}Peringkat;Kode Kemendagri;"),
        "{text}"
    );
}

#[actix_web::test]
async fn an_adopted_list_downloads_as_an_indonesian_csv() {
    let app = real_app(Options::default()).await;
    let id = approved_run(&app, "Resmi").await;
    assert_eq!(adopt(&app, id, "KEP-7/2025").await.0, 200);
    let path = "/api/v1/lokus/digital-stunting/2025";
    let response = app.get(&format!("{path}?format=csv&locale=id")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"lokus-digital-stunting-2025-id.csv\""
    );
    let text = response.text().await.unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    let (header, rows) = table(text, ';');
    assert_eq!(
        header,
        [
            "No",
            "Kode Kemendagri",
            "Kode BPS",
            "Kabupaten/Kota",
            "Kode Provinsi",
            "Provinsi",
            "Dasar Pemilihan",
            "Peringkat Data",
            "Keterangan",
            "Program",
            "Tahun",
            "Run",
            "Nomor Keputusan",
            "Tanggal Keputusan"
        ]
    );
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][12], "KEP-7/2025");
    assert_eq!(rows[0][13], "=\"2025-01-15\"", "a date stays as written");
    // The English CSV is as before.
    let en = text_of(&app, &format!("{path}?format=csv")).await;
    assert!(en.starts_with("rank,code,bps_code,name,province_code,province,"));
}

#[actix_web::test]
async fn an_unknown_locale_is_refused_with_invalid_locale() {
    let app = spawn_app().await;
    let (status, run) = app.post_ranking(&json!({"k": 5})).await;
    assert_eq!(status, 201, "{run}");
    let id = run["ranking"]["id"].as_i64().unwrap();
    for path in [
        "/api/v1/shortlist?format=csv&locale=fr".to_string(),
        "/api/v1/shortlist?format=csv&locale=ID".to_string(),
        "/api/v1/shortlist?locale=id-ID".to_string(),
        format!("/api/v1/rankings/{id}?format=csv&locale=xx"),
        "/api/v1/lokus/digital-stunting/2025?format=csv&locale=".to_string(),
    ] {
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"], "invalid_locale", "{path}");
    }
    let response = app
        .get_with(
            "/api/v1/shortlist?format=csv&locale=fr",
            "Accept-Language",
            "id",
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_locale");
    assert!(
        body["message"].as_str().unwrap().contains("en atau id"),
        "{body}"
    );
    // `en` is the default, named or not; other representations take the locale and ignore it.
    let default = text_of(&app, "/api/v1/shortlist?k=3&format=csv").await;
    let named = text_of(&app, "/api/v1/shortlist?k=3&format=csv&locale=en").await;
    assert_eq!(default, named);
    let (status, _) = app.get_json("/api/v1/shortlist?k=3&locale=id").await;
    assert_eq!(status, 200);
    let xlsx = app
        .get(&format!("/api/v1/rankings/{id}?format=xlsx&locale=id"))
        .await;
    assert_eq!(xlsx.status().as_u16(), 200);
    assert_eq!(
        xlsx.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"lokus-ranking-{id}.xlsx\"")
    );
}

#[actix_web::test]
async fn a_preview_and_the_run_saved_from_it_download_the_same_rows() {
    let app = spawn_app().await;
    let (status, run) = app
        .post_ranking(&json!({
            "k": 20,
            "constraints": {"max_per_province": 2},
            "uncertainty": {"draws": 200, "seed": 7}
        }))
        .await;
    assert_eq!(status, 201, "{run}");
    let id = run["ranking"]["id"].as_i64().unwrap();
    // The page's preview link: every ranked district, as a saved run's CSV holds.
    let preview = "/api/v1/shortlist?k=20&max_per_province=2&draws=200&seed=7&all=true";
    for locale in ["en", "id"] {
        let previewed = text_of(&app, &format!("{preview}&format=csv&locale={locale}")).await;
        let saved = text_of(
            &app,
            &format!("/api/v1/rankings/{id}?format=csv&locale={locale}"),
        )
        .await;
        assert_eq!(previewed.lines().count(), 515, "{locale}");
        assert_eq!(previewed, saved, "{locale}");
    }
}

#[actix_web::test]
async fn the_document_states_the_locale_of_every_csv_download_and_its_decimals() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let locale = &doc["components"]["schemas"]["CsvLocale"];
    assert_eq!(locale["enum"], json!(["en", "id"]), "{locale}");
    let said = locale["description"].as_str().unwrap_or_default();
    for words in [
        "byte order mark",
        "`;`",
        "invalid_locale",
        "half away from zero",
        "14.05",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    for path in [
        "/api/v1/shortlist",
        "/api/v1/rankings/{id}",
        "/api/v1/lokus/{programme}/{year}",
    ] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        let param = params.iter().find(|p| p["name"] == "locale").expect(path);
        assert_eq!(param["in"], "query", "{path}");
        assert!(
            param["schema"].to_string().contains("CsvLocale"),
            "{path}: {param}"
        );
    }
    let indicators = &doc["components"]["schemas"]["IndicatorList"]["properties"];
    assert!(indicators.get("decimals").is_some(), "{indicators}");
}
