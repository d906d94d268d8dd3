//! HubSpot's error replies: the `{"status":"error", message, correlationId, category, …}`
//! body of every failure, the correlation ids that tie body and header together.
//!
//! Bodies follow the `Error` schema of `openapi/objects.json`, lead with the
//! `"status":"error"` that real bodies carry (2022 recordings, see the crate docs), and
//! match HubSpot's error-handling guide
//! (<https://developers.hubspot.com/docs/api-reference/latest/error-handling>). The 404
//! text is the real body quoted in issue #669 of the Node SDK (see the crate docs); the
//! 401 and 409 texts are real bodies as public client code quotes them. ⚠ Choices:
//! - An unknown path answers 404 `{"message":"Resource not found","category":"OBJECT_NOT_FOUND"}`;
//!   HubSpot's body for it is undocumented.
//! - An unknown object type answers 400 with `status`, `message` ("Unable to infer object
//!   type from: X") and `correlationId` but no `category`, exactly as two independent
//!   captures of real responses show. This deviates from the OpenAPI `Error` schema,
//!   which requires `category`.
//! - A record that is not found always gets the documented body, also for numeric ids
//!   (HubSpot is reported to send an empty body for some of those).
//! - A missing and an unknown bearer token get the same 401 body.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Where HubSpot sends people to read about scopes.
const SCOPES_LINK: &str = "https://developers.hubspot.com/scopes";

/// One failure, ready to be rendered with the request's correlation id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) message: String,
    /// `None` only where real HubSpot bodies are known to lack it.
    pub(crate) category: Option<&'static str>,
    pub(crate) sub_category: Option<&'static str>,
    pub(crate) errors: Box<[ErrorDetail]>,
    pub(crate) context: BTreeMap<String, Vec<String>>,
    /// `(name, url)` pairs of the body's `links`.
    pub(crate) links: &'static [(&'static str, &'static str)],
}

/// An entry of the body's `errors` array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ErrorDetail {
    pub(crate) message: String,
    pub(crate) code: Option<String>,
    pub(crate) context: BTreeMap<String, Vec<String>>,
}

impl ApiError {
    /// An error with just a status, category and message.
    pub(crate) fn new(status: u16, category: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            category: Some(category),
            sub_category: None,
            errors: Box::default(),
            context: BTreeMap::new(),
            links: &[],
        }
    }

    /// 400 `VALIDATION_ERROR` with `message`.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "VALIDATION_ERROR", message)
    }

    /// 400 for a body that is not the JSON the endpoint expects, worded like HubSpot's
    /// Jackson errors ("Invalid input JSON on line 1, column 15: …").
    pub(crate) fn invalid_json(error: &serde_json::Error) -> Self {
        let detail = error.to_string();
        let detail = match detail.rfind(" at line ") {
            Some(position) => detail[..position].to_owned(),
            None => detail,
        };
        Self::validation(format!(
            "Invalid input JSON on line {}, column {}: {detail}",
            error.line(),
            error.column()
        ))
    }

    /// 400 for a request without the body the endpoint needs.
    pub(crate) fn missing_body() -> Self {
        Self::validation("Invalid JSON input: a request body was expected, but none found")
    }

    /// 401 for a missing or unknown token.
    pub(crate) fn unauthenticated() -> Self {
        Self::new(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication \
             and you can find more details at \
             https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )
    }

    /// 403 when the token has none of `accepted` scopes.
    pub(crate) fn missing_scopes(accepted: &[&str]) -> Self {
        let mut error = Self::new(
            403,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more \
             about required scopes here: https://developers.hubspot.com/scopes.",
        );
        error.errors = Box::new([ErrorDetail {
            message: "One or more of the following scopes are required.".to_owned(),
            code: None,
            context: BTreeMap::from([(
                "requiredGranularScopes".to_owned(),
                accepted.iter().map(|scope| (*scope).to_owned()).collect(),
            )]),
        }]);
        error.links = &[("scopes", SCOPES_LINK)];
        error
    }

    /// 404 for a record that does not exist (or is archived and not asked for).
    pub(crate) fn object_not_found(id: &str) -> Self {
        let mut error = Self::new(
            404,
            "OBJECT_NOT_FOUND",
            "Object not found.  objectId are usually numeric.",
        );
        error.context.insert("id".to_owned(), vec![id.to_owned()]);
        error
    }

    /// 404 for a path the mock does not serve.
    pub(crate) fn route_not_found() -> Self {
        Self::new(404, "OBJECT_NOT_FOUND", "Resource not found")
    }

    /// 400 for an `{objectType}` (or `associations=` entry) that names no object type.
    pub(crate) fn unknown_object_type(raw: &str) -> Self {
        Self {
            category: None,
            ..Self::validation(format!("Unable to infer object type from: {raw}"))
        }
    }

    /// 409 `CONFLICT`, e.g. "Contact already exists. Existing ID: 12345".
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "CONFLICT", message)
    }

    /// 413 for a body over the mock's size limit.
    pub(crate) fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            "VALIDATION_ERROR",
            format!("Request body exceeds the maximum size of {limit} bytes"),
        )
    }

    /// The JSON body, with `correlation_id` (which must also be the response's
    /// `X-HubSpot-Correlation-Id`).
    pub(crate) fn body(&self, correlation_id: &str) -> Value {
        let mut body = Map::new();
        body.insert("status".to_owned(), json!("error"));
        body.insert("message".to_owned(), json!(self.message));
        body.insert("correlationId".to_owned(), json!(correlation_id));
        if !self.errors.is_empty() {
            let errors = self.errors.iter().map(ErrorDetail::to_json).collect();
            body.insert("errors".to_owned(), Value::Array(errors));
        }
        if !self.context.is_empty() {
            body.insert("context".to_owned(), json!(self.context));
        }
        if !self.links.is_empty() {
            let links: Map<String, Value> = self
                .links
                .iter()
                .map(|(name, url)| ((*name).to_owned(), json!(url)))
                .collect();
            body.insert("links".to_owned(), Value::Object(links));
        }
        if let Some(category) = self.category {
            body.insert("category".to_owned(), json!(category));
        }
        if let Some(sub_category) = self.sub_category {
            body.insert("subCategory".to_owned(), json!(sub_category));
        }
        Value::Object(body)
    }
}

impl ErrorDetail {
    fn to_json(&self) -> Value {
        let mut detail = Map::new();
        detail.insert("message".to_owned(), json!(self.message));
        if let Some(code) = &self.code {
            detail.insert("code".to_owned(), json!(code));
        }
        if !self.context.is_empty() {
            detail.insert("context".to_owned(), json!(self.context));
        }
        Value::Object(detail)
    }
}

/// A fresh random (version 4) UUID in its hyphenated lower-case form.
pub(crate) fn correlation_id() -> String {
    let mut bits = fastrand::u128(..);
    bits = (bits & !(0xF_u128 << 76)) | (0x4_u128 << 76);
    bits = (bits & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_correlation_id_is_a_v4_uuid() {
        for _ in 0..100 {
            let id = correlation_id();
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(
                groups.iter().map(|group| group.len()).collect::<Vec<_>>(),
                vec![8, 4, 4, 4, 12]
            );
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
            assert!(groups[2].starts_with('4'));
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"));
        }
        assert_ne!(correlation_id(), correlation_id());
    }

    #[test]
    fn errors_missing_scopes_body_matches_hubspot_guide() {
        let body = ApiError::missing_scopes(&["crm.objects.deals.read"]).body("c-1");
        assert_eq!(
            body,
            json!({
                "status": "error",
                "message": "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
                "correlationId": "c-1",
                "errors": [{
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": ["crm.objects.deals.read"]}
                }],
                "links": {"scopes": "https://developers.hubspot.com/scopes"},
                "category": "MISSING_SCOPES"
            })
        );
    }

    #[test]
    fn errors_object_not_found_body_keeps_hubspots_double_space() {
        let error = ApiError::object_not_found("abc");
        assert_eq!(error.status, 404);
        assert_eq!(
            error.body("c"),
            json!({
                "status": "error",
                "message": "Object not found.  objectId are usually numeric.",
                "correlationId": "c",
                "context": {"id": ["abc"]},
                "category": "OBJECT_NOT_FOUND"
            })
        );
    }

    #[test]
    fn errors_unknown_object_type_has_no_category() {
        let body = ApiError::unknown_object_type("widgets").body("c");
        assert_eq!(
            body,
            json!({"status": "error", "message": "Unable to infer object type from: widgets", "correlationId": "c"})
        );
    }

    #[test]
    fn errors_invalid_json_names_line_and_column() {
        let parse_error = serde_json::from_str::<Value>("{\n  \"a\": }").err();
        let error = parse_error.map(|error| ApiError::invalid_json(&error));
        let message = error.map(|error| error.message).unwrap_or_default();
        assert!(
            message.starts_with("Invalid input JSON on line 2, column 8: "),
            "{message}"
        );
        assert!(!message.contains(" at line "), "{message}");
    }
}
