//! Aliases of districts: other names tables use for them (abbreviations, former names, English
//! and short forms). Shipped ones come from `seeds/aliases.csv`, reference ones from a regions
//! import's columns, and editors add their own (`POST /api/v1/aliases`), audited. Aliases are
//! reference data: a ranking's fingerprint covers them, and adding one changes the data version.

use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::{region_aliases, regions};
use crate::error::{ModelError, Result};
use crate::region::{RegionIndex, alias_key};
use crate::sentences as s;

/// Where an alias comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AliasSource {
    /// Shipped with Lokus in `seeds/aliases.csv` (sources stated in seeds/README.md).
    Seed,
    /// From a column of a regions import (BPS names, 2025 names, an `aliases` column).
    Reference,
    /// Added by an editor through the API or the page.
    User,
}

impl AliasSource {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AliasSource::Seed => "seed",
            AliasSource::Reference => "reference",
            AliasSource::User => "user",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<AliasSource> {
        match text {
            "seed" => Some(AliasSource::Seed),
            "reference" => Some(AliasSource::Reference),
            "user" => Some(AliasSource::User),
            _ => None,
        }
    }
}

/// One alias as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Alias {
    /// The other name, as written, e.g. `Tapteng`.
    pub alias: String,
    /// Kemendagri code of the district it names, e.g. `12.01`.
    pub code: String,
    /// The district's official name, e.g. `KAB. TAPANULI TENGAH`.
    pub name: String,
    /// Where it comes from: `seed`, `reference` or `user`.
    pub source: AliasSource,
    /// For `user` aliases: the token label of the editor who added it.
    pub added_by: Option<String>,
    /// For `user` aliases: when it was added (RFC 3339 UTC).
    pub added_at: Option<String>,
}

/// Filters of the alias list.
#[derive(Debug, Clone, Default)]
pub struct AliasQuery {
    /// Only aliases of this district.
    pub code: Option<String>,
    /// Only aliases from this source.
    pub source: Option<AliasSource>,
}

/// Longest alias accepted, in characters.
pub const MAX_ALIAS_CHARS: usize = 200;
/// Most aliases one request may add.
pub const MAX_ALIASES_PER_REQUEST: usize = 1000;

type AliasRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// One page of aliases (ordered by district code, then alias) and how many match in all.
///
/// # Errors
/// `ModelError::Database`.
pub fn list(
    conn: &mut DbConnection,
    query: &AliasQuery,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Alias>, i64)> {
    let filtered = || {
        let mut q = region_aliases::table
            .inner_join(regions::table.on(regions::code.eq(region_aliases::region_code)))
            .into_boxed();
        if let Some(code) = &query.code {
            q = q.filter(region_aliases::region_code.eq(code.clone()));
        }
        if let Some(source) = query.source {
            q = q.filter(region_aliases::source.eq(source.as_str()));
        }
        q
    };
    let total = filtered().count().get_result::<i64>(conn)?;
    let rows: Vec<AliasRow> = filtered()
        .order((region_aliases::region_code, region_aliases::alias))
        .limit(limit)
        .offset(offset)
        .select((
            region_aliases::alias,
            region_aliases::region_code,
            regions::name,
            region_aliases::source,
            region_aliases::added_by,
            region_aliases::added_at,
        ))
        .load(conn)?;
    Ok((rows.into_iter().map(to_alias).collect(), total))
}

fn to_alias((alias, code, name, source, added_by, added_at): AliasRow) -> Alias {
    Alias {
        alias,
        code,
        name,
        source: AliasSource::parse(&source).unwrap_or(AliasSource::Reference),
        added_by,
        added_at,
    }
}

/// One alias to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlias {
    /// The other name, as written.
    pub alias: String,
    /// Kemendagri code of the district.
    pub code: String,
}

/// What [`add`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    /// Every alias of the request as now stored, in request order.
    pub aliases: Vec<Alias>,
    /// How many were new (the others were known already and left as they were).
    pub created: usize,
}

/// Adds aliases, all or none, with one audit row (`add_alias`) per new alias.
///
/// An alias already known for the same district is left as it is. An alias whose normalised
/// form names another district (by its name or an alias), or that two entries of the request
/// give to two districts, is refused: `alias_conflict`, nothing written.
///
/// # Errors
/// `ModelError::Invalid` with `invalid_alias` (empty, too long, too many), `unknown_region`
/// (a code not in the reference) or `alias_conflict`; `ModelError::Database`.
pub fn add(conn: &mut DbConnection, actor: &Actor, entries: &[NewAlias]) -> Result<Added> {
    if entries.is_empty() {
        return Err(ModelError::invalid("invalid_alias", &s::NO_ALIASES));
    }
    if entries.len() > MAX_ALIASES_PER_REQUEST {
        return Err(ModelError::invalid(
            "invalid_alias",
            s::TOO_MANY_ALIASES
                .with("max", MAX_ALIASES_PER_REQUEST)
                .with("count", entries.len()),
        ));
    }
    for (n, e) in entries.iter().enumerate() {
        let item = n + 1;
        let chars = e.alias.trim().chars().count();
        if chars > MAX_ALIAS_CHARS {
            return Err(ModelError::invalid(
                "invalid_alias",
                s::ALIAS_TOO_LONG
                    .with("item", item)
                    .with("max", MAX_ALIAS_CHARS)
                    .with("length", chars),
            ));
        }
        if alias_key(&e.alias).is_empty() {
            return Err(ModelError::invalid(
                "invalid_alias",
                s::ALIAS_WITHOUT_LETTERS
                    .with("item", item)
                    .with("alias", e.alias.as_str()),
            ));
        }
    }
    crate::db::with_write_lock(conn, |conn| {
        // Every check reads before the transaction, which then only writes: a SQLite
        // transaction that reads first fails (busy) if it must upgrade to a write lock while
        // another connection writes (a token's last use, say), instead of waiting.
        let index = RegionIndex::load(conn)?;
        let mut planned: Vec<(String, &NewAlias)> = Vec::new();
        let mut out: Vec<Option<Alias>> = Vec::new();
        let mut new: Vec<(usize, String, String, String)> = Vec::new();
        for (n, e) in entries.iter().enumerate() {
            let item = n + 1;
            let alias = e.alias.trim().to_string();
            let code = e.code.trim();
            let Some(region) = index.by_code(code) else {
                return Err(ModelError::invalid(
                    "unknown_region",
                    s::ALIAS_FOR_UNKNOWN_REGION
                        .with("item", item)
                        .with("code", code),
                ));
            };
            let key = alias_key(&alias);
            if let Some((_, other)) = planned
                .iter()
                .find(|(k, other)| *k == key && other.code.trim() != code)
            {
                return Err(ModelError::invalid(
                    "alias_conflict",
                    s::ALIAS_GIVEN_TWICE
                        .with("alias", alias.as_str())
                        .with("first", other.code.trim())
                        .with("second", code),
                ));
            }
            planned.push((key, e));
            if let Some(other) = index
                .named_by(&alias)
                .iter()
                .find(|r| r.code != region.code)
            {
                return Err(ModelError::invalid(
                    "alias_conflict",
                    s::ALIAS_NAMES_ANOTHER
                        .with("alias", alias.as_str())
                        .with("code", other.code.as_str())
                        .with("name", other.name.as_str()),
                ));
            }
            let existing: Option<AliasRow> = region_aliases::table
                .inner_join(regions::table.on(regions::code.eq(region_aliases::region_code)))
                .filter(region_aliases::region_code.eq(code))
                .filter(region_aliases::alias.eq(&alias))
                .select((
                    region_aliases::alias,
                    region_aliases::region_code,
                    regions::name,
                    region_aliases::source,
                    region_aliases::added_by,
                    region_aliases::added_at,
                ))
                .first(conn)
                .optional()?;
            match existing {
                Some(row) => out.push(Some(to_alias(row))),
                None if new.iter().any(|(_, a, c, _)| *a == alias && c == code) => {
                    out.push(None);
                }
                None => {
                    new.push((out.len(), alias, code.to_string(), region.name.clone()));
                    out.push(None);
                }
            }
        }
        let at = now_rfc3339();
        conn.transaction::<_, ModelError, _>(|conn| {
            for (_, alias, code, name) in &new {
                diesel::insert_into(region_aliases::table)
                    .values((
                        region_aliases::region_code.eq(code),
                        region_aliases::alias.eq(alias),
                        region_aliases::source.eq(AliasSource::User.as_str()),
                        region_aliases::added_by.eq(&actor.name),
                        region_aliases::added_at.eq(&at),
                    ))
                    .execute(conn)?;
                AuditEntry::record(
                    conn,
                    actor,
                    "add_alias",
                    &format!("region:{code}"),
                    &format!("alias '{alias}' for {code} {name}"),
                )?;
            }
            Ok(())
        })?;
        let stored = |alias: &str, code: &str, name: &str| Alias {
            alias: alias.to_string(),
            code: code.to_string(),
            name: name.to_string(),
            source: AliasSource::User,
            added_by: Some(actor.name.clone()),
            added_at: Some(at.clone()),
        };
        let aliases = out
            .into_iter()
            .zip(entries)
            .map(|(known, e)| {
                known.unwrap_or_else(|| {
                    let (alias, code) = (e.alias.trim(), e.code.trim());
                    let name = new
                        .iter()
                        .find(|(_, a, c, _)| a == alias && c == code)
                        .map_or("", |(_, _, _, n)| n.as_str());
                    stored(alias, code, name)
                })
            })
            .collect();
        Ok(Added {
            aliases,
            created: new.len(),
        })
    })
}

/// The newest alias id (0 without any): aliases are reference data, so adding one is a
/// change of the data that cached answers depend on.
///
/// # Errors
/// `ModelError::Database`.
pub fn latest_id(conn: &mut DbConnection) -> Result<i32> {
    Ok(region_aliases::table
        .select(diesel::dsl::max(region_aliases::id))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}
