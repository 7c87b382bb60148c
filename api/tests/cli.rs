//! The `lokus` binary, run as a user would.
// Tests may unwrap: a panic is the failure report.

use std::process::{Command, Output};

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(args, "C")
    }

    /// Runs with `LANG` set to `lang` (and no other language variable).
    fn run_in(&self, args: &[&str], lang: &str) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lokus"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("LOKUS_DATABASE_URL")
            .env_remove("LOKUS_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .env("LOKUS_LOG", "warn")
            .output()
            .unwrap()
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn rank_prints_the_demo_shortlist_as_csv_in_the_default_database() {
    let cli = Cli::new();
    let out = cli.run(&["rank", "--format", "csv", "--k", "12"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 13);
    assert!(lines[0].starts_with("rank,code,"));
    assert!(
        lines[1].ends_with(",true"),
        "demo flag at the end: {}",
        lines[1]
    );
    assert!(
        cli.dir.path().join("lokus.db").exists(),
        "default is sqlite://lokus.db in the working directory"
    );
}

#[test]
fn the_table_output_says_the_data_are_synthetic() {
    let cli = Cli::new();
    let out = cli.run(&["rank", "--k", "3"]);
    let text = stdout(&out);
    assert!(text.starts_with("SYNTHETIC DEMO DATA"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("Contoh")).count(), 3);
}

#[test]
fn a_bad_import_exits_2_lists_every_bad_line_and_writes_nothing() {
    let cli = Cli::new();
    // `rank` starts like `serve`: an empty database gets the demo districts to import against.
    assert!(cli.run(&["rank", "--k", "1"]).status.success());
    let file = cli.file(
        "bad.csv",
        "code,prevalence\n11.40,20\n11.41,abc\n99.99,10\n",
    );
    let out = cli.run(&["import", "stunting", &file, "--year", "2023"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3, prevalence") && err.contains("line 4, code"),
        "{err}"
    );
    let good = cli.file("good.csv", "code,prevalence\n11.40,20\n");
    // One district against the 514 of the live demo year before: the operator says so.
    let import = [
        "import",
        "stunting",
        &good,
        "--year",
        "2023",
        "--acknowledge-partial",
    ];
    let first = stdout(&cli.run(&import));
    let second = stdout(&cli.run(&import));
    // Datasets 1-6 are the demo regions, stunting, SPBE, under-five population, the
    // stunting of the year before and the outcome year.
    assert!(first.starts_with("imported: dataset 7 "), "{first}");
    assert!(
        second.starts_with("already imported") && second.contains("dataset 7 "),
        "{second}"
    );
}

#[test]
fn import_publishes_directly_unless_stage_and_a_partial_file_needs_acknowledge_partial() {
    let cli = Cli::new();
    assert!(cli.run(&["rank", "--k", "1"]).status.success());
    let partial = cli.file("partial.csv", "code,prevalence\n11.40,20\n11.41,30\n");
    let out = cli.run(&["import", "stunting", &partial, "--year", "2023"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("covers 2 districts, fewer than the 514"),
        "{err}"
    );

    let out = cli.run(&["import", "stunting", &partial, "--year", "2023", "--stage"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staged = stdout(&out);
    // Datasets 1-6 are the demo tables (the sixth the evaluation's outcome year).
    assert!(
        staged.starts_with("imported: dataset 7 ") && staged.trim_end().ends_with(", staged"),
        "{staged}"
    );

    // A table for every demo district publishes directly.
    let mut csv = String::from("code,prevalence\n");
    for d in model::demo::DemoData::generate().districts {
        csv.push_str(&format!("{},25\n", d.code));
    }
    let full = cli.file("full.csv", &csv);
    let out = cli.run(&["import", "stunting", &full, "--year", "2023"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let published = stdout(&out);
    assert!(published.trim_end().ends_with(", published"), "{published}");
}

#[test]
fn cli_messages_follow_lang_and_lokus_lang() {
    let cli = Cli::new();
    assert!(cli.run(&["rank", "--k", "1"]).status.success());
    let file = cli.file("bad.csv", "code,prevalensi\n11.40,20\n11.41,120\n");
    let args = ["import", "stunting", file.as_str(), "--year", "2023"];
    let id = cli.run_in(&args, "id_ID.UTF-8");
    assert_eq!(id.status.code(), Some(2), "the exit code is the same");
    let err = String::from_utf8_lossy(&id.stderr);
    assert!(err.starts_with("galat: 1 baris tidak valid"), "{err}");
    assert!(
        err.contains("baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]"),
        "{err}"
    );
    let en = cli.run_in(&args, "en_US.UTF-8");
    let err = String::from_utf8_lossy(&en.stderr);
    assert!(err.starts_with("error: 1 row(s) are invalid"), "{err}");
    // LOKUS_LANG wins over the locale.
    let mut command = Command::new(env!("CARGO_BIN_EXE_lokus"));
    let out = command
        .args(["rank", "--k", "1"])
        .current_dir(cli.dir.path())
        .env_remove("LOKUS_DATABASE_URL")
        .env("LANG", "en_US.UTF-8")
        .env("LOKUS_LANG", "id")
        .env("LOKUS_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("DATA DEMO SINTETIS"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn token_create_prints_one_token_line() {
    let cli = Cli::new();
    let out = cli.run(&["token", "create", "--role", "editor", "--label", "ci"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("lokus_") && text.trim().len() > 40);
}

#[test]
fn migrate_and_help_work_on_an_explicit_database_url() {
    let cli = Cli::new();
    let out = cli.run(&["--database-url", "sqlite://other.db", "migrate"]);
    assert!(out.status.success());
    assert!(cli.dir.path().join("other.db").exists());
    let help = stdout(&cli.run(&["import", "--help"]));
    assert!(help.contains("--year") && help.contains("--source"));
}

#[test]
fn import_population_reads_a_csv_and_a_named_sheet_of_a_workbook() {
    let cli = Cli::new();
    assert!(cli.run(&["rank", "--k", "1"]).status.success());
    let csv = cli.file(
        "balita.csv",
        "kode;jumlah_balita\n11.40;12.345\n11.41;6789\n",
    );
    let out = cli.run(&[
        "import",
        "population",
        &csv,
        "--year",
        "2023",
        "--acknowledge-partial",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("(population 2023, 2 rows"),
        "{}",
        stdout(&out)
    );

    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .write_string(0, 0, "cover page")
        .unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Total").unwrap();
    sheet.write_string(0, 0, "Penduduk 2023").unwrap();
    sheet.write_string(1, 0, "code").unwrap();
    sheet.write_string(1, 1, "populasi").unwrap();
    sheet.write_string(2, 0, "11.40").unwrap();
    sheet.write_number(2, 1, 512_000.0).unwrap();
    sheet.write_string(3, 0, "11.41").unwrap();
    sheet.write_number(3, 1, -1.0).unwrap();
    let path = cli.dir.path().join("penduduk.xlsx");
    book.save(&path).unwrap();
    let path = path.display().to_string();
    let args = [
        "import",
        "population",
        &path,
        "--year",
        "2023",
        "--indicator",
        "total",
        "--sheet",
        "Total",
    ];
    let out = cli.run(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Total!B4 (row 4), value (column 'populasi')"),
        "{err}"
    );
    let out = cli.run(&[
        "import",
        "population",
        &path,
        "--year",
        "2023",
        "--sheet",
        "Nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'Sheet1', 'Total'"));
}

#[test]
fn token_list_shows_label_role_dates_and_status_and_revoke_ends_a_token() {
    let cli = Cli::new();
    let secret = stdout(&cli.run(&[
        "token",
        "create",
        "--role",
        "editor",
        "--label",
        "importer",
        "--expires-in",
        "90d",
    ]));
    assert!(
        cli.run(&[
            "token",
            "create",
            "--role",
            "viewer",
            "--label",
            "dashboard"
        ])
        .status
        .success()
    );
    let list = stdout(&cli.run(&["token", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    for word in [
        "id",
        "label",
        "role",
        "created",
        "last used",
        "expires",
        "status",
    ] {
        assert!(lines[0].contains(word), "{list}");
    }
    let importer = lines[1];
    assert!(
        importer.contains("importer")
            && importer.contains("editor")
            && importer.ends_with("active"),
        "{importer}"
    );
    let in_90_days = (chrono::Utc::now() + chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    assert!(importer.contains(&in_90_days), "{importer}");
    assert!(importer.contains("never"), "not used yet: {importer}");
    assert!(!list.contains(secret.trim()), "never the secret");
    assert!(!list.contains("lokus_"), "nor any part that looks like one");

    let out = cli.run(&["token", "revoke", "dashboard"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("revoked token 2 (dashboard, viewer)"),
        "{}",
        stdout(&out)
    );
    let list = stdout(&cli.run(&["token", "list"]));
    assert!(list.lines().nth(2).unwrap().ends_with("revoked"), "{list}");
    let out = cli.run(&["token", "revoke", "1"]);
    assert!(stdout(&out).contains("importer"), "by id");
    let out = cli.run(&["token", "revoke", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("token nobody was not found"));
    let out = cli.run(&[
        "token",
        "create",
        "--role",
        "viewer",
        "--expires-in",
        "soon",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses a lifetime it cannot read"
    );
}

#[test]
fn backup_and_restore_round_trip_through_the_command_line() {
    let cli = Cli::new();
    assert!(cli.run(&["rank", "--k", "1"]).status.success());
    let out = cli.run(&["backup", "copy.db"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(cli.dir.path().join("copy.db").exists());
    let again = cli.run(&["backup", "copy.db"]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is never overwritten"
    );

    let out = cli.run(&["--database-url", "sqlite://new.db", "restore", "copy.db"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let original = stdout(&cli.run(&["rank", "--format", "csv"]));
    let restored = stdout(&cli.run(&[
        "--database-url",
        "sqlite://new.db",
        "rank",
        "--format",
        "csv",
    ]));
    assert_eq!(original, restored);
    let out = cli.run(&["restore", "copy.db"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the live database holds datasets"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));

    let out = cli.run(&[
        "--database-url",
        "postgres://postgres@127.0.0.1:1/x",
        "restore",
        "copy.db",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_restore"));
}

/// Sends one HTTP/1.1 request and returns the status line.
fn http(port: u16, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_string()
}

/// Starts `lokus serve` (no demo, port 0) in the CLI's folder with its log at `level` written
/// to `log_path`; returns the process and its port.
fn serve_logging(cli: &Cli, log_path: &std::path::Path, level: &str) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut server = Command::new(env!("CARGO_BIN_EXE_lokus"))
        .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
        .current_dir(cli.dir.path())
        .env_remove("LOKUS_DATABASE_URL")
        .env("LOKUS_LOG", level)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(log_path).unwrap())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first.trim().rsplit(':').next().unwrap().parse().unwrap();
    (server, port)
}

#[test]
fn no_secret_or_authorization_value_reaches_the_log_even_at_trace_level() {
    let cli = Cli::new();
    let log_path = cli.dir.path().join("server.log");
    let create = Command::new(env!("CARGO_BIN_EXE_lokus"))
        .args(["token", "create", "--role", "editor", "--label", "ops"])
        .current_dir(cli.dir.path())
        .env_remove("LOKUS_DATABASE_URL")
        .env("LOKUS_LOG", "trace")
        .output()
        .unwrap();
    let secret = stdout(&create).trim().to_string();
    assert!(secret.starts_with("lokus_"));
    let create_log = String::from_utf8_lossy(&create.stderr).into_owned();

    let (mut server, port) = serve_logging(&cli, &log_path, "trace");
    let wrong = "lokus_0123456789abcdef0123456789abcdef0123456789abcdef";
    let statuses = [
        http(
            port,
            &format!(
                "GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\nConnection: close\r\n\r\n"
            ),
        ),
        http(
            port,
            &format!(
                "GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {wrong}\r\nConnection: close\r\n\r\n"
            ),
        ),
        http(
            port,
            "GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Basic b3BzOnNlY3JldA==\r\nConnection: close\r\n\r\n",
        ),
        http(
            port,
            &format!(
                "POST /api/v1/rankings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{{\"k\": 5}}"
            ),
        ),
    ];
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(statuses[0].contains(" 200 "), "{statuses:?}");
    assert!(
        statuses[1].contains(" 401 ") && statuses[2].contains(" 401 "),
        "{statuses:?}"
    );
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("actix_http::h1"),
        "the log was captured with the HTTP layer's trace events: {log}"
    );
    for text in [&log, &create_log] {
        assert!(!text.contains(&secret), "the token's secret was logged");
        assert!(!text.contains(wrong), "a presented secret was logged");
        assert!(
            !text.contains("b3BzOnNlY3JldA"),
            "an Authorization value was logged"
        );
        assert!(
            !text.to_lowercase().contains("bearer "),
            "an Authorization value was logged"
        );
    }
}

#[test]
fn the_log_lines_of_a_request_carry_its_request_id() {
    let cli = Cli::new();
    let log_path = cli.dir.path().join("server.log");
    let (mut server, port) = serve_logging(&cli, &log_path, "debug");
    let read = http(
        port,
        "GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-me-0001\r\nConnection: close\r\n\r\n",
    );
    let write = http(
        port,
        "POST /api/v1/rankings HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-me-0002\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(read.contains(" 200 "), "{read}");
    assert!(write.contains(" 401 "), "{write}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines_of = |id: &str| -> Vec<String> {
        log.lines()
            .filter(|l| l.contains(&format!("request_id={id}")))
            .map(str::to_string)
            .collect()
    };
    let read_lines = lines_of("trace-me-0001");
    assert!(
        read_lines
            .iter()
            .any(|l| l.contains("path=/api/v1/datasets") && l.contains("answered status=200")),
        "{log}"
    );
    let write_lines = lines_of("trace-me-0002");
    assert!(
        write_lines
            .iter()
            .any(|l| l.contains("method=POST") && l.contains("answered status=401")),
        "{log}"
    );
    // No answer line is logged outside a request's span.
    assert!(
        log.lines()
            .filter(|l| l.contains("answered status="))
            .all(|l| l.contains("request_id=")),
        "{log}"
    );
}
