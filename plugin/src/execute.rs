//! One entry point per action, shared by `tool.invoke` and the `crm` functions:
//! validate and plan the request, then send it and decode the answer as `D`.

use crate::answer::Decode;
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
    let http = plan::create(request)?;
    send(transport, connection, &http)
}

/// Reads a record.
pub fn read<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &ReadRequest,
) -> Result<D, Error> {
    let http = plan::read(request)?;
    send(transport, connection, &http)
}

/// Updates a record; HubSpot answers with it.
pub fn update<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &UpdateRequest,
) -> Result<D, Error> {
    let http = plan::update(request)?;
    send(transport, connection, &http)
}

/// Archives a record; HubSpot answers 204 with no body.
pub fn archive<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &ArchiveRequest,
) -> Result<(), Error> {
    let http = plan::archive(request)?;
    send(transport, connection, &http)
}

/// Searches records; HubSpot answers with one page.
pub fn search<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &SearchRequest,
) -> Result<D, Error> {
    let http = plan::search(request)?;
    send(transport, connection, &http)
}

/// Lists an object type's pipelines with their stages.
pub fn get_pipelines<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &PipelinesRequest,
) -> Result<D, Error> {
    let http = plan::pipelines(request)?;
    send(transport, connection, &http)
}

/// Reads one pipeline stage.
pub fn get_pipeline_stage<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &StageRequest,
) -> Result<D, Error> {
    let http = plan::stage(request)?;
    send(transport, connection, &http)
}

/// Lists an object type's property definitions.
pub fn get_properties<T: Transport, D: Decode>(
    transport: &mut T,
    connection: &Connection,
    request: &PropertiesRequest,
) -> Result<D, Error> {
    let http = plan::properties(request)?;
    send(transport, connection, &http)
}

/// Checks the credential and reports what it may read and write; see
/// [`connection_test`] for the requests it makes.
pub fn test_connection<T: Transport>(transport: &mut T, connection: &Connection) -> Result<ConnectionReport, Error> {
    let mut client = Client::new(transport, connection, RetryPolicy::default())?;
    connection_test::test_connection(&mut client)
}

/// Sends a planned request under the default policy. The connection is
/// checked here, after the input, so bad input never costs a request; the
/// client decodes the answer inside its retry loop.
fn send<T: Transport, D: Decode>(transport: &mut T, connection: &Connection, http: &HttpRequest) -> Result<D, Error> {
    Client::new(transport, connection, RetryPolicy::default())?.send(http)
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
}
