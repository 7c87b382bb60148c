//! The pull feed of events, for systems that cannot receive webhooks.

use actix_web::{HttpRequest, HttpResponse, web};
use model::outbox::Event;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Reader, json_response};
use crate::state::AppState;

/// Largest page of the feed.
pub const MAX_LIMIT: i64 = 1000;

/// Where to read from.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FeedQuery {
    /// Continue after this cursor (the `next` of the previous page, or an event's `cursor`);
    /// absent or 0: from the first event.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Events per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// `GET /api/v1/events`: one page of the feed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventFeed {
    /// Events after the cursor, oldest first.
    pub events: Vec<Event>,
    /// The cursor to continue from: the last event's on this page, else the one given. Poll
    /// `?after=<next>` for what follows, now or later.
    pub next: String,
    /// True when more events follow right away (fetch the next page now).
    pub has_more: bool,
}

/// Events in the order they happened (`lokus.adopted`, `lokus.withdrawn`,
/// `dataset.published`), with the same ids and data as the webhooks, paged by cursor.
#[utoipa::path(get, path = "/api/v1/events", tag = "webhooks", params(FeedQuery), responses(
    (status = 200, description = "One page of events, oldest first", body = EventFeed),
    (status = 422, description = "`invalid_cursor` (negative) or `invalid_paging` (limit out of range)", body = crate::error::ErrorBody)))]
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if after < 0 {
        return Err(model::ModelError::invalid(
            "invalid_cursor",
            crate::sentences::NOT_A_CURSOR.with("value", after),
        )
        .into());
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(model::ModelError::invalid(
            "invalid_paging",
            model::sentences::RANGE
                .with("field", "limit")
                .with("min", 1)
                .with("max", MAX_LIMIT)
                .with("value", limit),
        )
        .into());
    }
    let pool = state.pool.clone();
    let (events, has_more) =
        web::block(move || model::outbox::feed(&mut *pool.get()?, after, limit)).await??;
    let next = events
        .last()
        .map_or_else(|| after.to_string(), |e| e.cursor.clone());
    json_response(
        &req,
        EventFeed {
            events,
            next,
            has_more,
        },
    )
    .await
}
