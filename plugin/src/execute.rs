//! One entry point per action, shared by `tool.invoke` and the `crm` functions:
//! validate and plan the request, then send it and decode the answer as `D`.

use crate::answer::Decode;
use crate::api_version::ApiVersion;
use crate::client::Client;
use crate::connection::Connection;
use crate::connection_test::{self, ConnectionReport};
use crate::error::Error;
use crate::http::HttpRequest;
use crate::plan;
use crate::request::{
    ArchiveRequest, CreateRequest, PipelinesRequest, PropertiesRequest, ReadRequest, StageRequest, UpdateRequest,
};
use crate::retry::RetryPolicy;
use crate::search::SearchRequest;
use crate::transport::Transport;

/// Creates a record; HubSpot answers with it.
pub fn create<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &CreateRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::create(request, version))
}

/// Reads a record.
pub fn read<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &ReadRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::read(request, version))
}

/// Updates a record; HubSpot answers with it.
pub fn update<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &UpdateRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::update(request, version))
}

/// Archives a record; HubSpot answers 204 with no body.
pub fn archive<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &ArchiveRequest,
) -> Result<(), Error> {
    send(transport, connection, |version| plan::archive(request, version))
}

/// Searches records; HubSpot answers with one page.
pub fn search<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &SearchRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::search(request, version))
}

/// Lists an object type's pipelines with their stages.
pub fn get_pipelines<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &PipelinesRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::pipelines(request, version))
}

/// Reads one pipeline stage.
pub fn get_pipeline_stage<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &StageRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::stage(request, version))
}

/// Lists an object type's property definitions.
pub fn get_properties<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &PropertiesRequest,
) -> Result<D, Error> {
    send(transport, connection, |version| plan::properties(request, version))
}

/// Checks the credential and reports what it may read and write; see
/// [`connection_test`] for the requests it makes.
pub fn test_connection<T: Transport>(transport: &mut T, connection: &Connection) -> Result<ConnectionReport, Error> {
    let mut client = Client::new(transport, connection, RetryPolicy::default())?;
    connection_test::test_connection(&mut client)
}

/// Plans the request for the connection's API version and sends it under the
/// default policy; the client decodes the answer inside its retry loop.
///
/// The input is checked before the connection, so that a caller fixes its
/// input first and bad input never costs a request. Until the connection is
/// checked the plan uses the default version; a connection naming an unknown
/// version then fails its check, and nothing is sent.
fn send<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    plan: impl FnOnce(ApiVersion) -> Result<HttpRequest, Error>,
) -> Result<D, Error> {
    let version = ApiVersion::from_connection(connection.api_version.as_deref()).unwrap_or_default();
    let http = plan(version)?;
    Client::new(transport, connection, RetryPolicy::default())?.send(&http)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{CrmRecord, Json, PipelineList};
    use crate::client::tests::{Scripted, WRONG_SHAPE, connection, json, malformed};
    use crate::http::{HttpResponse, Method};
    use crate::input_path::Vocabulary;

    fn read_request() -> ReadRequest {
        ReadRequest {
            object_type: "contacts".into(),
            record_id: "51".into(),
            ..ReadRequest::default()
        }
    }

    #[test]
    fn a_typed_read_of_the_wrong_shape_after_a_503_reports_every_attempt_and_the_status() {
        let mut answers = vec![Ok(json(503, "{}"))];
        answers.extend(vec![Ok(json(200, WRONG_SHAPE)); 3]);
        let mut transport = Scripted::answering(answers);
        let result = read::<_, CrmRecord>(&mut transport, &connection(), &read_request());
        assert_eq!(malformed(result), (Some(200), 4));
        assert_eq!(transport.sent.len(), 4);
    }

    #[test]
    fn a_typed_create_of_the_wrong_shape_is_not_sent_again() {
        let mut transport = Scripted::answering(vec![Ok(json(201, WRONG_SHAPE))]);
        let request = CreateRequest {
            object_type: "contacts".into(),
            properties: vec![("email".into(), "jane@example.com".into())],
            associations: Vec::new(),
        };
        let result = create::<_, CrmRecord>(&mut transport, &connection(), &request);
        assert_eq!(malformed(result), (Some(201), 1));
        assert_eq!(transport.sent.len(), 1);
    }

    #[test]
    fn the_raw_answer_is_the_body_as_received() {
        let body = r#"{"results":[{"id":"default","label":"Sales","stages":[]}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, body))]);
        let request = PipelinesRequest {
            object_type: "deals".into(),
        };
        let answer = get_pipelines::<_, Json>(&mut transport, &connection(), &request);
        assert_eq!(answer, Ok(Json(body.to_owned())));
        assert_eq!(transport.sent[0].0, Method::Get);
        // The same answer lacks what a typed pipeline needs.
        let mut transport = Scripted::answering(vec![Ok(json(200, body)); 4]);
        let typed = get_pipelines::<_, PipelineList>(&mut transport, &connection(), &request);
        assert_eq!(malformed(typed), (Some(200), 4));
    }

    #[test]
    fn an_archive_reads_no_answer() {
        let mut transport = Scripted::answering(vec![Ok(HttpResponse {
            status: 204,
            ..HttpResponse::default()
        })]);
        let request = ArchiveRequest {
            object_type: "deals".into(),
            record_id: "98765432".into(),
        };
        assert_eq!(archive(&mut transport, &connection(), &request), Ok(()));
        assert_eq!(transport.sent[0].0, Method::Delete);
    }

    #[test]
    fn bad_input_is_refused_before_the_connection_is_checked() {
        let mut transport = Scripted::default();
        let bad_token = Connection {
            access_token: "a b".into(),
            api_base: None,
            api_version: None,
        };
        let no_id = ReadRequest {
            object_type: "contacts".into(),
            ..ReadRequest::default()
        };
        match read::<_, Json>(&mut transport, &bad_token, &no_id) {
            Err(Error::InvalidInput(problem)) => assert_eq!(problem.path_in(Vocabulary::Json), "entityId"),
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn every_request_takes_the_paths_of_the_connection_s_version() {
        for (version, expected) in [
            (None, "http://127.0.0.1:9/crm/objects/2026-09/contacts/51"),
            (Some("2026-03"), "http://127.0.0.1:9/crm/objects/2026-03/contacts/51"),
            (Some("v3"), "http://127.0.0.1:9/crm/v3/objects/contacts/51"),
        ] {
            let mut transport = Scripted::answering(vec![Ok(json(200, r#"{"id":"51"}"#))]);
            let connection = Connection {
                api_version: version.map(Into::into),
                ..connection()
            };
            let answer = read::<_, Json>(&mut transport, &connection, &read_request());
            assert!(answer.is_ok(), "{version:?}: {answer:?}");
            assert_eq!(transport.sent[0].1, expected);
        }
    }

    #[test]
    fn an_unknown_version_is_refused_after_the_input_and_sends_nothing() {
        let mut transport = Scripted::default();
        let future = Connection {
            api_version: Some("2099-01".into()),
            ..connection()
        };
        match read::<_, Json>(&mut transport, &future, &read_request()) {
            Err(Error::InvalidInput(problem)) => {
                assert_eq!(problem.path_in(Vocabulary::Json), "connection.apiVersion");
                assert!(problem.message.contains("2026-09, 2026-03, v3"), "{}", problem.message);
            }
            other => panic!("{other:?}"),
        }
        let no_id = ReadRequest {
            object_type: "contacts".into(),
            ..ReadRequest::default()
        };
        match read::<_, Json>(&mut transport, &future, &no_id) {
            Err(Error::InvalidInput(problem)) => assert_eq!(problem.path_in(Vocabulary::Json), "entityId"),
            other => panic!("{other:?}"),
        }
        assert!(transport.sent.is_empty());
    }
}
