//! The language of a request's messages, chosen by `Accept-Language` (Indonesian when the
//! header prefers `id`, English otherwise). Each language composes its own sentence from a
//! message's sentence and values ([`model::message`]); the machine-readable `error` code and
//! the `params` never change, only the human sentence does.

use model::RowError;
pub use model::message::Lang;

use crate::sentences as s;

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

/// A row error's `message` in `lang`: in English the problem as the importer wrote it; in
/// Indonesian the place first, composed from the row's line and column, then the problem
/// (`baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]`). The column is the
/// header as written in the file, else the field's name.
pub fn row_message(row: &RowError, lang: Lang) -> String {
    if lang == Lang::En {
        return row.message.clone();
    }
    let place = match (&row.column, &row.field) {
        (Some(column), _) => s::ROW_COLUMN
            .with("line", row.line)
            .with("column", column.to_lowercase()),
        (None, Some(field)) => s::ROW_COLUMN
            .with("line", row.line)
            .with("column", field.as_str()),
        (None, None) => s::ROW.with("line", row.line),
    };
    format!("{}: {}", place.render(lang), row.problem_in(lang))
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
            model::sentences::NOT_A_PERCENTAGE.with("value", 120.0),
        );
        row.column = Some("Prevalensi".into());
        assert_eq!(
            row_message(&row, Lang::Id),
            "baris 3, kolom prevalensi: 120 bukan persentase dalam [0, 100]"
        );
        assert_eq!(
            row_message(&row, Lang::En),
            "prevalence 120 is not a percentage in [0, 100]"
        );
        let row = RowError::field(
            7,
            "value",
            model::sentences::NOT_A_NUMBER.with("value", "abc"),
        );
        assert_eq!(
            row_message(&row, Lang::Id),
            "baris 7, kolom value: 'abc' bukan angka"
        );
        assert_eq!(row.problem.code(), "not_a_number");
    }

    /// English words no Indonesian sentence may hold; identifiers (`max_per_province`,
    /// `LOKUS_MAX_IMPORT_ROWS`) and values are not words.
    const ENGLISH: &[&str] = &[
        "a", "an", "and", "are", "at", "be", "between", "but", "cannot", "detail", "error",
        "expected", "for", "found", "got", "has", "have", "in", "invalid", "is", "line", "more",
        "most", "must", "no", "not", "of", "or", "row", "rows", "than", "that", "the", "to",
        "unknown", "was", "with",
    ];

    /// Terms written alike in both languages.
    const SAME_IN_BOTH: &[&str] = &["DATASET", "WEBHOOK", "TOKEN", "STAGED"];

    /// Every sentence of both catalogues: the model's and the API's.
    fn every_sentence() -> Vec<&'static model::message::Sentence> {
        model::sentences::all()
            .chain(crate::sentences::ALL.iter().copied())
            .collect()
    }

    #[test]
    fn every_sentence_composes_a_whole_indonesian_sentence_from_its_values() {
        let sentences = every_sentence();
        assert!(sentences.len() > 200, "{} sentences", sentences.len());
        let mut codes = std::collections::HashSet::new();
        for sentence in sentences {
            assert!(
                codes.insert(sentence.code()),
                "{} is defined twice",
                sentence.name
            );
            // Each template names only the values the sentence declares …
            for template in [sentence.en, sentence.id] {
                for name in model::message::Sentence::placeholders(template) {
                    assert!(
                        sentence.params.contains(&name),
                        "{}: {{{name}}} is not declared",
                        sentence.name
                    );
                }
            }
            // … so that, given them, nothing is left to fill, in words of its own language.
            let mut message = model::message::Message::from(sentence);
            for name in sentence.params {
                message = message.with(name, 7);
            }
            let indonesian = message.render(Lang::Id);
            for name in sentence.params {
                assert!(
                    !indonesian.contains(&format!("{{{name}}}")),
                    "{}: {indonesian} leaves {{{name}}}",
                    sentence.name
                );
            }
            // Quoted names ('rows', `field`) are identifiers, not words.
            let words: String = indonesian
                .split(['\'', '`'])
                .step_by(2)
                .collect::<Vec<_>>()
                .join(" ");
            let english: Vec<&str> = words
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
                .collect();
            assert!(
                english.is_empty(),
                "{}: English {english:?} in {indonesian:?}",
                sentence.name
            );
            assert!(
                sentence.en != sentence.id || SAME_IN_BOTH.contains(&sentence.name),
                "{} is not translated",
                sentence.name
            );
        }
    }

    #[test]
    fn the_specifics_of_an_error_are_in_its_indonesian_sentence() {
        let m = model::sentences::RANGE_COUNTED
            .with("field", "k")
            .with("min", 1)
            .with("max", 40)
            .with("counted", &model::sentences::THE_JOINED)
            .with("value", 50);
        assert_eq!(
            m.to_string(),
            "k must be between 1 and 40 (the joined districts), got 50"
        );
        assert_eq!(
            m.render(Lang::Id),
            "k harus antara 1 dan 40 (jumlah kabupaten/kota yang tergabung), bukan 50"
        );
        assert_eq!(
            serde_json::to_value(&m.params).unwrap(),
            serde_json::json!({"field": "k", "min": 1, "max": 40, "counted": "the_joined", "value": 50})
        );
    }
}
