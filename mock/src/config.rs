//! How a mock server starts: the address it listens on, the tokens it accepts and the
//! portal id it reports, with the defaults a test gets without asking.

use std::net::{Ipv4Addr, SocketAddr};

use crate::auth::{TokenGrant, all_scopes};
use crate::owners::{Owner, default_owners};
use crate::rate_limits::RateLimits;

/// The private-app token a default [`MockConfig`] accepts, granted every scope in
/// [`all_scopes`]. Shaped like a real North-American private-app token.
pub const DEFAULT_TOKEN: &str = "pat-na1-00000000-0000-4000-8000-000000000000";

/// The portal (hub) id a default [`MockConfig`] reports.
pub const DEFAULT_PORTAL_ID: u64 = 12_345_678;

/// How to start a [`MockServer`](crate::MockServer).
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Address to listen on; the default `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// The tokens the mock accepts; by default only [`DEFAULT_TOKEN`] with [`all_scopes`].
    pub tokens: Vec<TokenGrant>,
    /// The portal id reported by token-info and embedded in validation errors.
    pub portal_id: u64,
    /// The account's validation rules, which writes through API version 2026-09 obey.
    pub validation_rules: Vec<ValidationRule>,
    /// Serve HTTPS with this certificate instead of plain HTTP.
    pub tls: Option<MockTls>,
    /// Limits to enforce per token with 429s; `None` (the default) only counts requests
    /// in the rate-limit headers and never refuses one.
    pub rate_limits: Option<RateLimits>,
    /// The account's owners, served at `/crm/v3/owners`; records may only take the id
    /// of a live one as `hubspot_owner_id`. Defaults to [`default_owners`].
    pub owners: Vec<Owner>,
}

/// One of an account's validation rules: HubSpot enforces them on writes through
/// API versions from 2026-09, answering 400 `VALIDATION_ERROR` when one is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationRule {
    /// The object type it applies to, as a path name or type id (`contacts`, `0-1`).
    pub object_type: String,
    /// A property every record of the type must have: a create must set it, and
    /// an update may not clear it.
    pub required_property: String,
}

impl ValidationRule {
    /// `property` is required on records of `object_type`.
    pub fn required(object_type: impl Into<String>, property: impl Into<String>) -> Self {
        Self {
            object_type: object_type.into(),
            required_property: property.into(),
        }
    }
}

/// A certificate for serving HTTPS: the chain (leaf first) and its private
/// key, both PEM. Clients must trust the chain's issuer.
#[derive(Clone)]
pub struct MockTls {
    /// The certificate chain, PEM, leaf first.
    pub cert_chain_pem: String,
    /// The leaf's private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: String,
}

impl std::fmt::Debug for MockTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockTls").finish_non_exhaustive()
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tokens: vec![TokenGrant::private_app(DEFAULT_TOKEN, all_scopes())],
            portal_id: DEFAULT_PORTAL_ID,
            validation_rules: Vec::new(),
            tls: None,
            rate_limits: None,
            owners: default_owners(),
        }
    }
}
