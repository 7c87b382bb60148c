//! Starting the real app on port 0 with a fresh database, and typed request helpers.

use std::path::PathBuf;

use api::config::Settings;
use api::startup::{Application, prepare_database};
use model::db::DbPool;
use model::token::{ApiToken, Role};
use serde_json::Value;

/// A running app with its own temporary database.
pub struct TestApp {
    /// `http://127.0.0.1:port` followed by the base path, if any.
    pub address: String,
    /// `http://127.0.0.1:port`, for requests outside the base path.
    pub origin: String,
    pub database_url: String,
    pub pool: DbPool,
    pub client: reqwest::Client,
    pub editor_token: String,
    pub viewer_token: String,
    /// A steward (labelled `test-steward`): publishes and rejects staged datasets.
    #[allow(dead_code, reason = "for the publication workflow's tests")]
    pub steward_token: String,
    /// An approver (labelled `test-approver`): approves and adopts lists, manages webhooks.
    #[allow(dead_code, reason = "for the approval workflow's tests")]
    pub approver_token: String,
    /// Stops the server when the app is dropped.
    server: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
    /// The PostgreSQL database made for this app, dropped with it (None on SQLite or for a
    /// replica, which shares the first app's database).
    _database: Option<PostgresDatabase>,
}

impl Drop for TestApp {
    /// Stops the server with its test: its workers, pooled connections and data-version check
    /// would otherwise outlive the test (all 140 of them at the end of a run, still opening
    /// connections to dropped PostgreSQL databases when the process exits).
    fn drop(&mut self) {
        // The command is sent at once; nothing waits for it.
        drop(self.server.stop(false));
    }
}

/// The backend the black-box suite runs on: `LOKUS_TEST_BACKEND=postgres` runs every
/// `spawn_app*` on a fresh PostgreSQL database made on `LOKUS_TEST_POSTGRES_URL`'s server;
/// anything else (or nothing) on a fresh SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend selected by `LOKUS_TEST_BACKEND`.
    pub fn selected() -> Backend {
        match std::env::var("LOKUS_TEST_BACKEND").as_deref() {
            Ok("postgres" | "postgresql") => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
}

/// A uniquely named PostgreSQL database on the test server, dropped (WITH (FORCE), so open
/// connections of a still running app do not keep it) when this value drops.
pub struct PostgresDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PostgresDatabase {
    /// Creates a fresh database on `LOKUS_TEST_POSTGRES_URL`'s server; `None` (after
    /// [`skip_or_fail`]) when that variable is not set.
    pub fn create() -> Option<PostgresDatabase> {
        use diesel::{Connection, RunQueryDsl};
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let Ok(admin_url) = std::env::var("LOKUS_TEST_POSTGRES_URL") else {
            skip_or_fail("LOKUS_TEST_POSTGRES_URL is not set");
            return None;
        };
        // Before this process's first TLS connection (see model::db::init_tls).
        model::db::init_tls();
        let name = format!(
            "lokus_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = diesel::PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("connect to LOKUS_TEST_POSTGRES_URL: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create a test database");
        let url = database_url_on(&admin_url, &name);
        Some(PostgresDatabase {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        use diesel::{Connection, RunQueryDsl};
        if let Ok(mut admin) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// `base` (a PostgreSQL URL) with its database name replaced by `name`.
pub fn database_url_on(base: &str, name: &str) -> String {
    let after_scheme = base.find("//").map_or(0, |i| i + 2);
    match base[after_scheme..].find('/') {
        Some(i) => {
            let rest = &base[after_scheme + i + 1..];
            let query = rest.find('?').map_or("", |q| &rest[q..]);
            format!("{}/{name}{query}", &base[..after_scheme + i])
        }
        None => format!("{base}/{name}"),
    }
}

/// How to start the app.
#[derive(Clone)]
pub struct Options {
    pub demo: bool,
    pub require_read_token: bool,
    pub max_body_bytes: usize,
    pub rate_limit_per_second: f64,
    pub rate_limit_burst: f64,
    /// `LOKUS_MAX_COMPUTE` (None: the default, one per worker).
    pub max_compute: Option<usize>,
    /// `LOKUS_TRUSTED_PROXIES`, a comma-separated CIDR list.
    pub trusted_proxies: String,
    /// `LOKUS_TRUST_GATEWAY_HEADER`.
    pub trust_gateway_header: Option<String>,
    /// `LOKUS_BASE_PATH` (e.g. `/lokus/1.0`); [`TestApp::url`] puts it before every path.
    pub base_path: String,
    /// `LOKUS_MAX_IMPORT_ROWS` and the other import limits.
    pub import_limits: model::import::Limits,
    /// `LOKUS_REQUEST_TIMEOUT_SECONDS`.
    pub request_timeout_seconds: u64,
    /// `LOKUS_BODY_TIMEOUT_SECONDS`.
    pub body_timeout_seconds: u64,
    /// `LOKUS_CORS_ORIGINS`, comma-separated.
    pub cors_origins: String,
    /// `LOKUS_FOUR_EYES` (default true).
    pub four_eyes: bool,
    /// `LOKUS_WEBHOOK_*`: allowed hosts, retry base, give-up horizon, timeout.
    pub webhooks: api::config::WebhookSettings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: true,
            require_read_token: false,
            max_body_bytes: 16 * 1024 * 1024,
            rate_limit_per_second: 10_000.0,
            rate_limit_burst: 10_000.0,
            max_compute: None,
            trusted_proxies: String::new(),
            trust_gateway_header: None,
            base_path: String::new(),
            import_limits: model::import::Limits::default(),
            request_timeout_seconds: 10,
            body_timeout_seconds: 60,
            cors_origins: String::new(),
            four_eyes: true,
            webhooks: api::config::WebhookSettings::default(),
        }
    }
}

/// Starts the app with the synthetic demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts the app with options, on the backend `LOKUS_TEST_BACKEND` selects.
pub async fn spawn_app_with(options: Options) -> TestApp {
    spawn_app_on_backend(Backend::selected(), options).await
}

/// Starts the app on a fresh SQLite file whatever the selected backend (for tests about
/// SQLite itself, e.g. its pragmas).
pub async fn spawn_sqlite_app_with(options: Options) -> TestApp {
    spawn_app_on_backend(Backend::Sqlite, options).await
}

/// Starts the app on a fresh database of `backend`. On PostgreSQL without
/// `LOKUS_TEST_POSTGRES_URL` this panics outside CI too: a run that selected PostgreSQL
/// must not quietly test SQLite instead.
pub async fn spawn_app_on_backend(backend: Backend, options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    match backend {
        Backend::Sqlite => {
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            spawn_app_on(url, dir, options, None).await
        }
        Backend::Postgres => {
            let database = actix_web::rt::task::spawn_blocking(PostgresDatabase::create)
                .await
                .expect("join")
                .expect("LOKUS_TEST_BACKEND=postgres needs LOKUS_TEST_POSTGRES_URL");
            spawn_app_on(database.url.clone(), dir, options, Some(database)).await
        }
    }
}

/// Starts a second server on the database of `first` (as a replica would run).
pub async fn spawn_replica(first: &TestApp) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_app_on(first.database_url.clone(), dir, Options::default(), None).await
}

async fn spawn_app_on(
    database_url: String,
    dir: tempfile::TempDir,
    options: Options,
    database: Option<PostgresDatabase>,
) -> TestApp {
    let settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".into(),
        demo: options.demo,
        require_read_token: options.require_read_token,
        max_body_bytes: options.max_body_bytes,
        rate_limit_per_second: options.rate_limit_per_second,
        rate_limit_burst: options.rate_limit_burst,
        workers: Some(2),
        max_compute: options.max_compute,
        trusted_proxies: api::config::parse_trusted_proxies(&options.trusted_proxies)
            .expect("trusted proxies"),
        trust_gateway_header: options.trust_gateway_header.clone(),
        base_path: api::config::parse_base_path(&options.base_path).expect("base path"),
        import_limits: options.import_limits,
        request_timeout_seconds: options.request_timeout_seconds,
        body_timeout_seconds: options.body_timeout_seconds,
        cors_origins: api::config::parse_cors_origins(&options.cors_origins).expect("origins"),
        four_eyes: options.four_eyes,
        webhooks: options.webhooks.clone(),
        ..Settings::default()
    };
    let prepared = settings.clone();
    let pool = actix_web::rt::task::spawn_blocking(move || prepare_database(&prepared))
        .await
        .expect("join")
        .expect("database");
    let (editor_token, viewer_token, steward_token, approver_token) = {
        let mut conn = pool.get().expect("conn");
        (
            ApiToken::create(&mut conn, Role::Editor, "test-editor").expect("token"),
            ApiToken::create(&mut conn, Role::Viewer, "test-viewer").expect("token"),
            ApiToken::create(&mut conn, Role::Steward, "test-steward").expect("token"),
            ApiToken::create(&mut conn, Role::Approver, "test-approver").expect("token"),
        )
    };
    let app = Application::build(settings, pool.clone()).expect("bind");
    let server = app.handle();
    let origin = format!("http://127.0.0.1:{}", app.port());
    let address = format!(
        "{origin}{}",
        api::config::parse_base_path(&options.base_path).expect("base path")
    );
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        origin,
        database_url,
        pool,
        client: reqwest::Client::builder()
            .no_gzip()
            .build()
            .expect("client"),
        editor_token,
        viewer_token,
        steward_token,
        approver_token,
        server,
        _dir: dir,
        _database: database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// A GET with one extra request header.
    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .expect("request")
    }

    /// A JSON read of the settled state: a default list served while it is refreshed after a
    /// data change (`X-Lokus-Refreshing`) is read again until the new one is there. Tests of the
    /// refreshing answers themselves use [`TestApp::get`].
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let started = std::time::Instant::now();
        loop {
            let response = self.get(path).await;
            if response.headers().get("x-lokus-refreshing").is_some()
                && started.elapsed() < std::time::Duration::from_secs(60)
            {
                actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
            let status = response.status().as_u16();
            return (status, response.json().await.unwrap_or(Value::Null));
        }
    }

    /// Uploads a dataset as the editor and, when it is staged, has the steward publish it
    /// (acknowledging a partial table): the upload's status with the published dataset, as an
    /// upload answered before stewardship. Failures come back as the upload answered them.
    pub async fn upload(
        &self,
        query: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let (status, body) = self.stage(query, content_type, body).await;
        if body["dataset"]["status"] != "staged" {
            return (status, body);
        }
        let id = body["dataset"]["id"].as_i64().expect("dataset id");
        let (published, answer) = self.publish(id, true).await;
        assert_eq!(published, 200, "publish dataset {id}: {answer}");
        (status, answer)
    }

    /// Uploads a dataset as the editor; it stays staged.
    pub async fn stage(
        &self,
        query: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        self.upload_as(&self.editor_token, query, content_type, body)
            .await
    }

    /// Uploads a dataset with `token`.
    pub async fn upload_as(
        &self,
        token: &str,
        query: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/datasets?{query}")))
            .bearer_auth(token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Publishes dataset `id` as the steward.
    pub async fn publish(&self, id: i64, acknowledge_partial: bool) -> (u16, Value) {
        self.post_json_as(
            &self.steward_token,
            &format!("/api/v1/datasets/{id}/publish"),
            &serde_json::json!({ "acknowledge_partial": acknowledge_partial }),
        )
        .await
    }

    /// POSTs a JSON body with `token`.
    pub async fn post_json_as(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GETs a JSON document with `token`.
    pub async fn get_json_as(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Posts a ranking scenario as the editor.
    pub async fn post_ranking(&self, scenario: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/api/v1/rankings"))
            .bearer_auth(&self.editor_token)
            .json(scenario)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// True when running under CI (`CI=true`), where a missing fixture or database fails the run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips a test outside CI with a printed reason; under CI a missing prerequisite is a failure.
pub fn skip_or_fail(reason: &str) {
    assert!(!in_ci(), "CI=true but {reason}: the test cannot run");
    eprintln!("skipped: {reason}");
}

/// `../shared/data/<name>` when the shared folder is present; `None` (test prints why) otherwise.
/// Under CI an absent file fails the test instead.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        skip_or_fail(&format!(
            "{} is absent (shared reference data not available here)",
            path.display()
        ));
        None
    }
}

/// Starts the app on an existing database (e.g. a throwaway PostgreSQL cluster a test runs).
pub async fn spawn_app_at(database_url: String, options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_app_on(database_url, dir, options, None).await
}

/// A CSV of one value per demo district for a covariate or stunting upload: `value(i)` for
/// the i-th district code of `codes`.
pub fn csv_of(header: &str, codes: &[String], value: impl Fn(usize) -> f64) -> String {
    let mut csv = format!("{header}\n");
    for (i, code) in codes.iter().enumerate() {
        csv.push_str(&format!("{code},{}\n", value(i)));
    }
    csv
}

impl TestApp {
    /// The codes of every district the app knows.
    pub async fn district_codes(&self) -> Vec<String> {
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("conn");
            model::region::RegionIndex::load(&mut conn)
                .expect("regions")
                .regions()
                .iter()
                .map(|r| r.code.clone())
                .collect()
        })
        .await
        .expect("join")
    }

    /// Every dataset with the number of observation rows stored for it, next to the row count
    /// its record claims: a partial import would show as a mismatch.
    pub async fn stored_row_counts(&self) -> Vec<(i32, i64, i32)> {
        let pool = self.pool.clone();
        actix_web::rt::task::spawn_blocking(move || stored_row_counts(&pool))
            .await
            .expect("join")
    }
}

/// (dataset id, rows stored for it, rows its record claims) for every observation dataset.
pub fn stored_row_counts(pool: &DbPool) -> Vec<(i32, i64, i32)> {
    use diesel::{QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        id: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        stored: i64,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        row_count: i32,
    }
    let mut conn = pool.get().expect("conn");
    diesel::sql_query(
        "SELECT d.id, (SELECT COUNT(*) FROM observations o WHERE o.dataset_id = d.id) AS stored, \
         d.row_count FROM datasets d WHERE d.kind IN ('stunting', 'spbe', 'covariate', 'population') \
         ORDER BY d.id",
    )
    .load::<Row>(&mut *conn)
    .expect("row counts")
    .into_iter()
    .map(|r| (r.id, r.stored, r.row_count))
    .collect()
}
