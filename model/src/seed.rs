//! Data that ships with Lokus: the province list, known aliases, and the synthetic demo set.

use diesel::prelude::*;

use crate::alias::AliasSource;
use crate::dataset::DatasetKind;
use crate::db::DbConnection;
use crate::db::schema::{datasets, provinces, region_aliases};
use crate::demo::DemoData;
use crate::error::{ModelError, Result};
use crate::import::{Format, ImportRequest, import};
use crate::region::{Province, shipped_aliases};

/// The shipped province list (Kemendagri 2022 codes, 34 provinces), as CSV text.
pub const PROVINCES_CSV: &str = include_str!("../../seeds/provinces.csv");

/// A province row with the number of districts of each kind (drives the demo generator).
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceSeed {
    /// The province.
    pub province: Province,
    /// Number of kabupaten.
    pub kabupaten: usize,
    /// Number of kota.
    pub kota: usize,
}

/// Parses the shipped province list.
pub fn province_seeds() -> Vec<ProvinceSeed> {
    let mut reader = csv::Reader::from_reader(PROVINCES_CSV.as_bytes());
    reader
        .records()
        .filter_map(std::result::Result::ok)
        .map(|r| ProvinceSeed {
            province: Province {
                code: r[0].to_string(),
                bps_code: r[1].to_string(),
                name: r[2].to_string(),
            },
            kabupaten: r[3].parse().unwrap_or(0),
            kota: r[4].parse().unwrap_or(0),
        })
        .collect()
}

/// Inserts shipped provinces and aliases that are missing; safe to run on every start.
///
/// # Errors
/// `ModelError::Database`.
pub fn sync_reference(conn: &mut DbConnection) -> Result<()> {
    conn.transaction::<_, ModelError, _>(|conn| {
        for seed in province_seeds() {
            let exists: i64 = provinces::table
                .filter(provinces::code.eq(&seed.province.code))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                diesel::insert_into(provinces::table)
                    .values(&seed.province)
                    .execute(conn)?;
            }
        }
        for (code, alias) in shipped_aliases() {
            let source: Option<String> = region_aliases::table
                .filter(region_aliases::region_code.eq(&code))
                .filter(region_aliases::alias.eq(&alias))
                .select(region_aliases::source)
                .first(conn)
                .optional()?;
            match source.as_deref() {
                None => {
                    diesel::insert_into(region_aliases::table)
                        .values((
                            region_aliases::region_code.eq(&code),
                            region_aliases::alias.eq(&alias),
                            region_aliases::source.eq(AliasSource::Seed.as_str()),
                        ))
                        .execute(conn)?;
                }
                // Held before the seed list named it (a regions import, or before sources
                // were kept): it ships now. An editor's own alias keeps its author.
                Some("reference") => {
                    diesel::update(
                        region_aliases::table
                            .filter(region_aliases::region_code.eq(&code))
                            .filter(region_aliases::alias.eq(&alias)),
                    )
                    .set(region_aliases::source.eq(AliasSource::Seed.as_str()))
                    .execute(conn)?;
                }
                Some(_) => {}
            }
        }
        Ok(())
    })
}

/// Loads the synthetic demo data set when the database holds no dataset at all.
///
/// Returns true when it loaded the demo data.
///
/// # Errors
/// As [`import`].
pub fn load_demo_if_empty(conn: &mut DbConnection) -> Result<bool> {
    let count: i64 = datasets::table.count().get_result(conn)?;
    if count > 0 {
        return Ok(false);
    }
    load_demo(conn)?;
    Ok(true)
}

/// Imports the demo data set through the ordinary importer (idempotent).
///
/// # Errors
/// As [`import`].
pub fn load_demo(conn: &mut DbConnection) -> Result<()> {
    let demo = DemoData::generate();
    let tables = [
        (DatasetKind::Regions, None, demo.regions_csv()),
        (DatasetKind::Stunting, Some(demo.year), demo.stunting_csv()),
        (DatasetKind::Spbe, Some(demo.year), demo.spbe_csv()),
        (
            DatasetKind::Population,
            Some(demo.year),
            demo.population_csv(),
        ),
        (
            DatasetKind::Stunting,
            Some(demo.year - 1),
            demo.previous_stunting_csv(),
        ),
    ];
    let source = "Lokus synthetic demo data (generated, not official statistics)".to_string();
    let mut tables: Vec<_> = tables
        .into_iter()
        .map(|(kind, year, csv)| (kind, year, csv, kind.default_indicator(), source.clone()))
        .collect();
    // The follow-up year with a planted effect, for evaluations only: marked so that the
    // ranking keeps reading the demo's own year (see `crate::demo::EVALUATION_ONLY`).
    tables.push((
        DatasetKind::Stunting,
        Some(crate::demo::OUTCOME_YEAR),
        demo.outcome_stunting_csv()?,
        Some(crate::demo::EVALUATION_ONLY),
        DemoData::outcome_source(),
    ));
    for (kind, year, csv, indicator, source) in tables {
        import(
            conn,
            &ImportRequest {
                kind,
                year,
                source: Some(&source),
                indicator,
                format: Some(Format::Csv),
                content: csv.as_bytes(),
                demo: true,
                actor: &crate::audit::Actor::local("system"),
                limits: crate::import::Limits::default(),
                // The system publishes its own demo data: there is no second person to ask.
                publish: Some(crate::dataset::PublishOptions::direct(true)),
            },
        )?;
    }
    Ok(())
}
