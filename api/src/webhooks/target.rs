//! Which webhook targets may be contacted. Checked when a subscription is made and again
//! before every attempt (DNS can change), always before any connection is opened.
//!
//! With `LOKUS_WEBHOOK_ALLOWED_HOSTS` only the listed hosts pass (by name, without lookup).
//! Without it a target must be `https` and its host must resolve to public addresses only:
//! loopback, private, link-local (cloud metadata at 169.254.169.254), shared, reserved and
//! special-purpose blocks are refused, as are names that by definition are not public
//! (`localhost`, `*.localhost`, `*.local`, `*.internal`, `*.invalid`, single labels).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::LazyLock;
use std::time::Duration;

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::Url;

use crate::config::WebhookSettings;
use crate::error::ApiError;
use crate::sentences as s;
use model::message::Message;

/// Why a target is not accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// Not an absolute `http(s)` URL with a host (422 `invalid_webhook_url`).
    #[error("{0}")]
    Invalid(Message),
    /// A URL, but not one this service may contact (422 `webhook_target_refused`).
    #[error("{0}")]
    Refused(Message),
}

impl From<TargetError> for ApiError {
    fn from(e: TargetError) -> Self {
        match e {
            TargetError::Invalid(message) => ApiError::Unprocessable {
                code: "invalid_webhook_url",
                message,
            },
            TargetError::Refused(message) => ApiError::Unprocessable {
                code: "webhook_target_refused",
                message,
            },
        }
    }
}

static BLOCKED_V4: LazyLock<Vec<Ipv4Net>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",       // "this network"
        "10.0.0.0/8",      // private
        "100.64.0.0/10",   // shared (carrier NAT; Alibaba's metadata at 100.100.100.200)
        "127.0.0.0/8",     // loopback
        "169.254.0.0/16",  // link-local (cloud metadata at 169.254.169.254)
        "172.16.0.0/12",   // private
        "192.0.0.0/24",    // IETF protocol assignments
        "192.0.2.0/24",    // documentation
        "192.88.99.0/24",  // 6to4 relay
        "192.168.0.0/16",  // private
        "198.18.0.0/15",   // benchmarking
        "198.51.100.0/24", // documentation
        "203.0.113.0/24",  // documentation
        "224.0.0.0/4",     // multicast
        "240.0.0.0/4",     // reserved, broadcast
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

static BLOCKED_V6: LazyLock<Vec<Ipv6Net>> = LazyLock::new(|| {
    [
        "::/128",        // unspecified
        "::1/128",       // loopback
        "100::/64",      // discard
        "2001::/32",     // Teredo
        "2001:db8::/32", // documentation
        "2002::/16",     // 6to4
        "fc00::/7",      // unique local (AWS metadata at fd00:ec2::254)
        "fe80::/10",     // link-local
        "fec0::/10",     // site-local (deprecated)
        "ff00::/8",      // multicast
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

/// True for an address on the public internet (none of the blocks above; an IPv6 address
/// carrying an IPv4 one is judged by that).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !BLOCKED_V4.iter().any(|n| n.contains(&v4)),
        IpAddr::V6(v6) => {
            if v6.is_loopback() || v6.is_unspecified() {
                return false;
            }
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) addresses embed an IPv4 one.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || s[..6] == [0; 6] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public(IpAddr::V4(Ipv4Addr::new(a, b, c, d)));
            }
            !BLOCKED_V6.iter().any(|n| n.contains(&v6))
        }
    }
}

/// Host names that are never public, whatever DNS says.
fn is_private_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    !name.contains('.')
        || [
            ".localhost",
            ".local",
            ".internal",
            ".invalid",
            ".home.arpa",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// How long a lookup may take before the target counts as unresolvable.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// The target rules of one configuration.
#[derive(Debug, Clone)]
pub struct TargetPolicy {
    allowed: Option<Vec<String>>,
}

impl TargetPolicy {
    /// The rules `settings` describe.
    pub fn new(settings: &WebhookSettings) -> Self {
        TargetPolicy {
            allowed: settings.allowed_hosts.clone(),
        }
    }

    /// True when an allow-list is in force.
    pub fn has_allow_list(&self) -> bool {
        self.allowed.is_some()
    }

    /// Checks `text` as a target: syntax, then the allow-list or (without one) `https` and
    /// public addresses, looking the host up if it is a name. Never connects to it.
    ///
    /// # Errors
    /// [`TargetError`] saying what is wrong, naming the field `url`.
    pub async fn check(&self, text: &str) -> Result<Url, TargetError> {
        let url = Url::parse(text.trim()).map_err(|e| {
            TargetError::Invalid(
                s::URL_NOT_ABSOLUTE
                    .with("url", text)
                    .with("detail", e.to_string()),
            )
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(TargetError::Invalid(
                s::URL_SCHEME.with("scheme", url.scheme()),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Invalid((&s::URL_WITH_CREDENTIALS).into()));
        }
        let Some(host) = url.host_str().map(str::to_string) else {
            return Err(TargetError::Invalid(s::URL_WITHOUT_HOST.with("url", text)));
        };
        let port = url.port_or_known_default().unwrap_or(443);
        if let Some(allowed) = &self.allowed {
            let with_port = format!("{host}:{port}");
            return if allowed.iter().any(|a| *a == host || *a == with_port) {
                Ok(url)
            } else {
                Err(TargetError::Refused(
                    s::HOST_NOT_ALLOWED.with("host", with_port),
                ))
            };
        }
        if url.scheme() != "https" {
            return Err(TargetError::Refused((&s::HTTPS_ONLY).into()));
        }
        let refused = |why: Message| Err(TargetError::Refused(why));
        match url.host().map(|h| h.to_owned()) {
            Some(url::Host::Ipv4(ip)) if !is_public(IpAddr::V4(ip)) => {
                refused(s::ADDRESS_NOT_PUBLIC.with("address", ip.to_string()))
            }
            Some(url::Host::Ipv6(ip)) if !is_public(IpAddr::V6(ip)) => {
                refused(s::ADDRESS_NOT_PUBLIC.with("address", ip.to_string()))
            }
            Some(url::Host::Domain(name)) if is_private_name(&name) => {
                refused(s::HOST_NOT_PUBLIC.with("host", name))
            }
            Some(url::Host::Domain(name)) => {
                let lookup = tokio::time::timeout(
                    LOOKUP_TIMEOUT,
                    tokio::net::lookup_host((name.as_str(), port)),
                )
                .await;
                let addresses: Vec<SocketAddr> = match lookup {
                    Ok(Ok(found)) => found.collect(),
                    _ => return refused(s::HOST_UNRESOLVED.with("host", name.as_str())),
                };
                match addresses.iter().find(|a| !is_public(a.ip())) {
                    _ if addresses.is_empty() => {
                        refused(s::HOST_UNRESOLVED.with("host", name.as_str()))
                    }
                    Some(private) => refused(
                        s::HOST_RESOLVES_PRIVATE
                            .with("host", name.as_str())
                            .with("address", private.ip().to_string()),
                    ),
                    None => Ok(url),
                }
            }
            _ => Ok(url),
        }
    }
}

/// A resolver for the sender that hands out public addresses only, so that what is connected
/// to is what was checked even if DNS answers differently at connection time.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} counted as public");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} counted as private");
        }
    }

    fn policy(allowed: Option<&str>) -> TargetPolicy {
        TargetPolicy {
            allowed: allowed.map(|a| crate::config::parse_allowed_hosts(a).unwrap()),
        }
    }

    // Every URL below is refused before any lookup or connection: literal addresses and
    // names that are never public.
    #[actix_web::test]
    async fn without_an_allow_list_only_https_to_public_hosts_passes() {
        let p = policy(None);
        for url in [
            "https://127.0.0.1/hook",
            "https://10.0.0.8/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]:8443/",
            "https://[fd00:ec2::254]/",
            "https://localhost/hook",
            "https://api.localhost/hook",
            "https://metadata.google.internal/",
            "https://receiver.invalid/",
            "https://intranet/",
            "http://8.8.8.8/hook",
        ] {
            assert!(
                matches!(p.check(url).await, Err(TargetError::Refused(_))),
                "{url} was not refused"
            );
        }
        assert!(p.check("https://8.8.8.8/hook").await.is_ok());
        for url in [
            "not a url",
            "ftp://8.8.8.8/",
            "https://user:pw@8.8.8.8/",
            "/relative",
        ] {
            assert!(
                matches!(p.check(url).await, Err(TargetError::Invalid(_))),
                "{url} was not invalid"
            );
        }
    }

    #[actix_web::test]
    async fn with_an_allow_list_only_listed_hosts_pass_over_http_or_https() {
        let p = policy(Some("127.0.0.1:9001,receiver.test"));
        assert!(p.check("http://127.0.0.1:9001/hook").await.is_ok());
        assert!(p.check("https://receiver.test/x").await.is_ok());
        assert!(p.check("http://receiver.test:8080/x").await.is_ok());
        for url in [
            "http://127.0.0.1:9002/hook",
            "https://8.8.8.8/",
            "http://localhost:9001/",
        ] {
            assert!(
                matches!(p.check(url).await, Err(TargetError::Refused(_))),
                "{url} was not refused"
            );
        }
    }
}
