//! Online backups of an SQLite database and restoring one (PostgreSQL has `pg_dump`).

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::{Backend, DbConnection};
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// What to tell someone who asks to back up or restore PostgreSQL with `lokus`.
pub const POSTGRES_HINT: &str = "lokus backup and restore copy SQLite databases; for PostgreSQL use \
    pg_dump --format=custom --file=FILE URL to back up and pg_restore --clean --if-exists \
    --no-owner --dbname=URL FILE to restore (see docs/OPERATIONS.md, Backups and restore)";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

fn sqlite_path(url: &str) -> Result<PathBuf> {
    match Backend::from_url(url) {
        (Backend::Sqlite, path) => Ok(PathBuf::from(path)),
        (Backend::Postgres, _) => Err(ModelError::invalid(
            "unsupported_backend",
            &s::BACKUP_OF_POSTGRES,
        )),
    }
}

fn sqlite_text(path: &Path) -> Result<String> {
    path.to_str().map(str::to_string).ok_or_else(|| {
        ModelError::invalid(
            "invalid_path",
            s::NOT_A_UTF8_PATH.with("path", path.display().to_string()),
        )
    })
}

/// Writes a consistent copy of the live SQLite database behind `conn` to `dest` with
/// `VACUUM INTO`: one read transaction, so writers carry on (WAL) and the copy holds every
/// transaction committed before it started and none after. `dest` must not exist.
///
/// # Errors
/// `unsupported_backend` for PostgreSQL (naming `pg_dump`), `backup_exists` when `dest`
/// exists, `ModelError::Database` when SQLite cannot write it.
pub fn backup(conn: &mut DbConnection, dest: &Path) -> Result<()> {
    let DbConnection::Sqlite(c) = conn else {
        return Err(ModelError::invalid(
            "unsupported_backend",
            &s::BACKUP_OF_POSTGRES,
        ));
    };
    if dest.exists() {
        return Err(ModelError::invalid(
            "backup_exists",
            s::BACKUP_EXISTS.with("path", dest.display().to_string()),
        ));
    }
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(sqlite_text(dest)?)
        .execute(c)?;
    Ok(())
}

/// Counts the datasets in an SQLite file (`None` when it has no Lokus tables).
fn datasets_in(conn: &mut SqliteConnection) -> Option<i64> {
    diesel::sql_query("SELECT COUNT(*) AS n FROM datasets")
        .get_result::<Count>(conn)
        .ok()
        .map(|c| c.n)
}

/// Replaces the SQLite database at `target_url` with the backup `source`, then applies any
/// newer migrations. The server must be stopped (or not yet started) on that database.
///
/// A target that already holds datasets is kept unless `force` is set, so that a restore
/// typed against the wrong database loses nothing.
///
/// # Errors
/// `unsupported_backend` for PostgreSQL (naming `pg_restore`); `backup_not_found`;
/// `invalid_backup` when `source` is not an intact Lokus database; `target_not_empty`
/// without `force`; `ModelError::Database` or `Migration` when writing fails.
pub fn restore(source: &Path, target_url: &str, force: bool) -> Result<()> {
    let target = sqlite_path(target_url)?;
    if !source.is_file() {
        return Err(ModelError::invalid(
            "backup_not_found",
            s::NOT_A_FILE.with("path", source.display().to_string()),
        ));
    }
    let path = source.display().to_string();
    let invalid = |why: String| {
        ModelError::invalid(
            "invalid_backup",
            s::NOT_A_BACKUP
                .with("path", path.as_str())
                .with("detail", why),
        )
    };
    let mut from = SqliteConnection::establish(&format!("file:{}?mode=ro", sqlite_text(source)?))
        .map_err(|e| invalid(e.to_string()))?;
    let check = diesel::sql_query("PRAGMA integrity_check")
        .get_result::<Check>(&mut from)
        .map_err(|e| invalid(e.to_string()))?;
    if check.integrity_check != "ok" {
        return Err(invalid(check.integrity_check));
    }
    if datasets_in(&mut from).is_none() {
        return Err(ModelError::invalid(
            "invalid_backup",
            s::BACKUP_WITHOUT_DATASETS.with("path", path.as_str()),
        ));
    }
    if target.exists() && !force {
        let held = SqliteConnection::establish(&sqlite_text(&target)?)
            .ok()
            .as_mut()
            .and_then(datasets_in)
            .unwrap_or(0);
        if held > 0 {
            return Err(ModelError::invalid(
                "target_not_empty",
                s::TARGET_NOT_EMPTY
                    .with("path", target.display().to_string())
                    .with("count", held),
            ));
        }
    }
    // Copied next to the target, then renamed over it: a failed copy leaves the target as it was.
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(sqlite_text(&staging)?)
        .execute(&mut from)?;
    drop(from);
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&staging, &target).map_err(|e| {
        ModelError::invalid(
            "restore_failed",
            s::CANNOT_REPLACE
                .with("path", target.display().to_string())
                .with("detail", e.to_string()),
        )
    })?;
    let pool = crate::db::connect_and_migrate(target_url)?;
    pool.get()?
        .batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}
