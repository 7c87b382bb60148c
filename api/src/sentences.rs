//! The sentences the API and the command line say beyond the model's ([`model::sentences`]):
//! HTTP refusals, tokens, request bodies, query and path parameters, limits the API states,
//! webhook targets. English and Bahasa Indonesia side by side, as in the model's catalogue.

model::catalogue! {
    list: ALL;

    // Where a row error is, before its problem (the Indonesian `message` of a row error).

    /// A line of an upload.
    ROW(line) {
        en: "line {line}",
        id: "baris {line}",
    }
    /// A cell of an upload.
    ROW_COLUMN(line, column) {
        en: "line {line}, column {column}",
        id: "baris {line}, kolom {column}",
    }

    // Requests as HTTP sees them.

    /// No route.
    NO_ROUTE(path) {
        en: "no route for {path}",
        id: "Tidak ada rute untuk {path}",
    }
    /// A route without this method.
    METHOD_NOT_ALLOWED(method) {
        en: "method {method} is not allowed here",
        id: "Metode {method} tidak diizinkan di sini",
    }
    /// A body over `LOKUS_MAX_BODY_BYTES`.
    PAYLOAD_TOO_LARGE(limit) {
        en: "request body is larger than the limit of {limit} bytes",
        id: "Isi permintaan melebihi batas {limit} bita",
    }
    /// A body over a limit the server did not say.
    PAYLOAD_OVER_LIMIT(limit) {
        en: "request body is larger than the limit of {limit} bytes",
        id: "Isi permintaan melebihi batas ukurannya",
    }
    /// Too many requests from one client.
    TOO_MANY_REQUESTS(seconds) {
        en: "too many requests; retry after {seconds} s",
        id: "Terlalu banyak permintaan; coba lagi setelah {seconds} detik",
    }
    /// A body that did not arrive in time.
    BODY_TIMEOUT(seconds) {
        en: "the request body did not arrive within {seconds} s (LOKUS_BODY_TIMEOUT_SECONDS); send it at once",
        id: "Isi permintaan tidak selesai dikirim dalam {seconds} detik (LOKUS_BODY_TIMEOUT_SECONDS); kirim sekaligus",
    }
    /// Every compute slot taken.
    BUSY(seconds) {
        en: "the server is busy computing other scenarios; retry after {seconds} s",
        id: "Server sedang menghitung skenario lain; coba lagi setelah {seconds} detik",
    }
    /// Anything unexpected (for the log; clients get [`INTERNAL_LOGGED`]).
    INTERNAL(detail) {
        en: "internal error: {detail}",
        id: "Terjadi kesalahan internal",
    }
    /// What a client gets for anything unexpected.
    INTERNAL_LOGGED() {
        en: "an internal error occurred; it has been logged",
        id: "Terjadi kesalahan internal; sudah dicatat di log",
    }
    /// The database out of reach.
    DATABASE_UNAVAILABLE() {
        en: "the database is not reachable right now; nothing was changed; retry shortly",
        id: "Basis data sedang tidak dapat dijangkau; tidak ada yang diubah; coba lagi sebentar lagi",
    }
    /// The database out of space.
    INSUFFICIENT_STORAGE() {
        en: "the database has no space left for this write; nothing was changed and the data served before stays served",
        id: "Ruang penyimpanan basis data habis untuk penulisan ini; tidak ada yang diubah dan data sebelumnya tetap dilayani",
    }
    /// The database read-only.
    DATABASE_READ_ONLY() {
        en: "the database is read-only at the moment; nothing was changed and the data served before stays served",
        id: "Basis data sedang hanya-baca; tidak ada yang diubah dan data sebelumnya tetap dilayani",
    }
    /// Not ready: migrations to apply.
    MIGRATIONS_PENDING() {
        en: "migrations are pending",
        id: "Migrasi basis data belum diterapkan",
    }
    /// Not ready: no database.
    DATABASE_NOT_REACHABLE() {
        en: "the database is not reachable",
        id: "Basis data tidak dapat dijangkau",
    }
    /// Another 4xx actix answered by itself.
    NOT_PROCESSED(status) {
        en: "the request could not be processed ({status})",
        id: "Permintaan tidak dapat diproses ({status})",
    }
    /// A body that is not JSON where JSON is needed.
    SEND_JSON() {
        en: "send the body as application/json",
        id: "Kirim isi permintaan sebagai application/json",
    }
    /// A body of a media type actix refused.
    UNSUPPORTED_CONTENT_TYPE() {
        en: "unsupported content type",
        id: "Jenis isi permintaan tidak diterima",
    }
    /// An upload of a media type no format has.
    UPLOAD_CONTENT_TYPE(content_type, xlsx) {
        en: "content type '{content_type}' is not accepted; send the file as the raw body with Content-Type text/csv, application/json or {xlsx} (curl --data-binary @file.csv)",
        id: "Jenis isi '{content_type}' tidak diterima; kirim berkas sebagai isi mentah dengan Content-Type text/csv, application/json atau {xlsx} (curl --data-binary @file.csv)",
    }
    /// An Accept header actix found nothing for.
    NOT_ACCEPTABLE() {
        en: "none of the accepted media types is available",
        id: "Tidak satu pun jenis media yang diterima tersedia",
    }
    /// An Accept header that covers none of what an operation produces.
    NOT_ACCEPTABLE_HERE(media_types) {
        en: "none of the media types in the Accept header is available here; this operation produces {media_types}",
        id: "Tidak satu pun jenis media di header Accept tersedia di sini; operasi ini menghasilkan {media_types}",
    }

    // Tokens.

    /// An Authorization header that is not a bearer token.
    NOT_BEARER() {
        en: "the Authorization header must be 'Bearer <token>'",
        id: "Header Authorization harus berbentuk 'Bearer <token>'",
    }
    /// A token the service does not know.
    UNKNOWN_TOKEN() {
        en: "unknown token",
        id: "Token tidak dikenal",
    }
    /// A revoked token.
    TOKEN_REVOKED() {
        en: "this token has been revoked",
        id: "Token ini sudah dicabut",
    }
    /// An expired token.
    TOKEN_EXPIRED() {
        en: "this token has expired",
        id: "Masa berlaku token ini sudah habis",
    }
    /// A token whose role does not grant the step.
    ROLE_TOO_LOW(role, needed) {
        en: "a {role} token may not do this; it needs role {needed}",
        id: "Token {role} tidak berhak melakukan ini; perlu peran {needed}",
    }
    /// A request without a token where one is needed.
    TOKEN_NEEDED(role) {
        en: "this endpoint needs 'Authorization: Bearer <token>' with role {role}",
        id: "Alamat ini memerlukan 'Authorization: Bearer <token>' dengan peran {role}",
    }
    /// `publish=true` without a steward token.
    PUBLISH_NEEDS_STEWARD() {
        en: "publish=true needs a steward token; upload without it and ask a steward to publish",
        id: "publish=true memerlukan token steward; unggah tanpanya lalu minta walidata menerbitkannya",
    }
    /// `publish=true` under four eyes.
    PUBLISH_OWN_UPLOAD() {
        en: "publish=true would publish the caller's own upload: under four eyes a second person publishes it (LOKUS_FOUR_EYES=false lifts the rule on single-person installs); nothing was written",
        id: "publish=true akan menerbitkan unggahan pemanggil sendiri: dengan prinsip empat mata orang kedua yang menerbitkannya (LOKUS_FOUR_EYES=false mencabut aturan ini pada instalasi satu orang); tidak ada yang ditulis",
    }

    // Request bodies. serde_json's own text stays in `detail` (the English sentence shows it);
    // the Indonesian one names the place and, where serde names it, the member or value.

    /// JSON that does not parse.
    BODY_SYNTAX(detail, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON tidak sah: penulisannya salah pada baris {line}, kolom {column}",
    }
    /// JSON that ends too early.
    BODY_CUT_SHORT(detail, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON terpotong: berakhir pada baris {line}, kolom {column} sebelum selesai",
    }
    /// A member the request does not have (`line` and `column` in `params` when known).
    BODY_UNKNOWN_MEMBER(detail, field, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat isian `{field}` yang tidak dikenal",
    }
    /// A member the request needs.
    BODY_MISSING_MEMBER(detail, field, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON tidak memuat isian wajib `{field}`",
    }
    /// A member given twice.
    BODY_DUPLICATE_MEMBER(detail, field, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat isian `{field}` dua kali",
    }
    /// A value not among those a member takes.
    BODY_UNKNOWN_VALUE(detail, value, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat nilai `{value}` yang tidak dikenal",
    }
    /// A value of the wrong type, where serde_json knows the place.
    BODY_WRONG_TYPE(detail, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat nilai yang jenisnya salah pada baris {line}, kolom {column}",
    }
    /// A value of the wrong type in a body read before (no place known).
    BODY_WRONG_TYPE_SOMEWHERE(detail) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat nilai yang jenisnya salah",
    }
    /// Any other value the request refuses, where serde_json knows the place.
    BODY_WRONG_VALUE(detail, line, column) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat nilai yang tidak sah pada baris {line}, kolom {column}",
    }
    /// Any other value the request refuses, in a body read before (no place known).
    BODY_WRONG_VALUE_SOMEWHERE(detail) {
        en: "the JSON body is not valid: {detail}",
        id: "Isi JSON memuat nilai yang tidak sah",
    }
    /// A body that could not be read at all.
    BODY_UNREADABLE(detail) {
        en: "the JSON body could not be read: {detail}",
        id: "Isi JSON tidak dapat dibaca",
    }
    /// A member that must be a string.
    BODY_NOT_TEXT(field, value) {
        en: "the JSON body is not valid: {field} must be a string, got {value}",
        id: "Isi JSON tidak sah: {field} harus berupa teks, bukan {value}",
    }
    /// A part of the body that must be an object.
    BODY_NOT_OBJECT(part) {
        en: "the JSON body is not valid: {part} must be an object",
        id: "Isi JSON tidak sah: {part} harus berupa objek",
    }
    /// Term: the body as a whole.
    THE_BODY() {
        en: "the body",
        id: "isi permintaan",
    }

    // Query and path parameters (serde_urlencoded's text in `detail`).

    /// A query value not among those a parameter takes.
    QUERY_UNKNOWN_VALUE(detail, value, query) {
        en: "invalid query parameter: {detail}",
        id: "Parameter kueri tidak sah: nilai `{value}` tidak dikenal",
    }
    /// A query parameter the endpoint does not take.
    QUERY_UNKNOWN_PARAMETER(detail, field, query) {
        en: "invalid query parameter: {detail}",
        id: "Parameter kueri `{field}` tidak dikenal",
    }
    /// A query parameter the endpoint needs.
    QUERY_MISSING_PARAMETER(detail, field, query) {
        en: "invalid query parameter: {detail}",
        id: "Parameter kueri `{field}` wajib ada",
    }
    /// Any other query that does not read (a number that is none, …).
    QUERY_UNREADABLE(detail, query) {
        en: "invalid query parameter: {detail}",
        id: "Parameter kueri tidak sah: ada nilai yang jenisnya tidak sesuai dalam {query}",
    }
    /// A path parameter that does not read.
    PATH_UNREADABLE(detail, path) {
        en: "invalid path parameter: {detail}",
        id: "Parameter jalur tidak sah dalam {path}",
    }
    /// A code list with an item that is no code.
    NOT_A_CODE_LIST(field, value) {
        en: "{field} must be comma-separated Kemendagri codes such as 11.01,32.04; '{value}' is not one",
        id: "{field} harus berupa kode Kemendagri yang dipisahkan koma, misalnya 11.01,32.04; '{value}' bukan kode",
    }
    /// A format the resource is not offered in.
    UNKNOWN_FORMAT(value, formats) {
        en: "format '{value}' is not {formats}",
        id: "Format '{value}' bukan salah satu dari {formats}",
    }
    /// A CSV locale other than `en` or `id`.
    UNKNOWN_LOCALE(value) {
        en: "locale '{value}' is not en or id",
        id: "Locale CSV '{value}' tidak dikenal; pilih en atau id",
    }
    /// A page past any list.
    PAGE_PAST_END(page, per_page, max) {
        en: "page {page} × per_page {per_page} is past any list; page must be at most {max}",
        id: "page {page} × per_page {per_page} melewati daftar mana pun; page paling banyak {max}",
    }
    /// A feed cursor that is negative.
    NOT_A_CURSOR(value) {
        en: "after must be a cursor from this feed (0 or more), got {value}",
        id: "after harus berupa kursor dari umpan ini (0 atau lebih), bukan {value}",
    }
    /// An empty filter.
    EMPTY_FILTER(field) {
        en: "{field} must not be empty",
        id: "{field} tidak boleh kosong",
    }
    /// A region kind filter that is neither kind.
    NOT_A_REGION_KIND(value) {
        en: "kind '{value}' is not kabupaten or kota",
        id: "Jenis '{value}' bukan kabupaten atau kota",
    }
    /// A dataset kind in another spelling than the wire's.
    KIND_SPELLING(value, kind) {
        en: "kind '{value}' must be written '{kind}'",
        id: "Jenis '{value}' harus ditulis '{kind}'",
    }

    // Limits the document states for scenarios and runs.

    /// A code list longer than the districts.
    TOO_MANY_CODES_IN(field, max) {
        en: "{field} may list at most {max} codes",
        id: "{field} paling banyak memuat {max} kode",
    }
    /// A code list holding what is no code.
    NOT_A_CODE_IN(field, value) {
        en: "{field} holds '{value}', which is not a Kemendagri code (NN.NN)",
        id: "{field} memuat '{value}', yang bukan kode Kemendagri (NN.NN)",
    }
    /// A manual decision's reason that is too long.
    DECISION_REASON_TOO_LONG(field, code, max) {
        en: "{field}: the reason for {code} must be at most {max} characters",
        id: "{field}: alasan untuk {code} paling banyak {max} karakter",
    }
    /// A text longer than its limit.
    AT_MOST_CHARACTERS(field, max) {
        en: "{field} must be at most {max} characters",
        id: "{field} paling banyak {max} karakter",
    }
    /// More draws than a read may ask for.
    READ_DRAWS(max, value) {
        en: "a read without an editor token may ask for at most {max} draws, got {value}; send an editor token, or save a run with more draws through POST /api/v1/rankings",
        id: "Pembacaan tanpa token editor paling banyak meminta {max} draws, bukan {value}; kirim token editor, atau simpan run dengan draws lebih banyak melalui POST /api/v1/rankings",
    }
    /// A projection without population data.
    PROJECTION_NEEDS_POPULATION() {
        en: "the projection needs a population dataset (kind population, indicator under5) for the stunting year or earlier; import one",
        id: "Proyeksi memerlukan dataset penduduk (kind population, indicator under5) untuk tahun stunting atau sebelumnya; impor satu",
    }
    /// No adopted list for a programme and year.
    NO_ADOPTED_LIST(programme, year) {
        en: "no list is adopted for {programme} {year}",
        id: "Belum ada daftar yang ditetapkan untuk {programme} {year}",
    }

    // Webhook targets.

    /// A URL that does not parse (the url crate's text in `detail`).
    URL_NOT_ABSOLUTE(url, detail) {
        en: "url: '{url}' is not an absolute URL ({detail})",
        id: "url: '{url}' bukan URL absolut",
    }
    /// A scheme other than http(s).
    URL_SCHEME(scheme) {
        en: "url: the scheme must be https, got '{scheme}'",
        id: "url: skemanya harus https, bukan '{scheme}'",
    }
    /// A URL with credentials.
    URL_WITH_CREDENTIALS() {
        en: "url: must not carry credentials; receivers verify the signature instead",
        id: "url: tidak boleh memuat kredensial; penerima memverifikasi tanda tangannya",
    }
    /// A URL without host.
    URL_WITHOUT_HOST(url) {
        en: "url: '{url}' names no host",
        id: "url: '{url}' tidak menyebut host",
    }
    /// A host outside the allow-list.
    HOST_NOT_ALLOWED(host) {
        en: "url: host {host} is not in LOKUS_WEBHOOK_ALLOWED_HOSTS; no other host is contacted",
        id: "url: host {host} tidak ada di LOKUS_WEBHOOK_ALLOWED_HOSTS; host lain tidak pernah dihubungi",
    }
    /// A plain-http target without an allow-list.
    HTTPS_ONLY() {
        en: "url: only https targets are accepted",
        id: "url: hanya tujuan https yang diterima",
    }
    /// An address that is not public.
    ADDRESS_NOT_PUBLIC(address) {
        en: "url: {address} is not a public address",
        id: "url: {address} bukan alamat publik",
    }
    /// A host name that is not public by definition.
    HOST_NOT_PUBLIC(host) {
        en: "url: {host} is not a public host name",
        id: "url: {host} bukan nama host publik",
    }
    /// A host name DNS does not resolve.
    HOST_UNRESOLVED(host) {
        en: "url: {host} cannot be resolved",
        id: "url: {host} tidak ditemukan di DNS",
    }
    /// A host name resolving to a private address.
    HOST_RESOLVES_PRIVATE(host, address) {
        en: "url: {host} resolves to {address}, which is not a public address",
        id: "url: {host} mengarah ke {address}, yang bukan alamat publik",
    }

    // The command line.

    /// The listening address cannot be bound (the system's text in `detail`).
    CANNOT_BIND(address, detail) {
        en: "cannot bind {address}: {detail}",
        id: "alamat {address} tidak dapat dipakai",
    }
    /// The listening address is taken.
    ADDRESS_IN_USE(address, detail) {
        en: "cannot bind {address}: {detail}",
        id: "alamat {address} sudah dipakai proses lain",
    }
    /// A file cannot be read (the system's text in `detail`).
    CANNOT_READ(path, detail) {
        en: "cannot read {path}: {detail}",
        id: "berkas {path} tidak dapat dibaca",
    }
    /// A file that is not there.
    FILE_NOT_FOUND(path, detail) {
        en: "cannot read {path}: {detail}",
        id: "berkas {path} tidak ditemukan",
    }
    /// A file the process may not read.
    FILE_DENIED(path, detail) {
        en: "cannot read {path}: {detail}",
        id: "berkas {path} tidak boleh dibaca (izin ditolak)",
    }
}
