//! The region reference.

use actix_web::{HttpRequest, HttpResponse, web};
use model::dataset::Observation;
use model::region::{Region, RegionIndex, name_key};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{Meta, Paging, Reader, list_response, respond};
use crate::state::{AppState, ComputeCache, Rendered};

/// A district as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionView {
    /// Kemendagri code, e.g. `12.18`.
    #[schema(pattern = r"^\d{2}\.\d{2}$", example = "12.18")]
    pub code: String,
    /// BPS code, e.g. `1218`.
    #[schema(pattern = r"^\d{4}$", example = "1218")]
    pub bps_code: String,
    /// Name.
    pub name: String,
    /// `kabupaten` or `kota`.
    #[schema(value_type = crate::routes::regions::RegionKindName)]
    pub kind: String,
    /// Province Kemendagri code.
    #[schema(pattern = r"^\d{2}$", example = "12")]
    pub province_code: String,
    /// Province name.
    pub province_name: String,
    /// True for synthetic demo districts.
    pub demo: bool,
    /// Code after the 2025 Papua split, when known.
    pub code_2025: Option<String>,
    /// Name in the 2025 list, when known.
    pub name_2025: Option<String>,
}

impl RegionView {
    fn new(index: &RegionIndex, r: &Region) -> Self {
        let province_name = index
            .province(&r.province_code)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        Self::from_parts(r, province_name)
    }

    fn from_parts(r: &Region, province_name: String) -> Self {
        RegionView {
            code: r.code.clone(),
            bps_code: r.bps_code.clone(),
            name: r.name.clone(),
            kind: r.kind.clone(),
            province_code: r.province_code.clone(),
            province_name,
            demo: r.demo,
            code_2025: r.code_2025.clone(),
            name_2025: r.name_2025.clone(),
        }
    }
}

/// `kabupaten` (regency) or `kota` (city), as the wire names a district's kind.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionKindName {
    /// A regency.
    Kabupaten,
    /// A city.
    Kota,
}

/// `GET /api/v1/regions`: one page of districts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegionList {
    /// Districts of this page, by Kemendagri code.
    pub regions: Vec<RegionView>,
    /// Paging.
    pub meta: Meta,
}

/// One district with its aliases, observations and the datasets they come from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegionDetail {
    /// The district.
    #[serde(flatten)]
    pub region: RegionView,
    /// Other names it is known by (old spellings, press names).
    pub aliases: Vec<String>,
    /// Every value held for it, newest datasets first.
    pub observations: Vec<ObservationView>,
    /// The datasets of those values.
    pub datasets: Vec<model::dataset::Dataset>,
}

/// `GET /api/v1/regions/{code}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegionBody {
    /// The district.
    pub region: RegionDetail,
}

/// Filters of the region list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RegionFilter {
    /// Province code or name; an unknown one is 404.
    #[param(min_length = 1)]
    pub province: Option<String>,
    /// `kabupaten` or `kota`.
    #[param(value_type = Option<RegionKindName>)]
    pub kind: Option<String>,
    /// Part of the name or the start of a code.
    pub q: Option<String>,
    /// Only demo (`true`) or only real (`false`) districts.
    pub demo: Option<bool>,
}

/// List districts with filters and paging.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(RegionFilter, Paging), responses(
    (status = 200, description = "One page of districts; `Link` names the next and previous pages", body = RegionList,
        headers(("Link" = String, description = "`<...?page=N&per_page=M>; rel=\"next\"`, `rel=\"prev\"`"))),
    (status = 404, description = "Unknown province", body = crate::error::ErrorBody),
    (status = 422, description = "Bad filter or paging", body = crate::error::ErrorBody)))]
pub async fn list_regions(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    filter: web::Query<RegionFilter>,
    paging: web::Query<Paging>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page, offset) = paging.resolve()?;
    let filter = filter.into_inner();
    let pool = state.pool.clone();
    let index = web::block(move || {
        let mut conn = pool.get()?;
        RegionIndex::load(&mut conn)
    })
    .await??;
    let province = match filter.province.as_deref() {
        Some("") => {
            return Err(model::ModelError::invalid(
                "invalid_filter",
                crate::sentences::EMPTY_FILTER.with("field", "province"),
            )
            .into());
        }
        Some(p) => Some(
            index
                .province(p)
                .ok_or_else(|| model::ModelError::NotFound {
                    entity: &model::sentences::PROVINCE,
                    id: format!("'{p}'").into(),
                })?,
        ),
        None => None,
    };
    // The wire names only: the lenient spellings of imports (`kab`, `city`) are not filters.
    let kind = match filter.kind.as_deref() {
        Some(k @ ("kabupaten" | "kota")) => model::region::RegionKind::parse(k),
        Some(k) => {
            return Err(model::ModelError::invalid(
                "invalid_filter",
                crate::sentences::NOT_A_REGION_KIND.with("value", k),
            )
            .into());
        }
        None => None,
    };
    let q_key = filter.q.as_deref().map(name_key);
    let q_raw = filter.q.as_deref().map(str::trim);
    let matching: Vec<&Region> = index
        .regions()
        .iter()
        .filter(|r| province.is_none_or(|p| r.province_code == p.code))
        .filter(|r| kind.is_none_or(|k| r.kind == k.as_str()))
        .filter(|r| filter.demo.is_none_or(|d| r.demo == d))
        .filter(|r| match (&q_key, q_raw) {
            (Some(key), Some(raw)) => {
                r.code.starts_with(raw)
                    || r.bps_code.starts_with(raw)
                    || name_key(&r.name).contains(key.as_str())
            }
            _ => true,
        })
        .collect();
    let regions: Vec<RegionView> = matching
        .iter()
        .skip(offset as usize)
        .take(per_page as usize)
        .map(|r| RegionView::new(&index, r))
        .collect();
    let meta = Meta {
        total: matching.len() as i64,
        page,
        per_page,
    };
    list_response(
        &req,
        RegionList {
            regions,
            meta: meta.clone(),
        },
        &meta,
    )
    .await
}

/// One observation of a district.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObservationView {
    /// The dataset kind: `stunting`, `spbe`, `covariate` or `population`.
    pub kind: String,
    /// Its year.
    pub year: Option<i32>,
    /// Indicator (covariates, population).
    pub indicator: Option<String>,
    /// The value: prevalence % (stunting), Indeks SPBE 1.0–5.0 (spbe), a count (population) or
    /// the covariate's own unit.
    pub value: f64,
    /// Standard error, in the value's unit, when known.
    pub se: Option<f64>,
    /// Sample size, when known.
    pub n: Option<i32>,
    /// Survey or estimation method, when known.
    pub method: Option<String>,
    /// SPBE predicate, when given.
    pub predicate: Option<String>,
    /// Dataset the value comes from.
    pub dataset_id: i32,
    /// True when that dataset is synthetic demo data.
    pub demo: bool,
}

/// One district with every observation held for it.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "Kemendagri code, e.g. 12.18", pattern = r"^\d{2}\.\d{2}$")),
    responses(
    (status = 200, description = "The district, its aliases, observations and their datasets", body = RegionBody),
    (status = 404, description = "Unknown code", body = crate::error::ErrorBody)))]
pub async fn find_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: Reader,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let key = format!("region|{code}");
    if let Some(hit) = state.cached(&state.regions, &key) {
        return Ok(respond(&req, &hit));
    }
    let st = state.clone();
    let rendered = web::block(move || -> Result<_, ApiError> {
        let version = st.data_version()?;
        ComputeCache::get_or_make(&st.regions, key, version, || {
            Rendered::json(&region_detail(&st, &code)?)
        })
    })
    .await??;
    Ok(respond(&req, &rendered))
}

/// The detail document of one district: reference, aliases, observations and their datasets.
fn region_detail(state: &AppState, code: &str) -> Result<RegionBody, ApiError> {
    let ((region, province), aliases, observations) = {
        let mut conn = state.pool.get()?;
        let region = Region::find(&mut conn, code)?;
        let aliases = model::region::aliases_of(&mut conn, code)?;
        let observations = Observation::for_region(&mut conn, code)?;
        (region, aliases, observations)
    };
    let mut datasets = Vec::new();
    let observations: Vec<ObservationView> = observations
        .into_iter()
        .map(|(o, d)| {
            let view = ObservationView {
                kind: d.kind.clone(),
                year: d.year,
                indicator: d.indicator.clone(),
                value: o.value,
                se: o.se,
                n: o.n,
                method: o.method,
                predicate: o.predicate,
                dataset_id: d.id,
                demo: d.demo,
            };
            if !datasets
                .iter()
                .any(|x: &model::dataset::Dataset| x.id == d.id)
            {
                datasets.push(d);
            }
            view
        })
        .collect();
    Ok(RegionBody {
        region: RegionDetail {
            region: RegionView::from_parts(&region, province.name),
            aliases,
            observations,
            datasets,
        },
    })
}
