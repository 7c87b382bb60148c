//! What a statistical fit is refused for (correlation, regression, regression discontinuity,
//! difference-in-differences).

crate::catalogue! {
    list: STATS_ALL;

    /// A bootstrap of no resamples.
    NO_RESAMPLES() {
        en: "The bootstrap needs at least 1 resample.",
        id: "Bootstrap memerlukan sedikitnya 1 resampel.",
    }
    /// Two variables of different lengths.
    LENGTHS_DIFFER(x, y) {
        en: "x has {x} values but y has {y}.",
        id: "x memiliki {x} nilai, sedangkan y memiliki {y}.",
    }
    /// A correlation of values that are not finite.
    CORRELATION_NOT_FINITE() {
        en: "Correlation needs finite values (no NaN or infinity).",
        id: "Korelasi memerlukan nilai hingga (tanpa NaN atau tak hingga).",
    }
    /// A correlation with a constant variable.
    CORRELATION_OF_A_CONSTANT() {
        en: "Correlation is undefined when one variable does not vary.",
        id: "Korelasi tidak terdefinisi bila salah satu variabel tidak bervariasi.",
    }
    /// A regression without predictors.
    NO_PREDICTORS() {
        en: "The regression needs at least one predictor.",
        id: "Regresi memerlukan sedikitnya satu variabel penjelas.",
    }
    /// A predictor of another length than y.
    PREDICTOR_LENGTH(name, count, expected) {
        en: "Predictor {name} has {count} values but y has {expected}.",
        id: "Variabel penjelas {name} memiliki {count} nilai, sedangkan y memiliki {expected}.",
    }
    /// A regression of values that are not finite.
    REGRESSION_NOT_FINITE() {
        en: "The regression needs finite values (no NaN or infinity).",
        id: "Regresi memerlukan nilai hingga (tanpa NaN atau tak hingga).",
    }
    /// A regression of a constant y.
    REGRESSION_OF_A_CONSTANT() {
        en: "The regression is undefined when y does not vary (R² is 0/0).",
        id: "Regresi tidak terdefinisi bila y tidak bervariasi (R² = 0/0).",
    }
    /// A constant predictor.
    CONSTANT_PREDICTOR(name) {
        en: "The predictors are collinear or constant: {name} does not vary.",
        id: "Variabel penjelas kolinear atau konstan: {name} tidak bervariasi.",
    }
    /// Collinear predictors.
    COLLINEAR_PREDICTORS(names) {
        en: "The predictors are collinear or constant: {names}.",
        id: "Variabel penjelas kolinear atau konstan: {names}.",
    }
    /// A difference-in-differences outcome that is not finite.
    OUTCOMES_NOT_FINITE() {
        en: "every outcome must be a finite number",
        id: "Setiap hasil harus bilangan hingga",
    }
    /// A difference-in-differences design that cannot be inverted.
    DID_SINGULAR() {
        en: "the difference-in-differences design is singular",
        id: "Desain difference-in-differences singular sehingga tidak dapat dihitung",
    }
    /// A discontinuity design of two lengths.
    RD_LENGTHS_DIFFER() {
        en: "x and y must have the same length",
        id: "x dan y harus sama panjang",
    }
    /// A discontinuity design of values that are not finite.
    RD_NOT_FINITE() {
        en: "every running value and outcome must be a finite number",
        id: "Setiap nilai penentu dan hasil harus bilangan hingga",
    }
    /// A discontinuity design of a constant outcome.
    RD_CONSTANT_OUTCOME() {
        en: "the outcome is the same for every unit: there is no discontinuity to estimate",
        id: "Hasilnya sama untuk setiap unit: tidak ada diskontinuitas yang dapat ditaksir",
    }
    /// A bandwidth the selector cannot compute.
    BANDWIDTH_UNDEFINED() {
        en: "the bandwidth selector is undefined for these data",
        id: "Pemilih lebar pita tidak terdefinisi untuk data ini",
    }
    /// A degenerate pilot fit of the bandwidth selector.
    PILOT_FIT_DEGENERATE() {
        en: "a bandwidth pilot fit is degenerate",
        id: "Penaksiran awal untuk lebar pita merosot (degenerate)",
    }
    /// A singular local polynomial fit.
    LOCAL_FIT_SINGULAR() {
        en: "a local polynomial fit is singular",
        id: "Penaksiran polinomial lokal singular sehingga tidak dapat dihitung",
    }
}
