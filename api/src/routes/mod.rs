//! The one routing table, and the OpenAPI document generated from the handlers.

pub mod aliases;
pub mod analysis;
pub mod assets;
pub mod audit;
pub mod boundaries;
pub mod datasets;
pub mod evaluation;
pub mod events;
pub mod health;
pub mod indicators;
pub mod lokus;
pub mod page;
pub mod provinces;
pub mod rankings;
pub mod regions;
pub mod robustness;
pub mod templates;
pub mod webhooks;
pub mod workflow;

use actix_web::http::{Method, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, Route, web};
use utoipa::OpenApi;

use crate::error::ApiError;

/// Every route: method, path (OpenAPI syntax) and handler.
pub fn table() -> Vec<(Method, &'static str, Route)> {
    vec![
        (Method::GET, "/", web::get().to(page::index)),
        (
            Method::GET,
            "/static/{dir}/{file}",
            web::get().to(assets::find_asset),
        ),
        (Method::GET, "/healthz", web::get().to(health::healthz)),
        (Method::GET, "/readyz", web::get().to(health::readyz)),
        (Method::GET, "/metrics", web::get().to(health::metrics)),
        (
            Method::GET,
            "/api/v1/openapi.json",
            web::get().to(openapi_json),
        ),
        (
            Method::GET,
            "/api/v1/regions",
            web::get().to(regions::list_regions),
        ),
        (
            Method::GET,
            "/api/v1/regions/{code}",
            web::get().to(regions::find_region),
        ),
        (
            Method::GET,
            "/api/v1/aliases",
            web::get().to(aliases::list_aliases),
        ),
        (
            Method::POST,
            "/api/v1/aliases",
            web::post().to(aliases::create_aliases),
        ),
        (
            Method::GET,
            "/api/v1/provinces",
            web::get().to(provinces::list_provinces),
        ),
        (
            Method::GET,
            "/api/v1/boundaries",
            web::get().to(boundaries::find_boundaries),
        ),
        (
            Method::GET,
            "/api/v1/datasets",
            web::get().to(datasets::list_datasets),
        ),
        (
            Method::POST,
            "/api/v1/datasets",
            web::post().to(datasets::create_dataset),
        ),
        // Before `/api/v1/datasets/{id}`, which would otherwise take `validate` for an id.
        (
            Method::POST,
            "/api/v1/datasets/validate",
            web::post().to(aliases::validate_dataset),
        ),
        (
            Method::GET,
            "/api/v1/datasets/{id}",
            web::get().to(datasets::find_dataset),
        ),
        (
            Method::GET,
            "/api/v1/datasets/{id}/review",
            web::get().to(datasets::review_dataset),
        ),
        (
            Method::POST,
            "/api/v1/datasets/{id}/publish",
            web::post().to(datasets::publish_dataset),
        ),
        (
            Method::POST,
            "/api/v1/datasets/{id}/reject",
            web::post().to(datasets::reject_dataset),
        ),
        (
            Method::GET,
            "/api/v1/indicators",
            web::get().to(indicators::list_indicators),
        ),
        (
            Method::GET,
            "/api/v1/templates/{kind}.csv",
            web::get().to(templates::csv_template),
        ),
        (
            Method::GET,
            "/api/v1/templates/{kind}.xlsx",
            web::get().to(templates::xlsx_template_file),
        ),
        (
            Method::GET,
            "/api/v1/analysis",
            web::get().to(analysis::find_analysis),
        ),
        (
            Method::GET,
            "/api/v1/rankings",
            web::get().to(rankings::list_rankings),
        ),
        (
            Method::POST,
            "/api/v1/rankings",
            web::post().to(rankings::create_ranking),
        ),
        (
            Method::GET,
            "/api/v1/rankings/{id}",
            web::get().to(rankings::find_ranking),
        ),
        (
            Method::GET,
            "/api/v1/rankings/{id}/diff/{other_id}",
            web::get().to(rankings::diff_rankings),
        ),
        (
            Method::POST,
            "/api/v1/rankings/{id}/propose",
            web::post().to(workflow::propose_ranking),
        ),
        (
            Method::POST,
            "/api/v1/rankings/{id}/approve",
            web::post().to(workflow::approve_ranking),
        ),
        (
            Method::POST,
            "/api/v1/rankings/{id}/reject",
            web::post().to(workflow::reject_ranking),
        ),
        (
            Method::POST,
            "/api/v1/rankings/{id}/adopt",
            web::post().to(workflow::adopt_ranking),
        ),
        (
            Method::POST,
            "/api/v1/rankings/{id}/withdraw",
            web::post().to(workflow::withdraw_ranking),
        ),
        (
            Method::GET,
            "/api/v1/lokus",
            web::get().to(lokus::list_lokus),
        ),
        (Method::GET, "/api/v1/me", web::get().to(lokus::find_me)),
        (
            Method::GET,
            "/api/v1/lokus/{programme}/{year}",
            web::get().to(lokus::find_lokus),
        ),
        (
            Method::GET,
            "/api/v1/regions/{code}/lokus",
            web::get().to(lokus::find_region_lokus),
        ),
        (
            Method::GET,
            "/api/v1/shortlist",
            web::get().to(rankings::find_shortlist),
        ),
        (
            Method::POST,
            "/api/v1/robustness",
            web::post().to(robustness::find_robustness),
        ),
        (
            Method::GET,
            "/api/v1/projection",
            web::get().to(rankings::find_projection),
        ),
        (
            Method::GET,
            "/api/v1/evaluation",
            web::get().to(evaluation::find_evaluation),
        ),
        (
            Method::GET,
            "/api/v1/evaluation/plot",
            web::get().to(evaluation::find_evaluation_plot),
        ),
        (
            Method::GET,
            "/api/v1/audit",
            web::get().to(audit::list_audit),
        ),
        (
            Method::GET,
            "/api/v1/events",
            web::get().to(events::list_events),
        ),
        (
            Method::POST,
            "/api/v1/webhooks",
            web::post().to(webhooks::create_webhook),
        ),
        (
            Method::GET,
            "/api/v1/webhooks",
            web::get().to(webhooks::list_webhooks),
        ),
        (
            Method::DELETE,
            "/api/v1/webhooks/{id}",
            web::delete().to(webhooks::delete_webhook),
        ),
        (
            Method::POST,
            "/api/v1/webhooks/{id}/rotate-secret",
            web::post().to(webhooks::rotate_webhook_secret),
        ),
        (
            Method::GET,
            "/api/v1/webhooks/{id}/deliveries",
            web::get().to(webhooks::list_deliveries),
        ),
        (
            Method::POST,
            "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
            web::post().to(webhooks::retry_delivery),
        ),
    ]
}

/// The (method, path) pairs of [`table`], for checking the OpenAPI document against it.
pub fn route_list() -> Vec<(String, String)> {
    table()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect()
}

/// The `Allow` value of a path serving `methods`: those, `HEAD` where `GET` is served (see
/// [`crate::negotiate::conform`]) and `OPTIONS`.
fn allow_header(methods: &[Method]) -> String {
    let mut allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
    if methods.contains(&Method::GET) {
        allow.push("HEAD");
    }
    allow.push("OPTIONS");
    allow.join(", ")
}

/// 405 with the error body and the `Allow` header RFC 9110 requires.
fn method_not_allowed(req: &HttpRequest, allow: &str) -> HttpResponse {
    let method = req
        .extensions()
        .get::<crate::negotiate::ArrivedAs>()
        .map_or_else(|| req.method().to_string(), |a| a.0.to_string());
    let mut response = ApiError::MethodNotAllowed(method).error_response();
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound(req.path().to_string()))
}

/// Registers the routing table under `base` (`LOKUS_BASE_PATH`; empty: at the root). Outside
/// the base every request is 404 `not_found`.
pub fn configure_under(cfg: &mut web::ServiceConfig, base: &str) {
    if base.is_empty() {
        configure(cfg, "");
    } else {
        let base = base.to_string();
        cfg.service(web::scope(&base.clone()).configure(move |scoped| configure(scoped, &base)));
        cfg.default_service(web::to(route_not_found));
    }
}

/// Registers the routing table; `OPTIONS` on a known path answers 204 with `Allow`, and another
/// method 405 with `Allow`. `base` is the prefix the table is mounted under (for the links the
/// docs page follows).
pub fn configure(cfg: &mut web::ServiceConfig, base: &str) {
    let mut paths: Vec<(&'static str, Vec<Method>, Vec<Route>)> = Vec::new();
    for (method, path, route) in table() {
        match paths.iter_mut().find(|(p, _, _)| *p == path) {
            Some((_, methods, routes)) => {
                methods.push(method);
                routes.push(route);
            }
            None => paths.push((path, vec![method], vec![route])),
        }
    }
    for (path, methods, routes) in paths {
        let allow = allow_header(&methods);
        let mut resource = web::resource(path);
        for route in routes {
            resource = resource.route(route);
        }
        let options_allow = allow.clone();
        resource = resource.route(web::route().method(Method::OPTIONS).to(move || {
            let allow = options_allow.clone();
            async move {
                HttpResponse::NoContent()
                    .insert_header((header::ALLOW, allow))
                    .finish()
            }
        }));
        cfg.service(resource.default_service(web::to(move |req: HttpRequest| {
            let allow = allow.clone();
            async move { method_not_allowed(&req, &allow) }
        })));
    }
    // The docs page reads the same document as integrators; its assets are vendored (no CDN).
    cfg.service(
        utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs/{_:.*}").config(
            utoipa_swagger_ui::Config::from(format!("{base}/api/v1/openapi.json")),
        ),
    );
    cfg.default_service(web::to(route_not_found));
}

/// The OpenAPI description of every route.
#[derive(OpenApi)]
#[openapi(
    info(title = "Lokus API", version = "1", description = "Priority districts (lokus) for Indonesia's digital stunting-reduction programme. Wire conventions: docs/API.md."),
    paths(
        page::index, assets::find_asset,
        openapi_json,
        health::healthz, health::readyz, health::metrics,
        regions::list_regions, regions::find_region, provinces::list_provinces,
        boundaries::find_boundaries,
        datasets::list_datasets, datasets::create_dataset, datasets::find_dataset,
        aliases::validate_dataset, aliases::list_aliases, aliases::create_aliases,
        datasets::review_dataset, datasets::publish_dataset, datasets::reject_dataset,
        indicators::list_indicators,
        templates::csv_template, templates::xlsx_template_file,
        analysis::find_analysis,
        rankings::list_rankings, rankings::create_ranking, rankings::find_ranking, rankings::diff_rankings,
        rankings::find_shortlist, rankings::find_projection, robustness::find_robustness,
        evaluation::find_evaluation, evaluation::find_evaluation_plot,
        workflow::propose_ranking, workflow::approve_ranking, workflow::reject_ranking,
        workflow::adopt_ranking, workflow::withdraw_ranking,
        lokus::list_lokus, lokus::find_lokus, lokus::find_region_lokus, lokus::find_me,
        audit::list_audit,
        events::list_events,
        webhooks::create_webhook, webhooks::list_webhooks, webhooks::delete_webhook,
        webhooks::rotate_webhook_secret, webhooks::list_deliveries, webhooks::retry_delivery,
    ),
    // Schemas referenced only by parameters (`value_type`) are listed here; response bodies
    // bring their own.
    components(schemas(
        crate::error::ErrorBody, crate::extract::Meta, regions::RegionView, regions::RegionKindName,
        datasets::DatasetKindName, aliases::AliasSourceName, model::dataset::DatasetStatus, templates::TemplateKind, rankings::FormatName, rankings::DiffFormatName,
        model::scenario::RankingRequest, model::ranking::Method, model::ranking::Normalisation,
        model::ranking::SpbeDirection, model::outbox::EventType, webhooks::DeliveryStatus,
        model::ranking::SpbeDirection, model::workflow::RunStatus, lokus::LokusFormatName, model::csv_export::CsvLocale,
    )),
    modifiers(&BearerAuth, &CommonResponses),
)]
pub struct ApiDoc;

/// Adds the answers every operation can give, so each one lists every status the server can
/// send: 400 where it takes parameters, 401 on `/api/v1` reads (when the service requires read
/// tokens; such reads accept a bearer token optionally), 406, 429 on `/api`, and 500.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            let read = api && path != "/api/v1/openapi.json";
            for (method, operation) in [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("delete", item.delete.as_mut()),
            ] {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                // A workbook is bytes, not a JSON array: its content names the media type only.
                for response in responses.values_mut() {
                    if let RefOr::T(response) = response
                        && let Some(RefOr::T(content)) =
                            response.content.get_mut(datasets::XLSX_MEDIA_TYPE)
                    {
                        content.schema = None;
                    }
                }
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description));
                };
                if operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add(
                        "400",
                        "Malformed parameter (`invalid_query`, `invalid_path`)",
                    );
                }
                if read && method == "get" {
                    add(
                        "401",
                        "No or unknown token while the service requires read tokens (`unauthorized`)",
                    );
                    if operation.security.is_none() {
                        operation.security = Some(vec![
                            SecurityRequirement::default(),
                            SecurityRequirement::new("bearer", Vec::<String>::new()),
                        ]);
                    }
                }
                add(
                    "406",
                    "The `Accept` header covers none of this operation's media types (`not_acceptable`)",
                );
                if api {
                    add(
                        "429",
                        "Too many requests from this client (`rate_limited`, with `Retry-After`)",
                    );
                }
                add(
                    "500",
                    "Unexpected failure (`internal_error`; the cause is in the server log)",
                );
                if api {
                    add(
                        "503",
                        "The database is not reachable (`database_unavailable`, with `Retry-After`); the service recovers by itself when it returns",
                    );
                }
            }
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "docs", responses((status = 200, description = "OpenAPI 3.1 document", body = Object, content_type = "application/json")))]
pub async fn openapi_json(state: web::Data<crate::state::AppState>) -> HttpResponse {
    let mut doc = ApiDoc::openapi();
    // Behind a gateway the paths are relative to the base; a client resolves them against it.
    let base = &state.settings.base_path;
    if !base.is_empty() {
        doc.servers = Some(vec![utoipa::openapi::Server::new(base.clone())]);
    }
    HttpResponse::Ok().json(doc)
}
