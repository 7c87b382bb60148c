//! The `lokus` command line: serve, migrate, import, rank, token, backup, restore.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use model::csv_export::{CsvLocale, districts_csv};
use model::dataset::DatasetKind;
use model::import::{Format, ImportRequest, import_with_sheet};
use model::ranking::{Method, UncertaintyParams};
use model::scenario::{RankingRequest, compute, wire_name};
use model::token::{ApiToken, Role};

use crate::config::Settings;
use crate::i18n::Lang;
use crate::sentences as s;
use crate::startup::{Application, prepare_database};
use model::message::Sentence;

/// Lokus: priority districts for Indonesia's digital stunting-reduction programme.
#[derive(Debug, Parser)]
#[command(name = "lokus", version, about)]
pub struct Cli {
    /// Database URL: sqlite://lokus.db (default) or postgres://user@host/db.
    #[arg(long, global = true, env = "LOKUS_DATABASE_URL")]
    pub database_url: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and web page.
    Serve {
        /// Address to listen on (LOKUS_BIND, default 127.0.0.1:8080).
        #[arg(long, env = "LOKUS_BIND")]
        bind: Option<String>,
        /// Start without the synthetic demo data (LOKUS_DEMO=false).
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Import a CSV, JSON or Excel (.xlsx) file; every row valid or nothing is written.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: KindArg,
        /// The file (CSV with , or ;, JSON, or .xlsx; GeoJSON for boundaries).
        file: PathBuf,
        /// Year of the data (or a year column in the file).
        #[arg(long)]
        year: Option<i32>,
        /// Where the data came from.
        #[arg(long)]
        source: Option<String>,
        /// Indicator name: required for covariates; for population default under5 (e.g. total).
        #[arg(long)]
        indicator: Option<String>,
        /// For a workbook: the sheet to read (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Stage the dataset for a steward's review instead of publishing it at once.
        #[arg(long)]
        stage: bool,
        /// Publish even though the file covers fewer districts than the live dataset it replaces.
        #[arg(long)]
        acknowledge_partial: bool,
    },
    /// Print the current shortlist.
    Rank {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
        /// How many districts to select.
        #[arg(long, default_value_t = 100)]
        k: usize,
        /// Ranking method.
        #[arg(long, value_enum, default_value_t = MethodArg::Composite)]
        method: MethodArg,
        /// Stunting year (default latest).
        #[arg(long)]
        stunting_year: Option<i32>,
        /// SPBE year (default latest).
        #[arg(long)]
        spbe_year: Option<i32>,
        /// Monte Carlo draws for rank uncertainty (0 = off).
        #[arg(long, default_value_t = 0)]
        draws: usize,
        /// Monte Carlo seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Print every district, not only the selected ones.
        #[arg(long)]
        all: bool,
    },
    /// Write a consistent copy of the SQLite database to FILE while the server runs.
    Backup {
        /// The backup file to create (must not exist).
        file: PathBuf,
    },
    /// Replace the (new or stopped) SQLite database with a backup, then migrate it.
    Restore {
        /// A file written by `lokus backup`.
        file: PathBuf,
        /// Replace a database that already holds datasets.
        #[arg(long)]
        force: bool,
    },
    /// Manage API tokens.
    Token {
        /// Token action.
        #[command(subcommand)]
        action: TokenAction,
    },
}

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// viewer, editor (may import and save runs), steward (also publishes data) or approver
        /// (also approves and adopts lists).
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Who or what it is for (shown in the audit log).
        #[arg(long, default_value = "")]
        label: String,
        /// Lifetime, e.g. 90d, 12h, 2w (default: no expiry).
        #[arg(long, value_parser = humantime::parse_duration)]
        expires_in: Option<std::time::Duration>,
    },
    /// List tokens: id, label, role, created, last used, expiry and status (never secrets).
    List,
    /// Revoke a token by id or label; it is refused (401) from its next request on.
    Revoke {
        /// The token's id (as `token list` shows) or its label.
        label_or_id: String,
    },
}

/// Dataset kinds on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// The district reference.
    Regions,
    /// Stunting prevalence.
    Stunting,
    /// Indeks SPBE.
    Spbe,
    /// Another indicator (needs --indicator).
    Covariate,
    /// Population counts (--indicator under5 by default, or e.g. total).
    Population,
    /// GeoJSON boundaries.
    Boundaries,
}

/// Output formats of `lokus rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned text.
    Table,
    /// CSV.
    Csv,
    /// JSON (the same shape as the API's ranking).
    Json,
}

/// Methods on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Weighted stunting + SPBE.
    Composite,
    /// Stunting alone.
    Need,
    /// Stunting above what SPBE predicts.
    Residual,
    /// Estimated stunted children (needs a population dataset).
    Burden,
    /// Rise since the previous stunting year (needs two years).
    Trend,
}

/// Roles on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// May import and save runs.
    Editor,
    /// May read when reads need a token.
    Viewer,
    /// An editor who may also publish and reject staged datasets.
    Steward,
    /// An editor who may also approve and adopt lists and manage webhooks.
    Approver,
}

fn kind_of(k: KindArg) -> DatasetKind {
    match k {
        KindArg::Regions => DatasetKind::Regions,
        KindArg::Stunting => DatasetKind::Stunting,
        KindArg::Spbe => DatasetKind::Spbe,
        KindArg::Covariate => DatasetKind::Covariate,
        KindArg::Population => DatasetKind::Population,
        KindArg::Boundaries => DatasetKind::Boundaries,
    }
}

/// The language of the command line's messages: `LOKUS_LANG`, else the locale (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`); Indonesian when it names `id` (`id_ID.UTF-8`), English otherwise.
pub fn cli_lang() -> Lang {
    let value = ["LOKUS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()));
    locale_lang(value.as_deref())
}

/// The language a locale or language tag names (`id_ID.UTF-8`, `id-ID`, `en_US`, `C`).
pub fn locale_lang(value: Option<&str>) -> Lang {
    let primary = value
        .unwrap_or_default()
        .split(['_', '-', '.', '@'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if primary == "id" || primary == "in" {
        Lang::Id
    } else {
        Lang::En
    }
}

fn describe(e: &model::ModelError) -> String {
    describe_in(e, cli_lang())
}

/// A model error as the command line prints it in `lang`: the sentence, then each bad row.
fn describe_in(e: &model::ModelError, lang: Lang) -> String {
    let mut text = e.message().render(lang);
    if let model::ModelError::InvalidRows(rows) = e {
        text.push('\n');
        for r in rows {
            match lang {
                Lang::En => {
                    match &r.cell {
                        Some(cell) => text.push_str(&format!("  {cell} (row {})", r.line)),
                        None => text.push_str(&format!("  line {}", r.line)),
                    }
                    if let Some(f) = &r.field {
                        text.push_str(&format!(", {f}"));
                    }
                    if let Some(c) = r.column.as_ref().filter(|c| Some(*c) != r.field.as_ref()) {
                        text.push_str(&format!(" (column '{c}')"));
                    }
                    text.push_str(&format!(": {}\n", r.message));
                }
                Lang::Id => {
                    text.push_str("  ");
                    if let Some(cell) = &r.cell {
                        text.push_str(&format!("{cell}: "));
                    }
                    text.push_str(&crate::i18n::row_message(r, lang));
                    text.push('\n');
                }
            }
            for c in &r.candidates {
                let word = match lang {
                    Lang::En => "candidate",
                    Lang::Id => "kandidat",
                };
                text.push_str(&format!("      {word}: {c}\n"));
            }
        }
    }
    text
}

/// An I/O failure of the command line in its language, the system's own text kept in English.
fn io_failure(
    sentence: &'static Sentence,
    name: &'static str,
    value: String,
    e: &std::io::Error,
) -> String {
    sentence
        .with(name, value)
        .with("detail", e.to_string())
        .render(cli_lang())
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let mut settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", error_word());
            return 2;
        }
    };
    if let Some(url) = cli.database_url {
        settings.database_url = url;
    }
    match execute(cli.command, settings) {
        Ok(()) => 0,
        Err((code, message)) => {
            eprintln!("{}: {message}", error_word());
            code
        }
    }
}

fn error_word() -> &'static str {
    match cli_lang() {
        Lang::En => "error",
        Lang::Id => "galat",
    }
}

fn execute(command: Command, mut settings: Settings) -> Result<(), (i32, String)> {
    let fail = |e: model::ModelError| (1, describe(&e));
    match command {
        Command::Serve { bind, no_demo } => {
            if let Some(b) = bind {
                settings.bind = b;
            }
            if no_demo {
                settings.demo = false;
            }
            let pool = prepare_database(&settings).map_err(|e| (1, e))?;
            let app = Application::build(settings.clone(), pool).map_err(|e| {
                let sentence = match e.kind() {
                    std::io::ErrorKind::AddrInUse => &s::ADDRESS_IN_USE,
                    _ => &s::CANNOT_BIND,
                };
                (
                    1,
                    io_failure(sentence, "address", settings.bind.clone(), &e),
                )
            })?;
            println!(
                "lokus listening on http://{}",
                display_addr(&settings.bind, app.port())
            );
            actix_web::rt::System::new()
                .block_on(app.run_until_stopped())
                .map_err(|e| (1, e.to_string()))
        }
        Command::Migrate => {
            model::db::connect_and_migrate(&settings.database_url).map_err(fail)?;
            println!("migrations applied to {}", settings.database_url);
            Ok(())
        }
        Command::Import {
            kind,
            file,
            year,
            source,
            indicator,
            sheet,
            stage,
            acknowledge_partial,
        } => {
            let content = std::fs::read(&file).map_err(|e| {
                let sentence = match e.kind() {
                    std::io::ErrorKind::NotFound => &s::FILE_NOT_FOUND,
                    std::io::ErrorKind::PermissionDenied => &s::FILE_DENIED,
                    _ => &s::CANNOT_READ,
                };
                (
                    2,
                    io_failure(sentence, "path", file.display().to_string(), &e),
                )
            })?;
            settings.demo = false;
            let pool = prepare_database(&settings).map_err(|e| (1, e))?;
            let mut conn = pool.get().map_err(|e| (1, e.to_string()))?;
            let format = match file
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_lowercase)
                .as_deref()
            {
                Some("json" | "geojson") => Some(Format::Json),
                Some("csv" | "txt") => Some(Format::Csv),
                Some("xlsx" | "xlsm") => Some(Format::Xlsx),
                _ => None,
            };
            let source = source.unwrap_or_else(|| file.display().to_string());
            let outcome = import_with_sheet(
                &mut conn,
                &ImportRequest {
                    kind: kind_of(kind),
                    year,
                    source: Some(&source),
                    indicator: indicator.as_deref(),
                    format,
                    content: &content,
                    demo: false,
                    actor: &model::audit::Actor::local("cli"),
                    limits: settings.import_limits,
                    // An operator on the server publishes directly, unless asked to stage.
                    publish: (!stage)
                        .then_some(model::dataset::PublishOptions::direct(acknowledge_partial)),
                },
                sheet.as_deref(),
            )
            .map_err(|e| {
                (
                    if matches!(
                        e,
                        model::ModelError::InvalidRows(_)
                            | model::ModelError::Invalid { .. }
                            | model::ModelError::PartialCoverage { .. }
                    ) {
                        2
                    } else {
                        1
                    },
                    describe(&e),
                )
            })?;
            let d = outcome.dataset;
            let verb = if outcome.created {
                "imported"
            } else {
                "already imported (identical content; nothing written)"
            };
            println!(
                "{verb}: dataset {} ({} {}, {} rows, sha256 {}), {}",
                d.id,
                d.kind,
                d.year.map(|y| y.to_string()).unwrap_or_default(),
                d.row_count,
                d.sha256,
                d.status
            );
            Ok(())
        }
        Command::Rank {
            format,
            k,
            method,
            stunting_year,
            spbe_year,
            draws,
            seed,
            all,
        } => {
            let pool = prepare_database(&settings).map_err(|e| (1, e))?;
            let mut conn = pool.get().map_err(|e| (1, e.to_string()))?;
            let request = RankingRequest {
                k,
                method: match method {
                    MethodArg::Composite => Method::Composite,
                    MethodArg::Need => Method::Need,
                    MethodArg::Residual => Method::Residual,
                    MethodArg::Burden => Method::Burden,
                    MethodArg::Trend => Method::Trend,
                },
                stunting_year,
                spbe_year,
                uncertainty: (draws > 0).then(|| UncertaintyParams {
                    draws,
                    seed,
                    ..Default::default()
                }),
                ..Default::default()
            };
            let result = compute(&mut conn, &request).map_err(|e| (2, describe(&e)))?;
            let shown: Vec<_> = result
                .districts
                .iter()
                .filter(|d| all || d.selected)
                .collect();
            match format {
                OutputFormat::Csv => {
                    print!(
                        "{}",
                        districts_csv(shown.iter().copied(), result.demo, CsvLocale::En)
                    )
                }
                OutputFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&result).map_err(|e| (1, e.to_string()))?
                ),
                OutputFormat::Table => {
                    if result.demo {
                        println!(
                            "{}",
                            match cli_lang() {
                                Lang::En => "SYNTHETIC DEMO DATA: not official statistics.",
                                Lang::Id => "DATA DEMO SINTETIS: bukan statistik resmi.",
                            }
                        );
                    }
                    println!("fingerprint {}", result.fingerprint);
                    println!(
                        "{:>4}  {:<6}  {:<34}  {:<28}  {:>8}  {:>5}  {:>7}  reason",
                        "rank", "code", "name", "province", "stunting", "spbe", "score"
                    );
                    for d in shown {
                        let reason = wire_name(&d.explanation.reason);
                        println!(
                            "{:>4}  {:<6}  {:<34}  {:<28}  {:>8.1}  {:>5.2}  {:>7.4}  {}",
                            d.rank,
                            d.code,
                            d.name,
                            d.province_name,
                            d.stunting_prevalence,
                            d.spbe_index,
                            d.score,
                            reason
                        );
                    }
                }
            }
            Ok(())
        }
        Command::Token { action } => {
            let pool = model::db::connect_and_migrate(&settings.database_url).map_err(fail)?;
            let mut conn = pool.get().map_err(|e| (1, e.to_string()))?;
            token(&mut conn, action)
        }
        Command::Backup { file } => {
            let pool = model::db::connect_and_migrate(&settings.database_url).map_err(fail)?;
            let mut conn = pool.get().map_err(|e| (1, e.to_string()))?;
            model::backup::backup(&mut conn, &file).map_err(|e| (2, describe(&e)))?;
            println!("backed up {} to {}", settings.database_url, file.display());
            Ok(())
        }
        Command::Restore { file, force } => {
            model::backup::restore(&file, &settings.database_url, force)
                .map_err(|e| (2, describe(&e)))?;
            println!("restored {} into {}", file.display(), settings.database_url);
            Ok(())
        }
    }
}

fn token(conn: &mut model::db::DbConnection, action: TokenAction) -> Result<(), (i32, String)> {
    match action {
        TokenAction::Create {
            role,
            label,
            expires_in,
        } => {
            let role = match role {
                RoleArg::Editor => Role::Editor,
                RoleArg::Viewer => Role::Viewer,
                RoleArg::Steward => Role::Steward,
                RoleArg::Approver => Role::Approver,
            };
            let secret = ApiToken::create_expiring(conn, role, &label, expires_in)
                .map_err(|e| (2, describe(&e)))?;
            println!("{secret}");
            Ok(())
        }
        TokenAction::List => {
            let tokens = ApiToken::list(conn).map_err(|e| (1, describe(&e)))?;
            let now = chrono::Utc::now();
            println!(
                "{:>4}  {:<24}  {:<6}  {:<20}  {:<20}  {:<20}  status",
                "id", "label", "role", "created", "last used", "expires"
            );
            for t in tokens {
                println!(
                    "{:>4}  {:<24}  {:<6}  {:<20}  {:<20}  {:<20}  {}",
                    t.id,
                    t.label,
                    t.role,
                    t.created_at,
                    t.last_used_at.as_deref().unwrap_or("never"),
                    t.expires_at.as_deref().unwrap_or("never"),
                    t.status_at(now).as_str()
                );
            }
            Ok(())
        }
        TokenAction::Revoke { label_or_id } => {
            let revoked = ApiToken::revoke(conn, &label_or_id, &model::audit::Actor::local("cli"))
                .map_err(|e| {
                    let code = if matches!(e, model::ModelError::NotFound { .. }) {
                        2
                    } else {
                        1
                    };
                    (
                        if matches!(e, model::ModelError::Invalid { .. }) {
                            2
                        } else {
                            code
                        },
                        describe(&e),
                    )
                })?;
            if revoked.is_empty() {
                println!("token '{label_or_id}' was already revoked");
            }
            for t in revoked {
                println!("revoked token {} ({}, {})", t.id, t.label, t.role);
            }
            Ok(())
        }
    }
}

fn display_addr(bind: &str, port: u16) -> String {
    match bind.rsplit_once(':') {
        Some((host, _)) => format!("{host}:{port}"),
        None => format!("{bind}:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ModelError;
    use model::sentences as m;

    #[test]
    fn a_refusal_reads_as_one_whole_sentence_in_each_language() {
        let e = ModelError::invalid(
            "backup_exists",
            m::BACKUP_EXISTS.with("path", "/srv/lokus.bak"),
        );
        assert_eq!(
            describe_in(&e, Lang::En),
            "/srv/lokus.bak exists already; name a new file"
        );
        assert_eq!(
            describe_in(&e, Lang::Id),
            "/srv/lokus.bak sudah ada; sebutkan berkas baru"
        );
    }

    #[test]
    fn bad_rows_are_listed_under_the_sentence_in_each_language() {
        let mut row = model::RowError::field(3, "prevalence", m::NOT_A_NUMBER.with("value", "abc"));
        row.column = Some("Prevalensi".into());
        let e = ModelError::InvalidRows(vec![row]);
        assert_eq!(
            describe_in(&e, Lang::En),
            "1 row(s) are invalid; nothing was imported\n  line 3, prevalence (column 'Prevalensi'): 'abc' is not a number\n"
        );
        assert_eq!(
            describe_in(&e, Lang::Id),
            "1 baris tidak valid; tidak ada yang diimpor\n  baris 3, kolom prevalensi: 'abc' bukan angka\n"
        );
    }
}
