//! District boundaries (GeoJSON geometries keyed by Kemendagri code).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::dataset::{Dataset, DatasetKind, DatasetStatus};
use crate::db::DbConnection;
use crate::db::schema::{boundaries, datasets};
use crate::error::{ModelError, Result};

/// The newest published boundary layer and its geometries (raw GeoJSON text) by district code.
///
/// # Errors
/// `ModelError::NotFound` when no boundary layer has been imported.
pub fn latest_layer(conn: &mut DbConnection) -> Result<(Dataset, HashMap<String, String>)> {
    let dataset: Dataset = datasets::table
        .filter(datasets::kind.eq(DatasetKind::Boundaries.as_str()))
        .filter(datasets::status.eq(DatasetStatus::Published.as_str()))
        .order(datasets::id.desc())
        .select(Dataset::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ModelError::NotFound {
            entity: &crate::sentences::BOUNDARY_LAYER,
            id: crate::message::Message::from(&crate::sentences::IMPORT_BOUNDARIES_FIRST).into(),
        })?;
    let rows: Vec<(String, String)> = boundaries::table
        .filter(boundaries::dataset_id.eq(dataset.id))
        .select((boundaries::region_code, boundaries::geometry))
        .load(conn)?;
    Ok((dataset, rows.into_iter().collect()))
}

/// The district codes of a boundary layer, by code.
///
/// # Errors
/// `ModelError::Database`.
pub fn codes_of(conn: &mut DbConnection, dataset_id: i32) -> Result<Vec<String>> {
    Ok(boundaries::table
        .filter(boundaries::dataset_id.eq(dataset_id))
        .order(boundaries::region_code)
        .select(boundaries::region_code)
        .load(conn)?)
}

/// A GeoJSON FeatureCollection of `features` = (code, properties as JSON text), with the
/// stored geometry where known, and a top-level `demo` flag.
///
/// Geometries were validated at import, so their text is copied in as it is rather than
/// parsed again for every response.
pub fn feature_collection(
    layer: &HashMap<String, String>,
    features: impl IntoIterator<Item = (String, String)>,
    demo: bool,
) -> String {
    let mut out = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, (code, properties)) in features.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"type":"Feature","properties":"#);
        out.push_str(&properties);
        out.push_str(r#","geometry":"#);
        out.push_str(layer.get(&code).map_or("null", String::as_str));
        out.push('}');
    }
    out.push_str(r#"],"demo":"#);
    out.push_str(if demo { "true" } else { "false" });
    out.push('}');
    out
}
