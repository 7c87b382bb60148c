use crate::helpers::spawn_app;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[actix_web::test]
async fn every_kind_has_a_csv_and_an_xlsx_template_that_reimports_as_empty() {
    let app = spawn_app().await;
    for kind in ["stunting", "spbe", "covariate", "population", "regions"] {
        let response = app.get(&format!("/api/v1/templates/{kind}.csv")).await;
        assert_eq!(response.status().as_u16(), 200, "{kind}.csv");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = response.text().await.unwrap();
        assert_eq!(csv.lines().count(), 1, "{csv}");
        assert!(csv.starts_with("code,"), "{csv}");
        // The importer recognises the header and rejects a file without rows: 422 empty_file.
        let query = format!("kind={kind}&year=2023&indicator=x");
        let (status, body) = app.upload(&query, "text/csv", csv.clone()).await;
        assert_eq!(status, 422, "{kind}: {body}");
        assert_eq!(body["error"], "empty_file", "{kind}: {body}");

        let response = app.get(&format!("/api/v1/templates/{kind}.xlsx")).await;
        assert_eq!(response.status().as_u16(), 200, "{kind}.xlsx");
        assert_eq!(response.headers()["content-type"], XLSX);
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let (status, body) = app.upload(&query, XLSX, bytes.to_vec()).await;
        assert_eq!(status, 422, "{kind}: {body}");
        assert_eq!(body["error"], "empty_file", "{kind}: {body}");
        // The sheet is named after the kind.
        let (status, body) = app
            .upload(&format!("{query}&sheet={kind}"), XLSX, bytes.to_vec())
            .await;
        assert_eq!(
            (status, &body["error"]),
            (422, &"empty_file".into()),
            "{body}"
        );
    }
    let population = app.get("/api/v1/templates/population.csv").await;
    assert_eq!(
        population.text().await.unwrap(),
        "code,name,province,value\n"
    );
}

#[actix_web::test]
async fn a_filled_in_template_imports() {
    let app = spawn_app().await;
    let header = app
        .get("/api/v1/templates/stunting.csv")
        .await
        .text()
        .await
        .unwrap();
    let csv = format!("{header}11.40,,,23.4,1.1,900,direct\n");
    let (status, body) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!(status, 201, "{body}");
}

#[actix_web::test]
async fn an_unknown_kind_has_no_template() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/templates/poverty.csv",
        "/api/v1/templates/boundaries.xlsx",
        "/api/v1/templates/stunting.pdf",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"], "not_found", "{path}");
        assert!(
            body["message"].is_string() && body["details"].is_array(),
            "{body}"
        );
    }
}
