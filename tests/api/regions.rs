use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_demo_reference_lists_514_districts_with_paging() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/regions?per_page=50&page=2").await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["total"], 514);
    assert_eq!(body["meta"]["page"], 2);
    assert_eq!(body["meta"]["per_page"], 50);
    let regions = body["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 50);
    assert!(
        regions
            .iter()
            .all(|r| r["demo"] == true && r["name"].as_str().unwrap().contains("Contoh"))
    );
}

#[actix_web::test]
async fn region_filters_combine_province_kind_and_name() {
    let app = spawn_app().await;
    let (_, body) = app
        .get_json("/api/v1/regions?province=Jawa%20Barat&kind=kota&per_page=1000")
        .await;
    // The shipped province list gives Jawa Barat 9 kota; the demo set mirrors those counts.
    assert_eq!(body["meta"]["total"], 9);
    let (_, body) = app.get_json("/api/v1/regions?q=contoh%20001").await;
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["regions"][0]["name"], "Kabupaten Contoh 001");
}

#[actix_web::test]
async fn one_region_carries_its_observations_and_their_datasets() {
    let app = spawn_app().await;
    let (_, list) = app.get_json("/api/v1/regions?q=contoh%20001").await;
    let code = list["regions"][0]["code"].as_str().unwrap().to_string();
    let (status, body) = app.get_json(&format!("/api/v1/regions/{code}")).await;
    assert_eq!(status, 200);
    let region = &body["region"];
    assert_eq!(region["code"], code.as_str());
    let observations = region["observations"].as_array().unwrap();
    let kinds: Vec<&str> = observations
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"stunting") && kinds.contains(&"spbe"),
        "{kinds:?}"
    );
    // Stunting also has the year before (2021) and the evaluation-only outcome year (2024).
    assert!(observations.iter().all(|o| (o["year"] == 2022
        || ((o["year"] == 2021 || o["year"] == 2024) && o["kind"] == "stunting"))
        && o["demo"] == true));
    let dataset_ids: Vec<i64> = region["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert!(
        observations
            .iter()
            .all(|o| dataset_ids.contains(&o["dataset_id"].as_i64().unwrap()))
    );
}

#[actix_web::test]
async fn an_unknown_region_code_is_404_and_bad_paging_is_422() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/regions/99.99").await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    let (status, body) = app.get_json("/api/v1/regions?per_page=5000").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_paging"))
    );
    assert!(body["message"].as_str().unwrap().contains("1000"));
}
