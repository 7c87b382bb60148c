//! District names as real tables write them: normalisation before matching, and the ranking of
//! look-alike names that are offered as suggestions (never accepted without a person's choice).
//!
//! Normalisation turns one written name into the Indonesian forms it may stand for, tried in
//! order: `Tapanuli Tengah (Tapteng)` → `Tapanuli Tengah`, then `Tapteng`;
//! `Kabupaten Tapanuli Tengah – Pandan` → the whole, then `Kabupaten Tapanuli Tengah`;
//! `Central Tapanuli Regency` → `Kabupaten Tapanuli Tengah`; `Bekasi (Kota)` → `Kota Bekasi`.
//! Case, punctuation, spacing and `Kep.` are then folded by [`crate::region::name_key`].

/// English direction and landform words and the Indonesian they stand for. A direction goes
/// after the name in Indonesian (`South Tapanuli` = `Tapanuli Selatan`); `Central` is `Tengah`
/// except in Jakarta (`Pusat`), so both are tried.
const DIRECTIONS: &[(&str, &[&str])] = &[
    ("north", &["utara"]),
    ("south", &["selatan"]),
    ("east", &["timur"]),
    ("west", &["barat"]),
    ("central", &["tengah", "pusat"]),
    ("southeast", &["tenggara"]),
    ("southwest", &["barat daya"]),
    ("upper", &["hulu"]),
    ("lower", &["hilir"]),
];

/// English words after a name that are an Indonesian word before it (`Bintuni Bay` = `Teluk
/// Bintuni`). `Islands` may also follow the name (`Banggai Kepulauan`, `Tidore Kepulauan`).
const LANDFORMS: &[(&str, &str)] = &[
    ("islands", "kepulauan"),
    ("island", "pulau"),
    ("bay", "teluk"),
    ("mountains", "pegunungan"),
    ("highlands", "pegunungan"),
];

/// The forms a written district name may stand for, most literal first; each may start with a
/// kind word (`Kabupaten`, `Kota`).
pub fn name_variants(text: &str) -> Vec<String> {
    let text = unify_dashes(text.trim());
    let (main, inside) = split_parentheses(&text);
    let kind = inside.iter().find_map(|p| kind_word(p));
    let shorts: Vec<&String> = inside.iter().filter(|p| kind_word(p).is_none()).collect();
    let with_kind = |t: &str| match kind {
        Some(k) if crate::region::split_kind_prefix(t).0.is_none() => format!("{k} {t}"),
        _ => t.to_string(),
    };
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: String| {
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    };
    for base in [Some(main.clone()), before_capital(&main)]
        .into_iter()
        .flatten()
    {
        push(with_kind(&base));
        for english in from_english(&base) {
            push(with_kind(&english));
        }
    }
    for short in shorts {
        push(with_kind(short));
    }
    out
}

/// Every dash becomes `-`; a dash with a space on either side (or an en/em dash) becomes ` – `,
/// which separates a capital: `Kab. X – Pandan`, `Kab. X - Pandan`. `Toli-Toli` keeps its dash.
fn unify_dashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let spaced = i > 0 && chars[i - 1].is_whitespace()
            || chars.get(i + 1).is_some_and(|n| n.is_whitespace());
        match c {
            '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2012}' | '\u{2212}' => {
                out.push_str(" \u{2013} ")
            }
            '-' | '\u{2010}' | '\u{2011}' if spaced => out.push_str(" \u{2013} "),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            _ => out.push(c),
        }
    }
    out
}

/// The name before a separating dash or comma (`Kabupaten X – Pandan`, `Kabupaten X, NTT` →
/// `Kabupaten X`), if one.
fn before_capital(text: &str) -> Option<String> {
    let (before, _) = text.split_once(['\u{2013}', ','])?;
    let before = before.trim();
    (!before.is_empty()).then(|| before.to_string())
}

/// The text outside parentheses and the text of each parenthesised part.
fn split_parentheses(text: &str) -> (String, Vec<String>) {
    let mut main = String::new();
    let mut inside = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth == 1 {
                    current.clear();
                    main.push(' ');
                    continue;
                }
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let part = current.trim().to_string();
                    if !part.is_empty() {
                        inside.push(part);
                    }
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            current.push(c);
        } else {
            main.push(c);
        }
    }
    if depth > 0 && !current.trim().is_empty() {
        // An unclosed parenthesis: keep what follows it as a short form.
        inside.push(current.trim().to_string());
    }
    (main.trim().to_string(), inside)
}

/// `Kabupaten` or `Kota` when a parenthesised part or a word is only a kind.
fn kind_word(text: &str) -> Option<&'static str> {
    crate::region::RegionKind::parse(text).map(|k| match k {
        crate::region::RegionKind::Kabupaten => "Kabupaten",
        crate::region::RegionKind::Kota => "Kota",
    })
}

/// The Indonesian forms of an English district name (`South Tapanuli Regency`,
/// `City of Bekasi`, `Selayar Islands`); empty when the name has no English marker.
pub fn from_english(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut words: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let mut kind: Option<&str> = None;
    let mut english = false;
    // "Regency of X", "City of X"; "X Regency", "X City", "X Administrative City".
    if words.len() > 2
        && words[1] == "of"
        && let Some(k) = english_kind(&words[0])
    {
        kind = Some(k);
        words.drain(..2);
        english = true;
    }
    while words.len() > 1 {
        let last = words.last().map(String::as_str).unwrap_or_default();
        if let Some(k) = english_kind(last) {
            kind = kind.or(Some(k));
            words.pop();
            english = true;
        } else if matches!(last, "administrative" | "adm") {
            words.pop();
        } else {
            break;
        }
    }
    if words.first().is_some_and(|w| w == "administrative") && words.len() > 1 {
        words.remove(0);
    }
    let untranslated = words.join(" ");
    // Leading directions, e.g. "West Southeast Maluku" (the former Maluku Tenggara Barat).
    let mut directions: Vec<&[&str]> = Vec::new();
    while words.len() > 1 {
        let first = words[0].replace('-', "");
        let joined = words
            .get(1)
            .map(|w| format!("{first}{w}"))
            .unwrap_or_default();
        if let Some((_, id)) = DIRECTIONS.iter().find(|(en, _)| *en == joined) {
            directions.push(id);
            words.drain(..2);
        } else if let Some((_, id)) = DIRECTIONS.iter().find(|(en, _)| *en == first) {
            directions.push(id);
            words.remove(0);
        } else {
            break;
        }
    }
    english |= !directions.is_empty();
    let mut prefix = None;
    let mut landform_after = false;
    if words.len() > 1
        && let Some((_, id)) = LANDFORMS
            .iter()
            .find(|(en, _)| words.last().is_some_and(|w| w == en))
    {
        prefix = Some(*id);
        landform_after = *id == "kepulauan";
        words.pop();
        english = true;
    }
    if !english || words.is_empty() {
        return Vec::new();
    }
    let core = words
        .iter()
        .map(|w| if w == "and" { "dan" } else { w.as_str() })
        .collect::<Vec<_>>()
        .join(" ");
    // Each direction word may have two readings (Central: Tengah or Pusat).
    let mut suffixes: Vec<String> = vec![String::new()];
    for options in directions.iter().rev() {
        suffixes = suffixes
            .iter()
            .flat_map(|s| options.iter().map(move |o| format!("{s} {o}")))
            .collect();
    }
    let kind_text = kind.map(|k| format!("{k} ")).unwrap_or_default();
    let mut out = Vec::new();
    for suffix in &suffixes {
        match prefix {
            Some(p) => {
                out.push(format!("{kind_text}{p} {core}{suffix}"));
                if landform_after {
                    out.push(format!("{kind_text}{core} {p}{suffix}"));
                }
            }
            None => out.push(format!("{kind_text}{core}{suffix}")),
        }
    }
    // Untranslated, for aliases held in English ("Thousand Islands").
    out.push(format!("{kind_text}{untranslated}"));
    out
}

fn english_kind(word: &str) -> Option<&'static str> {
    match word {
        "regency" => Some("Kabupaten"),
        "city" | "municipality" => Some("Kota"),
        _ => None,
    }
}

/// A leading word that is a misspelt kind (`Kabupaen`, `Kabupatn`, `Kot`): the kind it most
/// likely is, and the rest. Used for suggestions only; a misspelt kind never resolves a row.
pub fn misspelt_kind(text: &str) -> Option<(crate::region::RegionKind, String)> {
    use crate::region::RegionKind;
    let trimmed = text.trim();
    let (first, rest) = trimmed.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    let word: String = first
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let near =
        |target: &str, most: usize| word != target && strsim::osa_distance(&word, target) <= most;
    if word.len() >= 6 && near("kabupaten", 2) {
        Some((RegionKind::Kabupaten, rest.to_string()))
    } else if word.len() >= 3 && near("kota", 1) {
        Some((RegionKind::Kota, rest.to_string()))
    } else {
        None
    }
}

/// One way a district is named, as the suggester compares it.
#[derive(Debug, Clone, PartialEq)]
pub struct NameForm {
    /// The folded key ([`crate::region::name_key`]).
    pub key: String,
    /// Its words, lower case, for abbreviations such as `Tapteng` or `HST`.
    pub words: Vec<String>,
}

impl NameForm {
    /// The form of a name without its kind word.
    pub fn new(name_without_kind: &str) -> NameForm {
        let key = crate::region::name_key(name_without_kind);
        let lower = name_without_kind
            .to_lowercase()
            .replace("kep.", "kepulauan ");
        let words = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                if w == "kep" {
                    "kepulauan".into()
                } else {
                    w.to_string()
                }
            })
            .collect();
        NameForm { key, words }
    }
}

/// Similarity of a folded query to a name form, in [0, 1]: the best of Jaro-Winkler and
/// normalised optimal-string-alignment distance (which catch typos), and 0.9 when the query can be read as
/// a syllable abbreviation of the name (`tapteng` = TAPanuli TENGah, `hst` = Hulu Sungai Tengah).
pub fn similarity(query: &str, form: &NameForm) -> f64 {
    if query.is_empty() || form.key.is_empty() {
        return 0.0;
    }
    let jw = strsim::jaro_winkler(query, &form.key);
    // Optimal string alignment: Levenshtein with adjacent transpositions (`Serdnag`), without
    // the allocation of the unrestricted Damerau distance.
    let longest = query.chars().count().max(form.key.chars().count());
    #[expect(clippy::cast_precision_loss, reason = "names are short")]
    let dl = 1.0 - strsim::osa_distance(query, &form.key) as f64 / longest as f64;
    let abbreviation = if is_abbreviation(query, &form.words) {
        0.9
    } else {
        0.0
    };
    jw.max(dl).max(abbreviation)
}

/// True when `query` is the concatenation of a non-empty prefix of every word, in order
/// (at least three letters and two words, so that a short word is not read as an abbreviation).
pub fn is_abbreviation(query: &str, words: &[String]) -> bool {
    // Cheap refusals first: most names do not start with the query's letter.
    if words.len() < 2 || words[0].chars().next() != query.chars().next() {
        return false;
    }
    let q: Vec<char> = query.chars().collect();
    if q.len() < 3 {
        return false;
    }
    let words: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
    // reachable[j][i]: the first i letters of the query cover the first j words.
    let mut reachable = vec![vec![false; q.len() + 1]; words.len() + 1];
    reachable[0][0] = true;
    for (j, word) in words.iter().enumerate() {
        for i in 0..q.len() {
            if !reachable[j][i] {
                continue;
            }
            for len in 1..=word.len().min(q.len() - i) {
                if q[i + len - 1] != word[len - 1] {
                    break;
                }
                reachable[j + 1][i + len] = true;
            }
        }
    }
    reachable[words.len()][q.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_form_in_parentheses_is_tried_after_the_full_name() {
        assert_eq!(
            name_variants("Tapanuli Tengah (Tapteng)"),
            vec!["Tapanuli Tengah", "Tapteng"]
        );
    }

    #[test]
    fn a_kind_in_parentheses_becomes_the_kind_word() {
        assert_eq!(name_variants("Bekasi (Kota)"), vec!["Kota Bekasi"]);
        assert_eq!(name_variants("Bekasi (Kab.)"), vec!["Kabupaten Bekasi"]);
    }

    #[test]
    fn a_capital_after_a_spaced_or_long_dash_is_dropped_but_an_inner_dash_is_kept() {
        for text in [
            "Kabupaten Tapanuli Tengah – Pandan",
            "Kabupaten Tapanuli Tengah - Pandan",
            "Kabupaten Tapanuli Tengah —Pandan",
        ] {
            let v = name_variants(text);
            assert_eq!(
                v.last().unwrap(),
                "Kabupaten Tapanuli Tengah",
                "{text}: {v:?}"
            );
        }
        assert_eq!(name_variants("Kab. Toli-Toli"), vec!["Kab. Toli-Toli"]);
        assert_eq!(
            name_variants("Kabupaten Sikka, NTT").last().unwrap(),
            "Kabupaten Sikka"
        );
    }

    #[test]
    fn english_forms_become_indonesian_ones() {
        assert!(
            name_variants("Central Tapanuli Regency").contains(&"Kabupaten tapanuli tengah".into())
        );
        assert!(name_variants("South Jakarta City").contains(&"Kota jakarta selatan".into()));
        assert!(name_variants("Central Jakarta").contains(&"jakarta pusat".into()));
        assert!(name_variants("City of Bekasi").contains(&"Kota bekasi".into()));
        assert!(
            name_variants("Southwest Sumba Regency").contains(&"Kabupaten sumba barat daya".into())
        );
        assert!(name_variants("South East Aceh").contains(&"aceh tenggara".into()));
        assert!(name_variants("West Southeast Maluku").contains(&"maluku tenggara barat".into()));
        assert!(
            name_variants("Selayar Islands Regency")
                .contains(&"Kabupaten kepulauan selayar".into())
        );
        assert!(name_variants("Tidore Islands City").contains(&"Kota tidore kepulauan".into()));
        assert!(name_variants("Bintuni Bay Regency").contains(&"Kabupaten teluk bintuni".into()));
        assert!(name_variants("Upper Indragiri").contains(&"indragiri hulu".into()));
        assert!(
            name_variants("Pangkajene and Islands Regency")
                .contains(&"Kabupaten pangkajene dan kepulauan".into())
        );
        assert!(
            name_variants("Thousand Islands Regency")
                .contains(&"Kabupaten thousand islands".into())
        );
        // Indonesian names are left alone.
        assert!(from_english("Kabupaten Bone").is_empty());
        assert!(from_english("Kota Batu").is_empty());
    }

    #[test]
    fn a_misspelt_kind_word_is_recognised_for_suggestions() {
        use crate::region::RegionKind;
        assert_eq!(
            misspelt_kind("Kabupaen Tapanuli Tengah"),
            Some((RegionKind::Kabupaten, "Tapanuli Tengah".into()))
        );
        assert_eq!(
            misspelt_kind("Kabupatn Nias"),
            Some((RegionKind::Kabupaten, "Nias".into()))
        );
        assert_eq!(
            misspelt_kind("Kot Medan"),
            Some((RegionKind::Kota, "Medan".into()))
        );
        assert_eq!(misspelt_kind("Kabupaten Nias"), None);
        assert_eq!(misspelt_kind("Kutai Barat"), None);
        assert_eq!(misspelt_kind("Kabupaen"), None);
    }

    #[test]
    fn syllable_abbreviations_are_recognised() {
        let words = |t: &str| NameForm::new(t).words;
        assert!(is_abbreviation("tapteng", &words("Tapanuli Tengah")));
        assert!(is_abbreviation("labusel", &words("Labuhanbatu Selatan")));
        assert!(is_abbreviation("hst", &words("Hulu Sungai Tengah")));
        assert!(is_abbreviation("tubaba", &words("Tulang Bawang Barat")));
        assert!(is_abbreviation("kubar", &words("Kutai Barat")));
        assert!(!is_abbreviation("tapteng", &words("Tapanuli Utara")));
        assert!(!is_abbreviation("hs", &words("Hulu Sungai")));
        assert!(!is_abbreviation("nias", &words("Nias")));
    }

    #[test]
    fn a_one_or_two_letter_typo_scores_above_a_neighbouring_name() {
        let tengah = NameForm::new("Tapanuli Tengah");
        let utara = NameForm::new("Tapanuli Utara");
        for typo in [
            "tapanulitengha",
            "tapanulitenga",
            "tapanlitengah",
            "tapanulitngah",
        ] {
            assert!(
                similarity(typo, &tengah) > similarity(typo, &utara),
                "{typo}"
            );
            assert!(similarity(typo, &tengah) > 0.9, "{typo}");
        }
        assert!(similarity("tapanulitengah", &tengah) == 1.0);
    }
}
