//! The one routing table, and the OpenAPI document generated from the handlers.

pub mod analysis;
pub mod assets;
pub mod boundaries;
pub mod datasets;
pub mod health;
pub mod page;
pub mod provinces;
pub mod rankings;
pub mod regions;
pub mod templates;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, Route, web};
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
        (
            Method::GET,
            "/api/v1/datasets/{id}",
            web::get().to(datasets::find_dataset),
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
            Method::GET,
            "/api/v1/shortlist",
            web::get().to(rankings::find_shortlist),
        ),
        (
            Method::GET,
            "/api/v1/projection",
            web::get().to(rankings::find_projection),
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

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(req.method().to_string()))
}

async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound(req.path().to_string()))
}

/// Registers the routing table; a known path with another method answers 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut paths: Vec<(&'static str, Vec<Route>)> = Vec::new();
    for (_, path, route) in table() {
        match paths.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push(route),
            None => paths.push((path, vec![route])),
        }
    }
    for (path, routes) in paths {
        let mut resource = web::resource(path);
        for route in routes {
            resource = resource.route(route);
        }
        cfg.service(resource.default_service(web::to(method_not_allowed)));
    }
    // The docs page reads the same document as integrators; its assets are vendored (no CDN).
    cfg.service(
        utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs/{_:.*}")
            .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")),
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
        templates::csv_template, templates::xlsx_template_file,
        analysis::find_analysis,
        rankings::list_rankings, rankings::create_ranking, rankings::find_ranking, rankings::diff_rankings,
        rankings::find_shortlist, rankings::find_projection,
    ),
    components(schemas(crate::error::ErrorBody, crate::extract::Meta, regions::RegionView, model::scenario::RankingRequest)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

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
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "docs", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
