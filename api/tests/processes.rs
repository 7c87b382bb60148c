//! The `lokus serve` process itself: replicas starting together, SIGKILL during an import,
//! SIGTERM with a request in flight. SQLite always; PostgreSQL with LOKUS_TEST_POSTGRES_URL
//! (under CI=true its absence fails the PostgreSQL tests).
// Tests may unwrap: a panic is the failure report.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use serde_json::Value;

/// The tests of this file take turns: several start two servers at once, and the SIGKILL and
/// SIGTERM tests time their signals; side by side on a machine of two cores, one test's
/// servers starting up would stretch the other's timings past their meaning.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A fresh database: a SQLite file in a temporary folder, or a uniquely named PostgreSQL
/// database dropped (WITH (FORCE)) on drop.
struct Database {
    url: String,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Database {
    fn sqlite() -> Database {
        let dir = tempfile::tempdir().unwrap();
        Database {
            url: format!("sqlite://{}", dir.path().join("lokus.db").display()),
            _dir: dir,
            postgres: None,
        }
    }

    /// `None` (printed) outside CI when LOKUS_TEST_POSTGRES_URL is not set; a failure in CI.
    fn postgres() -> Option<Database> {
        let Ok(admin) = std::env::var("LOKUS_TEST_POSTGRES_URL") else {
            assert!(!in_ci(), "CI=true but LOKUS_TEST_POSTGRES_URL is not set");
            eprintln!("skipped: LOKUS_TEST_POSTGRES_URL is not set");
            return None;
        };
        let name = format!(
            "lokus_proc_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let mut conn = diesel::PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let after_scheme = admin.find("//").unwrap() + 2;
        let url = match admin[after_scheme..].find('/') {
            Some(i) => format!("{}/{name}", &admin[..after_scheme + i]),
            None => format!("{admin}/{name}"),
        };
        Some(Database {
            url,
            _dir: tempfile::tempdir().unwrap(),
            postgres: Some((admin, name)),
        })
    }

    /// (dataset id, rows stored, rows claimed) per observation dataset, read directly.
    fn row_counts(&self) -> Vec<(i32, i64, i32)> {
        let sql = "SELECT d.id, (SELECT COUNT(*) FROM observations o WHERE o.dataset_id = d.id) \
                   AS stored, d.row_count FROM datasets d \
                   WHERE d.kind IN ('stunting', 'spbe', 'covariate', 'population') ORDER BY d.id";
        let rows: Vec<Counts> = match &self.postgres {
            Some(_) => diesel::sql_query(sql)
                .load(&mut diesel::PgConnection::establish(&self.url).unwrap())
                .unwrap(),
            None => diesel::sql_query(sql)
                .load(
                    &mut diesel::SqliteConnection::establish(
                        self.url.trim_start_matches("sqlite://"),
                    )
                    .unwrap(),
                )
                .unwrap(),
        };
        rows.into_iter()
            .map(|r| (r.id, r.stored, r.row_count))
            .collect()
    }
}

#[derive(diesel::QueryableByName)]
struct Counts {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    stored: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    row_count: i32,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.postgres
            && let Ok(mut conn) = diesel::PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// One `lokus serve` process on port 0.
struct Server {
    child: Child,
    address: String,
    log: std::path::PathBuf,
    _logdir: tempfile::TempDir,
}

impl Server {
    /// Starts the process without waiting for it.
    fn launch(url: &str, env: &[(&str, &str)]) -> (Child, tempfile::TempDir) {
        let logdir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(logdir.path().join("stderr.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_lokus"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("LOKUS_DATABASE_URL", url)
            .env("LOKUS_LOG", "warn")
            .env("LOKUS_WORKERS", "2")
            .env("LOKUS_RATE_LIMIT", "100000")
            .env("LOKUS_RATE_BURST", "100000")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        (child, logdir)
    }

    /// Waits for the line naming the bound address (`lokus listening on http://…`).
    fn ready(mut child: Child, logdir: tempfile::TempDir) -> Server {
        let log = logdir.path().join("stderr.log");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("lokus listening on ") {
                    let _ = tx.send(address.to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(address) => Server {
                child,
                address,
                log,
                _logdir: logdir,
            },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().unwrap();
                panic!(
                    "lokus serve did not come up ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        }
    }

    fn start(url: &str, env: &[(&str, &str)]) -> Server {
        let (child, dir) = Server::launch(url, env);
        Server::ready(child, dir)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lokus token create --role editor` on the database: the token's secret.
fn editor_token(url: &str) -> String {
    token_of(url, "editor", "process-test")
}

fn steward_token(url: &str) -> String {
    token_of(url, "steward", "process-steward")
}

/// `lokus token create --role ROLE --label LABEL` on the database: the token's secret.
fn token_of(url: &str, role: &str, label: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lokus"))
        .args(["token", "create", "--role", role, "--label", label])
        .env("LOKUS_DATABASE_URL", url)
        .env("LOKUS_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

async fn get_json(server: &Server, path: &str) -> (u16, Value) {
    let response = client().get(server.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn upload(server: &Server, token: &str, query: &str, csv: String) -> (u16, Value) {
    let response = client()
        .post(server.url(&format!("/api/v1/datasets?{query}")))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The codes of the demo districts, from the API.
async fn district_codes(server: &Server) -> Vec<String> {
    let (status, body) = get_json(server, "/api/v1/regions?per_page=1000").await;
    assert_eq!(status, 200, "{body}");
    body["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn covariate_csv(codes: &[String], salt: usize) -> String {
    let mut csv = String::from("code,value\n");
    for (i, code) in codes.iter().enumerate() {
        csv.push_str(&format!("{code},{}\n", (salt * 7919 + i) as f64 / 13.0));
    }
    csv
}

async fn dataset_ids(server: &Server) -> Vec<i64> {
    let (status, body) = get_json(server, "/api/v1/datasets?per_page=100").await;
    assert_eq!(status, 200, "{body}");
    let mut ids: Vec<i64> = body["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

// ---------------------------------------------------------------------------------------
// Replicas starting at the same moment.

async fn two_replicas_started_together(db: &Database) {
    // Both processes are launched before either is waited for: they migrate and load the demo
    // data at the same moment on one empty database.
    let (a, a_log) = Server::launch(&db.url, &[]);
    let (b, b_log) = Server::launch(&db.url, &[]);
    let first = Server::ready(a, a_log);
    let second = Server::ready(b, b_log);
    for server in [&first, &second] {
        let (status, _) = get_json(server, "/readyz").await;
        assert_eq!(status, 200, "{}", server.stderr());
    }
    // The demo data were loaded exactly once: six datasets, whole.
    assert_eq!(dataset_ids(&first).await, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(dataset_ids(&second).await, vec![1, 2, 3, 4, 5, 6]);
    let counts = db.row_counts();
    assert!(
        counts.iter().all(|(_, s, c)| *s == i64::from(*c)),
        "{counts:?}"
    );

    // An import through one is served by the other (the list at once; the cached shortlist
    // within the replicas' freshness interval).
    let token = editor_token(&db.url);
    let codes = district_codes(&first).await;
    let shortlist_before = get_json(&second, "/api/v1/shortlist?method=need&k=3")
        .await
        .1;
    let mut stunting = String::from("code,prevalence\n");
    for (i, code) in codes.iter().enumerate() {
        // The first district gets the highest prevalence: it must lead the need ranking.
        let value = if i == 0 { 99.0 } else { 5.0 + (i % 30) as f64 };
        stunting.push_str(&format!("{code},{value}\n"));
    }
    let (status, body) = upload(&first, &token, "kind=stunting&year=2027", stunting).await;
    assert_eq!(status, 201, "{body}");
    let id = body["dataset"]["id"].as_i64().unwrap();
    assert!(dataset_ids(&second).await.contains(&id));
    // Staged until a steward publishes it, on the first replica.
    let steward = steward_token(&db.url);
    let response = client()
        .post(first.url(&format!("/api/v1/datasets/{id}/publish")))
        .bearer_auth(&steward)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let started = Instant::now();
    loop {
        let (_, now) = get_json(&second, "/api/v1/shortlist?method=need&k=3").await;
        if now["shortlist"]["districts"][0]["code"] == codes[0].as_str() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the second replica still serves the old shortlist: {now} (before: {shortlist_before})"
        );
        tokio_sleep(100).await;
    }

    // Two imports racing through both: two different files give two datasets; one file sent
    // through both at once gives one dataset (201 on one side, 200 on the other).
    let (x, y) = futures_util::future::join(
        upload(
            &first,
            &token,
            "kind=covariate&indicator=race_a&year=2026",
            covariate_csv(&codes, 1),
        ),
        upload(
            &second,
            &token,
            "kind=covariate&indicator=race_b&year=2026",
            covariate_csv(&codes, 2),
        ),
    )
    .await;
    assert_eq!((x.0, y.0), (201, 201), "{x:?} {y:?}");
    let same = covariate_csv(&codes, 3);
    let (x, y) = futures_util::future::join(
        upload(
            &first,
            &token,
            "kind=covariate&indicator=race_same&year=2026",
            same.clone(),
        ),
        upload(
            &second,
            &token,
            "kind=covariate&indicator=race_same&year=2026",
            same,
        ),
    )
    .await;
    let mut statuses = [x.0, y.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{x:?} {y:?}");
    assert_eq!(x.1["dataset"]["id"], y.1["dataset"]["id"]);
    let ids = dataset_ids(&first).await;
    assert_eq!(ids.len(), 6 + 1 + 2 + 1, "{ids:?}");
    assert_eq!(ids, dataset_ids(&second).await);
    let counts = db.row_counts();
    assert!(
        counts.iter().all(|(_, s, c)| *s == i64::from(*c)),
        "{counts:?}"
    );
}

async fn tokio_sleep(ms: u64) {
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
}

#[actix_web::test]
async fn two_replicas_started_at_the_same_moment_on_an_empty_postgres_database_both_come_up() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(db) = Database::postgres() else {
        return;
    };
    two_replicas_started_together(&db).await;
}

#[actix_web::test]
async fn two_processes_started_at_the_same_moment_on_one_empty_sqlite_file_both_come_up() {
    let _turn = ONE_AT_A_TIME.lock().await;
    two_replicas_started_together(&Database::sqlite()).await;
}

// ---------------------------------------------------------------------------------------
// SIGKILL during an import.

/// Sends a large valid import (a covariate for every demo district, written row by row),
/// kills the server with SIGKILL while it writes, restarts it and checks that the dataset is
/// either absent (old state) or whole. `writing` says when the write is under way.
async fn kill_mid_import(
    db: &Database,
    salt: usize,
    writing: impl Fn(Duration) -> bool + Send + Sync + 'static,
) -> &'static str {
    let server = Server::start(&db.url, &[]);
    let token = editor_token(&db.url);
    let codes = district_codes(&server).await;
    let before = dataset_ids(&server).await;
    let url = server.url("/api/v1/datasets?kind=covariate&indicator=killed&year=2026");
    let body = covariate_csv(&codes, 100 + salt);
    let request = actix_web::rt::spawn(async move {
        client()
            .post(url)
            .bearer_auth(token)
            .header("Content-Type", "text/csv")
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    let writing = std::sync::Arc::new(writing);
    let started = Instant::now();
    loop {
        let probe = writing.clone();
        let since_sent = started.elapsed();
        let now = actix_web::rt::task::spawn_blocking(move || probe(since_sent))
            .await
            .unwrap();
        if now || started.elapsed() > Duration::from_secs(30) {
            break;
        }
        tokio_sleep(1).await;
    }
    server.signal("KILL");
    let answered = request.await.unwrap();
    drop(server);

    let restarted = Server::start(&db.url, &[]);
    let after = dataset_ids(&restarted).await;
    let counts = db.row_counts();
    assert!(
        counts
            .iter()
            .all(|(_, stored, claimed)| *stored == i64::from(*claimed)),
        "a partial dataset after SIGKILL: {counts:?}"
    );
    if after == before {
        assert!(
            answered.is_err(),
            "the server said {answered:?} yet nothing is stored"
        );
        "old state"
    } else {
        assert_eq!(after.len(), before.len() + 1, "{before:?} → {after:?}");
        let newest = counts.last().unwrap();
        assert_eq!(
            newest.2 as usize,
            codes.len(),
            "the new dataset has every row"
        );
        "complete new dataset"
    }
}

#[actix_web::test]
async fn an_import_killed_mid_write_on_postgres_leaves_the_old_state_or_the_whole_dataset() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(db) = Database::postgres() else {
        return;
    };
    let (admin, name) = db.postgres.clone().unwrap();
    // Deterministic: kill when the server's session is seen inserting observation rows.
    let writing = move |_: Duration| {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let Ok(mut conn) = diesel::PgConnection::establish(&admin) else {
            return false;
        };
        diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = '{name}' \
             AND state <> 'idle' AND query LIKE 'INSERT INTO \"observations\"%'"
        ))
        .get_result::<N>(&mut conn)
        .is_ok_and(|r| r.n > 0)
    };
    let outcome = kill_mid_import(&db, 0, writing).await;
    eprintln!("SIGKILL mid-import on PostgreSQL: {outcome}");
    assert_eq!(
        outcome, "old state",
        "killed while writing: nothing may be committed"
    );
}

#[actix_web::test]
async fn an_import_killed_mid_write_on_sqlite_leaves_the_old_state_or_the_whole_dataset() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let db = Database::sqlite();
    // SQLite shows no sign of a write in progress from outside: kill at several moments
    // after sending, across restarts; each time the data must be old or whole.
    let mut outcomes = Vec::new();
    for (salt, delay_ms) in [20_u64, 60, 150, 400].into_iter().enumerate() {
        let outcome = kill_mid_import(&db, salt, move |since_sent| {
            since_sent >= Duration::from_millis(delay_ms)
        })
        .await;
        outcomes.push((delay_ms, outcome));
    }
    eprintln!("SIGKILL mid-import on SQLite (delay ms, outcome): {outcomes:?}");
}

// ---------------------------------------------------------------------------------------
// SIGTERM with a request in flight.

#[actix_web::test]
async fn a_slow_ranking_in_flight_at_sigterm_completes_with_201_and_the_process_exits_0() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let db = Database::sqlite();
    let mut server = Server::start(&db.url, &[("LOKUS_SHUTDOWN_GRACE_SECONDS", "60")]);
    let token = editor_token(&db.url);
    // Many Monte Carlo draws and a seed of its own: computed now, not served from a cache.
    let scenario = serde_json::json!({
        "k": 50,
        "uncertainty": {"draws": 100000, "seed": 7}
    });
    let url = server.url("/api/v1/rankings");
    let started = Instant::now();
    let request = actix_web::rt::spawn(async move {
        let response = client()
            .post(url)
            .bearer_auth(token)
            .json(&scenario)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), started.elapsed())
    });
    tokio_sleep(300).await;
    assert!(
        !request.is_finished(),
        "the ranking must still be running at the signal"
    );
    let signalled = started.elapsed();
    server.signal("TERM");
    let (status, took) = request.await.unwrap();
    assert_eq!(status, 201, "{}", server.stderr());
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running after the grace period"
        );
        tokio_sleep(50).await;
    };
    assert_eq!(exit.code(), Some(0), "{}", server.stderr());
    eprintln!(
        "graceful shutdown: SIGTERM at {} ms, the ranking answered 201 at {} ms, exit 0",
        signalled.as_millis(),
        took.as_millis()
    );
}

// ---------------------------------------------------------------------------------------
// Webhooks: SIGKILL between an event's commit and its delivery; replicas sharing the queue.

/// `lokus token create --role approver` on the database: the token's secret.
fn approver_token(url: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lokus"))
        .args([
            "token",
            "create",
            "--role",
            "approver",
            "--label",
            "process-approver",
        ])
        .env("LOKUS_DATABASE_URL", url)
        .env("LOKUS_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A loopback receiver recording (path, webhook-id) of every request; it answers 500 the
/// first time it sees a pair when `fail_first`, else 200.
struct Receiver {
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

impl Receiver {
    fn start(listener: std::net::TcpListener, fail_first: bool) -> Receiver {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
        let log = seen.clone();
        let server = HttpServer::new(move || {
            let log = log.clone();
            App::new().default_service(web::to(move |req: HttpRequest| {
                let log = log.clone();
                async move {
                    let id = req
                        .headers()
                        .get("webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let key = (req.path().to_string(), id);
                    let mut log = log.lock().unwrap();
                    let first = !log.contains(&key);
                    log.push(key);
                    if fail_first && first {
                        HttpResponse::InternalServerError().finish()
                    } else {
                        HttpResponse::Ok().finish()
                    }
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap();
        actix_web::rt::spawn(server.run());
        Receiver { seen }
    }

    fn seen(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().clone()
    }
}

async fn call(
    server: &Server,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client()
        .request(method, server.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn wait_until<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {secs} s for {what}");
        tokio_sleep(50).await;
    }
}

async fn killed_between_commit_and_delivery(db: &Database) {
    // The receiver's port is reserved, but nothing listens there until after the kill.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = reserved.local_addr().unwrap().port();
    drop(reserved);
    let allowed = format!("127.0.0.1:{port}");
    let env = [
        ("LOKUS_WEBHOOK_ALLOWED_HOSTS", allowed.as_str()),
        ("LOKUS_WEBHOOK_RETRY_BASE_SECONDS", "1"),
        ("LOKUS_WEBHOOK_TIMEOUT_SECONDS", "2"),
        // One call uploads and publishes (a steward's `publish=true`, allowed without four eyes).
        ("LOKUS_FOUR_EYES", "false"),
    ];
    let server = Server::start(&db.url, &env);
    let (steward, approver) = (steward_token(&db.url), approver_token(&db.url));
    let (status, created) = call(
        &server,
        reqwest::Method::POST,
        &approver,
        "/api/v1/webhooks",
        Some(serde_json::json!({"url": format!("http://{allowed}/hook"), "events": ["dataset.published"]})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let hook = created["webhook"]["id"].as_i64().unwrap();
    let codes = district_codes(&server).await;
    let (status, body) = upload(
        &server,
        &steward,
        "kind=covariate&indicator=webhook_kill&year=2026&publish=true",
        covariate_csv(&codes, 7),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (_, feed) = get_json(&server, "/api/v1/events").await;
    let original = feed["events"][0]["id"].as_str().unwrap().to_string();
    // The first attempt finds no receiver and is recorded; the next is due a second later.
    // The process dies now: after the commit, before any delivery.
    let deliveries = format!("/api/v1/webhooks/{hook}/deliveries");
    wait_until("the first (refused) attempt", 30, async || {
        let (_, list) = call(&server, reqwest::Method::GET, &approver, &deliveries, None).await;
        (list["deliveries"][0]["attempt_count"] == 1).then_some(())
    })
    .await;
    server.signal("KILL");
    drop(server);

    let receiver = Receiver::start(std::net::TcpListener::bind(&allowed).unwrap(), false);
    let restarted = Server::start(&db.url, &env);
    wait_until("the delivery after the restart", 60, async || {
        (!receiver.seen().is_empty()).then_some(())
    })
    .await;
    // Long enough for a duplicate to show: the base delay is 1 s.
    tokio_sleep(3000).await;
    assert_eq!(receiver.seen(), [("/hook".to_string(), original)]);
    let (_, list) = call(
        &restarted,
        reqwest::Method::GET,
        &approver,
        &deliveries,
        None,
    )
    .await;
    let delivery = &list["deliveries"][0];
    assert_eq!(delivery["status"], "delivered", "{list}");
    assert_eq!(delivery["attempt_count"], 2);
    let first_error = delivery["attempts"][0]["error"].as_str().unwrap();
    assert!(
        first_error.starts_with("could not connect"),
        "{first_error}"
    );
    assert_eq!(delivery["attempts"][1]["status_code"], 200);
}

#[actix_web::test]
async fn an_event_committed_before_a_sigkill_is_delivered_once_after_the_restart_with_its_original_id()
 {
    let _turn = ONE_AT_A_TIME.lock().await;
    killed_between_commit_and_delivery(&Database::sqlite()).await;
}

#[actix_web::test]
async fn an_event_committed_before_a_sigkill_on_postgres_is_delivered_once_after_the_restart() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(db) = Database::postgres() else {
        return;
    };
    killed_between_commit_and_delivery(&db).await;
}

#[actix_web::test]
async fn two_replicas_on_one_postgres_database_send_each_attempt_of_each_event_once() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(db) = Database::postgres() else {
        return;
    };
    // Every delivery fails once, then succeeds: each (subscription, event) must reach the
    // receiver exactly twice, whichever replica claims each attempt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let allowed = format!("127.0.0.1:{}", listener.local_addr().unwrap().port());
    let receiver = Receiver::start(listener, true);
    let env = [
        ("LOKUS_WEBHOOK_ALLOWED_HOSTS", allowed.as_str()),
        ("LOKUS_WEBHOOK_RETRY_BASE_SECONDS", "0.5"),
        ("LOKUS_FOUR_EYES", "false"),
    ];
    let (a, a_log) = Server::launch(&db.url, &env);
    let (b, b_log) = Server::launch(&db.url, &env);
    let (first, second) = (Server::ready(a, a_log), Server::ready(b, b_log));
    let (steward, approver) = (steward_token(&db.url), approver_token(&db.url));
    for (server, path) in [(&first, "/a"), (&second, "/b")] {
        let (status, body) = call(
            server,
            reqwest::Method::POST,
            &approver,
            "/api/v1/webhooks",
            Some(serde_json::json!({"url": format!("http://{allowed}{path}"), "events": ["dataset.published"]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let codes = district_codes(&first).await;
    for round in 0..4 {
        let (x, y) = futures_util::future::join(
            upload(
                &first,
                &steward,
                &format!("kind=covariate&indicator=replica_a{round}&year=2026&publish=true"),
                covariate_csv(&codes, 20 + round),
            ),
            upload(
                &second,
                &steward,
                &format!("kind=covariate&indicator=replica_b{round}&year=2026&publish=true"),
                covariate_csv(&codes, 40 + round),
            ),
        )
        .await;
        assert_eq!((x.0, y.0), (201, 201), "{x:?} {y:?}");
    }
    let (_, feed) = get_json(&first, "/api/v1/events").await;
    let events: Vec<String> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(events.len(), 8);
    wait_until("every delivery's two attempts", 60, async || {
        (receiver.seen().len() >= 2 * 2 * events.len()).then_some(())
    })
    .await;
    tokio_sleep(2000).await;
    let seen = receiver.seen();
    for path in ["/a", "/b"] {
        for event in &events {
            let n = seen
                .iter()
                .filter(|(p, id)| p == path && id == event)
                .count();
            assert_eq!(n, 2, "{path} {event}: {n} requests in {seen:?}");
        }
    }
    assert_eq!(seen.len(), 32);
}
