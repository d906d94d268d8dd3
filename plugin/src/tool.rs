//! `tool.invoke`: the action's JSON input in, HubSpot's JSON answer (or the
//! connector's own report) out, through the same entry points as `crm`.

use serde_json::json;
use serde_json::value::RawValue;

use crate::action::Action;
use crate::answer::Json;
use crate::association::{AssociationWrite, RemoveAssociationRequest};
use crate::batch;
use crate::connection::Connection;
use crate::connection_test::ConnectionReport;
use crate::dry_run::{self, WriteRequest};
use crate::error::Error;
use crate::execute;
use crate::input;
use crate::input_path::{Field, InputPath};
use crate::lookup::Collected;
use crate::request::ActionRequest;
use crate::transport::Transport;

/// Runs the action called `action` on its JSON input and returns the JSON
/// `invoke` answers with.
pub fn invoke<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    action: &str,
    input_json: &str,
) -> Result<String, Error> {
    let action = Action::from_name(action)?;
    let input::Call { request, dry_run } = input::parse_call(action, input_json)?;
    if dry_run {
        if let ActionRequest::Batch(request) = &request {
            return batch::preview(transport, connection, request).map(|preview| dry_run::preview_json(&preview));
        }
        let write = match request {
            ActionRequest::Create(request) => WriteRequest::Create(request),
            ActionRequest::Update(request) => WriteRequest::Update(request),
            ActionRequest::Archive(request) => WriteRequest::Archive(request),
            ActionRequest::Associate(request) => {
                let write = AssociationWrite::Associate(request);
                return execute::preview_association(transport, connection, &write)
                    .map(|preview| dry_run::preview_json(&preview));
            }
            ActionRequest::RemoveAssociation(request) => {
                let write = AssociationWrite::Remove(request);
                return execute::preview_association(transport, connection, &write)
                    .map(|preview| dry_run::preview_json(&preview));
            }
            // The parser accepts `dryRun` only for the writes above.
            _ => {
                return Err(Error::invalid(
                    &InputPath::root().field(Field::DryRun),
                    "applies only to writes".to_owned(),
                ));
            }
        };
        return dry_run::preview(transport, connection, &write).map(|preview| dry_run::preview_json(&preview));
    }
    let raw = |answer: Result<Json, Error>| answer.map(|Json(body)| body);
    match &request {
        ActionRequest::Create(request) => raw(execute::create(transport, connection, request)),
        ActionRequest::Read(request) => raw(execute::read(transport, connection, request)),
        ActionRequest::Update(request) => raw(execute::update(transport, connection, request)),
        ActionRequest::Archive(request) => {
            execute::archive(transport, connection, request).map(|()| archived(&request.record_id))
        }
        ActionRequest::Search(request) if request.max_results.is_some() => {
            execute::search_pages(transport, connection, request).map(search_listing)
        }
        ActionRequest::Search(request) => raw(execute::search(transport, connection, request)),
        ActionRequest::GetPipelines(request) => raw(execute::get_pipelines(transport, connection, request)),
        ActionRequest::GetPipelineStage(request) => raw(execute::get_pipeline_stage(transport, connection, request)),
        ActionRequest::GetProperties(request) => execute::get_properties_json(transport, connection, request),
        ActionRequest::TestConnection => {
            execute::test_connection(transport, connection).map(|report| report_json(&report))
        }
        ActionRequest::List(request) => execute::list(transport, connection, request).map(listing),
        ActionRequest::GetOwners(request) => execute::get_owners(transport, connection, request).map(listing),
        ActionRequest::GetObjectTypes => {
            execute::get_object_types(transport, connection).map(|types| json!({ "results": types }).to_string())
        }
        ActionRequest::Associate(request) => raw(execute::associate(transport, connection, request)),
        ActionRequest::GetAssociations(request) => {
            execute::get_associations(transport, connection, request).map(listing)
        }
        ActionRequest::RemoveAssociation(request) => {
            execute::remove_association(transport, connection, request).map(|()| removed(request))
        }
        ActionRequest::GetAssociationLabels(request) => {
            raw(execute::get_association_labels(transport, connection, request))
        }
        ActionRequest::Batch(request) => {
            batch::run(transport, connection, request).map(|outcome| batch::outcome_json(request, &outcome))
        }
    }
}

/// HubSpot answers a removal with no record; `invoke` names what was removed.
fn removed(request: &RemoveAssociationRequest) -> String {
    let mut answer = json!({
        "entityId": request.record_id,
        "toEntityId": request.to_record_id,
        "removed": true,
    });
    if let Some(label) = &request.label {
        answer["label"] = json!(label);
    }
    answer.to_string()
}

/// Records or owners read page after page, in HubSpot's shape: every one as
/// HubSpot sent it, and the cursor to go on from when some are left.
fn listing(collected: Collected<Box<RawValue>>) -> String {
    let items: Vec<&str> = collected.results.iter().map(|item| item.get()).collect();
    let mut text = format!("{{\"results\":[{}]", items.join(","));
    if let Some(after) = collected.next_after {
        text.push_str(&format!(",\"paging\":{}", json!({ "next": { "after": after } })));
    }
    text.push('}');
    text
}

/// A search read page after page, in HubSpot's shape (`total` as the first
/// page gave it, every record as HubSpot sent it), with the number of `pages`
/// read and the cursor to go on from when it stopped with results left.
fn search_listing(collected: Collected<Box<RawValue>>) -> String {
    let items: Vec<&str> = collected.results.iter().map(|item| item.get()).collect();
    let mut text = format!(
        "{{\"total\":{},\"results\":[{}],\"pages\":{}",
        collected.total.unwrap_or_default(),
        items.join(","),
        collected.pages
    );
    if let Some(after) = collected.next_after {
        text.push_str(&format!(",\"paging\":{}", json!({ "next": { "after": after } })));
    }
    text.push('}');
    text
}

/// HubSpot answers an archive with no body; `invoke` names the record.
fn archived(id: &str) -> String {
    json!({ "id": id, "archived": true }).to_string()
}

fn report_json(report: &ConnectionReport) -> String {
    serde_json::to_value(report).map_or_else(|_| "{}".to_owned(), |v| v.to_string())
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
        assert_eq!(
            transport.sent[0].1,
            "http://127.0.0.1:9/crm/objects/2026-09/deals/98765432"
        );
    }

    #[test]
    fn a_dry_run_sends_no_write_and_only_writes_take_it() {
        let mut transport = Scripted::default();
        let result = invoke(
            &mut transport,
            &connection(),
            "archive",
            r#"{"entity":"deals","entityId":"7","dryRun":true}"#,
        );
        assert_eq!(
            result.as_deref(),
            Ok(
                r#"{"dryRun":true,"problems":[],"requests":[{"method":"DELETE","path":"/crm/objects/2026-09/deals/7"}]}"#
            )
        );
        for (action, input) in [
            ("read", r#"{"entity":"deals","entityId":"7","dryRun":true}"#),
            ("archive", r#"{"entity":"deals","entityId":"7","dryRun":"yes"}"#),
        ] {
            let result = invoke(&mut transport, &connection(), action, input);
            match result {
                Err(Error::InvalidInput(invalid)) => assert!(
                    invalid.message.contains("dryRun") || invalid.message.contains("true or false"),
                    "{invalid:?}"
                ),
                other => panic!("{action}: {other:?}"),
            }
        }
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn invalid_input_sends_nothing() {
        let mut transport = Scripted::default();
        for (action, input) in [
            ("create", r#"{"entity":"contact","properties":{}}"#),
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
            api_version: None,
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
