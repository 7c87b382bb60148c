//! Provinces as the page draws them: district counts and an approximate tile-map position.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::{provinces, regions};
use crate::error::Result;
use crate::region::Province;

/// The shipped tile positions (`code,abbr,row,col`), as CSV text; see `seeds/README.md`.
pub const PROVINCE_TILES_CSV: &str = include_str!("../../seeds/province_tiles.csv");

/// A province with its district count and its cell on the tile map.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProvinceSummary {
    /// Kemendagri province code, e.g. `12`.
    pub code: String,
    /// BPS province code (differs for Papua and Papua Barat).
    pub bps_code: String,
    /// Name.
    pub name: String,
    /// Two-letter abbreviation (ISO 3166-2:ID without `ID-`), e.g. `SU`.
    pub abbr: Option<String>,
    /// Kabupaten/kota of the province in the region reference.
    pub districts: i64,
    /// Tile-map row, 0 = northernmost (approximate), when the province has a tile.
    pub row: Option<u32>,
    /// Tile-map column, 0 = westernmost (approximate), when the province has a tile.
    pub col: Option<u32>,
}

/// A province's cell on the tile map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    /// Two-letter abbreviation.
    pub abbr: String,
    /// Row, 0 = north.
    pub row: u32,
    /// Column, 0 = west.
    pub col: u32,
}

/// Parses the shipped tile positions by province code. Bad lines are skipped.
pub fn province_tiles() -> HashMap<String, Tile> {
    let mut reader = csv::Reader::from_reader(PROVINCE_TILES_CSV.as_bytes());
    reader
        .records()
        .filter_map(std::result::Result::ok)
        .filter_map(|r| {
            let tile = Tile {
                abbr: r.get(1)?.to_string(),
                row: r.get(2)?.parse().ok()?,
                col: r.get(3)?.parse().ok()?,
            };
            Some((r.get(0)?.to_string(), tile))
        })
        .collect()
}

impl ProvinceSummary {
    /// Every province, by code, with its district count and tile position.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<ProvinceSummary>> {
        let provinces: Vec<Province> = provinces::table
            .order(provinces::code)
            .select(Province::as_select())
            .load(conn)?;
        let codes: Vec<String> = regions::table.select(regions::province_code).load(conn)?;
        let mut counts: HashMap<String, i64> = HashMap::new();
        for code in codes {
            *counts.entry(code).or_default() += 1;
        }
        let tiles = province_tiles();
        Ok(provinces
            .into_iter()
            .map(|p| {
                let tile = tiles.get(&p.code);
                ProvinceSummary {
                    districts: counts.get(&p.code).copied().unwrap_or(0),
                    abbr: tile.map(|t| t.abbr.clone()),
                    row: tile.map(|t| t.row),
                    col: tile.map(|t| t.col),
                    code: p.code,
                    bps_code: p.bps_code,
                    name: p.name,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::province_seeds;

    #[test]
    fn every_shipped_province_has_one_tile_and_no_two_share_a_cell() {
        let tiles = province_tiles();
        let seeds = province_seeds();
        assert_eq!(tiles.len(), 34);
        for seed in &seeds {
            assert!(
                tiles.contains_key(&seed.province.code),
                "{}",
                seed.province.code
            );
        }
        let mut cells: Vec<_> = tiles.values().map(|t| (t.row, t.col)).collect();
        cells.sort();
        cells.dedup();
        assert_eq!(cells.len(), 34, "two provinces share a tile");
    }
}
