//! Messages in no language yet: a sentence of the catalogue ([`crate::sentences`]) and the
//! values it names. Errors carry them instead of finished text, so that each language composes
//! its own whole sentence around the same values (the API answers in English or Bahasa
//! Indonesia by `Accept-Language`, and also sends the values as `params`).
//!
//! # Example
//! ```
//! use model::message::Lang;
//! use model::sentences::RANGE;
//!
//! let m = RANGE.with("field", "k").with("min", 1).with("max", 514).with("value", 600);
//! assert_eq!(m.to_string(), "k must be between 1 and 514, got 600");
//! assert_eq!(m.render(Lang::Id), "k harus antara 1 dan 514, bukan 600");
//! ```

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A language a message can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

/// One sentence of the catalogue in every language; `{name}` marks where a value goes,
/// `{name:quoted}` a list written `'a', 'b'` (`{{` and `}}` are literal braces).
#[derive(Debug, PartialEq, Eq)]
pub struct Sentence {
    /// The constant's name (`NOT_A_NUMBER`); lower-cased it is the sentence's stable code.
    pub name: &'static str,
    /// The values it takes, by name.
    pub params: &'static [&'static str],
    /// The English sentence.
    pub en: &'static str,
    /// The Indonesian sentence.
    pub id: &'static str,
}

impl Sentence {
    /// The stable snake_case code of the sentence (`not_a_number`), as a row error's `problem`
    /// and a term's value in `params`.
    pub fn code(&self) -> String {
        self.name.to_ascii_lowercase()
    }

    /// The template in `lang`.
    pub fn template(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Id => self.id,
        }
    }

    /// This sentence with one value; more follow with [`Message::with`].
    pub fn with(&'static self, name: &'static str, value: impl Into<Value>) -> Message {
        Message::from(self).with(name, value)
    }

    /// The names `template` has placeholders for, in order of appearance.
    pub fn placeholders(template: &str) -> Vec<&str> {
        let mut names = Vec::new();
        let mut rest = template;
        while let Some(at) = rest.find(['{', '}']) {
            let brace = &rest[at..];
            if brace.starts_with("{{") || brace.starts_with("}}") {
                rest = &brace[2..];
            } else if let Some(end) = brace.find('}').filter(|_| brace.starts_with('{')) {
                names.push(brace[1..end].trim_end_matches(QUOTED));
                rest = &brace[end + 1..];
            } else {
                rest = &brace[1..];
            }
        }
        names
    }
}

impl Serialize for Sentence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

/// One value of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A whole number beyond `i64` (seeds).
    UInt(u64),
    /// A number as Rust displays it (`0.5`, `120`); Indonesian writes a decimal comma.
    Float(f64),
    /// Text written as it is in every language: a name, a code, a value from the request.
    Text(String),
    /// Several texts, written `a, b, c`.
    List(Vec<String>),
    /// A word of the catalogue, written in the message's language (`dataset`, `wilayah`).
    Term(&'static Sentence),
    /// A message inside another (a part of a shape, the reason of a refusal), written in the
    /// message's language; sent as `{"code": …, "params": {…}}`.
    Message(Box<Message>),
}

/// The modifier of a placeholder whose list items are each written in single quotes.
const QUOTED: &str = ":quoted";

impl Value {
    fn render(&self, lang: Lang, quoted: bool, out: &mut String) {
        match self {
            Value::List(items) if quoted => {
                let items: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
                out.push_str(&items.join(", "));
            }
            Value::Int(v) => out.push_str(&v.to_string()),
            Value::UInt(v) => out.push_str(&v.to_string()),
            Value::Float(v) => {
                let text = v.to_string();
                match lang {
                    Lang::En => out.push_str(&text),
                    Lang::Id => out.push_str(&text.replace('.', ",")),
                }
            }
            Value::Text(v) => out.push_str(v),
            Value::List(items) => out.push_str(&items.join(", ")),
            Value::Term(term) => out.push_str(term.template(lang)),
            Value::Message(m) => out.push_str(&m.render(lang)),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Int(v) => serializer.serialize_i64(*v),
            Value::UInt(v) => serializer.serialize_u64(*v),
            Value::Float(v) if v.is_finite() => serializer.serialize_f64(*v),
            // JSON has no NaN or infinity: such a value is sent as Rust writes it.
            Value::Float(v) => serializer.collect_str(v),
            Value::Text(v) => serializer.serialize_str(v),
            Value::List(items) => items.serialize(serializer),
            Value::Term(term) => term.serialize(serializer),
            Value::Message(m) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("code", m.sentence)?;
                map.serialize_entry("params", &m.params)?;
                map.end()
            }
        }
    }
}

macro_rules! value_from {
    ($variant:ident: $($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(v.into())
            }
        }
    )*};
}
value_from!(Int: i32, i64, u32);
value_from!(UInt: u64);
value_from!(Float: f64);
value_from!(Text: String, &str, &String);
value_from!(List: Vec<String>);

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        i64::try_from(v).map_or(Value::UInt(v as u64), Value::Int)
    }
}

impl From<&'static Sentence> for Value {
    fn from(v: &'static Sentence) -> Self {
        Value::Term(v)
    }
}

impl From<Message> for Value {
    fn from(v: Message) -> Self {
        Value::Message(Box::new(v))
    }
}

/// The values of a message by name, in the order given; sent as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params(Vec<(&'static str, Value)>);

impl Params {
    /// The value named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    fn set(&mut self, name: &'static str, value: Value) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A sentence of the catalogue with its values; [`Message::render`] writes it in a language,
/// `Display` in English.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Which sentence.
    pub sentence: &'static Sentence,
    /// Its values by name.
    pub params: Params,
}

impl Message {
    /// The message with one more value (`name` must be one the sentence declares).
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        debug_assert!(
            self.sentence.params.contains(&name),
            "{} declares no value {name}",
            self.sentence.name
        );
        self.params.set(name, value.into());
        self
    }

    /// The sentence in `lang` with its values in place.
    pub fn render(&self, lang: Lang) -> String {
        render(self.sentence.template(lang), &self.params, lang)
    }
}

impl From<&'static Sentence> for Message {
    fn from(sentence: &'static Sentence) -> Self {
        Message {
            sentence,
            params: Params::default(),
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// `template` with each `{name}` replaced by its value in `params`, written for `lang`; a
/// placeholder without a value stays as it is (the catalogue's tests look for them).
pub fn render(template: &str, params: &Params, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let brace = &rest[at..];
        if brace.starts_with("{{") || brace.starts_with("}}") {
            out.push_str(&brace[..1]);
            rest = &brace[2..];
            continue;
        }
        match brace.find('}').filter(|_| brace.starts_with('{')) {
            Some(end) => {
                let name = &brace[1..end];
                let quoted = name.ends_with(QUOTED);
                match params.get(name.trim_end_matches(QUOTED)) {
                    Some(value) => value.render(lang, quoted, &mut out),
                    None => out.push_str(&brace[..=end]),
                }
                rest = &brace[end + 1..];
            }
            None => {
                out.push_str(&brace[..1]);
                rest = &brace[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Defines sentences of the catalogue: `list: LIST;` then `NAME(param, …) { en: "…", id: "…" }`
/// each, every one a `pub static` [`Sentence`], and `LIST`, every sentence of the invocation.
#[macro_export]
macro_rules! catalogue {
    (list: $list:ident; $(
        $(#[$doc:meta])*
        $name:ident($($param:ident),* $(,)?) { en: $en:expr, id: $id:expr $(,)? }
    )*) => {
        $(
            $(#[$doc])*
            pub static $name: $crate::message::Sentence = $crate::message::Sentence {
                name: stringify!($name),
                params: &[$(stringify!($param)),*],
                en: $en,
                id: $id,
            };
        )*
        /// Every sentence defined here.
        pub static $list: &[&$crate::message::Sentence] = &[$(&$name),*];
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEST: Sentence = Sentence {
        name: "TEST",
        params: &["field", "value", "items"],
        en: "{field} is {value} in {{braces}} of {items}",
        id: "{field} bernilai {value} dalam {{kurung}} dari {items:quoted}",
    };

    #[test]
    fn a_message_fills_its_placeholders_in_each_language() {
        let m = TEST
            .with("field", "k")
            .with("value", 2.5)
            .with("items", vec!["a".to_string(), "b".to_string()]);
        assert_eq!(m.to_string(), "k is 2.5 in {braces} of a, b");
        assert_eq!(
            m.render(Lang::Id),
            "k bernilai 2,5 dalam {kurung} dari 'a', 'b'"
        );
        assert_eq!(
            serde_json::to_value(&m.params).unwrap(),
            serde_json::json!({"field": "k", "value": 2.5, "items": ["a", "b"]})
        );
    }

    #[test]
    fn a_missing_value_stays_visible_and_placeholders_are_found() {
        assert_eq!(
            render(TEST.en, &Params::default(), Lang::En),
            "{field} is {value} in {braces} of {items}"
        );
        assert_eq!(
            Sentence::placeholders(TEST.id),
            vec!["field", "value", "items"]
        );
    }

    #[test]
    fn numbers_keep_their_english_form_and_take_a_decimal_comma_in_indonesian() {
        let mut params = Params::default();
        params.set("v", Value::from(120.0));
        assert_eq!(render("{v}", &params, Lang::En), "120");
        params.set("v", Value::from(f64::NAN));
        assert_eq!(serde_json::to_value(&params).unwrap()["v"], "NaN");
        params.set("v", Value::from(0.25));
        assert_eq!(render("{v}", &params, Lang::Id), "0,25");
    }
}
