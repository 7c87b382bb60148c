//! What a scenario is refused for: a parameter outside its limits, data the method needs, and
//! constraints no selection can meet.

crate::catalogue! {
    list: RANKING_ALL;

    /// A parameter outside its range.
    RANGE(field, min, max, value) {
        en: "{field} must be between {min} and {max}, got {value}",
        id: "{field} harus antara {min} dan {max}, bukan {value}",
    }
    /// A count outside the range the data held allow (`counted` says what bounds it).
    RANGE_COUNTED(field, min, max, counted, value) {
        en: "{field} must be between {min} and {max} ({counted}), got {value}",
        id: "{field} harus antara {min} dan {max} ({counted}), bukan {value}",
    }
    /// Term: what bounds `k` in the ranking proper.
    THE_CANDIDATES() {
        en: "the number of candidates",
        id: "jumlah kandidat",
    }
    /// Term: what bounds `k` once the datasets are joined.
    THE_JOINED() {
        en: "the joined districts",
        id: "jumlah kabupaten/kota yang tergabung",
    }
    /// A parameter that must be positive and at most a limit.
    ABOVE_ZERO_AT_MOST(field, max, value) {
        en: "{field} must be above 0 and at most {max}, got {value}",
        id: "{field} harus di atas 0 dan paling banyak {max}, bukan {value}",
    }
    /// Each value of a list outside its range.
    EACH_BETWEEN(field, min, max, value) {
        en: "{field} must each be between {min} and {max}, got {value}",
        id: "Setiap nilai {field} harus antara {min} dan {max}, bukan {value}",
    }
    /// A list of a robustness grid too short or too long.
    LIST_LENGTH(field, max, count) {
        en: "{field} must list 1 to {max} values, got {count}",
        id: "{field} harus memuat 1 sampai {max} nilai, bukan {count}",
    }
    /// A district value that is not a finite number.
    NOT_FINITE(field, code, value) {
        en: "{field} of district {code} must be a finite number, got {value}",
        id: "{field} kabupaten/kota {code} harus bilangan hingga, bukan {value}",
    }
    /// A district's stunting standard error that is not finite and non-negative.
    NOT_FINITE_SE(code, value) {
        en: "stunting_se of district {code} must be finite and non-negative, got {value}",
        id: "stunting_se kabupaten/kota {code} harus bilangan hingga dan tidak negatif, bukan {value}",
    }
    /// A district among the candidates twice.
    DUPLICATE_CANDIDATE(code) {
        en: "district code {code} appears more than once among the candidates",
        id: "Kode kabupaten/kota {code} muncul lebih dari sekali di antara kandidat",
    }
    /// A burden ranking without a district's population.
    MISSING_POPULATION(code) {
        en: "method burden and a burden weight need the under-five population of every district; {code} has none (import a population dataset)",
        id: "Metode burden dan bobot burden memerlukan jumlah balita setiap kabupaten/kota; {code} tidak memilikinya (impor dataset penduduk)",
    }
    /// A trend ranking without a district's earlier stunting.
    MISSING_PREVIOUS_YEAR(code) {
        en: "method trend and a trend weight need stunting from an earlier year for every district; {code} has none (import an earlier stunting dataset)",
        id: "Metode trend dan bobot trend memerlukan stunting tahun sebelumnya untuk setiap kabupaten/kota; {code} tidak memilikinya (impor dataset stunting tahun sebelumnya)",
    }
    /// A burden ranking without a population dataset.
    NO_POPULATION_FOR_YEAR(year) {
        en: "method burden and a burden weight need a population dataset (kind population, indicator under5) for {year} or earlier; import one",
        id: "Metode burden dan bobot burden memerlukan dataset penduduk (kind population, indicator under5) untuk tahun {year} atau sebelumnya; impor satu",
    }
    /// A trend ranking without an earlier stunting dataset.
    NO_PREVIOUS_STUNTING_YEAR(year) {
        en: "method trend and a trend weight need a stunting dataset of a year before {year}; import one",
        id: "Metode trend dan bobot trend memerlukan dataset stunting dari tahun sebelum {year}; impor satu",
    }
    /// A minimum SPBE off the scale.
    MIN_SPBE_RANGE(value) {
        en: "constraints.min_spbe must be between 1.0 and 5.0 (the SPBE scale), got {value}",
        id: "constraints.min_spbe harus antara 1,0 dan 5,0 (skala SPBE), bukan {value}",
    }
    /// A code list longer than the candidates.
    TOO_MANY_CODES(field, count, max) {
        en: "{field} lists {count} codes, more than the {max} candidates",
        id: "{field} memuat {count} kode, lebih banyak daripada {max} kandidat",
    }
    /// A forced district that is not a candidate.
    NOT_A_CANDIDATE(field, code) {
        en: "{field} code {code} is not among the candidates",
        id: "Kode {code} pada {field} tidak termasuk kandidat",
    }
    /// A residual ranking of fewer than three districts.
    RESIDUAL_TOO_FEW(count) {
        en: "method residual needs at least 3 districts to fit stunting on SPBE, got {count}",
        id: "Metode residual memerlukan sedikitnya 3 kabupaten/kota untuk meregresikan stunting pada SPBE, tersedia {count}",
    }
    /// A residual ranking where SPBE does not vary.
    RESIDUAL_CONSTANT_SPBE() {
        en: "method residual needs SPBE values that vary across districts; all candidates have the same SPBE",
        id: "Metode residual memerlukan nilai SPBE yang bervariasi antarkabupaten/kota; semua kandidat memiliki SPBE yang sama",
    }
    /// Weights that are not finite and non-negative.
    WEIGHTS_NOT_FINITE(stunting, spbe, burden, trend) {
        en: "weights must be finite and non-negative, got stunting {stunting}, spbe {spbe}, burden {burden}, trend {trend}",
        id: "Bobot harus bilangan hingga dan tidak negatif, bukan stunting {stunting}, spbe {spbe}, burden {burden}, trend {trend}",
    }
    /// Weights whose sum overflows.
    WEIGHT_SUM_NOT_FINITE(stunting, spbe, burden, trend) {
        en: "the sum of the weights must be a finite number, got {stunting} + {spbe} + {burden} + {trend}",
        id: "Jumlah bobot harus bilangan hingga, bukan {stunting} + {spbe} + {burden} + {trend}",
    }
    /// Weights that are all zero.
    ALL_WEIGHTS_ZERO() {
        en: "all weights are 0; at least one must be positive",
        id: "Semua bobot bernilai 0; sedikitnya satu harus positif",
    }
    /// A draw count whose ranks would not fit in memory.
    TOO_MANY_DRAWS(count, max, bytes, value) {
        en: "with {count} candidates draws must be at most {max}, because every draw's ranks are kept for the percentiles (at most {bytes} bytes); got {value}",
        id: "Dengan {count} kandidat, draws paling banyak {max}, karena peringkat setiap simulasi disimpan untuk persentil (paling banyak {bytes} bita); bukan {value}",
    }
    /// A default stunting standard error outside its range.
    STUNTING_SE_RANGE(max, value) {
        en: "default_stunting_se must be between 0 and {max} % points, got {value}",
        id: "default_stunting_se harus antara 0 dan {max} poin persen, bukan {value}",
    }

    // Constraints no selection can meet.

    /// A district both forced in and out.
    INCLUDED_AND_EXCLUDED(code) {
        en: "district {code} is in both constraints.include and constraints.exclude",
        id: "Kabupaten/kota {code} ada di constraints.include sekaligus di constraints.exclude",
    }
    /// A forced district below the minimum SPBE.
    INCLUDED_BELOW_MIN_SPBE(code, spbe, min_spbe) {
        en: "district {code} is in constraints.include but its SPBE {spbe} is below constraints.min_spbe {min_spbe}",
        id: "Kabupaten/kota {code} ada di constraints.include, tetapi SPBE-nya {spbe} di bawah constraints.min_spbe {min_spbe}",
    }
    /// More districts forced in than selected.
    INCLUDE_ABOVE_K(count, k) {
        en: "constraints.include forces {count} districts but k is {k}",
        id: "constraints.include memaksa {count} kabupaten/kota masuk, padahal k = {k}",
    }
    /// More districts of a province forced in than its maximum.
    INCLUDE_ABOVE_MAX_PER_PROVINCE(count, province, max) {
        en: "constraints.include forces {count} districts of province {province} but max_per_province is {max}",
        id: "constraints.include memaksa {count} kabupaten/kota provinsi {province} masuk, padahal max_per_province = {max}",
    }
    /// A per-province minimum above the maximum.
    MIN_ABOVE_MAX_PER_PROVINCE(min, max) {
        en: "constraints.min_per_province ({min}) is greater than constraints.max_per_province ({max})",
        id: "constraints.min_per_province ({min}) lebih besar daripada constraints.max_per_province ({max})",
    }
    /// A per-province minimum needing more districts than selected.
    MIN_PER_PROVINCE_ABOVE_K(min, needed, provinces, k) {
        en: "constraints.min_per_province ({min}) needs {needed} districts across {provinces} provinces, more than k = {k}",
        id: "constraints.min_per_province ({min}) memerlukan {needed} kabupaten/kota di {provinces} provinsi, lebih dari k = {k}",
    }
    /// Fewer eligible districts than selected.
    TOO_FEW_ELIGIBLE(available, k) {
        en: "only {available} districts can be selected after constraints.exclude, constraints.min_spbe and constraints.max_per_province, fewer than k = {k}",
        id: "Hanya {available} kabupaten/kota yang dapat dipilih setelah constraints.exclude, constraints.min_spbe dan constraints.max_per_province, kurang dari k = {k}",
    }
}
