//! Webhook delivery: which targets may be contacted ([`target`]) and the worker that sends
//! the outbox's deliveries ([`worker`]).

pub mod target;
pub mod worker;
