//! Trust: token lifecycle, rate limits per token and address, limits on every input, slow
//! clients, CORS, and backups taken while the server writes.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use model::dataset::Dataset;
use model::db::schema::{api_tokens, ranking_runs};
use model::run::RankingRun;
use model::token::{ApiToken, Role};
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with, spawn_sqlite_app_with};

async fn get_as(app: &TestApp, path: &str, token: &str) -> u16 {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn get_body_as(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_revoked_token_gets_401_from_its_next_request() {
    let app = spawn_app_with(Options {
        require_read_token: true,
        ..Options::default()
    })
    .await;
    let secret = {
        let mut conn = app.pool.get().unwrap();
        ApiToken::create(&mut conn, Role::Viewer, "dashboard").unwrap()
    };
    assert_eq!(get_as(&app, "/api/v1/datasets", &secret).await, 200);
    let revoked = {
        let mut conn = app.pool.get().unwrap();
        ApiToken::revoke(&mut conn, "dashboard", &model::audit::Actor::local("test")).unwrap()
    };
    assert_eq!(revoked.len(), 1);
    let (status, body) = get_body_as(&app, "/api/v1/datasets", &secret).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    // Others' tokens are untouched; revoking again revokes nothing.
    assert_eq!(
        get_as(&app, "/api/v1/datasets", &app.viewer_token).await,
        200
    );
    let mut conn = app.pool.get().unwrap();
    assert!(
        ApiToken::revoke(&mut conn, "dashboard", &model::audit::Actor::local("test"))
            .unwrap()
            .is_empty()
    );
    let audit = model::audit::AuditEntry::recent(&mut conn, 5).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "revoke_token" && e.target == "token:dashboard"),
        "{audit:?}"
    );
}

#[actix_web::test]
async fn an_expired_token_gets_401_and_a_live_one_records_its_last_use() {
    let app = spawn_app().await;
    let secret = {
        let mut conn = app.pool.get().unwrap();
        ApiToken::create_expiring(
            &mut conn,
            Role::Editor,
            "importer",
            Some(Duration::from_secs(90 * 86_400)),
        )
        .unwrap()
    };
    let before = ApiToken::list(&mut app.pool.get().unwrap())
        .unwrap()
        .into_iter()
        .find(|t| t.label == "importer")
        .unwrap();
    assert!(before.last_used_at.is_none());
    let expires = chrono::DateTime::parse_from_rfc3339(before.expires_at.as_deref().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    let days = (expires - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((89.9..=90.0).contains(&days), "expires in {days} days");

    let save = |token: String| {
        let app = &app;
        async move {
            let r = app
                .client
                .post(app.url("/api/v1/rankings"))
                .bearer_auth(token)
                .json(&json!({"k": 5}))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(save(secret.clone()).await.0, 201);
    // Recorded beside the request: wait for it (bounded).
    let started = Instant::now();
    let last_used = loop {
        let used = ApiToken::list(&mut app.pool.get().unwrap())
            .unwrap()
            .into_iter()
            .find(|t| t.label == "importer")
            .unwrap();
        if used.last_used_at.is_some() || started.elapsed() > Duration::from_secs(10) {
            break used.last_used_at;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(last_used.is_some(), "last use recorded");

    // The expiry passes (set in the past rather than waiting).
    diesel::update(api_tokens::table.filter(api_tokens::label.eq("importer")))
        .set(api_tokens::expires_at.eq("2000-01-01T00:00:00Z"))
        .execute(&mut app.pool.get().unwrap())
        .unwrap();
    let (status, body) = save(secret).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

#[test]
fn a_token_lifetime_of_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let pool = model::db::connect_and_migrate(&url).unwrap();
    let err = ApiToken::create_expiring(
        &mut pool.get().unwrap(),
        Role::Viewer,
        "x",
        Some(Duration::ZERO),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            model::ModelError::Invalid {
                code: "invalid_expiry",
                ..
            }
        ),
        "{err:?}"
    );
}

#[actix_web::test]
async fn tokens_are_rate_limited_per_token_and_anonymous_callers_per_address() {
    let app = spawn_app_with(Options {
        rate_limit_per_second: 0.01,
        rate_limit_burst: 3.0,
        ..Options::default()
    })
    .await;
    let path = "/api/v1/datasets";
    let mut editor = Vec::new();
    for _ in 0..4 {
        editor.push(get_as(&app, path, &app.editor_token).await);
    }
    assert_eq!(
        editor,
        [200, 200, 200, 429],
        "the editor token's own bucket"
    );
    let limited = app
        .client
        .get(app.url(path))
        .bearer_auth(&app.editor_token)
        .send()
        .await
        .unwrap();
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=100).contains(&retry), "Retry-After {retry}");

    // Same address, another token: its own full bucket.
    let mut viewer = Vec::new();
    for _ in 0..4 {
        viewer.push(get_as(&app, path, &app.viewer_token).await);
    }
    assert_eq!(viewer, [200, 200, 200, 429]);

    // Anonymous calls from the same address: the address's bucket, untouched by the tokens.
    let mut anonymous = Vec::new();
    for _ in 0..4 {
        anonymous.push(app.get(path).await.status().as_u16());
    }
    assert_eq!(anonymous, [200, 200, 200, 429]);

    // A made-up token does not buy a fresh bucket: it counts against the (empty) address.
    let (status, body) = get_body_as(&app, path, "lokus_made_up").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );
}

#[actix_web::test]
async fn a_client_that_dribbles_its_headers_is_cut_off_by_the_request_timeout() {
    let app = spawn_app_with(Options {
        request_timeout_seconds: 1,
        ..Options::default()
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_string();
    let outcome = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let started = Instant::now();
        stream
            .write_all(b"GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let mut answer = Vec::new();
        // One header byte every 100 ms, never the blank line that ends the head.
        while started.elapsed() < Duration::from_secs(8) {
            if stream.write_all(b"X").is_err() {
                break;
            }
            let mut buf = [0u8; 512];
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    })
    .await
    .unwrap();
    let (elapsed, answer) = outcome;
    assert!(
        elapsed < Duration::from_secs(4),
        "closed after {elapsed:?}; answer {answer:?}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer:?}"
    );
    // The server itself is fine.
    assert_eq!(app.get("/api/v1/datasets").await.status().as_u16(), 200);
}

#[actix_web::test]
async fn every_input_limit_is_refused_with_a_4xx_naming_it() {
    let app = spawn_app_with(Options {
        max_body_bytes: 64 * 1024,
        import_limits: model::import::Limits {
            max_rows: 5,
            max_columns: 4,
            max_field_chars: 50,
            max_name_chars: 20,
            ..model::import::Limits::default()
        },
        ..Options::default()
    })
    .await;
    let q = "kind=covariate&year=2023&indicator=poverty";
    let expect = |(status, body): (u16, Value), code: &str, names: &str| {
        assert_eq!(body["error"].as_str(), Some(code), "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(names), "{code}: {message}");
        status
    };
    let big = format!("code,value\n{}", "11.40,1\n".repeat(10_000));
    assert_eq!(
        expect(
            app.upload(q, "text/csv", big).await,
            "payload_too_large",
            "65536"
        ),
        413
    );
    let rows = format!("code,value\n{}", "11.40,1\n".repeat(6));
    assert_eq!(
        expect(
            app.upload(q, "text/csv", rows).await,
            "too_many_rows",
            "LOKUS_MAX_IMPORT_ROWS"
        ),
        422
    );
    let json_rows = serde_json::to_string(&vec![json!({"code": "11.40", "value": 1}); 6]).unwrap();
    assert_eq!(
        expect(
            app.upload(q, "application/json", json_rows).await,
            "too_many_rows",
            "5 data rows"
        ),
        422
    );
    let columns = "code,value,a,b,c\n11.40,1,,,\n";
    assert_eq!(
        expect(
            app.upload(q, "text/csv", columns).await,
            "too_many_columns",
            "LOKUS_MAX_IMPORT_COLUMNS"
        ),
        422
    );
    let field = format!("code,value,note\n11.40,1,{}\n", "x".repeat(51));
    assert_eq!(
        expect(
            app.upload(q, "text/csv", field).await,
            "field_too_long",
            "line 2, column 'note'"
        ),
        422
    );
    let long_name = format!("kind=covariate&year=2023&indicator={}", "i".repeat(21));
    assert_eq!(
        expect(
            app.upload(&long_name, "text/csv", "code,value\n11.40,1\n")
                .await,
            "name_too_long",
            "indicator"
        ),
        422
    );
    let within = app
        .upload(q, "text/csv", "code,value\n11.40,1\n11.41,2\n")
        .await;
    assert_eq!(within.0, 201, "{}", within.1);

    // Scenario limits, answered as their neighbours are (422 naming the limit).
    let too_many_codes = (0..600)
        .map(|i| format!("{:02}.{:02}", 11 + i / 100, i % 100))
        .collect::<Vec<_>>();
    let (status, body) = app
        .post_ranking(&json!({"k": 5, "constraints": {"include": too_many_codes}}))
        .await;
    assert_eq!(
        expect((status, body), "invalid_constraints", "include"),
        422
    );
    let (status, body) = app.get_json("/api/v1/shortlist?k=100000").await;
    assert_eq!(expect((status, body), "invalid_k", "k must be"), 422);
    let (status, body) = app.get_json("/api/v1/shortlist?draws=5001").await;
    assert_eq!(expect((status, body), "invalid_draws", "5000"), 422);
    let (status, body) = app.get_json("/api/v1/datasets?per_page=1001").await;
    assert_eq!(expect((status, body), "invalid_paging", "1000"), 422);
}

#[actix_web::test]
async fn cors_is_closed_by_default_and_open_to_listed_origins_only() {
    let closed = spawn_app().await;
    let preflight = |app: &TestApp, origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/rankings"))
            .header("Origin", origin.to_string())
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let r = preflight(&closed, "https://planning.example.go.id")
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    let r = closed
        .get_with(
            "/api/v1/datasets",
            "Origin",
            "https://planning.example.go.id",
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        200,
        "same answer, the browser refuses it"
    );
    assert!(!r.headers().contains_key("access-control-allow-origin"));

    let open = spawn_app_with(Options {
        cors_origins: "https://planning.example.go.id, http://localhost:3000/".into(),
        ..Options::default()
    })
    .await;
    let r = preflight(&open, "https://planning.example.go.id")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let h = r.headers();
    assert_eq!(
        h["access-control-allow-origin"],
        "https://planning.example.go.id"
    );
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    let r = open
        .get_with("/api/v1/datasets", "Origin", "http://localhost:3000")
        .await;
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    assert!(
        r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("ETag")
    );
    assert!(
        r.headers()
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("Origin"))
    );

    // Not listed: an origin that differs only by scheme, port or a suffix gets nothing.
    for other in [
        "http://planning.example.go.id",
        "https://planning.example.go.id:8443",
        "https://planning.example.go.id.evil.example",
        "null",
    ] {
        let r = preflight(&open, other).await.unwrap();
        assert!(
            !r.headers().contains_key("access-control-allow-origin"),
            "{other}"
        );
        let r = open.get_with("/api/v1/datasets", "Origin", other).await;
        assert!(
            !r.headers().contains_key("access-control-allow-origin"),
            "{other}"
        );
    }
}

#[test]
fn an_origin_list_with_a_path_or_wildcard_is_refused() {
    for bad in [
        "https://a.example/app",
        "*",
        "a.example",
        "https://*.example",
    ] {
        assert!(api::config::parse_cors_origins(bad).is_err(), "{bad}");
    }
    assert_eq!(
        api::config::parse_cors_origins(" https://a.example/ ,http://b.example:8080").unwrap(),
        ["https://a.example", "http://b.example:8080"]
    );
}

fn datasets_of(url: &str) -> Vec<(i32, String, String, i32)> {
    let pool = model::db::connect(url).unwrap();
    let mut list: Vec<_> = Dataset::list(&mut pool.get().unwrap())
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.kind, d.sha256, d.row_count))
        .collect();
    list.sort();
    list
}

fn runs_of(url: &str) -> Vec<(i32, String, String)> {
    let pool = model::db::connect(url).unwrap();
    ranking_runs::table
        .order(ranking_runs::id.asc())
        .select(RankingRun::as_select())
        .load(&mut pool.get().unwrap())
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.fingerprint, r.body))
        .collect()
}

#[actix_web::test]
async fn a_backup_taken_under_concurrent_writes_restores_identical_datasets_and_runs() {
    // `lokus backup` copies SQLite databases; PostgreSQL is backed up with pg_dump.
    let app = Arc::new(spawn_sqlite_app_with(Options::default()).await);
    let dir = tempfile::tempdir().unwrap();
    let backup_file = dir.path().join("lokus-backup.db");
    let writes = Arc::new(AtomicUsize::new(0));
    let backup_done = Arc::new(AtomicUsize::new(0));

    // The writer imports a new covariate and saves a run, over and over, until the backup has
    // finished and two more writes have landed after it.
    let writer = {
        let (app, writes, backup_done) = (app.clone(), writes.clone(), backup_done.clone());
        actix_web::rt::spawn(async move {
            let mut after = 0;
            for i in 0..400 {
                let csv = format!("code,value\n11.40,{i}.5\n11.41,{i}.25\n");
                let (status, body) = app
                    .upload(
                        &format!("kind=covariate&year=2023&indicator=load_{i}"),
                        "text/csv",
                        csv,
                    )
                    .await;
                assert_eq!(status, 201, "{body}");
                let (status, body) = app.post_ranking(&json!({"k": 3 + i % 20})).await;
                assert_eq!(status, 201, "{body}");
                writes.fetch_add(1, Ordering::SeqCst);
                if backup_done.load(Ordering::SeqCst) == 1 {
                    after += 1;
                    if after == 2 {
                        return;
                    }
                }
            }
            panic!("the backup did not finish while 400 writes were made");
        })
    };
    while writes.load(Ordering::SeqCst) < 2 {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let (url, file) = (app.database_url.clone(), backup_file.clone());
    actix_web::rt::task::spawn_blocking(move || {
        // A separate pool, as `lokus backup` would open beside the running server.
        let pool = model::db::connect(&url).unwrap();
        model::backup::backup(&mut pool.get().unwrap(), &file).unwrap();
    })
    .await
    .unwrap();
    let at_backup = writes.load(Ordering::SeqCst);
    backup_done.store(1, Ordering::SeqCst);
    writer.await.unwrap();

    let restored_url = format!("sqlite://{}", dir.path().join("restored.db").display());
    model::backup::restore(&backup_file, &restored_url, false).unwrap();

    let original = datasets_of(&app.database_url);
    let restored = datasets_of(&restored_url);
    let newest = restored.last().unwrap().0;
    let prefix: Vec<_> = original.iter().filter(|d| d.0 <= newest).cloned().collect();
    assert_eq!(
        restored, prefix,
        "every dataset up to the backup, byte for byte (sha256)"
    );
    assert!(
        restored.len() >= 5 + 2,
        "the writes before the backup are in it"
    );
    assert!(
        original.len() > restored.len(),
        "writes after the backup are not"
    );
    assert!(at_backup >= 2);

    let original_runs = runs_of(&app.database_url);
    let restored_runs = runs_of(&restored_url);
    assert!(!restored_runs.is_empty());
    assert_eq!(
        restored_runs[..],
        original_runs[..restored_runs.len()],
        "same runs: ids, fingerprints and bodies"
    );
    // Every run in the backup has its dataset: no half-written import or run.
    assert!(restored_runs.len() <= restored.len() - 5);

    // The restored database serves the same list as the original did at that state.
    let restored_pool = model::db::connect(&restored_url).unwrap();
    let request = model::scenario::RankingRequest::default();
    let from_backup =
        model::scenario::compute(&mut restored_pool.get().unwrap(), &request).unwrap();
    let from_live = model::scenario::compute(&mut app.pool.get().unwrap(), &request).unwrap();
    assert_eq!(from_backup.fingerprint, from_live.fingerprint);
    assert!(model::db::migrations_are_current(&mut restored_pool.get().unwrap()).unwrap());

    // A second restore over the now non-empty database needs --force.
    let err = model::backup::restore(&backup_file, &restored_url, false).unwrap_err();
    assert!(
        matches!(
            err,
            model::ModelError::Invalid {
                code: "target_not_empty",
                ..
            }
        ),
        "{err:?}"
    );
    model::backup::restore(&backup_file, &restored_url, true).unwrap();
    assert_eq!(datasets_of(&restored_url), restored);
}

#[test]
fn backup_refuses_an_existing_file_and_restore_refuses_what_is_not_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let pool = model::db::connect_and_migrate(&url).unwrap();
    let taken = dir.path().join("taken.db");
    std::fs::write(&taken, b"x").unwrap();
    let err = model::backup::backup(&mut pool.get().unwrap(), &taken).unwrap_err();
    assert!(matches!(
        err,
        model::ModelError::Invalid {
            code: "backup_exists",
            ..
        }
    ));
    let target = format!("sqlite://{}", dir.path().join("b.db").display());
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just text").unwrap();
    let err = model::backup::restore(&junk, &target, false).unwrap_err();
    assert!(
        matches!(
            err,
            model::ModelError::Invalid {
                code: "invalid_backup",
                ..
            }
        ),
        "{err:?}"
    );
    let err = model::backup::restore(&dir.path().join("absent.db"), &target, false).unwrap_err();
    assert!(matches!(
        err,
        model::ModelError::Invalid {
            code: "backup_not_found",
            ..
        }
    ));
    let err = model::backup::restore(&taken, "postgres://postgres@127.0.0.1/x", false).unwrap_err();
    assert!(err.to_string().contains("pg_dump") && err.to_string().contains("pg_restore"));
}
