//! API tokens: random secrets shown once, stored only as SHA-256 hashes.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{Actor, AuditEntry, now_rfc3339};
use crate::db::DbConnection;
use crate::db::schema::api_tokens;
use crate::error::{ModelError, Result};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May read when reads require a token.
    Viewer,
    /// May also import datasets and save ranking runs.
    Editor,
}

impl Role {
    /// Parses `viewer` or `editor`.
    ///
    /// # Errors
    /// `ModelError::Invalid` (`invalid_role`).
    pub fn parse(text: &str) -> Result<Role> {
        match text.trim().to_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            _ => Err(ModelError::invalid(
                "invalid_role",
                format!("role '{text}' is not 'editor' or 'viewer'"),
            )),
        }
    }

    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
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
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl ApiToken {
    /// Creates a token and returns the secret, which is not stored and cannot be shown again.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn create(conn: &mut DbConnection, role: Role, label: &str) -> Result<String> {
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
                ))
                .execute(conn)?;
            AuditEntry::record(
                conn,
                &Actor::local("cli"),
                "create_token",
                &format!("token:{label}"),
                &format!("role {}", role.as_str()),
            )
        })?;
        Ok(secret)
    }

    /// The token with this secret, if any.
    ///
    /// # Errors
    /// `ModelError::Database`.
    pub fn authenticate(conn: &mut DbConnection, secret: &str) -> Result<Option<ApiToken>> {
        Ok(api_tokens::table
            .filter(api_tokens::token_hash.eq(hash(secret)))
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?)
    }

    /// The role this token grants.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}
