//! How a mock server starts: the address it listens on, the tokens it accepts and the
//! portal id it reports, with the defaults a test gets without asking.

use std::net::{Ipv4Addr, SocketAddr};

use crate::auth::{TokenGrant, all_scopes};
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
    /// Limits to enforce per token with 429s; `None` (the default) only counts requests
    /// in the rate-limit headers and never refuses one.
    pub rate_limits: Option<RateLimits>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tokens: vec![TokenGrant {
                token: DEFAULT_TOKEN.to_owned(),
                scopes: all_scopes(),
            }],
            portal_id: DEFAULT_PORTAL_ID,
            rate_limits: None,
        }
    }
}
