//! The catalog's account of failures: each case of the WIT `error` variant,
//! its payload's fields in WIT names, what it means and what to do about it.

use serde_json::{Value, json};

/// One case of the WIT `error` variant.
struct ErrorKind {
    /// The case's name.
    kind: &'static str,
    /// The WIT record it carries.
    payload: &'static str,
    /// That record's fields.
    fields: &'static [&'static str],
    /// What happened, in one line.
    meaning: &'static str,
    /// What the caller should do, in one line.
    what_to_do: &'static str,
}

/// The fields of `api-error`, HubSpot's answer.
pub const API_ERROR_FIELDS: &[&str] = &[
    "status",
    "category",
    "sub-category",
    "message",
    "correlation-id",
    "body",
    "attempts",
];

/// Every case, in the order of `wit/types.wit`.
const ERROR_KINDS: &[ErrorKind] = &[
    ErrorKind {
        kind: "invalid-input",
        payload: "input-problem",
        fields: &["path", "message"],
        meaning: "The input was refused before anything was sent to HubSpot.",
        what_to_do: "Fix the value at `path` as `message` says, then call again.",
    },
    ErrorKind {
        kind: "unauthorized",
        payload: "api-error",
        fields: API_ERROR_FIELDS,
        meaning: "HTTP 401: the access token is missing, invalid, expired or revoked.",
        what_to_do: "Use a valid Service Key, private app token or OAuth token (the message says where to create a Service Key); retrying will not help.",
    },
    ErrorKind {
        kind: "forbidden",
        payload: "forbidden-error",
        fields: &["detail", "missing-scopes"],
        meaning: "HTTP 403: the token lacks a scope the call needs.",
        what_to_do: "Add the scopes in `missing-scopes` to the Service Key or private app; test-connection lists every missing one.",
    },
    ErrorKind {
        kind: "not-found",
        payload: "api-error",
        fields: API_ERROR_FIELDS,
        meaning: "HTTP 404: no such record, pipeline, stage or object type.",
        what_to_do: "Check the id: search for the record or list the pipelines; archived records are read with `archived`.",
    },
    ErrorKind {
        kind: "conflict",
        payload: "conflict-error",
        fields: &["detail", "existing-id"],
        meaning: "HTTP 409: a record with the same unique value already exists.",
        what_to_do: "Update the record `existing-id` names instead of creating another.",
    },
    ErrorKind {
        kind: "validation",
        payload: "validation-error",
        fields: &["detail", "problems"],
        meaning: "HTTP 400: HubSpot refused property values.",
        what_to_do: "Correct each value in `problems` (its `allowed-values` lists the options); get-properties lists names and options.",
    },
    ErrorKind {
        kind: "rate-limited",
        payload: "rate-limited-error",
        fields: &["detail", "policy", "retry-after-ms"],
        meaning: "HTTP 429, still after the retries the action's deadline allowed.",
        what_to_do: "Wait `retry-after-ms` before the next call; a `daily` `policy` lasts until midnight in the account's time zone.",
    },
    ErrorKind {
        kind: "hubspot",
        payload: "api-error",
        fields: API_ERROR_FIELDS,
        meaning: "Any other error response, such as a 5xx that outlasted the retries.",
        what_to_do: "Retry later when `status` is 5xx; otherwise read `message` and `body`, and quote `correlation-id` to HubSpot support.",
    },
    ErrorKind {
        kind: "transport",
        payload: "transport-error",
        fields: &["kind", "message", "status", "attempts"],
        meaning: "No usable answer: the host denied the request, the network or the deadline failed, or the answer was malformed.",
        what_to_do: "A `denied` `kind` needs the host's allow-list changed; the other kinds are usually transient: call again later, \
            but after a failed create search first, as HubSpot may have created the record.",
    },
];

/// The `errors` member of the catalog.
pub fn errors() -> Value {
    ERROR_KINDS
        .iter()
        .map(|error| {
            json!({
                "kind": error.kind,
                "payload": error.payload,
                "fields": error.fields,
                "meaning": error.meaning,
                "whatToDo": error.what_to_do,
            })
        })
        .collect()
}

/// The names of the cases, for the catalog's description.
pub fn kinds() -> Vec<&'static str> {
    ERROR_KINDS.iter().map(|error| error.kind).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, Error, InputProblem, RateLimitPolicy, TransportError, TransportFailure};
    use crate::input_path::InputPath;

    const TYPES_WIT: &str = include_str!("../../../wit/types.wit");

    /// The names declared in the body of `{keyword} {name} { … }` in
    /// types.wit: a record's fields or a variant's cases.
    fn declared(keyword: &str, name: &str) -> Vec<String> {
        let opening = format!("{keyword} {name} {{");
        let start = TYPES_WIT.find(&opening).unwrap() + opening.len();
        let end = start + TYPES_WIT[start..].find('}').unwrap();
        TYPES_WIT[start..end]
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .map(|line| line.split([':', '(', ',']).next().unwrap().trim().to_owned())
            .collect()
    }

    #[test]
    fn the_kinds_are_the_cases_of_the_wit_error_variant() {
        assert_eq!(kinds(), declared("variant", "error"));
    }

    #[test]
    fn each_payload_lists_the_fields_of_its_wit_record() {
        for error in ERROR_KINDS {
            assert_eq!(error.fields, declared("record", error.payload), "{}", error.kind);
        }
    }

    #[test]
    fn every_error_the_connector_returns_is_listed() {
        let detail = || Box::new(ApiError::default());
        let every = [
            Error::InvalidInput(InputProblem {
                path: InputPath::root(),
                message: String::new(),
            }),
            Error::Unauthorized(detail()),
            Error::Forbidden {
                detail: detail(),
                missing_scopes: Vec::new(),
            },
            Error::NotFound(detail()),
            Error::Conflict {
                detail: detail(),
                existing_id: None,
            },
            Error::Validation {
                detail: detail(),
                problems: Vec::new(),
            },
            Error::RateLimited {
                detail: detail(),
                policy: RateLimitPolicy::Daily,
                retry_after_ms: None,
            },
            Error::HubSpot(detail()),
            Error::Transport(TransportError {
                kind: TransportFailure::Other,
                message: String::new(),
                status: None,
                attempts: 0,
            }),
        ];
        let listed = kinds();
        for error in every {
            assert!(listed.contains(&error.kind()), "{}", error.kind());
        }
    }
}
