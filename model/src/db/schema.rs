//! Diesel table definitions, written to match both migration sets.
#![allow(missing_docs)]

diesel::table! {
    provinces (code) {
        code -> Text,
        bps_code -> Text,
        name -> Text,
    }
}

diesel::table! {
    regions (code) {
        code -> Text,
        bps_code -> Text,
        name -> Text,
        kind -> Text,
        province_code -> Text,
        demo -> Bool,
        code_2025 -> Nullable<Text>,
        name_2025 -> Nullable<Text>,
    }
}

diesel::table! {
    region_aliases (id) {
        id -> Integer,
        region_code -> Text,
        alias -> Text,
        source -> Text,
        added_by -> Nullable<Text>,
        added_at -> Nullable<Text>,
    }
}

diesel::table! {
    datasets (id) {
        id -> Integer,
        kind -> Text,
        year -> Nullable<Integer>,
        indicator -> Nullable<Text>,
        source -> Text,
        sha256 -> Text,
        row_count -> Integer,
        imported_at -> Text,
        imported_by -> Text,
        demo -> Bool,
        status -> Text,
        reviewed_at -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        rejection_reason -> Nullable<Text>,
        superseded_by -> Nullable<Integer>,
        data_version -> Nullable<Integer>,
    }
}

diesel::table! {
    dataset_payloads (dataset_id) {
        dataset_id -> Integer,
        body -> Text,
    }
}

diesel::table! {
    observations (id) {
        id -> Integer,
        dataset_id -> Integer,
        region_code -> Text,
        value -> Double,
        se -> Nullable<Double>,
        n -> Nullable<Integer>,
        method -> Nullable<Text>,
        predicate -> Nullable<Text>,
    }
}

diesel::table! {
    boundaries (id) {
        id -> Integer,
        dataset_id -> Integer,
        region_code -> Text,
        geometry -> Text,
    }
}

diesel::table! {
    ranking_runs (id) {
        id -> Integer,
        created_at -> Text,
        created_by -> Text,
        fingerprint -> Text,
        params -> Text,
        body -> Text,
        demo -> Bool,
        title -> Nullable<Text>,
        notes -> Nullable<Text>,
        status -> Text,
        proposed_by -> Nullable<Text>,
    }
}

diesel::table! {
    run_history (id) {
        id -> Integer,
        run_id -> Integer,
        status -> Text,
        at -> Text,
        actor -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    adoptions (id) {
        id -> Integer,
        run_id -> Integer,
        programme -> Text,
        year -> Integer,
        decision_number -> Text,
        decision_date -> Text,
        signatories -> Text,
        adopted_at -> Text,
        adopted_by -> Text,
        status -> Text,
        ended_at -> Nullable<Text>,
        ended_by -> Nullable<Text>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        token_hash -> Text,
        role -> Text,
        label -> Text,
        created_at -> Text,
        last_used_at -> Nullable<Text>,
        expires_at -> Nullable<Text>,
        revoked_at -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Text,
        actor -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        request_id -> Nullable<Text>,
        consumer -> Nullable<Text>,
    }
}

diesel::table! {
    events (id) {
        id -> Integer,
        event_id -> Text,
        event_type -> Text,
        created_at -> Text,
        body -> Text,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Integer,
        url -> Text,
        events -> Text,
        description -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Text>,
        created_at -> Text,
        created_by -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Integer,
        webhook_id -> Integer,
        event_id -> Integer,
        status -> Text,
        attempt_count -> Integer,
        next_attempt_at -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Integer,
        delivery_id -> Integer,
        attempted_at -> Text,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
        next_attempt_at -> Nullable<Text>,
    }
}

diesel::joinable!(observations -> datasets (dataset_id));
diesel::joinable!(adoptions -> ranking_runs (run_id));
diesel::joinable!(run_history -> ranking_runs (run_id));
diesel::joinable!(regions -> provinces (province_code));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    provinces,
    regions,
    region_aliases,
    datasets,
    dataset_payloads,
    observations,
    boundaries,
    ranking_runs,
    run_history,
    adoptions,
    api_tokens,
    audit_log,
    events,
    webhooks,
    webhook_deliveries,
    webhook_attempts,
);
