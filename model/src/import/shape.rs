//! Checks that a boundary feature's geometry is a shape of Indonesia: rings closed with at
//! least four positions, coordinates in range and inside the country's bounding box (with a
//! margin), and each polygon valid in the OGC sense (checked by the `geo` crate: no ring
//! crossing itself or another ring, holes inside their shell, the parts of a MultiPolygon not
//! overlapping). All 510 features of the real simplified layer pass as they are.

use geo::algorithm::validation::InvalidMultiPolygon;
use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use serde_json::Value;

use crate::message::{self, Message, Sentence};
use crate::sentences as s;

/// Indonesia's extent (Sabang to Merauke, Miangas to Rote: 95.0°–141.1° E, 11.0° S–5.9° N)
/// widened by a degree on every side.
pub const INDONESIA: BoundingBox = BoundingBox {
    west: 94.0,
    east: 142.1,
    south: -12.0,
    north: 7.0,
};

/// A longitude/latitude box, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Smallest longitude.
    pub west: f64,
    /// Largest longitude.
    pub east: f64,
    /// Smallest latitude.
    pub south: f64,
    /// Largest latitude.
    pub north: f64,
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// A coordinate as a sentence shows it: plain for degrees, in exponent form for absurd values.
fn degrees(v: f64) -> message::Value {
    if v.abs() < 1e6 {
        v.into()
    } else {
        format!("{v:e}").into()
    }
}

/// One ring: at least four positions of two finite numbers each, the last equal to the first,
/// every position in range and inside [`INDONESIA`].
fn ring(value: &Value, part: &Message) -> Result<LineString<f64>, Message> {
    let positions = value
        .as_array()
        .ok_or_else(|| s::NOT_POSITIONS.with("part", part.clone()))?;
    let mut coords = Vec::with_capacity(positions.len());
    for (i, p) in positions.iter().enumerate() {
        let at = |sentence: &'static Sentence| {
            sentence.with("position", i + 1).with("part", part.clone())
        };
        let pair = p.as_array().filter(|a| a.len() >= 2);
        let (Some(lon), Some(lat)) = (
            pair.and_then(|a| number(&a[0])),
            pair.and_then(|a| number(&a[1])),
        ) else {
            return Err(at(&s::NOT_A_POSITION));
        };
        if !(-180.0..=180.0).contains(&lon) {
            return Err(at(&s::LONGITUDE_OUT_OF_RANGE).with("value", degrees(lon)));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(at(&s::LATITUDE_OUT_OF_RANGE).with("value", degrees(lat)));
        }
        let b = INDONESIA;
        if !(b.west..=b.east).contains(&lon) || !(b.south..=b.north).contains(&lat) {
            return Err(at(&s::OUTSIDE_INDONESIA)
                .with("longitude", lon)
                .with("latitude", lat)
                .with("west", b.west)
                .with("east", b.east)
                .with("south", b.south)
                .with("north", b.north));
        }
        coords.push(Coord { x: lon, y: lat });
    }
    if coords.len() < 4 || coords.first() != coords.last() {
        let sentence = if coords.first() == coords.last() {
            &s::RING_TOO_SHORT
        } else {
            &s::RING_NOT_CLOSED
        };
        return Err(sentence
            .with("part", part.clone())
            .with("count", coords.len()));
    }
    Ok(LineString::new(coords))
}

/// One polygon (an array of rings, the shell first), checked ring by ring, then as a whole.
fn polygon(value: &Value, part: Message) -> Result<Polygon<f64>, Message> {
    let rings = value
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| s::NO_RINGS.with("part", part.clone()))?;
    let mut lines = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        let role = if i == 0 {
            s::OUTER_RING.with("part", part.clone())
        } else {
            s::HOLE.with("number", i).with("part", part.clone())
        };
        lines.push(ring(r, &role)?);
    }
    let exterior = lines.remove(0);
    let polygon = Polygon::new(exterior, lines);
    polygon.check_validation().map_err(|e| {
        s::INVALID_POLYGON
            .with("part", part)
            .with("detail", e.to_string())
    })?;
    Ok(polygon)
}

/// Checks a GeoJSON `Polygon` or `MultiPolygon` geometry; the error names the polygon, ring
/// and position at fault.
///
/// # Errors
/// The first problem found.
pub fn check_geometry(geometry: &Value) -> Result<(), Message> {
    let kind = geometry.get("type").and_then(Value::as_str);
    let coordinates = geometry.get("coordinates");
    match (kind, coordinates) {
        (Some("Polygon"), Some(c)) => polygon(c, Message::from(&s::THE_POLYGON)).map(drop),
        (Some("MultiPolygon"), Some(c)) => {
            let parts = c
                .as_array()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| Message::from(&s::NO_POLYGONS))?;
            let polygons = parts
                .iter()
                .enumerate()
                .map(|(i, part)| polygon(part, s::POLYGON_NUMBER.with("number", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            // Each part is valid; the parts must not overlap either.
            MultiPolygon::new(polygons)
                .check_validation()
                .map_err(|e| match e {
                    InvalidMultiPolygon::ElementsOverlaps(a, b) => s::POLYGONS_OVERLAP
                        .with("first", a.0 + 1)
                        .with("second", b.0 + 1),
                    InvalidMultiPolygon::ElementsTouchOnALine(a, b) => s::POLYGONS_SHARE_EDGE
                        .with("first", a.0 + 1)
                        .with("second", b.0 + 1),
                    other => s::INVALID_MULTIPOLYGON.with("detail", other.to_string()),
                })
        }
        _ => Err(Message::from(&s::NOT_A_POLYGON)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn poly(coordinates: Value) -> Value {
        json!({"type": "Polygon", "coordinates": coordinates})
    }

    #[test]
    fn a_square_in_indonesia_is_a_shape() {
        let square = json!([[
            [106.8, -6.2],
            [106.9, -6.2],
            [106.9, -6.1],
            [106.8, -6.1],
            [106.8, -6.2]
        ]]);
        assert_eq!(check_geometry(&poly(square)), Ok(()));
    }

    #[test]
    fn a_hole_outside_its_shell_is_refused() {
        let shell = json!([
            [106.0, -7.0],
            [107.0, -7.0],
            [107.0, -6.0],
            [106.0, -6.0],
            [106.0, -7.0]
        ]);
        let hole = json!([[108.0, -7.0], [108.5, -7.0], [108.5, -6.5], [108.0, -7.0]]);
        let err = check_geometry(&poly(json!([shell, hole])))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a valid polygon"), "{err}");
    }

    #[test]
    fn an_open_ring_and_a_short_ring_are_refused() {
        let open = json!([[[106.0, -7.0], [107.0, -7.0], [107.0, -6.0], [106.0, -6.0]]]);
        let err = check_geometry(&poly(open)).unwrap_err().to_string();
        assert!(err.contains("not closed"), "{err}");
        let short = json!([[[106.0, -7.0], [107.0, -7.0], [106.0, -7.0]]]);
        let err = check_geometry(&poly(short)).unwrap_err().to_string();
        assert!(err.contains("3 positions"), "{err}");
    }

    #[test]
    fn overlapping_parts_of_a_multipolygon_are_refused() {
        let a = json!([[
            [106.0, -7.0],
            [107.0, -7.0],
            [107.0, -6.0],
            [106.0, -6.0],
            [106.0, -7.0]
        ]]);
        let b = json!([[
            [106.5, -6.5],
            [107.5, -6.5],
            [107.5, -5.5],
            [106.5, -5.5],
            [106.5, -6.5]
        ]]);
        let multi = json!({"type": "MultiPolygon", "coordinates": [a, b]});
        assert_eq!(
            check_geometry(&multi).map_err(|e| e.to_string()),
            Err("polygons 1 and 2 overlap".into())
        );
    }

    #[test]
    fn latitude_out_of_range_is_named() {
        let far = json!([[[106.0, -95.0], [107.0, -7.0], [107.0, -6.0], [106.0, -95.0]]]);
        let err = check_geometry(&poly(far)).unwrap_err().to_string();
        assert!(err.contains("latitude -95"), "{err}");
    }
}
