//! Webhooks as integrators meet them: subscriptions (approver tokens), Standard Webhooks
//! deliveries verified by the specification's own Python library, retries with growing
//! delays, giving up, the target rules (refused before any connection), and the event feed.
//! Every receiver here listens on loopback; every refused target is refused before a lookup
//! or a connection.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, skip_or_fail, spawn_app, spawn_app_with};

/// Waits up to `secs` for `probe` to give a value.
async fn wait_for<T>(what: &str, secs: u64, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {secs} s for {what}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn allowing(hosts: &str) -> Options {
    Options {
        webhooks: api::config::WebhookSettings {
            allowed_hosts: Some(api::config::parse_allowed_hosts(hosts).unwrap()),
            ..Default::default()
        },
        ..Options::default()
    }
}

impl TestApp {
    /// A request as the approver.
    async fn as_approver(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(&self.approver_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn subscribe(&self, url: &str, events: &[&str]) -> (u16, Value) {
        self.as_approver(
            reqwest::Method::POST,
            "/api/v1/webhooks",
            Some(json!({"url": url, "events": events, "description": "planning system"})),
        )
        .await
    }

    /// Uploads a small stunting table for `year` and has the steward publish it: its dataset.
    async fn publish_table(&self, year: i32) -> Value {
        let csv = format!("code,prevalence\n11.40,{}\n11.41,30\n", year % 50);
        let (status, body) = self
            .upload(
                &format!("kind=stunting&year={year}&source=test"),
                "text/csv",
                csv,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["dataset"].clone()
    }

    async fn deliveries(&self, webhook: i64) -> Value {
        let (status, body) = self
            .as_approver(
                reqwest::Method::GET,
                &format!("/api/v1/webhooks/{webhook}/deliveries"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn metrics(&self) -> String {
        self.get("/metrics").await.text().await.unwrap()
    }
}

/// What a Rust receiver saw of one request.
#[derive(Debug, Clone)]
struct Received {
    at: Instant,
    webhook_id: String,
}

/// A receiver on loopback answering the statuses of `script` in turn (then 200).
struct Receiver {
    port: u16,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: Vec<u16>) -> Receiver {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (log, answers) = (seen.clone(), script.clone());
        let server = HttpServer::new(move || {
            let (log, answers) = (log.clone(), answers.clone());
            App::new().default_service(web::to(move |req: HttpRequest| {
                let (log, answers) = (log.clone(), answers.clone());
                async move {
                    let webhook_id = req
                        .headers()
                        .get("webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    log.lock().unwrap().push(Received {
                        at: Instant::now(),
                        webhook_id,
                    });
                    let status = answers.lock().unwrap().pop_front().unwrap_or(200);
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        Receiver { port, seen }
    }

    fn seen(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------
// Verified by an independent implementation.

/// The Python of `.ci/python.sh`'s virtualenv (which has `standardwebhooks`), or
/// `LOKUS_CI_PYTHON`.
fn standard_webhooks_python() -> Option<PathBuf> {
    let path = std::env::var_os("LOKUS_CI_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ci-venv/bin/python"),
        PathBuf::from,
    );
    path.exists().then_some(path)
}

/// The Python receiver of `standard_webhooks_receiver.py`, killed on drop.
struct PythonReceiver {
    child: std::process::Child,
    port: u16,
    secrets: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for PythonReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PythonReceiver {
    fn start(python: &PathBuf) -> PythonReceiver {
        let dir = tempfile::tempdir().unwrap();
        let (secrets, log) = (dir.path().join("secrets"), dir.path().join("log.jsonl"));
        std::fs::write(&secrets, "").unwrap();
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("api/standard_webhooks_receiver.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .arg(&secrets)
            .arg(&log)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the receiver prints its port");
        PythonReceiver {
            child,
            port,
            secrets,
            log,
            _dir: dir,
        }
    }

    fn entries(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    async fn entry(&self, n: usize) -> Value {
        wait_for(
            &format!("delivery {n} at the Python receiver"),
            30,
            async || self.entries().get(n).cloned(),
        )
        .await
    }
}

#[actix_web::test]
async fn every_delivery_verifies_with_the_standard_webhooks_python_library_and_a_tampered_body_does_not()
 {
    let Some(python) = standard_webhooks_python() else {
        skip_or_fail("no Python with standardwebhooks (run .ci/python.sh, or set LOKUS_CI_PYTHON)");
        return;
    };
    // Arrange: the receiver, a subscription to it, its secret handed to the receiver.
    let receiver = PythonReceiver::start(&python);
    let app = spawn_app_with(allowing(&format!("127.0.0.1:{}", receiver.port))).await;
    let (status, created) = app
        .subscribe(
            &format!("http://127.0.0.1:{}/hooks/lokus", receiver.port),
            &["dataset.published"],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["webhook"]["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    std::fs::write(&receiver.secrets, &secret).unwrap();

    // Act: a publication.
    let dataset = app.publish_table(2019).await;

    // Assert: delivered once, verified by the library, with the feed's id and the dataset.
    let entry = receiver.entry(0).await;
    assert_eq!(entry["verdicts"], json!(["verified"]), "{entry}");
    assert_eq!(entry["content_type"], "application/json");
    let (_, feed) = app.get_json("/api/v1/events").await;
    let event = &feed["events"][0];
    assert_eq!(entry["webhook_id"], event["id"]);
    let body: Value = serde_json::from_str(entry["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "dataset.published");
    assert_eq!(body["timestamp"], event["timestamp"]);
    assert_eq!(body["data"], event["data"]);
    assert_eq!(body["data"]["dataset_id"], dataset["id"]);
    assert_eq!(body["data"]["kind"], "stunting");
    assert_eq!(body["data"]["year"], 2019);
    assert_eq!(body["data"]["sha256"], dataset["sha256"]);
    let id = created["webhook"]["id"].as_i64().unwrap();
    let deliveries = wait_for("the delivery recorded as delivered", 10, async || {
        let list = app.deliveries(id).await;
        (list["deliveries"][0]["status"] == "delivered").then_some(list)
    })
    .await;
    assert_eq!(
        deliveries["deliveries"][0]["attempts"][0]["status_code"],
        204
    );

    // A tampered body, or a replay under another timestamp, is rejected by the library.
    let headers = |timestamp: &str| {
        let mut h = reqwest::header::HeaderMap::new();
        for (name, value) in [
            ("webhook-id", entry["webhook_id"].as_str().unwrap()),
            ("webhook-timestamp", timestamp),
            (
                "webhook-signature",
                entry["webhook_signature"].as_str().unwrap(),
            ),
        ] {
            h.insert(name, value.parse().unwrap());
        }
        h
    };
    let original = entry["body"].as_str().unwrap();
    let tampered = original.replace("\"stunting\"", "\"spbe\"");
    assert_ne!(tampered, original);
    let timestamp = entry["webhook_timestamp"].as_str().unwrap();
    let shifted = (timestamp.parse::<i64>().unwrap() + 1).to_string();
    for (body, ts) in [(tampered.as_str(), timestamp), (original, shifted.as_str())] {
        let response = app
            .client
            .post(format!("http://127.0.0.1:{}/hooks/lokus", receiver.port))
            .headers(headers(ts))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
    }
    let entries = receiver.entries();
    for forged in &entries[1..3] {
        let verdict = forged["verdicts"][0].as_str().unwrap();
        assert!(
            verdict.starts_with("rejected: No matching signature"),
            "{forged}"
        );
    }

    // After a rotation both secrets sign for a while: a receiver holding either verifies.
    let (status, rotated) = app
        .as_approver(
            reqwest::Method::POST,
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = rotated["webhook"]["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    assert!(rotated["webhook"]["previous_secret_until"].is_string());
    std::fs::write(&receiver.secrets, format!("{new_secret}\n{secret}\n")).unwrap();
    app.publish_table(2020).await;
    let entry = receiver.entry(3).await;
    assert_eq!(
        entry["verdicts"],
        json!(["verified", "verified"]),
        "{entry}"
    );
    assert_eq!(
        entry["webhook_signature"]
            .as_str()
            .unwrap()
            .split(' ')
            .count(),
        2
    );
}

// ---------------------------------------------------------------------------------------
// Retries.

#[actix_web::test]
async fn a_receiver_answering_500_twice_then_200_sees_three_attempts_with_growing_delays() {
    let receiver = Receiver::start(vec![500, 500, 200]);
    let mut options = allowing(&format!("127.0.0.1:{}", receiver.port));
    options.webhooks.retry_base_seconds = 1.0;
    let app = spawn_app_with(options).await;
    let (status, created) = app
        .subscribe(
            &format!("http://127.0.0.1:{}/", receiver.port),
            &["dataset.published"],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["webhook"]["id"].as_i64().unwrap();

    app.publish_table(2019).await;
    let seen = wait_for("three attempts", 30, async || {
        let seen = receiver.seen();
        (seen.len() >= 3).then_some(seen)
    })
    .await;
    let list = wait_for("the delivery recorded as delivered", 10, async || {
        let list = app.deliveries(id).await;
        (list["deliveries"][0]["status"] == "delivered").then_some(list)
    })
    .await;

    // The same webhook-id every time; the second wait longer than the first. The delays are
    // base × 2^(n-1) × [0.8, 1.2): 0.8–1.2 s, then 1.6–2.4 s (plus the worker's latency).
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.webhook_id == seen[0].webhook_id));
    let first = seen[1].at - seen[0].at;
    let second = seen[2].at - seen[1].at;
    eprintln!("delays between attempts: {first:?}, {second:?}");
    assert!(first >= Duration::from_millis(790), "{first:?}");
    assert!(second >= Duration::from_millis(1590), "{second:?}");
    assert!(second > first, "{first:?} then {second:?}");

    let delivery = &list["deliveries"][0];
    assert_eq!(delivery["attempt_count"], 3);
    assert_eq!(delivery["next_attempt_at"], Value::Null);
    let attempts = delivery["attempts"].as_array().unwrap();
    let codes: Vec<&Value> = attempts.iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(200)]);
    assert!(attempts[0]["next_attempt_at"].is_string());
    assert!(attempts[1]["next_attempt_at"].is_string());
    assert_eq!(attempts[2]["next_attempt_at"], Value::Null);
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("lokus_webhook_attempts_total{result=\"error\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("lokus_webhook_attempts_total{result=\"success\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("lokus_webhook_queue_depth 0"), "{metrics}");
}

#[actix_web::test]
async fn a_receiver_that_never_answers_ends_failed_in_the_deliveries_list_and_the_metrics() {
    // Accepts connections and never answers a byte.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = held.clone();
    std::thread::spawn(move || {
        for stream in silent.incoming().flatten() {
            holder.lock().unwrap().push(stream);
        }
    });
    let mut options = allowing(&format!("127.0.0.1:{port}"));
    options.webhooks.timeout_seconds = 0.5;
    options.webhooks.retry_base_seconds = 0.3;
    options.webhooks.give_up_seconds = 2.0;
    let app = spawn_app_with(options).await;
    let (_, created) = app
        .subscribe(&format!("http://127.0.0.1:{port}/"), &["dataset.published"])
        .await;
    let id = created["webhook"]["id"].as_i64().unwrap();

    app.publish_table(2019).await;
    let list = wait_for("the delivery to fail", 30, async || {
        let list = app.deliveries(id).await;
        (list["deliveries"][0]["status"] == "failed").then_some(list)
    })
    .await;

    let delivery = &list["deliveries"][0];
    let attempts = delivery["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 2, "{delivery}");
    assert_eq!(delivery["attempt_count"], attempts.len());
    for attempt in attempts {
        assert_eq!(attempt["status_code"], Value::Null);
        assert_eq!(attempt["error"], "no answer within 0.5 s", "{attempt}");
    }
    assert_eq!(attempts.last().unwrap()["next_attempt_at"], Value::Null);
    assert_eq!(held.lock().unwrap().len(), attempts.len());
    let failed = app
        .as_approver(
            reqwest::Method::GET,
            &format!("/api/v1/webhooks/{id}/deliveries?status=failed"),
            None,
        )
        .await
        .1;
    assert_eq!(failed["meta"]["total"], 1);
    let metrics = app.metrics().await;
    for line in [
        "lokus_webhook_failures_total 1",
        "lokus_webhook_deliveries{status=\"failed\"} 1",
        "lokus_webhook_queue_depth 0",
    ] {
        assert!(metrics.contains(line), "{line} missing:\n{metrics}");
    }

    // A retry makes it due again: one more attempt, then failed again (past the horizon).
    let delivery_id = delivery["id"].as_i64().unwrap();
    let (status, retried) = app
        .as_approver(
            reqwest::Method::POST,
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
            None,
        )
        .await;
    assert_eq!(status, 202, "{retried}");
    assert_eq!(retried["delivery"]["status"], "pending");
    let before = attempts.len();
    wait_for("the retried attempt", 30, async || {
        let list = app.deliveries(id).await;
        let d = &list["deliveries"][0];
        (d["status"] == "failed" && d["attempts"].as_array().unwrap().len() == before + 1)
            .then_some(())
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// Target rules.

#[actix_web::test]
async fn a_target_outside_the_allow_list_is_refused_at_subscription_and_never_contacted() {
    // The canary: a loopback port nobody may connect to.
    let canary = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    canary.set_nonblocking(true).unwrap();
    let canary_port = canary.local_addr().unwrap().port();
    let receiver = Receiver::start(vec![]);
    let app = spawn_app_with(allowing(&format!("127.0.0.1:{}", receiver.port))).await;

    let (status, body) = app
        .subscribe(
            &format!("http://127.0.0.1:{canary_port}/"),
            &["dataset.published"],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "webhook_target_refused");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("LOKUS_WEBHOOK_ALLOWED_HOSTS")
    );
    let (_, list) = app
        .as_approver(reqwest::Method::GET, "/api/v1/webhooks", None)
        .await;
    assert_eq!(list["meta"]["total"], 0, "nothing was stored: {list}");

    // A subscription made before the allow-list changed (written directly): its deliveries
    // are refused at delivery time too, and recorded so.
    let stale = {
        let mut conn = app.pool.get().unwrap();
        model::outbox::webhook::Webhook::create(
            &mut conn,
            &model::audit::Actor::local("test"),
            &model::outbox::webhook::NewWebhook {
                url: &format!("http://127.0.0.1:{canary_port}/"),
                events: &["dataset.published".to_string()],
                description: "older than the allow-list",
            },
        )
        .unwrap()
    };
    let (status, _) = app
        .subscribe(
            &format!("http://127.0.0.1:{}/", receiver.port),
            &["dataset.published"],
        )
        .await;
    assert_eq!(status, 201);
    app.publish_table(2019).await;
    wait_for("the allowed receiver's delivery", 30, async || {
        (!receiver.seen().is_empty()).then_some(())
    })
    .await;
    let list = wait_for("the refused attempt", 30, async || {
        let list = app.deliveries(i64::from(stale.id)).await;
        (!list["deliveries"][0]["attempts"].as_array()?.is_empty()).then_some(list)
    })
    .await;
    let error = list["deliveries"][0]["attempts"][0]["error"]
        .as_str()
        .unwrap();
    assert!(
        error.starts_with("target refused: url: host 127.0.0.1:"),
        "{error}"
    );
    assert!(
        matches!(canary.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the canary was contacted"
    );
}

#[actix_web::test]
async fn without_an_allow_list_plain_http_and_private_loopback_or_metadata_targets_are_refused() {
    let app = spawn_app().await;
    for url in [
        "http://8.8.8.8/hook",
        "https://127.0.0.1/hook",
        "https://10.20.30.40/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/",
        "https://localhost/hook",
        "https://metadata.google.internal/computeMetadata/v1/",
    ] {
        let (status, body) = app.subscribe(url, &["lokus.adopted"]).await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(body["error"], "webhook_target_refused", "{url}");
    }
    for (url, code) in [
        ("not a url", "invalid_webhook_url"),
        ("ftp://8.8.8.8/", "invalid_webhook_url"),
        ("https://user:secret@8.8.8.8/", "invalid_webhook_url"),
    ] {
        let (status, body) = app.subscribe(url, &["lokus.adopted"]).await;
        assert_eq!(
            (status, body["error"].as_str().unwrap()),
            (422, code),
            "{url}"
        );
        assert!(body["message"].as_str().unwrap().starts_with("url:"));
    }
    let (_, list) = app
        .as_approver(reqwest::Method::GET, "/api/v1/webhooks", None)
        .await;
    assert_eq!(list["meta"]["total"], 0);
}

// ---------------------------------------------------------------------------------------
// The subscription endpoints' contract.

#[actix_web::test]
async fn only_approvers_manage_webhooks_and_bad_requests_change_nothing() {
    let app = spawn_app_with(allowing("127.0.0.1:9")).await;
    let body = json!({"url": "http://127.0.0.1:9/", "events": ["lokus.adopted"]});
    let post = |token: Option<&str>| {
        let mut request = app.client.post(app.url("/api/v1/webhooks")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(post(None).await.unwrap().status(), 401);
    assert_eq!(post(Some(&app.viewer_token)).await.unwrap().status(), 403);
    assert_eq!(post(Some(&app.editor_token)).await.unwrap().status(), 403);
    assert_eq!(post(Some(&app.steward_token)).await.unwrap().status(), 403);
    let response = app
        .client
        .get(app.url("/api/v1/webhooks"))
        .bearer_auth(&app.editor_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    for (events, code) in [
        (json!([]), "unknown_event_type"),
        (json!(["dataset.deleted"]), "unknown_event_type"),
    ] {
        let (status, body) = app
            .as_approver(
                reqwest::Method::POST,
                "/api/v1/webhooks",
                Some(json!({"url": "http://127.0.0.1:9/", "events": events})),
            )
            .await;
        assert_eq!(
            (status, body["error"].as_str().unwrap()),
            (422, code),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().starts_with("events:"));
    }
    let (status, body) = app
        .as_approver(
            reqwest::Method::POST,
            "/api/v1/webhooks",
            Some(json!({"url": "http://127.0.0.1:9/", "events": ["lokus.adopted"], "colour": 1})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (400, "invalid_json")
    );
    let (_, list) = app
        .as_approver(reqwest::Method::GET, "/api/v1/webhooks", None)
        .await;
    assert_eq!(list["meta"]["total"], 0);

    // Created (events deduplicated, in the documented order), listed without the secret,
    // deleted; then gone.
    let (status, created) = app
        .subscribe(
            "http://127.0.0.1:9/",
            &["dataset.published", "lokus.adopted", "lokus.adopted"],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let webhook = &created["webhook"];
    assert_eq!(
        webhook["events"],
        json!(["lokus.adopted", "dataset.published"])
    );
    assert_eq!(webhook["created_by"], "test-approver");
    assert_eq!(webhook["description"], "planning system");
    let id = webhook["id"].as_i64().unwrap();
    let (_, list) = app
        .as_approver(reqwest::Method::GET, "/api/v1/webhooks", None)
        .await;
    assert_eq!(list["webhooks"][0]["id"], id);
    assert!(list["webhooks"][0].get("secret").is_none(), "{list}");
    let (_, audit) = app
        .as_approver(
            reqwest::Method::GET,
            "/api/v1/audit?action=create_webhook",
            None,
        )
        .await;
    assert_eq!(audit["entries"][0]["target"], format!("webhook:{id}"));

    let path = format!("/api/v1/webhooks/{id}");
    assert_eq!(
        app.as_approver(reqwest::Method::DELETE, &path, None)
            .await
            .0,
        204
    );
    for (method, path) in [
        (reqwest::Method::DELETE, path.clone()),
        (reqwest::Method::POST, format!("{path}/rotate-secret")),
        (reqwest::Method::GET, format!("{path}/deliveries")),
        (reqwest::Method::POST, format!("{path}/deliveries/1/retry")),
    ] {
        let (status, body) = app.as_approver(method, &path, None).await;
        assert_eq!(
            (status, body["error"].as_str().unwrap()),
            (404, "not_found"),
            "{path}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The pull feed.

#[actix_web::test]
async fn the_feed_serves_publications_oldest_first_in_pages_with_a_next_cursor() {
    let app = spawn_app().await;
    // The synthetic demo data loaded at start are never published: the feed starts empty.
    let (status, empty) = app.get_json("/api/v1/events").await;
    assert_eq!(status, 200);
    assert_eq!(empty, json!({"events": [], "next": "0", "has_more": false}));

    let datasets = [
        app.publish_table(2019).await,
        app.publish_table(2020).await,
        app.publish_table(2021).await,
    ];
    // Neither an identical re-import nor a rejected one is a publication.
    let csv = "code,prevalence\n11.40,19\n11.41,30\n";
    assert_eq!(
        app.upload("kind=stunting&year=2019&source=test", "text/csv", csv)
            .await
            .0,
        200
    );
    let bad = "code,prevalence\n11.40,abc\n";
    assert_eq!(
        app.upload("kind=stunting&year=2022", "text/csv", bad)
            .await
            .0,
        422
    );

    let (_, first) = app.get_json("/api/v1/events?limit=2").await;
    assert_eq!(first["has_more"], true);
    let events = first["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(first["next"], events[1]["cursor"]);
    let (_, rest) = app
        .get_json(&format!(
            "/api/v1/events?after={}",
            first["next"].as_str().unwrap()
        ))
        .await;
    assert_eq!(rest["has_more"], false);
    let all: Vec<&Value> = events
        .iter()
        .chain(rest["events"].as_array().unwrap())
        .collect();
    assert_eq!(all.len(), 3);
    for (event, dataset) in all.iter().zip(&datasets) {
        assert_eq!(event["type"], "dataset.published");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(event["data"]["dataset_id"], dataset["id"]);
        assert_eq!(event["data"]["year"], dataset["year"]);
        assert_eq!(event["data"]["sha256"], dataset["sha256"]);
        assert_eq!(
            event["data"]["href"],
            format!("/api/v1/datasets/{}", dataset["id"])
        );
    }
    // Nothing new: the same cursor comes back, to poll with later; the ids stay the same.
    let next = rest["next"].as_str().unwrap();
    let (_, after_all) = app.get_json(&format!("/api/v1/events?after={next}")).await;
    assert_eq!(
        after_all,
        json!({"events": [], "next": next, "has_more": false})
    );
    let (_, again) = app.get_json("/api/v1/events?limit=2").await;
    assert_eq!(again["events"], first["events"]);

    for (path, status, code) in [
        ("/api/v1/events?after=-1", 422, "invalid_cursor"),
        ("/api/v1/events?limit=0", 422, "invalid_paging"),
        ("/api/v1/events?limit=1001", 422, "invalid_paging"),
        ("/api/v1/events?after=abc", 400, "invalid_query"),
    ] {
        let (got, body) = app.get_json(path).await;
        assert_eq!(
            (got, body["error"].as_str().unwrap()),
            (status, code),
            "{path}"
        );
    }
}
