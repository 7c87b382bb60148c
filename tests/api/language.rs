use serde_json::{Value, json};

use crate::helpers::spawn_app;

async fn error_in(
    app: &crate::helpers::TestApp,
    path: &str,
    language: &str,
) -> (u16, Value, String) {
    let response = app.get_with(path, "Accept-Language", language).await;
    let status = response.status().as_u16();
    let content_language = response
        .headers()
        .get("content-language")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, response.json().await.unwrap(), content_language)
}

#[actix_web::test]
async fn error_messages_follow_accept_language_and_the_code_never_changes() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/shortlist?k=0",
        "/api/v1/shortlist?format=xml",
        "/api/v1/regions/99.99",
        "/api/v1/nothing",
        "/api/v1/rankings?page=0",
    ] {
        let (s_en, en, lang_en) = error_in(&app, path, "en-US,en;q=0.9,id;q=0.5").await;
        let (s_id, id, lang_id) = error_in(&app, path, "id-ID,id;q=0.9,en;q=0.8").await;
        let (s_none, none) = app.get_json(path).await;
        assert!(s_en >= 400, "{path}");
        assert_eq!(
            (s_en, s_none),
            (s_id, s_id),
            "{path}: same status in every language"
        );
        assert_eq!(en["error"], id["error"], "{path}: the code never changes");
        assert_eq!(none, en, "{path}: English without a header");
        assert_ne!(en["message"], id["message"], "{path}: translated");
        assert_eq!((lang_en.as_str(), lang_id.as_str()), ("en", "id"), "{path}");
    }
    let (_, id, _) = error_in(&app, "/api/v1/nothing", "id").await;
    assert_eq!(id["message"], "Tidak ada rute untuk /api/v1/nothing");
    let (_, id, _) = error_in(&app, "/api/v1/shortlist?k=0", "id").await;
    let message = id["message"].as_str().unwrap();
    assert_eq!(
        message,
        "Nilai k tidak valid: k harus antara 1 dan 514, diberikan 0"
    );
    // A 406 made before any handler runs is translated too.
    let response = app
        .client
        .get(app.url("/api/v1/regions"))
        .header("Accept", "image/png")
        .header("Accept-Language", "id")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 406);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_acceptable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Tidak satu pun")
    );
}

#[actix_web::test]
async fn import_row_errors_read_in_indonesian_when_asked() {
    let app = spawn_app().await;
    let csv = "code,prevalensi\n11.40,20.5\n11.41,120\n11.42,abc\n";
    let upload = |language: &'static str| {
        app.client
            .post(app.url("/api/v1/datasets?kind=stunting&year=2023"))
            .bearer_auth(&app.editor_token)
            .header("Content-Type", "text/csv")
            .header("Accept-Language", language)
            .body(csv)
            .send()
    };
    let id: Value = upload("id").await.unwrap().json().await.unwrap();
    let en: Value = upload("en").await.unwrap().json().await.unwrap();
    assert_eq!(id["error"], "invalid_rows");
    assert_eq!(en["error"], "invalid_rows");
    assert_eq!(id["message"], "2 baris tidak valid; tidak ada yang diimpor");
    let messages: Vec<&str> = id["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]",
            "baris 4, kolom prevalensi: 'abc' bukan angka",
        ]
    );
    // The structured parts are the same in both languages.
    for (a, b) in id["details"]
        .as_array()
        .unwrap()
        .iter()
        .zip(en["details"].as_array().unwrap())
    {
        assert_eq!(
            (&a["line"], &a["field"], &a["column"]),
            (&b["line"], &b["field"], &b["column"])
        );
    }
    assert_eq!(
        en["details"][0]["message"],
        json!("prevalence 120 is not a percentage in [0, 100]")
    );
}
