//! The region reference: provinces, kabupaten/kota, their aliases, and name resolution.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::schema::{provinces, region_aliases, regions};
use crate::error::Result;
use crate::message::Message;
use crate::sentences as s;

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

/// Lower-cases, expands `Kep.`/`Kep` to `Kepulauan` and drops everything but letters and
/// digits (so case, spacing, dashes and punctuation never matter).
pub fn name_key(text: &str) -> String {
    let lower = text.to_lowercase().replace("kep.", "kepulauan ");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| if w == "kep" { "kepulauan" } else { w })
        .collect()
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
            // "Kota Adm. Jakarta Pusat", "Kab. Adm. Kep. Seribu".
            if rest.len() > 1
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

/// Key for matching province names: `Provinsi`/`Prov.` dropped, letters and digits only; the
/// common short forms (`Sumut`, `Jabar`, `NTT`, `Kepri`, `DIY`, `Babel`, …) and English names
/// (`West Java`, `North Sumatra`, `Riau Islands`) folded to the Kemendagri name's key.
pub fn province_key(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    let stripped = lower
        .strip_prefix("provinsi ")
        .or_else(|| lower.strip_prefix("prov. "))
        .or_else(|| lower.strip_prefix("prov "))
        .or_else(|| lower.strip_prefix("province of "))
        .unwrap_or(&lower);
    let stripped = stripped.strip_suffix(" province").unwrap_or(stripped);
    let english = crate::names::from_english(stripped);
    let key = name_key(english.first().map_or(stripped, String::as_str))
        .replace("sumatra", "sumatera")
        .replace("java", "jawa");
    let canonical = match key.as_str() {
        "jakarta"
        | "dki"
        | "dkijakarta"
        | "dkijakartaraya"
        | "jakartaraya"
        | "jakartaspecialcapitalregion"
        | "specialcapitalregionofjakarta" => "dkijakarta",
        "yogyakarta"
        | "jogja"
        | "jogjakarta"
        | "diyogyakarta"
        | "daerahistimewayogyakarta"
        | "diy"
        | "specialregionofyogyakarta"
        | "yogyakartaspecialregion" => "daerahistimewayogyakarta",
        "babel" | "bangkabelitung" | "kepulauanbangkabelitung" => "kepulauanbangkabelitung",
        "nad" | "nanggroeacehdarussalam" | "acehdarussalam" => "aceh",
        "sumut" => "sumaterautara",
        "sumbar" => "sumaterabarat",
        "sumsel" => "sumateraselatan",
        "kepri" => "kepulauanriau",
        "jabar" => "jawabarat",
        "jateng" => "jawatengah",
        "jatim" => "jawatimur",
        "ntb" => "nusatenggarabarat",
        "ntt" => "nusatenggaratimur",
        "kalbar" => "kalimantanbarat",
        "kalteng" => "kalimantantengah",
        "kalsel" => "kalimantanselatan",
        "kaltim" => "kalimantantimur",
        "kaltara" => "kalimantanutara",
        "sulut" => "sulawesiutara",
        "sulteng" => "sulawesitengah",
        "sulsel" => "sulawesiselatan",
        "sultra" => "sulawesitenggara",
        "sulbar" => "sulawesibarat",
        "malut" => "malukuutara",
        other => return other.to_string(),
    };
    canonical.into()
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

/// How a row was tied to its district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// By its Kemendagri code.
    Code,
    /// By its BPS code.
    BpsCode,
    /// By its official name (or its 2025 name), after normalisation.
    Name,
    /// By an alias: a former name, an abbreviation, a spelling seen in tables.
    Alias,
}

/// A district a row may mean, with how close its name is to what the row says.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// Kemendagri code, e.g. `12.01`.
    pub code: String,
    /// Official name, e.g. `KAB. TAPANULI TENGAH`.
    pub name: String,
    /// Province name.
    pub province_name: String,
    /// Similarity in [0, 1]: 1 for an exact (normalised) name or alias, lower for look-alikes.
    pub score: f64,
}

impl Candidate {
    /// `12.01 KAB. TAPANULI TENGAH (Sumatera Utara)`, as row errors list candidates.
    pub fn describe(&self) -> String {
        format!("{} {} ({})", self.code, self.name, self.province_name)
    }
}

/// Why a row could not be tied to exactly one district.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolveError {
    /// Column at fault.
    pub field: &'static str,
    /// What is wrong.
    pub message: Message,
    /// Districts it could be (`code name (province)`), best first.
    pub candidates: Vec<String>,
    /// The same districts with their scores, best first.
    pub suggestions: Vec<Candidate>,
}

impl ResolveError {
    fn new(field: &'static str, message: impl Into<Message>) -> Self {
        let message = message.into();
        ResolveError {
            field,
            message,
            candidates: Vec::new(),
            suggestions: Vec::new(),
        }
    }

    fn with(mut self, suggestions: Vec<Candidate>) -> Self {
        self.candidates = suggestions.iter().map(Candidate::describe).collect();
        self.suggestions = suggestions;
        self
    }
}

fn nonempty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// How many look-alike districts a row with an unknown name lists.
pub const SUGGESTIONS: usize = 5;

/// The score a look-alike loses when the row names the other kind (`Kota` for a kabupaten).
const OTHER_KIND: f64 = 0.9;

/// The score of a name read past a misspelt kind word (`Kabupaen Simalungun`): a typo still,
/// so never the 1 of an exact match.
const MISSPELT_KIND: f64 = 0.98;

/// In-memory index over the region reference for resolving codes and names.
#[derive(Debug, Clone, Default)]
pub struct RegionIndex {
    regions: Vec<Region>,
    provinces: Vec<Province>,
    by_code: HashMap<String, usize>,
    by_bps: HashMap<String, usize>,
    /// Folded name → districts; `true` where the key is the district's own (official or 2025)
    /// name, `false` where it comes from an alias only.
    by_name: HashMap<String, Vec<(usize, bool)>>,
    /// Every name form of each district (official, 2025, aliases), for suggestions.
    forms: Vec<Vec<crate::names::NameForm>>,
    province_by_key: HashMap<String, usize>,
    aliases: Vec<(String, String)>,
}

/// The key an alias is found under: its first normalised form without the kind word
/// (`Kabupaten Tapanuli Tengah (Tapteng)` → `tapanulitengah`).
pub fn alias_key(alias: &str) -> String {
    let first = crate::names::name_variants(alias)
        .into_iter()
        .next()
        .unwrap_or_default();
    name_key(&split_kind_prefix(&first).1)
}

impl RegionIndex {
    /// Builds the index; `aliases` are `(region code, alias)` pairs such as former names.
    pub fn new(
        provinces: Vec<Province>,
        regions: Vec<Region>,
        aliases: &[(String, String)],
    ) -> Self {
        let mut index = RegionIndex {
            forms: vec![Vec::new(); regions.len()],
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
            names.push((split_kind_prefix(&r.name).1, i));
            if let Some(n) = &r.name_2025 {
                names.push((split_kind_prefix(n).1, i));
            }
        }
        for (name, i) in names {
            index.add_name(name_key(&name), i, true);
            index.forms[i].push(crate::names::NameForm::new(&name));
        }
        let mut sorted = aliases.to_vec();
        sorted.sort();
        sorted.dedup();
        for (code, alias) in &sorted {
            if let Some(&i) = index.by_code.get(code) {
                let key = alias_key(alias);
                if key.is_empty() {
                    continue;
                }
                index.add_name(key, i, false);
                let first = crate::names::name_variants(alias)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                index.forms[i].push(crate::names::NameForm::new(&split_kind_prefix(&first).1));
            }
        }
        index.aliases = sorted;
        index
    }

    fn add_name(&mut self, key: String, i: usize, official: bool) {
        let entry = self.by_name.entry(key).or_default();
        match entry.iter_mut().find(|(j, _)| *j == i) {
            Some(found) => found.1 |= official,
            None => entry.push((i, official)),
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

    /// Every alias held, as `(region code, alias)` sorted by code then alias (reference data:
    /// a ranking's fingerprint covers them).
    pub fn aliases(&self) -> &[(String, String)] {
        &self.aliases
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

    /// The districts an alias would also name (any kind, any province): an alias must name
    /// one district only.
    pub fn named_by(&self, alias: &str) -> Vec<&Region> {
        self.by_name
            .get(&alias_key(alias))
            .map(|found| found.iter().map(|&(i, _)| &self.regions[i]).collect())
            .unwrap_or_default()
    }

    fn candidate(&self, i: usize, score: f64) -> Candidate {
        let r = &self.regions[i];
        let province = self
            .province(&r.province_code)
            .map_or(r.province_code.as_str(), |p| p.name.as_str());
        Candidate {
            code: r.code.clone(),
            name: r.name.clone(),
            province_name: province.to_string(),
            // Three decimals: enough to order, and stable across platforms.
            score: (score * 1000.0).round() / 1000.0,
        }
    }

    fn exact(&self, found: &[usize]) -> Vec<Candidate> {
        found.iter().map(|&i| self.candidate(i, 1.0)).collect()
    }

    /// Resolves a row to exactly one district, or says why it cannot; never guesses.
    ///
    /// # Errors
    /// A [`ResolveError`] naming the column, the problem and the candidates.
    pub fn resolve(&self, q: &RegionQuery<'_>) -> std::result::Result<&Region, ResolveError> {
        self.resolve_detailed(q).map(|(r, _)| r)
    }

    /// As [`RegionIndex::resolve`], also saying how the row was matched. A row whose name is
    /// unknown gets the look-alike districts of its province (or of the country when it names
    /// none) as candidates, best first; they are suggestions and never resolve the row.
    ///
    /// # Errors
    /// A [`ResolveError`] naming the column, the problem and the candidates.
    pub fn resolve_detailed(
        &self,
        q: &RegionQuery<'_>,
    ) -> std::result::Result<(&Region, MatchedBy), ResolveError> {
        self.resolve_with(q, true)
    }

    /// As [`RegionIndex::resolve_detailed`]; without `suggest`, an unknown name gets no
    /// look-alikes (what bounds the work a file of many unknown names can cause).
    ///
    /// # Errors
    /// A [`ResolveError`] naming the column, the problem and the candidates.
    pub fn resolve_with(
        &self,
        q: &RegionQuery<'_>,
        suggest: bool,
    ) -> std::result::Result<(&Region, MatchedBy), ResolveError> {
        let explicit_kind = match nonempty(q.kind) {
            Some(k) => Some(
                RegionKind::parse(k)
                    .ok_or_else(|| ResolveError::new("kind", s::NOT_A_KIND.with("value", k)))?,
            ),
            None => None,
        };
        let name = nonempty(q.name);
        let province = match nonempty(q.province) {
            Some(p) => Some(self.province(p).ok_or_else(|| {
                ResolveError::new("province", s::UNKNOWN_PROVINCE.with("value", p))
                    .with(self.name_hints(name, explicit_kind, None))
            })?),
            None => None,
        };
        let province_code = province.map(|p| p.code.as_str());
        let by_code = match nonempty(q.code) {
            Some(code) => Some(
                self.resolve_code(code)
                    .map_err(|e| e.with(self.name_hints(name, explicit_kind, province_code)))?,
            ),
            None => None,
        };
        let by_bps = match nonempty(q.bps_code) {
            Some(bps) => Some(self.by_bps.get(bps).copied().ok_or_else(|| {
                ResolveError::new("bps_code", s::UNKNOWN_BPS_CODE.with("value", bps))
                    .with(self.name_hints(name, explicit_kind, province_code))
            })?),
            None => None,
        };
        if let (Some(a), Some(b)) = (by_code, by_bps)
            && a != b
        {
            return Err(ResolveError::new(
                "bps_code",
                s::CODES_DISAGREE
                    .with("code", self.regions[a].code.as_str())
                    .with("bps_code", self.regions[b].bps_code.as_str()),
            )
            .with(self.exact(&[a, b])));
        }
        let by_id = by_code
            .map(|i| (i, MatchedBy::Code))
            .or(by_bps.map(|i| (i, MatchedBy::BpsCode)));
        let Some(name) = name else {
            return by_id
                .map(|(i, m)| (&self.regions[i], m))
                .ok_or_else(|| ResolveError::new("code", &s::NO_DISTRICT_ID));
        };
        let found = self.match_name(name, explicit_kind, province_code);
        if let Some((i, matched_by)) = by_id {
            // A code wins, but a name that clearly means another district is a mistake in the file.
            if let Ok(Some((c, _))) = &found
                && !c.contains(&i)
            {
                let mut all = vec![i];
                all.extend(c.iter().copied());
                return Err(
                    ResolveError::new("name", s::NAME_NOT_CODE.with("name", name))
                        .with(self.exact(&all)),
                );
            }
            return Ok((&self.regions[i], matched_by));
        }
        match found? {
            Some((found, matched_by)) if found.len() == 1 => {
                Ok((&self.regions[found[0]], matched_by))
            }
            Some((many, _)) => Err(ResolveError::new(
                "name",
                s::AMBIGUOUS_NAME
                    .with("name", name)
                    .with("count", many.len()),
            )
            .with(self.exact(&many))),
            None => {
                let suggestions = if suggest {
                    self.suggest(name, explicit_kind, province_code)
                } else {
                    Vec::new()
                };
                let sentence = match (province, suggestions.first()) {
                    (None, None) => &s::UNKNOWN_NAME,
                    (Some(_), None) => &s::UNKNOWN_NAME_IN_PROVINCE,
                    (None, Some(_)) => &s::UNKNOWN_NAME_CLOSEST,
                    (Some(_), Some(_)) => &s::UNKNOWN_NAME_IN_PROVINCE_CLOSEST,
                };
                let mut message = sentence.with("name", name);
                if let Some(p) = province {
                    message = message.with("province", p.name.as_str());
                }
                if let Some(best) = suggestions.first() {
                    message = message
                        .with("closest_code", best.code.as_str())
                        .with("closest_name", best.name.as_str());
                }
                Err(ResolveError::new("name", message).with(suggestions))
            }
        }
    }

    /// Candidates for a row whose code or province is wrong: what its name means, else its
    /// look-alikes; none without a name.
    fn name_hints(
        &self,
        name: Option<&str>,
        kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> Vec<Candidate> {
        let Some(name) = name else {
            return Vec::new();
        };
        match self.match_name(name, kind, province_code) {
            Ok(Some((found, _))) => self.exact(&found),
            Err(e) => e.suggestions,
            Ok(None) => self.suggest(name, kind, province_code),
        }
    }

    fn resolve_code(&self, code: &str) -> std::result::Result<usize, ResolveError> {
        if let Some(&i) = self.by_code.get(code) {
            return Ok(i);
        }
        let sentence = if code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()) {
            &s::CODE_LOOKS_LIKE_BPS
        } else {
            &s::UNKNOWN_KEMENDAGRI_CODE
        };
        Err(ResolveError::new("code", sentence.with("value", code)))
    }

    /// The districts a written name means: each normalised form of it is tried in turn
    /// ([`crate::names::name_variants`]) and the first that matches wins. `None` when no form
    /// matches; an error when the name is ambiguous in a way only a kind column can settle.
    fn match_name(
        &self,
        name: &str,
        explicit_kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> std::result::Result<Option<(Vec<usize>, MatchedBy)>, ResolveError> {
        for variant in crate::names::name_variants(name) {
            let mut found = self.name_candidates(&variant, explicit_kind, province_code)?;
            if found.is_empty() {
                continue;
            }
            // A district's own name beats another's alias: reference tables truncate names
            // (the BPS bridge calls Ogan Komering Ulu Timur "OGAN KOMERING ULU").
            if found.iter().any(|(_, official)| *official) {
                found.retain(|(_, official)| *official);
            }
            let matched_by = if found.iter().all(|(_, official)| *official) {
                MatchedBy::Name
            } else {
                MatchedBy::Alias
            };
            return Ok(Some((
                found.into_iter().map(|(i, _)| i).collect(),
                matched_by,
            )));
        }
        Ok(None)
    }

    /// Candidate districts for one form of a name, honouring kind and province; ambiguity is
    /// an error. Each comes with whether its own name (not an alias) matched.
    fn name_candidates(
        &self,
        name: &str,
        explicit_kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> std::result::Result<Vec<(usize, bool)>, ResolveError> {
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
            let whole: Vec<(usize, bool)> = self
                .lookup(&name_key(name), None, province_code)
                .into_iter()
                .filter(|&(i, _)| RegionKind::parse(&self.regions[i].kind) != Some(p))
                .collect();
            if !whole.is_empty() {
                found.extend(whole);
                found.sort_unstable();
                found.dedup_by_key(|(i, _)| *i);
                if found.len() == 1 {
                    let ids: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
                    return Err(ResolveError::new(
                        "name",
                        s::KIND_OR_NAME
                            .with("name", name)
                            .with("word", name.split_whitespace().next().unwrap_or_default()),
                    )
                    .with(self.exact(&ids)));
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
    ) -> Vec<(usize, bool)> {
        self.by_name
            .get(key)
            .map(|found| {
                found
                    .iter()
                    .copied()
                    .filter(|&(i, _)| {
                        let r = &self.regions[i];
                        kind.is_none_or(|k| r.kind == k.as_str())
                            && province_code.is_none_or(|p| r.province_code == p)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The districts whose names look most like `name`, best first: within the province when
    /// one is given, among real (not demo) districts when the reference holds any. A row's
    /// kind (written or misspelt, as in `Kabupaen`) only orders them.
    pub fn suggest(
        &self,
        name: &str,
        explicit_kind: Option<RegionKind>,
        province_code: Option<&str>,
    ) -> Vec<Candidate> {
        let mut queries: Vec<(Option<RegionKind>, String, f64)> = Vec::new();
        for variant in crate::names::name_variants(name) {
            let (kind, rest) = split_kind_prefix(&variant);
            if kind.is_none()
                && let Some((misspelt, rest)) = crate::names::misspelt_kind(&variant)
            {
                queries.push((Some(misspelt), name_key(&rest), MISSPELT_KIND));
            }
            queries.push((kind, name_key(&rest), 1.0));
        }
        let any_real = self.regions.iter().any(|r| !r.demo);
        let mut scored: Vec<(f64, usize)> = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| province_code.is_none_or(|p| r.province_code == p))
            .filter(|(_, r)| !(any_real && r.demo))
            .map(|(i, r)| {
                let best = queries
                    .iter()
                    .map(|(kind, key, weight)| {
                        let s = weight
                            * self.forms[i]
                                .iter()
                                .map(|f| crate::names::similarity(key, f))
                                .fold(0.0, f64::max);
                        match explicit_kind.or(*kind) {
                            Some(k) if r.kind != k.as_str() => s * OTHER_KIND,
                            _ => s,
                        }
                    })
                    .fold(0.0, f64::max);
                (best, i)
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.regions[a.1].code.cmp(&self.regions[b.1].code))
        });
        scored
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(s, i)| self.candidate(i, s))
            .collect()
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
                entity: &s::REGION,
                id: code.into(),
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
            err.message.to_string().contains("looks like a BPS code"),
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

    fn sumut() -> RegionIndex {
        let provinces = vec![Province {
            code: "12".into(),
            bps_code: "12".into(),
            name: "Sumatera Utara".into(),
        }];
        let regions = vec![
            region("12.01", "1204", "KAB. TAPANULI TENGAH", "kabupaten"),
            region("12.02", "1205", "KAB. TAPANULI UTARA", "kabupaten"),
            region("12.03", "1203", "KAB. TAPANULI SELATAN", "kabupaten"),
            region("12.07", "1212", "KAB. DELI SERDANG", "kabupaten"),
            region("12.08", "1209", "KAB. SIMALUNGUN", "kabupaten"),
            region("12.18", "1218", "KAB. SERDANG BEDAGAI", "kabupaten"),
            region("12.22", "1222", "KAB. LABUHANBATU SELATAN", "kabupaten"),
            region("12.73", "1271", "KOTA SIBOLGA", "kota"),
        ];
        RegionIndex::new(
            provinces,
            regions,
            &[
                ("12.01".into(), "Tapteng".into()),
                // A truncated name from a reference table, as the BPS bridge has them.
                ("12.22".into(), "KAB. DELI SERDANG".into()),
            ],
        )
    }

    fn codes(candidates: &[Candidate]) -> Vec<&str> {
        candidates.iter().map(|c| c.code.as_str()).collect()
    }

    #[test]
    fn an_unknown_name_lists_the_look_alikes_of_its_province_best_first() {
        let idx = sumut();
        for (typo, best) in [
            ("Serdnag Bedagia", "12.18"),
            ("Tapanuli Tengha", "12.01"),
            ("Tapanuli Utra", "12.02"),
            ("Simalungn", "12.08"),
            ("Kota Siboga", "12.73"),
        ] {
            let err = idx
                .resolve(&by_name(typo, Some("Sumatera Utara"), None))
                .unwrap_err();
            assert_eq!(err.field, "name");
            assert_eq!(
                err.suggestions[0].code, best,
                "{typo}: {:?}",
                err.suggestions
            );
            let scores: Vec<f64> = err.suggestions.iter().map(|c| c.score).collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
            assert!(
                scores[0] < 1.0 && scores[0] > scores[1],
                "{typo}: {scores:?}"
            );
            assert_eq!(err.suggestions.len(), SUGGESTIONS);
            assert_eq!(err.candidates[0], err.suggestions[0].describe());
        }
    }

    #[test]
    fn a_misspelt_kabupaten_is_suggested_and_never_accepted() {
        let idx = sumut();
        let err = idx
            .resolve(&by_name(
                "Kabupaen Simalungun",
                Some("Sumatera Utara"),
                None,
            ))
            .unwrap_err();
        assert_eq!(codes(&err.suggestions)[0], "12.08");
        assert!(err.suggestions[0].score < 1.0);
        assert!(
            err.message
                .to_string()
                .contains("closest: 12.08 KAB. SIMALUNGUN"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_syllable_abbreviation_not_in_the_list_is_suggested_first() {
        let idx = sumut();
        let err = idx
            .resolve(&by_name("Tapsel", Some("Sumatera Utara"), None))
            .unwrap_err();
        assert_eq!(codes(&err.suggestions)[0], "12.03", "{:?}", err.suggestions);
    }

    #[test]
    fn a_match_says_whether_the_name_or_an_alias_named_the_district() {
        let idx = sumut();
        let matched = |name: &str| {
            idx.resolve_detailed(&by_name(name, Some("Sumatera Utara"), None))
                .map(|(r, m)| (r.code.clone(), m))
        };
        assert_eq!(matched("Tapteng"), Ok(("12.01".into(), MatchedBy::Alias)));
        assert_eq!(
            matched("Tapanuli Tengah (Tapteng)"),
            Ok(("12.01".into(), MatchedBy::Name))
        );
        assert_eq!(
            matched("Central Tapanuli Regency"),
            Ok(("12.01".into(), MatchedBy::Name))
        );
        assert_eq!(
            matched("Kabupaten Tapanuli Tengah – Pandan"),
            Ok(("12.01".into(), MatchedBy::Name))
        );
        // A district's own name beats another district's (truncated) alias.
        assert_eq!(
            matched("Kab. Deli Serdang"),
            Ok(("12.07".into(), MatchedBy::Name))
        );
        let q = RegionQuery {
            code: Some("12.18"),
            ..Default::default()
        };
        assert_eq!(idx.resolve_detailed(&q).unwrap().1, MatchedBy::Code);
    }

    #[test]
    fn without_a_province_the_look_alikes_come_from_the_whole_country() {
        let idx = index();
        let err = idx
            .resolve(&by_name("Serdang Bedagi", None, None))
            .unwrap_err();
        assert_eq!(err.suggestions[0].code, "12.18");
        assert_eq!(err.suggestions.len(), 5);
    }

    #[test]
    fn province_short_and_english_forms_are_known() {
        let idx = index();
        for p in [
            "Sumut",
            "North Sumatra",
            "Prov. Sumatera Utara",
            "SUMATERA UTARA",
            "12",
        ] {
            assert_eq!(idx.province(p).map(|p| p.code.as_str()), Some("12"), "{p}");
        }
        assert_eq!(
            idx.province("West Java").map(|p| p.code.as_str()),
            Some("32")
        );
        assert_eq!(idx.province("Kalsel").map(|p| p.code.as_str()), Some("63"));
    }
}
