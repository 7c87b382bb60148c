//! What any part of the model may say: missing things, the unexpected errors, and the terms
//! (names of things) other sentences use.

crate::catalogue! {
    list: GENERAL_ALL;

    /// A resource that does not exist.
    NOT_FOUND(entity, id) {
        en: "{entity} {id} was not found",
        id: "Tidak ada {entity} {id}",
    }
    /// An import with bad rows.
    INVALID_ROWS(count) {
        en: "{count} row(s) are invalid; nothing was imported",
        id: "{count} baris tidak valid; tidak ada yang diimpor",
    }
    /// Too few districts for a computation.
    INSUFFICIENT_DATA(needed, got) {
        en: "needs at least {needed} districts with data, got {got}",
        id: "Perlu sedikitnya {needed} kabupaten/kota dengan data, tersedia {got}",
    }
    /// A dataset to publish covering fewer districts than the live one.
    PARTIAL_COVERAGE(staged, live, live_dataset_id) {
        en: "this dataset covers {staged} districts, fewer than the {live} of the live dataset {live_dataset_id}; publish with acknowledge_partial to replace it anyway",
        id: "Dataset ini mencakup {staged} kabupaten/kota, lebih sedikit daripada {live} pada dataset aktif {live_dataset_id}; terbitkan dengan acknowledge_partial untuk tetap menggantinya",
    }
    /// An unexpected database error.
    DATABASE_ERROR() {
        en: "database error",
        id: "Kesalahan basis data",
    }
    /// No pooled connection.
    POOL_ERROR(detail) {
        en: "database pool error: {detail}",
        id: "Tidak ada koneksi basis data yang tersedia",
    }
    /// A write refused for lack of space.
    STORAGE_FULL(detail) {
        en: "storage full: {detail}",
        id: "Ruang penyimpanan basis data habis",
    }
    /// A failed migration.
    MIGRATION_ERROR(detail) {
        en: "migration error: {detail}",
        id: "Migrasi basis data gagal",
    }
    /// A failed numerical routine or an unreadable stored body.
    NUMERICAL_ERROR(detail) {
        en: "numerical error: {detail}",
        id: "Perhitungan internal gagal",
    }

    /// Term: a dataset.
    DATASET() { en: "dataset", id: "dataset" }
    /// Term: a covariate dataset.
    COVARIATE_DATASET() { en: "covariate dataset", id: "dataset kovariat" }
    /// Term: a district of the region reference.
    REGION() { en: "region", id: "wilayah" }
    /// Term: a province.
    PROVINCE() { en: "province", id: "provinsi" }
    /// Term: an import template.
    TEMPLATE() { en: "template", id: "templat" }
    /// Term: a boundary layer.
    BOUNDARY_LAYER() { en: "boundary layer", id: "lapisan batas wilayah" }
    /// Term: an adopted list.
    ADOPTION() { en: "adoption", id: "penetapan" }
    /// Term: a webhook subscription.
    WEBHOOK() { en: "webhook", id: "webhook" }
    /// Term: a webhook delivery.
    DELIVERY() { en: "delivery", id: "pengiriman" }
    /// Term: a saved ranking run.
    RANKING() { en: "ranking", id: "run peringkat" }
    /// Term: an API token.
    TOKEN() { en: "token", id: "token" }
}
