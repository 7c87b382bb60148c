//! The decision workflow of a saved run: propose, approve, reject, adopt, withdraw.
//!
//! Each step answers the run as `GET /api/v1/rankings/{id}` does, with its new status,
//! history and adoption.

use actix_web::{HttpRequest, HttpResponse, web};
use model::adoption::Decision;
use model::workflow;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{Approver, Editor, respond};
use crate::routes::rankings::{parse_json, stored_run_json};
use crate::state::AppState;

/// The body of a step that takes a reason: `{"reason": "…"}` (required to reject and
/// withdraw; optional, and the body too, to propose and approve).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepReason {
    /// Why (at most 1,000 characters); kept in the run's history and the audit log.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The reason of an optional JSON body (an empty body: no reason).
fn reason_of(req: &HttpRequest, body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(parse_json::<StepReason>(req, body)?.reason)
}

/// Runs one step off the async threads and answers the run as it now stands.
async fn run_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: i32,
    step: impl FnOnce(&mut model::db::DbConnection) -> Result<(), ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let rendered = web::block(move || {
        let mut conn = pool.get()?;
        step(&mut conn)?;
        stored_run_json(&mut conn, id)
    })
    .await??;
    Ok(respond(&req, &rendered))
}

/// `POST /api/v1/rankings/{id}/propose`.
#[utoipa::path(post, path = "/api/v1/rankings/{id}/propose", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1)),
    request_body(content = StepReason, description = "Optional; `{\"reason\"}` is kept in the history"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "`draft` → `proposed`; needs a title and a reason for every district forced in or out (422 `title_required`, or `reason_required` listing the codes). Answers the run with its new status, history and adoption", body = crate::routes::rankings::RankingBody),
    (status = 400, description = "Malformed id or JSON body, or an unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an editor", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 409, description = "Not a draft (`invalid_transition`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "A body that is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Refused (names why): `reason_required`, `invalid_reason`, `title_required`, `invalid_decision`, `demo_data`", body = crate::error::ErrorBody)))]
pub async fn propose_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Editor(caller): Editor,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, reason) = (id.into_inner(), reason_of(&req, &body)?);
    run_step(req, state, id, move |conn| {
        workflow::propose(conn, id, &caller.actor, reason.as_deref())?;
        Ok(())
    })
    .await
}

/// `POST /api/v1/rankings/{id}/approve`.
#[utoipa::path(post, path = "/api/v1/rankings/{id}/approve", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1)),
    request_body(content = StepReason, description = "Optional; `{\"reason\"}` is kept in the history"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "`proposed` → `approved` by an approver whose token label differs from the proposer's (409 `four_eyes`; `LOKUS_FOUR_EYES=false` lifts it). Answers the run with its new status, history and adoption", body = crate::routes::rankings::RankingBody),
    (status = 400, description = "Malformed id or JSON body, or an unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an approver", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 409, description = "Not proposed (`invalid_transition`), or the approver proposed it (`four_eyes`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "A body that is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Refused (names why): `reason_required`, `invalid_reason`, `title_required`, `invalid_decision`, `demo_data`", body = crate::error::ErrorBody)))]
pub async fn approve_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, reason) = (id.into_inner(), reason_of(&req, &body)?);
    let four_eyes = state.settings.four_eyes;
    run_step(req, state, id, move |conn| {
        workflow::approve(conn, id, &caller.actor, four_eyes, reason.as_deref())?;
        Ok(())
    })
    .await
}

/// `POST /api/v1/rankings/{id}/reject`.
#[utoipa::path(post, path = "/api/v1/rankings/{id}/reject", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1)),
    request_body(content = StepReason, description = "`{\"reason\"}`, required"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "`proposed` → `draft`, with a reason. Answers the run with its new status, history and adoption", body = crate::routes::rankings::RankingBody),
    (status = 400, description = "Malformed id or JSON body, or an unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an approver", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 409, description = "Not proposed (`invalid_transition`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "A body that is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Refused (names why): `reason_required`, `invalid_reason`, `title_required`, `invalid_decision`, `demo_data`", body = crate::error::ErrorBody)))]
pub async fn reject_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, reason) = (id.into_inner(), reason_of(&req, &body)?);
    run_step(req, state, id, move |conn| {
        workflow::reject(conn, id, &caller.actor, reason.as_deref())?;
        Ok(())
    })
    .await
}

/// `POST /api/v1/rankings/{id}/adopt`.
#[utoipa::path(post, path = "/api/v1/rankings/{id}/adopt", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1)),
    request_body(content = Decision, description = "The decision"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "`approved` → `adopted` under a decision; the list in force for the same programme and year becomes `superseded`; a run on demo data is refused (422 `demo_data`). Answers the run with its new status, history and adoption", body = crate::routes::rankings::RankingBody),
    (status = 400, description = "Malformed id or JSON body, or an unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an approver", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 409, description = "Not approved (`invalid_transition`), or another adoption for the same programme and year at the same moment (`conflict`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "A body that is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Refused (names why): `reason_required`, `invalid_reason`, `title_required`, `invalid_decision`, `demo_data`", body = crate::error::ErrorBody)))]
pub async fn adopt_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let decision: Decision = parse_json(&req, &body)?;
    run_step(req, state, id, move |conn| {
        workflow::adopt(conn, id, &caller.actor, &decision)?;
        Ok(())
    })
    .await
}

/// `POST /api/v1/rankings/{id}/withdraw`.
#[utoipa::path(post, path = "/api/v1/rankings/{id}/withdraw", tag = "rankings",
    params(("id" = i32, Path, description = "Run id", minimum = 1)),
    request_body(content = StepReason, description = "`{\"reason\"}`, required"),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "`adopted` → `withdrawn`, with a reason; the programme and year then have no list in force until another adoption. Answers the run with its new status, history and adoption", body = crate::routes::rankings::RankingBody),
    (status = 400, description = "Malformed id or JSON body, or an unknown field", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token", body = crate::error::ErrorBody),
    (status = 403, description = "Token is not an approver", body = crate::error::ErrorBody),
    (status = 404, description = "No such run", body = crate::error::ErrorBody),
    (status = 409, description = "Not adopted (`invalid_transition`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "A body that is not application/json", body = crate::error::ErrorBody),
    (status = 422, description = "Refused (names why): `reason_required`, `invalid_reason`, `title_required`, `invalid_decision`, `demo_data`", body = crate::error::ErrorBody)))]
pub async fn withdraw_ranking(
    req: HttpRequest,
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, reason) = (id.into_inner(), reason_of(&req, &body)?);
    run_step(req, state, id, move |conn| {
        workflow::withdraw(conn, id, &caller.actor, reason.as_deref())?;
        Ok(())
    })
    .await
}
