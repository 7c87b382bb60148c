//! Webhook subscriptions and their deliveries (approver tokens only).

use actix_web::{HttpRequest, HttpResponse, web};
use model::outbox::EventType;
use model::outbox::delivery::Delivery;
use model::outbox::webhook::{NewWebhook, Webhook};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Approver, Meta, Paging, list_response};
use crate::state::AppState;
use crate::webhooks::target::TargetPolicy;

/// `POST /api/v1/webhooks`: a new subscription.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where to POST deliveries: `https`, resolving to public addresses only (hosts of
    /// `LOKUS_WEBHOOK_ALLOWED_HOSTS` may use `http`; with that setting no other host is
    /// accepted). At most 2,000 characters, no credentials.
    pub url: String,
    /// The event types to deliver: one or more of `lokus.adopted`, `lokus.withdrawn`,
    /// `dataset.published`.
    #[schema(value_type = Vec<EventType>, min_items = 1)]
    pub events: Vec<String>,
    /// What it is for (at most 500 characters).
    #[serde(default)]
    pub description: String,
}

/// One subscription: `{"webhook": {...}}` (with `secret` after creation or rotation only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookBody {
    /// The subscription.
    pub webhook: Webhook,
}

/// `GET /api/v1/webhooks`: one page of subscriptions, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookList {
    /// Subscriptions of this page (never their secrets).
    pub webhooks: Vec<Webhook>,
    /// Paging.
    pub meta: Meta,
}

/// `GET /api/v1/webhooks/{id}/deliveries`: one page of deliveries, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    /// Deliveries of this page, each with every attempt.
    pub deliveries: Vec<Delivery>,
    /// Paging.
    pub meta: Meta,
}

/// One delivery: `{"delivery": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryBody {
    /// The delivery.
    pub delivery: Delivery,
}

/// A delivery's status, as the filter names it.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up.
    Failed,
}

impl DeliveryStatus {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => model::outbox::delivery::PENDING,
            DeliveryStatus::Delivered => model::outbox::delivery::DELIVERED,
            DeliveryStatus::Failed => model::outbox::delivery::FAILED,
        }
    }
}

/// Filter of the deliveries list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeliveryFilter {
    /// Only deliveries in this status.
    pub status: Option<DeliveryStatus>,
}

/// Subscribe a URL to events; the answer shows the signing secret, once.
///
/// The target is checked before anything is stored and before any connection: `https` only
/// and public addresses only (literal or as the name resolves now), unless the host is in
/// `LOKUS_WEBHOOK_ALLOWED_HOSTS`, which when set is the only list of hosts ever contacted.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = WebhookRequest,
    security(("bearer" = [])),
    responses(
    (status = 201, description = "Subscribed; `secret` (`whsec_` + base64) is shown this once", body = WebhookBody),
    (status = 400, description = "Malformed JSON (`invalid_json`)", body = crate::error::ErrorBody),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 413, description = "Body too large", body = crate::error::ErrorBody),
    (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
    (status = 422, description = "`invalid_webhook_url`, `webhook_target_refused` (not https, not public, not in the allow-list), `unknown_event_type`, `invalid_webhook` (too long)", body = crate::error::ErrorBody)))]
pub async fn create_webhook(
    state: web::Data<AppState>,
    Approver(caller): Approver,
    body: web::Json<WebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    Webhook::parse_events(&body.events)?;
    let url = TargetPolicy::new(&state.settings.webhooks)
        .check(&body.url)
        .await?;
    let pool = state.pool.clone();
    let webhook = web::block(move || {
        let new = NewWebhook {
            url: url.as_str(),
            events: &body.events,
            description: body.description.trim(),
        };
        Webhook::create(&mut *pool.get()?, &caller.actor, &new)
    })
    .await??;
    Ok(HttpResponse::Created().json(WebhookBody { webhook }))
}

/// List subscriptions, oldest first (never their secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", params(Paging),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "One page of subscriptions; `Link` names the next and previous pages", body = WebhookList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_webhooks(
    req: HttpRequest,
    state: web::Data<AppState>,
    _approver: Approver,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let pool = state.pool.clone();
    let (webhooks, total) =
        web::block(move || Webhook::page(&mut *pool.get()?, per_page, offset)).await??;
    let meta = Meta {
        total,
        page,
        per_page,
    };
    let list = WebhookList {
        webhooks,
        meta: meta.clone(),
    };
    list_response(&req, list, &meta).await
}

/// Delete a subscription; its pending deliveries are never sent.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = i32, Path, description = "Subscription id", minimum = 1)),
    security(("bearer" = [])),
    responses(
    (status = 204, description = "Deleted"),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 404, description = "No such subscription", body = crate::error::ErrorBody)))]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let (id, pool) = (id.into_inner(), state.pool.clone());
    web::block(move || Webhook::delete(&mut *pool.get()?, &caller.actor, id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Give a subscription a new signing secret (shown once); the old one signs beside it for
/// 24 hours, so receivers switch without losing a delivery.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = i32, Path, description = "Subscription id", minimum = 1)),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "The new `secret`, shown this once; `previous_secret_until` says until when the old one also signs", body = WebhookBody),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 404, description = "No such subscription", body = crate::error::ErrorBody)))]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    Approver(caller): Approver,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let (id, pool) = (id.into_inner(), state.pool.clone());
    let webhook =
        web::block(move || Webhook::rotate_secret(&mut *pool.get()?, &caller.actor, id)).await??;
    Ok(HttpResponse::Ok().json(WebhookBody { webhook }))
}

/// A subscription's deliveries, newest first, each with every attempt (time, status code or
/// error, next attempt).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i32, Path, description = "Subscription id", minimum = 1), Paging, DeliveryFilter),
    security(("bearer" = [])),
    responses(
    (status = 200, description = "One page of deliveries; `Link` names the next and previous pages", body = DeliveryList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 404, description = "No such subscription", body = crate::error::ErrorBody),
    (status = 422, description = "Paging out of range (`invalid_paging`)", body = crate::error::ErrorBody)))]
pub async fn list_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    _approver: Approver,
    id: web::Path<i32>,
    paging: web::Query<Paging>,
    filter: web::Query<DeliveryFilter>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let (id, pool) = (id.into_inner(), state.pool.clone());
    let status = filter.status.map(DeliveryStatus::as_str);
    let (deliveries, total) =
        web::block(move || Delivery::page(&mut *pool.get()?, id, status, per_page, offset))
            .await??;
    let meta = Meta {
        total,
        page,
        per_page,
    };
    let list = DeliveryList {
        deliveries,
        meta: meta.clone(),
    };
    list_response(&req, list, &meta).await
}

/// Make a delivery due now: a failed one gets another attempt, a delivered one is sent again
/// (same `webhook-id`, so a receiver that deduplicates ignores it).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(
        ("id" = i32, Path, description = "Subscription id", minimum = 1),
        ("delivery_id" = i32, Path, description = "Delivery id", minimum = 1)),
    security(("bearer" = [])),
    responses(
    (status = 202, description = "Due now (`status` `pending`); the worker sends it shortly", body = DeliveryBody),
    (status = 401, description = "No or unknown token (`unauthorized`)", body = crate::error::ErrorBody),
    (status = 403, description = "The token is not an approver's (`forbidden`)", body = crate::error::ErrorBody),
    (status = 404, description = "No such subscription, or no such delivery of it", body = crate::error::ErrorBody)))]
pub async fn retry_delivery(
    state: web::Data<AppState>,
    Approver(caller): Approver,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, delivery_id), pool) = (path.into_inner(), state.pool.clone());
    let delivery =
        web::block(move || Delivery::retry(&mut *pool.get()?, &caller.actor, id, delivery_id))
            .await??;
    Ok(HttpResponse::Accepted().json(DeliveryBody { delivery }))
}
