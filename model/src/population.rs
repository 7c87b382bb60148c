//! Population counts per district (kind `population`): the under-five population (`under5`,
//! the default indicator) and any other count an importer names (e.g. `total`).
//!
//! The ranking reads them through [`latest_under5`], which picks the dataset the same way
//! the stunting/SPBE join picks its datasets.

use std::collections::HashMap;

use crate::dataset::{Dataset, DatasetKind};
use crate::db::DbConnection;
use crate::error::Result;

/// The default population indicator: children under five (balita).
pub const UNDER5: &str = "under5";

/// Years that have a population dataset with this indicator, newest first.
///
/// # Errors
/// `ModelError::Database`.
pub fn years(conn: &mut DbConnection, indicator: &str) -> Result<Vec<i32>> {
    Dataset::years(conn, DatasetKind::Population, Some(indicator))
}

/// The current population dataset for `indicator` and its counts by Kemendagri code.
///
/// The year is the latest population year ≤ `year` when `year` is given (pass the stunting
/// year the ranking uses), else the latest population year. Within that year the dataset is
/// chosen as the join chooses stunting and SPBE datasets ([`Dataset::current`]): the newest
/// real import, else the newest demo one. `None` when no population dataset qualifies.
///
/// # Errors
/// `ModelError::Database`.
pub fn current(
    conn: &mut DbConnection,
    indicator: &str,
    year: Option<i32>,
) -> Result<Option<(Dataset, HashMap<String, i64>)>> {
    let years = years(conn, indicator)?;
    let Some(picked) = years
        .into_iter()
        .find(|y| year.is_none_or(|limit| *y <= limit))
    else {
        return Ok(None);
    };
    let Some(dataset) = Dataset::current(conn, DatasetKind::Population, picked, Some(indicator))?
    else {
        return Ok(None);
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "imports store whole counts below 2^53"
    )]
    let counts = dataset
        .observations(conn)?
        .into_iter()
        .map(|o| (o.region_code, o.value.round() as i64))
        .collect();
    Ok(Some((dataset, counts)))
}

/// The current under-five population dataset and its counts by Kemendagri code (see
/// [`current`]): for a ranking of stunting year `Y` pass `Some(Y)` to get the latest
/// under-five counts of year ≤ `Y`; `None` for the latest year. Returns `Ok(None)` when no
/// under-five population has been imported (or none up to that year).
///
/// ```no_run
/// # let pool = model::db::connect_and_migrate("sqlite://lokus.db")?;
/// # let mut conn = pool.get()?;
/// if let Some((dataset, under5)) = model::population::latest_under5(&mut conn, Some(2022))? {
///     println!("{} under-fives in 11.40 ({}, demo: {})", under5["11.40"], dataset.source, dataset.demo);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `ModelError::Database`.
pub fn latest_under5(
    conn: &mut DbConnection,
    year: Option<i32>,
) -> Result<Option<(Dataset, HashMap<String, i64>)>> {
    current(conn, UNDER5, year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelError;
    use crate::import::{Format, ImportRequest, import};

    fn demo_db() -> (tempfile::TempDir, crate::db::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let pool = crate::db::connect_and_migrate(&url).unwrap();
        let mut conn = pool.get().unwrap();
        crate::seed::sync_reference(&mut conn).unwrap();
        crate::seed::load_demo(&mut conn).unwrap();
        (dir, pool)
    }

    static TEST_ACTOR: std::sync::LazyLock<crate::audit::Actor> =
        std::sync::LazyLock::new(|| crate::audit::Actor::local("test"));

    fn population<'a>(
        year: i32,
        indicator: Option<&'a str>,
        csv: &'a str,
        demo: bool,
    ) -> ImportRequest<'a> {
        ImportRequest {
            kind: DatasetKind::Population,
            year: Some(year),
            source: Some("test"),
            indicator,
            format: Some(Format::Csv),
            content: csv.as_bytes(),
            demo,
            actor: &TEST_ACTOR,
            limits: crate::import::Limits::default(),
            publish: Some(crate::dataset::PublishOptions::direct(true)),
        }
    }

    #[test]
    fn the_demo_under5_population_is_loaded_and_found() {
        let (_dir, pool) = demo_db();
        let mut conn = pool.get().unwrap();
        let (dataset, counts) = latest_under5(&mut conn, None).unwrap().unwrap();
        assert_eq!(dataset.kind, "population");
        assert_eq!(dataset.year, Some(2022));
        assert_eq!(dataset.indicator.as_deref(), Some("under5"));
        assert!(dataset.demo);
        assert!(dataset.source.contains("synthetic"));
        assert_eq!(counts.len(), 514);
        let total: i64 = counts.values().sum();
        assert!((21_000_000..=23_000_000).contains(&total), "{total}");
        // The stunting year bounds the population year; nothing before 2022 exists.
        assert!(latest_under5(&mut conn, Some(2022)).unwrap().is_some());
        assert!(latest_under5(&mut conn, Some(2030)).unwrap().is_some());
        assert!(latest_under5(&mut conn, Some(2021)).unwrap().is_none());
    }

    #[test]
    fn real_data_wins_over_demo_and_the_year_is_the_latest_not_after_the_stunting_year() {
        let (_dir, pool) = demo_db();
        let mut conn = pool.get().unwrap();
        let real_2022 = import(
            &mut conn,
            &population(
                2022,
                None,
                "code,jumlah_balita\n11.40,1000\n11.41,2000\n",
                false,
            ),
        )
        .unwrap()
        .dataset;
        assert_eq!(real_2022.indicator.as_deref(), Some("under5"));
        let real_2024 = import(
            &mut conn,
            &population(
                2024,
                Some("under5"),
                "code,balita\n11.40,\"1.500\"\n",
                false,
            ),
        )
        .unwrap()
        .dataset;
        // A newer demo import of 2022 does not displace the real one.
        import(
            &mut conn,
            &population(2022, None, "code,value\n11.40,7\n", true),
        )
        .unwrap();
        // Another indicator is kept apart.
        import(
            &mut conn,
            &population(2025, Some("total"), "code,populasi\n11.40,500000\n", false),
        )
        .unwrap();

        let (d, counts) = latest_under5(&mut conn, None).unwrap().unwrap();
        assert_eq!(d.id, real_2024.id);
        assert_eq!(counts.get("11.40"), Some(&1500));
        let (d, counts) = latest_under5(&mut conn, Some(2023)).unwrap().unwrap();
        assert_eq!(d.id, real_2022.id);
        assert_eq!(
            counts,
            HashMap::from([("11.40".into(), 1000), ("11.41".into(), 2000)])
        );
        let (d, counts) = current(&mut conn, "total", None).unwrap().unwrap();
        assert_eq!(d.year, Some(2025));
        assert_eq!(counts["11.40"], 500_000);
        assert!(current(&mut conn, "total", Some(2024)).unwrap().is_none());
        assert_eq!(years(&mut conn, UNDER5).unwrap(), vec![2024, 2022]);
    }

    #[test]
    fn population_values_must_be_whole_and_not_negative() {
        let (_dir, pool) = demo_db();
        let mut conn = pool.get().unwrap();
        let csv = "code;Jumlah\n11.40;12,5\n11.41;-3\n11.42;abc\n11.43;40\n";
        let err = import(&mut conn, &population(2023, None, csv, false)).unwrap_err();
        let ModelError::InvalidRows(rows) = err else {
            panic!("unexpected {err:?}")
        };
        let located: Vec<(usize, Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| (r.line, r.field.as_deref(), r.column.as_deref()))
            .collect();
        assert_eq!(
            located,
            vec![
                (2, Some("value"), Some("Jumlah")),
                (3, Some("value"), Some("Jumlah")),
                (4, Some("value"), Some("Jumlah")),
            ]
        );
        assert!(rows[0].message.contains("whole"), "{}", rows[0].message);
        assert!(rows[1].message.contains("negative"), "{}", rows[1].message);
        assert!(rows.iter().all(|r| r.cell.is_none()), "no cells in CSV");
        assert!(
            years(&mut conn, UNDER5).unwrap() == vec![2022],
            "nothing written"
        );
    }

    #[test]
    fn a_population_file_needs_a_value_column() {
        let (_dir, pool) = demo_db();
        let mut conn = pool.get().unwrap();
        let err = import(
            &mut conn,
            &population(2023, None, "code,prevalence\n11.40,3\n", false),
        )
        .unwrap_err();
        let ModelError::InvalidRows(rows) = err else {
            panic!("unexpected {err:?}")
        };
        assert_eq!(rows[0].line, 1);
        assert!(
            rows[0].message.contains("jumlah_balita"),
            "{}",
            rows[0].message
        );
    }
}
