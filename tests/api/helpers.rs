//! Starting the real app on port 0 with a fresh database, and typed request helpers.

use std::path::PathBuf;

use api::config::Settings;
use api::startup::{Application, prepare_database};
use model::db::DbPool;
use model::token::{ApiToken, Role};
use serde_json::Value;

/// A running app with its own temporary database.
pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub pool: DbPool,
    pub client: reqwest::Client,
    pub editor_token: String,
    pub viewer_token: String,
    _dir: tempfile::TempDir,
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
    /// `LOKUS_MAX_IMPORT_ROWS` and the other import limits.
    pub import_limits: model::import::Limits,
    /// `LOKUS_REQUEST_TIMEOUT_SECONDS`.
    pub request_timeout_seconds: u64,
    /// `LOKUS_CORS_ORIGINS`, comma-separated.
    pub cors_origins: String,
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
            import_limits: model::import::Limits::default(),
            request_timeout_seconds: 10,
            cors_origins: String::new(),
        }
    }
}

/// Starts the app with the synthetic demo data.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts the app with options.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    spawn_app_on(url, dir, options).await
}

/// Starts a second server on the database of `first` (as a replica would run).
pub async fn spawn_replica(first: &TestApp) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_app_on(first.database_url.clone(), dir, Options::default()).await
}

async fn spawn_app_on(database_url: String, dir: tempfile::TempDir, options: Options) -> TestApp {
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
        import_limits: options.import_limits,
        request_timeout_seconds: options.request_timeout_seconds,
        cors_origins: api::config::parse_cors_origins(&options.cors_origins).expect("origins"),
    };
    let prepared = settings.clone();
    let pool = actix_web::rt::task::spawn_blocking(move || prepare_database(&prepared))
        .await
        .expect("join")
        .expect("database");
    let (editor_token, viewer_token) = {
        let mut conn = pool.get().expect("conn");
        (
            ApiToken::create(&mut conn, Role::Editor, "test-editor").expect("token"),
            ApiToken::create(&mut conn, Role::Viewer, "test-viewer").expect("token"),
        )
    };
    let app = Application::build(settings, pool.clone()).expect("bind");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        pool,
        client: reqwest::Client::builder()
            .no_gzip()
            .build()
            .expect("client"),
        editor_token,
        viewer_token,
        _dir: dir,
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

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Uploads a dataset as the editor.
    pub async fn upload(
        &self,
        query: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/datasets?{query}")))
            .bearer_auth(&self.editor_token)
            .header("Content-Type", content_type)
            .body(body)
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
