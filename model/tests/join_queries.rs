//! The join reads each dataset once: its number of queries does not grow with the number of
//! districts (no query per district). One test in its own binary, because the query counter is
//! process-wide.

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use model::analysis::{JoinRequest, JoinedData};
use model::dataset::DatasetKind;
use model::import::{Format, ImportRequest, import};

static QUERIES: AtomicUsize = AtomicUsize::new(0);

fn counting() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            QUERIES.fetch_add(1, Ordering::Relaxed);
        }
    }))
}

/// Queries the join of the database at `url` makes.
fn queries_of_join(pool: &model::db::DbPool) -> (usize, usize) {
    let mut conn = pool.get().expect("connection");
    let before = QUERIES.load(Ordering::Relaxed);
    let joined = JoinedData::load(&mut conn, &JoinRequest::default()).expect("join");
    (
        QUERIES.load(Ordering::Relaxed) - before,
        joined.districts.len(),
    )
}

fn import_csv(conn: &mut model::db::DbConnection, kind: DatasetKind, year: Option<i32>, csv: &str) {
    import(
        conn,
        &ImportRequest {
            kind,
            year,
            source: Some("test"),
            indicator: kind.default_indicator(),
            format: Some(Format::Csv),
            content: csv.as_bytes(),
            demo: false,
            actor: &model::audit::Actor::local("test"),
            limits: model::import::Limits::default(),
            publish: Some(model::dataset::PublishOptions::direct(true)),
        },
    )
    .expect("import");
}

#[test]
fn the_join_makes_as_many_queries_for_514_districts_as_for_4() {
    diesel::connection::set_default_instrumentation(counting).expect("instrumentation");
    let dir = tempfile::tempdir().expect("temp dir");

    let demo = model::db::connect_and_migrate(&format!(
        "sqlite://{}",
        dir.path().join("demo.db").display()
    ))
    .expect("database");
    {
        let mut conn = demo.get().expect("connection");
        model::seed::sync_reference(&mut conn).expect("reference");
        model::seed::load_demo_if_empty(&mut conn).expect("demo");
    }

    let small = model::db::connect_and_migrate(&format!(
        "sqlite://{}",
        dir.path().join("small.db").display()
    ))
    .expect("database");
    {
        let mut conn = small.get().expect("connection");
        model::seed::sync_reference(&mut conn).expect("reference");
        import_csv(
            &mut conn,
            DatasetKind::Regions,
            None,
            "code,bps_code,name,kind,province_code\n11.40,1140,Kabupaten Satu,kabupaten,11\n11.41,1141,Kabupaten Dua,kabupaten,11\n11.42,1142,Kabupaten Tiga,kabupaten,11\n11.43,1143,Kabupaten Empat,kabupaten,11\n",
        );
        let rows = "11.40,30\n11.41,20\n11.42,10\n11.43,5\n";
        import_csv(
            &mut conn,
            DatasetKind::Stunting,
            Some(2022),
            &format!("code,prevalence\n{rows}"),
        );
        import_csv(
            &mut conn,
            DatasetKind::Stunting,
            Some(2021),
            &format!("code,prevalence\n{rows}"),
        );
        import_csv(
            &mut conn,
            DatasetKind::Spbe,
            Some(2022),
            "code,index\n11.40,2\n11.41,3\n11.42,4\n11.43,5\n",
        );
        import_csv(
            &mut conn,
            DatasetKind::Population,
            Some(2022),
            "code,value\n11.40,1\n11.41,2\n11.42,3\n11.43,4\n",
        );
    }

    let (demo_queries, demo_districts) = queries_of_join(&demo);
    let (small_queries, small_districts) = queries_of_join(&small);
    assert_eq!((demo_districts, small_districts), (514, 4));
    assert!(demo_queries > 0, "the counter saw no query");
    assert_eq!(
        demo_queries, small_queries,
        "the join's queries grow with the districts: {demo_queries} for 514, {small_queries} for 4"
    );
    println!("the join makes {demo_queries} queries, for 4 districts as for 514");
}
