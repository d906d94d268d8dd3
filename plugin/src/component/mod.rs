//! The WebAssembly component: exports the WIT interfaces over the pure logic
//! and sends requests through `wasi:http`. Nothing HubSpot-specific lives here.

mod convert;

use bindings::exports::connector::hubspot::crm::{self, Guest as Crm};
use bindings::exports::connector::hubspot::tool::Guest as Tool;
use bindings::exports::connector::hubspot::types::{Connection, Error};

use crate::action::Action;
use crate::answer::{CrmRecord, Owner, PipelineList, PipelineStage, SearchPage};
use crate::association::LabelList;
use crate::batch;
use crate::catalog;
use crate::dry_run;
use crate::execute;
use crate::input_path::Vocabulary;
use crate::request::{PipelinesRequest, StageRequest};
use crate::tool;
use crate::wasi_transport::WasiTransport;

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

impl Tool for Component {
    fn invoke(conn: Connection, action: String, input_json: String) -> Result<String, Error> {
        tool::invoke(&mut WasiTransport, &convert::connection(&conn), &action, &input_json)
            .map_err(|error| convert::error(error, Vocabulary::Json))
    }

    fn describe() -> String {
        catalog::describe_json()
    }
}

impl Crm for Component {
    fn create(conn: Connection, request: crm::CreateRequest) -> Result<crm::CrmRecord, Error> {
        let request = convert::create(request);
        execute::create::<_, CrmRecord>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::record)
            .map_err(in_wit(Action::Create))
    }

    fn read(conn: Connection, request: crm::ReadRequest) -> Result<crm::CrmRecord, Error> {
        let request = convert::read(request);
        execute::read::<_, CrmRecord>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::record)
            .map_err(in_wit(Action::Read))
    }

    fn update(conn: Connection, request: crm::UpdateRequest) -> Result<crm::CrmRecord, Error> {
        let request = convert::update(request);
        execute::update::<_, CrmRecord>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::record)
            .map_err(in_wit(Action::Update))
    }

    fn archive(conn: Connection, request: crm::ArchiveRequest) -> Result<(), Error> {
        let request = convert::archive(request);
        execute::archive(&mut WasiTransport, &convert::connection(&conn), &request).map_err(in_wit(Action::Archive))
    }

    fn search(conn: Connection, request: crm::SearchRequest) -> Result<crm::SearchPage, Error> {
        let request = convert::search(request);
        let conn = convert::connection(&conn);
        let page = if request.max_results.is_some() {
            execute::search_pages::<_, CrmRecord>(&mut WasiTransport, &conn, &request).map(convert::searched)
        } else {
            execute::search::<_, SearchPage>(&mut WasiTransport, &conn, &request).map(convert::search_page)
        };
        page.map_err(in_wit(Action::Search))
    }

    fn get_pipelines(conn: Connection, object_type: String) -> Result<Vec<crm::Pipeline>, Error> {
        let request = PipelinesRequest { object_type };
        execute::get_pipelines::<_, PipelineList>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(|list| list.results.into_iter().map(convert::pipeline).collect())
            .map_err(in_wit(Action::GetPipelines))
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
        execute::get_pipeline_stage::<_, PipelineStage>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::stage)
            .map_err(in_wit(Action::GetPipelineStage))
    }

    fn get_properties(
        conn: Connection,
        request: crm::PropertiesRequest,
    ) -> Result<Vec<crm::PropertyDefinition>, Error> {
        let request = convert::properties_request(request);
        execute::get_properties(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(|list| list.into_iter().map(convert::property).collect())
            .map_err(in_wit(Action::GetProperties))
    }

    fn test_connection(conn: Connection) -> Result<crm::ConnectionReport, Error> {
        execute::test_connection(&mut WasiTransport, &convert::connection(&conn))
            .map(convert::report)
            .map_err(in_wit(Action::TestConnection))
    }

    fn list(conn: Connection, request: crm::ListRequest) -> Result<crm::RecordPage, Error> {
        let request = convert::list(request);
        execute::list::<_, CrmRecord>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::record_page)
            .map_err(in_wit(Action::List))
    }

    fn get_owners(conn: Connection, request: crm::OwnersRequest) -> Result<Vec<crm::Owner>, Error> {
        let request = convert::owners_request(request);
        execute::get_owners::<_, Owner>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(|collected| collected.results.into_iter().map(convert::owner).collect())
            .map_err(in_wit(Action::GetOwners))
    }

    fn preview_write(conn: Connection, request: crm::WriteRequest) -> Result<crm::WritePreview, Error> {
        let (action, request) = convert::write_request(request);
        dry_run::preview(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::write_preview)
            .map_err(in_wit(action))
    }

    fn associate(conn: Connection, request: crm::AssociateRequest) -> Result<(), Error> {
        let request = convert::associate(request);
        execute::associate::<_, ()>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map_err(in_wit(Action::Associate))
    }

    fn get_associations(
        conn: Connection,
        request: crm::AssociationsRequest,
    ) -> Result<Vec<crm::AssociatedObject>, Error> {
        let request = convert::associations_request(request);
        execute::get_associations(&mut WasiTransport, &convert::connection(&conn), &request)
            .and_then(convert::associated_objects)
            .map_err(in_wit(Action::GetAssociations))
    }

    fn remove_association(conn: Connection, request: crm::RemoveAssociationRequest) -> Result<(), Error> {
        let request = convert::remove_association(request);
        execute::remove_association(&mut WasiTransport, &convert::connection(&conn), &request)
            .map_err(in_wit(Action::RemoveAssociation))
    }

    fn get_association_labels(
        conn: Connection,
        request: crm::AssociationLabelsRequest,
    ) -> Result<Vec<crm::AssociationLabel>, Error> {
        let request = convert::association_labels_request(request);
        execute::get_association_labels::<_, LabelList>(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(|list| list.results.into_iter().map(convert::association_label).collect())
            .map_err(in_wit(Action::GetAssociationLabels))
    }

    fn preview_association(conn: Connection, request: crm::AssociationWrite) -> Result<crm::WritePreview, Error> {
        let (action, request) = convert::association_write(request);
        execute::preview_association(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::write_preview)
            .map_err(in_wit(action))
    }

    fn batch(conn: Connection, request: crm::BatchRequest) -> Result<crm::BatchResult, Error> {
        let request = convert::batch_request(request);
        let action = request.kind.action();
        batch::run(&mut WasiTransport, &convert::connection(&conn), &request)
            .and_then(|outcome| convert::batch_result(outcome, action.wit_vocabulary()))
            .map_err(in_wit(action))
    }

    fn preview_batch(conn: Connection, request: crm::BatchWriteRequest) -> Result<crm::WritePreview, Error> {
        let (action, request) = convert::batch_write_request(request);
        batch::preview(&mut WasiTransport, &convert::connection(&conn), &request)
            .map(convert::write_preview)
            .map_err(in_wit(action))
    }

    fn get_object_types(conn: Connection) -> Result<Vec<crm::ObjectTypeInfo>, Error> {
        execute::get_object_types(&mut WasiTransport, &convert::connection(&conn))
            .map(|types| types.into_iter().map(convert::object_type).collect())
            .map_err(in_wit(Action::GetObjectTypes))
    }
}

/// Converts an error of `action`'s `crm` function, naming input problems by
/// its WIT fields.
fn in_wit(action: Action) -> impl Fn(crate::error::Error) -> Error {
    move |error| convert::error(error, action.wit_vocabulary())
}
