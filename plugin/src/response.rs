//! Turns HubSpot's responses into results: JSON bodies for success, typed
//! errors with HubSpot's details parsed out for everything else.

use serde_json::Value;

use crate::error::{
    ApiError, Error, MAX_ERROR_BODY, PropertyProblem, RateLimitPolicy, TransportError, TransportFailure,
};
use crate::http::HttpResponse;

/// Where to create a token, for messages about a rejected one.
pub const TOKEN_HELP: &str = "create a Service Key in HubSpot (Settings > Integrations > Service Keys) \
     with the CRM scopes you need and use it as the access token; a legacy private app token or an OAuth \
     access token works the same way";

/// A successful response whose body is valid JSON (or empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Success {
    /// The status code.
    pub status: u16,
    /// The body as received (empty for 204).
    pub body: String,
}

/// Reads a response: 2xx with a JSON body (or none) is success, anything
/// else becomes the matching error. `attempts` is recorded in the error.
pub fn interpret(response: HttpResponse, attempts: u32) -> Result<Success, Error> {
    if (200..300).contains(&response.status) {
        return success(response).map_err(|error| error.with_attempts(attempts));
    }
    Err(classify(&response).with_attempts(attempts))
}

fn success(response: HttpResponse) -> Result<Success, Error> {
    let status = response.status;
    let malformed = |message: String| {
        Error::Transport(TransportError {
            kind: TransportFailure::MalformedResponse,
            message,
            status: Some(status),
            attempts: 0,
        })
    };
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Success {
            status,
            body: String::new(),
        });
    }
    if let Some(content_type) = response.header("content-type")
        && !content_type.to_ascii_lowercase().contains("json")
    {
        return Err(malformed(format!(
            "HubSpot answered {status} with a `{}` body instead of JSON; a proxy between the connector and HubSpot may have answered",
            content_type.chars().take(80).collect::<String>()
        )));
    }
    let body = String::from_utf8(response.body)
        .map_err(|_| malformed(format!("HubSpot answered {status} with a body that is not UTF-8")))?;
    // Checked without building a tree, which for a large body would cost
    // several times its size in memory.
    serde_json::from_str::<serde::de::IgnoredAny>(&body).map_err(|error| {
        malformed(format!(
            "HubSpot answered {status} with a body that is not valid JSON ({error}); it may have been cut short"
        ))
    })?;
    Ok(Success { status, body })
}

/// Builds the error for a non-2xx response.
pub fn classify(response: &HttpResponse) -> Error {
    // Read as text, as every other body is: one JSON reader in the component
    // (JSON is UTF-8, so a body that is not is no JSON either way).
    let json: Option<Value> = std::str::from_utf8(&response.body)
        .ok()
        .and_then(|body| serde_json::from_str(body).ok())
        .filter(Value::is_object);
    let text = |key: &str| {
        json.as_ref()
            .and_then(|j| j.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let category = text("category");
    let hubspot_message = text("message");
    let detail = ApiError {
        status: response.status,
        category: category.clone(),
        sub_category: text("subCategory"),
        message: String::new(),
        correlation_id: response
            .header("x-hubspot-correlation-id")
            .map(str::to_owned)
            .or_else(|| text("correlationId")),
        body: body_text(&response.body),
        attempts: 0,
    };
    let with_message = |message: String| {
        Box::new(ApiError {
            message,
            ..detail.clone()
        })
    };
    let described = hubspot_message.clone().unwrap_or_else(|| describe_status(response));

    match response.status {
        401 => Error::Unauthorized(with_message(format!(
            "{described}. HubSpot did not accept the access token: {TOKEN_HELP}"
        ))),
        403 => {
            let missing_scopes = json.as_ref().map(required_scopes).unwrap_or_default();
            let hint = if missing_scopes.is_empty() {
                String::new()
            } else {
                format!(
                    ". Add these scopes to the Service Key (or private app): {}",
                    missing_scopes.join(", ")
                )
            };
            Error::Forbidden {
                detail: with_message(format!("{described}{hint}")),
                missing_scopes,
            }
        }
        404 => Error::NotFound(with_message(described)),
        409 => {
            let existing_id = hubspot_message.as_deref().and_then(existing_id);
            Error::Conflict {
                detail: with_message(described),
                existing_id,
            }
        }
        429 => {
            let policy = rate_limit_policy(json.as_ref());
            let retry_after_ms = retry_after_ms(response, policy);
            Error::RateLimited {
                detail: with_message(described),
                policy,
                retry_after_ms,
            }
        }
        400 if category.as_deref() == Some("VALIDATION_ERROR") => {
            let problems = hubspot_message.as_deref().map(property_problems).unwrap_or_default();
            let message = if problems.is_empty() {
                described
            } else {
                summarize(&problems)
            };
            Error::Validation {
                detail: with_message(message),
                problems,
            }
        }
        _ => Error::HubSpot(with_message(described)),
    }
}

fn describe_status(response: &HttpResponse) -> String {
    let content_type = response.header("content-type").unwrap_or("no content type");
    if response.body.is_empty() {
        format!("HubSpot answered {} with an empty body", response.status)
    } else {
        format!(
            "HubSpot answered {} with a non-JSON body ({content_type})",
            response.status
        )
    }
}

/// The body as text for the error, cut at a character boundary.
fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= MAX_ERROR_BODY {
        return text.into_owned();
    }
    let mut end = MAX_ERROR_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Scopes named in `errors[].context.requiredGranularScopes` (or `requiredScopes`).
fn required_scopes(body: &Value) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    let errors = body.get("errors").and_then(Value::as_array).into_iter().flatten();
    for context in errors.filter_map(|e| e.get("context")).chain(body.get("context")) {
        for key in ["requiredGranularScopes", "requiredScopes"] {
            for scope in context.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(scope) = scope.as_str()
                    && !scopes.iter().any(|s| s == scope)
                {
                    scopes.push(scope.to_owned());
                }
            }
        }
    }
    scopes
}

/// The id in HubSpot's "Contact already exists. Existing ID: 12345".
fn existing_id(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("Existing ID:")?;
    let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// Which limit a 429 reports, from either body style: `policyName` (usage
/// docs) or a `category: RATE_LIMITS` body whose message names the limit.
fn rate_limit_policy(body: Option<&Value>) -> RateLimitPolicy {
    let text = |key: &str| {
        body.and_then(|b| b.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let policy = text("policyName");
    let message = text("message");
    if policy.contains("daily") || message.contains("daily limit") {
        RateLimitPolicy::Daily
    } else if policy.contains("ten_secondly") || message.contains("ten_secondly") {
        RateLimitPolicy::TenSecondly
    } else if policy.contains("secondly") || message.contains("secondly limit") {
        RateLimitPolicy::Secondly
    } else {
        RateLimitPolicy::Unknown
    }
}

/// How long a 429 asks to wait: `Retry-After` (seconds) when present, else
/// the window HubSpot's headers name, else what the policy implies. A daily
/// limit has no useful wait.
fn retry_after_ms(response: &HttpResponse, policy: RateLimitPolicy) -> Option<u64> {
    if let Some(seconds) = response
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(seconds.saturating_mul(1000));
    }
    let interval = response
        .header("x-hubspot-ratelimit-interval-milliseconds")
        .and_then(|v| v.trim().parse::<u64>().ok());
    match policy {
        RateLimitPolicy::Daily => None,
        RateLimitPolicy::Secondly => Some(1000),
        RateLimitPolicy::TenSecondly => Some(interval.unwrap_or(10_000)),
        RateLimitPolicy::Unknown => interval.or(Some(1000)),
    }
}

/// The refused values in a `VALIDATION_ERROR` message, which embeds a JSON
/// array: `Property values were not valid: [{"isValid":false,"message":…,
/// "error":"INVALID_OPTION","name":"dealstage"}]`.
pub fn property_problems(message: &str) -> Vec<PropertyProblem> {
    embedded_items(message)
        .iter()
        .filter_map(|item| {
            let field = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
            let name = field("name");
            if name.is_empty() {
                return None;
            }
            let message = field("message");
            Some(PropertyProblem {
                allowed_values: allowed_values(&message),
                name,
                code: field("error"),
                message: brief_message(&message),
            })
        })
        .collect()
}

/// The items of the JSON array a `VALIDATION_ERROR` message embeds after its
/// text (none when it embeds none).
pub fn embedded_items(message: &str) -> Vec<Value> {
    let (Some(start), Some(end)) = (message.find('['), message.rfind(']')) else {
        return Vec::new();
    };
    match message.get(start..=end).map(serde_json::from_str::<Value>) {
        Some(Ok(Value::Array(items))) => items,
        _ => Vec::new(),
    }
}

/// Most allowed values named in a summary; the full list is in `problems`.
const SUMMARY_VALUES: usize = 10;

/// One line per refused value, naming what is accepted, instead of
/// HubSpot's message with its embedded option dump.
fn summarize(problems: &[PropertyProblem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|problem| {
            let mut line = format!("`{}`: {} ({})", problem.name, problem.message, problem.code);
            if !problem.allowed_values.is_empty() {
                let shown: Vec<&str> = problem
                    .allowed_values
                    .iter()
                    .take(SUMMARY_VALUES)
                    .map(String::as_str)
                    .collect();
                let more = problem.allowed_values.len() - shown.len();
                line.push_str(&format!("; allowed values: {}", shown.join(", ")));
                if more > 0 {
                    line.push_str(&format!(" and {more} more (all listed in `problems`)"));
                }
            }
            line
        })
        .collect();
    format!("HubSpot refused these property values: {}", lines.join("; "))
}

/// HubSpot's per-value message without the option dump it may embed:
/// "X was not one of the allowed options: [label: …]" keeps its first part,
/// "… stage ID. Valid options are: …" its first sentence.
fn brief_message(message: &str) -> String {
    let cut = if let Some(index) = message.find("allowed options: [") {
        index + "allowed options".len()
    } else if let Some(index) = message.find("Valid options are") {
        index
    } else {
        message.len()
    };
    message[..cut].trim_end().to_owned()
}

/// The valid values HubSpot lists in a message, in either of its forms:
/// option dumps with `value: "x"` lines, or `Valid options are: … [a, b]`.
pub fn allowed_values(message: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = message;
    while let Some(index) = rest.find("value: \"") {
        let after = &rest[index + "value: \"".len()..];
        let Some(end) = after.find('"') else { break };
        values.push(after[..end].to_owned());
        rest = &after[end..];
    }
    if !values.is_empty() {
        return values;
    }
    let lower = message.to_ascii_lowercase();
    let Some(marker) = ["valid options are", "allowed options", "allowed values"]
        .iter()
        .find_map(|m| lower.find(m))
    else {
        return values;
    };
    let tail = &message[marker..];
    if let (Some(open), Some(close)) = (tail.find('['), tail.find(']'))
        && open < close
    {
        values = tail[open + 1..close]
            .split(',')
            .map(|v| v.trim().trim_matches('"').to_owned())
            .filter(|v| !v.is_empty())
            .collect();
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str, headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn success_returns_the_body_as_received() {
        let ok = interpret(
            response(
                200,
                r#"{"id":"1"}"#,
                &[("content-type", "application/json;charset=utf-8")],
            ),
            1,
        );
        assert_eq!(ok.map(|s| s.body), Ok(r#"{"id":"1"}"#.to_owned()));
        let empty = interpret(response(204, "", &[]), 1);
        assert_eq!(empty.map(|s| s.body), Ok(String::new()));
    }

    #[test]
    fn html_and_truncated_bodies_are_malformed_responses() {
        for (body, content_type) in [
            ("<html>Bad gateway</html>", "text/html"),
            (r#"{"id":"1""#, "application/json"),
        ] {
            match interpret(response(200, body, &[("content-type", content_type)]), 2) {
                Err(Error::Transport(t)) => {
                    assert_eq!(
                        (t.kind, t.status, t.attempts),
                        (TransportFailure::MalformedResponse, Some(200), 2)
                    );
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn unauthorized_explains_where_to_get_a_token() {
        let body = r#"{"status":"error","message":"Authentication credentials not found.","correlationId":"c-1","category":"INVALID_AUTHENTICATION"}"#;
        match interpret(response(401, body, &[("x-hubspot-correlation-id", "c-1")]), 1) {
            Err(Error::Unauthorized(detail)) => {
                assert!(detail.message.contains("Service Key"), "{}", detail.message);
                assert_eq!(detail.correlation_id.as_deref(), Some("c-1"));
                assert_eq!(detail.category.as_deref(), Some("INVALID_AUTHENTICATION"));
                assert_eq!(detail.body, body);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forbidden_lists_the_missing_scopes() {
        let body = r#"{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","correlationId":"c","errors":[{"message":"One or more of the following scopes are required.","context":{"requiredGranularScopes":["crm.objects.companies.write"]}}],"category":"MISSING_SCOPES"}"#;
        match classify(&response(403, body, &[])) {
            Error::Forbidden { missing_scopes, detail } => {
                assert_eq!(missing_scopes, vec!["crm.objects.companies.write".to_owned()]);
                assert!(detail.message.contains("crm.objects.companies.write"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn conflict_names_the_existing_record() {
        let body = r#"{"status":"error","message":"Contact already exists. Existing ID: 12345","correlationId":"c","category":"CONFLICT"}"#;
        assert!(matches!(
            classify(&response(409, body, &[])),
            Error::Conflict { existing_id: Some(id), .. } if id == "12345"
        ));
    }

    #[test]
    fn both_429_styles_are_recognised() {
        let documented = r#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c","policyName":"TEN_SECONDLY_ROLLING"}"#;
        assert!(matches!(
            classify(&response(
                429,
                documented,
                &[("x-hubspot-ratelimit-interval-milliseconds", "10000")]
            )),
            Error::RateLimited {
                policy: RateLimitPolicy::TenSecondly,
                retry_after_ms: Some(10_000),
                ..
            }
        ));
        let recorded = r#"{"status":"error","message":"You have reached your secondly limit.","correlationId":"c","category":"RATE_LIMITS"}"#;
        assert!(matches!(
            classify(&response(429, recorded, &[])),
            Error::RateLimited {
                policy: RateLimitPolicy::Secondly,
                retry_after_ms: Some(1000),
                ..
            }
        ));
        let daily = r#"{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}"#;
        assert!(matches!(
            classify(&response(429, daily, &[])),
            Error::RateLimited {
                policy: RateLimitPolicy::Daily,
                retry_after_ms: None,
                ..
            }
        ));
        assert!(matches!(
            classify(&response(429, "", &[("retry-after", "3")])),
            Error::RateLimited {
                retry_after_ms: Some(3000),
                ..
            }
        ));
    }

    #[test]
    fn validation_errors_carry_each_refused_value_and_its_options() {
        let inner = r#"[{"isValid":false,"message":"Technology was not one of the allowed options: [label: \"Accounting\"\nvalue: \"ACCOUNTING\"\n, label: \"Computer Software\"\nvalue: \"COMPUTER_SOFTWARE\"\n]","error":"INVALID_OPTION","name":"industry"}]"#;
        let body = serde_json::json!({
            "status": "error",
            "message": format!("Property values were not valid: {inner}"),
            "correlationId": "c",
            "category": "VALIDATION_ERROR"
        });
        match classify(&response(400, &body.to_string(), &[])) {
            Error::Validation { problems, detail } => {
                assert_eq!(problems.len(), 1);
                assert_eq!(problems[0].name, "industry");
                assert_eq!(problems[0].code, "INVALID_OPTION");
                assert_eq!(
                    problems[0].allowed_values,
                    vec!["ACCOUNTING".to_owned(), "COMPUTER_SOFTWARE".to_owned()]
                );
                assert_eq!(problems[0].message, "Technology was not one of the allowed options");
                assert!(
                    detail.message.contains("allowed values: ACCOUNTING, COMPUTER_SOFTWARE"),
                    "{}",
                    detail.message
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stage_lists_are_parsed_from_hubspot_s_bracket_form() {
        let message = "x is not a valid pipeline stage ID. Valid options are: pipelineId=default : [appointmentscheduled, qualifiedtobuy, closedwon]";
        assert_eq!(
            allowed_values(message),
            vec!["appointmentscheduled", "qualifiedtobuy", "closedwon"]
        );
    }

    #[test]
    fn server_errors_with_html_bodies_keep_their_status() {
        match classify(&response(
            502,
            "<html>bad gateway</html>",
            &[("content-type", "text/html")],
        )) {
            Error::HubSpot(detail) => {
                assert_eq!(detail.status, 502);
                assert!(detail.message.contains("non-JSON"), "{}", detail.message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn long_error_bodies_are_cut_on_a_character_boundary() {
        let body = "é".repeat(MAX_ERROR_BODY);
        let text = body_text(body.as_bytes());
        assert!(text.len() <= MAX_ERROR_BODY);
        assert!(text.chars().all(|c| c == 'é'));
    }
}
