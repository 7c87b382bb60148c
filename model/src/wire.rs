//! Reading request bodies as the published JSON Schema reads them: an object only where an
//! object is specified, and integers written as integral numbers (`111.0`).
//!
//! serde's derived structs also read sequences (`"constraints": [null, null]` fills the fields in
//! order), and its integer types refuse `111.0`, which JSON Schema counts as the integer 111.
//! The helpers here close both gaps, field by field (`#[serde(deserialize_with = ...)]`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};

/// `T`, read only from a map (a JSON object), never from a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Only<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Only<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(Only(PhantomData)).map(Object)
    }
}

/// A field holding an object (`deserialize_with`).
///
/// # Errors
/// Anything but an object, or an object `T` refuses.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Object::deserialize(d).map(|Object(t)| t)
}

/// A field holding an object or `null` (`deserialize_with`).
///
/// # Errors
/// Anything but an object or `null`, or an object `T` refuses.
pub fn optional_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Option::<Object<T>>::deserialize(d).map(|o| o.map(|Object(t)| t))
}

/// An integer of type `T` written as any JSON number with no fraction (`111`, `111.0`, `1.11e2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer<T>(pub T);

/// Largest magnitude at which every integer has an exact `f64`: beyond it `x.0` may not be the
/// integer the client wrote.
const EXACT_IN_F64: f64 = 9_007_199_254_740_992.0;

impl<'de, T: TryFrom<u64> + TryFrom<i64>> Deserialize<'de> for Integer<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Whole<T>(PhantomData<T>);
        impl<T: TryFrom<u64> + TryFrom<i64>> Visitor<'_> for Whole<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer in range")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
                let whole = v.is_finite() && v.fract() == 0.0 && v.abs() <= EXACT_IN_F64;
                if !whole {
                    return Err(E::invalid_value(Unexpected::Float(v), &self));
                }
                // Exact: integral and within ±2^53.
                self.visit_i64(v as i64)
            }
        }
        deserializer
            .deserialize_any(Whole(PhantomData))
            .map(Integer)
    }
}

/// An integer field (`deserialize_with`) that also takes integral numbers such as `111.0`.
///
/// # Errors
/// A fraction, a non-number, or a value outside `T`.
pub fn integer<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    Integer::deserialize(d).map(|Integer(t)| t)
}

/// As [`integer`], for an optional field (`null` is `None`).
///
/// # Errors
/// A fraction, a non-number, or a value outside `T`.
pub fn optional_integer<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64>,
{
    Option::<Integer<T>>::deserialize(d).map(|o| o.map(|Integer(t)| t))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Inner {
        a: Option<u32>,
        b: Option<u32>,
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Outer {
        #[serde(deserialize_with = "object")]
        inner: Inner,
        #[serde(deserialize_with = "optional_object")]
        maybe: Option<Inner>,
        #[serde(deserialize_with = "integer")]
        k: usize,
        #[serde(deserialize_with = "optional_integer")]
        year: Option<i32>,
    }

    fn read(value: serde_json::Value) -> Result<Outer, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn a_sequence_is_refused_where_an_object_is_specified() {
        assert!(read(json!({"inner": [null, null]})).is_err());
        assert!(read(json!({"maybe": [1, 2]})).is_err());
        assert!(read(json!({"inner": {"a": 1}})).unwrap().inner.a == Some(1));
        assert_eq!(read(json!({"maybe": null})).unwrap().maybe, None);
        // Without the helper serde fills the fields from the sequence.
        assert_eq!(
            serde_json::from_value::<Inner>(json!([1, 2])).unwrap(),
            Inner {
                a: Some(1),
                b: Some(2)
            }
        );
    }

    #[test]
    fn integral_numbers_are_integers_and_fractions_are_not() {
        let o = read(json!({"k": 111.0, "year": 2022.0})).unwrap();
        assert_eq!((o.k, o.year), (111, Some(2022)));
        assert_eq!(read(json!({"k": 1.11e2})).unwrap().k, 111);
        assert_eq!(read(json!({"k": 7})).unwrap().k, 7);
        assert_eq!(read(json!({"year": null})).unwrap().year, None);
        for bad in [
            json!({"k": 1.5}),
            json!({"k": -1}),
            json!({"k": -1.0}),
            json!({"k": 1e300}),
            json!({"k": "7"}),
            json!({"year": 3e9}),
            json!({"year": 2022.5}),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }
}
