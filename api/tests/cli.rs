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
    let first = stdout(&cli.run(&["import", "stunting", &good, "--year", "2023"]));
    let second = stdout(&cli.run(&["import", "stunting", &good, "--year", "2023"]));
    // Datasets 1-5 are the demo regions, stunting, SPBE, under-five population and the
    // stunting of the year before.
    assert!(first.starts_with("imported: dataset 6 "), "{first}");
    assert!(
        second.starts_with("already imported") && second.contains("dataset 6 "),
        "{second}"
    );
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
    let out = cli.run(&["import", "population", &csv, "--year", "2023"]);
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
