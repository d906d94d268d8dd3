//! The WebAssembly component: exports the WIT interfaces over the pure logic
//! and sends requests through `wasi:http`. Nothing HubSpot-specific lives here.

mod convert;
mod wasi_transport;

use bindings::exports::connector::hubspot::crm::{self, Guest as Crm};
use bindings::exports::connector::hubspot::tool::Guest as Tool;
use bindings::exports::connector::hubspot::types::{Connection, Error};

use crate::action::Action;
use crate::answer::{CrmRecord, Decode, Pipeline, PipelineStage, PropertyDefinition, Results, SearchPage};
use crate::catalog;
use crate::input_path::Vocabulary;
use crate::request::{ActionRequest, PipelinesRequest, PropertiesRequest, StageRequest};
use crate::tool::{self, Output};
use wasi_transport::WasiTransport;

mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "connector",
        with: {
            "wasi:http/types@0.2.12": wasip2::http::types,
            "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
            "wasi:io/error@0.2.12": wasip2::io::error,
            "wasi:io/poll@0.2.12": wasip2::io::poll,
            "wasi:io/streams@0.2.12": wasip2::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
            "wasi:random/insecure@0.2.12": wasip2::random::insecure,
        },
    });
}

/// The exported component.
struct Component;

#[expect(unsafe_code, reason = "the export glue wit-bindgen generates")]
mod export {
    use super::Component;
    super::bindings::export!(Component with_types_in super::bindings);
}

/// Runs `request` and returns HubSpot's JSON body for typed decoding.
fn run(conn: &Connection, request: &ActionRequest) -> Result<Output, crate::error::Error> {
    tool::run(&mut WasiTransport, &convert::connection(conn), request)
}

fn run_json(conn: &Connection, request: &ActionRequest) -> Result<String, crate::error::Error> {
    run(conn, request).map(|output| output.to_json())
}

impl Tool for Component {
    fn invoke(conn: Connection, action: String, input_json: String) -> Result<String, Error> {
        tool::invoke(&mut WasiTransport, &convert::connection(&conn), &action, &input_json)
            .map_err(|error| convert::error(error, Vocabulary::Json))
    }

    fn describe() -> String {
        catalog::describe().to_string()
    }
}

impl Crm for Component {
    fn create(conn: Connection, request: crm::CreateRequest) -> Result<crm::CrmRecord, Error> {
        let body = run_json(&conn, &ActionRequest::Create(convert::create(request)));
        typed::<CrmRecord, _>(Action::Create, body, convert::record)
    }

    fn read(conn: Connection, request: crm::ReadRequest) -> Result<crm::CrmRecord, Error> {
        let body = run_json(&conn, &ActionRequest::Read(convert::read(request)));
        typed::<CrmRecord, _>(Action::Read, body, convert::record)
    }

    fn update(conn: Connection, request: crm::UpdateRequest) -> Result<crm::CrmRecord, Error> {
        let body = run_json(&conn, &ActionRequest::Update(convert::update(request)));
        typed::<CrmRecord, _>(Action::Update, body, convert::record)
    }

    fn archive(conn: Connection, request: crm::ArchiveRequest) -> Result<(), Error> {
        run(&conn, &ActionRequest::Archive(convert::archive(request)))
            .map(|_| ())
            .map_err(|error| convert::error(error, Vocabulary::Wit(Action::Archive)))
    }

    fn search(conn: Connection, request: crm::SearchRequest) -> Result<crm::SearchPage, Error> {
        let body = run_json(&conn, &ActionRequest::Search(convert::search(request)));
        typed::<SearchPage, _>(Action::Search, body, convert::search_page)
    }

    fn get_pipelines(conn: Connection, object_type: String) -> Result<Vec<crm::Pipeline>, Error> {
        let body = run_json(&conn, &ActionRequest::GetPipelines(PipelinesRequest { object_type }));
        typed::<Results<Pipeline>, _>(Action::GetPipelines, body, |list| {
            list.results.into_iter().map(convert::pipeline).collect()
        })
    }

    fn get_pipeline_stage(
        conn: Connection,
        object_type: String,
        pipeline_id: String,
        stage_id: String,
    ) -> Result<crm::PipelineStage, Error> {
        let request = StageRequest {
            object_type,
            pipeline_id,
            stage_id,
        };
        let body = run_json(&conn, &ActionRequest::GetPipelineStage(request));
        typed::<PipelineStage, _>(Action::GetPipelineStage, body, convert::stage)
    }

    fn get_properties(
        conn: Connection,
        object_type: String,
        archived: bool,
    ) -> Result<Vec<crm::PropertyDefinition>, Error> {
        let body = run_json(
            &conn,
            &ActionRequest::GetProperties(PropertiesRequest { object_type, archived }),
        );
        typed::<Results<PropertyDefinition>, _>(Action::GetProperties, body, |list| {
            list.results.into_iter().map(convert::property).collect()
        })
    }

    fn test_connection(conn: Connection) -> Result<crm::ConnectionReport, Error> {
        tool::check_connection(&mut WasiTransport, &convert::connection(&conn))
            .map(convert::report)
            .map_err(|error| convert::error(error, Vocabulary::Wit(Action::TestConnection)))
    }
}

/// Decodes HubSpot's JSON into `T` and converts it to the WIT type; input
/// problems name `action`'s WIT fields.
fn typed<T, W>(
    action: Action,
    body: Result<String, crate::error::Error>,
    into_wit: impl FnOnce(T) -> W,
) -> Result<W, Error>
where
    T: Decode,
{
    body.and_then(|body| {
        T::decode(body).map_err(|message| {
            crate::error::Error::Transport(crate::error::TransportError {
                kind: crate::error::TransportFailure::MalformedResponse,
                message,
                status: None,
                attempts: 1,
            })
        })
    })
    .map(into_wit)
    .map_err(|error| convert::error(error, Vocabulary::Wit(action)))
}
