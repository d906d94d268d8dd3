//! The schema endpoints `/crm/v3/pipelines/{objectType}/…` and `/crm/v3/properties/…`,
//! served from the catalog and the store's pipelines exactly as HubSpot's JSON.
//!
//! ⚠ Choices: pipelines of a type without pipelines (anything but deals, tickets and leads,
//! unless one was seeded) answer 400 `Object type 0-1 does not support pipelines` (the
//! pipelines spec says it supports deals and tickets); an unknown or archived pipeline or
//! stage answers 404 `OBJECT_NOT_FOUND` (the spec requires 404, the message is the mock's);
//! an unknown property answers 404 `OBJECT_NOT_FOUND` with subCategory
//! `PROPERTY_DOESNT_EXIST`; `dataSensitivity` other than the spec's three values is a 400.

use serde_json::{Value, json};

use crate::catalog::{Pipeline, PropertyDef};
use crate::errors::ApiError;
use crate::handler::{Call, Reply};

fn pipelines<'a>(call: &'a Call<'_>) -> Result<impl Iterator<Item = &'a Pipeline>, ApiError> {
    if !call.store.supports_pipelines(call.object_type) {
        return Err(ApiError::validation(format!(
            "Object type {} does not support pipelines",
            call.object_type.type_id()
        )));
    }
    Ok(call
        .store
        .pipelines(call.object_type)
        .iter()
        .filter(|pipeline| !pipeline.archived))
}

fn pipeline<'a>(call: &'a Call<'_>, pipeline_id: &str) -> Result<&'a Pipeline, ApiError> {
    pipelines(call)?
        .find(|pipeline| pipeline.id == pipeline_id)
        .ok_or_else(|| {
            ApiError::new(
                404,
                "OBJECT_NOT_FOUND",
                format!("Unable to find pipeline {pipeline_id}"),
            )
        })
}

/// `GET /crm/v3/pipelines/{objectType}` → `{results: [Pipeline]}`.
pub(crate) fn list_pipelines(call: Call<'_>) -> Result<Reply, ApiError> {
    let results: Vec<Value> = pipelines(&call)?.map(|pipeline| pipeline.raw.clone()).collect();
    Ok(Reply::Json(200, json!({ "results": results })))
}

/// `GET /crm/v3/pipelines/{objectType}/{pipelineId}` → `Pipeline`.
pub(crate) fn read_pipeline(call: Call<'_>, pipeline_id: &str) -> Result<Reply, ApiError> {
    Ok(Reply::Json(200, pipeline(&call, pipeline_id)?.raw.clone()))
}

/// `GET /crm/v3/pipelines/{objectType}/{pipelineId}/stages` → `{results: [PipelineStage]}`.
pub(crate) fn list_stages(call: Call<'_>, pipeline_id: &str) -> Result<Reply, ApiError> {
    let results: Vec<Value> = pipeline(&call, pipeline_id)?
        .live_stages()
        .map(|stage| stage.raw.clone())
        .collect();
    Ok(Reply::Json(200, json!({ "results": results })))
}

/// `GET /crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}` → `PipelineStage`.
pub(crate) fn read_stage(call: Call<'_>, pipeline_id: &str, stage_id: &str) -> Result<Reply, ApiError> {
    let stage = pipeline(&call, pipeline_id)?
        .live_stages()
        .find(|stage| stage.id == stage_id)
        .ok_or_else(|| {
            ApiError::new(
                404,
                "OBJECT_NOT_FOUND",
                format!("Unable to find stage {stage_id} in pipeline {pipeline_id}"),
            )
        })?;
    Ok(Reply::Json(200, stage.raw.clone()))
}

/// The properties a properties request may see: archived ones only with
/// `archived=true`, of the asked-for `dataSensitivity` (default `non_sensitive`).
fn visible_properties<'a>(call: &'a Call<'_>) -> Result<Vec<&'a PropertyDef>, ApiError> {
    let archived = call.query.flag("archived");
    let sensitivity = call
        .query
        .first("dataSensitivity")
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .unwrap_or("non_sensitive");
    if !["non_sensitive", "sensitive", "highly_sensitive"].contains(&sensitivity) {
        return Err(ApiError::validation(format!(
            "Invalid dataSensitivity {sensitivity}: expected one of non_sensitive, sensitive, highly_sensitive."
        )));
    }
    Ok(call
        .catalog
        .properties(call.object_type)
        .iter()
        .filter(|definition| definition.archived == archived)
        .filter(|definition| definition.data_sensitivity.as_deref().unwrap_or("non_sensitive") == sensitivity)
        .collect())
}

/// `GET /crm/v3/properties/{objectType}` → `{results: [Property]}`.
pub(crate) fn list_properties(call: Call<'_>) -> Result<Reply, ApiError> {
    let names = call.query.list("properties");
    let results: Vec<Value> = visible_properties(&call)?
        .into_iter()
        .filter(|definition| names.is_empty() || names.contains(&definition.name))
        .map(|definition| definition.raw.clone())
        .collect();
    Ok(Reply::Json(200, json!({ "results": results })))
}

/// `GET /crm/v3/properties/{objectType}/{propertyName}` → `Property`.
pub(crate) fn read_property(call: Call<'_>, name: &str) -> Result<Reply, ApiError> {
    let definition = visible_properties(&call)?
        .into_iter()
        .find(|definition| definition.name == name)
        .ok_or_else(|| {
            let mut error = ApiError::new(404, "OBJECT_NOT_FOUND", format!("Property \"{name}\" does not exist"));
            error.sub_category = Some("PROPERTY_DOESNT_EXIST");
            error
        })?;
    Ok(Reply::Json(200, definition.raw.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::objects::ObjectType;
    use crate::query::QueryParams;
    use crate::store::Store;

    fn call<'a>(catalog: &'a Catalog, store: &'a mut Store, object_type: ObjectType, query: &str) -> Call<'a> {
        Call {
            catalog,
            store,
            portal_id: 1,
            object_type,
            required_properties: Vec::new(),
            owners: &[],
            query: QueryParams::parse(Some(query)),
            body: b"",
        }
    }

    fn names(reply: Result<Reply, ApiError>, key: &str) -> Vec<String> {
        match reply {
            Ok(Reply::Json(200, body)) => body["results"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item[key].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn schema_endpoints_properties_filter_by_sensitivity_and_name() {
        let text = json!({"results": [
            {"name": "a", "label": "A", "type": "string", "fieldType": "text", "description": "", "groupName": "g", "options": []},
            {"name": "b", "label": "B", "type": "string", "fieldType": "text", "description": "", "groupName": "g",
             "options": [], "dataSensitivity": "sensitive"},
            {"name": "c", "label": "C", "type": "string", "fieldType": "text", "description": "", "groupName": "g",
             "options": [], "dataSensitivity": "non_sensitive"}
        ]})
        .to_string();
        let catalog = Catalog::parse(&[(ObjectType::Contacts, "c".to_owned(), &text)], &[]).unwrap_or_default();
        let mut store = Store::new(&catalog);
        let contacts = ObjectType::Contacts;
        assert_eq!(
            names(list_properties(call(&catalog, &mut store, contacts, "")), "name"),
            ["a", "c"]
        );
        let sensitive = list_properties(call(&catalog, &mut store, contacts, "dataSensitivity=sensitive"));
        assert_eq!(names(sensitive, "name"), ["b"]);
        assert_eq!(
            names(
                list_properties(call(&catalog, &mut store, contacts, "properties=c,b")),
                "name"
            ),
            ["c"]
        );
        let invalid = list_properties(call(&catalog, &mut store, contacts, "dataSensitivity=secret"));
        assert!(matches!(invalid, Err(ref error) if error.status == 400));
        let hidden = read_property(call(&catalog, &mut store, contacts, ""), "b");
        assert!(matches!(hidden, Err(ref error) if error.status == 404));
        assert!(
            names(
                list_properties(call(&catalog, &mut store, ObjectType::Deals, "")),
                "name"
            )
            .is_empty()
        );
    }

    #[test]
    fn schema_endpoints_hide_archived_pipelines_and_stages() {
        let catalog = Catalog::default();
        let mut store = Store::new(&catalog);
        let stage = |id: &str, archived: bool| {
            json!({"id": id, "label": id, "displayOrder": 0, "metadata": {}, "archived": archived,
                   "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"})
        };
        let pipeline = |id: &str, archived: bool| {
            Pipeline::from_json(json!({"id": id, "label": id, "displayOrder": 0, "archived": archived,
                "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z",
                "stages": [stage("open", false), stage("gone", true)]}))
        };
        for (id, archived) in [("live", false), ("old", true)] {
            if let Ok(pipeline) = pipeline(id, archived) {
                store.put_pipeline(ObjectType::Tickets, pipeline);
            }
        }
        let tickets = ObjectType::Tickets;
        assert_eq!(
            names(list_pipelines(call(&catalog, &mut store, tickets, "")), "id"),
            ["live"]
        );
        assert!(matches!(read_pipeline(call(&catalog, &mut store, tickets, ""), "old"), Err(ref e) if e.status == 404));
        assert_eq!(
            names(list_stages(call(&catalog, &mut store, tickets, ""), "live"), "id"),
            ["open"]
        );
        let gone = read_stage(call(&catalog, &mut store, tickets, ""), "live", "gone");
        assert!(matches!(gone, Err(ref e) if e.status == 404));
        let unsupported = list_pipelines(call(&catalog, &mut store, ObjectType::Companies, ""));
        assert!(matches!(unsupported, Err(ref e) if e.status == 400));
    }
}
