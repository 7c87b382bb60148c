use model::demo::DemoData;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn indicator<'a>(list: &'a Value, code: &str) -> &'a Value {
    list["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no indicator {code} in {list}"))
}

fn ids(value: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[actix_web::test]
async fn every_indicator_names_its_concept_unit_source_period_method_and_datasets_in_two_languages()
{
    let app = spawn_app().await;
    let demo = DemoData::generate();
    let mut csv = String::from("code,value\n");
    for (i, d) in demo.districts.iter().enumerate() {
        csv.push_str(&format!("{},{}\n", d.code, i % 40));
    }
    let (status, body) = app
        .upload(
            "kind=covariate&year=2022&indicator=poverty_rate",
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let covariate_id = body["dataset"]["id"].as_i64().unwrap();

    let (status, list) = app.get_json("/api/v1/indicators").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["demo"], true);
    let (_, datasets) = app.get_json("/api/v1/datasets?per_page=1000").await;
    let of_kind = |kind: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = datasets["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == kind && (kind != "population" || d["indicator"] == "under5"))
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    for (code, kind, unit) in [
        ("stunting_prevalence", "stunting", "percent"),
        ("spbe_index", "spbe", "index_1_5"),
        ("under5_population", "population", "persons"),
    ] {
        let i = indicator(&list, code);
        for field in ["concept", "definition", "unit_label", "source_agency"] {
            for lang in ["id", "en"] {
                let text = i[field][lang].as_str().unwrap_or_default();
                assert!(text.len() > 3, "{code}.{field}.{lang}: {text:?}");
            }
            assert_ne!(
                i[field]["id"], i[field]["en"],
                "{code}.{field} is translated"
            );
        }
        assert_eq!(i["unit"], unit);
        assert_eq!(ids(&i["datasets"]), of_kind(kind), "{code}");
        assert!(!i["datasets"][0]["sha256"].as_str().unwrap().is_empty());
        assert!(
            !i["period"]["years"].as_array().unwrap().is_empty(),
            "{code}"
        );
    }
    let stunting = indicator(&list, "stunting_prevalence");
    assert_eq!(
        stunting["estimation_method"]["methods"],
        json!(["direct", "sae"])
    );
    // 2024 is the demo's evaluation-only outcome year: stunting data all the same.
    assert_eq!(stunting["period"]["years"], json!([2021, 2022, 2024]));
    assert!(
        stunting["source_agency"]["id"]
            .as_str()
            .unwrap()
            .contains("Kementerian Kesehatan")
    );
    let imported = indicator(&list, "covariate:poverty_rate");
    assert_eq!(ids(&imported["datasets"]), vec![covariate_id]);
    assert_eq!(imported["period"]["years"], json!([2022]));
    // Every unit used is defined.
    for (column, unit) in list["units"].as_object().unwrap() {
        assert!(
            list["unit_definitions"]
                .get(unit.as_str().unwrap())
                .is_some(),
            "{column}: {unit}"
        );
    }
}

#[actix_web::test]
async fn the_json_and_csv_exports_name_the_unit_of_every_numeric_column() {
    let app = spawn_app().await;
    let (_, list) = app.get_json("/api/v1/indicators").await;
    let units = list["units"].as_object().unwrap();

    // JSON: every numeric field of a district has a unit in the result itself.
    let (status, body) = app
        .get_json("/api/v1/shortlist?k=20&all=true&draws=100")
        .await;
    assert_eq!(status, 200);
    let shortlist = &body["shortlist"];
    assert_eq!(shortlist["units"], list["units"]);
    assert_eq!(shortlist["units"]["stunting_prevalence"], "percent");
    assert_eq!(shortlist["units"]["spbe_index"], "index_1_5");
    assert_eq!(shortlist["units"]["p_selected"], "proportion");
    for district in shortlist["districts"].as_array().unwrap() {
        for (field, value) in district.as_object().unwrap() {
            if value.is_number() {
                assert!(
                    units.contains_key(field),
                    "no unit for the JSON field {field}"
                );
            }
        }
    }

    // CSV: the columns stay as they are; every column holding a number has a unit, found
    // through the Link the CSV answer carries.
    let response = app.get("/api/v1/shortlist?k=20&draws=100&format=csv").await;
    assert_eq!(response.status().as_u16(), 200);
    let link = response.headers()["link"].to_str().unwrap().to_string();
    assert_eq!(
        link,
        r#"</api/v1/indicators>; rel="describedby"; type="application/json""#
    );
    let text = response.text().await.unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "rank", "the column names are unchanged");
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    for (column, cell) in header.iter().zip(&first) {
        if *column != "demo" && cell.parse::<f64>().is_ok() && !column.ends_with("code") {
            assert!(
                units.contains_key(*column),
                "no unit for the CSV column {column}"
            );
        }
    }

    // A saved run carries the same units.
    let (status, run) = app.post_ranking(&json!({"k": 3})).await;
    assert_eq!(status, 201);
    assert_eq!(run["ranking"]["units"], list["units"]);
    let id = run["ranking"]["id"].as_i64().unwrap();
    let (_, again) = app.get_json(&format!("/api/v1/rankings/{id}")).await;
    assert_eq!(again, run, "the saved run reads back as it was answered");
}

#[actix_web::test]
async fn small_area_estimates_are_flagged_in_the_csv_and_on_the_page() {
    let app = spawn_app().await;
    let (_, body) = app.get_json("/api/v1/shortlist?all=true").await;
    let districts = body["shortlist"]["districts"].as_array().unwrap();
    let sae: Vec<&str> = districts
        .iter()
        .filter(|d| d["stunting_method"] == "sae")
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!sae.is_empty(), "the demo data holds small-area estimates");
    let text = app
        .get("/api/v1/shortlist?all=true&format=csv")
        .await
        .text()
        .await
        .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (code, method) = (
        header.iter().position(|h| *h == "code").unwrap(),
        header.iter().position(|h| *h == "stunting_method").unwrap(),
    );
    let csv_sae: Vec<String> = lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| cells.len() == header.len() && cells[method] == "sae")
        .map(|cells| cells[code].clone())
        .collect();
    assert_eq!(csv_sae, sae);
    // The page's table marks a small-area estimate next to its value.
    let script = app
        .get("/static/js/shortlist.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(script.contains("d.stunting_method === 'sae'"));
}
