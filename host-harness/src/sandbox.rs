//! What each call may do: the per-call limits, the credential mode and the
//! origin admitted by default, as the host chooses them.

use std::path::PathBuf;
use std::time::Duration;

use crate::rate_budget::RateLimits;

/// HubSpot's API base, as `wit/types.wit` documents the default of
/// `connection.api-base`: the origin a call without an API base may reach.
pub const DEFAULT_API_BASE: &str = "https://api.hubapi.com";

/// Instance slots a [`Sandbox`] reserves by default: enough for a thousand
/// tenants calling at once.
pub const DEFAULT_INSTANCE_SLOTS: u32 = 1024;

/// Who puts the access token on requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Credential {
    /// The guest receives the connection's token and sends it itself.
    #[default]
    Guest,
    /// The host keeps the token: the guest gets an empty one, and the host
    /// adds `Authorization: Bearer <token>` to requests for the allowed
    /// origin, so the component never sees the credential.
    Host,
}

/// The limits every call runs under. The host owns these; the guest's own
/// timeouts are lowered to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// Largest linear memory, in bytes.
    pub memory_bytes: usize,
    /// Longest time the guest may spend executing (not waiting on I/O).
    pub cpu_time: Duration,
    /// Longest time a call may take in all.
    pub wall_clock: Duration,
    /// Ceiling on the guest's connect timeout.
    pub connect_timeout: Duration,
    /// Ceiling on the guest's first-byte timeout.
    pub first_byte_timeout: Duration,
    /// Ceiling on the guest's between-bytes timeout.
    pub between_bytes_timeout: Duration,
    /// Largest response body passed to the guest, in bytes.
    pub max_response_bytes: u64,
    /// Who adds the token to requests.
    pub credential: Credential,
    /// The origin the allow-list admits for a connection without an API
    /// base: the component's own default, [`DEFAULT_API_BASE`] for this
    /// connector (a component built with another default needs that one).
    pub default_api_base: String,
    /// A PEM file of CA certificates to trust for HTTPS besides the built-in
    /// webpki roots (a test server's or a company proxy's); the built-in
    /// roots stay trusted either way.
    pub extra_ca: Option<PathBuf>,
    /// Calls that may run at once, each in an instance slot of wasmtime's
    /// pooling allocator (reserved up front, reused with copy-on-write memory
    /// images); further calls wait for a slot. `None` allocates every
    /// instance on demand instead.
    pub instance_slots: Option<u32>,
    /// The per-account rate budget every call of a connector shares: requests
    /// that would exceed these limits wait (see `rate_budget.rs`). `None`
    /// sends every request at once and leaves 429s to the connector.
    pub rate_limits: Option<RateLimits>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self {
            memory_bytes: 128 * 1024 * 1024,
            cpu_time: Duration::from_secs(5),
            wall_clock: Duration::from_secs(45),
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(30),
            between_bytes_timeout: Duration::from_secs(30),
            max_response_bytes: 48 * 1024 * 1024,
            credential: Credential::Guest,
            default_api_base: DEFAULT_API_BASE.to_owned(),
            extra_ca: None,
            instance_slots: Some(DEFAULT_INSTANCE_SLOTS),
            rate_limits: Some(RateLimits::default()),
        }
    }
}
