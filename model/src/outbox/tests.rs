//! The outbox on a real (SQLite) database: events commit with their change, deliveries fan out
//! to subscribers, claims never overlap, attempts follow the retry policy.

use std::time::Duration;

use chrono::{TimeDelta, Utc};

use super::delivery::{Claimed, Delivery, Outcome, RetryPolicy};
use super::webhook::{NewWebhook, Webhook};
use super::*;
use crate::audit::Actor;

fn db() -> (tempfile::TempDir, crate::db::DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let pool = crate::db::connect_and_migrate(&url).unwrap();
    (dir, pool)
}

fn subscribe(conn: &mut DbConnection, events: &[&str]) -> Webhook {
    let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    Webhook::create(
        conn,
        &Actor::local("test"),
        &NewWebhook {
            url: "https://receiver.example/hook",
            events: &events,
            description: "test",
        },
    )
    .unwrap()
}

fn failed_at(at: chrono::DateTime<Utc>) -> Outcome {
    Outcome {
        at,
        status_code: Some(500),
        error: None,
        duration: Duration::from_millis(3),
    }
}

#[test]
fn the_delay_doubles_from_the_base_up_to_six_hours_within_twenty_percent() {
    let policy = RetryPolicy::default();
    let plain: Vec<f64> = (1..=14)
        .map(|n| policy.delay(n, 0.5).as_secs_f64())
        .collect();
    assert_eq!(
        plain,
        [
            5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0, 1280.0, 2560.0, 5120.0, 10240.0,
            20480.0, 21600.0
        ]
    );
    assert_eq!(policy.delay(40, 0.5).as_secs_f64(), 21600.0);
    assert_eq!(policy.delay(1, 0.0).as_secs_f64(), 4.0);
    assert!((policy.delay(1, 0.999_999).as_secs_f64() - 6.0).abs() < 1e-4);
    // With the jitter at its extremes a later delay is still longer: 2 × 0.8 > 1.2.
    assert!(policy.delay(2, 0.0) > policy.delay(1, 0.999_999));
}

#[test]
fn an_event_fans_out_to_the_subscribers_of_its_type_only() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let data_hook = subscribe(&mut conn, &["dataset.published"]);
    let lokus_hook = subscribe(&mut conn, &["lokus.adopted", "lokus.withdrawn"]);
    assert!(data_hook.secret.as_deref().unwrap().starts_with("whsec_"));
    assert_eq!(lokus_hook.events, ["lokus.adopted", "lokus.withdrawn"]);

    let event = enqueue(
        &mut conn,
        EventType::DatasetPublished,
        serde_json::json!({"x": 1}),
    )
    .unwrap();
    assert!(event.id.starts_with("evt_"));
    let (mine, _) = Delivery::page(&mut conn, data_hook.id, None, 10, 0).unwrap();
    let (theirs, _) = Delivery::page(&mut conn, lokus_hook.id, None, 10, 0).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].event_id, event.id);
    assert_eq!(mine[0].status, "pending");
    assert!(theirs.is_empty());
}

#[test]
fn an_event_written_in_a_transaction_that_rolls_back_is_gone_with_it() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let hook = subscribe(&mut conn, &["dataset.published"]);
    let outcome = conn.transaction::<(), ModelError, _>(|conn| {
        enqueue(conn, EventType::DatasetPublished, serde_json::json!({}))?;
        Err(ModelError::Infeasible(
            crate::sentences::TOO_FEW_ELIGIBLE
                .with("available", 0)
                .with("k", 1),
        ))
    });
    assert!(outcome.is_err());
    assert!(feed(&mut conn, 0, 10).unwrap().0.is_empty());
    assert_eq!(
        Delivery::page(&mut conn, hook.id, None, 10, 0).unwrap().1,
        0
    );
}

#[test]
fn the_feed_serves_events_oldest_first_in_pages_that_continue_from_the_cursor() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let ids: Vec<String> = (0..5)
        .map(|i| {
            enqueue(
                &mut conn,
                EventType::DatasetPublished,
                serde_json::json!({"n": i}),
            )
            .unwrap()
            .id
        })
        .collect();
    let (first, more) = feed(&mut conn, 0, 2).unwrap();
    assert!(more);
    assert_eq!(
        first.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        ids[..2]
    );
    let cursor: i64 = first[1].cursor.parse().unwrap();
    let (rest, more) = feed(&mut conn, cursor, 10).unwrap();
    assert!(!more);
    assert_eq!(
        rest.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        ids[2..]
    );
    assert_eq!(rest[0].data["n"], 2);
    assert_eq!(rest[0].event_type, "dataset.published");
}

#[test]
fn a_claimed_delivery_is_not_claimed_again_until_its_lease_ends() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    subscribe(&mut conn, &["dataset.published"]);
    enqueue(
        &mut conn,
        EventType::DatasetPublished,
        serde_json::json!({}),
    )
    .unwrap();
    let now = Utc::now() + TimeDelta::seconds(1);
    let lease = now + TimeDelta::seconds(60);
    let first = Delivery::claim(&mut conn, now, lease, 10).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].secrets.len(), 1);
    assert!(
        Delivery::claim(&mut conn, now, lease, 10)
            .unwrap()
            .is_empty()
    );
    // A worker that died mid-send: after the lease the delivery is due again.
    let later = lease + TimeDelta::seconds(1);
    assert_eq!(
        Delivery::claim(&mut conn, later, later + TimeDelta::seconds(60), 10)
            .unwrap()
            .len(),
        1
    );
}

fn claim_one(conn: &mut DbConnection) -> Claimed {
    let now = Utc::now() + TimeDelta::days(10);
    Delivery::claim(conn, now, now + TimeDelta::seconds(60), 1)
        .unwrap()
        .remove(0)
}

#[test]
fn failures_are_retried_after_the_policy_s_delay_until_the_horizon_then_failed() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let hook = subscribe(&mut conn, &["dataset.published"]);
    let event = enqueue(
        &mut conn,
        EventType::DatasetPublished,
        serde_json::json!({}),
    )
    .unwrap();
    let created = parse_stamp(&event.timestamp).unwrap();
    let policy = RetryPolicy {
        base: Duration::from_secs(10),
        max_delay: Duration::from_secs(6 * 3600),
        give_up: Duration::from_secs(35),
    };
    // Attempt 1 at +0 s fails: next at +10 s. Attempt 2 at +10 s: next at +30 s, within 35 s.
    // Attempt 3 at +30 s: next would be +70 s, past the horizon: failed.
    let expected = [
        (0, Some("pending"), Some(10)),
        (10, Some("pending"), Some(30)),
        (30, Some("failed"), None),
    ];
    for (offset, status, next) in expected {
        let claimed = claim_one(&mut conn);
        let at = created + TimeDelta::seconds(offset);
        let got = Delivery::record(&mut conn, &claimed, &failed_at(at), &policy, 0.5).unwrap();
        assert_eq!(got, status);
        let (deliveries, _) = Delivery::page(&mut conn, hook.id, None, 1, 0).unwrap();
        let last = deliveries[0].attempts.last().unwrap().clone();
        assert_eq!(last.status_code, Some(500));
        assert_eq!(
            last.next_attempt_at,
            next.map(|s| stamp(created + TimeDelta::seconds(s)))
        );
    }
    let (deliveries, _) = Delivery::page(&mut conn, hook.id, Some("failed"), 10, 0).unwrap();
    assert_eq!(deliveries[0].attempt_count, 3);
    assert_eq!(deliveries[0].next_attempt_at, None);

    // A retry makes it due now; a 2xx then delivers it.
    Delivery::retry(&mut conn, &Actor::local("test"), hook.id, deliveries[0].id).unwrap();
    let claimed = claim_one(&mut conn);
    let ok = Outcome {
        status_code: Some(204),
        ..failed_at(Utc::now())
    };
    assert_eq!(
        Delivery::record(&mut conn, &claimed, &ok, &policy, 0.5).unwrap(),
        Some("delivered")
    );
    // A stale worker's second record of the same claim changes nothing.
    assert_eq!(
        Delivery::record(&mut conn, &claimed, &ok, &policy, 0.5).unwrap(),
        None
    );
}

#[test]
fn a_rotated_secret_signs_beside_the_new_one_and_the_list_never_shows_secrets() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let hook = subscribe(&mut conn, &["dataset.published"]);
    let rotated = Webhook::rotate_secret(&mut conn, &Actor::local("test"), hook.id).unwrap();
    assert_ne!(rotated.secret, hook.secret);
    assert!(rotated.previous_secret_until.is_some());
    enqueue(
        &mut conn,
        EventType::DatasetPublished,
        serde_json::json!({}),
    )
    .unwrap();
    let claimed = claim_one(&mut conn);
    assert_eq!(
        claimed.secrets,
        [
            rotated.secret.clone().unwrap(),
            hook.secret.clone().unwrap()
        ]
    );
    let (listed, total) = Webhook::page(&mut conn, 10, 0).unwrap();
    assert_eq!(total, 1);
    assert_eq!(listed[0].secret, None);
}

#[test]
fn deleting_a_subscription_drops_its_pending_deliveries() {
    let (_dir, pool) = db();
    let mut conn = pool.get().unwrap();
    let hook = subscribe(&mut conn, &["dataset.published"]);
    enqueue(
        &mut conn,
        EventType::DatasetPublished,
        serde_json::json!({}),
    )
    .unwrap();
    Webhook::delete(&mut conn, &Actor::local("test"), hook.id).unwrap();
    assert!(Delivery::next_due(&mut conn).unwrap().is_none());
    assert!(matches!(
        Webhook::find(&mut conn, hook.id),
        Err(ModelError::NotFound { .. })
    ));
    // The event itself stays in the feed.
    assert_eq!(feed(&mut conn, 0, 10).unwrap().0.len(), 1);
}

#[test]
fn unknown_or_missing_event_types_are_refused_naming_the_field() {
    for events in [vec![], vec!["dataset.deleted".to_string()]] {
        let err = Webhook::parse_events(&events).unwrap_err();
        assert!(matches!(
            err,
            ModelError::Invalid {
                code: "unknown_event_type",
                ..
            }
        ));
        assert!(err.to_string().starts_with("events:"), "{err}");
    }
}
