//! HTTP answers: a status, headers and a JSON body. An error answers
//! `{"error": {"kind": …, "message": …, …}}`, the shape `hubspot-harness`
//! prints, with the status that tells an HTTP client what kind of failure it is.

use serde_json::{Map, Value, json};

use hubspot_connector::error::{ApiError, Error, RateLimitPolicy, TransportFailure};
use hubspot_connector::input_path::Vocabulary;

/// One HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Headers besides `content-type`, which is always JSON.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
}

/// The media type of every body.
pub const CONTENT_TYPE: &str = "application/json";

impl Reply {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: String) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// A failure of the service itself (routing, method, credential,
    /// configuration): `{"error": {"kind", "message", …extra}}`.
    pub fn problem(status: u16, kind: &str, message: impl Into<String>, extra: Map<String, Value>) -> Self {
        let mut object = Map::new();
        object.insert("kind".into(), kind.into());
        object.insert("message".into(), message.into().into());
        object.extend(extra);
        Self::json(status, json!({ "error": object }).to_string())
    }

    /// The connector's typed error, with its status.
    pub fn error(error: &Error) -> Self {
        let mut reply = Self::json(status(error), error_json(error).to_string());
        match error {
            Error::Unauthorized(_) => reply.headers.push(("www-authenticate", "Bearer".into())),
            Error::RateLimited {
                retry_after_ms: Some(ms),
                ..
            } => reply.headers.push(("retry-after", ms.div_ceil(1000).to_string())),
            _ => {}
        }
        reply
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// The HTTP status for each case of the error: what went wrong in HTTP's
/// terms. Input the connector refused before sending is the caller's mistake
/// (400); values HubSpot refused are well-formed but unprocessable (422);
/// HubSpot's own 401, 403, 404, 409 and 429 pass through; any other failure
/// upstream is a bad gateway (502), a timeout a gateway timeout (504).
pub fn status(error: &Error) -> u16 {
    match error {
        Error::InvalidInput(_) => 400,
        Error::Validation { .. } => 422,
        Error::Unauthorized(_) => 401,
        Error::Forbidden { .. } => 403,
        Error::NotFound(_) => 404,
        Error::Conflict { .. } => 409,
        Error::RateLimited { .. } => 429,
        Error::Transport(transport) if transport.kind == TransportFailure::Timeout => 504,
        _ => 502,
    }
}

/// `{"error": {...}}` with every detail the typed error carries, in the
/// camelCase names `hubspot-harness` prints.
pub fn error_json(error: &Error) -> Value {
    let mut object = Map::new();
    object.insert("kind".into(), error.kind().into());
    match error {
        Error::InvalidInput(problem) => {
            object.insert("message".into(), error.to_string().into());
            object.insert("path".into(), problem.path_in(Vocabulary::Json).into());
        }
        Error::Unauthorized(detail) | Error::NotFound(detail) | Error::HubSpot(detail) => {
            api_error(&mut object, detail);
        }
        Error::Forbidden { detail, missing_scopes } => {
            api_error(&mut object, detail);
            object.insert("missingScopes".into(), json!(missing_scopes));
        }
        Error::Conflict { detail, existing_id } => {
            api_error(&mut object, detail);
            object.insert("existingId".into(), json!(existing_id));
        }
        Error::Validation { detail, problems } => {
            api_error(&mut object, detail);
            let problems: Vec<Value> = problems
                .iter()
                .map(|p| json!({"name": p.name, "code": p.code, "message": p.message, "allowedValues": p.allowed_values}))
                .collect();
            object.insert("problems".into(), Value::Array(problems));
        }
        Error::RateLimited {
            detail,
            policy,
            retry_after_ms,
        } => {
            api_error(&mut object, detail);
            object.insert("policy".into(), policy_name(*policy).into());
            object.insert("retryAfterMs".into(), json!(retry_after_ms));
        }
        Error::Transport(transport) => {
            object.insert("message".into(), transport.message.clone().into());
            object.insert("failure".into(), failure_name(transport.kind).into());
            object.insert("status".into(), json!(transport.status));
            object.insert("attempts".into(), transport.attempts.into());
        }
        // A case added to the connector later still answers with its kind.
        _ => {
            object.insert("message".into(), error.to_string().into());
            object.insert("attempts".into(), error.attempts().into());
        }
    }
    json!({ "error": object })
}

fn api_error(object: &mut Map<String, Value>, detail: &ApiError) {
    object.insert("message".into(), detail.message.clone().into());
    object.insert("status".into(), detail.status.into());
    object.insert("category".into(), json!(detail.category));
    if let Some(sub_category) = &detail.sub_category {
        object.insert("subCategory".into(), sub_category.clone().into());
    }
    object.insert("correlationId".into(), json!(detail.correlation_id));
    object.insert("attempts".into(), detail.attempts.into());
    let body = serde_json::from_str(&detail.body).unwrap_or_else(|_| Value::from(detail.body.clone()));
    object.insert("body".into(), body);
}

fn policy_name(policy: RateLimitPolicy) -> &'static str {
    match policy {
        RateLimitPolicy::TenSecondly => "ten-secondly",
        RateLimitPolicy::Secondly => "secondly",
        RateLimitPolicy::Daily => "daily",
        RateLimitPolicy::Unknown => "unknown",
    }
}

fn failure_name(kind: TransportFailure) -> &'static str {
    match kind {
        TransportFailure::Denied => "denied",
        TransportFailure::Dns => "dns",
        TransportFailure::Connection => "connection",
        TransportFailure::Timeout => "timeout",
        TransportFailure::Tls => "tls",
        TransportFailure::Protocol => "protocol",
        TransportFailure::ResponseTooLarge => "response-too-large",
        TransportFailure::MalformedResponse => "malformed-response",
        TransportFailure::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubspot_connector::error::TransportError;
    use hubspot_connector::input_path::{Field, InputPath};

    fn detail(status: u16) -> Box<ApiError> {
        Box::new(ApiError {
            status,
            message: "HubSpot says no".into(),
            body: r#"{"status":"error"}"#.into(),
            attempts: 1,
            ..ApiError::default()
        })
    }

    fn transport(kind: TransportFailure) -> Error {
        Error::Transport(TransportError {
            kind,
            message: "no answer".into(),
            status: None,
            attempts: 2,
        })
    }

    #[test]
    fn each_kind_of_failure_answers_with_its_status() {
        let limit = InputPath::root().field(Field::SearchObj).field(Field::Limit);
        let cases = [
            (Error::invalid(&limit, "too big"), 400),
            (
                Error::Validation {
                    detail: detail(400),
                    problems: Vec::new(),
                },
                422,
            ),
            (Error::Unauthorized(detail(401)), 401),
            (
                Error::Forbidden {
                    detail: detail(403),
                    missing_scopes: vec!["crm.objects.deals.read".into()],
                },
                403,
            ),
            (Error::NotFound(detail(404)), 404),
            (
                Error::Conflict {
                    detail: detail(409),
                    existing_id: Some("7".into()),
                },
                409,
            ),
            (
                Error::RateLimited {
                    detail: detail(429),
                    policy: RateLimitPolicy::TenSecondly,
                    retry_after_ms: Some(1500),
                },
                429,
            ),
            (Error::HubSpot(detail(500)), 502),
            (transport(TransportFailure::Connection), 502),
            (transport(TransportFailure::Timeout), 504),
        ];
        for (error, expected) in cases {
            let reply = Reply::error(&error);
            assert_eq!(reply.status, expected, "{error:?}");
            let body: Value = serde_json::from_str(&reply.body).unwrap_or_default();
            assert_eq!(body["error"]["kind"], error.kind(), "{error:?}");
        }
    }

    #[test]
    fn invalid_input_names_its_json_path() {
        let limit = InputPath::root().field(Field::SearchObj).field(Field::Limit);
        let json = error_json(&Error::invalid(&limit, "too big"));
        assert_eq!(json["error"]["path"], "searchObj.limit");
        assert_eq!(json["error"]["message"], "`searchObj.limit`: too big");
    }

    #[test]
    fn a_rate_limit_says_when_to_retry_in_whole_seconds() {
        let reply = Reply::error(&Error::RateLimited {
            detail: detail(429),
            policy: RateLimitPolicy::Secondly,
            retry_after_ms: Some(1500),
        });
        assert!(reply.headers.contains(&("retry-after", "2".into())));
        let body: Value = serde_json::from_str(&reply.body).unwrap_or_default();
        assert_eq!(body["error"]["policy"], "secondly");
        assert_eq!(body["error"]["retryAfterMs"], 1500);
    }

    #[test]
    fn hubspot_s_answer_is_carried_parsed() {
        let reply = Reply::error(&Error::Unauthorized(detail(401)));
        assert!(reply.headers.contains(&("www-authenticate", "Bearer".into())));
        let body: Value = serde_json::from_str(&reply.body).unwrap_or_default();
        assert_eq!(body["error"]["status"], 401);
        assert_eq!(body["error"]["body"]["status"], "error");
        assert_eq!(body["error"]["attempts"], 1);
    }

    #[test]
    fn a_transport_failure_names_its_kind() {
        let body = error_json(&transport(TransportFailure::MalformedResponse));
        assert_eq!(body["error"]["failure"], "malformed-response");
        assert_eq!(body["error"]["attempts"], 2);
    }
}
