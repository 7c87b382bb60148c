//! The catalogue of every sentence the model says, in English and Bahasa Indonesia: errors,
//! import row problems and the terms they use. Each is a `pub static` [`Sentence`] re-exported
//! here (`sentences::NOT_FOUND`); the API adds its own in `api::sentences`.

use crate::message::Sentence;

pub mod data;
pub mod general;
pub mod import;
pub mod ranking;
pub mod stats;

pub use data::*;
pub use general::*;
pub use import::*;
pub use ranking::*;
pub use stats::*;

/// Every sentence of the model's catalogue.
pub fn all() -> impl Iterator<Item = &'static Sentence> {
    [GENERAL_ALL, IMPORT_ALL, RANKING_ALL, DATA_ALL, STATS_ALL]
        .into_iter()
        .flatten()
        .copied()
}
