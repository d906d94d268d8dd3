//! The connector's typed errors, one variant per way an action can fail; they
//! mirror the WIT `error` variant and never carry the access token.

use std::fmt;

use crate::input_path::{InputPath, Vocabulary};

/// Input rejected before any request was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// Where the offending value is.
    pub path: InputPath,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl InputProblem {
    /// The path as the caller names things: JSON members for `tool.invoke`,
    /// WIT fields for the `crm` functions.
    pub fn path_in(&self, vocabulary: Vocabulary) -> String {
        self.path.render(vocabulary)
    }
}

/// What HubSpot answered, for errors that come from a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HubSpot's `category`.
    pub category: Option<String>,
    /// HubSpot's `subCategory`.
    pub sub_category: Option<String>,
    /// HubSpot's `message`, or a description of the status.
    pub message: String,
    /// `X-HubSpot-Correlation-Id`.
    pub correlation_id: Option<String>,
    /// The response body as received, cut at [`MAX_ERROR_BODY`] bytes.
    pub body: String,
    /// Requests made for the action.
    pub attempts: u32,
}

/// Longest error body kept in an [`ApiError`].
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// One value HubSpot refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyProblem {
    /// The property's internal name.
    pub name: String,
    /// HubSpot's code, such as `INVALID_OPTION`.
    pub code: String,
    /// HubSpot's explanation.
    pub message: String,
    /// Valid values named by HubSpot.
    pub allowed_values: Vec<String>,
}

/// Which rate limit a 429 reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitPolicy {
    /// The per-app burst window.
    TenSecondly,
    /// The search API's per-second limit.
    Secondly,
    /// The daily quota.
    Daily,
    /// Unrecognised.
    Unknown,
}

/// Why no usable response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    /// Refused by the host.
    Denied,
    /// Name resolution failed.
    Dns,
    /// Could not connect, or the connection dropped.
    Connection,
    /// A timeout or the action's deadline.
    Timeout,
    /// TLS failed.
    Tls,
    /// Broken HTTP.
    Protocol,
    /// Body over the size cap.
    ResponseTooLarge,
    /// Not the JSON HubSpot sends.
    MalformedResponse,
    /// Anything else.
    Other,
}

/// The request could not be completed at the HTTP level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportFailure,
    /// What happened.
    pub message: String,
    /// The HTTP status, when a response did arrive.
    pub status: Option<u16>,
    /// Requests made for the action.
    pub attempts: u32,
}

/// Every way an action can fail. Non-exhaustive: a new way to fail is a new
/// variant, and callers in other crates keep a catch-all arm for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Rejected before sending.
    InvalidInput(InputProblem),
    /// HTTP 401.
    Unauthorized(Box<ApiError>),
    /// HTTP 403.
    Forbidden {
        /// HubSpot's answer.
        detail: Box<ApiError>,
        /// Scopes HubSpot said are required.
        missing_scopes: Vec<String>,
    },
    /// HTTP 404.
    NotFound(Box<ApiError>),
    /// HTTP 409.
    Conflict {
        /// HubSpot's answer.
        detail: Box<ApiError>,
        /// Id of the record that already exists.
        existing_id: Option<String>,
    },
    /// HTTP 400 `VALIDATION_ERROR`.
    Validation {
        /// HubSpot's answer.
        detail: Box<ApiError>,
        /// The refused values.
        problems: Vec<PropertyProblem>,
    },
    /// HTTP 429.
    RateLimited {
        /// HubSpot's answer.
        detail: Box<ApiError>,
        /// Which limit.
        policy: RateLimitPolicy,
        /// How long to wait, when known.
        retry_after_ms: Option<u64>,
    },
    /// Any other error response.
    HubSpot(Box<ApiError>),
    /// No usable response.
    Transport(TransportError),
}

impl Error {
    /// An input problem at `path`.
    pub fn invalid(path: &InputPath, message: impl Into<String>) -> Self {
        Self::InvalidInput(InputProblem {
            path: path.clone(),
            message: message.into(),
        })
    }

    /// The variant's name as the WIT contract spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) => "invalid-input",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict { .. } => "conflict",
            Self::Validation { .. } => "validation",
            Self::RateLimited { .. } => "rate-limited",
            Self::HubSpot(_) => "hubspot",
            Self::Transport(_) => "transport",
        }
    }

    /// HubSpot's answer, for the variants that come from a response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Unauthorized(detail)
            | Self::NotFound(detail)
            | Self::HubSpot(detail)
            | Self::Forbidden { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Validation { detail, .. }
            | Self::RateLimited { detail, .. } => Some(detail),
            Self::InvalidInput(_) | Self::Transport(_) => None,
        }
    }

    /// Requests made before the action gave up (0 for invalid input).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::InvalidInput(_) => 0,
            Self::Transport(transport) => transport.attempts,
            other => other.api_error().map_or(0, |detail| detail.attempts),
        }
    }

    /// Records the number of requests made for the action.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Self::InvalidInput(_) => {}
            Self::Transport(transport) => transport.attempts = attempts,
            Self::Unauthorized(detail)
            | Self::NotFound(detail)
            | Self::HubSpot(detail)
            | Self::Forbidden { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Validation { detail, .. }
            | Self::RateLimited { detail, .. } => detail.attempts = attempts,
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput(problem) => match problem.path_in(Vocabulary::Json).as_str() {
                "" => write!(f, "the input: {}", problem.message),
                path => write!(f, "`{path}`: {}", problem.message),
            },
            Self::Transport(transport) => f.write_str(&transport.message),
            other => match other.api_error() {
                Some(detail) => write!(f, "HubSpot answered {}: {}", detail.status, detail.message),
                None => f.write_str(other.kind()),
            },
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input_path::Field;

    #[test]
    fn input_problems_display_their_json_path() {
        let root = Error::invalid(&InputPath::root(), "not JSON");
        assert_eq!(root.to_string(), "the input: not JSON");
        let limit = InputPath::root().field(Field::SearchObj).field(Field::Limit);
        assert_eq!(
            Error::invalid(&limit, "too big").to_string(),
            "`searchObj.limit`: too big"
        );
    }

    #[test]
    fn attempts_are_recorded_on_every_response_variant() {
        let error = Error::NotFound(Box::default()).with_attempts(3);
        assert_eq!(error.attempts(), 3);
        let invalid = Error::invalid(&InputPath::root(), "no").with_attempts(3);
        assert_eq!(invalid.attempts(), 0);
    }
}
