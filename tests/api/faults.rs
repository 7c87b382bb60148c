//! Faults: concurrent load, the database going away, a full or read-only database.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{
    Options, TestApp, csv_of, skip_or_fail, spawn_app_at, spawn_app_with, spawn_sqlite_app_with,
};

/// Runs `sql` on every connection of the app's pool: the pool hands out at most its size, so
/// taking that many at once reaches each of them.
async fn on_every_connection(app: &TestApp, sql: &'static str) {
    let pool = app.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        let mut held = Vec::new();
        for _ in 0..pool.max_size() {
            held.push(
                pool.get_timeout(Duration::from_secs(60))
                    .expect("a pooled connection"),
            );
        }
        for conn in &mut held {
            conn.batch_execute(sql).expect(sql);
        }
    })
    .await
    .expect("join");
}

#[actix_web::test]
async fn eight_imports_and_32_readers_for_10_s_get_no_5xx_and_the_counts_add_up() {
    let app = spawn_app_with(Options {
        // Every reader may compute a fresh shortlist after each import without a 503 busy.
        max_compute: Some(64),
        ..Options::default()
    })
    .await;
    let codes = app.district_codes().await;
    let before = app.stored_row_counts().await.len();
    let app = std::sync::Arc::new(app);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut importers = Vec::new();
    for task in 0..8_usize {
        let app = app.clone();
        let codes = codes.clone();
        importers.push(actix_web::rt::spawn(async move {
            // Each importer sends its own files (its own indicator, one year after another)
            // until the ten seconds are over: (created, refused with a clear 4xx/503 code).
            let (mut created, mut refused) = (0_usize, Vec::new());
            let mut year = 2001;
            while Instant::now() < deadline && year <= 2027 {
                let csv = csv_of("code,value", &codes, |i| (task * 1000 + i) as f64 / 7.0);
                let (status, body) = app
                    .upload(
                        &format!("kind=covariate&indicator=load_{task}&year={year}"),
                        "text/csv",
                        csv,
                    )
                    .await;
                match status {
                    201 => created += 1,
                    s => refused.push((s, body["error"].as_str().unwrap_or("").to_string())),
                }
                year += 1;
            }
            (created, refused)
        }));
    }
    let paths = [
        "/api/v1/shortlist?k=10",
        "/api/v1/datasets",
        "/api/v1/regions?per_page=50",
        "/readyz",
    ];
    let mut readers = Vec::new();
    for reader in 0..32_usize {
        let app = app.clone();
        readers.push(actix_web::rt::spawn(async move {
            let (mut answered, mut failures) = (0_usize, Vec::new());
            let mut n = reader;
            while Instant::now() < deadline {
                let path = paths[n % paths.len()];
                let status = app.get(path).await.status().as_u16();
                if status >= 500 {
                    failures.push((path, status));
                }
                answered += 1;
                n += 1;
            }
            (answered, failures)
        }));
    }
    let (mut created, mut refused) = (0, Vec::new());
    for handle in importers {
        let (c, r) = handle.await.unwrap();
        created += c;
        refused.extend(r);
    }
    let (mut reads, mut failures) = (0, Vec::new());
    for handle in readers {
        let (n, f) = handle.await.unwrap();
        reads += n;
        failures.extend(f);
    }
    eprintln!(
        "concurrency: {created} imports committed, {} refused, {reads} reads",
        refused.len()
    );
    assert!(failures.is_empty(), "5xx answers to readers: {failures:?}");
    assert!(
        refused.iter().all(|(s, code)| *s < 500 && !code.is_empty()),
        "an import failed without a clear 4xx: {refused:?}"
    );
    assert!(created >= 8, "every importer committed at least once");
    let counts = app.stored_row_counts().await;
    assert_eq!(
        counts.len(),
        before + created,
        "one dataset per committed import"
    );
    assert!(
        counts
            .iter()
            .all(|(_, stored, claimed)| *stored == i64::from(*claimed)),
        "a dataset with rows missing: {counts:?}"
    );
    let (_, listed) = app.get_json("/api/v1/datasets?per_page=1").await;
    assert_eq!(
        listed["meta"]["total"].as_u64(),
        Some(6 + created as u64),
        "the six demo datasets and every committed import"
    );
}

#[actix_web::test]
async fn an_import_on_a_full_disk_is_507_insufficient_storage_and_the_old_data_stays_served() {
    let app = spawn_sqlite_app_with(Options::default()).await;
    let shortlist = app
        .get("/api/v1/shortlist?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let codes = app.district_codes().await;
    // SQLite's own "database or disk is full": no page may be added beyond those in use.
    on_every_connection(
        &app,
        "PRAGMA max_page_count = 1; -- clamps to the pages in use\n",
    )
    .await;
    let csv = csv_of("code,prevalence", &codes, |i| 10.0 + (i % 50) as f64);
    let (status, body) = app
        .upload("kind=stunting&year=2026", "text/csv", csv.clone())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (507, Some("insufficient_storage")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("no space"),
        "{body}"
    );
    let (_, listed) = app.get_json("/api/v1/datasets?per_page=1").await;
    assert_eq!(listed["meta"]["total"], 6, "nothing was written");
    let again = app.get("/api/v1/shortlist?format=csv").await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(
        again.text().await.unwrap(),
        shortlist,
        "the old data stays served"
    );
    // Space again: the same upload goes through without a restart.
    on_every_connection(&app, "PRAGMA max_page_count = 1073741823;").await;
    let (status, _) = app.upload("kind=stunting&year=2026", "text/csv", csv).await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn an_import_on_a_read_only_database_is_503_database_read_only_and_reads_keep_working() {
    let app = spawn_sqlite_app_with(Options::default()).await;
    let shortlist = app
        .get("/api/v1/shortlist?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let codes = app.district_codes().await;
    // SQLite's own "attempt to write a readonly database" on every connection (root ignores
    // file modes, so a chmod would prove nothing here).
    on_every_connection(&app, "PRAGMA query_only = ON;").await;
    let csv = csv_of("code,prevalence", &codes, |i| 12.0 + (i % 40) as f64);
    let (status, body) = app
        .upload("kind=stunting&year=2026", "text/csv", csv.clone())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("database_read_only")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("read-only"),
        "{body}"
    );
    let again = app.get("/api/v1/shortlist?format=csv").await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(
        again.text().await.unwrap(),
        shortlist,
        "the old data stays served"
    );
    let (status, listed) = app.get_json("/api/v1/datasets?per_page=1").await;
    assert_eq!((status, listed["meta"]["total"].as_u64()), (200, Some(6)));
    on_every_connection(&app, "PRAGMA query_only = OFF;").await;
    let (status, _) = app.upload("kind=stunting&year=2026", "text/csv", csv).await;
    assert_eq!(status, 201);
}

/// A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temporary folder, its own port
/// and socket folder), stopped and removed on drop. The system cluster is never touched.
struct OwnCluster {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl OwnCluster {
    fn bin_dir() -> Option<std::path::PathBuf> {
        let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
            .collect();
        found.sort();
        found.pop()
    }

    /// Runs a PostgreSQL program as the `postgres` user when we are root (it refuses root).
    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            std::process::Command::new(path)
        };
        command
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect(program)
    }

    fn start_new() -> Option<OwnCluster> {
        let bin = Self::bin_dir()?;
        let dir = tempfile::tempdir().ok()?;
        if is_root() {
            let owner = std::process::Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .ok()?;
            let uid: u32 = String::from_utf8_lossy(&owner.stdout).trim().parse().ok()?;
            std::os::unix::fs::chown(dir.path(), Some(uid), None).ok()?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let cluster = OwnCluster { dir, bin, port };
        let data = cluster.data();
        let out = cluster.run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust"]);
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        let out = self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// (status, error code, milliseconds) of one GET.
async fn timed(app: &TestApp, path: &str) -> (u16, String, u128) {
    let started = Instant::now();
    let response = app
        .client
        .get(app.url(path))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("an answer, not a hang");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"].as_str().unwrap_or("").to_string(),
        started.elapsed().as_millis(),
    )
}

#[actix_web::test]
async fn with_postgres_stopped_calls_answer_503_within_2_s_and_service_resumes_without_restart() {
    let Some(cluster) = actix_web::rt::task::spawn_blocking(OwnCluster::start_new)
        .await
        .unwrap()
    else {
        skip_or_fail("no PostgreSQL server programs (initdb, pg_ctl) under /usr/lib/postgresql");
        return;
    };
    let app = spawn_app_at(cluster.url(), Options::default()).await;
    assert_eq!(timed(&app, "/readyz").await.0, 200);
    assert_eq!(timed(&app, "/api/v1/datasets").await.0, 200);

    let cluster = std::sync::Arc::new(cluster);
    let stopping = cluster.clone();
    actix_web::rt::task::spawn_blocking(move || stopping.stop())
        .await
        .unwrap();
    let (status, code, ms) = timed(&app, "/readyz").await;
    assert_eq!((status, code.as_str()), (503, "not_ready"));
    assert!(ms < 2000, "/readyz took {ms} ms");
    // Uncached reads and a write all need the database.
    for path in [
        "/api/v1/datasets",
        "/api/v1/regions/11.40",
        "/api/v1/rankings",
    ] {
        let (status, code, ms) = timed(&app, path).await;
        assert_eq!(
            (status, code.as_str()),
            (503, "database_unavailable"),
            "{path}"
        );
        assert!(ms < 2000, "{path} took {ms} ms");
        eprintln!("database down: {path} answered 503 in {ms} ms");
    }
    let (status, body) = app
        .upload("kind=stunting&year=2026", "text/csv", "code,prevalence\n")
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("database_unavailable"))
    );

    let starting = cluster.clone();
    actix_web::rt::task::spawn_blocking(move || starting.start())
        .await
        .unwrap();
    let back = Instant::now();
    loop {
        let (ready, _, _) = timed(&app, "/readyz").await;
        let (listed, _, _) = timed(&app, "/api/v1/datasets").await;
        if ready == 200 && listed == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "no recovery 30 s after the database returned ({ready}, {listed})"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "database down: service resumed {} ms after PostgreSQL accepted connections again",
        back.elapsed().as_millis()
    );
    drop(app);
}
