//! Labels where HubSpot wants internal values: when a write is refused with
//! `INVALID_OPTION` and each refused value is the label of exactly one
//! dropdown option or pipeline stage, the internal values to write instead.
//! The matching is pure; [`internal_values`] makes the lookups it needs.

use serde::Deserialize;
use serde_json::Value;

use crate::answer::{Page, PropertyDefinition};
use crate::entity::ObjectType;
use crate::error::{Error, PropertyProblem};
use crate::lookup::Lookups;
use crate::order;
use crate::plan;
use crate::request::PipelinesRequest;
use crate::response::embedded_items;
use crate::transport::Transport;

/// HubSpot's code for a value outside a property's options or a pipeline's stages.
pub const INVALID_OPTION: &str = "INVALID_OPTION";

/// One value a property accepts, with the label HubSpot's interface shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the interface shows: `Closed Won`.
    pub label: String,
    /// What the API takes: `closedwon`.
    pub value: String,
}

/// The properties that hold a record's pipeline and its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineFields {
    /// `pipeline` or `hs_pipeline`.
    pub pipeline: &'static str,
    /// `dealstage` or `hs_pipeline_stage`.
    pub stage: &'static str,
}

/// HubSpot names a deal's pipeline properties apart; every other pipelined
/// type, custom objects included, uses `hs_pipeline` and `hs_pipeline_stage`.
pub fn pipeline_fields(object_type: ObjectType<'_>) -> Option<PipelineFields> {
    match object_type.entity() {
        Some(entity) if !entity.has_pipelines => None,
        Some(entity) if entity.name == "deals" => Some(PipelineFields {
            pipeline: "pipeline",
            stage: "dealstage",
        }),
        _ => Some(PipelineFields {
            pipeline: "hs_pipeline",
            stage: "hs_pipeline_stage",
        }),
    }
}

/// The value of the one choice whose label is `given`, ignoring letter case
/// and surrounding spaces; `None` when no label or several match.
pub fn value_of_label<'c>(given: &str, choices: &'c [Choice]) -> Option<&'c str> {
    let given = given.trim().to_lowercase();
    let mut matching = choices
        .iter()
        .filter(|choice| choice.label.trim().to_lowercase() == given);
    match (matching.next(), matching.next()) {
        (Some(choice), None) => Some(&choice.value),
        _ => None,
    }
}

/// What to write for `given` in a dropdown: the value of the one option
/// labelled so, or for a multiple-checkbox value (`a;b`) each part as an
/// option's value or the value of the one option labelled so.
pub fn option_value(given: &str, choices: &[Choice]) -> Option<String> {
    if let Some(value) = value_of_label(given, choices) {
        return Some(value.to_owned());
    }
    if !given.contains(';') {
        return None;
    }
    let parts: Option<Vec<&str>> = given
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match choices.iter().find(|choice| choice.value == part) {
            Some(choice) => Some(choice.value.as_str()),
            None => value_of_label(part, choices),
        })
        .collect();
    parts.map(|parts| parts.join(";"))
}

/// The options HubSpot lists in an `INVALID_OPTION` message, one
/// protobuf-text block per option: `[label: "Lead"\nvalue: "lead"\n…, label:
/// …]`, with `"` and `\` escaped by `\`. Empty when the message lists none.
pub fn listed_choices(message: &str) -> Vec<Choice> {
    let mut choices = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find("label: \"") {
        let Some((label, after_label)) = quoted(&rest[start + "label: ".len()..]) else {
            break;
        };
        let Some(at) = after_label.find("value: \"") else { break };
        let Some((value, after_value)) = quoted(&after_label[at + "value: ".len()..]) else {
            break;
        };
        choices.push(Choice { label, value });
        rest = after_value;
    }
    choices
}

/// The escaped string at the start of `text` (which begins with `"`), and
/// what follows its closing quote.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut unescaped = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' => unescaped.push(chars.next()?.1),
            '"' => return Some((unescaped, &text[index + 1..])),
            c => unescaped.push(c),
        }
    }
    None
}

/// The pipeline HubSpot checked a stage against, from `… Valid options
/// are: pipelineId=default : [...]`.
pub fn checked_pipeline(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("pipelineId=")?;
    let id = rest.split([' ', ':']).next()?.trim();
    (!id.is_empty()).then_some(id)
}

/// Each refused property's whole message, by name, from a `VALIDATION_ERROR`
/// body: its `message` embeds a JSON array of `{name, error, message}`
/// (the problems in [`Error::Validation`] keep only a shortened message).
pub fn refused_messages(body: &str) -> Vec<(String, String)> {
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    let Some(message) = json.get("message").and_then(Value::as_str) else {
        return Vec::new();
    };
    embedded_items(message)
        .iter()
        .filter_map(|item| {
            let name = item.get("name")?.as_str()?;
            let message = item.get("message")?.as_str()?;
            Some((name.to_owned(), message.to_owned()))
        })
        .collect()
}

/// A pipeline with what label matching needs of it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PipelineChoices {
    id: String,
    label: String,
    #[serde(default)]
    display_order: i32,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    stages: Vec<StageChoice>,
}

#[derive(Debug, Clone, Deserialize)]
struct StageChoice {
    id: String,
    label: String,
    #[serde(default)]
    archived: bool,
}

impl PipelineChoices {
    fn stage_choices(&self) -> Vec<Choice> {
        self.stages
            .iter()
            .filter(|stage| !stage.archived)
            .map(|stage| Choice {
                label: stage.label.clone(),
                value: stage.id.clone(),
            })
            .collect()
    }
}

/// The internal values to write instead of the refused labels, as
/// `(index in written, value)`; `None` unless every problem is an
/// `INVALID_OPTION` of a written value that is exactly one option's (or
/// stage's, or pipeline's) label. `body` is HubSpot's error body.
///
/// Costs nothing when HubSpot's message lists the options with their labels;
/// otherwise one read of the property's definition, or of the object type's
/// pipelines for pipeline and stage properties.
pub fn internal_values<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: ObjectType<'_>,
    written: &[(String, String)],
    body: &str,
    problems: &[PropertyProblem],
) -> Result<Option<Vec<(usize, String)>>, Error> {
    internal_values_reusing(
        lookups,
        &mut ReadChoices::default(),
        object_type,
        written,
        body,
        problems,
    )
}

/// What [`internal_values_reusing`] read, kept so that the inputs of one
/// batch, all of one object type, cost one read of each.
#[derive(Debug, Default)]
pub struct ReadChoices {
    pipelines: Option<Vec<PipelineChoices>>,
    definitions: Vec<(String, Vec<Choice>)>,
}

/// [`internal_values`] reusing, and adding to, what `read` holds of the
/// object type's pipelines and property definitions.
pub fn internal_values_reusing<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    read: &mut ReadChoices,
    object_type: ObjectType<'_>,
    written: &[(String, String)],
    body: &str,
    problems: &[PropertyProblem],
) -> Result<Option<Vec<(usize, String)>>, Error> {
    if problems.is_empty() || problems.iter().any(|problem| problem.code != INVALID_OPTION) {
        return Ok(None);
    }
    let messages = refused_messages(body);
    let fields = pipeline_fields(object_type);
    let index_of = |name: &str| written.iter().position(|(written, _)| written == name);
    let pipelines = &mut read.pipelines;
    let mut replacements: Vec<(usize, String)> = Vec::new();
    // The pipeline first: a stage is matched within the pipeline written.
    let later = |index: usize| {
        problems
            .get(index)
            .is_none_or(|problem| fields.is_none_or(|fields| problem.name != fields.pipeline))
    };
    let mut ordered: Vec<usize> = (0..problems.len()).collect();
    order::sort_by(&mut ordered, &|a, b| later(a).cmp(&later(b)).then(a.cmp(&b)));
    for problem in ordered.into_iter().filter_map(|index| problems.get(index)) {
        let Some(index) = index_of(&problem.name) else {
            return Ok(None);
        };
        let given = &written[index].1;
        let message = messages
            .iter()
            .find(|(name, _)| *name == problem.name)
            .map_or("", |(_, message)| message.as_str());
        let value = match fields {
            Some(fields) if problem.name == fields.pipeline || problem.name == fields.stage => {
                let Some(all) = load_pipelines(lookups, object_type, pipelines)? else {
                    return Ok(None);
                };
                let live: Vec<&PipelineChoices> = all.iter().filter(|pipeline| !pipeline.archived).collect();
                if problem.name == fields.pipeline {
                    let choices: Vec<Choice> = live
                        .iter()
                        .map(|pipeline| Choice {
                            label: pipeline.label.clone(),
                            value: pipeline.id.clone(),
                        })
                        .collect();
                    value_of_label(given, &choices).map(str::to_owned)
                } else {
                    let written_pipeline = index_of(fields.pipeline).map(|at| {
                        replacements
                            .iter()
                            .find(|(index, _)| *index == at)
                            .map_or(written[at].1.as_str(), |(_, value)| value.as_str())
                    });
                    let pipeline = checked_pipeline(message)
                        .or(written_pipeline)
                        .and_then(|id| live.iter().find(|pipeline| pipeline.id == id).copied())
                        .or_else(|| first_pipeline(&live));
                    pipeline.and_then(|pipeline| value_of_label(given, &pipeline.stage_choices()).map(str::to_owned))
                }
            }
            _ => {
                let mut choices = listed_choices(message);
                if choices.is_empty() {
                    choices = match read.definitions.iter().find(|(name, _)| *name == problem.name) {
                        Some((_, defined)) => defined.clone(),
                        None => {
                            let defined = defined_choices(lookups, object_type, &problem.name)?;
                            read.definitions.push((problem.name.clone(), defined.clone()));
                            defined
                        }
                    };
                }
                option_value(given, &choices)
            }
        };
        let Some(value) = value else {
            return Ok(None);
        };
        replacements.push((index, value));
    }
    // HubSpot checks no stage against a pipeline it refused: a stage written
    // with a pipeline given by label is matched now, so one retry is enough.
    if let (Some(fields), Some(all)) = (fields, &*pipelines)
        && let (Some(pipeline_at), Some(stage_at)) = (index_of(fields.pipeline), index_of(fields.stage))
        && !replacements.iter().any(|(index, _)| *index == stage_at)
        && let Some((_, pipeline_id)) = replacements.iter().find(|(index, _)| *index == pipeline_at)
        && let Some(pipeline) = all.iter().find(|pipeline| &pipeline.id == pipeline_id)
    {
        let stages = pipeline.stage_choices();
        let stage = &written[stage_at].1;
        if !stages.iter().any(|choice| &choice.value == stage)
            && let Some(value) = value_of_label(stage, &stages)
        {
            replacements.push((stage_at, value.to_owned()));
        }
    }
    Ok(Some(replacements))
}

/// The pipeline a record without one goes to: HubSpot's default pipeline,
/// which comes first in display order.
fn first_pipeline<'p>(live: &[&'p PipelineChoices]) -> Option<&'p PipelineChoices> {
    live.iter().min_by_key(|pipeline| pipeline.display_order).copied()
}

/// The object type's pipelines, read once per call; `None` when HubSpot has
/// none for it.
fn load_pipelines<'p, T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: ObjectType<'_>,
    cache: &'p mut Option<Vec<PipelineChoices>>,
) -> Result<Option<&'p [PipelineChoices]>, Error> {
    if cache.is_none() {
        let request = PipelinesRequest {
            object_type: object_type.path_segment().to_owned(),
        };
        let http = plan::pipelines(&request, lookups.version())?;
        match lookups.send::<Page<PipelineChoices>>(&http) {
            Ok(page) => *cache = Some(page.results),
            Err(Error::NotFound(_)) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    Ok(cache.as_deref())
}

/// The options of property `name` from its definition, for an error that
/// lists values without labels.
fn defined_choices<T: Transport>(
    lookups: &mut Lookups<'_, T>,
    object_type: ObjectType<'_>,
    name: &str,
) -> Result<Vec<Choice>, Error> {
    let request = plan::property_definition(object_type, name, lookups.version());
    match lookups.send::<PropertyDefinition>(&request) {
        Ok(definition) => Ok(definition
            .options
            .into_iter()
            .map(|option| Choice {
                label: option.label,
                value: option.value,
            })
            .collect()),
        Err(Error::NotFound(_)) => Ok(Vec::new()),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
        pairs
            .iter()
            .map(|(label, value)| Choice {
                label: (*label).into(),
                value: (*value).into(),
            })
            .collect()
    }

    #[test]
    fn a_label_matches_ignoring_case_and_surrounding_spaces() {
        let stages = choices(&[("Closed Won", "closedwon"), ("Closed Lost", "closedlost")]);
        assert_eq!(value_of_label("Closed Won", &stages), Some("closedwon"));
        assert_eq!(value_of_label("  closed won ", &stages), Some("closedwon"));
        assert_eq!(value_of_label("Closed", &stages), None);
        assert_eq!(value_of_label("closedwon", &stages), None, "values are not labels");
    }

    #[test]
    fn a_label_two_options_share_matches_neither() {
        let options = choices(&[("Won", "won-a"), ("won ", "won-b"), ("Lost", "lost")]);
        assert_eq!(value_of_label("WON", &options), None);
        assert_eq!(value_of_label("lost", &options), Some("lost"));
    }

    #[test]
    fn each_checkbox_part_is_a_value_or_one_option_s_label() {
        let options = choices(&[("Email", "EMAIL"), ("Phone call", "PHONE"), ("Text", "SMS")]);
        assert_eq!(option_value("phone call", &options).as_deref(), Some("PHONE"));
        assert_eq!(
            option_value("EMAIL; Phone call;text", &options).as_deref(),
            Some("EMAIL;PHONE;SMS")
        );
        assert_eq!(option_value("EMAIL;Fax", &options), None);
        assert_eq!(option_value("Fax", &options), None);
    }

    #[test]
    fn options_are_read_from_hubspot_s_protobuf_text_with_escapes() {
        let message = "Technology was not one of the allowed options: [label: \"Accounting\"\nvalue: \
             \"ACCOUNTING\"\ndisplay_order: 0\nhidden: false\nread_only: false\n, label: \"Say \\\"hi\\\" \\\\ \
             bye\"\nvalue: \"SAY_HI\"\ndisplay_order: 1\nhidden: false\nread_only: false\n]";
        assert_eq!(
            listed_choices(message),
            choices(&[("Accounting", "ACCOUNTING"), ("Say \"hi\" \\ bye", "SAY_HI")])
        );
        assert!(listed_choices("1 is not a valid pipeline stage ID. Valid options are: [a, b]").is_empty());
        assert!(listed_choices("x: [label: \"cut").is_empty());
    }

    #[test]
    fn the_checked_pipeline_is_read_from_a_stage_message() {
        assert_eq!(
            checked_pipeline(
                "Closed Won is not a valid pipeline stage ID. Valid options are: pipelineId=default : [a, b]"
            ),
            Some("default")
        );
        assert_eq!(
            checked_pipeline("x is not a valid pipeline ID. Valid options are: [default]"),
            None
        );
    }

    #[test]
    fn refused_messages_are_whole_and_by_name() {
        let inner = r#"[{"isValid":false,"message":"Lead was not one of the allowed options: [label: \"Lead\"\nvalue: \"lead\"\n]","error":"INVALID_OPTION","name":"lifecyclestage"}]"#;
        let body = serde_json::json!({
            "status": "error",
            "message": format!("Property values were not valid: {inner}"),
            "category": "VALIDATION_ERROR",
        })
        .to_string();
        let messages = refused_messages(&body);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].0, "lifecyclestage");
        assert_eq!(listed_choices(&messages[0].1), choices(&[("Lead", "lead")]));
        assert!(refused_messages("not json").is_empty());
    }

    #[test]
    fn deals_name_their_pipeline_fields_apart() {
        let fields = |name| pipeline_fields(ObjectType::parse(name).unwrap());
        assert_eq!(fields("deals").map(|f| f.stage), Some("dealstage"));
        assert_eq!(fields("tickets").map(|f| f.stage), Some("hs_pipeline_stage"));
        assert_eq!(fields("2-3604285").map(|f| f.pipeline), Some("hs_pipeline"));
        assert_eq!(fields("contacts"), None);
    }
}
