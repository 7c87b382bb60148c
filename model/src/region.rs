//! The region reference: provinces, kabupaten/kota, their aliases, and name resolution.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::{provinces, region_aliases, regions};
use crate::error::Result;

/// A province (Kemendagri code such as `12`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = provinces)]
pub struct Province {
    /// Kemendagri province code, e.g. `12`.
    pub code: String,
    /// BPS province code, e.g. `12` (differs for Papua `91`/`94` and Papua Barat `92`/`91`).
    pub bps_code: String,
    /// Name, e.g. `Sumatera Utara`.
    pub name: String,
}

/// A kabupaten or kota, keyed by its Kemendagri code.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = regions)]
#[diesel(treat_none_as_null = true)]
pub struct Region {
    /// Kemendagri code, e.g. `12.18`.
    pub code: String,
    /// BPS code, e.g. `1218`; never assume it equals the Kemendagri code without the dot.
    pub bps_code: String,
    /// Official name, e.g. `KAB. SERDANG BEDAGAI`.
    pub name: String,
    /// `kabupaten` or `kota`.
    pub kind: String,
    /// Kemendagri province code.
    pub province_code: String,
    /// True for the synthetic demo districts.
    pub demo: bool,
    /// Kemendagri code after the 2025 Papua split, when known.
    pub code_2025: Option<String>,
    /// Name in the 2025 list, when known.
    pub name_2025: Option<String>,
}

/// Kind of a district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// Regency.
    Kabupaten,
    /// City.
    Kota,
}

impl RegionKind {
    /// Parses `kabupaten`/`kab`/`regency` or `kota`/`city` (case-insensitive).
    pub fn parse(text: &str) -> Option<RegionKind> {
        match text.trim().trim_end_matches('.').to_lowercase().as_str() {
            "kabupaten" | "kab" | "regency" => Some(RegionKind::Kabupaten),
            "kota" | "city" | "kotamadya" => Some(RegionKind::Kota),
            _ => None,
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Kabupaten => "kabupaten",
            RegionKind::Kota => "kota",
        }
    }
}

/// Lower-cases, expands `Kep.` and drops everything but letters and digits.
pub fn name_key(text: &str) -> String {
    let lower = text.to_lowercase().replace("kep.", "kepulauan ");
    lower.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Splits a leading kind word (`KAB.`, `Kabupaten`, `Kota`, `Kota Adm.`) off a district name.
pub fn split_kind_prefix(text: &str) -> (Option<RegionKind>, String) {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let Some(first) = words.first() else {
        return (None, String::new());
    };
    let first_word = first.trim_end_matches('.');
    let kind = RegionKind::parse(first_word).filter(|_| words.len() > 1);
    // "KAB.SERDANG" has no space after the dot.
    let kind_glued = ["kab.", "kab "].iter().find_map(|p| lower.strip_prefix(p));
    match (kind, kind_glued) {
        (Some(k), _) => {
            let mut rest = &words[1..];
            if k == RegionKind::Kota
                && rest.len() > 1
                && matches!(
                    rest[0].trim_end_matches('.'),
                    "adm" | "administrasi" | "administratif"
                )
            {
                rest = &rest[1..];
            }
            (Some(k), rest.join(" "))
        }
        (None, Some(rest)) if !rest.trim().is_empty() => {
            (Some(RegionKind::Kabupaten), rest.trim().to_string())
        }
        _ => (None, lower),
    }
}

/// Key for matching province names: `Provinsi`/`Prov.` dropped, letters and digits only.
pub fn province_key(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    let stripped = lower
        .strip_prefix("provinsi ")
        .or_else(|| lower.strip_prefix("prov. "))
        .unwrap_or(&lower);
    let key = name_key(stripped);
    match key.as_str() {
        "jakarta" | "dkijakarta" | "dkijakartaraya" => "dkijakarta".into(),
        "yogyakarta" | "diyogyakarta" | "daerahistimewayogyakarta" | "diy" => {
            "daerahistimewayogyakarta".into()
        }
        "babel" | "bangkabelitung" | "kepulauanbangkabelitung" => "kepulauanbangkabelitung".into(),
        _ => key,
    }
}

/// What an imported row says about which district it is.
#[derive(Debug, Default, Clone)]
pub struct RegionQuery<'a> {
    /// Kemendagri code as written.
    pub code: Option<&'a str>,
    /// BPS code as written.
    pub bps_code: Option<&'a str>,
    /// Name as written.
    pub name: Option<&'a str>,
    /// Province name or code as written.
    pub province: Option<&'a str>,
    /// Kind as written.
    pub kind: Option<&'a str>,
}

/// Why a row could not be tied to exactly one district.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolveError {
    /// Column at fault.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
    /// Districts it could be (`code name (province)`).
    pub candidates: Vec<String>,
}

impl ResolveError {
    fn new(field: &'static str, message: String) -> Self {
        ResolveError {
            field,
            message,
            candidates: Vec::new(),
        }
    }
}

fn nonempty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// In-memory index over the region reference for resolving codes and names.
#[derive(Debug, Clone, Default)]
pub struct RegionIndex {
    regions: Vec<Region>,
    provinces: Vec<Province>,
    by_code: HashMap<String, usize>,
    by_bps: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    province_by_key: HashMap<String, usize>,
}

impl RegionIndex {
    /// Builds the index; `aliases` are `(region code, alias)` pairs such as former names.
    pub fn new(
        provinces: Vec<Province>,
        regions: Vec<Region>,
        aliases: &[(String, String)],
    ) -> Self {
        let mut index = RegionIndex {
            regions,
            provinces,
            ..Default::default()
        };
        for (i, p) in index.provinces.iter().enumerate() {
            index.province_by_key.insert(p.code.clone(), i);
            index.province_by_key.insert(province_key(&p.name), i);
        }
        let mut names = Vec::new();
        for (i, r) in index.regions.iter().enumerate() {
            index.by_code.insert(r.code.clone(), i);
            index.by_bps.insert(r.bps_code.clone(), i);
            names.push((name_key(&split_kind_prefix(&r.name).1), i));
            if let Some(n) = &r.name_2025 {
                names.push((name_key(&split_kind_prefix(n).1), i));
            }
        }
        for (key, i) in names {
            index.add_name(key, i);
        }
        for (code, alias) in aliases {
            if let Some(&i) = index.by_code.get(code) {
                index.add_name(name_key(&split_kind_prefix(alias).1), i);
            }
        }
        index
    }

    fn add_name(&mut self, key: String, i: usize) {
        let entry = self.by_name.entry(key).or_default();
        if !entry.contains(&i) {
            entry.push(i);
        }
    }

    /// Loads the index from the database.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn load(conn: &mut DbConnection) -> Result<Self> {
        let provinces = provinces::table
            .order(provinces::code)
            .select(Province::as_select())
            .load(conn)?;
        let regions = regions::table
            .order(regions::code)
            .select(Region::as_select())
            .load(conn)?;
        let aliases = region_aliases::table
            .select((region_aliases::region_code, region_aliases::alias))
            .load::<(String, String)>(conn)?;
        Ok(RegionIndex::new(provinces, regions, &aliases))
    }

    /// All regions, ordered by code.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// All provinces, ordered by code.
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// The region with this Kemendagri code.
    pub fn by_code(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|&i| &self.regions[i])
    }

    /// The province with this Kemendagri code or name.
    pub fn province(&self, code_or_name: &str) -> Option<&Province> {
        let trimmed = code_or_name.trim();
        self.province_by_key
            .get(trimmed)
            .or_else(|| self.province_by_key.get(&province_key(trimmed)))
            .map(|&i| &self.provinces[i])
    }

    fn describe(&self, i: usize) -> String {
        let r = &self.regions[i];
        let province = self
            .province(&r.province_code)
            .map_or(r.province_code.as_str(), |p| p.name.as_str());
        format!("{} {} ({})", r.code, r.name, province)
    }

    /// Resolves a row to exactly one district, or says why it cannot; never guesses.
    ///
    /// # Errors
    /// A [`ResolveError`] naming the column, the problem and the candidates.
    pub fn resolve(&self, q: &RegionQuery<'_>) -> std::result::Result<&Region, ResolveError> {
        let explicit_kind = match nonempty(q.kind) {
            Some(k) => Some(RegionKind::parse(k).ok_or_else(|| {
                ResolveError::new("kind", format!("kind '{k}' is not 'kabupaten' or 'kota'"))
            })?),
            None => None,
        };
        let province =
            match nonempty(q.province) {
                Some(p) => Some(self.province(p).ok_or_else(|| {
                    ResolveError::new("province", format!("unknown province '{p}'"))
                })?),
                None => None,
            };
        let by_code = match nonempty(q.code) {
            Some(code) => Some(self.resolve_code(code)?),
            None => None,
        };
        let by_bps = match nonempty(q.bps_code) {
            Some(bps) => Some(self.by_bps.get(bps).copied().ok_or_else(|| {
                ResolveError::new("bps_code", format!("unknown BPS code '{bps}'"))
            })?),
            None => None,
        };
        if let (Some(a), Some(b)) = (by_code, by_bps)
            && a != b
        {
            let mut e = ResolveError::new(
                "bps_code",
                format!(
                    "Kemendagri code '{}' and BPS code '{}' name different districts",
                    self.regions[a].code, self.regions[b].bps_code
                ),
            );
            e.candidates = vec![self.describe(a), self.describe(b)];
            return Err(e);
        }
        let by_id = by_code.or(by_bps);
        let Some(name) = nonempty(q.name) else {
            return by_id.map(|i| &self.regions[i]).ok_or_else(|| {
                ResolveError::new(
                    "code",
                    "no code, bps_code or name to identify the district".to_string(),
                )
            });
        };
        let candidates =
            self.name_candidates(name, explicit_kind, province.map(|p| p.code.as_str()));
        if let Some(i) = by_id {
            // A code wins, but a name that clearly means another district is a mistake in the file.
            if let Ok(c) = &candidates
                && !c.is_empty()
                && !c.contains(&i)
            {
                let mut e = ResolveError::new(
                    "name",
                    format!("name '{name}' does not match the district with that code"),
                );
                e.candidates = std::iter::once(i)
                    .chain(c.iter().copied())
                    .map(|j| self.describe(j))
                    .collect();
                return Err(e);
            }
            return Ok(&self.regions[i]);
        }
        let candidates = candidates?;
        match candidates.as_slice() {
            [one] => Ok(&self.regions[*one]),
            [] => Err(ResolveError::new(
                "name",
                match province {
                    Some(p) => format!("no district named '{name}' in {}", p.name),
                    None => format!("no district named '{name}'"),
                },
            )),
            many => {
                let mut e = ResolveError::new(
                    "name",
                    format!(
                        "name '{name}' is ambiguous: {} districts match; add the province and kind (kabupaten/kota) or use the code",
                        many.len()
                    ),
                );
                e.candidates = many.iter().map(|&j| self.describe(j)).collect();
                Err(e)
            }
        }
    }

    fn resolve_code(&self, code: &str) -> std::result::Result<usize, ResolveError> {
        if let Some(&i) = self.by_code.get(code) {
            return Ok(i);
        }
        let mut message = format!("unknown Kemendagri code '{code}'");
        if code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()) {
            message.push_str(
                "; it looks like a BPS code: put it in a 'bps_code' column (BPS and Kemendagri codes differ for 199 districts)",
            );
        }
        Err(ResolveError::new("code", message))
    }

    /// Candidate districts for a name, honouring kind and province; ambiguity is an error.
    fn name_candidates(
        &self,
        name: &str,
        explicit_kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> std::result::Result<Vec<usize>, ResolveError> {
        let (prefix_kind, rest) = split_kind_prefix(name);
        if let (Some(p), Some(e)) = (prefix_kind, explicit_kind)
            && p != e
            && !self
                .lookup(&name_key(name), Some(e), province_code)
                .is_empty()
        {
            // "Kota Baru" with kind kabupaten: the prefix is part of the name.
            return Ok(self.lookup(&name_key(name), Some(e), province_code));
        }
        let kind = explicit_kind.or(prefix_kind);
        let mut found = self.lookup(&name_key(&rest), kind, province_code);
        if let Some(p) = prefix_kind
            && explicit_kind.is_none()
        {
            // Without a kind column, "Kota Baru" may also be the kabupaten "Kotabaru".
            let whole: Vec<usize> = self
                .lookup(&name_key(name), None, province_code)
                .into_iter()
                .filter(|&i| RegionKind::parse(&self.regions[i].kind) != Some(p))
                .collect();
            if !whole.is_empty() {
                found.extend(whole);
                found.sort_unstable();
                found.dedup();
                if found.len() == 1 {
                    let mut e = ResolveError::new(
                        "name",
                        format!(
                            "name '{name}' is ambiguous: the word '{}' may be the kind or part of the name; add a kind column",
                            name.split_whitespace().next().unwrap_or_default()
                        ),
                    );
                    e.candidates = found.iter().map(|&j| self.describe(j)).collect();
                    return Err(e);
                }
            }
        }
        Ok(found)
    }

    fn lookup(
        &self,
        key: &str,
        kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> Vec<usize> {
        self.by_name
            .get(key)
            .map(|found| {
                found
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let r = &self.regions[i];
                        kind.is_none_or(|k| r.kind == k.as_str())
                            && province_code.is_none_or(|p| r.province_code == p)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Aliases that ship with Lokus (former names, common spellings), as `(code, alias)`.
pub fn shipped_aliases() -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(include_str!("../../seeds/aliases.csv").as_bytes());
    reader
        .records()
        .filter_map(std::result::Result::ok)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

impl Region {
    /// The district with this Kemendagri code and its province.
    ///
    /// # Errors
    /// `ModelError::NotFound` or `ModelError::Database`.
    pub fn find(conn: &mut DbConnection, code: &str) -> Result<(Region, Province)> {
        regions::table
            .inner_join(provinces::table)
            .filter(regions::code.eq(code))
            .select((Region::as_select(), Province::as_select()))
            .first(conn)
            .optional()?
            .ok_or_else(|| crate::error::ModelError::NotFound {
                entity: "region",
                id: code.to_string(),
            })
    }
}

/// Known aliases (former names, other spellings) of one district.
///
/// # Errors
/// `ModelError::Database`.
pub fn aliases_of(conn: &mut DbConnection, code: &str) -> Result<Vec<String>> {
    Ok(region_aliases::table
        .filter(region_aliases::region_code.eq(code))
        .order(region_aliases::alias)
        .select(region_aliases::alias)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, bps: &str, name: &str, kind: &str) -> Region {
        Region {
            code: code.into(),
            bps_code: bps.into(),
            name: name.into(),
            kind: kind.into(),
            province_code: code[..2].into(),
            demo: false,
            code_2025: None,
            name_2025: None,
        }
    }

    fn index() -> RegionIndex {
        let provinces = vec![
            Province {
                code: "12".into(),
                bps_code: "12".into(),
                name: "Sumatera Utara".into(),
            },
            Province {
                code: "32".into(),
                bps_code: "32".into(),
                name: "Jawa Barat".into(),
            },
            Province {
                code: "63".into(),
                bps_code: "63".into(),
                name: "Kalimantan Selatan".into(),
            },
        ];
        let regions = vec![
            region("12.12", "1206", "KAB. TOBA", "kabupaten"),
            region("12.18", "1218", "KAB. SERDANG BEDAGAI", "kabupaten"),
            region("32.16", "3216", "KAB. BEKASI", "kabupaten"),
            region("32.75", "3275", "KOTA BEKASI", "kota"),
            region("63.02", "6302", "KAB. KOTABARU", "kabupaten"),
        ];
        RegionIndex::new(
            provinces,
            regions,
            &[("12.12".into(), "Toba Samosir".into())],
        )
    }

    fn by_name<'a>(
        name: &'a str,
        province: Option<&'a str>,
        kind: Option<&'a str>,
    ) -> RegionQuery<'a> {
        RegionQuery {
            name: Some(name),
            province,
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn names_match_across_case_prefix_and_spacing() {
        let idx = index();
        for spelling in [
            "KAB. SERDANG BEDAGAI",
            "Kabupaten Serdang Bedagai",
            "kab.serdang  bedagai",
            "Serdang-Bedagai",
        ] {
            assert_eq!(
                idx.resolve(&by_name(spelling, None, None))
                    .map(|r| r.code.as_str()),
                Ok("12.18"),
                "{spelling}"
            );
        }
    }

    #[test]
    fn a_former_name_resolves_through_the_alias_table() {
        let idx = index();
        assert_eq!(
            idx.resolve(&by_name("Kabupaten Toba Samosir", None, None))
                .unwrap()
                .code,
            "12.12"
        );
    }

    #[test]
    fn a_kabupaten_and_kota_sharing_a_name_need_the_kind() {
        let idx = index();
        let err = idx
            .resolve(&by_name("Bekasi", Some("Jawa Barat"), None))
            .unwrap_err();
        assert_eq!(err.candidates.len(), 2);
        assert_eq!(
            idx.resolve(&by_name("Kota Bekasi", None, None))
                .unwrap()
                .code,
            "32.75"
        );
        assert_eq!(
            idx.resolve(&by_name("Bekasi", None, Some("kabupaten")))
                .unwrap()
                .code,
            "32.16"
        );
    }

    #[test]
    fn kota_baru_is_ambiguous_until_the_kind_says_kabupaten() {
        let idx = index();
        let err = idx
            .resolve(&by_name("Kota Baru", Some("Kalimantan Selatan"), None))
            .unwrap_err();
        assert_eq!(err.field, "name");
        assert_eq!(
            err.candidates,
            vec!["63.02 KAB. KOTABARU (Kalimantan Selatan)".to_string()]
        );
        let ok = idx
            .resolve(&by_name(
                "Kota Baru",
                Some("Kalimantan Selatan"),
                Some("kabupaten"),
            ))
            .unwrap();
        assert_eq!(ok.code, "63.02");
    }

    #[test]
    fn a_bps_code_is_never_read_as_a_kemendagri_code_without_its_dot() {
        let idx = index();
        let q = RegionQuery {
            code: Some("1206"),
            ..Default::default()
        };
        let err = idx.resolve(&q).unwrap_err();
        assert!(
            err.message.contains("looks like a BPS code"),
            "{}",
            err.message
        );
        let q = RegionQuery {
            bps_code: Some("1206"),
            ..Default::default()
        };
        assert_eq!(idx.resolve(&q).unwrap().code, "12.12");
    }

    #[test]
    fn a_code_and_a_name_that_disagree_are_rejected() {
        let idx = index();
        let q = RegionQuery {
            code: Some("12.18"),
            name: Some("Kota Bekasi"),
            ..Default::default()
        };
        assert_eq!(idx.resolve(&q).unwrap_err().field, "name");
    }
}
