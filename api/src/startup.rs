//! Building and running the HTTP server.

use std::net::{IpAddr, TcpListener};
use std::time::Instant;

use actix_http::HttpService;
use actix_server::Server;
use actix_service::{IntoServiceFactory, ServiceFactoryExt};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{Compress, ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, ResponseError, web};
use ipnet::IpNet;
use model::db::DbPool;

use crate::config::Settings;
use crate::error::ApiError;
use crate::routes;
use crate::sentences as s;
use crate::state::{AppState, ClientKey};
use model::token::TokenCheck;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
}

fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _| {
            use actix_web::error::JsonPayloadError as E;
            let api = match &err {
                E::OverflowKnownLength { .. } | E::Overflow { .. } => {
                    ApiError::PayloadTooLarge(limit)
                }
                E::ContentType => ApiError::UnsupportedMediaType((&s::SEND_JSON).into()),
                E::Deserialize(e) => crate::error::invalid_json(e),
                other => ApiError::bad_request(
                    "invalid_json",
                    s::BODY_UNREADABLE.with("detail", other.to_string()),
                ),
            };
            api.into()
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, req| {
        crate::error::invalid_query(err.to_string(), req.query_string()).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        ApiError::bad_request(
            "invalid_path",
            s::PATH_UNREADABLE
                .with("detail", err.to_string())
                .with("path", req.path()),
        )
        .into()
    })
}

/// Rewrites error responses that did not come from [`ApiError`] (e.g. actix's own 413) into
/// the JSON error body, so every error a client sees has the same shape.
fn normalise_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let api = match status.as_u16() {
        413 => ApiError::PayloadTooLarge(
            res.request()
                .app_data::<web::Data<AppState>>()
                .map_or(0, |s| s.settings.max_body_bytes),
        ),
        415 => ApiError::UnsupportedMediaType((&s::UNSUPPORTED_CONTENT_TYPE).into()),
        406 => ApiError::NotAcceptable((&s::NOT_ACCEPTABLE).into()),
        404 => ApiError::RouteNotFound(res.request().path().to_string()),
        405 => ApiError::MethodNotAllowed(res.request().method().to_string()),
        s if s < 500 => ApiError::bad_request(
            "bad_request",
            s::NOT_PROCESSED.with("status", status.to_string()),
        ),
        _ => ApiError::Internal(format!("unhandled {status}")),
    };
    let (req, _) = res.into_parts();
    let mut response = api.error_response();
    *response.status_mut() = status;
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// True when `ip` is in one of the trusted proxy blocks (`LOKUS_TRUSTED_PROXIES`).
pub fn is_trusted(ip: &IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(ip))
}

/// The client a request counts against: the peer address, unless the peer is a trusted proxy,
/// in which case the nearest untrusted address of `X-Forwarded-For` (read right to left, as
/// each proxy appends the address it saw).
pub fn client_address(req: &ServiceRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    if !is_trusted(&peer, trusted) {
        return peer;
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip, trusted) => continue,
            Ok(ip) => return ip,
            // A malformed hop ends what can be believed; the last trusted one is the client.
            Err(_) => break,
        }
    }
    peer
}

/// A caller's `X-Request-Id` when it is a plausible id (1–128 of `A–Z a–z 0–9 . _ -`), else a
/// new UUID, so that one call can be followed through gateways, logs and audit rows.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=128).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string)
}

/// Gives every request an id (in a log span around all it does, and in `X-Request-Id` on the
/// answer) and every answer the headers that keep browsers from sniffing types, leaking
/// referrers or framing the service.
async fn trace_and_secure<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> actix_web::Result<ServiceResponse<B>> {
    use tracing::Instrument;
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let consumer = state.as_ref().and_then(|s| {
        crate::gateway::attribute(
            &req,
            s.settings.trust_gateway_header.as_deref(),
            &s.settings.trusted_proxies,
        )
    });
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        consumer = %consumer.as_deref().unwrap_or("-"),
    );
    // Error messages follow the caller's Accept-Language (codes never change).
    let lang = crate::i18n::preferred(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let started = Instant::now();
    let mut res = crate::i18n::scope(lang, next.call(req).instrument(span.clone())).await?;
    log_answer(&span, &res, consumer.is_some(), started);
    if let (Some(state), Some(consumer)) = (&state, consumer) {
        audit_gateway_read(state, &res, &id, consumer);
    }
    let headers = res.headers_mut();
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    Ok(res)
}

/// One line per answer inside the request's span (so it carries the request id and consumer):
/// writes, gateway calls and client errors at `info`, server errors at `warn`, other reads at
/// `debug` (they are many, and cheap to repeat).
fn log_answer<B>(span: &tracing::Span, res: &ServiceResponse<B>, gateway: bool, started: Instant) {
    let _entered = span.enter();
    let status = res.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let read = matches!(res.request().method().as_str(), "GET" | "HEAD");
    if status >= 500 {
        tracing::warn!(status, millis, "answered");
    } else if !read || gateway || status >= 400 {
        tracing::info!(status, millis, "answered");
    } else {
        tracing::debug!(status, millis, "answered");
    }
}

/// Queues the audit row of an API read that a trusted gateway forwarded for `consumer`
/// (writes are audited where they are made, with their token's label).
fn audit_gateway_read<B>(state: &AppState, res: &ServiceResponse<B>, id: &str, consumer: String) {
    let req = res.request();
    let is_read = matches!(req.method().as_str(), "GET" | "HEAD");
    let Some(audit) = state.read_audit.as_ref() else {
        return;
    };
    if !is_read || !state.settings.route_path(req.path()).starts_with("/api/") {
        return;
    }
    let actor = req
        .extensions()
        .get::<crate::extract::Caller>()
        .map_or_else(|| "anonymous".to_string(), |c| c.actor.name.clone());
    let target = match req.query_string() {
        "" => req.path().to_string(),
        query => format!("{}?{query}", req.path()),
    };
    audit.record(model::audit::AuditRecord {
        actor: model::audit::Actor {
            name: actor,
            request_id: Some(id.to_string()),
            consumer: Some(consumer),
        },
        action: "read".into(),
        target,
        detail: format!("{} answered {}", req.method(), res.status().as_u16()),
        at: model::audit::now_rfc3339(),
    });
}

/// The id of the request being served (see [`trace_and_secure`]).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Whom a request counts against: its token when it carries a valid one (checked here once;
/// the result is kept for the handler), else its client address.
async fn rate_key(req: &ServiceRequest, state: &AppState) -> ClientKey {
    let secret = crate::extract::bearer_secret(req.headers().get(header::AUTHORIZATION))
        .ok()
        .flatten();
    if let Some(secret) = secret
        && let Ok(checked) = crate::extract::check_token(state, secret).await
    {
        let key = match &checked {
            TokenCheck::Valid(token) => Some(ClientKey::Token(token.id)),
            _ => None,
        };
        req.extensions_mut()
            .insert(crate::extract::CheckedToken(checked));
        if let Some(key) = key {
            return key;
        }
    }
    ClientKey::Address(client_address(req, &state.settings.trusted_proxies))
}

/// Rate limit on `/api` (per token, or per address for anonymous callers), then request
/// metrics for everything.
async fn limit_and_measure<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> actix_web::Result<ServiceResponse<EitherBody<B>>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let started = Instant::now();
    let method = req.method().to_string();
    if let Some(state) = &state
        && state.settings.route_path(req.path()).starts_with("/api/")
    {
        let client = rate_key(&req, state).await;
        let verdict = state
            .limiter
            .lock()
            .map(|mut l| {
                l.take(
                    client,
                    state.settings.rate_limit_per_second,
                    state.settings.rate_limit_burst,
                )
            })
            .unwrap_or(Ok(()));
        if let Err(seconds) = verdict {
            let response = ApiError::TooManyRequests(seconds).error_response();
            state.metrics.observe_request(
                &method,
                "rate_limited",
                429,
                started.elapsed().as_secs_f64(),
            );
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    let res = next.call(req).await?;
    if let Some(state) = &state {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        state.metrics.observe_request(
            &method,
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res.map_into_left_body())
}

/// What became of a request body: the part not yet read (`None` once read to its end), and
/// whether its deadline passed first.
#[derive(Default)]
struct BodyState {
    unread: Option<actix_web::dev::Payload>,
    expired: bool,
}

/// A request body that ends in an error when it has not arrived by a deadline. The body itself
/// stays with the middleware (in [`BodyState`]), so that what the handler leaves unread is
/// known after it answers.
struct BodyDeadline {
    state: std::rc::Rc<std::cell::RefCell<BodyState>>,
    deadline: std::pin::Pin<Box<actix_web::rt::time::Sleep>>,
}

impl futures_core::Stream for BodyDeadline {
    type Item = Result<web::Bytes, actix_web::error::PayloadError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let state = std::rc::Rc::clone(&self.state);
        let mut state = state.borrow_mut();
        let Some(body) = state.unread.as_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(item) = std::pin::Pin::new(body).poll_next(cx) {
            if item.is_none() {
                state.unread = None;
            }
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        state.expired = true;
        Poll::Ready(Some(Err(actix_web::error::PayloadError::Io(
            std::io::Error::new(std::io::ErrorKind::TimedOut, "request body timed out"),
        ))))
    }
}

/// An answer's body that holds the unread rest of the request's body until the answer is sent:
/// actix then closes the connection, where it would otherwise drain a chunked body for as long
/// as the client takes to send it (a byte now and then keeps it open indefinitely).
struct HoldingUnread<B> {
    body: B,
    _unread: actix_web::dev::Payload,
}

impl<B: MessageBody + Unpin> MessageBody for HoldingUnread<B> {
    type Error = B::Error;

    fn size(&self) -> actix_web::body::BodySize {
        self.body.size()
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<web::Bytes, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

/// Gives a request's body `LOKUS_BODY_TIMEOUT_SECONDS` to arrive (from when its handler starts
/// reading, which is when its headers are in): a body still incomplete then ends in an error,
/// and the answer is 408 `body_timeout` whatever the handler made of it. Any answer given
/// before the body was read to its end (this one, or an early 401) closes the connection.
/// Without it a client sending a byte now and then would hold a connection indefinitely.
async fn bound_body_time(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<actix_web::body::BoxBody>> {
    use actix_web::body::BoxBody;
    let seconds = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.body_timeout_seconds);
    let payload = req.take_payload();
    let (Some(seconds), false) = (seconds, matches!(payload, actix_web::dev::Payload::None)) else {
        req.set_payload(payload);
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let state = std::rc::Rc::new(std::cell::RefCell::new(BodyState {
        unread: Some(payload),
        expired: false,
    }));
    let body = BodyDeadline {
        state: std::rc::Rc::clone(&state),
        deadline: Box::pin(actix_web::rt::time::sleep(std::time::Duration::from_secs(
            seconds,
        ))),
    };
    req.set_payload(actix_web::dev::Payload::from(
        Box::pin(body) as actix_http::BoxedPayloadStream
    ));
    let res = next.call(req).await?;
    let BodyState { unread, expired } = std::mem::take(&mut *state.borrow_mut());
    let Some(unread) = unread else {
        return Ok(res.map_into_boxed_body());
    };
    if !expired {
        return Ok(res.map_body(|_, body| {
            BoxBody::new(HoldingUnread {
                body: BoxBody::new(body),
                _unread: unread,
            })
        }));
    }
    let (req, _) = res.into_parts();
    let response = ApiError::BodyTimeout(seconds).error_response();
    Ok(ServiceResponse::new(req, response).map_body(|_, body| {
        BoxBody::new(HoldingUnread {
            body,
            _unread: unread,
        })
    }))
}

/// The `Expect: 100-continue` step: a client announcing a body is told to send it only if the
/// request would be admitted (see [`crate::extract::admit_announced_body`]); otherwise it gets
/// the refusal at once, and never sends the body.
async fn admit_announced(
    state: web::Data<AppState>,
    req: actix_http::Request,
) -> Result<actix_http::Request, actix_http::Response<actix_web::body::BoxBody>> {
    match crate::extract::admit_announced_body(&state, req.method(), req.path(), req.headers())
        .await
    {
        Ok(()) => Ok(req),
        Err(refusal) => Err(refusal.error_response().into()),
    }
}

/// Checks the data version every [`crate::state::VERSION_CHECK_INTERVAL`] (imports through other
/// replicas) and warms the default shortlists whenever it changes, starting with the first
/// check; ends when the server's state is gone.
fn keep_fresh(state: &std::sync::Weak<AppState>) {
    let mut warmed = None;
    loop {
        let Some(current) = state.upgrade() else {
            return;
        };
        match current.refresh_version() {
            Ok(version) if warmed != Some(version) => {
                crate::routes::rankings::warm(&current);
                warmed = Some(version);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the data version"),
        }
        drop(current);
        std::thread::sleep(crate::state::VERSION_CHECK_INTERVAL);
    }
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port) with an existing pool.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub fn build(settings: Settings, pool: DbPool) -> std::io::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let read_audit = settings
            .trust_gateway_header
            .is_some()
            .then(|| crate::gateway::ReadAudit::start(pool.clone()).map(std::sync::Arc::new))
            .transpose()?;
        let request_timeout = settings.request_timeout_seconds;
        let grace = settings.shutdown_grace_seconds;
        let state = web::Data::new(AppState::new(pool, settings, read_audit));
        let watched = std::sync::Arc::downgrade(&state.clone().into_inner());
        std::thread::Builder::new()
            .name("lokus-data-version".into())
            .spawn(move || keep_fresh(&watched))?;
        crate::webhooks::worker::start(&state.clone().into_inner())?;
        let app_state = state.clone();
        let app = move || {
            let state = app_state.clone();
            let limit = state.settings.max_body_bytes;
            let base = state.settings.base_path.clone();
            App::new()
                .app_data(state)
                .app_data(json_config(limit))
                .app_data(query_config())
                .app_data(path_config())
                .app_data(web::PayloadConfig::new(limit))
                .wrap(ErrorHandlers::new().default_handler(normalise_error))
                .wrap(from_fn(bound_body_time))
                .wrap(Compress::default())
                .wrap(from_fn(crate::negotiate::conform))
                .wrap(from_fn(limit_and_measure))
                .wrap(from_fn(crate::cors::cors))
                .wrap(from_fn(trace_and_secure))
                .configure(move |cfg| routes::configure_under(cfg, &base))
        };
        // Assembled as actix-web's HttpServer assembles it, plus the `Expect: 100-continue` step
        // (which HttpServer does not expose): a client announcing a body learns before sending
        // it whether it is admitted.
        let mut builder = actix_server::Server::build();
        let shutdown = builder.graceful_shutdown_signal();
        let local = listener.local_addr()?;
        builder = builder.listen("lokus", listener, move || {
            let (shutdown, state) = (shutdown.clone(), state.clone());
            HttpService::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                // Slow clients (slowloris) get this long to send a request's headers, then are
                // cut off.
                .client_request_timeout(std::time::Duration::from_secs(request_timeout))
                .client_disconnect_timeout(std::time::Duration::from_secs(1))
                .local_addr(local)
                .expect(actix_service::fn_service(move |req| {
                    admit_announced(state.clone(), req)
                }))
                .finish(actix_service::map_config(
                    app()
                        .into_factory()
                        .map_err(|err: actix_web::Error| err.error_response()),
                    // The host names nothing the service uses (no URL is generated from it).
                    |_| actix_web::dev::AppConfig::default(),
                ))
                .tcp()
        })?;
        if let Some(n) = workers {
            builder = builder.workers(n);
        }
        // On SIGTERM (or SIGINT) requests in flight get this long to finish.
        builder = builder.shutdown_timeout(grace);
        Ok(Application {
            port,
            server: builder.run(),
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server (e.g. when a test is over, so that its workers, pooled
    /// connections and background checks end with it).
    pub fn handle(&self) -> actix_server::ServerHandle {
        self.server.handle()
    }

    /// Runs until the server is stopped.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Connects, migrates, syncs the shipped reference and (if wanted) loads the demo data, all
/// under the setup lock, so replicas starting at the same moment do each step exactly once.
///
/// # Errors
/// A message saying what failed.
pub fn prepare_database(settings: &Settings) -> Result<DbPool, String> {
    let url = &settings.database_url;
    let pool = model::db::connect_sized(url, settings.pool_size)
        .map_err(|e| format!("database {url}: {e}"))?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let loaded = model::db::with_setup_lock(&mut conn, |conn| {
        model::db::run_migrations(conn)?;
        model::seed::sync_reference(conn)?;
        if settings.demo {
            model::seed::load_demo_if_empty(conn)
        } else {
            Ok(false)
        }
    })
    .map_err(|e| format!("database {url}: {e}"))?;
    if loaded {
        tracing::info!("loaded the synthetic demo data set (not official statistics)");
    }
    Ok(pool)
}
