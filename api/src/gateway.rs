//! Behind the government API gateway: who the gateway says is calling, and the audit rows of
//! the reads it forwards.
//!
//! A gateway such as SPLP authenticates its consumers and forwards their calls with the
//! consumer's name in a header. Lokus believes that header only when the operator names it
//! (`LOKUS_TRUST_GATEWAY_HEADER`) and only from a trusted proxy address
//! (`LOKUS_TRUSTED_PROXIES`); from anywhere else it is ignored. The named consumer is allowed
//! to read (it counts as a reader where read tokens are required) and is written into the audit
//! log; writes still need a Lokus editor token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::dev::ServiceRequest;
use ipnet::IpNet;
use model::audit::{AuditEntry, AuditRecord};
use model::db::DbPool;

/// The consumer a trusted gateway named for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConsumer(pub String);

/// The gateway's consumer name for `req`, when the header is configured, the request came
/// straight from a trusted proxy, and the value is a plausible name (1–128 visible ASCII
/// characters, no spaces at either end).
pub fn consumer_of(
    req: &ServiceRequest,
    header: Option<&str>,
    trusted: &[IpNet],
) -> Option<GatewayConsumer> {
    let header = header?;
    let peer = req.peer_addr()?.ip();
    if !crate::startup::is_trusted(&peer, trusted) {
        return None;
    }
    let value = req.headers().get(header)?.to_str().ok()?.trim();
    let plausible = (1..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    plausible.then(|| GatewayConsumer(value.to_string()))
}

/// Marks `req` with its gateway consumer, if any; returns the consumer for the log span.
pub fn attribute(req: &ServiceRequest, header: Option<&str>, trusted: &[IpNet]) -> Option<String> {
    let consumer = consumer_of(req, header, trusted)?;
    let name = consumer.0.clone();
    req.extensions_mut().insert(consumer);
    Some(name)
}

/// Reads recorded in the audit log by a background thread, in batches, so that a read costs
/// the queueing of one row rather than a database write.
#[derive(Debug)]
pub struct ReadAudit {
    sender: SyncSender<AuditRecord>,
    dropped: AtomicU64,
}

/// Rows waiting to be written before further reads are dropped (and counted).
const QUEUE: usize = 10_000;
/// Rows written in one statement at most.
const BATCH: usize = 500;

impl ReadAudit {
    /// Starts the writer thread on `pool`.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(pool: DbPool) -> std::io::Result<ReadAudit> {
        let (sender, receiver) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("lokus-read-audit".into())
            .spawn(move || write_batches(&pool, &receiver))?;
        Ok(ReadAudit {
            sender,
            dropped: AtomicU64::new(0),
        })
    }

    /// Queues one read; never blocks. A full queue drops the row, counts it and logs it.
    pub fn record(&self, record: AuditRecord) {
        if let Err(TrySendError::Full(r) | TrySendError::Disconnected(r)) =
            self.sender.try_send(record)
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(target = %r.target, "audit row of a gateway read dropped: queue full");
        }
    }

    /// Rows dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Writes queued rows until every sender is gone, retrying a batch the database refused.
fn write_batches(pool: &DbPool, receiver: &Receiver<AuditRecord>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match receiver.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        for attempt in 0..5 {
            let written = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                AuditEntry::record_many(&mut conn, &batch).map_err(|e| e.to_string())
            });
            match written {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, rows = batch.len(), attempt, "could not write audit rows of gateway reads");
                    std::thread::sleep(Duration::from_millis(200 << attempt));
                }
            }
        }
    }
}
