//! The one error type of the model crate.

use std::fmt;

use serde::Serialize;

use crate::message::{Lang, Message, Params, Sentence, Value};
use crate::sentences as s;

/// One problem found in an imported file, located by line (CSV), item (JSON) or cell (Excel).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// 1-based line number in a CSV file (the header is line 1), 1-based item in a JSON array,
    /// or the row number Excel shows in a workbook.
    pub line: usize,
    /// The field the problem is in (its canonical name, e.g. `prevalence`), if one.
    pub field: Option<String>,
    /// The header of that column as written in the file (e.g. `Prevalensi`), when the file has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// For a workbook: the cell as Excel shows it, e.g. `Sheet1!C14`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// What is wrong, as a sentence.
    pub message: String,
    /// For an unresolved or ambiguous district: the codes and names it could be.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// What is wrong, as a stable snake_case code (`not_a_number`, `out_of_range`, …).
    #[schema(value_type = String, example = "not_a_percentage")]
    pub problem: &'static Sentence,
    /// The values the problem names (the value as written, the limits, the first line of a
    /// duplicate, …), by name.
    #[schema(value_type = Object)]
    pub params: Params,
}

impl RowError {
    /// A problem in one field of one line.
    pub fn field(line: usize, field: &str, problem: impl Into<Message>) -> Self {
        RowError {
            field: Some(field.to_string()),
            ..RowError::line(line, problem)
        }
    }

    /// A problem with a whole line (syntax, encoding).
    pub fn line(line: usize, problem: impl Into<Message>) -> Self {
        let problem = problem.into();
        RowError {
            line,
            field: None,
            column: None,
            cell: None,
            message: problem.to_string(),
            candidates: Vec::new(),
            problem: problem.sentence,
            params: problem.params,
        }
    }

    /// The problem (without its place) in `lang`; in English it is `message`.
    pub fn problem_in(&self, lang: Lang) -> String {
        crate::message::render(self.problem.template(lang), &self.params, lang)
    }
}

/// Everything that can go wrong in the model; expected errors first, unexpected ones last.
/// Each says what is wrong as a [`Message`] ([`ModelError::message`]); `Display` writes it in
/// English.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A resource that does not exist.
    NotFound {
        /// What kind of thing (a term of the catalogue: `dataset`, `region`, …).
        entity: &'static Sentence,
        /// Its identifier as given (with what else helps to find it, as a message).
        id: Value,
    },
    /// A parameter or document that is wrong as a whole.
    Invalid {
        /// Stable snake_case code for machines.
        code: &'static str,
        /// What is wrong, with its values.
        message: Message,
    },
    /// An import in which some rows are wrong; nothing was written.
    InvalidRows(Vec<RowError>),
    /// A ranking whose constraints cannot all be met, naming the conflict.
    Infeasible(Message),
    /// Not enough data to compute something.
    InsufficientData {
        /// Minimum needed.
        needed: usize,
        /// Number available.
        got: usize,
    },
    /// A request at odds with the state of what it names (409), with its stable code: a
    /// workflow step out of order (`invalid_transition`), the same person doing both steps
    /// (`four_eyes`), a dataset that is no longer staged (`not_staged`).
    Conflict {
        /// Stable snake_case code for machines.
        code: &'static str,
        /// What is at odds, with its values.
        message: Message,
    },
    /// Publishing a dataset that covers fewer districts than the live one it replaces,
    /// without `acknowledge_partial` (409 `partial_coverage`).
    PartialCoverage {
        /// Districts the dataset to publish covers.
        staged: i32,
        /// Districts the live dataset covers.
        live: i32,
        /// The live dataset.
        live_dataset_id: i32,
    },
    /// A database error (unexpected).
    Database(#[from] diesel::result::Error),
    /// The pool could not hand out a connection (unexpected).
    Pool(String),
    /// The database could not take a write for lack of space (SQLite aborted the whole
    /// transaction, as it does on a full disk or a failing write).
    StorageFull(String),
    /// A migration failed (unexpected).
    Migration(String),
    /// A numerical routine failed (unexpected).
    Numerical(String),
}

impl ModelError {
    /// A conflict with the state of what the request names, with its stable code.
    pub fn conflict(code: &'static str, message: impl Into<Message>) -> Self {
        ModelError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A bad parameter, with its stable code.
    pub fn invalid(code: &'static str, message: impl Into<Message>) -> Self {
        ModelError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// What is wrong, as a sentence of the catalogue with its values.
    pub fn message(&self) -> Message {
        match self {
            ModelError::NotFound { entity, id } => {
                s::NOT_FOUND.with("entity", *entity).with("id", id.clone())
            }
            ModelError::Invalid { message, .. }
            | ModelError::Conflict { message, .. }
            | ModelError::Infeasible(message) => message.clone(),
            ModelError::InvalidRows(rows) => s::INVALID_ROWS.with("count", rows.len()),
            ModelError::InsufficientData { needed, got } => s::INSUFFICIENT_DATA
                .with("needed", *needed)
                .with("got", *got),
            ModelError::PartialCoverage {
                staged,
                live,
                live_dataset_id,
            } => s::PARTIAL_COVERAGE
                .with("staged", *staged)
                .with("live", *live)
                .with("live_dataset_id", *live_dataset_id),
            ModelError::Database(_) => Message::from(&s::DATABASE_ERROR),
            ModelError::Pool(detail) => s::POOL_ERROR.with("detail", detail),
            ModelError::StorageFull(detail) => s::STORAGE_FULL.with("detail", detail),
            ModelError::Migration(detail) => s::MIGRATION_ERROR.with("detail", detail),
            ModelError::Numerical(detail) => s::NUMERICAL_ERROR.with("detail", detail),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl ModelError {
    /// A diesel `NotFound` that escaped a query site (a safety net: it means 404, not 500).
    pub fn is_stray_not_found(&self) -> bool {
        matches!(self, ModelError::Database(diesel::result::Error::NotFound))
    }

    /// A unique-constraint violation (a concurrent duplicate write).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            ModelError::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

impl ModelError {
    /// The database could not be reached: no pooled connection within the pool's wait, or
    /// the connection was lost mid-query. The service answers 503 and recovers by itself.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match self {
            ModelError::Pool(_) => true,
            ModelError::Database(E::DatabaseError(
                K::ClosedConnection | K::UnableToSendCommand,
                _,
            )) => true,
            ModelError::Database(E::DatabaseError(_, info)) => {
                let m = info.message().to_lowercase();
                // libpq's words for a server that went away mid-session.
                m.contains("terminating connection")
                    || m.contains("server closed the connection")
                    || m.contains("connection to server")
                    || m.contains("the database system is shutting down")
            }
            _ => false,
        }
    }

    /// The database refused a write for lack of space (SQLite `SQLITE_FULL`, PostgreSQL
    /// `disk_full` / "could not extend file").
    pub fn is_storage_full(&self) -> bool {
        matches!(self, ModelError::StorageFull(_))
            || self.database_message().is_some_and(|m| {
                m.contains("database or disk is full")
                    || m.contains("no space left on device")
                    || m.contains("could not extend file")
                    || m.contains("disk full")
            })
    }

    /// The database refused a write because it is read-only (SQLite `SQLITE_READONLY`,
    /// PostgreSQL read-only transactions on a standby or with `default_transaction_read_only`).
    pub fn is_read_only(&self) -> bool {
        self.database_message().is_some_and(|m| {
            m.contains("readonly database") || m.contains("read-only") || m.contains("query_only")
        })
    }

    fn database_message(&self) -> Option<String> {
        match self {
            ModelError::Database(diesel::result::Error::DatabaseError(_, info)) => {
                Some(info.message().to_lowercase())
            }
            _ => None,
        }
    }
}

impl From<diesel::r2d2::PoolError> for ModelError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        ModelError::Pool(e.to_string())
    }
}

/// Result alias for the model crate.
pub type Result<T> = std::result::Result<T, ModelError>;
