//! Property values checked on create and update the way HubSpot checks them: against the
//! type's property catalog, the contact email rules, pipelines and stages, uniqueness.
//!
//! A rejected write answers 400 `VALIDATION_ERROR` in HubSpot's real shape (its
//! error-handling guide): `message` is `Property values were not valid: ` followed by a
//! JSON array with one `{"isValid":false,"message","error","name","localizedErrorMessage",
//! "portalId"}` per bad property (members in that order), and `errors[]` repeats each as
//! `{message, code, context: {propertyName: [name]}}`.
//!
//! Codes and messages (⚠ where not seen in a real response):
//! - `PROPERTY_DOESNT_EXIST`: `Property "foo" does not exist` (real).
//! - `READ_ONLY_VALUE` ⚠: `"hs_object_id" is a read only property; its value cannot be set.`
//! - `INVALID_OPTION` for enumerations and booleans, in the format of real (older) HubSpot
//!   responses: `<value> was not one of the allowed options: [label: "Lead"\nvalue:
//!   "lead"\ndisplay_order: 1\nhidden: false\nread_only: false\n, label: …\n]`, i.e. one
//!   protobuf-text block per option (`"` and `\` in labels and values escaped with `\`),
//!   joined by `, `; every allowed value can be read back from its `value: "…"` line. For a
//!   multiple-checkbox value (`a;b`) the first value not allowed is named.
//! - `INVALID_OPTION` for a stage outside the record's pipeline ⚠: `<stage> is not a valid
//!   pipeline stage ID. Valid options are: pipelineId=<pipeline> : [<stage>, <stage>]`;
//!   for an unknown pipeline ⚠: `<pipeline> is not a valid pipeline ID. Valid options are:
//!   [<pipeline>, <pipeline>]`. A deal's pipeline defaults to `default`, a ticket's to `0`,
//!   a lead's to `lead-pipeline-id`, and a create that names no pipeline gets that default written.
//! - `INVALID_INTEGER` for a non-number in a `number` property: `<value> was not a valid
//!   number.` (HubSpot's guide shows this code for number properties.)
//! - `INVALID_DATE` for a `date` not at UTC midnight (real): `1579179660000 is at 13:1:0.0
//!   UTC, not midnight!`; for an unreadable date ⚠: `<value> is not a valid date`.
//!   `INVALID_DATETIME` ⚠ for an unreadable `datetime`. Dates are stored as `YYYY-MM-DD`
//!   and datetimes as ISO-8601 instants, which is how HubSpot returns them.
//! - `INVALID_EMAIL` for a contact `email` that is not an address: `Email address <value>
//!   is invalid` (real).
//! - `REQUIRED_PROPERTY` ⚠ for a property the account's validation rules require (writes
//!   through API version 2026-09 on), missing on create or cleared on update:
//!   `Property "<name>" is required by this account's validation rules`.
//! - `REQUIRED_PROPERTY` ⚠ also for a property a custom object's schema lists in
//!   `requiredProperties`, through every API version: `Property "<name>" is required for
//!   objects of type <name>`.
//!
//! - `INVALID_OWNER_ID` ⚠ for a property that references owners (`referencedObjectType:
//!   "OWNER"`, e.g. `hubspot_owner_id`) set to anything but the id of a live owner:
//!   `<value> is not a valid owner id` (the code as remembered from real responses).
//!
//! `""` clears any writable property and is never checked further. The email, pipeline
//! and read-only-`hs_object_id` checks run for every type; the catalog checks only once
//! the type's catalog has been filled in.

use std::collections::BTreeMap;

use crate::catalog::{Catalog, OptionDef, Pipeline, PropertyDef};
use crate::errors::{ApiError, ErrorDetail};
use crate::objects::ObjectType;
use crate::owners::{self, Owner};
use crate::store::{Record, Store};
use crate::timestamps::{TimeOfDay, format_date, format_iso, parse_instant};

/// The code of a property an account's validation rule requires. HubSpot documents
/// the 400 `VALIDATION_ERROR` but not this inner code ⚠.
const REQUIRED_BY_RULE: &str = "REQUIRED_PROPERTY";

/// Why one property value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PropertyIssue {
    pub(crate) name: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl PropertyIssue {
    fn new(name: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            code,
            message: message.into(),
        }
    }
}

/// What a write is checked against.
pub(crate) struct WriteCheck<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) pipelines: &'a [Pipeline],
    pub(crate) object_type: ObjectType,
    /// The record being updated; `None` for a create.
    pub(crate) existing: Option<&'a Record>,
    /// Properties the account's validation rules require (API version 2026-09 on).
    pub(crate) required: &'a [&'a str],
    /// The account's owners, which owner-referencing properties must name.
    pub(crate) owners: &'a [Owner],
}

impl WriteCheck<'_> {
    /// The values to store (dates normalised, default pipeline added on create), or every
    /// issue found.
    pub(crate) fn check(
        &self,
        input: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, Vec<PropertyIssue>> {
        let mut issues = Vec::new();
        let mut output = BTreeMap::new();
        for (name, value) in input {
            match self.check_one(name, value) {
                Ok(stored) => {
                    output.insert(name.clone(), stored);
                }
                Err(issue) => issues.push(issue),
            }
        }
        issues.extend(self.check_pipeline(input, &mut output));
        issues.extend(self.check_required(input));
        if issues.is_empty() {
            Ok(output)
        } else {
            issues.sort_by(|a, b| a.name.cmp(&b.name));
            Err(issues)
        }
    }

    /// The account's required properties: a create must set each, an update may not
    /// clear one.
    fn check_required(&self, input: &BTreeMap<String, String>) -> Vec<PropertyIssue> {
        let missing = |name: &&&str| match (input.get(**name), self.existing) {
            (Some(value), _) => value.is_empty(),
            (None, None) => true,
            (None, Some(_)) => false,
        };
        let by_schema = self.object_type.required_properties();
        let schema_issues = by_schema.iter().filter(missing).map(|name| {
            PropertyIssue::new(
                name,
                REQUIRED_BY_RULE,
                format!(
                    "Property \"{name}\" is required for objects of type {}",
                    self.object_type.path_name()
                ),
            )
        });
        let rule_issues = self
            .required
            .iter()
            .filter(|name| !by_schema.contains(*name))
            .filter(missing)
            .map(|name| {
                PropertyIssue::new(
                    name,
                    REQUIRED_BY_RULE,
                    format!("Property \"{name}\" is required by this account's validation rules"),
                )
            });
        schema_issues.chain(rule_issues).collect()
    }

    fn check_one(&self, name: &str, value: &str) -> Result<String, PropertyIssue> {
        let read_only = || {
            PropertyIssue::new(
                name,
                "READ_ONLY_VALUE",
                format!("\"{name}\" is a read only property; its value cannot be set."),
            )
        };
        if name == "hs_object_id" {
            return Err(read_only());
        }
        let definition = if self.catalog.knows_properties_of(self.object_type) {
            let definition = self.catalog.property(self.object_type, name).ok_or_else(|| {
                PropertyIssue::new(
                    name,
                    "PROPERTY_DOESNT_EXIST",
                    format!("Property \"{name}\" does not exist"),
                )
            })?;
            if definition.read_only_value {
                return Err(read_only());
            }
            Some(definition)
        } else {
            None
        };
        if value.is_empty() {
            return Ok(String::new());
        }
        if self.object_type == ObjectType::Contacts && name == "email" && !is_email(value) {
            return Err(PropertyIssue::new(
                name,
                "INVALID_EMAIL",
                format!("Email address {value} is invalid"),
            ));
        }
        match definition {
            Some(definition) if definition.referenced_object_type.as_deref() == Some("OWNER") => {
                if owners::is_assignable(self.owners, value) {
                    Ok(value.trim().to_owned())
                } else {
                    Err(PropertyIssue::new(
                        name,
                        "INVALID_OWNER_ID",
                        format!("{value} is not a valid owner id"),
                    ))
                }
            }
            Some(definition) if !self.is_pipeline_property(name) => check_against_definition(definition, value),
            _ => Ok(value.to_owned()),
        }
    }

    /// Pipeline and stage properties are checked against the pipelines, not options.
    fn is_pipeline_property(&self, name: &str) -> bool {
        !self.pipelines.is_empty()
            && self
                .object_type
                .pipeline_properties()
                .is_some_and(|fields| name == fields.pipeline || name == fields.stage)
    }

    fn check_pipeline(
        &self,
        input: &BTreeMap<String, String>,
        output: &mut BTreeMap<String, String>,
    ) -> Vec<PropertyIssue> {
        let Some(fields) = self.object_type.pipeline_properties() else {
            return Vec::new();
        };
        let given = |name: &str| input.get(name).map(String::as_str).filter(|v| !v.is_empty());
        let stored = |name: &str| self.existing.and_then(|record| record.value(name));
        if self.existing.is_none() && given(fields.pipeline).is_none() {
            output.insert(fields.pipeline.to_owned(), fields.default_pipeline.to_owned());
        }
        if self.pipelines.is_empty() || (given(fields.pipeline).is_none() && given(fields.stage).is_none()) {
            return Vec::new();
        }
        let pipeline_id = given(fields.pipeline)
            .or_else(|| stored(fields.pipeline))
            .unwrap_or(fields.default_pipeline);
        let live = || self.pipelines.iter().filter(|pipeline| !pipeline.archived);
        let Some(pipeline) = live().find(|pipeline| pipeline.id == pipeline_id) else {
            let valid: Vec<&str> = live().map(|pipeline| pipeline.id.as_str()).collect();
            return vec![PropertyIssue::new(
                fields.pipeline,
                "INVALID_OPTION",
                format!(
                    "{pipeline_id} is not a valid pipeline ID. Valid options are: [{}]",
                    valid.join(", ")
                ),
            )];
        };
        let Some(stage_id) = given(fields.stage).or_else(|| stored(fields.stage)) else {
            return Vec::new();
        };
        if pipeline.live_stages().any(|stage| stage.id == stage_id) {
            return Vec::new();
        }
        let valid: Vec<&str> = pipeline.live_stages().map(|stage| stage.id.as_str()).collect();
        vec![PropertyIssue::new(
            fields.stage,
            "INVALID_OPTION",
            format!(
                "{stage_id} is not a valid pipeline stage ID. Valid options are: \
                 pipelineId={pipeline_id} : [{}]",
                valid.join(", ")
            ),
        )]
    }
}

fn check_against_definition(definition: &PropertyDef, value: &str) -> Result<String, PropertyIssue> {
    let name = definition.name.as_str();
    match definition.kind.as_str() {
        "number" if !is_number(value) => Err(PropertyIssue::new(
            name,
            "INVALID_INTEGER",
            format!("{value} was not a valid number."),
        )),
        "bool" => {
            let options = if definition.options.is_empty() {
                vec![synthetic_option("true", 0), synthetic_option("false", 1)]
            } else {
                definition.options.clone()
            };
            check_options(name, value, &options, false)
        }
        "enumeration" if !definition.external_options && !definition.options.is_empty() => {
            check_options(name, value, &definition.options, definition.field_type == "checkbox")
        }
        "date" => match parse_instant(value) {
            None => Err(PropertyIssue::new(
                name,
                "INVALID_DATE",
                format!("{value} is not a valid date"),
            )),
            Some(ms) => {
                let clock = TimeOfDay::of(ms);
                if clock.is_midnight() {
                    Ok(format_date(ms))
                } else {
                    Err(PropertyIssue::new(
                        name,
                        "INVALID_DATE",
                        format!(
                            "{ms} is at {}:{}:{}.{} UTC, not midnight!",
                            clock.hour, clock.minute, clock.second, clock.milli
                        ),
                    ))
                }
            }
        },
        "datetime" => parse_instant(value)
            .map(format_iso)
            .ok_or_else(|| PropertyIssue::new(name, "INVALID_DATETIME", format!("{value} is not a valid datetime"))),
        _ => Ok(value.to_owned()),
    }
}

fn synthetic_option(value: &str, display_order: i64) -> OptionDef {
    OptionDef {
        label: value.to_owned(),
        value: value.to_owned(),
        display_order: Some(display_order),
        hidden: Some(false),
    }
}

fn check_options(name: &str, value: &str, options: &[OptionDef], multiple: bool) -> Result<String, PropertyIssue> {
    let allowed = |candidate: &str| options.iter().any(|option| option.value == candidate);
    let rejected = if multiple {
        value
            .split(';')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .find(|part| !allowed(part))
    } else {
        (!allowed(value)).then_some(value)
    };
    match rejected {
        None => Ok(value.to_owned()),
        Some(bad) => Err(PropertyIssue::new(
            name,
            "INVALID_OPTION",
            format!(
                "{bad} was not one of the allowed options: [{}]",
                options.iter().map(describe_option).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// One option in HubSpot's protobuf-text style.
fn describe_option(option: &OptionDef) -> String {
    format!(
        "label: \"{}\"\nvalue: \"{}\"\ndisplay_order: {}\nhidden: {}\nread_only: false\n",
        escape(&option.label),
        escape(&option.value),
        option.display_order.unwrap_or(-1),
        option.hidden.unwrap_or(false)
    )
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A decimal number as HubSpot's number properties take it (`12`, `-3.5`, `.5`, `1e3`).
pub(crate) fn is_number(value: &str) -> bool {
    let text = value.trim();
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty()),
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    mantissa_ok && exponent_ok
}

/// A plausible email address: one `@`, a local part and a dotted domain, no spaces.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let labels_ok = domain.split('.').all(|label| !label.is_empty());
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && labels_ok
        && !value.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

/// The 400 for `issues`, in HubSpot's shape (see the module doc).
pub(crate) fn issues_error(issues: &[PropertyIssue], portal_id: u64) -> ApiError {
    let embedded: Vec<String> = issues
        .iter()
        .map(|issue| {
            let message = json_string(&issue.message);
            format!(
                "{{\"isValid\":false,\"message\":{message},\"error\":{},\"name\":{},\
                 \"localizedErrorMessage\":{message},\"portalId\":{portal_id}}}",
                json_string(issue.code),
                json_string(&issue.name),
            )
        })
        .collect();
    let mut error = ApiError::validation(format!("Property values were not valid: [{}]", embedded.join(",")));
    error.errors = issues
        .iter()
        .map(|issue| ErrorDetail {
            message: issue.message.clone(),
            code: Some(issue.code.to_owned()),
            context: BTreeMap::from([("propertyName".to_owned(), vec![issue.name.clone()])]),
        })
        .collect();
    error
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The 409 when a write would give a live record the email of another contact or the
/// value of a unique catalog property another record holds (⚠ HubSpot's message for the
/// latter is undocumented: `A <type> with <property> "<value>" already exists. Existing ID: <id>`).
pub(crate) fn unique_conflict(
    store: &Store,
    catalog: &Catalog,
    object_type: ObjectType,
    own_id: Option<u64>,
    values: &BTreeMap<String, String>,
) -> Option<ApiError> {
    let others = |name: &str, value: &str, ignore_case: bool| {
        store.find(object_type, false, |record| {
            Some(record.id) != own_id
                && record.value(name).is_some_and(|existing| {
                    if ignore_case {
                        existing.eq_ignore_ascii_case(value)
                    } else {
                        existing == value
                    }
                })
        })
    };
    for (name, value) in values.iter().filter(|(_, value)| !value.is_empty()) {
        let is_email = object_type == ObjectType::Contacts && name == "email";
        let is_unique = is_email
            || catalog
                .property(object_type, name)
                .is_some_and(|definition| definition.has_unique_value);
        let Some(existing) = is_unique.then(|| others(name, value, is_email)).flatten() else {
            continue;
        };
        let message = if is_email {
            format!("Contact already exists. Existing ID: {}", existing.id)
        } else {
            format!(
                "A {} with {name} \"{value}\" already exists. Existing ID: {}",
                object_type.singular().to_ascii_lowercase(),
                existing.id
            )
        };
        return Some(ApiError::conflict(message));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn catalog() -> Catalog {
        let contacts = json!({"results": [
            {"name": "email", "label": "Email", "type": "string", "fieldType": "text",
             "description": "", "groupName": "g", "options": []},
            {"name": "lifecyclestage", "label": "Lifecycle Stage", "type": "enumeration",
             "fieldType": "radio", "description": "", "groupName": "g", "options": [
                {"label": "Lead", "value": "lead", "displayOrder": 1, "hidden": false},
                {"label": "Say \"hi\"", "value": "hi", "displayOrder": 2, "hidden": true}]},
            {"name": "interests", "label": "Interests", "type": "enumeration",
             "fieldType": "checkbox", "description": "", "groupName": "g", "options": [
                {"label": "A", "value": "a", "hidden": false},
                {"label": "B", "value": "b", "hidden": false}]},
            {"name": "hubspot_owner_id", "label": "Owner", "type": "enumeration",
             "fieldType": "select", "description": "", "groupName": "g", "options": [],
             "externalOptions": true, "referencedObjectType": "OWNER"},
            {"name": "score", "label": "Score", "type": "number", "fieldType": "number",
             "description": "", "groupName": "g", "options": []},
            {"name": "birthday", "label": "Birthday", "type": "date", "fieldType": "date",
             "description": "", "groupName": "g", "options": []},
            {"name": "seen", "label": "Seen", "type": "datetime", "fieldType": "date",
             "description": "", "groupName": "g", "options": []},
            {"name": "vip", "label": "VIP", "type": "bool", "fieldType": "booleancheckbox",
             "description": "", "groupName": "g", "options": []},
            {"name": "badge", "label": "Badge", "type": "string", "fieldType": "text",
             "description": "", "groupName": "g", "options": [], "hasUniqueValue": true},
            {"name": "createdate", "label": "Create date", "type": "datetime", "fieldType": "date",
             "description": "", "groupName": "g", "options": [],
             "modificationMetadata": {"archivable": false, "readOnlyDefinition": true, "readOnlyValue": true}},
            {"name": "gone", "label": "Gone", "type": "string", "fieldType": "text",
             "description": "", "groupName": "g", "options": [], "archived": true}
        ]})
        .to_string();
        let parsed = Catalog::parse(&[(ObjectType::Contacts, "c".to_owned(), &contacts)], &[]);
        parsed.unwrap_or_default()
    }

    fn pipelines() -> Vec<Pipeline> {
        let stage = |id: &str, archived: bool| {
            json!({"id": id, "label": id, "displayOrder": 0, "metadata": {},
                   "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
                   "archived": archived})
        };
        let pipeline = |id: &str, archived: bool, stages: Vec<Value>| {
            Pipeline::from_json(json!({"id": id, "label": id, "displayOrder": 0,
                "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
                "archived": archived, "stages": stages}))
        };
        [
            pipeline(
                "default",
                false,
                vec![
                    stage("appointmentscheduled", false),
                    stage("closedwon", false),
                    stage("old", true),
                ],
            ),
            pipeline("other", false, vec![stage("s1", false)]),
            pipeline("retired", true, vec![stage("r1", false)]),
        ]
        .into_iter()
        .filter_map(Result::ok)
        .collect()
    }

    fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn check_contact(pairs: &[(&str, &str)]) -> Result<BTreeMap<String, String>, Vec<PropertyIssue>> {
        let catalog = catalog();
        WriteCheck {
            catalog: &catalog,
            pipelines: &[],
            object_type: ObjectType::Contacts,
            existing: None,
            required: &[],
            owners: &owners::default_owners(),
        }
        .check(&input(pairs))
    }

    fn codes(result: Result<BTreeMap<String, String>, Vec<PropertyIssue>>) -> Vec<(String, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|issue| (issue.name, issue.code))
            .collect()
    }

    #[test]
    fn validation_accepts_valid_values_and_normalises_dates() {
        let result = check_contact(&[
            ("email", "ann@example.com"),
            ("lifecyclestage", "lead"),
            ("interests", "a;b"),
            ("hubspot_owner_id", "110000001"),
            ("score", "-12.5"),
            ("birthday", "1990-05-01"),
            ("seen", "1572406217883"),
            ("vip", "true"),
            ("badge", ""),
        ]);
        let Ok(stored) = result else {
            panic!("{result:?}");
        };
        assert_eq!(stored["birthday"], "1990-05-01");
        assert_eq!(stored["seen"], "2019-10-30T03:30:17.883Z");
        assert_eq!(stored["interests"], "a;b");
        let epoch_date = check_contact(&[("birthday", "641520000000")]);
        assert_eq!(epoch_date.map(|s| s["birthday"].clone()), Ok("1990-05-01".to_owned()));
    }

    #[test]
    fn validation_owner_properties_take_only_live_owner_ids() {
        for bad in ["123", "jade.chen@example.com", "110000005", "Jade Chen"] {
            let issues = check_contact(&[("hubspot_owner_id", bad)]).err().unwrap_or_default();
            assert_eq!(issues.len(), 1, "{bad}");
            assert_eq!(issues[0].code, "INVALID_OWNER_ID", "{bad}");
            assert_eq!(issues[0].message, format!("{bad} is not a valid owner id"));
        }
        let cleared = check_contact(&[("hubspot_owner_id", "")]);
        assert_eq!(
            cleared.map(|stored| stored["hubspot_owner_id"].clone()),
            Ok(String::new())
        );
    }

    #[test]
    fn validation_custom_object_required_properties_hold_in_every_version() {
        let catalog = Catalog::default();
        let create = WriteCheck {
            catalog: &catalog,
            pipelines: &[],
            object_type: ObjectType::Pets,
            existing: None,
            required: &["pet_name"],
            owners: &[],
        };
        let issues = create.check(&input(&[("species", "dog")])).err().unwrap_or_default();
        assert_eq!(
            issues.len(),
            1,
            "a rule repeating the schema's requirement is reported once"
        );
        assert_eq!(issues[0].code, REQUIRED_BY_RULE);
        assert_eq!(
            issues[0].message,
            "Property \"pet_name\" is required for objects of type pets"
        );
        assert!(create.check(&input(&[("pet_name", "Rex")])).is_ok());
    }

    #[test]
    fn validation_reports_every_bad_property_with_hubspot_codes() {
        let result = check_contact(&[
            ("foo", "x"),
            ("gone", "x"),
            ("createdate", "2020-01-01"),
            ("hs_object_id", "5"),
            ("lifecyclestage", "Lead"),
            ("interests", "a;c"),
            ("score", "ten"),
            ("birthday", "1579179660000"),
            ("seen", "yesterday"),
            ("vip", "yes"),
            ("email", "not-an-email"),
        ]);
        assert_eq!(
            codes(result),
            vec![
                ("birthday".to_owned(), "INVALID_DATE"),
                ("createdate".to_owned(), "READ_ONLY_VALUE"),
                ("email".to_owned(), "INVALID_EMAIL"),
                ("foo".to_owned(), "PROPERTY_DOESNT_EXIST"),
                ("gone".to_owned(), "PROPERTY_DOESNT_EXIST"),
                ("hs_object_id".to_owned(), "READ_ONLY_VALUE"),
                ("interests".to_owned(), "INVALID_OPTION"),
                ("lifecyclestage".to_owned(), "INVALID_OPTION"),
                ("score".to_owned(), "INVALID_INTEGER"),
                ("seen".to_owned(), "INVALID_DATETIME"),
                ("vip".to_owned(), "INVALID_OPTION"),
            ]
        );
    }

    #[test]
    fn validation_messages_follow_hubspot_wording() {
        let issues = check_contact(&[("birthday", "1579179660000"), ("interests", "a;c")])
            .err()
            .unwrap_or_default();
        assert_eq!(issues[0].message, "1579179660000 is at 13:1:0.0 UTC, not midnight!");
        assert_eq!(
            issues[1].message,
            "c was not one of the allowed options: [label: \"A\"\nvalue: \"a\"\ndisplay_order: -1\n\
             hidden: false\nread_only: false\n, label: \"B\"\nvalue: \"b\"\ndisplay_order: -1\n\
             hidden: false\nread_only: false\n]"
        );
        let escaped = check_contact(&[("lifecyclestage", "x")]).err().unwrap_or_default();
        assert!(
            escaped[0]
                .message
                .contains("label: \"Say \\\"hi\\\"\"\nvalue: \"hi\"\ndisplay_order: 2\nhidden: true")
        );
        let unknown = check_contact(&[("foo", "x")]).err().unwrap_or_default();
        assert_eq!(unknown[0].message, "Property \"foo\" does not exist");
    }

    #[test]
    fn validation_without_catalog_checks_only_email_and_object_id() {
        let empty = Catalog::default();
        let check = WriteCheck {
            catalog: &empty,
            pipelines: &[],
            object_type: ObjectType::Contacts,
            existing: None,
            required: &[],
            owners: &[],
        };
        assert!(check.check(&input(&[("anything", "x"), ("score", "ten")])).is_ok());
        assert_eq!(
            codes(check.check(&input(&[("email", "a@b"), ("hs_object_id", "1")]))),
            vec![
                ("email".to_owned(), "INVALID_EMAIL"),
                ("hs_object_id".to_owned(), "READ_ONLY_VALUE")
            ]
        );
    }

    #[test]
    fn validation_rules_require_a_property_on_create_and_keep_it_on_update() {
        let empty = Catalog::default();
        let mut store = Store::new(&empty);
        let create = WriteCheck {
            catalog: &empty,
            pipelines: &[],
            object_type: ObjectType::Contacts,
            existing: None,
            required: &["lastname"],
            owners: &[],
        };
        assert_eq!(
            codes(create.check(&input(&[("firstname", "Jade")]))),
            vec![("lastname".to_owned(), REQUIRED_BY_RULE)]
        );
        assert_eq!(
            codes(create.check(&input(&[("lastname", "")]))),
            vec![("lastname".to_owned(), REQUIRED_BY_RULE)]
        );
        assert!(create.check(&input(&[("lastname", "Chen")])).is_ok());
        let id = store.create(ObjectType::Contacts, &input(&[("lastname", "Chen")]));
        let update = WriteCheck {
            existing: store.record(ObjectType::Contacts, id),
            ..create
        };
        assert!(update.check(&input(&[("firstname", "Jade")])).is_ok());
        assert_eq!(
            codes(update.check(&input(&[("lastname", "")]))),
            vec![("lastname".to_owned(), REQUIRED_BY_RULE)]
        );
    }

    #[test]
    fn validation_deal_stage_must_belong_to_the_pipeline() {
        let empty = Catalog::default();
        let pipelines = pipelines();
        let create = WriteCheck {
            catalog: &empty,
            pipelines: &pipelines,
            object_type: ObjectType::Deals,
            existing: None,
            required: &[],
            owners: &[],
        };
        let stored = create.check(&input(&[("dealstage", "closedwon")]));
        assert_eq!(stored.map(|s| s["pipeline"].clone()), Ok("default".to_owned()));
        let wrong = create.check(&input(&[("dealstage", "s1")])).err().unwrap_or_default();
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].code, "INVALID_OPTION");
        assert_eq!(
            wrong[0].message,
            "s1 is not a valid pipeline stage ID. Valid options are: pipelineId=default : [appointmentscheduled, closedwon]"
        );
        assert!(
            create
                .check(&input(&[("pipeline", "other"), ("dealstage", "s1")]))
                .is_ok()
        );
        let archived = create.check(&input(&[("dealstage", "old")]));
        assert_eq!(codes(archived), vec![("dealstage".to_owned(), "INVALID_OPTION")]);
        let retired = create
            .check(&input(&[("pipeline", "retired")]))
            .err()
            .unwrap_or_default();
        assert_eq!(retired[0].name, "pipeline");
        assert_eq!(
            retired[0].message,
            "retired is not a valid pipeline ID. Valid options are: [default, other]"
        );
    }

    #[test]
    fn validation_pipeline_change_rechecks_the_stored_stage() {
        let empty = Catalog::default();
        let pipelines = pipelines();
        let mut store = Store::new(&empty);
        let id = store.create(
            ObjectType::Deals,
            &input(&[("pipeline", "default"), ("dealstage", "closedwon")]),
        );
        let existing = store.record(ObjectType::Deals, id);
        let update = WriteCheck {
            catalog: &empty,
            pipelines: &pipelines,
            object_type: ObjectType::Deals,
            existing,
            required: &[],
            owners: &[],
        };
        assert_eq!(
            codes(update.check(&input(&[("pipeline", "other")]))),
            vec![("dealstage".to_owned(), "INVALID_OPTION")]
        );
        let unchanged = update.check(&input(&[("amount", "5")]));
        assert_eq!(unchanged.map(|s| s.contains_key("pipeline")), Ok(false));
        assert!(update.check(&input(&[("dealstage", "appointmentscheduled")])).is_ok());
    }

    #[test]
    fn validation_tickets_default_to_pipeline_zero() {
        let empty = Catalog::default();
        let create = WriteCheck {
            catalog: &empty,
            pipelines: &[],
            object_type: ObjectType::Tickets,
            existing: None,
            required: &[],
            owners: &[],
        };
        let stored = create.check(&input(&[("hs_pipeline_stage", "1")]));
        assert_eq!(stored.map(|s| s["hs_pipeline"].clone()), Ok("0".to_owned()));
    }

    #[test]
    fn validation_is_number_and_is_email_edge_cases() {
        for good in ["0", "12", "-3.5", ".5", "5.", "1e3", "+2E-2"] {
            assert!(is_number(good), "{good}");
        }
        for bad in ["", ".", "1.2.3", "ten", "1e", "NaN", "inf", "--1", "1,5"] {
            assert!(!is_number(bad), "{bad}");
        }
        for good in ["a@b.co", "first.last+tag@sub.example.org"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["a@b", "@b.co", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "plain"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn validation_issues_error_embeds_hubspots_json_array() {
        let issues = check_contact(&[("foo", "x")]).err().unwrap_or_default();
        let error = issues_error(&issues, 42);
        assert_eq!(error.status, 400);
        assert_eq!(
            error.message,
            "Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"foo\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"foo\",\"localizedErrorMessage\":\"Property \\\"foo\\\" does not exist\",\"portalId\":42}]"
        );
        let body = error.body("c");
        assert_eq!(body["errors"][0]["code"], "PROPERTY_DOESNT_EXIST");
        assert_eq!(body["errors"][0]["context"]["propertyName"], json!(["foo"]));
        assert_eq!(body["category"], "VALIDATION_ERROR");
        let embedded: Result<Value, _> =
            serde_json::from_str(&error.message["Property values were not valid: ".len()..]);
        assert_eq!(embedded.ok().map(|v| v[0]["name"].clone()), Some(json!("foo")));
    }

    #[test]
    fn validation_unique_conflicts_name_the_existing_record() {
        let catalog = catalog();
        let mut store = Store::new(&catalog);
        let ann = store.create(
            ObjectType::Contacts,
            &input(&[("email", "Ann@Example.com"), ("badge", "7")]),
        );
        let duplicate = unique_conflict(
            &store,
            &catalog,
            ObjectType::Contacts,
            None,
            &input(&[("email", "ann@example.COM")]),
        );
        assert_eq!(duplicate.as_ref().map(|e| e.status), Some(409));
        assert_eq!(
            duplicate.map(|e| e.message),
            Some(format!("Contact already exists. Existing ID: {ann}"))
        );
        assert!(
            unique_conflict(
                &store,
                &catalog,
                ObjectType::Contacts,
                Some(ann),
                &input(&[("email", "ann@example.com")])
            )
            .is_none()
        );
        let badge = unique_conflict(&store, &catalog, ObjectType::Contacts, None, &input(&[("badge", "7")]));
        assert_eq!(
            badge.map(|e| e.message),
            Some(format!("A contact with badge \"7\" already exists. Existing ID: {ann}"))
        );
        store.archive(ObjectType::Contacts, ann);
        assert!(
            unique_conflict(
                &store,
                &catalog,
                ObjectType::Contacts,
                None,
                &input(&[("email", "ann@example.com")])
            )
            .is_none()
        );
    }
}
