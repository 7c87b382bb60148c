//! SPBE maturity predicates (the official bands of the Indeks SPBE).

use serde::Serialize;

/// The official rating band of an Indeks SPBE value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    /// < 1.8.
    Kurang,
    /// 1.8 – < 2.6.
    Cukup,
    /// 2.6 – < 3.5.
    Baik,
    /// 3.5 – < 4.2.
    SangatBaik,
    /// 4.2 – 5.0.
    Memuaskan,
}

impl Predicate {
    /// All bands from lowest to highest.
    pub const ALL: [Predicate; 5] = [
        Predicate::Kurang,
        Predicate::Cukup,
        Predicate::Baik,
        Predicate::SangatBaik,
        Predicate::Memuaskan,
    ];

    /// The band an index value falls in.
    pub fn for_index(index: f64) -> Predicate {
        Predicate::ALL
            .into_iter()
            .rev()
            .find(|p| index >= p.lower_bound())
            .unwrap_or(Predicate::Kurang)
    }

    /// The lowest index in the band.
    pub fn lower_bound(self) -> f64 {
        match self {
            Predicate::Kurang => f64::NEG_INFINITY,
            Predicate::Cukup => 1.8,
            Predicate::Baik => 2.6,
            Predicate::SangatBaik => 3.5,
            Predicate::Memuaskan => 4.2,
        }
    }

    /// The official Indonesian name.
    pub fn name(self) -> &'static str {
        match self {
            Predicate::Kurang => "Kurang",
            Predicate::Cukup => "Cukup",
            Predicate::Baik => "Baik",
            Predicate::SangatBaik => "Sangat Baik",
            Predicate::Memuaskan => "Memuaskan",
        }
    }

    /// Parses the Indonesian or English name, case- and spacing-insensitively.
    pub fn parse(text: &str) -> Option<Predicate> {
        let key: String = text
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match key.as_str() {
            "kurang" | "poor" => Some(Predicate::Kurang),
            "cukup" | "adequate" | "fair" => Some(Predicate::Cukup),
            "baik" | "good" => Some(Predicate::Baik),
            "sangatbaik" | "verygood" => Some(Predicate::SangatBaik),
            "memuaskan" | "satisfactory" | "excellent" => Some(Predicate::Memuaskan),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_edges_follow_the_official_table() {
        assert_eq!(Predicate::for_index(1.0), Predicate::Kurang);
        assert_eq!(Predicate::for_index(1.79), Predicate::Kurang);
        assert_eq!(Predicate::for_index(1.8), Predicate::Cukup);
        assert_eq!(Predicate::for_index(2.6), Predicate::Baik);
        assert_eq!(Predicate::for_index(3.49), Predicate::Baik);
        assert_eq!(Predicate::for_index(3.5), Predicate::SangatBaik);
        assert_eq!(Predicate::for_index(4.2), Predicate::Memuaskan);
        assert_eq!(Predicate::for_index(5.0), Predicate::Memuaskan);
    }

    #[test]
    fn names_parse_in_both_languages() {
        assert_eq!(Predicate::parse("Sangat Baik"), Some(Predicate::SangatBaik));
        assert_eq!(Predicate::parse("very good"), Some(Predicate::SangatBaik));
        assert_eq!(Predicate::parse("BAIK"), Some(Predicate::Baik));
        assert_eq!(Predicate::parse("great"), None);
    }
}
