//! Who else sees each request a call sends: an embedder's observer, told of
//! every request the host lets through (method and path, never headers,
//! query or body), so that a long call can show its progress.

use std::sync::Arc;

/// One request the host let through to the API base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    /// Its number within the call, from 1.
    pub number: u32,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query (which may name records).
    pub path: String,
}

impl SentRequest {
    /// The request numbered `number` within its call.
    pub(crate) fn of<B>(number: u32, request: &http::Request<B>) -> Self {
        Self {
            number,
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
        }
    }
}

/// Called with every request a call sends, from the task that sends it:
/// it should return at once.
pub type RequestObserver = Arc<dyn Fn(&SentRequest) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observer_sees_the_method_and_path_but_not_the_query() {
        let request = http::Request::post("http://127.0.0.1:9/crm/objects/2026-09/contacts/batch/create?secret=1")
            .header("authorization", "Bearer pat-na1-x")
            .body(())
            .unwrap_or_default();
        let seen = SentRequest::of(3, &request);
        assert_eq!(
            seen,
            SentRequest {
                number: 3,
                method: "POST".to_owned(),
                path: "/crm/objects/2026-09/contacts/batch/create".to_owned(),
            }
        );
    }
}
