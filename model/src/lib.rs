//! Lokus model: the region reference, validated imports, the synthetic demo data, statistics
//! and the ranking of districts for the digital stunting programme. No HTTP here.
//!
//! # Example
//! ```no_run
//! let pool = model::db::connect_and_migrate("sqlite://lokus.db")?;
//! let mut conn = pool.get()?;
//! model::seed::sync_reference(&mut conn)?;
//! model::seed::load_demo_if_empty(&mut conn)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod adoption;
pub mod alias;
pub mod analysis;
pub mod audit;
pub mod backup;
pub mod boundary;
pub mod csv_export;
pub mod dataset;
pub mod db;
pub mod demo;
pub mod error;
pub mod evaluation;
pub mod impact;
pub mod import;
pub mod indicator;
pub mod message;
pub mod names;
pub mod omissions;
pub mod outbox;
pub mod population;
pub mod province;
pub mod ranking;
pub mod region;
pub mod review;
pub mod robustness;
pub mod run;
pub mod scenario;
pub mod seed;
pub mod sentences;
pub mod spbe;
pub mod stats;
pub mod token;
pub mod wire;
pub mod workflow;

pub use error::{ModelError, Result, RowError};
