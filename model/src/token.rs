//! API tokens: random secrets shown once, stored only as SHA-256 hashes.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::api_tokens;
use crate::error::{ModelError, Result};
use crate::sentences as s;

/// What a token may do. `steward` and `approver` are editors with one more power each, and
/// neither includes the other: publishing data and approving a list are different offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May read when reads require a token.
    Viewer,
    /// May also import (stage) datasets and save ranking runs.
    Editor,
    /// An editor who may also publish and reject staged datasets (the *walidata*).
    Steward,
    /// An editor who may also approve, adopt and withdraw lists and manage webhooks.
    Approver,
}

impl Role {
    /// Every role, in the order they are documented.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Steward, Role::Approver];

    /// Parses `viewer`, `editor`, `steward` or `approver`.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`invalid_role`).
    pub fn parse(text: &str) -> Result<Role> {
        match text.trim().to_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "steward" => Ok(Role::Steward),
            "approver" => Ok(Role::Approver),
            _ => Err(ModelError::invalid(
                "invalid_role",
                s::UNKNOWN_ROLE.with("value", text),
            )),
        }
    }

    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Steward => "steward",
            Role::Approver => "approver",
        }
    }

    /// True when a token of this role may do what `needed` may: every role reads, stewards
    /// and approvers edit, and only a steward publishes, only an approver approves.
    pub fn grants(self, needed: Role) -> bool {
        match needed {
            Role::Viewer => true,
            Role::Editor => self != Role::Viewer,
            Role::Steward | Role::Approver => self == needed,
        }
    }
}

/// A stored token (its hash, never the secret).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// Database id.
    pub id: i32,
    /// SHA-256 of the secret, hex.
    #[serde(skip)]
    pub token_hash: String,
    /// `editor` or `viewer`.
    pub role: String,
    /// Who or what it is for; recorded as the actor in the audit log.
    pub label: String,
    /// When it was made.
    pub created_at: String,
    /// When it last authenticated a request (to within [`LAST_USED_RESOLUTION_SECONDS`]).
    pub last_used_at: Option<String>,
    /// When it stops working; `None`: never.
    pub expires_at: Option<String>,
    /// When it was revoked; `None`: it was not.
    pub revoked_at: Option<String>,
}

/// `last_used_at` is written at most this often per token, so that a busy client does not
/// turn every read into a write.
pub const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

/// Whether a stored token still works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    /// It authenticates requests.
    Active,
    /// Its expiry has passed.
    Expired,
    /// It was revoked.
    Revoked,
}

impl TokenStatus {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }
}

/// What a presented secret turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenCheck {
    /// A working token.
    Valid(ApiToken),
    /// No token has this secret.
    Unknown,
    /// The token was revoked.
    Revoked,
    /// The token's expiry has passed.
    Expired,
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

fn hash(secret: &str) -> String {
    hex::encode(digest(secret))
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl ApiToken {
    /// Creates a token that never expires and returns the secret, which is not stored and
    /// cannot be shown again.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn create(conn: &mut DbConnection, role: Role, label: &str) -> Result<String> {
        Self::create_expiring(conn, role, label, None)
    }

    /// As [`ApiToken::create`], with a lifetime: the token stops working `expires_in` from now.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`invalid_expiry`) for a lifetime of zero or beyond 100 years;
    /// `ModelError::Database`.
    pub fn create_expiring(
        conn: &mut DbConnection,
        role: Role,
        label: &str,
        expires_in: Option<std::time::Duration>,
    ) -> Result<String> {
        let expires_at = match expires_in {
            None => None,
            Some(d) => {
                let d = chrono::Duration::from_std(d)
                    .ok()
                    .filter(|d| {
                        *d > chrono::Duration::zero() && *d <= chrono::Duration::days(36_525)
                    })
                    .ok_or_else(|| ModelError::invalid("invalid_expiry", &s::TOKEN_LIFETIME))?;
                Some(rfc3339(chrono::Utc::now() + d))
            }
        };
        let bytes: [u8; 24] = rand::random();
        let secret = format!("lokus_{}", hex::encode(bytes));
        let label = if label.trim().is_empty() {
            format!("{}-token", role.as_str())
        } else {
            label.trim().to_string()
        };
        conn.transaction::<_, ModelError, _>(|conn| {
            diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::token_hash.eq(hash(&secret)),
                    api_tokens::role.eq(role.as_str()),
                    api_tokens::label.eq(&label),
                    api_tokens::created_at.eq(now_rfc3339()),
                    api_tokens::expires_at.eq(&expires_at),
                ))
                .execute(conn)?;
            let detail = match &expires_at {
                Some(at) => format!("role {}, expires {at}", role.as_str()),
                None => format!("role {}", role.as_str()),
            };
            AuditEntry::record(
                conn,
                &Actor::local("cli"),
                "create_token",
                &format!("token:{label}"),
                &detail,
            )
        })?;
        Ok(secret)
    }

    /// The working token with this secret, if any (revoked and expired tokens are `None`).
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn authenticate(conn: &mut DbConnection, secret: &str) -> Result<Option<ApiToken>> {
        Ok(match Self::check(conn, secret)? {
            TokenCheck::Valid(token) => Some(token),
            _ => None,
        })
    }

    /// What this secret is: a working token, or why not. Reads only; see [`ApiToken::touch`].
    ///
    /// Only the SHA-256 of the secret is looked up, so whatever the database's comparison
    /// reveals through timing concerns a digest the caller can compute anyway, never a stored
    /// value; the final comparison of the digests is constant-time all the same.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn check(conn: &mut DbConnection, secret: &str) -> Result<TokenCheck> {
        let presented = digest(secret);
        let found = api_tokens::table
            .filter(api_tokens::token_hash.eq(hex::encode(presented)))
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?;
        let Some(token) = found else {
            return Ok(TokenCheck::Unknown);
        };
        let stored = hex::decode(&token.token_hash).unwrap_or_default();
        if !bool::from(stored.as_slice().ct_eq(presented.as_slice())) {
            return Ok(TokenCheck::Unknown);
        }
        let now = chrono::Utc::now();
        match token.status_at(now) {
            TokenStatus::Revoked => return Ok(TokenCheck::Revoked),
            TokenStatus::Expired => return Ok(TokenCheck::Expired),
            TokenStatus::Active => {}
        }
        Ok(TokenCheck::Valid(token))
    }

    /// True when `last_used_at` is older than [`LAST_USED_RESOLUTION_SECONDS`] (or unset).
    pub fn use_is_stale(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.last_used_at.as_deref().is_none_or(|at| {
            chrono::DateTime::parse_from_rfc3339(at).map_or(true, |at| {
                (now - at.with_timezone(&chrono::Utc)).num_seconds() >= LAST_USED_RESOLUTION_SECONDS
            })
        })
    }

    /// Records that the token was used now.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn touch(conn: &mut DbConnection, id: i32) -> Result<()> {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now_rfc3339()))
            .execute(conn)?;
        Ok(())
    }

    /// Whether the token works at `now`.
    pub fn status_at(&self, now: chrono::DateTime<chrono::Utc>) -> TokenStatus {
        if self.revoked_at.is_some() {
            return TokenStatus::Revoked;
        }
        let expired = self.expires_at.as_deref().is_some_and(|at| {
            // An unreadable expiry fails closed.
            chrono::DateTime::parse_from_rfc3339(at).map_or(true, |at| at <= now)
        });
        if expired {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }

    /// Every token, oldest first (hashes included in the value, never serialised).
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<ApiToken>> {
        Ok(api_tokens::table
            .order(api_tokens::id.asc())
            .select(ApiToken::as_select())
            .load(conn)?)
    }

    /// Revokes the token with this id (a number) or label; it gets 401 from the next request
    /// on. Returns the tokens revoked now (empty when it was already revoked).
    ///
    /// # Errors
    /// `ModelError::NotFound` when no token has this id or label; `ModelError::Invalid`
    /// (`ambiguous_token`) when several working tokens share the label (revoke by id then).
    pub fn revoke(
        conn: &mut DbConnection,
        label_or_id: &str,
        actor: &Actor,
    ) -> Result<Vec<ApiToken>> {
        let wanted = label_or_id.trim();
        conn.transaction::<_, ModelError, _>(|conn| {
            let all = Self::list(conn)?;
            let matching: Vec<ApiToken> = match wanted.parse::<i32>() {
                Ok(id) if all.iter().any(|t| t.id == id) => {
                    all.into_iter().filter(|t| t.id == id).collect()
                }
                _ => all.into_iter().filter(|t| t.label == wanted).collect(),
            };
            if matching.is_empty() {
                return Err(ModelError::NotFound {
                    entity: &crate::sentences::TOKEN,
                    id: wanted.into(),
                });
            }
            let active: Vec<ApiToken> = matching
                .into_iter()
                .filter(|t| t.revoked_at.is_none())
                .collect();
            if active.len() > 1 {
                return Err(ModelError::invalid(
                    "ambiguous_token",
                    s::AMBIGUOUS_TOKEN
                        .with("count", active.len())
                        .with("label", wanted)
                        .with(
                            "ids",
                            active.iter().map(|t| t.id.to_string()).collect::<Vec<_>>(),
                        ),
                ));
            }
            let now = now_rfc3339();
            for t in &active {
                diesel::update(api_tokens::table.find(t.id))
                    .set(api_tokens::revoked_at.eq(&now))
                    .execute(conn)?;
                AuditEntry::record(
                    conn,
                    actor,
                    "revoke_token",
                    &format!("token:{}", t.label),
                    &format!("id {}", t.id),
                )?;
            }
            Ok(active)
        })
    }

    /// The role this token grants.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}
