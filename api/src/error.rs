//! The one API error type, its stable codes and its HTTP status table.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use model::message::{Message, Params};
use model::{ModelError, RowError};
use serde::Serialize;

use crate::i18n::Lang;
use crate::sentences as s;

/// Seconds a client is asked to wait when every compute slot is taken.
pub const BUSY_RETRY_SECONDS: u64 = 1;

/// Every error the API returns; `code()` is the stable machine-readable name, `message()` what
/// is wrong with its values (written in the request's language, `Display` in English).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An error from the model crate.
    Model(#[from] ModelError),
    /// No or unknown bearer token.
    Unauthorized(Message),
    /// The token's role may not do this.
    Forbidden(Message),
    /// No such route.
    RouteNotFound(String),
    /// The route exists but not with this method.
    MethodNotAllowed(String),
    /// Malformed request (syntax).
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: Message,
    },
    /// A parameter outside a limit the document states (422).
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// What is wrong, naming the limit.
        message: Message,
    },
    /// Nothing there yet, with a more precise code than `not_found` (404).
    Missing {
        /// Stable code.
        code: &'static str,
        /// What is missing.
        message: Message,
    },
    /// Body larger than the limit.
    PayloadTooLarge(usize),
    /// Body in a media type this endpoint does not take.
    UnsupportedMediaType(Message),
    /// The `Accept` header covers none of the media types this operation produces.
    NotAcceptable(Message),
    /// Too many requests from one client.
    TooManyRequests(u64),
    /// The body did not arrive within `LOKUS_BODY_TIMEOUT_SECONDS`.
    BodyTimeout(u64),
    /// A request within every stated limit that the data held refuse (409; e.g. a robustness
    /// grid whose constraints name a district not in the join). The code is the model's.
    RefusedByData {
        /// Stable code.
        code: &'static str,
        /// What refuses it.
        message: Message,
    },
    /// Every compute slot is taken; the client should retry shortly.
    Busy,
    /// Anything unexpected; the message never leaves the server.
    Internal(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub error: String,
    /// Human sentence, whole in the request's language (`Accept-Language`).
    pub message: String,
    /// The values the sentence names, by name (the parameter, the value sent, the limit, …),
    /// so that a client can compose its own sentence from `error` and `params`; empty for
    /// server faults.
    #[schema(value_type = Object, example = json!({"field": "k", "min": 1, "max": 514, "value": 600}))]
    pub params: Params,
    /// For imports: every bad row (line, field, message, candidates, problem, params).
    /// Otherwise empty.
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
    pub fn bad_request(code: &'static str, message: impl Into<Message>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// What is wrong, as a sentence of a catalogue with its values.
    pub fn message(&self) -> Message {
        match self {
            ApiError::Model(m) => m.message(),
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::NotAcceptable(m)
            | ApiError::BadRequest { message: m, .. }
            | ApiError::Unprocessable { message: m, .. }
            | ApiError::Missing { message: m, .. }
            | ApiError::RefusedByData { message: m, .. } => m.clone(),
            ApiError::RouteNotFound(path) => s::NO_ROUTE.with("path", path.as_str()),
            ApiError::MethodNotAllowed(method) => {
                s::METHOD_NOT_ALLOWED.with("method", method.as_str())
            }
            // Some refusals happen where the limit is not known (0).
            ApiError::PayloadTooLarge(0) => s::PAYLOAD_OVER_LIMIT.with("limit", 0),
            ApiError::PayloadTooLarge(limit) => s::PAYLOAD_TOO_LARGE.with("limit", *limit),
            ApiError::TooManyRequests(seconds) => s::TOO_MANY_REQUESTS.with("seconds", *seconds),
            ApiError::BodyTimeout(seconds) => s::BODY_TIMEOUT.with("seconds", *seconds),
            ApiError::Busy => s::BUSY.with("seconds", BUSY_RETRY_SECONDS),
            ApiError::Internal(detail) => s::INTERNAL.with("detail", detail.as_str()),
        }
    }

    /// The human sentence in `lang` (the code stays the same in every language).
    pub fn message_in(&self, lang: Lang) -> String {
        self.message().render(lang)
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
    fn storage_fault(&self) -> Option<&'static model::message::Sentence> {
        match self.code() {
            "database_unavailable" => Some(&s::DATABASE_UNAVAILABLE),
            "insufficient_storage" => Some(&s::INSUFFICIENT_STORAGE),
            "database_read_only" => Some(&s::DATABASE_READ_ONLY),
            _ => None,
        }
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
        let message = if let Some(sentence) = self.storage_fault() {
            // Said plainly (the client should retry or tell an operator), cause to the log.
            tracing::warn!(error = ?self, code = self.code(), "database fault");
            Message::from(sentence)
        } else if status.is_server_error() && !matches!(self, ApiError::Busy) {
            // The cause goes to the log only; the body says nothing internal.
            tracing::error!(error = ?self, "request failed");
            Message::from(&s::INTERNAL_LOGGED)
        } else {
            self.message()
        };
        let details = match self {
            ApiError::Model(ModelError::InvalidRows(rows)) => rows
                .iter()
                .map(|row| RowError {
                    message: crate::i18n::row_message(row, lang),
                    ..row.clone()
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
            message: message.render(lang),
            params: message.params,
            details,
            coverage,
        })
    }
}

/// What serde said was wrong, as far as its standard wording tells (serde writes these
/// sentences itself, for every format: `unknown field `x`, expected …`).
#[derive(Debug)]
enum SerdeProblem {
    UnknownField(String),
    MissingField(String),
    DuplicateField(String),
    UnknownVariant(String),
    WrongType,
    Other,
}

impl SerdeProblem {
    fn of(text: &str) -> SerdeProblem {
        let named = |prefix: &str| {
            let rest = &text[text.find(prefix)? + prefix.len()..];
            rest.find('`').map(|end| rest[..end].to_string())
        };
        if let Some(name) = named("unknown field `") {
            SerdeProblem::UnknownField(name)
        } else if let Some(name) = named("missing field `") {
            SerdeProblem::MissingField(name)
        } else if let Some(name) = named("duplicate field `") {
            SerdeProblem::DuplicateField(name)
        } else if let Some(name) = named("unknown variant `") {
            SerdeProblem::UnknownVariant(name)
        } else if text.contains("invalid type: ") {
            SerdeProblem::WrongType
        } else {
            SerdeProblem::Other
        }
    }
}

/// 400 `invalid_json` for a body serde_json could not read as the request: the English
/// sentence keeps serde_json's own text; the Indonesian one names the member, value or place
/// (line and column, which a body read from a `Value` does not have).
pub fn invalid_json(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let detail = e.to_string();
    let placed = |m: Message| {
        if e.line() > 0 {
            m.with("line", e.line()).with("column", e.column())
        } else {
            m
        }
    };
    let message = match e.classify() {
        Category::Syntax => placed(s::BODY_SYNTAX.with("detail", detail)),
        Category::Eof => placed(s::BODY_CUT_SHORT.with("detail", detail)),
        Category::Io => s::BODY_UNREADABLE.with("detail", detail),
        Category::Data => match SerdeProblem::of(&detail) {
            SerdeProblem::UnknownField(name) => placed(
                s::BODY_UNKNOWN_MEMBER
                    .with("field", name)
                    .with("detail", detail),
            ),
            SerdeProblem::MissingField(name) => placed(
                s::BODY_MISSING_MEMBER
                    .with("field", name)
                    .with("detail", detail),
            ),
            SerdeProblem::DuplicateField(name) => placed(
                s::BODY_DUPLICATE_MEMBER
                    .with("field", name)
                    .with("detail", detail),
            ),
            SerdeProblem::UnknownVariant(value) => placed(
                s::BODY_UNKNOWN_VALUE
                    .with("value", value)
                    .with("detail", detail),
            ),
            SerdeProblem::WrongType if e.line() > 0 => {
                placed(s::BODY_WRONG_TYPE.with("detail", detail))
            }
            SerdeProblem::WrongType => s::BODY_WRONG_TYPE_SOMEWHERE.with("detail", detail),
            SerdeProblem::Other if e.line() > 0 => {
                placed(s::BODY_WRONG_VALUE.with("detail", detail))
            }
            SerdeProblem::Other => s::BODY_WRONG_VALUE_SOMEWHERE.with("detail", detail),
        },
    };
    ApiError::bad_request("invalid_json", message)
}

/// 400 `invalid_query` for a query string serde could not read (`detail`, serde's text,
/// stays in the English sentence): the Indonesian one names the parameter or value when serde
/// does, else the query string itself.
pub fn invalid_query(detail: String, query: &str) -> ApiError {
    let message = match SerdeProblem::of(&detail) {
        SerdeProblem::UnknownVariant(value) => s::QUERY_UNKNOWN_VALUE.with("value", value),
        SerdeProblem::UnknownField(name) => s::QUERY_UNKNOWN_PARAMETER.with("field", name),
        SerdeProblem::MissingField(name) => s::QUERY_MISSING_PARAMETER.with("field", name),
        _ => Message::from(&s::QUERY_UNREADABLE),
    };
    ApiError::bad_request(
        "invalid_query",
        message.with("detail", detail).with("query", query),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only read to be refused")]
    struct Body {
        k: u32,
        method: Option<Method>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Method {
        Composite,
    }

    fn refusal(text: &str) -> (String, String, serde_json::Value) {
        let e = serde_json::from_str::<Body>(text).unwrap_err();
        let m = invalid_json(&e).message();
        (
            m.to_string(),
            m.render(Lang::Id),
            serde_json::to_value(&m.params).unwrap(),
        )
    }

    #[test]
    fn a_json_body_refusal_names_the_member_value_or_place_in_indonesian() {
        let (en, id, params) = refusal(r#"{"k": 5, "kk": 1}"#);
        assert!(
            en.starts_with("the JSON body is not valid: unknown field `kk`"),
            "{en}"
        );
        assert_eq!(id, "Isi JSON memuat isian `kk` yang tidak dikenal");
        assert_eq!(
            (&params["field"], &params["line"]),
            (&"kk".into(), &1.into())
        );
        let (_, id, _) = refusal(r#"{"method": "composite"}"#);
        assert_eq!(id, "Isi JSON tidak memuat isian wajib `k`");
        let (_, id, params) = refusal(r#"{"k": 5, "method": "fastest"}"#);
        assert_eq!(id, "Isi JSON memuat nilai `fastest` yang tidak dikenal");
        assert_eq!(params["value"], "fastest");
        let (_, id, _) = refusal("{\n  \"k\": \"five\"}");
        assert_eq!(
            id,
            "Isi JSON memuat nilai yang jenisnya salah pada baris 2, kolom 13"
        );
        let (_, id, _) = refusal(r#"{"k": 5,"#);
        assert_eq!(
            id,
            "Isi JSON terpotong: berakhir pada baris 1, kolom 8 sebelum selesai"
        );
        // Read from a value, serde_json knows no place: none is named.
        let e = serde_json::from_value::<Body>(serde_json::json!({"k": "five"})).unwrap_err();
        assert_eq!(
            invalid_json(&e).message().render(Lang::Id),
            "Isi JSON memuat nilai yang jenisnya salah"
        );
    }

    #[test]
    fn a_query_refusal_names_the_value_or_the_query_in_indonesian() {
        let message = |detail: &str, query: &str| invalid_query(detail.into(), query).message();
        let m = message(
            "Query deserialize error: unknown variant `fastest`, expected one of `composite`, `need`",
            "method=fastest",
        );
        assert_eq!(
            m.render(Lang::Id),
            "Parameter kueri tidak sah: nilai `fastest` tidak dikenal"
        );
        assert_eq!(
            m.to_string(),
            "invalid query parameter: Query deserialize error: unknown variant `fastest`, expected one of `composite`, `need`"
        );
        let m = message(
            "Query deserialize error: invalid digit found in string",
            "k=abc",
        );
        assert_eq!(
            m.render(Lang::Id),
            "Parameter kueri tidak sah: ada nilai yang jenisnya tidak sesuai dalam k=abc"
        );
    }
}
