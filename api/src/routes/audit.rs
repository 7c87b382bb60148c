//! The audit log: who imported, saved, created tokens or (through the gateway) read, when.

use actix_web::{HttpRequest, HttpResponse, web};
use model::audit::{AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Editor, Meta, Paging, list_response};
use crate::state::AppState;

/// `GET /api/v1/audit`: one page of the audit log, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditList {
    /// Entries of this page, newest first.
    pub entries: Vec<AuditEntry>,
    /// Paging.
    pub meta: Meta,
}

/// Filters of the audit log (exact matches; combine freely).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    /// Only the entries of this request (its `X-Request-Id`).
    pub request_id: Option<String>,
    /// Only this kind of act: `import_dataset`, `save_ranking`, `create_token`, `read`, …
    pub action: Option<String>,
    /// Only this actor: a token label, `anonymous`, `cli` or `system`.
    pub actor: Option<String>,
    /// Only entries attributed to this gateway consumer.
    pub consumer: Option<String>,
}

/// The audit log (editor token only), newest first, paged, optionally filtered.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Paging, AuditFilter),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "One page of the audit log, newest first; `Link` names the next and previous pages", body = AuditList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an editor's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    _editor: Editor,
    paging: web::Query<Paging>,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let filter = filter.into_inner();
    let query = AuditQuery {
        request_id: filter.request_id,
        action: filter.action,
        actor: filter.actor,
        consumer: filter.consumer,
    };
    let pool = state.pool.clone();
    let (entries, total) = web::block(move || {
        let mut conn = pool.get()?;
        AuditEntry::page(&mut conn, &query, per_page, offset)
    })
    .await??;
    let meta = Meta {
        total,
        page,
        per_page,
    };
    list_response(
        &req,
        AuditList {
            entries,
            meta: meta.clone(),
        },
        &meta,
    )
    .await
}
