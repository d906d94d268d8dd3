//! Routes one request onto the connector: the catalog, or an action run
//! through `tool::invoke`, the entry point `tool.invoke` uses, so input is
//! parsed and validated exactly as there and nothing is sent when it is wrong.

use std::fmt;

use serde_json::{Map, json};

use hubspot_connector::action::Action;
use hubspot_connector::catalog;
use hubspot_connector::connection::{Connection, Endpoint};
use hubspot_connector::error::Error;
use hubspot_connector::input_path::InputPath;
use hubspot_connector::limits::MAX_INPUT_BYTES;
use hubspot_connector::tool;
use hubspot_connector::transport::Transport;

use crate::reply::Reply;

/// The catalog's path; an action is at `ACTIONS_PATH/{action}`.
pub const ACTIONS_PATH: &str = "/v1/actions";

/// The environment variable that sets the API base for every request.
///
/// Only the operator sets it (`wasmtime serve --env`, a Spin or wasmCloud
/// manifest); nothing in a request can change where the tenant's token goes,
/// so a caller cannot send it to a host of their choosing.
pub const API_BASE_VARIABLE: &str = "HUBSPOT_API_BASE";

/// The service's settings, fixed by the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Where requests go; `None` for HubSpot.
    api_base: Option<String>,
}

impl Config {
    /// Settings from the value of [`API_BASE_VARIABLE`] (unset or empty:
    /// HubSpot), checked by the connector's own rule for an API base. A
    /// value it refuses answers 500: the operator must fix it, not the caller.
    pub fn new(api_base: Option<String>) -> Result<Self, Reply> {
        let api_base = api_base.filter(|base| !base.is_empty());
        if let Some(base) = &api_base {
            Endpoint::new(&connection(String::new(), Some(base.clone()))).map_err(|error| {
                Reply::problem(
                    500,
                    "configuration",
                    format!("{API_BASE_VARIABLE} is not a usable API base: {error}"),
                    Map::new(),
                )
            })?;
        }
        Ok(Self { api_base })
    }
}

/// One request, as far as the service reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method, such as `GET`.
    pub method: &'a str,
    /// The path and query.
    pub path_with_query: &'a str,
    /// The values of every `Authorization` header.
    pub authorization: &'a [Vec<u8>],
    /// The body; the glue stops reading one byte past [`MAX_INPUT_BYTES`].
    pub body: &'a [u8],
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authorization values are credentials.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path_with_query", &self.path_with_query)
            .field(
                "authorization",
                &format_args!("<{} redacted>", self.authorization.len()),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Answers one request; actions send through `transport`.
pub fn handle<T: Transport>(transport: &mut T, config: &Config, request: &Request<'_>) -> Reply {
    let path = request
        .path_with_query
        .split_once('?')
        .map_or(request.path_with_query, |(path, _)| path);
    if path == ACTIONS_PATH {
        return match request.method {
            "GET" => Reply::json(200, catalog::describe_json()),
            _ => method_not_allowed(request.method, "GET"),
        };
    }
    let Some(name) = path
        .strip_prefix(ACTIONS_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|name| !name.is_empty() && !name.contains('/'))
    else {
        return Reply::problem(
            404,
            "unknown-route",
            format!(
                "nothing is served at `{path}`; GET {ACTIONS_PATH} lists the actions, POST {ACTIONS_PATH}/{{action}} runs one"
            ),
            Map::new(),
        );
    };
    let action = match Action::from_name(name) {
        Ok(action) => action,
        Err(error) => {
            let mut extra = Map::new();
            extra.insert(
                "actions".into(),
                json!(Action::all().map(Action::name).collect::<Vec<_>>()),
            );
            return Reply::problem(404, "unknown-action", error_message(&error), extra);
        }
    };
    if request.method != "POST" {
        return method_not_allowed(request.method, "POST");
    }
    let token = match bearer_token(request.authorization) {
        Ok(token) => token,
        Err(reply) => return reply,
    };
    if request.body.len() > MAX_INPUT_BYTES {
        let error = Error::invalid(
            &InputPath::root(),
            format!("the body is larger than {MAX_INPUT_BYTES} bytes"),
        );
        return Reply {
            status: 413,
            ..Reply::error(&error)
        };
    }
    let Ok(input) = std::str::from_utf8(request.body) else {
        return Reply::error(&Error::invalid(
            &InputPath::root(),
            "the body is not UTF-8 text; send the action's input as JSON",
        ));
    };
    let connection = connection(token, config.api_base.clone());
    match tool::invoke(transport, &connection, action.name(), input) {
        Ok(answer) => Reply::json(200, answer),
        Err(error) => Reply::error(&error),
    }
}

/// The connection a request runs with: the tenant's token, the operator's
/// API base, the connector's defaults for anything else.
#[allow(
    clippy::needless_update,
    reason = "the connection may gain settings the service leaves at their defaults"
)]
fn connection(access_token: String, api_base: Option<String>) -> Connection {
    Connection {
        access_token,
        api_base,
        ..Connection::default()
    }
}

/// The message of an input problem, without its kind.
fn error_message(error: &Error) -> String {
    match error {
        Error::InvalidInput(problem) => problem.message.clone(),
        other => other.to_string(),
    }
}

fn method_not_allowed(method: &str, allowed: &'static str) -> Reply {
    Reply::problem(
        405,
        "method-not-allowed",
        format!("{method} is not allowed here; use {allowed}"),
        Map::new(),
    )
    .with_header("allow", allowed)
}

/// The token of the one `Authorization: Bearer <token>` header. Without one
/// the call is refused here: the service has no credential of its own to
/// fall back on, and nothing goes to HubSpot unauthenticated.
fn bearer_token(values: &[Vec<u8>]) -> Result<String, Reply> {
    let refuse = |message: &str| {
        Reply::problem(
            401,
            "unauthorized",
            format!("{message}; send the tenant's HubSpot Private App token as `Authorization: Bearer <token>`"),
            Map::new(),
        )
        .with_header("www-authenticate", "Bearer")
    };
    let value = match values {
        [] => return Err(refuse("the request has no Authorization header")),
        [value] => value,
        _ => return Err(refuse("the request has more than one Authorization header")),
    };
    let value = std::str::from_utf8(value).map_err(|_| refuse("the Authorization header is not text"))?;
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| refuse("the Authorization header is not a Bearer token"))?;
    if token.is_empty() {
        return Err(refuse("the Bearer token is empty"));
    }
    // Its characters and length are checked by the connector, as for `tool.invoke`.
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::Value;

    use super::*;
    use hubspot_connector::http::HttpResponse;
    use hubspot_connector::transport::{Outgoing, SendError};

    /// A request as sent: URL, headers, body.
    type Sent = (String, Vec<(String, String)>, Option<Vec<u8>>);

    /// Answers every request with one response and records what was sent.
    #[derive(Default)]
    struct Recorder {
        answer: HttpResponse,
        sent: Vec<Sent>,
    }

    impl Transport for Recorder {
        fn send(&mut self, request: &Outgoing<'_>) -> Result<HttpResponse, SendError> {
            let headers = request
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect();
            self.sent
                .push((request.url.to_owned(), headers, request.body.map(<[u8]>::to_vec)));
            Ok(self.answer.clone())
        }
        fn sleep(&mut self, _: Duration) {}
        fn now(&mut self) -> Duration {
            Duration::ZERO
        }
        fn random(&mut self) -> u64 {
            0
        }
    }

    fn answering(status: u16, body: &str) -> Recorder {
        Recorder {
            answer: HttpResponse {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.as_bytes().to_vec(),
            },
            sent: Vec::new(),
        }
    }

    const RECORD: &str = r#"{"id":"51","properties":{"email":"jane@example.com"},"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z","archived":false}"#;

    fn bearer(token: &str) -> Vec<Vec<u8>> {
        vec![format!("Bearer {token}").into_bytes()]
    }

    fn post<'a>(path: &'a str, authorization: &'a [Vec<u8>], body: &'a str) -> Request<'a> {
        Request {
            method: "POST",
            path_with_query: path,
            authorization,
            body: body.as_bytes(),
        }
    }

    fn error_of(reply: &Reply) -> Value {
        let body: Value = serde_json::from_str(&reply.body).unwrap_or_default();
        body["error"].clone()
    }

    fn local() -> Config {
        Config::new(Some("http://127.0.0.1:9".into())).unwrap_or_default()
    }

    #[test]
    fn the_catalog_is_describe() {
        let request = Request {
            method: "GET",
            path_with_query: "/v1/actions?pretty",
            authorization: &[],
            body: b"",
        };
        let reply = handle(&mut Recorder::default(), &Config::default(), &request);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, catalog::describe().to_string());
    }

    #[test]
    fn an_action_runs_with_the_tenant_s_token_against_the_operator_s_base() {
        let mut transport = answering(201, RECORD);
        let auth = bearer("pat-na1-tenant");
        let input = r#"{"entity":"contacts","properties":{"email":"jane@example.com"}}"#;
        let reply = handle(&mut transport, &local(), &post("/v1/actions/create", &auth, input));
        assert_eq!((reply.status, reply.body.as_str()), (200, RECORD));
        let (url, headers, body) = &transport.sent[0];
        assert!(url.starts_with("http://127.0.0.1:9/"), "{url}");
        assert!(url.ends_with("/contacts"), "{url}");
        assert!(headers.contains(&("authorization".into(), "Bearer pat-na1-tenant".into())));
        let sent: Value = serde_json::from_slice(body.as_deref().unwrap_or_default()).unwrap_or_default();
        assert_eq!(sent["properties"]["email"], "jane@example.com");
    }

    #[test]
    fn without_configuration_requests_go_to_hubspot() {
        let mut transport = answering(200, RECORD);
        let auth = bearer("pat-na1-tenant");
        let input = r#"{"entity":"contacts","entityId":"51"}"#;
        handle(
            &mut transport,
            &Config::default(),
            &post("/v1/actions/read", &auth, input),
        );
        assert!(transport.sent[0].0.starts_with("https://api.hubapi.com/"));
    }

    #[test]
    fn invalid_input_answers_400_and_sends_nothing() {
        let mut transport = Recorder::default();
        let auth = bearer("pat-na1-tenant");
        for input in [
            r#"{"entity":"contacts"}"#,
            "not json",
            r#"{"entity":"contacts","searchObj":{"limit":500}}"#,
        ] {
            let action = if input.contains("searchObj") { "search" } else { "read" };
            let path = format!("/v1/actions/{action}");
            let reply = handle(&mut transport, &local(), &post(&path, &auth, input));
            assert_eq!(reply.status, 400, "{input}: {}", reply.body);
            assert_eq!(error_of(&reply)["kind"], "invalid-input");
        }
        let limit = handle(
            &mut transport,
            &local(),
            &post(
                "/v1/actions/search",
                &auth,
                r#"{"entity":"contacts","searchObj":{"limit":500}}"#,
            ),
        );
        assert_eq!(error_of(&limit)["path"], "searchObj.limit");
        let bytes = Request {
            body: &[0xff, 0xfe],
            ..post("/v1/actions/read", &auth, "")
        };
        assert_eq!(handle(&mut transport, &local(), &bytes).status, 400);
        let huge = "x".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(
            handle(&mut transport, &local(), &post("/v1/actions/read", &auth, &huge)).status,
            413
        );
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn hubspot_s_errors_keep_their_status() {
        let auth = bearer("pat-na1-tenant");
        let input = r#"{"entity":"contacts","entityId":"404"}"#;
        let mut transport = answering(
            404,
            r#"{"status":"error","message":"Object not found","category":"OBJECT_NOT_FOUND"}"#,
        );
        let reply = handle(&mut transport, &local(), &post("/v1/actions/read", &auth, input));
        assert_eq!(reply.status, 404);
        assert_eq!(error_of(&reply)["kind"], "not-found");
        assert_eq!(error_of(&reply)["category"], "OBJECT_NOT_FOUND");
    }

    #[test]
    fn an_unknown_action_is_404_and_lists_the_actions() {
        let auth = bearer("pat-na1-tenant");
        let mut transport = Recorder::default();
        let reply = handle(&mut transport, &local(), &post("/v1/actions/explode", &auth, "{}"));
        assert_eq!(reply.status, 404);
        let error = error_of(&reply);
        assert_eq!(error["kind"], "unknown-action");
        let listed: Vec<&str> = error["actions"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(listed, Action::all().map(Action::name).collect::<Vec<_>>());
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn other_paths_are_404() {
        for path in ["/", "/v1", "/v1/actions/", "/v1/actions/read/1", "/v2/actions"] {
            let reply = handle(&mut Recorder::default(), &local(), &post(path, &[], "{}"));
            assert_eq!(reply.status, 404, "{path}");
            assert_eq!(error_of(&reply)["kind"], "unknown-route", "{path}");
        }
    }

    #[test]
    fn a_wrong_method_is_405_and_names_the_right_one() {
        let get_action = Request {
            method: "GET",
            ..post("/v1/actions/read", &[], "")
        };
        let reply = handle(&mut Recorder::default(), &local(), &get_action);
        assert_eq!(reply.status, 405);
        assert!(reply.headers.contains(&("allow", "POST".into())));
        let post_catalog = post("/v1/actions", &[], "");
        let reply = handle(&mut Recorder::default(), &local(), &post_catalog);
        assert_eq!(reply.status, 405);
        assert!(reply.headers.contains(&("allow", "GET".into())));
    }

    #[test]
    fn a_missing_or_malformed_credential_is_401_and_sends_nothing() {
        let mut transport = Recorder::default();
        let input = r#"{"entity":"contacts","entityId":"1"}"#;
        let cases: [Vec<Vec<u8>>; 5] = [
            vec![],
            vec![b"Basic dXNlcjpwYXNz".to_vec()],
            vec![b"Bearer ".to_vec()],
            vec![b"Bearer \xff".to_vec()],
            [bearer("one"), bearer("two")].concat(),
        ];
        for auth in &cases {
            let reply = handle(&mut transport, &local(), &post("/v1/actions/read", auth, input));
            assert_eq!(reply.status, 401, "{auth:?}");
            assert_eq!(error_of(&reply)["kind"], "unauthorized");
            assert!(reply.headers.contains(&("www-authenticate", "Bearer".into())));
        }
        // A token the connector refuses is invalid input, named by its path.
        let spaced = vec![b"Bearer pat na1".to_vec()];
        let reply = handle(&mut transport, &local(), &post("/v1/actions/read", &spaced, input));
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(transport.sent.is_empty());
        // The scheme is case-insensitive, as HTTP says.
        let mut transport = answering(200, RECORD);
        let lower = vec![b"bearer pat-na1-tenant".to_vec()];
        assert_eq!(
            handle(&mut transport, &local(), &post("/v1/actions/read", &lower, input)).status,
            200
        );
    }

    #[test]
    fn an_unusable_api_base_is_the_operator_s_error() {
        for base in ["ftp://example.com", "https://example.com/steal?x=", "not a url"] {
            let reply = Config::new(Some(base.into()))
                .err()
                .unwrap_or_else(|| Reply::json(0, String::new()));
            assert_eq!(reply.status, 500, "{base}");
            assert_eq!(error_of(&reply)["kind"], "configuration", "{base}");
        }
        assert_eq!(Config::new(Some(String::new())), Ok(Config::default()));
    }
}
