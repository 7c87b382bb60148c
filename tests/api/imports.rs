use serde_json::Value;

use crate::helpers::{Options, spawn_app, spawn_app_with};

async fn dataset_count(app: &crate::helpers::TestApp) -> u64 {
    app.get_json("/api/v1/datasets").await.1["meta"]["total"]
        .as_u64()
        .unwrap()
}

#[actix_web::test]
async fn a_semicolon_csv_with_decimal_commas_imports_by_name_and_province() {
    let app = spawn_app().await;
    let csv = "Nama;Provinsi;Prevalensi;SE;Metode\nKabupaten Contoh 001;Aceh;23,4%;1,2;direct\nKAB. CONTOH 002;ACEH;19,9;;sae\n";
    let (status, body) = app
        .upload("kind=stunting&year=2023&source=test", "text/csv", csv)
        .await;
    assert_eq!(status, 201, "{body}");
    let dataset = &body["dataset"];
    assert_eq!(dataset["kind"], "stunting");
    assert_eq!(dataset["year"], 2023);
    assert_eq!(dataset["row_count"], 2);
    assert_eq!(dataset["demo"], false);
    assert_eq!(dataset["imported_by"], "test-editor");
    assert_eq!(dataset["sha256"].as_str().unwrap().len(), 64);
    let (_, region) = app.get_json("/api/v1/regions/11.40").await;
    let stunting_2023: Vec<&Value> = region["region"]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "stunting" && o["year"] == 2023)
        .collect();
    assert_eq!(stunting_2023.len(), 1);
    assert_eq!(stunting_2023[0]["value"], 23.4);
    assert_eq!(stunting_2023[0]["se"], 1.2);
    assert_eq!(stunting_2023[0]["method"], "direct");
}

#[actix_web::test]
async fn a_json_upload_with_a_year_column_imports() {
    let app = spawn_app().await;
    let json = r#"[{"code": "11.40", "indeks": 3.1, "predikat": "Baik", "tahun": 2023},
                   {"code": "11.41", "indeks": "4,3", "predikat": "Memuaskan", "tahun": 2023}]"#;
    let (status, body) = app.upload("kind=spbe", "application/json", json).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["dataset"]["year"], 2023);
    assert_eq!(body["dataset"]["row_count"], 2);
}

#[actix_web::test]
async fn import_rejects_unknown_region_code_and_keeps_old_data() {
    let app = spawn_app().await;
    let before = dataset_count(&app).await;
    let csv = "code,prevalence\n11.40,20.5\n99.99,30\n1157,25\n11.41,120\n11.40,22\n";
    let (status, body) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "invalid_rows");
    let details = body["details"].as_array().unwrap();
    let lines: Vec<(u64, &str)> = details
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        vec![(3, "code"), (4, "code"), (5, "prevalence"), (6, "code")]
    );
    assert!(
        details[1]["message"].as_str().unwrap().contains("BPS code"),
        "{}",
        details[1]["message"]
    );
    assert!(details[3]["message"].as_str().unwrap().contains("line 2"));
    assert_eq!(dataset_count(&app).await, before, "nothing may be written");
    let (_, region) = app.get_json("/api/v1/regions/11.40").await;
    assert!(
        region["region"]["observations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["year"] != 2023)
    );
}

#[actix_web::test]
async fn an_ambiguous_name_is_rejected_with_its_candidates() {
    let app = spawn_app().await;
    // A kota named like the demo's "Kabupaten Contoh 001", in another province: without a
    // province or kind, "Contoh 001" could be either.
    let (status, body) = app
        .upload(
            "kind=regions",
            "text/csv",
            "code,bps_code,name,kind,province_code\n12.79,1279,Kota Contoh 001,kota,12\n",
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let csv = "name,prevalence\nContoh 001,20\nKabupaten Contoh 002,21\n";
    let (status, body) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!(status, 422, "{body}");
    let details = body["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{body}");
    assert_eq!(details[0]["line"], 2);
    let mut candidates: Vec<&str> = details[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().split(' ').next().unwrap())
        .collect();
    candidates.sort_unstable();
    let (_, first) = app
        .get_json("/api/v1/regions?q=Kabupaten%20Contoh%20001")
        .await;
    let demo_code = first["regions"][0]["code"].as_str().unwrap();
    assert_eq!(candidates, [demo_code, "12.79"]);
}

#[actix_web::test]
async fn an_spbe_predicate_that_disagrees_with_the_index_is_rejected() {
    let app = spawn_app().await;
    let csv = "code,index,predicate\n11.40,2.5,Baik\n11.41,0.9,\n";
    let (status, body) = app.upload("kind=spbe&year=2023", "text/csv", csv).await;
    assert_eq!(status, 422);
    let details = body["details"].as_array().unwrap();
    assert_eq!(details[0]["field"], "predicate");
    assert!(details[0]["message"].as_str().unwrap().contains("Cukup"));
    assert_eq!(details[1]["field"], "index");
}

#[actix_web::test]
async fn reuploading_identical_content_returns_the_existing_dataset() {
    let app = spawn_app().await;
    let csv = "code,prevalence\n11.40,20.5\n11.41,18\n";
    let (first_status, first) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    let (second_status, second) = app.upload("kind=stunting&year=2023", "text/csv", csv).await;
    assert_eq!((first_status, second_status), (201, 200));
    assert_eq!(first["dataset"]["id"], second["dataset"]["id"]);
    assert_eq!(
        first["dataset"]["imported_at"],
        second["dataset"]["imported_at"]
    );
}

#[actix_web::test]
async fn a_missing_year_is_rejected() {
    let app = spawn_app().await;
    let (status, body) = app
        .upload("kind=stunting", "text/csv", "code,prevalence\n11.40,20\n")
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["details"][0]["field"], "year");
}

#[actix_web::test]
async fn uploads_need_an_editor_token() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/datasets?kind=stunting&year=2023");
    let body = "code,prevalence\n11.40,20\n";
    let anonymous = app.client.post(&url).body(body).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let unknown = app
        .client
        .post(&url)
        .bearer_auth("lokus_nope")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 401);
    let viewer = app
        .client
        .post(&url)
        .bearer_auth(&app.viewer_token)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status().as_u16(), 403);
    let json: Value = viewer.json().await.unwrap();
    assert_eq!(json["error"], "forbidden");
}

#[actix_web::test]
async fn an_unsupported_content_type_is_415_and_an_oversized_body_is_413() {
    let app = spawn_app_with(Options {
        max_body_bytes: 1024,
        ..Options::default()
    })
    .await;
    let (status, body) = app
        .upload("kind=stunting&year=2023", "application/xml", "<x/>")
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let big = format!("code,prevalence\n{}", "11.40,20\n".repeat(500));
    let (status, body) = app.upload("kind=stunting&year=2023", "text/csv", big).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("payload_too_large"))
    );
}

#[actix_web::test]
async fn an_unknown_kind_is_422() {
    let app = spawn_app().await;
    let (status, body) = app
        .upload(
            "kind=poverty&year=2023",
            "text/csv",
            "code,value\n11.40,2\n",
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_kind"))
    );
}

#[actix_web::test]
async fn the_audit_log_records_who_imported_what() {
    let app = spawn_app().await;
    let (_, body) = app
        .upload(
            "kind=stunting&year=2023",
            "text/csv",
            "code,prevalence\n11.40,20\n",
        )
        .await;
    let id = body["dataset"]["id"].as_i64().unwrap();
    let mut conn = app.pool.get().unwrap();
    let entries = model::audit::AuditEntry::recent(&mut conn, 5).unwrap();
    let entry = entries
        .iter()
        .find(|e| e.target == format!("dataset:{id}") && e.action == "import_dataset")
        .expect("audit entry");
    assert_eq!(entry.actor, "test-editor");
    // The steward who published it is recorded too.
    let published = entries
        .iter()
        .find(|e| e.target == format!("dataset:{id}") && e.action == "publish_dataset")
        .expect("publish entry");
    assert_eq!(published.actor, "test-steward");
}

#[actix_web::test]
async fn readers_never_see_errors_while_imports_write() {
    let app = spawn_app().await;
    let demo = model::demo::DemoData::generate();
    let uploads = (0..4).map(|year| {
        let mut csv = String::from("code,prevalence\n");
        for d in &demo.districts {
            csv.push_str(&format!("{},{}\n", d.code, d.stunting));
        }
        let app = &app;
        async move {
            app.upload(
                &format!("kind=stunting&year={}", 2010 + year),
                "text/csv",
                csv,
            )
            .await
            .0
        }
    });
    let reads = (0..40).map(|i| {
        let app = &app;
        async move {
            let path = if i % 2 == 0 {
                "/api/v1/regions?per_page=1000"
            } else {
                "/api/v1/datasets"
            };
            app.get(path).await.status().as_u16()
        }
    });
    let (written, read) = futures_join(uploads, reads).await;
    assert!(written.iter().all(|&s| s == 201), "{written:?}");
    assert!(read.iter().all(|&s| s == 200), "{read:?}");
}

/// Runs two groups of futures concurrently and collects their results.
async fn futures_join<A, B>(
    a: impl Iterator<Item = A>,
    b: impl Iterator<Item = B>,
) -> (Vec<u16>, Vec<u16>)
where
    A: std::future::Future<Output = u16>,
    B: std::future::Future<Output = u16>,
{
    let a: Vec<_> = a.map(Box::pin).collect();
    let b: Vec<_> = b.map(Box::pin).collect();
    let (x, y) = futures_util::future::join(
        futures_util::future::join_all(a),
        futures_util::future::join_all(b),
    )
    .await;
    (x, y)
}
