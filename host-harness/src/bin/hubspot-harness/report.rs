//! Errors as JSON for people and agents: `{"error": {"kind": …, "message": …}}`
//! with every detail the typed error carries, and the CLI's exit codes.

use serde_json::{Map, Value, json};

use hubspot_harness::CallError;
use hubspot_harness::wit::{ApiError, Error, RateLimitPolicy, TransportFailure};

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for an error HubSpot or the network reported.
pub const EXIT_FAILED: i32 = 1;
/// Exit code for a usage error or invalid input (nothing was sent).
pub const EXIT_USAGE: i32 = 2;
/// Exit code for a failure of the component itself (trap, limit).
pub const EXIT_HOST: i32 = 3;

/// The exit code for a component error.
pub fn exit_code(error: &Error) -> i32 {
    match error {
        Error::InvalidInput(_) => EXIT_USAGE,
        _ => EXIT_FAILED,
    }
}

/// The variant's name, as the WIT contract spells it.
pub fn kind(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput(_) => "invalid-input",
        Error::Unauthorized(_) => "unauthorized",
        Error::Forbidden(_) => "forbidden",
        Error::NotFound(_) => "not-found",
        Error::Conflict(_) => "conflict",
        Error::Validation(_) => "validation",
        Error::RateLimited(_) => "rate-limited",
        Error::Hubspot(_) => "hubspot",
        Error::Transport(_) => "transport",
    }
}

/// `{"error": {...}}` for a component error.
pub fn error_json(error: &Error) -> Value {
    let mut object = Map::new();
    object.insert("kind".into(), kind(error).into());
    match error {
        Error::InvalidInput(problem) => {
            let message = if problem.path.is_empty() {
                problem.message.clone()
            } else {
                format!("`{}`: {}", problem.path, problem.message)
            };
            object.insert("message".into(), message.into());
            object.insert("path".into(), problem.path.clone().into());
        }
        Error::Unauthorized(detail) | Error::NotFound(detail) | Error::Hubspot(detail) => {
            api_error(&mut object, detail);
        }
        Error::Forbidden(forbidden) => {
            api_error(&mut object, &forbidden.detail);
            object.insert("missingScopes".into(), json!(forbidden.missing_scopes));
        }
        Error::Conflict(conflict) => {
            api_error(&mut object, &conflict.detail);
            object.insert("existingId".into(), json!(conflict.existing_id));
        }
        Error::Validation(validation) => {
            api_error(&mut object, &validation.detail);
            let problems: Vec<Value> = validation
                .problems
                .iter()
                .map(|p| json!({"name": p.name, "code": p.code, "message": p.message, "allowedValues": p.allowed_values}))
                .collect();
            object.insert("problems".into(), Value::Array(problems));
        }
        Error::RateLimited(limited) => {
            api_error(&mut object, &limited.detail);
            object.insert("policy".into(), policy(limited.policy).into());
            object.insert("retryAfterMs".into(), json!(limited.retry_after_ms));
        }
        Error::Transport(transport) => {
            object.insert("message".into(), transport.message.clone().into());
            object.insert("failure".into(), failure(transport.kind).into());
            object.insert("status".into(), json!(transport.status));
            object.insert("attempts".into(), transport.attempts.into());
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

fn policy(policy: RateLimitPolicy) -> &'static str {
    match policy {
        RateLimitPolicy::TenSecondly => "ten-secondly",
        RateLimitPolicy::Secondly => "secondly",
        RateLimitPolicy::Daily => "daily",
        RateLimitPolicy::Unknown => "unknown",
    }
}

fn failure(kind: TransportFailure) -> &'static str {
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

/// `{"error": {...}}` for a call the host had to stop.
pub fn call_error_json(error: &CallError) -> Value {
    let mut object = json!({ "kind": "host", "reason": error.reason(), "message": error.to_string() });
    if let CallError::Trap { guest_output, .. } = error
        && !guest_output.is_empty()
    {
        object["guestOutput"] = guest_output.clone().into();
    }
    json!({ "error": object })
}

/// `{"error": {"kind": "usage", ...}}` for a mistake in the command line.
pub fn usage_json(message: &str) -> Value {
    json!({ "error": { "kind": "usage", "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubspot_harness::wit::{ForbiddenError, InputProblem};

    #[test]
    fn invalid_input_names_its_path_and_exits_with_2() {
        let error = Error::InvalidInput(InputProblem {
            path: "searchObj.limit".into(),
            message: "too big".into(),
        });
        let json = error_json(&error);
        assert_eq!(json["error"]["kind"], "invalid-input");
        assert_eq!(json["error"]["path"], "searchObj.limit");
        assert_eq!(json["error"]["message"], "`searchObj.limit`: too big");
        assert_eq!(exit_code(&error), EXIT_USAGE);
    }

    #[test]
    fn hubspot_errors_carry_their_body_as_json() {
        let detail = ApiError {
            status: 403,
            category: Some("MISSING_SCOPES".into()),
            sub_category: None,
            message: "missing".into(),
            correlation_id: Some("c-1".into()),
            body: r#"{"status":"error"}"#.into(),
            attempts: 1,
        };
        let error = Error::Forbidden(ForbiddenError {
            detail,
            missing_scopes: vec!["crm.objects.deals.read".into()],
        });
        let json = error_json(&error);
        assert_eq!(json["error"]["body"]["status"], "error");
        assert_eq!(json["error"]["missingScopes"][0], "crm.objects.deals.read");
        assert_eq!(json["error"]["correlationId"], "c-1");
        assert_eq!(exit_code(&error), EXIT_FAILED);
    }
}
