//! The same storage checks on SQLite and, when LOKUS_TEST_POSTGRES_URL is set, PostgreSQL.

use api::config::Settings;
use api::startup::prepare_database;
use diesel::{Connection, RunQueryDsl};
use model::dataset::{Dataset, DatasetKind};
use model::import::{ImportRequest, import};
use model::run::RankingRun;
use model::token::{ApiToken, Role};

use crate::helpers::shared_data;

static TEST_ACTOR: std::sync::LazyLock<model::audit::Actor> =
    std::sync::LazyLock::new(|| model::audit::Actor::local("test"));

fn request<'a>(kind: DatasetKind, year: Option<i32>, content: &'a [u8]) -> ImportRequest<'a> {
    ImportRequest {
        kind,
        year,
        source: Some("storage test"),
        indicator: None,
        format: None,
        content,
        demo: false,
        actor: &TEST_ACTOR,
        limits: model::import::Limits::default(),
        publish: Some(model::dataset::PublishOptions::direct(true)),
    }
}

/// Runs every storage path against one database URL.
fn exercise_storage(url: &str) {
    let settings = Settings {
        database_url: url.to_string(),
        ..Settings::default()
    };
    let pool = prepare_database(&settings).expect("prepare");
    let mut conn = pool.get().unwrap();
    assert!(model::db::migrations_are_current(&mut conn).unwrap());
    assert_eq!(
        Dataset::list(&mut conn).unwrap().len(),
        6,
        "demo regions, stunting, spbe, population, stunting of the year before, outcome year"
    );
    drop(conn);
    // A second start neither re-migrates nor reloads the demo data.
    let pool = prepare_database(&settings).expect("prepare again");
    let mut conn = pool.get().unwrap();
    assert_eq!(Dataset::list(&mut conn).unwrap().len(), 6);

    if let Some(path) = shared_data("regions.csv") {
        let bytes = std::fs::read(path).unwrap();
        let outcome = import(&mut conn, &request(DatasetKind::Regions, None, &bytes)).unwrap();
        assert!(outcome.created);
        assert_eq!(outcome.dataset.row_count, 514);
        let index = model::region::RegionIndex::load(&mut conn).unwrap();
        let sergai = index.by_code("12.18").unwrap();
        assert_eq!(
            (sergai.name.as_str(), sergai.bps_code.as_str()),
            ("KAB. SERDANG BEDAGAI", "1218")
        );
        assert_eq!(index.regions().iter().filter(|r| !r.demo).count(), 514);
    }

    let csv = b"code,prevalence,se,n,method\n11.40,20.5,1.5,400,direct\n11.41,18.25,,,sae\n";
    let first = import(&mut conn, &request(DatasetKind::Stunting, Some(2024), csv)).unwrap();
    let again = import(&mut conn, &request(DatasetKind::Stunting, Some(2024), csv)).unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.dataset.id, again.dataset.id);
    let observations = first.dataset.observations(&mut conn).unwrap();
    assert_eq!(observations.len(), 2);
    assert_eq!(
        (observations[0].value, observations[0].se, observations[0].n),
        (20.5, Some(1.5), Some(400))
    );
    assert_eq!(observations[1].method.as_deref(), Some("sae"));

    let before = Dataset::list(&mut conn).unwrap().len();
    let bad = b"code,prevalence\n11.40,20\n11.41,-3\n";
    let err = import(&mut conn, &request(DatasetKind::Stunting, Some(2025), bad)).unwrap_err();
    assert!(
        matches!(err, model::ModelError::InvalidRows(ref rows) if rows.len() == 1 && rows[0].line == 3),
        "{err:?}"
    );
    assert_eq!(
        Dataset::list(&mut conn).unwrap().len(),
        before,
        "a rejected import writes nothing"
    );

    let (id, _) = RankingRun::create(
        &mut conn,
        &TEST_ACTOR,
        &model::run::NewRun {
            fingerprint: "abc",
            params: "{}",
            body: "{\"districts\":[]}",
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(RankingRun::find(&mut conn, id).unwrap().fingerprint, "abc");
    assert!(matches!(
        RankingRun::find(&mut conn, id + 100),
        Err(model::ModelError::NotFound { .. })
    ));

    let secret = ApiToken::create(&mut conn, Role::Editor, "ci").unwrap();
    let token = ApiToken::authenticate(&mut conn, &secret).unwrap().unwrap();
    assert_eq!((token.role(), token.label.as_str()), (Role::Editor, "ci"));
    assert_ne!(token.token_hash, secret, "only the hash is stored");
    assert!(
        ApiToken::authenticate(&mut conn, "lokus_wrong")
            .unwrap()
            .is_none()
    );
}

#[test]
fn storage_works_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    exercise_storage(&format!(
        "sqlite://{}",
        dir.path().join("storage.db").display()
    ));
}

#[test]
fn storage_works_on_postgres() {
    let Ok(base) = std::env::var("LOKUS_TEST_POSTGRES_URL") else {
        crate::helpers::skip_or_fail("LOKUS_TEST_POSTGRES_URL is not set");
        return;
    };
    // A uniquely named database per run keeps runs independent.
    let name = format!(
        "lokus_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    // Before this process's first TLS connection (see model::db::init_tls).
    model::db::init_tls();
    let mut admin =
        diesel::PgConnection::establish(&base).expect("connect to LOKUS_TEST_POSTGRES_URL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    let url = match base.rfind('/') {
        Some(i) if base[..i].contains("//") && i > base.find("//").unwrap() + 1 => {
            format!("{}/{name}", &base[..i])
        }
        _ => format!("{base}/{name}"),
    };
    let outcome = std::panic::catch_unwind(|| exercise_storage(&url));
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
