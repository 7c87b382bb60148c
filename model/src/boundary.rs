//! District boundaries (GeoJSON geometries keyed by Kemendagri code).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::dataset::{Dataset, DatasetKind};
use crate::db::DbConnection;
use crate::db::schema::{boundaries, datasets};
use crate::error::{ModelError, Result};

/// The newest boundary layer and its geometries (raw GeoJSON text) by district code.
///
/// # Errors
/// `ModelError::NotFound` when no boundary layer has been imported.
pub fn latest_layer(conn: &mut DbConnection) -> Result<(Dataset, HashMap<String, String>)> {
    let dataset: Dataset = datasets::table
        .filter(datasets::kind.eq(DatasetKind::Boundaries.as_str()))
        .order(datasets::id.desc())
        .select(Dataset::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ModelError::NotFound {
            entity: "boundary layer",
            id: "(import one with kind=boundaries first)".into(),
        })?;
    let rows: Vec<(String, String)> = boundaries::table
        .filter(boundaries::dataset_id.eq(dataset.id))
        .select((boundaries::region_code, boundaries::geometry))
        .load(conn)?;
    Ok((dataset, rows.into_iter().collect()))
}

/// A GeoJSON FeatureCollection of `features` = (code, properties), with geometry where known.
pub fn feature_collection(
    layer: &HashMap<String, String>,
    features: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> serde_json::Value {
    let features: Vec<serde_json::Value> = features
        .into_iter()
        .map(|(code, properties)| {
            let geometry = layer
                .get(&code)
                .and_then(|g| serde_json::from_str::<serde_json::Value>(g).ok())
                .unwrap_or(serde_json::Value::Null);
            serde_json::json!({"type": "Feature", "properties": properties, "geometry": geometry})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features})
}
