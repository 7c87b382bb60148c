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

/// Opens a connection pool for `url` (`sqlite://lokus.db` or `postgres://…`).
///
/// # Errors
/// `ModelError::Pool` when the database cannot be reached.
pub fn connect(url: &str) -> Result<DbPool> {
    let (backend, target) = Backend::from_url(url);
    let manager = ConnectionManager::<DbConnection>::new(target);
    let builder = Pool::builder().connection_timeout(std::time::Duration::from_secs(10));
    let pool = match backend {
        Backend::Sqlite => builder
            .max_size(8)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager),
        Backend::Postgres => builder.max_size(8).build(manager),
    }
    .map_err(|e| ModelError::Pool(e.to_string()))?;
    Ok(pool)
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

/// Connects, runs migrations once and returns the pool.
///
/// # Errors
/// As [`connect`] and [`run_migrations`].
pub fn connect_and_migrate(url: &str) -> Result<DbPool> {
    let pool = connect(url)?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Which backend a live connection talks to.
pub fn backend_of(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Sqlite(_) => Backend::Sqlite,
        DbConnection::Postgres(_) => Backend::Postgres,
    }
}
