//! The seam between the pure logic and the outside world: sending one HTTP
//! request, sleeping and reading a clock. The component implements it with
//! wasi-http; tests implement it with scripted responses.

use std::time::Duration;

use crate::error::TransportFailure;
use crate::http::{HttpResponse, Method};

/// Per-request timeouts; the host may lower them further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the connection.
    pub connect: Duration,
    /// From sending to the first response byte.
    pub first_byte: Duration,
    /// Between two chunks of the response.
    pub between_bytes: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            first_byte: Duration::from_secs(20),
            between_bytes: Duration::from_secs(10),
        }
    }
}

impl Timeouts {
    /// These timeouts, none longer than `remaining`.
    pub fn within(self, remaining: Duration) -> Self {
        Self {
            connect: self.connect.min(remaining),
            first_byte: self.first_byte.min(remaining),
            between_bytes: self.between_bytes.min(remaining),
        }
    }
}

/// One request on its way out.
#[derive(Clone, PartialEq, Eq)]
pub struct Outgoing<'a> {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: &'a str,
    /// Headers to send; `authorization` among them is secret.
    pub headers: &'a [(&'static str, String)],
    /// The body.
    pub body: Option<&'a [u8]>,
    /// Timeouts for this attempt.
    pub timeouts: Timeouts,
}

impl std::fmt::Debug for Outgoing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Outgoing")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.map(<[u8]>::len))
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// Whether a failed request may have reached HubSpot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The request certainly did not leave (refused, no connection).
    NotSent,
    /// It may have been received and processed.
    MaybeSent,
}

/// A request that produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// What failed.
    pub kind: TransportFailure,
    /// What happened, never including header values.
    pub message: String,
    /// Whether HubSpot may have seen the request.
    pub delivery: Delivery,
}

/// What the pure logic needs from its environment.
pub trait Transport {
    /// Sends one request and reads the whole response (at most
    /// [`crate::limits::MAX_RESPONSE_BYTES`] of body).
    fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError>;
    /// Waits.
    fn sleep(&mut self, duration: Duration);
    /// Monotonic time since some fixed point.
    fn now(&mut self) -> Duration;
    /// A random number, for jitter.
    fn random(&mut self) -> u64;
}
