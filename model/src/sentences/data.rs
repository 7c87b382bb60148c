//! What the stored records refuse: datasets and their stewardship, the run workflow and its
//! decisions, aliases, tokens, webhooks, years without data, backups; and the statuses these
//! sentences name.

crate::catalogue! {
    list: DATA_ALL;

    // Datasets and their stewardship.

    /// A dataset kind Lokus does not know.
    UNKNOWN_KIND(value) {
        en: "kind '{value}' is not one of regions, stunting, spbe, covariate, population, boundaries",
        id: "Jenis '{value}' bukan salah satu dari regions, stunting, spbe, covariate, population, boundaries",
    }
    /// Publishing a dataset that is not staged.
    NOT_STAGED_TO_PUBLISH(id, status) {
        en: "dataset {id} is {status}, not staged: only a staged dataset can be published",
        id: "Dataset {id} berstatus {status}, bukan staged: hanya dataset staged yang dapat diterbitkan",
    }
    /// Rejecting a dataset that is not staged.
    NOT_STAGED_TO_REJECT(id, status) {
        en: "dataset {id} is {status}, not staged: only a staged dataset can be rejected",
        id: "Dataset {id} berstatus {status}, bukan staged: hanya dataset staged yang dapat ditolak",
    }
    /// Reviewing a dataset that is not staged.
    NOT_STAGED_TO_REVIEW(id, status) {
        en: "dataset {id} is {status}: only a staged dataset is reviewed",
        id: "Dataset {id} berstatus {status}: hanya dataset staged yang ditinjau",
    }
    /// An uploader publishing their own upload.
    OWN_UPLOAD(id, uploader) {
        en: "dataset {id} was uploaded by '{uploader}': a second person publishes it (four eyes; LOKUS_FOUR_EYES=false lifts the rule on single-person installs)",
        id: "Dataset {id} diunggah oleh '{uploader}': orang kedua yang menerbitkannya (prinsip empat mata; LOKUS_FOUR_EYES=false mencabut aturan ini pada instalasi satu orang)",
    }
    /// A rejection without a fitting reason.
    REJECTION_REASON(max) {
        en: "reason must be 1 to {max} characters saying why the dataset is rejected",
        id: "Alasan harus 1 sampai {max} karakter yang menjelaskan mengapa dataset ditolak",
    }

    // The run workflow and its decisions.

    /// A step the run's status does not allow.
    INVALID_TRANSITION(status, action, allowed) {
        en: "a run that is {status} cannot be {action}; allowed: {allowed}",
        id: "Run yang berstatus {status} tidak dapat {action}; langkah yang diizinkan: {allowed}",
    }
    /// A run another request moved meanwhile.
    RUN_MOVED(id, status) {
        en: "run {id} is no longer {status}; reload it and try again",
        id: "Run {id} tidak lagi berstatus {status}; muat ulang lalu coba lagi",
    }
    /// A step that needs a reason, without one.
    REASON_REQUIRED(step) {
        en: "{step} needs a reason: send {{\"reason\": \"…\"}}",
        id: "Langkah {step} memerlukan alasan: kirim {{\"reason\": \"…\"}}",
    }
    /// A reason that is too long.
    REASON_TOO_LONG(max) {
        en: "reason must be at most {max} characters",
        id: "Alasan paling banyak {max} karakter",
    }
    /// Proposing a run without a title.
    TITLE_REQUIRED(id) {
        en: "run {id} has no title; save the scenario again with a \"title\" to propose it",
        id: "Run {id} belum berjudul; simpan lagi skenarionya dengan \"title\" untuk mengajukannya",
    }
    /// Proposing a run whose manual decisions lack reasons.
    REASONS_MISSING(districts) {
        en: "every district forced in or out needs a reason to propose; none for: {districts}",
        id: "Setiap kabupaten/kota yang dipaksa masuk atau keluar memerlukan alasan untuk diajukan; belum ada untuk: {districts}",
    }
    /// A proposer approving their own proposal.
    OWN_PROPOSAL(id, proposer) {
        en: "run {id} was proposed by '{proposer}'; another person must approve it",
        id: "Run {id} diajukan oleh '{proposer}'; orang lain yang harus menyetujuinya",
    }
    /// Adopting a run of demo data.
    DEMO_RUN(id) {
        en: "run {id} was computed on synthetic demo data and can never be adopted; import the real tables and save the scenario again",
        id: "Run {id} dihitung dengan data demo sintetis dan tidak pernah dapat ditetapkan; impor tabel yang sebenarnya lalu simpan lagi skenarionya",
    }
    /// Term: the steps allowed from a draft.
    ALLOWED_FROM_DRAFT() { en: "propose", id: "ajukan" }
    /// Term: the steps allowed from a proposal.
    ALLOWED_FROM_PROPOSED() { en: "approve or reject", id: "setujui atau tolak" }
    /// Term: the steps allowed from an approved run.
    ALLOWED_FROM_APPROVED() { en: "adopt", id: "tetapkan" }
    /// Term: the steps allowed from an adopted run.
    ALLOWED_FROM_ADOPTED() {
        en: "withdraw (or adopt another run for the same programme and year)",
        id: "tarik (atau tetapkan run lain untuk program dan tahun yang sama)",
    }
    /// Term: the steps allowed at the end of the workflow.
    ALLOWED_AT_THE_END() {
        en: "nothing (the run's workflow has ended)",
        id: "tidak ada (alur kerja run ini sudah selesai)",
    }
    /// Term: a draft run.
    DRAFT() { en: "draft", id: "draf" }
    /// Term: proposed (a run's status, and the step).
    PROPOSED() { en: "proposed", id: "diajukan" }
    /// Term: approved.
    APPROVED() { en: "approved", id: "disetujui" }
    /// Term: rejected (a dataset's status, and a run's step).
    REJECTED() { en: "rejected", id: "ditolak" }
    /// Term: adopted.
    ADOPTED() { en: "adopted", id: "ditetapkan" }
    /// Term: withdrawn.
    WITHDRAWN() { en: "withdrawn", id: "ditarik" }
    /// Term: superseded (a run's or a dataset's status).
    SUPERSEDED() { en: "superseded", id: "digantikan" }
    /// Term: a staged dataset (the page keeps the word in Indonesian too).
    STAGED() { en: "staged", id: "staged" }
    /// Term: a published dataset.
    PUBLISHED() { en: "published", id: "terbit" }
    /// A programme that is not a slug.
    NOT_A_SLUG(value) {
        en: "programme must be a lower-case slug of letters, digits and '-' (at most 63, e.g. digital-stunting), got '{value}'",
        id: "programme harus berupa slug huruf kecil, angka dan '-' (paling banyak 63, misalnya digital-stunting), bukan '{value}'",
    }
    /// A text of the wrong length.
    TEXT_LENGTH(field, min, max) {
        en: "{field} must be {min} to {max} characters",
        id: "{field} harus {min} sampai {max} karakter",
    }
    /// A text that is not a date.
    NOT_A_DATE(field, value) {
        en: "{field} must be a date YYYY-MM-DD, got '{value}'",
        id: "{field} harus berupa tanggal YYYY-MM-DD, bukan '{value}'",
    }
    /// Too few or too many signatories.
    SIGNATORY_COUNT(count) {
        en: "signatories must list 1 to 20 names, got {count}",
        id: "signatories harus memuat 1 sampai 20 nama, bukan {count}",
    }
    /// A signatory's name of the wrong length.
    SIGNATORY_LENGTH() {
        en: "every signatory must be a name of 1 to 200 characters",
        id: "Setiap penanda tangan harus berupa nama 1 sampai 200 karakter",
    }
    /// A text longer than its limit.
    LONGER_THAN(field, max) {
        en: "{field} is longer than {max} characters",
        id: "{field} lebih panjang dari {max} karakter",
    }

    // Aliases.

    /// A request without aliases.
    NO_ALIASES() {
        en: "aliases is empty: send at least one {{\"alias\": \"…\", \"code\": \"12.34\"}}",
        id: "aliases kosong: kirim sedikitnya satu {{\"alias\": \"…\", \"code\": \"12.34\"}}",
    }
    /// Too many aliases in one request.
    TOO_MANY_ALIASES(max, count) {
        en: "aliases must be at most {max} per request, got {count}",
        id: "aliases paling banyak {max} per permintaan, bukan {count}",
    }
    /// An alias that is too long.
    ALIAS_TOO_LONG(item, max, length) {
        en: "aliases[{item}].alias must be at most {max} characters, got {length}",
        id: "aliases[{item}].alias paling banyak {max} karakter, bukan {length}",
    }
    /// An alias without letters or digits.
    ALIAS_WITHOUT_LETTERS(item, alias) {
        en: "aliases[{item}].alias '{alias}' has no letter or digit once normalised",
        id: "aliases[{item}].alias '{alias}' tidak berisi huruf atau angka setelah dinormalkan",
    }
    /// An alias for a district the reference lacks.
    ALIAS_FOR_UNKNOWN_REGION(item, code) {
        en: "aliases[{item}].code '{code}' is not a district of the reference",
        id: "aliases[{item}].code '{code}' bukan kabupaten/kota dalam referensi wilayah",
    }
    /// One alias given to two districts.
    ALIAS_GIVEN_TWICE(alias, first, second) {
        en: "alias '{alias}' is given to both {first} and {second} in this request",
        id: "Alias '{alias}' diberikan kepada {first} sekaligus {second} dalam permintaan ini",
    }
    /// An alias that already names another district.
    ALIAS_NAMES_ANOTHER(alias, code, name) {
        en: "alias '{alias}' would make a name ambiguous: it already names {code} {name}",
        id: "Alias '{alias}' akan membuat nama ambigu: nama itu sudah menunjuk {code} {name}",
    }

    // Tokens and webhooks.

    /// A role Lokus does not know.
    UNKNOWN_ROLE(value) {
        en: "role '{value}' is not 'viewer', 'editor', 'steward' or 'approver'",
        id: "Peran '{value}' bukan 'viewer', 'editor', 'steward' atau 'approver'",
    }
    /// A token lifetime out of range.
    TOKEN_LIFETIME() {
        en: "a token lifetime must be more than zero and at most 100 years",
        id: "Masa berlaku token harus lebih dari nol dan paling lama 100 tahun",
    }
    /// A label several active tokens share.
    AMBIGUOUS_TOKEN(count, label, ids) {
        en: "{count} tokens are labelled '{label}' (ids {ids}); revoke one by id",
        id: "{count} token berlabel '{label}' (id {ids}); cabut satu menurut id-nya",
    }
    /// An event type Lokus does not send.
    UNKNOWN_EVENT_TYPE(value) {
        en: "events: '{value}' is not one of lokus.adopted, lokus.withdrawn, dataset.published",
        id: "events: '{value}' bukan salah satu dari lokus.adopted, lokus.withdrawn, dataset.published",
    }
    /// A subscription to no events.
    NO_EVENT_TYPES() {
        en: "events: name at least one of lokus.adopted, lokus.withdrawn, dataset.published",
        id: "events: sebutkan sedikitnya satu dari lokus.adopted, lokus.withdrawn, dataset.published",
    }
    /// A signing secret that is not base64.
    SECRET_NOT_BASE64() {
        en: "the signing secret is not base64",
        id: "Rahasia penandatanganan bukan base64",
    }
    /// An empty signing secret.
    SECRET_EMPTY() {
        en: "the signing secret is empty",
        id: "Rahasia penandatanganan kosong",
    }

    // Years, data and assumptions.

    /// A year of a kind outside the years a query may name.
    YEAR_RANGE(kind, min, max, value) {
        en: "{kind} year must be between {min} and {max}, got {value}",
        id: "Tahun {kind} harus antara {min} dan {max}, bukan {value}",
    }
    /// A dataset year that is not there, with the years that are (a `not_found` id).
    YEAR_OF_YEARS(kind, year, years) {
        en: "{kind} {year} (years present: {years})",
        id: "{kind} {year} (tahun yang tersedia: {years})",
    }
    /// A dataset year that is not there, of a kind without any (a `not_found` id).
    YEAR_WITHOUT_YEARS(kind, year, years) {
        en: "{kind} {year} (years present: none)",
        id: "{kind} {year} (belum ada tahun yang tersedia)",
    }
    /// No dataset of a kind at all.
    NO_DATA(kind) {
        en: "no {kind} dataset has been imported",
        id: "Belum ada dataset {kind} yang diimpor",
    }
    /// An outcome year not after the run's.
    OUTCOME_NOT_AFTER(year, value) {
        en: "outcome_year must be after the run's stunting year {year}, got {value}",
        id: "outcome_year harus sesudah tahun stunting run {year}, bukan {value}",
    }
    /// No stunting dataset for the outcome year.
    NO_OUTCOME_DATA(year) {
        en: "no stunting dataset exists for the outcome year {year}; import one",
        id: "Tidak ada dataset stunting untuk tahun hasil {year}; impor satu",
    }
    /// An absolute programme effect out of range.
    EFFECT_POINTS_RANGE(value) {
        en: "effect_points must be between 0 and 100 % points, got {value}",
        id: "effect_points harus antara 0 dan 100 poin persen, bukan {value}",
    }
    /// A target prevalence out of range.
    TARGET_RANGE(value) {
        en: "target must be between 0 and 100 %, got {value}",
        id: "target harus antara 0 dan 100 %, bukan {value}",
    }
    /// What to do when no boundary layer exists (a `not_found` id).
    IMPORT_BOUNDARIES_FIRST() {
        en: "(import one with kind=boundaries first)",
        id: "(impor dulu dengan kind=boundaries)",
    }
    /// The kinds with a template (a `not_found` id).
    TEMPLATE_KINDS(kind) {
        en: "'{kind}' (templates exist for regions, stunting, spbe, covariate, population)",
        id: "'{kind}' (templat tersedia untuk regions, stunting, spbe, covariate, population)",
    }

    // Backups.

    /// A backup or restore asked of PostgreSQL.
    BACKUP_OF_POSTGRES() {
        en: crate::backup::POSTGRES_HINT,
        id: "lokus backup dan restore menyalin basis data SQLite; untuk PostgreSQL pakai pg_dump --format=custom --file=FILE URL untuk mencadangkan dan pg_restore --clean --if-exists --no-owner --dbname=URL FILE untuk memulihkan (lihat docs/OPERATIONS.md)",
    }
    /// A path that is not UTF-8.
    NOT_A_UTF8_PATH(path) {
        en: "{path} is not a UTF-8 path",
        id: "{path} bukan jalur UTF-8",
    }
    /// A backup onto an existing file.
    BACKUP_EXISTS(path) {
        en: "{path} exists already; name a new file",
        id: "{path} sudah ada; sebutkan berkas baru",
    }
    /// A backup to restore that is not a file.
    NOT_A_FILE(path) {
        en: "{path} is not a file",
        id: "{path} bukan berkas",
    }
    /// A backup SQLite cannot read or check (its text in `detail`).
    NOT_A_BACKUP(path, detail) {
        en: "{path} is not a Lokus backup: {detail}",
        id: "{path} bukan cadangan Lokus yang utuh",
    }
    /// A database without the Lokus tables.
    BACKUP_WITHOUT_DATASETS(path) {
        en: "{path} is not a Lokus backup: it has no datasets table",
        id: "{path} bukan cadangan Lokus: tidak ada tabel datasets di dalamnya",
    }
    /// A restore over a database that holds datasets.
    TARGET_NOT_EMPTY(path, count) {
        en: "{path} holds {count} datasets; restore into a new database, or add --force to replace it",
        id: "{path} berisi {count} dataset; pulihkan ke basis data baru, atau tambahkan --force untuk menggantinya",
    }
    /// A restore whose final rename failed (the system's text in `detail`).
    CANNOT_REPLACE(path, detail) {
        en: "cannot replace {path}: {detail}",
        id: "{path} tidak dapat diganti",
    }
}
