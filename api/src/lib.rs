//! Lokus HTTP API and web page: thin handlers over the `model` crate.
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod cors;
pub mod error;
pub mod export;
pub mod extract;
pub mod gateway;
pub mod i18n;
pub mod metrics;
pub mod negotiate;
pub mod routes;
pub mod sentences;
pub mod startup;
pub mod state;
pub mod webhooks;
