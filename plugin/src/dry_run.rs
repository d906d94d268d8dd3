//! Dry runs of writes: the input checked as a write checks it, names resolved
//! as a write resolves them (those are reads), every written property checked
//! against the object type's definitions, and the exact request a write would
//! send, without sending it. Only GETs go out.

use serde_json::{Value, json};

use crate::answer::{PropertyDefinition, PropertyList};
use crate::connection::Connection;
use crate::error::Error;
use crate::execute::{begin, resolve};
use crate::http::{HttpRequest, Method};
use crate::labels::{self, Choice};
use crate::lookup::{Lookups, edit_distance};
use crate::order;
use crate::plan;
use crate::request::{ArchiveRequest, CreateRequest, PropertiesRequest, UpdateRequest};
use crate::transport::Transport;

/// How many close property names an unknown name's problem suggests.
const CLOSE_NAMES: usize = 3;

/// A write to plan without sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteRequest {
    /// A create.
    Create(CreateRequest),
    /// An update.
    Update(UpdateRequest),
    /// An archive.
    Archive(ArchiveRequest),
}

/// What a write would send, and what HubSpot would likely refuse in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritePreview {
    /// The requests, in the order they would go.
    pub requests: Vec<PlannedRequest>,
    /// The problems found; none means the write looks right.
    pub problems: Vec<WriteProblem>,
}

/// One request a write would send, without its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    /// `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: Method,
    /// The path, percent-encoded.
    pub path: String,
    /// The query after `?`, percent-encoded, if any.
    pub query: Option<String>,
    /// The JSON body, if any.
    pub body: Option<String>,
}

/// One written property HubSpot would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteProblem {
    /// The property's name as given.
    pub property: String,
    /// What is wrong.
    pub message: String,
    /// The values the property accepts, for a dropdown.
    pub allowed_values: Vec<String>,
}

/// Plans `request` as the write would send it: bad input fails as it would
/// (nothing sent); custom object names and owners are resolved; for creates
/// and updates the type's property definitions are read once and checked,
/// with values given by label planned as their internal values.
pub fn preview<T: Transport>(
    transport: &mut T,
    connection: &Connection,
    request: &WriteRequest,
) -> Result<WritePreview, Error> {
    match request {
        WriteRequest::Create(request) => {
            let (mut lookups, first) = begin(transport, connection, &|version| plan::create(request, version))?;
            let mut resolved = resolve(&mut lookups, request)?.unwrap_or_else(|| request.clone());
            let problems = check(&mut lookups, &resolved.object_type, &mut resolved.properties)?;
            let http = match problems.changed {
                false if resolved == *request => first,
                _ => plan::create(&resolved, lookups.version())?,
            };
            Ok(problems.into_preview(http))
        }
        WriteRequest::Update(request) => {
            let (mut lookups, first) = begin(transport, connection, &|version| plan::update(request, version))?;
            let mut resolved = resolve(&mut lookups, request)?.unwrap_or_else(|| request.clone());
            let problems = check(&mut lookups, &resolved.object_type, &mut resolved.properties)?;
            let http = match problems.changed {
                false if resolved == *request => first,
                _ => plan::update(&resolved, lookups.version())?,
            };
            Ok(problems.into_preview(http))
        }
        WriteRequest::Archive(request) => {
            let (mut lookups, first) = begin(transport, connection, &|version| plan::archive(request, version))?;
            let http = match resolve(&mut lookups, request)? {
                Some(resolved) => plan::archive(&resolved, lookups.version())?,
                None => first,
            };
            Ok(Checked::default().into_preview(http))
        }
    }
}

/// The problems found in a write's properties, and whether a value given
/// by label was replaced by its internal value.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub(crate) problems: Vec<WriteProblem>,
    pub(crate) changed: bool,
}

impl Checked {
    fn into_preview(self, http: HttpRequest) -> WritePreview {
        WritePreview {
            requests: vec![planned(&http)],
            problems: self.problems,
        }
    }
}

/// Reads the definitions of `object_type`'s properties and checks `written`
/// against them, replacing labels by values in place.
fn check<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: &str,
    written: &mut [(String, String)],
) -> Result<Checked, Error> {
    let results = definitions(lookups, object_type)?;
    Ok(check_properties(&results, written))
}

/// The definitions of `object_type`'s properties.
pub(crate) fn definitions<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: &str,
) -> Result<Vec<PropertyDefinition>, Error> {
    let request = PropertiesRequest {
        object_type: object_type.to_owned(),
        archived: false,
        query: None,
        compact: false,
    };
    let PropertyList { results } = lookups.send(&plan::properties(&request, lookups.version())?)?;
    Ok(results)
}

/// Checks each written property against `definitions`: it must exist, be
/// writable, and for a dropdown hold one option's value (or the label of
/// exactly one option, which is then written as its value).
pub(crate) fn check_properties(definitions: &[PropertyDefinition], written: &mut [(String, String)]) -> Checked {
    let mut checked = Checked::default();
    for (name, value) in written.iter_mut() {
        let Some(definition) = definitions.iter().find(|definition| definition.name == *name) else {
            checked.problems.push(WriteProblem {
                property: name.clone(),
                message: unknown_message(name, definitions),
                allowed_values: Vec::new(),
            });
            continue;
        };
        if definition.read_only_value() || definition.calculated {
            checked.problems.push(WriteProblem {
                property: name.clone(),
                message: format!("`{name}` is read-only: HubSpot sets its value"),
                allowed_values: Vec::new(),
            });
            continue;
        }
        // An empty value clears the property; a reference (an owner's id)
        // is checked when names are resolved, not against options.
        if definition.property_type != "enumeration"
            || definition.options.is_empty()
            || value.is_empty()
            || definition.referenced_object_type.is_some()
        {
            continue;
        }
        let choices: Vec<Choice> = definition
            .options
            .iter()
            .map(|option| Choice {
                label: option.label.clone(),
                value: option.value.clone(),
            })
            .collect();
        let is_value = |text: &str| choices.iter().any(|choice| choice.value == text);
        let all_values = value
            .split(';')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .all(is_value);
        if is_value(value) || (value.contains(';') && all_values) {
            continue;
        }
        match labels::option_value(value, &choices) {
            Some(internal) => {
                *value = internal;
                checked.changed = true;
            }
            None => {
                // Stages of different pipelines often share a label, which only
                // the value tells apart.
                let given = value.trim().to_lowercase();
                let shared = choices
                    .iter()
                    .filter(|choice| choice.label.trim().to_lowercase() == given)
                    .count();
                let allowed_values: Vec<String> = choices.into_iter().map(|choice| choice.value).collect();
                let what = if shared > 1 {
                    format!("`{value}` is the label of {shared} of `{name}`'s options; give one's value")
                } else {
                    format!("`{value}` is neither the value nor the label of one of `{name}`'s options")
                };
                checked.problems.push(WriteProblem {
                    property: name.clone(),
                    message: format!("{what}; allowed values: {}", allowed_values.join(", ")),
                    allowed_values,
                });
            }
        }
    }
    checked
}

/// That `name` is no property of the type, with the closest names.
fn unknown_message(name: &str, definitions: &[PropertyDefinition]) -> String {
    let given = name.to_ascii_lowercase();
    let ranks: Vec<(usize, &str)> = definitions
        .iter()
        .map(|definition| {
            let by_name = edit_distance(&given, &definition.name.to_ascii_lowercase());
            let by_label = edit_distance(&given, &definition.label.to_ascii_lowercase());
            (by_name.min(by_label), definition.name.as_str())
        })
        .collect();
    let mut ranked: Vec<usize> = (0..ranks.len()).collect();
    order::sort_by(&mut ranked, &|a, b| ranks.get(a).cmp(&ranks.get(b)));
    let close: Vec<String> = ranked
        .into_iter()
        .take(CLOSE_NAMES)
        .filter_map(|index| ranks.get(index))
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    if close.is_empty() {
        format!("`{name}` is not a property of this object type")
    } else {
        format!(
            "`{name}` is not a property of this object type; the closest are {}",
            close.join(", ")
        )
    }
}

/// The request as the caller sees it: path and query apart, body as text.
pub(crate) fn planned(http: &HttpRequest) -> PlannedRequest {
    let (path, query) = match http.path_and_query.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (http.path_and_query.clone(), None),
    };
    PlannedRequest {
        method: http.method,
        path,
        query,
        body: http
            .body
            .as_ref()
            .map(|body| String::from_utf8_lossy(body).into_owned()),
    }
}

/// The JSON `tool.invoke` answers a dry run with; bodies are JSON, not text.
pub fn preview_json(preview: &WritePreview) -> String {
    let requests: Vec<Value> = preview
        .requests
        .iter()
        .map(|request| {
            let mut object = json!({ "method": request.method.as_str(), "path": request.path });
            if let Some(query) = &request.query {
                object["query"] = Value::from(query.as_str());
            }
            if let Some(body) = &request.body {
                object["body"] = serde_json::from_str(body).unwrap_or_else(|_| Value::from(body.as_str()));
            }
            object
        })
        .collect();
    let problems: Vec<Value> = preview
        .problems
        .iter()
        .map(|problem| {
            let mut object = json!({ "property": problem.property, "message": problem.message });
            if !problem.allowed_values.is_empty() {
                object["allowedValues"] = json!(problem.allowed_values);
            }
            object
        })
        .collect();
    json!({ "dryRun": true, "requests": requests, "problems": problems }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{Scripted, connection, json};

    const DEAL_PROPERTIES: &str = r#"{"results":[
        {"name":"dealname","label":"Deal Name","type":"string","fieldType":"text"},
        {"name":"amount","label":"Amount","type":"number","fieldType":"number"},
        {"name":"dealtype","label":"Deal Type","type":"enumeration","fieldType":"select","options":[
            {"label":"New Business","value":"newbusiness"},{"label":"Existing Business","value":"existingbusiness"}]},
        {"name":"hs_object_id","label":"Record ID","type":"number","fieldType":"number",
            "modificationMetadata":{"readOnlyValue":true}}]}"#;

    fn deal(properties: &[(&str, &str)]) -> WriteRequest {
        WriteRequest::Create(CreateRequest {
            object_type: "deals".into(),
            properties: properties
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            associations: Vec::new(),
        })
    }

    #[test]
    fn a_clean_create_reads_the_definitions_only_and_plans_the_post() {
        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_PROPERTIES))]);
        let request = deal(&[("dealname", "Big"), ("dealtype", "newbusiness")]);
        let preview = preview(&mut transport, &connection(), &request).unwrap();
        assert_eq!(transport.sent.len(), 1);
        assert_eq!(transport.sent[0].0, Method::Get);
        assert!(transport.sent[0].1.ends_with("/crm/properties/2026-09/deals"));
        assert_eq!(preview.problems, []);
        assert_eq!(
            preview.requests,
            [PlannedRequest {
                method: Method::Post,
                path: "/crm/objects/2026-09/deals".into(),
                query: None,
                body: Some(r#"{"properties":{"dealname":"Big","dealtype":"newbusiness"}}"#.into()),
            }]
        );
    }

    #[test]
    fn a_label_is_planned_as_its_value_and_bad_names_and_values_are_problems() {
        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_PROPERTIES))]);
        let request = deal(&[
            ("dealnam", "Big"),
            ("dealtype", " new business "),
            ("hs_object_id", "4"),
        ]);
        let preview = preview(&mut transport, &connection(), &request).unwrap();
        assert!(
            preview.requests[0]
                .body
                .as_deref()
                .unwrap()
                .contains(r#""dealtype":"newbusiness""#)
        );
        let names: Vec<&str> = preview.problems.iter().map(|p| p.property.as_str()).collect();
        assert_eq!(names, ["dealnam", "hs_object_id"]);
        assert!(
            preview.problems[0].message.contains("the closest are `dealname`"),
            "{:?}",
            preview.problems
        );
        assert!(preview.problems[1].message.contains("read-only"));

        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_PROPERTIES))]);
        let preview = super::preview(&mut transport, &connection(), &deal(&[("dealtype", "Renewal")])).unwrap();
        assert_eq!(preview.problems[0].allowed_values, ["newbusiness", "existingbusiness"]);
        // The request is still planned as given, for the caller to see.
        assert!(preview.requests[0].body.as_deref().unwrap().contains("Renewal"));
    }

    #[test]
    fn a_label_several_options_share_is_a_problem_saying_so() {
        let stages = r#"{"results":[{"name":"dealstage","label":"Deal Stage","type":"enumeration","fieldType":"radio",
            "options":[{"label":"Closed Won","value":"closedwon"},{"label":"Closed Won","value":"renewed"}]}]}"#;
        let mut transport = Scripted::answering(vec![Ok(json(200, stages))]);
        let preview = preview(&mut transport, &connection(), &deal(&[("dealstage", "closed won")])).unwrap();
        assert_eq!(preview.problems.len(), 1, "{preview:?}");
        assert!(
            preview.problems[0]
                .message
                .starts_with("`closed won` is the label of 2 of `dealstage`'s options"),
            "{preview:?}"
        );
        assert_eq!(preview.problems[0].allowed_values, ["closedwon", "renewed"]);

        // An option's value is taken as given.
        let mut transport = Scripted::answering(vec![Ok(json(200, stages))]);
        let preview = super::preview(&mut transport, &connection(), &deal(&[("dealstage", "renewed")])).unwrap();
        assert_eq!(preview.problems, []);
    }

    #[test]
    fn an_update_keeps_its_query_apart_and_bad_input_sends_nothing() {
        let mut transport = Scripted::answering(vec![Ok(json(200, DEAL_PROPERTIES))]);
        let request = WriteRequest::Update(UpdateRequest {
            object_type: "deals".into(),
            record_id: "DEAL-7".into(),
            properties: vec![("amount".into(), "10".into())],
            id_property: Some("dealname".into()),
        });
        let preview = preview(&mut transport, &connection(), &request).unwrap();
        assert_eq!(preview.requests[0].method, Method::Patch);
        assert_eq!(preview.requests[0].path, "/crm/objects/2026-09/deals/DEAL-7");
        assert_eq!(preview.requests[0].query.as_deref(), Some("idProperty=dealname"));

        let mut transport = Scripted::default();
        let bad = deal(&[]);
        let bad = match bad {
            WriteRequest::Create(request) => WriteRequest::Create(CreateRequest {
                object_type: "deal".into(),
                ..request
            }),
            other => other,
        };
        assert!(matches!(
            super::preview(&mut transport, &connection(), &bad),
            Err(Error::InvalidInput(_))
        ));
        assert!(transport.sent.is_empty());
    }

    #[test]
    fn an_archive_sends_nothing_and_plans_the_delete() {
        let mut transport = Scripted::default();
        let request = WriteRequest::Archive(ArchiveRequest {
            object_type: "contacts".into(),
            record_id: "51".into(),
        });
        let preview = preview(&mut transport, &connection(), &request).unwrap();
        assert!(transport.sent.is_empty());
        assert_eq!(
            (preview.requests[0].method, preview.requests[0].path.as_str()),
            (Method::Delete, "/crm/objects/2026-09/contacts/51")
        );
        let text = preview_json(&preview);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            json!({"dryRun": true, "requests": [{"method": "DELETE", "path": "/crm/objects/2026-09/contacts/51"}], "problems": []})
        );
        assert!(!text.to_lowercase().contains("bearer"));
    }
}
