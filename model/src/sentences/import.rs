//! What an upload is refused for: the request and the file as a whole (capitalised in
//! Indonesian, as the whole message), and each row's problem (its code is the row error's
//! `problem`; lower-case in Indonesian, as the API writes it after `baris 3, kolom x: `).

crate::catalogue! {
    list: IMPORT_ALL;

    // The request and the file as a whole.

    /// A covariate upload without an indicator.
    MISSING_INDICATOR() {
        en: "a covariate dataset needs an 'indicator' name (e.g. poverty_rate)",
        id: "Dataset kovariat memerlukan nama 'indicator' (misalnya poverty_rate)",
    }
    /// A year (the request's or a row's) outside the years data may have.
    YEAR_OUTSIDE(value, min, max) {
        en: "year {value} is outside {min}–{max}",
        id: "tahun {value} di luar rentang {min}–{max}",
    }
    /// A workbook sent as boundaries.
    BOUNDARIES_NOT_A_WORKBOOK() {
        en: "boundaries must be a GeoJSON FeatureCollection, not a workbook",
        id: "Batas wilayah harus berupa GeoJSON FeatureCollection, bukan buku kerja Excel",
    }
    /// Boundaries that are not a FeatureCollection.
    NOT_A_FEATURE_COLLECTION() {
        en: "boundaries must be a GeoJSON FeatureCollection",
        id: "Batas wilayah harus berupa GeoJSON FeatureCollection",
    }
    /// A GeoJSON that is not UTF-8.
    GEOJSON_NOT_UTF8() {
        en: "the GeoJSON is not valid UTF-8",
        id: "GeoJSON ini bukan UTF-8 yang sah; simpan sebagai UTF-8",
    }
    /// A FeatureCollection without features.
    NO_FEATURES() {
        en: "the FeatureCollection has no features",
        id: "FeatureCollection ini tidak memuat satu fitur pun",
    }
    /// More rows than `LOKUS_MAX_IMPORT_ROWS`.
    TOO_MANY_ROWS(limit) {
        en: "the file has more than {limit} data rows, the limit (LOKUS_MAX_IMPORT_ROWS)",
        id: "Berkas memuat lebih dari {limit} baris data, batas impor (LOKUS_MAX_IMPORT_ROWS)",
    }
    /// A source, indicator or sheet name longer than `LOKUS_MAX_NAME_CHARS`.
    NAME_TOO_LONG(field, length, limit) {
        en: "{field} has {length} characters, more than the limit of {limit} (LOKUS_MAX_NAME_CHARS)",
        id: "{field} berisi {length} karakter, melebihi batas {limit} (LOKUS_MAX_NAME_CHARS)",
    }
    /// More columns than `LOKUS_MAX_IMPORT_COLUMNS`.
    TOO_MANY_COLUMNS(count, limit) {
        en: "the table has {count} columns, more than the limit of {limit} (LOKUS_MAX_IMPORT_COLUMNS)",
        id: "Tabel memiliki {count} kolom, melebihi batas {limit} (LOKUS_MAX_IMPORT_COLUMNS)",
    }
    /// A cell longer than `LOKUS_MAX_FIELD_CHARS`.
    FIELD_TOO_LONG(line, column, length, limit) {
        en: "line {line}, column '{column}': {length} characters, more than the limit of {limit} (LOKUS_MAX_FIELD_CHARS)",
        id: "Baris {line}, kolom '{column}': {length} karakter, melebihi batas {limit} (LOKUS_MAX_FIELD_CHARS)",
    }
    /// A header without data rows.
    NO_DATA_ROWS() {
        en: "the file has a header but no data rows",
        id: "Berkas memiliki baris judul kolom tetapi tidak ada baris data",
    }
    /// A CSV line with more fields than `LOKUS_MAX_IMPORT_COLUMNS`.
    TOO_MANY_FIELDS(line, limit) {
        en: "line {line} has more than {limit} fields, the limit (LOKUS_MAX_IMPORT_COLUMNS)",
        id: "Baris {line} memiliki lebih dari {limit} isian, batas impor (LOKUS_MAX_IMPORT_COLUMNS)",
    }
    /// Nothing at all.
    EMPTY_FILE() {
        en: "the file is empty",
        id: "Berkas kosong",
    }
    /// JSON that is an object without rows.
    JSON_WITHOUT_ROWS() {
        en: "JSON must be an array of objects or an object with a 'rows' array",
        id: "JSON harus berupa larik objek atau objek dengan larik 'rows'",
    }
    /// JSON that is neither an array nor an object.
    JSON_NOT_AN_ARRAY() {
        en: "JSON must be an array of objects",
        id: "JSON harus berupa larik objek",
    }
    /// Bytes calamine or the ZIP reader cannot open (their text in `detail`).
    NOT_A_WORKBOOK(detail) {
        en: "the file is not a readable .xlsx workbook: {detail}",
        id: "Berkas ini bukan buku kerja .xlsx yang dapat dibaca",
    }
    /// A workbook archive of too many entries.
    TOO_MANY_ENTRIES(count, limit) {
        en: "the workbook's archive has {count} entries, more than {limit}",
        id: "Arsip buku kerja berisi {count} entri, lebih dari {limit}",
    }
    /// A workbook part over `LOKUS_MAX_XLSX_UNZIPPED_BYTES`.
    PART_TOO_LARGE(part, limit) {
        en: "the workbook part '{part}' inflates to more than {limit} bytes, the limit (LOKUS_MAX_XLSX_UNZIPPED_BYTES)",
        id: "Bagian buku kerja '{part}' mengembang menjadi lebih dari {limit} bita, batas impor (LOKUS_MAX_XLSX_UNZIPPED_BYTES)",
    }
    /// All parts of a workbook over four times `LOKUS_MAX_XLSX_UNZIPPED_BYTES`.
    PARTS_TOO_LARGE(limit) {
        en: "the workbook's parts inflate to more than {limit} bytes together, four times the limit of one part (LOKUS_MAX_XLSX_UNZIPPED_BYTES)",
        id: "Semua bagian buku kerja bersama-sama mengembang menjadi lebih dari {limit} bita, empat kali batas satu bagian (LOKUS_MAX_XLSX_UNZIPPED_BYTES)",
    }
    /// More shared strings than `LOKUS_MAX_XLSX_SHARED_STRINGS`.
    TOO_MANY_SHARED_STRINGS(limit) {
        en: "the workbook holds more than {limit} shared strings, the limit (LOKUS_MAX_XLSX_SHARED_STRINGS)",
        id: "Buku kerja memuat lebih dari {limit} teks bersama, batas impor (LOKUS_MAX_XLSX_SHARED_STRINGS)",
    }
    /// A workbook part of too many XML elements.
    TOO_MANY_ELEMENTS(part, limit) {
        en: "the workbook part '{part}' holds more than {limit} XML elements",
        id: "Bagian buku kerja '{part}' memuat lebih dari {limit} elemen XML",
    }
    /// A sheet calamine cannot read (its text in `detail`).
    SHEET_UNREADABLE(sheet, detail) {
        en: "sheet '{sheet}' cannot be read: {detail}",
        id: "Lembar kerja '{sheet}' tidak dapat dibaca",
    }
    /// A sheet wider than `LOKUS_MAX_IMPORT_COLUMNS`.
    SHEET_TOO_WIDE(sheet, first, last, cell, count, limit) {
        en: "sheet '{sheet}' uses columns {first} to {last} (cell {cell}): {count} columns, more than the limit of {limit} (LOKUS_MAX_IMPORT_COLUMNS)",
        id: "Lembar kerja '{sheet}' memakai kolom {first} sampai {last} (sel {cell}): {count} kolom, melebihi batas {limit} (LOKUS_MAX_IMPORT_COLUMNS)",
    }
    /// A sheet longer than `LOKUS_MAX_IMPORT_ROWS`.
    SHEET_TOO_LONG(sheet, first, last, cell, limit) {
        en: "sheet '{sheet}' uses rows {first} to {last} (cell {cell}): more than the header and {limit} data rows, the limit (LOKUS_MAX_IMPORT_ROWS); rows above the header and blank rows in between count",
        id: "Lembar kerja '{sheet}' memakai baris {first} sampai {last} (sel {cell}): lebih dari baris judul kolom dan {limit} baris data, batas impor (LOKUS_MAX_IMPORT_ROWS); baris di atas judul kolom dan baris kosong di antaranya ikut dihitung",
    }
    /// A sheet name the workbook does not have.
    UNKNOWN_SHEET(sheet, sheets) {
        en: "the workbook has no sheet '{sheet}'; its sheets are: {sheets:quoted}",
        id: "Buku kerja tidak memiliki lembar '{sheet}'; lembar yang ada: {sheets:quoted}",
    }
    /// A workbook without sheets.
    NO_SHEETS() {
        en: "the workbook has no sheets",
        id: "Buku kerja tidak memiliki lembar kerja",
    }
    /// An empty sheet.
    SHEET_EMPTY(sheet) {
        en: "sheet '{sheet}' is empty",
        id: "Lembar kerja '{sheet}' kosong",
    }
    /// Merged cells filling too much of a sheet.
    TOO_MANY_MERGED_CELLS(limit) {
        en: "the sheet's merged cells cover more than {limit} cells of the table",
        id: "Sel gabungan pada lembar kerja menutupi lebih dari {limit} sel tabel",
    }

    // Problems of one row.

    /// Bytes that are not UTF-8, from this line on.
    NOT_UTF8() {
        en: "the file is not valid UTF-8; save it as UTF-8",
        id: "berkas bukan UTF-8 yang sah; simpan sebagai UTF-8",
    }
    /// A CSV line with another number of fields than the header.
    FIELD_COUNT(count, expected) {
        en: "has {count} fields but the header has {expected}",
        id: "memiliki {count} isian, sedangkan judul kolom memiliki {expected}",
    }
    /// A line the csv crate cannot read (its text in `detail`).
    CSV_SYNTAX(detail) {
        en: "CSV syntax error: {detail}",
        id: "penulisan CSV tidak sah (misalnya tanda kutip yang tidak ditutup)",
    }
    /// JSON that does not parse (serde_json's text in `detail`).
    JSON_SYNTAX(detail, column) {
        en: "JSON syntax error: {detail}",
        id: "penulisan JSON tidak sah pada karakter ke-{column}",
    }
    /// An item of a JSON array that is not an object.
    ITEM_NOT_AN_OBJECT() {
        en: "item is not a JSON object",
        id: "butir ini bukan objek JSON",
    }
    /// A cell that is not a number.
    NOT_A_NUMBER(value) {
        en: "'{value}' is not a number",
        id: "'{value}' bukan angka",
    }
    /// A negative count.
    NEGATIVE_COUNT(value) {
        en: "'{value}' is negative; a count must be 0 or more",
        id: "'{value}' negatif; jumlah harus 0 atau lebih",
    }
    /// A count with a fraction.
    NOT_A_WHOLE_NUMBER(value) {
        en: "'{value}' is not a whole number",
        id: "'{value}' bukan bilangan bulat",
    }
    /// A count beyond what is exact.
    COUNT_TOO_LARGE(value) {
        en: "'{value}' is too large for a count",
        id: "'{value}' terlalu besar untuk sebuah jumlah",
    }
    /// A column the kind needs.
    MISSING_COLUMN(column, accepted) {
        en: "missing column '{column}' (also accepted: {accepted})",
        id: "kolom '{column}' tidak ada (nama lain yang diterima: {accepted})",
    }
    /// A row of another year than the file's.
    YEAR_DIFFERS(value, year) {
        en: "year {value} differs from the dataset year {year}; import one year per file",
        id: "tahun {value} berbeda dengan tahun dataset {year}; impor satu tahun per berkas",
    }
    /// A year cell that is not a year.
    NOT_A_YEAR(value) {
        en: "'{value}' is not a year",
        id: "'{value}' bukan tahun",
    }
    /// No year in the request nor in the file.
    NO_YEAR() {
        en: "no year given: pass year=YYYY or add a 'year' column",
        id: "tahun tidak disebutkan: kirim year=YYYY atau tambahkan kolom 'year'",
    }
    /// No column identifying districts.
    NO_DISTRICT_COLUMN() {
        en: "no column identifies the district: add code, bps_code or name (+ province)",
        id: "tidak ada kolom yang mengenali kabupaten/kota: tambahkan code, bps_code atau name (+ province)",
    }
    /// An empty value cell.
    VALUE_MISSING() {
        en: "value is missing",
        id: "nilai kosong",
    }
    /// A standard error outside (0, 100).
    SE_OUT_OF_RANGE(value) {
        en: "standard error {value} must be > 0 and < 100",
        id: "galat baku {value} harus > 0 dan < 100",
    }
    /// A sample size that is not a positive whole number.
    NOT_A_SAMPLE_SIZE(value) {
        en: "sample size '{value}' must be a positive whole number",
        id: "ukuran sampel '{value}' harus bilangan bulat positif",
    }
    /// An estimation method other than direct or sae.
    UNKNOWN_METHOD(value) {
        en: "method '{value}' is not 'direct' or 'sae'",
        id: "metode '{value}' bukan 'direct' atau 'sae'",
    }
    /// An SPBE predicate that is not one of the five.
    UNKNOWN_PREDICATE(value) {
        en: "predicate '{value}' is not one of Memuaskan, Sangat Baik, Baik, Cukup, Kurang",
        id: "predikat '{value}' bukan salah satu dari Memuaskan, Sangat Baik, Baik, Cukup, Kurang",
    }
    /// An SPBE predicate that is not the index's.
    PREDICATE_DISAGREES(value, index, predicate) {
        en: "predicate '{value}' disagrees with index {index}, which is '{predicate}'",
        id: "predikat '{value}' tidak sesuai dengan indeks {index}, yang predikatnya '{predicate}'",
    }
    /// A district on two rows.
    DUPLICATE_DISTRICT(code, name, first) {
        en: "district {code} {name} appears again (first on line {first}); one row per district",
        id: "kabupaten/kota {code} {name} muncul lagi (pertama pada baris {first}); satu baris per kabupaten/kota",
    }
    /// A prevalence outside 0–100.
    NOT_A_PERCENTAGE(value) {
        en: "prevalence {value} is not a percentage in [0, 100]",
        id: "{value} bukan persentase dalam [0, 100]",
    }
    /// An SPBE index outside 1–5.
    SPBE_OUT_OF_RANGE(value) {
        en: "SPBE index {value} is outside [1.0, 5.0]",
        id: "indeks SPBE {value} di luar rentang 1,0–5,0",
    }
    /// A Kemendagri code not written NN.NN.
    NOT_A_KEMENDAGRI_CODE(value) {
        en: "Kemendagri code '{value}' is not of the form 12.18",
        id: "kode Kemendagri '{value}' tidak berbentuk seperti 12.18",
    }
    /// A BPS code not of four digits.
    NOT_A_BPS_CODE(value) {
        en: "BPS code '{value}' is not four digits such as 1218",
        id: "kode BPS '{value}' bukan empat angka seperti 1218",
    }
    /// An empty name cell.
    NAME_MISSING() {
        en: "name is missing",
        id: "nama kosong",
    }
    /// A region without kind.
    KIND_MISSING() {
        en: "kind must be 'kabupaten' or 'kota' (or the name must start with KAB./KOTA)",
        id: "jenis harus 'kabupaten' atau 'kota' (atau nama diawali KAB./KOTA)",
    }
    /// A province code that is not the district code's prefix.
    PROVINCE_NOT_PREFIX(province, code) {
        en: "province code '{province}' does not prefix district code '{code}'",
        id: "kode provinsi '{province}' bukan awalan kode kabupaten/kota '{code}'",
    }
    /// A province code the reference lacks, without a name to add it.
    UNKNOWN_PROVINCE_CODE(province) {
        en: "province '{province}' is not known; add a province_name column",
        id: "provinsi '{province}' tidak dikenal; tambahkan kolom province_name",
    }
    /// A Kemendagri code on two rows.
    DUPLICATE_CODE(code, first) {
        en: "code {code} appears again (first on line {first})",
        id: "kode {code} muncul lagi (pertama pada baris {first})",
    }
    /// A BPS code on two rows.
    DUPLICATE_BPS_CODE(code, first) {
        en: "BPS code {code} appears again (first on line {first})",
        id: "kode BPS {code} muncul lagi (pertama pada baris {first})",
    }
    /// A BPS code another district holds.
    BPS_CODE_TAKEN(code, district) {
        en: "BPS code {code} already belongs to district {district}",
        id: "kode BPS {code} sudah dimiliki kabupaten/kota {district}",
    }
    /// A boundary feature without a district code.
    FEATURE_WITHOUT_CODE() {
        en: "feature has no properties.kemendagri_code",
        id: "fitur tidak memiliki properties.kemendagri_code",
    }
    /// A boundary feature whose geometry is wrong (`problem`, below).
    BAD_GEOMETRY(item, code, problem) {
        en: "feature {item} (district {code}): {problem}",
        id: "fitur {item} (kabupaten/kota {code}): {problem}",
    }
    /// A code on two features.
    DUPLICATE_FEATURE_CODE(code, first) {
        en: "code {code} appears again (first in feature {first})",
        id: "kode {code} muncul lagi (pertama pada fitur {first})",
    }

    // A row's district, as the region reference resolves it.

    /// A Kemendagri code the reference lacks.
    UNKNOWN_KEMENDAGRI_CODE(value) {
        en: "unknown Kemendagri code '{value}'",
        id: "kode Kemendagri '{value}' tidak dikenal",
    }
    /// A BPS code in the Kemendagri code column.
    CODE_LOOKS_LIKE_BPS(value) {
        en: "unknown Kemendagri code '{value}'; it looks like a BPS code: put it in a 'bps_code' column (BPS and Kemendagri codes differ for 199 districts)",
        id: "kode Kemendagri '{value}' tidak dikenal; tampaknya ini kode BPS: taruh di kolom 'bps_code' (kode BPS dan Kemendagri berbeda untuk 199 kabupaten/kota)",
    }
    /// A kind other than kabupaten or kota.
    NOT_A_KIND(value) {
        en: "kind '{value}' is not 'kabupaten' or 'kota'",
        id: "jenis '{value}' bukan 'kabupaten' atau 'kota'",
    }
    /// A province the reference lacks.
    UNKNOWN_PROVINCE(value) {
        en: "unknown province '{value}'",
        id: "provinsi '{value}' tidak dikenal",
    }
    /// A BPS code the reference lacks.
    UNKNOWN_BPS_CODE(value) {
        en: "unknown BPS code '{value}'",
        id: "kode BPS '{value}' tidak dikenal",
    }
    /// Two codes of one row naming two districts.
    CODES_DISAGREE(code, bps_code) {
        en: "Kemendagri code '{code}' and BPS code '{bps_code}' name different districts",
        id: "kode Kemendagri '{code}' dan kode BPS '{bps_code}' menunjuk kabupaten/kota yang berbeda",
    }
    /// A row without code or name.
    NO_DISTRICT_ID() {
        en: "no code, bps_code or name to identify the district",
        id: "tidak ada code, bps_code atau name untuk mengenali kabupaten/kota",
    }
    /// A name that means another district than the row's code.
    NAME_NOT_CODE(name) {
        en: "name '{name}' does not match the district with that code",
        id: "nama '{name}' tidak cocok dengan kabupaten/kota berkode itu",
    }
    /// A name several districts have.
    AMBIGUOUS_NAME(name, count) {
        en: "name '{name}' is ambiguous: {count} districts match; add the province and kind (kabupaten/kota) or use the code",
        id: "nama '{name}' ambigu: {count} kabupaten/kota cocok; tambahkan provinsi dan jenis (kabupaten/kota) atau pakai kodenya",
    }
    /// A name whose first word may be the kind.
    KIND_OR_NAME(name, word) {
        en: "name '{name}' is ambiguous: the word '{word}' may be the kind or part of the name; add a kind column",
        id: "nama '{name}' ambigu: kata '{word}' bisa berarti jenis atau bagian dari nama; tambahkan kolom kind",
    }
    /// A name no district has.
    UNKNOWN_NAME(name) {
        en: "no district named '{name}'",
        id: "tidak ada kabupaten/kota bernama '{name}'",
    }
    /// A name no district of the province has.
    UNKNOWN_NAME_IN_PROVINCE(name, province) {
        en: "no district named '{name}' in {province}",
        id: "tidak ada kabupaten/kota bernama '{name}' di {province}",
    }
    /// A name no district has, with the closest one.
    UNKNOWN_NAME_CLOSEST(name, closest_code, closest_name) {
        en: "no district named '{name}'; closest: {closest_code} {closest_name}",
        id: "tidak ada kabupaten/kota bernama '{name}'; yang paling mirip: {closest_code} {closest_name}",
    }
    /// A name no district of the province has, with the closest one.
    UNKNOWN_NAME_IN_PROVINCE_CLOSEST(name, province, closest_code, closest_name) {
        en: "no district named '{name}' in {province}; closest: {closest_code} {closest_name}",
        id: "tidak ada kabupaten/kota bernama '{name}' di {province}; yang paling mirip: {closest_code} {closest_name}",
    }

    // A boundary geometry: its parts and what is wrong with them.

    /// The one polygon of a Polygon.
    THE_POLYGON() {
        en: "the polygon",
        id: "poligon",
    }
    /// A polygon of a MultiPolygon.
    POLYGON_NUMBER(number) {
        en: "polygon {number}",
        id: "poligon {number}",
    }
    /// The shell of a polygon.
    OUTER_RING(part) {
        en: "the outer ring of {part}",
        id: "cincin luar {part}",
    }
    /// A hole of a polygon.
    HOLE(number, part) {
        en: "hole {number} of {part}",
        id: "lubang {number} pada {part}",
    }
    /// A ring that is not an array.
    NOT_POSITIONS(part) {
        en: "{part} is not an array of positions",
        id: "{part} bukan larik posisi",
    }
    /// A position that is not two numbers.
    NOT_A_POSITION(position, part) {
        en: "position {position} of {part} is not a [longitude, latitude] pair",
        id: "posisi {position} pada {part} bukan pasangan [bujur, lintang]",
    }
    /// A longitude outside -180–180.
    LONGITUDE_OUT_OF_RANGE(position, part, value) {
        en: "position {position} of {part} has longitude {value}, outside -180 to 180",
        id: "posisi {position} pada {part} berbujur {value}, di luar -180 sampai 180",
    }
    /// A latitude outside -90–90.
    LATITUDE_OUT_OF_RANGE(position, part, value) {
        en: "position {position} of {part} has latitude {value}, outside -90 to 90",
        id: "posisi {position} pada {part} berlintang {value}, di luar -90 sampai 90",
    }
    /// A position outside Indonesia's box.
    OUTSIDE_INDONESIA(position, part, longitude, latitude, west, east, south, north) {
        en: "position {position} of {part} ({longitude}, {latitude}) lies outside Indonesia (longitude {west} to {east}, latitude {south} to {north})",
        id: "posisi {position} pada {part} ({longitude}; {latitude}) berada di luar Indonesia (bujur {west} sampai {east}, lintang {south} sampai {north})",
    }
    /// A closed ring of fewer than four positions.
    RING_TOO_SHORT(part, count) {
        en: "{part} has {count} positions; a ring needs at least 4 positions, its last equal to its first",
        id: "{part} memiliki {count} posisi; sebuah cincin memerlukan sedikitnya 4 posisi dengan posisi terakhir sama dengan yang pertama",
    }
    /// A ring whose last position is not its first.
    RING_NOT_CLOSED(part, count) {
        en: "{part} has {count} positions and is not closed; a ring needs at least 4 positions, its last equal to its first",
        id: "{part} memiliki {count} posisi dan tidak tertutup; sebuah cincin memerlukan sedikitnya 4 posisi dengan posisi terakhir sama dengan yang pertama",
    }
    /// A polygon without rings.
    NO_RINGS(part) {
        en: "{part} has no rings",
        id: "{part} tidak memiliki cincin",
    }
    /// A polygon invalid in the OGC sense (the geo crate's text in `detail`).
    INVALID_POLYGON(part, detail) {
        en: "{part} is not a valid polygon: {detail}",
        id: "{part} bukan poligon yang sah menurut OGC (misalnya cincinnya memotong dirinya sendiri atau lubangnya di luar cincin luar)",
    }
    /// A MultiPolygon without polygons.
    NO_POLYGONS() {
        en: "the MultiPolygon has no polygons",
        id: "MultiPolygon tidak memuat poligon",
    }
    /// Two overlapping parts of a MultiPolygon.
    POLYGONS_OVERLAP(first, second) {
        en: "polygons {first} and {second} overlap",
        id: "poligon {first} dan {second} bertumpang tindih",
    }
    /// Two parts of a MultiPolygon sharing an edge.
    POLYGONS_SHARE_EDGE(first, second) {
        en: "polygons {first} and {second} share an edge (merge them into one)",
        id: "poligon {first} dan {second} berbagi sisi (gabungkan menjadi satu)",
    }
    /// A MultiPolygon invalid otherwise (the geo crate's text in `detail`).
    INVALID_MULTIPOLYGON(detail) {
        en: "the MultiPolygon is not valid: {detail}",
        id: "MultiPolygon tidak sah menurut OGC",
    }
    /// A geometry of another type.
    NOT_A_POLYGON() {
        en: "geometry must be a Polygon or MultiPolygon with coordinates",
        id: "geometri harus berupa Polygon atau MultiPolygon dengan koordinat",
    }
}
