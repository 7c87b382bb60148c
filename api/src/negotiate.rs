//! HTTP conformance shared by every route: `HEAD` wherever `GET` is served, and content
//! negotiation (`Accept`) against the media types the OpenAPI document says an operation
//! produces, answering 406 when nothing matches.

use std::sync::LazyLock;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};
use utoipa::OpenApi;

use crate::error::ApiError;

/// The method a request arrived with, when [`conform`] answered a `HEAD` with the `GET` handler.
#[derive(Debug, Clone)]
pub struct ArrivedAs(pub Method);

/// One media range of an `Accept` header: `type/subtype` (either may be `*`) and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRange {
    /// Lower-case type, e.g. `text` or `*`.
    pub kind: String,
    /// Lower-case subtype, e.g. `csv` or `*`.
    pub subtype: String,
    /// The `q` parameter (1.0 when absent).
    pub q: f32,
}

impl MediaRange {
    /// True when this range covers `mime` (`type/subtype`, parameters ignored).
    pub fn covers(&self, mime: &str) -> bool {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        let (kind, subtype) = essence.split_once('/').unwrap_or((essence, ""));
        (self.kind == "*" || self.kind.eq_ignore_ascii_case(kind))
            && (self.subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype))
    }
}

/// The media ranges of an `Accept` header in the client's order of preference (highest `q`
/// first, ties in the order written); `None` when there is no header, which accepts anything.
/// Unparseable ranges are skipped.
pub fn accept_ranges(req: &actix_web::HttpRequest) -> Option<Vec<MediaRange>> {
    let values: Vec<&str> = req
        .headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return None;
    }
    Some(parse_accept(&values.join(",")))
}

/// Parses an `Accept` value (see [`accept_ranges`]); an empty value accepts anything.
pub fn parse_accept(value: &str) -> Vec<MediaRange> {
    let mut ranges: Vec<MediaRange> = value
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let essence = pieces.next()?.trim().to_ascii_lowercase();
            let (kind, subtype) = essence.split_once('/')?;
            if kind.is_empty() || subtype.is_empty() {
                return None;
            }
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some(MediaRange {
                kind: kind.to_string(),
                subtype: subtype.to_string(),
                q,
            })
        })
        .collect();
    if ranges.is_empty() && value.trim().is_empty() {
        ranges.push(MediaRange {
            kind: "*".into(),
            subtype: "*".into(),
            q: 1.0,
        });
    }
    // Stable: equal weights keep the order the client wrote them in.
    ranges.sort_by(|a, b| b.q.total_cmp(&a.q));
    ranges
}

/// The first of `offered` (in the server's order) that the client's most preferred range
/// covers, walking ranges from most to least preferred; `None` when nothing is acceptable.
pub fn choose<'a>(ranges: &[MediaRange], offered: &[&'a str]) -> Option<&'a str> {
    ranges
        .iter()
        .filter(|r| r.q > 0.0)
        .find_map(|r| offered.iter().copied().find(|m| r.covers(m)))
}

/// Per operation of the OpenAPI document: method, path pattern and the media types of its
/// success responses.
static PRODUCES: LazyLock<Vec<(Method, ResourceDef, Vec<String>)>> = LazyLock::new(|| {
    let doc = crate::routes::ApiDoc::openapi();
    let value = serde_json::to_value(&doc).unwrap_or_default();
    let mut out = Vec::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let mut types: Vec<String> = Vec::new();
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                for media in response["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|c| c.0)
                {
                    if !types.contains(media) {
                        types.push(media.clone());
                    }
                }
            }
            out.push((method, ResourceDef::new(path.as_str()), types));
        }
    }
    out
});

/// The media types the documented operation at (`method`, `path`) produces; `None` for an
/// undocumented route or one whose success has no body.
pub fn produces(method: &Method, path: &str) -> Option<&'static [String]> {
    PRODUCES
        .iter()
        .find(|(m, def, _)| m == method && def.is_match(path))
        .map(|(_, _, types)| types.as_slice())
        .filter(|types| !types.is_empty())
}

/// Middleware: answers `HEAD` with the `GET` handler (the server sends the headers only), and
/// 406 `not_acceptable` when the `Accept` header covers none of the operation's media types.
pub async fn conform<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> actix_web::Result<ServiceResponse<EitherBody<B>>> {
    if req.method() == Method::HEAD {
        req.extensions_mut().insert(ArrivedAs(Method::HEAD));
        req.head_mut().method = Method::GET;
    }
    let path = match req.app_data::<actix_web::web::Data<crate::state::AppState>>() {
        Some(state) => state.settings.route_path(req.path()).to_string(),
        None => req.path().to_string(),
    };
    if let Some(offered) = produces(req.method(), &path)
        && let Some(ranges) = accept_ranges(req.request())
    {
        let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
        if choose(&ranges, &offered).is_none() {
            let response = ApiError::NotAcceptable(crate::sentences::NOT_ACCEPTABLE_HERE.with(
                "media_types",
                offered.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            ))
            .error_response();
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_wildcard_accept_takes_the_first_offer() {
        let offered = ["application/json", "text/csv"];
        assert_eq!(
            choose(&parse_accept("*/*"), &offered),
            Some("application/json")
        );
        assert_eq!(
            choose(&parse_accept(""), &offered),
            Some("application/json")
        );
        assert_eq!(choose(&parse_accept("text/*"), &offered), Some("text/csv"));
    }

    #[test]
    fn weights_and_order_pick_the_representation() {
        let offered = ["application/json", "text/csv", "application/geo+json"];
        assert_eq!(
            choose(&parse_accept("text/csv, application/json"), &offered),
            Some("text/csv")
        );
        assert_eq!(
            choose(&parse_accept("text/csv;q=0.5, application/json"), &offered),
            Some("application/json")
        );
        assert_eq!(choose(&parse_accept("image/png"), &offered), None);
        assert_eq!(
            choose(&parse_accept("application/json;q=0"), &offered),
            None
        );
    }
}
