//! Runs actions: the one path every call takes, from a typed request to
//! HubSpot's answer, and `invoke`'s JSON-in, JSON-out wrapper around it.

use serde_json::json;

use crate::action::Action;
use crate::answer::Json;
use crate::client::Client;
use crate::connection::Connection;
use crate::connection_test::{ConnectionReport, test_connection};
use crate::error::Error;
use crate::input;
use crate::request::ActionRequest;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// What an action produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// HubSpot's JSON answer, as received.
    HubSpot(String),
    /// A record was archived (HubSpot answers 204 with no body).
    Archived {
        /// The record's id as given.
        id: String,
    },
    /// The connection test's report.
    Report(ConnectionReport),
}

impl Output {
    /// The output as the JSON `invoke` returns.
    pub fn to_json(&self) -> String {
        match self {
            Self::HubSpot(body) => body.clone(),
            Self::Archived { id } => json!({ "id": id, "archived": true }).to_string(),
            Self::Report(report) => serde_json::to_value(report).map_or_else(|_| "{}".to_owned(), |v| v.to_string()),
        }
    }
}

/// Runs one action: validates `request`, then sends it.
pub fn run<T: Transport>(transport: &mut T, connection: &Connection, request: &ActionRequest) -> Result<Output, Error> {
    // Input is checked before the connection so that a bad input never costs a request.
    let http = request.to_http()?;
    let mut client = Client::new(transport, connection, RetryPolicy::default())?;
    match (request, http) {
        (ActionRequest::TestConnection, _) => test_connection(&mut client).map(Output::Report),
        (ActionRequest::Archive(archive), Some(http)) => {
            client.send::<()>(&http)?;
            Ok(Output::Archived {
                id: archive.record_id.clone(),
            })
        }
        (_, Some(http)) => client.send(&http).map(|Json(body)| Output::HubSpot(body)),
        (_, None) => Ok(Output::HubSpot(String::new())),
    }
}

/// Runs the connection test and returns its report.
pub fn check_connection<T: Transport>(transport: &mut T, connection: &Connection) -> Result<ConnectionReport, Error> {
    let mut client = Client::new(transport, connection, RetryPolicy::default())?;
    test_connection(&mut client)
}

/// `tool.invoke`: runs the action called `action` on its JSON input.
pub fn invoke<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    action: &str,
    input_json: &str,
) -> Result<String, Error> {
    let action = Action::from_name(action)?;
    let request = input::parse(action, input_json)?;
    run(transport, connection, &request).map(|output| output.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{Scripted, connection, json};
    use crate::http::{HttpResponse, Method};

    #[test]
    fn invoke_returns_hubspot_s_body_unchanged() {
        let body = r#"{"id":"51","properties":{"email":"jane@example.com"},"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z","archived":false}"#;
        let mut transport = Scripted::answering(vec![Ok(json(201, body))]);
        let result = invoke(
            &mut transport,
            &connection(),
            "create",
            r#"{"entity":"contacts","properties":{"email":"jane@example.com"}}"#,
        );
        assert_eq!(result.as_deref(), Ok(body));
        assert_eq!(transport.sent[0].0, Method::Post);
    }

    #[test]
    fn archive_answers_with_the_id() {
        let mut transport = Scripted::answering(vec![Ok(HttpResponse {
            status: 204,
            ..HttpResponse::default()
        })]);
        let result = invoke(
            &mut transport,
            &connection(),
            "archive",
            r#"{"entity":"deals","entityId":"98765432"}"#,
        );
        assert_eq!(result.as_deref(), Ok(r#"{"archived":true,"id":"98765432"}"#));
        assert_eq!(transport.sent[0].1, "http://127.0.0.1:9/crm/v3/objects/deals/98765432");
    }

    #[test]
    fn invalid_input_sends_nothing() {
        let mut transport = Scripted::default();
        for (action, input) in [
            ("create", r#"{"entity":"leads","properties":{}}"#),
            ("read", r#"{"entity":"contacts"}"#),
            ("search", r#"{"entity":"contacts","searchObj":{"limit":500}}"#),
            ("explode", "{}"),
        ] {
            let result = invoke(&mut transport, &connection(), action, input);
            assert!(matches!(result, Err(Error::InvalidInput(_))), "{action}: {result:?}");
        }
        let bad_token = Connection {
            access_token: "a b".into(),
            api_base: None,
        };
        let result = invoke(
            &mut transport,
            &bad_token,
            "read",
            r#"{"entity":"contacts","entityId":"1"}"#,
        );
        assert!(matches!(result, Err(Error::InvalidInput(_))));
        assert!(transport.sent.is_empty());
    }
}
