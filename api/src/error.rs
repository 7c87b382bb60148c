//! The one API error type, its stable codes and its HTTP status table.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use model::{ModelError, RowError};
use serde::Serialize;

use crate::i18n::Lang;

/// Seconds a client is asked to wait when every compute slot is taken.
pub const BUSY_RETRY_SECONDS: u64 = 1;

/// Every error the API returns; `code()` is the stable machine-readable name.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An error from the model crate.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// No or unknown bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// The token's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such route.
    #[error("no route for {0}")]
    RouteNotFound(String),
    /// The route exists but not with this method.
    #[error("method {0} is not allowed here")]
    MethodNotAllowed(String),
    /// Malformed request (syntax).
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// A parameter outside a limit the document states (422).
    #[error("{message}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// Human message naming the limit.
        message: String,
    },
    /// Nothing there yet, with a more precise code than `not_found` (404).
    #[error("{message}")]
    Missing {
        /// Stable code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// Body larger than the limit.
    #[error("request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// Body in a media type this endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The `Accept` header covers none of the media types this operation produces.
    #[error("{0}")]
    NotAcceptable(String),
    /// Too many requests from one client.
    #[error("too many requests; retry after {0} s")]
    TooManyRequests(u64),
    /// The body did not arrive within `LOKUS_BODY_TIMEOUT_SECONDS`.
    #[error(
        "the request body did not arrive within {0} s (LOKUS_BODY_TIMEOUT_SECONDS); send it at once"
    )]
    BodyTimeout(u64),
    /// A request within every stated limit that the data held refuse (409; e.g. a robustness
    /// grid whose constraints name a district not in the join). The code is the model's.
    #[error("{message}")]
    RefusedByData {
        /// Stable code.
        code: &'static str,
        /// Human message naming the conflict.
        message: String,
    },
    /// Every compute slot is taken; the client should retry shortly.
    #[error(
        "the server is busy computing other scenarios; retry after {} s",
        BUSY_RETRY_SECONDS
    )]
    Busy,
    /// Anything unexpected; the message never leaves the server.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The codes [`ApiError::code`] names itself (the others come from where the error is made).
pub const STATIC_CODES: &[&str] = &[
    "not_found",
    "invalid_rows",
    "infeasible_constraints",
    "insufficient_data",
    "partial_coverage",
    "conflict",
    "internal_error",
    "unauthorized",
    "forbidden",
    "method_not_allowed",
    "payload_too_large",
    "unsupported_media_type",
    "not_acceptable",
    "rate_limited",
    "busy",
    "body_timeout",
];

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub error: String,
    /// Human sentence.
    pub message: String,
    /// For imports: every bad row (line, field, message, candidates). Otherwise empty.
    pub details: Vec<RowError>,
    /// For `partial_coverage`: the districts of the dataset to publish and of the live one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<PartialCoverage>,
}

/// The two counts of a `partial_coverage` refusal.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartialCoverage {
    /// Districts the dataset to publish covers.
    pub staged: i32,
    /// Districts the live dataset covers.
    pub live: i32,
    /// The live dataset.
    pub live_dataset_id: i32,
}

impl ApiError {
    /// A model refusal of a request already checked against its limits, as 409: what refuses
    /// it is the data held (invalid values and conflicting constraints); other errors pass.
    pub fn refused_by_data(e: ModelError) -> Self {
        match e {
            ModelError::Invalid { code, message } => ApiError::RefusedByData { code, message },
            ModelError::Infeasible(message) => ApiError::RefusedByData {
                code: "infeasible_constraints",
                message,
            },
            other => ApiError::Model(other),
        }
    }

    /// A malformed request with a stable code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The human sentence in `lang` (the code stays the same in every language).
    pub fn message_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let sentence = crate::i18n::indonesian(self.code()).unwrap_or("Permintaan gagal");
        match self {
            ApiError::PayloadTooLarge(n) if *n > 0 => {
                format!("Isi permintaan melebihi batas {n} bita")
            }
            ApiError::TooManyRequests(s) => {
                format!("Terlalu banyak permintaan; coba lagi setelah {s} detik")
            }
            ApiError::Busy => format!(
                "Server sedang menghitung skenario lain; coba lagi setelah {BUSY_RETRY_SECONDS} detik"
            ),
            ApiError::BodyTimeout(s) => format!(
                "Isi permintaan tidak selesai dikirim dalam {s} detik (LOKUS_BODY_TIMEOUT_SECONDS); kirim sekaligus"
            ),
            ApiError::RouteNotFound(path) => format!("Tidak ada rute untuk {path}"),
            ApiError::MethodNotAllowed(m) => format!("Metode {m} tidak diizinkan di sini"),
            ApiError::Model(ModelError::InvalidRows(rows)) => {
                format!("{} baris tidak valid; tidak ada yang diimpor", rows.len())
            }
            ApiError::Model(ModelError::InsufficientData { needed, got }) => {
                format!("Perlu sedikitnya {needed} kabupaten/kota dengan data, tersedia {got}")
            }
            ApiError::Model(ModelError::NotFound { entity, id }) => {
                format!("Tidak ditemukan: {entity} {id}")
            }
            ApiError::Model(ModelError::PartialCoverage {
                staged,
                live,
                live_dataset_id,
            }) => format!(
                "{sentence}: dataset ini mencakup {staged} kabupaten/kota, lebih sedikit dari {live} pada dataset aktif {live_dataset_id}; terbitkan dengan acknowledge_partial untuk tetap menggantinya"
            ),
            ApiError::PayloadTooLarge(_) | ApiError::Forbidden(_) | ApiError::Unauthorized(_) => {
                sentence.to_string()
            }
            // The specifics (names, limits, values) follow the sentence: in Indonesian where the
            // wording is one of the common limit forms, else as the server wrote them.
            other => {
                let detail = other.to_string();
                match crate::i18n::limit_in_indonesian(&detail) {
                    Some(id) => format!("{sentence}: {id}"),
                    None => format!("{sentence}. Detail: {detail}"),
                }
            }
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Model(m) => match m {
                ModelError::NotFound { .. } => "not_found",
                ModelError::Invalid { code, .. } => code,
                ModelError::InvalidRows(_) => "invalid_rows",
                ModelError::Infeasible(_) => "infeasible_constraints",
                ModelError::Conflict { code, .. } => code,
                ModelError::InsufficientData { .. } => "insufficient_data",
                ModelError::PartialCoverage { .. } => "partial_coverage",
                m if m.is_unavailable() => "database_unavailable",
                m if m.is_storage_full() => "insufficient_storage",
                m if m.is_read_only() => "database_read_only",
                m if m.is_stray_not_found() => "not_found",
                m if m.is_unique_violation() => "conflict",
                _ => "internal_error",
            },
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::RouteNotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unprocessable { code, .. } => code,
            ApiError::Missing { code, .. } => code,
            ApiError::RefusedByData { code, .. } => code,
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::NotAcceptable(_) => "not_acceptable",
            ApiError::TooManyRequests(_) => "rate_limited",
            ApiError::Busy => "busy",
            ApiError::BodyTimeout(_) => "body_timeout",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

impl ApiError {
    /// The sentence a client gets for a database fault (none for other errors); it names no
    /// internals.
    fn storage_fault_message(&self, lang: Lang) -> Option<&'static str> {
        let (en, id) = match self.code() {
            "database_unavailable" => (
                "the database is not reachable right now; nothing was changed; retry shortly",
                "basis data sedang tidak dapat dijangkau; tidak ada yang diubah; coba lagi sebentar lagi",
            ),
            "insufficient_storage" => (
                "the database has no space left for this write; nothing was changed and the data served before stays served",
                "ruang penyimpanan basis data habis untuk penulisan ini; tidak ada yang diubah dan data sebelumnya tetap dilayani",
            ),
            "database_read_only" => (
                "the database is read-only at the moment; nothing was changed and the data served before stays served",
                "basis data sedang hanya-baca; tidak ada yang diubah dan data sebelumnya tetap dilayani",
            ),
            _ => return None,
        };
        Some(match lang {
            Lang::En => en,
            Lang::Id => id,
        })
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        if let ApiError::Model(ModelError::Conflict { .. }) = self {
            return StatusCode::CONFLICT;
        }
        match self.code() {
            "not_found" => StatusCode::NOT_FOUND,
            "conflict" | "alias_conflict" => StatusCode::CONFLICT,
            _ if matches!(
                self,
                ApiError::Model(ModelError::Conflict { .. } | ModelError::PartialCoverage { .. })
            ) =>
            {
                StatusCode::CONFLICT
            }
            "internal_error" => StatusCode::INTERNAL_SERVER_ERROR,
            "database_unavailable" | "database_read_only" => StatusCode::SERVICE_UNAVAILABLE,
            "insufficient_storage" => StatusCode::INSUFFICIENT_STORAGE,
            _ => match self {
                ApiError::Model(_) | ApiError::Unprocessable { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                ApiError::Missing { .. } => StatusCode::NOT_FOUND,
                ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
                ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
                ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
                ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
                ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
                ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
                ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
                ApiError::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
                ApiError::RefusedByData { .. } => StatusCode::CONFLICT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let lang = crate::i18n::current();
        let message = if let Some(sentence) = self.storage_fault_message(lang) {
            // Said plainly (the client should retry or tell an operator), cause to the log.
            tracing::warn!(error = ?self, code = self.code(), "database fault");
            sentence.to_string()
        } else if status.is_server_error() && !matches!(self, ApiError::Busy) {
            // The cause goes to the log only; the body says nothing internal.
            tracing::error!(error = ?self, "request failed");
            match lang {
                Lang::En => "an internal error occurred; it has been logged".to_string(),
                Lang::Id => "terjadi kesalahan internal; sudah dicatat di log".to_string(),
            }
        } else {
            self.message_in(lang)
        };
        let details = match self {
            ApiError::Model(ModelError::InvalidRows(rows)) => rows
                .iter()
                .map(|row| match lang {
                    Lang::En => row.clone(),
                    Lang::Id => RowError {
                        message: crate::i18n::row_in_indonesian(row),
                        ..row.clone()
                    },
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut response = HttpResponse::build(status);
        match self {
            ApiError::TooManyRequests(seconds) => {
                response.insert_header(("Retry-After", seconds.to_string()));
            }
            ApiError::Busy => {
                response.insert_header(("Retry-After", BUSY_RETRY_SECONDS.to_string()));
            }
            _ if self.code() == "database_unavailable" => {
                response.insert_header(("Retry-After", BUSY_RETRY_SECONDS.to_string()));
            }
            _ => {}
        }
        response.insert_header((
            actix_web::http::header::CONTENT_LANGUAGE,
            match lang {
                Lang::En => "en",
                Lang::Id => "id",
            },
        ));
        let coverage = match self {
            ApiError::Model(ModelError::PartialCoverage {
                staged,
                live,
                live_dataset_id,
            }) => Some(PartialCoverage {
                staged: *staged,
                live: *live,
                live_dataset_id: *live_dataset_id,
            }),
            _ => None,
        };
        response.json(ErrorBody {
            error: self.code().to_string(),
            message,
            details,
            coverage,
        })
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<model::db::PoolError> for ApiError {
    fn from(e: model::db::PoolError) -> Self {
        ApiError::Model(ModelError::from(e))
    }
}
