//! Connections, pooling and migrations for SQLite (embedded default) and PostgreSQL.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{ModelError, Result};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

mod connection {
    // The derive generates a backend type and helpers that carry no docs of their own.
    #![allow(missing_docs)]

    /// A connection to whichever backend the database URL selects.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// PostgreSQL, for deployments with several replicas.
        Postgres(diesel::PgConnection),
        /// SQLite, the embedded default.
        Sqlite(diesel::SqliteConnection),
    }
}

pub use connection::DbConnection;

pub use diesel::r2d2::PoolError;

/// A pool of connections shared by the HTTP workers.
pub type DbPool = Pool<ConnectionManager<DbConnection>>;

/// The storage backend, decided by the URL scheme alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite://path`, `sqlite:path` or a plain file path.
    Sqlite,
}

impl Backend {
    /// Picks the backend from a database URL and returns the string diesel expects.
    pub fn from_url(url: &str) -> (Backend, String) {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            (Backend::Sqlite, path.to_string())
        }
    }
}

/// Applies per-connection settings SQLite needs for concurrent readers and writers.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            // WAL lets readers proceed during a write; the busy timeout turns lock contention
            // into a short wait instead of a "database is locked" error. The timeout comes
            // first: switching a new file to WAL takes a lock that the pool's other new
            // connections would otherwise fail on.
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Connections a pool holds unless told otherwise (`LOKUS_DB_POOL_SIZE`).
pub const DEFAULT_POOL_SIZE: u32 = 8;

/// The longest a caller waits for a pooled connection. Short on purpose: when the database is
/// down (or every connection is taken for that long) a request fails fast with a clear error
/// instead of hanging, and the pool keeps reconnecting in the background, so service resumes
/// by itself when the database returns.
pub const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// How long a process keeps retrying to reach the database at start (a replica that starts
/// while the database restarts waits for it rather than dying at once).
pub const STARTUP_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Opens a connection pool of [`DEFAULT_POOL_SIZE`] for `url` (`sqlite://lokus.db` or
/// `postgres://…`).
///
/// # Errors
/// `ModelError::Pool` when the database cannot be reached within [`STARTUP_WAIT`].
pub fn connect(url: &str) -> Result<DbPool> {
    connect_sized(url, DEFAULT_POOL_SIZE)
}

/// Initialises OpenSSL, which libpq uses for TLS to PostgreSQL, telling it to register no
/// clean-up to run at process exit. Call it before the first PostgreSQL connection (the first
/// initialisation decides; [`connect_sized`] calls it).
///
/// OpenSSL 3 otherwise registers `OPENSSL_cleanup` with `atexit` when libpq first makes a TLS
/// context, and it frees OpenSSL's global state while other threads (pooled connections being
/// opened or closed, the data-version check) may still be using it: a process that had done
/// all its work then dies with SIGSEGV at exit. The operating system frees that state anyway.
/// (rust-openssl's `init` is this call; see diesel issue 3441.)
pub fn init_tls() {
    openssl_sys::init();
}

/// Opens a connection pool of `size` connections for `url` and checks that one connection
/// can be had (retrying for up to [`STARTUP_WAIT`]).
///
/// # Errors
/// `ModelError::Pool` when the database cannot be reached.
pub fn connect_sized(url: &str, size: u32) -> Result<DbPool> {
    let (backend, target) = Backend::from_url(url);
    if backend == Backend::Postgres {
        init_tls();
    }
    let manager = ConnectionManager::<DbConnection>::new(target);
    let builder = Pool::builder()
        .max_size(size.max(1))
        .connection_timeout(POOL_WAIT);
    let pool = match backend {
        Backend::Sqlite => builder
            .connection_customizer(Box::new(SqlitePragmas))
            .build_unchecked(manager),
        Backend::Postgres => builder.build_unchecked(manager),
    };
    let started = std::time::Instant::now();
    loop {
        match pool.get() {
            Ok(_) => return Ok(pool),
            Err(e) if started.elapsed() >= STARTUP_WAIT => {
                return Err(ModelError::Pool(e.to_string()));
            }
            Err(_) => {}
        }
    }
}

/// Runs `setup` while holding a lock that every process starting on the same database takes
/// first, so that migrations, the reference sync and the demo load run once and one at a
/// time however many replicas start at the same moment: a PostgreSQL session advisory lock
/// (released with the session should the process die), or for SQLite an exclusive lock on
/// the file `<database>.setup-lock` beside it (released by the kernel likewise).
///
/// # Errors
/// `ModelError::Database` when the lock cannot be taken; otherwise whatever `setup` returns.
pub fn with_setup_lock<T>(
    conn: &mut DbConnection,
    setup: impl FnOnce(&mut DbConnection) -> Result<T>,
) -> Result<T> {
    use diesel::RunQueryDsl;
    // Any fixed number; all Lokus processes on one database agree on it ("LOKUS" in ASCII).
    const SETUP_LOCK_KEY: i64 = 0x004c_4f4b_5553;
    match conn {
        DbConnection::Postgres(_) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({SETUP_LOCK_KEY})"))
                .execute(conn)?;
            let outcome = setup(conn);
            let unlocked =
                diesel::sql_query(format!("SELECT pg_advisory_unlock({SETUP_LOCK_KEY})"))
                    .execute(conn);
            let value = outcome?;
            unlocked?;
            Ok(value)
        }
        DbConnection::Sqlite(_) => {
            let _lock = sqlite_lock_file(conn, "setup-lock")?;
            setup(conn)
        }
    }
}

/// Runs `write` so that writers on one database take turns: on PostgreSQL inside a
/// transaction holding an advisory transaction lock (every replica's imports queue on it);
/// on SQLite as is, since SQLite admits one writer at a time by itself.
///
/// # Errors
/// Whatever `write` returns, or `ModelError::Database` when the lock cannot be taken.
pub fn with_write_lock<T>(
    conn: &mut DbConnection,
    write: impl FnOnce(&mut DbConnection) -> Result<T>,
) -> Result<T> {
    use diesel::{Connection, RunQueryDsl};
    // "LOKUSW" in ASCII; another key than the setup lock's.
    const WRITE_LOCK_KEY: i64 = 0x4c4f_4b55_5357;
    match conn {
        DbConnection::Postgres(_) => conn.transaction::<_, ModelError, _>(|conn| {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))
                .execute(conn)?;
            write(conn)
        }),
        DbConnection::Sqlite(_) => {
            // Writers in other processes on the same file queue on a lock file beside it.
            let _turn = sqlite_lock_file(conn, "write-lock")?;
            write(conn).map_err(|e| {
            // SQLite rolls a transaction back by itself on a full disk (or a failed write), so
            // diesel's own rollback then fails and its error hides the cause: say what it was.
            let aborted = matches!(&e, ModelError::Database(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("no transaction is active"));
            if aborted {
                ModelError::StorageFull(
                    "SQLite aborted the write transaction (disk full or failed write)".into(),
                )
            } else {
                e
            }
            })
        }
    }
}

/// An exclusive lock on `<database file>.<suffix>` (None for an in-memory database), held
/// until the returned file is dropped; the kernel releases it should the process die.
fn sqlite_lock_file(conn: &mut DbConnection, suffix: &str) -> Result<Option<std::fs::File>> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Attached {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    let attached: Vec<Attached> = diesel::sql_query("PRAGMA database_list").load(conn)?;
    let Some(path) = attached
        .into_iter()
        .find(|a| a.name == "main")
        .map(|a| a.file)
        .filter(|f| !f.is_empty())
    else {
        return Ok(None);
    };
    let lock = format!("{path}.{suffix}");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .and_then(|file| file.lock().map(|()| Some(file)))
        .map_err(|e| ModelError::Pool(format!("cannot lock {lock}: {e}")))
}

/// Runs the embedded migrations of the connection's backend.
///
/// # Errors
/// `ModelError::Migration` when a migration fails.
pub fn run_migrations(conn: &mut DbConnection) -> Result<()> {
    let outcome = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    outcome.map_err(|e| ModelError::Migration(e.to_string()))
}

/// True when every embedded migration has been applied (for readiness checks).
///
/// # Errors
/// `ModelError::Migration` when the migration table cannot be read.
pub fn migrations_are_current(conn: &mut DbConnection) -> Result<bool> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|p| p.len()),
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|p| p.len()),
    };
    pending
        .map(|n| n == 0)
        .map_err(|e| ModelError::Migration(e.to_string()))
}

/// Connects, runs migrations once (under [`with_setup_lock`]) and returns the pool.
///
/// # Errors
/// As [`connect`] and [`run_migrations`].
pub fn connect_and_migrate(url: &str) -> Result<DbPool> {
    let pool = connect(url)?;
    let mut conn = pool.get()?;
    with_setup_lock(&mut conn, run_migrations)?;
    Ok(pool)
}

/// Which backend a live connection talks to.
pub fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Sqlite(_) => Backend::Sqlite,
        DbConnection::Postgres(_) => Backend::Postgres,
    }
}

#[cfg(test)]
mod stewardship_migration_tests {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    use diesel_migrations::MigrationHarness;

    use super::{DbConnection, SQLITE_MIGRATIONS};
    use crate::dataset::{Dataset, DatasetKind, DatasetStatus};

    fn stewardship_applied(c: &mut SqliteConnection) -> bool {
        c.applied_migrations()
            .unwrap()
            .iter()
            .any(|v| v.to_string().replace('-', "").starts_with("20261207000010"))
    }

    #[test]
    fn the_migration_marks_existing_datasets_published_and_keeps_the_data_version() {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        c.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        // Back to the schema before stewardship (and any migration after it).
        while stewardship_applied(&mut c) {
            c.revert_last_migration(SQLITE_MIGRATIONS).unwrap();
        }
        diesel::sql_query(
            "INSERT INTO datasets (kind, year, indicator, source, sha256, row_count, imported_at, \
             imported_by, demo) VALUES \
             ('stunting', 2022, NULL, 'old', 'a', 1, '2026-01-01T00:00:00Z', 'cli', 0), \
             ('stunting', 2022, NULL, 'newer', 'b', 1, '2026-01-02T00:00:00Z', 'cli', 0), \
             ('regions', NULL, NULL, 'ref', 'c', 1, '2026-01-01T00:00:00Z', 'cli', 0)",
        )
        .execute(&mut c)
        .unwrap();
        c.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        let mut conn = DbConnection::Sqlite(c);
        let all = Dataset::list(&mut conn).unwrap();
        assert_eq!(all.len(), 3);
        for d in &all {
            assert_eq!(d.status(), DatasetStatus::Published, "{d:?}");
            assert_eq!(d.data_version, Some(d.id));
        }
        // The data version stays the newest id, and the newer import is still the one used.
        assert_eq!(Dataset::data_version(&mut conn).unwrap(), 3);
        let current = Dataset::current(&mut conn, DatasetKind::Stunting, 2022, None)
            .unwrap()
            .unwrap();
        assert_eq!(current.source, "newer");
    }
}
