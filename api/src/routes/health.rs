//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// `{"status": "ok"}` / `{"status": "ready"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthStatus {
    /// `ok` (liveness) or `ready` (readiness).
    pub status: String,
}

fn status(text: &str) -> HealthStatus {
    HealthStatus {
        status: text.to_string(),
    }
}

fn not_ready(sentence: &'static model::message::Sentence) -> ErrorBody {
    ErrorBody {
        coverage: None,
        error: "not_ready".into(),
        message: sentence.template(crate::i18n::current()).into(),
        params: Default::default(),
        details: Vec::new(),
    }
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Process is up", body = HealthStatus)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(status("ok"))
}

/// The database is reachable and migrated.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "Database reachable and migrated", body = HealthStatus),
    (status = 503, description = "Not ready (`not_ready`)", body = ErrorBody)))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ready = web::block(move || -> Result<bool, ApiError> {
        let mut conn = pool.get()?;
        Ok(model::db::migrations_are_current(&mut conn)?)
    })
    .await;
    match ready {
        Ok(Ok(true)) => HttpResponse::Ok().json(status("ready")),
        Ok(Ok(false)) => HttpResponse::ServiceUnavailable()
            .json(not_ready(&crate::sentences::MIGRATIONS_PENDING)),
        _ => HttpResponse::ServiceUnavailable()
            .json(not_ready(&crate::sentences::DATABASE_NOT_REACHABLE)),
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "health", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut body = state.metrics.render();
    body.push_str("# HELP lokus_cache_entries Cached scenarios and rendered bodies.\n");
    body.push_str("# TYPE lokus_cache_entries gauge\n");
    body.push_str("# HELP lokus_cache_bytes Approximate bytes held by each cache.\n");
    body.push_str("# TYPE lokus_cache_bytes gauge\n");
    let sizes = [
        (
            "rankings",
            state.rankings.lock().ok().map(|c| (c.len(), c.bytes())),
        ),
        (
            "rendered",
            state.rendered.lock().ok().map(|c| (c.len(), c.bytes())),
        ),
        (
            "regions",
            state.regions.lock().ok().map(|c| (c.len(), c.bytes())),
        ),
    ];
    for (cache, size) in sizes {
        if let Some((entries, bytes)) = size {
            body.push_str(&format!(
                "lokus_cache_entries{{cache=\"{cache}\"}} {entries}\nlokus_cache_bytes{{cache=\"{cache}\"}} {bytes}\n"
            ));
        }
    }
    // The queue as the database holds it (every replica's), not only this process's share.
    let pool = state.pool.clone();
    let counts = web::block(move || -> Result<_, ApiError> {
        let mut conn = pool.get()?;
        Ok(model::outbox::delivery::Delivery::counts(&mut conn)?)
    })
    .await;
    if let Ok(Ok(counts)) = counts {
        let count = |status: &str| {
            counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n)
        };
        body.push_str("# HELP lokus_webhook_queue_depth Webhook deliveries waiting to be sent (pending).\n# TYPE lokus_webhook_queue_depth gauge\n");
        body.push_str(&format!("lokus_webhook_queue_depth {}\n", count("pending")));
        body.push_str("# HELP lokus_webhook_deliveries Webhook deliveries in the database by status.\n# TYPE lokus_webhook_deliveries gauge\n");
        for status in ["pending", "delivered", "failed"] {
            body.push_str(&format!(
                "lokus_webhook_deliveries{{status=\"{status}\"}} {}\n",
                count(status)
            ));
        }
    }
    if let Some(audit) = &state.read_audit {
        body.push_str(
            "# HELP lokus_audit_reads_dropped_total Audit rows of gateway reads dropped because the queue was full.\n# TYPE lokus_audit_reads_dropped_total counter\n",
        );
        body.push_str(&format!(
            "lokus_audit_reads_dropped_total {}\n",
            audit.dropped()
        ));
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
