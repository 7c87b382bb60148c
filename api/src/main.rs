//! The `lokus` binary.

use clap::Parser;

fn main() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("LOKUS_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    std::process::exit(api::cli::run(api::cli::Cli::parse()));
}
