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

diesel::joinable!(observations -> datasets (dataset_id));
diesel::joinable!(adoptions -> ranking_runs (run_id));
diesel::joinable!(run_history -> ranking_runs (run_id));
diesel::joinable!(regions -> provinces (province_code));
diesel::allow_tables_to_appear_in_same_query!(
    provinces,
    regions,
    region_aliases,
    datasets,
    observations,
    boundaries,
    ranking_runs,
    run_history,
    adoptions,
    api_tokens,
    audit_log,
);
