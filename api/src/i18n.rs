//! Error messages in Bahasa Indonesia or English, chosen by `Accept-Language` (Indonesian when
//! the header prefers `id`, English otherwise). The machine-readable `error` code never
//! changes; only the human sentence does.

use std::sync::LazyLock;

use model::RowError;

/// A language an error message can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

tokio::task_local! {
    /// The language of the request being served (set around each request by the middleware).
    static LANG: Lang;
}

/// The language of the request being served; English outside a request.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `future` with `lang` as the request's language.
pub async fn scope<F: Future>(lang: Lang, future: F) -> F::Output {
    LANG.scope(lang, future).await
}

/// The language an `Accept-Language` value prefers: Indonesian when the highest-weighted of
/// the ranges naming `id` or `en` (or `*`) names `id` (`id`, `id-ID`, …; the older `in` too),
/// English otherwise; ties go to the range written first.
pub fn preferred(header: Option<&str>) -> Lang {
    let Some(header) = header else {
        return Lang::En;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let primary = tag.split('-').next().unwrap_or_default();
        let lang = match primary {
            "id" | "in" => Lang::Id,
            "en" | "*" => Lang::En,
            _ => continue,
        };
        let q = pieces
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .or_else(|| p.trim().strip_prefix("Q="))
            })
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::En, |(_, l)| l)
}

/// The Indonesian sentence of every error code.
pub static INDONESIAN: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    vec![
        ("bad_request", "Permintaan tidak dapat diproses"),
        (
            "alias_conflict",
            "Alias sudah menamai kabupaten/kota lain; nama itu akan menjadi ambigu",
        ),
        ("invalid_alias", "Alias tidak valid"),
        (
            "unknown_region",
            "Kode tidak termasuk kabupaten/kota dalam referensi wilayah",
        ),
        (
            "too_many_rows",
            "Berkas memuat lebih banyak baris daripada batas impor",
        ),
        (
            "too_many_columns",
            "Berkas memuat lebih banyak kolom daripada batas impor",
        ),
        (
            "xlsx_unzipped_too_large",
            "Sebagian berkas Excel terlalu besar setelah diekstrak (melebihi batas impor)",
        ),
        (
            "too_many_shared_strings",
            "Berkas Excel memuat lebih banyak teks bersama daripada batas impor",
        ),
        (
            "xlsx_too_complex",
            "Struktur berkas Excel melebihi batas yang dapat dibaca",
        ),
        (
            "field_too_long",
            "Sebuah sel lebih panjang daripada batas impor",
        ),
        (
            "name_too_long",
            "Sebuah nama (sumber, indikator atau lembar) lebih panjang daripada batasnya",
        ),
        (
            "ambiguous_token",
            "Beberapa token aktif memakai label ini; sebutkan id-nya",
        ),
        ("invalid_expiry", "Masa berlaku token tidak valid"),
        (
            "unsupported_backend",
            "Perintah ini tidak tersedia untuk basis data ini",
        ),
        (
            "backup_exists",
            "Berkas cadangan sudah ada dan tidak ditimpa",
        ),
        ("target_not_empty", "Basis data tujuan sudah berisi data"),
        ("backup_not_found", "Berkas cadangan tidak ditemukan"),
        (
            "invalid_backup",
            "Berkas ini bukan cadangan Lokus yang dapat dibaca",
        ),
        ("restore_failed", "Pemulihan dari cadangan gagal"),
        (
            "database_unavailable",
            "Basis data sedang tidak dapat dijangkau; coba lagi sebentar lagi",
        ),
        (
            "insufficient_storage",
            "Ruang penyimpanan basis data habis; tidak ada yang diubah",
        ),
        (
            "database_read_only",
            "Basis data sedang hanya-baca; tidak ada yang diubah",
        ),
        (
            "busy",
            "Server sedang menghitung skenario lain; coba lagi sebentar lagi",
        ),
        (
            "body_timeout",
            "Isi permintaan tidak selesai dikirim dalam batas waktu",
        ),
        (
            "conflict",
            "Data yang sama sedang ditulis oleh permintaan lain; coba lagi",
        ),
        ("duplicate_code", "Kode muncul lebih dari sekali"),
        (
            "four_eyes",
            "Langkah ini harus dilakukan oleh orang kedua (prinsip empat mata): pengunggah tidak menerbitkan unggahannya sendiri, pengusul tidak menyetujui usulannya sendiri",
        ),
        (
            "not_staged",
            "Dataset ini tidak lagi berstatus staged; hanya dataset staged yang dapat ditinjau, diterbitkan atau ditolak",
        ),
        (
            "partial_coverage",
            "Dataset ini mencakup lebih sedikit kabupaten/kota daripada dataset aktif",
        ),
        (
            "invalid_reason",
            "Alasan tidak valid: alasan harus diisi dan tidak melebihi batas panjangnya",
        ),
        (
            "demo_data",
            "Run ini dihitung dengan data demo sintetis dan tidak dapat ditetapkan",
        ),
        ("invalid_decision", "Data keputusan penetapan tidak valid"),
        ("invalid_title", "Judul atau catatan tidak valid"),
        (
            "invalid_transition",
            "Langkah ini tidak diizinkan dari status run saat ini",
        ),
        (
            "no_adopted_list",
            "Belum ada daftar lokus yang ditetapkan untuk program dan tahun ini",
        ),
        (
            "reason_required",
            "Setiap keputusan manual memerlukan alasan",
        ),
        ("title_required", "Run memerlukan judul untuk diajukan"),
        ("empty_file", "Berkas tidak berisi baris data"),
        ("forbidden", "Token ini tidak berhak melakukan tindakan ini"),
        (
            "infeasible_constraints",
            "Tidak ada pilihan yang memenuhi semua batasan skenario",
        ),
        (
            "insufficient_data",
            "Data tidak cukup untuk perhitungan ini",
        ),
        (
            "internal_error",
            "Terjadi kesalahan internal; sudah dicatat di log",
        ),
        ("invalid_constraints", "Batasan skenario tidak valid"),
        (
            "invalid_default_stunting_se",
            "Galat baku bawaan stunting tidak valid",
        ),
        ("invalid_draws", "Jumlah simulasi tidak valid"),
        ("invalid_effect", "Asumsi efek program tidak valid"),
        (
            "invalid_encoding",
            "Berkas bukan UTF-8; simpan sebagai UTF-8",
        ),
        ("invalid_filter", "Filter tidak valid"),
        ("invalid_format", "Format tidak dikenal"),
        ("invalid_geojson", "GeoJSON tidak valid"),
        ("invalid_grid", "Daftar skenario tidak valid"),
        ("invalid_json", "Isi JSON tidak valid"),
        ("invalid_k", "Nilai k tidak valid"),
        (
            "invalid_locale",
            "Locale CSV tidak dikenal; pilih en atau id",
        ),
        ("invalid_kind", "Jenis dataset tidak dikenal"),
        (
            "invalid_max_per_province",
            "Batas maksimum per provinsi tidak valid",
        ),
        (
            "invalid_min_per_province",
            "Batas minimum per provinsi tidak valid",
        ),
        ("invalid_min_spbe", "Batas minimum SPBE tidak valid"),
        (
            "invalid_paging",
            "Halaman atau ukuran halaman di luar batas",
        ),
        ("invalid_path", "Parameter jalur tidak valid"),
        ("invalid_query", "Parameter kueri tidak valid"),
        ("invalid_resamples", "Jumlah resampel tidak valid"),
        ("invalid_role", "Peran token tidak dikenal"),
        (
            "invalid_outcome_year",
            "Tahun hasil harus sesudah tahun stunting run",
        ),
        (
            "invalid_rows",
            "Ada baris yang tidak valid; tidak ada yang diimpor",
        ),
        ("invalid_seed", "Seed tidak valid"),
        ("invalid_spbe_se", "Galat baku SPBE tidak valid"),
        ("invalid_stunting_se", "Galat baku stunting tidak valid"),
        ("invalid_target", "Target prevalensi tidak valid"),
        ("invalid_target_se", "Target galat baku tidak valid"),
        ("invalid_value", "Nilai tidak valid"),
        (
            "invalid_weight_concentration",
            "Konsentrasi bobot tidak valid",
        ),
        ("invalid_weights", "Bobot tidak valid"),
        ("invalid_xlsx", "Berkas Excel tidak dapat dibaca"),
        ("invalid_year", "Tahun tidak valid"),
        ("length_mismatch", "Panjang data tidak sama"),
        (
            "method_not_allowed",
            "Metode ini tidak diizinkan pada alamat ini",
        ),
        ("missing_indicator", "Indikator tidak disebutkan"),
        ("missing_population", "Data penduduk tidak ada"),
        ("missing_previous_year", "Data tahun sebelumnya tidak ada"),
        ("no_data", "Tidak ada data"),
        (
            "no_outcome_data",
            "Tidak ada dataset stunting untuk tahun hasil; impor satu",
        ),
        (
            "no_population_data",
            "Perhitungan ini memerlukan dataset penduduk balita; impor satu",
        ),
        ("no_predictors", "Tidak ada variabel penjelas"),
        (
            "no_previous_year",
            "Perhitungan ini memerlukan data stunting tahun sebelumnya",
        ),
        ("non_finite_value", "Ada nilai yang bukan bilangan hingga"),
        (
            "not_acceptable",
            "Tidak satu pun jenis media di header Accept tersedia di sini",
        ),
        ("not_found", "Tidak ditemukan"),
        ("payload_too_large", "Isi permintaan melebihi batas ukuran"),
        ("rate_limited", "Terlalu banyak permintaan"),
        (
            "singular_design",
            "Model regresi tidak dapat dihitung (matriks singular)",
        ),
        (
            "unauthorized",
            "Perlu token yang valid di header 'Authorization: Bearer <token>'",
        ),
        ("unknown_code", "Kode wilayah tidak dikenal"),
        ("unknown_sheet", "Lembar kerja tidak ditemukan"),
        (
            "unsupported_media_type",
            "Jenis isi permintaan tidak diterima",
        ),
        ("zero_variance", "Semua nilai sama; tidak ada variasi"),
        (
            "webhook_target_refused",
            "Alamat tujuan webhook ditolak (harus https ke alamat publik, atau host yang diizinkan)",
        ),
        ("invalid_webhook_url", "URL webhook tidak valid"),
        ("invalid_webhook", "Isian webhook tidak valid"),
        ("unknown_event_type", "Jenis peristiwa tidak dikenal"),
        ("invalid_secret", "Rahasia penandatanganan tidak valid"),
        ("invalid_cursor", "Kursor umpan peristiwa tidak valid"),
    ]
});

/// The Indonesian sentence of `code`, when it has one.
pub fn indonesian(code: &str) -> Option<&'static str> {
    INDONESIAN.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

/// One row error in Indonesian: `baris 3, kolom prevalensi: 120 bukan persentase dalam
/// [0, 100]`. The column is the header as written in the file, else the field's name.
pub fn row_in_indonesian(row: &RowError) -> String {
    let place = match (&row.column, &row.field) {
        (Some(column), _) => format!("baris {}, kolom {}", row.line, column.to_lowercase()),
        (None, Some(field)) => format!("baris {}, kolom {field}", row.line),
        (None, None) => format!("baris {}", row.line),
    };
    format!("{place}: {}", problem_in_indonesian(&row.message))
}

/// The problem of a row error in Indonesian, for the problems the importer reports (matched on
/// their fixed English wording, which `model::import` owns); anything else is kept as written.
fn problem_in_indonesian(message: &str) -> String {
    let between = |text: &str, start: &str, end: &str| -> Option<String> {
        text.strip_prefix(start)?
            .strip_suffix(end)
            .map(str::to_string)
    };
    if let Some(v) = between(message, "prevalence ", " is not a percentage in [0, 100]") {
        return format!("{v} bukan persentase dalam [0, 100]");
    }
    if let Some(v) = between(message, "SPBE index ", " is outside [1.0, 5.0]") {
        return format!("indeks SPBE {v} di luar [1,0, 5,0]");
    }
    if let Some(v) = between(message, "standard error ", " must be > 0 and < 100") {
        return format!("galat baku {v} harus > 0 dan < 100");
    }
    if let Some(v) = between(message, "", " is not a number") {
        return format!("{v} bukan angka");
    }
    if let Some(v) = between(message, "", " is not a whole number") {
        return format!("{v} bukan bilangan bulat");
    }
    if let Some(v) = between(message, "", " is not a year") {
        return format!("{v} bukan tahun");
    }
    if let Some(rest) = message.strip_prefix("no district named ") {
        // "no district named 'X' in P; closest: 12.01 KAB. X"
        let (what, closest) = match rest.split_once("; closest: ") {
            Some((w, c)) => (w, Some(c)),
            None => (rest, None),
        };
        let what = match what.rsplit_once("' in ") {
            Some((name, province)) => format!("{name}' di {province}"),
            None => what.to_string(),
        };
        return match closest {
            Some(c) => format!("tidak ada kabupaten/kota bernama {what}; yang paling mirip: {c}"),
            None => format!("tidak ada kabupaten/kota bernama {what}"),
        };
    }
    if let Some(v) = between(message, "unknown province ", "") {
        return format!("provinsi {v} tidak dikenal");
    }
    if let Some(v) = between(message, "unknown Kemendagri code ", "") {
        return format!("kode Kemendagri {v} tidak dikenal");
    }
    if let Some(v) = between(message, "method ", " is not 'direct' or 'sae'") {
        return format!("metode {v} bukan 'direct' atau 'sae'");
    }
    match message {
        "value is missing" => "nilai kosong".into(),
        "name is missing" => "nama kosong".into(),
        other => other.to_string(),
    }
}

/// The common limit sentences in Indonesian: `k must be between 1 and 514, got 0` →
/// `k harus antara 1 dan 514, diberikan 0`; `None` for any other wording.
pub fn limit_in_indonesian(message: &str) -> Option<String> {
    let (subject, rest) = message.split_once(" must be ")?;
    let (range, got) = match rest.rsplit_once(", got ") {
        Some((range, got)) => (range, Some(got)),
        None => (rest, None),
    };
    // "(the number of candidates)" and the like: the parenthesis names what the bound counts.
    let (range, counted) = match range.split_once(" (") {
        Some((r, c)) => (r, c.strip_suffix(')').map(translate_counted)),
        None => (range, None),
    };
    let bound = if let Some(r) = range.strip_prefix("between ") {
        let (low, high) = r.split_once(" and ")?;
        format!("antara {low} dan {high}")
    } else if let Some(r) = range.strip_prefix("above ") {
        let (low, high) = r.split_once(" and at most ")?;
        format!("di atas {low} dan paling banyak {high}")
    } else if let Some(n) = range.strip_prefix("at least ") {
        format!("sedikitnya {n}")
    } else if let Some(n) = range.strip_prefix("at most ") {
        format!("paling banyak {n}")
    } else {
        return None;
    };
    let subject = subject.replace(" year", " tahun");
    let mut out = format!("{subject} harus {bound}");
    if let Some(c) = counted {
        out.push_str(&format!(" ({c})"));
    }
    if let Some(g) = got {
        out.push_str(&format!(", diberikan {g}"));
    }
    Some(out)
}

fn translate_counted(text: &str) -> String {
    match text {
        "the number of candidates" => "jumlah kandidat".into(),
        "the joined districts" => "kabupaten/kota yang tergabung".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_indonesian_only_when_it_is_preferred() {
        assert_eq!(preferred(None), Lang::En);
        assert_eq!(preferred(Some("")), Lang::En);
        assert_eq!(preferred(Some("id")), Lang::Id);
        assert_eq!(
            preferred(Some("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7")),
            Lang::Id
        );
        assert_eq!(preferred(Some("en-US,en;q=0.9,id;q=0.8")), Lang::En);
        assert_eq!(preferred(Some("en;q=0.5, id;q=0.6")), Lang::Id);
        assert_eq!(preferred(Some("id;q=0, en")), Lang::En);
        assert_eq!(
            preferred(Some("fr, id;q=0.3")),
            Lang::Id,
            "French is not offered"
        );
        assert_eq!(preferred(Some("fr")), Lang::En);
        assert_eq!(preferred(Some("*;q=0.9, id;q=0.8")), Lang::En);
        assert_eq!(
            preferred(Some("in-ID")),
            Lang::Id,
            "the older tag for Indonesian"
        );
        assert_eq!(preferred(Some("ID-id")), Lang::Id);
        assert_eq!(
            preferred(Some("en, id")),
            Lang::En,
            "ties go to the first written"
        );
        assert_eq!(
            preferred(Some("indonesian")),
            Lang::En,
            "not a language tag we know"
        );
    }

    #[test]
    fn a_row_error_reads_in_indonesian_with_its_line_column_and_value() {
        let mut row = RowError::field(
            3,
            "prevalence",
            "prevalence 120 is not a percentage in [0, 100]",
        );
        row.column = Some("Prevalensi".into());
        assert_eq!(
            row_in_indonesian(&row),
            "baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]"
        );
        let row = RowError::field(7, "value", "'abc' is not a number");
        assert_eq!(
            row_in_indonesian(&row),
            "baris 7, kolom value: 'abc' bukan angka"
        );
    }

    /// Codes as the sources write them: after `invalid(`, `bad_request(` or `code: `.
    fn codes_in_sources() -> Vec<String> {
        let mut codes = Vec::new();
        let roots = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../model/src"),
        ];
        let mut files = Vec::new();
        let mut dirs: Vec<std::path::PathBuf> = roots.iter().map(Into::into).collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("indicator.rs")
                    && !path.ends_with("i18n.rs")
                {
                    files.push(path);
                }
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            for needle in [
                "invalid(",
                "bad_request(",
                "code: \"",
                "\"invalid_",
                "\"no_",
            ] {
                for (at, _) in text.match_indices(needle) {
                    let rest = text[at + needle.len()..].trim_start();
                    let rest = if needle.ends_with('"') {
                        rest
                    } else if let Some(r) = rest.strip_prefix('"') {
                        r
                    } else {
                        continue;
                    };
                    let prefix = needle.trim_start_matches('"');
                    let prefix = if needle.starts_with('"') { prefix } else { "" };
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    let code = format!("{prefix}{name}");
                    if code.contains('_') && !code.ends_with('_') && !codes.contains(&code) {
                        codes.push(code);
                    }
                }
            }
        }
        codes
    }

    #[test]
    fn the_common_limit_sentences_read_in_indonesian() {
        assert_eq!(
            limit_in_indonesian("k must be between 1 and 514, got 0").as_deref(),
            Some("k harus antara 1 dan 514, diberikan 0")
        );
        assert_eq!(
            limit_in_indonesian("k must be between 1 and 40 (the joined districts), got 50")
                .as_deref(),
            Some("k harus antara 1 dan 40 (kabupaten/kota yang tergabung), diberikan 50")
        );
        assert_eq!(
            limit_in_indonesian("target_se must be above 0 and at most 0.5, got 0.9").as_deref(),
            Some("target_se harus di atas 0 dan paling banyak 0.5, diberikan 0.9")
        );
        assert_eq!(
            limit_in_indonesian("include must be at least 1").as_deref(),
            Some("include harus sedikitnya 1")
        );
        assert_eq!(limit_in_indonesian("unknown code 99.99"), None);
        assert_eq!(
            limit_in_indonesian("weights must be finite and non-negative"),
            None
        );
    }

    #[test]
    fn every_error_code_has_an_indonesian_message() {
        let codes = codes_in_sources();
        assert!(codes.len() > 30, "the scan finds the codes: {codes:?}");
        for code in codes
            .iter()
            .map(String::as_str)
            .chain(crate::error::STATIC_CODES.iter().copied())
        {
            assert!(
                indonesian(code).is_some(),
                "no Indonesian message for {code}"
            );
        }
    }
}
