//! The log of requests the mock received, as tests inspect it: raw path and query,
//! headers and body, with helpers to decode them.

use crate::query;

/// One request as the mock received it, recorded before any check (so rejected
/// requests are there too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path as sent, still percent-encoded, e.g. `/crm/v3/objects/contacts/a%40b.co`.
    pub path: String,
    /// The query string as sent (without `?`), if any.
    pub query: Option<String>,
    /// Headers in the order received; names lower-case, values lossily decoded as UTF-8.
    pub headers: Vec<(String, String)>,
    /// The body; for a body over the mock's size limit, the bytes read before giving up.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The path's segments, percent-decoded (`/crm/v3/objects/contacts` gives
    /// `["crm", "v3", "objects", "contacts"]`).
    pub fn path_segments(&self) -> Vec<String> {
        query::path_segments(&self.path)
    }

    /// The query's `key=value` pairs, percent-decoded (`+` as space), repeated keys kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.as_deref().map(query::query_pairs).unwrap_or_default()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RecordedRequest {
        RecordedRequest {
            method: "GET".to_owned(),
            path: "/crm/v3/objects/contacts/a%40b.co".to_owned(),
            query: Some("idProperty=email&properties=a,b&properties=c+d".to_owned()),
            headers: vec![("authorization".to_owned(), "Bearer x".to_owned())],
            body: br#"{"a":1}"#.to_vec(),
        }
    }

    #[test]
    fn recorded_request_helpers_decode_what_was_sent() {
        let request = sample();
        assert_eq!(request.header("Authorization"), Some("Bearer x"));
        assert_eq!(request.header("x-missing"), None);
        assert_eq!(
            request.path_segments(),
            vec!["crm", "v3", "objects", "contacts", "a@b.co"]
        );
        assert_eq!(
            request.query_pairs(),
            vec![
                ("idProperty".to_owned(), "email".to_owned()),
                ("properties".to_owned(), "a,b".to_owned()),
                ("properties".to_owned(), "c d".to_owned()),
            ]
        );
        assert_eq!(request.body_json(), Some(serde_json::json!({"a": 1})));
    }

    #[test]
    fn recorded_request_body_json_is_none_for_non_json() {
        let request = RecordedRequest {
            body: b"not json".to_vec(),
            query: None,
            ..sample()
        };
        assert_eq!(request.body_json(), None);
        assert!(request.query_pairs().is_empty());
    }
}
